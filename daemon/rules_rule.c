// SPDX-License-Identifier: GPL-2.0-only
/*
 * Rule items, as Falco reads them: a definition (again: replaced in its old
 * place), 'override' appending to or replacing some of an earlier rule's
 * keys, the legacy 'append: true', and the legacy entry with only 'enabled'.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rules_internal.h"

#define K(k) KEY_BIT(KEY_##k)

static const unsigned int rule_appendable = K(CONDITION) | K(OUTPUT) | K(DESC) | K(TAGS) |
					    K(EXCEPTIONS);
static const unsigned int rule_replaceable = K(CONDITION) | K(OUTPUT) | K(DESC) | K(PRIORITY) |
					     K(TAGS) | K(EXCEPTIONS) | K(ENABLED) |
					     K(WARN_EVTTYPES) | K(SKIP_UNKNOWN);

/* The only event source vigil has. */
#define SYSCALL_SOURCE "syscall"

struct rule *ruleset__rule(const struct ruleset *rs, const char *name)
{
	size_t i;

	for (i = 0; i < rs->nrules; i++) {
		if (!strcmp(rs->rules[i]->name, name))
			return rs->rules[i];
	}
	return NULL;
}

static int ruleset__push(struct ruleset *rs, struct rule *r)
{
	struct rule **grown = realloc(rs->rules, (rs->nrules + 1) * sizeof(*grown));

	if (!grown)
		return -ENOMEM;
	rs->rules = grown;
	grown[rs->nrules++] = r;
	return 0;
}

static void rule__clear(struct rule *r)
{
	free(r->desc);
	srctext__free(&r->cond);
	srctext__free(&r->output);
	strings__free(r->tags, r->ntags);
	exceptions__free(r->exceptions, r->nexceptions);
	cond__free(r->tree);
	output__free(&r->tmpl);
	anomaly_spec__free(r->anomaly);
	r->anomaly = NULL;
	r->desc = NULL;
	r->tags = NULL;
	r->ntags = 0;
	r->exceptions = NULL;
	r->nexceptions = 0;
	r->tree = NULL;
}

void rule__free(struct rule *r)
{
	if (!r)
		return;
	rule__clear(r);
	free(r->name);
	free(r);
}

static struct srcpos key__pos(const struct loader *ld, const struct item *it, enum item_key k)
{
	return ynode__pos(ld->f, it->key[k]);
}

static bool rule__priority_from(struct loader *ld, const struct item *it, enum rule_priority *p)
{
	const struct ynode *prio = item__string(ld, it, KEY_PRIORITY);
	struct srcpos pos;

	if (!prio)
		return false;
	if (priority__from_name(prio->value, p))
		return true;
	pos = ynode__pos(ld->f, prio);
	rules_diag__error(ld->d, &pos,
			  "rule '%s': unknown priority '%s' (expected emergency, alert, critical, "
			  "error, warning, notice, informational or debug)",
			  it->name, prio->value);
	return false;
}

/* A condition or output, with positions; the output trimmed as Falco does. */
static int rule__text(struct loader *ld, const struct item *it, enum item_key k,
		      struct srctext *st)
{
	const struct ynode *v = item__string(ld, it, k);

	memset(st, 0, sizeof(*st));
	if (!v)
		return -EINVAL;
	if (ynode__srctext(ld->f, v, st)) {
		loader__nomem(ld, it);
		return -ENOMEM;
	}
	if (k != KEY_CONDITION)
		srctext__trim(st);
	return 0;
}

static void rule__append_text(struct loader *ld, const struct item *it, enum item_key k,
			      struct srctext *dst)
{
	struct srctext st;

	if (rule__text(ld, it, k, &st))
		return;
	/* A rule whose own definition was broken has nothing to append to. */
	if (dst->text && srctext__append(dst, &st))
		loader__nomem(ld, it);
	srctext__free(&st);
}

static void rule__replace_text(struct loader *ld, const struct item *it, enum item_key k,
			       struct srctext *dst)
{
	struct srctext st;

	if (rule__text(ld, it, k, &st))
		return;
	srctext__free(dst);
	*dst = st;
}

