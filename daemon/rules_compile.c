// SPDX-License-Identifier: GPL-2.0-only
/*
 * Everything about a rule that can be decided once is decided here, after
 * the last file is read (an append may come in any later file): field names
 * resolve to extractors, constants are parsed for the field's type, "in"
 * lists are sorted for a binary search, and each rule is filed under the
 * syscalls its condition can match, so that an event is only shown to the
 * rules that may fire on it.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "rules_internal.h"

/* An item that the condition parser would not read back as one bare value. */
static bool item_needs_quotes(const char *s)
{
	size_t n = strlen(s);

	if (n >= 2 && (s[0] == '"' || s[0] == '\'') && s[n - 1] == s[0])
		return false;
	return !n || strpbrk(s, " \t\n\r(),=\"'") != NULL;
}

static char *item_quote(const char *s)
{
	size_t n = strlen(s), i, j = 0;
	char *q;

	if (!item_needs_quotes(s))
		return strdup(s);
	q = malloc(2 * n + 3);
	if (!q)
		return NULL;
	q[j++] = '"';
	for (i = 0; i < n; i++) {
		if (s[i] == '"' || s[i] == '\\')
			q[j++] = '\\';
		q[j++] = s[i];
	}
	q[j++] = '"';
	q[j] = '\0';
	return q;
}

static int list__push(struct rules_list *l, char *item)
{
	char **items;

	if (!item)
		return -ENOMEM;
	items = realloc(l->expanded, (l->nexpanded + 1) * sizeof(*items));
	if (!items) {
		free(item);
		return -ENOMEM;
	}
	l->expanded = items;
	l->expanded[l->nexpanded++] = item;
	return 0;
}

/* An item naming a list defined before expands to that list's items. */
static int lists__compile(struct ruleset *rs)
{
	size_t i, j, k, n;
	int err;

	for (i = 0; i < rs->nlists; i++) {
		struct rules_list *l = rs->lists[i];

		for (j = 0; j < l->nitems; j++) {
			const struct rules_list *ref = NULL;

			for (k = 0; k < i; k++) {
				if (!strcmp(rs->lists[k]->name, l->items[j])) {
					ref = rs->lists[k];
					break;
				}
			}
			if (!ref) {
				err = list__push(l, item_quote(l->items[j]));
				if (err)
					return err;
				continue;
			}
			for (n = 0; n < ref->nexpanded; n++) {
				err = list__push(l, strdup(ref->expanded[n]));
				if (err)
					return err;
			}
		}
	}
	return 0;
}

