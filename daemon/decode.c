// SPDX-License-Identifier: GPL-2.0-only
/*
 * Ring buffer records to decoded events. A record comes from our own BPF
 * programs, but is checked as if it came from anywhere: a BPF object built
 * from another revision, or a bug there, must cost one event, never a read
 * out of bounds in the daemon. Every length is checked before it is used and
 * nothing is copied except what has to be rewritten (addresses, the cgroup
 * path); the decoded strings point into the record.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include "vigil.h"

static const char *const syscall_names[VIGIL_SC_MAX] = {
	[VIGIL_SC_EXECVE] = "execve",
	[VIGIL_SC_EXECVEAT] = "execveat",
	[VIGIL_SC_OPEN] = "open",
	[VIGIL_SC_OPENAT] = "openat",
	[VIGIL_SC_OPENAT2] = "openat2",
	[VIGIL_SC_CREAT] = "creat",
	[VIGIL_SC_CONNECT] = "connect",
	[VIGIL_SC_SETUID] = "setuid",
	[VIGIL_SC_SETREUID] = "setreuid",
	[VIGIL_SC_SETRESUID] = "setresuid",
	[VIGIL_SC_SETGID] = "setgid",
	[VIGIL_SC_SETREGID] = "setregid",
	[VIGIL_SC_SETRESGID] = "setresgid",
};

const char *syscall__name(enum vigil_syscall sc)
{
	if ((unsigned int)sc >= VIGIL_SC_MAX)
		return NULL;
	return syscall_names[sc];
}

enum vigil_syscall syscall__from_name(const char *name)
{
	unsigned int sc;

	if (!name)
		return VIGIL_SC_NONE;
	for (sc = VIGIL_SC_NONE + 1; sc < VIGIL_SC_MAX; sc++) {
		if (!strcmp(name, syscall_names[sc]))
			return sc;
	}
	return VIGIL_SC_NONE;
}

/*
 * Whether a record of this type can come from this syscall. The rule engine
 * picks the union member of struct evt from either, so a record where they
 * disagree would have it read one layout as another.
 */
static bool event_type__allows(enum vigil_event_type type, enum vigil_syscall sc)
{
	switch (type) {
	case VIGIL_EVENT_EXEC:
		return sc == VIGIL_SC_EXECVE || sc == VIGIL_SC_EXECVEAT;
	case VIGIL_EVENT_OPEN:
		return sc >= VIGIL_SC_OPEN && sc <= VIGIL_SC_CREAT;
	case VIGIL_EVENT_CONNECT:
		return sc == VIGIL_SC_CONNECT;
	case VIGIL_EVENT_SETID:
		return sc >= VIGIL_SC_SETUID && sc <= VIGIL_SC_SETRESGID;
	case VIGIL_EVENT_FORK:
	case VIGIL_EVENT_EXIT:
	case VIGIL_EVENT_CGROUP:
	case VIGIL_EVENT_CGROUP_RMDIR:
		return sc == VIGIL_SC_NONE;
	default:
		return false;
	}
}

/* The variable part of a record: strings back to back after the fixed part. */
struct record_data {
	const char *data;
	size_t len;
	size_t off;
};

/*
 * Takes the next string, len bytes with its NUL. The NUL must be the string's
 * last byte and its only one: an earlier NUL would make the string seen by
 * C code shorter than the record says, and the next string start elsewhere
 * than where the BPF side wrote it.
 */
static int record_data__string(struct record_data *rd, size_t len, const char **out)
{
	const char *s = rd->data + rd->off;

	if (len == 0 || len > rd->len - rd->off)
		return -EINVAL;
	if (memchr(s, '\0', len) != s + len - 1)
		return -EINVAL;
	*out = s;
	rd->off += len;
	return 0;
}

/*
 * Takes the argv strings: len bytes of NUL-terminated strings, possibly empty
 * ones. A cut argument list keeps fewer strings than the call's argc (the BPF
 * side cuts the last one short and terminates it), a whole one exactly argc.
 */
static int record_data__args(struct record_data *rd, size_t len, uint32_t argc, bool truncated,
			     const char **out)
{
	const char *s = rd->data + rd->off;
	uint32_t nstrings = 0;
	size_t i;

	if (len > rd->len - rd->off)
		return -EINVAL;
	if (len > 0 && s[len - 1] != '\0')
		return -EINVAL;
	for (i = 0; i < len; i++)
		nstrings += s[i] == '\0';
	if (truncated ? nstrings > argc : nstrings != argc)
		return -EINVAL;
	/* An empty list may sit at the very end of the record: never point there. */
	*out = len ? s : "";
	rd->off += len;
	return 0;
}

