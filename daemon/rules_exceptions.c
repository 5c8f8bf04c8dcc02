// SPDX-License-Identifier: GPL-2.0-only
/*
 * Rule exceptions, as Falco has them:
 *
 *	exceptions:
 *	  - name: known_writers
 *	    fields: [proc.name, fd.directory]
 *	    comps: [=, in]                 # "=" for each field when left out
 *	    values:
 *	      - [nginx, [/etc/nginx, /var/lib/nginx]]
 *	  - name: known_names              # the single-field form
 *	    fields: proc.name
 *	    comps: in                      # in, pmatch or intersects; "in" when left out
 *	    values: [sshd, sudo]
 *
 * Each exception with values becomes "and not (...)" after the rule's
 * condition, which is put in parentheses first: "(cond) and not ((proc.name
 * = nginx and fd.directory in (/etc/nginx, /var/lib/nginx)))". Like the
 * rest of a condition the text then has its lists substituted, so a value
 * may name a list ("in" takes "(my_list)"). Every byte keeps the position
 * of the field, operator or value it came from.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "rules_internal.h"

static void exc_item__clear(struct exc_item *e)
{
	size_t i;

	for (i = 0; i < e->nitems; i++)
		exc_item__clear(&e->items[i]);
	free(e->items);
	free(e->s);
	memset(e, 0, sizeof(*e));
}

static void exception__clear(struct rule_exception *ex)
{
	size_t i;

	free(ex->name);
	exc_item__clear(&ex->fields);
	exc_item__clear(&ex->comps);
	for (i = 0; i < ex->nvalues; i++)
		exc_item__clear(&ex->values[i]);
	free(ex->values);
	memset(ex, 0, sizeof(*ex));
}

void exceptions__free(struct rule_exception *ex, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		exception__clear(&ex[i]);
	free(ex);
}

struct exc_reader {
	struct rules_file *f;
	const char *rule;
	const char *name; /* the exception's, once known */
	bool failed;
	bool nomem;
};

static void exc_reader__error(struct exc_reader *r, const struct ynode *n, const char *what)
{
	struct srcpos pos = ynode__pos(r->f, n);

	if (r->name)
		rules_diag__error(r->f->d, &pos, "rule '%s': exception '%s': %s", r->rule, r->name,
				  what);
	else
		rules_diag__error(r->f->d, &pos, "rule '%s': %s", r->rule, what);
	r->failed = true;
}

/* A string, or a sequence nested at most depth more times. */
static void exc_reader__item(struct exc_reader *r, const struct ynode *n, unsigned int depth,
			     const char *key, struct exc_item *out)
{
	char msg[160];
	size_t i;

	memset(out, 0, sizeof(*out));
	out->pos = ynode__pos(r->f, n);
	if (ynode__is_scalar(n)) {
		if (!n->len) {
			snprintf(msg, sizeof(msg), "'%s' has an empty string", key);
			exc_reader__error(r, n, msg);
			return;
		}
		out->s = strdup(n->value);
		r->nomem |= !out->s;
		return;
	}
	if (n->type != YNODE_SEQ || !depth) {
		snprintf(msg, sizeof(msg), "'%s' must hold %s", key,
			 !strcmp(key, "values") ?
				 "sequences of strings (or of sequences of strings)" :
				 "a string or a sequence of strings");
		exc_reader__error(r, n, msg);
		return;
	}
	out->items = calloc(n->nkids ? n->nkids : 1, sizeof(*out->items));
	if (!out->items) {
		r->nomem = true;
		return;
	}
	out->nitems = n->nkids;
	for (i = 0; i < n->nkids; i++)
		exc_reader__item(r, n->kids[i], depth - 1, key, &out->items[i]);
}

static void exc_reader__one(struct exc_reader *r, const struct ynode *n, bool append,
			    struct rule_exception *ex)
{
	static const char *const keys[] = { "name", "fields", "comps", "values" };
	const struct ynode *name, *fields, *comps, *values;
	size_t i, k;

