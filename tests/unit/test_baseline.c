// SPDX-License-Identifier: GPL-2.0-only
/*
 * The baseline store: learning, known and new tuples, both bounds, a tuple
 * that changed, a clock set back; the file: saved and read back with its
 * learning start, the lock; and files that must be refused whole (corrupt,
 * truncated, oversized, hostile), each with its exact diagnostic. Exports
 * are compared byte for byte.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "vigil.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define T0 1798000000 /* 2026-12-23T04:26:40Z */

static const char *const exe_fields[] = { "proc.exepath" };
static const char *const net_fields[] = { "fd.sip", "fd.sport" };

static const struct baseline_key exe_key = {
	.anomaly = "New executable",
	.scope_field = "container.image.repository",
	.scope = "docker.io/library/nginx",
	.fields = exe_fields,
	.nfields = 1,
};
static const struct baseline_key net_key = {
	.anomaly = "New destination",
	.scope_field = "container.image.repository",
	.scope = "docker.io/library/nginx",
	.fields = net_fields,
	.nfields = 2,
};

static enum baseline_verdict see(struct baseline *b, const struct baseline_key *k,
				 const char *v0, const char *v1, int64_t now, bool alert_once)
{
	const char *values[2] = { v0, v1 };
	enum baseline_verdict v = 99;

	assert_int_equal(baseline__observe(b, k, values, now, 60, alert_once, &v), 0);
	return v;
}

static struct baseline *new_store(size_t scopes, size_t tuples)
{
	struct baseline_limits lim = { .max_scopes = scopes, .max_tuples = tuples };
	struct baseline *b = baseline__new(&lim);

	assert_non_null(b);
	return b;
}

/* The export of b (NULL: every scope), in a string to free. */
static char *export_of(const struct baseline *b, const char *scope)
{
	char *text;
	size_t len;
	FILE *f = open_memstream(&text, &len);

	assert_non_null(f);
	assert_int_equal(baseline__export(b, scope, f), 0);
	fclose(f);
	return text;
}

static void test_learn_then_detect(void **state)
{
	struct baseline *b = new_store(0, 0);

	(void)state;
	assert_int_equal(see(b, &exe_key, "/usr/sbin/nginx", NULL, T0, true), BASELINE_LEARNED);
	assert_int_equal(see(b, &exe_key, "/usr/sbin/nginx", NULL, T0 + 1, true), BASELINE_KNOWN);
	assert_int_equal(see(b, &exe_key, "/bin/sh", NULL, T0 + 59, true), BASELINE_LEARNED);
	assert_true(baseline__dirty(b));
	/* The period is over: new once, then known (alert_once learns it). */
	assert_int_equal(see(b, &exe_key, "/tmp/x", NULL, T0 + 60, true), BASELINE_NEW);
	assert_int_equal(see(b, &exe_key, "/tmp/x", NULL, T0 + 61, true), BASELINE_KNOWN);
	/* alert_always: new every time, never learned. */
	assert_int_equal(see(b, &exe_key, "/tmp/y", NULL, T0 + 62, false), BASELINE_NEW);
	assert_int_equal(see(b, &exe_key, "/tmp/y", NULL, T0 + 63, false), BASELINE_NEW);
	/* A clock set back before the start: still learning, never alerting. */
	assert_int_equal(see(b, &exe_key, "/tmp/z", NULL, T0 - 10, true), BASELINE_LEARNED);
	/* Scopes are independent, each from its own first event. */
	assert_int_equal(see(b, &net_key, "10.0.0.1", "443", T0 + 100, true), BASELINE_LEARNED);
	assert_int_equal(see(b, &net_key, "10.0.0.1", "80", T0 + 159, true), BASELINE_LEARNED);
	assert_int_equal(see(b, &net_key, "10.0.0.2", "443", T0 + 160, true), BASELINE_NEW);
	assert_int_equal(baseline__count(b), 2);
	assert_string_equal(baseline__at(b, 0)->anomaly, "New destination");
	assert_int_equal(baseline__at(b, 0)->started, T0 + 100);
	assert_int_equal(baseline__at(b, 1)->ntuples, 4);
	/* Sorted, value by value, as text: "443" before "80". */
	assert_string_equal(baseline__at(b, 1)->tuples[0], "/bin/sh");
	assert_string_equal(baseline__at(b, 1)->tuples[3], "/usr/sbin/nginx");
	assert_string_equal(baseline_tuple__value(baseline__at(b, 0)->tuples[0], 1), "443");
	assert_string_equal(baseline_tuple__value(baseline__at(b, 0)->tuples[1], 1), "80");
	assert_int_equal(baseline_scope__field(baseline__at(b, 0), "fd.sport"), 1);
	assert_int_equal(baseline_scope__field(baseline__at(b, 0), "fd.name"), -1);
	baseline__free(b);
}

