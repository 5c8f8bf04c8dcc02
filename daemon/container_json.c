// SPDX-License-Identifier: GPL-2.0-only
/*
 * The runtimes' state files are JSON, which libyaml reads as YAML: walked as
 * an event stream with the path to each value, so that a reader says which
 * paths it wants instead of hand-writing a descent for each file.
 *
 * libyaml holds an object key to YAML's 1024-character limit on implicit
 * keys, so a longer key (a docker label's, say) fails the whole document: it
 * is reported as malformed, and the container keeps what other files said.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "container_internal.h"

/* Room for the keys of every level at once; libyaml allows 1024 bytes each. */
#define JSON_KEYS_BYTES 16384

struct json_level {
	bool mapping;
	bool want_key;
	long index;
};

struct json_walk {
	struct json_path path;
	struct json_level level[JSON_DEPTH_MAX];
	/* comp[i]'s key is stored at keys + base[i]; deeper ones follow it */
	size_t base[JSON_DEPTH_MAX + 1];
	char keys[JSON_KEYS_BYTES];
	json_fn fn;
	void *ctx;
};

static int walk__key(struct json_walk *w, const char *s, size_t len)
{
	size_t d = w->path.depth - 1, at = w->base[d];

	if (len + 1 > sizeof(w->keys) - at)
		return -EINVAL;
	memcpy(w->keys + at, s, len);
	w->keys[at + len] = '\0';
	w->path.comp[d].key = w->keys + at;
	w->path.comp[d].len = len;
	w->base[d + 1] = at + len + 1;
	return 0;
}

/* A value (scalar or container) arrives at the innermost level: name its place. */
static void walk__place_value(struct json_walk *w)
{
	size_t d;

	if (!w->path.depth)
		return;
	d = w->path.depth - 1;
	if (w->level[d].mapping) {
		w->level[d].want_key = true;
		return;
	}
	w->path.comp[d].key = NULL;
	w->path.comp[d].len = 0;
	w->path.comp[d].index = ++w->level[d].index;
	w->base[d + 1] = w->base[d];
}

static int walk__event(struct json_walk *w, const yaml_event_t *ev)
{
	struct json_level *top = w->path.depth ? &w->level[w->path.depth - 1] : NULL;
	struct json_value v;
	size_t d;

	switch (ev->type) {
	case YAML_STREAM_START_EVENT:
	case YAML_DOCUMENT_START_EVENT:
	case YAML_DOCUMENT_END_EVENT:
		return 0;
	case YAML_SCALAR_EVENT:
		if (top && top->mapping && top->want_key) {
			top->want_key = false;
			return walk__key(w, (const char *)ev->data.scalar.value,
					 ev->data.scalar.length);
		}
		walk__place_value(w);
		v.s = (const char *)ev->data.scalar.value;
		v.len = ev->data.scalar.length;
		v.string = ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE;
		return w->fn(w->ctx, JSON_SCALAR, &w->path, &v);
	case YAML_MAPPING_START_EVENT:
	case YAML_SEQUENCE_START_EVENT:
		/* A key that is an object or array is YAML, not JSON. */
		if (top && top->mapping && top->want_key)
			return -EINVAL;
		if (w->path.depth == JSON_DEPTH_MAX)
			return -EINVAL;
		walk__place_value(w);
		d = w->path.depth++;
		w->level[d].mapping = ev->type == YAML_MAPPING_START_EVENT;
		w->level[d].want_key = true;
		w->level[d].index = -1;
		w->base[d + 1] = w->base[d];
		w->path.comp[d].key = NULL;
		w->path.comp[d].len = 0;
		w->path.comp[d].index = -1;
		return 0;
	case YAML_MAPPING_END_EVENT:
	case YAML_SEQUENCE_END_EVENT:
		if (!w->path.depth)
			return -EINVAL;
		w->path.depth--;
		return w->fn(w->ctx, JSON_END, &w->path, NULL);
	default:
		/* Aliases and anchors: not JSON. */
		return -EINVAL;
	}
}

static int walk__run(struct json_walk *w, yaml_parser_t *parser)
{
	bool done, document = false;
	yaml_event_t ev;
	int err;

	w->path.depth = 0;
	w->base[0] = 0;
	for (;;) {
		if (!yaml_parser_parse(parser, &ev))
			return -EINVAL;
		done = ev.type == YAML_STREAM_END_EVENT;
		document |= ev.type == YAML_DOCUMENT_START_EVENT;
		/* An empty file is no JSON: a state file truncated, or not yet written. */
		err = done ? (document ? 0 : -EINVAL) : walk__event(w, &ev);
		yaml_event_delete(&ev);
		if (err || done)
			return err;
	}
}

static int walk(FILE *f, const void *buf, size_t len, json_fn fn, void *ctx)
{
	yaml_parser_t parser;
	struct json_walk *w;
	int err;

	/* Too big for a thread's stack in a library that may run on any thread. */
	w = malloc(sizeof(*w));
	if (!w)
		return -ENOMEM;
	w->fn = fn;
	w->ctx = ctx;
	if (!yaml_parser_initialize(&parser)) {
		free(w);
		return -ENOMEM;
	}
	if (f)
		yaml_parser_set_input_file(&parser, f);
	else
		yaml_parser_set_input_string(&parser, buf, len);
	err = walk__run(w, &parser);
	yaml_parser_delete(&parser);
	free(w);
	return err;
}

int json__walk_file(const char *path, json_fn fn, void *ctx)
{
	FILE *f = fopen(path, "re");
	int err;

	if (!f)
		return -errno;
	err = walk(f, NULL, 0, fn, ctx);
	fclose(f);
	return err;
}

int json__walk_buf(const void *buf, size_t len, json_fn fn, void *ctx)
{
	return walk(NULL, buf, len, fn, ctx);
}

bool json_path__is(const struct json_path *path, size_t n, ...)
{
	const struct json_comp *c;
	const char *key;
	bool ok = path->depth == n;
	va_list ap;
	size_t i;

	va_start(ap, n);
	for (i = 0; ok && i < n; i++) {
		key = va_arg(ap, const char *);
		c = &path->comp[i];
		if (key && (!c->key || c->len != strlen(key) || memcmp(c->key, key, c->len)))
			ok = false;
	}
	va_end(ap);
	return ok;
}

bool json_value__is(const struct json_value *v, const char *s)
{
	return v->len == strlen(s) && !memcmp(v->s, s, v->len);
}

bool json_comp__is(const struct json_comp *c, const char *s)
{
	return c->key && c->len == strlen(s) && !memcmp(c->key, s, c->len);
}
