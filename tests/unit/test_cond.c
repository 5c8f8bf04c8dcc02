// SPDX-License-Identifier: GPL-2.0-only
/*
 * Conditions: parsing (precedence, operators, values, errors with their
 * column), list substitution, and every operator's truth table against
 * realistic events, missing fields included.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <fcntl.h>
#include <cmocka.h>

#include "rules_internal.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* A one-line condition with each byte at line 1, column i + 1. */
struct line {
	struct srctext st;
};

static void line__init(struct line *l, const char *text)
{
	size_t i, n = strlen(text);

	l->st.text = strdup(text);
	l->st.len = n;
	l->st.pos = calloc(n + 1, sizeof(*l->st.pos));
	assert_non_null(l->st.text);
	assert_non_null(l->st.pos);
	for (i = 0; i <= n; i++) {
		l->st.pos[i].file = "t";
		l->st.pos[i].line = 1;
		l->st.pos[i].col = (uint32_t)i + 1;
	}
}

/* Macros a, b and c are visible; later_macro exists but comes later. */
static struct macro macro_a = { .name = "a" };
static struct macro macro_b = { .name = "b" };
static struct macro macro_c = { .name = "c" };

static const struct macro *lookup(void *ctx, const char *name, bool *later)
{
	(void)ctx;
	if (!strcmp(name, "a"))
		return &macro_a;
	if (!strcmp(name, "b"))
		return &macro_b;
	if (!strcmp(name, "c"))
		return &macro_c;
	if (!strcmp(name, "later_macro"))
		*later = true;
	return NULL;
}

static const struct {
	const char *cond;
	const char *tree;
} parse_cases[] = {
	{ "a and b or c", "(or (and a b) c)" },
	{ "a or b and c", "(or a (and b c))" },
	{ "a or b or c", "(or (or a b) c)" },
	{ "not a and b", "(and (not a) b)" },
	{ "not a or not b", "(or (not a) (not b))" },
	{ "not (a or b)", "(not (or a b))" },
	{ "not(a)", "(not a)" },
	{ "not not a", "(not (not a))" },
	{ "((a))", "a" },
	{ "a and (b or c)", "(and a (or b c))" },
	{ "\ta\n and\n\tb ", "(and a b)" },
	{ "proc.name=bash", "(proc.name = bash)" },
	{ "proc.name == bash", "(proc.name = bash)" },
	{ "proc.name != bash", "(proc.name != bash)" },
	{ "evt.dir=<", "(evt.dir = <)" },
	{ "evt.dir = >", "(evt.dir = >)" },
	{ "proc.pid<10", "(proc.pid < 10)" },
	{ "proc.pid <= 10", "(proc.pid <= 10)" },
	{ "proc.pid>0x10", "(proc.pid > 0x10)" },
	{ "proc.pid >= -1", "(proc.pid >= -1)" },
	{ "fd.name = /etc/shadow", "(fd.name = /etc/shadow)" },
	{ "evt.arg.flags contains O_WRONLY", "(evt.arg.flags contains O_WRONLY)" },
	{ "fd.name in (/etc/shadow, '/etc/a b', \"x,y\")",
	  "(fd.name in (/etc/shadow, \"/etc/a b\", \"x,y\"))" },
	{ "proc.name in(bash,sh)", "(proc.name in (bash, sh))" },
	{ "proc.name in ( bash , sh )", "(proc.name in (bash, sh))" },
	{ "proc.name in ()", "(proc.name in ())" },
	{ "proc.name in (  )", "(proc.name in ())" },
	{ "fd.name pmatch (/etc, /usr/bin)", "(fd.name pmatch (/etc, /usr/bin))" },
	{ "proc.args contains \"-e\"", "(proc.args contains -e)" },
	{ "proc.args contains 'a \"b\"'", "(proc.args contains \"a \"b\"\")" },
	{ "proc.args = \"say \\\"hi\\\"\"", "(proc.args = \"say \"hi\"\")" },
	{ "proc.args = 'it\\'s'", "(proc.args = \"it's\")" },
	{ "fd.name = 'C:\\dir'", "(fd.name = C:\\dir)" },
	{ "proc.name startswith sh", "(proc.name startswith sh)" },
	{ "proc.name endswith sh", "(proc.name endswith sh)" },
	{ "proc.name icontains SH", "(proc.name icontains SH)" },
	{ "proc.name glob 's*'", "(proc.name glob s*)" },
	{ "fd.name exists and a", "(and (fd.name exists) a)" },
	{ "not fd.name exists", "(not (fd.name exists))" },
	{ "proc.name = ''", "(proc.name = \"\")" },
	{ "proc.name = and", "(proc.name = and)" },
	{ "andy.x = 1 or notx.y = 2", "(or (andy.x = 1) (notx.y = 2))" },
	{ "proc.aname[2] = bash", "(proc.aname[2] = bash)" },
	{ "a and proc.name in (bash) and not b",
	  "(and (and a (proc.name in (bash))) (not b))" },
	{ "a and(b)or(c)", "(or (and a b) c)" },
	{ "not(a) and not (b)", "(and (not a) (not b))" },
	/* Operators Falco has beyond the first ones. */
	{ "proc.name iglob 'B*'", "(proc.name iglob B*)" },
	{ "proc.name regex '[a-z]+'", "(proc.name regex [a-z]+)" },
	{ "proc.aname intersects (bash, sh)", "(proc.aname intersects (bash, sh))" },
	{ "fd.sip in (10.0.0.0/8, ::1)", "(fd.sip in (10.0.0.0/8, ::1))" },
	/* Transformers, blanks inside taken out. */
	{ "tolower(proc.name) = bash", "(tolower(proc.name) = bash)" },
	{ "toupper( basename(proc.exepath) ) = BASH", "(toupper(basename(proc.exepath)) = BASH)" },
	{ "len(proc.name)>3", "(len(proc.name) > 3)" },
	{ "tolower(proc.name) exists", "(tolower(proc.name) exists)" },
	{ "tolower(proc.name) in (a, b)", "(tolower(proc.name) in (a, b))" },
	/* Fields on the right. */
	{ "proc.name = val(proc.pname)", "(proc.name = val(proc.pname))" },
	{ "proc.name!=val( proc.aname[2] )", "(proc.name != val(proc.aname[2]))" },
	{ "proc.name = tolower(proc.pname)", "(proc.name = tolower(proc.pname))" },
	{ "proc.name = val", "(proc.name = val)" },
	{ "proc.name = tolower", "(proc.name = tolower)" },
	/* Field arguments, bare or quoted. */
	{ "proc.env[HOME] = /root", "(proc.env[HOME] = /root)" },
	{ "proc.env['MY VAR'] = x", "(proc.env[MY VAR] = x)" },
	{ "evt.arg[0] = 3", "(evt.arg[0] = 3)" },
	{ "container.label[io.k8s.name] = x", "(container.label[io.k8s.name] = x)" },
	{ "basename(proc.aexepath[1]) = sh", "(basename(proc.aexepath[1]) = sh)" },
};

