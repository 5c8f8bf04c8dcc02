// SPDX-License-Identifier: GPL-2.0-only
/*
 * containers-storage, the store podman and CRI-O share
 * (/var/lib/containers/storage, or a rootless user's
 * ~/.local/share/containers/storage):
 *
 *   <driver>-containers/containers.json      every container: id, names, image
 *                                            id, created, and "metadata", a JSON
 *                                            string with the image's name (CRI-O
 *                                            adds the pod's)
 *   <driver>-containers/<id>/userdata/config.json
 *                                            the OCI spec given to runc, written
 *                                            when the container is initialised
 *   libpod/bolt_state.db                     podman's own database: labels, pod,
 *                                            privileged (see container_podman.c)
 *
 * Which runtime made a container is told by its spec: CRI-O annotates it with
 * io.kubernetes.cri-o.Labels and .Name, podman does not.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "container_internal.h"

/* The graph drivers whose container directory we look in, most common first. */
static const char *const drivers[] = { "overlay", "vfs", "btrfs", "zfs" };

#define STORAGE_FIELD_MAX 512
#define STORAGE_METADATA_MAX 8192

/* One object of containers.json, as it is read. */
struct storage_entry {
	const char *full_id;
	bool ours;
	bool found;
	char name[CONTAINER_NAME_MAX];
	char image_id[STORAGE_FIELD_MAX];
	char created[STORAGE_FIELD_MAX];
	char metadata[STORAGE_METADATA_MAX];
};

static void field__copy(char *dst, size_t size, const struct json_value *v)
{
	/* Too long for what the field can be: not the runtime's, leave it out. */
	if (!v->string || v->len >= size) {
		dst[0] = '\0';
		return;
	}
	memcpy(dst, v->s, v->len);
	dst[v->len] = '\0';
}

static int storage__entry_value(void *ctx, enum json_event ev, const struct json_path *path,
				const struct json_value *v)
{
	struct storage_entry *e = ctx;

	if (ev == JSON_END) {
		if (path->depth != 1)
			return 0;
		if (e->ours) {
			e->found = true;
			return 1;
		}
		/* Another container's: forget what it said. */
		e->name[0] = e->image_id[0] = e->created[0] = e->metadata[0] = '\0';
		return 0;
	}
	if (json_path__is(path, 2, NULL, "id"))
		e->ours = v->string && json_value__is(v, e->full_id);
	else if (json_path__is(path, 3, NULL, "names", NULL) && path->comp[2].index == 0)
		field__copy(e->name, sizeof(e->name), v);
	else if (json_path__is(path, 2, NULL, "image"))
		field__copy(e->image_id, sizeof(e->image_id), v);
	else if (json_path__is(path, 2, NULL, "created"))
		field__copy(e->created, sizeof(e->created), v);
	else if (json_path__is(path, 2, NULL, "metadata"))
		field__copy(e->metadata, sizeof(e->metadata), v);
	return 0;
}

/*
 * The "metadata" string: libpod's and CRI-O's RuntimeContainerMetadata. Its
 * "pod-name" is CRI-O's name for the sandbox (k8s_<pod>_<namespace>_...),
 * not the pod's: the pod comes from the spec's annotations instead.
 */
static int storage__metadata_value(void *ctx, enum json_event ev, const struct json_path *path,
				   const struct json_value *v)
{
	struct container_meta *m = ctx;

	if (ev == JSON_SCALAR && json_path__is(path, 1, "image-name") && v->string && v->len)
		return container_meta__set_image(m, v->s) == -ENOMEM ? -ENOMEM : 0;
	return 0;
}

/* Fills m from the container's entry in containers.json; -ENOENT when it has none. */
static int storage__read_entry(const char *root, const char *driver, const char *full_id,
			       struct container_meta *m)
{
	struct storage_entry *e;
	char path[PATH_MAX];
	uint64_t ns;
	int err, n;

