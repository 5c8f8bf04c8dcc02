// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The raw syscall tracepoints: one program on entry and one on exit for every
 * syscall, native and ia32 alike (the per-syscall tracepoints miss ia32
 * calls). They drop what no rule wants in a few instructions and tail-call
 * the family's exit program for the rest.
 */
#include "common.bpf.h"
#include "learn.bpf.h"

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
	[IA32_setuid] = VIGIL_SC_SETUID,
	[IA32_setgid] = VIGIL_SC_SETGID,
	[IA32_setreuid] = VIGIL_SC_SETREUID,
	[IA32_setregid] = VIGIL_SC_SETREGID,
	[IA32_socketcall] = VIGIL_SC_CONNECT, /* net.bpf.c keeps SYS_CONNECT only */
	[IA32_setresuid] = VIGIL_SC_SETRESUID,
	[IA32_setresgid] = VIGIL_SC_SETRESGID,
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
 * The vigil syscall behind this tracepoint hit, VIGIL_SC_NONE for one vigil
 * does not follow. This runs for every syscall on the machine: direct loads
 * through the BTF-typed pointers, no helper calls until the syscall is known
 * to matter.
 */
static __always_inline __u32 syscall_of(struct pt_regs *regs, bool *compat)
{
	struct task_struct *task = bpf_get_current_task_btf();
	long nr = regs->orig_ax;

	*compat = task->thread_info.status & TS_COMPAT;
	if (*compat)
		return nr >= 0 && nr < COMPAT_NR_MAX ? compat_syscalls[nr] : VIGIL_SC_NONE;
	return nr >= 0 && nr < NATIVE_NR_MAX ? native_syscalls[nr] : VIGIL_SC_NONE;
}

/* Whether the rules want sc, from a process other than vigild. */
static __always_inline bool wanted(__u32 sc)
{
	/* One 64-bit register for both the check and the access, or the
	 * compiler checks one zero-extended copy and indexes with another. */
	__u64 idx = sc;

	barrier_var(idx);
	if (idx == VIGIL_SC_NONE || idx >= VIGIL_SC_MAX || !syscall_enabled[idx])
		return false;
	return (bpf_get_current_pid_tgid() >> 32) != targ_self_tgid;
}

static __always_inline bool is_setid(__u32 sc)
{
	return sc >= VIGIL_SC_SETUID && sc <= VIGIL_SC_SETRESGID;
}

static __always_inline bool is_exec(__u32 sc)
{
	return sc == VIGIL_SC_EXECVE || sc == VIGIL_SC_EXECVEAT;
}

SEC("tp_btf/sys_enter")
int BPF_PROG(handle__sys_enter, struct pt_regs *regs, long id)
{
	struct inflight_call call = {};
	struct task_struct *task;
	const struct cred *cred;
	bool compat;
	__u32 sc, tid;

	sc = syscall_of(regs, &compat);
	learn_syscall(regs->orig_ax, compat);
	if (!(is_setid(sc) || is_exec(sc)) || !wanted(sc))
		return 0;
	call.syscall = sc;
	call.compat = compat;
	if (is_setid(sc)) {
		task = bpf_get_current_task_btf();
		cred = BPF_CORE_READ(task, cred);
		if (sc == VIGIL_SC_SETUID || sc == VIGIL_SC_SETREUID || sc == VIGIL_SC_SETRESUID) {
			call.ids[0] = BPF_CORE_READ(cred, uid.val);
			call.ids[1] = BPF_CORE_READ(cred, euid.val);
			call.ids[2] = BPF_CORE_READ(cred, suid.val);
		} else {
			call.ids[0] = BPF_CORE_READ(cred, gid.val);
			call.ids[1] = BPF_CORE_READ(cred, egid.val);
			call.ids[2] = BPF_CORE_READ(cred, sgid.val);
		}
	}
	tid = (__u32)bpf_get_current_pid_tgid();
	if (bpf_map_update_elem(&inflight, &tid, &call, BPF_ANY))
		count_drop(VIGIL_DROP_INFLIGHT_FULL);
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(handle__sys_exit, struct pt_regs *regs, long ret)
{
	struct current_call *call;
	bool compat;
	__u32 sc;

	sc = syscall_of(regs, &compat);
	if (is_exec(sc)) {
		/* The entry knows which exec this was (see struct inflight_call). */
		__u32 tid = (__u32)bpf_get_current_pid_tgid();
		struct inflight_call *entry = bpf_map_lookup_elem(&inflight, &tid);

		if (entry) {
			sc = entry->syscall;
			compat = entry->compat;
			bpf_map_delete_elem(&inflight, &tid);
		}
	}
	if (!wanted(sc))
		return 0;
	call = current_call();
	if (!call)
		return 0;
	call->syscall = sc;
	call->compat = compat;
	bpf_tail_call(ctx, &exit_progs, sc);
	return 0;
}
