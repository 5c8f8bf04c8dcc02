// SPDX-License-Identifier: GPL-2.0-only
/*
 * A syscall set as an OCI seccomp profile, in the JSON that podman, runc and
 * crun take (`podman run --security-opt seccomp=FILE`): every syscall of the
 * set allowed by name, anything else refused with EPERM. The OCI format has
 * one list of names for every architecture of the filter, so the ia32 names
 * join the native ones, and x86 is listed only when some ia32 call was seen.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vigil.h"

static int name__cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The names of s's syscalls, sorted, each once; returns how many. */
static size_t profile__names(const struct syscall_set *s, const char **names, size_t *unnamed)
{
	size_t n = 0, i, j;
	unsigned int nr;
	int compat;

	*unnamed = 0;
	for (compat = 0; compat <= 1; compat++) {
		for (nr = 0; nr < VIGIL_SYSCALL_NR_MAX; nr++) {
			const char *name;

			if (!syscall_set__has(s, compat, nr))
				continue;
			name = syscall_names__lookup(compat, nr);
			if (name)
				names[n++] = name;
			else
				(*unnamed)++;
		}
	}
	qsort(names, n, sizeof(*names), name__cmp);
	for (i = 0, j = 0; i < n; i++) {
		if (!j || strcmp(names[j - 1], names[i]))
			names[j++] = names[i];
	}
	return j;
}

int seccomp_profile__format(const struct syscall_set *s, struct strbuf *sb, size_t *unnamed)
{
	const char *names[2 * VIGIL_SYSCALL_NR_MAX];
	size_t n, i;

	n = profile__names(s, names, unnamed);
	strbuf__puts(sb, "{\n"
			 "\t\"defaultAction\": \"SCMP_ACT_ERRNO\",\n"
			 "\t\"defaultErrnoRet\": 1,\n"
			 "\t\"architectures\": [\n"
			 "\t\t\"SCMP_ARCH_X86_64\"");
	if (syscall_set__count(s, true))
		strbuf__puts(sb, ",\n\t\t\"SCMP_ARCH_X86\"");
	strbuf__puts(sb, "\n\t],\n\t\"syscalls\": [");
	if (n) {
		strbuf__puts(sb, "\n\t\t{\n\t\t\t\"names\": [\n");
		for (i = 0; i < n; i++)
			strbuf__printf(sb, "\t\t\t\t\"%s\"%s\n", names[i], i + 1 < n ? "," : "");
		strbuf__puts(sb, "\t\t\t],\n\t\t\t\"action\": \"SCMP_ACT_ALLOW\"\n\t\t}\n\t");
	}
	strbuf__puts(sb, "]\n}\n");
	return sb->truncated ? -E2BIG : 0;
}
