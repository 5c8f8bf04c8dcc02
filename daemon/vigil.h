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
#include <sys/types.h>

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

/* text.c: event data in a message for people: control characters, text
 * reordering characters and invalid UTF-8 as \xHH, a backslash doubled.
 * Appends s, never half a character or escape; returns the bytes appended. */
size_t text__escape(struct strbuf *sb, const char *s);
/* Whether the valid n-byte UTF-8 character at s is one of those: a C0 or C1
 * control, DEL, U+2028..U+202E or U+2066..U+2069. */
bool utf8__is_hostile(const unsigned char *s, size_t n);
/* How much of a message made that way fits in room bytes: never half a
 * character, nor half an escape. */
size_t text__cut(const char *s, size_t room);

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
/* Labels kept per container and per pod; past these a label is left out, whole. */
#define CONTAINER_LABELS_MAX 64
#define CONTAINER_LABEL_KEY_MAX 512
#define CONTAINER_LABEL_VALUE_MAX 4096

struct label {
	char *key;
	char *value;
};

/*
 * What a runtime's state on disk says of a container: read away from the
 * event path, so events can see a container before its metadata is in. Any
 * string may be NULL when unknown. Never changed once published: newer
 * metadata replaces it whole.
 */
struct container_meta {
	char *name;
	char *image;            /* as the user gave it: "docker.io/library/nginx:1.25" */
	char *image_repository; /* "docker.io/library/nginx" */
	char *image_tag;        /* "1.25"; "latest" when the reference has neither tag
				 * nor digest; NULL with a digest and no tag */
	char *image_digest;     /* "sha256:...", from the reference (or containerd's
				 * image store) */
	char *image_id;         /* hex digest of the image's config, no "sha256:" */
	bool privileged;
	uint64_t created_ns;    /* wall clock; containerd without meta.db: task start */
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
	const struct container_meta *meta;    /* NULL until known; replaced whole when
					       * newer metadata comes in */
};

/* The host pseudo-container every unattributed event belongs to. */
extern const struct container container_host;

/* cgroup_path.c: parses one cgroup path ("/libpod_parent/libpod-<64hex>", ...)
 * into a runtime and a full container id. Returns 0, or -ENOENT when it names
 * no container (runtime is then RUNTIME_HOST and full_id ""). */
int cgroup_path__parse(const char *path, enum container_runtime *runtime,
		       char full_id[CONTAINER_ID_LEN + 1]);
/* The uid N of a cgroup below a user's manager, ".../user@N.service/...",
 * where rootless podman puts its containers: 0, or -ENOENT. */
int cgroup_path__rootless_uid(const char *path, uint32_t *uid);
const char *container_runtime__name(enum container_runtime runtime);

/* cgroup_layout.c: the host's cgroup hierarchies, and the one events take a
 * task's cgroup from */
enum cgroup_layout {
	CGROUP_LAYOUT_UNKNOWN = 0, /* no cgroup file system where expected */
	CGROUP_LAYOUT_V2,          /* cgroup2 at the root */
	CGROUP_LAYOUT_HYBRID,      /* v1 controllers, cgroup2 at root/unified */
	CGROUP_LAYOUT_V1,          /* v1 controllers only */
};
/* From the file system types under root ("/sys/fs/cgroup"). */
enum cgroup_layout cgroup_layout__detect(const char *root);
const char *cgroup_layout__name(enum cgroup_layout layout);
const char *cgroup_source__name(enum vigil_cgroup_source source);
/* The path a /proc/PID/cgroup text gives in source's hierarchy: the "0::"
 * line's for VIGIL_CGROUP_DFL, the line listing the controller for a v1
 * one. 0, -ENOENT when there is none, -ENAMETOOLONG. */
int cgroup_proc__path(const char *text, enum vigil_cgroup_source source, char *path,
		      size_t size);
/* The default hierarchy on v2 (or unknown); on v1 and hybrid, memory's v1
 * hierarchy where self_cgroup (/proc/self/cgroup's text) shows one, else
 * pids', else the default. */
enum vigil_cgroup_source cgroup_layout__source(enum cgroup_layout layout, const char *self_cgroup);
/* Both, from the files. */
enum vigil_cgroup_source cgroup_layout__choose(const char *root, const char *self_cgroup_file,
					       enum cgroup_layout *layout);

/* Where the runtimes keep their state; NULL: not read. A DaemonSet mounts
 * them read-only and points these at the mounts. */
struct container_config {
	const char *podman_root;      /* /var/lib/containers/storage */
	const char *crio_root;        /* CRI-O's containers-storage; NULL: podman_root */
	/* Rootless podman's storage of the user whose uid (%u) the cgroup path
	 * names (user@N.service), %h their home from the passwd database:
	 * "%h/.local/share/containers/storage" */
	const char *podman_user_root;
	const char *docker_root;      /* /var/lib/docker */
	const char *containerd_root;  /* /run/containerd/io.containerd.runtime.v2.task */
	/* /var/lib/containerd/io.containerd.metadata.v1.bolt/meta.db: labels, image */
	const char *containerd_db;
	/* Retrying a container whose state is not written yet, in ms; 0: defaults
	 * (20 ms doubling up to 2 s, giving up after 30 s). */
	unsigned int retry_first_ms;
	unsigned int retry_max_ms;
	unsigned int give_up_ms;
};
/* The usual paths of every runtime, on a host. */
void container_config__defaults(struct container_config *config);

struct containers;
/* Starts the metadata resolver thread too. */
struct containers *containers__new(const struct container_config *config);
void containers__free(struct containers *cs);
/* Records what a VIGIL_EVENT_CGROUP told: the path of cgroup id. Never waits:
 * metadata is read in the background and arrives through containers__poll. */
void containers__add_cgroup(struct containers *cs, uint64_t cgroup_id, const char *path);
/* What a VIGIL_EVENT_CGROUP_RMDIR told: forgets the cgroup, and its container
 * with its metadata once the container's last cgroup is gone. */
