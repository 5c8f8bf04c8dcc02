// SPDX-License-Identifier: GPL-2.0-only
/*
 * The open filter pushed into the kernel, derived from the rules: for every
 * enabled rule that can match an open, a necessary condition on the open's
 * access (read, write) and the opened file's name, and their union over the
 * rules. An open that satisfies none cannot match any rule, so it never
 * leaves the kernel. Like the event-type analysis, each node yields what must
 * hold when it is true and what must hold when it is false, so that "not"
 * only swaps them; anything this does not understand allows every open.
 * Over-approximating costs time, never an alert.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "rules_internal.h"

#define OPEN_SYSCALLS                                                                        \
	((UINT64_C(1) << VIGIL_SC_OPEN) | (UINT64_C(1) << VIGIL_SC_OPENAT) |                 \
	 (UINT64_C(1) << VIGIL_SC_OPENAT2) | (UINT64_C(1) << VIGIL_SC_CREAT))
#define ACCESS_ALL (VIGIL_ACCESS_READ | VIGIL_ACCESS_WRITE)
#define NAMES_MAX 256

/* Opens allowed: any file with an access in any, and each named file with
 * its own access bits. overflow: more names than fit, so every file. */
struct constraint {
	uint8_t any;
	size_t n;
	struct {
		const char *name;
		uint8_t access;
	} names[NAMES_MAX];
};

static void constraint__all(struct constraint *c)
{
	c->any = ACCESS_ALL;
	c->n = 0;
}

static void constraint__none(struct constraint *c)
{
	c->any = 0;
	c->n = 0;
}

static void constraint__add(struct constraint *c, const char *name, uint8_t access)
{
	size_t i;

	access &= ~c->any;
	if (!access)
		return;
	for (i = 0; i < c->n; i++) {
		if (!strcmp(c->names[i].name, name)) {
			c->names[i].access |= access;
			return;
		}
	}
	/* Too many names, or one the kernel cannot hold: allow every file. */
	if (c->n == NAMES_MAX || strlen(name) >= OPEN_FILTER_NAME_MAX || !*name) {
		c->any |= access;
		return;
	}
	c->names[c->n].name = name;
	c->names[c->n].access = access;
	c->n++;
}

static uint8_t constraint__access_of(const struct constraint *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (!strcmp(c->names[i].name, name))
			return c->any | c->names[i].access;
	return c->any;
}

/* a := a or b */
static void constraint__union(struct constraint *a, const struct constraint *b)
{
	size_t i;

	a->any |= b->any;
	for (i = 0; i < b->n; i++)
		constraint__add(a, b->names[i].name, b->names[i].access);
	/* Names now covered by any drop out. */
	for (i = 0; i < a->n;) {
		a->names[i].access &= ~a->any;
		if (!a->names[i].access)
			a->names[i] = a->names[--a->n];
		else
			i++;
	}
}

/* a := a and b */
static void constraint__intersect(struct constraint *a, const struct constraint *b)
{
	static struct constraint out;
	size_t i;

	constraint__none(&out);
	out.any = a->any & b->any;
	for (i = 0; i < a->n; i++)
		constraint__add(&out, a->names[i].name,
				a->names[i].access & constraint__access_of(b, a->names[i].name));
	for (i = 0; i < b->n; i++)
		constraint__add(&out, b->names[i].name,
				b->names[i].access & constraint__access_of(a, b->names[i].name));
	*a = out;
}

static const char *basename_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

static bool field_is(const struct cond *c, const char *name)
{
	return c->compiled && c->lhs.field && !c->lhs.nxforms && !c->rhs_name &&
	       !strcmp(c->lhs.field->name, name);
}

/* A check, when true (t) and when false (f). */
static void check(const struct cond *c, struct constraint *t, struct constraint *f)
{
	bool name_field = field_is(c, "fd.name") || field_is(c, "fd.filename");
	uint64_t may_true, may_false;
	size_t i;

	constraint__all(t);
	constraint__all(f);
	if (c->compiled && c->lhs.field && !strcmp(c->lhs.field->name, "evt.type")) {
		/* For an open, a check that only other syscalls satisfy is false. */
		cond__evttypes(c, &may_true, &may_false);
		if (!(may_true & OPEN_SYSCALLS))
			constraint__none(t);
		if (!(may_false & OPEN_SYSCALLS))
			constraint__none(f);
		return;
	}
	if (name_field && (c->op == OP_EQ || c->op == OP_NE || c->op == OP_IN)) {
		struct constraint *named = c->op == OP_NE ? f : t;

		constraint__none(named);
		for (i = 0; i < c->nvalues; i++)
			constraint__add(named, basename_of(c->values[i].text), ACCESS_ALL);
		return;
	}
	if ((field_is(c, "evt.is_open_read") || field_is(c, "evt.is_open_write")) &&
	    (c->op == OP_EQ || c->op == OP_NE) && c->nvalues == 1) {
		uint8_t access = field_is(c, "evt.is_open_read") ? VIGIL_ACCESS_READ
								  : VIGIL_ACCESS_WRITE;
		bool want = !strcmp(c->values[0].text, "true");

		if (c->op == OP_NE)
			want = !want;
		/* is_open_read=true: the open reads; =false: it only writes. */
		(want ? t : f)->any = access;
		(want ? f : t)->any = ACCESS_ALL & ~access;
	}
}

static void constrain(const struct cond *c, struct constraint *t, struct constraint *f)
{
	struct constraint rt, rf;

	switch (c->kind) {
	case COND_AND:
	case COND_OR:
		constrain(c->left, t, f);
		constrain(c->right, &rt, &rf);
		if (c->kind == COND_AND) {
			constraint__intersect(t, &rt);
			constraint__union(f, &rf);
		} else {
			constraint__union(t, &rt);
			constraint__intersect(f, &rf);
		}
		return;
	case COND_NOT:
		constrain(c->left, f, t);
		return;
	case COND_MACRO:
		if (c->macro->tree) {
			constrain(c->macro->tree, t, f);
			return;
		}
		break;
	case COND_CHECK:
		check(c, t, f);
		return;
	}
	constraint__all(t);
	constraint__all(f);
}

void rules__open_filter(const struct ruleset *rs, struct open_filter *f)
{
	static struct constraint all, t, fl;
	size_t i;

	constraint__none(&all);
	for (i = 0; i < rs->nrules; i++) {
		const struct rule *r = rs->rules[i];

		if (!r->enabled || r->foreign || r->skipped || !r->tree ||
		    !(r->evttypes & OPEN_SYSCALLS))
			continue;
		constrain(r->tree, &t, &fl);
		constraint__union(&all, &t);
	}
	memset(f, 0, offsetof(struct open_filter, names));
	f->enabled = true;
	f->any_access = all.any;
	f->failed_access = all.any;
	for (i = 0; i < all.n && i < OPEN_FILTER_NAMES_MAX; i++) {
		snprintf(f->names[i].name, sizeof(f->names[i].name), "%s", all.names[i].name);
		f->names[i].access = all.names[i].access;
		/* A failed open has no file to name: let it through when its
		 * access could match a named file. */
		f->failed_access |= all.names[i].access;
	}
	f->nnames = i;
}
