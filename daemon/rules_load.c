// SPDX-License-Identifier: GPL-2.0-only
/*
 * Falco rule files into a ruleset: lists, macros and rules, in file order,
 * with redefinitions, appends, overrides and toggles applied as they come
 * (rules_rule.c does the rules). Nothing is compiled until the last file is
 * read, since a later file may append to a macro that an earlier rule uses.
 *
 * Every problem is reported with its position and loading goes on, so that
 * one run shows all that is wrong with a ruleset; rules__load then returns
 * NULL. Falco stops at a file's first error; vigil does not, which is the
 * point of --validate.
 */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "rules_internal.h"

/* Far beyond any ruleset; keeps a wrong path (a disk image...) out of memory. */
#define RULES_FILE_MAX (64u << 20)

static const char *const priority_names[] = {
	[PRIORITY_EMERGENCY] = "Emergency",
	[PRIORITY_ALERT] = "Alert",
	[PRIORITY_CRITICAL] = "Critical",
	[PRIORITY_ERROR] = "Error",
	[PRIORITY_WARNING] = "Warning",
	[PRIORITY_NOTICE] = "Notice",
	[PRIORITY_INFORMATIONAL] = "Informational",
	[PRIORITY_DEBUG] = "Debug",
};

const char *priority__name(enum rule_priority p)
{
	if ((unsigned int)p >= sizeof(priority_names) / sizeof(priority_names[0]))
		return "Unknown";
	return priority_names[p];
}

bool priority__from_name(const char *name, enum rule_priority *p)
{
	unsigned int i;

	for (i = 0; i < sizeof(priority_names) / sizeof(priority_names[0]); i++) {
		if (!strcasecmp(name, priority_names[i])) {
			*p = i;
			return true;
		}
	}
	if (!strcasecmp(name, "info")) {
		*p = PRIORITY_INFORMATIONAL;
		return true;
	}
	return false;
}

static bool version_number(const char **s, unsigned int *v)
{
	unsigned long n = 0;
	const char *p = *s;

	if (*p < '0' || *p > '9')
		return false;
	for (; *p >= '0' && *p <= '9'; p++) {
		n = n * 10 + (unsigned long)(*p - '0');
		if (n > 1000000)
			return false;
	}
	*v = (unsigned int)n;
	*s = p;
	return true;
}

/* Semver's pre-release and build suffixes ("-rc1", "+abc") are ignored. */
bool engine_version__parse(const char *s, unsigned int v[3])
{
	int i;

	if (!version_number(&s, &v[0]))
		return false;
	if (!*s) {
		/* Falco's legacy engine versions were one integer: 31 is 0.31.0. */
		v[1] = v[0];
		v[0] = 0;
		v[2] = 0;
		return true;
	}
	for (i = 1; i < 3; i++) {
		if (*s++ != '.' || !version_number(&s, &v[i]))
			return false;
	}
	return !*s || *s == '-' || *s == '+';
}

static void diag__vprint(struct rules_diag *d, const struct srcpos *pos, const char *level,
			 const char *fmt, va_list ap)
{
	if (!d->err)
		return;
	if (pos && pos->file && pos->line)
		fprintf(d->err, "%s:%u:%u: %s: ", pos->file, pos->line, pos->col, level);
	else if (pos && pos->file)
		fprintf(d->err, "%s: %s: ", pos->file, level);
	else
		fprintf(d->err, "%s: ", level);
	vfprintf(d->err, fmt, ap);
	fputc('\n', d->err);
}

void rules_diag__error(struct rules_diag *d, const struct srcpos *pos, const char *fmt, ...)
{
	va_list ap;

	d->errors++;
	va_start(ap, fmt);
	diag__vprint(d, pos, "error", fmt, ap);
	va_end(ap);
}

void rules_diag__warning(struct rules_diag *d, const struct srcpos *pos, const char *fmt, ...)
{
	va_list ap;

	d->warnings++;
	va_start(ap, fmt);
	diag__vprint(d, pos, "warning", fmt, ap);
	va_end(ap);
}

static bool is_yaml_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

char *string__trim(const char *s)
{
	size_t n;

	while (is_yaml_blank(*s))
		s++;
	n = strlen(s);
	while (n && is_yaml_blank(s[n - 1]))
		n--;
	return strndup(s, n);
}

void strings__free(char **strs, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(strs[i]);
	free(strs);
}