void containers__remove_cgroup(struct containers *cs, uint64_t cgroup_id);
/* A cgroup's container metadata from elsewhere (a replayed capture): takes
 * meta; -ENOENT (meta freed) when the cgroup names no known container. */
int containers__set_meta(struct containers *cs, uint64_t cgroup_id, struct container_meta *meta);
/* Takes in the metadata the resolver has read since the last call, and lets
 * go of metadata read ahead for containers that never ran. Cheap: call it on
 * every loop iteration and before each batch of events. */
void containers__poll(struct containers *cs);
/* The container of a cgroup id; &container_host when unknown or not a container.
 * O(1), no lock. The pointer is valid until the next containers__add_cgroup,
 * containers__remove_cgroup, containers__poll or free. */
const struct container *containers__lookup(struct containers *cs, uint64_t cgroup_id);
/* Called, on the calling thread, for a live cgroup the table had to forget
 * (the least recently used, when full), so that the kernel announces it again. */
typedef void (*containers_forget_fn)(void *ctx, uint64_t cgroup_id);
void containers__set_forget_fn(struct containers *cs, containers_forget_fn fn, void *ctx);
/* Called, on the calling thread, for every removed cgroup, container or not,
 * just before the table forgets it: c is its container (&container_host when
 * none), metadata still attached. */
typedef void (*containers_remove_fn)(void *ctx, uint64_t cgroup_id, const struct container *c);
void containers__set_remove_fn(struct containers *cs, containers_remove_fn fn, void *ctx);
/* Container cgroups remembered at most; past that the least recently used goes. */
#define CONTAINERS_MAX 4096
size_t containers__count(const struct containers *cs);
uint64_t containers__evictions(const struct containers *cs);
struct containers_stats {
	size_t cgroups;         /* container cgroups known */
	size_t containers;      /* containers those belong to */
	size_t prefetched_held; /* metadata read ahead, waiting for a container's first event */
	uint64_t evictions;     /* cgroups forgotten because the table was full */
	uint64_t removed;       /* cgroups forgotten because they were removed */
	/* the resolver's */
	uint64_t resolved;      /* containers whose metadata was asked for and read */
	uint64_t prefetched;    /* read ahead, on seeing a container's state appear */
	uint64_t retries;       /* reads retried because the state was not there yet */
	uint64_t malformed;     /* containers whose state could not be read: reported once */
	uint64_t gave_up;       /* containers left without metadata */
};
void containers__stats(const struct containers *cs, struct containers_stats *st);

/* container_meta.c, container_storage.c (podman, CRI-O), container_docker.c,
 * container_containerd.c: a container's metadata from its runtime's state on
 * disk. The readers return 0 with *out, CONTAINER_META_PARTIAL with *out when
 * part of the state is not written yet, CONTAINER_META_MALFORMED with *out
 * when a part is malformed, -ENOENT when the container's state is
 * not there (yet), -EINVAL when it is malformed, or another negative errno. */
#define CONTAINER_META_PARTIAL 1
/* *out holds what could be read; a part of the state is malformed. */
#define CONTAINER_META_MALFORMED 2
int container_storage__read(const char *root, const char *full_id, struct container_meta **out);
int container_docker__read(const char *root, const char *full_id, struct container_meta **out);
int container_containerd__read(const char *task_root, const char *meta_db, const char *full_id,
			       struct container_meta **out);
void container_meta__free(struct container_meta *m);
/* Sets image and splits it into repository, tag and digest; -EINVAL if it is no reference. */
int container_meta__set_image(struct container_meta *m, const char *ref);
/* A label's value, or NULL; m may be NULL. */
const char *container_meta__label(const struct container_meta *m, const char *key);
const char *container_meta__pod_label(const struct container_meta *m, const char *key);

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
	uint64_t last_seen; /* the table's clock at its last event: eviction goes by it */
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
/* New processes the table had no room for, even after evicting. */
uint64_t proctable__refused(const struct proctable *pt);
/* Entries evicted to make room: exited ones first, oldest first; then the
 * live one seen least recently, never the event's process or its ancestors. */
uint64_t proctable__evictions(const struct proctable *pt);
/* How many generations proc.aname[N], proc.apid[N] and the other ancestor
 * fields walk up the table (config: proc_ancestry_depth). */
#define PROC_ANCESTRY_DEPTH_DEFAULT 16
#define PROC_ANCESTRY_DEPTH_MAX 64
void proctable__set_ancestry_depth(struct proctable *pt, unsigned int depth);
unsigned int proctable__ancestry_depth(const struct proctable *pt);

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
			uint32_t capture_flags; /* VIGIL_OPEN_*: which paths were cut */
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
	size_t ringbuf_bytes;          /* a power of two, at least a page; 0: by CPU count */
	uint32_t ignore_tgid;          /* vigild itself; 0 to see every process */
	enum vigil_cgroup_source cgroup_source; /* cgroup_layout.c */
	bool syscalls[VIGIL_SC_MAX];   /* the syscalls to report */
	bool learn_syscalls;           /* count each container's syscalls (bpf/learn.bpf.h) */
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
/* The per-cgroup syscall sets (struct vigil_syscall_set by cgroup id), and
 * how many cgroups found that map full. */
int bpf_events__syscall_sets_fd(struct bpf_events *be);
uint64_t bpf_events__learn_table_full(struct bpf_events *be);
void bpf_events__close(struct bpf_events *be);

/* syscall_set.c: syscall numbers seen, native x86_64 and ia32 apart */
#define SYSCALL_SET_WORDS (VIGIL_SYSCALL_NR_MAX / 64)
struct syscall_set {
	uint64_t native[SYSCALL_SET_WORDS];
	uint64_t compat[SYSCALL_SET_WORDS];
};
void syscall_set__from_kernel(struct syscall_set *s, const struct vigil_syscall_set *k);
void syscall_set__add(struct syscall_set *s, bool compat, unsigned int nr);
bool syscall_set__has(const struct syscall_set *s, bool compat, unsigned int nr);
/* dst |= src; true when dst grew. */
bool syscall_set__merge(struct syscall_set *dst, const struct syscall_set *src);
size_t syscall_set__count(const struct syscall_set *s, bool compat);
/* syscall_names.c (generated by syscall_names.sh): "openat"; NULL if unknown. */
const char *syscall_names__lookup(bool compat, unsigned int nr);

