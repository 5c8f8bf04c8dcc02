// SPDX-License-Identifier: GPL-2.0-only
/*
 * The syscalls seen per container image, kept across restarts in one text
 * file under state_dir, written whole to a temporary file, synced and renamed
 * over the old one, so that a crash leaves the old file or the new, never
 * half of one. A file that does not read back exactly is refused whole:
 *
 *   vigil-syscalls 1
 *   IMAGE <TAB> REPOSITORY <TAB> NATIVE <TAB> IA32
 *   ...
 *   end COUNT
 *
 * NATIVE and IA32 are the sets as 8 64-bit words of 16 hex digits each, the
 * word of syscalls 0-63 first; REPOSITORY is "-" when unknown.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vigil.h"

#define STORE_MAGIC "vigil-syscalls 1"
#define HEX_LEN (SYSCALL_SET_WORDS * 16)

struct store_entry {
	char *image;
	char *repository; /* NULL when unknown */
	struct syscall_set set;
};

struct seccomp_store {
	struct store_entry *entries;
	size_t n;
	size_t cap;
	bool dirty;
};

struct seccomp_store *seccomp_store__new(void)
{
	return calloc(1, sizeof(struct seccomp_store));
}

static void store__clear(struct seccomp_store *st)
{
	size_t i;

	for (i = 0; i < st->n; i++) {
		free(st->entries[i].image);
		free(st->entries[i].repository);
	}
	free(st->entries);
	st->entries = NULL;
	st->n = st->cap = 0;
}

void seccomp_store__free(struct seccomp_store *st)
{
	if (!st)
		return;
	store__clear(st);
	free(st);
}

size_t seccomp_store__count(const struct seccomp_store *st)
{
	return st->n;
}

const char *seccomp_store__image(const struct seccomp_store *st, size_t i)
{
	return i < st->n ? st->entries[i].image : NULL;
}

bool seccomp_store__dirty(const struct seccomp_store *st)
{
	return st->dirty;
}

/* Tabs and newlines would break the file's lines; no image reference has them. */
static bool field__valid(const char *s)
{
	return *s && !strpbrk(s, "\t\n\r") && strcmp(s, "-");
}

int seccomp_store__add(struct seccomp_store *st, const char *image, const char *repository,
		       const struct syscall_set *set)
{
	struct store_entry *e, *grown;
	size_t i;

	if (!image || !field__valid(image) || (repository && !field__valid(repository)))
		return -EINVAL;
	for (i = 0; i < st->n; i++) {
		if (!strcmp(st->entries[i].image, image)) {
			if (!syscall_set__merge(&st->entries[i].set, set))
				return 0;
			st->dirty = true;
			return 1;
		}
	}
	if (st->n == st->cap) {
		size_t cap = st->cap ? st->cap * 2 : 16;

		grown = realloc(st->entries, cap * sizeof(*grown));
		if (!grown)
			return -ENOMEM;
		st->entries = grown;
		st->cap = cap;
	}
	e = &st->entries[st->n];
	memset(e, 0, sizeof(*e));
	e->image = strdup(image);
	e->repository = repository ? strdup(repository) : NULL;
	if (!e->image || (repository && !e->repository)) {
		free(e->image);
		free(e->repository);
		return -ENOMEM;
	}
	e->set = *set;
	st->n++;
	st->dirty = true;
	return 1;
}

int seccomp_store__scope(const struct seccomp_store *st, const char *scope,
			 struct syscall_set *out)
{
	int matched = 0;
	size_t i;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < st->n; i++) {
		if (!strcmp(st->entries[i].image, scope)) {
			*out = st->entries[i].set;
			return 1;
		}
	}
	for (i = 0; i < st->n; i++) {
		if (st->entries[i].repository && !strcmp(st->entries[i].repository, scope)) {
			syscall_set__merge(out, &st->entries[i].set);
			matched++;
		}
	}
	return matched ? matched : -ENOENT;
}

static void words__hex(const uint64_t *words, FILE *f)
{
	size_t i;

	for (i = 0; i < SYSCALL_SET_WORDS; i++)
		fprintf(f, "%016llx", (unsigned long long)words[i]);
}

