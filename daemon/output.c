// SPDX-License-Identifier: GPL-2.0-only
/*
 * A rule's output template, as in Falco: text with %field references,
 * %proc.aname[2] with an argument and %tolower(proc.name) with
 * transformers. The template is split once at load time; rendering then
 * only extracts each field once and copies text, into the alert's fixed
 * buffers.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rules_internal.h"

#define JOURNAL_FIELD_MAX 64
#define JOURNAL_PREFIX "VIGIL_"

static bool is_field_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '.';
}

static int tmpl__add_seg(struct output_tmpl *t, size_t off, size_t len, int field)
{
	struct output_seg *segs = realloc(t->segs, (t->nsegs + 1) * sizeof(*segs));

	if (!segs)
		return -ENOMEM;
	t->segs = segs;
	segs[t->nsegs].lit_off = off;
	segs[t->nsegs].lit_len = len;
	segs[t->nsegs].field = field;
	t->nsegs++;
	return 0;
}

/* The field's index among the distinct fields, parsed from text[0..len) and
 * added if new; -1 when full, -2 (msg set) when it does not parse. */
static int tmpl__field(struct output_tmpl *t, const char *text, size_t len, int *err, char *msg,
		       size_t msglen)
{
	struct field_ref ref;
	size_t i;

	for (i = 0; i < t->nfields; i++) {
		if (strlen(t->fields[i].name) == len && !strncmp(t->fields[i].name, text, len))
			return (int)i;
	}
	*err = field_ref__parse(&ref, text, len, msg, msglen);
	if (*err) {
		field_ref__free(&ref);
		return -2;
	}
	if (t->nfields == ALERT_FIELDS_MAX) {
		field_ref__free(&ref);
		return -1;
	}
	t->fields[t->nfields] = ref;
	return (int)t->nfields++;
}

/*
 * Fields every alert carries even when its template does not name them (as
 * Falco's append_output can add them): what a SOC filters alerts by, e.g.
 * `journalctl VIGIL_CONTAINER_ID=...`. They go after the template's own.
 */
static const char *const always_fields[] = {
	"container.id", "container.full_id", "container.name", "proc.name", "proc.pid",
};

static int tmpl__add_always_fields(struct output_tmpl *t)
{
	char msg[128];
	size_t i;
	int err;

	for (i = 0; i < sizeof(always_fields) / sizeof(always_fields[0]); i++) {
		if (tmpl__field(t, always_fields[i], strlen(always_fields[i]), &err, msg,
				sizeof(msg)) < 0)
			return -1;
	}
	return 0;
}

/* How much of text names a field after a '%': "tolower(proc.name)", then
 * the longest field name, with its "[argument]" when it takes one. 0: none. */
static size_t field_span(const char *text)
{
	size_t run, n, depth, j;
	const struct field *f = NULL;

	for (run = 0; isalnum((unsigned char)text[run]) || text[run] == '_'; run++)
		;
	if (run && text[run] == '(' && field_xform__lookup(text, run) >= 0) {
		for (j = run, depth = 0; text[j]; j++) {
			if (text[j] == '(')
				depth++;
			else if (text[j] == ')' && !--depth)
				return j + 1;
		}
		return 0;
	}
	for (run = 0; is_field_char(text[run]); run++)
		;
	for (n = run; n > 0 && !f; n--)
		f = field__resolve(text, n);
	if (!f)
		return 0;
	n++;
	if (text[n] == '[' && f->arg != FIELD_ARG_NONE) {
		const char *close = strchr(text + n, ']');

		if (close)
			return (size_t)(close - text) + 1;
	}
	return n;
}

/*
 * "%proc.name:" names proc.name, and so does "%proc.names": like Falco, the
 * longest field name the characters after '%' start with. A '%' not
 * followed by a name character is a literal '%'.
 */
