// SPDX-License-Identifier: GPL-2.0-only
/* TCP connect+close to a loopback listener in a loop; prints wall and CPU ns
 * per iteration. A child process accepts and closes. The client closes with
 * a zero linger (a reset), so no TIME_WAIT piles up and the ephemeral ports
 * last any number of iterations. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "loop_clock.h"

static int listen_loopback(struct sockaddr_in *addr)
{
	socklen_t len = sizeof(*addr);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	addr->sin_family = AF_INET;
	addr->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	addr->sin_port = 0;
	if (fd < 0 || bind(fd, (struct sockaddr *)addr, sizeof(*addr)) ||
	    listen(fd, 4096) || getsockname(fd, (struct sockaddr *)addr, &len))
		return -1;
	return fd;
}

static void accept_forever(int lfd)
{
	for (;;) {
		int fd = accept(lfd, NULL, NULL);

		if (fd >= 0)
			close(fd);
	}
}

int main(int argc, char **argv)
{
	long i, iterations = argc > 1 ? atol(argv[1]) : 20000;
	struct linger reset = { .l_onoff = 1, .l_linger = 0 };
	struct loop_clock start;
	struct sockaddr_in addr;
	int lfd, fd, rc = 0;
	pid_t acceptor;

	lfd = listen_loopback(&addr);
	if (lfd < 0) {
		perror("listen");
		return 1;
	}
	acceptor = fork();
	if (acceptor < 0) {
		perror("fork");
		return 1;
	}
	if (acceptor == 0)
		accept_forever(lfd);
	close(lfd);

	loop_clock_read(&start);
	for (i = 0; i < iterations; i++) {
		fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof(addr))) {
			perror("connect");
			rc = 1;
			break;
		}
		setsockopt(fd, SOL_SOCKET, SO_LINGER, &reset, sizeof(reset));
		close(fd);
	}
	kill(acceptor, SIGKILL);
	waitpid(acceptor, NULL, 0);
	if (rc)
		return rc;
	loop_clock_print(&start, iterations);
	return 0;
}
