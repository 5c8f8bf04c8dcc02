// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* connect: the destination as the caller passed it. */
#include "common.bpf.h"

/* sockaddr_in, sockaddr_in6 and sockaddr_un share the family at offset 0;
 * read the bytes once and pick the fields by their offsets. */
#define SA_PORT_OFF 2
#define SA_IN_ADDR_OFF 4
#define SA_IN6_ADDR_OFF 8
#define SA_UN_PATH_OFF 2
#define SA_BUF_SIZE (SA_UN_PATH_OFF + VIGIL_UNIX_PATH_MAX)

SEC("tp_btf/sys_exit")
int BPF_PROG(handle__sys_exit_connect, struct pt_regs *regs, long ret)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct current_call *call = current_call();
	struct vigil_connect_event *ev = scratch_event();
	__u8 sa[SA_BUF_SIZE] = {};
	__u16 family, port;
	__u32 addrlen;
	void *uaddr;

	if (!ev || !call)
		return 0;
	fill_header(&ev->hdr, task, VIGIL_EVENT_CONNECT, call->syscall, ret);
	ev->fd = syscall_arg(regs, 0, call->compat);
	uaddr = (void *)syscall_arg(regs, 1, call->compat);
	addrlen = syscall_arg(regs, 2, call->compat);
	ev->addrlen = addrlen;
	ev->reserved = 0;
	ev->port = 0;
	__builtin_memset(ev->addr, 0, sizeof(ev->addr));
	__builtin_memset(ev->unix_path, 0, sizeof(ev->unix_path));
	if (addrlen > sizeof(sa))
		addrlen = sizeof(sa);
	bpf_probe_read_user(sa, addrlen & 0xff, uaddr);
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
	submit_event(task, ev, sizeof(*ev), false);
	return 0;
}
