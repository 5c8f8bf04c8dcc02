// SPDX-License-Identifier: GPL-2.0-only
/*
 * Container names from the state the runtimes keep on disk. Both files are
 * JSON, which libyaml reads as YAML; they are walked as an event stream so
 * that a large containers.json costs no more memory than a small one.
 *
 * libyaml holds an object key to YAML's 1024-character limit on implicit
 * keys, so a longer key (a docker label's, say) fails the whole file: the
 * container then has no name, and is still known by its id.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <yaml.h>

#include "vigil.h"

struct json_reader {
	FILE *f;
	yaml_parser_t parser;
	yaml_event_t ev;
	bool have_ev;
};

static int json_reader__open(struct json_reader *r, const char *path)
{
	memset(r, 0, sizeof(*r));
	r->f = fopen(path, "re");
	if (!r->f)
		return -errno;
	if (!yaml_parser_initialize(&r->parser)) {
		fclose(r->f);
		return -ENOMEM;
	}
	yaml_parser_set_input_file(&r->parser, r->f);
	return 0;
}

static void json_reader__close(struct json_reader *r)
{
	if (r->have_ev)
		yaml_event_delete(&r->ev);
	yaml_parser_delete(&r->parser);
	fclose(r->f);
}

static int json_reader__next(struct json_reader *r)
{
	if (r->have_ev) {
		yaml_event_delete(&r->ev);
		r->have_ev = false;
	}
	if (!yaml_parser_parse(&r->parser, &r->ev))
		return -EINVAL;
	r->have_ev = true;
	return 0;
}

static int json_reader__expect(struct json_reader *r, yaml_event_type_t type)
{
	int err = json_reader__next(r);

	if (err)
		return err;
	return r->ev.type == type ? 0 : -EINVAL;
}

/* Opens path and leaves the reader on the start of its top-level value, of type top. */
static int json_reader__open_document(struct json_reader *r, const char *path,
				      yaml_event_type_t top)
{
	int err = json_reader__open(r, path);

	if (err)
		return err;
	if (json_reader__expect(r, YAML_STREAM_START_EVENT) ||
	    json_reader__expect(r, YAML_DOCUMENT_START_EVENT) || json_reader__expect(r, top)) {
		json_reader__close(r);
		return -EINVAL;
	}
	return 0;
}

/* Skips the value starting at the current event, leaving the reader on its last event. */
static int json_reader__skip(struct json_reader *r)
{
	int depth = 0, err;

	for (;;) {
		switch (r->ev.type) {
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
			depth++;
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			depth--;
			break;
		case YAML_SCALAR_EVENT:
		case YAML_ALIAS_EVENT:
			break;
		default:
			return -EINVAL;
		}
		if (depth <= 0)
			return depth ? -EINVAL : 0;
		err = json_reader__next(r);
		if (err)
			return err;
	}
}

static bool json_reader__is_scalar(const struct json_reader *r, const char *s)
{
	size_t len = strlen(s);

	return r->ev.type == YAML_SCALAR_EVENT && r->ev.data.scalar.length == len &&
	       !memcmp(r->ev.data.scalar.value, s, len);
}

/* A JSON string, as opposed to null, a number or a boolean. */
static bool json_reader__is_string(const struct json_reader *r)
{
	return r->ev.type == YAML_SCALAR_EVENT &&
	       r->ev.data.scalar.style != YAML_PLAIN_SCALAR_STYLE;
}

/*
 * Copies a name the way docker and podman both allow one,
 * [a-zA-Z0-9][a-zA-Z0-9_.-]*: anything else did not come from the runtime,
 * and must not reach an alert.
 */
static bool name__copy(const char *s, size_t len, char *name, size_t size)
{
	size_t i;

	if (!len || len >= size)
		return false;
	for (i = 0; i < len; i++) {
		char c = s[i];

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
			continue;
		if (!i || (c != '_' && c != '.' && c != '-'))
			return false;
	}
	memcpy(name, s, len);
	name[len] = '\0';
	return true;
}

/* Copies the string at the current event into name, if it is a valid one. */
static bool json_reader__copy_name(const struct json_reader *r, bool strip_slash, char *name,
				   size_t size)
{
	const char *s = (const char *)r->ev.data.scalar.value;
	size_t len = r->ev.data.scalar.length;

	if (!json_reader__is_string(r))
		return false;
	if (strip_slash && len && s[0] == '/') {
		s++;
		len--;
	}
	return name__copy(s, len, name, size);
}

