// SPDX-License-Identifier: GPL-2.0-only
/*
 * Baselines: per anomaly item and scope value, the tuples seen, and when the
 * scope's learning began. Scopes and tuples are kept sorted, so a lookup is a
 * binary search and an export is in order without sorting. Both are bounded:
 * past max_scopes a new scope is not tracked; past max_tuples a scope stops
 * learning. Each is reported once, through the verdict.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vigil.h"

struct baseline {
	struct baseline_limits lim;
	struct baseline_scope **scopes;
	size_t n;
	size_t cap;
	bool dirty;
	bool untracked_reported;
};

struct baseline *baseline__new(const struct baseline_limits *lim)
{
	struct baseline *b = calloc(1, sizeof(*b));

	if (!b)
		return NULL;
	b->lim = *lim;
	if (!b->lim.max_scopes)
		b->lim.max_scopes = BASELINE_MAX_SCOPES_DEFAULT;
	if (!b->lim.max_tuples)
		b->lim.max_tuples = BASELINE_MAX_TUPLES_DEFAULT;
	return b;
}

void baseline_scope__free(struct baseline_scope *s)
{
	size_t i;

	if (!s)
		return;
	free(s->anomaly);
	free(s->scope_field);
	free(s->scope);
	for (i = 0; i < s->nfields; i++)
		free(s->fields[i]);
	for (i = 0; i < s->ntuples; i++)
		free(s->tuples[i]);
	free(s->tuples);
	free(s);
}

void baseline__free(struct baseline *b)
{
	size_t i;

	if (!b)
		return;
	for (i = 0; i < b->n; i++)
		baseline_scope__free(b->scopes[i]);
	free(b->scopes);
	free(b);
}

size_t baseline__count(const struct baseline *b)
{
	return b->n;
}

const struct baseline_scope *baseline__at(const struct baseline *b, size_t i)
{
	return i < b->n ? b->scopes[i] : NULL;
}

bool baseline__dirty(const struct baseline *b)
{
	return b->dirty;
}

void baseline__set_clean(struct baseline *b)
{
	b->dirty = false;
}

const char *baseline_tuple__value(const char *tuple, size_t i)
{
	while (i--)
		tuple += strlen(tuple) + 1;
	return tuple;
}

int baseline_scope__field(const struct baseline_scope *s, const char *field)
{
	size_t i;

	for (i = 0; i < s->nfields; i++) {
		if (!strcmp(s->fields[i], field))
			return (int)i;
	}
	return -1;
}

/* Tuples compare value by value. */
static int tuple__cmp(const char *a, const char *const *values, size_t n)
{
	size_t i;
	int c;

	for (i = 0; i < n; i++) {
		c = strcmp(a, values[i]);
		if (c)
			return c;
		a += strlen(a) + 1;
	}
	return 0;
}