const char *const item_key_names[KEY_MAX] = {
	[KEY_LIST] = "list",
	[KEY_MACRO] = "macro",
	[KEY_RULE] = "rule",
	[KEY_ANOMALY] = "anomaly",
	[KEY_REQUIRED_ENGINE_VERSION] = "required_engine_version",
	[KEY_REQUIRED_PLUGIN_VERSIONS] = "required_plugin_versions",
	[KEY_ITEMS] = "items",
	[KEY_DESC] = "desc",
	[KEY_CONDITION] = "condition",
	[KEY_OUTPUT] = "output",
	[KEY_PRIORITY] = "priority",
	[KEY_TAGS] = "tags",
	[KEY_ENABLED] = "enabled",
	[KEY_EXCEPTIONS] = "exceptions",
	[KEY_SOURCE] = "source",
	[KEY_WARN_EVTTYPES] = "warn_evttypes",
	[KEY_SKIP_UNKNOWN] = "skip-if-unknown-filter",
	[KEY_APPEND] = "append",
	[KEY_OVERRIDE] = "override",
	[KEY_SCOPE] = "scope",
	[KEY_LEARN] = "learn",
	[KEY_LEARNING_PERIOD] = "learning_period",
	[KEY_ON_NEW] = "on_new",
};

#define K(k) KEY_BIT(KEY_##k)
#define KIND_LAST KEY_REQUIRED_PLUGIN_VERSIONS

/* The keys each kind of item takes, in the order messages list them. */
static const unsigned int kind_keys[KIND_LAST + 1] = {
	[KEY_LIST] = K(LIST) | K(ITEMS) | K(APPEND) | K(OVERRIDE),
	[KEY_MACRO] = K(MACRO) | K(CONDITION) | K(APPEND) | K(OVERRIDE),
	[KEY_RULE] = K(RULE) | K(DESC) | K(CONDITION) | K(OUTPUT) | K(PRIORITY) | K(TAGS) |
		     K(ENABLED) | K(EXCEPTIONS) | K(SOURCE) | K(WARN_EVTTYPES) |
		     K(SKIP_UNKNOWN) | K(APPEND) | K(OVERRIDE),
	[KEY_ANOMALY] = K(ANOMALY) | K(DESC) | K(SCOPE) | K(LEARN) | K(CONDITION) | K(OUTPUT) |
			K(PRIORITY) | K(TAGS) | K(ENABLED) | K(EXCEPTIONS) | K(LEARNING_PERIOD) |
			K(ON_NEW),
	[KEY_REQUIRED_ENGINE_VERSION] = K(REQUIRED_ENGINE_VERSION),
	[KEY_REQUIRED_PLUGIN_VERSIONS] = K(REQUIRED_PLUGIN_VERSIONS),
};

struct srcpos item__pos(const struct loader *ld, const struct item *it)
{
	return ynode__pos(ld->f, it->node);
}

/* A kind and its name from the item's keys; false when it has neither. */
static bool item__read(struct loader *ld, const struct ynode *n, struct item *it)
{
	struct srcpos pos = ynode__pos(ld->f, n);
	size_t i;
	int k;

	memset(it, 0, sizeof(*it));
	it->node = n;
	it->kind = KEY_MAX;
	if (n->type != YNODE_MAP) {
		rules_diag__error(ld->d, &pos,
				  "expected a mapping with a 'list', 'macro', 'rule' or 'anomaly' key");
		return false;
	}
	for (i = 0; i + 1 < n->nkids; i += 2) {
		const struct ynode *key = n->kids[i];

		if (!ynode__is_scalar(key))
			continue;
		for (k = KEY_LIST; k <= KIND_LAST; k++) {
			if (strcmp(key->value, item_key_names[k]))
				continue;
			if (it->kind != KEY_MAX && it->kind != (enum item_key)k) {
				struct srcpos kpos = ynode__pos(ld->f, key);

				rules_diag__error(ld->d, &kpos, "item has both '%s' and '%s' keys",
						  item_key_names[it->kind], item_key_names[k]);
				return false;
			}
			it->kind = k;
		}
	}
	if (it->kind == KEY_MAX) {
		rules_diag__error(ld->d, &pos,
				  "item has no 'list', 'macro', 'rule', 'anomaly', "
				  "'required_engine_version' or 'required_plugin_versions' key");
		return false;
	}
	return true;
}

