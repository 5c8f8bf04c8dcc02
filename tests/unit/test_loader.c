// SPDX-License-Identifier: GPL-2.0-only
/*
 * Loader conformance with Falco's rule language: engine and plugin
 * versions, visibility and redefinition, override with append and replace
 * and every way it can be wrong, the legacy append and enabled forms,
 * sources, skip-if-unknown-filter, warn_evttypes and rule_matching: all.
 * Diagnostics are compared whole, positions included. Run from the top of
 * the tree.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "rules_internal.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define DATA "tests/data/rules/"

static struct ruleset *load_text(const char *yaml, char **said)
{
	struct ruleset *rs;
	size_t len;
	FILE *err;

	err = open_memstream(said, &len);
	assert_non_null(err);
	rs = rules__load_buffer("t.yaml", yaml, strlen(yaml), err);
	fclose(err);
	return rs;
}

static struct ruleset *load_file(const char *path, char **said)
{
	struct ruleset *rs;
	size_t len;
	FILE *err;

	err = open_memstream(said, &len);
	assert_non_null(err);
	rs = rules__load(&path, 1, err);
	fclose(err);
	return rs;
}

/* Loads yaml, checks what was said and whether it loaded; returns the ruleset. */
static struct ruleset *expect(const char *yaml, bool ok, const char *said_expected)
{
	struct ruleset *rs;
	char *said;

	rs = load_text(yaml, &said);
	if (strcmp(said, said_expected))
		fail_msg("for:\n%s\nsaid:\n%s\nexpected:\n%s", yaml, said, said_expected);
	if ((rs != NULL) != ok)
		fail_msg("for:\n%s\n%s", yaml, ok ? "did not load" : "loaded");
	free(said);
	return rs;
}

static const char *tree_of(const struct cond *c, char *buf, size_t size)
{
	struct strbuf sb;

	strbuf__init(&sb, buf, size);
	cond__dump(c, &sb);
	return buf;
}

#define RULE(name, cond) \
	"- rule: " name "\n  desc: d\n  condition: " cond "\n  output: o\n  priority: info\n"

static void test_engine_version(void **state)
{
	static const struct {
		const char *version;
		const char *said;
	} cases[] = {
		{ "0.31.0", "" },
		{ "0.57.0", "" },
		{ "0.0.1", "" },
		{ "0.31.0-rc1", "" },
		{ "0.57.0+build7", "" },
		/* Falco's legacy integers: 31 is 0.31.0. */
		{ "31", "" },
		{ "57", "" },
		{ "58", "t.yaml:1:28: error: the rules need engine version 0.58.0, but vigil's is "
			"0.57.0: update vigil\n" },
		{ "0.57.1", "t.yaml:1:28: error: the rules need engine version 0.57.1, but vigil's "
			    "is 0.57.0: update vigil\n" },
		{ "0.100.0", "t.yaml:1:28: error: the rules need engine version 0.100.0, but "
			     "vigil's is 0.57.0: update vigil\n" },
		{ "1.0.0", "t.yaml:1:28: error: the rules need engine version 1.0.0, but vigil's "
			   "is 0.57.0: update vigil\n" },
		{ "x.y", "t.yaml:1:28: error: cannot read required_engine_version 'x.y': expected "
			 "a version such as 0.31.0\n" },
		{ "0.31", "t.yaml:1:28: error: cannot read required_engine_version '0.31': "
			  "expected a version such as 0.31.0\n" },
		{ "0.31.0.1", "t.yaml:1:28: error: cannot read required_engine_version '0.31.0.1': "
			      "expected a version such as 0.31.0\n" },
		{ "-1", "t.yaml:1:28: error: cannot read required_engine_version '-1': expected a "
			"version such as 0.31.0\n" },
	};
	unsigned int v[3];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		char yaml[128];

		snprintf(yaml, sizeof(yaml), "- required_engine_version: %s\n", cases[i].version);
		rules__free(expect(yaml, !*cases[i].said, cases[i].said));
	}
	rules__free(expect("- required_engine_version: [1]\n", false,
			   "t.yaml:1:28: error: cannot read required_engine_version '': expected a "
			   "version such as 0.31.0\n"));
	/* The version is defined once, and parses. */
	assert_true(engine_version__parse(RULES_ENGINE_VERSION, v));
	assert_int_equal(v[0], 0);
	assert_int_equal(v[1], 57);
	assert_int_equal(v[2], 0);
	/* Several in one file: each is checked. */
	rules__free(expect("- required_engine_version: 12\n- required_engine_version: 0.2.0\n",
			   true, ""));
}

