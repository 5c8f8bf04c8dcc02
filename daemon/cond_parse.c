// SPDX-License-Identifier: GPL-2.0-only
/*
 * Falco conditions into trees. The grammar, loosest first:
 *
 *	expr    := and ('or' and)*
 *	and     := not ('and' not)*
 *	not     := 'not' not | primary
 *	primary := '(' expr ')' | macro | field unary-op | field op value
 *	         | field list-op '(' [value (',' value)*] ')'
 *
 * Which characters make a token depends on what may come next: after '='
 * the value "<" is a bare string, not an operator. So the parser reads the
 * characters itself, the way Falco's does, instead of asking a lexer.
 *
 * Lists are not part of the grammar: like Falco, their items are pasted
 * into the text before it is parsed.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "rules_internal.h"

/* Deep enough for any real condition, shallow enough for the stack. */
#define COND_DEPTH_MAX 256

static const char *const op_names[] = {
	[OP_EQ] = "=",
	[OP_NE] = "!=",
	[OP_LT] = "<",
	[OP_LE] = "<=",
	[OP_GT] = ">",
	[OP_GE] = ">=",
	[OP_IN] = "in",
	[OP_PMATCH] = "pmatch",
	[OP_STARTSWITH] = "startswith",
	[OP_ENDSWITH] = "endswith",
	[OP_CONTAINS] = "contains",
	[OP_ICONTAINS] = "icontains",
	[OP_GLOB] = "glob",
	[OP_EXISTS] = "exists",
};

