// SPDX-License-Identifier: GPL-2.0-only
/*
 * Opens a file through io_uring (IORING_OP_OPENAT), never calling open(2):
 * for tests/e2e/evasion_kernel.sh. Built static, to run in any container.
 *   uring-open PATH
 */
#include <fcntl.h>
#include <liburing.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	struct io_uring_cqe *cqe;
	struct io_uring_sqe *sqe;
	struct io_uring ring;
	int err, res;

	if (argc != 2) {
		fprintf(stderr, "usage: uring-open PATH\n");
		return 2;
	}
	err = io_uring_queue_init(4, &ring, 0);
	if (err) {
		fprintf(stderr, "io_uring_queue_init: %s\n", strerror(-err));
		return 1;
	}
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_openat(sqe, AT_FDCWD, argv[1], O_RDONLY, 0);
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
		fprintf(stderr, "uring-open %s: %s\n", argv[1], strerror(-res));
		return 1;
	}
	printf("fd %d\n", res);
	return 0;
}