static void rule__append_desc(struct loader *ld, const struct item *it, struct rule *r)
{
	const struct ynode *v = item__string(ld, it, KEY_DESC);
	char *more, *joined;

	if (!v)
		return;
	more = string__trim(v->value);
	if (!more || asprintf(&joined, "%s %s", r->desc ? r->desc : "", more) < 0) {
		free(more);
		loader__nomem(ld, it);
		return;
	}
	free(more);
	free(r->desc);
	r->desc = joined;
}

static void rule__replace_desc(struct loader *ld, const struct item *it, struct rule *r)
{
	const struct ynode *v = item__string(ld, it, KEY_DESC);
	char *desc;

	if (!v)
		return;
	desc = string__trim(v->value);
	if (!desc) {
		loader__nomem(ld, it);
		return;
	}
	free(r->desc);
	r->desc = desc;
}

/* Tags are a set: appending adds those not there yet. */
static void rule__tags(struct loader *ld, const struct item *it, struct rule *r, bool append)
{
	char **tags, **all;
	size_t n, i, j;
	int err;

	err = item__strings(ld, it, KEY_TAGS, &tags, &n);
	if (err == -ENOMEM)
		ld->f->broken = true;
	if (err) {
		/* Reported: what was read does not count. */
		strings__free(tags, n);
		return;
	}
	if (!append) {
		strings__free(r->tags, r->ntags);
		r->tags = tags;
		r->ntags = n;
		return;
	}
	all = realloc(r->tags, (r->ntags + n + 1) * sizeof(*all));
	if (!all) {
		strings__free(tags, n);
		loader__nomem(ld, it);
		return;
	}
	r->tags = all;
	for (i = 0; i < n; i++) {
		for (j = 0; j < r->ntags && strcmp(r->tags[j], tags[i]); j++)
			;
		if (j < r->ntags) {
			free(tags[i]);
			continue;
		}
		r->tags[r->ntags++] = tags[i];
	}
	free(tags);
}

static void rule__exceptions(struct loader *ld, const struct item *it, struct rule *r,
			     bool append)
{
	struct rule_exception *ex;
	size_t n;
	int err;

	err = exceptions__read(ld->f, it->val[KEY_EXCEPTIONS], it->name, append, &ex, &n);
	if (err == -ENOMEM) {
		loader__nomem(ld, it);
		return;
	}
	if (err)
		return;
	if (!append) {
		exceptions__free(r->exceptions, r->nexceptions);
		r->exceptions = ex;
		r->nexceptions = n;
		return;
	}
	if (exceptions__append(r, ex, n, ld->d) == -ENOMEM)
		loader__nomem(ld, it);
}

static void rule__missing_before(struct loader *ld, const struct item *it, const char *what)
{
	struct srcpos pos = item__pos(ld, it);

	rules_diag__error(ld->d, &pos,
			  "cannot %s rule '%s': no rule of that name is defined before", what,
			  it->name);
}

