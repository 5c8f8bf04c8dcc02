// SPDX-License-Identifier: GPL-2.0-only
/* fork+exec of a program (/bin/true) and a wait for it, in a loop; prints
 * wall and CPU ns per iteration. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "loop_clock.h"

int main(int argc, char **argv)
{
	long i, iterations = argc > 1 ? atol(argv[1]) : 2000;
	char *path = argc > 2 ? argv[2] : "/bin/true";
	char *const args[] = { path, NULL };
	struct loop_clock start;
	int status;
	pid_t pid;

	loop_clock_read(&start);
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
	loop_clock_print(&start, iterations);
	return 0;
}
