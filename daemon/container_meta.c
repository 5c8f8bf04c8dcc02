// SPDX-License-Identifier: GPL-2.0-only
/*
 * struct container_meta: building one from the runtimes' state (the readers
 * in container_storage.c, container_docker.c and container_containerd.c),
 * freeing it, and the parts every reader shares: image references, labels,
 * Kubernetes' own labels and timestamps.
 *
 * Everything here comes from files any container can influence (labels,
 * annotations, names), so every string is bounded and a label past the
 * bounds is left out rather than cut.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "container_internal.h"

struct container_meta *container_meta__new(void)
{
	return calloc(1, sizeof(struct container_meta));
}

void labels__free(struct label *labels, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(labels[i].key);
		free(labels[i].value);
	}
	free(labels);
}

void container_meta__free(struct container_meta *m)
{
	if (!m)
		return;
	free(m->name);
	free(m->image);
	free(m->image_repository);
	free(m->image_tag);
	free(m->image_digest);
	free(m->image_id);
	labels__free(m->labels, m->nlabels);
	free(m->pod_name);
	free(m->pod_namespace);
	free(m->pod_uid);
	labels__free(m->pod_labels, m->npod_labels);
	free(m);
}

int meta__set(char **field, const char *s, size_t len)
{
	char *copy = strndup(s, len);

	if (!copy)
		return -ENOMEM;
	free(*field);
	*field = copy;
	return 0;
}

/*
 * A name the way docker, podman and Kubernetes all allow one,
 * [a-zA-Z0-9][a-zA-Z0-9_.-]*: anything else did not come from the runtime,
 * and must not reach an alert.
 */
int meta__set_name(struct container_meta *m, const char *s, size_t len)
{
	size_t i;

	if (!len || len >= CONTAINER_NAME_MAX)
		return 0;
	for (i = 0; i < len; i++) {
		char c = s[i];

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
			continue;
		if (!i || (c != '_' && c != '.' && c != '-'))
			return 0;
	}
	return meta__set(&m->name, s, len);
}

/* "sha256:<hex>" and "<hex>" both name an image by its config's digest: keep the hex. */
int meta__set_image_id(struct container_meta *m, const char *s, size_t len)
{
	if (len > 7 && !memcmp(s, "sha256:", 7)) {
		s += 7;
		len -= 7;
	}
	if (!len)
		return 0;
	return meta__set(&m->image_id, s, len);
}

const char *labels__get(const struct label *labels, size_t n, const char *key)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (!strcmp(labels[i].key, key))
			return labels[i].value;
	}
	return NULL;
}

int labels__add(struct label **labels, size_t *n, size_t max, size_t value_max, const char *key,
		size_t klen, const char *value, size_t vlen)
{
	struct label *grown;
	char *k, *v;
	size_t i;

	if (!klen || klen > CONTAINER_LABEL_KEY_MAX || vlen > value_max || memchr(key, '\0', klen))
		return 0;
	for (i = 0; i < *n; i++) {
		if (strlen((*labels)[i].key) == klen && !memcmp((*labels)[i].key, key, klen))
			return meta__set(&(*labels)[i].value, value, vlen);
	}
	if (*n >= max)
		return 0;
	k = strndup(key, klen);
	v = strndup(value, vlen);
	grown = k && v ? realloc(*labels, (*n + 1) * sizeof(**labels)) : NULL;
	if (!grown) {
		free(k);
		free(v);
		return -ENOMEM;
	}
	grown[*n].key = k;
	grown[*n].value = v;
	*labels = grown;
	(*n)++;
	return 0;
}

int labels__set(struct label **labels, size_t *n, const char *key, size_t klen,
		const char *value, size_t vlen)
{
	return labels__add(labels, n, CONTAINER_LABELS_MAX, CONTAINER_LABEL_VALUE_MAX, key, klen,
			   value, vlen);
}

const char *container_meta__label(const struct container_meta *m, const char *key)
{
	return m ? labels__get(m->labels, m->nlabels, key) : NULL;
}

const char *container_meta__pod_label(const struct container_meta *m, const char *key)
{
	return m ? labels__get(m->pod_labels, m->npod_labels, key) : NULL;
}

struct labels_json {
	struct label **labels;
	size_t *n;
};

static int labels_json__value(void *ctx, enum json_event ev, const struct json_path *path,
			      const struct json_value *v)
{
	struct labels_json *lj = ctx;

	if (ev != JSON_SCALAR || !json_path__is(path, 1, NULL) || !v->string)
		return 0;
	return labels__set(lj->labels, lj->n, path->comp[0].key, path->comp[0].len, v->s, v->len);
}

int labels__from_json(struct label **labels, size_t *n, const char *json, size_t len)
{
	struct labels_json lj = { labels, n };

	return json__walk_buf(json, len, labels_json__value, &lj);
}

/* The digest part of a reference: "<algorithm>:<hex>" as the OCI spec defines it. */
static bool digest__valid(const char *s, size_t len)
{
	const char *colon = memchr(s, ':', len);
	size_t i;

	if (!colon || colon == s || colon == s + len - 1)
		return false;
	for (i = colon - s + 1; i < len; i++) {
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	}
	return true;
}

/*
 * [registry[:port]/]path[:tag][@digest]. The tag's colon is the last one
 * after the last slash, so a registry's port ("registry:5000/a/b") is not
 * taken for one. A reference with neither tag nor digest means ":latest" to
 * every runtime, and is reported so, because that is what was pulled.
 */