/* seccomp_profile.c: the OCI seccomp profile allowing a set's syscalls, every
 * other refused with EPERM. *unnamed: numbers without a name, left out.
 * Returns 0, or -E2BIG when sb was too small. */
int seccomp_profile__format(const struct syscall_set *s, struct strbuf *sb, size_t *unnamed);

/* seccomp_store.c: the syscalls seen per container image, kept in a file */
#define SECCOMP_STORE_FILE "seccomp-syscalls"
struct seccomp_store;
struct seccomp_store *seccomp_store__new(void);
void seccomp_store__free(struct seccomp_store *st);
/* Merges set into image's union; 1 when it grew, 0 when not, -EINVAL for an
 * image or repository the file cannot hold, -ENOMEM. repository may be NULL. */
int seccomp_store__add(struct seccomp_store *st, const char *image, const char *repository,
		       const struct syscall_set *set);
/* The union for scope: the image of that exact name, else every image of that
 * repository. Returns how many images, or -ENOENT. */
int seccomp_store__scope(const struct seccomp_store *st, const char *scope,
			 struct syscall_set *out);
size_t seccomp_store__count(const struct seccomp_store *st);
const char *seccomp_store__image(const struct seccomp_store *st, size_t i);
bool seccomp_store__dirty(const struct seccomp_store *st); /* changed since load or save */
/* Writes path atomically, with state_file__replace. */
int seccomp_store__save(struct seccomp_store *st, const char *path);
/* Replaces st's contents with path's: 0, -ENOENT, -EINVAL for a file that is
 * not exactly as written ("path:line: why" in error), or another -errno.
 * On error st is left empty. */
int seccomp_store__load(struct seccomp_store *st, const char *path, char *error, size_t errlen);
/* seccomp_advise.c: `vigild --advise seccomp --scope IMAGE`: the profile on
 * out, problems on err; returns the exit status. */
int seccomp_advise__print(const char *state_dir, const char *scope, FILE *out, FILE *err);

/* bpf_learn.c: the kernel's per-cgroup syscall sets merged per image and kept */
struct syscall_learner;
/* Loads what earlier runs learned from state_dir (a broken file is set aside
 * as FILE.corrupt, with a warning). */
int syscall_learner__new(struct syscall_learner **out, struct bpf_events *be,
			 struct containers *cs, const char *state_dir);
/* From the event loop: reads the sets of running containers now and then,
 * and saves what grew. */
void syscall_learner__tick(struct syscall_learner *l, uint64_t now_ns);
/* A containers_remove_fn: the cgroup's last set, then its entry goes. */
void syscall_learner__cgroup_removed(void *l, uint64_t cgroup_id, const struct container *c);
/* A last read and save. Accepts NULL. */
void syscall_learner__free(struct syscall_learner *l);

/* bpf_seed.c: the processes alive at start from a BPF task iterator, and the
 * capabilities vigild gives up once its programs are attached */
struct bpf_seed;
struct pipeline;
/* Loads the task iterator, which reads cgroups from source; -errno when the
 * kernel refuses it (seed from /proc). */
int bpf_seed__open(struct bpf_seed **out, enum vigil_cgroup_source source);
/* vigild's pid as the BPF programs see it (the initial pid namespace's, which
 * getpid() is not in a container), or 0 when not found. */
uint32_t bpf_seed__self_tgid(struct bpf_seed *s);
/* Every process alive now into pl's process table; returns how many, or -errno. */
int bpf_seed__processes(struct bpf_seed *s, struct pipeline *pl);
void bpf_seed__close(struct bpf_seed *s);
/* Drops every capability of the calling thread, CAP_BPF too unless this kernel
 * refuses vigild's bpf() calls on its own maps without it; *kept says what
 * stays. Empties the ambient set and sets no_new_privs. Capabilities are per
 * thread: call it before any thread starts. */
int caps__drop(struct bpf_events *be, uint64_t *kept);

/* users.c: uid and gid to names from the host's passwd and group files */
#define USERS_MAX 4096 /* entries kept; the rest of a larger file is ignored */
/* Replaces the table with the file's entries; returns 0 or a negative errno.
 * A file that cannot be opened leaves the table as it was. */
int users__load(const char *passwd_path);
const char *users__name(uint32_t uid); /* NULL if unknown */
/* The same for /etc/group (name:passwd:gid:members), at most USERS_MAX groups. */
int groups__load(const char *group_path);
const char *groups__name(uint32_t gid); /* NULL if unknown */

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
 * warning goes to err as "file:line:col: error|warning: message". Returns NULL
 * when there was any error. */
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
/* rule_matching: all. Calls fn for every enabled rule whose condition holds,
 * in load order; returns how many. */
typedef void (*rules_match_fn)(void *ctx, const struct rule *r);
size_t rules__match_all(const struct ruleset *rs, const struct evt *evt, rules_match_fn fn,
			void *ctx);
/* The Falco engine version whose rule language vigil implements: a file with
 * a higher required_engine_version is refused. */
#define RULES_ENGINE_VERSION "0.57.0"

