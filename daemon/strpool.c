// SPDX-License-Identifier: GPL-2.0-only
/*
 * Interned strings. Lists are pasted into every condition that names them,
 * so the same items recur in many compiled checks: the pool keeps one copy
 * of each for the ruleset's lifetime. An open-addressing hash set, grown
 * at half full.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rules_internal.h"

struct strpool {
	char **slots;
	size_t cap; /* a power of two */
	size_t n;
};

static uint64_t str_hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
	return h;
}

struct strpool *strpool__new(void)
{
	struct strpool *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->cap = 64;
	p->slots = calloc(p->cap, sizeof(*p->slots));
	if (!p->slots) {
		free(p);
		return NULL;
	}
	return p;
}

void strpool__free(struct strpool *p)
{
	size_t i;

	if (!p)
		return;
	for (i = 0; i < p->cap; i++)
		free(p->slots[i]);
	free(p->slots);
	free(p);
}

static size_t strpool__slot(const struct strpool *p, const char *s)
{
	size_t i = (size_t)str_hash(s) & (p->cap - 1);

	while (p->slots[i] && strcmp(p->slots[i], s))
		i = (i + 1) & (p->cap - 1);
	return i;
}

static int strpool__grow(struct strpool *p)
{
	struct strpool bigger = { .cap = p->cap * 2, .n = p->n };
	size_t i;

	bigger.slots = calloc(bigger.cap, sizeof(*bigger.slots));
	if (!bigger.slots)
		return -1;
	for (i = 0; i < p->cap; i++) {
		if (p->slots[i])
			bigger.slots[strpool__slot(&bigger, p->slots[i])] = p->slots[i];
	}
	free(p->slots);
	*p = bigger;
	return 0;
}

const char *strpool__intern(struct strpool *p, const char *s)
{
	size_t i;

	if (2 * (p->n + 1) > p->cap && strpool__grow(p))
		return NULL;
	i = strpool__slot(p, s);
	if (!p->slots[i]) {
		p->slots[i] = strdup(s);
		if (!p->slots[i])
			return NULL;
		p->n++;
	}
	return p->slots[i];
}
