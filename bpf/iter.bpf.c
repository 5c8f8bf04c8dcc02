// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The processes alive when vigild starts, from a task iterator: one exec
 * record per process (struct vigil_exec_event, laid out as exec.bpf.c lays
 * it out) written to the iterator's seq_file. The kernel shows an iterator
 * every task of its reader's pid namespace whoever owns it, so vigild seeds
 * its process table without reading /proc: it needs neither CAP_SYS_PTRACE
 * nor CAP_DAC_READ_SEARCH to know other users' processes, their arguments,
 * environment and working directory. (In a container it still needs the
 * host's pid namespace, or it would see only its own.)
 *
 * This is an object of its own (iter.skel.h), loaded apart from the hooks so
 * that a kernel that refuses it costs only the seeding: vigild then reads
 * /proc. Of the maps in maps.bpf.h only path_scratch is created (bpf_seed.c
 * switches the others off).
 *
 * Two programs, one loaded: handle__iter_task_sleepable reads argv and the
 * environment from each process's memory with bpf_copy_from_user_task()
 * (Linux 5.18, sleepable iterators); handle__iter_task, for older kernels,
 * leaves them empty.
 */
#include "path.bpf.h"
#include "task.bpf.h"

const volatile __u32 vigil_abi_version = VIGIL_ABI_VERSION;

/* A record under construction. Strings go to data + (off & SEED_DATA_MASK),
 * each at most VIGIL_PATH_MAX long, so every write is bounded. Only the one
 * reader (vigild) runs the iterator, so one buffer serves every CPU. */
#define SEED_DATA_SIZE 32768
#define SEED_DATA_MASK (SEED_DATA_SIZE - 1)

struct seed_buf {
	__u8 bytes[sizeof(struct vigil_exec_event) + SEED_DATA_SIZE + VIGIL_PATH_MAX];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct seed_buf);
} seed_scratch SEC(".maps");

/* Copies a built path to data + off; returns the bytes written (at least 1). */
static __always_inline __u32 put_built_path(char *data, __u32 off, struct built_path *bp,
					    bool ok, bool *truncated)
{
	__u32 n = 0;

	/* The compiler may know off is small and drop the masks below; the
	 * verifier would not. */
	barrier_var(off);
	if (ok) {
		n = copy_built_path(&data[off & SEED_DATA_MASK], bp);
		*truncated = bp->truncated;
	}
	if (!n) {
		data[off & SEED_DATA_MASK] = '\0';
		n = 1;
	}
	return n;
}

struct nul_count {
	const char *data;
	__u32 off;
	__u32 len;
	__u32 n;
};

static long count_nul(__u32 i, void *ctx)
{
	struct nul_count *c = ctx;

	if (i >= c->len)
		return 1;
	c->n += c->data[(c->off + i) & SEED_DATA_MASK] == '\0';
	return 0;
}

/*
 * Another process's [start, end) of NUL-separated strings (argv or the
 * environment), cut at max and always NUL-terminated. Returns the bytes
 * written; 0 when the memory cannot be read.
 */
static __always_inline __u32 read_task_area(char *data, __u32 off, struct task_struct *task,
					    unsigned long start, unsigned long end, __u32 max,
					    bool *truncated)
{
	__u32 len = end - start;

	barrier_var(off);
	if (end <= start)
		return 0;
	if (len > max) {
		len = max;
		*truncated = true;
	}
	if (bpf_copy_from_user_task(&data[off & SEED_DATA_MASK], BOUNDED_LEN(len, VIGIL_ARGS_MAX),
				    (void *)start, task, 0))
		return 0;
	data[(off + len - 1) & SEED_DATA_MASK] = '\0';
	return len;
}

