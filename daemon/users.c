// SPDX-License-Identifier: GPL-2.0-only
/*
 * uid to user name, from a passwd file read once at start. getpwuid() would
 * go through NSS: modules loaded into the daemon, and a network round trip
 * per event with sssd or LDAP. Instead the table is a sorted array in static
 * storage, bounded so that a huge or hostile file costs a warning, not memory.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "vigil.h"

#define USERS_LINE_MAX 1024
#define USERS_NAMES_SIZE (USERS_MAX * 16)

struct user {
	uint32_t uid;
	uint32_t name; /* offset into user_names */
	uint32_t line; /* the first line wins, as with getpwuid() */
};

static struct user users[USERS_MAX];
static size_t nusers;
static char user_names[USERS_NAMES_SIZE];
static size_t user_names_len;

static bool user_field__uid(const char *s, uint32_t *out)
{
	uint64_t v = 0;

	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		v = v * 10 + (uint64_t)(*s - '0');
		if (v > UINT32_MAX)
			return false;
	}
	*out = v;
	return true;
}

static bool user_field__name(const char *s)
{
	/* '+' and '-' open NIS compat entries: no user of that name. */
	if (!*s || *s == '+' || *s == '-')
		return false;
	for (; *s; s++) {
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	}
	return true;
}

/*
 * Splits name:passwd:uid:gid:gecos:home:shell. Like glibc's parser, it lets
 * the last three be missing and the shell hold colons; uid and gid must be
 * numbers.
 */
static bool user_line__parse(char *line, const char **name, uint32_t *uid)
{
	char *field[7];
	uint32_t gid;
	size_t n = 0;
	char *p = line;

	field[n++] = p;
	while ((p = strchr(p, ':')) != NULL && n < 7) {
		*p++ = '\0';
		field[n++] = p;
	}
	if (n < 4)
		return false;
	if (!user_field__name(field[0]) || !user_field__uid(field[2], uid) ||
	    !user_field__uid(field[3], &gid))
		return false;
	*name = field[0];
	return true;
}

static int user__cmp(const void *a, const void *b)
{
	const struct user *ua = a, *ub = b;

	if (ua->uid != ub->uid)
		return ua->uid < ub->uid ? -1 : 1;
	return ua->line < ub->line ? -1 : ua->line > ub->line;
}

static bool users__add(uint32_t uid, const char *name, uint32_t line)
{
	size_t len = strlen(name) + 1;

	if (nusers == USERS_MAX || len > sizeof(user_names) - user_names_len)
		return false;
	memcpy(user_names + user_names_len, name, len);
	users[nusers].uid = uid;
	users[nusers].name = user_names_len;
	users[nusers].line = line;
	user_names_len += len;
	nusers++;
	return true;
}

/* Sorts by uid and keeps each uid's first entry only. */
static void users__index(void)
{
	size_t i, n = 0;

	qsort(users, nusers, sizeof(users[0]), user__cmp);
	for (i = 0; i < nusers; i++) {
		if (n && users[n - 1].uid == users[i].uid)
			continue;
		users[n++] = users[i];
	}
	nusers = n;
}

int users__load(const char *passwd_path)
{
	char line[USERS_LINE_MAX + 2];
	bool full = false, skipping = false;
	uint32_t lineno = 0;
	const char *name;
	uint32_t uid;
	size_t len;
	struct stat st;
	FILE *f;
	int err = 0;

	f = fopen(passwd_path, "re");
	if (!f)
		return -errno;
	/* fopen() takes a directory; the first read would fail. */
	if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
		fclose(f);
		return -EISDIR;
	}
	nusers = 0;
	user_names_len = 0;

	while (fgets(line, sizeof(line), f)) {
		len = strlen(line);
		if (skipping) {
			/* The rest of a line too long to be a user's. */
			skipping = len && line[len - 1] != '\n';
			continue;
		}
		lineno++;
		if (len && line[len - 1] == '\n') {
			line[--len] = '\0';
		} else if (!feof(f)) {
			log_warnx("%s:%u: skipping a line longer than %d bytes", passwd_path,
				  lineno, USERS_LINE_MAX);
			skipping = true;
			continue;
		}
		if (len == 0 || line[0] == '#')
			continue;
		if (!user_line__parse(line, &name, &uid)) {
			log_debug("%s:%u: skipping a line that is not name:passwd:uid:gid:...",
				  passwd_path, lineno);
			continue;
		}
		if (full)
			continue;
		if (!users__add(uid, name, lineno)) {
			log_warnx("%s:%u: more users than vigild keeps (%d); ignoring the rest",
				  passwd_path, lineno, USERS_MAX);
			full = true;
		}
	}
	if (ferror(f)) {
		err = -EIO;
		nusers = 0;
		user_names_len = 0;
	}
	fclose(f);
	users__index();
	return err;
}

const char *users__name(uint32_t uid)
{
	size_t lo = 0, hi = nusers, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (users[mid].uid == uid)
			return user_names + users[mid].name;
		if (users[mid].uid < uid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}
