// SPDX-License-Identifier: GPL-2.0-only
/*
 * containerd (and docker ≥ 20.10 underneath, and nerdctl) runs each task from
 * an OCI bundle, <task root>/<namespace>/<id>/config.json, under
 * /run/containerd/io.containerd.runtime.v2.task. The CRI plugin annotates
 * the spec with what it knows of the pod:
 *
 *   io.kubernetes.cri.container-type       "container" or "sandbox"
 *   io.kubernetes.cri.container-name       the container's name in the pod spec
 *   io.kubernetes.cri.image-name           the image as the pod spec names it
 *   io.kubernetes.cri.sandbox-name         the pod's name
 *   io.kubernetes.cri.sandbox-namespace    its namespace
 *   io.kubernetes.cri.sandbox-uid          its uid (containerd ≥ 1.7)
 *   io.kubernetes.cri.sandbox-id           the pod's sandbox container
 *
 * Labels live only in containerd's metadata database (meta.db, bbolt),
 * v1/<namespace>/containers/<id>/{labels/<key>, image, createdat}: read when
 * configured, for the container's labels, the image of a non-CRI container
 * (ctr, nerdctl), when it was created, and the pod's labels (its sandbox's).
 * Without it a container's created time is when its bundle was written,
 * that is when its task started.
 */
#include <dirent.h>
#include <endian.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "container_internal.h"

#define CONTAINERD_NAMESPACE_MAX 256

/* Seconds from 0001-01-01 to 1970-01-01: Go's time.MarshalBinary counts from the former. */
#define GO_UNIX_TO_INTERNAL 62135596800LL

static const char *annotation(const struct oci_spec *spec, const char *key)
{
	return labels__get(spec->annotations, spec->nannotations, key);
}

static bool namespace__valid(const char *ns)
{
	size_t len = strlen(ns);

	return len && len < CONTAINERD_NAMESPACE_MAX && ns[0] != '.' && !strchr(ns, '/');
}

/* Finds the namespace whose bundle holds the container; -ENOENT when none does. */
static int containerd__find(const char *root, const char *full_id, char *ns, size_t ns_size,
			    char *spec_path, size_t size)
{
	struct dirent *de;
	struct stat st;
	int err = -ENOENT, n;
	DIR *d;

	d = opendir(root);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		if (!namespace__valid(de->d_name))
			continue;
		n = snprintf(spec_path, size, "%s/%s/%s/config.json", root, de->d_name, full_id);
		if (n < 0 || (size_t)n >= size)
			continue;
		if (stat(spec_path, &st) == 0) {
			snprintf(ns, ns_size, "%s", de->d_name);
			err = 0;
			break;
		}
	}
	closedir(d);
	return err;
}

static int go_time__decode(const uint8_t *b, size_t len, uint64_t *ns)
{
	uint64_t sec;
	uint32_t nsec;

	if ((len != 15 && len != 16) || (b[0] != 1 && b[0] != 2))
		return -EINVAL;
	memcpy(&sec, b + 1, sizeof(sec));
	memcpy(&nsec, b + 9, sizeof(nsec));
	sec = be64toh(sec);
	nsec = be32toh(nsec);
	if ((int64_t)sec < GO_UNIX_TO_INTERNAL || nsec >= 1000000000)
		return -EINVAL;
	*ns = ((int64_t)sec - GO_UNIX_TO_INTERNAL) * 1000000000ULL + nsec;
	return 0;
}

struct labels_into {
	struct label **labels;
	size_t *n;
	bool pod; /* only the pod's own: leave kubelet's and the runtime's out */
};

static int containerd__label(void *ctx, const void *key, size_t klen, const void *val, size_t vlen)
{
	struct labels_into *li = ctx;
	char k[CONTAINER_LABEL_KEY_MAX + 1];

	if (klen > CONTAINER_LABEL_KEY_MAX)
		return 0;
	memcpy(k, key, klen);
	k[klen] = '\0';
	if (li->pod && label__is_kubernetes(k))
		return 0;
	return labels__set(li->labels, li->n, key, klen, val, vlen);
}

