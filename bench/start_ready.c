// SPDX-License-Identifier: GPL-2.0-only
/*
 * Starts a daemon the way systemd's Type=notify does and times it: from the
 * exec to its READY=1. Prints "PID MILLISECONDS" and leaves it running.
 *   start_ready LOG PROGRAM [ARG]...   (stdout and stderr go to LOG)
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define TIMEOUT_MS 30000

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	char name[64], msg[4096];
	struct pollfd pfd;
	double start;
	int sock, log, status;
	ssize_t n;
	pid_t pid;

	if (argc < 3) {
		fprintf(stderr, "usage: start_ready LOG PROGRAM [ARG]...\n");
		return 2;
	}
	/* An abstract socket: nothing to clean up, "@" in NOTIFY_SOCKET. */
	snprintf(name, sizeof(name), "vigil-bench-ready-%d", getpid());
	memcpy(addr.sun_path + 1, name, strlen(name));
	sock = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (sock < 0 || bind(sock, (struct sockaddr *)&addr,
			     offsetof(struct sockaddr_un, sun_path) + 1 + strlen(name))) {
		perror("notify socket");
		return 1;
	}
	log = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (log < 0) {
		perror(argv[1]);
		return 1;
	}
	snprintf(msg, sizeof(msg), "@%s", name);
	setenv("NOTIFY_SOCKET", msg, 1);
	start = now_ms();
	pid = fork();
	if (pid < 0) {
		perror("fork");
		return 1;
	}
	if (pid == 0) {
		dup2(log, STDOUT_FILENO);
		dup2(log, STDERR_FILENO);
		setsid();
		execvp(argv[2], argv + 2);
		_exit(127);
	}
	pfd.fd = sock;
	pfd.events = POLLIN;
	while (now_ms() - start < TIMEOUT_MS) {
		if (waitpid(pid, &status, WNOHANG) == pid) {
			fprintf(stderr, "%s exited before it was ready (see %s)\n", argv[2],
				argv[1]);
			return 1;
		}
		if (poll(&pfd, 1, 100) <= 0)
			continue;
		n = recv(sock, msg, sizeof(msg) - 1, 0);
		if (n < 0)
			continue;
		msg[n] = '\0';
		if (!strncmp(msg, "READY=1", 7) || strstr(msg, "\nREADY=1")) {
			printf("%d %.1f\n", pid, now_ms() - start);
			return 0;
		}
	}
	fprintf(stderr, "%s not ready after %d ms\n", argv[2], TIMEOUT_MS);
	kill(pid, SIGKILL);
	return 1;
}