/* Fills it->val, reporting unknown, duplicate and non-scalar keys. */
static void item__keys(struct loader *ld, struct item *it)
{
	const struct ynode *n = it->node;
	unsigned int allowed = kind_keys[it->kind];
	size_t i;
	int k;

	for (i = 0; i + 1 < n->nkids; i += 2) {
		const struct ynode *key = n->kids[i];
		struct srcpos kpos = ynode__pos(ld->f, key);
		char expected[256] = "";

		if (!ynode__is_scalar(key)) {
			rules_diag__error(ld->d, &kpos, "%s '%s': keys must be strings",
					  item_key_names[it->kind], it->name);
			continue;
		}
		for (k = 0; k < KEY_MAX; k++) {
			if ((allowed & KEY_BIT(k)) && !strcmp(key->value, item_key_names[k]))
				break;
		}
		if (k == KEY_MAX) {
			for (k = 0; k < KEY_MAX; k++) {
				if (!(allowed & KEY_BIT(k)))
					continue;
				if (*expected)
					strcat(expected, ", ");
				strcat(expected, item_key_names[k]);
			}
			rules_diag__error(ld->d, &kpos, "%s '%s': unknown key '%s' (expected %s)",
					  item_key_names[it->kind], it->name, key->value, expected);
			continue;
		}
		if (it->keys & KEY_BIT(k)) {
			rules_diag__error(ld->d, &kpos, "%s '%s': duplicate key '%s'",
					  item_key_names[it->kind], it->name, key->value);
			continue;
		}
		it->keys |= KEY_BIT(k);
		it->key[k] = key;
		it->val[k] = n->kids[i + 1];
	}
}

const struct ynode *item__string(struct loader *ld, const struct item *it, enum item_key k)
{
	const struct ynode *v = it->val[k];
	struct srcpos pos;

	if (!v)
		return NULL;
	if (ynode__is_scalar(v) && !ynode__is_null(v))
		return v;
	pos = ynode__pos(ld->f, v);
	rules_diag__error(ld->d, &pos, "%s '%s': '%s' must be a string",
			  item_key_names[it->kind], it->name, item_key_names[k]);
	return NULL;
}

bool item__flag(struct loader *ld, const struct item *it, enum item_key k, bool dflt)
{
	const struct ynode *v = it->val[k];
	struct srcpos pos;
	bool b;

	if (!v)
		return dflt;
	if (ynode__bool(v, &b))
		return b;
	pos = ynode__pos(ld->f, v);
	rules_diag__error(ld->d, &pos, "%s '%s': '%s' must be true or false",
			  item_key_names[it->kind], it->name, item_key_names[k]);
	return dflt;
}

void item__missing(struct loader *ld, const struct item *it, enum item_key k)
{
	struct srcpos pos = item__pos(ld, it);

	rules_diag__error(ld->d, &pos, "%s '%s' has no '%s'", item_key_names[it->kind], it->name,
			  item_key_names[k]);
}

int item__strings(struct loader *ld, const struct item *it, enum item_key k, char ***out,
		  size_t *n)
{
	const struct ynode *v = it->val[k];
	struct srcpos pos = ynode__pos(ld->f, v);
	char **strs;
	size_t i;
	int err = 0;

	*out = NULL;
	*n = 0;
	if (v->type != YNODE_SEQ) {
		rules_diag__error(ld->d, &pos, "%s '%s': '%s' must be a sequence of strings",
				  item_key_names[it->kind], it->name, item_key_names[k]);
		return -EINVAL;
	}
	strs = calloc(v->nkids + 1, sizeof(*strs));
	if (!strs)
		goto nomem;
	for (i = 0; i < v->nkids; i++) {
		const struct ynode *s = v->kids[i];

		if (!ynode__is_scalar(s)) {
			pos = ynode__pos(ld->f, s);
			rules_diag__error(ld->d, &pos,
					  "%s '%s': '%s' must be a sequence of strings",
					  item_key_names[it->kind], it->name, item_key_names[k]);
			err = -EINVAL;
			continue;
		}
		strs[*n] = strdup(s->value);
		if (!strs[*n])
			goto nomem;
		(*n)++;
	}
	*out = strs;
	return err;
nomem:
	strings__free(strs, *n);
	*n = 0;
	rules_diag__error(ld->d, &pos, "out of memory");
	return -ENOMEM;
}

