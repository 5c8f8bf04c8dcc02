// SPDX-License-Identifier: GPL-2.0-only
/* text__escape: what of event data may reach a terminal through a message. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "vigil.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static void test_escape(void **state)
{
	static const struct {
		const char *in;
		const char *out;
	} cases[] = {
		{ "", "" },
		{ "/etc/shadow", "/etc/shadow" },
		{ "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\xa7", "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\xa7" },
		{ "quote\" ]bracket", "quote\" ]bracket" },
		{ "back\\slash", "back\\\\slash" },
		{ "\x1b[31mred\x1b[0m", "\\x1b[31mred\\x1b[0m" },
		{ "a\nb\rc\td", "a\\x0ab\\x0dc\\x09d" },
		{ "\x01\x1f\x7f", "\\x01\\x1f\\x7f" },
		/* C1 controls: U+009B is CSI on terminals that take 8-bit controls. */
		{ "\xc2\x9b" "2J \xc2\x85 \xc2\xa0", "\\xc2\\x9b" "2J \\xc2\\x85 \xc2\xa0" },
		/* Line separators and bidirectional overrides reorder or break text. */
		{ "a\xe2\x80\xa8" "b\xe2\x80\xae" "c\xe2\x81\xa6" "d\xe2\x80\x8b",
		  "a\\xe2\\x80\\xa8" "b\\xe2\\x80\\xae" "c\\xe2\\x81\\xa6" "d\xe2\x80\x8b" },
		/* Not UTF-8: each byte of an invalid sequence. */
		{ "\xff\xfe", "\\xff\\xfe" },
		{ "x\xc3(", "x\\xc3(" },
		{ "\xe2\x82(", "\\xe2\\x82(" },
		{ "\xed\xa0\x80", "\\xed\\xa0\\x80" },
		{ "\xc0\xaf", "\\xc0\\xaf" },
		{ "\xf4\x90\x80\x80", "\\xf4\\x90\\x80\\x80" },
	};
	char buf[256];
	struct strbuf sb;
	size_t i, n;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		strbuf__init(&sb, buf, sizeof(buf));
		n = text__escape(&sb, cases[i].in);
		assert_string_equal(buf, cases[i].out);
		assert_int_equal(n, strlen(cases[i].out));
		assert_false(sb.truncated);
	}
}

/* Cut where it does not fit, never inside a character or an escape. */
static void test_escape_cut(void **state)
{
	static const struct {
		size_t cap;
		const char *in;
		const char *out;
		bool cut;
	} cases[] = {
		{ 4, "abcdef", "abc", true },
		{ 5, "ab\x1b", "ab", true },
		{ 6, "ab\x1b", "ab", true },
		{ 7, "ab\x1b", "ab\\x1b", false },
		{ 4, "ab\\", "ab", true },
		{ 5, "ab\\", "ab\\\\", false },
		{ 4, "ab\xc3\xa9", "ab", true },
		{ 5, "ab\xc3\xa9", "ab\xc3\xa9", false },
		{ 6, "a\xf0\x9f\x90\xa7", "a\xf0\x9f\x90\xa7", false },
		{ 5, "a\xf0\x9f\x90\xa7", "a", true },
	};
	char buf[16];
	struct strbuf sb;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		strbuf__init(&sb, buf, cases[i].cap);
		text__escape(&sb, cases[i].in);
		assert_string_equal(buf, cases[i].out);
		assert_int_equal(sb.truncated, cases[i].cut);
	}
}

/* A message cut to fit (syslog's max_size): between characters and escapes. */
static void test_cut(void **state)
{
	static const struct {
		const char *s;
		size_t room;
		size_t at;
	} cases[] = {
		{ "abc", 10, 3 },
		{ "abc", 2, 2 },
		{ "a\\x1b", 1, 1 },
		{ "a\\x1b", 4, 1 },
		{ "a\\x1b", 5, 5 },
		{ "a\\\\b", 2, 1 },
		{ "a\\\\b", 3, 3 },
		{ "a\xc3\xa9", 2, 1 },
		{ "a\xc3\xa9", 3, 3 },
		/* not an escape: a backslash of the rule's own text */
		{ "a\\xzz", 2, 2 },
		{ "", 0, 0 },
		{ "abc", 0, 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++)
		assert_int_equal(text__cut(cases[i].s, cases[i].room), cases[i].at);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_escape_cut),
		cmocka_unit_test(test_cut),
	};

	return cmocka_run_group_tests_name("text", tests, NULL, NULL);
}
