// SPDX-License-Identifier: GPL-2.0-only
/*
 * Events as JSON lines, both ways: `vigild --dump` writes a capture's records
 * this way, and `vigild --replay` reads the same lines (hand-written ones for
 * tests) back into records laid out as the BPF side lays them out. The keys
 * are documented in docs/capture.md.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <yaml.h>

#include "vigil.h"
#include "container_internal.h"

#define JSON_KEYS_MAX 48
#define JSON_ITEMS_MAX 1024

static const char *const type_names[VIGIL_EVENT_TYPE_MAX] = {
	[VIGIL_EVENT_EXEC] = "exec",
	[VIGIL_EVENT_OPEN] = "open",
	[VIGIL_EVENT_CONNECT] = "connect",
	[VIGIL_EVENT_SETID] = "setid",
	[VIGIL_EVENT_FORK] = "fork",
	[VIGIL_EVENT_EXIT] = "exit",
	[VIGIL_EVENT_CGROUP] = "cgroup",
	[VIGIL_EVENT_CGROUP_RMDIR] = "cgroup_rmdir",
};

/* ---- writing ---- */

static void put_key(struct strbuf *sb, const char *key)
{
	strbuf__printf(sb, ",\"%s\":", key);
}

static void put_str(struct strbuf *sb, const char *key, const char *value)
{
	put_key(sb, key);
	json_str__put(sb, value, SIZE_MAX);
}

static void put_u64(struct strbuf *sb, const char *key, uint64_t v)
{
	put_key(sb, key);
	strbuf__printf(sb, "%" PRIu64, v);
}

static void put_i64(struct strbuf *sb, const char *key, int64_t v)
{
	put_key(sb, key);
	strbuf__printf(sb, "%" PRId64, v);
}

/* NUL-separated strings as a JSON array. */
static void put_strings(struct strbuf *sb, const char *key, const char *s, size_t len)
{
	size_t off = 0;

	put_key(sb, key);
	strbuf__puts(sb, "[");
	while (off < len) {
		if (off)
			strbuf__puts(sb, ",");
		json_str__put(sb, s + off, SIZE_MAX);
		off += strlen(s + off) + 1;
	}
	strbuf__puts(sb, "]");
}

static void put_u32s(struct strbuf *sb, const char *key, const uint32_t *v, size_t n)
{
	size_t i;

	put_key(sb, key);
	strbuf__puts(sb, "[");
	for (i = 0; i < n; i++)
		strbuf__printf(sb, "%s%" PRIu32, i ? "," : "", v[i]);
	strbuf__puts(sb, "]");
}

static void put_header(struct strbuf *sb, const struct evt *evt, const char *type)
{
	const struct vigil_event_header *h = evt->hdr;

	strbuf__puts(sb, "{\"type\":");
	json_str__put(sb, type, SIZE_MAX);
	if (evt->syscall != VIGIL_SC_NONE)
		put_str(sb, "syscall", syscall__name(evt->syscall));
	put_u64(sb, "ts", h->ts_ns);
	put_i64(sb, "ret", h->retval);
	put_u64(sb, "pid", h->pid);
	put_u64(sb, "tid", h->tid);
	put_u64(sb, "ppid", h->ppid);
	put_u64(sb, "uid", h->uid);
	put_u64(sb, "gid", h->gid);
	put_u64(sb, "euid", h->euid);
	put_u64(sb, "cgroup_id", h->cgroup_id);
	put_u64(sb, "pidns", h->pidns_ino);
	put_u64(sb, "mntns", h->mntns_ino);
	put_u64(sb, "cpu", h->cpu);
	if (h->flags & VIGIL_HDR_COMPAT)
		put_u64(sb, "compat", 1);
	if (h->flags & VIGIL_HDR_IO_URING)
		put_u64(sb, "io_uring", 1);
	put_str(sb, "comm", h->comm);
}

static void put_connect(struct strbuf *sb, const struct evt *evt)
{
	char addr[INET6_ADDRSTRLEN] = "";

	put_i64(sb, "fd", evt->connect.fd);
	put_u64(sb, "family", evt->connect.family);
	if (evt->connect.family == AF_INET || evt->connect.family == AF_INET6) {
		inet_ntop(evt->connect.family, evt->connect.addr, addr, sizeof(addr));
		put_str(sb, "addr", addr);
		put_u64(sb, "port", evt->connect.port);
	} else if (evt->connect.family == AF_UNIX) {
		put_str(sb, "unix_path", evt->connect.unix_path);
	}
}