const char *rule__name(const struct rule *r);
enum rule_priority rule__priority(const struct rule *r);
size_t rule__ntags(const struct rule *r);
const char *rule__tag(const struct rule *r, size_t i);
/* rules_anomaly.c: anomaly items (docs/rules.md), matched apart from the rules */
#define ANOMALY_FIELDS_MAX 4
#define ANOMALY_VALUE_MAX 1024 /* a rendered value, with its NUL; longer ones are not learned */
struct anomaly_match {
	const struct rule *rule;
	const char *anomaly;          /* the item's name */
	const char *scope_field;      /* "container.image.repository" */
	const char *scope;            /* its value for this event */
	const char *const *fields;    /* the tuple's fields, as written */
	const char *values[ANOMALY_FIELDS_MAX];
	size_t nfields;
	uint64_t learning_s;
	bool alert_once;              /* on_new: alert_once; else alert_always */
};
typedef void (*anomaly_match_fn)(void *ctx, const struct anomaly_match *m);
/* Calls fn for each enabled anomaly item whose condition holds and whose
 * scope and tuple fields all have values; returns how many. Events outside
 * containers feed no scope. */
size_t rules__match_anomalies(const struct ruleset *rs, const struct evt *evt,
			      anomaly_match_fn fn, void *ctx);
size_t rules__anomaly_count(const struct ruleset *rs);
/* fields.c: every field a condition or output can name, for --list-fields. */
void fields__print(FILE *out);

/* output.c: an alert rendered from a rule's output template */
#define ALERT_FIELDS_MAX 64
#define ALERT_MESSAGE_MAX 8192
#define ALERT_VALUES_MAX 16384

