// SPDX-License-Identifier: GPL-2.0-only
/*
 * Cgroup id to container. The BPF side tells each cgroup's path once, before
 * the first event that carries its id, and its removal; every event then
 * looks its id up here, so a lookup is a hash probe and nothing more. Only
 * container cgroups are kept: everything else is the host.
 *
 * Everything here belongs to the event thread, which is the only one to
 * touch it: no locks. Metadata is read by the resolver thread
 * (container_resolver.c) and comes in through containers__poll, which
 * replaces a container's metadata pointer whole; a lookup's result is
 * therefore valid until the next call that can change the table.
 *
 *   entry   one per container cgroup: hash by cgroup id, LRU list, bounded
 *   info    one per container, shared by its cgroups (a container may have
 *           several: podman's libpod-<id>.scope and .scope/container), with
 *           its metadata; freed with its last cgroup. An info without
 *           cgroups holds metadata read ahead of the container's first
 *           event, for a while and in bounded number.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "container_internal.h"

/* Powers of two, so that the hashes can shift instead of divide. */
#define ENTRY_BUCKET_BITS 12
#define INFO_BUCKET_BITS 12
/* Metadata read ahead waits this long, and this much of it, for its container's first event. */
#define PREFETCH_HELD_MAX 1024
#define PREFETCH_TTL_MS 120000
/* Containers just forgotten, whose metadata may still be on its way. */
#define FORGOTTEN_MAX 64

struct container_info {
	struct container c;          /* what lookups return; c.meta is meta */
	struct container_meta *meta;
	struct container_info *hnext;
	/* while no cgroup holds it: oldest first */
	struct container_info *held_newer;
	struct container_info *held_older;
	uint64_t held_since_ms;
	bool held;
	size_t ncgroups;
	bool resolving;              /* the resolver owes it a final answer */
	bool final;                  /* it has had its final answer */
};

struct container_entry {
	uint64_t cgroup_id;
	struct container_entry *hnext;  /* next in the bucket */
	struct container_entry *newer;  /* toward the most recently used */
	struct container_entry *older;
	struct container_info *info;
};

struct containers {
	struct resolver *resolver;
	struct container_entry *buckets[1 << ENTRY_BUCKET_BITS];
	struct container_info *infos[1 << INFO_BUCKET_BITS];
	struct container_entry *newest;
	struct container_entry *oldest;
	struct container_info *held_newest;
	struct container_info *held_oldest;
	size_t count;
	size_t ninfos;
	size_t nheld;
	uint64_t evictions;
	uint64_t removed;
	char forgotten[FORGOTTEN_MAX][CONTAINER_ID_LEN + 1];
	size_t forgotten_next;
	containers_forget_fn forget;
	void *forget_ctx;
	containers_remove_fn remove;
	void *remove_ctx;
};

const struct container container_host = {
	.runtime = RUNTIME_HOST,
	.id = "host",
	.full_id = "host",
	.name = "host",
};

