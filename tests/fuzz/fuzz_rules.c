// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: the input is a rules file, loaded the way the daemon
 * loads one (through a path: a memfd), diagnostics to /dev/null. What
 * loads is then matched against events of every kind, every matching rule
 * rendered, so that evaluation and outputs are fuzzed with the loader;
 * anomaly items too, with their scopes and tuples.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz_events.h"

static struct alert alert;
static struct fuzz_events fe;

static void render(void *ctx, const struct rule *r)
{
	output__render(r, ctx, &alert);
}

static void render_anomaly(void *ctx, const struct anomaly_match *m)
{
	output__render(m->rule, ctx, &alert);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *devnull;
	static char path[64];
	static int fd = -1;
	struct ruleset *rs;
	const char *paths[1] = { path };
	int i;

	if (fd < 0) {
		devnull = fopen("/dev/null", "w");
		fd = memfd_create("fuzz_rules", MFD_CLOEXEC);
		if (!devnull || fd < 0)
			abort();
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		fuzz_events__init(&fe);
	}
	if (ftruncate(fd, 0) || pwrite(fd, data, size, 0) != (ssize_t)size)
		abort();
	rs = rules__load(paths, 1, devnull);
	if (rs) {
		for (i = 0; i < FUZZ_EVENTS; i++) {
			rules__match_all(rs, &fe.evt[i], render, &fe.evt[i]);
			rules__match_anomalies(rs, &fe.evt[i], render_anomaly, &fe.evt[i]);
		}
	}
	rules__free(rs);
	return 0;
}
