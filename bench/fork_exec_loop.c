// SPDX-License-Identifier: GPL-2.0-only
/* fork+exec of a program (/bin/true) and a wait for it, in a loop; prints ns
 * per iteration. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long i, iterations = argc > 1 ? atol(argv[1]) : 2000;
	char *path = argc > 2 ? argv[2] : "/bin/true";
	char *const args[] = { path, NULL };
	struct timespec start, end;
	int status;
	double ns;
	pid_t pid;

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (i = 0; i < iterations; i++) {
		pid = fork();
		if (pid < 0) {
			perror("fork");
			return 1;
		}
		if (pid == 0) {
			execv(path, args);
			_exit(127);
		}
		if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
		    WEXITSTATUS(status) != 0) {
			fprintf(stderr, "%s failed\n", path);
			return 1;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &end);
	ns = (end.tv_sec - start.tv_sec) * 1e9 + (end.tv_nsec - start.tv_nsec);
	printf("%.1f\n", ns / iterations);
	return 0;
}
