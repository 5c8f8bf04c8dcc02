// SPDX-License-Identifier: GPL-2.0-only
/*
 * What an attacker would do to slip past syscall tracing, one act per run,
 * for tests/e2e/evasion_kernel.sh. Built twice, 64-bit and -m32, so that the
 * two can be compared; installed as "ncat" so that the connect rules apply.
 *   open PATH             open(2) for reading, through libc
 *   connect IP PORT       a TCP connect, through libc
 *   socketcall IP PORT    ia32 only: socketcall(SYS_CONNECT) called directly
 *   setuid UID            setuid(2) through libc (setuid32 on ia32)
 *   setuid16 UID          ia32 only: the 16-bit setuid, called directly
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

/* include/uapi/linux/net.h */
#define SOCKETCALL_CONNECT 3

static int tcp_socket(const char *ip, const char *port, struct sockaddr_in *sin)
{
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_port = htons(atoi(port));
	if (inet_pton(AF_INET, ip, &sin->sin_addr) != 1) {
		fprintf(stderr, "bad address %s\n", ip);
		exit(2);
	}
	return socket(AF_INET, SOCK_STREAM, 0);
}

int main(int argc, char **argv)
{
	struct sockaddr_in sin;
	int fd;

	if (argc == 3 && !strcmp(argv[1], "open")) {
		fd = open(argv[2], O_RDONLY);
		return fd < 0;
	}
	if (argc == 4 && !strcmp(argv[1], "connect")) {
		fd = tcp_socket(argv[2], argv[3], &sin);
		return connect(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0;
	}
	if (argc == 3 && !strcmp(argv[1], "setuid"))
		return setuid(atoi(argv[2])) != 0;
#ifdef __i386__
	if (argc == 4 && !strcmp(argv[1], "socketcall")) {
		unsigned long args[3];

		fd = tcp_socket(argv[2], argv[3], &sin);
		args[0] = fd;
		args[1] = (unsigned long)&sin;
		args[2] = sizeof(sin);
		return syscall(SYS_socketcall, SOCKETCALL_CONNECT, args) != 0;
	}
	if (argc == 3 && !strcmp(argv[1], "setuid16"))
		return syscall(SYS_setuid, atoi(argv[2])) != 0;
#endif
	fprintf(stderr, "usage: ncat open PATH | connect IP PORT | socketcall IP PORT | "
			"setuid UID | setuid16 UID\n");
	return 2;
}
