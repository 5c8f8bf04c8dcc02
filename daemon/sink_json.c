// SPDX-License-Identifier: GPL-2.0-only
/*
 * Alerts as JSON lines in the shape of Falco's json_output, so that what
 * already reads Falco (falcosidekick, SIEM parsers) reads vigild. Every line
 * is valid JSON whatever the event held: strings are escaped per RFC 8259,
 * bytes that are not UTF-8 become U+FFFD, and a line that would not fit the
 * buffer is rebuilt smaller instead of being cut.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "vigil.h"

#define SINK_JSON_LINE_MAX (64 * 1024)
#define NSEC_PER_SEC 1000000000ull

enum json_fields {
	FIELDS_VALUES,
	FIELDS_NULL, /* every value null */
	FIELDS_NONE, /* an empty object */
};

/* What goes into the line; the fallbacks shrink it until it fits. */
struct json_plan {
	enum json_fields fields;
	size_t hostname_max; /* escaped bytes of each string, quotes excluded */
	size_t output_max;
	size_t rule_max;
	size_t ntags;
};

/*
 * Length of the UTF-8 sequence at s and whether it is valid. An invalid one
 * is its longest valid-looking prefix, at least one byte (Unicode's "maximal
 * subpart", which Python and browsers use too): each becomes one U+FFFD.
 */
static size_t utf8__sequence(const unsigned char *s, bool *valid)
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
static size_t json__escape(struct strbuf *sb, const char *s, size_t max)
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
			adv = utf8__sequence(p, &valid);
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

static void json__string(struct strbuf *sb, const char *s, size_t max)
{
	strbuf__puts(sb, "\"");
	json__escape(sb, s, max);
	strbuf__puts(sb, "\"");
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* RFC 8259's number: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static bool json__is_number(const char *s)
{
	if (*s == '-')
		s++;
	if (*s == '0') {
		s++;
	} else if (*s >= '1' && *s <= '9') {
		while (is_digit(*s))
			s++;
	} else {
		return false;
	}
	if (*s == '.') {
		s++;
		if (!is_digit(*s))
			return false;
		while (is_digit(*s))
			s++;
	}
	if (*s == 'e' || *s == 'E') {
		s++;
		if (*s == '+' || *s == '-')
			s++;
		if (!is_digit(*s))
			return false;
		while (is_digit(*s))
			s++;
	}
	return *s == '\0';
}

struct json_times {
	char output[32]; /* "14:19:08.123456789: ", local time of day */
	char iso[48];    /* "2026-12-03T14:19:08.123456789Z" */
};

static void json_times__init(struct json_times *t, uint64_t time_ns)
{
	time_t sec = time_ns / NSEC_PER_SEC;
	unsigned int nsec = time_ns % NSEC_PER_SEC;
	struct tm tm;
	char hms[16], date[32];

	if (!localtime_r(&sec, &tm))
		memset(&tm, 0, sizeof(tm));
	if (!strftime(hms, sizeof(hms), "%H:%M:%S", &tm))
		hms[0] = '\0';
	snprintf(t->output, sizeof(t->output), "%s.%09u: ", hms, nsec);
	if (!gmtime_r(&sec, &tm))
		memset(&tm, 0, sizeof(tm));
	if (!strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm))
		date[0] = '\0';
	snprintf(t->iso, sizeof(t->iso), "%s.%09uZ", date, nsec);
}

static void json__output_fields(struct strbuf *sb, const struct alert *alert,
				enum json_fields mode)
{
	size_t i;

	strbuf__puts(sb, "\"output_fields\":{");
	for (i = 0; mode != FIELDS_NONE && i < alert->nfields && i < ALERT_FIELDS_MAX; i++) {
		const struct alert_field *f = &alert->fields[i];

		if (i)
			strbuf__puts(sb, ",");
		json__string(sb, f->name, SIZE_MAX);
		strbuf__puts(sb, ":");
		if (mode == FIELDS_NULL || !f->value)
			strbuf__puts(sb, "null");
		else if (f->numeric && json__is_number(f->value))
			strbuf__puts(sb, f->value);
		else
			json__string(sb, f->value, SIZE_MAX);
	}
	strbuf__puts(sb, "}");
}

