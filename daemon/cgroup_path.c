// SPDX-License-Identifier: GPL-2.0-only
/*
 * Container runtimes name a container's cgroup after its id, each in its own
 * way; this recognises those names in a cgroup path. It runs once per cgroup,
 * on untrusted input (a container can create sub-cgroups with any name it
 * likes), so it is strict: an id is exactly 64 lowercase hex digits.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "vigil.h"

/* A component "<prefix><64 hex><suffix>" names a container of runtime. */
struct cgroup_shape {
	const char *prefix;
	const char *suffix;
	enum container_runtime runtime;
};

static const struct cgroup_shape shapes[] = {
	/* docker with the systemd driver, cri-dockerd */
	{ "docker-", ".scope", RUNTIME_DOCKER },
	/* containerd with SystemdCgroup = true; nerdctl */
	{ "cri-containerd-", ".scope", RUNTIME_CONTAINERD },
	{ "nerdctl-", ".scope", RUNTIME_CONTAINERD },
	{ "crio-", ".scope", RUNTIME_CRIO },
	{ "crio-", "", RUNTIME_CRIO },
	{ "libpod-", ".scope", RUNTIME_PODMAN },
	{ "libpod-", "", RUNTIME_PODMAN },
	{ "libpod-payload-", "", RUNTIME_PODMAN },
};

/*
 * Given a systemd-style cgroupsPath ("slice:prefix:id") while runc uses the
 * cgroupfs driver, containerd's cgroup is a directory literally named
 * "kubepods-besteffort-pod<uid>.slice:cri-containerd:<id>".
 */
static const struct cgroup_shape colon_shapes[] = {
	{ ":cri-containerd:", "", RUNTIME_CONTAINERD },
};

/* The monitors next to each container: their cgroups are not the container's. */
static const char *const conmon_prefixes[] = {
	"crio-conmon-",
	"libpod-conmon-",
};

static bool is_hex64(const char *s, size_t len)
{
	size_t i;

	if (len != CONTAINER_ID_LEN)
		return false;
	for (i = 0; i < len; i++) {
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	}
	return true;
}

static bool has_prefix(const char *s, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return len >= n && !memcmp(s, prefix, n);
}

static bool is_name(const char *s, size_t len, const char *name)
{
	return len == strlen(name) && !memcmp(s, name, len);
}

/* The id in component s when it is "<prefix><64 hex><suffix>", else NULL. */
static const char *shape__match(const struct cgroup_shape *shape, const char *s, size_t len)
{
	size_t plen = strlen(shape->prefix), slen = strlen(shape->suffix);

	if (len != plen + CONTAINER_ID_LEN + slen)
		return NULL;
	if (memcmp(s, shape->prefix, plen) || memcmp(s + len - slen, shape->suffix, slen))
		return NULL;
	return is_hex64(s + plen, CONTAINER_ID_LEN) ? s + plen : NULL;
}

/* As shape__match, for a shape that may come after anything ("<any><prefix><id>"). */
static const char *colon_shape__match(const struct cgroup_shape *shape, const char *s, size_t len)
{
	size_t plen = strlen(shape->prefix);
	size_t want = plen + CONTAINER_ID_LEN;

	if (len < want || memcmp(s + len - want, shape->prefix, plen))
		return NULL;
	return is_hex64(s + len - CONTAINER_ID_LEN, CONTAINER_ID_LEN) ? s + len - CONTAINER_ID_LEN
								     : NULL;
}

/* Steps *p over the next non-empty component; false at the end of the path. */
static bool next_component(const char **p, const char **comp, size_t *len)
{
	const char *s = *p;

	while (*s == '/')
		s++;
	if (!*s)
		return false;
	*comp = s;
	while (*s && *s != '/')
		s++;
	*len = s - *comp;
	*p = s;
	return true;
}

/*
 * What a component says on its own: a runtime and id, a conmon (host), or
 * nothing (-ENOENT).
 */
