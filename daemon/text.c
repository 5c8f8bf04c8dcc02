// SPDX-License-Identifier: GPL-2.0-only
/*
 * Event data in an alert's message. The message is text for people: it is
 * shown on terminals (journalctl, tail of a syslog file) and read by eyes
 * that trust what they see, while the data in it (file names, argv,
 * labels) is whatever a process chose. So a value is put in the message
 * with every byte a terminal or a reader could be fooled by written as
 * \xHH: C0 and C1 control characters (ESC starts terminal escape
 * sequences; newlines forge lines), DEL, the Unicode controls that reorder
 * or break text (U+2028, U+2029, U+202A..U+202E, U+2066..U+2069), and bytes
 * that are not UTF-8. A backslash is doubled, so that the escaping can be
 * undone exactly. The alert's fields keep the values as they were.
 */
#include <string.h>

#include "vigil.h"

bool utf8__is_hostile(const unsigned char *s, size_t n)
{
	if (n == 1)
		return s[0] < 0x20 || s[0] == 0x7f;
	if (n == 2)
		return s[0] == 0xc2 && s[1] < 0xa0; /* U+0080..U+009F */
	if (n == 3 && s[0] == 0xe2 && s[1] == 0x80)
		return s[2] >= 0xa8 && s[2] <= 0xae; /* U+2028..U+202E */
	if (n == 3 && s[0] == 0xe2 && s[1] == 0x81)
		return s[2] >= 0xa6 && s[2] <= 0xa9; /* U+2066..U+2069 */
	return false;
}

size_t text__escape(struct strbuf *sb, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	char esc[4 * 4];
	size_t adv, n, i, used = 0;
	const char *out;
	bool valid;

	while (*p) {
		adv = utf8__char_len(p, &valid);
		if (*p == '\\') {
			out = "\\\\";
			n = 2;
		} else if (!valid || utf8__is_hostile(p, adv)) {
			for (i = 0; i < adv; i++) {
				esc[4 * i] = '\\';
				esc[4 * i + 1] = 'x';
				esc[4 * i + 2] = hex[p[i] >> 4];
				esc[4 * i + 3] = hex[p[i] & 0xf];
			}
			out = esc;
			n = 4 * adv;
		} else {
			out = (const char *)p;
			n = adv;
		}
		/* Never half a character or half an escape. */
		if (sb->cap && n > sb->cap - 1 - sb->len) {
			sb->truncated = true;
			break;
		}
		strbuf__append(sb, out, n);
		used += n;
		p += adv;
	}
	return used;
}

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

size_t text__cut(const char *s, size_t room)
{
	size_t at = 0, unit;
	bool valid;

	while (s[at]) {
		if (s[at] == '\\' && s[at + 1] == '\\')
			unit = 2;
		else if (s[at] == '\\' && s[at + 1] == 'x' && is_hex(s[at + 2]) && is_hex(s[at + 3]))
			unit = 4;
		else
			unit = utf8__char_len((const unsigned char *)s + at, &valid);
		if (unit > room - at)
			break;
		at += unit;
	}
	return at;
}