static void test_plugin_versions(void **state)
{
	(void)state;
	rules__free(expect("- required_plugin_versions:\n  - name: k8saudit\n    version: 0.7.0\n"
			   "    alternatives:\n      - name: k8saudit-eks\n"
			   "        version: 0.4.0\n",
			   true,
			   "t.yaml:1:3: warning: required_plugin_versions is ignored: vigil has no "
			   "plugins, and skips rules of their sources\n"));
	rules__free(expect("- required_plugin_versions: k8saudit\n", false,
			   "t.yaml:1:29: error: required_plugin_versions must be a sequence of "
			   "{name, version}\n"));
	rules__free(expect("- required_plugin_versions:\n  - name: json\n", false,
			   "t.yaml:2:5: error: required_plugin_versions must be a sequence of "
			   "{name, version}\n"));
	rules__free(expect("- required_plugin_versions: []\n  rule: x\n", false,
			   "t.yaml:2:3: error: item has both 'required_plugin_versions' and 'rule' "
			   "keys\n"));
}

static void test_visibility(void **state)
{
	struct ruleset *rs;
	char buf[512];

	(void)state;
	/* A list redefined after another may use it; it keeps its first place. */
	rs = expect("- list: a\n  items: [b]\n"
		    "- list: b\n  items: [x]\n"
		    "- list: a\n  items: [b, y]\n"
		    RULE("r", "evt.type = execve and proc.name in (a)"),
		    true, "");
	assert_string_equal(rs->lists[0]->name, "a");
	assert_string_equal(tree_of(rs->rules[0]->tree, buf, sizeof(buf)),
			    "(and (evt.type = execve) (proc.name in (x, y)))");
	rules__free(rs);

	/* Appended after: the same. */
	rs = expect("- list: a\n  items: [q]\n"
		    "- list: b\n  items: [x]\n"
		    "- list: a\n  items: [b]\n  override:\n    items: append\n"
		    RULE("r", "evt.type = execve and proc.name in (a)"),
		    true, "");
	assert_string_equal(tree_of(rs->rules[0]->tree, buf, sizeof(buf)),
			    "(and (evt.type = execve) (proc.name in (q, x)))");
	rules__free(rs);

	/* Lists naming each other: a plain item, never a loop. */
	rs = expect("- list: a\n  items: [z]\n"
		    "- list: b\n  items: [a, w]\n"
		    "- list: a\n  items: [b, v]\n"
		    RULE("r", "evt.type = execve and proc.name in (a)"),
		    true, "");
	assert_string_equal(tree_of(rs->rules[0]->tree, buf, sizeof(buf)),
			    "(and (evt.type = execve) (proc.name in (a, v, w)))");
	rules__free(rs);

	/* A macro redefined, or appended to, later sees the macros in between. */
	rs = expect("- macro: m1\n  condition: evt.type = execve\n"
		    "- macro: m2\n  condition: proc.name = sh\n"
		    "- macro: m1\n  condition: evt.type = execve and m2\n" RULE("r", "m1"),
		    true, "");
	assert_string_equal(rs->macros[0]->name, "m1");
	assert_string_equal(tree_of(rs->macros[0]->tree, buf, sizeof(buf)),
			    "(and (evt.type = execve) m2)");
	rules__free(rs);
	rs = expect("- macro: m1\n  condition: evt.type = execve\n"
		    "- macro: m2\n  condition: proc.name = sh\n"
		    "- macro: m1\n  condition: and m2\n  override:\n    condition: append\n"
		    RULE("r", "m1"),
		    true, "");
	rules__free(rs);

	/* But not the other way round, nor itself. */
	rules__free(expect("- macro: m1\n  condition: evt.type = execve and m2\n"
			   "- macro: m2\n  condition: proc.name = sh\n" RULE("r", "m1"),
			   false,
			   "t.yaml:2:36: error: macro 'm1': macro 'm2' is not defined before this "
			   "one: a macro can only use macros defined before it\n"));
	rules__free(expect("- macro: m\n  condition: m\n" RULE("r", "evt.type = execve and m"),
			   false,
			   "t.yaml:2:14: error: macro 'm': macro 'm' is not defined before this "
			   "one: a macro can only use macros defined before it\n"));
	/* Redefined to use a later macro that uses it: a loop. */
	rules__free(expect("- macro: m1\n  condition: evt.type = execve\n"
			   "- macro: m2\n  condition: m1\n"
			   "- macro: m1\n  condition: m2\n" RULE("r", "m1"),
			   false,
			   "t.yaml:4:14: error: macro 'm2': using macro 'm1' here makes a loop: a "
			   "macro cannot use itself\n"));
	/* A rule uses any macro and list, defined before it or after. */
	rs = expect(RULE("r", "m and proc.name in (l)") "- macro: m\n  condition: evt.type = "
							   "execve\n- list: l\n  items: [x]\n",
		    true, "");
	rules__free(rs);
}