bool item__overrides(struct loader *ld, struct item *it, unsigned int can_append,
		     unsigned int can_replace)
{
	const struct ynode *o = it->val[KEY_OVERRIDE];
	const char *kind = item_key_names[it->kind];
	struct srcpos pos;
	bool ok = true;
	size_t i;
	int k;

	if (!o)
		return true;
	pos = ynode__pos(ld->f, o);
	if (o->type != YNODE_MAP) {
		rules_diag__error(ld->d, &pos,
				  "%s '%s': 'override' must be a mapping of keys to append or "
				  "replace, such as {condition: append}",
				  kind, it->name);
		return false;
	}
	for (i = 0; i + 1 < o->nkids; i += 2) {
		const struct ynode *key = o->kids[i], *op = o->kids[i + 1];
		struct srcpos kpos = ynode__pos(ld->f, key);
		enum item_override how;

		k = KEY_MAX;
		if (ynode__is_scalar(key)) {
			for (k = KEY_ITEMS; k < KEY_MAX; k++) {
				if (!strcmp(key->value, item_key_names[k]))
					break;
			}
		}
		if (k == KEY_MAX || !((can_append | can_replace) & KEY_BIT(k))) {
			rules_diag__error(ld->d, &kpos, "%s '%s': '%s' cannot be overridden", kind,
					  it->name, ynode__is_scalar(key) ? key->value : "?");
			ok = false;
			continue;
		}
		if (it->override[k]) {
			rules_diag__error(ld->d, &kpos, "%s '%s': duplicate key '%s' in 'override'",
					  kind, it->name, key->value);
			ok = false;
			continue;
		}
		if (ynode__is_scalar(op) && !strcmp(op->value, "append")) {
			how = OVERRIDE_APPEND;
		} else if (ynode__is_scalar(op) && !strcmp(op->value, "replace")) {
			how = OVERRIDE_REPLACE;
		} else {
			struct srcpos opos = ynode__pos(ld->f, op);

			rules_diag__error(ld->d, &opos,
					  "%s '%s': the override of '%s' must be %s", kind,
					  it->name, key->value,
					  can_append & KEY_BIT(k) ? "'append' or 'replace'" :
								    "'replace'");
			ok = false;
			continue;
		}
		if (how == OVERRIDE_APPEND && !(can_append & KEY_BIT(k))) {
			rules_diag__error(ld->d, &kpos,
					  "%s '%s': '%s' cannot be appended to, only replaced",
					  kind, it->name, key->value);
			ok = false;
			continue;
		}
		it->override[k] = (uint8_t)how;
		it->override_key[k] = key;
		it->has_override = true;
	}
	return ok;
}

bool item__overrides_match(struct loader *ld, const struct item *it, unsigned int overridable)
{
	const char *kind = item_key_names[it->kind];
	bool ok = true;
	int k;

	for (k = KEY_ITEMS; k < KEY_MAX; k++) {
		struct srcpos pos;

		if (k == KEY_APPEND || k == KEY_OVERRIDE)
			continue;
		if (it->val[k] && !it->override[k]) {
			pos = ynode__pos(ld->f, it->key[k]);
			if (overridable & KEY_BIT(k))
				rules_diag__error(ld->d, &pos,
						  "%s '%s': '%s' has no entry in 'override': add "
						  "'%s: append' or '%s: replace' to it",
						  kind, it->name, item_key_names[k],
						  item_key_names[k], item_key_names[k]);
			else
				rules_diag__error(ld->d, &pos,
						  "%s '%s': '%s' cannot be given with 'override'",
						  kind, it->name, item_key_names[k]);
			ok = false;
		} else if (it->override[k] && !it->val[k]) {
			pos = ynode__pos(ld->f, it->override_key[k]);
			rules_diag__error(ld->d, &pos,
					  "%s '%s': 'override' %s '%s' but the item has no '%s'",
					  kind, it->name,
					  it->override[k] == OVERRIDE_APPEND ? "appends to" :
									       "replaces",
					  item_key_names[k], item_key_names[k]);
			ok = false;
		}
	}
	return ok;
}

/* Appends item to the array arr of n elements; 0 or -ENOMEM. */
#define ARRAY_PUSH(arr, n, item)                                                         \
	({                                                                               \
		__typeof__(arr) grown_ = realloc((arr), ((n) + 1) * sizeof(*(arr)));     \
		int err_ = -ENOMEM;                                                      \
										 \
		if (grown_) {                                                            \
			(arr) = grown_;                                                  \
			(arr)[(n)++] = (item);                                           \
			err_ = 0;                                                        \
		}                                                                        \
		err_;                                                                    \
	})

