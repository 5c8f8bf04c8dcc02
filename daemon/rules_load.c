// SPDX-License-Identifier: GPL-2.0-only
/*
 * Falco rule files into a ruleset: lists, macros and rules, in file order,
 * with append: true and rule toggles applied as they come. Nothing is
 * compiled until the last file is read, since a later file may append to a
 * macro that an earlier rule uses.
 *
 * Every problem is reported with its position and loading goes on, so that
 * one run shows all that is wrong with a ruleset; rules__load then returns
 * NULL. The YAML is read with libyaml's event parser into a small tree that
 * keeps each node's position; a condition keeps the position of every byte
 * (struct srctext), so an error in it points at the character.
 */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <yaml.h>

#include "rules_internal.h"

/* Far beyond any ruleset; keeps a wrong path (a disk image...) out of memory. */
#define RULES_FILE_MAX (64u << 20)
/* Rule files are three levels deep; this only bounds the recursion. */
#define YAML_DEPTH_MAX 64

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

void srctext__free(struct srctext *st)
{
	free(st->text);
	free(st->pos);
	memset(st, 0, sizeof(*st));
}

int srctext__append(struct srctext *dst, const struct srctext *src)
{
	size_t len = dst->len + 1 + src->len;
	char *text = malloc(len + 1);
	struct srcpos *pos = malloc((len + 1) * sizeof(*pos));

	if (!text || !pos) {
		free(text);
		free(pos);
		return -ENOMEM;
	}
	memcpy(text, dst->text, dst->len);
	text[dst->len] = ' ';
	memcpy(text + dst->len + 1, src->text, src->len + 1);
	memcpy(pos, dst->pos, (dst->len + 1) * sizeof(*pos));
	memcpy(pos + dst->len + 1, src->pos, (src->len + 1) * sizeof(*pos));
	srctext__free(dst);
	dst->text = text;
	dst->pos = pos;
	dst->len = len;
	return 0;
}

/* A YAML node with where it starts. */
enum ynode_type {
	YNODE_SCALAR,
	YNODE_SEQ,
	YNODE_MAP,
};

struct ynode {
	enum ynode_type type;
	yaml_mark_t start;
	yaml_scalar_style_t style;
	char *value; /* YNODE_SCALAR */
	size_t len;
	struct ynode **kids; /* YNODE_SEQ: items; YNODE_MAP: key, value, key, value... */
	size_t nkids;
};

static void ynode__free(struct ynode *n)
{
	size_t i;

	if (!n)
		return;
	for (i = 0; i < n->nkids; i++)
		ynode__free(n->kids[i]);
	free(n->kids);
	free(n->value);
	free(n);
}

struct loader {
	struct ruleset *rs;
	struct rules_diag *d;
	const char *file; /* owned by rs */
	const char *buf;
	size_t len;
	size_t *lines; /* byte offset of each line */
	size_t nlines;
	bool broken; /* the file could not be read through */
};

static struct srcpos loader__pos(const struct loader *ld, const yaml_mark_t *m)
{
	struct srcpos pos = {
		.file = ld->file,
		.line = (uint32_t)m->line + 1,
		.col = (uint32_t)m->column + 1,
	};

	return pos;
}

static struct srcpos ynode__pos(const struct loader *ld, const struct ynode *n)
{
	return loader__pos(ld, &n->start);
}

static void loader__yaml_error(struct loader *ld, const yaml_parser_t *p)
{
	struct srcpos pos = loader__pos(ld, &p->problem_mark);

	if (p->error == YAML_MEMORY_ERROR) {
		rules_diag__error(ld->d, &pos, "out of memory");
	} else if (p->context) {
		rules_diag__error(ld->d, &pos, "invalid YAML: %s (%s at line %zu)",
				  p->problem ? p->problem : "error", p->context,
				  p->context_mark.line + 1);
	} else {
		rules_diag__error(ld->d, &pos, "invalid YAML: %s",
				  p->problem ? p->problem : "error");
	}
	ld->broken = true;
}

static int ynode__push(struct ynode *n, struct ynode *kid)
{
	struct ynode **kids = realloc(n->kids, (n->nkids + 1) * sizeof(*kids));

	if (!kids)
		return -ENOMEM;
	n->kids = kids;
	kids[n->nkids++] = kid;
	return 0;
}

