// SPDX-License-Identifier: GPL-2.0-only
/*
 * Anomaly items: what the loader takes and refuses (every diagnostic
 * compared whole, positions included), that they stay out of first-match,
 * and what rules__match_anomalies extracts from an event: the scope and the
 * tuple, nothing from the host, nothing with a value missing.
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

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static struct ruleset *expect(const char *yaml, bool ok, const char *said_expected)
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
		fail_msg("for:\n%s\nsaid:\n%s\nexpected:\n%s", yaml, said, said_expected);
	if ((rs != NULL) != ok)
		fail_msg("for:\n%s\n%s", yaml, ok ? "did not load" : "loaded");
	free(said);
	return rs;
}

#define ANOMALY_HEAD(name) "- anomaly: " name "\n  desc: d\n  output: o\n  priority: notice\n"
#define WRITES "  condition: evt.type = openat and evt.is_open_write = true\n"

static void test_good(void **state)
{
	struct ruleset *rs;
	const struct rule *r;

	(void)state;
	rs = expect(ANOMALY_HEAD("dirs") WRITES
		    "  scope: container.image.repository\n"
		    "  learn: fd.directory\n"
		    "  learning_period: 90m\n"
		    "  on_new: alert_always\n"
		    "  tags: [anomaly]\n"
		    ANOMALY_HEAD("dests")
		    "  condition: evt.type = connect\n"
		    "  scope: k8s.pod.label[app]\n"
		    "  learn: [fd.sip, fd.sport]\n",
		    true, "");
	/* Not rules: counted apart. */
	assert_int_equal(rules__count(rs), 0);
	assert_int_equal(rules__anomaly_count(rs), 2);
	r = ruleset__rule(rs, "dirs");
	assert_non_null(r->anomaly);
	assert_string_equal(r->anomaly->scope, "container.image.repository");
	assert_int_equal(r->anomaly->nlearn, 1);
	assert_string_equal(r->anomaly->learn[0], "fd.directory");
	assert_int_equal(r->anomaly->learning_s, 5400);
	assert_false(r->anomaly->alert_once);
	assert_int_equal(r->priority, PRIORITY_NOTICE);
	assert_string_equal(r->tags[0], "anomaly");
	r = ruleset__rule(rs, "dests");
	assert_int_equal(r->anomaly->nlearn, 2);
	assert_string_equal(r->anomaly->learn[1], "fd.sport");
	assert_int_equal(r->anomaly->learning_s, 86400);
	assert_true(r->anomaly->alert_once);
	/* Never a first-match rule. */
	assert_int_equal(rs->nbucket[VIGIL_SC_OPENAT], 0);
	assert_int_equal(rs->nbucket[VIGIL_SC_CONNECT], 0);
	/* But the kernel reports what they need: their syscalls, written files. */
	{
		static struct open_filter filter;
		bool wanted[VIGIL_SC_MAX];
		int sc;

		rules__syscalls(rs, wanted);
		for (sc = 0; sc < VIGIL_SC_MAX; sc++)
			assert_int_equal(wanted[sc], sc == VIGIL_SC_OPENAT || sc == VIGIL_SC_CONNECT);
		rules__open_filter(rs, &filter);
		assert_true(filter.enabled);
		assert_int_equal(filter.any_access, VIGIL_ACCESS_WRITE);
		assert_int_equal(filter.nnames, 0);
	}
	rules__free(rs);
}