static struct rules_list *ruleset__list(const struct ruleset *rs, const char *name)
{
	size_t i;

	for (i = 0; i < rs->nlists; i++) {
		if (!strcmp(rs->lists[i]->name, name))
			return rs->lists[i];
	}
	return NULL;
}

static struct macro *ruleset__macro(const struct ruleset *rs, const char *name)
{
	size_t i;

	for (i = 0; i < rs->nmacros; i++) {
		if (!strcmp(rs->macros[i]->name, name))
			return rs->macros[i];
	}
	return NULL;
}

void loader__nomem(struct loader *ld, const struct item *it)
{
	struct srcpos pos = item__pos(ld, it);

	rules_diag__error(ld->d, &pos, "out of memory");
	ld->f->broken = true;
}

/* 'append: true' is what Falco had before 'override'. */
static bool item__legacy_append(struct loader *ld, const struct item *it, enum item_key what)
{
	bool append = item__flag(ld, it, KEY_APPEND, false);
	struct srcpos pos;

	if (!append)
		return false;
	pos = ynode__pos(ld->f, it->key[KEY_APPEND]);
	rules_diag__warning(ld->d, &pos,
			    "%s '%s': 'append: true' is deprecated: use 'override: {%s: append}'",
			    item_key_names[it->kind], it->name, item_key_names[what]);
	return true;
}

/* Reads 'append' and 'override' of a list or a macro: whether to append. */
static bool item__append_mode(struct loader *ld, struct item *it, enum item_key what, bool *ok)
{
	bool append = item__legacy_append(ld, it, what);
	struct srcpos pos = item__pos(ld, it);

	*ok = item__overrides(ld, it, KEY_BIT(what), KEY_BIT(what));
	if (!*ok)
		return false;
	if (append && it->has_override) {
		rules_diag__error(ld->d, &pos,
				  "%s '%s': 'append' and 'override' cannot be used together: keep "
				  "'override'",
				  item_key_names[it->kind], it->name);
		*ok = false;
		return false;
	}
	if (it->has_override && !item__overrides_match(ld, it, KEY_BIT(what))) {
		*ok = false;
		return false;
	}
	return append || it->override[what] == OVERRIDE_APPEND;
}

/* A name a condition can use: pasted-in lists end at these characters. */
static bool list_name__valid(const char *s)
{
	return *s && !strpbrk(s, " \t\n\r(),=\"'");
}

static void loader__list(struct loader *ld, struct item *it)
{
	struct srcpos pos = item__pos(ld, it);
	struct rules_list *l = ruleset__list(ld->rs, it->name);
	bool append, ok;
	char **items;
	size_t n, i;

	if (!list_name__valid(it->name)) {
		rules_diag__error(ld->d, &pos,
				  "list name '%s' cannot be used in a condition: it must not be "
				  "empty or contain blanks, quotes, '(', ')', ',' or '='",
				  it->name);
		return;
	}
	append = item__append_mode(ld, it, KEY_ITEMS, &ok);
	if (!ok)
		return;
	if (!it->val[KEY_ITEMS]) {
		item__missing(ld, it, KEY_ITEMS);
		return;
	}
	if (item__strings(ld, it, KEY_ITEMS, &items, &n) == -ENOMEM) {
		ld->f->broken = true;
		return;
	}
	if (append) {
		char **all;

		if (!l) {
			rules_diag__error(ld->d, &pos,
					  "cannot append to list '%s': no list of that name is "
					  "defined before",
					  it->name);
			strings__free(items, n);
			return;
		}
		all = realloc(l->items, (l->nitems + n + 1) * sizeof(*all));
		if (!all) {
			strings__free(items, n);
			loader__nomem(ld, it);
			return;
		}
		for (i = 0; i < n; i++)
			all[l->nitems + i] = items[i];
		l->items = all;
		l->nitems += n;
		l->visibility = ld->rs->next_index++;
		free(items);
		return;
	}
	if (l) {
		/* Defined again: the new items replace the old, in the old place. */
		strings__free(l->items, l->nitems);
		l->items = items;
		l->nitems = n;
		l->pos = pos;
		l->visibility = ld->rs->next_index++;
		return;
	}
	l = calloc(1, sizeof(*l));
	if (!l || !(l->name = strdup(it->name)) || ARRAY_PUSH(ld->rs->lists, ld->rs->nlists, l)) {
		if (l)
			free(l->name);
		free(l);
		strings__free(items, n);
		loader__nomem(ld, it);
		return;
	}
	l->pos = pos;
	l->items = items;
	l->nitems = n;
	l->index = l->visibility = ld->rs->next_index++;
}

