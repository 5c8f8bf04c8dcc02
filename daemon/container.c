// SPDX-License-Identifier: GPL-2.0-only
/*
 * Cgroup id to container. The BPF side tells each cgroup's path once, before
 * the first event that carries its id; every event then looks its id up here,
 * so a lookup is a hash probe and nothing more. Only container cgroups are
 * kept: everything else is the host.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vigil.h"

/* A power of two, so that the hash can shift instead of divide. */
#define CONTAINERS_BUCKETS 4096
#define CONTAINERS_BUCKET_BITS 12

_Static_assert(CONTAINERS_BUCKETS == 1 << CONTAINERS_BUCKET_BITS, "bucket count");

struct container_entry {
	uint64_t cgroup_id;
	struct container_entry *hnext;  /* next in the bucket */
	struct container_entry *newer;  /* toward the most recently used */
	struct container_entry *older;
	struct container c;
};

struct containers {
	char *podman_root;
	char *docker_root;
	struct container_entry *buckets[CONTAINERS_BUCKETS];
	struct container_entry *newest;
	struct container_entry *oldest;
	size_t count;
	uint64_t evictions;
};

const struct container container_host = {
	.runtime = RUNTIME_HOST,
	.id = "host",
	.full_id = "host",
	.name = "host",
};

/* cgroup ids are kernfs inode numbers, mostly sequential: mix before taking the top bits. */
static size_t bucket__index(uint64_t cgroup_id)
{
	return (cgroup_id * 0x9e3779b97f4a7c15ULL) >> (64 - CONTAINERS_BUCKET_BITS);
}

struct containers *containers__new(const struct container_config *config)
{
	struct containers *cs = calloc(1, sizeof(*cs));

	if (!cs)
		return NULL;
	if (config && config->podman_root) {
		cs->podman_root = strdup(config->podman_root);
		if (!cs->podman_root)
			goto err_free;
	}
	if (config && config->docker_root) {
		cs->docker_root = strdup(config->docker_root);
		if (!cs->docker_root)
			goto err_free;
	}
	return cs;

err_free:
	containers__free(cs);
	errno = ENOMEM;
	return NULL;
}

void containers__free(struct containers *cs)
{
	struct container_entry *e, *older;

	if (!cs)
		return;
	for (e = cs->newest; e; e = older) {
		older = e->older;
		free(e);
	}
	free(cs->podman_root);
	free(cs->docker_root);
	free(cs);
}

size_t containers__count(const struct containers *cs)
{
	return cs->count;
}

uint64_t containers__evictions(const struct containers *cs)
{
	return cs->evictions;
}

static struct container_entry *containers__find(struct containers *cs, uint64_t cgroup_id)
{
	struct container_entry *e;

	for (e = cs->buckets[bucket__index(cgroup_id)]; e; e = e->hnext) {
		if (e->cgroup_id == cgroup_id)
			return e;
	}
	return NULL;
}

static void containers__lru_unlink(struct containers *cs, struct container_entry *e)
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

static void containers__lru_push(struct containers *cs, struct container_entry *e)
{
	e->newer = NULL;
	e->older = cs->newest;
	if (cs->newest)
		cs->newest->newer = e;
	else
		cs->oldest = e;
	cs->newest = e;
}

/* Takes e out of the table; the caller frees or reuses it. */
static void containers__unlink(struct containers *cs, struct container_entry *e)
{
	struct container_entry **pp = &cs->buckets[bucket__index(e->cgroup_id)];

	while (*pp != e)
		pp = &(*pp)->hnext;
	*pp = e->hnext;
	containers__lru_unlink(cs, e);
	cs->count--;
}

static void containers__link(struct containers *cs, struct container_entry *e)
{
	size_t b = bucket__index(e->cgroup_id);

	e->hnext = cs->buckets[b];
	cs->buckets[b] = e;
	containers__lru_push(cs, e);
	cs->count++;
}

/* A free entry: a new one while there is room, else the least recently used. */
static struct container_entry *containers__entry(struct containers *cs)
{
	struct container_entry *e;

	if (cs->count < CONTAINERS_MAX)
		return malloc(sizeof(*e));
	/*
	 * The BPF side will not tell this cgroup again: its later events, if
	 * any, will count as the host's. Say so once; the counter says how often.
	 */
	if (!cs->evictions++)
		log_warnx("more than %d container cgroups: forgetting the least recently used",
			  CONTAINERS_MAX);
	e = cs->oldest;
	containers__unlink(cs, e);
	return e;
}

/* Another cgroup of the same container (a sub-cgroup, a restart) already named it. */
static const struct container_entry *containers__find_full_id(const struct containers *cs,
							      const char *full_id)
{
	const struct container_entry *e;

	for (e = cs->newest; e; e = e->older) {
		if (!strcmp(e->c.full_id, full_id))
			return e;
	}
	return NULL;
}

static void container__read_name(const struct containers *cs, struct container *c)
{
	int err = -ENOENT;

	if (c->runtime == RUNTIME_PODMAN && cs->podman_root)
		err = container_meta__podman_name(cs->podman_root, c->full_id, c->name,
						  sizeof(c->name));
	else if (c->runtime == RUNTIME_DOCKER && cs->docker_root)
		err = container_meta__docker_name(cs->docker_root, c->full_id, c->name,
						  sizeof(c->name));
	if (err && err != -ENOENT)
		log_debug("failed to read the name of %s container %s: %s",
			  container_runtime__name(c->runtime), c->id, strerror(-err));
	if (err)
		c->name[0] = '\0';
}

void containers__add_cgroup(struct containers *cs, uint64_t cgroup_id, const char *path)
{
	const struct container_entry *sibling;
	enum container_runtime runtime;
	char full_id[CONTAINER_ID_LEN + 1];
	struct container_entry *e;

	e = containers__find(cs, cgroup_id);
	if (cgroup_path__parse(path, &runtime, full_id)) {
		if (e) {
			containers__unlink(cs, e);
			free(e);
		}
		return;
	}
	if (e) {
		if (e->c.runtime == runtime && !strcmp(e->c.full_id, full_id)) {
			containers__lru_unlink(cs, e);
			containers__lru_push(cs, e);
			return;
		}
		containers__unlink(cs, e);
	} else {
		e = containers__entry(cs);
		if (!e) {
			log_warnx("failed to remember container %.12s of cgroup %llu: %s", full_id,
				  (unsigned long long)cgroup_id, strerror(ENOMEM));
			return;
		}
	}

	memset(e, 0, sizeof(*e));
	e->cgroup_id = cgroup_id;
	e->c.runtime = runtime;
	memcpy(e->c.full_id, full_id, sizeof(e->c.full_id));
	memcpy(e->c.id, full_id, CONTAINER_SHORT_ID_LEN);
	e->c.id[CONTAINER_SHORT_ID_LEN] = '\0';
	sibling = containers__find_full_id(cs, full_id);
	if (sibling && sibling->c.runtime == runtime)
		memcpy(e->c.name, sibling->c.name, sizeof(e->c.name));
	else
		container__read_name(cs, &e->c);
	containers__link(cs, e);
}

const struct container *containers__lookup(struct containers *cs, uint64_t cgroup_id)
{
	struct container_entry *e = containers__find(cs, cgroup_id);

	if (!e)
		return &container_host;
	if (e != cs->newest) {
		containers__lru_unlink(cs, e);
		containers__lru_push(cs, e);
	}
	return &e->c;
}