int event_json__format(const void *data, size_t size, const char *kind, struct strbuf *sb)
{
	struct evt evt;
	int err;

	err = event__decode(data, size, &evt);
	if (err)
		return err;
	put_header(sb, &evt, kind ? kind : type_names[evt.type]);
	switch (evt.type) {
	case VIGIL_EVENT_EXEC:
		put_str(sb, "filename", evt.exec.filename);
		put_str(sb, "exe", evt.exec.exe);
		put_strings(sb, "args", evt.exec.args, evt.exec.args_len);
		put_u64(sb, "argc", evt.exec.argc);
		put_str(sb, "cwd", evt.exec.cwd);
		put_strings(sb, "env", evt.exec.env, evt.exec.env_len);
		put_u64(sb, "exec_flags", evt.exec.flags);
		put_u64(sb, "tty", evt.exec.tty);
		put_u64(sb, "loginuid", evt.exec.loginuid);
		put_u64(sb, "sid", evt.exec.sid);
		put_u64(sb, "vpid", evt.exec.vpid);
		put_u64(sb, "cap_effective", evt.exec.cap_effective);
		put_u64(sb, "cap_permitted", evt.exec.cap_permitted);
		put_u64(sb, "cap_inheritable", evt.exec.cap_inheritable);
		put_u64(sb, "start_ns", evt.exec.start_ns);
		break;
	case VIGIL_EVENT_OPEN:
		put_str(sb, "path", evt.open.path);
		put_str(sb, "resolved", evt.open.resolved);
		put_i64(sb, "dirfd", evt.open.dirfd);
		put_u64(sb, "flags", evt.open.flags);
		put_u64(sb, "mode", evt.open.mode);
		put_u64(sb, "open_flags", ((const struct vigil_open_event *)data)->open_flags);
		break;
	case VIGIL_EVENT_CONNECT:
		put_connect(sb, &evt);
		break;
	case VIGIL_EVENT_SETID:
		put_u32s(sb, "args", evt.setid.args, 3);
		put_u32s(sb, "old", evt.setid.old_ids, 3);
		put_u32s(sb, "new", evt.setid.new_ids, 3);
		break;
	case VIGIL_EVENT_FORK:
		put_u64(sb, "child_pid", evt.fork.child_pid);
		put_u64(sb, "child_tid", evt.fork.child_tid);
		break;
	case VIGIL_EVENT_EXIT:
		put_i64(sb, "exit_code", evt.exit.exit_code);
		break;
	case VIGIL_EVENT_CGROUP:
		put_u64(sb, "id", evt.cgroup.id);
		put_str(sb, "path", evt.cgroup.path);
		break;
	case VIGIL_EVENT_CGROUP_RMDIR:
		put_u64(sb, "id", evt.cgroup.id);
		break;
	default:
		break;
	}
	strbuf__puts(sb, "}");
	return sb->truncated ? -E2BIG : 0;
}

/* ---- reading ---- */

struct line_value {
	char *key;
	char *scalar;  /* NULL for an array */
	char **items;  /* an array of scalars */
	size_t nitems;
};

struct line_object {
	struct line_value values[JSON_KEYS_MAX];
	size_t n;
};

static void line_object__free(struct line_object *o)
{
	size_t i, j;

	for (i = 0; i < o->n; i++) {
		free(o->values[i].key);
		free(o->values[i].scalar);
		for (j = 0; j < o->values[i].nitems; j++)
			free(o->values[i].items[j]);
		free(o->values[i].items);
	}
	o->n = 0;
}

static char *scalar_copy(const yaml_event_t *ev)
{
	return strndup((const char *)ev->data.scalar.value, ev->data.scalar.length);
}

