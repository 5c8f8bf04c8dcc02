// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * open, openat, openat2 and creat. The path is reported twice: as the caller
 * gave it and, when the call succeeded, as the absolute path of the file the
 * kernel actually opened (read from the new descriptor), which defeats
 * "/etc/../etc/shadow", symlinks, /proc/self/root and dirfd tricks.
 */
#include "path.bpf.h"

/*
 * The open filter, from the rules (vigild computes it): an open leaves the
 * kernel only if some rule could match it. A rule that names the files it
 * cares about (fd.name in (/etc/shadow, ...)) contributes their names; the
 * name of the file actually opened, after symlinks and "..", is its dentry's,
 * so the check costs one lookup and no path walk. A rule that could match any
 * file contributes its access kinds to open_any_access.
 */
__u32 open_filter_enabled = 0;
__u8 open_any_access = 0;     /* VIGIL_ACCESS_* wanted whatever the file */
__u8 open_failed_access = 0;  /* VIGIL_ACCESS_* wanted for a failed open */

static __always_inline __u8 open_access(__u32 flags)
{
	switch (flags & 3) {
	case 0:
		return VIGIL_ACCESS_READ;
	case 1:
		return VIGIL_ACCESS_WRITE;
	default:
		return VIGIL_ACCESS_READ | VIGIL_ACCESS_WRITE;
	}
}

/* Runs for every open while vigild is attached: plain loads through the
 * BTF-typed task pointer where the verifier allows them, and as few helper
 * calls as the rest allows. */
static __always_inline bool open_wanted(struct task_struct *task, __u32 flags, long ret)
{
	struct open_name key = {};
	struct fdtable *fdt;
	struct dentry *dentry;
	struct qstr name;
	struct file *file = NULL;
	__u8 access, *bits;

	if (!open_filter_enabled)
		return true;
	access = open_access(flags);
	if (access & open_any_access)
		return true;
	if (ret < 0)
		return access & open_failed_access;
	fdt = task->files->fdt;
	if (ret >= fdt->max_fds)
		return true;
	/* A variable index into the descriptor array: this one read is a helper. */
	bpf_probe_read_kernel(&file, sizeof(file), &fdt->fd[ret]);
	if (!file)
		return true;
	/* What the helper read is untrusted: read on with helpers, the name's
	 * length and pointer at once. */
	dentry = BPF_CORE_READ(file, f_path.dentry);
	if (bpf_core_read(&name, sizeof(name), &dentry->d_name))
		return true;
	if (name.len >= OPEN_NAME_MAX)
		return false; /* no wanted name is that long */
	bpf_probe_read_kernel_str(key.name, sizeof(key.name), name.name);
	bits = bpf_map_lookup_elem(&open_names, &key);
	return bits && (*bits & access);
}

static __always_inline struct file *fd_file(struct task_struct *task, long fd)
{
	struct file **fds = BPF_CORE_READ(task, files, fdt, fd);
	unsigned int max_fds = BPF_CORE_READ(task, files, fdt, max_fds);
	struct file *file = NULL;

	if (fd < 0 || fd >= max_fds)
		return NULL;
	bpf_probe_read_kernel(&file, sizeof(file), &fds[fd]);
	return file;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(handle__sys_exit_open, struct pt_regs *regs, long ret)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct current_call *call = current_call();
	struct vigil_open_event *ev = scratch_event();
	struct built_path resolved;
	struct file *file;
	const char *path;
	__u32 off = 0, n;
	long len;
	bool compat;

	if (!ev || !call)
		return 0;
	compat = call->compat;
	ev->open_flags = 0;
	ev->reserved = 0;
	switch (call->syscall) {
	case VIGIL_SC_OPEN:
		ev->dirfd = AT_FDCWD;
		path = (const char *)syscall_arg(regs, 0, compat);
		ev->flags = syscall_arg(regs, 1, compat);
		ev->mode = syscall_arg(regs, 2, compat);
		break;
	case VIGIL_SC_CREAT:
		ev->dirfd = AT_FDCWD;
		path = (const char *)syscall_arg(regs, 0, compat);
		ev->flags = O_CREAT | O_WRONLY | O_TRUNC;
		ev->mode = syscall_arg(regs, 1, compat);
		break;
	case VIGIL_SC_OPENAT2: {
		struct open_how how = {};

		ev->dirfd = syscall_arg(regs, 0, compat);
		path = (const char *)syscall_arg(regs, 1, compat);
		bpf_probe_read_user(&how, sizeof(how), (void *)syscall_arg(regs, 2, compat));
		ev->flags = how.flags;
		ev->mode = how.mode;
		break;
	}
	default:
		ev->dirfd = syscall_arg(regs, 0, compat);
		path = (const char *)syscall_arg(regs, 1, compat);
		ev->flags = syscall_arg(regs, 2, compat);
		ev->mode = syscall_arg(regs, 3, compat);
		break;
	}

	/* Before any other work: most opens are of no rule's interest. */
	if (!open_wanted(task, ev->flags, ret))
		return 0;
	fill_header(&ev->hdr, task, VIGIL_EVENT_OPEN, call->syscall, ret);
	len = bpf_probe_read_user_str(&ev->data[0], EVENT_STRING_MAX, path);
	if (len <= 0) {
		ev->data[0] = '\0';
		len = 1;
	} else if (len == EVENT_STRING_MAX) {
		ev->open_flags |= VIGIL_OPEN_PATH_TRUNCATED;
	}
	ev->path_len = len;
	off = len;

	n = 0;
	file = ret >= 0 ? fd_file(task, ret) : NULL;
	if (file && !build_path(&file->f_path, &resolved)) {
		n = copy_built_path(&ev->data[off & EVENT_DATA_MASK], &resolved);
		if (resolved.truncated)
			ev->open_flags |= VIGIL_OPEN_RESOLVED_TRUNCATED;
	}
	if (!n) {
		ev->data[off & EVENT_DATA_MASK] = '\0';
		n = 1;
	}
	ev->resolved_len = n;
	off += n;
	submit_event(task, ev, sizeof(*ev) + off, false);
	return 0;
}
