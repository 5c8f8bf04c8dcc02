// SPDX-License-Identifier: GPL-2.0-only
/*
 * What only podman's own database knows: a container's labels, its pod, the
 * image name as the user gave it, and --privileged. Podman 4 keeps it in
 * <storage root>/libpod/bolt_state.db, a bbolt file:
 *
 *   ctr/<container id>/config   the container's config as JSON: "name", "pod",
 *                               "RawImageName", "rootfsImageName",
 *                               "rootfsImageID", "privileged", "labels",
 *                               "createdTime", "spec" (its OCI spec)
 *   pod/<pod id>/config         the pod's: "name", "labels"
 *
 * A pod played from Kubernetes YAML (`podman kube play`) keeps its name and
 * labels, but podman 4.3 records neither metadata.namespace nor metadata.uid
 * anywhere: a pod's namespace and uid are known only when its YAML annotates
 * them as kubelet does (io.kubernetes.pod.namespace, io.kubernetes.pod.uid),
 * since podman copies a pod's annotations onto each of its containers' spec.
 *
 * Podman 5 defaults to a SQLite database (db.sql) instead, which is not read:
 * its containers keep what containers.json and their spec say.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "container_internal.h"

/* Far more than a config holds; a bigger value is not one. */
#define LIBPOD_CONFIG_MAX (4u << 20)

struct libpod_ctr {
	struct container_meta *m;
	char pod[CONTAINER_ID_LEN + 1];
	char raw_image[1024];
	char rootfs_image[1024];
};

static int libpod__ctr_value(void *ctx, enum json_event ev, const struct json_path *path,
			     const struct json_value *v)
{
	struct libpod_ctr *c = ctx;
	struct container_meta *m = c->m;
	const struct json_comp *key;

	if (ev != JSON_SCALAR)
		return 0;
	if (json_path__is(path, 2, "labels", NULL)) {
		if (!v->string)
			return 0;
		key = &path->comp[1];
		return labels__set(&m->labels, &m->nlabels, key->key, key->len, v->s, v->len);
	}
	if (json_path__is(path, 3, "spec", "annotations", NULL)) {
		/* The pod's annotations as podman copied them: kubelet's keys only. */
		key = &path->comp[2];
		if (!v->string || !v->len)
			return 0;
		if (json_comp__is(key, "io.kubernetes.pod.namespace"))
			return m->pod_namespace ? 0 : meta__set(&m->pod_namespace, v->s, v->len);
		if (json_comp__is(key, "io.kubernetes.pod.uid"))
			return m->pod_uid ? 0 : meta__set(&m->pod_uid, v->s, v->len);
		return 0;
	}
	if (path->depth != 1)
		return 0;
	key = &path->comp[0];
	if (json_comp__is(key, "privileged")) {
		m->privileged = json_value__is(v, "true");
	} else if (!v->string) {
		return 0;
	} else if (json_comp__is(key, "name")) {
		return meta__set_name(m, v->s, v->len);
	} else if (json_comp__is(key, "pod")) {
		if (v->len < sizeof(c->pod)) {
			memcpy(c->pod, v->s, v->len);
			c->pod[v->len] = '\0';
		}
	} else if (json_comp__is(key, "RawImageName")) {
		if (v->len < sizeof(c->raw_image)) {
			memcpy(c->raw_image, v->s, v->len);
			c->raw_image[v->len] = '\0';
		}
	} else if (json_comp__is(key, "rootfsImageName")) {
		if (v->len < sizeof(c->rootfs_image)) {
			memcpy(c->rootfs_image, v->s, v->len);
			c->rootfs_image[v->len] = '\0';
		}
	} else if (json_comp__is(key, "rootfsImageID")) {
		return meta__set_image_id(m, v->s, v->len);
	} else if (json_comp__is(key, "createdTime")) {
		time__parse_rfc3339(v->s, v->len, &m->created_ns);
	}
	return 0;
}

static int libpod__pod_value(void *ctx, enum json_event ev, const struct json_path *path,
			     const struct json_value *v)
{
	struct container_meta *m = ctx;
	const struct json_comp *key;

	if (ev != JSON_SCALAR || !v->string)
		return 0;
	if (json_path__is(path, 2, "labels", NULL)) {
		key = &path->comp[1];
		return labels__set(&m->pod_labels, &m->npod_labels, key->key, key->len, v->s,
				   v->len);
	}
	if (json_path__is(path, 1, "name"))
		return meta__set(&m->pod_name, v->s, v->len);
	return 0;
}

static int libpod__config(struct bolt *db, const char *bucket, const char *id, json_fn fn,
			  void *ctx)
{
	const char *names[] = { bucket, id, "config" };
	size_t len;
	void *val;
	int err;

	err = bolt__get(db, names, 3, &val, &len);
	if (err)
		return err;
	err = len > LIBPOD_CONFIG_MAX ? -EINVAL : json__walk_buf(val, len, fn, ctx);
	free(val);
	return err;
}

int podman__read_libpod(const char *storage_root, const char *full_id, struct container_meta *m)
{
	struct libpod_ctr *c;
	char path[PATH_MAX];
	struct bolt *db;
	int err, n;

	n = snprintf(path, sizeof(path), "%s/libpod/bolt_state.db", storage_root);
	if (n < 0 || (size_t)n >= sizeof(path))
		return -ENAMETOOLONG;
	err = bolt__open(&db, path);
	if (err)
		return err;
	c = calloc(1, sizeof(*c));
	if (!c) {
		bolt__close(db);
		return -ENOMEM;
	}
	c->m = m;
	err = libpod__config(db, "ctr", full_id, libpod__ctr_value, c);
	if (err)
		goto out;
	if (c->raw_image[0])
		err = container_meta__set_image(m, c->raw_image);
	else if (c->rootfs_image[0])
		err = container_meta__set_image(m, c->rootfs_image);
	if (err == -ENOMEM)
		goto out;
	err = 0;
	/* A pod that is gone, or being written, leaves the container as it is. */
	if (c->pod[0] && libpod__config(db, "pod", c->pod, libpod__pod_value, m) == -ENOMEM)
		err = -ENOMEM;
out:
	free(c);
	bolt__close(db);
	return err;
}
