// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* connect: the destination as the caller passed it. */
#include "common.bpf.h"

struct sockaddr_any {
	__u16 family;
	union {
		struct {
			__be16 port;
			__u8 addr[4];
		} in;
		struct {
			__be16 port;
			__u32 flowinfo;
			__u8 addr[16];
		} in6;
		char path[VIGIL_UNIX_PATH_MAX];
	};
};

SEC("tp_btf/sys_exit")
int BPF_PROG(handle__sys_exit_connect, struct pt_regs *regs, long ret)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct current_call *call = current_call();
	struct vigil_connect_event *ev = scratch_event();
	struct sockaddr_any sa = {};
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
	bpf_probe_read_user(&sa, addrlen & 0xff, uaddr);
	ev->family = sa.family;
	switch (sa.family) {
	case AF_INET:
		ev->port = bpf_ntohs(sa.in.port);
		__builtin_memcpy(ev->addr, sa.in.addr, 4);
		break;
	case AF_INET6:
		ev->port = bpf_ntohs(sa.in6.port);
		__builtin_memcpy(ev->addr, sa.in6.addr, 16);
		break;
	case AF_UNIX:
		/* An abstract socket's name starts with a NUL: show it as '@'. */
		if (sa.path[0] == '\0' && addrlen > 2) {
			ev->unix_path[0] = '@';
			bpf_probe_read_kernel_str(&ev->unix_path[1], VIGIL_UNIX_PATH_MAX - 1,
						  &sa.path[1]);
		} else {
			bpf_probe_read_kernel_str(ev->unix_path, VIGIL_UNIX_PATH_MAX, sa.path);
		}
		break;
	}
	submit_event(task, ev, sizeof(*ev), false);
	return 0;
}
