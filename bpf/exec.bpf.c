// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * execve and execveat. After a successful exec the caller's memory is gone,
 * so everything is read from the new image, which nothing in userspace has
 * touched yet: argv and the environment from the kernel's copies at
 * mm->arg_start and mm->env_start, the filename from the copy the kernel puts
 * right after the environment strings (AT_EXECFN), argc from the top of the
 * new stack and the exe from mm->exe_file. A failed exec still has the
 * caller's memory: read the arguments it passed.
 */
#include "path.bpf.h"
#include "task.bpf.h"

#define FAILED_EXEC_ARGS_MAX 32

/* Reads a user string to data + off; returns the bytes written with the NUL. */
static __always_inline __u32 read_user_string(char *data, __u32 off, const void *src,
					      bool *truncated)
{
	long n = bpf_probe_read_user_str(&data[off & EVENT_DATA_MASK], EVENT_STRING_MAX, src);

	if (n <= 0) {
		data[off & EVENT_DATA_MASK] = '\0';
		return 1;
	}
	if (n == EVENT_STRING_MAX)
		*truncated = true;
	return n;
}

/* Copies a built path to data + off; returns the bytes written (at least 1). */
static __always_inline __u32 put_path(char *data, __u32 off, const struct path *path,
				      bool *truncated)
{
	struct built_path bp;
	__u32 n = 0;

	if (!build_path(path, &bp)) {
		n = copy_built_path(&data[off & EVENT_DATA_MASK], &bp);
		*truncated = bp.truncated;
	}
	if (!n) {
		data[off & EVENT_DATA_MASK] = '\0';
		n = 1;
	}
	return n;
}

/* A user memory range [start, end) of NUL-separated strings, cut at max. */
static __always_inline __u32 read_string_area(char *data, __u32 off, unsigned long start,
					      unsigned long end, __u32 max, bool *truncated)
{
	__u32 len = end - start;

	if (end <= start)
		return 0;
	if (len > max) {
		len = max;
		*truncated = true;
	}
	if (bpf_probe_read_user(&data[off & EVENT_DATA_MASK], BOUNDED_LEN(len, VIGIL_ARGS_MAX),
				(void *)start)) {
		*truncated = true;
		return 0;
	}
	/* A cut string still ends with a NUL. */
	data[(off + len - 1) & EVENT_DATA_MASK] = '\0';
	return len;
}

struct caller_args {
	struct vigil_exec_event *ev;
	const char *const *argv;
	__u32 off;
	__u32 used;
	bool compat;
	bool complete;
};

/* Reads argv[index]; a bpf_loop() callback, verified once. */
static long read_caller_arg(__u32 index, void *data)
{
	struct caller_args *ca = data;
	struct vigil_exec_event *ev = ca->ev;
	__u32 room = VIGIL_ARGS_MAX - ca->used, at = ca->off + ca->used;
	const char *arg = NULL;
	long n;

	if (ca->compat) {
		__u32 ptr32 = 0;

		bpf_probe_read_user(&ptr32, sizeof(ptr32), (const __u32 *)ca->argv + index);
		arg = (const char *)(unsigned long)ptr32;
	} else {
		bpf_probe_read_user(&arg, sizeof(arg), ca->argv + index);
	}
	if (!arg) {
		ca->complete = true;
		return 1;
	}
	if (room < 2 || room > VIGIL_ARGS_MAX)
		return 1;
	n = bpf_probe_read_user_str(&ev->data[at & EVENT_DATA_MASK],
				    BOUNDED_LEN(room, VIGIL_ARGS_MAX), arg);
	if (n <= 0) {
		ev->data[at & EVENT_DATA_MASK] = '\0';
		n = 1;
	}
	ca->used += n;
	ev->argc++;
	return n == room; /* this one may have been cut: stop */
}

static __always_inline __u32 read_caller_args(struct vigil_exec_event *ev, __u32 off,
					      const char *const *argv, bool compat)
{
	struct caller_args ca = { .ev = ev, .argv = argv, .off = off, .compat = compat };

	bpf_loop(FAILED_EXEC_ARGS_MAX, read_caller_arg, &ca, 0);
	if (!ca.complete)
		ev->flags |= VIGIL_EXEC_ARGS_TRUNCATED;
	return ca.used;
}