static void test_parse(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(parse_cases); i++) {
		struct cond_error err;
		struct line l;
		struct cond *c;
		char buf[512];
		struct strbuf sb;

		line__init(&l, parse_cases[i].cond);
		c = cond__parse(&l.st, lookup, NULL, &err);
		if (!c)
			fail_msg("'%s': %s", parse_cases[i].cond, err.msg);
		strbuf__init(&sb, buf, sizeof(buf));
		cond__dump(c, &sb);
		assert_string_equal(buf, parse_cases[i].tree);
		cond__free(c);
		srctext__free(&l.st);
	}
}

static const struct {
	const char *cond;
	unsigned int col;
	const char *msg;
} error_cases[] = {
	{ "", 1, "empty condition" },
	{ "   ", 1, "empty condition" },
	{ "proc.name", 10,
	  "expected an operator after 'proc.name' but found the end of the condition" },
	{ "proc.name ~ a", 11, "expected an operator after 'proc.name' but found '~'" },
	{ "proc.name bash", 11, "expected an operator after 'proc.name' but found 'bash'" },
	{ "proc.name = ", 12, "expected a value after '=' but found the end of the condition" },
	{ "proc.name=", 11, "expected a value after '=' but found the end of the condition" },
	{ "proc.name == ,", 14, "expected a value after '==' but found ','" },
	{ "proc.name contains )", 20, "expected a value after 'contains' but found ')'" },
	{ "proc.name in bash", 14, "expected '(' after 'in' but found 'bash'" },
	{ "fd.name pmatch", 15, "expected '(' after 'pmatch' but found the end of the condition" },
	{ "proc.name in (a, b", 19,
	  "expected ',' or ')' in the list but found the end of the condition" },
	{ "proc.name in (a b)", 17, "expected ',' or ')' in the list but found 'b'" },
	{ "proc.name in (a,)", 17, "expected a value in the list but found ')'" },
	{ "proc.name in (,a)", 15, "expected a value in the list but found ','" },
	{ "(proc.name = a", 15, "expected 'and', 'or' or ')' but found the end of the condition" },
	{ "(a b)", 4, "expected 'and', 'or' or ')' but found 'b'" },
	{ "proc.name = a)", 14, "expected 'and', 'or' or the end of the condition but found ')'" },
	{ "a b", 3, "expected 'and', 'or' or the end of the condition but found 'b'" },
	{ "a andb", 3, "expected 'and', 'or' or the end of the condition but found 'andb'" },
	{ "proc.name = a and", 18,
	  "expected a field, a macro, 'not' or '(' but found the end of the condition" },
	{ "and a", 1, "expected a field, a macro, 'not' or '(' but found 'and'" },
	{ "a or or b", 6, "expected a field, a macro, 'not' or '(' but found 'or'" },
	{ "not", 4, "expected a field, a macro, 'not' or '(' but found the end of the condition" },
	{ "()", 2, "expected a field, a macro, 'not' or '(' but found ')'" },
	{ "= bash", 1, "expected a field, a macro, 'not' or '(' but found '='" },
	{ "'bash'", 1, "expected a field, a macro, 'not' or '(' but found ''bash''" },
	{ "proc.name = 'abc", 13, "unterminated string" },
	{ "proc.name in (a, \"b)", 18, "unterminated string" },
	{ "unknown_macro", 1, "undefined macro 'unknown_macro'" },
	{ "a and notice", 7, "undefined macro 'notice'" },
	{ "a or later_macro", 6,
	  "macro 'later_macro' is not defined before this one: a macro can only use macros "
	  "defined before it" },
	{ "proc.name = aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa bbb", 66,
	  "expected 'and', 'or' or the end of the condition but found 'bbb'" },
	{ "proc.name bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", 11,
	  "expected an operator after 'proc.name' but found "
	  "'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb...'" },
	{ "tolower(proc.name = a", 19, "expected ')' to close 'tolower(' but found '='" },
	{ "tolower(a) = x", 9, "expected a field but found 'a'" },
	{ "tolower() = x", 9, "expected a field but found ')'" },
	{ "proc.name = val(a)", 17, "expected a field but found 'a'" },
	{ "proc.name = val(proc.pname", 27,
	  "expected ')' to close 'val(' but found the end of the condition" },
	{ "proc.name = len(proc.pname x", 28,
	  "expected ')' to close 'len(' but found 'x'" },
	{ "tolower(tolower(tolower(tolower(tolower(proc.name))))) = a", 33,
	  "more than 4 transformers on one field" },
	{ "proc.env[ = a", 10, "expected a field argument but found a blank" },
	{ "proc.env[] = a", 10, "expected a field argument but found ']'" },
	{ "proc.env[HOME = a", 14, "expected ']' after the field argument but found a blank" },
	{ "proc.env['HOME = a", 10, "unterminated string" },
	{ "proc.name regex (a)", 17, "expected a value after 'regex' but found '('" },
	{ "proc.name intersects a", 22, "expected '(' after 'intersects' but found 'a'" },
	{ "proc.name iglob", 16,
	  "expected a value after 'iglob' but found the end of the condition" },
};

