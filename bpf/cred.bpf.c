// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The setuid family: the ids asked for, the ids before (saved at entry by
 * the dispatcher) and the ids after. */
#include "common.bpf.h"

/* The legacy ia32 calls take 16-bit ids, (u16)-1 meaning "unchanged"
 * (kernel/uid16.c, low2highuid). */
static __always_inline bool uid16_call(struct pt_regs *regs, bool compat)
{
	long nr = BPF_CORE_READ(regs, orig_ax);

	return compat && (nr == IA32_setuid || nr == IA32_setgid || nr == IA32_setreuid ||
			  nr == IA32_setregid || nr == IA32_setresuid || nr == IA32_setresgid);
}

static __always_inline __u32 id_arg(struct pt_regs *regs, int i, bool compat, bool uid16)
{
	__u32 id = syscall_arg(regs, i, compat);

	if (!uid16)
		return id;
	id &= 0xffff;
	return id == 0xffff ? (__u32)-1 : id;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(handle__sys_exit_setid, struct pt_regs *regs, long ret)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct current_call *call = current_call();
	struct vigil_setid_event *ev = scratch_event();
	const struct cred *cred;
	struct inflight_call *before;
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	int nargs, i;
	bool uids, uid16;

	if (!ev || !call)
		return 0;
	fill_header(&ev->hdr, task, VIGIL_EVENT_SETID, call->syscall, ret);
	ev->reserved = 0;
	switch (call->syscall) {
	case VIGIL_SC_SETUID:
	case VIGIL_SC_SETGID:
		nargs = 1;
		break;
	case VIGIL_SC_SETREUID:
	case VIGIL_SC_SETREGID:
		nargs = 2;
		break;
	default:
		nargs = 3;
		break;
	}
	uid16 = uid16_call(regs, call->compat);
	for (i = 0; i < 3; i++)
		ev->args[i] = i < nargs ? id_arg(regs, i, call->compat, uid16) : (__u32)-1;

	uids = call->syscall == VIGIL_SC_SETUID || call->syscall == VIGIL_SC_SETREUID ||
	       call->syscall == VIGIL_SC_SETRESUID;
	cred = BPF_CORE_READ(task, cred);
	if (uids) {
		ev->new_ids[0] = BPF_CORE_READ(cred, uid.val);
		ev->new_ids[1] = BPF_CORE_READ(cred, euid.val);
		ev->new_ids[2] = BPF_CORE_READ(cred, suid.val);
	} else {
		ev->new_ids[0] = BPF_CORE_READ(cred, gid.val);
		ev->new_ids[1] = BPF_CORE_READ(cred, egid.val);
		ev->new_ids[2] = BPF_CORE_READ(cred, sgid.val);
	}
	before = bpf_map_lookup_elem(&inflight, &tid);
	if (before) {
		ev->old_ids[0] = before->ids[0];
		ev->old_ids[1] = before->ids[1];
		ev->old_ids[2] = before->ids[2];
		bpf_map_delete_elem(&inflight, &tid);
	} else {
		/* Entry was missed (table full, or vigild started mid-call). */
		ev->old_ids[0] = ev->old_ids[1] = ev->old_ids[2] = (__u32)-1;
	}
	submit_event(task, ev, sizeof(*ev), true);
	return 0;
}