static int component__classify(const char *s, size_t len, enum container_runtime *runtime,
			       const char **id)
{
	size_t i;

	for (i = 0; i < sizeof(conmon_prefixes) / sizeof(conmon_prefixes[0]); i++) {
		if (has_prefix(s, len, conmon_prefixes[i])) {
			*runtime = RUNTIME_HOST;
			*id = NULL;
			return 0;
		}
	}
	for (i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++) {
		*id = shape__match(&shapes[i], s, len);
		if (*id) {
			*runtime = shapes[i].runtime;
			return 0;
		}
	}
	for (i = 0; i < sizeof(colon_shapes) / sizeof(colon_shapes[0]); i++) {
		*id = colon_shape__match(&colon_shapes[i], s, len);
		if (*id) {
			*runtime = colon_shapes[i].runtime;
			return 0;
		}
	}
	return -ENOENT;
}

int cgroup_path__parse(const char *path, enum container_runtime *runtime,
		       char full_id[CONTAINER_ID_LEN + 1])
{
	const char *comp, *prev = NULL, *first = NULL, *id = NULL, *ns_id = NULL;
	size_t len, prev_len = 0, first_len = 0, ncomp = 0;
	enum container_runtime rt = RUNTIME_HOST, crt;
	bool matched = false, under_kubepods = false;
	const char *p = path, *cid;

	*runtime = RUNTIME_HOST;
	full_id[0] = '\0';
	if (!path)
		return -ENOENT;

	/*
	 * The last component that names a container (or a conmon) wins: below
	 * a container's cgroup there may be its own sub-cgroups, e.g. podman's
	 * "libpod-<id>.scope/container".
	 */
	while (next_component(&p, &comp, &len)) {
		if (!ncomp++) {
			first = comp;
			first_len = len;
		}
		if (!component__classify(comp, len, &crt, &cid)) {
			matched = true;
			rt = crt;
			id = cid;
		} else if (is_hex64(comp, len) && prev) {
			if (is_name(prev, prev_len, "docker")) {
				/* docker's cgroupfs driver: /docker/<id> */
				matched = true;
				rt = RUNTIME_DOCKER;
				id = comp;
			} else if (under_kubepods && has_prefix(prev, prev_len, "pod")) {
				/* kubelet's cgroupfs driver: /kubepods/[<qos>/]pod<uid>/<id> */
				matched = true;
				rt = RUNTIME_CONTAINERD;
				id = comp;
			} else if (ncomp == 2) {
				ns_id = comp;
			}
		}
		if (has_prefix(comp, len, "kubepods"))
			under_kubepods = true;
		prev = comp;
		prev_len = len;
	}

	/*
	 * containerd run without a cgroup parent puts a container in
	 * /<namespace>/<id>. A podman pod's own cgroup is /libpod_parent/<pod
	 * id>, which looks the same but holds no container process.
	 */
	if (!matched && ns_id && ncomp == 2 && !is_name(first, first_len, "libpod_parent")) {
		rt = RUNTIME_CONTAINERD;
		id = ns_id;
	}
	if (!id)
		return -ENOENT;
	memcpy(full_id, id, CONTAINER_ID_LEN);
	full_id[CONTAINER_ID_LEN] = '\0';
	*runtime = rt;
	return 0;
}

int cgroup_path__rootless_uid(const char *path, uint32_t *uid)
{
	const char *comp, *p = path;
	unsigned long long n;
	size_t len, i;

	if (!path)
		return -ENOENT;
	/* systemd's per-user manager: user.slice/user-N.slice/user@N.service */
	while (next_component(&p, &comp, &len)) {
		if (len < 14 || !has_prefix(comp, len, "user@") ||
		    memcmp(comp + len - 8, ".service", 8))
			continue;
		n = 0;
		for (i = 5; i < len - 8; i++) {
			if (comp[i] < '0' || comp[i] > '9' || n > UINT32_MAX / 10)
				return -ENOENT;
			n = n * 10 + (comp[i] - '0');
		}
		if (n >= UINT32_MAX)
			return -ENOENT;
		*uid = (uint32_t)n;
		return 0;
	}
	return -ENOENT;
}

const char *container_runtime__name(enum container_runtime runtime)
{
	switch (runtime) {
	case RUNTIME_HOST:
		return "host";
	case RUNTIME_DOCKER:
		return "docker";
	case RUNTIME_CONTAINERD:
		return "containerd";
	case RUNTIME_CRIO:
		return "cri-o";
	case RUNTIME_PODMAN:
		return "podman";
	}
	return "unknown";
}