	ex->pos = ynode__pos(r->f, n);
	r->name = NULL;
	if (n->type != YNODE_MAP) {
		exc_reader__error(r, n, "an exception must be a mapping with name, fields, comps "
					"and values");
		return;
	}
	name = ynode__get(n, "name");
	if (!ynode__is_scalar(name) || ynode__is_null(name) || !name->len) {
		exc_reader__error(r, n, "an exception has no 'name'");
		return;
	}
	ex->name = strdup(name->value);
	if (!ex->name) {
		r->nomem = true;
		return;
	}
	r->name = ex->name;
	for (i = 0; i + 1 < n->nkids; i += 2) {
		const struct ynode *key = n->kids[i];
		char msg[160];

		for (k = 0; k < 4 && !(ynode__is_scalar(key) && !strcmp(key->value, keys[k])); k++)
			;
		if (k == 4) {
			snprintf(msg, sizeof(msg),
				 "unknown key '%s' (expected name, fields, comps, values)",
				 ynode__is_scalar(key) ? key->value : "?");
			exc_reader__error(r, key, msg);
		}
	}
	fields = ynode__get(n, "fields");
	comps = ynode__get(n, "comps");
	values = ynode__get(n, "values");
	if (fields) {
		ex->has_fields = true;
		exc_reader__item(r, fields, 1, "fields", &ex->fields);
	} else if (!append) {
		exc_reader__error(r, n, "no 'fields'");
	}
	if (comps) {
		ex->has_comps = true;
		exc_reader__item(r, comps, 1, "comps", &ex->comps);
	}
	if (!values || ynode__is_null(values)) {
		if (append) {
			struct srcpos pos = ynode__pos(r->f, n);

			rules_diag__warning(r->f->d, &pos,
					    "rule '%s': exception '%s' is appended without values",
					    r->rule, ex->name);
		}
		return;
	}
	if (values->type != YNODE_SEQ) {
		exc_reader__error(r, values, "'values' must be a sequence");
		return;
	}
	ex->values = calloc(values->nkids ? values->nkids : 1, sizeof(*ex->values));
	if (!ex->values) {
		r->nomem = true;
		return;
	}
	ex->nvalues = values->nkids;
	for (i = 0; i < values->nkids; i++)
		exc_reader__item(r, values->kids[i], 2, "values", &ex->values[i]);
}

int exceptions__read(struct rules_file *f, const struct ynode *n, const char *rule, bool append,
		     struct rule_exception **out, size_t *nout)
{
	struct exc_reader r = { .f = f, .rule = rule };
	struct rule_exception *ex;
	size_t i, j;

	*out = NULL;
	*nout = 0;
	/* Falco takes "exceptions:" with nothing after it. */
	if (!n || ynode__is_null(n))
		return 0;
	if (n->type != YNODE_SEQ) {
		exc_reader__error(&r, n, "'exceptions' must be a sequence of {name, fields, comps, "
					 "values}");
		return -EINVAL;
	}
	ex = calloc(n->nkids ? n->nkids : 1, sizeof(*ex));
	if (!ex)
		return -ENOMEM;
	for (i = 0; i < n->nkids && !r.nomem; i++) {
		exc_reader__one(&r, n->kids[i], append, &ex[i]);
		for (j = 0; ex[i].name && j < i; j++) {
			if (ex[j].name && !strcmp(ex[j].name, ex[i].name)) {
				exc_reader__error(&r, n->kids[i], "this name is used twice");
				break;
			}
		}
	}
	if (r.nomem || r.failed) {
		exceptions__free(ex, n->nkids);
		return r.nomem ? -ENOMEM : -EINVAL;
	}
	*out = ex;
	*nout = n->nkids;
	return 0;
}

int exceptions__append(struct rule *r, struct rule_exception *ex, size_t n, struct rules_diag *d)
{
	size_t i, j;
	int err = 0;

	for (i = 0; i < n; i++) {
		struct rule_exception *old = NULL, *grown;

		for (j = 0; j < r->nexceptions; j++) {
			if (!strcmp(r->exceptions[j].name, ex[i].name))
				old = &r->exceptions[j];
		}
		if (!old) {
			if (!ex[i].has_fields || !ex[i].nvalues) {
				rules_diag__error(d, &ex[i].pos,
						  "rule '%s': exception '%s' is not defined "
						  "before, so it needs 'fields' and 'values'",
						  r->name, ex[i].name);
				continue;
			}
			grown = realloc(r->exceptions, (r->nexceptions + 1) * sizeof(*grown));
			if (!grown) {
				err = -ENOMEM;
				break;
			}
			r->exceptions = grown;
			r->exceptions[r->nexceptions++] = ex[i];
			memset(&ex[i], 0, sizeof(ex[i]));
			continue;
		}
		if (ex[i].has_fields || ex[i].has_comps) {
			rules_diag__error(d, &ex[i].pos,
					  "rule '%s': exception '%s' is defined before: only "
					  "values can be appended to it, not %s",
					  r->name, ex[i].name,
					  ex[i].has_fields ? "fields" : "comps");
			continue;
		}
		if (ex[i].nvalues) {
			size_t total = old->nvalues + ex[i].nvalues;
			struct exc_item *values = realloc(old->values, total * sizeof(*values));

			if (!values) {
				err = -ENOMEM;
				break;
			}
			memcpy(values + old->nvalues, ex[i].values,
			       ex[i].nvalues * sizeof(*values));
			old->values = values;
			old->nvalues += ex[i].nvalues;
			free(ex[i].values);
			ex[i].values = NULL;
			ex[i].nvalues = 0;
		}
	}
	exceptions__free(ex, n);
	return err;
}

