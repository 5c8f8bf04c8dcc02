// SPDX-License-Identifier: GPL-2.0-only
/*
 * Opens a file N times, as fast as it can: the flood for tests/e2e/sinks.sh.
 * A shell loop of `cat` forks once per open and takes minutes for 100,000;
 * this takes well under a second. Built static, to run in any container.
 *   open-loop N PATH
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long i, n, failed = 0;
	int fd;

	if (argc != 3) {
		fprintf(stderr, "usage: open-loop N PATH\n");
		return 2;
	}
	n = atol(argv[1]);
	for (i = 0; i < n; i++) {
		fd = open(argv[2], O_RDONLY);
		if (fd < 0)
			failed++;
		else
			close(fd);
	}
	if (failed)
		fprintf(stderr, "open-loop: %ld of %ld opens failed\n", failed, n);
	return failed ? 1 : 0;
}
