// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: the input is a bbolt database file, read as podman's
 * libpod/bolt_state.db and as containerd's meta.db are (container_bolt.c,
 * container_podman.c): lookups and walks by the keys the readers use, for
 * containers the seeds (tests/data's databases) hold. The meta pages'
 * checksums are set right before each run, or the fuzzer would rarely get
 * past them.
 */
#include <endian.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "container_internal.h"

/* In tests/data/podman and tests/data/containerd. */
static const char *const podman_ids[] = {
	"7ca79b2011b410a1d50e893137d88337e1878afd4e547cfc8870f0331d7555ff",
	"71ea987df9c181d6d1119a2d545ae40059df2525dbc8d0bff697ae8f2773af60",
};
#define CTRD_ID "19540ff7f8c7b682802f00b72e865a6f9964c23c0580682faaa33dff7a689e1e"

static char root[64], db_path[128];

static void cleanup(void)
{
	unlink(db_path);
	snprintf(db_path, sizeof(db_path), "%s/libpod", root);
	rmdir(db_path);
	rmdir(root);
}

static uint64_t fnv1a64(const uint8_t *p, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

/* The meta page at off, if there is one: its checksum made right. */
static uint32_t fix_meta(uint8_t *data, size_t size, size_t off)
{
	uint8_t *m = data + off + 16;
	uint32_t page_size;
	uint64_t sum;

	if (off + 16 + 64 > size)
		return 0;
	sum = htole64(fnv1a64(m, 56));
	memcpy(m + 56, &sum, sizeof(sum));
	memcpy(&page_size, m + 8, sizeof(page_size));
	return le32toh(page_size);
}

/* Reads the last byte of each key and value: ASan checks they are there. */
static int count(void *ctx, const void *key, size_t klen, const void *val, size_t vlen)
{
	size_t *n = ctx;

	if (klen)
		*n += ((const uint8_t *)key)[klen - 1];
	if (vlen)
		*n += ((const uint8_t *)val)[vlen - 1];
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *labels[] = { "v1", "k8s.io", "containers", CTRD_ID, "labels" };
	const char *image[] = { "v1", "k8s.io", "containers", CTRD_ID, "image" };
	const char *ctrs[] = { "ctr" };
	struct container_meta *m;
	uint32_t page_size;
	struct bolt *db;
	uint8_t *copy;
	size_t i, n = 0, len;
	void *val;
	int fd;

	if (!root[0]) {
		snprintf(root, sizeof(root), "%s/vigil-fuzz-XXXXXX",
			 access("/dev/shm", W_OK) ? "/tmp" : "/dev/shm");
		if (!mkdtemp(root))
			abort();
		snprintf(db_path, sizeof(db_path), "%s/libpod", root);
		if (mkdir(db_path, 0700))
			abort();
		snprintf(db_path, sizeof(db_path), "%s/libpod/bolt_state.db", root);
		atexit(cleanup);
	}
	copy = malloc(size ? size : 1);
	if (!copy)
		abort();
	memcpy(copy, data, size);
	page_size = fix_meta(copy, size, 0);
	if (page_size && page_size < size)
		fix_meta(copy, size, page_size);
	fd = open(db_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || write(fd, copy, size) != (ssize_t)size)
		abort();
	close(fd);
	free(copy);

	for (i = 0; i < sizeof(podman_ids) / sizeof(podman_ids[0]); i++) {
		m = container_meta__new();
		if (!m)
			abort();
		podman__read_libpod(root, podman_ids[i], m);
		container_meta__free(m);
	}
	if (bolt__open(&db, db_path))
		return 0;
	bolt__foreach(db, labels, 5, count, &n);
	bolt__foreach(db, ctrs, 1, count, &n);
	if (!bolt__get(db, image, 5, &val, &len)) {
		n += len;
		free(val);
	}
	bolt__close(db);
	return 0;
}
