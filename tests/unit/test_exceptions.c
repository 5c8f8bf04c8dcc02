// SPDX-License-Identifier: GPL-2.0-only
/*
 * Rule exceptions: the condition text they compile to (both forms, default
 * comps, list values, list names), values added later by name through
 * override and the legacy append, replacement, what they let through on
 * real events, and every mistake with its position. Run from the top of
 * the tree.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "rules_internal.h"

#define DATA "tests/data/rules/"

static struct ruleset *load(const char *yaml, const char *said_expected)
{
	struct ruleset *rs;
	char *said;
	size_t len;
	FILE *err;

	err = open_memstream(&said, &len);
	assert_non_null(err);
	rs = rules__load_buffer("t.yaml", yaml, strlen(yaml), err);
	fclose(err);
	if (strcmp(said, said_expected))
		fail_msg("said:\n%s\nexpected:\n%s", said, said_expected);
	free(said);
	return rs;
}

/* The text the first rule's condition compiles from. */
static void expect_condition(const struct ruleset *rs, const char *text)
{
	struct rules_diag d = { .err = stderr };
	struct srctext st;

	assert_int_equal(exceptions__condition(rs->rules[0], &d, &st), 0);
	if (strcmp(st.text, text))
		fail_msg("condition:\n%s\nexpected:\n%s", st.text, text);
	srctext__free(&st);
}

static const char base[] =
	"- list: nginx_dirs\n"
	"  items: [/etc/nginx, /var/lib/nginx]\n"
	"- rule: Write below etc\n"
	"  desc: d\n"
	"  condition: evt.type = openat and fd.name startswith /etc\n"
	"  output: o\n"
	"  priority: error\n"
	"  exceptions:\n"
	"    - name: known_writers\n"
	"      fields: [proc.name, fd.directory]\n"
	"      comps: [=, in]\n"
	"      values:\n"
	"        - [nginx, [/var/lib/nginx, /etc/nginx]]\n"
	"        - [apache2, nginx_dirs]\n"
	"    - name: known_names\n"
	"      fields: proc.name\n"
	"      values: [sshd, \"my tool\"]\n"
	"    - name: by_prefix\n"
	"      fields: fd.name\n"
	"      comps: pmatch\n"
	"      values: [/etc/ssl]\n"
	"    - name: default_comps\n"
	"      fields: [proc.name, proc.pname]\n"
	"      values: [[vim, sudo]]\n"
	"    - name: no_values_yet\n"
	"      fields: [proc.name]\n";

static void test_condition_text(void **state)
{
	struct ruleset *rs;

	(void)state;
	rs = load(base, "");
	expect_condition(rs, "(evt.type = openat and fd.name startswith /etc)"
			     " and not ((proc.name = nginx and fd.directory in (/var/lib/nginx, "
			     "/etc/nginx)) or (proc.name = apache2 and fd.directory in "
			     "(nginx_dirs)))"
			     " and not (proc.name in (sshd, \"my tool\"))"
			     " and not (fd.name pmatch (/etc/ssl))"
			     " and not ((proc.name = vim and proc.pname = sudo))");
	assert_int_equal(rs->rules[0]->nexceptions, 5);
	rules__free(rs);
}

struct fake {
	struct vigil_event_header hdr;
	struct evt evt;
	struct process parent;
};

static void fake__open(struct fake *f, const char *comm, const char *path, const char *pname)
{
	memset(f, 0, sizeof(*f));
	f->evt.hdr = &f->hdr;
	f->evt.type = VIGIL_EVENT_OPEN;
	f->evt.syscall = VIGIL_SC_OPENAT;
	f->evt.container = &container_host;
	f->evt.open.path = path;
	f->evt.open.resolved = path;
	f->evt.open.flags = O_WRONLY;
	f->hdr.pid = 100;
	f->hdr.ppid = 99;
	f->hdr.retval = 3;
	snprintf(f->hdr.comm, sizeof(f->hdr.comm), "%s", comm);
	f->parent.pid = 99;
	snprintf(f->parent.comm, sizeof(f->parent.comm), "%s", pname);
	f->evt.parent = &f->parent;
}

static bool fires(const struct ruleset *rs, const char *comm, const char *path,
		  const char *pname)
{
	struct fake f;

	fake__open(&f, comm, path, pname);
	return rules__match(rs, &f.evt) != NULL;
}

static void test_evaluation(void **state)
{
	struct ruleset *rs;

	(void)state;
	rs = load(base, "");
	assert_true(fires(rs, "vi", "/etc/passwd", "bash"));
	assert_false(fires(rs, "nginx", "/etc/nginx/nginx.conf", "bash"));
	assert_false(fires(rs, "nginx", "/var/lib/nginx/x", "bash")); /* not below /etc anyway */
	assert_true(fires(rs, "nginx", "/etc/passwd", "bash"));
	assert_false(fires(rs, "apache2", "/etc/nginx/x", "bash"));
	assert_true(fires(rs, "apache2", "/etc/apache2/x", "bash"));
	assert_false(fires(rs, "sshd", "/etc/ssh/x", "bash"));
	assert_false(fires(rs, "my tool", "/etc/x", "bash"));
	assert_false(fires(rs, "vi", "/etc/ssl/certs/x", "bash"));
	assert_true(fires(rs, "vi", "/etc/sslx", "bash"));
	assert_false(fires(rs, "vim", "/etc/hosts", "sudo"));
	assert_true(fires(rs, "vim", "/etc/hosts", "bash"));
	rules__free(rs);
}

