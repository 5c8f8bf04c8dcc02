// SPDX-License-Identifier: GPL-2.0-only
/*
 * Falco conditions into trees. The grammar, loosest first:
 *
 *	expr    := and ('or' and)*
 *	and     := not ('and' not)*
 *	not     := 'not' not | primary
 *	primary := '(' expr ')' | macro | lhs 'exists' | lhs op rhs
 *	         | lhs list-op '(' [value (',' value)*] ')'
 *	lhs     := field | transformer '(' lhs ')'
 *	rhs     := value | 'val(' lhs ')' | transformer '(' lhs ')'
 *	field   := name ('.' name)+ ['[' argument ']']
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

static const char *const op_names[OP_MAX] = {
	[OP_EQ] = "=",
	[OP_NE] = "!=",
	[OP_LT] = "<",
	[OP_LE] = "<=",
	[OP_GT] = ">",
	[OP_GE] = ">=",
	[OP_IN] = "in",
	[OP_INTERSECTS] = "intersects",
	[OP_PMATCH] = "pmatch",
	[OP_STARTSWITH] = "startswith",
	[OP_ENDSWITH] = "endswith",
	[OP_CONTAINS] = "contains",
	[OP_ICONTAINS] = "icontains",
	[OP_GLOB] = "glob",
	[OP_IGLOB] = "iglob",
	[OP_REGEX] = "regex",
	[OP_EXISTS] = "exists",
};

const char *cond_op__name(enum cond_op op)
{
	return (unsigned int)op < OP_MAX ? op_names[op] : "?";
}

bool cond_op__takes_list(enum cond_op op)
{
	return op == OP_IN || op == OP_INTERSECTS || op == OP_PMATCH;
}

/* Longest first, so that "<=" is not read as "<". */
static const struct {
	const char *text;
	enum cond_op op;
	bool word;
} ops[] = {
	{ "==", OP_EQ, false },
	{ "!=", OP_NE, false },
	{ "<=", OP_LE, false },
	{ ">=", OP_GE, false },
	{ "=", OP_EQ, false },
	{ "<", OP_LT, false },
	{ ">", OP_GT, false },
	{ "exists", OP_EXISTS, true },
	{ "intersects", OP_INTERSECTS, true },
	{ "in", OP_IN, true },
	{ "pmatch", OP_PMATCH, true },
	{ "startswith", OP_STARTSWITH, true },
	{ "endswith", OP_ENDSWITH, true },
	{ "contains", OP_CONTAINS, true },
	{ "icontains", OP_ICONTAINS, true },
	{ "glob", OP_GLOB, true },
	{ "iglob", OP_IGLOB, true },
	{ "regex", OP_REGEX, true },
};

#define NOPS (sizeof(ops) / sizeof(ops[0]))

int cond_op__lookup(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < NOPS; i++) {
		if (strlen(ops[i].text) == n && !memcmp(ops[i].text, s, n))
			return (int)ops[i].op;
	}
	return -1;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' ||
	       c == '\b';
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

/* An item that the condition parser would not read back as one bare value. */
static bool item_needs_quotes(const char *s)
{
	size_t n = strlen(s);

	if (n >= 2 && (s[0] == '"' || s[0] == '\'') && s[n - 1] == s[0])
		return false;
	return !n || strpbrk(s, " \t\n\r\f\v\b(),=\"'") != NULL;
}

