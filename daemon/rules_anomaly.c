// SPDX-License-Identifier: GPL-2.0-only
/*
 * Anomaly items: a rule whose matching events feed a baseline instead of
 * alerting. The condition, output, priority, tags and exceptions are a
 * rule's (rules_rule.c reads them); this file adds the scope, the tuple of
 * fields to learn, the learning period and what to do with a new tuple, and
 * extracts them from a matching event. The baselines are baseline.c's.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rules_internal.h"

#define LEARNING_DEFAULT_S (24 * 3600)
/* A year: a period beyond this is a typo. */
#define LEARNING_MAX_S (366ull * 24 * 3600)

bool duration__parse(const char *s, uint64_t *seconds)
{
	unsigned long long n = 0, unit = 1;
	const char *p = s;

	if (*p < '0' || *p > '9')
		return false;
	for (; *p >= '0' && *p <= '9'; p++) {
		n = n * 10 + (unsigned long long)(*p - '0');
		if (n > LEARNING_MAX_S)
			return false;
	}
	switch (*p) {
	case '\0':
		break;
	case 's':
		p++;
		break;
	case 'm':
		unit = 60;
		p++;
		break;
	case 'h':
		unit = 3600;
		p++;
		break;
	case 'd':
		unit = 86400;
		p++;
		break;
	default:
		return false;
	}
	if (*p || n * unit > LEARNING_MAX_S)
		return false;
	*seconds = n * unit;
	return true;
}

void anomaly_spec__free(struct anomaly_spec *a)
{
	size_t i;

	if (!a)
		return;
	free(a->scope);
	field_ref__free(&a->scope_ref);
	for (i = 0; i < a->nlearn; i++) {
		free(a->learn[i]);
		field_ref__free(&a->learn_ref[i]);
	}
	free(a);
}

static void anomaly__error(struct loader *ld, const struct ynode *n, const char *name,
			   const char *msg)
{
	struct srcpos pos = ynode__pos(ld->f, n);

	rules_diag__error(ld->d, &pos, "anomaly '%s': %s", name, msg);
}

/* learn: one field or a sequence of 1 to ANOMALY_FIELDS_MAX fields. */
static int anomaly__learn(struct loader *ld, const struct item *it, struct anomaly_spec *a)
{
	const struct ynode *v = it->val[KEY_LEARN];
	const struct ynode *const *kids = &v;
	size_t n = 1, i;

	if (v->type == YNODE_SEQ) {
		kids = (const struct ynode *const *)v->kids;
		n = v->nkids;
	}
	if (!n || n > ANOMALY_FIELDS_MAX) {
		anomaly__error(ld, v, it->name, "'learn' takes 1 to 4 fields");
		return -EINVAL;
	}
	for (i = 0; i < n; i++) {
		if (!ynode__is_scalar(kids[i]) || ynode__is_null(kids[i]) || !*kids[i]->value) {
			anomaly__error(ld, kids[i], it->name,
				       "'learn' must be a field or a sequence of fields");
			return -EINVAL;
		}
		a->learn[i] = strdup(kids[i]->value);
		if (!a->learn[i])
			return -ENOMEM;
		a->learn_pos[i] = ynode__pos(ld->f, kids[i]);
		a->nlearn++;
	}
	return 0;
}

static int anomaly__on_new(struct loader *ld, const struct item *it, struct anomaly_spec *a)
{
	const struct ynode *v = item__string(ld, it, KEY_ON_NEW);

	a->alert_once = true;
	if (!it->val[KEY_ON_NEW])
		return 0;
	if (!v)
		return -EINVAL;
	if (!strcmp(v->value, "alert_once"))
		return 0;
	if (!strcmp(v->value, "alert_always")) {
		a->alert_once = false;
		return 0;
	}
	anomaly__error(ld, v, it->name,
		       "'on_new' must be alert_once (alert, then learn it) or alert_always");
	return -EINVAL;
}

static int anomaly__period(struct loader *ld, const struct item *it, struct anomaly_spec *a)
{
	const struct ynode *v = it->val[KEY_LEARNING_PERIOD];

	a->learning_s = LEARNING_DEFAULT_S;
	if (!v)
		return 0;
	if (!ynode__is_scalar(v) || !duration__parse(v->value, &a->learning_s)) {
		anomaly__error(ld, v, it->name,
			       "'learning_period' must be a duration such as 3600, 30s, 15m, 24h "
			       "or 7d, at most a year");
		return -EINVAL;
	}
	return 0;
}

static struct anomaly_spec *anomaly__read(struct loader *ld, const struct item *it)
{
	const struct ynode *scope;
	struct anomaly_spec *a;
	int err = 0;

	if (!it->val[KEY_SCOPE])
		item__missing(ld, it, KEY_SCOPE);
	if (!it->val[KEY_LEARN])
		item__missing(ld, it, KEY_LEARN);
	a = calloc(1, sizeof(*a));
	if (!a)
		return NULL;
	scope = it->val[KEY_SCOPE] ? item__string(ld, it, KEY_SCOPE) : NULL;
	if (scope) {
		a->scope = strdup(scope->value);
		a->scope_pos = ynode__pos(ld->f, scope);
		if (!a->scope)
			err = -ENOMEM;
	}
	if (!err && it->val[KEY_LEARN])
		err = anomaly__learn(ld, it, a);
	if (err != -ENOMEM)
		anomaly__period(ld, it, a);
	if (err != -ENOMEM)
		anomaly__on_new(ld, it, a);
	if (err == -ENOMEM) {
		anomaly_spec__free(a);
		return NULL;
	}
	return a;
}