static void test_parse_errors(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(error_cases); i++) {
		struct cond_error err;
		struct line l;
		struct cond *c;

		line__init(&l, error_cases[i].cond);
		c = cond__parse(&l.st, lookup, NULL, &err);
		if (c)
			fail_msg("'%s' parsed", error_cases[i].cond);
		assert_string_equal(err.msg, error_cases[i].msg);
		if (err.pos.col != error_cases[i].col)
			fail_msg("'%s': column %u, expected %u", error_cases[i].cond, err.pos.col,
				 error_cases[i].col);
		assert_int_equal(err.pos.line, 1);
		srctext__free(&l.st);
	}
}

static void test_parse_depth(void **state)
{
	char text[2 * 300 + 2];
	struct cond_error err;
	struct line l;
	struct cond *c;
	size_t i;

	(void)state;
	/* 300 levels of parentheses: refused, not a stack overflow. */
	for (i = 0; i < 300; i++)
		text[i] = '(';
	text[300] = 'a';
	for (i = 0; i < 300; i++)
		text[301 + i] = ')';
	text[601] = '\0';
	line__init(&l, text);
	c = cond__parse(&l.st, lookup, NULL, &err);
	assert_null(c);
	assert_string_equal(err.msg, "condition nested too deeply");
	srctext__free(&l.st);

	/* 200 levels are fine. */
	memmove(text + 200, text + 300, 302);
	memset(text + 201, ')', 200);
	text[401] = '\0';
	line__init(&l, text);
	c = cond__parse(&l.st, lookup, NULL, &err);
	assert_non_null(c);
	cond__free(c);
	srctext__free(&l.st);
}

/* Lists as rules_compile.c leaves them: items expanded and quoted. */
static char *shells_items[] = { "bash", "sh" };
static char *spaced_items[] = { "\"a b\"", "c" };
static struct rules_list list_shells = { .name = "shells", .expanded = shells_items,
					 .nexpanded = 2 };
static struct rules_list list_empty = { .name = "empty" };
static struct rules_list list_spaced = { .name = "spaced", .expanded = spaced_items,
					 .nexpanded = 2 };
static struct rules_list *const lists[] = { &list_shells, &list_empty, &list_spaced };

static const struct {
	const char *cond;
	const char *expanded;
} expand_cases[] = {
	{ "proc.name in (shells)", "proc.name in ( bash, sh )" },
	{ "proc.name in (shells, zsh)", "proc.name in ( bash, sh , zsh)" },
	{ "proc.name in (zsh,shells)", "proc.name in (zsh, bash, sh )" },
	{ "shells", "bash, sh " },
	{ "proc.name in (a, empty)", "proc.name in (a  )" },
	{ "proc.name in (empty, a)", "proc.name in (   a)" },
	{ "proc.name in (empty)", "proc.name in (  )" },
	{ "proc.name in (a, empty, b)", "proc.name in (a  , b)" },
	{ "fd.name in (spaced)", "fd.name in ( \"a b\", c )" },
	{ "proc.name=shells", "proc.name= bash, sh " },
	/* Not standing alone: left as written. */
	{ "proc.name in (shells_x, xshells, shells.x, \"shells\")",
	  "proc.name in (shells_x, xshells, shells.x, \"shells\")" },
	{ "proc.name contains shells/x", "proc.name contains shells/x" },
	{ "no lists here", "no lists here" },
	{ "", "" },
};

static void test_expand_lists(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(expand_cases); i++) {
		struct srctext out;
		struct line l;

		line__init(&l, expand_cases[i].cond);
		assert_int_equal(cond__expand_lists(&l.st, lists, ARRAY_SIZE(lists), &out), 0);
		assert_string_equal(out.text, expand_cases[i].expanded);
		assert_int_equal(out.len, strlen(expand_cases[i].expanded));
		/* The end keeps its place in the source. */
		assert_int_equal(out.pos[out.len].col, strlen(expand_cases[i].cond) + 1);
		srctext__free(&out);
		srctext__free(&l.st);
	}
}

static void test_expand_positions(void **state)
{
	struct srctext out;
	struct line l;

	(void)state;
	/* Every byte pasted in points at the list's name (column 15). */
	line__init(&l, "proc.name in (shells) and x");
	assert_int_equal(cond__expand_lists(&l.st, lists, ARRAY_SIZE(lists), &out), 0);
	assert_string_equal(out.text, "proc.name in ( bash, sh ) and x");
	assert_int_equal(out.pos[0].col, 1);
	assert_int_equal(out.pos[13].col, 14); /* ( */
	assert_int_equal(out.pos[14].col, 15);
	assert_int_equal(out.pos[15].col, 15); /* b */
	assert_int_equal(out.pos[23].col, 15);
	assert_int_equal(out.pos[24].col, 21); /* ) */
	assert_int_equal(out.pos[30].col, 27); /* x */
	srctext__free(&out);
	srctext__free(&l.st);
}