/* What meta.db adds; a database that is absent or being rewritten adds nothing. */
static int containerd__read_db(const char *db_path, const char *ns, const char *full_id,
			       const char *sandbox_id, struct container_meta *m)
{
	const char *labels[] = { "v1", ns, "containers", full_id, "labels" };
	const char *image[] = { "v1", ns, "containers", full_id, "image" };
	const char *created[] = { "v1", ns, "containers", full_id, "createdat" };
	struct labels_into li = { &m->labels, &m->nlabels, false };
	struct bolt *db;
	size_t len;
	void *val;
	int err;

	if (!db_path || bolt__open(&db, db_path))
		return 0;
	err = bolt__foreach(db, labels, 5, containerd__label, &li);
	if (err == -ENOMEM)
		goto out;
	if (!m->image && !bolt__get(db, image, 5, &val, &len)) {
		err = len ? container_meta__set_image(m, val) : 0;
		free(val);
		if (err == -ENOMEM)
			goto out;
	}
	if (m->image && !m->image_digest) {
		/* The image's target in the image store: the digest it was pulled by. */
		const char *digest[] = { "v1", ns, "images", m->image, "target", "digest" };

		if (!bolt__get(db, digest, 6, &val, &len)) {
			err = len ? meta__set(&m->image_digest, val, len) : 0;
			free(val);
			if (err)
				goto out;
		}
	}
	if (!bolt__get(db, created, 5, &val, &len)) {
		go_time__decode(val, len, &m->created_ns);
		free(val);
	}
	if (sandbox_id && strlen(sandbox_id) == CONTAINER_ID_LEN) {
		const char *pod_labels[] = { "v1", ns, "containers", sandbox_id, "labels" };
		struct labels_into pli = { &m->pod_labels, &m->npod_labels, true };

		err = bolt__foreach(db, pod_labels, 5, containerd__label, &pli);
	}
out:
	bolt__close(db);
	return err == -ENOMEM ? err : 0;
}

int container_containerd__read(const char *root, const char *db_path, const char *full_id,
			       struct container_meta **out)
{
	char spec_path[PATH_MAX], ns[CONTAINERD_NAMESPACE_MAX];
	const char *v, *sandbox_id;
	struct container_meta *m;
	struct oci_spec spec;
	struct stat st;
	int err;

	*out = NULL;
	err = containerd__find(root, full_id, ns, sizeof(ns), spec_path, sizeof(spec_path));
	if (err)
		return err;
	m = container_meta__new();
	if (!m)
		return -ENOMEM;
	err = oci_spec__read(&spec, spec_path);
	if (err)
		goto err_free;
	m->privileged = oci_spec__privileged(&spec);
	v = annotation(&spec, "io.kubernetes.cri.container-name");
	if (v)
		err = meta__set_name(m, v, strlen(v));
	v = annotation(&spec, "io.kubernetes.cri.image-name");
	if (!err && v && *v && container_meta__set_image(m, v) == -ENOMEM)
		err = -ENOMEM;
	v = annotation(&spec, "io.kubernetes.cri.sandbox-name");
	if (!err && v && *v)
		err = meta__set(&m->pod_name, v, strlen(v));
	v = annotation(&spec, "io.kubernetes.cri.sandbox-namespace");
	if (!err && v && *v)
		err = meta__set(&m->pod_namespace, v, strlen(v));
	v = annotation(&spec, "io.kubernetes.cri.sandbox-uid");
	if (!err && v && *v)
		err = meta__set(&m->pod_uid, v, strlen(v));
	sandbox_id = annotation(&spec, "io.kubernetes.cri.sandbox-id");
	if (!err)
		err = containerd__read_db(db_path, ns, full_id, sandbox_id, m);
	/* nerdctl names its containers in a label of its own. */
	v = labels__get(m->labels, m->nlabels, "nerdctl/name");
	if (!err && !m->name && v)
		err = meta__set_name(m, v, strlen(v));
	if (!err)
		err = meta__apply_kubernetes_labels(m, m->labels, m->nlabels);
	if (!err && !m->created_ns && stat(spec_path, &st) == 0)
		m->created_ns = (uint64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
	oci_spec__free(&spec);
	if (err)
		goto err_free;
	*out = m;
	return 0;

err_free:
	container_meta__free(m);
	return err;
}