int container_meta__set_image(struct container_meta *m, const char *ref)
{
	size_t len = strlen(ref), repo_len;
	const char *at, *slash, *colon, *tag = NULL, *digest = NULL;
	size_t tag_len = 0, digest_len = 0;
	int err;

	if (!len)
		return -EINVAL;
	/* Run by image id ("sha256:<hex>"): no repository to speak of. */
	if (!strncmp(ref, "sha256:", 7) && digest__valid(ref, len)) {
		free(m->image_repository);
		free(m->image_tag);
		free(m->image_digest);
		m->image_repository = m->image_tag = m->image_digest = NULL;
		return meta__set(&m->image, ref, len);
	}
	at = memchr(ref, '@', len);
	repo_len = at ? (size_t)(at - ref) : len;
	if (at && digest__valid(at + 1, len - repo_len - 1)) {
		digest = at + 1;
		digest_len = len - repo_len - 1;
	} else if (at) {
		return -EINVAL;
	}
	slash = memrchr(ref, '/', repo_len);
	colon = memrchr(ref, ':', repo_len);
	if (colon && (!slash || colon > slash)) {
		tag = colon + 1;
		tag_len = repo_len - (colon - ref) - 1;
		repo_len = colon - ref;
	}
	if (!repo_len || (tag && !tag_len))
		return -EINVAL;
	if (!tag && !digest) {
		tag = "latest";
		tag_len = strlen(tag);
	}
	err = meta__set(&m->image, ref, len);
	if (!err)
		err = meta__set(&m->image_repository, ref, repo_len);
	if (!err && tag)
		err = meta__set(&m->image_tag, tag, tag_len);
	if (!err && digest)
		err = meta__set(&m->image_digest, digest, digest_len);
	if (!err && !tag) {
		free(m->image_tag);
		m->image_tag = NULL;
	}
	if (!err && !digest) {
		free(m->image_digest);
		m->image_digest = NULL;
	}
	return err;
}

bool label__is_kubernetes(const char *key)
{
	static const char *const prefixes[] = {
		"io.kubernetes.",      /* kubelet's own: pod name, namespace, uid... */
		"io.cri-containerd.",  /* containerd's CRI: io.cri-containerd.kind */
		"io.containerd.",      /* containerd's own: io.containerd.image.config.* */
		"annotation.",         /* cri-dockerd keeps pod annotations as labels */
	};
	size_t i;

	for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		if (!strncmp(key, prefixes[i], strlen(prefixes[i])))
			return true;
	}
	return false;
}

static int meta__fill(char **field, const char *value)
{
	if (*field || !value || !*value)
		return 0;
	return meta__set(field, value, strlen(value));
}

int meta__copy_pod_labels(struct container_meta *m, const struct label *labels, size_t n)
{
	size_t i;
	int err;

	for (i = 0; i < n; i++) {
		if (label__is_kubernetes(labels[i].key))
			continue;
		err = labels__set(&m->pod_labels, &m->npod_labels, labels[i].key,
				  strlen(labels[i].key), labels[i].value, strlen(labels[i].value));
		if (err)
			return err;
	}
	return 0;
}

int meta__apply_kubernetes_labels(struct container_meta *m, const struct label *labels, size_t n)
{
	int err;

	err = meta__fill(&m->pod_name, labels__get(labels, n, "io.kubernetes.pod.name"));
	if (!err)
		err = meta__fill(&m->pod_namespace,
				 labels__get(labels, n, "io.kubernetes.pod.namespace"));
	if (!err)
		err = meta__fill(&m->pod_uid, labels__get(labels, n, "io.kubernetes.pod.uid"));
	return err;
}

static bool digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
	}
	return true;
}

static int num(const char *s, size_t n)
{
	int v = 0;
	size_t i;

	for (i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

int time__parse_rfc3339(const char *s, size_t len, uint64_t *ns)
{
	struct tm tm = { 0 };
	uint64_t frac = 0, scale = 1000000000;
	size_t i = 19;
	int64_t offset = 0;
	time_t t;

	/* 2024-03-05T09:12:44 */
	if (len < 20 || !digits(s, 4) || s[4] != '-' || !digits(s + 5, 2) || s[7] != '-' ||
	    !digits(s + 8, 2) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
	    !digits(s + 11, 2) || s[13] != ':' || !digits(s + 14, 2) || s[16] != ':' ||
	    !digits(s + 17, 2))
		return -EINVAL;
	tm.tm_year = num(s, 4) - 1900;
	tm.tm_mon = num(s + 5, 2) - 1;
	tm.tm_mday = num(s + 8, 2);
	tm.tm_hour = num(s + 11, 2);
	tm.tm_min = num(s + 14, 2);
	tm.tm_sec = num(s + 17, 2);
	if (tm.tm_mon > 11 || !tm.tm_mday || tm.tm_mday > 31 || tm.tm_hour > 23 ||
	    tm.tm_min > 59 || tm.tm_sec > 60)
		return -EINVAL;
	if (s[i] == '.') {
		for (i++; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
			if (scale > 1) {
				scale /= 10;
				frac += (uint64_t)(s[i] - '0') * scale;
			}
		}
	}
	if (i == len)
		return -EINVAL;
	if ((s[i] == 'Z' || s[i] == 'z') && i + 1 == len) {
		offset = 0;
	} else if ((s[i] == '+' || s[i] == '-') && i + 6 == len && digits(s + i + 1, 2) &&
		   s[i + 3] == ':' && digits(s + i + 4, 2)) {
		offset = (num(s + i + 1, 2) * 60 + num(s + i + 4, 2)) * 60;
		if (s[i] == '-')
			offset = -offset;
	} else {
		return -EINVAL;
	}
	t = timegm(&tm);
	if (t == (time_t)-1 || t - offset < 0)
		return -EINVAL;
	*ns = (uint64_t)(t - offset) * 1000000000 + frac;
	return 0;
}
