// SPDX-License-Identifier: GPL-2.0-only
/*
 * A rule file's YAML into a small tree whose nodes keep their position.
 * libyaml's event parser is used rather than its document loader so that
 * aliases can be refused (a billion laughs would otherwise be a few lines
 * away) and nesting bounded; a scalar also knows where each of its bytes
 * is in the file (ynode__srctext), so a condition's error points at the
 * character even in a folded block.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

#include "rules_internal.h"

/* Rule files are four levels deep (exception values); this only bounds the recursion. */
#define YAML_DEPTH_MAX 64

static struct srcpos mark__pos(const struct rules_file *f, const yaml_mark_t *m)
{
	struct srcpos pos = {
		.file = f->name,
		.line = (uint32_t)m->line + 1,
		.col = (uint32_t)m->column + 1,
	};

	return pos;
}

struct srcpos ynode__pos(const struct rules_file *f, const struct ynode *n)
{
	struct srcpos pos = {
		.file = f->name,
		.line = (uint32_t)n->line + 1,
		.col = (uint32_t)n->col + 1,
	};

	return pos;
}

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

static void rules_file__yaml_error(struct rules_file *f, const yaml_parser_t *p)
{
	struct srcpos pos = mark__pos(f, &p->problem_mark);

	if (p->error == YAML_MEMORY_ERROR) {
		rules_diag__error(f->d, &pos, "out of memory");
	} else if (p->context) {
		rules_diag__error(f->d, &pos, "invalid YAML: %s (%s at line %zu)",
				  p->problem ? p->problem : "error", p->context,
				  p->context_mark.line + 1);
	} else {
		rules_diag__error(f->d, &pos, "invalid YAML: %s",
				  p->problem ? p->problem : "error");
	}
	f->broken = true;
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

static enum ynode_style scalar_style(yaml_scalar_style_t s)
{
	switch (s) {
	case YAML_PLAIN_SCALAR_STYLE:
		return YSTYLE_PLAIN;
	case YAML_SINGLE_QUOTED_SCALAR_STYLE:
		return YSTYLE_SINGLE_QUOTED;
	case YAML_DOUBLE_QUOTED_SCALAR_STYLE:
		return YSTYLE_DOUBLE_QUOTED;
	case YAML_LITERAL_SCALAR_STYLE:
		return YSTYLE_LITERAL;
	case YAML_FOLDED_SCALAR_STYLE:
		return YSTYLE_FOLDED;
	default:
		return YSTYLE_OTHER;
	}
}

/* The node that ev starts; NULL after an error, which is reported. */
static struct ynode *rules_file__node(struct rules_file *f, yaml_parser_t *p,
				      const yaml_event_t *ev, unsigned int depth)
{
	struct srcpos pos = mark__pos(f, &ev->start_mark);
	yaml_event_type_t end;
	struct ynode *n;
	yaml_event_t kid;

	n = calloc(1, sizeof(*n));
	if (!n)
		goto nomem;
	n->line = ev->start_mark.line;
	n->col = ev->start_mark.column;
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		n->type = YNODE_SCALAR;
		n->style = scalar_style(ev->data.scalar.style);
		n->len = ev->data.scalar.length;
		n->value = malloc(n->len + 1);
		if (!n->value)
			goto nomem;
		memcpy(n->value, ev->data.scalar.value, n->len);
		n->value[n->len] = '\0';
		/* A NUL inside a scalar would cut every string made of it short. */
		if (strlen(n->value) != n->len) {
			rules_diag__error(f->d, &pos, "a NUL character in a string is not allowed");
			f->broken = true;
			ynode__free(n);
			return NULL;
		}
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
		rules_diag__error(f->d, &pos, "YAML aliases are not supported in rule files");
		f->broken = true;
		free(n);
		return NULL;
	default:
		rules_diag__error(f->d, &pos, "invalid YAML: unexpected event");
		f->broken = true;
		free(n);
		return NULL;
	}
	if (depth >= YAML_DEPTH_MAX) {
		rules_diag__error(f->d, &pos, "YAML nested too deeply");
		f->broken = true;
		free(n);
		return NULL;
	}
	for (;;) {
		struct ynode *k;

		if (!yaml_parser_parse(p, &kid)) {
			rules_file__yaml_error(f, p);
			goto err;
		}
		if (kid.type == end) {
			yaml_event_delete(&kid);
			return n;
		}
		k = rules_file__node(f, p, &kid, depth + 1);
		yaml_event_delete(&kid);
		if (!k)
			goto err;
		if (ynode__push(n, k)) {
			ynode__free(k);
			goto nomem;
		}
	}
nomem:
	rules_diag__error(f->d, &pos, "out of memory");
	f->broken = true;
err:
	ynode__free(n);
	return NULL;
}

/* The byte where a mark points: libyaml counts columns in characters. */
static size_t rules_file__offset(const struct rules_file *f, size_t line, size_t column)
{
	size_t off, col;

	if (line >= f->nlines)
		return f->len;
	off = f->lines[line];
	for (col = 0; col < column && off < f->len && f->buf[off] != '\n'; col++) {
		off++;
		while (off < f->len && ((unsigned char)f->buf[off] & 0xc0) == 0x80)
			off++;
	}
	return off;
}