/* The index of the tuple, or of where it would go (*found false). */
static size_t scope__search(const struct baseline_scope *s, const char *const *values,
			    bool *found)
{
	size_t lo = 0, hi = s->ntuples, mid;
	int c;

	*found = false;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = tuple__cmp(s->tuples[mid], values, s->nfields);
		if (!c) {
			*found = true;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int scope__insert(struct baseline_scope *s, size_t at, const char *const *values)
{
	size_t i, len = 0, off = 0;
	char *t;

	for (i = 0; i < s->nfields; i++)
		len += strlen(values[i]) + 1;
	if (s->ntuples == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 16;
		char **grown = realloc(s->tuples, cap * sizeof(*grown));

		if (!grown)
			return -ENOMEM;
		s->tuples = grown;
		s->cap = cap;
	}
	t = malloc(len);
	if (!t)
		return -ENOMEM;
	for (i = 0; i < s->nfields; i++) {
		size_t n = strlen(values[i]) + 1;

		memcpy(t + off, values[i], n);
		off += n;
	}
	memmove(&s->tuples[at + 1], &s->tuples[at], (s->ntuples - at) * sizeof(*s->tuples));
	s->tuples[at] = t;
	s->ntuples++;
	return 0;
}

/* Adds a tuple (values: nfields strings); 0 when it was there already. */
static int scope__add(struct baseline_scope *s, const char *const *values)
{
	bool found;
	size_t at = scope__search(s, values, &found);

	return found ? 0 : scope__insert(s, at, values);
}

static int key__cmp(const char *anomaly, const char *scope, const struct baseline_scope *s)
{
	int c = strcmp(anomaly, s->anomaly);

	return c ? c : strcmp(scope, s->scope);
}

static size_t baseline__search(const struct baseline *b, const char *anomaly, const char *scope,
			       bool *found)
{
	size_t lo = 0, hi = b->n, mid;
	int c;

	*found = false;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = key__cmp(anomaly, scope, b->scopes[mid]);
		if (!c) {
			*found = true;
			return mid;
		}
		if (c > 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int baseline__insert(struct baseline *b, size_t at, struct baseline_scope *s)
{
	if (b->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 16;
		struct baseline_scope **grown = realloc(b->scopes, cap * sizeof(*grown));

		if (!grown)
			return -ENOMEM;
		b->scopes = grown;
		b->cap = cap;
	}
	memmove(&b->scopes[at + 1], &b->scopes[at], (b->n - at) * sizeof(*b->scopes));
	b->scopes[at] = s;
	b->n++;
	b->dirty = true;
	return 0;
}

int baseline__put(struct baseline *b, struct baseline_scope *s)
{
	bool found;
	size_t at = baseline__search(b, s->anomaly, s->scope, &found);
	int err;

	if (found) {
		baseline_scope__free(b->scopes[at]);
		b->scopes[at] = s;
		b->dirty = true;
		return 0;
	}
	if (b->n >= b->lim.max_scopes) {
		baseline_scope__free(s);
		return -ENOSPC;
	}
	err = baseline__insert(b, at, s);
	if (err)
		baseline_scope__free(s);
	return err;
}

size_t baseline__remove(struct baseline *b, const char *scope)
{
	size_t i, j = 0, removed = 0;

	for (i = 0; i < b->n; i++) {
		if (!strcmp(b->scopes[i]->scope, scope)) {
			baseline_scope__free(b->scopes[i]);
			removed++;
			continue;
		}
		b->scopes[j++] = b->scopes[i];
	}
	b->n = j;
	if (removed)
		b->dirty = true;
	return removed;
}

static struct baseline_scope *scope__new(const struct baseline_key *k, int64_t now_s)
{
	struct baseline_scope *s = calloc(1, sizeof(*s));
	size_t i;

	if (!s)
		return NULL;
	s->anomaly = strdup(k->anomaly);
	s->scope_field = strdup(k->scope_field);
	s->scope = strdup(k->scope);
	s->started = now_s;
	for (i = 0; i < k->nfields; i++) {
		s->fields[i] = strdup(k->fields[i]);
		if (s->fields[i])
			s->nfields++;
	}
	if (!s->anomaly || !s->scope_field || !s->scope || s->nfields != k->nfields) {
		baseline_scope__free(s);
		return NULL;
	}
	return s;
}

/* The scope learned other fields than the item now asks for (its tuple was
 * edited): what it learned means nothing for the new tuple. */
static bool scope__same_fields(const struct baseline_scope *s, const struct baseline_key *k)
{
	size_t i;

	if (s->nfields != k->nfields || strcmp(s->scope_field, k->scope_field))
		return false;
	for (i = 0; i < s->nfields; i++) {
		if (strcmp(s->fields[i], k->fields[i]))
			return false;
	}
	return true;
}

/* The scope for k, made (learning from now) when new or when its tuple changed. */
static int baseline__scope(struct baseline *b, const struct baseline_key *k, int64_t now_s,
			   struct baseline_scope **out, enum baseline_verdict *verdict)
{
	struct baseline_scope *s;
	bool found;
	size_t at = baseline__search(b, k->anomaly, k->scope, &found);

	*out = NULL;
	if (found && scope__same_fields(b->scopes[at], k)) {
		*out = b->scopes[at];
		return 0;
	}
	if (!found && b->n >= b->lim.max_scopes) {
		*verdict = b->untracked_reported ? BASELINE_IGNORED : BASELINE_UNTRACKED;
		b->untracked_reported = true;
		return 0;
	}
	s = scope__new(k, now_s);
	if (!s)
		return -ENOMEM;
	if (found) {
		baseline_scope__free(b->scopes[at]);
		b->scopes[at] = s;
		b->dirty = true;
	} else if (baseline__insert(b, at, s)) {
		baseline_scope__free(s);
		return -ENOMEM;
	}
	*out = s;
	return 0;
}

int baseline__observe(struct baseline *b, const struct baseline_key *k,
		      const char *const *values, int64_t now_s, uint64_t learning_s,
		      bool alert_once, enum baseline_verdict *verdict)
{
	struct baseline_scope *s;
	bool found, learning;
	size_t at;
	int err;

	err = baseline__scope(b, k, now_s, &s, verdict);
	if (err || !s)
		return err;
	at = scope__search(s, values, &found);
	if (found) {
		*verdict = BASELINE_KNOWN;
		return 0;
	}
	/* A clock set back leaves the scope learning, never alerting early. */
	learning = now_s < s->started || (uint64_t)(now_s - s->started) < learning_s;
	if (!learning) {
		*verdict = BASELINE_NEW;
		if (!alert_once || s->ntuples >= b->lim.max_tuples)
			return 0;
	} else if (s->full) {
		*verdict = BASELINE_IGNORED;
		return 0;
	} else if (s->ntuples >= b->lim.max_tuples) {
		s->full = true;
		b->dirty = true;
		*verdict = BASELINE_FULL;
		return 0;
	} else {
		*verdict = BASELINE_LEARNED;
	}
	err = scope__insert(s, at, values);
	if (!err)
		b->dirty = true;
	return err;
}

int baseline_scope__add(struct baseline_scope *s, const char *const *values)
{
	return scope__add(s, values);
}

const struct baseline_limits *baseline__limits(const struct baseline *b)
{
	return &b->lim;
}