struct alert_field {
	const char *name;  /* "container.id", "proc.aname[2]"; valid while the rule is */
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

/* sinks.c: alerts on their way out, each sink behind its own bounded queue and thread */
/* What an entry is about. Each kind has its own journald MESSAGE_ID (explained
 * in systemd/vigil.catalog) and syslog MSGID. */
enum alert_kind {
	ALERT_KIND_RULE = 0,    /* a rule matched */
	ALERT_KIND_SUMMARY,     /* alerts the rate limit held back, counted */
	ALERT_KIND_OPERATIONAL, /* vigild lost events or alerts, or a sink failed or came back */
	ALERT_KIND_STATS,       /* the periodic statistics entry */
	ALERT_KIND_MAX,
};
const char *alert_kind__name(enum alert_kind kind);       /* "alert": the syslog MSGID */
const char *alert_kind__message_id(enum alert_kind kind); /* 32 hex digits */

struct sink_field {
	const char *name;  /* "container.id" */
	const char *value; /* NULL when the event has no value for it */
	bool numeric;
};

/* An alert as the sinks take it: self-contained, shared, reference-counted. */
struct sink_record {
	unsigned int refs;
	enum alert_kind kind;
	enum rule_priority priority;
	uint64_t time_ns; /* wall clock */
	const char *rule; /* for vigild's own entries, "vigil internal: ..." */
	const char *message;
	const char *const *tags;
	size_t ntags;
	const struct sink_field *fields;
	size_t nfields;
	/* the strings follow */
};

struct sink_record_spec {
	enum alert_kind kind;
	enum rule_priority priority;
	uint64_t time_ns;
	const char *rule;
	const char *message;
	const char *const *tags;
	size_t ntags;
	const struct sink_field *fields;
	size_t nfields;   /* at most ALERT_FIELDS_MAX are kept */
};
/* One allocation holding copies of everything; NULL without memory. */
struct sink_record *sink_record__new(const struct sink_record_spec *spec);
struct sink_record *sink_record__from_alert(const struct alert *alert);
struct sink_record *sink_record__get(struct sink_record *rec);
void sink_record__put(struct sink_record *rec); /* accepts NULL */
const char *sink_record__field(const struct sink_record *rec, const char *name);
/* The fallback: one line on stderr; 0 or a negative errno. */
int sink_stderr__write(const struct sink_record *rec);

enum sink_type {
	SINK_JOURNALD = 0,
	SINK_SYSLOG,
	SINK_JSON,
	SINK_TYPE_MAX,
};
enum syslog_transport { SYSLOG_UNIX = 0, SYSLOG_UDP, SYSLOG_TCP };
enum syslog_format { SYSLOG_RFC5424 = 0, SYSLOG_RFC3164 };

#define SINKS_MAX 8
#define SINK_QUEUE_DEFAULT 1024
#define SINK_ID_MAX 16
#define SINK_NAME_MAX 320

struct sink_config {
	enum sink_type type;
	enum rule_priority min_priority; /* less severe alerts are not sent */
	size_t queue_size;               /* alerts waiting at most; 0: the default */
	/* syslog */
	char *target;                    /* "udp://HOST:PORT", "tcp://...", "unix:///dev/log" */
	enum syslog_format format;
	int facility;                    /* 0..23 */
	size_t max_size;                 /* of a message, framing excluded */
	/* json */
	char *path;                      /* "-": stdout */
};

struct sink_stats {
	enum sink_type type;
	char id[SINK_ID_MAX];            /* "syslog", "syslog2", ...: for field and label names */
	char name[SINK_NAME_MAX];        /* "syslog tcp://10.0.0.5:6514" */
	size_t depth;                    /* alerts waiting now */
	size_t capacity;
	uint64_t sent;
	uint64_t queue_full;             /* refused: the queue was full */
	uint64_t lost;                   /* taken but known not delivered */
	uint64_t errors;                 /* failed writes, connects, opens */
	uint64_t fallback;               /* written to stderr instead */
};

struct sinks;
/* Opens the sinks and starts their threads; nothing connects yet, so a
 * collector that is away does not stop vigild from starting. */
int sinks__new(struct sinks **out, const struct sink_config *configs, size_t n,
	       const char *hostname);
/* Queues rec to every sink that wants it (its kind, its priority) and drops
 * the caller's reference. A NULL rec (no memory) is counted as unqueued.
 * Never blocks on a sink. */
void sinks__submit(struct sinks *ss, struct sink_record *rec);
/* Makes the JSON file sinks reopen their files (SIGUSR1, for logrotate). */
void sinks__reopen(struct sinks *ss);
size_t sinks__stats(struct sinks *ss, struct sink_stats *out, size_t max);
uint64_t sinks__unqueued(const struct sinks *ss);
/* Lets the queues drain for a while, counts the rest as lost, stops the threads. */
void sinks__stop(struct sinks *ss);
void sinks__free(struct sinks *ss);
uint64_t clock__ns(int clock);

/* sink_journald.c */
struct iovec;
/* MESSAGE, MESSAGE_ID, PRIORITY, SYSLOG_IDENTIFIER, VIGIL_RULE, VIGIL_PRIORITY,
 * VIGIL_TAGS, then one per field. */
#define SINK_JOURNALD_IOV_MAX (7 + ALERT_FIELDS_MAX)
#define SINK_JOURNALD_BUF_SIZE (ALERT_MESSAGE_MAX + ALERT_VALUES_MAX + ALERT_FIELDS_MAX * 72 + 8192)
/* Lays out rec's journal fields as "NAME=value" iovecs over buf; returns how
 * many. A field that does not fit in iov or buf is left out, whole. */
int sink_journald__build(const struct sink_record *rec, struct iovec *iov, size_t max, char *buf,
			 size_t buflen);
int sink_journald__send(const struct sink_record *rec);
/* The journald sink: while journald is away, entries go to stderr and
 * journald is tried again now and then; when it is back, an operational entry
 * says how many went to stderr. */
struct sink_journald;
int sink_journald__open(struct sink_journald **out);
/* 0: in the journal; 1: on stderr instead; a negative errno: on neither. */
int sink_journald__deliver(struct sink_journald *j, const struct sink_record *rec,
			   uint64_t now_ns);
void sink_journald__close(struct sink_journald *j);

/* sink_json.c: one line in Falco's json_output shape */
/* Appends the line, without its newline. A line too big for sb is built
 * smaller (values null, then strings cut), never cut in the middle: sb is left
 * as it was and marked truncated only when not even the skeleton fits. */
void sink_json__format(const struct sink_record *rec, const char *hostname, struct strbuf *sb);
/* Writes the line and its newline and flushes; returns 0 or a negative errno. */
int sink_json__write(const struct alert *alert, const char *hostname, FILE *out);
/* Length of the UTF-8 sequence at s, at least 1; *valid says whether it is one. */
size_t utf8__char_len(const unsigned char *s, bool *valid);
/* A file of JSON lines ("-": stdout), reopened on request. */
struct sink_jsonfile;
int sink_jsonfile__open(struct sink_jsonfile **out, const char *path);
/* 0, -ENOTCONN when the file cannot be opened (retried later), or -errno
 * when this line could not be written. */
int sink_jsonfile__write(struct sink_jsonfile *j, const struct sink_record *rec,
			 const char *hostname);
int sink_jsonfile__reopen(struct sink_jsonfile *j);
int sink_jsonfile__last_error(const struct sink_jsonfile *j);
void sink_jsonfile__close(struct sink_jsonfile *j);

/* sink_syslog.c: RFC 5424 (or 3164) to the local socket, UDP or TCP */
/* The IANA private enterprise number in the structured data id "vigil@32473".
 * 32473 is the number RFC 5612 reserves for documentation: a site that has
 * its own PEN builds with -DVIGIL_SYSLOG_PEN=N. */
#ifndef VIGIL_SYSLOG_PEN
#define VIGIL_SYSLOG_PEN 32473
#endif
#define SYSLOG_FACILITY_DEFAULT 10 /* authpriv: security messages, readable by root only */
#define SYSLOG_MAX_SIZE_5424 8192  /* rsyslog's default maxMessageSize */
#define SYSLOG_MAX_SIZE_3164 1024  /* RFC 3164 section 4.1 */

struct syslog_target {
	enum syslog_transport transport;
	char host[256];
	char port[8];
	char path[108];  /* unix */
};
/* "unix:///dev/log", "udp://HOST:PORT", "tcp://HOST:PORT" ("[v6]:PORT" too).
 * Returns 0 or -EINVAL with *why set. */
int syslog_target__parse(const char *s, struct syslog_target *t, const char **why);
/* "authpriv" -> 10; -1 if unknown. */
int syslog_facility__parse(const char *name);
/* "HOST:PORT" or "[V6]:PORT", port 1..65535; returns 0 or -EINVAL. */
int hostport__split(const char *s, char *host, size_t hostlen, char *port, size_t portlen);

struct syslog_header {
	enum syslog_format format;
	int facility;
	const char *hostname;
	int pid;
	bool local;      /* to the local socket: RFC 3164 then leaves the hostname out, as syslog(3) */
	size_t max_size; /* the message is cut to fit */
};
/* Appends one message; the SD-PARAM values are escaped, the message text is
 * cut (at a character boundary) to fit max_size. */
void sink_syslog__format(const struct sink_record *rec, const struct syslog_header *h,
			 struct strbuf *sb);
/* RFC 6587 octet counting: "LEN SP MSG". */
void sink_syslog__frame(const char *msg, size_t len, struct strbuf *sb);

struct sink_syslog;
int sink_syslog__open(struct sink_syslog **out, const struct sink_config *c, const char *hostname);
/* 0, -EAGAIN (a write timed out; call again), -ENOTCONN (the collector is
 * away; call again later), or another -errno: this record is lost. */
int sink_syslog__send(struct sink_syslog *s, const struct sink_record *rec);
/* Datagrams the network reported undelivered since the last call (UDP). */
uint64_t sink_syslog__take_lost(struct sink_syslog *s);
int sink_syslog__last_error(const struct sink_syslog *s);
void sink_syslog__close(struct sink_syslog *s);

/* ratelimit.c: no floods. Per rule and container, a token bucket; what it
 * holds back is counted and summarised in one alert when the burst ends (the
 * bucket is full again) or summary_interval has passed. */
struct ratelimit_config {
	bool enabled;
	double rate;                 /* alerts per second, sustained */
	double burst;                /* alerts at once */
	uint64_t summary_interval_ns;
	size_t max_keys;             /* (rule, container) pairs tracked; past that, not limited */
};
struct ratelimit_key {
	const char *rule;
	enum rule_priority priority;
	const char *const *tags;
	size_t ntags;
	const char *container_id;
	const char *container_name;
};
struct ratelimit_summary {
	const struct ratelimit_key *key;
	uint64_t suppressed;
	uint64_t window_ns;          /* from the first alert held back to now */
};
typedef void (*ratelimit_summary_fn)(void *ctx, const struct ratelimit_summary *s);
struct ratelimit;
struct ratelimit *ratelimit__new(const struct ratelimit_config *c);
void ratelimit__free(struct ratelimit *rl);
/* true: send it; false: held back and counted. now_ns: any monotonic clock. */
bool ratelimit__allow(struct ratelimit *rl, const struct ratelimit_key *key, uint64_t now_ns);
bool ratelimit__allow_alert(struct ratelimit *rl, const struct alert *alert, uint64_t now_ns);
/* Summarises, through fn, every burst that has ended; forgets idle keys. */
void ratelimit__tick(struct ratelimit *rl, uint64_t now_ns, ratelimit_summary_fn fn, void *ctx);
/* Summarises everything still held back (at exit). */
void ratelimit__flush(struct ratelimit *rl, uint64_t now_ns, ratelimit_summary_fn fn, void *ctx);
uint64_t ratelimit__suppressed(const struct ratelimit *rl);
uint64_t ratelimit__summaries(const struct ratelimit *rl);
uint64_t ratelimit__untracked(const struct ratelimit *rl); /* let through: table full */
size_t ratelimit__keys(const struct ratelimit *rl);
/* The summary alert: "RULE: N more like this in the last S s (container_id=... ...)". */
struct sink_record *ratelimit_summary__record(const struct ratelimit_summary *s, uint64_t time_ns);

/* state_file.c: replaces path whole (temporary file, fsync, rename, fsync of
 * the directory); write returns 0 or -errno. */
typedef int (*state_file_writer)(FILE *f, const void *ctx);
int state_file__replace(const char *path, mode_t mode, state_file_writer write, const void *ctx);

/* config.c: /etc/vigil/vigil.yaml (etc/vigil.yaml documents every key) */
#define RING_BUFFER_DEFAULT 0 /* auto: by CPU count (bpf_events.c) */
/* Below 64 KiB the largest exec record (about 21 KiB) could not go through. */
#define RING_BUFFER_MIN (64u << 10)
#define RING_BUFFER_MAX (1u << 30)
#ifndef VIGIL_CONFIG_PATH
#define VIGIL_CONFIG_PATH "/etc/vigil/vigil.yaml"
#endif
enum rule_matching { RULE_MATCHING_FIRST = 0, RULE_MATCHING_ALL };
#ifndef VIGIL_STATE_DIR
#define VIGIL_STATE_DIR "/var/lib/vigil"
#endif
#define STATE_DIR_MAX 256

struct config {
	struct sink_config sinks[SINKS_MAX];
	size_t nsinks;
	struct ratelimit_config ratelimit;
	enum rule_matching rule_matching;
	bool watch_rules;                 /* reload when a rules file changes */
	uint64_t stats_interval_ns;       /* 0: no stats entries */
	uint64_t operational_interval_ns; /* between two operational alerts, at least */
	char *metrics_address;            /* "127.0.0.1:9376"; NULL: no HTTP endpoint */
	uint64_t anomaly_learning_s;      /* 0: each anomaly item's learning_period */
	size_t baseline_max_tuples;       /* per scope */
	size_t baseline_max_scopes;
	uint64_t baseline_save_interval_ns;
	size_t proc_ancestry_depth;       /* generations proc.aname[N] and friends walk */
	char state_dir[STATE_DIR_MAX];    /* what vigild learns, kept across restarts */
	bool learn_syscalls;              /* per-image syscall sets for --advise seccomp */
	size_t ring_buffer_bytes;         /* the kernel's event ring: a power of two; 0: auto */
};
#define STATE_DIR_DEFAULT VIGIL_STATE_DIR
/* The command line's say, over the file's. */
struct config_flags {
	const char *syslog[SINKS_MAX];    /* --syslog: replace the file's syslog sinks */
	size_t nsyslog;
	const char *json_file;            /* --json-file: replaces the file's JSON file sinks */
	bool json_stdout;                 /* --stdout json */
	const char *metrics;              /* --metrics ADDR:PORT */
};
void config__defaults(struct config *c);
/* Reads path over the defaults. Errors go to err as "path:line:col: error:
 * message". Returns 0, -EINVAL after errors, or the -errno of reading path
 * (-ENOENT: the caller decides whether a missing file is fine). */
int config__load(struct config *c, const char *path, FILE *err);
int config__apply_flags(struct config *c, const struct config_flags *f, FILE *err);
void config__free(struct config *c);

/* stats.c: vigild's account of itself: operational alerts when something is
 * lost or fails, a periodic stats entry, and what /metrics shows */
#define EVAL_BUCKETS 10
struct rule_count {
	const char *rule;
	enum rule_priority priority;
	uint64_t alerts;                  /* matched, suppressed included */
	uint64_t suppressed;
};
struct stats_snapshot {
	uint64_t uptime_ns;
	uint64_t events;
	uint64_t malformed;
	uint64_t alerts;
	uint64_t suppressed;
	uint64_t summaries;
	uint64_t unqueued;
	uint64_t kernel_drops[VIGIL_DROP_REASON_MAX];
	bool kernel_drops_known;
	struct sink_stats sinks[SINKS_MAX];
	size_t nsinks;
	size_t processes;
	uint64_t process_evictions;
	uint64_t processes_refused;          /* not tracked: the table was full */
	size_t containers;
	uint64_t container_malformed;        /* runtime state unreadable */
	uint64_t container_gave_up;          /* left without metadata */
	uint64_t reload_failures;            /* rule reloads refused for errors */
	uint64_t rss_bytes;
	const struct rule_count *rules;
	size_t nrules;
	uint64_t eval_buckets[EVAL_BUCKETS]; /* cumulative counts, le = eval_bounds_ns[i] */
	uint64_t eval_count;                 /* sampled evaluations */
	uint64_t eval_sum_ns;
};
extern const uint64_t eval_bounds_ns[EVAL_BUCKETS];
const char *drop_reason__name(unsigned int reason); /* "ringbuf_full" */

struct stats_config {
	uint64_t stats_interval_ns;
	uint64_t operational_interval_ns;
};
struct pipeline;
struct metrics;
struct stats;
struct stats *stats__new(const struct stats_config *c);
void stats__free(struct stats *st);
void stats__set_metrics(struct stats *st, struct metrics *m);
/* Counts an alert for its rule, held back or not. */
void stats__alert(struct stats *st, const char *rule, enum rule_priority p, bool suppressed);
/* One sampled rule evaluation. */
void stats__eval(struct stats *st, uint64_t ns);
/* A reload refused for errors: counted, and an operational alert quoting the
 * first error ("file:line:col: error: ..."); nrules are still running. */
void stats__reload_failed(struct stats *st, struct pipeline *pl, const char *error,
			  size_t nerrors, size_t nrules);
/* Called about once a second from the event loop: summaries of ended bursts,
 * an operational alert for what was lost since the last one (at most one per
 * interval), the stats entry when due, the metrics. drops may be NULL. */
void stats__tick(struct stats *st, struct pipeline *pl, const uint64_t *drops, uint64_t now_ns);
/* At exit: summaries of everything held back, a last operational alert. */
void stats__finish(struct stats *st, struct pipeline *pl, const uint64_t *drops, uint64_t now_ns);
void stats__snapshot(struct stats *st, struct pipeline *pl, const uint64_t *drops,
		     uint64_t now_ns, struct stats_snapshot *out);
uint64_t rss__bytes(void);

/* metrics.c: Prometheus text on an optional HTTP endpoint (/metrics, /healthz) */
struct metrics;
/* Listens on "ADDR:PORT"; returns 0 or -errno. */
int metrics__start(struct metrics **out, const char *address);
/* Renders snap as the next /metrics answer; now_ns (monotonic) keeps /healthz happy. */
void metrics__publish(struct metrics *m, const struct stats_snapshot *snap, uint64_t now_ns);
/* The exposition text of snap; returns 0 or -ENOMEM. */
int metrics__render(const struct stats_snapshot *snap, FILE *out);
void metrics__stop(struct metrics *m);

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

/* Starts a record of a fixed part of `fixed` bytes (zeroed) with hdr; returns it. */
void *record_buf__start(struct record_buf *rb, const struct vigil_event_header *hdr,
			size_t fixed);
void record_buf__exec_strings(struct record_buf *rb, const struct exec_strings *s);
void record_buf__open_strings(struct record_buf *rb, const char *path, const char *resolved);
/* Sets hdr.size; -E2BIG when the strings did not fit. */
int record_buf__finish(struct record_buf *rb);
/* A process table entry as the exec record that would have made it. */
int record_buf__process(struct record_buf *rb, const struct process *p);

/* capture.c: capture files (docs/capture.md) */
enum capture_kind {
	CAPTURE_EVENT = 1,   /* a ring buffer record as delivered */
	CAPTURE_PROCESS = 2, /* a process that existed at start, as an exec record */
	CAPTURE_CONTAINER = 3, /* a container's metadata, as a JSON object */
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

/* event_json.c: records as JSON lines and back (docs/capture.md) */
/* Appends one record as a JSON object; kind overrides "type" ("process"). */
int event_json__format(const void *data, size_t size, const char *kind, struct strbuf *sb);
/* Builds the record a JSON line describes; *kind says what it is: an event,
 * a process snapshot, or a container's metadata (then rb holds the line's
 * text, for container_json__parse). Returns 0, or negative errno with *error
 * saying why. */
int event_json__parse(const char *line, struct record_buf *rb, enum capture_kind *kind,
		      const char **error);
/* A container's metadata as a JSON object, and back (meta is the caller's). */
int container_json__format(uint64_t cgroup_id, const struct container_meta *meta,
			   struct strbuf *sb);
int container_json__parse(const char *text, size_t len, uint64_t *cgroup_id,
			  struct container_meta **meta, const char **error);

/* rules_watch.c: rule files changed (watch_rules) */
struct rules_watch;
struct rules_watch *rules_watch__new(const char *const *paths, size_t npaths);
/* True once, when changes have settled: time to reload. */
bool rules_watch__changed(struct rules_watch *w, uint64_t now_ns);
void rules_watch__free(struct rules_watch *w);

/* pipeline.c: one record from decoding to the sinks */
struct pipeline_stats {
	uint64_t records;
	uint64_t malformed;
	uint64_t by_type[VIGIL_EVENT_TYPE_MAX];
	uint64_t alerts;
	uint64_t sink_errors;
	uint64_t suppressed;       /* held back by the rate limit */
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
#define PIPELINE_RECORDED_MAX 1024
	uint64_t recorded[PIPELINE_RECORDED_MAX]; /* cgroups whose container is in the capture */
	/* When sinks is set, alerts go through the rate limit to the sink
	 * queues, and journald and json_out are not used. */
	struct sinks *sinks;
	struct ratelimit *ratelimit; /* NULL: no limit */
	struct stats *counters;      /* NULL: not counted per rule */
	bool match_all;              /* rule_matching: all (config.c) */
	struct anomaly *anomaly;     /* NULL: anomaly items are not run */
	struct alert alert;        /* rendered in place: no allocation per alert */
};

/* Sets the clocks, hostname and counters; the caller fills the rest. */
void pipeline__init(struct pipeline *pl);
/* A bpf_event_fn: handles one ring buffer record. */
int pipeline__handle(void *pl, void *data, size_t size);
/* An alert through the rate limit to the sinks (or straight out without them). */
void pipeline__alert(struct pipeline *pl, const struct alert *alert);
/* A record of vigild's own to the sinks (stderr until there are sinks). */
void pipeline__submit(struct pipeline *pl, const struct sink_record_spec *spec);
/* One of vigild's own operational alerts. */
void pipeline__operational(struct pipeline *pl, enum rule_priority prio, const char *rule,
			   const char *message);
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

/* baseline.c: what each anomaly item saw, per scope value, in bounded memory */
struct baseline_limits {
	size_t max_scopes;  /* (item, scope value) pairs */
	size_t max_tuples;  /* per pair */
};
#define BASELINE_MAX_SCOPES_DEFAULT 4096
#define BASELINE_MAX_TUPLES_DEFAULT 1024
struct baseline_key {
	const char *anomaly;
	const char *scope_field;
	const char *scope;
	const char *const *fields;
	size_t nfields;
};
struct baseline_scope {
	char *anomaly;
	char *scope_field;
	char *scope;
	char *fields[ANOMALY_FIELDS_MAX];
	size_t nfields;
	int64_t started;   /* wall clock seconds of the first event: learning starts */
	bool full;         /* max_tuples reached while learning: learns no more */
	char **tuples;     /* nfields NUL-terminated values back to back; sorted */
	size_t ntuples;
	size_t cap;
};
enum baseline_verdict {
	BASELINE_LEARNED,   /* learning: a new tuple, added */
	BASELINE_KNOWN,     /* seen before */
	BASELINE_NEW,       /* after learning, never seen: alert (added when alert_once) */
	BASELINE_FULL,      /* learning, and no room for it: learning stops (once per scope) */
	BASELINE_UNTRACKED, /* no room for another scope (once) */
	BASELINE_IGNORED,   /* learning stopped, or the scope is untracked */
};
struct baseline;
struct baseline *baseline__new(const struct baseline_limits *lim);
void baseline__free(struct baseline *b);
int baseline__observe(struct baseline *b, const struct baseline_key *k,
		      const char *const *values, int64_t now_s, uint64_t learning_s,
		      bool alert_once, enum baseline_verdict *verdict);
size_t baseline__count(const struct baseline *b);
/* Scopes sorted by item name, then scope value. */
const struct baseline_scope *baseline__at(const struct baseline *b, size_t i);
/* Takes s (freed on error), replacing any scope of the same item and value. */
int baseline__put(struct baseline *b, struct baseline_scope *s);
/* Forgets every item's scope of this value; returns how many. */
size_t baseline__remove(struct baseline *b, const char *scope);
bool baseline__dirty(const struct baseline *b);
void baseline__set_clean(struct baseline *b);
void baseline_scope__free(struct baseline_scope *s);
/* Adds a tuple to a scope being built (an import); 0 when it was there already. */
int baseline_scope__add(struct baseline_scope *s, const char *const *values);
const struct baseline_limits *baseline__limits(const struct baseline *b);
/* The i-th value of a tuple. */
const char *baseline_tuple__value(const char *tuple, size_t i);
/* -1 when the scope does not learn this field. */
int baseline_scope__field(const struct baseline_scope *s, const char *field);

/* baseline_yaml.c: baselines as YAML a person can review and keep in git */
#define BASELINE_FILE_MAX (16u << 20)
/* The scopes of value scope (NULL: all), sorted. */
int baseline__export(const struct baseline *b, const char *scope, FILE *out);
/* Reads text (name is for messages, "name:line:col: error: ...") into b: all
 * or nothing. 0, -EINVAL after errors, -ENOMEM. */
int baseline__import(struct baseline *b, const char *name, const char *text, size_t len,
		     FILE *err);

/* baseline_file.c: STATE_DIR/baseline.yaml */
#define BASELINE_FILE_NAME "baseline.yaml"
/* Reads path into b. -ENOENT: no file. A file that is not a baseline gives
 * -EINVAL and, when aside is given, is renamed to path.corrupt-EPOCH, which
 * aside then names. */
int baseline__load_file(struct baseline *b, const char *path, FILE *err, char *aside,
			size_t asidelen);
/* Atomically, with state_file__replace. */
int baseline__save_file(const struct baseline *b, const char *path);
/* STATE_DIR/baseline.lock, held while a vigild runs: an fd, -EWOULDBLOCK
 * when held elsewhere, or -errno. Creates the directory (0700). */
int baseline__lock(const char *state_dir);

/* anomaly.c: anomaly items in the running daemon */
struct anomaly_config {
	const char *state_dir;
	uint64_t learning_s;          /* 0: each item's own */
	struct baseline_limits limits;
	uint64_t save_interval_ns;
};
struct anomaly;
/* Loads the saved baselines (a corrupt file is set aside and reported). */
struct anomaly *anomaly__open(const struct anomaly_config *c);
void anomaly__handle(struct anomaly *a, struct pipeline *pl, const struct evt *evt);
/* Reports what is pending, saves when due (monotonic now_ns). */
void anomaly__tick(struct anomaly *a, struct pipeline *pl, uint64_t now_ns);
/* Saves and frees; accepts NULL. */
void anomaly__close(struct anomaly *a);

/* advise.c, advise_network.c, advise_filesystem.c: hardening advice from the baselines */
/* A Kubernetes name (DNS-1123 label) from a scope value and a suffix. */
void advise__name(const char *scope, const char *suffix, char *out, size_t len);
/* A double-quoted YAML string; text for a comment, line breaks made harmless. */
void advise__quoted(FILE *out, const char *s);
void advise__comment(FILE *out, const char *s);
/* A NetworkPolicy: deny all but the egress the scope's items observed. */
int advise_network__print(const struct baseline *b, const char *scope, FILE *out);
/* A Pod with a read-only root and emptyDir mounts where the scope wrote,
 * runAsNonRoot unless it ran as uid 0. */
int advise_filesystem__print(const struct baseline *b, const char *scope, FILE *out);

/* baseline_cli.c: vigild --baseline and --advise, on the state directory */
int baseline_cli__run(const char *cmd, const char *arg, const struct config *cfg);
int advise_cli__run(const char *kind, const char *scope, const struct config *cfg);

#endif /* VIGIL_H */