static void test_redefinition(void **state)
{
	struct ruleset *rs;
	char buf[256];

	(void)state;
	rs = expect(RULE("r1", "evt.type = execve") RULE("r2", "evt.type = connect")
		    "- macro: m\n  condition: proc.name = a\n"
		    "- macro: m\n  condition: proc.name = b\n"
		    "- rule: r1\n  desc: again\n  condition: evt.type = openat and m\n"
		    "  output: o2\n  priority: error\n",
		    true, "");
	assert_int_equal(rs->nrules, 2);
	assert_int_equal(rs->nmacros, 1);
	assert_string_equal(rs->rules[0]->name, "r1");
	assert_string_equal(rs->rules[0]->desc, "again");
	assert_int_equal(rs->rules[0]->priority, PRIORITY_ERROR);
	assert_string_equal(tree_of(rs->macros[0]->tree, buf, sizeof(buf)), "(proc.name = b)");
	/* In load order, r1 still comes first. */
	assert_string_equal(rs->bucket[VIGIL_SC_OPENAT][0]->name, "r1");
	rules__free(rs);
}

static void test_override(void **state)
{
	struct ruleset *rs;
	const struct rule *r;
	char buf[512];

	(void)state;
	rs = expect("- list: l\n  items: [a]\n"
		    "- list: l\n  items: [b]\n  override:\n    items: append\n"
		    "- macro: m\n  condition: evt.type = execve\n"
		    "- macro: m\n  condition: and proc.name in (l)\n"
		    "  override: {condition: append}\n"
		    "- rule: r\n  desc: first\n  condition: m\n  output: one %proc.name\n"
		    "  priority: warning\n  tags: [a, b]\n"
		    "- rule: r\n  desc: second\n  output: >\n    two\n  tags: [b, c]\n"
		    "  condition: and proc.pid > 1\n"
		    "  override: {desc: append, output: append, tags: append, condition: append}\n"
		    "- rule: r\n  priority: critical\n  enabled: false\n  warn_evttypes: false\n"
		    "  skip-if-unknown-filter: true\n"
		    "  override: {priority: replace, enabled: replace, warn_evttypes: replace,\n"
		    "             skip-if-unknown-filter: replace}\n",
		    true, "");
	r = rs->rules[0];
	assert_int_equal(rs->lists[0]->nitems, 2);
	assert_string_equal(rs->macros[0]->cond.text, "evt.type = execve and proc.name in (l)");
	assert_string_equal(r->desc, "first second");
	assert_string_equal(r->output.text, "one %proc.name two");
	assert_int_equal(r->ntags, 3);
	assert_string_equal(r->tags[0], "a");
	assert_string_equal(r->tags[1], "b");
	assert_string_equal(r->tags[2], "c");
	assert_string_equal(r->cond.text, "m and proc.pid > 1");
	assert_string_equal(tree_of(r->tree, buf, sizeof(buf)), "(and m (proc.pid > 1))");
	assert_int_equal(r->priority, PRIORITY_CRITICAL);
	assert_false(r->enabled);
	assert_false(r->warn_evttypes);
	assert_true(r->skip_unknown);
	assert_int_equal(rules__count(rs), 0);
	rules__free(rs);

	/* Replacing: the new value, whole. Appends and replacements in one item. */
	rs = expect(RULE("r", "evt.type = execve") "  tags: [a]\n"
		    "- rule: r\n  condition: evt.type = connect\n  output: three\n  desc: third\n"
		    "  tags: [x]\n  priority: debug\n"
		    "  override: {condition: replace, output: append, desc: replace, tags: "
		    "replace,\n             priority: replace}\n"
		    "- list: l\n  items: [a, b]\n- list: l\n  items: [c]\n"
		    "  override: {items: replace}\n"
		    "- macro: m\n  condition: proc.name = a\n"
		    "- macro: m\n  condition: proc.name = c\n  override: {condition: replace}\n",
		    true, "");
	r = rs->rules[0];
	assert_string_equal(r->cond.text, "evt.type = connect");
	assert_string_equal(r->output.text, "o three");
	assert_string_equal(r->desc, "third");
	assert_int_equal(r->ntags, 1);
	assert_string_equal(r->tags[0], "x");
	assert_int_equal(r->priority, PRIORITY_DEBUG);
	assert_int_equal(rs->lists[0]->nitems, 1);
	assert_string_equal(rs->lists[0]->items[0], "c");
	assert_string_equal(rs->macros[0]->cond.text, "proc.name = c");
	rules__free(rs);
}

