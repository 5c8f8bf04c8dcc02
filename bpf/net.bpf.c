// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* connect: the destination as the caller passed it. An ia32 caller may also
 * connect through socketcall(SYS_CONNECT, args), as i386 glibc does: its
 * three arguments are then 32-bit words in the caller's memory. */
#include "sockaddr.bpf.h"

SEC("tp_btf/sys_exit")
int BPF_PROG(handle__sys_exit_connect, struct pt_regs *regs, long ret)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct current_call *call = current_call();
	struct vigil_connect_event *ev = scratch_event();
	__u32 args[3] = {};
	__u64 addrlen; /* one 64-bit register for the check and the read */
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
	fill_sockaddr(ev, uaddr, addrlen);
	submit_event(task, ev, sizeof(*ev), false);
	return 0;
}