/* The node that ev starts; NULL after an error, which is reported. */
static struct ynode *loader__node(struct loader *ld, yaml_parser_t *p, const yaml_event_t *ev,
				  unsigned int depth)
{
	yaml_event_type_t end;
	struct srcpos pos = loader__pos(ld, &ev->start_mark);
	struct ynode *n;
	yaml_event_t kid;

	n = calloc(1, sizeof(*n));
	if (!n)
		goto nomem;
	n->start = ev->start_mark;
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		n->type = YNODE_SCALAR;
		n->style = ev->data.scalar.style;
		n->len = ev->data.scalar.length;
		n->value = malloc(n->len + 1);
		if (!n->value)
			goto nomem;
		memcpy(n->value, ev->data.scalar.value, n->len);
		n->value[n->len] = '\0';
		return n;
	case YAML_SEQUENCE_START_EVENT:
		n->type = YNODE_SEQ;
		end = YAML_SEQUENCE_END_EVENT;
		break;
	case YAML_MAPPING_START_EVENT:
		n->type = YNODE_MAP;
		end = YAML_MAPPING_END_EVENT;
		break;
	case YAML_ALIAS_EVENT:
		rules_diag__error(ld->d, &pos, "YAML aliases are not supported in rule files");
		ld->broken = true;
		free(n);
		return NULL;
	default:
		rules_diag__error(ld->d, &pos, "invalid YAML: unexpected event");
		ld->broken = true;
		free(n);
		return NULL;
	}
	if (depth >= YAML_DEPTH_MAX) {
		rules_diag__error(ld->d, &pos, "YAML nested too deeply");
		ld->broken = true;
		free(n);
		return NULL;
	}
	for (;;) {
		struct ynode *k;

		if (!yaml_parser_parse(p, &kid)) {
			loader__yaml_error(ld, p);
			goto err;
		}
		if (kid.type == end) {
			yaml_event_delete(&kid);
			return n;
		}
		k = loader__node(ld, p, &kid, depth + 1);
		yaml_event_delete(&kid);
		if (!k)
			goto err;
		if (ynode__push(n, k)) {
			ynode__free(k);
			goto nomem;
		}
	}
nomem:
	rules_diag__error(ld->d, &pos, "out of memory");
	ld->broken = true;
err:
	ynode__free(n);
	return NULL;
}

/* The byte where a mark points: libyaml counts columns in characters. */
static size_t loader__offset(const struct loader *ld, const yaml_mark_t *m)
{
	size_t off, col;

	if (m->line >= ld->nlines)
		return ld->len;
	off = ld->lines[m->line];
	for (col = 0; col < m->column && off < ld->len && ld->buf[off] != '\n'; col++) {
		off++;
		while (off < ld->len && ((unsigned char)ld->buf[off] & 0xc0) == 0x80)
			off++;
	}
	return off;
}

struct cursor {
	size_t off;
	struct srcpos pos;
};

static void cursor__advance(const struct loader *ld, struct cursor *c)
{
	char ch = ld->buf[c->off++];

	if (ch == '\n') {
		c->pos.line++;
		c->pos.col = 1;
	} else if (c->off >= ld->len || ((unsigned char)ld->buf[c->off] & 0xc0) != 0x80) {
		c->pos.col++;
	}
}

static bool is_yaml_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/*
 * Where each byte of a scalar's value is in the file. The value is the
 * source minus quotes, block headers, indentation and folded line breaks:
 * walk both, letting whitespace in one match whitespace (or nothing) in the
 * other. Escapes are rare in conditions; past one, the rest of the value
 * points at the scalar's start.
 */
