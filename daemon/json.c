// SPDX-License-Identifier: GPL-2.0-only
/* JSON string escaping (RFC 8259), shared by everything that writes JSON. */
#include <string.h>

#include "vigil.h"

/*
 * Length of the UTF-8 sequence at s and whether it is valid. An invalid one
 * is its longest valid-looking prefix, at least one byte (Unicode's "maximal
 * subpart", which Python and browsers use too): each becomes one U+FFFD.
 */
size_t utf8__char_len(const unsigned char *s, bool *valid)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t need, i;

	*valid = false;
	if (s[0] < 0x80) {
		*valid = true;
		return 1;
	}
	if (s[0] < 0xc2) /* a continuation byte, or an overlong 2-byte lead */
		return 1;
	if (s[0] < 0xe0) {
		need = 1;
	} else if (s[0] < 0xf0) {
		need = 2;
		if (s[0] == 0xe0)
			lo = 0xa0; /* overlong */
		else if (s[0] == 0xed)
			hi = 0x9f; /* UTF-16 surrogates */
	} else if (s[0] < 0xf5) {
		need = 3;
		if (s[0] == 0xf0)
			lo = 0x90; /* overlong */
		else if (s[0] == 0xf4)
			hi = 0x8f; /* beyond U+10FFFF */
	} else {
		return 1;
	}
	/* The string's NUL is no continuation byte: this stops there. */
	for (i = 1; i <= need; i++) {
		if (s[i] < lo || s[i] > hi)
			return i;
		lo = 0x80;
		hi = 0xbf;
	}
	*valid = true;
	return need + 1;
}

/*
 * Appends s as JSON string content, at most max bytes of it, never splitting
 * an escape or a character. Returns the bytes it took (with sb NULL, would take).
 */
size_t json_str__escape(struct strbuf *sb, const char *s, size_t max)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	size_t used = 0, n, adv;
	const char *out;
	char esc[8];
	bool valid;

	if (!s)
		return 0;
	while (*p) {
		adv = 1;
		out = esc;
		switch (*p) {
		case '"':
			out = "\\\"";
			break;
		case '\\':
			out = "\\\\";
			break;
		case '\b':
			out = "\\b";
			break;
		case '\f':
			out = "\\f";
			break;
		case '\n':
			out = "\\n";
			break;
		case '\r':
			out = "\\r";
			break;
		case '\t':
			out = "\\t";
			break;
		default:
			if (*p < 0x20) {
				memcpy(esc, "\\u00", 4);
				esc[4] = hex[*p >> 4];
				esc[5] = hex[*p & 0xf];
				esc[6] = '\0';
				break;
			}
			adv = utf8__char_len(p, &valid);
			if (valid && adv < 4 && utf8__is_hostile(p, adv)) {
				/* DEL, C1 controls, line separators and bidi
				 * overrides: the same string to a parser, but
				 * never raw on a terminal that shows the line. */
				unsigned int c = adv == 1 ? p[0]
					       : adv == 2 ? (p[0] & 0x1fu) << 6 | (p[1] & 0x3fu)
							  : (p[0] & 0x0fu) << 12 |
								    (p[1] & 0x3fu) << 6 |
								    (p[2] & 0x3fu);

				memcpy(esc, "\\u", 2);
				esc[2] = hex[c >> 12 & 0xf];
				esc[3] = hex[c >> 8 & 0xf];
				esc[4] = hex[c >> 4 & 0xf];
				esc[5] = hex[c & 0xf];
				esc[6] = '\0';
				break;
			}
			out = valid ? (const char *)p : "\xef\xbf\xbd";
			n = valid ? adv : 3;
			goto emit;
		}
		n = strlen(out);
emit:
		if (n > max - used)
			break;
		if (sb)
			strbuf__append(sb, out, n);
		used += n;
		p += adv;
	}
	return used;
}

void json_str__put(struct strbuf *sb, const char *s, size_t max)
{
	strbuf__puts(sb, "\"");
	json_str__escape(sb, s, max);
	strbuf__puts(sb, "\"");
}

