// SPDX-License-Identifier: GPL-2.0-only
/*
 * uid and gid to names, from the passwd and group files read once at start.
 * getpwuid() and getgrgid() would go through NSS: modules loaded into the
 * daemon, and a network round trip per event with sssd or LDAP. Instead
 * each table is a sorted array in static storage, bounded so that a huge or
 * hostile file costs a warning, not memory.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "vigil.h"

#define IDS_LINE_MAX 1024
#define IDS_NAMES_SIZE (USERS_MAX * 16)

struct id_entry {
	uint32_t id;
	uint32_t name; /* offset into names */
	uint32_t line; /* the first line wins, as with getpwuid() */
};

/* One file's table: names by uid (passwd) or gid (group). */
struct id_table {
	const char *what; /* "users", "groups", for messages */
	size_t min_fields; /* name:passwd:uid:gid, name:passwd:gid */
	struct id_entry entries[USERS_MAX];
	size_t n;
	char names[IDS_NAMES_SIZE];
	size_t names_len;
};

static struct id_table users = { .what = "users", .min_fields = 4 };
static struct id_table groups = { .what = "groups", .min_fields = 3 };

static bool id_field__number(const char *s, uint32_t *out)
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

static bool id_field__name(const char *s)
{
	/* '+' and '-' open NIS compat entries: no user or group of that name. */
	if (!*s || *s == '+' || *s == '-')
		return false;
	for (; *s; s++) {
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	}
	return true;
}

/*
 * Splits name:passwd:id:... Like glibc's parsers, it lets the trailing
 * fields be missing and the last hold colons. In passwd the gid must be a
 * number too.
 */
static bool id_line__parse(const struct id_table *t, char *line, const char **name, uint32_t *id)
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
	if (n < t->min_fields)
		return false;
	if (!id_field__name(field[0]) || !id_field__number(field[2], id))
		return false;
	if (t == &users && !id_field__number(field[3], &gid))
		return false;
	*name = field[0];
	return true;
}

static int id_entry__cmp(const void *a, const void *b)
{
	const struct id_entry *ea = a, *eb = b;

	if (ea->id != eb->id)
		return ea->id < eb->id ? -1 : 1;
	return ea->line < eb->line ? -1 : ea->line > eb->line;
}

static bool id_table__add(struct id_table *t, uint32_t id, const char *name, uint32_t line)
{
	size_t len = strlen(name) + 1;

	if (t->n == USERS_MAX || len > sizeof(t->names) - t->names_len)
		return false;
	memcpy(t->names + t->names_len, name, len);
	t->entries[t->n].id = id;
	t->entries[t->n].name = t->names_len;
	t->entries[t->n].line = line;
	t->names_len += len;
	t->n++;
	return true;
}

/* Sorts by id and keeps each id's first entry only. */
static void id_table__index(struct id_table *t)
{
	size_t i, n = 0;

	qsort(t->entries, t->n, sizeof(t->entries[0]), id_entry__cmp);
	for (i = 0; i < t->n; i++) {
		if (n && t->entries[n - 1].id == t->entries[i].id)
			continue;
		t->entries[n++] = t->entries[i];
	}
	t->n = n;
}

static int id_table__load(struct id_table *t, const char *path)
{
	char line[IDS_LINE_MAX + 2];
	bool full = false, skipping = false;
	uint32_t lineno = 0;
	const char *name;
	uint32_t id;
	size_t len;
	struct stat st;
	FILE *f;
	int err = 0;

	f = fopen(path, "re");
	if (!f)
		return -errno;
	/* fopen() takes a directory; the first read would fail. */
	if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
		fclose(f);
		return -EISDIR;
	}
	t->n = 0;
	t->names_len = 0;

	while (fgets(line, sizeof(line), f)) {
		len = strlen(line);
		if (skipping) {
			/* The rest of a line too long to be an entry. */
			skipping = len && line[len - 1] != '\n';
			continue;
		}
		lineno++;
		if (len && line[len - 1] == '\n') {
			line[--len] = '\0';
		} else if (!feof(f)) {
			log_warnx("%s:%u: skipping a line longer than %d bytes", path, lineno,
				  IDS_LINE_MAX);
			skipping = true;
			continue;
		}
		if (len == 0 || line[0] == '#')
			continue;
		if (!id_line__parse(t, line, &name, &id)) {
			log_debug("%s:%u: skipping a line that is not name:passwd:id:...", path,
				  lineno);
			continue;
		}
		if (full)
			continue;
		if (!id_table__add(t, id, name, lineno)) {
			log_warnx("%s:%u: more %s than vigild keeps (%d); ignoring the rest", path,
				  lineno, t->what, USERS_MAX);
			full = true;
		}
	}
	if (ferror(f)) {
		err = -EIO;
		t->n = 0;
		t->names_len = 0;
	}
	fclose(f);
	id_table__index(t);
	return err;
}

static const char *id_table__name(const struct id_table *t, uint32_t id)
{
	size_t lo = 0, hi = t->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (t->entries[mid].id == id)
			return t->names + t->entries[mid].name;
		if (t->entries[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

int users__load(const char *passwd_path)
{
	return id_table__load(&users, passwd_path);
}

const char *users__name(uint32_t uid)
{
	return id_table__name(&users, uid);
}

int groups__load(const char *group_path)
{
	return id_table__load(&groups, group_path);
}

const char *groups__name(uint32_t gid)
{
	return id_table__name(&groups, gid);
}