/* Events, as the decoder and the daemon fill them. */
static const struct container ctr_web = {
	.runtime = RUNTIME_PODMAN,
	.id = "3f4e5d6c7b8a",
	.full_id = "3f4e5d6c7b8a9d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f80",
	.name = "web",
};

static const struct container ctr_host = {
	.runtime = RUNTIME_HOST,
	.id = "host",
	.full_id = "host",
	.name = "host",
};

static const char bash_args[] = "bash\0-i";

enum ev {
	EV_EXEC,       /* bash -i in container web, on a terminal */
	EV_OPEN,       /* cat reads /etc/shadow, successfully */
	EV_OPEN_FAIL,  /* cat is refused /etc/shadow */
	EV_CONNECT4,   /* curl to 10.0.0.1:443 */
	EV_CONNECT6,   /* curl to [2001:db8::1]:8443 */
	EV_SETUID,     /* setuid(0) by uid 1000 */
	EV_FORK,
	EV_EXIT,
};

struct fake {
	struct vigil_event_header hdr;
	struct evt evt;
};

/* 2001:db8::1 */
static const uint8_t addr6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };

static void fake__init(struct fake *f, enum ev which)
{
	struct evt *e = &f->evt;

	memset(f, 0, sizeof(*f));
	e->hdr = &f->hdr;
	e->container = &ctr_host;
	f->hdr.ts_ns = 5000000000ull;
	f->hdr.pid = 4242;
	f->hdr.tid = 4242;
	f->hdr.ppid = 4200;
	f->hdr.uid = 1000;
	f->hdr.gid = 1000;
	f->hdr.euid = 1000;
	f->hdr.cgroup_id = 7777;
	switch (which) {
	case EV_EXEC:
		e->type = VIGIL_EVENT_EXEC;
		e->syscall = VIGIL_SC_EXECVE;
		e->container = &ctr_web;
		f->hdr.uid = 0;
		f->hdr.gid = 0;
		strcpy(f->hdr.comm, "bash");
		e->exec.filename = "/bin/bash";
		e->exec.exe = "/usr/bin/bash";
		e->exec.args = bash_args;
		e->exec.args_len = sizeof(bash_args);
		e->exec.argc = 2;
		e->exec.tty = 136 << 20 | 0;
		e->exec.loginuid = UINT32_MAX;
		break;
	case EV_OPEN:
	case EV_OPEN_FAIL:
		e->type = VIGIL_EVENT_OPEN;
		e->syscall = VIGIL_SC_OPENAT;
		strcpy(f->hdr.comm, "cat");
		e->open.path = "/etc/shadow";
		e->open.resolved = which == EV_OPEN ? "/etc/shadow" : "";
		e->open.dirfd = -100;
		e->open.flags = O_RDONLY | O_CLOEXEC;
		e->open.mode = 0644;
		f->hdr.retval = which == EV_OPEN ? 3 : -13;
		break;
	case EV_CONNECT4:
	case EV_CONNECT6:
		e->type = VIGIL_EVENT_CONNECT;
		e->syscall = VIGIL_SC_CONNECT;
		strcpy(f->hdr.comm, "curl");
		e->connect.fd = 5;
		e->connect.unix_path = "";
		if (which == EV_CONNECT4) {
			e->connect.family = AF_INET;
			e->connect.port = 443;
			memcpy(e->connect.addr, (uint8_t[]){ 10, 0, 0, 1 }, 4);
		} else {
			e->connect.family = AF_INET6;
			e->connect.port = 8443;
			memcpy(e->connect.addr, addr6, sizeof(addr6));
			f->hdr.retval = -115; /* EINPROGRESS */
		}
		break;
	case EV_SETUID:
		e->type = VIGIL_EVENT_SETID;
		e->syscall = VIGIL_SC_SETUID;
		strcpy(f->hdr.comm, "exploit");
		f->hdr.uid = 0;
		e->setid.args[0] = 0;
		e->setid.args[1] = UINT32_MAX;
		e->setid.args[2] = UINT32_MAX;
		e->setid.old_ids[0] = 1000;
		e->setid.old_ids[1] = 0;
		e->setid.old_ids[2] = 0;
		break;
	case EV_FORK:
		e->type = VIGIL_EVENT_FORK;
		strcpy(f->hdr.comm, "bash");
		e->fork.child_pid = 4243;
		e->fork.child_tid = 4243;
		f->hdr.retval = 4243;
		break;
	case EV_EXIT:
		e->type = VIGIL_EVENT_EXIT;
		strcpy(f->hdr.comm, "bash");
		break;
	}
	f->hdr.type = (uint16_t)e->type;
	f->hdr.syscall = (uint16_t)e->syscall;
}

/* Whether a rule with this condition fires on the event. */
static bool holds(const char *cond, enum ev which)
{
	char yaml[2048];
	struct ruleset *rs;
	struct fake f;
	bool hit;

	snprintf(yaml, sizeof(yaml),
		 "- rule: t\n  desc: t\n  condition: |\n    %s\n  output: o\n  priority: info\n",
		 cond);
	rs = rules__load_buffer("t.yaml", yaml, strlen(yaml), NULL);
	if (!rs)
		fail_msg("'%s' does not load", cond);
	fake__init(&f, which);
	hit = rules__match(rs, &f.evt) != NULL;
	rules__free(rs);
	return hit;
}