static void loader__map_scalar(const struct loader *ld, const struct ynode *n, struct srcpos *pos)
{
	struct srcpos start = ynode__pos(ld, n);
	struct cursor c = { .off = loader__offset(ld, &n->start), .pos = start };
	bool lost = false;
	size_t k;

	if (n->style == YAML_SINGLE_QUOTED_SCALAR_STYLE ||
	    n->style == YAML_DOUBLE_QUOTED_SCALAR_STYLE) {
		if (c.off < ld->len)
			cursor__advance(ld, &c);
	} else if (n->style == YAML_LITERAL_SCALAR_STYLE || n->style == YAML_FOLDED_SCALAR_STYLE) {
		while (c.off < ld->len && ld->buf[c.off] != '\n')
			cursor__advance(ld, &c);
	}
	for (k = 0; k < n->len; k++) {
		char ch = n->value[k];

		if (lost) {
			pos[k] = start;
			continue;
		}
		if (is_yaml_blank(ch)) {
			pos[k] = c.pos;
			if (c.off < ld->len && is_yaml_blank(ld->buf[c.off]))
				cursor__advance(ld, &c);
			continue;
		}
		while (c.off < ld->len && is_yaml_blank(ld->buf[c.off]))
			cursor__advance(ld, &c);
		if (c.off >= ld->len || ld->buf[c.off] != ch) {
			lost = true;
			pos[k] = start;
			continue;
		}
		pos[k] = c.pos;
		cursor__advance(ld, &c);
		/* '' is one quote in a single-quoted scalar. */
		if (ch == '\'' && n->style == YAML_SINGLE_QUOTED_SCALAR_STYLE && c.off < ld->len &&
		    ld->buf[c.off] == '\'')
			cursor__advance(ld, &c);
	}
	pos[n->len] = lost ? start : c.pos;
}

/* Falco trims outputs and descriptions: a folded ">" scalar ends in "\n". */
static void srctext__trim(struct srctext *st)
{
	size_t lead = 0;

	while (st->len && is_yaml_blank(st->text[st->len - 1]))
		st->len--;
	while (lead < st->len && is_yaml_blank(st->text[lead]))
		lead++;
	memmove(st->text, st->text + lead, st->len - lead);
	memmove(st->pos, st->pos + lead, (st->len - lead + 1) * sizeof(*st->pos));
	st->len -= lead;
	st->text[st->len] = '\0';
}

static char *string__trim(const char *s)
{
	size_t n;

	while (is_yaml_blank(*s))
		s++;
	n = strlen(s);
	while (n && is_yaml_blank(s[n - 1]))
		n--;
	return strndup(s, n);
}

static int loader__srctext(struct loader *ld, const struct ynode *n, struct srctext *st)
{
	st->text = strdup(n->value);
	st->pos = malloc((n->len + 1) * sizeof(*st->pos));
	st->len = n->len;
	if (!st->text || !st->pos) {
		srctext__free(st);
		return -ENOMEM;
	}
	loader__map_scalar(ld, n, st->pos);
	return 0;
}

enum item_key {
	KEY_LIST,
	KEY_MACRO,
	KEY_RULE,
	KEY_REQUIRED_ENGINE_VERSION,
	KEY_ITEMS,
	KEY_DESC,
	KEY_CONDITION,
	KEY_OUTPUT,
	KEY_PRIORITY,
	KEY_TAGS,
	KEY_ENABLED,
	KEY_APPEND,
	KEY_MAX,
};

static const char *const key_names[KEY_MAX] = {
	[KEY_LIST] = "list",
	[KEY_MACRO] = "macro",
	[KEY_RULE] = "rule",
	[KEY_REQUIRED_ENGINE_VERSION] = "required_engine_version",
	[KEY_ITEMS] = "items",
	[KEY_DESC] = "desc",
	[KEY_CONDITION] = "condition",
	[KEY_OUTPUT] = "output",
	[KEY_PRIORITY] = "priority",
	[KEY_TAGS] = "tags",
	[KEY_ENABLED] = "enabled",
	[KEY_APPEND] = "append",
};

#define K(k) (1u << KEY_##k)

/* The keys each kind of item takes, in the order messages list them. */
static const unsigned int kind_keys[KEY_REQUIRED_ENGINE_VERSION + 1] = {
	[KEY_LIST] = K(LIST) | K(ITEMS) | K(APPEND),
	[KEY_MACRO] = K(MACRO) | K(CONDITION) | K(APPEND),
	[KEY_RULE] = K(RULE) | K(DESC) | K(CONDITION) | K(OUTPUT) | K(PRIORITY) | K(TAGS) |
		     K(ENABLED) | K(APPEND),
	[KEY_REQUIRED_ENGINE_VERSION] = K(REQUIRED_ENGINE_VERSION),
};

/* One item of the top-level sequence, its values by key. */
struct item {
	const struct ynode *node;
	enum item_key kind;
	const char *name;
	const struct ynode *val[KEY_MAX];
	unsigned int keys;
};

static struct srcpos item__pos(const struct loader *ld, const struct item *it)
{
	return ynode__pos(ld, it->node);
}

static bool ynode__is_scalar(const struct ynode *n)
{
	return n && n->type == YNODE_SCALAR;
}

