// SPDX-License-Identifier: GPL-2.0-only
/*
 * The OCI runtime spec (config.json) a runtime hands to runc: podman and
 * CRI-O keep it in the container's userdata, containerd in the task bundle.
 * Its annotations carry what CRI-O and containerd's CRI know of the pod; its
 * capabilities and device rules say whether the container is privileged.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "container_internal.h"

struct oci_walk {
	struct oci_spec *spec;
	/* the device rule being read: linux.resources.devices[i] */
	bool allow;
	bool narrowed; /* a type other than "a", a major or a minor */
};

/* A pod's own annotations (podman copies them onto each container) can be
 * many and large; only the runtimes' are read. */
static bool annotation__wanted(const char *key)
{
	return !strncmp(key, "io.kubernetes.", 14) || !strncmp(key, "io.podman.", 10) ||
	       !strcmp(key, "io.container.manager");
}

static int oci__value(void *ctx, enum json_event ev, const struct json_path *path,
		      const struct json_value *v)
{
	struct oci_walk *w = ctx;
	const struct json_comp *key;

	if (ev == JSON_END) {
		if (json_path__is(path, 4, "linux", "resources", "devices", NULL)) {
			/* The last rule that covers every device decides. */
			if (!w->narrowed)
				w->spec->all_devices = w->allow;
			w->allow = w->narrowed = false;
		}
		return 0;
	}
	if (json_path__is(path, 2, "annotations", NULL)) {
		key = &path->comp[1];
		if (!v->string || !annotation__wanted(key->key))
			return 0;
		return labels__add(&w->spec->annotations, &w->spec->nannotations,
				   OCI_ANNOTATIONS_MAX, OCI_ANNOTATION_VALUE_MAX, key->key,
				   key->len, v->s, v->len);
	}
	if (json_path__is(path, 4, "process", "capabilities", "bounding", NULL)) {
		if (json_value__is(v, "CAP_SYS_ADMIN"))
			w->spec->sys_admin = true;
		return 0;
	}
	if (json_path__is(path, 5, "linux", "resources", "devices", NULL, NULL)) {
		key = &path->comp[4];
		if (json_comp__is(key, "allow"))
			w->allow = json_value__is(v, "true");
		else if (json_comp__is(key, "type"))
			w->narrowed |= !json_value__is(v, "a") && !json_value__is(v, "null");
		else if ((json_comp__is(key, "major")) ||
			 (json_comp__is(key, "minor")))
			w->narrowed |= !json_value__is(v, "null") && !json_value__is(v, "-1");
	}
	return 0;
}

int oci_spec__read(struct oci_spec *spec, const char *path)
{
	struct oci_walk w = { .spec = spec };
	int err;

	memset(spec, 0, sizeof(*spec));
	err = json__walk_file(path, oci__value, &w);
	if (err)
		oci_spec__free(spec);
	return err;
}

void oci_spec__free(struct oci_spec *spec)
{
	labels__free(spec->annotations, spec->nannotations);
	memset(spec, 0, sizeof(*spec));
}

bool oci_spec__privileged(const struct oci_spec *spec)
{
	return spec->sys_admin && spec->all_devices;
}