void loader__anomaly(struct loader *ld, struct item *it)
{
	struct rule *r;

	r = loader__rule_define(ld, it);
	if (!r)
		return;
	r->anomaly = anomaly__read(ld, it);
	if (!r->anomaly)
		loader__nomem(ld, it);
}

/* A scope names a container or a workload: the host has none. */
static bool scope_field__allowed(const char *name)
{
	return !strncmp(name, "container.", 10) || !strncmp(name, "k8s.", 4);
}

static int anomaly__field(struct field_ref *r, const char *text, const struct srcpos *pos,
			  const char *name, const char *what, struct rules_diag *d)
{
	char msg[256];
	int err;

	err = field_ref__parse(r, text, strlen(text), msg, sizeof(msg));
	if (err == -ENOMEM) {
		rules_diag__error(d, pos, "anomaly '%s': out of memory", name);
		return err;
	}
	if (err) {
		rules_diag__error(d, pos, "anomaly '%s': %s: %s", name, what, msg);
		return -EINVAL;
	}
	if (field_ref__any_ancestor(r)) {
		rules_diag__error(d, pos,
				  "anomaly '%s': %s: '%s' needs a generation, such as [1], to "
				  "have one value",
				  name, what, text);
		return -EINVAL;
	}
	return 0;
}

int anomaly_spec__compile(struct anomaly_spec *a, const char *name, struct rules_diag *d)
{
	size_t i, j;
	int err = 0;

	if (!a->scope || !a->nlearn)
		return -EINVAL; /* reported by the loader */
	if (anomaly__field(&a->scope_ref, a->scope, &a->scope_pos, name, "scope", d))
		err = -EINVAL;
	else if (!scope_field__allowed(a->scope_ref.field->name) ||
		 a->scope_ref.type != FIELD_STRING)
		err = -EINVAL;
	if (err && a->scope_ref.field)
		rules_diag__error(d, &a->scope_pos,
				  "anomaly '%s': scope '%s' must be a container or k8s field "
				  "with text values, such as container.image.repository or "
				  "k8s.pod.label[app]",
				  name, a->scope);
	for (i = 0; i < a->nlearn; i++) {
		if (anomaly__field(&a->learn_ref[i], a->learn[i], &a->learn_pos[i], name, "learn",
				   d)) {
			err = -EINVAL;
			continue;
		}
		for (j = 0; j < i; j++) {
			if (!strcmp(a->learn[i], a->learn[j])) {
				rules_diag__error(d, &a->learn_pos[i],
						  "anomaly '%s': '%s' is learned twice", name,
						  a->learn[i]);
				err = -EINVAL;
			}
		}
	}
	a->compiled = !err;
	return err;
}

size_t rules__anomaly_count(const struct ruleset *rs)
{
	return rs ? rs->nanomalies : 0;
}

/* Baselines are YAML: text that is not UTF-8 could not be written back. */
static bool utf8__valid(const char *s, size_t len)
{
	bool valid = true;
	size_t i;

	for (i = 0; i < len && valid;)
		i += utf8__char_len((const unsigned char *)s + i, &valid);
	return valid;
}

/* The rendered value of r, into buf; false when missing, too long or not UTF-8. */
static bool anomaly__value(const struct field_ref *r, const struct evt *evt, char *buf,
			   size_t len)
{
	char tmp[FIELD_BUF_MAX];
	struct strbuf sb, out;
	struct field_value v;

	strbuf__init(&sb, tmp, sizeof(tmp));
	if (!field_ref__get(r, evt, -1, &v, &sb))
		return false;
	strbuf__init(&out, buf, len);
	field__render(r->type, &v, &out);
	return !out.truncated && out.len < len && utf8__valid(buf, out.len);
}

size_t rules__match_anomalies(const struct ruleset *rs, const struct evt *evt,
			      anomaly_match_fn fn, void *ctx)
{
	char values[ANOMALY_FIELDS_MAX][ANOMALY_VALUE_MAX];
	char scope[ANOMALY_VALUE_MAX];
	struct anomaly_match m;
	uint64_t bit;
	size_t i, j, n = 0;
	bool ok;

	/* Outside containers: no image, no workload, no scope to feed. */
	if (!rs || !rs->nanomalies || evt->container->runtime == RUNTIME_HOST)
		return 0;
	if (evt->type == VIGIL_EVENT_CGROUP || evt->type == VIGIL_EVENT_CGROUP_RMDIR)
		return 0;
	bit = UINT64_C(1) << ((unsigned int)evt->syscall < VIGIL_SC_MAX ? evt->syscall : 0);
	for (i = 0; i < rs->nanomalies; i++) {
		const struct rule *r = rs->anomalies[i];
		const struct anomaly_spec *a = r->anomaly;

		if (!(r->evttypes & bit) || !cond__eval(r->tree, evt))
			continue;
		if (!anomaly__value(&a->scope_ref, evt, scope, sizeof(scope)) || !*scope)
			continue;
		ok = true;
		for (j = 0; j < a->nlearn && ok; j++) {
			ok = anomaly__value(&a->learn_ref[j], evt, values[j], sizeof(values[j]));
			m.values[j] = values[j];
		}
		if (!ok)
			continue;
		m.rule = r;
		m.anomaly = r->name;
		m.scope_field = a->scope;
		m.scope = scope;
		m.fields = (const char *const *)a->learn;
		m.nfields = a->nlearn;
		m.learning_s = a->learning_s;
		m.alert_once = a->alert_once;
		n++;
		fn(ctx, &m);
	}
	return n;
}
