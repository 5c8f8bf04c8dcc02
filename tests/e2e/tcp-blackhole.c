// SPDX-License-Identifier: GPL-2.0-only
/*
 * A TCP collector that is not there, then is: the blackhole for
 * tests/e2e/faults.sh. It listens on 127.0.0.1:PORT with its accept queue
 * filled by connections of its own, so the kernel drops every further SYN
 * unanswered, as a firewall that drops packets does: a connect neither
 * succeeds nor is refused, it times out. On SIGUSR1 it opens up: accepts
 * every connection and appends what it reads to FILE.
 *   tcp-blackhole PORT FILE
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define FILLERS 4
#define CONNS_MAX 64

static volatile sig_atomic_t open_up;

static void on_usr1(int sig)
{
	(void)sig;
	open_up = 1;
}

int main(int argc, char **argv)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	struct sigaction act = { .sa_handler = on_usr1 };
	struct pollfd pfd[CONNS_MAX + 1];
	int lfd, out, one = 1, i, n = 1;
	char buf[65536];
	ssize_t got;

	if (argc != 3) {
		fprintf(stderr, "usage: tcp-blackhole PORT FILE\n");
		return 2;
	}
	out = open(argv[2], O_WRONLY | O_CREAT | O_APPEND, 0644);
	lfd = socket(AF_INET, SOCK_STREAM, 0);
	if (out < 0 || lfd < 0) {
		perror("tcp-blackhole");
		return 1;
	}
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	sa.sin_port = htons(atoi(argv[1]));
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(lfd, 0) < 0) {
		perror("tcp-blackhole: listen");
		return 1;
	}
	/* A backlog of 0 takes one connection: more fillers than that, and
	 * the ones past it stay half-open, also unanswered. */
	for (i = 0; i < FILLERS; i++) {
		int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);

		connect(fd, (struct sockaddr *)&sa, sizeof(sa));
	}
	sigaction(SIGUSR1, &act, NULL);
	printf("blackhole\n");
	fflush(stdout);
	while (!open_up)
		pause();
	printf("open\n");
	fflush(stdout);
	pfd[0].fd = lfd;
	pfd[0].events = POLLIN;
	for (;;) {
		if (poll(pfd, n, -1) < 0 && errno != EINTR)
			return 1;
		if ((pfd[0].revents & POLLIN) && n <= CONNS_MAX) {
			int fd = accept(lfd, NULL, NULL);

			if (fd >= 0) {
				pfd[n].fd = fd;
				pfd[n].events = POLLIN;
				pfd[n].revents = 0;
				n++;
			}
		}
		for (i = 1; i < n; i++) {
			if (!(pfd[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			got = read(pfd[i].fd, buf, sizeof(buf));
			if (got > 0) {
				if (write(out, buf, got) != got)
					return 1;
				continue;
			}
			close(pfd[i].fd);
			pfd[i--] = pfd[--n];
		}
	}
}