/* One flat object of scalars and arrays of scalars: all an event line has. */
static int line_object__parse(struct line_object *o, const char *line, const char **error)
{
	enum { WANT_KEY, WANT_VALUE, IN_ARRAY, DONE } state = WANT_KEY;
	struct line_value *v = NULL;
	yaml_parser_t parser;
	yaml_event_t ev;
	int depth = 0, err = 0;

	o->n = 0;
	if (!yaml_parser_initialize(&parser))
		return -ENOMEM;
	yaml_parser_set_input_string(&parser, (const unsigned char *)line, strlen(line));
	while (!err) {
		if (!yaml_parser_parse(&parser, &ev)) {
			*error = parser.problem ? parser.problem : "not valid JSON";
			err = -EINVAL;
			break;
		}
		if (ev.type == YAML_STREAM_END_EVENT) {
			yaml_event_delete(&ev);
			break;
		}
		switch (ev.type) {
		case YAML_MAPPING_START_EVENT:
			if (depth++ || state != WANT_KEY) {
				*error = "nested objects are not event fields";
				err = -EINVAL;
			}
			break;
		case YAML_MAPPING_END_EVENT:
			depth--;
			state = DONE;
			break;
		case YAML_SEQUENCE_START_EVENT:
			if (state != WANT_VALUE) {
				*error = "an array where a key belongs";
				err = -EINVAL;
				break;
			}
			state = IN_ARRAY;
			break;
		case YAML_SEQUENCE_END_EVENT:
			state = WANT_KEY;
			break;
		case YAML_SCALAR_EVENT:
			if (state == WANT_KEY) {
				if (o->n == JSON_KEYS_MAX) {
					*error = "too many keys";
					err = -E2BIG;
					break;
				}
				v = &o->values[o->n++];
				memset(v, 0, sizeof(*v));
				v->key = scalar_copy(&ev);
				state = WANT_VALUE;
			} else if (state == WANT_VALUE) {
				v->scalar = scalar_copy(&ev);
				state = WANT_KEY;
			} else if (state == IN_ARRAY) {
				char **items;

				if (v->nitems == JSON_ITEMS_MAX) {
					*error = "array too long";
					err = -E2BIG;
					break;
				}
				items = realloc(v->items, (v->nitems + 1) * sizeof(*items));
				if (!items) {
					err = -ENOMEM;
					break;
				}
				v->items = items;
				v->items[v->nitems++] = scalar_copy(&ev);
			} else {
				*error = "a value outside the object";
				err = -EINVAL;
			}
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
	if (!err && state != DONE) {
		*error = "not a JSON object";
		err = -EINVAL;
	}
	if (err)
		line_object__free(o);
	return err;
}

static const struct line_value *find(const struct line_object *o, const char *key)
{
	size_t i;

	for (i = 0; i < o->n; i++)
		if (!strcmp(o->values[i].key, key))
			return &o->values[i];
	return NULL;
}

static const char *get_str(const struct line_object *o, const char *key, const char *dflt)
{
	const struct line_value *v = find(o, key);

	return v && v->scalar ? v->scalar : dflt;
}

static int64_t get_i64(const struct line_object *o, const char *key, int64_t dflt)
{
	const char *s = get_str(o, key, NULL);

	return s ? strtoll(s, NULL, 0) : dflt;
}

/* An array of strings as NUL-separated bytes in buf; returns the length. */
static size_t get_strings(const struct line_object *o, const char *key, char *buf, size_t cap)
{
	const struct line_value *v = find(o, key);
	size_t i, off = 0, n;

	if (!v)
		return 0;
	for (i = 0; i < v->nitems; i++) {
		n = strlen(v->items[i]) + 1;
		if (off + n > cap)
			break;
		memcpy(buf + off, v->items[i], n);
		off += n;
	}
	return off;
}

static void get_u32s(const struct line_object *o, const char *key, uint32_t *out, size_t n)
{
	const struct line_value *v = find(o, key);
	size_t i;

	for (i = 0; i < n; i++)
		out[i] = v && i < v->nitems ? (uint32_t)strtoll(v->items[i], NULL, 0) : UINT32_MAX;
}

static enum vigil_event_type type_from_name(const char *name)
{
	int t;

	for (t = VIGIL_EVENT_EXEC; t < VIGIL_EVENT_TYPE_MAX; t++)
		if (name && !strcmp(name, type_names[t]))
			return t;
	/* A capture's process snapshot has the layout of an exec. */
	if (name && !strcmp(name, "process"))
		return VIGIL_EVENT_EXEC;
	return 0;
}

static void header_from(const struct line_object *o, struct vigil_event_header *h,
			enum vigil_event_type type)
{
	static const enum vigil_syscall default_syscall[VIGIL_EVENT_TYPE_MAX] = {
		[VIGIL_EVENT_EXEC] = VIGIL_SC_EXECVE,
		[VIGIL_EVENT_OPEN] = VIGIL_SC_OPENAT,
		[VIGIL_EVENT_CONNECT] = VIGIL_SC_CONNECT,
		[VIGIL_EVENT_SETID] = VIGIL_SC_SETUID,
	};
	const char *comm = get_str(o, "comm", "");
	const char *sc = get_str(o, "syscall", NULL);

	memset(h, 0, sizeof(*h));
	h->type = type;
	h->syscall = sc ? syscall__from_name(sc) : default_syscall[type];
	h->ts_ns = get_i64(o, "ts", 0);
	h->retval = get_i64(o, "ret", 0);
	h->cgroup_id = get_i64(o, "cgroup_id", 1);
	h->pid = get_i64(o, "pid", 1);
	h->tid = get_i64(o, "tid", h->pid);
	h->ppid = get_i64(o, "ppid", 0);
	h->uid = get_i64(o, "uid", 0);
	h->gid = get_i64(o, "gid", 0);
	h->euid = get_i64(o, "euid", h->uid);
	h->pidns_ino = get_i64(o, "pidns", 0);
	h->mntns_ino = get_i64(o, "mntns", 0);
	h->cpu = get_i64(o, "cpu", 0);
	h->flags = get_i64(o, "compat", 0) ? VIGIL_HDR_COMPAT : 0;
	if (get_i64(o, "io_uring", 0))
		h->flags |= VIGIL_HDR_IO_URING;
	strncpy(h->comm, comm, sizeof(h->comm) - 1);
}

static int build_exec(const struct line_object *o, struct record_buf *rb,
		      const struct vigil_event_header *h)
{
	static char args[VIGIL_ARGS_MAX], env[VIGIL_ENV_MAX];
	struct exec_strings s = {
		.filename = get_str(o, "filename", get_str(o, "exe", "")),
		.exe = get_str(o, "exe", ""),
		.cwd = get_str(o, "cwd", ""),
		.args = args,
		.env = env,
	};
	const struct line_value *v = find(o, "args");
	struct vigil_exec_event *e = record_buf__start(rb, h, sizeof(*e));

	s.args_len = get_strings(o, "args", args, sizeof(args));
	s.env_len = get_strings(o, "env", env, sizeof(env));
	e->argc = get_i64(o, "argc", v ? (int64_t)v->nitems : 0);
	e->flags = get_i64(o, "exec_flags", 0);
	if (v && s.args_len < VIGIL_ARGS_MAX && v->nitems > e->argc)
		e->argc = v->nitems;
	e->tty = get_i64(o, "tty", 0);
	e->loginuid = get_i64(o, "loginuid", UINT32_MAX);
	e->sid = get_i64(o, "sid", 0);
	e->vpid = get_i64(o, "vpid", h->pid);
	e->cap_effective = get_i64(o, "cap_effective", 0);
	e->cap_permitted = get_i64(o, "cap_permitted", 0);
	e->cap_inheritable = get_i64(o, "cap_inheritable", 0);
	e->start_ns = get_i64(o, "start_ns", h->ts_ns);
	record_buf__exec_strings(rb, &s);
	return 0;
}

static int build_connect(const struct line_object *o, struct record_buf *rb,
			 const struct vigil_event_header *h, const char **error)
{
	struct vigil_connect_event *e = record_buf__start(rb, h, sizeof(*e));
	const char *addr = get_str(o, "addr", NULL);

	e->fd = get_i64(o, "fd", 3);
	e->family = get_i64(o, "family", 0);
	e->port = get_i64(o, "port", 0);
	if (addr && !e->family)
		e->family = strchr(addr, ':') ? AF_INET6 : AF_INET;
	if (addr && inet_pton(e->family, addr, e->addr) != 1) {
		*error = "addr is not an address of the family";
		return -EINVAL;
	}
	e->addrlen = e->family == AF_INET6 ? 28 : 16;
	strncpy(e->unix_path, get_str(o, "unix_path", ""), VIGIL_UNIX_PATH_MAX);
	if (e->unix_path[0] && !e->family)
		e->family = AF_UNIX;
	return 0;
}

/* "/a/b/c" as the BPF side sends it: names leaf first, the root left out. */
static int build_cgroup(const struct line_object *o, struct record_buf *rb,
			const struct vigil_event_header *h)
{
	struct vigil_cgroup_event *e = record_buf__start(rb, h, sizeof(*e));
	char path[VIGIL_CGROUP_DEPTH_MAX * VIGIL_CGROUP_NAME_MAX * 2];
	char *names[64], *save = NULL, *tok;
	size_t n = 0, i;

	e->id = get_i64(o, "id", h->cgroup_id);
	snprintf(path, sizeof(path), "%s", get_str(o, "path", "/"));
	for (tok = strtok_r(path, "/", &save); tok && n < 64; tok = strtok_r(NULL, "/", &save))
		names[n++] = tok;
	for (i = 0; i < n && i < VIGIL_CGROUP_DEPTH_MAX; i++)
		snprintf(e->names[i], VIGIL_CGROUP_NAME_MAX, "%s", names[n - 1 - i]);
	e->depth = i;
	if (n > VIGIL_CGROUP_DEPTH_MAX)
		e->flags |= VIGIL_CGROUP_TRUNCATED;
	return 0;
}

static int build_record(const struct line_object *o, struct record_buf *rb, const char **error)
{
	enum vigil_event_type type = type_from_name(get_str(o, "type", NULL));
	struct vigil_event_header h;
	int err = 0;

	if (!type) {
		*error = "unknown or missing \"type\"";
		return -EINVAL;
	}
	header_from(o, &h, type);
	switch (type) {
	case VIGIL_EVENT_EXEC:
		err = build_exec(o, rb, &h);
		break;
	case VIGIL_EVENT_OPEN: {
		struct vigil_open_event *e = record_buf__start(rb, &h, sizeof(*e));
		const char *path = get_str(o, "path", "");

		e->dirfd = get_i64(o, "dirfd", -100);
		e->flags = get_i64(o, "flags", 0);
		e->mode = get_i64(o, "mode", 0);
		e->open_flags = get_i64(o, "open_flags", 0);
		record_buf__open_strings(rb, path,
					 get_str(o, "resolved", h.retval >= 0 ? path : ""));
		break;
	}
	case VIGIL_EVENT_CONNECT:
		err = build_connect(o, rb, &h, error);
		break;
	case VIGIL_EVENT_SETID: {
		struct vigil_setid_event *e = record_buf__start(rb, &h, sizeof(*e));

		get_u32s(o, "args", e->args, 3);
		get_u32s(o, "old", e->old_ids, 3);
		get_u32s(o, "new", e->new_ids, 3);
		break;
	}
	case VIGIL_EVENT_FORK: {
		struct vigil_fork_event *e = record_buf__start(rb, &h, sizeof(*e));

		e->child_pid = get_i64(o, "child_pid", 0);
		e->child_tid = get_i64(o, "child_tid", e->child_pid);
		break;
	}
	case VIGIL_EVENT_EXIT: {
		struct vigil_exit_event *e = record_buf__start(rb, &h, sizeof(*e));

		e->exit_code = get_i64(o, "exit_code", 0);
		break;
	}
	case VIGIL_EVENT_CGROUP:
		err = build_cgroup(o, rb, &h);
		break;
	case VIGIL_EVENT_CGROUP_RMDIR: {
		struct vigil_cgroup_rmdir_event *e = record_buf__start(rb, &h, sizeof(*e));

		e->id = get_i64(o, "id", h.cgroup_id);
		break;
	}
	default:
		err = -EINVAL;
		break;
	}
	if (!err && record_buf__finish(rb)) {
		*error = "strings too long for a record";
		err = -E2BIG;
	}
	return err;
}

int event_json__parse(const char *line, struct record_buf *rb, enum capture_kind *kind,
		      const char **error)
{
	struct line_object o;
	const char *type;
	size_t len;
	int err;

	*error = NULL;
	err = line_object__parse(&o, line, error);
	if (err)
		return err;
	type = get_str(&o, "type", "");
	*kind = !strcmp(type, "process") ? CAPTURE_PROCESS : CAPTURE_EVENT;
	if (!strcmp(type, "container")) {
		/* Parsed again by container_json__parse, as a capture's entry is. */
		*kind = CAPTURE_CONTAINER;
		len = strlen(line);
		if (len > sizeof(rb->u.bytes)) {
			*error = "container line too long";
			err = -E2BIG;
		} else {
			memcpy(rb->u.bytes, line, len);
			rb->len = len;
		}
	} else {
		err = build_record(&o, rb, error);
	}
	line_object__free(&o);
	return err;
}

/* ---- container metadata ---- */

static void put_opt_str(struct strbuf *sb, const char *key, const char *value)
{
	if (value)
		put_str(sb, key, value);
}

static void put_labels(struct strbuf *sb, const char *key, const struct label *labels, size_t n)
{
	char kv[2 * CONTAINER_NAME_MAX + 2];
	size_t i;

	put_key(sb, key);
	strbuf__puts(sb, "[");
	for (i = 0; i < n; i++) {
		snprintf(kv, sizeof(kv), "%s=%s", labels[i].key, labels[i].value);
		if (i)
			strbuf__puts(sb, ",");
		json_str__put(sb, kv, SIZE_MAX);
	}
	strbuf__puts(sb, "]");
}

int container_json__format(uint64_t cgroup_id, const struct container_meta *m, struct strbuf *sb)
{
	strbuf__puts(sb, "{\"type\":\"container\"");
	put_u64(sb, "cgroup_id", cgroup_id);
	put_opt_str(sb, "name", m->name);
	put_opt_str(sb, "image", m->image);
	put_opt_str(sb, "image_id", m->image_id);
	put_u64(sb, "privileged", m->privileged);
	put_u64(sb, "created_ns", m->created_ns);
	put_labels(sb, "labels", m->labels, m->nlabels);
	put_opt_str(sb, "pod_name", m->pod_name);
	put_opt_str(sb, "pod_namespace", m->pod_namespace);
	put_opt_str(sb, "pod_uid", m->pod_uid);
	put_labels(sb, "pod_labels", m->pod_labels, m->npod_labels);
	strbuf__puts(sb, "}");
	return sb->truncated ? -E2BIG : 0;
}

static int get_labels(const struct line_object *o, const char *key, struct label **labels,
		      size_t *n)
{
	const struct line_value *v = find(o, key);
	const char *eq;
	size_t i;
	int err;

	for (i = 0; v && i < v->nitems; i++) {
		eq = strchr(v->items[i], '=');
		if (!eq)
			continue;
		err = labels__set(labels, n, v->items[i], eq - v->items[i], eq + 1, strlen(eq + 1));
		if (err)
			return err;
	}
	return 0;
}

static int set_opt(char **field, const struct line_object *o, const char *key)
{
	const char *s = get_str(o, key, NULL);

	return s ? meta__set(field, s, strlen(s)) : 0;
}

int container_json__parse(const char *text, size_t len, uint64_t *cgroup_id,
			  struct container_meta **out, const char **error)
{
	struct container_meta *m;
	struct line_object o;
	const char *image;
	char *line;
	int err;

	*error = NULL;
	line = strndup(text, len);
	if (!line)
		return -ENOMEM;
	err = line_object__parse(&o, line, error);
	free(line);
	if (err)
		return err;
	m = container_meta__new();
	if (!m) {
		line_object__free(&o);
		return -ENOMEM;
	}
	*cgroup_id = get_i64(&o, "cgroup_id", 0);
	image = get_str(&o, "image", NULL);
	if (image && container_meta__set_image(m, image))
		err = meta__set(&m->image, image, strlen(image));
	err = err ? err : set_opt(&m->name, &o, "name");
	err = err ? err : set_opt(&m->image_id, &o, "image_id");
	err = err ? err : set_opt(&m->pod_name, &o, "pod_name");
	err = err ? err : set_opt(&m->pod_namespace, &o, "pod_namespace");
	err = err ? err : set_opt(&m->pod_uid, &o, "pod_uid");
	err = err ? err : get_labels(&o, "labels", &m->labels, &m->nlabels);
	err = err ? err : get_labels(&o, "pod_labels", &m->pod_labels, &m->npod_labels);
	m->privileged = get_i64(&o, "privileged", 0);
	m->created_ns = get_i64(&o, "created_ns", 0);
	line_object__free(&o);
	if (!err && !*cgroup_id) {
		*error = "a container needs its \"cgroup_id\"";
		err = -EINVAL;
	}
	if (err) {
		container_meta__free(m);
		return err;
	}
	*out = m;
	return 0;
}