const char *cond_op__name(enum cond_op op)
{
	return op_names[op];
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* What ends a list's name, and a bare value (with the quotes). */
static bool is_list_delim(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '(' || c == ')' ||
	       c == ',' || c == '=';
}

static bool is_ident_start(char c)
{
	return isalpha((unsigned char)c) || c == '_';
}

static bool is_ident_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

/* Output of the list substitution, growing. */
struct expander {
	struct srctext *out;
	size_t cap;
	bool failed;
};

static void expander__put(struct expander *x, const char *s, size_t n, const struct srcpos *pos)
{
	size_t i;

	if (x->failed)
		return;
	if (x->out->len + n + 1 > x->cap) {
		size_t cap = (x->cap ? x->cap * 2 : 64) + n;
		char *text = realloc(x->out->text, cap);
		struct srcpos *p;

		if (!text) {
			x->failed = true;
			return;
		}
		x->out->text = text;
		p = realloc(x->out->pos, cap * sizeof(*p));
		if (!p) {
			x->failed = true;
			return;
		}
		x->out->pos = p;
		x->cap = cap;
	}
	memcpy(x->out->text + x->out->len, s, n);
	for (i = 0; i < n; i++)
		x->out->pos[x->out->len + i] = *pos;
	x->out->len += n;
	x->out->text[x->out->len] = '\0';
}

static struct rules_list *list_find(struct rules_list *const *lists, size_t nlists, const char *s,
				    size_t n)
{
	size_t i;

	for (i = 0; i < nlists; i++) {
		if (!strncmp(lists[i]->name, s, n) && !lists[i]->name[n])
			return lists[i];
	}
	return NULL;
}

/*
 * Falco's resolve_list(), word by word: a list's name between delimiters is
 * replaced by its items joined with ", ", the blanks around the name
 * swallowed, and, for an empty list, the comma next to it too, so that
 * "(a, empty_list)" becomes "(a)". Words inside quoted strings are replaced
 * as well: Falco does the same.
 */
int cond__expand_lists(const struct srctext *src, struct rules_list *const *lists, size_t nlists,
		       struct srctext *out)
{
	struct expander x = { .out = out };
	size_t i = 0;

	memset(out, 0, sizeof(*out));
	while (i < src->len) {
		const struct rules_list *l;
		struct srcpos at;
		size_t j = i, k;

		if (is_list_delim(src->text[i])) {
			expander__put(&x, &src->text[i], 1, &src->pos[i]);
			i++;
			continue;
		}
		while (j < src->len && !is_list_delim(src->text[j]))
			j++;
		l = list_find(lists, nlists, &src->text[i], j - i);
		if (!l) {
			for (k = i; k < j; k++)
				expander__put(&x, &src->text[k], 1, &src->pos[k]);
			i = j;
			continue;
		}
		at = src->pos[i];
		while (!x.failed && out->len && is_blank(out->text[out->len - 1]))
			out->len--;
		while (j < src->len && is_blank(src->text[j]))
			j++;
		if (!l->nexpanded) {
			if (out->len && out->text[out->len - 1] == ',')
				out->len--;
			else if (j < src->len && src->text[j] == ',')
				j++;
		}
		if (out->len)
			expander__put(&x, " ", 1, &at);
		for (k = 0; k < l->nexpanded; k++) {
			if (k)
				expander__put(&x, ", ", 2, &at);
			expander__put(&x, l->expanded[k], strlen(l->expanded[k]), &at);
		}
		expander__put(&x, " ", 1, &at);
		i = j;
	}
	/* The end of the text keeps the source's end position. */
	expander__put(&x, "", 0, &src->pos[src->len]);
	if (!x.failed && out->pos)
		out->pos[out->len] = src->pos[src->len];
	if (x.failed) {
		srctext__free(out);
		return -ENOMEM;
	}
	return 0;
}

struct parser {
	const char *s;
	size_t len;
	size_t i;
	const struct srcpos *pos;
	cond_macro_lookup_t lookup;
	void *ctx;
	struct cond_error *err;
	bool failed;
	unsigned int depth;
};

static void parser__error_at(struct parser *p, size_t at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void parser__error_at(struct parser *p, size_t at, const char *fmt, ...)
{
	va_list ap;

	if (p->failed)
		return;
	p->failed = true;
	/* At the end, point right after the last token, not past trailing
	 * blanks: a block scalar's newline would put it on the next line. */
	if (at >= p->len) {
		at = p->len;
		while (at > 0 && is_blank(p->s[at - 1]))
			at--;
		if (at == 0)
			at = p->len;
	}
	p->err->pos = p->pos[at];
	va_start(ap, fmt);
	vsnprintf(p->err->msg, sizeof(p->err->msg), fmt, ap);
	va_end(ap);
}

static void parser__skip_blanks(struct parser *p)
{
	while (p->i < p->len && is_blank(p->s[p->i]))
		p->i++;
}

/* The next token, as "'text'" or "the end of the condition", for messages. */
static const char *parser__next(struct parser *p, char *buf, size_t size)
{
	const size_t max = 32;
	size_t j = p->i, n;
	char c;

	if (p->i >= p->len)
		return "the end of the condition";
	c = p->s[p->i];
	if (c == '"' || c == '\'') {
		j++;
		while (j < p->len && p->s[j] != c && j - p->i < max)
			j++;
		if (j < p->len)
			j++;
	} else if (c == '(' || c == ')' || c == ',') {
		j++;
	} else {
		while (j < p->len && !is_blank(p->s[j]) && !strchr("(),\"'", p->s[j]) &&
		       j - p->i < max)
			j++;
	}
	n = j - p->i;
	snprintf(buf, size, "'%.*s%s'", (int)n, &p->s[p->i],
		 j < p->len && n >= max && !is_blank(p->s[j]) ? "..." : "");
	return buf;
}

/* Whether the keyword kw starts at the parser's position, as a whole word. */
static bool parser__at_word(struct parser *p, const char *kw)
{
	size_t n = strlen(kw);

	if (p->len - p->i < n || strncmp(&p->s[p->i], kw, n))
		return false;
	return p->i + n == p->len || (!is_ident_char(p->s[p->i + n]) && p->s[p->i + n] != '.');
}

static struct cond *cond__new(struct parser *p, enum cond_kind kind, size_t at)
{
	struct cond *c = calloc(1, sizeof(*c));

	if (!c) {
		parser__error_at(p, at, "out of memory");
		return NULL;
	}
	c->kind = kind;
	c->pos = p->pos[at];
	return c;
}

static struct cond *parser__or(struct parser *p);

/* A value: a quoted string, or a bare one up to a blank or one of ()=,'" */
static bool parser__value(struct parser *p, struct cond *c)
{
	struct cond_value *values, *v;
	size_t start = p->i, n = 0;
	char *text;

	values = realloc(c->values, (c->nvalues + 1) * sizeof(*values));
	if (!values) {
		parser__error_at(p, start, "out of memory");
		return false;
	}
	c->values = values;
	v = &values[c->nvalues];
	memset(v, 0, sizeof(*v));
	v->pos = p->pos[start];

	if (p->i < p->len && (p->s[p->i] == '"' || p->s[p->i] == '\'')) {
		char quote = p->s[p->i++];

		text = malloc(p->len - p->i + 1);
		if (!text) {
			parser__error_at(p, start, "out of memory");
			return false;
		}
		while (p->i < p->len && p->s[p->i] != quote) {
			/* Only the quote and the backslash are escaped. */
			if (p->s[p->i] == '\\' && p->i + 1 < p->len &&
			    (p->s[p->i + 1] == quote || p->s[p->i + 1] == '\\'))
				p->i++;
			text[n++] = p->s[p->i++];
		}
		if (p->i >= p->len) {
			free(text);
			parser__error_at(p, start, "unterminated string");
			return false;
		}
		p->i++;
		text[n] = '\0';
	} else {
		while (p->i < p->len && !is_blank(p->s[p->i]) && !strchr("()=,'\"", p->s[p->i]))
			p->i++;
		n = p->i - start;
		if (!n)
			return false;
		text = strndup(&p->s[start], n);
		if (!text) {
			parser__error_at(p, start, "out of memory");
			return false;
		}
	}
	v->text = text;
	c->nvalues++;
	return true;
}

static const struct {
	const char *text;
	enum cond_op op;
	bool word;
} ops[] = {
	/* Longest first, so that "<=" is not read as "<". */
	{ "==", OP_EQ, false },
	{ "!=", OP_NE, false },
	{ "<=", OP_LE, false },
	{ ">=", OP_GE, false },
	{ "=", OP_EQ, false },
	{ "<", OP_LT, false },
	{ ">", OP_GT, false },
	{ "exists", OP_EXISTS, true },
	{ "in", OP_IN, true },
	{ "pmatch", OP_PMATCH, true },
	{ "startswith", OP_STARTSWITH, true },
	{ "endswith", OP_ENDSWITH, true },
	{ "contains", OP_CONTAINS, true },
	{ "icontains", OP_ICONTAINS, true },
	{ "glob", OP_GLOB, true },
};

static struct cond *parser__check(struct parser *p, size_t start, size_t end)
{
	char buf[48];
	struct cond *c;
	size_t i, opstart;

	c = cond__new(p, COND_CHECK, start);
	if (!c)
		return NULL;
	c->field_name = strndup(&p->s[start], end - start);
	if (!c->field_name) {
		parser__error_at(p, start, "out of memory");
		goto err;
	}
	parser__skip_blanks(p);
	opstart = p->i;
	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		if (ops[i].word ? parser__at_word(p, ops[i].text) :
				  !strncmp(&p->s[p->i], ops[i].text, strlen(ops[i].text)))
			break;
	}
	if (i == sizeof(ops) / sizeof(ops[0])) {
		parser__error_at(p, p->i, "expected an operator after '%s' but found %s",
				 c->field_name, parser__next(p, buf, sizeof(buf)));
		goto err;
	}
	c->op = ops[i].op;
	p->i += strlen(ops[i].text);
	if (c->op == OP_EXISTS)
		return c;
	parser__skip_blanks(p);
	if (c->op != OP_IN && c->op != OP_PMATCH) {
		if (!parser__value(p, c)) {
			parser__error_at(p, p->i, "expected a value after '%.*s' but found %s",
					 (int)strlen(ops[i].text), &p->s[opstart],
					 parser__next(p, buf, sizeof(buf)));
			goto err;
		}
		return c;
	}
	if (p->i >= p->len || p->s[p->i] != '(') {
		parser__error_at(p, p->i, "expected '(' after '%s' but found %s", ops[i].text,
				 parser__next(p, buf, sizeof(buf)));
		goto err;
	}
	p->i++;
	parser__skip_blanks(p);
	if (p->i < p->len && p->s[p->i] == ')') {
		/* An empty list: an empty Falco list substituted in. Matches nothing. */
		p->i++;
		return c;
	}
	for (;;) {
		parser__skip_blanks(p);
		if (!parser__value(p, c)) {
			parser__error_at(p, p->i, "expected a value in the list but found %s",
					 parser__next(p, buf, sizeof(buf)));
			goto err;
		}
		parser__skip_blanks(p);
		if (p->i < p->len && p->s[p->i] == ',') {
			p->i++;
			continue;
		}
		if (p->i < p->len && p->s[p->i] == ')') {
			p->i++;
			return c;
		}
		parser__error_at(p, p->i, "expected ',' or ')' in the list but found %s",
				 parser__next(p, buf, sizeof(buf)));
		goto err;
	}
err:
	cond__free(c);
	return NULL;
}

static struct cond *parser__primary(struct parser *p)
{
	size_t start, end;
	const struct macro *m;
	bool dotted = false, later = false;
	char buf[48];
	struct cond *c;

	parser__skip_blanks(p);
	start = p->i;
	if (p->i < p->len && p->s[p->i] == '(') {
		p->i++;
		c = parser__or(p);
		if (!c)
			return NULL;
		parser__skip_blanks(p);
		if (p->i >= p->len || p->s[p->i] != ')') {
			parser__error_at(p, p->i, "expected 'and', 'or' or ')' but found %s",
					 parser__next(p, buf, sizeof(buf)));
			cond__free(c);
			return NULL;
		}
		p->i++;
		return c;
	}
	if (p->i >= p->len || !is_ident_start(p->s[p->i]) || parser__at_word(p, "and") ||
	    parser__at_word(p, "or")) {
		parser__error_at(p, p->i, "expected a field, a macro, 'not' or '(' but found %s",
				 parser__next(p, buf, sizeof(buf)));
		return NULL;
	}
	while (p->i < p->len && (is_ident_char(p->s[p->i]) ||
				 (p->s[p->i] == '.' && p->i + 1 < p->len &&
				  is_ident_char(p->s[p->i + 1])))) {
		dotted |= p->s[p->i] == '.';
		p->i++;
	}
	/* A field argument, as in proc.aname[2]: kept in the name, which then
	 * fails to resolve, since no field here takes one. */
	if (p->i < p->len && p->s[p->i] == '[') {
		const char *close = memchr(&p->s[p->i], ']', p->len - p->i);

		if (close) {
			p->i = (size_t)(close - p->s) + 1;
			dotted = true;
		}
	}
	end = p->i;
	if (dotted)
		return parser__check(p, start, end);

	c = cond__new(p, COND_MACRO, start);
	if (!c)
		return NULL;
	c->field_name = strndup(&p->s[start], end - start);
	if (!c->field_name) {
		parser__error_at(p, start, "out of memory");
		cond__free(c);
		return NULL;
	}
	m = p->lookup ? p->lookup(p->ctx, c->field_name, &later) : NULL;
	if (!m) {
		cond__free(c);
		if (later)
			parser__error_at(p, start,
					 "macro '%.*s' is not defined before this one: a macro can "
					 "only use macros defined before it",
					 (int)(end - start), &p->s[start]);
		else
			parser__error_at(p, start, "undefined macro '%.*s'", (int)(end - start),
					 &p->s[start]);
		return NULL;
	}
	c->macro = m;
	return c;
}

static struct cond *parser__not(struct parser *p)
{
	struct cond *c, *sub;
	size_t start;

	parser__skip_blanks(p);
	if (!parser__at_word(p, "not"))
		return parser__primary(p);
	start = p->i;
	if (++p->depth > COND_DEPTH_MAX) {
		parser__error_at(p, start, "condition nested too deeply");
		return NULL;
	}
	p->i += 3;
	sub = parser__not(p);
	p->depth--;
	if (!sub)
		return NULL;
	c = cond__new(p, COND_NOT, start);
	if (!c) {
		cond__free(sub);
		return NULL;
	}
	c->left = sub;
	return c;
}

/* One level of "and" or "or": operands from next, joined to the left. */
static struct cond *parser__binary(struct parser *p, const char *kw, enum cond_kind kind,
				   struct cond *(*next)(struct parser *p))
{
	struct cond *l, *r, *c;
	size_t at;

	l = next(p);
	while (l) {
		parser__skip_blanks(p);
		if (!parser__at_word(p, kw))
			break;
		at = p->i;
		p->i += strlen(kw);
		r = next(p);
		if (!r)
			goto err;
		c = cond__new(p, kind, at);
		if (!c) {
			cond__free(r);
			goto err;
		}
		c->left = l;
		c->right = r;
		l = c;
	}
	return l;
err:
	cond__free(l);
	return NULL;
}

static struct cond *parser__and(struct parser *p)
{
	return parser__binary(p, "and", COND_AND, parser__not);
}

static struct cond *parser__or(struct parser *p)
{
	struct cond *c;

	if (++p->depth > COND_DEPTH_MAX) {
		parser__error_at(p, p->i, "condition nested too deeply");
		return NULL;
	}
	c = parser__binary(p, "or", COND_OR, parser__and);
	p->depth--;
	return c;
}

struct cond *cond__parse(const struct srctext *src, cond_macro_lookup_t lookup, void *ctx,
			 struct cond_error *err)
{
	struct parser p = {
		.s = src->text,
		.len = src->len,
		.pos = src->pos,
		.lookup = lookup,
		.ctx = ctx,
		.err = err,
	};
	struct cond *c;
	char buf[48];

	memset(err, 0, sizeof(*err));
	parser__skip_blanks(&p);
	if (p.i == p.len) {
		parser__error_at(&p, 0, "empty condition");
		return NULL;
	}
	c = parser__or(&p);
	if (!c)
		return NULL;
	parser__skip_blanks(&p);
	if (p.i < p.len) {
		parser__error_at(&p, p.i,
				 "expected 'and', 'or' or the end of the condition but found %s",
				 parser__next(&p, buf, sizeof(buf)));
		cond__free(c);
		return NULL;
	}
	return c;
}

void cond__free(struct cond *c)
{
	size_t i;

	if (!c)
		return;
	cond__free(c->left);
	cond__free(c->right);
	free(c->field_name);
	for (i = 0; i < c->nvalues; i++)
		free(c->values[i].text);
	free(c->values);
	free(c);
}

static void dump_value(const char *s, struct strbuf *sb)
{
	if (*s && !strpbrk(s, " \t\n(),\"'"))
		strbuf__puts(sb, s);
	else
		strbuf__printf(sb, "\"%s\"", s);
}

void cond__dump(const struct cond *c, struct strbuf *sb)
{
	size_t i;

	switch (c->kind) {
	case COND_AND:
	case COND_OR:
		strbuf__puts(sb, c->kind == COND_AND ? "(and " : "(or ");
		cond__dump(c->left, sb);
		strbuf__puts(sb, " ");
		cond__dump(c->right, sb);
		strbuf__puts(sb, ")");
		break;
	case COND_NOT:
		strbuf__puts(sb, "(not ");
		cond__dump(c->left, sb);
		strbuf__puts(sb, ")");
		break;
	case COND_MACRO:
		strbuf__puts(sb, c->field_name);
		break;
	case COND_CHECK:
		strbuf__printf(sb, "(%s %s", c->field_name, cond_op__name(c->op));
		if (c->op == OP_IN || c->op == OP_PMATCH) {
			strbuf__puts(sb, " (");
			for (i = 0; i < c->nvalues; i++) {
				if (i)
					strbuf__puts(sb, ", ");
				dump_value(c->values[i].text, sb);
			}
			strbuf__puts(sb, ")");
		} else if (c->nvalues) {
			strbuf__puts(sb, " ");
			dump_value(c->values[0].text, sb);
		}
		strbuf__puts(sb, ")");
		break;
	}
}
