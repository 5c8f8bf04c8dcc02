// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * execve and execveat. After a successful exec the caller's memory is gone,
 * so everything is read from the new image, which nothing in userspace has
 * touched yet: argv from the kernel's copy at mm->arg_start, the filename
 * from the copy the kernel puts right after the environment strings
 * (AT_EXECFN), argc from the top of the new stack and the exe from
 * mm->exe_file. A failed exec still has the caller's memory: read the
 * arguments it passed.
 */
#include "path.bpf.h"

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

static __always_inline __u32 controlling_tty(struct task_struct *task)
{
	struct tty_struct *tty = BPF_CORE_READ(task, signal, tty);
	__u32 major, minor;

	if (!tty)
		return 0;
	major = BPF_CORE_READ(tty, driver, major);
	minor = BPF_CORE_READ(tty, driver, minor_start) + BPF_CORE_READ(tty, index);
	return major << 20 | minor;
}

static __always_inline __u32 read_new_image_args(struct vigil_exec_event *ev, __u32 off,
						 struct mm_struct *mm)
{
	unsigned long start = BPF_CORE_READ(mm, arg_start);
	unsigned long end = BPF_CORE_READ(mm, arg_end);
	__u32 len = end - start;

	if (end <= start)
		return 0;
	if (len > VIGIL_ARGS_MAX) {
		len = VIGIL_ARGS_MAX;
		ev->flags |= VIGIL_EXEC_ARGS_TRUNCATED;
	}
	if (bpf_probe_read_user(&ev->data[off & EVENT_DATA_MASK], BOUNDED_LEN(len, VIGIL_ARGS_MAX),
				(void *)start)) {
		/* Unreadable: none of argc's strings are here. */
		ev->flags |= VIGIL_EXEC_ARGS_TRUNCATED;
		return 0;
	}
	/* A cut argument still ends with a NUL. */
	ev->data[(off + len - 1) & EVENT_DATA_MASK] = '\0';
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
	struct built_path exe;
	struct mm_struct *mm;
	bool truncated = false;
	__u32 off = 0, n;
	int path_arg;

	if (!ev || !call)
		return 0;
	fill_header(&ev->hdr, task, VIGIL_EVENT_EXEC, call->syscall, ret);
	ev->flags = 0;
	ev->tty = controlling_tty(task);
	ev->loginuid = BPF_CORE_READ(task, loginuid.val);
	ev->argc = 0;
	ev->reserved = 0;
	path_arg = call->syscall == VIGIL_SC_EXECVEAT ? 1 : 0;

	if (ret == 0) {
		unsigned long argc = 0;

		mm = BPF_CORE_READ(task, mm);
		n = read_user_string(ev->data, off, (void *)BPF_CORE_READ(mm, env_end),
				     &truncated);
		ev->filename_len = n;
		off += n;
		if (truncated)
			ev->flags |= VIGIL_EXEC_FILENAME_TRUNCATED;
		n = 1;
		ev->data[off & EVENT_DATA_MASK] = '\0';
		if (!build_path(&BPF_CORE_READ(mm, exe_file)->f_path, &exe)) {
			n = copy_built_path(&ev->data[off & EVENT_DATA_MASK], &exe);
			if (!n) {
				ev->data[off & EVENT_DATA_MASK] = '\0';
				n = 1;
			}
			if (exe.truncated)
				ev->flags |= VIGIL_EXEC_EXE_TRUNCATED;
		}
		ev->exe_len = n;
		off += n;
		n = read_new_image_args(ev, off, mm);
		ev->args_len = n;
		off += n;
		/* The initial stack pointer addresses argc (the ELF entry ABI). */
		bpf_probe_read_user(&argc, call->compat ? 4 : 8, (void *)BPF_CORE_READ(regs, sp));
		ev->argc = argc;
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
	}
	submit_event(task, ev, sizeof(*ev) + off, true);
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(handle__sys_exit_exec, struct pt_regs *regs, long ret)
{
	return handle_exec_exit(regs, ret);
}