static void test_values_later(void **state)
{
	static const char more[] =
		"- rule: Write below etc\n"
		"  exceptions:\n"
		"    - name: known_writers\n"
		"      values:\n"
		"        - [vi, /etc]\n"
		"    - name: no_values_yet\n"
		"      values: [[emacs]]\n"
		"    - name: new_one\n"
		"      fields: [proc.pname]\n"
		"      comps: [in]\n"
		"      values: [[[ansible, salt]]]\n"
		"  override:\n"
		"    exceptions: append\n"
		"- rule: Write below etc\n"
		"  exceptions:\n"
		"    - name: known_names\n"
		"      values: [cron]\n"
		"  append: true\n";
	char yaml[4096];
	struct ruleset *rs;

	(void)state;
	snprintf(yaml, sizeof(yaml), "%s%s", base, more);
	rs = load(yaml, "t.yaml:44:3: warning: rule 'Write below etc': 'append: true' is "
			"deprecated: use 'override: {condition: append}'\n");
	assert_int_equal(rs->rules[0]->nexceptions, 6);
	expect_condition(rs, "(evt.type = openat and fd.name startswith /etc)"
			     " and not ((proc.name = nginx and fd.directory in (/var/lib/nginx, "
			     "/etc/nginx)) or (proc.name = apache2 and fd.directory in "
			     "(nginx_dirs)) or (proc.name = vi and fd.directory in (/etc)))"
			     " and not (proc.name in (sshd, \"my tool\", cron))"
			     " and not (fd.name pmatch (/etc/ssl))"
			     " and not ((proc.name = vim and proc.pname = sudo))"
			     " and not ((proc.name = emacs))"
			     " and not ((proc.pname in (ansible, salt)))");
	assert_false(fires(rs, "vi", "/etc/passwd", "bash"));
	assert_true(fires(rs, "vi", "/etc/cron.d/x", "bash"));
	assert_false(fires(rs, "emacs", "/etc/x", "bash"));
	assert_false(fires(rs, "cron", "/etc/x", "bash"));
	assert_false(fires(rs, "python3", "/etc/x", "salt"));
	assert_true(fires(rs, "python3", "/etc/x", "bash"));
	rules__free(rs);

	/* Replaced: only the new ones. */
	snprintf(yaml, sizeof(yaml),
		 "%s- rule: Write below etc\n  exceptions:\n    - name: only\n"
		 "      fields: [proc.name]\n      values: [[vi]]\n"
		 "  override:\n    exceptions: replace\n",
		 base);
	rs = load(yaml, "");
	expect_condition(rs, "(evt.type = openat and fd.name startswith /etc)"
			     " and not ((proc.name = vi))");
	assert_true(fires(rs, "nginx", "/etc/nginx/x", "bash"));
	rules__free(rs);
}

static void test_quoting(void **state)
{
	static const char yaml[] =
		"- rule: r\n  desc: d\n  condition: evt.type = execve\n  output: o\n"
		"  priority: info\n  exceptions:\n"
		"    - name: odd\n      fields: [proc.cmdline, proc.name]\n"
		"      comps: [contains, in]\n"
		"      values:\n        - [\"a, b\", [\"x y\", '\"q\"', \"(p)\"]]\n"
		"        - ['say \"hi\"', \"(already, listed)\"]\n";
	struct ruleset *rs;
	char buf[512];
	struct strbuf sb;

	(void)state;
	rs = load(yaml, "");
	expect_condition(rs, "(evt.type = execve) and not ((proc.cmdline contains \"a, b\" and "
			     "proc.name in (\"x y\", \"q\", \"(p)\")) or (proc.cmdline contains "
			     "\"say \\\"hi\\\"\" and proc.name in (already, listed)))");
	strbuf__init(&sb, buf, sizeof(buf));
	cond__dump(rs->rules[0]->tree, &sb);
	assert_string_equal(buf, "(and (evt.type = execve) (not (or (and (proc.cmdline contains "
				 "\"a, b\") (proc.name in (\"(p)\", q, \"x y\"))) (and "
				 "(proc.cmdline contains \"say \"hi\"\") (proc.name in (already, "
				 "listed))))))");
	rules__free(rs);
}

static void test_positions(void **state)
{
	static const char yaml[] =
		"- rule: r\n  desc: d\n  condition: evt.type = execve\n  output: o\n"
		"  priority: info\n  exceptions:\n"
		"    - name: e\n      fields: [proc.name, proc.pid]\n"
		"      values:\n        - [a, b]\n";
	struct ruleset *rs;

	(void)state;
	/* A value that does not fit its field points at the value. */
	rs = load(yaml, "t.yaml:10:15: error: rule 'r': field 'proc.pid' needs a number but got "
			"'b'\n");
	assert_null(rs);
}

