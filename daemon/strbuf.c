// SPDX-License-Identifier: GPL-2.0-only
/* Bounded string building for fixed buffers on the alert path: never
 * overflows, always NUL-terminates, and remembers that it cut something. */
#include <stdarg.h>
#include <string.h>

#include "vigil.h"

void strbuf__init(struct strbuf *sb, char *buf, size_t cap)
{
	sb->buf = buf;
	sb->cap = cap;
	sb->len = 0;
	sb->truncated = false;
	if (cap)
		buf[0] = '\0';
}

void strbuf__append(struct strbuf *sb, const char *s, size_t n)
{
	size_t room;

	if (!sb->cap)
		return;
	room = sb->cap - 1 - sb->len;
	if (n > room) {
		n = room;
		sb->truncated = true;
	}
	memcpy(sb->buf + sb->len, s, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
}

void strbuf__puts(struct strbuf *sb, const char *s)
{
	strbuf__append(sb, s, strlen(s));
}

void strbuf__printf(struct strbuf *sb, const char *fmt, ...)
{
	size_t room;
	va_list ap;
	int n;

	if (!sb->cap)
		return;
	room = sb->cap - sb->len;
	va_start(ap, fmt);
	n = vsnprintf(sb->buf + sb->len, room, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= room) {
		sb->len = sb->cap - 1;
		sb->truncated = true;
	} else {
		sb->len += (size_t)n;
	}
}
