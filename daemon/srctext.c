// SPDX-License-Identifier: GPL-2.0-only
/*
 * Text that remembers where each of its bytes was written. Conditions are
 * pasted together from many places (appends, list items, exceptions); an
 * error deep inside one still has to name the file, line and column the
 * user wrote it at.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rules_internal.h"

void srctext__free(struct srctext *st)
{
	free(st->text);
	free(st->pos);
	memset(st, 0, sizeof(*st));
}

void srctext_builder__init(struct srctext_builder *b, struct srctext *out)
{
	memset(out, 0, sizeof(*out));
	b->out = out;
	b->cap = 0;
	b->failed = false;
}

static bool srctext_builder__reserve(struct srctext_builder *b, size_t n)
{
	struct srctext *st = b->out;
	size_t cap;
	char *text;
	struct srcpos *pos;

	if (b->failed)
		return false;
	if (st->len + n + 1 <= b->cap)
		return true;
	cap = (b->cap ? b->cap * 2 : 64) + n;
	text = realloc(st->text, cap);
	if (!text)
		goto nomem;
	st->text = text;
	pos = realloc(st->pos, cap * sizeof(*pos));
	if (!pos)
		goto nomem;
	st->pos = pos;
	b->cap = cap;
	return true;
nomem:
	b->failed = true;
	return false;
}

void srctext_builder__put(struct srctext_builder *b, const char *s, size_t n,
			  const struct srcpos *pos)
{
	struct srctext *st = b->out;
	size_t i;

	if (!srctext_builder__reserve(b, n))
		return;
	memcpy(st->text + st->len, s, n);
	for (i = 0; i < n; i++)
		st->pos[st->len + i] = *pos;
	st->len += n;
	st->text[st->len] = '\0';
	st->pos[st->len] = *pos;
}

void srctext_builder__puts(struct srctext_builder *b, const char *s, const struct srcpos *pos)
{
	srctext_builder__put(b, s, strlen(s), pos);
}

void srctext_builder__copy(struct srctext_builder *b, const struct srctext *src, size_t from,
			   size_t to)
{
	struct srctext *st = b->out;

	if (to <= from || !srctext_builder__reserve(b, to - from))
		return;
	memcpy(st->text + st->len, src->text + from, to - from);
	memcpy(st->pos + st->len, src->pos + from, (to - from) * sizeof(*st->pos));
	st->len += to - from;
	st->text[st->len] = '\0';
	st->pos[st->len] = src->pos[to];
}

int srctext_builder__finish(struct srctext_builder *b, const struct srcpos *end)
{
	if (!srctext_builder__reserve(b, 0)) {
		srctext__free(b->out);
		return -ENOMEM;
	}
	b->out->text[b->out->len] = '\0';
	b->out->pos[b->out->len] = *end;
	return 0;
}

int srctext__append(struct srctext *dst, const struct srctext *src)
{
	struct srctext_builder b;
	struct srctext out;

	srctext_builder__init(&b, &out);
	srctext_builder__copy(&b, dst, 0, dst->len);
	srctext_builder__put(&b, " ", 1, &dst->pos[dst->len]);
	srctext_builder__copy(&b, src, 0, src->len);
	if (srctext_builder__finish(&b, &src->pos[src->len]))
		return -ENOMEM;
	srctext__free(dst);
	*dst = out;
	return 0;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

void srctext__trim(struct srctext *st)
{
	size_t lead = 0;

	while (st->len && is_blank(st->text[st->len - 1]))
		st->len--;
	while (lead < st->len && is_blank(st->text[lead]))
		lead++;
	memmove(st->text, st->text + lead, st->len - lead);
	memmove(st->pos, st->pos + lead, (st->len - lead + 1) * sizeof(*st->pos));
	st->len -= lead;
	st->text[st->len] = '\0';
}