static void test_bad(void **state)
{
	static const struct {
		const char *yaml;
		const char *said;
	} cases[] = {
		{ ANOMALY_HEAD("a") WRITES,
		  "t.yaml:1:3: error: anomaly 'a' has no 'scope'\n"
		  "t.yaml:1:3: error: anomaly 'a' has no 'learn'\n" },
		{ ANOMALY_HEAD("a") WRITES "  scope: proc.name\n  learn: fd.directory\n",
		  "t.yaml:6:10: error: anomaly 'a': scope 'proc.name' must be a container or k8s "
		  "field with text values, such as container.image.repository or "
		  "k8s.pod.label[app]\n" },
		{ ANOMALY_HEAD("a") WRITES "  scope: container.privileged\n  learn: fd.directory\n",
		  "t.yaml:6:10: error: anomaly 'a': scope 'container.privileged' must be a "
		  "container or k8s field with text values, such as container.image.repository "
		  "or k8s.pod.label[app]\n" },
		{ ANOMALY_HEAD("a") WRITES "  scope: container.image.repository\n"
					   "  learn: [fd.directory, fd.nosuch]\n",
		  "t.yaml:7:25: error: anomaly 'a': learn: unknown field 'fd.nosuch'\n" },
		{ ANOMALY_HEAD("a") WRITES "  scope: container.image.repository\n"
					   "  learn: [a.b, c.d, e.f, g.h, i.j]\n",
		  "t.yaml:7:10: error: anomaly 'a': 'learn' takes 1 to 4 fields\n" },
		{ ANOMALY_HEAD("a") WRITES "  scope: container.image.repository\n"
					   "  learn: [fd.name, fd.name]\n",
		  "t.yaml:7:20: error: anomaly 'a': 'fd.name' is learned twice\n" },
		{ ANOMALY_HEAD("a") WRITES "  scope: container.image.repository\n"
					   "  learn: proc.aname\n",
		  "t.yaml:7:10: error: anomaly 'a': learn: 'proc.aname' needs a generation, such "
		  "as [1], to have one value\n" },
		{ ANOMALY_HEAD("a") WRITES "  scope: container.image.repository\n"
					   "  learn: fd.name\n  learning_period: 2w\n",
		  "t.yaml:8:20: error: anomaly 'a': 'learning_period' must be a duration such as "
		  "3600, 30s, 15m, 24h or 7d, at most a year\n" },
		{ ANOMALY_HEAD("a") WRITES "  scope: container.image.repository\n"
					   "  learn: fd.name\n  on_new: sometimes\n",
		  "t.yaml:8:11: error: anomaly 'a': 'on_new' must be alert_once (alert, then learn "
		  "it) or alert_always\n" },
		{ ANOMALY_HEAD("a") WRITES "  scope: container.image.repository\n"
					   "  learn: fd.name\n  source: syscall\n",
		  "t.yaml:8:3: error: anomaly 'a': unknown key 'source' (expected anomaly, desc, "
		  "condition, output, priority, tags, enabled, exceptions, scope, learn, "
		  "learning_period, on_new)\n" },
		{ "- rule: a\n  desc: d\n  condition: evt.type = openat\n  output: o\n"
		  "  priority: info\n"
		  ANOMALY_HEAD("a") WRITES "  scope: container.image.repository\n"
					   "  learn: fd.name\n",
		  "t.yaml:6:3: error: 'a' is defined before as a rule\n" },
		{ ANOMALY_HEAD("a") WRITES "  scope: container.image.repository\n"
					   "  learn: fd.name\n"
		  "- rule: a\n  condition: and proc.name = x\n  override: {condition: append}\n",
		  "t.yaml:8:3: error: rule 'a': 'a' is an anomaly item, which is only ever defined "
		  "again, whole\n" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++)
		expect(cases[i].yaml, false, cases[i].said);
}

static void test_redefine(void **state)
{
	struct ruleset *rs;

	(void)state;
	rs = expect(ANOMALY_HEAD("a") WRITES "  scope: container.image.repository\n"
					     "  learn: fd.name\n"
		    ANOMALY_HEAD("a") WRITES "  scope: container.name\n"
					     "  learn: [user.uid]\n"
		    "- rule: a\n  enabled: false\n",
		    true,
		    "t.yaml:16:3: warning: rule 'a': 'enabled' alone is deprecated: add "
		    "'override: {enabled: replace}'\n");
	assert_int_equal(rs->nrules, 1);
	assert_string_equal(rs->rules[0]->anomaly->scope, "container.name");
	assert_string_equal(rs->rules[0]->anomaly->learn[0], "user.uid");
	/* Switched off: not run. */
	assert_int_equal(rules__anomaly_count(rs), 0);
	rules__free(rs);
}

static void test_duration(void **state)
{
	static const struct {
		const char *s;
		bool ok;
		uint64_t secs;
	} cases[] = {
		{ "0", true, 0 },     { "30", true, 30 },     { "30s", true, 30 },
		{ "15m", true, 900 }, { "24h", true, 86400 }, { "7d", true, 604800 },
		{ "366d", true, 31622400 }, { "367d", false, 0 }, { "", false, 0 },
		{ "1h30m", false, 0 }, { "-1", false, 0 },    { "5 s", false, 0 },
		{ "99999999999999999999", false, 0 },
	};
	uint64_t secs;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		secs = 0;
		if (duration__parse(cases[i].s, &secs) != cases[i].ok)
			fail_msg("'%s': expected %s", cases[i].s, cases[i].ok ? "ok" : "refused");
		if (cases[i].ok)
			assert_int_equal(secs, cases[i].secs);
	}
}

/* Matching */

static const struct container_meta meta = {
	.name = "web",
	.image = "docker.io/library/nginx:1.25",
	.image_repository = "docker.io/library/nginx",
	.image_tag = "1.25",
};
static const struct container ctr = {
	.runtime = RUNTIME_PODMAN,
	.id = "3f4e5d6c7b8a",
	.full_id = "3f4e5d6c7b8a9d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f80",
	.name = "web",
	.meta = &meta,
};
static const struct container ctr_nometa = {
	.runtime = RUNTIME_PODMAN,
	.id = "0123456789ab",
	.full_id = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
	.name = "",
};

