// SPDX-License-Identifier: GPL-2.0-only
/*
 * Conditions against events, on every event the BPF side sends: no heap of
 * its own, and only the rules filed under the event's syscall are looked
 * at. (regexec() may allocate inside the C library: only regex does.)
 *
 * A field the event does not have makes every comparison false, "!=" and
 * "in" included, as in Falco; only "not" above it turns that into true.
 * proc.aname and its kind without a generation hold when any ancestor's
 * value does.
 */
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "rules_internal.h"

static int str_key_cmp(const void *key, const void *elem)
{
	const struct cond_value *v = elem;

	return strcmp(key, v->v.str);
}

static int num_key_cmp(const void *key, const void *elem)
{
	const int64_t *k = key;
	const struct cond_value *v = elem;

	return (*k > v->v.num) - (*k < v->v.num);
}

/* Whether s[0..n) is one of the sorted directories. */
static bool paths__find(const struct cond *c, const char *s, size_t n)
{
	size_t lo = 0, hi = c->npaths;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const char *e = c->paths[mid];
		int cmp = strncmp(s, e, n);

		if (!cmp && e[n])
			cmp = -1;
		if (!cmp)
			return true;
		if (cmp < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return false;
}

/* s[0..n) is dir or lies below it, whole components only. */
static bool path_below(const char *s, size_t n, const char *dir)
{
	size_t len = strlen(dir);

	if (len == 1 && dir[0] == '/')
		return s[0] == '/';
	return len <= n && !memcmp(s, dir, len) && (len == n || s[len] == '/');
}

/* Falco's pmatch: s is one of the directories or lies below one, whole path
 * components only. A few directories are tried in turn; with more, each
 * prefix of s ending at a '/' is looked up. */
static bool pmatch(const struct cond *c, const char *s)
{
	size_t n = strlen(s), i;

	while (n > 1 && s[n - 1] == '/')
		n--;
	if (!n)
		return false;
	if (c->npaths <= 8) {
		for (i = 0; i < c->npaths; i++) {
			if (path_below(s, n, c->paths[i]))
				return true;
		}
		return false;
	}
	if (s[0] == '/' && paths__find(c, "/", 1))
		return true;
	for (i = 1; i <= n; i++) {
		if ((i == n || s[i] == '/') && paths__find(c, s, i))
			return true;
	}
	return false;
}

static bool str_op(enum cond_op op, const char *s, const char *v)
{
	size_t n, len;

	switch (op) {
	case OP_EQ:
		return !strcmp(s, v);
	case OP_NE:
		return strcmp(s, v) != 0;
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
	case OP_IGLOB:
		return fnmatch(v, s, FNM_CASEFOLD) == 0;
	default:
		return false;
	}
}

/* POSIX extended, matching the whole string as Falco's RE2 FullMatch does:
 * the leftmost-longest match must span it. */
static bool regex_full(const regex_t *re, const char *s)
{
	regmatch_t m;

	if (regexec(re, s, 1, &m, 0))
		return false;
	return m.rm_so == 0 && (size_t)m.rm_eo == strlen(s);
}

static bool str_check(const struct cond *c, const char *s)
{
	switch (c->op) {
	case OP_IN:
	case OP_INTERSECTS:
		return c->nvalues &&
		       bsearch(s, c->values, c->nvalues, sizeof(*c->values), str_key_cmp);
	case OP_PMATCH:
		return pmatch(c, s);
	case OP_REGEX:
		return regex_full(c->re, s);
	case OP_EQ:
		return !strcmp(s, c->values[0].v.str);
	default:
		return str_op(c->op, s, c->values[0].v.str);
	}
}

static bool num_op(enum cond_op op, int64_t x, int64_t v)
{
	switch (op) {
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
	default:
		return false;
	}
}

static bool num_check(const struct cond *c, int64_t x)
{
	if (c->op == OP_IN || c->op == OP_INTERSECTS)
		return c->nvalues &&
		       bsearch(&x, c->values, c->nvalues, sizeof(*c->values), num_key_cmp);
	return num_op(c->op, x, c->values[0].v.num);
}

static bool ip_in_net(const struct field_ip *ip, const struct ip_net *net)
{
	unsigned int full = net->prefix / 8, rem = net->prefix % 8;
	uint8_t mask;

	if (ip->family != net->family || memcmp(ip->addr, net->addr, full))
		return false;
	if (!rem)
		return true;
	mask = (uint8_t)(0xff << (8 - rem));
	return (ip->addr[full] & mask) == (net->addr[full] & mask);
}

static bool ip_check(const struct cond *c, const struct field_ip *ip)
{
	size_t i;

	switch (c->op) {
	case OP_EQ:
		return ip_in_net(ip, &c->nets[0]);
	case OP_NE:
		return !ip_in_net(ip, &c->nets[0]);
	case OP_IN:
	case OP_INTERSECTS:
		for (i = 0; i < c->nnets; i++) {
			if (ip_in_net(ip, &c->nets[i]))
				return true;
		}
		return false;
	default:
		return false;
	}
}

static bool ip_equal(const struct field_ip *a, const struct field_ip *b)
{
	return a->family == b->family && !memcmp(a->addr, b->addr, sizeof(a->addr));
}

/* lhs op val(field): both values from the event. Out of line: its buffer
 * would otherwise make every check's frame twice as large. */
static __attribute__((noinline)) bool field_check(const struct cond *c, const struct evt *evt,
						  const struct field_value *l)
{
	char buf[FIELD_BUF_MAX];
	struct field_value r;
	struct strbuf sb;

	strbuf__init(&sb, buf, sizeof(buf));
	if (!field_ref__get(&c->rhs, evt, -1, &r, &sb))
		return false;
	switch (c->lhs.type) {
	case FIELD_STRING:
		return str_op(c->op, l->str, r.str);
	case FIELD_IP:
	case FIELD_IPNET:
		if (c->op == OP_EQ)
			return ip_equal(&l->ip, &r.ip);
		return c->op == OP_NE && !ip_equal(&l->ip, &r.ip);
	default:
		return num_op(c->op, l->num, r.num);
	}
}

/* 1 true, 0 false, -1 the value is missing. */
static int check__eval_at(const struct cond *c, const struct evt *evt, int32_t generation)
{
	char buf[FIELD_BUF_MAX];
	struct field_value v;
	struct strbuf sb;

	strbuf__init(&sb, buf, sizeof(buf));
	if (c->direct) {
		/* A plain field, the common case: no argument, no transformer. */
		if (!c->lhs.field->get(evt, &v, &sb) ||
		    (c->lhs.field->type == FIELD_STRING && !v.str))
			return -1;
	} else if (!field_ref__get(&c->lhs, evt, generation, &v, &sb)) {
		return -1;
	}
	if (c->op == OP_EXISTS)
		return 1;
	if (c->rhs_name)
		return field_check(c, evt, &v);
	switch (c->lhs.type) {
	case FIELD_STRING:
		return str_check(c, v.str);
	case FIELD_IP:
	case FIELD_IPNET:
		return ip_check(c, &v.ip);
	default:
		return num_check(c, v.num);
	}
}

/* Falco's any-ancestor walk starts at the parent, and goes on past an
 * ancestor without the value (an unknown exepath). */
static __attribute__((noinline)) bool check__eval_ancestors(const struct cond *c,
							    const struct evt *evt)
{
	int32_t g;

	for (g = 1; g <= FIELD_ANCESTORS_MAX && process__ancestor(evt, g); g++) {
		if (check__eval_at(c, evt, g) > 0)
			return true;
	}
	return false;
}

static bool check__eval(const struct cond *c, const struct evt *evt)
{
	if (c->any_ancestor)
		return check__eval_ancestors(c, evt);
	return check__eval_at(c, evt, -1) > 0;
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

/* The rules that may match evt; none for the cgroup records, which tell
 * vigild about a container: no process did anything. */
static unsigned int evt__bucket(const struct ruleset *rs, const struct evt *evt)
{
	if (!rs || evt->type == VIGIL_EVENT_CGROUP || evt->type == VIGIL_EVENT_CGROUP_RMDIR)
		return VIGIL_SC_MAX;
	return (unsigned int)evt->syscall < VIGIL_SC_MAX ? (unsigned int)evt->syscall : 0;
}

const struct rule *rules__match(const struct ruleset *rs, const struct evt *evt)
{
	unsigned int b = evt__bucket(rs, evt);
	size_t i;

	if (b == VIGIL_SC_MAX)
		return NULL;
	for (i = 0; i < rs->nbucket[b]; i++) {
		if (cond__eval(rs->bucket[b][i]->tree, evt))
			return rs->bucket[b][i];
	}
	return NULL;
}

size_t rules__match_all(const struct ruleset *rs, const struct evt *evt, rules_match_fn fn,
			void *ctx)
{
	unsigned int b = evt__bucket(rs, evt);
	size_t i, n = 0;

	if (b == VIGIL_SC_MAX)
		return 0;
	for (i = 0; i < rs->nbucket[b]; i++) {
		if (!cond__eval(rs->bucket[b][i]->tree, evt))
			continue;
		n++;
		if (fn)
			fn(ctx, rs->bucket[b][i]);
	}
	return n;
}

size_t rules__count(const struct ruleset *rs)
{
	size_t i, n = 0;

	/* Anomaly items are counted apart: rules__anomaly_count. */
	for (i = 0; rs && i < rs->nrules; i++)
		n += rs->rules[i]->enabled && rs->rules[i]->tree && !rs->rules[i]->anomaly;
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