static bool macro_name__valid(const char *s)
{
	if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_'))
		return false;
	for (s++; *s; s++) {
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '_'))
			return false;
	}
	return true;
}

static void loader__macro(struct loader *ld, struct item *it)
{
	struct srcpos pos = item__pos(ld, it);
	struct macro *m = ruleset__macro(ld->rs, it->name);
	const struct ynode *cond;
	struct srctext st;
	bool append, ok;

	if (!macro_name__valid(it->name)) {
		rules_diag__error(ld->d, &pos,
				  "macro name '%s' cannot be used in a condition: use letters, "
				  "digits and '_', not starting with a digit",
				  it->name);
		return;
	}
	append = item__append_mode(ld, it, KEY_CONDITION, &ok);
	if (!ok)
		return;
	if (!it->val[KEY_CONDITION]) {
		item__missing(ld, it, KEY_CONDITION);
		return;
	}
	cond = item__string(ld, it, KEY_CONDITION);
	if (!cond)
		return;
	if (append && !m) {
		rules_diag__error(ld->d, &pos,
				  "cannot append to macro '%s': no macro of that name is defined "
				  "before",
				  it->name);
		return;
	}
	if (ynode__srctext(ld->f, cond, &st)) {
		loader__nomem(ld, it);
		return;
	}
	if (append) {
		/* A macro whose own definition was broken has nothing to append to. */
		if (m->cond.text && srctext__append(&m->cond, &st))
			loader__nomem(ld, it);
		m->visibility = ld->rs->next_index++;
		srctext__free(&st);
		return;
	}
	if (m) {
		srctext__free(&m->cond);
		m->cond = st;
		m->pos = pos;
		m->visibility = ld->rs->next_index++;
		return;
	}
	m = calloc(1, sizeof(*m));
	if (!m || !(m->name = strdup(it->name)) ||
	    ARRAY_PUSH(ld->rs->macros, ld->rs->nmacros, m)) {
		if (m)
			free(m->name);
		free(m);
		srctext__free(&st);
		loader__nomem(ld, it);
		return;
	}
	m->pos = pos;
	m->cond = st;
	m->index = m->visibility = ld->rs->next_index++;
}

static void loader__engine_version(struct loader *ld, const struct item *it)
{
	const struct ynode *v = it->val[KEY_REQUIRED_ENGINE_VERSION];
	struct srcpos pos = ynode__pos(ld->f, v);
	unsigned int need[3], have[3];
	int i;

	if (!ynode__is_scalar(v) || !engine_version__parse(v->value, need)) {
		rules_diag__error(ld->d, &pos,
				  "cannot read required_engine_version '%s': expected a version "
				  "such as 0.31.0",
				  ynode__is_scalar(v) ? v->value : "");
		return;
	}
	if (!engine_version__parse(RULES_ENGINE_VERSION, have))
		return;
	for (i = 0; i < 3 && need[i] == have[i]; i++)
		;
	if (need[0] != have[0] || (i < 3 && need[i] > have[i]))
		rules_diag__error(ld->d, &pos,
				  "the rules need engine version %u.%u.%u, but vigil's is %s: "
				  "update vigil",
				  need[0], need[1], need[2], RULES_ENGINE_VERSION);
}

/* Plugins are Falco's event sources other than syscalls: none in vigil. */
static void loader__plugin_versions(struct loader *ld, const struct item *it)
{
	const struct ynode *v = it->val[KEY_REQUIRED_PLUGIN_VERSIONS];
	struct srcpos pos = ynode__pos(ld->f, v);
	size_t i;

	if (v->type != YNODE_SEQ) {
		rules_diag__error(ld->d, &pos,
				  "required_plugin_versions must be a sequence of {name, version}");
		return;
	}
	for (i = 0; i < v->nkids; i++) {
		const struct ynode *p = v->kids[i];

		if (p->type != YNODE_MAP || !ynode__is_scalar(ynode__get(p, "name")) ||
		    !ynode__is_scalar(ynode__get(p, "version"))) {
			pos = ynode__pos(ld->f, p);
			rules_diag__error(ld->d, &pos,
					  "required_plugin_versions must be a sequence of {name, "
					  "version}");
			return;
		}
	}
	pos = item__pos(ld, it);
	rules_diag__warning(ld->d, &pos,
			    "required_plugin_versions is ignored: vigil has no plugins, and "
			    "skips rules of their sources");
}