/* Building the condition text. */
struct exc_writer {
	const struct rule *r;
	const struct rule_exception *ex;
	struct rules_diag *d;
	struct srctext_builder b;
	bool failed;
};

static void exc_writer__error(struct exc_writer *w, const struct srcpos *pos, const char *fmt,
			      ...) __attribute__((format(printf, 3, 4)));

static void exc_writer__error(struct exc_writer *w, const struct srcpos *pos, const char *fmt,
			      ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	rules_diag__error(w->d, pos, "rule '%s': exception '%s': %s", w->r->name, w->ex->name,
			  msg);
	w->failed = true;
}

static void exc_writer__put(struct exc_writer *w, const char *s, const struct srcpos *pos)
{
	srctext_builder__puts(&w->b, s, pos);
}

/* A value as the condition parser reads it back: quoted when it must be. */
static void exc_writer__value(struct exc_writer *w, const char *s, const struct srcpos *pos)
{
	char *q = cond__quote(s);

	if (!q) {
		w->b.failed = true;
		return;
	}
	exc_writer__put(w, q, pos);
	free(q);
}

/* "(a, b)" from a sequence of strings. */
static void exc_writer__list(struct exc_writer *w, const struct exc_item *v)
{
	size_t i;

	exc_writer__put(w, "(", &v->pos);
	for (i = 0; i < v->nitems; i++) {
		if (v->items[i].s == NULL) {
			exc_writer__error(w, &v->items[i].pos, "%s",
					  "a value list must hold strings only");
			return;
		}
		if (i)
			exc_writer__put(w, ", ", &v->pos);
		exc_writer__value(w, v->items[i].s, &v->items[i].pos);
	}
	exc_writer__put(w, ")", &v->pos);
}

static bool exc_writer__field(struct exc_writer *w, const struct exc_item *f)
{
	struct field_ref ref;
	char msg[160];
	int err;

	if (!f->s) {
		exc_writer__error(w, &f->pos, "%s", "fields must be strings");
		return false;
	}
	err = field_ref__parse(&ref, f->s, strlen(f->s), msg, sizeof(msg));
	field_ref__free(&ref);
	if (err == -ENOMEM) {
		w->b.failed = true;
		return false;
	}
	if (err) {
		exc_writer__error(w, &f->pos, "%s", msg);
		return false;
	}
	return true;
}

static int exc_writer__op(struct exc_writer *w, const struct exc_item *c)
{
	int op;

	if (!c->s) {
		exc_writer__error(w, &c->pos, "%s", "comps must be strings");
		return -1;
	}
	op = cond_op__lookup(c->s, strlen(c->s));
	if (op < 0 || op == OP_EXISTS) {
		exc_writer__error(w, &c->pos, "'%s' is not a comparison operator", c->s);
		return -1;
	}
	return op;
}

/* fields: proc.name, values: [a, b] -> "proc.name in (a, b)" */
static void exc_writer__single(struct exc_writer *w)
{
	const struct rule_exception *ex = w->ex;
	const char *comp = ex->has_comps ? ex->comps.s : "in";
	const struct srcpos *cpos = ex->has_comps ? &ex->comps.pos : &ex->fields.pos;
	size_t i;
	int op;

	if (ex->has_comps && !ex->comps.s) {
		exc_writer__error(w, &ex->comps.pos, "%s",
				  "with a single field, comps must be a single operator too");
		return;
	}
	op = cond_op__lookup(comp, strlen(comp));
	if (op < 0 || op == OP_EXISTS) {
		exc_writer__error(w, cpos, "'%s' is not a comparison operator", comp);
		return;
	}
	if (!cond_op__takes_list(op)) {
		exc_writer__error(w, cpos, "with a single field, comps must be in, pmatch or "
					   "intersects, not '%s'",
				  comp);
		return;
	}
	if (!exc_writer__field(w, &ex->fields) || !ex->nvalues)
		return;
	exc_writer__put(w, " and not (", &ex->pos);
	exc_writer__put(w, ex->fields.s, &ex->fields.pos);
	exc_writer__put(w, " ", &ex->pos);
	exc_writer__put(w, comp, cpos);
	exc_writer__put(w, " (", &ex->pos);
	for (i = 0; i < ex->nvalues; i++) {
		if (!ex->values[i].s) {
			exc_writer__error(w, &ex->values[i].pos, "%s",
					  "with a single field, each value must be a string");
			return;
		}
		if (i)
			exc_writer__put(w, ", ", &ex->pos);
		exc_writer__value(w, ex->values[i].s, &ex->values[i].pos);
	}
	exc_writer__put(w, "))", &ex->pos);
}

