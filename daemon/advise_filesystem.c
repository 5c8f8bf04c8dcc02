// SPDX-License-Identifier: GPL-2.0-only
/*
 * `vigild --advise filesystem --scope IMAGE`: a Pod whose container runs
 * with a read-only root file system and an emptyDir mounted on each
 * directory the scope's anomaly items saw written (fd.directory), and with
 * runAsNonRoot when they never saw it run as uid 0 (user.uid). A directory
 * below another one written is covered by that one's mount.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vigil.h"

/* Not the root file system: a read-only root does not stop these writes. */
static bool dir__pseudo(const char *d)
{
	static const char *const pseudo[] = { "/dev", "/proc", "/sys" };
	size_t i, n;

	for (i = 0; i < sizeof(pseudo) / sizeof(pseudo[0]); i++) {
		n = strlen(pseudo[i]);
		if (!strncmp(d, pseudo[i], n) && (d[n] == '\0' || d[n] == '/'))
			return true;
	}
	return false;
}

/* b lies below a (or is a). */
static bool dir__covers(const char *a, const char *b)
{
	size_t n = strlen(a);

	return !strncmp(a, b, n) && (b[n] == '\0' || b[n] == '/');
}

static int str__cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

struct fs_seen {
	const char **dirs;
	size_t ndirs;
	bool root_dir;    /* files written directly in / */
	bool any_dirs;    /* some item learns fd.directory */
	bool any_uids;    /* some item learns user.uid */
	bool uid0;
};

static int collect(const struct baseline *b, const char *scope, struct fs_seen *f)
{
	const char **grown;
	size_t i, j, k;

	memset(f, 0, sizeof(*f));
	for (i = 0; i < baseline__count(b); i++) {
		const struct baseline_scope *s = baseline__at(b, i);
		int dir = baseline_scope__field(s, "fd.directory");
		int uid = baseline_scope__field(s, "user.uid");

		if (strcmp(s->scope, scope))
			continue;
		f->any_uids |= uid >= 0;
		for (j = 0; uid >= 0 && j < s->ntuples; j++)
			f->uid0 |= !strcmp(baseline_tuple__value(s->tuples[j], (size_t)uid), "0");
		if (dir < 0)
			continue;
		f->any_dirs = true;
		grown = realloc(f->dirs, (f->ndirs + s->ntuples + 1) * sizeof(*grown));
		if (!grown)
			return -ENOMEM;
		f->dirs = grown;
		for (j = 0; j < s->ntuples; j++) {
			const char *d = baseline_tuple__value(s->tuples[j], (size_t)dir);

			if (!strcmp(d, "/"))
				f->root_dir = true;
			else if (*d == '/' && !dir__pseudo(d))
				f->dirs[f->ndirs++] = d;
		}
	}
	if (f->ndirs)
		qsort(f->dirs, f->ndirs, sizeof(*f->dirs), str__cmp);
	/* Sorted, a directory comes right before those below it. */
	for (i = k = 0; i < f->ndirs; i++) {
		if (!k || !dir__covers(f->dirs[k - 1], f->dirs[i]))
			f->dirs[k++] = f->dirs[i];
	}
	f->ndirs = k;
	return 0;
}

static void print_advice(FILE *out, const char *scope, const struct fs_seen *f)
{
	char name[64];
	size_t i;

	advise__name(scope, "", name, sizeof(name));
	fputs("# vigil: file system advice from the baselines of ", out);
	advise__quoted(out, scope);
	fputs(".\n", out);
	if (!f->any_dirs)
		fputs("# No anomaly item learns fd.directory for it: writes are unknown.\n", out);
	if (f->root_dir)
		fputs("# Files were written directly in /: a read-only root breaks that.\n", out);
	if (!f->any_uids)
		fputs("# No anomaly item learns user.uid for it: runAsNonRoot is not advised.\n",
		      out);
	else if (f->uid0)
		fputs("# It ran as uid 0: runAsNonRoot would stop it from starting.\n", out);
	fprintf(out,
		"apiVersion: v1\n"
		"kind: Pod\n"
		"metadata:\n"
		"  name: %s\n"
		"spec:\n",
		name);
	if (f->any_uids && !f->uid0)
		fputs("  securityContext:\n    runAsNonRoot: true\n", out);
	fprintf(out,
		"  containers:\n"
		"    - name: %s\n"
		"      image: ",
		name);
	advise__quoted(out, scope);
	fputs("\n      securityContext:\n        readOnlyRootFilesystem: true\n", out);
	if (f->ndirs)
		fputs("      volumeMounts:\n", out);
	for (i = 0; i < f->ndirs; i++) {
		fprintf(out, "        - name: write-%zu\n          mountPath: ", i);
		advise__quoted(out, f->dirs[i]);
		fputc('\n', out);
	}
	fputs(f->ndirs ? "  volumes:\n" : "  volumes: []\n", out);
	for (i = 0; i < f->ndirs; i++)
		fprintf(out, "    - name: write-%zu\n      emptyDir: {}\n", i);
}

int advise_filesystem__print(const struct baseline *b, const char *scope, FILE *out)
{
	struct fs_seen f;
	int err;

	err = collect(b, scope, &f);
	if (!err && !f.any_dirs && !f.any_uids)
		err = -ENOENT;
	if (!err)
		print_advice(out, scope, &f);
	free(f.dirs);
	if (err)
		return err;
	return fflush(out) || ferror(out) ? -EIO : 0;
}
