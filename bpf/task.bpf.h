/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* A task's process state, as exec records carry it: read the same way for
 * the task that just exec'd (exec.bpf.c) and for every task at start
 * (iter.bpf.c). */
#ifndef VIGIL_TASK_BPF_H
#define VIGIL_TASK_BPF_H

#include "common.bpf.h"

static __always_inline __u32 task_tty(struct task_struct *task)
{
	struct tty_struct *tty = BPF_CORE_READ(task, signal, tty);
	__u32 major, minor;

	if (!tty)
		return 0;
	major = BPF_CORE_READ(tty, driver, major);
	minor = BPF_CORE_READ(tty, driver, minor_start) + BPF_CORE_READ(tty, index);
	return major << 20 | minor;
}

static __always_inline __u32 task_namespace_pid(struct task_struct *task)
{
	struct pid *pid = BPF_CORE_READ(task, thread_pid);
	unsigned int level = BPF_CORE_READ(pid, level);
	struct upid upid = {};

	bpf_probe_read_kernel(&upid, sizeof(upid),
			      (void *)pid + bpf_core_field_offset(struct pid, numbers) +
				      level * bpf_core_type_size(struct upid));
	return upid.nr;
}

/* kernel_cap_t is a u64 since 6.3 and two u32 before: the same 8 bytes. */
static __always_inline __u64 task_caps(const kernel_cap_t *caps)
{
	__u64 v = 0;

	bpf_probe_read_kernel(&v, sizeof(v), caps);
	return v;
}

/*
 * Whether the exe was written in the container: on overlayfs, a file that
 * exists in the upper layer has an upper dentry (Falco's
 * proc.is_exe_upper_layer). A memfd exe has a "memfd:" name: fileless.
 */
static __always_inline __u32 task_exe_origin(struct file *exe)
{
	struct dentry *dentry = BPF_CORE_READ(exe, f_path.dentry);
	char name[6] = {};
	__u32 flags = 0;

	bpf_probe_read_kernel(name, sizeof(name), BPF_CORE_READ(dentry, d_name.name));
	if (name[0] == 'm' && name[1] == 'e' && name[2] == 'm' && name[3] == 'f' && name[4] == 'd' &&
	    name[5] == ':')
		flags |= VIGIL_EXEC_EXE_MEMFD;
	if (bpf_core_type_exists(struct ovl_inode) &&
	    BPF_CORE_READ(dentry, d_sb, s_magic) == OVERLAYFS_SUPER_MAGIC) {
		struct inode *inode = BPF_CORE_READ(dentry, d_inode);
		struct ovl_inode *ovl =
			(void *)inode - bpf_core_field_offset(struct ovl_inode, vfs_inode);

		if (BPF_CORE_READ(ovl, __upperdentry))
			flags |= VIGIL_EXEC_EXE_UPPER_LAYER;
	}
	return flags;
}

#endif /* VIGIL_TASK_BPF_H */