/* Takes len bytes of NUL-separated strings whose last byte is a NUL (a cut
 * area is terminated by the BPF side); len 0 is an empty area. */
static int record_data__strings(struct record_data *rd, size_t len, const char **out)
{
	const char *s = rd->data + rd->off;

	if (len > rd->len - rd->off)
		return -EINVAL;
	if (len > 0 && s[len - 1] != '\0')
		return -EINVAL;
	*out = len ? s : "";
	rd->off += len;
	return 0;
}

static int exec_event__decode(const void *data, size_t size, struct evt *evt)
{
	const struct vigil_exec_event *e = data;
	struct record_data rd;
	int err;

	if (size < sizeof(*e))
		return -EINVAL;
	rd.data = e->data;
	rd.len = size - sizeof(*e);
	rd.off = 0;
	if ((size_t)e->filename_len + e->exe_len + e->args_len + e->cwd_len + e->env_len !=
	    rd.len)
		return -EINVAL;
	err = record_data__string(&rd, e->filename_len, &evt->exec.filename);
	if (err)
		return err;
	err = record_data__string(&rd, e->exe_len, &evt->exec.exe);
	if (err)
		return err;
	err = record_data__args(&rd, e->args_len, e->argc, e->flags & VIGIL_EXEC_ARGS_TRUNCATED,
				&evt->exec.args);
	if (err)
		return err;
	err = record_data__string(&rd, e->cwd_len, &evt->exec.cwd);
	if (err)
		return err;
	err = record_data__strings(&rd, e->env_len, &evt->exec.env);
	if (err)
		return err;
	evt->exec.args_len = e->args_len;
	evt->exec.argc = e->argc;
	evt->exec.env_len = e->env_len;
	evt->exec.flags = e->flags;
	evt->exec.tty = e->tty;
	evt->exec.loginuid = e->loginuid;
	evt->exec.sid = e->sid;
	evt->exec.vpid = e->vpid;
	evt->exec.cap_effective = e->cap_effective;
	evt->exec.cap_permitted = e->cap_permitted;
	evt->exec.cap_inheritable = e->cap_inheritable;
	evt->exec.start_ns = e->start_ns;
	return 0;
}

static int open_event__decode(const void *data, size_t size, struct evt *evt)
{
	const struct vigil_open_event *e = data;
	struct record_data rd;
	int err;

	if (size < sizeof(*e))
		return -EINVAL;
	rd.data = e->data;
	rd.len = size - sizeof(*e);
	rd.off = 0;
	if ((size_t)e->path_len + e->resolved_len != rd.len)
		return -EINVAL;
	err = record_data__string(&rd, e->path_len, &evt->open.path);
	if (err)
		return err;
	err = record_data__string(&rd, e->resolved_len, &evt->open.resolved);
	if (err)
		return err;
	evt->open.dirfd = e->dirfd;
	evt->open.flags = e->flags;
	evt->open.mode = e->mode;
	evt->open.capture_flags = e->open_flags;
	return 0;
}

static const uint8_t v4mapped_prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

static int connect_event__decode(const void *data, size_t size, struct evt *evt)
{
	const struct vigil_connect_event *e = data;

	if (size != sizeof(*e))
		return -EINVAL;
	evt->connect.fd = e->fd;
	evt->connect.family = e->family;
	evt->connect.port = 0;
	memset(evt->connect.addr, 0, sizeof(evt->connect.addr));
	evt->connect.unix_path = "";
	switch (e->family) {
	case AF_INET:
		evt->connect.port = e->port;
		memcpy(evt->connect.addr, e->addr, 4);
		break;
	case AF_INET6:
		evt->connect.port = e->port;
		/* A dual-stack socket reaching an IPv4 peer is an IPv4 connection:
		 * rules written against 10.0.0.0/8 must match it too. */
		if (!memcmp(e->addr, v4mapped_prefix, sizeof(v4mapped_prefix))) {
			evt->connect.family = AF_INET;
			memcpy(evt->connect.addr, e->addr + sizeof(v4mapped_prefix), 4);
		} else {
			memcpy(evt->connect.addr, e->addr, sizeof(e->addr));
		}
		break;
	case AF_UNIX:
		if (!memchr(e->unix_path, '\0', sizeof(e->unix_path)))
			return -EINVAL;
		evt->connect.unix_path = e->unix_path;
		break;
	}
	return 0;
}

static int setid_event__decode(const void *data, size_t size, struct evt *evt)
{
	const struct vigil_setid_event *e = data;

	if (size != sizeof(*e))
		return -EINVAL;
	memcpy(evt->setid.args, e->args, sizeof(evt->setid.args));
	memcpy(evt->setid.old_ids, e->old_ids, sizeof(evt->setid.old_ids));
	memcpy(evt->setid.new_ids, e->new_ids, sizeof(evt->setid.new_ids));
	return 0;
}

