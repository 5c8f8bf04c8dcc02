// SPDX-License-Identifier: GPL-2.0-only
/* Asks to become root, as a privilege escalation attempt would. */
#include <stdio.h>
#include <unistd.h>

int main(void)
{
	if (setuid(0) == 0) {
		puts("uid 0");
		return 0;
	}
	perror("setuid");
	return 1;
}
