// SPDX-License-Identifier: GPL-2.0-only
/*
 * The syscalls containers make (bpf/learn.bpf.h), merged per image into the
 * store that `vigild --advise seccomp` reads. The kernel keeps one set per
 * cgroup; here a set is read when its cgroup is removed (the container
 * exited) and, for containers that keep running, every LEARN_SCAN_NS. The
 * store is saved when it grew, at most once a tick, and at exit.
 *
 * The kernel counts for every cgroup with a task under a seccomp filter, and
 * announces the cgroup: an entry whose cgroup the container table still
 * does not know after LEARN_HOST_AFTER_SCANS scans is the host's (a systemd
 * service with SystemCallFilter=, say), and is told to stop counting.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <bpf/bpf.h>

#include "vigil.h"

#define LEARN_SCAN_NS (5 * 1000000000ull)
#define LEARN_HOST_AFTER_SCANS 2
#define UNKNOWN_MAX 256

struct syscall_learner {
	struct bpf_events *be;
	struct containers *cs;
	struct seccomp_store *store;
	int fd;
	char path[PATH_MAX];
	uint64_t next_scan_ns;
	uint64_t table_full_seen;
	bool save_failed;
	/* Entries counting for a cgroup no container is known for, yet. */
	struct {
		uint64_t cgroup_id;
		unsigned int scans;
	} unknown[UNKNOWN_MAX];
	size_t nunknown;
};

/* Merges one cgroup's kernel set into its image's union; false when the
 * cgroup's container or image is not known. */
static bool learner__merge(struct syscall_learner *l, const struct vigil_syscall_set *k,
			   const struct container *c)
{
	struct syscall_set set;
	int err;

	if (c == &container_host || !c->meta || !c->meta->image)
		return false;
	syscall_set__from_kernel(&set, k);
	err = seccomp_store__add(l->store, c->meta->image, c->meta->image_repository, &set);
	if (err > 0)
		log_debug("learned syscalls of %s: %zu native, %zu ia32 (container %s)",
			  c->meta->image, syscall_set__count(&set, false),
			  syscall_set__count(&set, true), c->id);
	else if (err < 0)
		log_warnx("cannot keep the syscalls of image %s: %s", c->meta->image,
			  strerror(-err));
	return true;
}

static void learner__save(struct syscall_learner *l)
{
	int err;

	if (!seccomp_store__dirty(l->store))
		return;
	err = seccomp_store__save(l->store, l->path);
	if (err && !l->save_failed)
		log_warnx("cannot save the learned syscalls to %s: %s (state_dir must be "
			  "writable)", l->path, strerror(-err));
	l->save_failed = err != 0;
}

/* Counts another scan without a container for cgroup_id; true once it is
 * time to call it the host's. */
static bool learner__still_unknown(struct syscall_learner *l, uint64_t cgroup_id, bool *seen)
{
	size_t i;

	for (i = 0; i < l->nunknown; i++) {
		if (l->unknown[i].cgroup_id == cgroup_id) {
			seen[i] = true;
			return ++l->unknown[i].scans >= LEARN_HOST_AFTER_SCANS;
		}
	}
	if (l->nunknown < UNKNOWN_MAX) {
		l->unknown[l->nunknown].cgroup_id = cgroup_id;
		l->unknown[l->nunknown].scans = 1;
		seen[l->nunknown++] = true;
	}
	return false;
}

/* Drops the unknown entries this scan did not see again. */
static void learner__prune_unknown(struct syscall_learner *l, const bool *seen)
{
	size_t i, j = 0;

	for (i = 0; i < l->nunknown; i++) {
		if (seen[i])
			l->unknown[j++] = l->unknown[i];
	}
	l->nunknown = j;
}

static void learner__scan(struct syscall_learner *l)
{
	static struct vigil_syscall_set k;
	bool seen[UNKNOWN_MAX] = { false };
	uint64_t key, next, *prev = NULL;
	const struct container *c;
	uint64_t full;

	while (!bpf_map_get_next_key(l->fd, prev, &next)) {
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(l->fd, &key, &k) || k.state != VIGIL_LEARN_COUNT)
			continue;
		c = containers__lookup(l->cs, key);
		if (learner__merge(l, &k, c) || c != &container_host)
			continue;
		if (!learner__still_unknown(l, key, seen))
			continue;
		/* No container's: stop counting. A call that lands meanwhile is
		 * lost, and does not matter for the host. */
		k.state = VIGIL_LEARN_STOPPED;
		bpf_map_update_elem(l->fd, &key, &k, BPF_EXIST);
		log_debug("cgroup %llu is no container's: not counting its syscalls",
			  (unsigned long long)key);
	}
	learner__prune_unknown(l, seen);
	full = bpf_events__learn_table_full(l->be);
	if (full != l->table_full_seen) {
		log_warnx("the syscall table is full: %llu cgroups are not learned from",
			  (unsigned long long)full);
		l->table_full_seen = full;
	}
}

void syscall_learner__cgroup_removed(void *ctx, uint64_t cgroup_id, const struct container *c)
{
	struct syscall_learner *l = ctx;
	static struct vigil_syscall_set k;

	if (bpf_map_lookup_elem(l->fd, &cgroup_id, &k))
		return;
	if (k.state == VIGIL_LEARN_COUNT && !learner__merge(l, &k, c))
		log_debug("cgroup %llu went before its container's image was known: its "
			  "syscalls are not learned", (unsigned long long)cgroup_id);
	bpf_map_delete_elem(l->fd, &cgroup_id);
}

void syscall_learner__tick(struct syscall_learner *l, uint64_t now_ns)
{
	if (now_ns >= l->next_scan_ns) {
		learner__scan(l);
		l->next_scan_ns = now_ns + LEARN_SCAN_NS;
	}
	learner__save(l);
}

int syscall_learner__new(struct syscall_learner **out, struct bpf_events *be,
			 struct containers *cs, const char *state_dir)
{
	char error[PATH_MAX + 128], aside[PATH_MAX + 16];
	struct syscall_learner *l;
	int err;

	l = calloc(1, sizeof(*l));
	if (!l)
		return -ENOMEM;
	l->store = seccomp_store__new();
	if (!l->store) {
		free(l);
		return -ENOMEM;
	}
	l->be = be;
	l->cs = cs;
	l->fd = bpf_events__syscall_sets_fd(be);
	if ((size_t)snprintf(l->path, sizeof(l->path), "%s/%s", state_dir, SECCOMP_STORE_FILE) >=
	    sizeof(l->path)) {
		syscall_learner__free(l);
		return -ENAMETOOLONG;
	}
	if (mkdir(state_dir, 0755) < 0 && errno != EEXIST)
		log_warn("cannot create state_dir %s", state_dir);
	err = seccomp_store__load(l->store, l->path, error, sizeof(error));
	if (err == -EINVAL) {
		/* Keep it for a look, and start afresh rather than not learn. */
		snprintf(aside, sizeof(aside), "%s.corrupt", l->path);
		log_warnx("%s; moved to %s, learning afresh", error,
			  rename(l->path, aside) ? "nowhere (rename failed)" : aside);
	} else if (err && err != -ENOENT) {
		log_warnx("%s; learning afresh", error);
	} else if (!err) {
		log_info("syscalls learned before: %zu images (%s)", seccomp_store__count(l->store),
			 l->path);
	}
	*out = l;
	return 0;
}

void syscall_learner__free(struct syscall_learner *l)
{
	if (!l)
		return;
	if (l->be) {
		learner__scan(l);
		learner__save(l);
	}
	seccomp_store__free(l->store);
	free(l);
}