static void loader__item(struct loader *ld, const struct ynode *n)
{
	const struct ynode *name;
	struct item it;

	if (!item__read(ld, n, &it))
		return;
	name = ynode__get(n, item_key_names[it.kind]);
	it.name = ynode__is_scalar(name) ? name->value : "";
	item__keys(ld, &it);
	if (it.kind == KEY_REQUIRED_ENGINE_VERSION) {
		loader__engine_version(ld, &it);
		return;
	}
	if (it.kind == KEY_REQUIRED_PLUGIN_VERSIONS) {
		loader__plugin_versions(ld, &it);
		return;
	}
	if (!ynode__is_scalar(name) || ynode__is_null(name) || !*name->value) {
		struct srcpos pos = ynode__pos(ld->f, name);

		rules_diag__error(ld->d, &pos, "%s name must be a non-empty string",
				  item_key_names[it.kind]);
		return;
	}
	switch (it.kind) {
	case KEY_LIST:
		loader__list(ld, &it);
		break;
	case KEY_MACRO:
		loader__macro(ld, &it);
		break;
	case KEY_RULE:
		loader__rule(ld, &it);
		break;
	case KEY_ANOMALY:
		loader__anomaly(ld, &it);
		break;
	default:
		break;
	}
}

static void loader__document(void *ctx, struct rules_file *f, const struct ynode *root)
{
	struct loader *ld = ctx;
	struct srcpos pos = ynode__pos(f, root);
	size_t i;

	/* An empty file, or one with only comments. */
	if (ynode__is_null(root))
		return;
	if (root->type != YNODE_SEQ) {
		rules_diag__error(ld->d, &pos,
				  "expected a sequence of list, macro and rule items");
		return;
	}
	for (i = 0; i < root->nkids && !f->broken; i++) {
		/* Falco skips null items: "- " alone. */
		if (ynode__is_null(root->kids[i]))
			continue;
		loader__item(ld, root->kids[i]);
	}
}

/* The name every position of this file will point to, owned by the ruleset. */
static const char *ruleset__intern(struct ruleset *rs, const char *name)
{
	char *copy = strdup(name);

	if (!copy || ARRAY_PUSH(rs->files, rs->nfiles, copy)) {
		free(copy);
		return NULL;
	}
	return copy;
}

/* Reads one file's items into rs. False when it could not be read through. */
static bool ruleset__read(struct ruleset *rs, struct rules_diag *d, const char *name,
			  const char *buf, size_t len)
{
	struct rules_file f = { .d = d, .buf = buf, .len = len };
	struct loader ld = { .rs = rs, .d = d, .f = &f };
	struct srcpos fpos = { .file = name };

	f.name = ruleset__intern(rs, name);
	if (!f.name) {
		rules_diag__error(d, &fpos, "out of memory");
		return false;
	}
	return rules_yaml__read(&f, loader__document, &ld);
}

static bool ruleset__read_file(struct ruleset *rs, struct rules_diag *d, const char *path)
{
	struct srcpos fpos = { .file = path };
	size_t len = 0, cap = 64 * 1024;
	char *buf = NULL, *grown;
	bool ok = false;
	FILE *f;

	f = fopen(path, "re");
	if (!f) {
		rules_diag__error(d, &fpos, "cannot open rules file: %s", strerror(errno));
		return false;
	}
	for (;;) {
		grown = realloc(buf, cap);
		if (!grown) {
			rules_diag__error(d, &fpos, "out of memory");
			goto out;
		}
		buf = grown;
		len += fread(buf + len, 1, cap - len, f);
		if (ferror(f)) {
			rules_diag__error(d, &fpos, "cannot read rules file: %s", strerror(errno));
			goto out;
		}
		if (len < cap)
			break;
		if (cap > RULES_FILE_MAX) {
			rules_diag__error(d, &fpos, "rules file larger than %u MiB",
					  RULES_FILE_MAX >> 20);
			goto out;
		}
		cap *= 2;
	}
	ok = ruleset__read(rs, d, path, buf, len);
out:
	fclose(f);
	free(buf);
	return ok;
}

