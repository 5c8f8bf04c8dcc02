// SPDX-License-Identifier: GPL-2.0-only
/*
 * Capture files (`vigild --record`): the records the BPF programs sent, as
 * they sent them, after a snapshot of the process table, so that a replay
 * sees the same processes, containers and events. Format in docs/capture.md:
 * a file header, then entries of { u32 kind, u32 length, bytes, padding to 8 }.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vigil.h"

#define CAPTURE_MAGIC "VIGILCAP"
#define CAPTURE_VERSION 1
#define CAPTURE_ENTRY_MAX (1u << 20)

struct capture_file_header {
	char magic[8];
	uint32_t version;
	uint32_t abi;              /* VIGIL_ABI_VERSION of the records */
	int64_t boot_to_realtime_ns;
	char hostname[64];
};

struct capture_entry_header {
	uint32_t kind;             /* enum capture_kind */
	uint32_t len;
};

_Static_assert(sizeof(struct capture_file_header) == 88, "capture header layout");

struct capture {
	FILE *f;
	uint64_t entries;
	int error;                 /* first write error, negative errno */
};

struct capture *capture__create(const char *path, int64_t boot_to_realtime_ns,
				const char *hostname)
{
	struct capture_file_header h = { .version = CAPTURE_VERSION, .abi = VIGIL_ABI_VERSION };
	struct capture *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->f = fopen(path, "wbe");
	if (!c->f) {
		free(c);
		return NULL;
	}
	memcpy(h.magic, CAPTURE_MAGIC, sizeof(h.magic));
	h.boot_to_realtime_ns = boot_to_realtime_ns;
	snprintf(h.hostname, sizeof(h.hostname), "%s", hostname);
	if (fwrite(&h, sizeof(h), 1, c->f) != 1)
		c->error = -EIO;
	return c;
}

int capture__write(struct capture *c, enum capture_kind kind, const void *data, size_t len)
{
	static const char pad[8];
	struct capture_entry_header eh = { .kind = kind, .len = (uint32_t)len };
	size_t padding = (8 - len % 8) % 8;

	if (c->error)
		return c->error;
	if (len > CAPTURE_ENTRY_MAX)
		return -E2BIG;
	if (fwrite(&eh, sizeof(eh), 1, c->f) != 1 || fwrite(data, 1, len, c->f) != len ||
	    fwrite(pad, 1, padding, c->f) != padding) {
		c->error = -EIO;
		return c->error;
	}
	c->entries++;
	return 0;
}

uint64_t capture__entries(const struct capture *c)
{
	return c->entries;
}

int capture__close(struct capture *c)
{
	int err;

	if (!c)
		return 0;
	err = c->error;
	if (fflush(c->f) || fsync(fileno(c->f)))
		err = err ? err : -errno;
	if (fclose(c->f) && !err)
		err = -errno;
	free(c);
	return err;
}

struct capture_reader {
	FILE *f;
	struct capture_file_header h;
	uint64_t *buf;             /* 8-byte aligned, as ring buffer records are */
	size_t cap;
};

bool capture__is_capture(const char *path)
{
	char magic[8];
	FILE *f = fopen(path, "rbe");
	bool yes;

	if (!f)
		return false;
	yes = fread(magic, sizeof(magic), 1, f) == 1 && !memcmp(magic, CAPTURE_MAGIC, 8);
	fclose(f);
	return yes;
}

int capture_reader__open(struct capture_reader **out, const char *path, const char **error)
{
	struct capture_reader *r = calloc(1, sizeof(*r));

	*error = NULL;
	if (!r)
		return -ENOMEM;
	r->f = fopen(path, "rbe");
	if (!r->f) {
		free(r);
		return -errno;
	}
	if (fread(&r->h, sizeof(r->h), 1, r->f) != 1 || memcmp(r->h.magic, CAPTURE_MAGIC, 8)) {
		*error = "not a vigil capture";
	} else if (r->h.version != CAPTURE_VERSION) {
		*error = "capture format version not supported";
	} else if (r->h.abi != VIGIL_ABI_VERSION) {
		*error = "capture records have another event abi";
	}
	r->h.hostname[sizeof(r->h.hostname) - 1] = '\0';
	if (*error) {
		capture_reader__close(r);
		return -EINVAL;
	}
	*out = r;
	return 0;
}

int64_t capture_reader__boot_to_realtime(const struct capture_reader *r)
{
	return r->h.boot_to_realtime_ns;
}

const char *capture_reader__hostname(const struct capture_reader *r)
{
	return r->h.hostname;
}

int capture_reader__next(struct capture_reader *r, enum capture_kind *kind, void **data,
			 size_t *len)
{
	struct capture_entry_header eh;
	size_t padded;

	if (fread(&eh, sizeof(eh), 1, r->f) != 1)
		return feof(r->f) ? 0 : -EIO;
	if (eh.len > CAPTURE_ENTRY_MAX)
		return -EINVAL;
	padded = (eh.len + 7) / 8 * 8;
	if (padded > r->cap) {
		uint64_t *buf = realloc(r->buf, padded ? padded : 8);

		if (!buf)
			return -ENOMEM;
		r->buf = buf;
		r->cap = padded;
	}
	if (padded && fread(r->buf, padded, 1, r->f) != 1)
		return -EINVAL; /* cut short */
	*kind = eh.kind;
	*data = r->buf;
	*len = eh.len;
	return 1;
}

void capture_reader__close(struct capture_reader *r)
{
	if (!r)
		return;
	if (r->f)
		fclose(r->f);
	free(r->buf);
	free(r);
}