static int words__parse(const char *hex, uint64_t *words)
{
	char word[17];
	size_t i, j;

	if (strlen(hex) != HEX_LEN)
		return -EINVAL;
	for (i = 0; i < SYSCALL_SET_WORDS; i++) {
		for (j = 0; j < 16; j++) {
			char c = hex[i * 16 + j];

			if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
				return -EINVAL;
			word[j] = c;
		}
		word[16] = '\0';
		words[i] = strtoull(word, NULL, 16);
	}
	return 0;
}

static int store__write(FILE *f, const void *ctx)
{
	const struct seccomp_store *st = ctx;
	size_t i;

	fprintf(f, "%s\n", STORE_MAGIC);
	for (i = 0; i < st->n; i++) {
		const struct store_entry *e = &st->entries[i];

		fprintf(f, "%s\t%s\t", e->image, e->repository ? e->repository : "-");
		words__hex(e->set.native, f);
		fputc('\t', f);
		words__hex(e->set.compat, f);
		fputc('\n', f);
	}
	fprintf(f, "end %zu\n", st->n);
	return 0;
}

int seccomp_store__save(struct seccomp_store *st, const char *path)
{
	int err = state_file__replace(path, 0644, store__write, st);

	if (!err)
		st->dirty = false;
	return err;
}

/* One "IMAGE TAB REPOSITORY TAB NATIVE TAB IA32" line into st. */
static int store__parse_line(struct seccomp_store *st, char *line, const char **why)
{
	char *fields[4], *rest = line;
	struct syscall_set set;
	int i, err;

	for (i = 0; i < 4; i++) {
		fields[i] = strsep(&rest, "\t");
		if (!fields[i] || (i < 3 && !rest)) {
			*why = "expected 4 tab-separated fields";
			return -EINVAL;
		}
	}
	if (rest) {
		*why = "expected 4 tab-separated fields";
		return -EINVAL;
	}
	if (words__parse(fields[2], set.native) || words__parse(fields[3], set.compat)) {
		*why = "a syscall set is not 128 lowercase hex digits";
		return -EINVAL;
	}
	for (i = 0; i < (int)st->n; i++) {
		if (!strcmp(st->entries[i].image, fields[0])) {
			*why = "image listed twice";
			return -EINVAL;
		}
	}
	err = seccomp_store__add(st, fields[0], strcmp(fields[1], "-") ? fields[1] : NULL, &set);
	if (err == -EINVAL)
		*why = "invalid image or repository";
	return err < 0 ? err : 0;
}

int seccomp_store__load(struct seccomp_store *st, const char *path, char *error, size_t errlen)
{
	char *line = NULL;
	size_t cap = 0, lineno = 0, count;
	const char *why = NULL;
	bool ended = false;
	ssize_t len;
	FILE *f;
	int err = 0;

	store__clear(st);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while ((len = getline(&line, &cap, f)) >= 0) {
		lineno++;
		if (len == 0 || line[len - 1] != '\n') {
			why = "line not terminated (file cut short?)";
			break;
		}
		line[len - 1] = '\0';
		if (ended) {
			why = "text after the end line";
			break;
		}
		if (lineno == 1) {
			if (strcmp(line, STORE_MAGIC))
				why = "not a vigil syscalls file (expected \"" STORE_MAGIC "\")";
		} else if (!strncmp(line, "end ", 4)) {
			char *end;

			count = strtoul(line + 4, &end, 10);
			if (*end || count != st->n)
				why = "the end line's count does not match the lines read";
			ended = true;
		} else {
			err = store__parse_line(st, line, &why);
			if (err == -ENOMEM)
				break;
		}
		if (why)
			break;
	}
	if (!why && !err && ferror(f))
		err = -EIO;
	if (!why && !err && !ended)
		why = lineno ? "no end line (file cut short?)" : "empty file";
	free(line);
	fclose(f);
	if (why) {
		snprintf(error, errlen, "%s:%zu: %s", path, lineno ? lineno : 1, why);
		err = -EINVAL;
	} else if (err) {
		snprintf(error, errlen, "%s: %s", path, strerror(-err));
	}
	if (err)
		store__clear(st);
	st->dirty = false;
	return err;
}
