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

/* The run of hex digits that names a container in its cgroup's name:
 * "libpod-<64 hex>", "docker-<64 hex>.scope", "cri-containerd-<64 hex>.scope",
 * "crio-<64 hex>.scope", or the id alone. */
#define CONTAINER_ID_HEX 64

static __always_inline bool hex_digit(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

struct hex_run {
	char name[VIGIL_CGROUP_NAME_MAX];
	__u32 run;
	bool found;
};

static long hex_run__step(__u32 i, void *ctx)
{
	struct hex_run *h = ctx;
	char c = h->name[i & (VIGIL_CGROUP_NAME_MAX - 1)];

	if (!c)
		return 1;
	h->run = hex_digit(c) ? h->run + 1 : 0;
	h->found = h->run >= CONTAINER_ID_HEX;
	return h->found;
}

/* bpf_loop: the verifier checks the step once, not every count of the run. */
static __always_inline bool names_container(struct kernfs_node *kn)
{
	struct hex_run h = {};

	if (!kn || bpf_probe_read_kernel_str(h.name, sizeof(h.name), BPF_CORE_READ(kn, name)) <= 0)
		return false;
	bpf_loop(VIGIL_CGROUP_NAME_MAX, hex_run__step, &h, 0);
	return h.found;
}

/*
 * The first call from a cgroup: an entry for it, counting when the cgroup or
 * its parent (podman's "libpod-<id>.scope/container") is named like a
 * container's. vigild has the last word: it turns an entry it cannot
 * attribute to a container into a host one. Done once per cgroup.
 */
static __noinline void learn_new_cgroup(__u64 cgroup_id, __u32 nr, bool compat)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct vigil_syscall_set *set;
	struct kernfs_node *kn;
	__u32 zero = 0;
	bool container;

	kn = BPF_CORE_READ(task, cgroups, dfl_cgrp, kn);
	container = names_container(kn) || names_container(kn ? kernfs_parent(kn) : NULL);
	set = bpf_map_lookup_elem(&syscall_set_scratch, &zero);
	if (!set)
		return;
	/* Only state is ever written here: the sets stay zero. */
	set->state = container ? VIGIL_LEARN_CONTAINER : VIGIL_LEARN_HOST;
	if (bpf_map_update_elem(&syscall_sets, &cgroup_id, set, BPF_NOEXIST)) {
		if (!bpf_map_lookup_elem(&syscall_sets, &cgroup_id))
			__sync_fetch_and_add(&learn_table_full, 1);
		return;
	}
	if (!container)
		return;
	/* vigild learns the cgroup's path now, even if it never has an event. */
	announce_cgroup(task, cgroup_id);
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
	cgroup_id = bpf_get_current_cgroup_id();
	set = bpf_map_lookup_elem(&syscall_sets, &cgroup_id);
	if (!set) {
		learn_new_cgroup(cgroup_id, idx, compat);
		return;
	}
	if (set->state != VIGIL_LEARN_CONTAINER)
		return;
	seen = compat ? &set->compat[idx] : &set->native[idx];
	/* Test before set: a line every CPU reads is not dirtied again and again. */
	if (!*seen)
		*seen = 1;
}

#endif /* VIGIL_LEARN_BPF_H */