int output__compile(struct output_tmpl *t, const char *text, size_t *erroff, char *msg,
		    size_t msglen)
{
	size_t i = 0, lit = 0, run, n;
	int idx, err = -EINVAL;

	memset(t, 0, sizeof(*t));
	t->text = strdup(text);
	if (!t->text)
		goto nomem;
	while (text[i]) {
		if (text[i] != '%') {
			i++;
			continue;
		}
		for (run = 0; is_field_char(text[i + 1 + run]); run++)
			;
		if (!run) {
			i++;
			continue;
		}
		n = field_span(&text[i + 1]);
		if (!n) {
			*erroff = i;
			snprintf(msg, msglen, "unknown field '%.*s' in output", (int)run,
				 &text[i + 1]);
			err = -ENOENT;
			goto err;
		}
		idx = tmpl__field(t, &text[i + 1], n, &err, msg, msglen);
		if (idx == -2) {
			*erroff = i;
			if (err == -ENOMEM)
				goto nomem;
			goto err;
		}
		if (idx < 0) {
			*erroff = i;
			snprintf(msg, msglen, "output uses more than %d different fields",
				 ALERT_FIELDS_MAX);
			err = -EINVAL;
			goto err;
		}
		if (tmpl__add_seg(t, lit, i - lit, idx))
			goto nomem;
		i += 1 + n;
		lit = i;
	}
	if (tmpl__add_seg(t, lit, i - lit, -1))
		goto nomem;
	if (tmpl__add_always_fields(t)) {
		*erroff = 0;
		snprintf(msg, msglen, "output uses more than %zu different fields",
			 ALERT_FIELDS_MAX - sizeof(always_fields) / sizeof(always_fields[0]));
		err = -EINVAL;
		goto err;
	}
	return 0;
nomem:
	*erroff = 0;
	snprintf(msg, msglen, "out of memory");
	err = -EINVAL;
err:
	output__free(t);
	return err;
}

void output__free(struct output_tmpl *t)
{
	size_t i;

	for (i = 0; i < t->nfields; i++)
		field_ref__free(&t->fields[i]);
	free(t->text);
	free(t->segs);
	memset(t, 0, sizeof(*t));
}

static uint64_t timespec_ns(const struct timespec *ts)
{
	return (uint64_t)ts->tv_sec * 1000000000u + (uint64_t)ts->tv_nsec;
}

/*
 * The event's wall-clock time, when the daemon did not say. The BPF side
 * stamps boot time, which neither jumps nor stops in suspend; the distance
 * from now is carried over to the wall clock, so an event read late keeps
 * the time it happened.
 */
static uint64_t event__wall_ns(const struct evt *evt)
{
	struct timespec rt, bt;
	uint64_t now, boot;

	if (evt->time_ns)
		return evt->time_ns;
	clock_gettime(CLOCK_REALTIME, &rt);
	now = timespec_ns(&rt);
	if (!evt->hdr || !evt->hdr->ts_ns || clock_gettime(CLOCK_BOOTTIME, &bt))
		return now;
	boot = timespec_ns(&bt);
	if (evt->hdr->ts_ns > boot || boot - evt->hdr->ts_ns > now)
		return now;
	return now - (boot - evt->hdr->ts_ns);
}

void output__render(const struct rule *r, const struct evt *evt, struct alert *alert)
{
	const struct output_tmpl *t = &r->tmpl;
	char buf[FIELD_BUF_MAX];
	struct strbuf vals, msg;
	size_t i;

	alert->rule = r;
	alert->time_ns = event__wall_ns(evt);
	alert->nfields = 0;
	strbuf__init(&vals, alert->values, sizeof(alert->values));
	for (i = 0; i < t->nfields; i++) {
		const struct field_ref *f = &t->fields[i];
		struct alert_field *af = &alert->fields[i];
		struct field_value v;
		struct strbuf sb;
		size_t start;

		af->name = f->name;
		af->numeric = field_type__numeric(f->type);
		af->value = NULL;
		alert->nfields++;
		strbuf__init(&sb, buf, sizeof(buf));
		if (!field_ref__get(f, evt, -1, &v, &sb))
			continue;
		start = vals.len;
		field__render(f->type, &v, &vals);
		strbuf__append(&vals, "", 1);
		/* Out of room: a cut number would not be a number any more. */
		if (vals.truncated && af->numeric)
			continue;
		af->value = alert->values + start;
	}

	/* The values as they were stay in the fields; in the message, which
	 * terminals show, they are escaped (text.c). */
	strbuf__init(&msg, alert->message, sizeof(alert->message));
	for (i = 0; i < t->nsegs && !msg.truncated; i++) {
		const struct output_seg *seg = &t->segs[i];
		const char *value;

		strbuf__append(&msg, t->text + seg->lit_off, seg->lit_len);
		if (seg->field < 0)
			continue;
		value = alert->fields[seg->field].value;
		if (value)
			text__escape(&msg, value);
		else
			strbuf__puts(&msg, "<NA>");
	}
}

int output__journal_name(const char *field, char *out, size_t outlen)
{
	size_t pre = strlen(JOURNAL_PREFIX), n = strlen(field), i;

	if (pre + n > JOURNAL_FIELD_MAX || pre + n + 1 > outlen)
		return -ENAMETOOLONG;
	memcpy(out, JOURNAL_PREFIX, pre);
	for (i = 0; i < n; i++) {
		char c = field[i];

		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		else if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')))
			c = '_';
		out[pre + i] = c;
	}
	out[pre + n] = '\0';
	return (int)(pre + n);
}
