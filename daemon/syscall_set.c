// SPDX-License-Identifier: GPL-2.0-only
/*
 * Sets of syscall numbers, native x86_64 and ia32 apart: what a container
 * was seen to call, and the union of what an image's containers called.
 */
#include <string.h>

#include "vigil.h"

#define WORD_BITS 64

void syscall_set__from_kernel(struct syscall_set *s, const struct vigil_syscall_set *k)
{
	unsigned int nr;

	memset(s, 0, sizeof(*s));
	for (nr = 0; nr < VIGIL_SYSCALL_NR_MAX; nr++) {
		if (k->native[nr])
			syscall_set__add(s, false, nr);
		if (k->compat[nr])
			syscall_set__add(s, true, nr);
	}
}

void syscall_set__add(struct syscall_set *s, bool compat, unsigned int nr)
{
	uint64_t *words = compat ? s->compat : s->native;

	if (nr < VIGIL_SYSCALL_NR_MAX)
		words[nr / WORD_BITS] |= 1ull << (nr % WORD_BITS);
}

bool syscall_set__has(const struct syscall_set *s, bool compat, unsigned int nr)
{
	const uint64_t *words = compat ? s->compat : s->native;

	return nr < VIGIL_SYSCALL_NR_MAX && (words[nr / WORD_BITS] >> (nr % WORD_BITS) & 1);
}

bool syscall_set__merge(struct syscall_set *dst, const struct syscall_set *src)
{
	bool grew = false;
	size_t i;

	for (i = 0; i < SYSCALL_SET_WORDS; i++) {
		grew |= (src->native[i] & ~dst->native[i]) || (src->compat[i] & ~dst->compat[i]);
		dst->native[i] |= src->native[i];
		dst->compat[i] |= src->compat[i];
	}
	return grew;
}

size_t syscall_set__count(const struct syscall_set *s, bool compat)
{
	const uint64_t *words = compat ? s->compat : s->native;
	size_t i, n = 0;

	for (i = 0; i < SYSCALL_SET_WORDS; i++)
		n += __builtin_popcountll(words[i]);
	return n;
}
