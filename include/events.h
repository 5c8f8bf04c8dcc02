/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Event records written by the BPF programs into the ring buffer and read by
 * vigild. This is the only header shared by both sides: fixed-width types and
 * fixed arrays only, nothing from libc or vmlinux.h.
 *
 * Every record starts with struct vigil_event_header; hdr.size is the length
 * of the whole record, header included. Variable-length strings sit at the
 * end of a record, each NUL-terminated, in the order the payload lists their
 * lengths (lengths count the NUL). vigild checks every length before use.
 *
 * Bump VIGIL_ABI_VERSION whenever a layout, an enum value or a flag changes
 * meaning: vigild refuses a BPF object built with another version.
 */
#ifndef VIGIL_EVENTS_H
#define VIGIL_EVENTS_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#define VIGIL_ABI_VERSION 2

#define VIGIL_COMM_LEN 16
#define VIGIL_PATH_MAX 4096
#define VIGIL_ARGS_MAX 4096
#define VIGIL_ENV_MAX 4096
#define VIGIL_UNIX_PATH_MAX 108
#define VIGIL_CGROUP_NAME_MAX 128
#define VIGIL_CGROUP_DEPTH_MAX 6

/* Record layouts; one per hook family. */
enum vigil_event_type {
	VIGIL_EVENT_EXEC = 1,
	VIGIL_EVENT_OPEN,
	VIGIL_EVENT_CONNECT,
	VIGIL_EVENT_SETID,
	VIGIL_EVENT_FORK,
	VIGIL_EVENT_EXIT,
	VIGIL_EVENT_CGROUP,
	VIGIL_EVENT_CGROUP_RMDIR,
	VIGIL_EVENT_TYPE_MAX,
};

/* The syscall behind a record, independent of the architecture's numbers. */
enum vigil_syscall {
	VIGIL_SC_NONE = 0,
	VIGIL_SC_EXECVE,
	VIGIL_SC_EXECVEAT,
	VIGIL_SC_OPEN,
	VIGIL_SC_OPENAT,
	VIGIL_SC_OPENAT2,
	VIGIL_SC_CREAT,
	VIGIL_SC_CONNECT,
	VIGIL_SC_SETUID,
	VIGIL_SC_SETREUID,
	VIGIL_SC_SETRESUID,
	VIGIL_SC_SETGID,
	VIGIL_SC_SETREGID,
	VIGIL_SC_SETRESGID,
	VIGIL_SC_MAX,
};

/* Which hierarchy hdr.cgroup_id and cgroup records come from; vigild sets
 * targ_cgroup_source before loading. */
enum vigil_cgroup_source {
	VIGIL_CGROUP_DFL = 0,  /* the default (v2) hierarchy */
	VIGIL_CGROUP_V1_MEMORY, /* the memory controller's v1 hierarchy */
	VIGIL_CGROUP_V1_PIDS,   /* the pids controller's v1 hierarchy */
};

/* Header flags. */
#define VIGIL_HDR_COMPAT (1u << 0) /* made from a 32-bit (ia32) syscall */
#define VIGIL_HDR_IO_URING (1u << 1) /* an io_uring request, seen at submission */

struct vigil_event_header {
	__u32 size;    /* whole record, header included */
	__u16 type;    /* enum vigil_event_type */
	__u16 syscall; /* enum vigil_syscall; VIGIL_SC_NONE for fork, exit, cgroup */
	__u64 ts_ns;   /* bpf_ktime_get_boot_ns() at syscall exit */
	__s64 retval;  /* syscall return value (negative errno on failure) */
	__u64 cgroup_id; /* the task's cgroup id: cgroup v2's, or a v1 controller's
			  * (enum vigil_cgroup_source) */
	__u32 pid;     /* thread group id, as userspace calls a pid */
	__u32 tid;
	__u32 ppid;    /* real parent's thread group id */
	__u32 uid;
	__u32 gid;
	__u32 euid;
	__u32 pidns_ino;
	__u32 mntns_ino;
	__u32 flags;   /* VIGIL_HDR_* */
	__u32 cpu;     /* the CPU the event was seen on */
	char comm[VIGIL_COMM_LEN];
};

/* exec flags */
#define VIGIL_EXEC_ARGS_TRUNCATED (1u << 0)
#define VIGIL_EXEC_FILENAME_TRUNCATED (1u << 1)
#define VIGIL_EXEC_EXE_TRUNCATED (1u << 2)
#define VIGIL_EXEC_CWD_TRUNCATED (1u << 3)
#define VIGIL_EXEC_ENV_TRUNCATED (1u << 4)
#define VIGIL_EXEC_EXE_UPPER_LAYER (1u << 5) /* exe on an overlayfs upper layer */
#define VIGIL_EXEC_EXE_MEMFD (1u << 6)       /* exe is a memfd (fileless) */

/* execve/execveat; data: filename as given, exe path (kernel's view, empty
 * on failure), argv strings back to back, cwd (empty on failure), environment
 * strings back to back (empty on failure). */