static void test_bounds(void **state)
{
	struct baseline *b = new_store(1, 2);
	struct baseline_key other = exe_key;

	(void)state;
	assert_int_equal(see(b, &exe_key, "/a", NULL, T0, true), BASELINE_LEARNED);
	assert_int_equal(see(b, &exe_key, "/b", NULL, T0, true), BASELINE_LEARNED);
	/* Full while learning: said once, then learning stops. */
	assert_int_equal(see(b, &exe_key, "/c", NULL, T0, true), BASELINE_FULL);
	assert_int_equal(see(b, &exe_key, "/d", NULL, T0, true), BASELINE_IGNORED);
	assert_true(baseline__at(b, 0)->full);
	assert_int_equal(baseline__at(b, 0)->ntuples, 2);
	/* Detection goes on with what was learned; nothing more is kept. */
	assert_int_equal(see(b, &exe_key, "/a", NULL, T0 + 60, true), BASELINE_KNOWN);
	assert_int_equal(see(b, &exe_key, "/c", NULL, T0 + 60, true), BASELINE_NEW);
	assert_int_equal(see(b, &exe_key, "/c", NULL, T0 + 61, true), BASELINE_NEW);
	assert_int_equal(baseline__at(b, 0)->ntuples, 2);
	/* No room for a second scope: said once. */
	other.scope = "docker.io/library/redis";
	assert_int_equal(see(b, &other, "/a", NULL, T0, true), BASELINE_UNTRACKED);
	assert_int_equal(see(b, &other, "/a", NULL, T0, true), BASELINE_IGNORED);
	assert_int_equal(baseline__count(b), 1);
	baseline__free(b);
}

static void test_tuple_changed(void **state)
{
	static const char *const uid_fields[] = { "user.uid" };
	struct baseline *b = new_store(0, 0);
	struct baseline_key edited = exe_key;

	(void)state;
	assert_int_equal(see(b, &exe_key, "/a", NULL, T0, true), BASELINE_LEARNED);
	/* The item now learns user.uid: the old tuples mean nothing, learn anew. */
	edited.fields = uid_fields;
	assert_int_equal(see(b, &edited, "0", NULL, T0 + 100, true), BASELINE_LEARNED);
	assert_int_equal(baseline__count(b), 1);
	assert_string_equal(baseline__at(b, 0)->fields[0], "user.uid");
	assert_int_equal(baseline__at(b, 0)->started, T0 + 100);
	assert_int_equal(baseline__at(b, 0)->ntuples, 1);
	baseline__free(b);
}