static __always_inline int handle_exec_exit(struct pt_regs *regs, long ret)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct current_call *call = current_call();
	struct vigil_exec_event *ev = scratch_event();
	const struct cred *cred;
	bool truncated = false;
	__u32 off = 0, n;
	int path_arg;

	if (!ev || !call)
		return 0;
	fill_header(&ev->hdr, task, VIGIL_EVENT_EXEC, call->syscall, ret);
	cred = BPF_CORE_READ(task, cred);
	ev->flags = 0;
	ev->tty = task_tty(task);
	ev->loginuid = BPF_CORE_READ(task, loginuid.val);
	ev->sid = BPF_CORE_READ(task, signal, pids[PIDTYPE_SID], numbers[0].nr);
	ev->vpid = task_namespace_pid(task);
	ev->reserved = 0;
	ev->cap_effective = task_caps(&cred->cap_effective);
	ev->cap_permitted = task_caps(&cred->cap_permitted);
	ev->cap_inheritable = task_caps(&cred->cap_inheritable);
	ev->start_ns = BPF_CORE_READ(task, group_leader, start_boottime);
	ev->argc = 0;
	ev->reserved2 = 0;
	ev->cwd_len = 1;
	ev->env_len = 0;
	path_arg = call->syscall == VIGIL_SC_EXECVEAT ? 1 : 0;

	if (ret == 0) {
		struct mm_struct *mm = BPF_CORE_READ(task, mm);
		struct file *exe = BPF_CORE_READ(mm, exe_file);
		unsigned long argc = 0;

		n = read_user_string(ev->data, off, (void *)BPF_CORE_READ(mm, env_end),
				     &truncated);
		ev->filename_len = n;
		off += n;
		if (truncated)
			ev->flags |= VIGIL_EXEC_FILENAME_TRUNCATED;

		truncated = false;
		n = put_path(ev->data, off, &exe->f_path, &truncated);
		if (truncated)
			ev->flags |= VIGIL_EXEC_EXE_TRUNCATED;
		ev->flags |= task_exe_origin(exe);
		ev->exe_len = n;
		off += n;

		truncated = false;
		n = read_string_area(ev->data, off, BPF_CORE_READ(mm, arg_start),
				     BPF_CORE_READ(mm, arg_end), VIGIL_ARGS_MAX, &truncated);
		if (truncated)
			ev->flags |= VIGIL_EXEC_ARGS_TRUNCATED;
		ev->args_len = n;
		off += n;
		/* The initial stack pointer addresses argc (the ELF entry ABI). */
		bpf_probe_read_user(&argc, call->compat ? 4 : 8, (void *)BPF_CORE_READ(regs, sp));
		ev->argc = argc;

		truncated = false;
		n = put_path(ev->data, off, &task->fs->pwd, &truncated);
		if (truncated)
			ev->flags |= VIGIL_EXEC_CWD_TRUNCATED;
		ev->cwd_len = n;
		off += n;

		truncated = false;
		n = read_string_area(ev->data, off, BPF_CORE_READ(mm, env_start),
				     BPF_CORE_READ(mm, env_end), VIGIL_ENV_MAX, &truncated);
		if (truncated)
			ev->flags |= VIGIL_EXEC_ENV_TRUNCATED;
		ev->env_len = n;
		off += n;
	} else {
		n = read_user_string(ev->data, off,
				     (void *)syscall_arg(regs, path_arg, call->compat), &truncated);
		ev->filename_len = n;
		off += n;
		if (truncated)
			ev->flags |= VIGIL_EXEC_FILENAME_TRUNCATED;
		ev->data[off & EVENT_DATA_MASK] = '\0';
		ev->exe_len = 1;
		off += 1;
		n = read_caller_args(ev, off,
				     (void *)syscall_arg(regs, path_arg + 1, call->compat),
				     call->compat);
		ev->args_len = n;
		off += n;
		ev->data[off & EVENT_DATA_MASK] = '\0';
		off += 1; /* cwd: empty */
	}
	submit_event(task, ev, sizeof(*ev) + off, true);
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(handle__sys_exit_exec, struct pt_regs *regs, long ret)
{
	return handle_exec_exit(regs, ret);
}