static void test_override_errors(void **state)
{
	static const char said[] =
		DATA "bad_override.yaml:13:13: error: rule 'r': 'override' must be a mapping of "
		     "keys to append or replace, such as {condition: append}\n"
		DATA "bad_override.yaml:17:5: error: rule 'r': 'priority' cannot be appended to, "
		     "only replaced\n"
		DATA "bad_override.yaml:21:5: error: rule 'r': 'source' cannot be overridden\n"
		DATA "bad_override.yaml:25:13: error: rule 'r': the override of 'output' must be "
		     "'append' or 'replace'\n"
		DATA "bad_override.yaml:28:3: error: rule 'r': 'desc' has no entry in 'override': "
		     "add 'desc: append' or 'desc: replace' to it\n"
		DATA "bad_override.yaml:33:5: error: rule 'r': 'override' appends to 'condition' "
		     "but the item has no 'condition'\n"
		DATA "bad_override.yaml:36:3: warning: rule 'r': 'append: true' is deprecated: use "
		     "'override: {condition: append}'\n"
		DATA "bad_override.yaml:34:3: error: rule 'r': 'append' and 'override' cannot be "
		     "used together: keep 'override'\n"
		DATA "bad_override.yaml:39:3: error: cannot append to rule 'nowhere': no rule of "
		     "that name is defined before\n"
		DATA "bad_override.yaml:43:3: error: cannot override rule 'nowhere': no rule of "
		     "that name is defined before\n"
		DATA "bad_override.yaml:50:12: error: list 'l': the override of 'items' must be "
		     "'append' or 'replace'\n"
		DATA "bad_override.yaml:55:5: error: macro 'm': 'output' cannot be overridden\n"
		DATA "bad_override.yaml:56:3: error: cannot append to macro 'nothing': no macro of "
		     "that name is defined before\n"
		DATA "bad_override.yaml:62:3: error: rule 'r': unknown key 'output2' (expected "
		     "rule, desc, condition, output, priority, tags, enabled, exceptions, source, "
		     "warn_evttypes, skip-if-unknown-filter, append, override)\n"
		DATA "bad_override.yaml:65:5: error: rule 'r': duplicate key 'output' in "
		     "'override'\n"
		DATA "bad_override.yaml:67:3: error: rule 'r': 'source' cannot be given with "
		     "'override'\n";
	struct ruleset *rs;
	char *text;

	(void)state;
	rs = load_file(DATA "bad_override.yaml", &text);
	assert_null(rs);
	assert_string_equal(text, said);
	free(text);
}