static const char golden[] =
	"# vigil baselines: per anomaly item and scope, the tuples seen.\n"
	"# Review, keep in git, load with `vigild --baseline import FILE`.\n"
	"version: 1\n"
	"scopes:\n"
	"  - anomaly: \"New destination\"\n"
	"    scope_field: \"container.image.repository\"\n"
	"    scope: \"docker.io/library/nginx\"\n"
	"    learning_started: 2026-12-23T04:26:50Z\n"
	"    learning_full: false\n"
	"    fields: [\"fd.sip\", \"fd.sport\"]\n"
	"    tuples:\n"
	"      - [\"10.0.0.1\", \"443\"]\n"
	"  - anomaly: \"New executable\"\n"
	"    scope_field: \"container.image.repository\"\n"
	"    scope: \"docker.io/library/nginx\"\n"
	"    learning_started: 2026-12-23T04:26:40Z\n"
	"    learning_full: false\n"
	"    fields: [\"proc.exepath\"]\n"
	"    tuples:\n"
	"      - [\"/opt/\\x01ctl\\x7f\"]\n"
	"      - [\"/opt/a \\\"quoted\\\" \\\\ back\\tslash\\nnewline\"]\n"
	"      - [\"/opt/caf\xc3\xa9 \xe2\x9c\x93\"]\n"
	"      - [\"/usr/sbin/nginx\"]\n";

static struct baseline *golden_store(void)
{
	struct baseline *b = new_store(0, 0);

	see(b, &exe_key, "/usr/sbin/nginx", NULL, T0, true);
	see(b, &exe_key, "/opt/a \"quoted\" \\ back\tslash\nnewline", NULL, T0, true);
	see(b, &exe_key, "/opt/caf\xc3\xa9 \xe2\x9c\x93", NULL, T0, true);
	see(b, &exe_key, "/opt/\x01" "ctl\x7f", NULL, T0, true);
	see(b, &net_key, "10.0.0.1", "443", T0 + 10, true);
	return b;
}

static void test_export_import(void **state)
{
	struct baseline *b = golden_store(), *back = new_store(0, 0);
	char *text, *again, *one;

	(void)state;
	text = export_of(b, NULL);
	assert_string_equal(text, golden);
	assert_int_equal(baseline__import(back, "f.yaml", text, strlen(text), stderr), 0);
	again = export_of(back, NULL);
	assert_string_equal(again, golden);
	/* One scope value only; and one that has nothing. */
	one = export_of(b, "docker.io/library/redis");
	assert_string_equal(one, "# vigil baselines: per anomaly item and scope, the tuples "
				 "seen.\n# Review, keep in git, load with `vigild --baseline "
				 "import FILE`.\nversion: 1\nscopes: []\n");
	free(one);
	/* Import replaces the same item and scope, keeps the others. */
	assert_int_equal(see(back, &exe_key, "/x", NULL, T0, true), BASELINE_LEARNED);
	assert_int_equal(baseline__import(back, "f.yaml", text, strlen(text), stderr), 0);
	free(again);
	again = export_of(back, NULL);
	assert_string_equal(again, golden);
	/* Forgetting a scope value forgets every item's. */
	assert_int_equal(baseline__remove(back, "docker.io/library/nginx"), 2);
	assert_int_equal(baseline__count(back), 0);
	free(text);
	free(again);
	baseline__free(b);
	baseline__free(back);
}

static char tmpdir[] = "/tmp/vigil-baseline-test.XXXXXX";

static int setup_dir(void **state)
{
	(void)state;
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown_dir(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	return system(cmd);
}

static void write_file(const char *path, const char *text, size_t len)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	fclose(f);
}

