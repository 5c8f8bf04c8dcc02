// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The raw syscall tracepoints: one program on entry and one on exit for every
 * syscall, native and ia32 alike (the per-syscall tracepoints miss ia32
 * calls). They drop what no rule wants in a few instructions and tail-call
 * the family's exit program for the rest.
 */
#include "common.bpf.h"

#define NATIVE_NR_MAX 512
#define COMPAT_NR_MAX 512

const volatile __u32 vigil_abi_version = VIGIL_ABI_VERSION;
/* vigild's own process: its reads of /proc and state files are not events. */
const volatile __u32 targ_self_tgid = 0;
/* Which syscalls the loaded rules need; vigild may change it while running. */
__u8 syscall_enabled[VIGIL_SC_MAX] = {};

static const __u8 native_syscalls[NATIVE_NR_MAX] = {
	[X64_open] = VIGIL_SC_OPEN,
	[X64_connect] = VIGIL_SC_CONNECT,
	[X64_execve] = VIGIL_SC_EXECVE,
	[X64_creat] = VIGIL_SC_CREAT,
	[X64_setuid] = VIGIL_SC_SETUID,
	[X64_setgid] = VIGIL_SC_SETGID,
	[X64_setreuid] = VIGIL_SC_SETREUID,
	[X64_setregid] = VIGIL_SC_SETREGID,
	[X64_setresuid] = VIGIL_SC_SETRESUID,
	[X64_setresgid] = VIGIL_SC_SETRESGID,
	[X64_openat] = VIGIL_SC_OPENAT,
	[X64_execveat] = VIGIL_SC_EXECVEAT,
	[X64_openat2] = VIGIL_SC_OPENAT2,
};

static const __u8 compat_syscalls[COMPAT_NR_MAX] = {
	[IA32_open] = VIGIL_SC_OPEN,
	[IA32_creat] = VIGIL_SC_CREAT,
	[IA32_execve] = VIGIL_SC_EXECVE,
	[IA32_setreuid32] = VIGIL_SC_SETREUID,
	[IA32_setregid32] = VIGIL_SC_SETREGID,
	[IA32_setresuid32] = VIGIL_SC_SETRESUID,
	[IA32_setresgid32] = VIGIL_SC_SETRESGID,
	[IA32_setuid32] = VIGIL_SC_SETUID,
	[IA32_setgid32] = VIGIL_SC_SETGID,
	[IA32_openat] = VIGIL_SC_OPENAT,
	[IA32_execveat] = VIGIL_SC_EXECVEAT,
	[IA32_connect] = VIGIL_SC_CONNECT,
	[IA32_openat2] = VIGIL_SC_OPENAT2,
};

/*
 * The vigil syscall behind this tracepoint hit, or VIGIL_SC_NONE to ignore it.
 * This runs for every syscall on the machine: direct loads through the
 * BTF-typed pointers, no helper calls until the syscall is known to matter.
 */
static __always_inline __u32 classify(struct pt_regs *regs, bool *compat)
{
	struct task_struct *task = bpf_get_current_task_btf();
	long nr = regs->orig_ax;
	__u32 sc = VIGIL_SC_NONE;

	*compat = task->thread_info.status & TS_COMPAT;
	if (*compat) {
		if (nr >= 0 && nr < COMPAT_NR_MAX)
			sc = compat_syscalls[nr];
	} else if (nr >= 0 && nr < NATIVE_NR_MAX) {
		sc = native_syscalls[nr];
	}
	if (sc == VIGIL_SC_NONE || sc >= VIGIL_SC_MAX || !syscall_enabled[sc])
		return VIGIL_SC_NONE;
	if ((bpf_get_current_pid_tgid() >> 32) == targ_self_tgid)
		return VIGIL_SC_NONE;
	return sc;
}

static __always_inline bool is_setid(__u32 sc)
{
	return sc >= VIGIL_SC_SETUID && sc <= VIGIL_SC_SETRESGID;
}

SEC("tp_btf/sys_enter")
int BPF_PROG(handle__sys_enter, struct pt_regs *regs, long id)
{
	struct task_struct *task;
	struct setid_entry entry;
	const struct cred *cred;
	bool compat;
	__u32 sc, tid;

	sc = classify(regs, &compat);
	if (!is_setid(sc))
		return 0;
	/* The ids before the call, to report what changed. */
	task = bpf_get_current_task_btf();
	cred = BPF_CORE_READ(task, cred);
	if (sc == VIGIL_SC_SETUID || sc == VIGIL_SC_SETREUID || sc == VIGIL_SC_SETRESUID) {
		entry.ids[0] = BPF_CORE_READ(cred, uid.val);
		entry.ids[1] = BPF_CORE_READ(cred, euid.val);
		entry.ids[2] = BPF_CORE_READ(cred, suid.val);
	} else {
		entry.ids[0] = BPF_CORE_READ(cred, gid.val);
		entry.ids[1] = BPF_CORE_READ(cred, egid.val);
		entry.ids[2] = BPF_CORE_READ(cred, sgid.val);
	}
	tid = (__u32)bpf_get_current_pid_tgid();
	if (bpf_map_update_elem(&setid_inflight, &tid, &entry, BPF_ANY))
		count_drop(VIGIL_DROP_INFLIGHT_FULL);
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(handle__sys_exit, struct pt_regs *regs, long ret)
{
	struct current_call *call;
	bool compat;
	__u32 sc;

	sc = classify(regs, &compat);
	if (sc == VIGIL_SC_NONE)
		return 0;
	call = current_call();
	if (!call)
		return 0;
	call->syscall = sc;
	call->compat = compat;
	bpf_tail_call(ctx, &exit_progs, sc);
	return 0;
}