static const struct {
	const char *cond;
	enum ev ev;
	bool holds;
} truth[] = {
	/* strings */
	{ "proc.name = bash", EV_EXEC, true },
	{ "proc.name = sh", EV_EXEC, false },
	{ "proc.name = BASH", EV_EXEC, false },
	{ "proc.name == bash", EV_EXEC, true },
	{ "proc.name != sh", EV_EXEC, true },
	{ "proc.name != bash", EV_EXEC, false },
	{ "proc.name in (sh, bash, zsh)", EV_EXEC, true },
	{ "proc.name in (sh, zsh)", EV_EXEC, false },
	{ "proc.name in (bash)", EV_EXEC, true },
	{ "proc.name in ()", EV_EXEC, false },
	{ "proc.name startswith ba", EV_EXEC, true },
	{ "proc.name startswith bash", EV_EXEC, true },
	{ "proc.name startswith bashx", EV_EXEC, false },
	{ "proc.name startswith sh", EV_EXEC, false },
	{ "proc.name endswith sh", EV_EXEC, true },
	{ "proc.name endswith ba", EV_EXEC, false },
	{ "proc.name endswith xbash", EV_EXEC, false },
	{ "proc.name contains as", EV_EXEC, true },
	{ "proc.name contains z", EV_EXEC, false },
	{ "proc.name contains AS", EV_EXEC, false },
	{ "proc.name icontains AS", EV_EXEC, true },
	{ "proc.name icontains z", EV_EXEC, false },
	{ "proc.name glob 'b*h'", EV_EXEC, true },
	{ "proc.name glob ?ash", EV_EXEC, true },
	{ "proc.name glob '[ab]ash'", EV_EXEC, true },
	{ "proc.name glob 'z*'", EV_EXEC, false },
	{ "proc.name glob 'B*'", EV_EXEC, false },
	{ "proc.name exists", EV_EXEC, true },
	{ "proc.args = -i", EV_EXEC, true },
	{ "proc.cmdline = 'bash -i'", EV_EXEC, true },
	{ "fd.name pmatch (/etc)", EV_OPEN, true },
	{ "fd.name pmatch (/etc/)", EV_OPEN, true },
	{ "fd.name pmatch (/etc/shadow)", EV_OPEN, true },
	{ "fd.name pmatch (/usr, /etc)", EV_OPEN, true },
	{ "fd.name pmatch (/et)", EV_OPEN, false },
	{ "fd.name pmatch (/etc/shadow-)", EV_OPEN, false },
	{ "fd.name pmatch (/)", EV_OPEN, true },
	{ "fd.name glob '/etc/*'", EV_OPEN, true },
	/* more than 8 directories: looked up component by component */
	{ "fd.name pmatch (/a, /b, /c, /d, /e, /f, /g, /h, /i, /etc)", EV_OPEN, true },
	{ "fd.name pmatch (/a, /b, /c, /d, /e, /f, /g, /h, /i, /etc/)", EV_OPEN, true },
	{ "fd.name pmatch (/a, /b, /c, /d, /e, /f, /g, /h, /i, /etc/shadow)", EV_OPEN, true },
	{ "fd.name pmatch (/a, /b, /c, /d, /e, /f, /g, /h, /i, /et)", EV_OPEN, false },
	{ "fd.name pmatch (/a, /b, /c, /d, /e, /f, /g, /h, /i, /etc/shadow-)", EV_OPEN, false },
	{ "fd.name pmatch (/a, /b, /c, /d, /e, /f, /g, /h, /i, /)", EV_OPEN, true },
	{ "fd.name pmatch (/a, /b, /c, /d, /e, /f, /g, /h, /i, etc)", EV_OPEN, false },
	{ "fd.name pmatch (/a, /b, /c, /d, /e, /f, /g, /h, /i, /etc)", EV_EXEC, false },
	{ "fd.name pmatch (etc)", EV_OPEN, false },
	{ "fd.directory = /etc and fd.filename = shadow", EV_OPEN, true },
	{ "fd.name = /etc/shadow", EV_OPEN_FAIL, true },
	{ "evt.arg.flags contains O_RDONLY", EV_OPEN, true },
	{ "evt.arg.flags contains O_WRONLY", EV_OPEN, false },
	{ "evt.arg.flags = O_RDONLY|O_CLOEXEC", EV_OPEN, true },
	/* numbers */
	{ "proc.pid = 4242", EV_EXEC, true },
	{ "proc.pid = 4243", EV_EXEC, false },
	{ "proc.pid = 0x1092", EV_EXEC, true },
	{ "proc.pid = 0X1092", EV_EXEC, true },
	{ "proc.pid = 04242", EV_EXEC, true },
	{ "proc.pid != 4242", EV_EXEC, false },
	{ "proc.pid != 1", EV_EXEC, true },
	{ "proc.pid < 4243", EV_EXEC, true },
	{ "proc.pid < 4242", EV_EXEC, false },
	{ "proc.pid <= 4242", EV_EXEC, true },
	{ "proc.pid <= 4241", EV_EXEC, false },
	{ "proc.pid > 4241", EV_EXEC, true },
	{ "proc.pid > 4242", EV_EXEC, false },
	{ "proc.pid >= 4242", EV_EXEC, true },
	{ "proc.pid >= 4243", EV_EXEC, false },
	{ "proc.pid in (1, 4242, 99999)", EV_EXEC, true },
	{ "proc.pid in (1, 99999)", EV_EXEC, false },
	{ "proc.pid in (4242)", EV_EXEC, true },
	{ "evt.rawres = -13", EV_OPEN_FAIL, true },
	{ "evt.rawres < 0", EV_OPEN_FAIL, true },
	{ "evt.rawres < 0", EV_OPEN, false },
	{ "evt.rawres >= 0", EV_OPEN, true },
	{ "proc.tty != 0", EV_EXEC, true },
	{ "proc.tty = 142606336", EV_EXEC, true },
	{ "user.uid = 0", EV_EXEC, true },
	{ "user.loginuid = -1", EV_EXEC, true },
	/* booleans */
	{ "evt.failed = true", EV_OPEN_FAIL, true },
	{ "evt.failed = false", EV_OPEN_FAIL, false },
	{ "evt.failed = TRUE", EV_OPEN_FAIL, true },
	{ "evt.failed != true", EV_OPEN, true },
	{ "evt.is_open_read = true", EV_OPEN, true },
	{ "evt.is_open_write = true", EV_OPEN, false },
	{ "evt.is_open_write = false", EV_OPEN, true },
	/* results */
	{ "evt.res = SUCCESS", EV_OPEN, true },
	{ "evt.res = EACCES", EV_OPEN_FAIL, true },
	{ "evt.res != SUCCESS", EV_OPEN_FAIL, true },
	{ "evt.res = EINPROGRESS", EV_CONNECT6, true },
	/* addresses and ports */
	{ "fd.sip = 10.0.0.1", EV_CONNECT4, true },
	{ "fd.sip = 10.0.0.2", EV_CONNECT4, false },
	{ "fd.sip != 10.0.0.2", EV_CONNECT4, true },
	{ "fd.sip != 10.0.0.1", EV_CONNECT4, false },
	{ "fd.sip in (192.168.0.1, 10.0.0.1)", EV_CONNECT4, true },
	{ "fd.sip in (192.168.0.1, 2001:db8::1)", EV_CONNECT4, false },
	{ "fd.sip = ::ffff:10.0.0.1", EV_CONNECT4, true },
	{ "fd.rip = 10.0.0.1", EV_CONNECT4, true },
	{ "fd.sip = 2001:db8::1", EV_CONNECT6, true },
	{ "fd.sip = 2001:0db8:0:0::1", EV_CONNECT6, true },
	{ "fd.sip = 10.0.0.1", EV_CONNECT6, false },
	{ "fd.sport = 443", EV_CONNECT4, true },
	{ "fd.sport in (80, 443)", EV_CONNECT4, true },
	{ "fd.sport > 1024", EV_CONNECT4, false },
	{ "fd.rport > 1024", EV_CONNECT6, true },
	{ "fd.typechar = 4", EV_CONNECT4, true },
	{ "fd.typechar in (4, 6)", EV_CONNECT6, true },
	{ "fd.name = 0.0.0.0:0->10.0.0.1:443", EV_CONNECT4, true },
	{ "fd.name endswith :443", EV_CONNECT4, true },
	/* modes */
	{ "evt.arg.mode = 0644", EV_OPEN, true },
	{ "evt.arg.mode = 644", EV_OPEN, true },
	{ "evt.arg.mode = 420", EV_OPEN, false },
	{ "evt.arg.mode > 0600", EV_OPEN, true },
	/* setuid */
	{ "evt.arg.uid = 0", EV_SETUID, true },
	{ "evt.arg.olduid = 1000", EV_SETUID, true },
	{ "evt.arg.oldeuid = 0", EV_SETUID, true },
	{ "evt.arg.ruid = 0", EV_SETUID, false },
	{ "evt.arg.gid = 0", EV_SETUID, false },
	{ "evt.arg.oldgid exists", EV_SETUID, false },
	/* missing values: every comparison is false, != and in too */
	{ "fd.name = /etc/shadow", EV_EXEC, false },
	{ "fd.name != /etc/shadow", EV_EXEC, false },
	{ "fd.name in (/etc/shadow)", EV_EXEC, false },
	{ "fd.name pmatch (/)", EV_EXEC, false },
	{ "fd.name startswith /", EV_EXEC, false },
	{ "fd.name endswith w", EV_EXEC, false },
	{ "fd.name contains /", EV_EXEC, false },
	{ "fd.name icontains /", EV_EXEC, false },
	{ "fd.name glob '*'", EV_EXEC, false },
	{ "fd.name exists", EV_EXEC, false },
	{ "fd.sport = 443", EV_EXEC, false },
	{ "fd.sport != 443", EV_EXEC, false },
	{ "fd.sport < 65536", EV_EXEC, false },
	{ "fd.sport >= 0", EV_EXEC, false },
	{ "fd.sip != 1.2.3.4", EV_EXEC, false },
	{ "evt.is_open_read = false", EV_EXEC, false },
	{ "evt.is_open_read != true", EV_EXEC, false },
	{ "evt.arg.mode != 0", EV_CONNECT4, false },
	{ "fd.directory exists", EV_OPEN, true },
	{ "user.name exists", EV_EXEC, false },
	{ "user.name != root", EV_EXEC, false },
	{ "container.name != x", EV_EXEC, true },
	/* only not turns a missing value into true */
	{ "not fd.name exists", EV_EXEC, true },
	{ "not fd.name = /etc/shadow", EV_EXEC, true },
	{ "not fd.name != /etc/shadow", EV_EXEC, true },
	{ "not fd.name in (/etc/shadow)", EV_EXEC, true },
	{ "fd.name != x or proc.name = bash", EV_EXEC, true },
	{ "fd.name != x and proc.name = bash", EV_EXEC, false },
	/* boolean operators */
	{ "proc.name = bash and proc.pid = 4242", EV_EXEC, true },
	{ "proc.name = bash and proc.pid = 1", EV_EXEC, false },
	{ "proc.name = sh or proc.pid = 4242", EV_EXEC, true },
	{ "proc.name = sh or proc.pid = 1", EV_EXEC, false },
	{ "not proc.name = sh", EV_EXEC, true },
	{ "not (proc.name = sh or proc.pid = 4242)", EV_EXEC, false },
	{ "not proc.name = sh and proc.pid = 1", EV_EXEC, false },
	/* event types */
	{ "evt.type = execve", EV_EXEC, true },
	{ "evt.type in (execve, execveat)", EV_EXEC, true },
	{ "evt.type = openat", EV_EXEC, false },
	{ "evt.type = openat", EV_OPEN, true },
	{ "evt.type = connect", EV_CONNECT4, true },
	{ "evt.type = setuid", EV_SETUID, true },
	{ "evt.type = clone", EV_FORK, true },
	{ "evt.type = procexit", EV_EXIT, true },
	{ "evt.type = clone", EV_EXIT, false },
	{ "evt.type = procexit and proc.name = bash", EV_EXIT, true },
	{ "evt.type != execve and proc.name = bash", EV_FORK, true },
	{ "evt.dir = <", EV_FORK, true },
	/* glob is fnmatch without flags: '*' crosses '/'; iglob ignores case */
	{ "fd.name glob '/*'", EV_OPEN, true },
	{ "fd.name glob '/etc/sha?ow'", EV_OPEN, true },
	{ "proc.name iglob 'B*'", EV_EXEC, true },
	{ "proc.name iglob '*AS?'", EV_EXEC, true },
	{ "proc.name iglob 'z*'", EV_EXEC, false },
	{ "fd.name iglob '*'", EV_EXEC, false },
	/* regex: POSIX extended, matching the whole value */
	{ "proc.name regex 'ba.h'", EV_EXEC, true },
	{ "proc.name regex 'ba'", EV_EXEC, false },
	{ "proc.name regex 'as'", EV_EXEC, false },
	{ "proc.name regex '.*as.*'", EV_EXEC, true },
	{ "proc.name regex '(ba|sh)+'", EV_EXEC, true },
	{ "proc.name regex 'b|bash'", EV_EXEC, true },
	{ "proc.name regex '[[:alpha:]]{4}'", EV_EXEC, true },
	{ "proc.name regex '[[:alpha:]]{3}'", EV_EXEC, false },
	{ "fd.name regex '/etc/(shadow|passwd)'", EV_OPEN, true },
	{ "fd.name regex '.*'", EV_EXEC, false },
	{ "not fd.name regex '.*'", EV_EXEC, true },
	/* intersects: in, for fields of one value */
	{ "proc.name intersects (sh, bash)", EV_EXEC, true },
	{ "proc.name intersects (sh, zsh)", EV_EXEC, false },
	{ "proc.pid intersects (1, 4242)", EV_EXEC, true },
	{ "fd.name intersects (/etc/shadow)", EV_EXEC, false },
	/* networks */
	{ "fd.sip in (10.0.0.0/8)", EV_CONNECT4, true },
	{ "fd.sip in (10.0.0.0/8, ::1)", EV_CONNECT4, true },
	{ "fd.sip in (192.168.0.0/16, ::1)", EV_CONNECT4, false },
	{ "fd.sip in (10.0.0.1/32)", EV_CONNECT4, true },
	{ "fd.sip in (10.0.0.0/31)", EV_CONNECT4, true },
	{ "fd.sip in (10.0.0.2/31)", EV_CONNECT4, false },
	{ "fd.sip in (10.0.0.0/30)", EV_CONNECT4, true },
	{ "fd.sip in (10.0.0.4/30)", EV_CONNECT4, false },
	{ "fd.sip in (0.0.0.0/0)", EV_CONNECT4, true },
	{ "fd.sip in (0.0.0.0/0)", EV_CONNECT6, false },
	{ "fd.sip in (::/0)", EV_CONNECT6, true },
	{ "fd.sip in (2001:db8::/32)", EV_CONNECT6, true },
	{ "fd.sip in (2001:db9::/32)", EV_CONNECT6, false },
	{ "fd.sip in (2001:db8::/127)", EV_CONNECT6, true },
	{ "fd.sip in (::ffff:10.0.0.0/104)", EV_CONNECT4, true },
	{ "fd.sip in (::ffff:10.0.1.0/120)", EV_CONNECT4, false },
	{ "fd.sip intersects (10.0.0.0/8)", EV_CONNECT4, true },
	{ "fd.snet = 10.0.0.0/8", EV_CONNECT4, true },
	{ "fd.snet = 10.0.0.0/24", EV_CONNECT4, true },
	{ "fd.snet = 10.0.1.0/24", EV_CONNECT4, false },
	{ "fd.snet != 10.0.1.0/24", EV_CONNECT4, true },
	{ "fd.snet != 10.0.0.0/24", EV_CONNECT4, false },
	{ "fd.net = 10.0.0.1", EV_CONNECT4, true },
	{ "fd.rnet in (192.168.0.0/16, 10.0.0.0/8)", EV_CONNECT4, true },
	{ "fd.ip = 10.0.0.1", EV_CONNECT4, true },
	{ "fd.snet != 1.0.0.0/8", EV_EXEC, false },
	{ "fd.sip in (0.0.0.0/0)", EV_EXEC, false },
	/* what vigil does not capture is missing: false, != included */
	{ "fd.cip exists", EV_CONNECT4, false },
	{ "fd.cip != 1.2.3.4", EV_CONNECT4, false },
	{ "fd.cport != 1", EV_CONNECT4, false },
	{ "fd.lport != 1", EV_CONNECT4, false },
	{ "fd.l4proto != tcp", EV_CONNECT4, false },
	{ "fd.cnet != 10.0.0.0/8", EV_CONNECT4, false },
	{ "not fd.cip exists", EV_CONNECT4, true },
	/* transformers */
	{ "tolower(proc.name) = bash", EV_EXEC, true },
	{ "toupper(proc.name) = BASH", EV_EXEC, true },
	{ "toupper(proc.name) = bash", EV_EXEC, false },
	{ "toupper(proc.name) in (SH, BASH)", EV_EXEC, true },
	{ "toupper(proc.name) icontains as", EV_EXEC, true },
	{ "basename(proc.exepath) = bash", EV_EXEC, true },
	{ "basename(fd.name) = shadow", EV_OPEN, true },
	{ "basename(proc.name) = bash", EV_EXEC, true },
	{ "tolower(basename(proc.exepath)) in (bash, sh)", EV_EXEC, true },
	{ "len(proc.name) = 4", EV_EXEC, true },
	{ "len(proc.name) > 4", EV_EXEC, false },
	{ "len(proc.args) = 2", EV_EXEC, true },
	{ "len(fd.name) >= 0", EV_EXEC, false },
	{ "tolower(fd.name) != x", EV_EXEC, false },
	{ "not len(fd.name) >= 0", EV_EXEC, true },
	/* val(): the other side is a field of the same event */
	{ "proc.name = val(proc.exe)", EV_EXEC, true },
	{ "proc.pid = val(thread.tid)", EV_EXEC, true },
	{ "proc.pid != val(proc.ppid)", EV_EXEC, true },
	{ "proc.pid < val(proc.ppid)", EV_EXEC, false },
	{ "proc.pid > val(proc.ppid)", EV_EXEC, true },
	{ "fd.name = val(fd.nameraw)", EV_OPEN, true },
	{ "fd.name != val(proc.name)", EV_OPEN, true },
	{ "proc.name startswith val(proc.exe)", EV_EXEC, true },
	{ "fd.name glob val(fd.nameraw)", EV_OPEN, true },
	{ "fd.sip = val(fd.rip)", EV_CONNECT4, true },
	{ "fd.sip != val(fd.rip)", EV_CONNECT4, false },
	{ "proc.name = toupper(proc.exe)", EV_EXEC, false },
	{ "toupper(proc.name) = toupper(proc.exe)", EV_EXEC, true },
	{ "len(proc.name) = val(user.uid)", EV_EXEC, false },
	{ "proc.name != val(fd.name)", EV_EXEC, false },
	{ "fd.name != val(proc.name)", EV_EXEC, false },
	/* event arguments, by name and by number */
	{ "evt.arg.flags contains O_CLOEXEC", EV_OPEN, true },
	{ "evt.arg.flags contains O_TRUNC", EV_OPEN, false },
	{ "evt.arg[0] = 3", EV_OPEN, true },
	{ "evt.arg[1] = -100", EV_OPEN, true },
	{ "evt.arg[2] = /etc/shadow", EV_OPEN, true },
	{ "evt.arg[3] = O_RDONLY|O_CLOEXEC", EV_OPEN, true },
	{ "evt.arg[4] = 0644", EV_OPEN, true },
	{ "evt.arg[5] exists", EV_OPEN, false },
	{ "evt.arg[99] exists", EV_OPEN, false },
	{ "evt.arg[1] = 0", EV_SETUID, true },
	{ "evt.arg[1] = 443", EV_CONNECT4, false },
	{ "evt.arg[1] = '0.0.0.0:0->10.0.0.1:443'", EV_CONNECT4, true },
	{ "evt.arg.tuple endswith :443", EV_CONNECT4, true },
	{ "evt.arg.fd = 5", EV_CONNECT4, true },
	{ "evt.rawarg.flags = 524288", EV_OPEN, true },
	{ "evt.rawarg.uid = 0", EV_SETUID, true },
	{ "evt.arg.res = 4243", EV_FORK, true },
	{ "evt.args contains 'name=/etc/shadow'", EV_OPEN, true },
	{ "evt.is_open_create = false", EV_OPEN, true },
	{ "evt.is_open_exec = false", EV_OPEN, true },
	{ "evt.is_open_create exists", EV_EXEC, false },
	{ "evt.source = syscall", EV_EXIT, true },
	/* containers */
	{ "container.id != host", EV_EXEC, true },
	{ "container.id != host", EV_OPEN, false },
	{ "container.id = host", EV_OPEN, true },
	{ "container.name = web and container.type = podman", EV_EXEC, true },
};

static void test_truth(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(truth); i++) {
		if (holds(truth[i].cond, truth[i].ev) != truth[i].holds)
			fail_msg("'%s' on event %d should be %s", truth[i].cond, truth[i].ev,
				 truth[i].holds ? "true" : "false");
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_parse_depth),
		cmocka_unit_test(test_expand_lists),
		cmocka_unit_test(test_expand_positions),
		cmocka_unit_test(test_truth),
	};

	return cmocka_run_group_tests_name("cond", tests, NULL, NULL);
}
