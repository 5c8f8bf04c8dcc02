// SPDX-License-Identifier: GPL-2.0-only
/*
 * Which cgroup hierarchies the host has, and so which one events take a
 * task's cgroup from (bpf/cgroup.bpf.h says why):
 *
 *   v2      /sys/fs/cgroup is cgroup2: the default hierarchy.
 *   hybrid  /sys/fs/cgroup is a tmpfs of v1 controllers with cgroup2 at
 *           /sys/fs/cgroup/unified, which runtimes do not always put
 *           container processes in: a v1 controller's hierarchy.
 *   v1      a tmpfs of v1 controllers only: a v1 controller's hierarchy.
 *
 * Of the controllers, memory where it is on a v1 hierarchy, else pids
 * (systemd does not always set up cpuset; a kernel may lack memcg v1).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/vfs.h>
#include <linux/magic.h>

#include "vigil.h"

static long fs_magic(const char *path)
{
	struct statfs st;

	return statfs(path, &st) ? 0 : (long)st.f_type;
}

enum cgroup_layout cgroup_layout__detect(const char *root)
{
	char unified[PATH_MAX];
	long magic = fs_magic(root);

	if (magic == CGROUP2_SUPER_MAGIC)
		return CGROUP_LAYOUT_V2;
	if (magic != TMPFS_MAGIC)
		return CGROUP_LAYOUT_UNKNOWN;
	snprintf(unified, sizeof(unified), "%s/unified", root);
	return fs_magic(unified) == CGROUP2_SUPER_MAGIC ? CGROUP_LAYOUT_HYBRID : CGROUP_LAYOUT_V1;
}

const char *cgroup_layout__name(enum cgroup_layout layout)
{
	switch (layout) {
	case CGROUP_LAYOUT_V2:
		return "v2";
	case CGROUP_LAYOUT_HYBRID:
		return "hybrid";
	case CGROUP_LAYOUT_V1:
		return "v1";
	case CGROUP_LAYOUT_UNKNOWN:
		break;
	}
	return "unknown";
}

const char *cgroup_source__name(enum vigil_cgroup_source source)
{
	switch (source) {
	case VIGIL_CGROUP_DFL:
		return "the default hierarchy";
	case VIGIL_CGROUP_V1_MEMORY:
		return "the v1 memory controller";
	case VIGIL_CGROUP_V1_PIDS:
		return "the v1 pids controller";
	}
	return "unknown";
}

/* Whether the comma-separated list [s, s + len) holds name. */
static bool list_has(const char *s, size_t len, const char *name)
{
	size_t n = strlen(name);
	const char *end = s + len, *comma;

	while (s < end) {
		comma = memchr(s, ',', end - s);
		if (!comma)
			comma = end;
		if ((size_t)(comma - s) == n && !memcmp(s, name, n))
			return true;
		s = comma + 1;
	}
	return false;
}

/*
 * /proc/PID/cgroup: one "hierarchy-id:controllers:path" line per hierarchy.
 * The default hierarchy's is "0::/path"; a v1 one's "4:memory:/path" or
 * "2:cpu,cpuacct:/path". The path is the rest of the line, colons and all
 * (a systemd-style cgroupsPath makes "...slice:cri-containerd:<id>").
 */
int cgroup_proc__path(const char *text, enum vigil_cgroup_source source, char *path,
		      size_t size)
{
	const char *name = source == VIGIL_CGROUP_V1_MEMORY ? "memory" :
			   source == VIGIL_CGROUP_V1_PIDS   ? "pids" :
							      NULL;
	const char *line = text, *nl, *c1, *c2;
	size_t len;

	while (line && *line) {
		nl = strchr(line, '\n');
		len = nl ? (size_t)(nl - line) : strlen(line);
		c1 = memchr(line, ':', len);
		c2 = c1 ? memchr(c1 + 1, ':', line + len - c1 - 1) : NULL;
		if (c2) {
			bool dfl = c1 - line == 1 && line[0] == '0' && c2 == c1 + 1;

			if (name ? !dfl && list_has(c1 + 1, c2 - c1 - 1, name) : dfl) {
				len -= c2 + 1 - line;
				if (len + 1 > size)
					return -ENAMETOOLONG;
				memcpy(path, c2 + 1, len);
				path[len] = '\0';
				return 0;
			}
		}
		line = nl ? nl + 1 : NULL;
	}
	return -ENOENT;
}

enum vigil_cgroup_source cgroup_layout__source(enum cgroup_layout layout, const char *self_cgroup)
{
	char path[PATH_MAX];

	if (layout != CGROUP_LAYOUT_V1 && layout != CGROUP_LAYOUT_HYBRID)
		return VIGIL_CGROUP_DFL;
	if (!cgroup_proc__path(self_cgroup, VIGIL_CGROUP_V1_MEMORY, path, sizeof(path)))
		return VIGIL_CGROUP_V1_MEMORY;
	if (!cgroup_proc__path(self_cgroup, VIGIL_CGROUP_V1_PIDS, path, sizeof(path)))
		return VIGIL_CGROUP_V1_PIDS;
	return VIGIL_CGROUP_DFL;
}

enum vigil_cgroup_source cgroup_layout__choose(const char *root, const char *self_cgroup_file,
					       enum cgroup_layout *layout)
{
	char text[8192] = "";
	size_t n = 0;
	FILE *f;

	*layout = cgroup_layout__detect(root);
	f = fopen(self_cgroup_file, "re");
	if (f) {
		n = fread(text, 1, sizeof(text) - 1, f);
		fclose(f);
	}
	text[n] = '\0';
	return cgroup_layout__source(*layout, text);
}
