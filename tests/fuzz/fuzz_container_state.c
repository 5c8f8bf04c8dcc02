// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: the runtimes' state files, read by the same functions the
 * resolver calls. The first byte picks the runtime; the rest is split at
 * "\n#PART#\n" into the files that runtime keeps, written under a scratch
 * directory on every run:
 *
 *   0  containers-storage (podman, CRI-O): overlay-containers/containers.json,
 *      the container's userdata/config.json, its pod sandbox's config.json
 *   1  docker: containers/<id>/config.v2.json, hostconfig.json, the sandbox's
 *      config.v2.json
 *   2  containerd: the task bundle's config.json
 *
 * The container is always ID and its sandbox SANDBOX (tests/fuzz/corpus/
 * container_state/ uses them); whatever metadata comes out is read whole.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "container_internal.h"

#define ID "1111111111111111111111111111111111111111111111111111111111111111"
#define SANDBOX "2222222222222222222222222222222222222222222222222222222222222222"
#define PART "\n#PART#\n"
#define PARTS_MAX 3
#define NAME_CHARS "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-"

static char root[64];

static const char *const files[][PARTS_MAX] = {
	{ "overlay-containers/containers.json", "overlay-containers/" ID "/userdata/config.json",
	  "overlay-containers/" SANDBOX "/userdata/config.json" },
	{ "containers/" ID "/config.v2.json", "containers/" ID "/hostconfig.json",
	  "containers/" SANDBOX "/config.v2.json" },
	{ "k8s.io/" ID "/config.json" },
};

static const char *const dirs[] = {
	"overlay-containers",
	"overlay-containers/" ID,
	"overlay-containers/" ID "/userdata",
	"overlay-containers/" SANDBOX,
	"overlay-containers/" SANDBOX "/userdata",
	"containers",
	"containers/" ID,
	"containers/" SANDBOX,
	"k8s.io",
	"k8s.io/" ID,
};

static void cleanup(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	if (system(cmd))
		fprintf(stderr, "could not remove %s\n", root);
}

static void setup(void)
{
	char path[256];
	size_t i;

	snprintf(root, sizeof(root), "%s/vigil-fuzz-XXXXXX",
		 access("/dev/shm", W_OK) ? "/tmp" : "/dev/shm");
	if (!mkdtemp(root))
		abort();
	atexit(cleanup);
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", root, dirs[i]);
		if (mkdir(path, 0700))
			abort();
	}
}

/* Writes data[0..len) to the file, or removes it when absent (len SIZE_MAX). */
static void put(const char *name, const uint8_t *data, size_t len)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", root, name);
	unlink(path);
	if (len == SIZE_MAX)
		return;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || write(fd, data, len) != (ssize_t)len)
		abort();
	close(fd);
}

static size_t touch(const char *s)
{
	return s ? strlen(s) : 0;
}

static size_t touch_labels(const struct label *l, size_t n)
{
	size_t sum = 0, i;

	for (i = 0; i < n; i++)
		sum += touch(l[i].key) + touch(l[i].value);
	return sum;
}

static void touch_meta(const struct container_meta *m)
{
	volatile size_t sum;

	if (!m)
		return;
	sum = touch(m->name) + touch(m->image) + touch(m->image_repository) +
	      touch(m->image_tag) + touch(m->image_digest) + touch(m->image_id) +
	      touch(m->pod_name) + touch(m->pod_namespace) + touch(m->pod_uid) +
	      touch_labels(m->labels, m->nlabels) + touch_labels(m->pod_labels, m->npod_labels);
	(void)sum;
	/* A name is what a runtime would give, or nothing: alerts carry it
	 * unescaped in places (the syslog SD-PARAM, rate limit summaries). */
	if (m->name && (!*m->name || strlen(m->name) >= CONTAINER_NAME_MAX ||
			!isalnum((unsigned char)m->name[0]) ||
			strspn(m->name, NAME_CHARS) != strlen(m->name)))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *p, *end, *next;
	struct container_meta *m = NULL;
	unsigned int mode;
	size_t i;

	if (!root[0])
		setup();
	if (size < 1)
		return 0;
	mode = data[0] % 3;
	p = data + 1;
	end = data + size;
	for (i = 0; i < PARTS_MAX; i++) {
		if (!files[mode][i])
			break;
		if (!p) {
			put(files[mode][i], NULL, SIZE_MAX);
			continue;
		}
		next = memmem(p, end - p, PART, strlen(PART));
		put(files[mode][i], p, (next ? next : end) - p);
		p = next ? next + strlen(PART) : NULL;
	}
	switch (mode) {
	case 0:
		container_storage__read(root, ID, &m);
		break;
	case 1:
		container_docker__read(root, ID, &m);
		break;
	default:
		container_containerd__read(root, NULL, ID, &m);
		break;
	}
	touch_meta(m);
	container_meta__free(m);
	return 0;
}
