// SPDX-License-Identifier: GPL-2.0-only
/*
 * container.* and k8s.*: the container an event's cgroup belongs to, and
 * what its runtime's state on disk says of it (struct container_meta, read
 * away from the event path). Until that is read, and on the host, the
 * image, labels and pod fields are missing.
 */
#include <string.h>

#include "rules_internal.h"

/* An empty string is one the runtime did not tell. */
static bool str_or_missing(struct field_value *v, const char *s)
{
	if (!s || !*s)
		return false;
	v->str = s;
	return true;
}

static const struct container_meta *meta(const struct evt *evt)
{
	return evt->container ? evt->container->meta : NULL;
}

static bool get_container_id(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	(void)sb;
	return evt->container && str_or_missing(v, evt->container->id);
}

static bool get_container_full_id(const struct evt *evt, struct field_value *v,
				  struct strbuf *sb)
{
	(void)sb;
	return evt->container && str_or_missing(v, evt->container->full_id);
}

static bool get_container_name(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	(void)sb;
	return evt->container && str_or_missing(v, evt->container->name);
}

static bool get_container_type(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	(void)sb;
	if (!evt->container)
		return false;
	return str_or_missing(v, container_runtime__name(evt->container->runtime));
}

static bool get_image(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	(void)sb;
	return meta(evt) && str_or_missing(v, meta(evt)->image);
}

static bool get_image_repository(const struct evt *evt, struct field_value *v,
				 struct strbuf *sb)
{
	(void)sb;
	return meta(evt) && str_or_missing(v, meta(evt)->image_repository);
}

static bool get_image_tag(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	(void)sb;
	return meta(evt) && str_or_missing(v, meta(evt)->image_tag);
}

static bool get_image_digest(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	(void)sb;
	return meta(evt) && str_or_missing(v, meta(evt)->image_digest);
}

static bool get_image_id(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	(void)sb;
	return meta(evt) && str_or_missing(v, meta(evt)->image_id);
}

static bool get_privileged(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	(void)sb;
	if (!meta(evt))
		return false;
	v->num = meta(evt)->privileged;
	return true;
}

static bool get_start_ts(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	(void)sb;
	if (!meta(evt) || !meta(evt)->created_ns)
		return false;
	v->num = (int64_t)meta(evt)->created_ns;
	return true;
}

/* "app:web, tier:front", as Falco renders labels. */
static bool labels_render(const struct label *labels, size_t n, struct field_value *v,
			  struct strbuf *sb)
{
	size_t start = sb->len, i;

	if (!labels)
		return false;
	for (i = 0; i < n; i++) {
		if (!labels[i].key)
			continue;
		strbuf__printf(sb, "%s%s:%s", sb->len > start ? ", " : "", labels[i].key,
			       labels[i].value ? labels[i].value : "");
	}
	strbuf__append(sb, "", 1);
	v->str = sb->buf + start;
	return true;
}

static bool label_find(const struct label *labels, size_t n, const char *key,
		       struct field_value *v)
{
	size_t i;

	for (i = 0; labels && i < n; i++) {
		if (labels[i].key && !strcmp(labels[i].key, key)) {
			v->str = labels[i].value ? labels[i].value : "";
			return true;
		}
	}
	return false;
}

static bool get_labels(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	return meta(evt) && labels_render(meta(evt)->labels, meta(evt)->nlabels, v, sb);
}

static bool get_label(const struct evt *evt, const struct field_arg *arg, struct field_value *v,
		      struct strbuf *sb)
{
	(void)sb;
	return meta(evt) && arg->set &&
	       label_find(meta(evt)->labels, meta(evt)->nlabels, arg->key, v);
}

static bool get_pod_name(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	(void)sb;
	return meta(evt) && str_or_missing(v, meta(evt)->pod_name);
}

static bool get_pod_namespace(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	(void)sb;
	return meta(evt) && str_or_missing(v, meta(evt)->pod_namespace);
}

static bool get_pod_uid(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	(void)sb;
	return meta(evt) && str_or_missing(v, meta(evt)->pod_uid);
}

static bool get_pod_labels(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	return meta(evt) && labels_render(meta(evt)->pod_labels, meta(evt)->npod_labels, v, sb);
}

static bool get_pod_label(const struct evt *evt, const struct field_arg *arg,
			  struct field_value *v, struct strbuf *sb)
{
	(void)sb;
	return meta(evt) && arg->set &&
	       label_find(meta(evt)->pod_labels, meta(evt)->npod_labels, arg->key, v);
}

/* Each sorted by name: field__lookup searches them. */
static const struct field container_fields[] = {
	{ "container.full_id", FIELD_STRING, "the container's 64-character id; \"host\" outside",
	  0, get_container_full_id, NULL },
	{ "container.id", FIELD_STRING, "the container's 12-character id; \"host\" outside", 0,
	  get_container_id, NULL },
	{ "container.image", FIELD_STRING, "the image as given: docker.io/library/nginx:1.25", 0,
	  get_image, NULL },
	{ "container.image.digest", FIELD_STRING, "the image's digest: sha256:...", 0,
	  get_image_digest, NULL },
	{ "container.image.id", FIELD_STRING, "the image's id", 0, get_image_id, NULL },
	{ "container.image.repository", FIELD_STRING, "the image's repository: "
						      "docker.io/library/nginx",
	  0, get_image_repository, NULL },
	{ "container.image.tag", FIELD_STRING, "the image's tag: 1.25", 0, get_image_tag, NULL },
	{ "container.label", FIELD_STRING, "the value of one label of the container",
	  FIELD_ARG_KEY, NULL, get_label },
	{ "container.labels", FIELD_STRING, "the container's labels: key:value, key:value", 0,
	  get_labels, NULL },
	{ "container.name", FIELD_STRING, "the container's name; \"host\" outside", 0,
	  get_container_name, NULL },
	{ "container.privileged", FIELD_BOOL, "whether the container runs privileged", 0,
	  get_privileged, NULL },
	{ "container.start_ts", FIELD_NUMBER, "when the container was created, ns since the epoch",
	  0, get_start_ts, NULL },
	{ "container.type", FIELD_STRING, "the container runtime (podman, docker...); host outside",
	  0, get_container_type, NULL },
};

static const struct field k8s_fields[] = {
	{ "k8s.ns.name", FIELD_STRING, "the pod's namespace", 0, get_pod_namespace, NULL },
	{ "k8s.pod.label", FIELD_STRING, "the value of one label of the pod", FIELD_ARG_KEY, NULL,
	  get_pod_label },
	{ "k8s.pod.labels", FIELD_STRING, "the pod's labels: key:value, key:value", 0,
	  get_pod_labels, NULL },
	{ "k8s.pod.name", FIELD_STRING, "the pod's name", 0, get_pod_name, NULL },
	{ "k8s.pod.uid", FIELD_STRING, "the pod's uid", 0, get_pod_uid, NULL },
};

#define CLASS(n, f) { .name = n, .fields = f, .nfields = sizeof(f) / sizeof(f[0]) }

const struct field_class field_class_container = CLASS("container", container_fields);
const struct field_class field_class_k8s = CLASS("k8s", k8s_fields);