struct vigil_exec_event {
	struct vigil_event_header hdr;
	__u32 flags;
	__u32 tty;      /* controlling terminal as (major << 20 | minor), 0 if none */
	__u32 loginuid; /* audit login uid, (u32)-1 if unset */
	__u32 sid;      /* session id, as the host sees it */
	__u32 vpid;     /* pid in the process's own pid namespace */
	__u32 reserved;
	__u64 cap_effective;
	__u64 cap_permitted;
	__u64 cap_inheritable;
	__u64 start_ns; /* process start, boot time like hdr.ts_ns */
	__u16 filename_len;
	__u16 exe_len;
	__u16 args_len;
	__u16 argc;     /* argument count of the call; args holds fewer strings when truncated */
	__u16 cwd_len;
	__u16 env_len;
	__u32 reserved2;
	char data[];
};

/* Access bits of the kernel's open filter (set by vigild from the rules). */
#define VIGIL_ACCESS_READ (1u << 0)
#define VIGIL_ACCESS_WRITE (1u << 1)

/* open flags */
#define VIGIL_OPEN_PATH_TRUNCATED (1u << 0)
#define VIGIL_OPEN_RESOLVED_TRUNCATED (1u << 1)

/* open/openat/openat2/creat; data: path as given, then the absolute path of
 * the file actually opened (empty when the call failed). */
struct vigil_open_event {
	struct vigil_event_header hdr;
	__s32 dirfd;  /* AT_FDCWD (-100) for open and creat */
	__u32 flags;  /* open flags as passed (creat: O_CREAT|O_WRONLY|O_TRUNC) */
	__u32 mode;
	__u16 path_len;
	__u16 resolved_len;
	__u32 open_flags; /* VIGIL_OPEN_* */
	__u32 reserved;
	char data[];
};

/* connect; family is the sockaddr's (AF_INET, AF_INET6, AF_UNIX, other). */
struct vigil_connect_event {
	struct vigil_event_header hdr;
	__s32 fd;
	__u16 family;
	__u16 port;       /* host byte order */
	__u8 addr[16];    /* IPv4 in the first 4 bytes, or IPv6 */
	__u32 addrlen;    /* as passed */
	__u32 reserved;
	char unix_path[VIGIL_UNIX_PATH_MAX + 4]; /* NUL-terminated; '@' first for abstract */
};

/* The setuid family; ids as (u32)-1 where the call leaves one unchanged. */
struct vigil_setid_event {
	struct vigil_event_header hdr;
	__u32 args[3];    /* as passed: setuid(uid) fills args[0], setreuid two, ... */
	__u32 old_ids[3]; /* real, effective, saved id at entry */
	__u32 new_ids[3]; /* real, effective, saved id at exit */
	__u32 reserved;
};

/* A new process (not a thread); hdr describes the parent. */
struct vigil_fork_event {
	struct vigil_event_header hdr;
	__u32 child_pid;
	__u32 child_tid;
};

/* A process's last thread leaving. */
struct vigil_exit_event {
	struct vigil_event_header hdr;
	__s32 exit_code; /* as wait(2) reports it */
	__u32 reserved;
};

/*
 * Sent once per cgroup before the first event that carries its id, so that a
 * container that is gone by the time vigild reads its events is still
 * attributed. names[0] is the cgroup's own name, names[1] its parent's, ...;
 * the root is not included. VIGIL_CGROUP_TRUNCATED: deeper than
 * VIGIL_CGROUP_DEPTH_MAX levels.
 */
#define VIGIL_CGROUP_TRUNCATED (1u << 0)

struct vigil_cgroup_event {
	struct vigil_event_header hdr;
	__u64 id;
	__u32 depth; /* names used */
	__u32 flags;
	char names[VIGIL_CGROUP_DEPTH_MAX][VIGIL_CGROUP_NAME_MAX];
};

/* A cgroup was removed: whatever was known of it can go. */
struct vigil_cgroup_rmdir_event {
	struct vigil_event_header hdr;
	__u64 id;
};

/* Why the BPF side lost something; per-CPU counters in the stats map. */
enum vigil_drop_reason {
	VIGIL_DROP_RINGBUF_FULL = 0,
	VIGIL_DROP_INFLIGHT_FULL,
	VIGIL_DROP_CGROUP_FULL,
	VIGIL_DROP_REASON_MAX,
};

/*
 * Syscalls made in a cgroup, for seccomp advice: the value of the
 * syscall_sets map, keyed by cgroup id. One byte per syscall number (a plain
 * store, so two CPUs never lose each other's update), native x86_64 and ia32
 * apart. Only calls made under a seccomp filter are counted.
 */
#define VIGIL_SYSCALL_NR_MAX 512

enum vigil_learn_state {
	VIGIL_LEARN_STOPPED = 0, /* vigild found the cgroup is no container's */
	VIGIL_LEARN_COUNT = 1,   /* as made by the kernel: counting */
};

struct vigil_syscall_set {
	__u32 state; /* enum vigil_learn_state */
	__u32 reserved;
	__u8 native[VIGIL_SYSCALL_NR_MAX];
	__u8 compat[VIGIL_SYSCALL_NR_MAX];
};

_Static_assert(sizeof(struct vigil_event_header) == 88, "header layout");
_Static_assert(sizeof(struct vigil_exec_event) == 88 + 72, "exec layout");
_Static_assert(sizeof(struct vigil_open_event) == 88 + 24, "open layout");
_Static_assert(sizeof(struct vigil_connect_event) == 88 + 144, "connect layout");
_Static_assert(sizeof(struct vigil_setid_event) == 88 + 40, "setid layout");
_Static_assert(sizeof(struct vigil_syscall_set) == 8 + 2 * VIGIL_SYSCALL_NR_MAX, "syscall set layout");

#endif /* VIGIL_EVENTS_H */
