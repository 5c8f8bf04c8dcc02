// SPDX-License-Identifier: GPL-2.0-only
/* Built -m32 -static: a program whose every syscall is an ia32 one. */
#include <stdio.h>

int main(void)
{
	puts("hello from ia32");
	return 0;
}
