// SPDX-License-Identifier: GPL-2.0-only
/*
 * The command line's way to the baselines in the state directory:
 *   vigild --baseline show [SCOPE]     what each item learned, in short
 *   vigild --baseline export [SCOPE]   YAML on stdout
 *   vigild --baseline import FILE      scopes from FILE replace the same ones
 *   vigild --baseline reset SCOPE      forget every item's scope of this value
 *   vigild --advise network|filesystem --scope SCOPE
 * Changing the baselines needs the state directory's lock: a running vigild
 * holds it, and would write its own baselines over the change.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "vigil.h"

static const char *state_dir(const struct config *cfg)
{
	return cfg->state_dir;
}

static struct baseline *load(const struct config *cfg, char *path, size_t len)
{
	struct baseline_limits lim = {
		.max_scopes = cfg->baseline_max_scopes,
		.max_tuples = cfg->baseline_max_tuples,
	};
	struct baseline *b = baseline__new(&lim);
	int err;

	if (!b) {
		fprintf(stderr, "vigild: out of memory\n");
		return NULL;
	}
	snprintf(path, len, "%s/%s", state_dir(cfg), BASELINE_FILE_NAME);
	err = baseline__load_file(b, path, stderr, NULL, 0);
	if (err && err != -ENOENT) {
		fprintf(stderr, "vigild: cannot read %s: %s\n", path,
			err == -EINVAL ? "not a baseline file" : strerror(-err));
		baseline__free(b);
		return NULL;
	}
	return b;
}

static void show(const struct baseline *b, const char *scope)
{
	char when[32];
	size_t i;

	for (i = 0; i < baseline__count(b); i++) {
		const struct baseline_scope *s = baseline__at(b, i);
		time_t t = (time_t)s->started;
		struct tm tm;

		if (scope && strcmp(s->scope, scope))
			continue;
		if (!gmtime_r(&t, &tm) || !strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm))
			snprintf(when, sizeof(when), "?");
		printf("%s: %s=%s: %zu tuples since %s%s\n", s->anomaly, s->scope_field, s->scope,
		       s->ntuples, when, s->full ? " (full: no longer learning)" : "");
	}
}

static int read_file(const char *path, char **text, size_t *len)
{
	FILE *f = fopen(path, "re");
	size_t cap = BASELINE_FILE_MAX + 1;

	if (!f)
		return -errno;
	*text = malloc(cap + 1);
	if (!*text) {
		fclose(f);
		return -ENOMEM;
	}
	*len = fread(*text, 1, cap, f);
	(*text)[*len] = '\0';
	fclose(f);
	return 0;
}

/* import and reset: under the lock, then saved. */
static int change(const char *cmd, const char *arg, const struct config *cfg)
{
	char path[4096], *text = NULL;
	struct baseline *b;
	size_t len = 0, n;
	int lock, err;

	lock = baseline__lock(state_dir(cfg));
	if (lock == -EWOULDBLOCK) {
		fprintf(stderr, "vigild: a running vigild holds %s: stop it first\n",
			state_dir(cfg));
		return 1;
	}
	if (lock < 0) {
		fprintf(stderr, "vigild: cannot use %s: %s\n", state_dir(cfg), strerror(-lock));
		return 1;
	}
	b = load(cfg, path, sizeof(path));
	err = b ? 0 : -EINVAL;
	if (!err && !strcmp(cmd, "import")) {
		err = read_file(arg, &text, &len);
		if (err)
			fprintf(stderr, "vigild: cannot read %s: %s\n", arg, strerror(-err));
		else
			err = baseline__import(b, arg, text, len, stderr);
	} else if (!err) {
		n = baseline__remove(b, arg);
		printf("%zu baselines of %s forgotten\n", n, arg);
	}
	if (!err && baseline__dirty(b)) {
		err = baseline__save_file(b, path);
		if (err)
			fprintf(stderr, "vigild: cannot write %s: %s\n", path, strerror(-err));
	}
	free(text);
	baseline__free(b);
	close(lock);
	return err ? 1 : 0;
}

int baseline_cli__run(const char *cmd, const char *arg, const struct config *cfg)
{
	char path[4096];
	struct baseline *b;
	int err = 0;

	if (!strcmp(cmd, "import") || !strcmp(cmd, "reset")) {
		if (!arg) {
			fprintf(stderr, "vigild: --baseline %s needs %s\n", cmd,
				!strcmp(cmd, "import") ? "a FILE" : "a SCOPE");
			return 2;
		}
		return change(cmd, arg, cfg);
	}
	if (strcmp(cmd, "show") && strcmp(cmd, "export")) {
		fprintf(stderr, "vigild: --baseline takes show, export, import or reset, not '%s'\n",
			cmd);
		return 2;
	}
	b = load(cfg, path, sizeof(path));
	if (!b)
		return 1;
	if (!strcmp(cmd, "show"))
		show(b, arg);
	else
		err = baseline__export(b, arg, stdout);
	baseline__free(b);
	return err ? 1 : 0;
}

int advise_cli__run(const char *kind, const char *scope, const struct config *cfg)
{
	char path[4096];
	struct baseline *b;
	int err;

	if (!scope) {
		fprintf(stderr, "vigild: --advise %s needs --scope IMAGE\n", kind);
		return 2;
	}
	/* Syscalls are learned in the kernel, not by anomaly items. */
	if (!strcmp(kind, "seccomp"))
		return seccomp_advise__print(cfg->state_dir, scope, stdout, stderr);
	b = load(cfg, path, sizeof(path));
	if (!b)
		return 1;
	if (!strcmp(kind, "network")) {
		err = advise_network__print(b, scope, stdout);
	} else if (!strcmp(kind, "filesystem")) {
		err = advise_filesystem__print(b, scope, stdout);
	} else {
		fprintf(stderr, "vigild: --advise takes seccomp, network or filesystem, not '%s'\n", kind);
		baseline__free(b);
		return 2;
	}
	if (err == -ENOENT)
		fprintf(stderr, "vigild: %s has no baseline of scope '%s' to advise from\n",
			path, scope);
	else if (err)
		fprintf(stderr, "vigild: %s\n", strerror(-err));
	baseline__free(b);
	return err ? 1 : 0;
}