static int fork_event__decode(const void *data, size_t size, struct evt *evt)
{
	const struct vigil_fork_event *e = data;

	if (size != sizeof(*e))
		return -EINVAL;
	evt->fork.child_pid = e->child_pid;
	evt->fork.child_tid = e->child_tid;
	return 0;
}

static int exit_event__decode(const void *data, size_t size, struct evt *evt)
{
	const struct vigil_exit_event *e = data;

	if (size != sizeof(*e))
		return -EINVAL;
	evt->exit.exit_code = e->exit_code;
	return 0;
}

/* Room for "...", then "/" and a name of at most NAME_MAX - 1 bytes per level. */
_Static_assert(sizeof(((struct evt *)0)->cgroup.path) >=
		       3 + VIGIL_CGROUP_DEPTH_MAX * VIGIL_CGROUP_NAME_MAX + 1,
	       "cgroup path buffer");

static int cgroup_event__decode(const void *data, size_t size, struct evt *evt)
{
	const struct vigil_cgroup_event *e = data;
	struct strbuf sb;
	uint32_t i;

	if (size != sizeof(*e))
		return -EINVAL;
	if (e->depth > VIGIL_CGROUP_DEPTH_MAX)
		return -EINVAL;
	for (i = 0; i < e->depth; i++) {
		if (!memchr(e->names[i], '\0', sizeof(e->names[i])))
			return -EINVAL;
	}
	evt->cgroup.id = e->id;
	strbuf__init(&sb, evt->cgroup.path, sizeof(evt->cgroup.path));
	/* The top levels are missing: say so rather than pass off a
	 * partial path as one starting at the root. */
	if (e->flags & VIGIL_CGROUP_TRUNCATED)
		strbuf__puts(&sb, "...");
	if (e->depth == 0)
		strbuf__puts(&sb, "/");
	for (i = e->depth; i-- > 0;) {
		strbuf__puts(&sb, "/");
		strbuf__puts(&sb, e->names[i]);
	}
	return 0;
}

static int cgroup_rmdir_event__decode(const void *data, size_t size, struct evt *evt)
{
	const struct vigil_cgroup_rmdir_event *e = data;

	if (size != sizeof(*e))
		return -EINVAL;
	evt->cgroup.id = e->id;
	evt->cgroup.path[0] = '\0';
	return 0;
}

int event__decode(const void *data, size_t size, struct evt *evt)
{
	const struct vigil_event_header *hdr = data;
	int err;

	/* libbpf hands out ring buffer records 8-byte aligned; anything else
	 * did not come from there and cannot be read through the structs. */
	if ((uintptr_t)data % _Alignof(struct vigil_event_header))
		return -EINVAL;
	if (size < sizeof(*hdr) || hdr->size != size)
		return -EINVAL;
	if (hdr->type < VIGIL_EVENT_EXEC || hdr->type >= VIGIL_EVENT_TYPE_MAX)
		return -EINVAL;
	if (hdr->syscall >= VIGIL_SC_MAX || !event_type__allows(hdr->type, hdr->syscall))
		return -EINVAL;
	/* proc.name reads comm as a C string. */
	if (!memchr(hdr->comm, '\0', sizeof(hdr->comm)))
		return -EINVAL;

	switch (hdr->type) {
	case VIGIL_EVENT_EXEC:
		err = exec_event__decode(data, size, evt);
		break;
	case VIGIL_EVENT_OPEN:
		err = open_event__decode(data, size, evt);
		break;
	case VIGIL_EVENT_CONNECT:
		err = connect_event__decode(data, size, evt);
		break;
	case VIGIL_EVENT_SETID:
		err = setid_event__decode(data, size, evt);
		break;
	case VIGIL_EVENT_FORK:
		err = fork_event__decode(data, size, evt);
		break;
	case VIGIL_EVENT_EXIT:
		err = exit_event__decode(data, size, evt);
		break;
	case VIGIL_EVENT_CGROUP:
		err = cgroup_event__decode(data, size, evt);
		break;
	case VIGIL_EVENT_CGROUP_RMDIR:
		err = cgroup_rmdir_event__decode(data, size, evt);
		break;
	default:
		err = -EINVAL;
		break;
	}
	if (err)
		return err;
	evt->hdr = hdr;
	evt->type = hdr->type;
	evt->syscall = hdr->syscall;
	evt->proc = NULL;
	evt->parent = NULL;
	evt->container = &container_host;
	evt->procs = NULL;
	evt->hostname = NULL;
	evt->num = 0;
	evt->time_ns = 0;
	return 0;
}
