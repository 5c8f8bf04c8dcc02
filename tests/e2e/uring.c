// SPDX-License-Identifier: GPL-2.0-only
/*
 * An open or a TCP connect through io_uring, never calling open(2) or
 * connect(2): for tests/e2e/evasion_kernel.sh. Built static, to run in any
 * container.
 *   uring open PATH
 *   uring connect IP PORT
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <liburing.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

int main(int argc, char **argv)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct io_uring_cqe *cqe;
	struct io_uring_sqe *sqe;
	struct io_uring ring;
	int err, res, fd;

	if (!(argc == 3 && !strcmp(argv[1], "open")) && !(argc == 4 && !strcmp(argv[1], "connect"))) {
		fprintf(stderr, "usage: uring open PATH | connect IP PORT\n");
		return 2;
	}
	err = io_uring_queue_init(4, &ring, 0);
	if (err) {
		fprintf(stderr, "io_uring_queue_init: %s\n", strerror(-err));
		return 1;
	}
	sqe = io_uring_get_sqe(&ring);
	if (argc == 3) {
		io_uring_prep_openat(sqe, AT_FDCWD, argv[2], O_RDONLY, 0);
	} else {
		fd = socket(AF_INET, SOCK_STREAM, 0);
		sin.sin_port = htons(atoi(argv[3]));
		if (fd < 0 || inet_pton(AF_INET, argv[2], &sin.sin_addr) != 1) {
			fprintf(stderr, "uring connect: bad address or no socket\n");
			return 2;
		}
		io_uring_prep_connect(sqe, fd, (struct sockaddr *)&sin, sizeof(sin));
	}
	io_uring_submit(&ring);
	err = io_uring_wait_cqe(&ring, &cqe);
	if (err) {
		fprintf(stderr, "io_uring_wait_cqe: %s\n", strerror(-err));
		return 1;
	}
	res = cqe->res;
	io_uring_cqe_seen(&ring, cqe);
	io_uring_queue_exit(&ring);
	if (res < 0) {
		fprintf(stderr, "uring %s: %s\n", argv[1], strerror(-res));
		return 1;
	}
	return 0;
}
