/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The syscalls each container makes, for `vigild --advise seccomp`: one byte
 * per syscall in the cgroup's syscall_sets entry, set on entry, nothing sent
 * through the ring buffer.
 *
 * Only calls made under a seccomp filter count. Those are the calls a profile
 * has to allow (the sys_enter tracepoint runs after the filter, so a call the
 * filter refused is not seen either), and it leaves out what the runtime does
 * in the container's cgroup before it loads the filter (mount, pivot_root,
 * sethostname...) while keeping what it does after (capset, setresuid, the
 * exec of the entrypoint). A task without a filter, most of the host, pays
 * one load and a compare.
 */
#ifndef VIGIL_LEARN_BPF_H
#define VIGIL_LEARN_BPF_H

#include "common.bpf.h"

/* Set by vigild before load (learn_syscalls in the configuration): when
 * false the verifier drops all of this. */
const volatile bool targ_learn_syscalls = false;
/* Cgroups that could not get an entry: the map was full. */
__u64 learn_table_full = 0;

/*
 * The first filtered call from a cgroup: an entry for it, counting. Which
 * cgroups are containers' is vigild's to say (it knows the runtimes' cgroup
 * names and has their state); it is told of the cgroup here, and stops the
 * entry counting when the cgroup is no container's. Counting from the first
 * call, rather than once vigild has looked, keeps what a container's runtime
 * does right after loading the filter. Done once per cgroup.
 */
static __noinline void learn_new_cgroup(__u64 cgroup_id, __u32 nr, bool compat)
{
	struct vigil_syscall_set *set;
	__u32 zero = 0;

	set = bpf_map_lookup_elem(&syscall_set_scratch, &zero);
	if (!set)
		return;
	/* Only state is ever written here: the sets stay zero. */
	set->state = VIGIL_LEARN_COUNT;
	if (bpf_map_update_elem(&syscall_sets, &cgroup_id, set, BPF_NOEXIST)) {
		if (!bpf_map_lookup_elem(&syscall_sets, &cgroup_id))
			__sync_fetch_and_add(&learn_table_full, 1);
		return;
	}
	announce_cgroup(bpf_get_current_task_btf(), cgroup_id);
	set = bpf_map_lookup_elem(&syscall_sets, &cgroup_id);
	if (!set)
		return;
	if (compat)
		set->compat[nr & (VIGIL_SYSCALL_NR_MAX - 1)] = 1;
	else
		set->native[nr & (VIGIL_SYSCALL_NR_MAX - 1)] = 1;
}

/* Counts syscall nr (ia32 when compat) for the current task's cgroup. */
static __always_inline void learn_syscall(long nr, bool compat)
{
	struct task_struct *task;
	struct vigil_syscall_set *set;
	__u64 cgroup_id, idx = nr;
	__u8 *seen;

	if (!targ_learn_syscalls)
		return;
	task = bpf_get_current_task_btf();
	if (task->seccomp.mode != SECCOMP_MODE_FILTER || idx >= VIGIL_SYSCALL_NR_MAX)
		return;
	/* The hierarchy events use, so that vigild maps it to the same container. */
	cgroup_id = current_cgroup_id(task);
	set = bpf_map_lookup_elem(&syscall_sets, &cgroup_id);
	if (!set) {
		learn_new_cgroup(cgroup_id, idx, compat);
		return;
	}
	if (set->state != VIGIL_LEARN_COUNT)
		return;
	seen = compat ? &set->compat[idx] : &set->native[idx];
	/* Test before set: a line every CPU reads is not dirtied again and again. */
	if (!*seen)
		*seen = 1;
}

#endif /* VIGIL_LEARN_BPF_H */