/* fields: [a, b], values: [[x, y], ...] -> "((a = x and b = y) or ...)" */
static void exc_writer__multi(struct exc_writer *w)
{
	const struct rule_exception *ex = w->ex;
	size_t nfields = ex->fields.nitems, i, k;
	int ops[64];

	if (!nfields) {
		exc_writer__error(w, &ex->fields.pos, "%s", "fields is empty");
		return;
	}
	if (nfields > sizeof(ops) / sizeof(ops[0])) {
		exc_writer__error(w, &ex->fields.pos, "%s", "more than 64 fields");
		return;
	}
	if (ex->has_comps && (ex->comps.s || ex->comps.nitems != nfields)) {
		exc_writer__error(w, &ex->comps.pos, "%s",
				  "fields and comps must be sequences of the same length");
		return;
	}
	for (k = 0; k < nfields; k++) {
		if (!exc_writer__field(w, &ex->fields.items[k]))
			return;
		ops[k] = ex->has_comps ? exc_writer__op(w, &ex->comps.items[k]) : OP_EQ;
		if (ops[k] < 0)
			return;
	}
	for (i = 0; i < ex->nvalues; i++) {
		const struct exc_item *v = &ex->values[i];

		if (v->s || v->nitems != nfields) {
			exc_writer__error(w, &v->pos,
					  "each value must be a sequence of %zu items, one per "
					  "field",
					  nfields);
			return;
		}
	}
	if (!ex->nvalues)
		return;
	exc_writer__put(w, " and not (", &ex->pos);
	for (i = 0; i < ex->nvalues; i++) {
		const struct exc_item *v = &ex->values[i];

		exc_writer__put(w, i ? " or (" : "(", &v->pos);
		for (k = 0; k < nfields; k++) {
			const struct exc_item *f = &ex->fields.items[k];
			const struct exc_item *val = &v->items[k];
			const struct srcpos *cpos =
				ex->has_comps ? &ex->comps.items[k].pos : &f->pos;

			if (k)
				exc_writer__put(w, " and ", &v->pos);
			exc_writer__put(w, f->s, &f->pos);
			exc_writer__put(w, " ", &f->pos);
			exc_writer__put(w, cond_op__name(ops[k]), cpos);
			exc_writer__put(w, " ", &f->pos);
			if (!val->s) {
				exc_writer__list(w, val);
			} else if (cond_op__takes_list(ops[k])) {
				/* A string for a list operator names a list, or is one
				 * already: "(a, b)". Either way it goes in as written. */
				if (val->s[0] != '(')
					exc_writer__put(w, "(", &val->pos);
				exc_writer__put(w, val->s, &val->pos);
				if (val->s[0] != '(')
					exc_writer__put(w, ")", &val->pos);
			} else {
				exc_writer__value(w, val->s, &val->pos);
			}
		}
		exc_writer__put(w, ")", &v->pos);
	}
	exc_writer__put(w, ")", &ex->pos);
}

int exceptions__condition(const struct rule *r, struct rules_diag *d, struct srctext *out)
{
	struct exc_writer w = { .r = r, .d = d };
	size_t i;

	srctext_builder__init(&w.b, out);
	srctext_builder__put(&w.b, "(", 1, &r->cond.pos[0]);
	srctext_builder__copy(&w.b, &r->cond, 0, r->cond.len);
	srctext_builder__put(&w.b, ")", 1, &r->cond.pos[r->cond.len]);
	for (i = 0; i < r->nexceptions; i++) {
		w.ex = &r->exceptions[i];
		if (!w.ex->has_fields) {
			exc_writer__error(&w, &w.ex->pos, "%s", "no 'fields'");
			continue;
		}
		if (w.ex->fields.s)
			exc_writer__single(&w);
		else
			exc_writer__multi(&w);
	}
	if (srctext_builder__finish(&w.b, &r->cond.pos[r->cond.len]))
		return -ENOMEM;
	if (w.failed) {
		srctext__free(out);
		return -EINVAL;
	}
	return 0;
}