/* 'override': the appends first, then the replacements, as in Falco. */
static void loader__rule_override(struct loader *ld, struct item *it)
{
	struct rule *r = ruleset__rule(ld->rs, it->name);
	bool any_append = false;
	int k;

	if (!item__overrides_match(ld, it, rule_appendable | rule_replaceable))
		return;
	for (k = 0; k < KEY_MAX; k++)
		any_append |= it->override[k] == OVERRIDE_APPEND;
	if (!r) {
		rule__missing_before(ld, it, any_append ? "append to" : "override");
		return;
	}
	if (it->override[KEY_CONDITION] == OVERRIDE_APPEND)
		rule__append_text(ld, it, KEY_CONDITION, &r->cond);
	if (it->override[KEY_EXCEPTIONS] == OVERRIDE_APPEND)
		rule__exceptions(ld, it, r, true);
	if (it->override[KEY_OUTPUT] == OVERRIDE_APPEND)
		rule__append_text(ld, it, KEY_OUTPUT, &r->output);
	if (it->override[KEY_DESC] == OVERRIDE_APPEND)
		rule__append_desc(ld, it, r);
	if (it->override[KEY_TAGS] == OVERRIDE_APPEND)
		rule__tags(ld, it, r, true);

	if (it->override[KEY_CONDITION] == OVERRIDE_REPLACE)
		rule__replace_text(ld, it, KEY_CONDITION, &r->cond);
	if (it->override[KEY_EXCEPTIONS] == OVERRIDE_REPLACE)
		rule__exceptions(ld, it, r, false);
	if (it->override[KEY_OUTPUT] == OVERRIDE_REPLACE)
		rule__replace_text(ld, it, KEY_OUTPUT, &r->output);
	if (it->override[KEY_DESC] == OVERRIDE_REPLACE)
		rule__replace_desc(ld, it, r);
	if (it->override[KEY_TAGS] == OVERRIDE_REPLACE)
		rule__tags(ld, it, r, false);
	if (it->override[KEY_PRIORITY] == OVERRIDE_REPLACE)
		rule__priority_from(ld, it, &r->priority);
	if (it->override[KEY_ENABLED] == OVERRIDE_REPLACE)
		r->enabled = item__flag(ld, it, KEY_ENABLED, r->enabled);
	if (it->override[KEY_WARN_EVTTYPES] == OVERRIDE_REPLACE)
		r->warn_evttypes = item__flag(ld, it, KEY_WARN_EVTTYPES, r->warn_evttypes);
	if (it->override[KEY_SKIP_UNKNOWN] == OVERRIDE_REPLACE)
		r->skip_unknown = item__flag(ld, it, KEY_SKIP_UNKNOWN, r->skip_unknown);
}

/* The legacy 'append: true': a condition and exceptions only. */
static void loader__rule_append(struct loader *ld, struct item *it)
{
	struct rule *r = ruleset__rule(ld->rs, it->name);
	struct srcpos pos = item__pos(ld, it);
	int k;

	for (k = 0; k < KEY_MAX; k++) {
		struct srcpos kpos;

		if (!it->val[k] || k == KEY_RULE || k == KEY_APPEND || k == KEY_CONDITION ||
		    k == KEY_EXCEPTIONS)
			continue;
		kpos = ynode__pos(ld->f, it->val[k]);
		rules_diag__error(ld->d, &kpos,
				  "rule '%s': '%s' cannot be appended with append: true, which "
				  "only takes 'condition' and 'exceptions': use 'override'",
				  it->name, item_key_names[k]);
	}
	if (!it->val[KEY_CONDITION] && !it->val[KEY_EXCEPTIONS]) {
		rules_diag__error(ld->d, &pos,
				  "rule '%s' has append: true but neither 'condition' nor "
				  "'exceptions'",
				  it->name);
		return;
	}
	if (!r) {
		rule__missing_before(ld, it, "append to");
		return;
	}
	if (it->val[KEY_CONDITION])
		rule__append_text(ld, it, KEY_CONDITION, &r->cond);
	if (it->val[KEY_EXCEPTIONS])
		rule__exceptions(ld, it, r, true);
}

/* The legacy switch: "- rule: x" and "enabled:" alone. */
static void loader__rule_toggle(struct loader *ld, struct item *it)
{
	bool enabled = item__flag(ld, it, KEY_ENABLED, true);
	struct rule *r = ruleset__rule(ld->rs, it->name);
	struct srcpos pos = key__pos(ld, it, KEY_ENABLED);

	rules_diag__warning(ld->d, &pos,
			    "rule '%s': 'enabled' alone is deprecated: add 'override: {enabled: "
			    "replace}'",
			    it->name);
	if (!r) {
		rule__missing_before(ld, it, enabled ? "enable" : "disable");
		return;
	}
	r->enabled = enabled;
}

struct rule *loader__rule_define(struct loader *ld, struct item *it)
{
	static const enum item_key required[] = { KEY_DESC, KEY_CONDITION, KEY_OUTPUT,
						  KEY_PRIORITY };
	struct srcpos pos = item__pos(ld, it);
	const struct ynode *desc, *source;
	bool foreign = false;
	struct rule *r;
	size_t i;

