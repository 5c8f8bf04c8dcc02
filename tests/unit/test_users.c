// SPDX-License-Identifier: GPL-2.0-only
/*
 * users__load and users__name against tests/data/passwd, which holds every
 * kind of line a passwd file can have, and against generated files for the
 * limits. Run from the top of the tree, as `make unit-test` does.
 */
#include <errno.h>
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

#define FIXTURE "tests/data/passwd"

static void test_fixture(void **state)
{
	static const struct {
		uint32_t uid;
		const char *name;
	} want[] = {
		{ 0, "root" },        /* not "toor", which comes later */
		{ 1, "daemon" },
		{ 33, "www-data" },
		{ 1000, "alice" },
		{ 65534, "nobody" },
		{ 1101, "short" },    /* gecos, home and shell may be missing */
		{ 1103, "sixfields" },
		{ 1001, "bob" },      /* colons past the sixth go to the shell */
		{ 4294967295u, "max" },
		{ 1002, "dave" },
		{ 1003, "last" },     /* no newline at the end of the file */
	};
	/* Malformed: bad or missing numbers, no name, NIS entries, too few fields. */
	static const uint32_t absent[] = { 2, 12, 5, 1100, 1102, 1104, 4294967294u };
	size_t i;

	(void)state;
	assert_int_equal(users__load(FIXTURE), 0);
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		assert_string_equal(users__name(want[i].uid), want[i].name);
	for (i = 0; i < sizeof(absent) / sizeof(absent[0]); i++)
		assert_null(users__name(absent[i]));
}

static void test_missing_file(void **state)
{
	(void)state;
	assert_int_equal(users__load(FIXTURE), 0);
	assert_int_equal(users__load("tests/data/no-such-passwd"), -ENOENT);
	/* A failed load leaves what was there. */
	assert_string_equal(users__name(1000), "alice");
	assert_int_equal(users__load("tests/data"), -EISDIR);
}

/* Writes text to a temporary file; returns its path, to unlink. */
static char *passwd__write(const char *text, size_t len)
{
	char *path = strdup("/tmp/vigil-test-passwd-XXXXXX");
	int fd;

	assert_non_null(path);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	close(fd);
	return path;
}

static void test_reload_replaces(void **state)
{
	static const char text[] = "carol:x:1000:1000::/home/carol:/bin/sh\n";
	char *path;

	(void)state;
	assert_int_equal(users__load(FIXTURE), 0);
	assert_string_equal(users__name(1000), "alice");
	path = passwd__write(text, strlen(text));
	assert_int_equal(users__load(path), 0);
	assert_string_equal(users__name(1000), "carol");
	assert_null(users__name(0));
	unlink(path);
	free(path);

	path = passwd__write("", 0);
	assert_int_equal(users__load(path), 0);
	assert_null(users__name(1000));
	unlink(path);
	free(path);
}

static void test_long_line(void **state)
{
	char *text, *path;
	size_t len = 0;

	(void)state;
	/* A gecos of 5000 bytes: the line goes, the ones around it stay. */
	text = malloc(8192);
	assert_non_null(text);
	len += sprintf(text + len, "before:x:10:10::/:/bin/sh\n");
	len += sprintf(text + len, "long:x:11:11:");
	memset(text + len, 'g', 5000);
	len += 5000;
	len += sprintf(text + len, ":/:/bin/sh\n");
	len += sprintf(text + len, "after:x:12:12::/:/bin/sh\n");
	path = passwd__write(text, len);
	assert_int_equal(users__load(path), 0);
	assert_string_equal(users__name(10), "before");
	assert_null(users__name(11));
	assert_string_equal(users__name(12), "after");
	unlink(path);
	free(path);

	/* The same long line last, with no newline after it. */
	len -= strlen("after:x:12:12::/:/bin/sh\n") + 1;
	path = passwd__write(text, len);
	assert_int_equal(users__load(path), 0);
	assert_string_equal(users__name(10), "before");
	assert_null(users__name(11));
	unlink(path);
	free(path);
	free(text);
}

static void test_too_many(void **state)
{
	const size_t n = USERS_MAX + 100;
	char *text, *path, name[32];
	size_t len = 0, i;

	(void)state;
	text = malloc(n * 48);
	assert_non_null(text);
	/* Descending uids, so that the kept ones are not simply the lowest. */
	for (i = 0; i < n; i++)
		len += sprintf(text + len, "u%zu:x:%zu:100::/:/bin/sh\n", i, 200000 - i);
	path = passwd__write(text, len);
	assert_int_equal(users__load(path), 0);
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "u%zu", i);
		if (i < USERS_MAX)
			assert_string_equal(users__name(200000 - i), name);
		else
			assert_null(users__name(200000 - i));
	}
	unlink(path);
	free(path);
	free(text);
}

static void test_unknown(void **state)
{
	(void)state;
	assert_int_equal(users__load(FIXTURE), 0);
	assert_null(users__name(999));
	assert_null(users__name(4294967294u));
	assert_null(users__name(65533));
	assert_null(users__name(65535));
}

static void test_groups(void **state)
{
	static const struct {
		uint32_t gid;
		const char *name;
	} want[] = {
		{ 0, "root" },   { 1, "daemon" },   { 10, "wheel" }, /* not "dup", later */
		{ 100, "users" }, { 998, "docker" }, { 65534, "nogroup" },
		{ 4242, "last" }, /* no newline at the end of the file */
	};
	/* Malformed lines and NIS entries name no group. */
	static const uint32_t absent[] = { 555, 2, 999 };
	size_t i;

	(void)state;
	assert_int_equal(groups__load("tests/data/rules/group"), 0);
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		assert_string_equal(groups__name(want[i].gid), want[i].name);
	for (i = 0; i < sizeof(absent) / sizeof(absent[0]); i++)
		assert_null(groups__name(absent[i]));
	/* The two tables are apart: loading groups leaves users as they were. */
	assert_int_equal(users__load(FIXTURE), 0);
	assert_string_equal(groups__name(10), "wheel");
	assert_string_equal(users__name(1000), "alice");
	assert_null(users__name(998));
	assert_int_equal(groups__load("tests/data/no-such-group"), -ENOENT);
	assert_string_equal(groups__name(998), "docker");
	/* A passwd line is a valid group line too: name:passwd:uid taken as gid. */
	assert_int_equal(groups__load(FIXTURE), 0);
	assert_string_equal(groups__name(1000), "alice");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_groups),
		cmocka_unit_test(test_fixture),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_reload_replaces),
		cmocka_unit_test(test_long_line),
		cmocka_unit_test(test_too_many),
		cmocka_unit_test(test_unknown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