static void test_legacy(void **state)
{
	struct ruleset *rs;
	char buf[512];

	(void)state;
	rs = expect("- list: l\n  items: [a]\n- list: l\n  items: [b]\n  append: true\n"
		    "- macro: m\n  condition: evt.type = execve\n"
		    "- macro: m\n  condition: and proc.name in (l)\n  append: true\n"
		    RULE("r", "m")
		    "- rule: r\n  condition: and proc.pid > 1\n  append: true\n"
		    "- rule: r\n  enabled: false\n"
		    "- rule: r\n  enabled: true\n"
		    /* append: false is a definition. */
		    RULE("s", "evt.type = connect") "  append: false\n",
		    true,
		    "t.yaml:5:3: warning: list 'l': 'append: true' is deprecated: use 'override: "
		    "{items: append}'\n"
		    "t.yaml:10:3: warning: macro 'm': 'append: true' is deprecated: use "
		    "'override: {condition: append}'\n"
		    "t.yaml:18:3: warning: rule 'r': 'append: true' is deprecated: use 'override: "
		    "{condition: append}'\n"
		    "t.yaml:20:3: warning: rule 'r': 'enabled' alone is deprecated: add "
		    "'override: {enabled: replace}'\n"
		    "t.yaml:22:3: warning: rule 'r': 'enabled' alone is deprecated: add "
		    "'override: {enabled: replace}'\n");
	assert_string_equal(tree_of(rs->macros[0]->tree, buf, sizeof(buf)),
			    "(and (evt.type = execve) (proc.name in (a, b)))");
	assert_string_equal(tree_of(rs->rules[0]->tree, buf, sizeof(buf)),
			    "(and m (proc.pid > 1))");
	assert_true(rs->rules[0]->enabled);
	assert_int_equal(rules__count(rs), 2);
	rules__free(rs);
}

static void test_sources(void **state)
{
	struct ruleset *rs;

	(void)state;
	/* Another source's rule is skipped, and may use fields vigil lacks. */
	rs = expect(RULE("k8s", "ka.verb = create") "  source: k8s_audit\n"
		    "- rule: k8s\n  condition: and ka.user.name = x\n"
		    "  override: {condition: append}\n"
		    "- rule: k8s\n  enabled: false\n  override: {enabled: replace}\n"
		    RULE("sys", "evt.type = execve") "  source: syscall\n",
		    true,
		    "t.yaml:6:11: warning: rule 'k8s': source 'k8s_audit' is not one vigil has "
		    "(only syscall): the rule is skipped\n");
	assert_int_equal(rs->nrules, 2);
	assert_true(rs->rules[0]->foreign);
	assert_null(rs->rules[0]->tree);
	assert_int_equal(rules__count(rs), 1);
	rules__free(rs);

	rules__free(expect(RULE("r", "evt.type = execve")
			   RULE("r", "ka.verb = create") "  source: k8s_audit\n",
			   false,
			   "t.yaml:11:11: warning: rule 'r': source 'k8s_audit' is not one vigil "
			   "has (only syscall): the rule is skipped\n"
			   "t.yaml:6:3: error: rule 'r' is defined again with another source\n"));
}

static void test_skip_unknown(void **state)
{
	struct ruleset *rs;

	(void)state;
	rs = expect("- macro: km\n  condition: ka.verb = create\n"
		    "- macro: uses_km\n  condition: evt.type = execve and km\n"
		    RULE("a", "evt.type = execve and ka.target.resource = pods")
		    "  skip-if-unknown-filter: true\n"
		    RULE("b", "uses_km") "  skip-if-unknown-filter: true\n"
		    "- rule: c\n  desc: d\n  condition: evt.type = execve\n"
		    "  output: user %ka.user.name\n  priority: info\n  skip-if-unknown-filter: "
		    "true\n"
		    RULE("d", "evt.type = execve and proc.name = x") "  skip-if-unknown-filter: "
								     "true\n",
		    true,
		    "t.yaml:7:36: warning: rule 'a' is skipped (skip-if-unknown-filter): unknown "
		    "field 'ka.target.resource'\n"
		    "t.yaml:2:14: warning: rule 'b' is skipped (skip-if-unknown-filter): unknown "
		    "field 'ka.verb'\n"
		    "t.yaml:20:16: warning: rule 'c' is skipped (skip-if-unknown-filter): unknown "
		    "field 'ka.user.name' in output\n");
	assert_true(rs->rules[0]->skipped);
	assert_true(rs->rules[1]->skipped);
	assert_true(rs->rules[2]->skipped);
	assert_false(rs->rules[3]->skipped);
	assert_int_equal(rules__count(rs), 1);
	rules__free(rs);

	/* Without the flag: an error, reported once, where the macro has it. */
	rules__free(expect("- macro: km\n  condition: ka.verb = create\n"
			   RULE("a", "evt.type = execve and km") RULE("b", "evt.type = connect and "
									   "km"),
			   false, "t.yaml:2:14: error: macro 'km': unknown field 'ka.verb'\n"));
	/* A macro no rule uses is only a warning, as Falco never looks at it. */
	rules__free(expect("- macro: km\n  condition: ka.verb = create\n",
			   true,
			   "t.yaml:2:14: warning: macro 'km': unknown field 'ka.verb' (only a "
			   "warning: no rule that compiles uses the macro)\n"));
	/* Other mistakes are errors all the same. */
	rules__free(expect(RULE("a", "evt.type = execve and proc.pid = x") "  skip-if-unknown-"
								     "filter: true\n",
			   false,
			   "t.yaml:3:47: error: rule 'a': field 'proc.pid' needs a number but got "
			   "'x'\n"));
}

