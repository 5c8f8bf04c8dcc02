// SPDX-License-Identifier: GPL-2.0-only
/*
 * CRI-O writes what it knows of a container into the annotations of its OCI
 * spec (userdata/config.json in containers-storage):
 *
 *   io.kubernetes.cri-o.Labels     JSON: kubelet's labels for the container,
 *                                  io.kubernetes.{container.name,pod.name,
 *                                  pod.namespace,pod.uid}; on the pod's
 *                                  sandbox, the pod's own labels as well
 *   io.kubernetes.cri-o.Metadata   JSON: {"name": <container name>, ...}
 *   io.kubernetes.cri-o.ImageName  the image as the pod spec names it
 *   io.kubernetes.cri-o.ImageRef   the image's id
 *   io.kubernetes.cri-o.Created    RFC 3339
 *   io.kubernetes.cri-o.SandboxID  the pod's sandbox (infra) container
 *
 * The pod's labels are read from the sandbox's spec, next to the container's.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "container_internal.h"

static const char *annotation(const struct oci_spec *spec, const char *key)
{
	return labels__get(spec->annotations, spec->nannotations, key);
}

bool crio__is_crio(const struct oci_spec *spec)
{
	return annotation(spec, "io.kubernetes.cri-o.Labels") ||
	       annotation(spec, "io.kubernetes.cri-o.Name");
}

static int crio__metadata_value(void *ctx, enum json_event ev, const struct json_path *path,
				const struct json_value *v)
{
	struct container_meta *m = ctx;

	if (ev == JSON_SCALAR && json_path__is(path, 1, "name") && v->string)
		return meta__set_name(m, v->s, v->len);
	return 0;
}

/* The pod's labels: the sandbox's, less kubelet's own. */
static int crio__pod_labels(const char *root, const char *driver, const char *sandbox_id,
			    struct container_meta *m)
{
	struct label *labels = NULL;
	size_t nlabels = 0;
	struct oci_spec spec;
	char path[PATH_MAX];
	const char *json;
	int err;

	/* An id is a path component here: it must be one. */
	if (strlen(sandbox_id) != CONTAINER_ID_LEN || strchr(sandbox_id, '/'))
		return 0;
	err = storage__spec_path(path, sizeof(path), root, driver, sandbox_id);
	if (err)
		return err;
	err = oci_spec__read(&spec, path);
	if (err)
		return err == -ENOMEM ? err : 0;
	json = annotation(&spec, "io.kubernetes.cri-o.Labels");
	if (json && labels__from_json(&labels, &nlabels, json, strlen(json)) == -ENOMEM)
		err = -ENOMEM;
	if (!err)
		err = meta__copy_pod_labels(m, labels, nlabels);
	labels__free(labels, nlabels);
	oci_spec__free(&spec);
	return err;
}

int crio__apply(const char *root, const char *driver, const struct oci_spec *spec,
		struct container_meta *m)
{
	const char *v, *kname;
	int err = 0;

	v = annotation(spec, "io.kubernetes.cri-o.Labels");
	if (v && labels__from_json(&m->labels, &m->nlabels, v, strlen(v)) == -ENOMEM)
		return -ENOMEM;
	/* containers.json names it k8s_<container>_<pod>_<namespace>_<uid>_<attempt>;
	 * Kubernetes users know it by the container's name in the pod spec. */
	kname = labels__get(m->labels, m->nlabels, "io.kubernetes.container.name");
	if (kname) {
		free(m->name);
		m->name = NULL;
		err = meta__set_name(m, kname, strlen(kname));
	} else {
		v = annotation(spec, "io.kubernetes.cri-o.Metadata");
		if (v && json__walk_buf(v, strlen(v), crio__metadata_value, m) == -ENOMEM)
			err = -ENOMEM;
	}
	if (!err)
		err = meta__apply_kubernetes_labels(m, m->labels, m->nlabels);
	if (!err)
		err = meta__apply_kubernetes_labels(m, spec->annotations, spec->nannotations);
	v = annotation(spec, "io.kubernetes.cri-o.ImageName");
	if (!err && v && *v && container_meta__set_image(m, v) == -ENOMEM)
		err = -ENOMEM;
	v = annotation(spec, "io.kubernetes.cri-o.ImageRef");
	if (!err && v && *v)
		err = meta__set_image_id(m, v, strlen(v));
	v = annotation(spec, "io.kubernetes.cri-o.Created");
	if (!err && v)
		time__parse_rfc3339(v, strlen(v), &m->created_ns);
	/* The sandbox itself carries the pod's labels. */
	v = annotation(spec, "io.kubernetes.cri-o.ContainerType");
	if (!err && v && !strcmp(v, "sandbox"))
		return meta__copy_pod_labels(m, m->labels, m->nlabels);
	v = annotation(spec, "io.kubernetes.cri-o.SandboxID");
	if (!err && v)
		err = crio__pod_labels(root, driver, v, m);
	return err;
}
