// SPDX-License-Identifier: GPL-2.0-only
/*
 * Builds ring buffer records in userspace, laid out exactly as the BPF
 * programs lay them out, so that replayed and hand-written events go through
 * the same decoding as live ones.
 */
#include <errno.h>
#include <string.h>

#include "vigil.h"

/* Appends n bytes; returns n, or 0 (and marks the buffer) when out of room. */
static uint16_t put(struct record_buf *rb, const void *s, size_t n)
{
	if (n > UINT16_MAX || rb->len + n > sizeof(rb->u.bytes)) {
		rb->overflow = true;
		return 0;
	}
	memcpy(rb->u.bytes + rb->len, s, n);
	rb->len += n;
	return (uint16_t)n;
}

static uint16_t put_string(struct record_buf *rb, const char *s)
{
	return put(rb, s ? s : "", strlen(s ? s : "") + 1);
}

void *record_buf__start(struct record_buf *rb, const struct vigil_event_header *hdr,
			size_t fixed)
{
	memset(rb->u.bytes, 0, fixed);
	memcpy(rb->u.bytes, hdr, sizeof(*hdr));
	rb->len = fixed;
	rb->overflow = false;
	return rb->u.bytes;
}

int record_buf__finish(struct record_buf *rb)
{
	struct vigil_event_header *h = (void *)rb->u.bytes;

	if (rb->overflow)
		return -E2BIG;
	h->size = rb->len;
	return 0;
}

void record_buf__exec_strings(struct record_buf *rb, const struct exec_strings *s)
{
	struct vigil_exec_event *e = (void *)rb->u.bytes;

	e->filename_len = put_string(rb, s->filename);
	e->exe_len = put_string(rb, s->exe);
	e->args_len = put(rb, s->args, s->args_len);
	e->cwd_len = put_string(rb, s->cwd);
	e->env_len = put(rb, s->env, s->env_len);
}

void record_buf__open_strings(struct record_buf *rb, const char *path, const char *resolved)
{
	struct vigil_open_event *e = (void *)rb->u.bytes;

	e->path_len = put_string(rb, path);
	e->resolved_len = put_string(rb, resolved);
}

int record_buf__process(struct record_buf *rb, const struct process *p)
{
	struct vigil_event_header hdr = {
		.type = VIGIL_EVENT_EXEC,
		.syscall = VIGIL_SC_EXECVE,
		.ts_ns = p->start_ns,
		.cgroup_id = p->cgroup_id,
		.pid = p->pid,
		.tid = p->pid,
		.ppid = p->ppid,
		.uid = p->uid,
		.gid = p->gid,
		.euid = p->uid,
	};
	struct exec_strings s = {
		.filename = p->exepath,
		.exe = p->exepath,
		.args = p->args,
		.args_len = p->args_len,
		.cwd = p->cwd,
		.env = p->env,
		.env_len = p->env_len,
	};
	struct vigil_exec_event *e;
	uint32_t i, argc = 0;

	memcpy(hdr.comm, p->comm, sizeof(hdr.comm));
	hdr.comm[sizeof(hdr.comm) - 1] = '\0';
	e = record_buf__start(rb, &hdr, sizeof(*e));
	for (i = 0; i < p->args_len; i++)
		argc += p->args[i] == '\0';
	/* /proc cmdline may lack its last NUL: such an argument list is cut. */
	if (p->args_len && p->args[p->args_len - 1] != '\0')
		s.args_len = 0;
	e->flags = p->exe_flags | (p->args_truncated ? VIGIL_EXEC_ARGS_TRUNCATED : 0);
	e->argc = s.args_len ? argc : 0;
	e->tty = p->tty;
	e->loginuid = p->loginuid;
	e->sid = p->sid;
	e->vpid = p->vpid;
	e->cap_effective = p->cap_effective;
	e->cap_permitted = p->cap_permitted;
	e->cap_inheritable = p->cap_inheritable;
	e->start_ns = p->start_ns;
	record_buf__exec_strings(rb, &s);
	return record_buf__finish(rb);
}
