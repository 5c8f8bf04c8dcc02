// SPDX-License-Identifier: GPL-2.0-only
/*
 * Everything about a rule that can be decided once is decided here, after
 * the last file is read (an append may come in any later file): lists are
 * expanded, field names resolve to extractors, constants are parsed for the
 * field's type and interned, "in" lists sorted for a binary search, regular
 * expressions compiled, networks parsed, and each rule is filed under the
 * syscalls its condition can match, so that an event is only shown to the
 * rules that may fire on it.
 *
 * A field vigil does not know is an error, unless the rule says
 * skip-if-unknown-filter: then the rule is left out with a warning. Such a
 * field in a macro is only reported when a rule uses the macro, so the rule
 * can decide.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "rules_internal.h"

enum { STATE_NEW, STATE_BUSY, STATE_DONE };

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

/* A list item naming a list visible to it expands to that list's items. */
static int list__expand(struct ruleset *rs, struct rules_list *l)
{
	size_t j, k, n;
	int err;

	if (l->state != STATE_NEW)
		return 0;
	l->state = STATE_BUSY;
	for (j = 0; j < l->nitems; j++) {
		struct rules_list *ref = NULL;

		for (k = 0; k < rs->nlists; k++) {
			if (rs->lists[k] != l && rs->lists[k]->index < l->visibility &&
			    !strcmp(rs->lists[k]->name, l->items[j])) {
				ref = rs->lists[k];
				break;
			}
		}
		/* One being expanded refers back to this one: a plain item. */
		if (ref && ref->state == STATE_BUSY)
			ref = NULL;
		if (!ref) {
			err = list__push(l, cond__quote(l->items[j]));
			if (err)
				return err;
			continue;
		}
		err = list__expand(rs, ref);
		if (err)
			return err;
		for (n = 0; n < ref->nexpanded; n++) {
			err = list__push(l, strdup(ref->expanded[n]));
			if (err)
				return err;
		}
	}
	l->state = STATE_DONE;
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

/* "10.0.0.0/8", "::1": a network, one address being a full-length prefix. */
static bool parse_net(const char *s, bool allow_prefix, struct ip_net *net)
{
	char addr[INET6_ADDRSTRLEN + 1];
	const char *slash = strchr(s, '/');
	struct field_ip ip;
	size_t n = slash ? (size_t)(slash - s) : strlen(s);
	unsigned int max;
	bool mapped;
	int64_t prefix;

	if (n >= sizeof(addr) || (slash && !allow_prefix))
		return false;
	memcpy(addr, s, n);
	addr[n] = '\0';
	if (!parse_ip(addr, &ip))
		return false;
	/* An IPv4-mapped network counts its prefix in the IPv6 address. */
	mapped = ip.family == AF_INET && strchr(addr, ':');
	max = ip.family == AF_INET ? 32 : 128;
	prefix = max + (mapped ? 96 : 0);
	if (slash && (!isdigit((unsigned char)slash[1]) || !parse_number(slash + 1, 10, &prefix)))
		return false;
	if (mapped)
		prefix -= 96;
	if (prefix < 0 || prefix > max)
		return false;
	net->family = ip.family;
	net->prefix = (uint8_t)prefix;
	memcpy(net->addr, ip.addr, sizeof(net->addr));
	return true;
}

static int cond_compile__error(struct cond_compile *cc, const struct srcpos *pos, const char *fmt,
			       ...) __attribute__((format(printf, 3, 4)));

static int cond_compile__error(struct cond_compile *cc, const struct srcpos *pos, const char *fmt,
			       ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	rules_diag__error(cc->d, pos, "%s: %s", cc->what, msg);
	return -EINVAL;
}

static int value__compile(struct cond *c, struct cond_value *v, struct cond_compile *cc)
{
	const struct field_ref *f = &c->lhs;
	const bool list = cond_op__takes_list(c->op);
	struct ip_net *net;

	switch (f->type) {
	case FIELD_STRING:
		v->v.str = cc->pool ? strpool__intern(cc->pool, v->text) : v->text;
		if (!v->v.str)
			return cond_compile__error(cc, &v->pos, "out of memory");
		return 0;
	case FIELD_NUMBER:
	case FIELD_PORT:
		if (parse_number(v->text, 10, &v->v.num))
			return 0;
		return cond_compile__error(cc, &v->pos, "field '%s' needs a number but got '%s'",
					   f->name, v->text);
	case FIELD_MODE:
		if (parse_number(v->text, 8, &v->v.num))
			return 0;
		return cond_compile__error(cc, &v->pos,
					   "field '%s' needs an octal mode but got '%s'", f->name,
					   v->text);
	case FIELD_BOOL:
		if (!strcasecmp(v->text, "true") || !strcasecmp(v->text, "false")) {
			v->v.num = !strcasecmp(v->text, "true");
			return 0;
		}
		return cond_compile__error(cc, &v->pos,
					   "field '%s' needs true or false but got '%s'", f->name,
					   v->text);
	case FIELD_IP:
	case FIELD_IPNET:
		net = &c->nets[c->nnets];
		if (parse_net(v->text, list || f->type == FIELD_IPNET, net)) {
			c->nnets++;
			return 0;
		}
		if (f->type == FIELD_IP && !list && strchr(v->text, '/') &&
		    parse_net(v->text, true, net))
			return cond_compile__error(cc, &v->pos,
						   "field '%s' needs an IP address but got '%s': "
						   "use 'in' for a network",
						   f->name, v->text);
		return cond_compile__error(cc, &v->pos,
					   "field '%s' needs an IP address%s but got '%s'", f->name,
					   list || f->type == FIELD_IPNET ? " or a network" : "",
					   v->text);
	}
	return -EINVAL;
}

static bool type__numeric(enum field_type t)
{
	return t == FIELD_NUMBER || t == FIELD_PORT || t == FIELD_MODE;
}

static bool op__allowed(enum cond_op op, enum field_type type)
{
	switch (op) {
	case OP_EQ:
	case OP_NE:
	case OP_IN:
	case OP_INTERSECTS:
	case OP_EXISTS:
		return true;
	case OP_LT:
	case OP_LE:
	case OP_GT:
	case OP_GE:
		return type__numeric(type);
	case OP_PMATCH:
	case OP_STARTSWITH:
	case OP_ENDSWITH:
	case OP_CONTAINS:
	case OP_ICONTAINS:
	case OP_GLOB:
	case OP_IGLOB:
	case OP_REGEX:
		return type == FIELD_STRING;
	case OP_MAX:
		break;
	}
	return false;
}

/* Which types a val() may compare with each other. */
static int type__family(enum field_type t)
{
	switch (t) {
	case FIELD_STRING:
		return 0;
	case FIELD_IP:
	case FIELD_IPNET:
		return 1;
	default:
		return 2;
	}
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

static int path_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* pmatch's directories, without a trailing '/' (but for "/" itself), sorted. */
static int check__paths(struct cond *c, struct cond_compile *cc)
{
	char buf[VIGIL_PATH_MAX];
	size_t i, n;

	c->paths = calloc(c->nvalues ? c->nvalues : 1, sizeof(*c->paths));
	if (!c->paths)
		return cond_compile__error(cc, &c->pos, "out of memory");
	for (i = 0; i < c->nvalues; i++) {
		const char *p = c->values[i].text;

		n = strlen(p);
		while (n > 1 && p[n - 1] == '/')
			n--;
		if (!n || n >= sizeof(buf))
			continue;
		memcpy(buf, p, n);
		buf[n] = '\0';
		c->paths[c->npaths] = cc->pool ? strpool__intern(cc->pool, buf) : NULL;
		if (!c->paths[c->npaths]) {
			/* Without a pool (tests), the value's own text is cut in place. */
			c->values[i].text[n] = '\0';
			c->paths[c->npaths] = c->values[i].text;
		}
		c->npaths++;
	}
	qsort(c->paths, c->npaths, sizeof(*c->paths), path_cmp);
	return 0;
}

static int check__regex(struct cond *c, struct cond_compile *cc)
{
	char msg[128];
	int err;

	c->re = malloc(sizeof(*c->re));
	if (!c->re)
		return cond_compile__error(cc, &c->pos, "out of memory");
	err = regcomp(c->re, c->values[0].text, REG_EXTENDED);
	if (err) {
		regerror(err, c->re, msg, sizeof(msg));
		free(c->re);
		c->re = NULL;
		return cond_compile__error(cc, &c->values[0].pos,
					   "invalid regular expression '%s': %s",
					   c->values[0].text, msg);
	}
	return 0;
}

/* A field reference; -ENOENT (kept for later when cc->unknown is set) or -EINVAL. */
static int field__compile(struct field_ref *r, const char *text, const struct srcpos *pos,
			  struct cond_compile *cc)
{
	char msg[200];
	int err = field_ref__parse(r, text, strlen(text), msg, sizeof(msg));

	if (!err)
		return 0;
	if (err == -ENOENT && cc->unknown) {
		if (!cc->has_unknown) {
			cc->unknown->pos = *pos;
			snprintf(cc->unknown->msg, sizeof(cc->unknown->msg), "%s", msg);
			cc->has_unknown = true;
		}
		return -ENOENT;
	}
	cond_compile__error(cc, pos, "%s", msg);
	return -EINVAL;
}

static int check__compile(struct cond *c, struct cond_compile *cc)
{
	const struct field_ref *f = &c->lhs;
	int err = 0;
	size_t i;

	err = field__compile(&c->lhs, c->field_name, &c->pos, cc);
	if (c->rhs_name) {
		const char *inner = c->rhs_name;
		char *text;
		int rerr;

		/* val(x) is x; a transformer keeps its name. */
		if (!strncmp(inner, "val(", 4)) {
			text = strndup(inner + 4, strlen(inner) - 5);
			if (!text)
				return cond_compile__error(cc, &c->rhs_pos, "out of memory");
			rerr = field__compile(&c->rhs, text, &c->rhs_pos, cc);
			free(text);
		} else {
			rerr = field__compile(&c->rhs, inner, &c->rhs_pos, cc);
		}
		if (rerr == -EINVAL || !err)
			err = rerr;
	}
	if (err)
		return err;
	c->any_ancestor = field_ref__any_ancestor(f);
	c->direct = f->field->get && !f->nxforms;
	if (!op__allowed(c->op, f->type))
		return cond_compile__error(cc, &c->pos,
					   "operator '%s' cannot be used with %s field '%s'",
					   cond_op__name(c->op), field_type__name(f->type),
					   f->name);
	if (c->rhs_name) {
		if (cond_op__takes_list(c->op) || c->op == OP_REGEX)
			return cond_compile__error(cc, &c->rhs_pos,
						   "operator '%s' takes constants, not a field",
						   cond_op__name(c->op));
		if (type__family(c->rhs.type) != type__family(f->type))
			return cond_compile__error(cc, &c->rhs_pos,
						   "'%s' is a %s field and '%s' a %s field: they "
						   "cannot be compared",
						   f->name, field_type__name(f->type), c->rhs.name,
						   field_type__name(c->rhs.type));
		c->compiled = true;
		return 0;
	}
	if (f->type == FIELD_IP || f->type == FIELD_IPNET) {
		c->nets = calloc(c->nvalues ? c->nvalues : 1, sizeof(*c->nets));
		if (!c->nets)
			return cond_compile__error(cc, &c->pos, "out of memory");
	}
	for (i = 0; i < c->nvalues; i++) {
		if (value__compile(c, &c->values[i], cc))
			err = -EINVAL;
	}
	if (err)
		return err;
	if (c->op == OP_REGEX && check__regex(c, cc))
		return -EINVAL;
	if (c->op == OP_PMATCH && check__paths(c, cc))
		return -EINVAL;
	if ((c->op == OP_IN || c->op == OP_INTERSECTS) && c->nvalues > 1) {
		/* Sorted for rules_eval.c's binary search. */
		switch (f->type) {
		case FIELD_STRING:
			qsort(c->values, c->nvalues, sizeof(*c->values), value_cmp_str);
			break;
		case FIELD_NUMBER:
		case FIELD_PORT:
		case FIELD_MODE:
		case FIELD_BOOL:
			qsort(c->values, c->nvalues, sizeof(*c->values), value_cmp_num);
			break;
		case FIELD_IP:
		case FIELD_IPNET:
			break;
		}
	}
	c->compiled = true;
	return 0;
}

/* -EINVAL beats -ENOENT beats 0. */
static int worst(int a, int b)
{
	if (a == -EINVAL || b == -EINVAL)
		return -EINVAL;
	return a ? a : b;
}

int cond__compile(struct cond *c, struct cond_compile *cc)
{
	struct macro *m;
	int l;

	switch (c->kind) {
	case COND_AND:
	case COND_OR:
		/* Both sides, left first, so that every mistake is reported in order. */
		l = cond__compile(c->left, cc);
		return worst(l, cond__compile(c->right, cc));
	case COND_NOT:
		return cond__compile(c->left, cc);
	case COND_MACRO:
		m = (struct macro *)c->macro;
		if (m->failed || m->state == STATE_BUSY)
			return -EINVAL;
		if (!m->has_unknown)
			return 0;
		if (cc->unknown) {
			if (!cc->has_unknown) {
				*cc->unknown = m->unknown;
				cc->has_unknown = true;
			}
			return -ENOENT;
		}
		/* Reported once, as an error, with the first rule that cannot skip. */
		if (!m->unknown_reported) {
			m->unknown_reported = true;
			rules_diag__error(cc->d, &m->unknown.pos, "macro '%s': %s", m->name,
					  m->unknown.msg);
		}
		return -EINVAL;
	case COND_CHECK:
		return check__compile(c, cc);
	}
	return -EINVAL;
}

static uint64_t evttype__bits(const char *name, bool *clone, bool *procexit)
{
	enum vigil_syscall sc;

	/* Process start and end have no syscall of theirs: bucket 0. */
	if (!strcmp(name, "clone")) {
		*clone = true;
		return UINT64_C(1) << VIGIL_SC_NONE;
	}
	if (!strcmp(name, "procexit")) {
		*procexit = true;
		return UINT64_C(1) << VIGIL_SC_NONE;
	}
	sc = syscall__from_name(name);
	if (sc == VIGIL_SC_NONE || sc >= VIGIL_SC_MAX)
		return 0;
	return UINT64_C(1) << sc;
}

/*
 * The event types c may be true for, and those it may be false for: an
 * evt.type check decides both exactly (but for bucket 0, which clone and
 * procexit share), "and", "or" and "not" combine them, and any other check
 * may be either for every type. Over-approximating only costs time, never
 * an alert.
 */
void cond__evttypes(const struct cond *c, uint64_t *may_true, uint64_t *may_false)
{
	uint64_t lt, lf, rt, rf, bits = 0;
	bool clone = false, procexit = false, shared;
	size_t i;

	switch (c->kind) {
	case COND_AND:
		cond__evttypes(c->left, &lt, &lf);
		cond__evttypes(c->right, &rt, &rf);
		*may_true = lt & rt;
		*may_false = lf | rf;
		return;
	case COND_OR:
		cond__evttypes(c->left, &lt, &lf);
		cond__evttypes(c->right, &rt, &rf);
		*may_true = lt | rt;
		*may_false = lf & rf;
		return;
	case COND_NOT:
		cond__evttypes(c->left, may_false, may_true);
		return;
	case COND_MACRO:
		if (c->macro->tree) {
			cond__evttypes(c->macro->tree, may_true, may_false);
			return;
		}
		break;
	case COND_CHECK:
		if (!c->compiled || !c->lhs.field || strcmp(c->lhs.field->name, "evt.type") ||
		    c->lhs.nxforms || c->rhs_name ||
		    (c->op != OP_EQ && c->op != OP_NE && c->op != OP_IN &&
		     c->op != OP_INTERSECTS))
			break;
		for (i = 0; i < c->nvalues; i++)
			bits |= evttype__bits(c->values[i].text, &clone, &procexit);
		/* Bucket 0 holds clone and procexit: naming one leaves the other. */
		shared = clone != procexit;
		*may_true = bits;
		*may_false = (EVTTYPES_ALL & ~bits) | (shared ? UINT64_C(1) << VIGIL_SC_NONE : 0);
		if (c->op == OP_NE) {
			uint64_t t = *may_true;

			*may_true = *may_false;
			*may_false = t;
		}
		return;
	}
	*may_true = EVTTYPES_ALL;
	*may_false = EVTTYPES_ALL;
}

/* Which macros a condition may use: those before its item, for a macro. */
struct macro_scope {
	const struct ruleset *rs;
	const struct macro *self;
	uint32_t visibility;
};

static const struct macro *macro_scope__lookup(void *ctx, const char *name, bool *later)
{
	const struct macro_scope *scope = ctx;
	size_t i;

	for (i = 0; i < scope->rs->nmacros; i++) {
		const struct macro *m = scope->rs->macros[i];

		if (strcmp(m->name, name))
			continue;
		if (m != scope->self && m->index < scope->visibility)
			return m;
		*later = true;
		return NULL;
	}
	return NULL;
}

/* Lists pasted in and parsed. Returns the tree or NULL, errors reported. */
static struct cond *condition__parse(struct ruleset *rs, const struct srctext *text,
				     const struct macro_scope *scope, struct rules_diag *d,
				     const char *what)
{
	struct cond_error perr;
	struct srctext expanded;
	struct cond *tree;

	if (cond__expand_lists(text, rs->lists, rs->nlists, &expanded)) {
		rules_diag__error(d, &text->pos[0], "%s: out of memory", what);
		return NULL;
	}
	tree = cond__parse(&expanded, macro_scope__lookup, (void *)scope, &perr);
	srctext__free(&expanded);
	if (!tree)
		rules_diag__error(d, &perr.pos, "%s: %s", what, perr.msg);
	return tree;
}

static void macro__compile(struct ruleset *rs, struct macro *m, struct rules_diag *d);

/* Compiles the macros a tree uses first; false when one refers back. */
static bool macros__deps(struct ruleset *rs, struct cond *c, struct rules_diag *d,
			 const char *what)
{
	struct macro *m;

	if (!c)
		return true;
	if (c->kind != COND_MACRO)
		return macros__deps(rs, c->left, d, what) && macros__deps(rs, c->right, d, what);
	m = (struct macro *)c->macro;
	m->used = true;
	if (m->state == STATE_BUSY) {
		rules_diag__error(d, &c->pos,
				  "%s: using macro '%s' here makes a loop: a macro cannot use "
				  "itself",
				  what, m->name);
		return false;
	}
	macro__compile(rs, m, d);
	return true;
}

static void macro__compile(struct ruleset *rs, struct macro *m, struct rules_diag *d)
{
	struct macro_scope scope = { .rs = rs, .self = m, .visibility = m->visibility };
	struct cond_compile cc = { .d = d, .pool = rs->pool, .unknown = &m->unknown };
	char what[300];
	int err;

	if (m->state != STATE_NEW)
		return;
	m->state = STATE_BUSY;
	snprintf(what, sizeof(what), "macro '%s'", m->name);
	cc.what = what;
	/* Without a condition: already reported by the loader. */
	if (!m->cond.text) {
		m->failed = true;
		goto out;
	}
	m->tree = condition__parse(rs, &m->cond, &scope, d, what);
	if (!m->tree || !macros__deps(rs, m->tree, d, what)) {
		m->failed = true;
		goto out;
	}
	err = cond__compile(m->tree, &cc);
	if (err == -EINVAL)
		m->failed = true;
	else if (err)
		m->has_unknown = true;
out:
	if (m->failed || m->has_unknown) {
		cond__free(m->tree);
		m->tree = NULL;
	}
	m->state = STATE_DONE;
}

static void rule__skip(struct rule *r, struct rules_diag *d, const struct cond_error *why,
		       const char *what)
{
	rules_diag__warning(d, &why->pos, "%s is skipped (skip-if-unknown-filter): %s", what,
			    why->msg);
	r->skipped = true;
	cond__free(r->tree);
	r->tree = NULL;
	output__free(&r->tmpl);
}

static void rule__compile(struct ruleset *rs, struct rule *r, struct rules_diag *d)
{
	struct macro_scope scope = { .rs = rs, .visibility = UINT32_MAX };
	struct cond_error unknown;
	struct cond_compile cc = { .d = d, .pool = rs->pool,
				   .unknown = r->skip_unknown ? &unknown : NULL };
	char what[300], msg[256];
	struct srctext text;
	uint64_t may_false;
	size_t erroff;
	int err;

	/* Another source's rule is kept only so that appends to it work. */
	if (r->foreign)
		return;
	snprintf(what, sizeof(what), "%s '%s'", r->anomaly ? "anomaly" : "rule", r->name);
	cc.what = what;
	/* A rule without a condition or an output was reported by the loader. */
	if (!r->cond.text)
		return;
	if (r->nexceptions) {
		err = exceptions__condition(r, d, &text);
		if (err == -ENOMEM)
			rules_diag__error(d, &r->pos, "%s: out of memory", what);
		if (err)
			return;
		r->tree = condition__parse(rs, &text, &scope, d, what);
		srctext__free(&text);
	} else {
		r->tree = condition__parse(rs, &r->cond, &scope, d, what);
	}
	if (!r->tree || !macros__deps(rs, r->tree, d, what)) {
		cond__free(r->tree);
		r->tree = NULL;
		return;
	}
	err = cond__compile(r->tree, &cc);
	if (err == -ENOENT) {
		rule__skip(r, d, &unknown, what);
		return;
	}
	if (err) {
		cond__free(r->tree);
		r->tree = NULL;
		return;
	}
	if (r->output.text) {
		err = output__compile(&r->tmpl, r->output.text, &erroff, msg, sizeof(msg));
		if (err == -ENOENT && r->skip_unknown) {
			unknown.pos = r->output.pos[erroff];
			snprintf(unknown.msg, sizeof(unknown.msg), "%s", msg);
			rule__skip(r, d, &unknown, what);
			return;
		}
		if (err)
			rules_diag__error(d, &r->output.pos[erroff], "%s: %s", what, msg);
	}
	if (r->anomaly && anomaly_spec__compile(r->anomaly, r->name, d)) {
		cond__free(r->tree);
		r->tree = NULL;
		return;
	}
	cond__evttypes(r->tree, &r->evttypes, &may_false);
	if (!r->enabled || !r->warn_evttypes)
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

			if (r->enabled && r->tree && !r->anomaly &&
			    (r->evttypes & (UINT64_C(1) << sc)))
				rs->bucket[sc][rs->nbucket[sc]++] = r;
		}
	}
	rs->anomalies = calloc(rs->nrules ? rs->nrules : 1, sizeof(*rs->anomalies));
	if (!rs->anomalies)
		return -ENOMEM;
	for (i = 0; i < rs->nrules; i++) {
		if (rs->rules[i]->enabled && rs->rules[i]->tree && rs->rules[i]->anomaly)
			rs->anomalies[rs->nanomalies++] = rs->rules[i];
	}
	return 0;
}

int rules__compile(struct ruleset *rs, struct rules_diag *d)
{
	unsigned int errors = d->errors;
	size_t i;

	for (i = 0; i < rs->nlists; i++) {
		if (list__expand(rs, rs->lists[i])) {
			rules_diag__error(d, NULL, "out of memory");
			return -ENOMEM;
		}
	}
	for (i = 0; i < rs->nmacros; i++)
		macro__compile(rs, rs->macros[i], d);
	for (i = 0; i < rs->nrules; i++)
		rule__compile(rs, rs->rules[i], d);
	/* Falco only looks at a macro when a rule uses it. */
	for (i = 0; i < rs->nmacros; i++) {
		const struct macro *m = rs->macros[i];

		if (m->has_unknown && !m->used)
			rules_diag__warning(d, &m->unknown.pos,
					    "macro '%s': %s (only a warning: no rule that compiles "
					    "uses the macro)",
					    m->name,
					    m->unknown.msg);
	}
	if (buckets__build(rs)) {
		rules_diag__error(d, NULL, "out of memory");
		return -ENOMEM;
	}
	return d->errors == errors ? 0 : -EINVAL;
}