void container_config__defaults(struct container_config *config)
{
	memset(config, 0, sizeof(*config));
	config->podman_root = "/var/lib/containers/storage";
	config->podman_user_root = "%h/.local/share/containers/storage";
	config->docker_root = "/var/lib/docker";
	config->containerd_root = "/run/containerd/io.containerd.runtime.v2.task";
	config->containerd_db = "/var/lib/containerd/io.containerd.metadata.v1.bolt/meta.db";
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* cgroup ids are kernfs inode numbers, mostly sequential: mix before taking the top bits. */
static size_t entry__bucket(uint64_t cgroup_id)
{
	return (cgroup_id * 0x9e3779b97f4a7c15ULL) >> (64 - ENTRY_BUCKET_BITS);
}

/* Container ids are random hex already. */
static size_t info__bucket(const char *full_id)
{
	uint64_t h = 0;
	size_t i;

	for (i = 0; i < 16 && full_id[i]; i++)
		h = h << 4 | (uint64_t)(full_id[i] & 0x0f);
	return (h * 0x9e3779b97f4a7c15ULL) >> (64 - INFO_BUCKET_BITS);
}

struct containers *containers__new(const struct container_config *config)
{
	struct container_config none = { 0 };
	struct containers *cs = calloc(1, sizeof(*cs));
	int err;

	if (!cs)
		return NULL;
	err = resolver__start(&cs->resolver, config ? config : &none);
	if (err == -ENOMEM) {
		free(cs);
		errno = ENOMEM;
		return NULL;
	}
	/* Without the thread containers are still known by their ids. */
	if (err)
		log_warnx("failed to start the container metadata reader: %s; containers will "
			  "have ids but no names", strerror(-err));
	return cs;
}

static void info__free(struct container_info *info)
{
	container_meta__free(info->meta);
	free(info);
}

void containers__free(struct containers *cs)
{
	struct container_entry *e, *older;
	struct container_info *info, *next;
	size_t i;

	if (!cs)
		return;
	resolver__stop(cs->resolver);
	for (e = cs->newest; e; e = older) {
		older = e->older;
		free(e);
	}
	for (i = 0; i < sizeof(cs->infos) / sizeof(cs->infos[0]); i++) {
		for (info = cs->infos[i]; info; info = next) {
			next = info->hnext;
			info__free(info);
		}
	}
	free(cs);
}

void containers__set_forget_fn(struct containers *cs, containers_forget_fn fn, void *ctx)
{
	cs->forget = fn;
	cs->forget_ctx = ctx;
}

void containers__set_remove_fn(struct containers *cs, containers_remove_fn fn, void *ctx)
{
	cs->remove = fn;
	cs->remove_ctx = ctx;
}

size_t containers__count(const struct containers *cs)
{
	return cs->count;
}

uint64_t containers__evictions(const struct containers *cs)
{
	return cs->evictions;
}

void containers__stats(const struct containers *cs, struct containers_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->cgroups = cs->count;
	st->containers = cs->ninfos - cs->nheld;
	st->prefetched_held = cs->nheld;
	st->evictions = cs->evictions;
	st->removed = cs->removed;
	resolver__stats(cs->resolver, st);
}

/* Infos */

static struct container_info *info__find(struct containers *cs, const char *full_id)
{
	struct container_info *info;

	for (info = cs->infos[info__bucket(full_id)]; info; info = info->hnext) {
		if (!strcmp(info->c.full_id, full_id))
			return info;
	}
	return NULL;
}

static struct container_info *info__new(struct containers *cs, const char *full_id,
					enum container_runtime runtime)
{
	struct container_info *info = calloc(1, sizeof(*info));
	size_t b;

	if (!info)
		return NULL;
	info->c.runtime = runtime;
	memcpy(info->c.full_id, full_id, CONTAINER_ID_LEN);
	memcpy(info->c.id, full_id, CONTAINER_SHORT_ID_LEN);
	b = info__bucket(full_id);
	info->hnext = cs->infos[b];
	cs->infos[b] = info;
	cs->ninfos++;
	return info;
}

static void held__unlink(struct containers *cs, struct container_info *info)
{
	if (!info->held)
		return;
	info->held = false;
	if (info->held_newer)
		info->held_newer->held_older = info->held_older;
	else
		cs->held_newest = info->held_older;
	if (info->held_older)
		info->held_older->held_newer = info->held_newer;
	else
		cs->held_oldest = info->held_newer;
	info->held_newer = info->held_older = NULL;
	cs->nheld--;
}

static void held__push(struct containers *cs, struct container_info *info)
{
	info->held = true;
	info->held_since_ms = now_ms();
	info->held_newer = NULL;
	info->held_older = cs->held_newest;
	if (cs->held_newest)
		cs->held_newest->held_newer = info;
	else
		cs->held_oldest = info;
	cs->held_newest = info;
	cs->nheld++;
}

/* Takes info out of the table and frees it; the resolver need not answer any more. */
static void info__forget(struct containers *cs, struct container_info *info)
{
	struct container_info **pp = &cs->infos[info__bucket(info->c.full_id)];

	while (*pp != info)
		pp = &(*pp)->hnext;
	*pp = info->hnext;
	held__unlink(cs, info);
	/* Read ahead, or asked for: either way the resolver may still be at it. */
	if (!info->final) {
		resolver__cancel(cs->resolver, info->c.full_id);
		memcpy(cs->forgotten[cs->forgotten_next], info->c.full_id, CONTAINER_ID_LEN + 1);
		cs->forgotten_next = (cs->forgotten_next + 1) % FORGOTTEN_MAX;
	}
	cs->ninfos--;
	info__free(info);
}

static void info__set_meta(struct container_info *info, struct container_meta *meta)
{
	container_meta__free(info->meta);
	info->meta = meta;
	info->c.meta = meta;
	/* The readers let only valid names through, and shorter than the field. */
	if (meta && meta->name)
		snprintf(info->c.name, sizeof(info->c.name), "%s", meta->name);
}

/* Entries */

static struct container_entry *entry__find(struct containers *cs, uint64_t cgroup_id)
{
	struct container_entry *e;

	for (e = cs->buckets[entry__bucket(cgroup_id)]; e; e = e->hnext) {
		if (e->cgroup_id == cgroup_id)
			return e;
	}
	return NULL;
}

static void lru__unlink(struct containers *cs, struct container_entry *e)
{
	if (e->newer)
		e->newer->older = e->older;
	else
		cs->newest = e->older;
	if (e->older)
		e->older->newer = e->newer;
	else
		cs->oldest = e->newer;
	e->newer = e->older = NULL;
}

static void lru__push(struct containers *cs, struct container_entry *e)
{
	e->newer = NULL;
	e->older = cs->newest;
	if (cs->newest)
		cs->newest->newer = e;
	else
		cs->oldest = e;
	cs->newest = e;
}

/* Takes e out of the table and frees it, and its container with its last cgroup. */
static void entry__drop(struct containers *cs, struct container_entry *e)
{
	struct container_entry **pp = &cs->buckets[entry__bucket(e->cgroup_id)];
	struct container_info *info = e->info;

	while (*pp != e)
		pp = &(*pp)->hnext;
	*pp = e->hnext;
	lru__unlink(cs, e);
	cs->count--;
	free(e);
	if (!--info->ncgroups)
		info__forget(cs, info);
}

static void entry__link(struct containers *cs, struct container_entry *e)
{
	size_t b = entry__bucket(e->cgroup_id);

	e->hnext = cs->buckets[b];
	cs->buckets[b] = e;
	lru__push(cs, e);
	cs->count++;
}

/* Makes room for one more entry by forgetting the least recently used one. */
static void containers__evict(struct containers *cs)
{
	struct container_entry *e = cs->oldest;
	uint64_t cgroup_id = e->cgroup_id;

	/* Say it once; the counter says how often. */
	if (!cs->evictions++)
		log_warnx("more than %d container cgroups: forgetting the least recently used",
			  CONTAINERS_MAX);
	entry__drop(cs, e);
	/* The cgroup still lives: have the kernel tell its path again on its next event. */
	if (cs->forget)
		cs->forget(cs->forget_ctx, cgroup_id);
}

/* Results */

/* Whether full_id's container was forgotten just now, with an answer still owed. */
static bool containers__just_forgot(const struct containers *cs, const char *full_id)
{
	size_t i;

	for (i = 0; i < FORGOTTEN_MAX; i++) {
		if (!strcmp(cs->forgotten[i], full_id))
			return true;
	}
	return false;
}

static void containers__take_results(struct containers *cs)
{
	struct resolver_result *res, *next;
	struct container_info *info;

	for (res = resolver__take(cs->resolver); res; res = next) {
		next = res->next;
		info = info__find(cs, res->full_id);
		/* An answer that crossed our cancel: its container is gone. */
		if (!info && res->meta && !containers__just_forgot(cs, res->full_id)) {
			/* Read ahead of the container's first event: hold it a while. */
			if (cs->nheld == PREFETCH_HELD_MAX)
				info__forget(cs, cs->held_oldest);
			info = info__new(cs, res->full_id, res->runtime);
			if (info)
				held__push(cs, info);
		}
		if (info) {
			if (res->meta) {
				info__set_meta(info, res->meta);
				res->meta = NULL;
			}
			if (res->final) {
				info->resolving = false;
				info->final = true;
			}
			if (res->runtime != RUNTIME_HOST)
				info->c.runtime = res->runtime;
		}
		resolver_result__free(res);
	}
}

void containers__poll(struct containers *cs)
{
	uint64_t now;

	containers__take_results(cs);
	if (!cs->held_oldest)
		return;
	now = now_ms();
	while (cs->held_oldest && now - cs->held_oldest->held_since_ms >= PREFETCH_TTL_MS)
		info__forget(cs, cs->held_oldest);
}

/* The info of container full_id for a new cgroup of it, asking for its metadata if need be. */
static struct container_info *containers__hold_info(struct containers *cs, const char *full_id,
						    enum container_runtime runtime, uint32_t uid)
{
	struct container_info *info;

	/* Metadata read ahead may be waiting for exactly this: take it in first. */
	containers__take_results(cs);
	info = info__find(cs, full_id);
	if (!info) {
		info = info__new(cs, full_id, runtime);
		if (!info)
			return NULL;
	} else {
		held__unlink(cs, info);
	}
	/* Where the state was found says more than the cgroup's name: kubelet's
	 * cgroupfs layout is containerd's and cri-dockerd's alike. */
	if (info->c.runtime == RUNTIME_HOST)
		info->c.runtime = runtime;
	if (!info->meta && !info->resolving &&
	    !resolver__submit(cs->resolver, runtime, full_id, uid)) {
		info->resolving = true;
		info->final = false;
	}
	return info;
}

void containers__add_cgroup(struct containers *cs, uint64_t cgroup_id, const char *path)
{
	enum container_runtime runtime;
	char full_id[CONTAINER_ID_LEN + 1];
	struct container_info *info;
	struct container_entry *e;
	uint32_t uid = RESOLVER_NO_UID;

	e = entry__find(cs, cgroup_id);
	if (cgroup_path__parse(path, &runtime, full_id)) {
		if (e)
			entry__drop(cs, e);
		return;
	}
	if (e) {
		if (!strcmp(e->info->c.full_id, full_id)) {
			lru__unlink(cs, e);
			lru__push(cs, e);
			return;
		}
		entry__drop(cs, e);
	}
	if (runtime == RUNTIME_PODMAN && cgroup_path__rootless_uid(path, &uid))
		uid = RESOLVER_NO_UID;

	if (cs->count >= CONTAINERS_MAX)
		containers__evict(cs);
	e = calloc(1, sizeof(*e));
	info = e ? containers__hold_info(cs, full_id, runtime, uid) : NULL;
	if (!info) {
		free(e);
		log_warnx("failed to remember container %.12s of cgroup %llu: %s", full_id,
			  (unsigned long long)cgroup_id, strerror(ENOMEM));
		return;
	}
	e->cgroup_id = cgroup_id;
	e->info = info;
	info->ncgroups++;
	entry__link(cs, e);
}

void containers__remove_cgroup(struct containers *cs, uint64_t cgroup_id)
{
	struct container_entry *e = entry__find(cs, cgroup_id);

	if (cs->remove)
		cs->remove(cs->remove_ctx, cgroup_id, e ? &e->info->c : &container_host);
	if (!e)
		return;
	cs->removed++;
	entry__drop(cs, e);
}

int containers__set_meta(struct containers *cs, uint64_t cgroup_id, struct container_meta *meta)
{
	struct container_entry *e = entry__find(cs, cgroup_id);

	if (!e) {
		container_meta__free(meta);
		return -ENOENT;
	}
	info__set_meta(e->info, meta);
	return 0;
}

const struct container *containers__lookup(struct containers *cs, uint64_t cgroup_id)
{
	struct container_entry *e = entry__find(cs, cgroup_id);

	if (!e)
		return &container_host;
	if (e != cs->newest) {
		lru__unlink(cs, e);
		lru__push(cs, e);
	}
	return &e->info->c;
}
