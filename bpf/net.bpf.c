// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* connect: the destination as the caller passed it. An ia32 caller may also
 * connect through socketcall(SYS_CONNECT, args), as i386 glibc does: its
 * three arguments are then 32-bit words in the caller's memory. */
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
	__u32 args[3] = {};
	__u64 addrlen; /* one 64-bit register for the check and the read */
	__u16 family, port;
	void *uaddr;
	__s32 fd;

	if (!ev || !call)
		return 0;
	if (call->compat && BPF_CORE_READ(regs, orig_ax) == IA32_socketcall) {
		/* Every other socketcall comes here too: keep connects only. */
		if (syscall_arg(regs, 0, true) != SYS_CONNECT)
			return 0;
		bpf_probe_read_user(args, sizeof(args), (void *)syscall_arg(regs, 1, true));
		fd = args[0];
		uaddr = (void *)(unsigned long)args[1];
		addrlen = args[2];
	} else {
		fd = syscall_arg(regs, 0, call->compat);
		uaddr = (void *)syscall_arg(regs, 1, call->compat);
		addrlen = syscall_arg(regs, 2, call->compat);
	}
	fill_header(&ev->hdr, task, VIGIL_EVENT_CONNECT, call->syscall, ret);
	ev->fd = fd;
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
	submit_event(task, ev, sizeof(*ev), false);
	return 0;
}
