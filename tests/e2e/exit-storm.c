// SPDX-License-Identifier: GPL-2.0-only
/*
 * N processes that exit on request: the storm for tests/e2e/faults.sh, which
 * lets them go while vigild starts and seeds its process table. Prints
 * "ready" once all N exist; on SIGUSR1 they exit (their pipe closes), spread
 * evenly over SPREAD_MS so that some go during any part of the start-up, are
 * reaped, and it prints "done N".
 *   exit-storm N [SPREAD_MS]
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t go;

static void on_usr1(int sig)
{
	(void)sig;
	go = 1;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_usr1 };
	long i, n, spread_ms = 0, reaped = 0;
	sigset_t block, old;
	int fds[2];
	char c;

	if (argc < 2 || argc > 3 || (n = atol(argv[1])) <= 0) {
		fprintf(stderr, "usage: exit-storm N [SPREAD_MS]\n");
		return 2;
	}
	if (argc == 3)
		spread_ms = atol(argv[2]);
	if (pipe(fds) < 0) {
		perror("pipe");
		return 1;
	}
	sigaction(SIGUSR1, &sa, NULL);
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigprocmask(SIG_BLOCK, &block, &old);
	for (i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid < 0) {
			perror("fork");
			return 1;
		}
		if (pid == 0) {
			close(fds[1]);
			/* Blocks until the parent's end closes: then everyone goes. */
			while (read(fds[0], &c, 1) < 0 && errno == EINTR)
				;
			if (spread_ms) {
				long long ns = spread_ms * 1000000LL * i / n;
				struct timespec ts = { ns / 1000000000, ns % 1000000000 };

				nanosleep(&ts, NULL);
			}
			_exit(0);
		}
	}
	close(fds[0]);
	printf("ready\n");
	fflush(stdout);
	while (!go)
		sigsuspend(&old);
	close(fds[1]);
	while (wait(NULL) > 0 || errno == EINTR)
		reaped++;
	printf("done %ld\n", reaped);
	return reaped == n ? 0 : 1;
}
