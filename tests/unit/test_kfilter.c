// SPDX-License-Identifier: GPL-2.0-only
/* The open filter derived from rules: exactly the names and access kinds
 * that some rule could match, and everything where a rule cannot tell. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "vigil.h"

static struct open_filter filter;

static void filter_of(const char *yaml)
{
	char path[] = "/tmp/vigil-test-kfilter-XXXXXX";
	const char *paths[] = { path };
	struct ruleset *rs;
	FILE *f;
	int fd;

	if (!strchr(yaml, '\n')) {
		paths[0] = yaml; /* a file of the tree */
		rs = rules__load(paths, 1, stderr);
	} else {
		fd = mkstemp(path);
		assert_true(fd >= 0);
		f = fdopen(fd, "w");
		fputs(yaml, f);
		fclose(f);
		rs = rules__load(paths, 1, stderr);
		unlink(path);
	}
	assert_non_null(rs);
	rules__open_filter(rs, &filter);
	rules__free(rs);
}

static uint8_t access_of(const char *name)
{
	size_t i;

	for (i = 0; i < filter.nnames; i++)
		if (!strcmp(filter.names[i].name, name))
			return filter.names[i].access;
	return 0;
}

#define RULE(cond) "- rule: r\n  desc: d\n  output: o\n  priority: WARNING\n  condition: " cond "\n"

static void test_default_rules(void **state)
{
	static const char *const sensitive[] = { "shadow", "shadow-", "gshadow", "gshadow-",
						 "sudoers", "pam.conf", "opasswd",
						 "pwquality.conf" };
	size_t i;

	(void)state;
	filter_of("rules/vigil_rules.yaml");
	assert_true(filter.enabled);
	/* The write rules look at any file (startswith /etc/, directories). */
	assert_int_equal(filter.any_access, VIGIL_ACCESS_WRITE);
	assert_int_equal(filter.nnames, sizeof(sensitive) / sizeof(sensitive[0]));
	for (i = 0; i < filter.nnames; i++)
		assert_int_equal(access_of(sensitive[i]), VIGIL_ACCESS_READ);
	assert_int_equal(filter.failed_access, VIGIL_ACCESS_READ | VIGIL_ACCESS_WRITE);
}

static void test_names_and_access(void **state)
{
	(void)state;
	filter_of(RULE("evt.type in (open, openat) and (fd.name = /x/y or fd.filename = z) and "
		       "evt.is_open_write = true"));
	assert_int_equal(filter.any_access, 0);
	assert_int_equal(filter.nnames, 2);
	assert_int_equal(access_of("y"), VIGIL_ACCESS_WRITE);
	assert_int_equal(access_of("z"), VIGIL_ACCESS_WRITE);
	assert_int_equal(filter.failed_access, VIGIL_ACCESS_WRITE);

	/* is_open_read=false: only opens that do not read. */
	filter_of(RULE("evt.type = openat and evt.is_open_read = false and fd.name in (/a, /b/c)"));
	assert_int_equal(access_of("a"), VIGIL_ACCESS_WRITE);
	assert_int_equal(access_of("c"), VIGIL_ACCESS_WRITE);
}

static void test_everything_when_unsure(void **state)
{
	(void)state;
	/* Nothing about the file: every open. */
	filter_of(RULE("evt.type = openat and proc.name = cat"));
	assert_int_equal(filter.any_access, VIGIL_ACCESS_READ | VIGIL_ACCESS_WRITE);
	assert_int_equal(filter.nnames, 0);
	/* "not in" says nothing about which file. */
	filter_of(RULE("evt.type = openat and evt.is_open_read = true and not fd.name in (/a)"));
	assert_int_equal(filter.any_access, VIGIL_ACCESS_READ);
	/* A prefix is no name. */
	filter_of(RULE("evt.type = openat and fd.name startswith /etc/"));
	assert_int_equal(filter.any_access, VIGIL_ACCESS_READ | VIGIL_ACCESS_WRITE);
	/* A name longer than the kernel's key. */
	filter_of(RULE("evt.type = openat and fd.name = "
		       "/a/0123456789012345678901234567890123456789012345678901234567890123"));
	assert_int_equal(filter.any_access, VIGIL_ACCESS_READ | VIGIL_ACCESS_WRITE);
	assert_int_equal(filter.nnames, 0);
}

static void test_other_syscalls(void **state)
{
	(void)state;
	/* The exec branch cannot match an open: it adds nothing. */
	filter_of(RULE("(evt.type = execve and proc.name = sh) or "
		       "(evt.type = openat and fd.name = /etc/shadow)"));
	assert_int_equal(filter.any_access, 0);
	assert_int_equal(filter.nnames, 1);
	assert_int_equal(access_of("shadow"), VIGIL_ACCESS_READ | VIGIL_ACCESS_WRITE);
	/* No open rule at all: no open leaves the kernel. */
	filter_of(RULE("evt.type = execve and proc.name = sh"));
	assert_true(filter.enabled);
	assert_int_equal(filter.any_access, 0);
	assert_int_equal(filter.nnames, 0);
	assert_int_equal(filter.failed_access, 0);
	/* not (execve): true for every open. */
	filter_of(RULE("evt.type in (execve, openat) and not evt.type = execve"));
	assert_int_equal(filter.any_access, VIGIL_ACCESS_READ | VIGIL_ACCESS_WRITE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_rules),
		cmocka_unit_test(test_names_and_access),
		cmocka_unit_test(test_everything_when_unsure),
		cmocka_unit_test(test_other_syscalls),
	};

	return cmocka_run_group_tests_name("kernel open filter", tests, NULL, NULL);
}