/* A plain "key:" with nothing after it is YAML's null. */
static bool ynode__is_null(const struct ynode *n)
{
	return ynode__is_scalar(n) && n->style == YAML_PLAIN_SCALAR_STYLE &&
	       (!n->len || !strcmp(n->value, "~") || !strcmp(n->value, "null"));
}

static bool ynode__bool(const struct ynode *n, bool *b)
{
	static const char *const truths[] = { "true", "yes", "on" };
	static const char *const lies[] = { "false", "no", "off" };
	size_t i;

	if (!ynode__is_scalar(n))
		return false;
	for (i = 0; i < 3; i++) {
		if (!strcasecmp(n->value, truths[i])) {
			*b = true;
			return true;
		}
		if (!strcasecmp(n->value, lies[i])) {
			*b = false;
			return true;
		}
	}
	return false;
}

/* A kind and its name from the item's keys; false when it has neither. */
static bool item__read(struct loader *ld, const struct ynode *n, struct item *it)
{
	struct srcpos pos = ynode__pos(ld, n);
	size_t i;
	int k;

	memset(it, 0, sizeof(*it));
	it->node = n;
	it->kind = KEY_MAX;
	if (n->type != YNODE_MAP) {
		rules_diag__error(ld->d, &pos,
				  "expected a mapping with a 'list', 'macro' or 'rule' key");
		return false;
	}
	for (i = 0; i + 1 < n->nkids; i += 2) {
		const struct ynode *key = n->kids[i];

		if (!ynode__is_scalar(key))
			continue;
		for (k = KEY_LIST; k <= KEY_REQUIRED_ENGINE_VERSION; k++) {
			if (strcmp(key->value, key_names[k]))
				continue;
			if (it->kind != KEY_MAX && it->kind != (enum item_key)k) {
				struct srcpos kpos = ynode__pos(ld, key);

				rules_diag__error(ld->d, &kpos, "item has both '%s' and '%s' keys",
						  key_names[it->kind], key_names[k]);
				return false;
			}
			it->kind = k;
		}
	}
	if (it->kind == KEY_MAX) {
		rules_diag__error(ld->d, &pos,
				  "item has no 'list', 'macro', 'rule' or "
				  "'required_engine_version' key");
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
		struct srcpos kpos = ynode__pos(ld, key);
		char expected[160] = "";

		if (!ynode__is_scalar(key)) {
			rules_diag__error(ld->d, &kpos, "%s '%s': keys must be strings",
					  key_names[it->kind], it->name);
			continue;
		}
		for (k = 0; k < KEY_MAX; k++) {
			if ((allowed & (1u << k)) && !strcmp(key->value, key_names[k]))
				break;
		}
		if (k == KEY_MAX) {
			for (k = 0; k < KEY_MAX; k++) {
				if (!(allowed & (1u << k)))
					continue;
				if (*expected)
					strcat(expected, ", ");
				strcat(expected, key_names[k]);
			}
			rules_diag__error(ld->d, &kpos, "%s '%s': unknown key '%s' (expected %s)",
					  key_names[it->kind], it->name, key->value, expected);
			continue;
		}
		if (it->keys & (1u << k)) {
			rules_diag__error(ld->d, &kpos, "%s '%s': duplicate key '%s'",
					  key_names[it->kind], it->name, key->value);
			continue;
		}
		it->keys |= 1u << k;
		it->val[k] = n->kids[i + 1];
	}
}

/* A string value, or an error naming the key. */
static const struct ynode *item__string(struct loader *ld, const struct item *it, enum item_key k)
{
	const struct ynode *v = it->val[k];
	struct srcpos pos;

	if (!v)
		return NULL;
	if (ynode__is_scalar(v) && !ynode__is_null(v))
		return v;
	pos = ynode__pos(ld, v);
	rules_diag__error(ld->d, &pos, "%s '%s': '%s' must be a string", key_names[it->kind],
			  it->name, key_names[k]);
	return NULL;
}

static bool item__flag(struct loader *ld, const struct item *it, enum item_key k, bool dflt)
{
	const struct ynode *v = it->val[k];
	struct srcpos pos;
	bool b;

	if (!v)
		return dflt;
	if (ynode__bool(v, &b))
		return b;
	pos = ynode__pos(ld, v);
	rules_diag__error(ld->d, &pos, "%s '%s': '%s' must be true or false", key_names[it->kind],
			  it->name, key_names[k]);
	return dflt;
}