	n = snprintf(path, sizeof(path), "%s/%s-containers/containers.json", root, driver);
	if (n < 0 || (size_t)n >= sizeof(path))
		return -ENAMETOOLONG;
	e = calloc(1, sizeof(*e));
	if (!e)
		return -ENOMEM;
	e->full_id = full_id;
	err = json__walk_file(path, storage__entry_value, e);
	if (err < 0)
		goto out;
	err = -ENOENT;
	if (!e->found)
		goto out;
	err = meta__set_name(m, e->name, strlen(e->name));
	if (!err && e->image_id[0])
		err = meta__set_image_id(m, e->image_id, strlen(e->image_id));
	if (!err && e->created[0] && !time__parse_rfc3339(e->created, strlen(e->created), &ns))
		m->created_ns = ns;
	/* A metadata string that does not parse costs the image name, not the container. */
	if (!err && e->metadata[0] &&
	    json__walk_buf(e->metadata, strlen(e->metadata), storage__metadata_value, m) == -ENOMEM)
		err = -ENOMEM;
out:
	free(e);
	return err;
}

int storage__spec_path(char *path, size_t size, const char *root, const char *driver,
		       const char *full_id)
{
	int n = snprintf(path, size, "%s/%s-containers/%s/userdata/config.json", root, driver,
			 full_id);

	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

/* Reads the annotations podman puts on every spec. */
static void podman__apply_spec(const struct oci_spec *spec, struct container_meta *m)
{
	const char *v = labels__get(spec->annotations, spec->nannotations,
				    "io.podman.annotations.privileged");

	if (v && !strcmp(v, "TRUE"))
		m->privileged = true;
	v = labels__get(spec->annotations, spec->nannotations, "io.kubernetes.cri-o.Created");
	if (v && !m->created_ns)
		time__parse_rfc3339(v, strlen(v), &m->created_ns);
}

int container_storage__read(const char *root, const char *full_id, struct container_meta **out)
{
	struct container_meta *m;
	char path[PATH_MAX];
	struct oci_spec spec;
	const char *driver = NULL;
	int err, spec_err, db_err = -ENOENT;
	size_t i;

	*out = NULL;
	m = container_meta__new();
	if (!m)
		return -ENOMEM;
	err = -ENOENT;
	for (i = 0; i < sizeof(drivers) / sizeof(drivers[0]) && err == -ENOENT; i++) {
		err = storage__read_entry(root, drivers[i], full_id, m);
		driver = drivers[i];
	}
	if (err)
		goto err_free;

	err = storage__spec_path(path, sizeof(path), root, driver, full_id);
	if (err)
		goto err_free;
	spec_err = oci_spec__read(&spec, path);
	if (spec_err == -ENOMEM) {
		err = -ENOMEM;
		goto err_free;
	}
	if (!spec_err) {
		m->privileged = oci_spec__privileged(&spec);
		if (crio__is_crio(&spec)) {
			err = crio__apply(root, driver, &spec, m);
			oci_spec__free(&spec);
			if (err)
				goto err_free;
			*out = m;
			return 0;
		}
		podman__apply_spec(&spec, m);
		err = meta__apply_kubernetes_labels(m, spec.annotations, spec.nannotations);
		oci_spec__free(&spec);
		if (err)
			goto err_free;
	}
	db_err = podman__read_libpod(root, full_id, m);
	if (db_err == -ENOMEM) {
		err = -ENOMEM;
		goto err_free;
	}
	*out = m;
	/* A spec that is there but cannot be parsed loses privileged and the
	 * annotations: worth saying, not worth the name and image. */
	if (spec_err == -EINVAL)
		return CONTAINER_META_MALFORMED;
	/*
	 * Podman writes the spec only when it initialises the container, after
	 * creating it: without it, and without podman's database to say the
	 * rest, what we have is worth another look.
	 */
	return spec_err && db_err ? CONTAINER_META_PARTIAL : 0;

err_free:
	container_meta__free(m);
	return err;
}