static void json__alert(struct strbuf *sb, const struct alert *alert, const char *hostname,
			const struct json_times *t, const struct json_plan *plan)
{
	const struct rule *r = alert->rule;
	const char *prio = priority__name(rule__priority(r));
	size_t i, used;

	if (!prio)
		prio = "";
	strbuf__puts(sb, "{\"hostname\":");
	json__string(sb, hostname, plan->hostname_max);

	/* Falco's output: "<time of day>: <Priority> <message>". */
	strbuf__puts(sb, ",\"output\":\"");
	used = json__escape(sb, t->output, plan->output_max);
	used += json__escape(sb, prio, plan->output_max - used);
	used += json__escape(sb, " ", plan->output_max - used);
	json__escape(sb, alert->message, plan->output_max - used);
	strbuf__puts(sb, "\",");

	json__output_fields(sb, alert, plan->fields);
	strbuf__puts(sb, ",\"priority\":");
	json__string(sb, prio, SIZE_MAX);
	strbuf__puts(sb, ",\"rule\":");
	json__string(sb, rule__name(r), plan->rule_max);
	strbuf__puts(sb, ",\"source\":\"syscall\",\"tags\":[");
	for (i = 0; i < plan->ntags; i++) {
		if (i)
			strbuf__puts(sb, ",");
		json__string(sb, rule__tag(r, i), SIZE_MAX);
	}
	strbuf__puts(sb, "],\"time\":\"");
	strbuf__puts(sb, t->iso);
	strbuf__puts(sb, "\"}");
}

static void json__rewind(struct strbuf *sb, size_t len)
{
	sb->len = len;
	sb->truncated = false;
	if (sb->cap)
		sb->buf[len] = '\0';
}

static size_t min_size(size_t a, size_t b)
{
	return a < b ? a : b;
}

/*
 * The last resort: no output_fields, and the strings cut so that the whole
 * fits in room bytes. The skeleton (everything at its shortest) is measured
 * first; what is left is shared out, a quarter each at most to the hostname,
 * the rule name and the tags, the rest to the output.
 */
static void json__alert_cut(struct strbuf *sb, const struct alert *alert, const char *hostname,
			    const struct json_times *t, size_t room)
{
	struct json_plan plan = { .fields = FIELDS_NONE };
	size_t start = sb->len, skeleton, budget, tags = 0, n, ntags, i;
	const struct rule *r = alert->rule;

	json__alert(sb, alert, hostname, t, &plan);
	skeleton = sb->len - start;
	if (sb->truncated)
		return;
	json__rewind(sb, start);
	budget = room - skeleton;

	plan.hostname_max = min_size(json__escape(NULL, hostname, SIZE_MAX), budget / 4);
	plan.rule_max = min_size(json__escape(NULL, rule__name(r), SIZE_MAX), budget / 4);
	ntags = rule__ntags(r);
	for (i = 0; i < ntags; i++) {
		/* Quotes, and a comma after the first. */
		n = json__escape(NULL, rule__tag(r, i), SIZE_MAX) + 2 + (i > 0);
		if (tags + n > budget / 4)
			break;
		tags += n;
	}
	plan.ntags = i;
	plan.output_max = budget - plan.hostname_max - plan.rule_max - tags;
	json__alert(sb, alert, hostname, t, &plan);
}

void sink_json__format(const struct alert *alert, const char *hostname, struct strbuf *sb)
{
	struct json_plan plan = {
		.fields = FIELDS_VALUES,
		.hostname_max = SIZE_MAX,
		.output_max = SIZE_MAX,
		.rule_max = SIZE_MAX,
		.ntags = rule__ntags(alert->rule),
	};
	size_t start = sb->len;
	bool was_truncated = sb->truncated;
	struct json_times t;

	if (!sb->cap)
		return;
	/* The flag says whether this line fit; what was cut before stays cut. */
	sb->truncated = false;
	json_times__init(&t, alert->time_ns);
	json__alert(sb, alert, hostname, &t, &plan);
	if (!sb->truncated)
		goto out;
	/* The field values are the bulk of a long alert and repeat the message. */
	json__rewind(sb, start);
	plan.fields = FIELDS_NULL;
	json__alert(sb, alert, hostname, &t, &plan);
	if (!sb->truncated)
		goto out;
	json__rewind(sb, start);
	json__alert_cut(sb, alert, hostname, &t, sb->cap - 1 - start);
	if (sb->truncated) {
		/* Not even the skeleton fits: better nothing than half a line. */
		json__rewind(sb, start);
		sb->truncated = true;
	}
out:
	sb->truncated |= was_truncated;
}

int sink_json__write(const struct alert *alert, const char *hostname, FILE *out)
{
	char line[SINK_JSON_LINE_MAX];
	struct strbuf sb;

	/* The last byte is kept for the newline. */
	strbuf__init(&sb, line, sizeof(line) - 1);
	sink_json__format(alert, hostname, &sb);
	if (sb.truncated)
		return -ENOBUFS;
	line[sb.len] = '\n';
	errno = 0;
	if (fwrite(line, 1, sb.len + 1, out) != sb.len + 1 || fflush(out) == EOF)
		return errno ? -errno : -EIO;
	return 0;
}
