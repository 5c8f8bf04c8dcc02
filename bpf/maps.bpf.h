/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Every map, declared once; __weak lets each .bpf.c include this header and
 * the linker keep a single copy. */
#ifndef VIGIL_MAPS_BPF_H
#define VIGIL_MAPS_BPF_H

#include "events.h"

/* One record under construction per CPU: a string is written at
 * data + (off & EVENT_DATA_MASK) and is at most EVENT_STRING_MAX long, so the
 * verifier can bound every write. */
#define EVENT_DATA_MASK (32768 - 1)
#define EVENT_STRING_MAX VIGIL_PATH_MAX
#define EVENT_BUF_SIZE (256 + 32768 + EVENT_STRING_MAX)

struct event_buf {
	__u8 bytes[EVENT_BUF_SIZE];
};

/* Path building: components are written backwards from the end. */
#define PATH_BUF_SIZE 8192
#define PATH_BUF_MASK (PATH_BUF_SIZE - 1)

struct path_buf {
	char bytes[PATH_BUF_SIZE + NAME_MAX + 1];
};

/* The syscall a tail-called exit program is handling. */
struct current_call {
	__u32 syscall; /* enum vigil_syscall */
	__u32 compat;  /* ia32 */
};

/*
 * What a syscall's entry knew that its exit cannot: the ids before a
 * setuid-family call, and which exec it was (after a successful exec the
 * saved orig_ax reads __NR_execve even for execveat, and an ia32 caller may
 * have become a 64-bit program).
 */
struct inflight_call {
	__u32 syscall; /* enum vigil_syscall */
	__u32 compat;
	__u32 ids[3];
	__u32 reserved;
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 8 << 20); /* resized by vigild before load */
} events SEC(".maps") __weak;

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, VIGIL_DROP_REASON_MAX);
	__type(key, __u32);
	__type(value, __u64);
} drops SEC(".maps") __weak;

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, VIGIL_SC_MAX);
	__type(key, __u32);
	__type(value, __u32);
} exit_progs SEC(".maps") __weak;

/* One slot per CPU, indexed by CPU: a per-CPU array value is limited to
 * 32 KiB, less than a full exec record. vigild sets max_entries to the
 * number of possible CPUs. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct event_buf);
} event_scratch SEC(".maps") __weak;

/* Separate from event_scratch: a cgroup record is built while an event is. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct vigil_cgroup_event);
} cgroup_scratch SEC(".maps") __weak;

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct path_buf);
} path_scratch SEC(".maps") __weak;

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct current_call);
} current_calls SEC(".maps") __weak;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8192);
	__type(key, __u32); /* tid */
	__type(value, struct inflight_call);
} inflight SEC(".maps") __weak;

/* The open filter's file names (see file.bpf.c), NUL-padded. */
#define OPEN_NAME_MAX 64

struct open_name {
	char name[OPEN_NAME_MAX];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, struct open_name);
	__type(value, __u8); /* VIGIL_ACCESS_* bits */
} open_names SEC(".maps") __weak;

/* Cgroups already announced with a VIGIL_EVENT_CGROUP record; vigild deletes
 * an id when it forgets the cgroup, so that it is announced again. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u64);
	__type(value, __u8);
} cgroups_announced SEC(".maps") __weak;

/* Syscalls per cgroup (see learn.bpf.h); vigild reads them and deletes a
 * cgroup's entry when the cgroup is removed. Entries are made only for
 * cgroups with tasks under a seccomp filter, so not preallocated. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, __u64);
	__type(value, struct vigil_syscall_set);
} syscall_sets SEC(".maps") __weak;

/* A zeroed value to create entries from: too big for the stack. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct vigil_syscall_set);
} syscall_set_scratch SEC(".maps") __weak;

#endif /* VIGIL_MAPS_BPF_H */