struct cursor {
	size_t off;
	struct srcpos pos;
};

static void cursor__advance(const struct rules_file *f, struct cursor *c)
{
	char ch = f->buf[c->off++];

	if (ch == '\n') {
		c->pos.line++;
		c->pos.col = 1;
	} else if (c->off >= f->len || ((unsigned char)f->buf[c->off] & 0xc0) != 0x80) {
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
static void rules_file__map_scalar(const struct rules_file *f, const struct ynode *n,
				   struct srcpos *pos)
{
	struct srcpos start = ynode__pos(f, n);
	struct cursor c = { .off = rules_file__offset(f, n->line, n->col), .pos = start };
	bool lost = false;
	size_t k;

	if (n->style == YSTYLE_SINGLE_QUOTED || n->style == YSTYLE_DOUBLE_QUOTED) {
		if (c.off < f->len)
			cursor__advance(f, &c);
	} else if (n->style == YSTYLE_LITERAL || n->style == YSTYLE_FOLDED) {
		while (c.off < f->len && f->buf[c.off] != '\n')
			cursor__advance(f, &c);
	}
	for (k = 0; k < n->len; k++) {
		char ch = n->value[k];

		if (lost) {
			pos[k] = start;
			continue;
		}
		if (is_yaml_blank(ch)) {
			pos[k] = c.pos;
			if (c.off < f->len && is_yaml_blank(f->buf[c.off]))
				cursor__advance(f, &c);
			continue;
		}
		while (c.off < f->len && is_yaml_blank(f->buf[c.off]))
			cursor__advance(f, &c);
		if (c.off >= f->len || f->buf[c.off] != ch) {
			lost = true;
			pos[k] = start;
			continue;
		}
		pos[k] = c.pos;
		cursor__advance(f, &c);
		/* '' is one quote in a single-quoted scalar. */
		if (ch == '\'' && n->style == YSTYLE_SINGLE_QUOTED && c.off < f->len &&
		    f->buf[c.off] == '\'')
			cursor__advance(f, &c);
	}
	pos[n->len] = lost ? start : c.pos;
}

int ynode__srctext(const struct rules_file *f, const struct ynode *n, struct srctext *st)
{
	st->text = strdup(n->value);
	st->pos = malloc((n->len + 1) * sizeof(*st->pos));
	st->len = n->len;
	if (!st->text || !st->pos) {
		srctext__free(st);
		return -ENOMEM;
	}
	rules_file__map_scalar(f, n, st->pos);
	return 0;
}

bool ynode__is_scalar(const struct ynode *n)
{
	return n && n->type == YNODE_SCALAR;
}

bool ynode__is_null(const struct ynode *n)
{
	return ynode__is_scalar(n) && n->style == YSTYLE_PLAIN &&
	       (!n->len || !strcmp(n->value, "~") || !strcmp(n->value, "null"));
}

bool ynode__bool(const struct ynode *n, bool *b)
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

const struct ynode *ynode__get(const struct ynode *map, const char *key)
{
	size_t i;

	if (!map || map->type != YNODE_MAP)
		return NULL;
	for (i = 0; i + 1 < map->nkids; i += 2) {
		if (ynode__is_scalar(map->kids[i]) && !strcmp(map->kids[i]->value, key))
			return map->kids[i + 1];
	}
	return NULL;
}

static int rules_file__lines(struct rules_file *f)
{
	size_t i, n = 1;

	for (i = 0; i < f->len; i++)
		n += f->buf[i] == '\n';
	f->lines = malloc(n * sizeof(*f->lines));
	if (!f->lines)
		return -ENOMEM;
	f->lines[0] = 0;
	f->nlines = 1;
	for (i = 0; i < f->len; i++) {
		if (f->buf[i] == '\n')
			f->lines[f->nlines++] = i + 1;
	}
	return 0;
}

bool rules_yaml__read(struct rules_file *f, rules_yaml_doc_fn fn, void *ctx)
{
	struct srcpos fpos = { .file = f->name };
	yaml_parser_t parser;
	yaml_event_t ev;
	bool done = false;

	if (rules_file__lines(f) || !yaml_parser_initialize(&parser)) {
		rules_diag__error(f->d, &fpos, "out of memory");
		free(f->lines);
		f->lines = NULL;
		return false;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)f->buf, f->len);
	while (!done && !f->broken) {
		struct ynode *root;

		if (!yaml_parser_parse(&parser, &ev)) {
			rules_file__yaml_error(f, &parser);
			break;
		}
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			done = true;
			break;
		case YAML_DOCUMENT_START_EVENT:
			yaml_event_delete(&ev);
			if (!yaml_parser_parse(&parser, &ev)) {
				rules_file__yaml_error(f, &parser);
				continue;
			}
			root = rules_file__node(f, &parser, &ev, 0);
			if (root)
				fn(ctx, f, root);
			ynode__free(root);
			break;
		default:
			/* Stream start, document end. */
			break;
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
	free(f->lines);
	f->lines = NULL;
	return !f->broken;
}
