/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The absolute path of a struct path, as the task's mount namespace sees it.
 * bpf_d_path() is not allowed in tracepoint programs, so walk the dentries
 * and mounts the way d_path() does, writing components backwards from the
 * end of a per-CPU buffer.
 */
#ifndef VIGIL_PATH_BPF_H
#define VIGIL_PATH_BPF_H

#include "common.bpf.h"

/*
 * Steps of a walk, mount crossings included. A path longer than the buffer
 * is walked to the root to find its head, so this bounds how deep a file
 * can hide below a directory: past it, only the tail is known, and that is
 * reported, flagged truncated. The steps run on the opener's own syscall.
 */
#define PATH_STEPS_MAX (1 << 16)

struct built_path {
	const char *str; /* inside the path scratch buffer */
	__u32 len;       /* including the NUL */
	bool truncated;
};

static __always_inline struct mount *real_mount(struct vfsmount *vfsmnt)
{
	return (void *)vfsmnt - bpf_core_field_offset(struct mount, mnt);
}

struct path_walk {
	struct dentry *dentry;
	struct vfsmount *vfsmnt;
	struct mount *mnt;
	struct mount *mnt_parent;
	struct path_buf *pb;
	__u32 off;
	__u32 total; /* bytes of the whole path, without the NUL */
	__u32 skip;  /* bytes of the path's tail to leave out */
	bool full;   /* a component did not fit: write no more */
	bool truncated;
	bool done;
};

/* One step of the walk, as a bpf_loop() callback so that the verifier checks
 * it once instead of once per iteration. */
static long path_walk_step(__u32 index, void *data)
{
	/* Locals, not w->...: inside BPF_CORE_READ() a path_walk member access
	 * would itself become a CO-RE relocation. */
	struct path_walk *w = data;
	struct dentry *dentry = w->dentry, *parent, *mnt_root;
	struct vfsmount *vfsmnt = w->vfsmnt;
	struct mount *mnt = w->mnt;
	const unsigned char *name;
	__u32 len, off = w->off;
	bool last;

	mnt_root = BPF_CORE_READ(vfsmnt, mnt_root);
	parent = BPF_CORE_READ(dentry, d_parent);
	if (dentry == mnt_root) {
		if (mnt == w->mnt_parent) {
			w->done = true; /* the namespace's root */
			return 1;
		}
		/* Step out of this mount onto its mount point. */
		w->dentry = BPF_CORE_READ(mnt, mnt_mountpoint);
		mnt = w->mnt_parent;
		w->mnt = mnt;
		w->mnt_parent = BPF_CORE_READ(mnt, mnt_parent);
		w->vfsmnt = (void *)mnt + bpf_core_field_offset(struct mount, mnt);
		return 0;
	}
	len = BPF_CORE_READ(dentry, d_name.len);
	name = BPF_CORE_READ(dentry, d_name.name);
	/* A filesystem root that is not this mount's: an internal mount (a
	 * memfd, a pipe) or a detached tree. d_path() shows its name,
	 * "/memfd:x"; a real root's name is "/" and adds nothing. */
	last = dentry == parent;
	if (last) {
		w->done = true;
		if (len == 1)
			return 1;
	}
	if (len == 0 || len > NAME_MAX) {
		w->truncated = true;
		return 1;
	}
	w->dentry = parent;
	w->total += len + 1;
	if (w->skip) {
		/* Second walk: this component is past the part that fits. */
		w->skip = w->skip > len + 1 ? w->skip - (len + 1) : 0;
	} else if (w->full || len + 1 > off) {
		/* Too long: count on to the root, for a second walk. */
		w->full = true;
	} else {
		off -= len;
		bpf_probe_read_kernel(&w->pb->bytes[off & PATH_BUF_MASK],
				      BOUNDED_LEN(len, NAME_MAX + 1), name);
		off -= 1;
		w->pb->bytes[off & PATH_BUF_MASK] = '/';
		w->off = off;
	}
	return last;
}

static __always_inline void path_walk_start(struct path_walk *w, const struct path *path)
{
	struct mount *mnt;

	w->off = PATH_BUF_SIZE - 1;
	w->pb->bytes[PATH_BUF_SIZE - 1] = '\0';
	w->dentry = BPF_CORE_READ(path, dentry);
	w->vfsmnt = BPF_CORE_READ(path, mnt);
	mnt = real_mount(w->vfsmnt);
	w->mnt = mnt;
	w->mnt_parent = BPF_CORE_READ(mnt, mnt_parent);
	w->total = 0;
	w->full = false;
	w->done = false;
}

/*
 * A path longer than the buffer keeps its head, from the root: a rule on
 * "/etc/" must still see "/etc/" however deep the file is. The first walk
 * measures the path; a second leaves out as many trailing components as it
 * takes to fit.
 */
static __always_inline int build_path(const struct path *path, struct built_path *out)
{
	struct path_walk w = {};
	__u32 zero = 0;

	w.pb = bpf_map_lookup_elem(&path_scratch, &zero);
	if (!w.pb)
		return -1;
	path_walk_start(&w, path);
	bpf_loop(PATH_STEPS_MAX, path_walk_step, &w, 0);
	if (w.full && w.done && !w.truncated) {
		w.skip = w.total - (PATH_BUF_SIZE - 1);
		path_walk_start(&w, path);
		bpf_loop(PATH_STEPS_MAX, path_walk_step, &w, 0);
		w.truncated = true;
	}
	out->truncated = w.truncated || w.full || !w.done;
	if (w.off == PATH_BUF_SIZE - 1) {
		w.off -= 1;
		w.pb->bytes[w.off & PATH_BUF_MASK] = '/';
	}
	out->str = &w.pb->bytes[w.off & PATH_BUF_MASK];
	out->len = PATH_BUF_SIZE - w.off;
	return 0;
}

/*
 * Copies a built path to dst, at most VIGIL_PATH_MAX bytes with its NUL.
 * Returns the bytes written; a path longer than that keeps its head and is
 * flagged truncated. dst must have VIGIL_PATH_MAX bytes of room.
 */
static __always_inline __u32 copy_built_path(char *dst, struct built_path *bp)
{
	__u32 len = bp->len;

	if (len > VIGIL_PATH_MAX) {
		len = VIGIL_PATH_MAX;
		bp->truncated = true;
	}
	if (bpf_probe_read_kernel(dst, BOUNDED_LEN(len, VIGIL_PATH_MAX), bp->str))
		return 0;
	dst[(len - 1) & (VIGIL_PATH_MAX - 1)] = '\0';
	return len;
}

#endif /* VIGIL_PATH_BPF_H */