char *cond__quote(const char *s)
{
	size_t n = strlen(s), i, j = 0;
	char *q;

	if (!item_needs_quotes(s))
		return strdup(s);
	q = malloc(2 * n + 3);
	if (!q)
		return NULL;
	q[j++] = '"';
	for (i = 0; i < n; i++) {
		if (s[i] == '"' || s[i] == '\\')
			q[j++] = '\\';
		q[j++] = s[i];
	}
	q[j++] = '"';
	q[j] = '\0';
	return q;
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
	struct srctext_builder b;
	size_t i = 0;

	srctext_builder__init(&b, out);
	while (i < src->len) {
		const struct rules_list *l;
		struct srcpos at;
		size_t j = i, k;

		if (is_list_delim(src->text[i])) {
			srctext_builder__copy(&b, src, i, i + 1);
			i++;
			continue;
		}
		while (j < src->len && !is_list_delim(src->text[j]))
			j++;
		l = list_find(lists, nlists, &src->text[i], j - i);
		if (!l) {
			srctext_builder__copy(&b, src, i, j);
			i = j;
			continue;
		}
		at = src->pos[i];
		while (!b.failed && out->len && is_blank(out->text[out->len - 1]))
			out->len--;
		while (j < src->len && is_blank(src->text[j]))
			j++;
		if (!l->nexpanded) {
			if (!b.failed && out->len && out->text[out->len - 1] == ',')
				out->len--;
			else if (j < src->len && src->text[j] == ',')
				j++;
		}
		if (out->len)
			srctext_builder__put(&b, " ", 1, &at);
		for (k = 0; k < l->nexpanded; k++) {
			if (k)
				srctext_builder__put(&b, ", ", 2, &at);
			srctext_builder__puts(&b, l->expanded[k], &at);
		}
		srctext_builder__put(&b, " ", 1, &at);
		i = j;
	}
	/* The end of the text keeps the source's end position. */
	return srctext_builder__finish(&b, &src->pos[src->len]);
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
	if (is_blank(c))
		return "a blank";
	if (c == '"' || c == '\'') {
		j++;
		while (j < p->len && p->s[j] != c && j - p->i < max)
			j++;
		if (j < p->len)
			j++;
	} else if (c == '(' || c == ')' || c == ',' || c == '[' || c == ']') {
		j++;
	} else {
		while (j < p->len && !is_blank(p->s[j]) && !strchr("(),\"'[]", p->s[j]) &&
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

/* A transformer's name right before '(': its length, or 0. */
static size_t parser__at_xform(struct parser *p)
{
	size_t j = p->i;

	while (j < p->len && is_ident_char(p->s[j]))
		j++;
	if (j == p->i || j >= p->len || p->s[j] != '(')
		return 0;
	return field_xform__lookup(&p->s[p->i], j - p->i) >= 0 ? j - p->i : 0;
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

/* Where a field expression's canonical text goes: never longer than its source. */
struct fexpr {
	char *buf;
	size_t len;
};

static void fexpr__put(struct fexpr *fx, const char *s, size_t n)
{
	memcpy(fx->buf + fx->len, s, n);
	fx->len += n;
	fx->buf[fx->len] = '\0';
}

/* A dotted name: proc.name, evt.arg.flags. Its length, or 0. */
static size_t parser__dotted(struct parser *p, bool *dotted)
{
	size_t start = p->i;

	*dotted = false;
	if (p->i >= p->len || !is_ident_start(p->s[p->i]))
		return 0;
	while (p->i < p->len && (is_ident_char(p->s[p->i]) ||
				 (p->s[p->i] == '.' && p->i + 1 < p->len &&
				  is_ident_char(p->s[p->i + 1])))) {
		*dotted |= p->s[p->i] == '.';
		p->i++;
	}
	return p->i - start;
}

/* "[2]", "[HOME]", "['a b']" after a field's name. */
static bool parser__field_arg(struct parser *p, struct fexpr *fx)
{
	char buf[48];
	size_t start;

	fexpr__put(fx, "[", 1);
	p->i++;
	start = p->i;
	if (p->i < p->len && (p->s[p->i] == '"' || p->s[p->i] == '\'')) {
		char quote = p->s[p->i++];

		while (p->i < p->len && p->s[p->i] != quote) {
			if (p->s[p->i] == '\\' && p->i + 1 < p->len &&
			    (p->s[p->i + 1] == quote || p->s[p->i + 1] == '\\'))
				p->i++;
			fexpr__put(fx, &p->s[p->i++], 1);
		}
		if (p->i >= p->len) {
			parser__error_at(p, start, "unterminated string");
			return false;
		}
		p->i++;
	} else {
		while (p->i < p->len && !is_blank(p->s[p->i]) && !strchr("[]\"'", p->s[p->i]))
			fexpr__put(fx, &p->s[p->i++], 1);
		if (p->i == start) {
			parser__error_at(p, p->i, "expected a field argument but found %s",
					 parser__next(p, buf, sizeof(buf)));
			return false;
		}
	}
	if (p->i >= p->len || p->s[p->i] != ']') {
		parser__error_at(p, p->i, "expected ']' after the field argument but found %s",
				 parser__next(p, buf, sizeof(buf)));
		return false;
	}
	p->i++;
	fexpr__put(fx, "]", 1);
	return true;
}

/* A field, maybe in transformers, into fx as "tolower(proc.name)". */
static bool parser__field_expr(struct parser *p, struct fexpr *fx, unsigned int nxforms)
{
	size_t start = p->i, n;
	bool dotted;
	char buf[48];

	n = parser__at_xform(p);
	if (n) {
		if (nxforms >= FIELD_XFORMS_MAX) {
			parser__error_at(p, start, "more than %d transformers on one field",
					 FIELD_XFORMS_MAX);
			return false;
		}
		fexpr__put(fx, &p->s[p->i], n + 1);
		p->i += n + 1;
		parser__skip_blanks(p);
		if (!parser__field_expr(p, fx, nxforms + 1))
			return false;
		parser__skip_blanks(p);
		if (p->i >= p->len || p->s[p->i] != ')') {
			parser__error_at(p, p->i,
					 "expected ')' to close '%.*s(' but found %s", (int)n,
					 &p->s[start], parser__next(p, buf, sizeof(buf)));
			return false;
		}
		p->i++;
		fexpr__put(fx, ")", 1);
		return true;
	}
	n = parser__dotted(p, &dotted);
	if (!n || !dotted) {
		p->i = start;
		parser__error_at(p, start, "expected a field but found %s",
				 parser__next(p, buf, sizeof(buf)));
		return false;
	}
	fexpr__put(fx, &p->s[start], n);
	if (p->i < p->len && p->s[p->i] == '[')
		return parser__field_arg(p, fx);
	return true;
}

/* Reads a field expression at the position; the text, or NULL after an error. */
static char *parser__field_text(struct parser *p)
{
	struct fexpr fx = { .buf = malloc(p->len - p->i + 1) };

	if (!fx.buf) {
		parser__error_at(p, p->i, "out of memory");
		return NULL;
	}
	fx.buf[0] = '\0';
	if (!parser__field_expr(p, &fx, 0)) {
		free(fx.buf);
		return NULL;
	}
	return fx.buf;
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

/* After a comparison: val(field), transformer(field), or a value. */
static bool parser__rhs(struct parser *p, struct cond *c, const char *op)
{
	char buf[48];
	size_t start = p->i;

	if (p->len - p->i > 4 && !strncmp(&p->s[p->i], "val(", 4)) {
		struct fexpr fx;

		fx.buf = malloc(p->len - p->i + 1);
		if (!fx.buf) {
			parser__error_at(p, start, "out of memory");
			return false;
		}
		fx.len = 0;
		fexpr__put(&fx, "val(", 4);
		p->i += 4;
		parser__skip_blanks(p);
		if (!parser__field_expr(p, &fx, 0))
			goto err;
		parser__skip_blanks(p);
		if (p->i >= p->len || p->s[p->i] != ')') {
			parser__error_at(p, p->i, "expected ')' to close 'val(' but found %s",
					 parser__next(p, buf, sizeof(buf)));
			goto err;
		}
		p->i++;
		fexpr__put(&fx, ")", 1);
		c->rhs_name = fx.buf;
		c->rhs_pos = p->pos[start];
		return true;
err:
		free(fx.buf);
		return false;
	}
	if (parser__at_xform(p)) {
		c->rhs_name = parser__field_text(p);
		c->rhs_pos = p->pos[start];
		return c->rhs_name != NULL;
	}
	if (!parser__value(p, c)) {
		parser__error_at(p, p->i, "expected a value after '%s' but found %s", op,
				 parser__next(p, buf, sizeof(buf)));
		return false;
	}
	return true;
}

static struct cond *parser__check(struct parser *p, char *name, size_t start)
{
	char buf[48];
	struct cond *c;
	size_t i, opstart;

	c = cond__new(p, COND_CHECK, start);
	if (!c) {
		free(name);
		return NULL;
	}
	c->field_name = name;
	parser__skip_blanks(p);
	opstart = p->i;
	for (i = 0; i < NOPS; i++) {
		if (ops[i].word ? parser__at_word(p, ops[i].text) :
				  !strncmp(&p->s[p->i], ops[i].text, strlen(ops[i].text)))
			break;
	}
	if (i == NOPS) {
		parser__error_at(p, p->i, "expected an operator after '%s' but found %s",
				 c->field_name, parser__next(p, buf, sizeof(buf)));
		goto err;
	}
	c->op = ops[i].op;
	p->i += strlen(ops[i].text);
	if (c->op == OP_EXISTS)
		return c;
	parser__skip_blanks(p);
	if (!cond_op__takes_list(c->op)) {
		char op[12];

		snprintf(op, sizeof(op), "%.*s", (int)strlen(ops[i].text), &p->s[opstart]);
		if (!parser__rhs(p, c, op))
			goto err;
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
	const struct macro *m;
	bool dotted = false, later = false;
	size_t start, n;
	char buf[48], *name;
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
	if (parser__at_xform(p)) {
		name = parser__field_text(p);
		return name ? parser__check(p, name, start) : NULL;
	}
	n = parser__dotted(p, &dotted);
	if (dotted) {
		p->i = start;
		name = parser__field_text(p);
		return name ? parser__check(p, name, start) : NULL;
	}

	c = cond__new(p, COND_MACRO, start);
	if (!c)
		return NULL;
	c->field_name = strndup(&p->s[start], n);
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
					 (int)n, &p->s[start]);
		else
			parser__error_at(p, start, "undefined macro '%.*s'", (int)n, &p->s[start]);
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
	free(c->rhs_name);
	for (i = 0; i < c->nvalues; i++)
		free(c->values[i].text);
	free(c->values);
	field_ref__free(&c->lhs);
	field_ref__free(&c->rhs);
	if (c->re) {
		regfree(c->re);
		free(c->re);
	}
	free(c->nets);
	free(c->paths);
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
		if (c->rhs_name) {
			strbuf__printf(sb, " %s", c->rhs_name);
		} else if (cond_op__takes_list(c->op)) {
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