static void test_save_reload(void **state)
{
	struct baseline *b = golden_store(), *back = new_store(0, 0);
	char path[256], aside[256], *text;
	struct stat st;

	(void)state;
	snprintf(path, sizeof(path), "%s/%s", tmpdir, BASELINE_FILE_NAME);
	assert_int_equal(baseline__load_file(back, path, stderr, aside, sizeof(aside)), -ENOENT);
	assert_int_equal(baseline__save_file(b, path), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	/* No temporary file left behind. */
	assert_int_not_equal(access(BASELINE_FILE_NAME ".tmp", F_OK), 0);
	assert_int_equal(baseline__load_file(back, path, stderr, aside, sizeof(aside)), 0);
	assert_false(baseline__dirty(back));
	text = export_of(back, NULL);
	assert_string_equal(text, golden);
	free(text);
	/* The learning start came back: past it, a new tuple is new, not learned. */
	assert_int_equal(see(back, &exe_key, "/usr/sbin/nginx", NULL, T0 + 3600, true),
			 BASELINE_KNOWN);
	assert_int_equal(see(back, &exe_key, "/tmp/dropper", NULL, T0 + 3600, true),
			 BASELINE_NEW);
	baseline__free(b);
	baseline__free(back);
}

/* path holds text; loading it must fail with said, and set the file aside. */
static void expect_refused(const char *text, size_t len, const char *said_expected)
{
	struct baseline *b = new_store(2, 3);
	char path[256], aside[256], *said, expected[4096];
	size_t saidlen;
	FILE *err;
	int ret;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, BASELINE_FILE_NAME);
	write_file(path, text, len);
	err = open_memstream(&said, &saidlen);
	assert_non_null(err);
	ret = baseline__load_file(b, path, err, aside, sizeof(aside));
	fclose(err);
	snprintf(expected, sizeof(expected), said_expected, path);
	if (strcmp(said, expected))
		fail_msg("for:\n%.300s\nsaid:\n%s\nexpected:\n%s", text, said, expected);
	assert_int_equal(ret, -EINVAL);
	/* Set aside, nothing taken in. */
	assert_int_not_equal(access(path, F_OK), 0);
	assert_int_equal(access(aside, F_OK), 0);
	assert_non_null(strstr(aside, BASELINE_FILE_NAME ".corrupt-"));
	assert_int_equal(baseline__count(b), 0);
	unlink(aside);
	free(said);
	baseline__free(b);
}

#define HEAD "version: 1\nscopes:\n"
#define SCOPE_START                                                                 \
	"  - anomaly: a\n    scope_field: container.name\n    scope: web\n"          \
	"    learning_started: 2026-12-23T09:46:40Z\n"

