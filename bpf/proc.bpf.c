// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Process creation and exit, for vigild's process table. Threads are not
 * processes: only a new thread group and a group's last thread are sent. */
#include "common.bpf.h"

SEC("tp_btf/sched_process_fork")
int BPF_PROG(handle__sched_process_fork, struct task_struct *parent, struct task_struct *child)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct vigil_fork_event *ev;
	__u32 pid = BPF_CORE_READ(child, tgid), tid = BPF_CORE_READ(child, pid);

	if (pid != tid)
		return 0;
	ev = scratch_event();
	if (!ev)
		return 0;
	fill_header(&ev->hdr, task, VIGIL_EVENT_FORK, VIGIL_SC_NONE, pid);
	ev->child_pid = pid;
	ev->child_tid = tid;
	submit_event(task, ev, sizeof(*ev), false);
	return 0;
}

/*
 * A thread other than the leader that execs takes the leader's pid on the
 * way (de_thread()): its exec's entry in the in-flight table, made under
 * its old tid, moves to the new one, where the exit looks. Left behind, it
 * would never be deleted, and a loop of such execs would fill the table.
 */
SEC("tp_btf/sched_process_exec")
int BPF_PROG(handle__sched_process_exec, struct task_struct *p, pid_t old_pid)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid(), old_tid = old_pid;
	struct inflight_call *found, call;

	if (old_tid == tid)
		return 0;
	found = bpf_map_lookup_elem(&inflight, &old_tid);
	if (!found)
		return 0;
	call = *found;
	/* Deleted first, so that the insert finds room. */
	bpf_map_delete_elem(&inflight, &old_tid);
	if (bpf_map_update_elem(&inflight, &tid, &call, BPF_ANY))
		count_drop(VIGIL_DROP_INFLIGHT_FULL);
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(handle__sched_process_exit, struct task_struct *p)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct vigil_exit_event *ev;
	__u32 tid = (__u32)bpf_get_current_pid_tgid();

	bpf_map_delete_elem(&inflight, &tid);
	/* signal->live reaches zero when the group's last thread exits
	 * (do_exit decrements it before this tracepoint). */
	if (BPF_CORE_READ(p, signal, live.counter) != 0)
		return 0;
	ev = scratch_event();
	if (!ev)
		return 0;
	fill_header(&ev->hdr, task, VIGIL_EVENT_EXIT, VIGIL_SC_NONE, 0);
	ev->exit_code = BPF_CORE_READ(p, exit_code);
	ev->reserved = 0;
	submit_event(task, ev, sizeof(*ev), false);
	return 0;
}

/* A cgroup of the hierarchy events are attributed by went away: vigild
 * forgets it. */
SEC("tp_btf/cgroup_rmdir")
int BPF_PROG(handle__cgroup_rmdir, struct cgroup *cgrp, const char *path)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct vigil_cgroup_rmdir_event *ev;
	__u64 id;

	if (!cgroup_is_tracked(cgrp, task))
		return 0;
	id = BPF_CORE_READ(cgrp, kn, id);
	bpf_map_delete_elem(&cgroups_announced, &id);
	ev = scratch_event();
	if (!ev)
		return 0;
	fill_header(&ev->hdr, task, VIGIL_EVENT_CGROUP_RMDIR, VIGIL_SC_NONE, 0);
	ev->id = id;
	submit_event(task, ev, sizeof(*ev), false);
	return 0;
}
