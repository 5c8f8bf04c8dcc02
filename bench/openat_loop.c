// SPDX-License-Identifier: GPL-2.0-only
/* openat+close of an existing file in a tight loop; prints wall and CPU ns per
 * iteration. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "loop_clock.h"

int main(int argc, char **argv)
{
	long i, iterations = argc > 1 ? atol(argv[1]) : 1000000;
	const char *path = argc > 2 ? argv[2] : "/etc/hostname";
	struct loop_clock start;

	loop_clock_read(&start);
	for (i = 0; i < iterations; i++) {
		int fd = openat(AT_FDCWD, path, O_RDONLY);

		if (fd < 0) {
			perror(path);
			return 1;
		}
		close(fd);
	}
	loop_clock_print(&start, iterations);
	return 0;
}