static void test_warn_evttypes(void **state)
{
	(void)state;
	rules__free(expect(RULE("r", "proc.name = sh"), true,
			   "t.yaml:1:3: warning: rule 'r' does not restrict evt.type: it is "
			   "evaluated for every event\n"));
	rules__free(expect(RULE("r", "proc.name = sh") "  warn_evttypes: false\n", true, ""));
	/* A disabled rule costs nothing: no warning either. */
	rules__free(expect(RULE("r", "proc.name = sh") "  enabled: false\n", true, ""));
	rules__free(expect(RULE("r", "proc.name = sh") "  warn_evttypes: maybe\n", false,
			   "t.yaml:6:18: error: rule 'r': 'warn_evttypes' must be true or false\n"
			   "t.yaml:1:3: warning: rule 'r' does not restrict evt.type: it is "
			   "evaluated for every event\n"));
}

struct hits {
	const char *names[8];
	size_t n;
};

static void on_match(void *ctx, const struct rule *r)
{
	struct hits *h = ctx;

	h->names[h->n++] = rule__name(r);
}

static void test_match_all(void **state)
{
	static const char yaml[] = RULE("first", "evt.type = execve and proc.name = sh")
		RULE("off", "evt.type = execve") "  enabled: false\n"
		RULE("second", "evt.type in (execve, connect)")
		RULE("other", "evt.type = connect")
		RULE("third", "evt.type = execve and proc.pid > 0");
	struct vigil_event_header hdr = { .type = VIGIL_EVENT_EXEC, .pid = 7 };
	struct evt evt = { .hdr = &hdr, .type = VIGIL_EVENT_EXEC, .syscall = VIGIL_SC_EXECVE };
	struct hits h = { .n = 0 };
	struct ruleset *rs;

	(void)state;
	strcpy(hdr.comm, "sh");
	evt.container = &container_host;
	rs = expect(yaml, true, "");
	assert_int_equal(rules__match_all(rs, &evt, on_match, &h), 3);
	assert_int_equal(h.n, 3);
	assert_string_equal(h.names[0], "first");
	assert_string_equal(h.names[1], "second");
	assert_string_equal(h.names[2], "third");
	assert_string_equal(rule__name(rules__match(rs, &evt)), "first");
	strcpy(hdr.comm, "ls");
	assert_int_equal(rules__match_all(rs, &evt, NULL, NULL), 2);
	assert_string_equal(rule__name(rules__match(rs, &evt)), "second");
	assert_int_equal(rules__match_all(NULL, &evt, on_match, &h), 0);
	rules__free(rs);
}

static void test_null_items(void **state)
{
	(void)state;
	/* Falco skips an empty item. */
	rules__free(expect("-\n" RULE("r", "evt.type = execve") "- ~\n", true, ""));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_engine_version),
		cmocka_unit_test(test_plugin_versions),
		cmocka_unit_test(test_visibility),
		cmocka_unit_test(test_redefinition),
		cmocka_unit_test(test_override),
		cmocka_unit_test(test_override_errors),
		cmocka_unit_test(test_legacy),
		cmocka_unit_test(test_sources),
		cmocka_unit_test(test_skip_unknown),
		cmocka_unit_test(test_warn_evttypes),
		cmocka_unit_test(test_match_all),
		cmocka_unit_test(test_null_items),
	};

	return cmocka_run_group_tests_name("loader", tests, NULL, NULL);
}
