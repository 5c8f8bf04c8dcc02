/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Helpers every hook family uses: the common header, syscall arguments,
 * cgroup announcements, drop accounting and ring buffer submission. */
#ifndef VIGIL_COMMON_BPF_H
#define VIGIL_COMMON_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_endian.h>

#include "missing_defs.h"
#include "maps.bpf.h"
#include "core_fixes.bpf.h"
#include "cgroup.bpf.h"

/* Below this much unread data (or a quarter of a smaller ring) a record does
 * not wake vigild up: it polls on a short timeout instead, which saves a
 * wakeup per event under load. */
#define WAKEUP_BYTES (256 << 10)

/*
 * n (at least 1) kept in [1, max] for a power-of-two max, in a form the
 * verifier sees: the compiler would otherwise drop a mask it can prove
 * redundant and hand the verifier an unbounded register.
 */
#define BOUNDED_LEN(n, max)                                 \
	({                                                  \
		__u32 __n = (n);                            \
		barrier_var(__n);                           \
		((__n - 1) & ((max) - 1)) + 1;              \
	})

static __always_inline void count_drop(__u32 reason)
{
	__u64 *counter = bpf_map_lookup_elem(&drops, &reason);

	if (counter)
		*counter += 1;
}

/* Programs run with migration disabled, so the CPU's slot is ours. */
static __always_inline void *scratch_event(void)
{
	__u32 cpu = bpf_get_smp_processor_id();

	return bpf_map_lookup_elem(&event_scratch, &cpu);
}

static __always_inline struct current_call *current_call(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&current_calls, &zero);
}

static __always_inline bool task_is_compat(struct task_struct *task)
{
	return BPF_CORE_READ(task, thread_info.status) & TS_COMPAT;
}

/*
 * The i-th syscall argument, from the registers saved at entry. regs is the
 * tracepoint's BTF-typed pointer: plain loads, no helper calls, as this runs
 * before the open filter on every open.
 */
static __always_inline unsigned long syscall_arg(struct pt_regs *regs, int i, bool compat)
{
	if (compat) {
		switch (i) {
		case 0: return (__u32)regs->bx;
		case 1: return (__u32)regs->cx;
		case 2: return (__u32)regs->dx;
		case 3: return (__u32)regs->si;
		case 4: return (__u32)regs->di;
		default: return (__u32)regs->bp;
		}
	}
	switch (i) {
	case 0: return regs->di;
	case 1: return regs->si;
	case 2: return regs->dx;
	case 3: return regs->r10;
	case 4: return regs->r8;
	default: return regs->r9;
	}
}

static __always_inline void fill_header(struct vigil_event_header *h, struct task_struct *task,
					__u16 type, __u16 syscall, long retval)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u64 uid_gid = bpf_get_current_uid_gid();

	h->type = type;
	h->syscall = syscall;
	h->ts_ns = bpf_ktime_get_boot_ns();
	h->retval = retval;
	h->cgroup_id = current_cgroup_id(task);
	h->pid = pid_tgid >> 32;
	h->tid = (__u32)pid_tgid;
	h->ppid = BPF_CORE_READ(task, real_parent, tgid);
	h->uid = (__u32)uid_gid;
	h->gid = uid_gid >> 32;
	h->euid = BPF_CORE_READ(task, cred, euid.val);
	h->pidns_ino = BPF_CORE_READ(task, nsproxy, pid_ns_for_children, ns.inum);
	h->mntns_ino = BPF_CORE_READ(task, nsproxy, mnt_ns, ns.inum);
	h->flags = task_is_compat(task) ? VIGIL_HDR_COMPAT : 0;
	h->cpu = bpf_get_smp_processor_id();
	bpf_get_current_comm(h->comm, sizeof(h->comm));
}

/*
 * Sends a VIGIL_EVENT_CGROUP record for the task's cgroup unless it was sent
 * already: a container that runs one command and exits has its cgroup removed
 * before vigild could look it up, so the names travel with the events.
 */
static __always_inline void announce_cgroup(struct task_struct *task, __u64 cgroup_id)
{
	struct vigil_cgroup_event *ev;
	struct kernfs_node *kn, *parent;
	__u32 zero = 0;
	__u8 one = 1;
	int i;

	if (bpf_map_lookup_elem(&cgroups_announced, &cgroup_id))
		return;
	ev = bpf_map_lookup_elem(&cgroup_scratch, &zero);
	if (!ev)
		return;
	fill_header(&ev->hdr, task, VIGIL_EVENT_CGROUP, VIGIL_SC_NONE, 0);
	ev->hdr.size = sizeof(*ev);
	ev->id = cgroup_id;
	ev->depth = 0;
	ev->flags = 0;
	kn = BPF_CORE_READ(task_cgroup(task), kn);
	for (i = 0; i < VIGIL_CGROUP_DEPTH_MAX; i++) {
		parent = kn ? kernfs_parent(kn) : NULL;
		if (!parent)
			break; /* the root has no name worth sending */
		bpf_probe_read_kernel_str(ev->names[i], VIGIL_CGROUP_NAME_MAX,
					  BPF_CORE_READ(kn, name));
		ev->depth = i + 1;
		kn = parent;
	}
	if (kn && kernfs_parent(kn))
		ev->flags |= VIGIL_CGROUP_TRUNCATED;
	if (bpf_ringbuf_output(&events, ev, sizeof(*ev), BPF_RB_FORCE_WAKEUP)) {
		count_drop(VIGIL_DROP_RINGBUF_FULL);
		return;
	}
	if (bpf_map_update_elem(&cgroups_announced, &cgroup_id, &one, BPF_ANY))
		count_drop(VIGIL_DROP_CGROUP_FULL);
}

/* Announces the cgroup, then sends size bytes of the record at ev. */
static __always_inline void submit_event(struct task_struct *task, void *ev, __u64 size,
					 bool urgent)
{
	struct vigil_event_header *h = ev;
	__u64 flags = BPF_RB_NO_WAKEUP, wakeup;

	announce_cgroup(task, h->cgroup_id);
	barrier_var(size);
	if (size > EVENT_BUF_SIZE)
		return;
	h->size = size;
	/* A small ring (ring_buffer_size) would fill long before WAKEUP_BYTES. */
	wakeup = bpf_ringbuf_query(&events, BPF_RB_RING_SIZE) / 4;
	if (wakeup > WAKEUP_BYTES)
		wakeup = WAKEUP_BYTES;
	if (urgent || bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) >= wakeup)
		flags = BPF_RB_FORCE_WAKEUP;
	if (bpf_ringbuf_output(&events, ev, size, flags))
		count_drop(VIGIL_DROP_RINGBUF_FULL);
}

#endif /* VIGIL_COMMON_BPF_H */
