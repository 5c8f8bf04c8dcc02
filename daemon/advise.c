// SPDX-License-Identifier: GPL-2.0-only
/*
 * What the kinds of hardening advice share: a Kubernetes object's name made
 * from a scope value, and text put safely into the YAML they print.
 */
#include <stdio.h>
#include <string.h>

#include "vigil.h"

/* A DNS-1123 label from the scope's last path component: "Web_App" with
 * suffix "egress" is "web-app-egress". */
void advise__name(const char *scope, const char *suffix, char *out, size_t len)
{
	const char *base = strrchr(scope, '/');
	size_t n = 0, room = len - strlen(suffix) - 2;

	base = base ? base + 1 : scope;
	for (; *base && n < room && n < 50; base++) {
		char c = *base;

		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
			c = '-';
		if (c == '-' && (!n || out[n - 1] == '-'))
			continue;
		out[n++] = c;
	}
	while (n && out[n - 1] == '-')
		n--;
	if (!n && !*suffix)
		snprintf(out, len, "app");
	else
		snprintf(out + n, len - n, "%s%s", n && *suffix ? "-" : "", suffix);
}

void advise__quoted(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(out, "\\%c", *s);
		else if ((unsigned char)*s < 0x20 || *s == 0x7f)
			fprintf(out, "\\x%02x", (unsigned char)*s);
		else
			fputc(*s, out);
	}
	fputc('"', out);
}

void advise__comment(FILE *out, const char *s)
{
	for (; *s; s++)
		fputc((unsigned char)*s < 0x20 ? '?' : *s, out);
}
