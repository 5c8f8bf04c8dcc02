// SPDX-License-Identifier: GPL-2.0-only
/*
 * `watch_rules: true`: notices that a rules file changed, for a reload as
 * SIGHUP does. Editors replace files by renaming a new one over the old, so
 * the watch is on the directories: a rules directory itself, or a rules
 * file's parent. Changes are gathered for a moment, so that a file written in
 * several steps is loaded once, complete.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vigil.h"

#define SETTLE_NS (300 * 1000000ull)
#define WATCH_MASK (IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE | IN_DELETE)

struct rules_watch {
	int fd;
	uint64_t due_ns; /* 0: nothing changed */
};

struct rules_watch *rules_watch__new(const char *const *paths, size_t npaths)
{
	struct rules_watch *w = calloc(1, sizeof(*w));
	char dir[4096];
	struct stat st;
	size_t i;

	if (!w)
		return NULL;
	w->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (w->fd < 0) {
		free(w);
		return NULL;
	}
	for (i = 0; i < npaths; i++) {
		snprintf(dir, sizeof(dir), "%s", paths[i]);
		if (stat(paths[i], &st) || !S_ISDIR(st.st_mode))
			snprintf(dir, sizeof(dir), "%s", dirname(dir));
		if (inotify_add_watch(w->fd, dir, WATCH_MASK) < 0)
			log_warn("cannot watch %s for rule changes", dir);
	}
	return w;
}

bool rules_watch__changed(struct rules_watch *w, uint64_t now_ns)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	bool any = false;

	while (read(w->fd, buf, sizeof(buf)) > 0)
		any = true;
	if (any)
		w->due_ns = now_ns + SETTLE_NS;
	if (!w->due_ns || now_ns < w->due_ns)
		return false;
	w->due_ns = 0;
	return true;
}

void rules_watch__free(struct rules_watch *w)
{
	if (!w)
		return;
	close(w->fd);
	free(w);
}