static void item__missing(struct loader *ld, const struct item *it, enum item_key k)
{
	struct srcpos pos = item__pos(ld, it);

	rules_diag__error(ld->d, &pos, "%s '%s' has no '%s'", key_names[it->kind], it->name,
			  key_names[k]);
}

/* A sequence of strings, copied; *n items. Reports and returns -EINVAL otherwise. */
static int item__strings(struct loader *ld, const struct item *it, enum item_key k,
			 char ***out, size_t *n)
{
	const struct ynode *v = it->val[k];
	struct srcpos pos = ynode__pos(ld, v);
	char **strs;
	size_t i;
	int err = 0;

	*out = NULL;
	*n = 0;
	if (v->type != YNODE_SEQ) {
		rules_diag__error(ld->d, &pos, "%s '%s': '%s' must be a sequence of strings",
				  key_names[it->kind], it->name, key_names[k]);
		return -EINVAL;
	}
	strs = calloc(v->nkids + 1, sizeof(*strs));
	if (!strs)
		goto nomem;
	for (i = 0; i < v->nkids; i++) {
		const struct ynode *s = v->kids[i];

		if (!ynode__is_scalar(s)) {
			pos = ynode__pos(ld, s);
			rules_diag__error(ld->d, &pos,
					  "%s '%s': '%s' must be a sequence of strings",
					  key_names[it->kind], it->name, key_names[k]);
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
	for (i = 0; strs && i < *n; i++)
		free(strs[i]);
	free(strs);
	*n = 0;
	rules_diag__error(ld->d, &pos, "out of memory");
	return -ENOMEM;
}

static void strings__free(char **strs, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(strs[i]);
	free(strs);
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

static struct rule *ruleset__rule(const struct ruleset *rs, const char *name)
{
	size_t i;

	for (i = 0; i < rs->nrules; i++) {
		if (!strcmp(rs->rules[i]->name, name))
			return rs->rules[i];
	}
	return NULL;
}

static void loader__nomem(struct loader *ld, const struct item *it)
{
	struct srcpos pos = item__pos(ld, it);

	rules_diag__error(ld->d, &pos, "out of memory");
	ld->broken = true;
}

/* A name a condition can use: pasted-in lists end at these characters. */
static bool list_name__valid(const char *s)
{
	return *s && !strpbrk(s, " \t\n\r(),=\"'");
}

static void loader__list(struct loader *ld, struct item *it)
{
	bool append = item__flag(ld, it, KEY_APPEND, false);
	struct srcpos pos = item__pos(ld, it);
	struct rules_list *l = ruleset__list(ld->rs, it->name);
	char **items;
	size_t n, i;

	if (!list_name__valid(it->name)) {
		rules_diag__error(ld->d, &pos,
				  "list name '%s' cannot be used in a condition: it must not be "
				  "empty or contain blanks, quotes, '(', ')', ',' or '='",
				  it->name);
		return;
	}
	if (!it->val[KEY_ITEMS]) {
		item__missing(ld, it, KEY_ITEMS);
		return;
	}
	if (item__strings(ld, it, KEY_ITEMS, &items, &n) == -ENOMEM) {
		ld->broken = true;
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
		free(items);
		return;
	}
	if (l) {
		/* Defined again: the new items replace the old, as in Falco. */
		strings__free(l->items, l->nitems);
		l->items = items;
		l->nitems = n;
		l->pos = pos;
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
	bool append = item__flag(ld, it, KEY_APPEND, false);
	struct srcpos pos = item__pos(ld, it);
	struct macro *m = ruleset__macro(ld->rs, it->name);
	const struct ynode *cond;
	struct srctext st;

	if (!macro_name__valid(it->name)) {
		rules_diag__error(ld->d, &pos,
				  "macro name '%s' cannot be used in a condition: use letters, "
				  "digits and '_', not starting with a digit",
				  it->name);
		return;
	}
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
	if (loader__srctext(ld, cond, &st)) {
		loader__nomem(ld, it);
		return;
	}
	if (append) {
		/* A macro whose own definition was broken has nothing to append to. */
		if (m->cond.text && srctext__append(&m->cond, &st))
			loader__nomem(ld, it);
		srctext__free(&st);
		return;
	}
	if (m) {
		srctext__free(&m->cond);
		m->cond = st;
		m->pos = pos;
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
}

static void rule__clear(struct rule *r)
{
	free(r->desc);
	srctext__free(&r->cond);
	srctext__free(&r->output);
	strings__free(r->tags, r->ntags);
	cond__free(r->tree);
	output__free(&r->tmpl);
	r->desc = NULL;
	r->tags = NULL;
	r->ntags = 0;
	r->tree = NULL;
}

static void rule__free(struct rule *r)
{
	if (!r)
		return;
	rule__clear(r);
	free(r->name);
	free(r);
}

/* An existing rule switched on or off: "- rule: x" and "enabled:" alone. */
static void loader__rule_toggle(struct loader *ld, struct item *it)
{
	bool enabled = item__flag(ld, it, KEY_ENABLED, true);
	struct rule *r = ruleset__rule(ld->rs, it->name);
	struct srcpos pos = item__pos(ld, it);

	if (!r) {
		rules_diag__error(ld->d, &pos,
				  "cannot %s rule '%s': no rule of that name is defined before",
				  enabled ? "enable" : "disable", it->name);
		return;
	}
	r->enabled = enabled;
}

static void loader__rule_append(struct loader *ld, struct item *it)
{
	struct rule *r = ruleset__rule(ld->rs, it->name);
	struct srcpos pos = item__pos(ld, it);
	const struct ynode *cond;
	struct srctext st;
	int k;

	for (k = 0; k < KEY_MAX; k++) {
		struct srcpos kpos;

		if (!it->val[k] || k == KEY_RULE || k == KEY_APPEND || k == KEY_CONDITION)
			continue;
		kpos = ynode__pos(ld, it->val[k]);
		rules_diag__error(ld->d, &kpos,
				  "rule '%s': '%s' cannot be appended: append: true only takes a "
				  "'condition'",
				  it->name, key_names[k]);
	}
	if (!it->val[KEY_CONDITION]) {
		item__missing(ld, it, KEY_CONDITION);
		return;
	}
	cond = item__string(ld, it, KEY_CONDITION);
	if (!cond)
		return;
	if (!r) {
		rules_diag__error(ld->d, &pos,
				  "cannot append to rule '%s': no rule of that name is defined "
				  "before",
				  it->name);
		return;
	}
	if (!r->cond.text)
		return;
	if (loader__srctext(ld, cond, &st)) {
		loader__nomem(ld, it);
		return;
	}
	if (srctext__append(&r->cond, &st))
		loader__nomem(ld, it);
	srctext__free(&st);
}

static void loader__rule(struct loader *ld, struct item *it)
{
	static const enum item_key required[] = { KEY_DESC, KEY_CONDITION, KEY_OUTPUT,
						  KEY_PRIORITY };
	const struct ynode *desc, *cond, *output, *prio;
	struct srcpos pos = item__pos(ld, it);
	struct rule *r;
	bool fresh = false;
	size_t i;

	if (item__flag(ld, it, KEY_APPEND, false)) {
		loader__rule_append(ld, it);
		return;
	}
	if (it->keys == (K(RULE) | K(ENABLED))) {
		loader__rule_toggle(ld, it);
		return;
	}
	for (i = 0; i < sizeof(required) / sizeof(required[0]); i++) {
		if (!it->val[required[i]])
			item__missing(ld, it, required[i]);
	}

	r = ruleset__rule(ld->rs, it->name);
	if (r) {
		/* Defined again: replaced, keeping its place in the order. */
		rule__clear(r);
	} else {
		r = calloc(1, sizeof(*r));
		if (!r || !(r->name = strdup(it->name))) {
			free(r);
			loader__nomem(ld, it);
			return;
		}
		fresh = true;
	}
	r->pos = pos;
	r->enabled = item__flag(ld, it, KEY_ENABLED, true);
	r->priority = PRIORITY_DEBUG;

	desc = item__string(ld, it, KEY_DESC);
	if (desc && !(r->desc = string__trim(desc->value)))
		goto nomem;
	cond = item__string(ld, it, KEY_CONDITION);
	if (cond && loader__srctext(ld, cond, &r->cond))
		goto nomem;
	output = item__string(ld, it, KEY_OUTPUT);
	if (output && loader__srctext(ld, output, &r->output))
		goto nomem;
	if (output)
		srctext__trim(&r->output);
	prio = item__string(ld, it, KEY_PRIORITY);
	if (prio && !priority__from_name(prio->value, &r->priority)) {
		struct srcpos ppos = ynode__pos(ld, prio);

		rules_diag__error(ld->d, &ppos,
				  "rule '%s': unknown priority '%s' (expected emergency, alert, "
				  "critical, error, warning, notice, informational or debug)",
				  it->name, prio->value);
	}
	if (it->val[KEY_TAGS] && item__strings(ld, it, KEY_TAGS, &r->tags, &r->ntags) == -ENOMEM)
		goto nomem;
	if (fresh && ARRAY_PUSH(ld->rs->rules, ld->rs->nrules, r))
		goto nomem;
	return;
nomem:
	if (fresh)
		rule__free(r);
	loader__nomem(ld, it);
}

static void loader__item(struct loader *ld, const struct ynode *n)
{
	const struct ynode *name;
	struct item it;
	size_t i;

	if (!item__read(ld, n, &it))
		return;
	name = NULL;
	for (i = 0; i + 1 < n->nkids; i += 2) {
		if (ynode__is_scalar(n->kids[i]) && !strcmp(n->kids[i]->value, key_names[it.kind]))
			name = n->kids[i + 1];
	}
	it.name = ynode__is_scalar(name) ? name->value : "";
	item__keys(ld, &it);
	if (it.kind == KEY_REQUIRED_ENGINE_VERSION)
		return; /* Falco's engine versions do not apply to vigil. */
	if (!ynode__is_scalar(name) || ynode__is_null(name) || !*name->value) {
		struct srcpos pos = ynode__pos(ld, name);

		rules_diag__error(ld->d, &pos, "%s name must be a non-empty string",
				  key_names[it.kind]);
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
	default:
		break;
	}
}

static void loader__document(struct loader *ld, const struct ynode *root)
{
	struct srcpos pos = ynode__pos(ld, root);
	size_t i;

	/* An empty file, or one with only comments. */
	if (ynode__is_null(root))
		return;
	if (root->type != YNODE_SEQ) {
		rules_diag__error(ld->d, &pos,
				  "expected a sequence of list, macro and rule items");
		return;
	}
	for (i = 0; i < root->nkids; i++)
		loader__item(ld, root->kids[i]);
}

static int loader__lines(struct loader *ld)
{
	size_t i, n = 1;

	for (i = 0; i < ld->len; i++)
		n += ld->buf[i] == '\n';
	ld->lines = malloc(n * sizeof(*ld->lines));
	if (!ld->lines)
		return -ENOMEM;
	ld->lines[0] = 0;
	ld->nlines = 1;
	for (i = 0; i < ld->len; i++) {
		if (ld->buf[i] == '\n')
			ld->lines[ld->nlines++] = i + 1;
	}
	return 0;
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
	struct loader ld = { .rs = rs, .d = d, .buf = buf, .len = len };
	struct srcpos fpos = { .file = name };
	yaml_parser_t parser;
	yaml_event_t ev;
	bool done = false;

	ld.file = ruleset__intern(rs, name);
	if (!ld.file || loader__lines(&ld)) {
		rules_diag__error(d, &fpos, "out of memory");
		free(ld.lines);
		return false;
	}
	if (!yaml_parser_initialize(&parser)) {
		rules_diag__error(d, &fpos, "out of memory");
		free(ld.lines);
		return false;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	while (!done && !ld.broken) {
		struct ynode *root;

		if (!yaml_parser_parse(&parser, &ev)) {
			loader__yaml_error(&ld, &parser);
			break;
		}
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			done = true;
			break;
		case YAML_DOCUMENT_START_EVENT:
			yaml_event_delete(&ev);
			if (!yaml_parser_parse(&parser, &ev)) {
				loader__yaml_error(&ld, &parser);
				continue;
			}
			root = loader__node(&ld, &parser, &ev, 0);
			if (root)
				loader__document(&ld, root);
			ynode__free(root);
			break;
		default:
			/* Stream start, document end. */
			break;
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
	free(ld.lines);
	return !ld.broken;
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
	strings__free(rs->files, rs->nfiles);
	free(rs);
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

	rs = calloc(1, sizeof(*rs));
	if (!rs) {
		rules_diag__error(&d, NULL, "out of memory");
		return NULL;
	}
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

	rs = calloc(1, sizeof(*rs));
	if (!rs) {
		rules_diag__error(&d, NULL, "out of memory");
		return NULL;
	}
	complete = ruleset__read(rs, &d, name, text, len);
	return ruleset__finish(rs, &d, complete);
}
