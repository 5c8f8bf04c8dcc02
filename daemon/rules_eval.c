// SPDX-License-Identifier: GPL-2.0-only
/*
 * Conditions against events, on every event the BPF side sends: no heap,
 * and only the rules filed under the event's syscall are looked at.
 *
 * A field the event does not have makes every comparison false, "!=" and
 * "in" included, as in Falco; only "not" above it turns that into true.
 */
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "rules_internal.h"

static int str_key_cmp(const void *key, const void *elem)
{
	const struct cond_value *v = elem;

	return strcmp(key, v->text);
}

static int num_key_cmp(const void *key, const void *elem)
{
	const int64_t *k = key;
	const struct cond_value *v = elem;

	return (*k > v->v.num) - (*k < v->v.num);
}

/* Falco's pmatch: s is the prefix directory itself or lies below it. */
static bool path_below(const char *s, const char *dir)
{
	size_t n = strlen(dir);

	if (!n || strncmp(s, dir, n))
		return false;
	return s[n] == '\0' || s[n] == '/' || dir[n - 1] == '/';
}

static bool str_check(const struct cond *c, const char *s)
{
	const char *v = c->nvalues ? c->values[0].v.str : NULL;
	size_t i, n, len;

	switch (c->op) {
	case OP_EQ:
		return !strcmp(s, v);
	case OP_NE:
		return strcmp(s, v) != 0;
	case OP_IN:
		return c->nvalues &&
		       bsearch(s, c->values, c->nvalues, sizeof(*c->values), str_key_cmp);
	case OP_PMATCH:
		for (i = 0; i < c->nvalues; i++) {
			if (path_below(s, c->values[i].v.str))
				return true;
		}
		return false;
	case OP_STARTSWITH:
		return !strncmp(s, v, strlen(v));
	case OP_ENDSWITH:
		len = strlen(s);
		n = strlen(v);
		return n <= len && !memcmp(s + len - n, v, n);
	case OP_CONTAINS:
		return strstr(s, v) != NULL;
	case OP_ICONTAINS:
		return strcasestr(s, v) != NULL;
	case OP_GLOB:
		return fnmatch(v, s, 0) == 0;
	default:
		return false;
	}
}

static bool num_check(const struct cond *c, int64_t x)
{
	int64_t v = c->nvalues ? c->values[0].v.num : 0;

	switch (c->op) {
	case OP_EQ:
		return x == v;
	case OP_NE:
		return x != v;
	case OP_LT:
		return x < v;
	case OP_LE:
		return x <= v;
	case OP_GT:
		return x > v;
	case OP_GE:
		return x >= v;
	case OP_IN:
		return c->nvalues &&
		       bsearch(&x, c->values, c->nvalues, sizeof(*c->values), num_key_cmp);
	default:
		return false;
	}
}

static bool ip_equal(const struct field_ip *a, const struct field_ip *b)
{
	return a->family == b->family && !memcmp(a->addr, b->addr, sizeof(a->addr));
}

static bool ip_check(const struct cond *c, const struct field_ip *ip)
{
	size_t i;

	switch (c->op) {
	case OP_EQ:
		return ip_equal(ip, &c->values[0].v.ip);
	case OP_NE:
		return !ip_equal(ip, &c->values[0].v.ip);
	case OP_IN:
		for (i = 0; i < c->nvalues; i++) {
			if (ip_equal(ip, &c->values[i].v.ip))
				return true;
		}
		return false;
	default:
		return false;
	}
}

static bool check__eval(const struct cond *c, const struct evt *evt)
{
	char buf[FIELD_BUF_MAX];
	struct field_value v;
	struct strbuf sb;

	strbuf__init(&sb, buf, sizeof(buf));
	if (!c->field->get(evt, &v, &sb))
		return false;
	/* A string the decoder left unset is as missing as no string. */
	if (c->field->type == FIELD_STRING && !v.str)
		return false;
	if (c->op == OP_EXISTS)
		return true;
	switch (c->field->type) {
	case FIELD_STRING:
		return str_check(c, v.str);
	case FIELD_IP:
		return ip_check(c, &v.ip);
	default:
		return num_check(c, v.num);
	}
}

bool cond__eval(const struct cond *c, const struct evt *evt)
{
	switch (c->kind) {
	case COND_AND:
		return cond__eval(c->left, evt) && cond__eval(c->right, evt);
	case COND_OR:
		return cond__eval(c->left, evt) || cond__eval(c->right, evt);
	case COND_NOT:
		return !cond__eval(c->left, evt);
	case COND_MACRO:
		return cond__eval(c->macro->tree, evt);
	case COND_CHECK:
		return check__eval(c, evt);
	}
	return false;
}

const struct rule *rules__match(const struct ruleset *rs, const struct evt *evt)
{
	unsigned int b;
	size_t i;

	/* A cgroup record tells vigild about a container; no process did anything. */
	if (!rs || evt->type == VIGIL_EVENT_CGROUP)
		return NULL;
	b = (unsigned int)evt->syscall < VIGIL_SC_MAX ? (unsigned int)evt->syscall : 0;
	for (i = 0; i < rs->nbucket[b]; i++) {
		if (cond__eval(rs->bucket[b][i]->tree, evt))
			return rs->bucket[b][i];
	}
	return NULL;
}

size_t rules__count(const struct ruleset *rs)
{
	size_t i, n = 0;

	for (i = 0; rs && i < rs->nrules; i++)
		n += rs->rules[i]->enabled;
	return n;
}

void rules__syscalls(const struct ruleset *rs, bool wanted[VIGIL_SC_MAX])
{
	uint64_t bits = 0;
	size_t i, sc;

	for (i = 0; rs && i < rs->nrules; i++) {
		if (rs->rules[i]->enabled && rs->rules[i]->tree)
			bits |= rs->rules[i]->evttypes;
	}
	for (sc = 0; sc < VIGIL_SC_MAX; sc++)
		wanted[sc] = bits & (UINT64_C(1) << sc);
}

const char *rule__name(const struct rule *r)
{
	return r->name;
}

enum rule_priority rule__priority(const struct rule *r)
{
	return r->priority;
}

size_t rule__ntags(const struct rule *r)
{
	return r->ntags;
}

const char *rule__tag(const struct rule *r, size_t i)
{
	return i < r->ntags ? r->tags[i] : NULL;
}
