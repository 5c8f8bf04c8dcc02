/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Which cgroup a task is in, as events report it. On cgroup v2 that is the
 * default hierarchy's cgroup, which bpf_get_current_cgroup_id() gives. On a
 * cgroup v1 host the default hierarchy is not even mounted, and on a hybrid
 * one (v1 controllers, cgroup2 at /sys/fs/cgroup/unified) runtimes do not
 * reliably move container processes into it (runc leaves `runc exec`'d ones
 * behind, opencontainers/runc#2087; docker's cgroupfs driver leaves them all,
 * Netflix/titus-executor#749). Every runtime does put them in the memory
 * controller's v1 cgroup, or the pids one where the kernel has no memcg v1
 * (Linux 6.12 without CONFIG_MEMCG_V1): vigild picks the hierarchy before
 * load (daemon/cgroup_layout.c).
 */
#ifndef VIGIL_CGROUP_BPF_H
#define VIGIL_CGROUP_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

#include "events.h"

/* enum vigil_cgroup_source. __weak: every object that includes this header
 * declares it, the linker keeps one. */
const volatile __u32 targ_cgroup_source __weak = VIGIL_CGROUP_DFL;

/* The subsystem id of the v1 controller to read, or -1: the default
 * hierarchy. A kernel built without that controller has no such id. */
static __always_inline int cgroup_v1_subsys(void)
{
	if (targ_cgroup_source == VIGIL_CGROUP_V1_MEMORY &&
	    bpf_core_enum_value_exists(enum cgroup_subsys_id, memory_cgrp_id))
		return bpf_core_enum_value(enum cgroup_subsys_id, memory_cgrp_id);
	if (targ_cgroup_source == VIGIL_CGROUP_V1_PIDS &&
	    bpf_core_enum_value_exists(enum cgroup_subsys_id, pids_cgrp_id))
		return bpf_core_enum_value(enum cgroup_subsys_id, pids_cgrp_id);
	return -1;
}

static __always_inline struct cgroup *task_cgroup(struct task_struct *task)
{
	struct css_set *cset = BPF_CORE_READ(task, cgroups);
	int ssid = cgroup_v1_subsys();

	if (ssid < 0)
		return BPF_CORE_READ(cset, dfl_cgrp);
	return BPF_CORE_READ(cset, subsys[ssid], cgroup);
}

/* The id events carry: the cgroup directory's inode number, as on v2. */
static __always_inline __u64 task_cgroup_id(struct task_struct *task)
{
	return BPF_CORE_READ(task_cgroup(task), kn, id);
}

/* The same for the current task: the helper is cheaper where it applies. */
static __always_inline __u64 current_cgroup_id(struct task_struct *task)
{
	if (cgroup_v1_subsys() < 0)
		return bpf_get_current_cgroup_id();
	return task_cgroup_id(task);
}

/* Whether cgrp is in the hierarchy events take their ids from: ids of
 * different hierarchies are numbered apart and would collide. */
static __always_inline bool cgroup_is_tracked(struct cgroup *cgrp, struct task_struct *task)
{
	return BPF_CORE_READ(cgrp, root) == BPF_CORE_READ(task_cgroup(task), root);
}

#endif /* VIGIL_CGROUP_BPF_H */
