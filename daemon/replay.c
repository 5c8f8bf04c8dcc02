// SPDX-License-Identifier: GPL-2.0-only
/*
 * `vigild --replay` and `--dump`: a capture file, or a JSON-lines file of
 * events, fed through the same decoding, state and rules as live events.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vigil.h"

#define DUMP_LINE_MAX (64 << 10)

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Calls fn for each entry of a capture; entry numbers stand in for lines. */
typedef int (*entry_fn)(void *ctx, enum capture_kind kind, void *data, size_t len,
			size_t lineno);

static int each_capture_entry(const char *path, FILE *err, entry_fn fn, void *ctx)
{
	struct capture_reader *r;
	enum capture_kind kind;
	const char *why;
	size_t len, n = 0;
	void *data;
	int ret;

	ret = capture_reader__open(&r, path, &why);
	if (ret) {
		fprintf(err, "%s: %s\n", path, why ? why : strerror(-ret));
		return ret;
	}
	while ((ret = capture_reader__next(r, &kind, &data, &len)) > 0) {
		n++;
		ret = fn(ctx, kind, data, len, n);
		if (ret < 0)
			break;
	}
	if (ret < 0)
		fprintf(err, "%s: entry %zu: %s\n", path, n + 1,
			ret == -EINVAL ? "cut short or corrupt" : strerror(-ret));
	capture_reader__close(r);
	return ret < 0 ? ret : 0;
}

/* Calls fn for each event line of a JSON-lines file (blank and # lines skipped). */
static int each_json_line(const char *path, FILE *err, entry_fn fn, void *ctx,
			  uint64_t *errors)
{
	static struct record_buf rb;
	size_t cap = 0, lineno = 0;
	char *line = NULL;
	enum capture_kind kind;
	const char *why;
	ssize_t n;
	FILE *f;
	int ret = 0;

	f = fopen(path, "re");
	if (!f) {
		ret = -errno;
		fprintf(err, "%s: %s\n", path, strerror(errno));
		return ret;
	}
	while ((n = getline(&line, &cap, f)) >= 0) {
		lineno++;
		line[strcspn(line, "\n")] = '\0';
		if (!line[strspn(line, " \t")] || line[strspn(line, " \t")] == '#')
			continue;
		ret = event_json__parse(line, &rb, &kind, &why);
		if (ret) {
			fprintf(err, "%s:%zu: %s\n", path, lineno, why ? why : strerror(-ret));
			(*errors)++;
			ret = 0;
			continue;
		}
		ret = fn(ctx, kind, rb.u.bytes, rb.len, lineno);
		if (ret < 0)
			break;
	}
	free(line);
	fclose(f);
	return ret < 0 ? ret : 0;
}

struct replay_ctx {
	struct pipeline *pl;
	struct replay_stats *st;
	const char *path;
	FILE *err;
};

static int replay_entry(void *ctx, enum capture_kind kind, void *data, size_t len,
			size_t lineno)
{
	struct replay_ctx *rc = ctx;
	uint64_t malformed = rc->pl->stats.malformed;

	switch (kind) {
	case CAPTURE_EVENT:
		rc->st->events++;
		pipeline__handle(rc->pl, data, len);
		if (rc->pl->stats.malformed != malformed) {
			fprintf(rc->err, "%s:%zu: malformed record\n", rc->path, lineno);
			rc->st->errors++;
		}
		return 0;
	case CAPTURE_PROCESS:
		if (pipeline__seed_process(rc->pl, data, len)) {
			fprintf(rc->err, "%s:%zu: malformed process record\n", rc->path, lineno);
			rc->st->errors++;
		}
		return 0;
	case CAPTURE_CONTAINER: {
		struct container_meta *meta;
		const char *why;
		uint64_t id;

		if (container_json__parse(data, len, &id, &meta, &why)) {
			fprintf(rc->err, "%s:%zu: %s\n", rc->path, lineno,
				why ? why : "malformed container metadata");
			rc->st->errors++;
			return 0;
		}
		/* A cgroup the capture never announced has no container to own it. */
		containers__set_meta(rc->pl->containers, id, meta);
		return 0;
	}
	default:
		/* A newer writer's entry kind: nothing here depends on it. */
		return 0;
	}
}

int replay__run(struct pipeline *pl, const char *path, FILE *err, struct replay_stats *st)
{
	struct replay_ctx rc = { .pl = pl, .st = st, .path = path, .err = err };
	struct capture_reader *r = NULL;
	double start;
	int ret;

	memset(st, 0, sizeof(*st));
	start = now_seconds();
	if (capture__is_capture(path)) {
		const char *why;

		if (!capture_reader__open(&r, path, &why)) {
			/* Alerts carry the recording machine's clock and name. */
			pl->boot_to_realtime_ns = capture_reader__boot_to_realtime(r);
			snprintf(pl->hostname, sizeof(pl->hostname), "%s",
				 capture_reader__hostname(r));
			capture_reader__close(r);
		}
		ret = each_capture_entry(path, err, replay_entry, &rc);
	} else {
		pl->boot_to_realtime_ns = 0;
		ret = each_json_line(path, err, replay_entry, &rc, &st->errors);
	}
	st->seconds = now_seconds() - start;
	return ret;
}

struct dump_ctx {
	FILE *out;
	FILE *err;
	const char *path;
	char line[DUMP_LINE_MAX];
};

static int dump_entry(void *ctx, enum capture_kind kind, void *data, size_t len, size_t lineno)
{
	struct dump_ctx *dc = ctx;
	struct strbuf sb;

	if (kind == CAPTURE_CONTAINER) {
		fprintf(dc->out, "%.*s\n", (int)len, (const char *)data);
		return 0;
	}
	if (kind != CAPTURE_EVENT && kind != CAPTURE_PROCESS)
		return 0;
	strbuf__init(&sb, dc->line, sizeof(dc->line));
	if (event_json__format(data, len, kind == CAPTURE_PROCESS ? "process" : NULL, &sb)) {
		fprintf(dc->err, "%s:%zu: malformed record\n", dc->path, lineno);
		return 0;
	}
	fprintf(dc->out, "%s\n", dc->line);
	return 0;
}

int replay__dump(const char *path, FILE *out, FILE *err)
{
	static struct dump_ctx dc;
	uint64_t errors = 0;

	dc.out = out;
	dc.err = err;
	dc.path = path;
	if (capture__is_capture(path))
		return each_capture_entry(path, err, dump_entry, &dc);
	return each_json_line(path, err, dump_entry, &dc, &errors);
}