static __always_inline int emit_process(struct bpf_iter_meta *meta, struct task_struct *task,
					bool user_memory)
{
	struct vigil_exec_event *ev;
	struct vigil_event_header *h;
	struct mm_struct *mm;
	struct fs_struct *fs;
	struct file *exe = NULL;
	const struct cred *cred;
	struct built_path bp;
	bool truncated, have_exe = false;
	__u32 zero = 0, off = 0, n;
	__u64 size;
	char *data;

	/* A process once, through its thread group leader. */
	if (!task || BPF_CORE_READ(task, pid) != BPF_CORE_READ(task, tgid))
		return 0;
	/* Every thread gone (a zombie waiting for its parent, or one exiting
	 * now): its exit event came before the hooks were attached, or will
	 * find nothing to remove. Seeded, it would stay in the table for good. */
	if (BPF_CORE_READ(task, signal, live.counter) == 0)
		return 0;
	ev = bpf_map_lookup_elem(&seed_scratch, &zero);
	if (!ev)
		return 0;
	data = ev->data;
	h = &ev->hdr;
	cred = BPF_CORE_READ(task, cred);
	mm = BPF_CORE_READ(task, mm);

	/* What fill_header() says of the current task, said of this one. */
	h->type = VIGIL_EVENT_EXEC;
	h->syscall = VIGIL_SC_EXECVE;
	h->ts_ns = BPF_CORE_READ(task, start_boottime);
	h->retval = 0;
	h->cgroup_id = task_cgroup_id(task);
	h->pid = BPF_CORE_READ(task, tgid);
	h->tid = BPF_CORE_READ(task, pid);
	h->ppid = BPF_CORE_READ(task, real_parent, tgid);
	h->uid = BPF_CORE_READ(cred, uid.val);
	h->gid = BPF_CORE_READ(cred, gid.val);
	h->euid = BPF_CORE_READ(cred, euid.val);
	h->pidns_ino = BPF_CORE_READ(task, nsproxy, pid_ns_for_children, ns.inum);
	h->mntns_ino = BPF_CORE_READ(task, nsproxy, mnt_ns, ns.inum);
	h->flags = 0; /* the ia32 flag describes a syscall: there is none */
	h->cpu = bpf_get_smp_processor_id();
	bpf_probe_read_kernel_str(h->comm, sizeof(h->comm), task->comm);

	ev->flags = 0;
	ev->tty = task_tty(task);
	ev->loginuid = BPF_CORE_READ(task, loginuid.val);
	ev->sid = BPF_CORE_READ(task, signal, pids[PIDTYPE_SID], numbers[0].nr);
	ev->vpid = task_namespace_pid(task);
	ev->reserved = 0;
	ev->cap_effective = task_caps(&cred->cap_effective);
	ev->cap_permitted = task_caps(&cred->cap_permitted);
	ev->cap_inheritable = task_caps(&cred->cap_inheritable);
	ev->start_ns = h->ts_ns;
	ev->argc = 0;
	ev->args_len = 0;
	ev->env_len = 0;
	ev->reserved2 = 0;

	/* filename and exe: the program's path twice, as a seeded process has
	 * no exec call whose filename could differ. */
	if (mm)
		exe = BPF_CORE_READ(mm, exe_file);
	if (exe) {
		have_exe = !build_path(&exe->f_path, &bp);
		ev->flags |= task_exe_origin(exe);
	}
	truncated = false;
	n = put_built_path(data, off, &bp, have_exe, &truncated);
	ev->filename_len = n;
	off += n;
	n = put_built_path(data, off, &bp, have_exe, &truncated);
	ev->exe_len = n;
	off += n;
	if (truncated)
		ev->flags |= VIGIL_EXEC_FILENAME_TRUNCATED | VIGIL_EXEC_EXE_TRUNCATED;

	if (mm && user_memory) {
		struct nul_count c = { .data = data, .off = off };

		truncated = false;
		n = read_task_area(data, off, task, BPF_CORE_READ(mm, arg_start),
				   BPF_CORE_READ(mm, arg_end), VIGIL_ARGS_MAX, &truncated);
		if (truncated)
			ev->flags |= VIGIL_EXEC_ARGS_TRUNCATED;
		/* argc as the strings count it: a process may have rewritten
		 * its argv area since exec (setproctitle). */
		c.len = n;
		bpf_loop(VIGIL_ARGS_MAX, count_nul, &c, 0);
		ev->argc = c.n;
		ev->args_len = n;
		off += n;
	}

	fs = BPF_CORE_READ(task, fs);
	truncated = false;
	n = put_built_path(data, off, &bp, fs && !build_path(&fs->pwd, &bp), &truncated);
	if (truncated)
		ev->flags |= VIGIL_EXEC_CWD_TRUNCATED;
	ev->cwd_len = n;
	off += n;

	if (mm && user_memory) {
		truncated = false;
		n = read_task_area(data, off, task, BPF_CORE_READ(mm, env_start),
				   BPF_CORE_READ(mm, env_end), VIGIL_ENV_MAX, &truncated);
		if (truncated)
			ev->flags |= VIGIL_EXEC_ENV_TRUNCATED;
		ev->env_len = n;
		off += n;
	}

	/* 64 bits, so that the register checked is the one passed. */
	size = sizeof(*ev) + (__u64)off;
	barrier_var(size);
	if (size > sizeof(struct seed_buf))
		return 0;
	h->size = size;
	bpf_seq_write(meta->seq, ev, size);
	return 0;
}

SEC("iter.s/task")
int handle__iter_task_sleepable(struct bpf_iter__task *ctx)
{
	return emit_process(ctx->meta, ctx->task, true);
}

SEC("iter/task")
int handle__iter_task(struct bpf_iter__task *ctx)
{
	return emit_process(ctx->meta, ctx->task, false);
}
