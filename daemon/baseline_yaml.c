// SPDX-License-Identifier: GPL-2.0-only
/*
 * Baselines as YAML: the file vigild keeps in its state directory and the
 * one `vigild --baseline export` prints are the same, sorted, every string
 * double-quoted, so that a diff shows what was learned. Reading is strict:
 * the file may come from anywhere, so every key, type, count and length is
 * checked, every error is reported with its line, and nothing is taken
 * unless everything is right.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rules_internal.h"

#define BASELINE_VERSION "1"

/* The code point of the UTF-8 character at p (valid: checked on import and
 * before learning), and its length. */
static unsigned int utf8__decode(const unsigned char *p, size_t *len)
{
	if (p[0] < 0xe0) {
		*len = 2;
		return (unsigned int)(p[0] & 0x1f) << 6 | (p[1] & 0x3f);
	}
	if (p[0] < 0xf0) {
		*len = 3;
		return (unsigned int)(p[0] & 0x0f) << 12 | (unsigned int)(p[1] & 0x3f) << 6 |
		       (p[2] & 0x3f);
	}
	*len = 4;
	return 0x10000;
}

/*
 * A double-quoted YAML string that reads back byte for byte: what YAML
 * would not take as is, or would read as a line break (NEL, U+2028,
 * U+2029), is escaped. Values with invalid UTF-8 are never learned.
 */
static void put_quoted(FILE *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned int cp;
	size_t n;

	fputc('"', out);
	while (*p) {
		if (*p >= 0x80) {
			cp = utf8__decode(p, &n);
			if (cp <= 0x9f)
				fprintf(out, "\\x%02x", cp);
			else if (cp == 0x2028 || cp == 0x2029 || cp == 0xfeff || cp == 0xfffe ||
				 cp == 0xffff)
				fprintf(out, "\\u%04x", cp);
			else
				fwrite(p, 1, n, out);
			p += n;
			continue;
		}
		if (*p == '"' || *p == '\\')
			fprintf(out, "\\%c", *p);
		else if (*p == '\n')
			fputs("\\n", out);
		else if (*p == '\t')
			fputs("\\t", out);
		else if (*p < 0x20 || *p == 0x7f)
			fprintf(out, "\\x%02x", *p);
		else
			fputc(*p, out);
		p++;
	}
	fputc('"', out);
}