	for (i = 0; i < sizeof(required) / sizeof(required[0]); i++) {
		if (!it->val[required[i]])
			item__missing(ld, it, required[i]);
	}
	source = item__string(ld, it, KEY_SOURCE);
	if (source && strcmp(source->value, SYSCALL_SOURCE)) {
		struct srcpos spos = ynode__pos(ld->f, source);

		foreign = true;
		rules_diag__warning(ld->d, &spos,
				    "rule '%s': source '%s' is not one vigil has (only syscall): "
				    "the rule is skipped",
				    it->name, source->value);
	}

	r = ruleset__rule(ld->rs, it->name);
	if (r) {
		if (r->foreign != foreign) {
			rules_diag__error(ld->d, &pos,
					  "rule '%s' is defined again with another source",
					  it->name);
			return NULL;
		}
		/* Rules and anomaly items share names: one cannot become the other. */
		if (!r->anomaly != (it->kind == KEY_RULE)) {
			rules_diag__error(ld->d, &pos, "'%s' is defined before as %s",
					  it->name, r->anomaly ? "an anomaly item" : "a rule");
			return NULL;
		}
		/* Defined again: replaced, keeping its place in the order. */
		rule__clear(r);
	} else {
		r = calloc(1, sizeof(*r));
		if (!r || !(r->name = strdup(it->name))) {
			free(r);
			loader__nomem(ld, it);
			return NULL;
		}
		r->index = ld->rs->next_index++;
		if (ruleset__push(ld->rs, r)) {
			rule__free(r);
			loader__nomem(ld, it);
			return NULL;
		}
	}
	r->pos = pos;
	r->foreign = foreign;
	r->enabled = item__flag(ld, it, KEY_ENABLED, true);
	r->warn_evttypes = item__flag(ld, it, KEY_WARN_EVTTYPES, true);
	r->skip_unknown = item__flag(ld, it, KEY_SKIP_UNKNOWN, false);
	r->priority = PRIORITY_DEBUG;

	desc = item__string(ld, it, KEY_DESC);
	if (desc && !(r->desc = string__trim(desc->value))) {
		loader__nomem(ld, it);
		return NULL;
	}
	if (it->val[KEY_CONDITION])
		rule__text(ld, it, KEY_CONDITION, &r->cond);
	if (it->val[KEY_OUTPUT])
		rule__text(ld, it, KEY_OUTPUT, &r->output);
	if (it->val[KEY_PRIORITY])
		rule__priority_from(ld, it, &r->priority);
	if (it->val[KEY_TAGS])
		rule__tags(ld, it, r, false);
	if (it->val[KEY_EXCEPTIONS])
		rule__exceptions(ld, it, r, false);
	return r;
}

void loader__rule(struct loader *ld, struct item *it)
{
	bool append = item__flag(ld, it, KEY_APPEND, false);
	struct srcpos pos = item__pos(ld, it);

	if (append) {
		struct srcpos apos = key__pos(ld, it, KEY_APPEND);

		rules_diag__warning(ld->d, &apos,
				    "rule '%s': 'append: true' is deprecated: use 'override: "
				    "{condition: append}'",
				    it->name);
	}
	if (!item__overrides(ld, it, rule_appendable, rule_replaceable))
		return;
	if ((append || it->has_override) && ruleset__rule(ld->rs, it->name) &&
	    ruleset__rule(ld->rs, it->name)->anomaly) {
		rules_diag__error(ld->d, &pos,
				  "rule '%s': '%s' is an anomaly item, which is only ever "
				  "defined again, whole",
				  it->name, it->name);
		return;
	}
	if (append && it->has_override) {
		rules_diag__error(ld->d, &pos,
				  "rule '%s': 'append' and 'override' cannot be used together: "
				  "keep 'override'",
				  it->name);
		return;
	}
	if (it->has_override)
		loader__rule_override(ld, it);
	else if (append)
		loader__rule_append(ld, it);
	else if (it->keys == (K(RULE) | K(ENABLED)))
		loader__rule_toggle(ld, it);
	else
		loader__rule_define(ld, it);
}