/* The value of "names" starts at the current event: takes names[0]. */
static int podman__names(struct json_reader *r, char *name, size_t size, bool *named)
{
	bool first = true;
	int err;

	if (r->ev.type != YAML_SEQUENCE_START_EVENT)
		return json_reader__skip(r);
	for (;;) {
		err = json_reader__next(r);
		if (err)
			return err;
		if (r->ev.type == YAML_SEQUENCE_END_EVENT)
			return 0;
		if (first)
			*named = json_reader__copy_name(r, false, name, size);
		first = false;
		err = json_reader__skip(r);
		if (err)
			return err;
	}
}

/*
 * One object of containers.json, {"id": ..., "names": [...], ...}, after its
 * start. Returns 1 when its id is full_id, with name filled from names[0] or
 * "" if that is not a valid name; 0 for another container.
 */
static int podman__object(struct json_reader *r, const char *full_id, char *name, size_t size)
{
	bool is_ours = false, named = false, key_id, key_names;
	int err;

	for (;;) {
		err = json_reader__next(r);
		if (err)
			return err;
		if (r->ev.type == YAML_MAPPING_END_EVENT)
			break;
		if (r->ev.type != YAML_SCALAR_EVENT)
			return -EINVAL;
		key_id = json_reader__is_scalar(r, "id");
		key_names = json_reader__is_scalar(r, "names");
		err = json_reader__next(r);
		if (err)
			return err;
		if (key_id)
			is_ours = json_reader__is_scalar(r, full_id);
		if (key_names) {
			named = false;
			err = podman__names(r, name, size, &named);
		} else {
			err = json_reader__skip(r);
		}
		if (err)
			return err;
	}
	if (!is_ours)
		return 0;
	if (!named)
		name[0] = '\0';
	return 1;
}

int container_meta__podman_name(const char *podman_root, const char *full_id, char *name,
				size_t size)
{
	struct json_reader r;
	char path[PATH_MAX];
	int err, n;

	if (!size)
		return -EINVAL;
	name[0] = '\0';
	n = snprintf(path, sizeof(path), "%s/overlay-containers/containers.json", podman_root);
	if (n < 0 || (size_t)n >= sizeof(path))
		return -ENAMETOOLONG;
	err = json_reader__open_document(&r, path, YAML_SEQUENCE_START_EVENT);
	if (err)
		return err;
	for (;;) {
		err = json_reader__next(&r);
		if (err)
			break;
		if (r.ev.type == YAML_SEQUENCE_END_EVENT) {
			err = -ENOENT;
			break;
		}
		if (r.ev.type != YAML_MAPPING_START_EVENT) {
			err = -EINVAL;
			break;
		}
		err = podman__object(&r, full_id, name, size);
		if (err)
			break;
	}
	json_reader__close(&r);
	if (err == 1)
		return name[0] ? 0 : -ENOENT;
	name[0] = '\0';
	return err;
}

int container_meta__docker_name(const char *docker_root, const char *full_id, char *name,
				size_t size)
{
	struct json_reader r;
	char path[PATH_MAX];
	bool key_name;
	int err, n;

	if (!size)
		return -EINVAL;
	name[0] = '\0';
	n = snprintf(path, sizeof(path), "%s/containers/%s/config.v2.json", docker_root, full_id);
	if (n < 0 || (size_t)n >= sizeof(path))
		return -ENAMETOOLONG;
	err = json_reader__open_document(&r, path, YAML_MAPPING_START_EVENT);
	if (err)
		return err;
	/*
	 * Only the top level's "Name" is the container's: nested objects have
	 * their own (a mount point's volume, a user's label).
	 */
	for (;;) {
		err = json_reader__next(&r);
		if (err)
			break;
		if (r.ev.type == YAML_MAPPING_END_EVENT) {
			err = -ENOENT;
			break;
		}
		if (r.ev.type != YAML_SCALAR_EVENT) {
			err = -EINVAL;
			break;
		}
		key_name = json_reader__is_scalar(&r, "Name");
		err = json_reader__next(&r);
		if (err)
			break;
		if (key_name) {
			/* Docker keeps a name as a path in its link graph: "/web". */
			err = json_reader__copy_name(&r, true, name, size) ? 0 : -ENOENT;
			break;
		}
		err = json_reader__skip(&r);
		if (err)
			break;
	}
	json_reader__close(&r);
	if (err)
		name[0] = '\0';
	return err;
}