static void test_refused(void **state)
{
	static const struct {
		const char *text;
		const char *said;
	} cases[] = {
		{ "\x7f" "ELF\x02\x01\x01\x00garbage",
		  "%s:1:1: error: invalid YAML: control characters are not allowed\n" },
		{ "", "%s: error: empty: expected 'version' and 'scopes'\n" },
		{ "- a\n- b\n", "%s:1:1: error: expected a mapping of 'version' and 'scopes'\n" },
		{ "version: 2\nscopes: []\n",
		  "%s:1:10: error: unknown baseline version (this vigild reads 1)\n" },
		{ HEAD "  - anomaly: a\n    scope_field: container.name\n    scope: web\n"
		       "    learning_started: 2026-12-23T09:46:40Z\n    fields: [proc.exepath]\n"
		       "    tuples:\n      - [\"/bin/sh\"]\n      - [\"/bin/ba",
		  "%s:10:18: error: invalid YAML: found unexpected end of stream (while scanning a "
		  "quoted scalar at line 10)\n" },
		{ HEAD SCOPE_START "    fields: [proc.exepath]\n    tuples: [[a], [b], [c], [d]]\n",
		  "%s:8:13: error: 4 tuples: more than the 3 a scope may hold\n" },
		{ HEAD SCOPE_START "    fields: [proc.exepath]\n    tuples: [[a], [a]]\n",
		  "%s:8:19: error: the same tuple twice\n" },
		{ HEAD SCOPE_START "    fields: [fd.sip, fd.sport]\n    tuples: [[a]]\n",
		  "%s:8:14: error: a tuple must be a sequence of 2 values, one per field\n" },
		{ HEAD SCOPE_START "    fields: [a, b, c, d, e]\n    tuples: []\n",
		  "%s:7:13: error: 'fields' must be a sequence of 1 to 4 field names\n" },
		{ HEAD SCOPE_START "    fields: [proc.exepath]\n    tuples: [[\"a\\0b\"]]\n",
		  "%s:8:15: error: a NUL character in a string is not allowed\n" },
		{ HEAD SCOPE_START "    fields: [proc.exepath]\n    tuples: [[\"\xff\xfe\"]]\n",
		  "%s:1:1: error: invalid YAML: invalid leading UTF-8 octet\n" },
		{ HEAD SCOPE_START "    fields: [proc.exepath]\n    tuples: [[{a: b}]]\n",
		  "%s:8:15: error: a tuple value must be UTF-8 text of at most 1023 bytes\n" },
		{ HEAD SCOPE_START "    fields: &f [proc.exepath]\n    tuples: [*f]\n",
		  "%s:8:14: error: YAML aliases are not supported in rule files\n" },
		{ HEAD SCOPE_START "    fields: [proc.exepath]\n    tuples: []\n    owner: me\n",
		  "%s:9:5: error: unknown key 'owner' (expected anomaly, scope_field, scope, "
		  "learning_started, learning_full, fields, tuples)\n" },
		{ HEAD "  - anomaly: a\n    scope_field: container.name\n    scope: web\n"
		       "    learning_started: yesterday\n    fields: [x]\n    tuples: []\n",
		  "%s:6:23: error: 'learning_started' must be a UTC time such as "
		  "2026-01-31T12:00:00Z\n" },
		{ HEAD SCOPE_START "    fields: [x]\n    tuples: []\n" SCOPE_START
		  "    fields: [x]\n    tuples: []\n",
		  "%s:9:5: error: anomaly 'a' has scope 'web' twice\n" },
		{ HEAD SCOPE_START "    fields: [x]\n    tuples: []\n"
		  "  - {anomaly: b, scope_field: c, scope: d, learning_started: "
		  "2026-12-23T09:46:40Z, fields: [x], tuples: []}\n"
		  "  - {anomaly: c, scope_field: c, scope: d, learning_started: "
		  "2026-12-23T09:46:40Z, fields: [x], tuples: []}\n",
		  "%s:3:3: error: 3 scopes: more than the 2 vigild keeps\n" },
		{ HEAD SCOPE_START "    fields: [x]\n    tuples: []\n---\n" HEAD,
		  "%s:10:1: error: a baseline file holds one document\n" },
		{ HEAD "  - anomaly: a\n    fields: [x]\n",
		  "%s:3:5: error: a scope needs 'scope_field'\n" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++)
		expect_refused(cases[i].text, strlen(cases[i].text), cases[i].said);
}

static void test_refused_big(void **state)
{
	char *deep, *big;
	size_t i, n = 100000;

	(void)state;
	/* Nested far beyond any baseline. */
	deep = malloc(n * 2 + 64);
	assert_non_null(deep);
	strcpy(deep, HEAD "  - ");
	for (i = 0; i < n; i++)
		strcat(deep + strlen(HEAD) + 4 + i, "[");
	expect_refused(deep, strlen(deep), "%s:3:67: error: YAML nested too deeply\n");
	free(deep);
	/* Larger than any baseline vigild writes. */
	big = malloc(BASELINE_FILE_MAX + 2);
	assert_non_null(big);
	memset(big, '#', BASELINE_FILE_MAX + 1);
	big[BASELINE_FILE_MAX + 1] = '\0';
	expect_refused(big, BASELINE_FILE_MAX + 1, "%s: error: larger than 16 MiB\n");
	free(big);
}

static void test_lock(void **state)
{
	char dir[256];
	int a, b;

	(void)state;
	snprintf(dir, sizeof(dir), "%s/state", tmpdir);
	a = baseline__lock(dir);
	assert_true(a >= 0);
	b = baseline__lock(dir);
	assert_int_equal(b, -EWOULDBLOCK);
	close(a);
	b = baseline__lock(dir);
	assert_true(b >= 0);
	close(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_learn_then_detect),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_tuple_changed),
		cmocka_unit_test(test_export_import),
		cmocka_unit_test(test_save_reload),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_refused_big),
		cmocka_unit_test(test_lock),
	};

	return cmocka_run_group_tests(tests, setup_dir, teardown_dir);
}
