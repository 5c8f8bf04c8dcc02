// SPDX-License-Identifier: GPL-2.0-only
/*
 * dockerd keeps each container under <root>/containers/<id>/:
 *
 *   config.v2.json   "Name" ("/web": a path in its link graph), "Created",
 *                    "Image" (the image's id), "Config": {"Image" as the user
 *                    gave it, "Labels"}
 *   hostconfig.json  "Privileged"
 *
 * Both are written when the container is created and rewritten atomically
 * (a rename) as it changes, so a read never sees half a file.
 *
 * Under Kubernetes (cri-dockerd) the labels are kubelet's: the pod's name,
 * namespace and uid, the container's name in the pod spec, and the pod's
 * sandbox (io.kubernetes.sandbox.id), whose own labels are the pod's.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "container_internal.h"

struct docker_config {
	struct container_meta *m;
	struct label **labels; /* where Config.Labels go */
	size_t *nlabels;
	char image[1024];
};

static int docker__config_value(void *ctx, enum json_event ev, const struct json_path *path,
				const struct json_value *v)
{
	struct docker_config *c = ctx;
	struct container_meta *m = c->m;
	const struct json_comp *key;

	if (ev != JSON_SCALAR)
		return 0;
	/* Only the top level's "Name" is the container's: nested objects have
	 * their own (a mount point's volume, a user's label). */
	if (json_path__is(path, 3, "Config", "Labels", NULL)) {
		if (!v->string || !c->labels)
			return 0;
		key = &path->comp[2];
		return labels__set(c->labels, c->nlabels, key->key, key->len, v->s, v->len);
	}
	if (!m || !v->string)
		return 0;
	if (json_path__is(path, 2, "Config", "Image")) {
		if (v->len < sizeof(c->image)) {
			memcpy(c->image, v->s, v->len);
			c->image[v->len] = '\0';
		}
		return 0;
	}
	if (path->depth != 1)
		return 0;
	key = &path->comp[0];
	if (json_comp__is(key, "Name")) {
		/* "/web" */
		if (v->len > 1 && v->s[0] == '/')
			return meta__set_name(m, v->s + 1, v->len - 1);
	} else if (json_comp__is(key, "Image")) {
		return meta__set_image_id(m, v->s, v->len);
	} else if (json_comp__is(key, "Created")) {
		time__parse_rfc3339(v->s, v->len, &m->created_ns);
	}
	return 0;
}

static int docker__hostconfig_value(void *ctx, enum json_event ev, const struct json_path *path,
				    const struct json_value *v)
{
	struct container_meta *m = ctx;

	if (ev == JSON_SCALAR && json_path__is(path, 1, "Privileged"))
		m->privileged = json_value__is(v, "true");
	return 0;
}

static int docker__path(char *path, size_t size, const char *root, const char *full_id,
			const char *file)
{
	int n = snprintf(path, size, "%s/containers/%s/%s", root, full_id, file);

	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

/* cri-dockerd: the pod's labels are its sandbox container's, less kubelet's own. */
static int docker__pod_labels(const char *root, const char *sandbox_id, struct container_meta *m)
{
	struct label *labels = NULL;
	size_t nlabels = 0;
	struct docker_config c = { .labels = &labels, .nlabels = &nlabels };
	char path[PATH_MAX];
	int err;

	if (strlen(sandbox_id) != CONTAINER_ID_LEN || strchr(sandbox_id, '/'))
		return 0;
	err = docker__path(path, sizeof(path), root, sandbox_id, "config.v2.json");
	if (!err)
		err = json__walk_file(path, docker__config_value, &c);
	if (!err)
		err = meta__copy_pod_labels(m, labels, nlabels);
	labels__free(labels, nlabels);
	/* No sandbox to read: the container is still known. */
	return err == -ENOMEM ? err : 0;
}

int container_docker__read(const char *root, const char *full_id, struct container_meta **out)
{
	struct container_meta *m;
	struct docker_config c = { 0 };
	const char *kname, *sandbox, *type;
	char path[PATH_MAX];
	int err, host_err;

	*out = NULL;
	m = container_meta__new();
	if (!m)
		return -ENOMEM;
	c.m = m;
	c.labels = &m->labels;
	c.nlabels = &m->nlabels;
	err = docker__path(path, sizeof(path), root, full_id, "config.v2.json");
	if (!err)
		err = json__walk_file(path, docker__config_value, &c);
	if (err)
		goto err_free;
	if (c.image[0] && container_meta__set_image(m, c.image) == -ENOMEM) {
		err = -ENOMEM;
		goto err_free;
	}
	/* Docker names a Kubernetes container k8s_<container>_<pod>_...; users
	 * know it by its name in the pod spec. */
	kname = labels__get(m->labels, m->nlabels, "io.kubernetes.container.name");
	if (kname) {
		free(m->name);
		m->name = NULL;
		err = meta__set_name(m, kname, strlen(kname));
	}
	if (!err)
		err = meta__apply_kubernetes_labels(m, m->labels, m->nlabels);
	sandbox = labels__get(m->labels, m->nlabels, "io.kubernetes.sandbox.id");
	type = labels__get(m->labels, m->nlabels, "io.kubernetes.docker.type");
	if (!err && type && !strcmp(type, "podsandbox"))
		err = meta__copy_pod_labels(m, m->labels, m->nlabels);
	else if (!err && sandbox)
		err = docker__pod_labels(root, sandbox, m);
	if (err)
		goto err_free;

	host_err = docker__path(path, sizeof(path), root, full_id, "hostconfig.json");
	if (!host_err)
		host_err = json__walk_file(path, docker__hostconfig_value, m);
	if (host_err == -ENOMEM) {
		err = -ENOMEM;
		goto err_free;
	}
	*out = m;
	return host_err ? CONTAINER_META_PARTIAL : 0;

err_free:
	container_meta__free(m);
	return err;
}