static void test_errors(void **state)
{
	static const char said[] =
		DATA "bad_exceptions.yaml:7:15: error: rule 'Not a sequence': 'exceptions' must be "
		     "a sequence of {name, fields, comps, values}\n"
		DATA "bad_exceptions.yaml:14:7: error: rule 'Items': an exception must be a "
		     "mapping with name, fields, comps and values\n"
		DATA "bad_exceptions.yaml:15:7: error: rule 'Items': an exception has no 'name'\n"
		DATA "bad_exceptions.yaml:18:7: error: rule 'Items': exception 'typo': unknown key "
		     "'field' (expected name, fields, comps, values)\n"
		DATA "bad_exceptions.yaml:17:7: error: rule 'Items': exception 'typo': no "
		     "'fields'\n"
		DATA "bad_exceptions.yaml:21:7: error: rule 'Items': exception 'twice': this name "
		     "is used twice\n"
		DATA "bad_exceptions.yaml:24:16: error: rule 'Items': exception 'nested': 'fields' "
		     "must hold a string or a sequence of strings\n"
		DATA "bad_exceptions.yaml:27:18: error: rule 'Items': exception 'deep': 'values' "
		     "must hold sequences of strings (or of sequences of strings)\n"
		DATA "bad_exceptions.yaml:30:17: error: rule 'Items': exception 'empty': 'values' "
		     "has an empty string\n"
		DATA "bad_exceptions.yaml:77:7: warning: rule 'Values': exception 'no_values' is "
		     "appended without values\n"
		DATA "bad_exceptions.yaml:72:7: error: rule 'Values': exception 'known' is defined "
		     "before: only values can be appended to it, not fields\n"
		DATA "bad_exceptions.yaml:75:7: error: rule 'Values': exception 'new' is not "
		     "defined before, so it needs 'fields' and 'values'\n"
		DATA "bad_exceptions.yaml:77:7: error: rule 'Values': exception 'no_values' is not "
		     "defined before, so it needs 'fields' and 'values'\n"
		DATA "bad_exceptions.yaml:84:3: warning: rule 'Values': 'append: true' is "
		     "deprecated: use 'override: {condition: append}'\n"
		DATA "bad_exceptions.yaml:82:7: warning: rule 'Values': exception 'fresh' is "
		     "appended without values\n"
		DATA "bad_exceptions.yaml:82:7: error: rule 'Values': exception 'fresh' is not "
		     "defined before, so it needs 'fields' and 'values'\n"
		DATA "bad_exceptions.yaml:39:14: error: rule 'Shapes': exception 'lengths': fields "
		     "and comps must be sequences of the same length\n"
		DATA "bad_exceptions.yaml:42:15: error: rule 'Shapes': exception 'operator': '==>' "
		     "is not a comparison operator\n"
		DATA "bad_exceptions.yaml:45:15: error: rule 'Shapes': exception 'unary': 'exists' "
		     "is not a comparison operator\n"
		DATA "bad_exceptions.yaml:48:14: error: rule 'Shapes': exception 'single_eq': with "
		     "a single field, comps must be in, pmatch or intersects, not '='\n"
		DATA "bad_exceptions.yaml:51:16: error: rule 'Shapes': exception 'single_list': "
		     "with a single field, each value must be a string\n"
		DATA "bad_exceptions.yaml:54:16: error: rule 'Shapes': exception 'count': each "
		     "value must be a sequence of 2 items, one per field\n"
		DATA "bad_exceptions.yaml:56:16: error: rule 'Shapes': exception 'unknown': "
		     "unknown field 'proc.nme'\n"
		DATA "bad_exceptions.yaml:59:16: error: rule 'Shapes': exception 'transformer': "
		     "transformer 'tolower' takes a string, and 'proc.pid' is a number\n";
	const char *path = DATA "bad_exceptions.yaml";
	struct ruleset *rs;
	char *text;
	size_t len;
	FILE *err;

	(void)state;
	err = open_memstream(&text, &len);
	rs = rules__load(&path, 1, err);
	fclose(err);
	assert_null(rs);
	assert_string_equal(text, said);
	free(text);
}

static void test_empty(void **state)
{
	struct ruleset *rs;

	(void)state;
	/* "exceptions:" with nothing, or an empty sequence: none. */
	rs = load("- rule: r\n  desc: d\n  condition: evt.type = execve\n  output: o\n"
		  "  priority: info\n  exceptions:\n"
		  "- rule: s\n  desc: d\n  condition: evt.type = execve\n  output: o\n"
		  "  priority: info\n  exceptions: []\n",
		  "");
	assert_int_equal(rs->rules[0]->nexceptions, 0);
	assert_int_equal(rs->rules[1]->nexceptions, 0);
	rules__free(rs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_condition_text),
		cmocka_unit_test(test_evaluation),
		cmocka_unit_test(test_values_later),
		cmocka_unit_test(test_quoting),
		cmocka_unit_test(test_positions),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_empty),
	};

	return cmocka_run_group_tests_name("exceptions", tests, NULL, NULL);
}
