/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vigild's internal interfaces, one section per source file: read it as the
 * program's table of contents.
 */
#ifndef VIGIL_H
#define VIGIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "events.h"

#define VIGIL_VERSION "0.1.0"
#define VIGIL_IDENT "vigild"

/* log.c */
void log_init(int debug);
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
void fatalx(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* strbuf.c: bounded string building that never overflows and remembers truncation */
struct strbuf {
	char *buf;
	size_t cap;
	size_t len;
	bool truncated;
};
void strbuf__init(struct strbuf *sb, char *buf, size_t cap);
void strbuf__append(struct strbuf *sb, const char *s, size_t n);
void strbuf__puts(struct strbuf *sb, const char *s);
void strbuf__printf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* container.c: cgroup to container attribution */
enum container_runtime {
	RUNTIME_HOST = 0,
	RUNTIME_DOCKER,
	RUNTIME_CONTAINERD,
	RUNTIME_CRIO,
	RUNTIME_PODMAN,
};

#define CONTAINER_ID_LEN 64
#define CONTAINER_SHORT_ID_LEN 12
#define CONTAINER_NAME_MAX 256

struct label {
	char *key;
	char *value;
};

/*
 * What a runtime's state on disk says of a container: read away from the
 * event path, so events can see a container before its metadata is in. Any
 * string may be NULL when unknown.
 */
struct container_meta {
	char *name;
	char *image;            /* as the user gave it: "docker.io/library/nginx:1.25" */
	char *image_repository; /* "docker.io/library/nginx" */
	char *image_tag;        /* "1.25" */
	char *image_digest;     /* "sha256:..." */
	char *image_id;
	bool privileged;
	uint64_t created_ns;    /* wall clock */
	struct label *labels;
	size_t nlabels;
	char *pod_name;         /* Kubernetes, from the CRI labels/annotations */
	char *pod_namespace;
	char *pod_uid;
	struct label *pod_labels;
	size_t npod_labels;
};

struct container {
	enum container_runtime runtime;
	char id[CONTAINER_SHORT_ID_LEN + 1];  /* "host" for the host */
	char full_id[CONTAINER_ID_LEN + 1];   /* "host" for the host */
	char name[CONTAINER_NAME_MAX];        /* "host" for the host; "" if unknown */
	const struct container_meta *meta;    /* NULL until known */
};

/* The host pseudo-container every unattributed event belongs to. */
extern const struct container container_host;

/* cgroup_path.c: parses one cgroup path ("/libpod_parent/libpod-<64hex>", ...)
 * into a runtime and a full container id. Returns 0, or -ENOENT when it names
 * no container (runtime is then RUNTIME_HOST and full_id ""). */
int cgroup_path__parse(const char *path, enum container_runtime *runtime,
		       char full_id[CONTAINER_ID_LEN + 1]);
const char *container_runtime__name(enum container_runtime runtime);

struct container_config {
	const char *podman_root;   /* /var/lib/containers/storage */
	const char *docker_root;   /* /var/lib/docker */
};
struct containers;
struct containers *containers__new(const struct container_config *config);
void containers__free(struct containers *cs);
/* Records what a VIGIL_EVENT_CGROUP told: the path of cgroup id. */
void containers__add_cgroup(struct containers *cs, uint64_t cgroup_id, const char *path);
/* The container of a cgroup id; &container_host when unknown or not a container.
 * The pointer is valid until the next containers__add_cgroup or free. */
const struct container *containers__lookup(struct containers *cs, uint64_t cgroup_id);
/* Container cgroups remembered at most; past that the least recently used goes. */
#define CONTAINERS_MAX 4096
size_t containers__count(const struct containers *cs);
uint64_t containers__evictions(const struct containers *cs);

/* container_meta.c: a container's name from its runtime's state on disk.
 * Returns 0, -ENOENT (no such container or no valid name; name is then ""),
 * -EINVAL for a malformed file, or the negative errno of opening it. */
int container_meta__podman_name(const char *podman_root, const char *full_id, char *name,
				size_t size);
int container_meta__docker_name(const char *docker_root, const char *full_id, char *name,
				size_t size);

/* proctable.c: what vigild knows of every live process */
struct process {
	uint32_t pid;
	uint32_t ppid;
	uint32_t uid;
	uint32_t gid;
	uint32_t tty;
	uint32_t loginuid;
	uint32_t sid;
	uint32_t vpid;
	uint64_t cgroup_id;
	uint64_t start_ns;      /* boot time, as event timestamps */
	uint64_t cap_effective;
	uint64_t cap_permitted;
	uint64_t cap_inheritable;
	uint32_t exe_flags;     /* VIGIL_EXEC_EXE_UPPER_LAYER, VIGIL_EXEC_EXE_MEMFD */
	char comm[VIGIL_COMM_LEN];
	char *exepath;     /* "" when unknown */
	char *args;        /* argv strings back to back, NUL-separated */
	uint32_t args_len;
	bool args_truncated;
	char *cwd;         /* at the last exec; "" when unknown */
	char *env;         /* environment strings back to back, NUL-separated */
	uint32_t env_len;
	bool exited;       /* kept a while so that children find their parent */
};

struct evt;
struct proctable;
struct proctable *proctable__new(size_t capacity);
void proctable__free(struct proctable *pt);
/* Reads every process under proc_root; returns how many, or negative errno. */
int proctable__seed(struct proctable *pt, const char *proc_root);
/* Brings the table up to date with an event, before rules see it. */
void proctable__apply(struct proctable *pt, const struct evt *evt);
const struct process *proctable__lookup(const struct proctable *pt, uint32_t pid);
size_t proctable__count(const struct proctable *pt);
/* Calls fn for every process, in no particular order. */
void proctable__foreach(const struct proctable *pt,
			void (*fn)(const struct process *p, void *ctx), void *ctx);
uint64_t proctable__refused(const struct proctable *pt);

/* decode.c: validating a ring buffer record into a decoded event */
struct evt {
	const struct vigil_event_header *hdr;
	enum vigil_event_type type;
	enum vigil_syscall syscall;
	union {
		struct {
			const char *filename;
			const char *exe;
			const char *args; /* NUL-terminated strings back to back; "" if none */
			uint32_t args_len;
			uint32_t argc;    /* the call's; args holds fewer strings when
					   * flags has VIGIL_EXEC_ARGS_TRUNCATED */
			uint32_t flags;
			uint32_t tty;
			uint32_t loginuid;
			uint32_t sid;
			uint32_t vpid;
			uint64_t cap_effective;
			uint64_t cap_permitted;
			uint64_t cap_inheritable;
			uint64_t start_ns;
			const char *cwd;
			const char *env;  /* NUL-separated */
			uint32_t env_len;
		} exec;
		struct {
			const char *path;     /* as given */
			const char *resolved; /* opened file's absolute path, "" on failure */
			int32_t dirfd;
			uint32_t flags;
			uint32_t mode;
		} open;
		struct {
			int32_t fd;
			uint16_t family;
			uint16_t port;
			uint8_t addr[16]; /* IPv4-mapped IPv6 is decoded to AF_INET */
			const char *unix_path;
		} connect;
		struct {
			uint32_t args[3];
			uint32_t old_ids[3];
			uint32_t new_ids[3];
		} setid;
		struct {
			uint32_t child_pid;
			uint32_t child_tid;
		} fork;
		struct {
			int32_t exit_code;
		} exit;
		struct {
			uint64_t id;
			char path[VIGIL_CGROUP_DEPTH_MAX * (VIGIL_CGROUP_NAME_MAX + 1) + 1];
		} cgroup; /* also VIGIL_EVENT_CGROUP_RMDIR, with path "" */
	};
	/* Filled by the daemon after decoding, for the rule engine. */
	const struct process *proc;      /* NULL when unknown */
	const struct process *parent;    /* NULL when unknown */
	const struct container *container; /* never NULL */
	const struct proctable *procs;   /* for ancestors (proc.aname[N]...); may be NULL */
	const char *hostname;            /* may be NULL */
	uint64_t num;                    /* sequence number of the event, from 1 */
	uint64_t time_ns;                /* wall clock of hdr->ts_ns */
};

/* Returns 0, or -EINVAL for a malformed record (wrong size, unknown type,
 * unterminated string); evt points into data and is valid while data is. */
int event__decode(const void *data, size_t size, struct evt *evt);
const char *syscall__name(enum vigil_syscall sc);
enum vigil_syscall syscall__from_name(const char *name);

/* bpf_events.c: the BPF programs and their ring buffer */
struct bpf_events;
struct bpf_events_config {
	size_t ringbuf_bytes;          /* a power of two, at least a page */
	uint32_t ignore_tgid;          /* vigild itself; 0 to see every process */
	bool syscalls[VIGIL_SC_MAX];   /* the syscalls to report */
};
/* Called for every record; data is valid only during the call. */
typedef int (*bpf_event_fn)(void *ctx, void *data, size_t size);
int bpf_events__open(struct bpf_events **out, const struct bpf_events_config *config,
		     bpf_event_fn fn, void *ctx);
/* Waits up to timeout_ms, then delivers what is pending; returns records read. */
int bpf_events__poll(struct bpf_events *be, int timeout_ms);
void bpf_events__set_syscalls(struct bpf_events *be, const bool syscalls[VIGIL_SC_MAX]);

/* Which opens leave the kernel: those of a listed file name with the listed
 * access, any open with an access in any_access, and a failed open with an
 * access in failed_access. Disabled, every open does. */
#define OPEN_FILTER_NAME_MAX 64   /* with the NUL; must match the BPF side */
#define OPEN_FILTER_NAMES_MAX 4096
struct open_filter {
	bool enabled;
	uint8_t any_access;       /* VIGIL_ACCESS_* */
	uint8_t failed_access;
	size_t nnames;
	struct {
		char name[OPEN_FILTER_NAME_MAX];
		uint8_t access;
	} names[OPEN_FILTER_NAMES_MAX];
};
int bpf_events__set_open_filter(struct bpf_events *be, const struct open_filter *f);
int bpf_events__drops(struct bpf_events *be, uint64_t drops[VIGIL_DROP_REASON_MAX]);
/* Makes the kernel announce cgroup_id again on its next event. */
void bpf_events__forget_cgroup(struct bpf_events *be, uint64_t cgroup_id);
void bpf_events__close(struct bpf_events *be);

/* users.c: uid to user name from the host's passwd file */
#define USERS_MAX 4096 /* entries kept; the rest of a larger file is ignored */
/* Replaces the table with the file's entries; returns 0 or a negative errno.
 * A file that cannot be opened leaves the table as it was. */
int users__load(const char *passwd_path);
const char *users__name(uint32_t uid); /* NULL if unknown */

/* rules: loading (rules_load.c), compiling (rules_compile.c), evaluating (rules_eval.c) */
enum rule_priority {
	PRIORITY_EMERGENCY = 0,
	PRIORITY_ALERT,
	PRIORITY_CRITICAL,
	PRIORITY_ERROR,
	PRIORITY_WARNING,
	PRIORITY_NOTICE,
	PRIORITY_INFORMATIONAL,
	PRIORITY_DEBUG,
};
const char *priority__name(enum rule_priority p);  /* "Warning", as Falco prints it */

struct rule;
struct ruleset;

/* Loads rule files or directories (*.yaml, *.yml, sorted). Every error and
 * warning goes to err as "file:line:col: error: message". Returns NULL when
 * there was any error. */
struct ruleset *rules__load(const char *const *paths, size_t npaths, FILE *err);
void rules__free(struct ruleset *rs);
size_t rules__count(const struct ruleset *rs);
/* The syscalls some enabled rule can match: wanted[sc] set for each. */
void rules__syscalls(const struct ruleset *rs, bool wanted[VIGIL_SC_MAX]);
/* rules_kfilter.c: the opens some enabled rule could match, for the kernel. */
struct open_filter;
void rules__open_filter(const struct ruleset *rs, struct open_filter *f);
/* The first enabled rule, in load order, whose condition holds; NULL if none. */
const struct rule *rules__match(const struct ruleset *rs, const struct evt *evt);

const char *rule__name(const struct rule *r);
enum rule_priority rule__priority(const struct rule *r);
size_t rule__ntags(const struct rule *r);
const char *rule__tag(const struct rule *r, size_t i);
/* fields.c: every field a condition or output can name, for --list-fields. */
void fields__print(FILE *out);

/* output.c: an alert rendered from a rule's output template */
#define ALERT_FIELDS_MAX 64
#define ALERT_MESSAGE_MAX 8192
#define ALERT_VALUES_MAX 16384

struct alert_field {
	const char *name;  /* "container.id" */
	const char *value; /* NULL when the event has no value for it */
	bool numeric;      /* render unquoted in JSON */
};

struct alert {
	const struct rule *rule;
	uint64_t time_ns;  /* wall clock, ns since the epoch */
	char message[ALERT_MESSAGE_MAX];
	struct alert_field fields[ALERT_FIELDS_MAX];
	size_t nfields;
	char values[ALERT_VALUES_MAX]; /* storage for field values */
};

/* Renders r's output for evt into alert: the message and, once each in order
 * of appearance, every %field of the template. */
void output__render(const struct rule *r, const struct evt *evt, struct alert *alert);
/* "container.id" -> "VIGIL_CONTAINER_ID"; returns the length or -ENAMETOOLONG. */
int output__journal_name(const char *field, char *out, size_t outlen);

/* sink_journald.c */
struct iovec;
/* MESSAGE, PRIORITY, SYSLOG_IDENTIFIER, VIGIL_RULE, VIGIL_PRIORITY, VIGIL_TAGS,
 * then one per alert field. */
#define SINK_JOURNALD_IOV_MAX (6 + ALERT_FIELDS_MAX)
#define SINK_JOURNALD_BUF_SIZE (ALERT_MESSAGE_MAX + ALERT_VALUES_MAX + ALERT_FIELDS_MAX * 72 + 8192)
/* Lays out alert's journal fields as "NAME=value" iovecs over buf; returns how
 * many. A field that does not fit in iov or buf is left out, whole. */
int sink_journald__build(const struct alert *alert, struct iovec *iov, size_t max, char *buf,
			 size_t buflen);
int sink_journald__send(const struct alert *alert);

/* sink_json.c: one line in Falco's json_output shape */
/* Appends the line, without its newline. A line too big for sb is built
 * smaller (values null, then strings cut), never cut in the middle: sb is left
 * as it was and marked truncated only when not even the skeleton fits. */
void sink_json__format(const struct alert *alert, const char *hostname, struct strbuf *sb);
/* Writes the line and its newline and flushes; returns 0 or a negative errno. */
int sink_json__write(const struct alert *alert, const char *hostname, FILE *out);

/* json.c: JSON strings. Invalid UTF-8 becomes U+FFFD, control characters
 * \u00XX; at most max bytes of output, never a split escape or character. */
size_t json_str__escape(struct strbuf *sb, const char *s, size_t max);
void json_str__put(struct strbuf *sb, const char *s, size_t max); /* with quotes */

/* record_build.c: records built in userspace, laid out as the BPF side does */
struct record_buf {
	union {
		uint64_t align;
		unsigned char bytes[sizeof(struct vigil_exec_event) + 3 * VIGIL_PATH_MAX +
				    VIGIL_ARGS_MAX + VIGIL_ENV_MAX];
	} u;
	size_t len;
	bool overflow;
};

struct exec_strings {
	const char *filename;
	const char *exe;
	const char *args;  /* NUL-separated */
	size_t args_len;
	const char *cwd;
	const char *env;   /* NUL-separated */
	size_t env_len;
};

void record_buf__init(struct record_buf *rb);
/* Starts a record of a fixed part of `fixed` bytes (zeroed) with hdr; returns it. */
void *record_buf__start(struct record_buf *rb, const struct vigil_event_header *hdr,
			size_t fixed);
void record_buf__exec_strings(struct record_buf *rb, const struct exec_strings *s);
void record_buf__open_strings(struct record_buf *rb, const char *path, const char *resolved);
/* Sets hdr.size; -E2BIG when the strings did not fit. */
int record_buf__finish(struct record_buf *rb);
/* A process table entry as the exec record that would have made it. */
int record_buf__process(struct record_buf *rb, const struct process *p);

/* event_json.c: records as JSON lines and back (docs/capture.md) */
/* Appends one record as a JSON object; kind overrides "type" ("process"). */
int event_json__format(const void *data, size_t size, const char *kind, struct strbuf *sb);
/* Builds the record a JSON line describes; is_process for a process snapshot.
 * Returns 0, or negative errno with *error saying why. */
int event_json__parse(const char *line, struct record_buf *rb, bool *is_process,
		      const char **error);

/* capture.c: capture files (docs/capture.md) */
enum capture_kind {
	CAPTURE_EVENT = 1,   /* a ring buffer record as delivered */
	CAPTURE_PROCESS = 2, /* a process that existed at start, as an exec record */
};
struct capture;
struct capture *capture__create(const char *path, int64_t boot_to_realtime_ns,
				const char *hostname);
int capture__write(struct capture *c, enum capture_kind kind, const void *data, size_t len);
uint64_t capture__entries(const struct capture *c);
/* Flushes and syncs; returns the first error any write met. */
int capture__close(struct capture *c);

struct capture_reader;
bool capture__is_capture(const char *path);
int capture_reader__open(struct capture_reader **r, const char *path, const char **error);
int64_t capture_reader__boot_to_realtime(const struct capture_reader *r);
const char *capture_reader__hostname(const struct capture_reader *r);
/* 1 with the next entry (valid until the next call), 0 at the end, or -errno. */
int capture_reader__next(struct capture_reader *r, enum capture_kind *kind, void **data,
			 size_t *len);
void capture_reader__close(struct capture_reader *r);

/* pipeline.c: one record from decoding to the sinks */
struct pipeline_stats {
	uint64_t records;
	uint64_t malformed;
	uint64_t by_type[VIGIL_EVENT_TYPE_MAX];
	uint64_t alerts;
	uint64_t sink_errors;
};

struct pipeline {
	struct ruleset *rules;
	struct proctable *procs;
	struct containers *containers;
	bool journald;
	FILE *json_out;            /* NULL: no JSON lines */
	char hostname[256];
	int64_t boot_to_realtime_ns;
	struct pipeline_stats stats;
	struct capture *capture;   /* --record: every record is written here first */
	struct alert alert;        /* rendered in place: no allocation per alert */
};

/* Sets the clocks, hostname and counters; the caller fills the rest. */
void pipeline__init(struct pipeline *pl);
/* A bpf_event_fn: handles one ring buffer record. */
int pipeline__handle(void *pl, void *data, size_t size);
/* A process that exists already, as an exec record: into the table, no rules. */
int pipeline__seed_process(struct pipeline *pl, const void *data, size_t size);

/* replay.c: captures and JSON-lines event files through the pipeline */
struct replay_stats {
	uint64_t events;
	uint64_t errors;
	double seconds;
};
/* Feeds every event of path (a capture or JSON lines) to pl; each bad entry
 * is reported on err as "path:line: message" and skipped. */
int replay__run(struct pipeline *pl, const char *path, FILE *err, struct replay_stats *st);
/* Prints a capture's entries (or a JSON-lines file's events) as JSON lines. */
int replay__dump(const char *path, FILE *out, FILE *err);

#endif /* VIGIL_H */