static bool parse_number(const char *s, int base, int64_t *out)
{
	const char *digits = s;
	char *end;
	long long v;

	if (*digits == '-' || *digits == '+')
		digits++;
	if (base == 10 && digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X'))
		base = 16;
	/* strtoll would take blanks and a second sign. */
	if (!isxdigit((unsigned char)digits[base == 16 && digits[0] == '0' ? 2 : 0]))
		return false;
	errno = 0;
	v = strtoll(s, &end, base);
	if (errno || *end)
		return false;
	*out = v;
	return true;
}

static bool parse_ip(const char *s, struct field_ip *ip)
{
	static const uint8_t v4mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

	memset(ip, 0, sizeof(*ip));
	if (inet_pton(AF_INET, s, ip->addr) == 1) {
		ip->family = AF_INET;
		return true;
	}
	if (inet_pton(AF_INET6, s, ip->addr) != 1)
		return false;
	ip->family = AF_INET6;
	/* The decoder turns IPv4-mapped peers into IPv4: so must constants. */
	if (!memcmp(ip->addr, v4mapped, sizeof(v4mapped))) {
		memmove(ip->addr, ip->addr + 12, 4);
		memset(ip->addr + 4, 0, 12);
		ip->family = AF_INET;
	}
	return true;
}

static int value__compile(struct cond *c, struct cond_value *v, struct rules_diag *d,
			  const char *what)
{
	const struct field *f = c->field;

	switch (f->type) {
	case FIELD_STRING:
		v->v.str = v->text;
		return 0;
	case FIELD_NUMBER:
	case FIELD_PORT:
		if (parse_number(v->text, 10, &v->v.num))
			return 0;
		rules_diag__error(d, &v->pos, "%s: field '%s' needs a number but got '%s'", what,
				  f->name, v->text);
		return -EINVAL;
	case FIELD_MODE:
		if (parse_number(v->text, 8, &v->v.num))
			return 0;
		rules_diag__error(d, &v->pos, "%s: field '%s' needs an octal mode but got '%s'",
				  what, f->name, v->text);
		return -EINVAL;
	case FIELD_BOOL:
		if (!strcasecmp(v->text, "true") || !strcasecmp(v->text, "false")) {
			v->v.num = !strcasecmp(v->text, "true");
			return 0;
		}
		rules_diag__error(d, &v->pos, "%s: field '%s' needs true or false but got '%s'",
				  what, f->name, v->text);
		return -EINVAL;
	case FIELD_IP:
		if (parse_ip(v->text, &v->v.ip))
			return 0;
		rules_diag__error(d, &v->pos, "%s: field '%s' needs an IP address but got '%s'",
				  what, f->name, v->text);
		return -EINVAL;
	}
	return -EINVAL;
}

static bool op__allowed(enum cond_op op, enum field_type type)
{
	switch (op) {
	case OP_EQ:
	case OP_NE:
	case OP_IN:
	case OP_EXISTS:
		return true;
	case OP_LT:
	case OP_LE:
	case OP_GT:
	case OP_GE:
		return type == FIELD_NUMBER || type == FIELD_PORT || type == FIELD_MODE;
	case OP_PMATCH:
	case OP_STARTSWITH:
	case OP_ENDSWITH:
	case OP_CONTAINS:
	case OP_ICONTAINS:
	case OP_GLOB:
		return type == FIELD_STRING;
	}
	return false;
}

static int value_cmp_str(const void *a, const void *b)
{
	const struct cond_value *va = a, *vb = b;

	return strcmp(va->text, vb->text);
}

static int value_cmp_num(const void *a, const void *b)
{
	const struct cond_value *va = a, *vb = b;

	return (va->v.num > vb->v.num) - (va->v.num < vb->v.num);
}

static int check__compile(struct cond *c, struct rules_diag *d, const char *what)
{
	int err = 0;
	size_t i;

	c->field = field__lookup(c->field_name, strlen(c->field_name));
	if (!c->field) {
		rules_diag__error(d, &c->pos, "%s: unknown field '%s'", what, c->field_name);
		return -EINVAL;
	}
	if (!op__allowed(c->op, c->field->type)) {
		rules_diag__error(d, &c->pos, "%s: operator '%s' cannot be used with %s field '%s'",
				  what, cond_op__name(c->op), field_type__name(c->field->type),
				  c->field->name);
		return -EINVAL;
	}
	for (i = 0; i < c->nvalues; i++) {
		if (value__compile(c, &c->values[i], d, what))
			err = -EINVAL;
	}
	if (err || c->op != OP_IN || c->nvalues < 2)
		return err;
	/* Sorted for rules_eval.c's binary search. */
	switch (c->field->type) {
	case FIELD_STRING:
		qsort(c->values, c->nvalues, sizeof(*c->values), value_cmp_str);
		/* qsort moved the values: the strings still point to their own text. */
		for (i = 0; i < c->nvalues; i++)
			c->values[i].v.str = c->values[i].text;
		break;
	case FIELD_NUMBER:
	case FIELD_PORT:
	case FIELD_MODE:
	case FIELD_BOOL:
		qsort(c->values, c->nvalues, sizeof(*c->values), value_cmp_num);
		break;
	case FIELD_IP:
		break;
	}
	return 0;
}

int cond__compile(struct cond *c, struct rules_diag *d, const char *what)
{
	int l, r;

	switch (c->kind) {
	case COND_AND:
	case COND_OR:
		/* Both sides, so that every unknown field is reported at once. */
		l = cond__compile(c->left, d, what);
		r = cond__compile(c->right, d, what);
		return l ? l : r;
	case COND_NOT:
		return cond__compile(c->left, d, what);
	case COND_MACRO:
		/* Its own errors were reported with the macro. */
		return c->macro->failed ? -EINVAL : 0;
	case COND_CHECK:
		return check__compile(c, d, what);
	}
	return -EINVAL;
}

static uint64_t evttype__bits(const char *name)
{
	enum vigil_syscall sc;

	/* Process start and end have no syscall of theirs: bucket 0. */
	if (!strcmp(name, "clone") || !strcmp(name, "procexit"))
		return UINT64_C(1) << VIGIL_SC_NONE;
	sc = syscall__from_name(name);
	if (sc == VIGIL_SC_NONE || sc >= VIGIL_SC_MAX)
		return 0;
	return UINT64_C(1) << sc;
}

/*
 * The event types c can be true for: evt.type = x and evt.type in (...)
 * restrict, "and" intersects, "or" unites. A "not" or any other check could
 * hold for any type. Over-approximating only costs time, never an alert.
 */
uint64_t cond__evttypes(const struct cond *c)
{
	uint64_t bits = 0;
	size_t i;

	switch (c->kind) {
	case COND_AND:
		return cond__evttypes(c->left) & cond__evttypes(c->right);
	case COND_OR:
		return cond__evttypes(c->left) | cond__evttypes(c->right);
	case COND_NOT:
		return EVTTYPES_ALL;
	case COND_MACRO:
		return c->macro->failed ? EVTTYPES_ALL : c->macro->evttypes;
	case COND_CHECK:
		if (!c->field || strcmp(c->field->name, "evt.type") ||
		    (c->op != OP_EQ && c->op != OP_IN))
			return EVTTYPES_ALL;
		for (i = 0; i < c->nvalues; i++)
			bits |= evttype__bits(c->values[i].text);
		return bits;
	}
	return EVTTYPES_ALL;
}

/* Which macros a condition may use: those defined before it, for a macro. */
struct macro_scope {
	const struct ruleset *rs;
	size_t visible;
};

static const struct macro *macro_scope__lookup(void *ctx, const char *name, bool *later)
{
	const struct macro_scope *scope = ctx;
	size_t i;

	for (i = 0; i < scope->rs->nmacros; i++) {
		if (strcmp(scope->rs->macros[i]->name, name))
			continue;
		if (i < scope->visible)
			return scope->rs->macros[i];
		*later = true;
		return NULL;
	}
	return NULL;
}

/* Lists pasted in, parsed, compiled. Returns the tree or NULL, errors reported. */
static struct cond *condition__build(struct ruleset *rs, const struct srctext *text,
				     size_t visible, struct rules_diag *d, const char *what)
{
	struct macro_scope scope = { .rs = rs, .visible = visible };
	struct cond_error perr;
	struct srctext expanded;
	struct cond *tree;

	if (cond__expand_lists(text, rs->lists, rs->nlists, &expanded)) {
		rules_diag__error(d, &text->pos[0], "%s: out of memory", what);
		return NULL;
	}
	tree = cond__parse(&expanded, macro_scope__lookup, &scope, &perr);
	srctext__free(&expanded);
	if (!tree) {
		rules_diag__error(d, &perr.pos, "%s: %s", what, perr.msg);
		return NULL;
	}
	if (cond__compile(tree, d, what)) {
		cond__free(tree);
		return NULL;
	}
	return tree;
}

static void macros__compile(struct ruleset *rs, struct rules_diag *d)
{
	char what[300];
	size_t i;

	for (i = 0; i < rs->nmacros; i++) {
		struct macro *m = rs->macros[i];

		snprintf(what, sizeof(what), "macro '%s'", m->name);
		/* Without a condition: already reported by the loader. */
		if (!m->cond.text) {
			m->failed = true;
			continue;
		}
		m->tree = condition__build(rs, &m->cond, i, d, what);
		m->failed = !m->tree;
		m->evttypes = m->tree ? cond__evttypes(m->tree) : EVTTYPES_ALL;
	}
}

static void rule__compile(struct ruleset *rs, struct rule *r, struct rules_diag *d)
{
	char what[300], msg[256];
	size_t erroff;

	snprintf(what, sizeof(what), "rule '%s'", r->name);
	/* A rule without a condition or an output was reported by the loader. */
	if (r->cond.text)
		r->tree = condition__build(rs, &r->cond, rs->nmacros, d, what);
	r->evttypes = r->tree ? cond__evttypes(r->tree) : 0;
	if (r->output.text &&
	    output__compile(&r->tmpl, r->output.text, &erroff, msg, sizeof(msg)))
		rules_diag__error(d, &r->output.pos[erroff], "%s: %s", what, msg);
	if (!r->tree || !r->enabled)
		return;
	if (!r->evttypes)
		rules_diag__warning(d, &r->pos,
				    "%s can never match: vigil captures none of its event types",
				    what);
	else if (r->evttypes == EVTTYPES_ALL)
		rules_diag__warning(d, &r->pos,
				    "%s does not restrict evt.type: it is evaluated for every "
				    "event",
				    what);
}

static int buckets__build(struct ruleset *rs)
{
	size_t i, sc;

	for (sc = 0; sc < VIGIL_SC_MAX; sc++) {
		rs->bucket[sc] = calloc(rs->nrules ? rs->nrules : 1, sizeof(*rs->bucket[sc]));
		if (!rs->bucket[sc])
			return -ENOMEM;
		for (i = 0; i < rs->nrules; i++) {
			const struct rule *r = rs->rules[i];

			if (r->enabled && r->tree && (r->evttypes & (UINT64_C(1) << sc)))
				rs->bucket[sc][rs->nbucket[sc]++] = r;
		}
	}
	return 0;
}

int rules__compile(struct ruleset *rs, struct rules_diag *d)
{
	unsigned int errors = d->errors;
	size_t i;

	if (lists__compile(rs)) {
		rules_diag__error(d, NULL, "out of memory");
		return -ENOMEM;
	}
	macros__compile(rs, d);
	for (i = 0; i < rs->nrules; i++)
		rule__compile(rs, rs->rules[i], d);
	if (buckets__build(rs)) {
		rules_diag__error(d, NULL, "out of memory");
		return -ENOMEM;
	}
	return d->errors == errors ? 0 : -EINVAL;
}