struct fake {
	struct vigil_event_header hdr;
	struct evt evt;
};

static void fake__open(struct fake *f, const struct container *c, const char *path, int flags)
{
	memset(f, 0, sizeof(*f));
	f->evt.hdr = &f->hdr;
	f->evt.type = VIGIL_EVENT_OPEN;
	f->evt.syscall = VIGIL_SC_OPENAT;
	f->evt.container = c;
	f->evt.open.path = path;
	f->evt.open.resolved = path;
	f->evt.open.dirfd = -100;
	f->evt.open.flags = (uint32_t)flags;
	f->hdr.type = VIGIL_EVENT_OPEN;
	f->hdr.syscall = VIGIL_SC_OPENAT;
	f->hdr.retval = 3;
	f->hdr.pid = 300;
	f->hdr.uid = 1000;
}

struct seen {
	char what[8][256];
	size_t n;
};

static void record(void *ctx, const struct anomaly_match *m)
{
	struct seen *s = ctx;
	size_t i;
	int off;

	assert_true(s->n < 8);
	off = snprintf(s->what[s->n], sizeof(s->what[0]), "%s|%s=%s", m->anomaly, m->scope_field,
		       m->scope);
	for (i = 0; i < m->nfields; i++)
		off += snprintf(s->what[s->n] + off, sizeof(s->what[0]) - (size_t)off, "|%s=%s",
				m->fields[i], m->values[i]);
	s->n++;
}

static void test_match(void **state)
{
	struct ruleset *rs;
	struct seen seen;
	struct fake f;

	(void)state;
	rs = expect(ANOMALY_HEAD("dirs") WRITES
		    "  scope: container.image.repository\n"
		    "  learn: [fd.directory, user.uid]\n"
		    ANOMALY_HEAD("names")
		    "  condition: evt.type = openat\n"
		    "  scope: container.name\n"
		    "  learn: fd.filename\n"
		    "  learning_period: 10s\n"
		    "- rule: every write\n  desc: d\n" WRITES "  output: o\n  priority: info\n",
		    true, "");

	/* A write in a container: both items, and the rule as a rule. */
	memset(&seen, 0, sizeof(seen));
	fake__open(&f, &ctr, "/var/cache/nginx/x", O_WRONLY | O_CREAT);
	assert_int_equal(rules__match_anomalies(rs, &f.evt, record, &seen), 2);
	assert_string_equal(seen.what[0], "dirs|container.image.repository="
					  "docker.io/library/nginx|fd.directory=/var/cache/nginx"
					  "|user.uid=1000");
	assert_string_equal(seen.what[1], "names|container.name=web|fd.filename=x");
	assert_string_equal(rule__name(rules__match(rs, &f.evt)), "every write");

	/* A read: only the item whose condition takes it. */
	memset(&seen, 0, sizeof(seen));
	fake__open(&f, &ctr, "/etc/nginx/nginx.conf", O_RDONLY);
	assert_int_equal(rules__match_anomalies(rs, &f.evt, record, &seen), 1);
	assert_string_equal(seen.what[0], "names|container.name=web|fd.filename=nginx.conf");

	/* No image known yet: that scope is missing, the other is there. */
	memset(&seen, 0, sizeof(seen));
	fake__open(&f, &ctr_nometa, "/tmp/y", O_WRONLY);
	assert_int_equal(rules__match_anomalies(rs, &f.evt, record, &seen), 0);

	/* The host feeds no scope, whatever the item says. */
	memset(&seen, 0, sizeof(seen));
	fake__open(&f, &container_host, "/tmp/y", O_WRONLY);
	assert_int_equal(rules__match_anomalies(rs, &f.evt, record, &seen), 0);

	/* A value too long to learn: the event feeds nothing. */
	{
		static char longpath[ANOMALY_VALUE_MAX + 16];

		memset(longpath, 'a', sizeof(longpath) - 1);
		longpath[0] = '/';
		longpath[sizeof(longpath) - 3] = '/';
		memset(&seen, 0, sizeof(seen));
		fake__open(&f, &ctr, longpath, O_WRONLY);
		assert_int_equal(rules__match_anomalies(rs, &f.evt, record, &seen), 1);
		assert_string_equal(seen.what[0], "names|container.name=web|fd.filename=a");
	}
	rules__free(rs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_redefine),
		cmocka_unit_test(test_duration),
		cmocka_unit_test(test_match),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
