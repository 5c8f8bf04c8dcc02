/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* A connect's destination from the caller's sockaddr: for connect(2),
 * socketcall(SYS_CONNECT) (net.bpf.c) and io_uring's connect (uring.bpf.c). */
#ifndef VIGIL_SOCKADDR_BPF_H
#define VIGIL_SOCKADDR_BPF_H

#include "common.bpf.h"

/* sockaddr_in, sockaddr_in6 and sockaddr_un share the family at offset 0;
 * read the bytes once and pick the fields by their offsets. */
#define SA_PORT_OFF 2
#define SA_IN_ADDR_OFF 4
#define SA_IN6_ADDR_OFF 8
#define SA_UN_PATH_OFF 2
#define SA_BUF_SIZE (SA_UN_PATH_OFF + VIGIL_UNIX_PATH_MAX)

/* Fills ev's address fields from addrlen bytes of user memory at uaddr. */
static __always_inline void fill_sockaddr(struct vigil_connect_event *ev, const void *uaddr,
					  __u64 addrlen)
{
	__u8 sa[SA_BUF_SIZE] = {};
	__u16 family, port;

	ev->addrlen = addrlen;
	ev->reserved = 0;
	ev->port = 0;
	__builtin_memset(ev->addr, 0, sizeof(ev->addr));
	__builtin_memset(ev->unix_path, 0, sizeof(ev->unix_path));
	if (addrlen > sizeof(sa))
		addrlen = sizeof(sa);
	/* Check again where the verifier sees it: the compiler folds the
	 * clamp above into the check. */
	barrier_var(addrlen);
	if (addrlen <= sizeof(sa))
		bpf_probe_read_user(sa, addrlen, uaddr);
	__builtin_memcpy(&family, sa, sizeof(family));
	__builtin_memcpy(&port, &sa[SA_PORT_OFF], sizeof(port));
	ev->family = family;
	switch (family) {
	case AF_INET:
		ev->port = bpf_ntohs(port);
		__builtin_memcpy(ev->addr, &sa[SA_IN_ADDR_OFF], 4);
		break;
	case AF_INET6:
		ev->port = bpf_ntohs(port);
		__builtin_memcpy(ev->addr, &sa[SA_IN6_ADDR_OFF], 16);
		break;
	case AF_UNIX:
		/* An abstract socket's name starts with a NUL: show it as '@'. */
		if (sa[SA_UN_PATH_OFF] == '\0' && addrlen > SA_UN_PATH_OFF + 1) {
			ev->unix_path[0] = '@';
			bpf_probe_read_kernel_str(&ev->unix_path[1], VIGIL_UNIX_PATH_MAX - 1,
						  &sa[SA_UN_PATH_OFF + 1]);
		} else {
			bpf_probe_read_kernel_str(ev->unix_path, VIGIL_UNIX_PATH_MAX,
						  &sa[SA_UN_PATH_OFF]);
		}
		break;
	}
}

#endif /* VIGIL_SOCKADDR_BPF_H */