static int yaml_file__filter(const struct dirent *de)
{
	size_t n = strlen(de->d_name);

	/* Dot files are editor leftovers (.#rules.yaml), not rules. */
	if (de->d_name[0] == '.')
		return 0;
	return (n > 5 && !strcmp(de->d_name + n - 5, ".yaml")) ||
	       (n > 4 && !strcmp(de->d_name + n - 4, ".yml"));
}

/* Byte order, not the locale's: the same files load in the same order everywhere. */
static int yaml_file__cmp(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static bool ruleset__read_dir(struct ruleset *rs, struct rules_diag *d, const char *dir)
{
	struct srcpos fpos = { .file = dir };
	struct dirent **names;
	bool ok = true;
	int n, i;

	n = scandir(dir, &names, yaml_file__filter, yaml_file__cmp);
	if (n < 0) {
		rules_diag__error(d, &fpos, "cannot read rules directory: %s", strerror(errno));
		return false;
	}
	if (!n)
		rules_diag__warning(d, &fpos, "no *.yaml or *.yml rules files in the directory");
	for (i = 0; i < n; i++) {
		char path[4096];
		struct stat st;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
		/* A directory named x.yaml is not a rules file. */
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
			ok &= ruleset__read_file(rs, d, path);
		free(names[i]);
	}
	free(names);
	return ok;
}

static void rules_list__free(struct rules_list *l)
{
	strings__free(l->items, l->nitems);
	strings__free(l->expanded, l->nexpanded);
	free(l->name);
	free(l);
}

static void macro__free(struct macro *m)
{
	srctext__free(&m->cond);
	cond__free(m->tree);
	free(m->name);
	free(m);
}

void rules__free(struct ruleset *rs)
{
	size_t i;

	if (!rs)
		return;
	for (i = 0; i < rs->nrules; i++)
		rule__free(rs->rules[i]);
	free(rs->rules);
	for (i = 0; i < rs->nmacros; i++)
		macro__free(rs->macros[i]);
	free(rs->macros);
	for (i = 0; i < rs->nlists; i++)
		rules_list__free(rs->lists[i]);
	free(rs->lists);
	for (i = 0; i < VIGIL_SC_MAX; i++)
		free(rs->bucket[i]);
	free(rs->anomalies);
	strings__free(rs->files, rs->nfiles);
	strpool__free(rs->pool);
	free(rs);
}

static struct ruleset *ruleset__new(struct rules_diag *d)
{
	struct ruleset *rs = calloc(1, sizeof(*rs));

	if (rs)
		rs->pool = strpool__new();
	if (!rs || !rs->pool) {
		free(rs);
		rules_diag__error(d, NULL, "out of memory");
		return NULL;
	}
	return rs;
}

/* Compiles what was read unless a file could not be read through: rules
 * missing from it would only add errors that are not errors. */
static struct ruleset *ruleset__finish(struct ruleset *rs, struct rules_diag *d, bool complete)
{
	if (complete)
		rules__compile(rs, d);
	if (d->errors) {
		rules__free(rs);
		return NULL;
	}
	return rs;
}

struct ruleset *rules__load(const char *const *paths, size_t npaths, FILE *err)
{
	struct rules_diag d = { .err = err };
	struct ruleset *rs;
	bool complete = true;
	size_t i;

	rs = ruleset__new(&d);
	if (!rs)
		return NULL;
	for (i = 0; i < npaths; i++) {
		struct srcpos fpos = { .file = paths[i] };
		struct stat st;

		if (stat(paths[i], &st)) {
			rules_diag__error(&d, &fpos, "cannot open rules: %s", strerror(errno));
			complete = false;
		} else if (S_ISDIR(st.st_mode)) {
			complete &= ruleset__read_dir(rs, &d, paths[i]);
		} else {
			complete &= ruleset__read_file(rs, &d, paths[i]);
		}
	}
	return ruleset__finish(rs, &d, complete);
}

struct ruleset *rules__load_buffer(const char *name, const char *text, size_t len, FILE *err)
{
	struct rules_diag d = { .err = err };
	struct ruleset *rs;
	bool complete;

	rs = ruleset__new(&d);
	if (!rs)
		return NULL;
	complete = ruleset__read(rs, &d, name, text, len);
	return ruleset__finish(rs, &d, complete);
}
