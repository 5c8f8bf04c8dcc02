// SPDX-License-Identifier: GPL-2.0-only
/*
 * `vigild --advise seccomp --scope IMAGE`: the seccomp profile that allows
 * what the image's containers were seen to call, from the file the running
 * vigild keeps under state_dir. Offline: no BPF, no privileges beyond reading
 * that file.
 */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "vigil.h"

#define PROFILE_MAX (64 << 10)

int seccomp_advise__print(const char *state_dir, const char *scope, FILE *out, FILE *err)
{
	static char text[PROFILE_MAX];
	char path[PATH_MAX], error[PATH_MAX + 128];
	struct seccomp_store *st;
	struct syscall_set set;
	struct strbuf sb;
	size_t unnamed, i;
	int n, status = 1;

	if (!scope || !*scope) {
		fprintf(err, "--advise seccomp needs --scope IMAGE (as podman shows it, "
			     "or its repository for the union of every tag)\n");
		return 2;
	}
	snprintf(path, sizeof(path), "%s/%s", state_dir, SECCOMP_STORE_FILE);
	st = seccomp_store__new();
	if (!st) {
		fprintf(err, "out of memory\n");
		return 1;
	}
	n = seccomp_store__load(st, path, error, sizeof(error));
	if (n == -ENOENT) {
		fprintf(err, "%s: nothing learned yet: run vigild (learn_syscalls: true) while "
			     "containers of %s run\n", path, scope);
		goto out;
	}
	if (n < 0) {
		fprintf(err, "%s\n", error);
		goto out;
	}
	n = seccomp_store__scope(st, scope, &set);
	if (n < 0) {
		fprintf(err, "no syscalls learned for %s; images known:", scope);
		for (i = 0; i < seccomp_store__count(st); i++)
			fprintf(err, " %s", seccomp_store__image(st, i));
		fprintf(err, "%s\n", seccomp_store__count(st) ? "" : " none");
		goto out;
	}
	strbuf__init(&sb, text, sizeof(text));
	if (seccomp_profile__format(&set, &sb, &unnamed) < 0) {
		fprintf(err, "profile too large\n");
		goto out;
	}
	fwrite(sb.buf, 1, sb.len, out);
	if (unnamed)
		fprintf(err, "%zu syscall numbers have no name in vigild's tables and are left "
			     "out: a newer vigild knows them\n", unnamed);
	status = fflush(out) ? 1 : 0;
out:
	seccomp_store__free(st);
	return status;
}
