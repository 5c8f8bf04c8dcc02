// SPDX-License-Identifier: GPL-2.0-only
/*
 * The fields rules and outputs can name, Falco's where Falco has one: the
 * lookup, the parsing of "tolower(proc.aname[2])", transformers, rendering
 * and --list-fields. The fields themselves are in fields_evt.c,
 * fields_fd.c, fields_proc.c and fields_container.c, one table per class.
 *
 * A field the event does not carry (fd.name on an exec) is missing, not
 * empty: a condition treats it as false and an output shows <NA>.
 * Extractors run for every event a rule looks at: they never allocate, and
 * a string they have to build goes into the caller's bounded buffer.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "rules_internal.h"

/* Sorted by name: field__lookup searches them. */
static const struct field_class *const classes[] = {
	&field_class_container, &field_class_evt,  &field_class_fd,     &field_class_group,
	&field_class_k8s,       &field_class_proc, &field_class_thread, &field_class_user,
};

#define NCLASSES (sizeof(classes) / sizeof(classes[0]))

static const struct field *class__lookup(const struct field_class *cls, const char *name,
					 size_t len)
{
	size_t lo = 0, hi = cls->nfields;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int cmp = strncmp(cls->fields[mid].name, name, len);

		if (cmp == 0 && cls->fields[mid].name[len])
			cmp = 1;
		if (cmp == 0)
			return &cls->fields[mid];
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const struct field *field__lookup(const char *name, size_t len)
{
	const char *dot = memchr(name, '.', len);
	size_t i, n;

	if (!dot)
		return NULL;
	n = (size_t)(dot - name);
	for (i = 0; i < NCLASSES; i++) {
		if (strlen(classes[i]->name) == n && !strncmp(classes[i]->name, name, n))
			return class__lookup(classes[i], name, len);
	}
	return NULL;
}

bool field_type__numeric(enum field_type type)
{
	return type == FIELD_NUMBER || type == FIELD_PORT || type == FIELD_BOOL;
}

const char *field_type__name(enum field_type type)
{
	switch (type) {
	case FIELD_STRING:
		return "string";
	case FIELD_NUMBER:
		return "number";
	case FIELD_BOOL:
		return "bool";
	case FIELD_IP:
		return "ip";
	case FIELD_IPNET:
		return "ipnet";
	case FIELD_PORT:
		return "port";
	case FIELD_MODE:
		return "mode";
	}
	return "?";
}

void field__render(enum field_type type, const struct field_value *v, struct strbuf *sb)
{
	char text[INET6_ADDRSTRLEN];

	switch (type) {
	case FIELD_STRING:
		strbuf__puts(sb, v->str);
		break;
	case FIELD_NUMBER:
	case FIELD_PORT:
		strbuf__printf(sb, "%" PRId64, v->num);
		break;
	case FIELD_BOOL:
		strbuf__puts(sb, v->num ? "true" : "false");
		break;
	case FIELD_MODE:
		if (v->num)
			strbuf__printf(sb, "0%" PRIo64, (uint64_t)v->num);
		else
			strbuf__puts(sb, "0");
		break;
	case FIELD_IP:
	case FIELD_IPNET:
		if (!inet_ntop(v->ip.family, v->ip.addr, text, sizeof(text)))
			text[0] = '\0';
		strbuf__puts(sb, text);
		break;
	}
}

static const char *const xform_names[XFORM_MAX] = {
	[XFORM_TOLOWER] = "tolower",
	[XFORM_TOUPPER] = "toupper",
	[XFORM_BASENAME] = "basename",
	[XFORM_LEN] = "len",
};

int field_xform__lookup(const char *s, size_t n)
{
	int i;

	for (i = 0; i < XFORM_MAX; i++) {
		if (strlen(xform_names[i]) == n && !strncmp(xform_names[i], s, n))
			return i;
	}
	return -1;
}

void field_ref__free(struct field_ref *r)
{
	free(r->owned);
	memset(r, 0, sizeof(*r));
}

bool field_ref__any_ancestor(const struct field_ref *r)
{
	return r->field && r->field->arg == FIELD_ARG_ANCESTOR && !r->arg.set;
}

static bool arg__index(const char *s, size_t n, int32_t *out)
{
	int32_t v = 0;
	size_t i;

	if (!n || n > 6)
		return false;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

const struct field *field__resolve(const char *name, size_t n)
{
	static const char rawarg[] = "evt.rawarg.";
	char alias[128];
	const struct field *f = field__lookup(name, n);

	if (f || n <= sizeof(rawarg) - 1 || strncmp(name, rawarg, sizeof(rawarg) - 1) ||
	    n - (sizeof(rawarg) - 1) + 8 >= sizeof(alias))
		return f;
	snprintf(alias, sizeof(alias), "evt.arg.%.*s", (int)(n - (sizeof(rawarg) - 1)),
		 name + sizeof(rawarg) - 1);
	return field__lookup(alias, strlen(alias));
}

int field_ref__parse(struct field_ref *r, const char *text, size_t len, char *msg, size_t msglen)
{
	size_t s = 0, e = len, p, name_end, i;
	const char *arg = NULL;
	size_t arglen = 0;
	uint8_t outer[FIELD_XFORMS_MAX];
	enum field_type type;
	const struct field *f;
	int x;

	memset(r, 0, sizeof(*r));
	/* Transformers, outermost first: "tolower(basename(proc.exe))". */
	for (;;) {
		for (p = s; p < e && (isalnum((unsigned char)text[p]) || text[p] == '_'); p++)
			;
		if (p >= e || text[p] != '(')
			break;
		x = field_xform__lookup(&text[s], p - s);
		if (x < 0) {
			snprintf(msg, msglen, "unknown transformer '%.*s' (expected tolower, "
					      "toupper, basename or len)",
				 (int)(p - s), &text[s]);
			return -EINVAL;
		}
		if (text[e - 1] != ')') {
			snprintf(msg, msglen, "expected ')' to close '%s('", xform_names[x]);
			return -EINVAL;
		}
		if (r->nxforms == FIELD_XFORMS_MAX) {
			snprintf(msg, msglen, "more than %d transformers on one field",
				 FIELD_XFORMS_MAX);
			return -EINVAL;
		}
		outer[r->nxforms++] = (uint8_t)x;
		s = p + 1;
		e--;
	}
	/* Applied innermost first. */
	for (i = 0; i < r->nxforms; i++)
		r->xforms[i] = outer[r->nxforms - 1 - i];

	for (name_end = s; name_end < e && text[name_end] != '['; name_end++)
		;
	if (name_end < e) {
		if (text[e - 1] != ']' || e - 1 <= name_end) {
			snprintf(msg, msglen, "expected ']' after the argument of '%.*s'",
				 (int)(name_end - s), &text[s]);
			return -EINVAL;
		}
		arg = &text[name_end + 1];
		arglen = e - 1 - (name_end + 1);
	}
	f = field__resolve(&text[s], name_end - s);
	if (!f) {
		snprintf(msg, msglen, "unknown field '%.*s'", (int)(name_end - s), &text[s]);
		return -ENOENT;
	}
	r->field = f;
	switch (f->arg) {
	case FIELD_ARG_NONE:
		if (arg) {
			snprintf(msg, msglen, "field '%s' takes no argument", f->name);
			return -EINVAL;
		}
		break;
	case FIELD_ARG_ANCESTOR:
	case FIELD_ARG_INDEX:
		if (!arg && f->arg == FIELD_ARG_INDEX) {
			snprintf(msg, msglen, "field '%s' needs an argument, as in %s[0]", f->name,
				 f->name);
			return -EINVAL;
		}
		if (arg && !arg__index(arg, arglen, &r->arg.index)) {
			snprintf(msg, msglen, "field '%s' takes a number in brackets, as in %s[1]",
				 f->name, f->name);
			return -EINVAL;
		}
		r->arg.set = arg != NULL;
		break;
	case FIELD_ARG_KEY:
	case FIELD_ARG_KEY_OPT:
		if (!arg && f->arg == FIELD_ARG_KEY) {
			snprintf(msg, msglen, "field '%s' needs an argument, as in %s[name]",
				 f->name, f->name);
			return -EINVAL;
		}
		r->arg.set = arg != NULL;
		break;
	}
	type = f->type;
	for (i = 0; i < r->nxforms; i++) {
		if (type != FIELD_STRING) {
			snprintf(msg, msglen, "transformer '%s' takes a string, and '%s' is a %s",
				 xform_names[r->xforms[i]], f->name, field_type__name(type));
			return -EINVAL;
		}
		if (r->xforms[i] == XFORM_LEN)
			type = FIELD_NUMBER;
	}
	r->type = type;
	if (len == strlen(f->name) && !strncmp(text, f->name, len) && !arg) {
		r->name = f->name;
		return 0;
	}
	/* The name as written, then the argument, in one allocation. */
	r->owned = malloc(len + 1 + arglen + 1);
	if (!r->owned) {
		snprintf(msg, msglen, "out of memory");
		return -ENOMEM;
	}
	memcpy(r->owned, text, len);
	r->owned[len] = '\0';
	r->name = r->owned;
	if (arg) {
		memcpy(r->owned + len + 1, arg, arglen);
		r->owned[len + 1 + arglen] = '\0';
		r->arg.key = r->owned + len + 1;
	}
	return 0;
}

/* A string the caller may change: copied into sb unless it is there already. */
static char *value__writable(struct field_value *v, struct strbuf *sb)
{
	size_t start;

	if (v->str >= sb->buf && v->str < sb->buf + sb->cap)
		return (char *)v->str;
	start = sb->len;
	strbuf__puts(sb, v->str);
	strbuf__append(sb, "", 1);
	if (start >= sb->cap - 1)
		return NULL;
	v->str = sb->buf + start;
	return sb->buf + start;
}

static bool value__xform(enum field_xform x, struct field_value *v, struct strbuf *sb)
{
	const char *slash;
	char *w;

	switch (x) {
	case XFORM_TOLOWER:
	case XFORM_TOUPPER:
		w = value__writable(v, sb);
		if (!w)
			return false;
		for (; *w; w++)
			*w = (char)(x == XFORM_TOLOWER ? tolower((unsigned char)*w) :
							 toupper((unsigned char)*w));
		return true;
	case XFORM_BASENAME:
		slash = strrchr(v->str, '/');
		if (slash)
			v->str = slash + 1;
		return true;
	case XFORM_LEN:
		v->num = (int64_t)strlen(v->str);
		return true;
	case XFORM_MAX:
		break;
	}
	return false;
}

bool field_ref__get(const struct field_ref *r, const struct evt *evt, int32_t generation,
		    struct field_value *v, struct strbuf *sb)
{
	const struct field *f = r->field;
	struct field_arg arg = r->arg;
	size_t i;

	if (generation >= 0) {
		arg.set = true;
		arg.index = generation;
	} else if (f->arg == FIELD_ARG_ANCESTOR && !arg.set) {
		/* Outside a condition, "any ancestor" has no one value: the
		 * process itself, as Falco extracts it. */
		arg.set = true;
		arg.index = 0;
	}
	if (!(f->get ? f->get(evt, v, sb) : f->get_arg(evt, &arg, v, sb)))
		return false;
	/* A string the decoder left unset is as missing as no string. */
	if (f->type == FIELD_STRING && !v->str)
		return false;
	for (i = 0; i < r->nxforms; i++) {
		if (!value__xform(r->xforms[i], v, sb))
			return false;
	}
	return true;
}

static void print_class(FILE *out, const struct field_class *cls)
{
	static const char *const arg_hint[] = {
		[FIELD_ARG_NONE] = "",      [FIELD_ARG_ANCESTOR] = "[N]", [FIELD_ARG_INDEX] = "[N]",
		[FIELD_ARG_KEY_OPT] = "[NAME]", [FIELD_ARG_KEY] = "[KEY]",
	};
	char name[64];
	size_t i;

	for (i = 0; i < cls->nfields; i++) {
		const struct field *f = &cls->fields[i];

		snprintf(name, sizeof(name), "%s%s", f->name, arg_hint[f->arg]);
		fprintf(out, "%-28s %-7s %s\n", name, field_type__name(f->type), f->help);
	}
}

void fields__print(FILE *out)
{
	size_t i;

	for (i = 0; i < NCLASSES; i++) {
		if (i)
			fputc('\n', out);
		print_class(out, classes[i]);
	}
	fputs("\nTransformers, in conditions and outputs: tolower(F), toupper(F), basename(F) "
	      "and len(F)\nof a string field F; on the right of a comparison, val(F) is the "
	      "value of field F.\n",
	      out);
}