static void put_time(FILE *out, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	char buf[32];

	if (!gmtime_r(&tt, &tm) || !strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(buf, sizeof(buf), "1970-01-01T00:00:00Z");
	fputs(buf, out);
}

static void put_scope(FILE *out, const struct baseline_scope *s)
{
	size_t i, j;

	fputs("  - anomaly: ", out);
	put_quoted(out, s->anomaly);
	fputs("\n    scope_field: ", out);
	put_quoted(out, s->scope_field);
	fputs("\n    scope: ", out);
	put_quoted(out, s->scope);
	fputs("\n    learning_started: ", out);
	put_time(out, s->started);
	fprintf(out, "\n    learning_full: %s\n    fields: [", s->full ? "true" : "false");
	for (i = 0; i < s->nfields; i++) {
		if (i)
			fputs(", ", out);
		put_quoted(out, s->fields[i]);
	}
	fputs("]\n    tuples:", out);
	if (!s->ntuples)
		fputs(" []", out);
	fputc('\n', out);
	for (i = 0; i < s->ntuples; i++) {
		fputs("      - [", out);
		for (j = 0; j < s->nfields; j++) {
			if (j)
				fputs(", ", out);
			put_quoted(out, baseline_tuple__value(s->tuples[i], j));
		}
		fputs("]\n", out);
	}
}

int baseline__export(const struct baseline *b, const char *scope, FILE *out)
{
	size_t i, n = 0;

	fputs("# vigil baselines: per anomaly item and scope, the tuples seen.\n"
	      "# Review, keep in git, load with `vigild --baseline import FILE`.\n"
	      "version: " BASELINE_VERSION "\nscopes:", out);
	for (i = 0; i < baseline__count(b); i++)
		n += !scope || !strcmp(baseline__at(b, i)->scope, scope);
	fputs(n ? "\n" : " []\n", out);
	for (i = 0; i < baseline__count(b); i++) {
		const struct baseline_scope *s = baseline__at(b, i);

		if (!scope || !strcmp(s->scope, scope))
			put_scope(out, s);
	}
	return fflush(out) || ferror(out) ? -EIO : 0;
}

/* Reading */

struct import {
	struct rules_file *f;
	const struct baseline_limits *lim;
	struct baseline_scope **scopes;
	size_t n;
	unsigned int docs;
	bool nomem;
};

static void import__error(struct import *im, const struct ynode *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void import__error(struct import *im, const struct ynode *n, const char *fmt, ...)
{
	struct srcpos pos = ynode__pos(im->f, n);
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	rules_diag__error(im->f->d, &pos, "%s", msg);
}

/* Text a value may hold: no NUL inside, valid UTF-8, within the bound. */
static bool text__ok(const struct ynode *n, size_t max)
{
	const unsigned char *p = (const unsigned char *)n->value;
	bool valid;
	size_t i;

	if (n->len != strlen(n->value) || n->len >= max)
		return false;
	for (i = 0; i < n->len;) {
		i += utf8__char_len(p + i, &valid);
		if (!valid)
			return false;
	}
	return true;
}

/* A string value, or NULL after an error. */
static const char *import__string(struct import *im, const struct ynode *n, const char *what,
				  size_t max)
{
	if (!ynode__is_scalar(n) || ynode__is_null(n) || !*n->value) {
		import__error(im, n, "'%s' must be a non-empty string", what);
		return NULL;
	}
	if (!text__ok(n, max)) {
		import__error(im, n, "'%s' must be UTF-8 text of at most %zu bytes", what,
			      max - 1);
		return NULL;
	}
	return n->value;
}

static bool import__time(struct import *im, const struct ynode *n, int64_t *out)
{
	struct tm tm = { 0 };
	const char *end;

	if (ynode__is_scalar(n)) {
		end = strptime(n->value, "%Y-%m-%dT%H:%M:%SZ", &tm);
		/* 1970 to 9999: what reads back the same. */
		if (end && !*end && tm.tm_year >= 70 && tm.tm_year <= 9999 - 1900) {
			*out = (int64_t)timegm(&tm);
			return true;
		}
	}
	import__error(im, n, "'learning_started' must be a UTC time such as 2026-01-31T12:00:00Z");
	return false;
}

static bool import__fields(struct import *im, const struct ynode *n, struct baseline_scope *s)
{
	size_t i;

	if (n->type != YNODE_SEQ || !n->nkids || n->nkids > ANOMALY_FIELDS_MAX) {
		import__error(im, n, "'fields' must be a sequence of 1 to %d field names",
			      ANOMALY_FIELDS_MAX);
		return false;
	}
	for (i = 0; i < n->nkids; i++) {
		const char *v = import__string(im, n->kids[i], "fields", ANOMALY_VALUE_MAX);

		if (!v)
			return false;
		s->fields[i] = strdup(v);
		if (!s->fields[i]) {
			im->nomem = true;
			return false;
		}
		s->nfields++;
	}
	return true;
}

/* Tuples need 'fields' first: read after the whole mapping was seen. */
static bool import__tuples(struct import *im, const struct ynode *n, struct baseline_scope *s)
{
	const char *values[ANOMALY_FIELDS_MAX];
	size_t i, j, before;

	if (n->type != YNODE_SEQ) {
		import__error(im, n, "'tuples' must be a sequence of tuples");
		return false;
	}
	if (n->nkids > im->lim->max_tuples) {
		import__error(im, n, "%zu tuples: more than the %zu a scope may hold", n->nkids,
			      im->lim->max_tuples);
		return false;
	}
	for (i = 0; i < n->nkids; i++) {
		const struct ynode *t = n->kids[i];

		if (t->type != YNODE_SEQ || t->nkids != s->nfields) {
			import__error(im, t, "a tuple must be a sequence of %zu values, one per "
					     "field", s->nfields);
			return false;
		}
		for (j = 0; j < s->nfields; j++) {
			if (!ynode__is_scalar(t->kids[j]) || !text__ok(t->kids[j], ANOMALY_VALUE_MAX)) {
				import__error(im, t->kids[j],
					      "a tuple value must be UTF-8 text of at most %d bytes",
					      ANOMALY_VALUE_MAX - 1);
				return false;
			}
			values[j] = t->kids[j]->value;
		}
		before = s->ntuples;
		if (baseline_scope__add(s, values)) {
			im->nomem = true;
			return false;
		}
		if (s->ntuples == before) {
			import__error(im, t, "the same tuple twice");
			return false;
		}
	}
	return true;
}

static const char *const scope_keys[] = { "anomaly", "scope_field", "scope",
					   "learning_started", "learning_full", "fields",
					   "tuples" };
#define NSCOPE_KEYS (sizeof(scope_keys) / sizeof(scope_keys[0]))

static struct baseline_scope *import__scope(struct import *im, const struct ynode *n)
{
	const struct ynode *val[NSCOPE_KEYS] = { 0 };
	struct baseline_scope *s;
	const char *str;
	size_t i, k;
	bool ok = true;

	if (n->type != YNODE_MAP) {
		import__error(im, n, "a scope must be a mapping");
		return NULL;
	}
	for (i = 0; i + 1 < n->nkids; i += 2) {
		const struct ynode *key = n->kids[i];

		for (k = 0; k < NSCOPE_KEYS; k++) {
			if (ynode__is_scalar(key) && !strcmp(key->value, scope_keys[k]))
				break;
		}
		if (k == NSCOPE_KEYS) {
			import__error(im, key, "unknown key '%s' (expected anomaly, scope_field, "
					       "scope, learning_started, learning_full, fields, "
					       "tuples)",
				      ynode__is_scalar(key) ? key->value : "?");
			return NULL;
		}
		if (val[k]) {
			import__error(im, key, "duplicate key '%s'", scope_keys[k]);
			return NULL;
		}
		val[k] = n->kids[i + 1];
	}
	for (k = 0; k < NSCOPE_KEYS; k++) {
		if (!val[k] && strcmp(scope_keys[k], "learning_full")) {
			import__error(im, n, "a scope needs '%s'", scope_keys[k]);
			return NULL;
		}
	}
	s = calloc(1, sizeof(*s));
	if (!s) {
		im->nomem = true;
		return NULL;
	}
	for (k = 0; k < 3 && ok; k++) {
		char **dst = k == 0 ? &s->anomaly : k == 1 ? &s->scope_field : &s->scope;

		str = import__string(im, val[k], scope_keys[k], ANOMALY_VALUE_MAX);
		ok = str && (*dst = strdup(str));
		if (str && !*dst)
			im->nomem = true;
	}
	ok = ok && import__time(im, val[3], &s->started);
	if (ok && val[4] && !ynode__bool(val[4], &s->full)) {
		import__error(im, val[4], "'learning_full' must be true or false");
		ok = false;
	}
	ok = ok && import__fields(im, val[5], s) && import__tuples(im, val[6], s);
	if (!ok) {
		baseline_scope__free(s);
		return NULL;
	}
	return s;
}

static void import__document(void *ctx, struct rules_file *f, const struct ynode *root)
{
	struct import *im = ctx;
	const struct ynode *version, *scopes;
	size_t i, j;

	(void)f;
	if (im->docs++) {
		import__error(im, root, "a baseline file holds one document");
		return;
	}
	if (root->type != YNODE_MAP || root->nkids != 4) {
		import__error(im, root, "expected a mapping of 'version' and 'scopes'");
		return;
	}
	version = ynode__get(root, "version");
	scopes = ynode__get(root, "scopes");
	if (!version || !scopes) {
		import__error(im, root, "expected a mapping of 'version' and 'scopes'");
		return;
	}
	if (!ynode__is_scalar(version) || strcmp(version->value, BASELINE_VERSION)) {
		import__error(im, version, "unknown baseline version (this vigild reads %s)",
			      BASELINE_VERSION);
		return;
	}
	if (scopes->type != YNODE_SEQ) {
		import__error(im, scopes, "'scopes' must be a sequence");
		return;
	}
	if (scopes->nkids > im->lim->max_scopes) {
		import__error(im, scopes, "%zu scopes: more than the %zu vigild keeps",
			      scopes->nkids, im->lim->max_scopes);
		return;
	}
	im->scopes = calloc(scopes->nkids + 1, sizeof(*im->scopes));
	if (!im->scopes) {
		im->nomem = true;
		return;
	}
	for (i = 0; i < scopes->nkids && !im->nomem; i++) {
		struct baseline_scope *s = import__scope(im, scopes->kids[i]);

		if (!s)
			continue;
		for (j = 0; j < im->n; j++) {
			if (!strcmp(im->scopes[j]->anomaly, s->anomaly) &&
			    !strcmp(im->scopes[j]->scope, s->scope))
				break;
		}
		if (j < im->n) {
			import__error(im, scopes->kids[i], "anomaly '%s' has scope '%s' twice",
				      s->anomaly, s->scope);
			baseline_scope__free(s);
			continue;
		}
		im->scopes[im->n++] = s;
	}
}

/* How many scopes b would hold with the imported ones. */
static size_t import__total(const struct baseline *b, const struct import *im)
{
	size_t i, j, total = baseline__count(b);

	for (i = 0; i < im->n; i++) {
		for (j = 0; j < baseline__count(b); j++) {
			const struct baseline_scope *s = baseline__at(b, j);

			if (!strcmp(s->anomaly, im->scopes[i]->anomaly) &&
			    !strcmp(s->scope, im->scopes[i]->scope))
				break;
		}
		total += j == baseline__count(b);
	}
	return total;
}

int baseline__import(struct baseline *b, const char *name, const char *text, size_t len,
		     FILE *err)
{
	struct rules_diag d = { .err = err };
	struct rules_file f = { .d = &d, .name = name, .buf = text, .len = len };
	struct srcpos fpos = { .file = name };
	struct import im = { .f = &f, .lim = baseline__limits(b) };
	size_t i;
	int ret = 0;

	if (len > BASELINE_FILE_MAX) {
		rules_diag__error(&d, &fpos, "larger than %u MiB", BASELINE_FILE_MAX >> 20);
		return -EINVAL;
	}
	rules_yaml__read(&f, import__document, &im);
	if (!im.docs && !d.errors)
		rules_diag__error(&d, &fpos, "empty: expected 'version' and 'scopes'");
	if (!d.errors && !im.nomem && import__total(b, &im) > im.lim->max_scopes)
		rules_diag__error(&d, &fpos, "with these, more than the %zu scopes vigild keeps",
				  im.lim->max_scopes);
	if (im.nomem)
		ret = -ENOMEM;
	else if (d.errors)
		ret = -EINVAL;
	for (i = 0; i < im.n; i++) {
		if (!ret && (ret = baseline__put(b, im.scopes[i])))
			continue;
		if (ret)
			baseline_scope__free(im.scopes[i]);
	}
	free(im.scopes);
	return ret;
}
