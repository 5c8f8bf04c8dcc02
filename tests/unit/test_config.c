// SPDX-License-Identifier: GPL-2.0-only
/*
 * config.c: the defaults, the shipped etc/vigil.yaml, every key, and exact
 * errors ("file:line:col: error: ...") for what is wrong; then the command
 * line over the file. Run from the top of the tree.
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

#define S 1000000000ull

static char path[64];

static int setup(void **state)
{
	int fd;

	(void)state;
	snprintf(path, sizeof(path), "/tmp/vigil-config-XXXXXX");
	fd = mkstemp(path);
	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(path);
	return 0;
}

/* Loads text as a config file; returns the result, errors in *errors. */
static int load(struct config *c, const char *text, char **errors)
{
	size_t len = 0;
	FILE *f, *err;
	int ret;

	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	*errors = NULL;
	err = open_memstream(errors, &len);
	assert_non_null(err);
	config__defaults(c);
	ret = config__load(c, path, err);
	fclose(err);
	return ret;
}

static void assert_defaults(const struct config *c)
{
	assert_int_equal(c->nsinks, 1);
	assert_int_equal(c->sinks[0].type, SINK_JOURNALD);
	assert_int_equal(c->sinks[0].min_priority, PRIORITY_DEBUG);
	assert_int_equal(c->sinks[0].queue_size, 1024);
	assert_true(c->ratelimit.enabled);
	assert_true(c->ratelimit.burst == 10);
	assert_true(c->ratelimit.rate == 0.1);
	assert_int_equal(c->ratelimit.summary_interval_ns, 60 * S);
	assert_int_equal(c->ratelimit.max_keys, 4096);
	assert_int_equal(c->rule_matching, RULE_MATCHING_FIRST);
	assert_int_equal(c->stats_interval_ns, 60 * S);
	assert_int_equal(c->operational_interval_ns, 60 * S);
	assert_null(c->metrics_address);
	assert_int_equal(c->anomaly_learning_s, 0);
	assert_int_equal(c->baseline_max_scopes, 4096);
	assert_int_equal(c->baseline_max_tuples, 1024);
	assert_int_equal(c->baseline_save_interval_ns, 60 * S);
	assert_int_equal(c->proc_ancestry_depth, 16);
	assert_string_equal(c->state_dir, "/var/lib/vigil");
	assert_true(c->learn_syscalls);
	assert_int_equal(c->ring_buffer_bytes, 0); /* auto */
}

static void test_defaults(void **state)
{
	struct config c;
	char *errors;

	(void)state;
	config__defaults(&c);
	assert_defaults(&c);
	config__free(&c);

	/* Nothing, or comments only: the defaults. */
	assert_int_equal(load(&c, "", &errors), 0);
	assert_string_equal(errors, "");
	free(errors);
	assert_defaults(&c);
	config__free(&c);
	assert_int_equal(load(&c, "# nothing\n", &errors), 0);
	free(errors);
	assert_defaults(&c);
	config__free(&c);

	assert_int_equal(config__load(&c, "/nonexistent/vigil.yaml", stderr), -ENOENT);
}

/* The file installed as /etc/vigil/vigil.yaml says what the defaults are. */
static void test_shipped(void **state)
{
	struct config c;

	(void)state;
	config__defaults(&c);
	assert_int_equal(config__load(&c, "etc/vigil.yaml", stderr), 0);
	assert_defaults(&c);
	config__free(&c);
}

static void test_every_key(void **state)
{
	struct config c;
	char *errors;

	(void)state;
	assert_int_equal(load(&c,
		"rule_matching: all\n"
		"proc_ancestry_depth: 40\n"
		"state_dir: /srv/vigil\n"
		"learn_syscalls: false\n"
		"ring_buffer_size: 64K\n"
		"stats_interval: 0\n"
		"operational_interval: 2.5\n"
		"metrics:\n"
		"  address: \"[::1]:9376\"\n"
		"rate_limit:\n"
		"  enabled: no\n"
		"  rate: 0.25\n"
		"  burst: 20\n"
		"  summary_interval: 30\n"
		"  max_keys: 100\n"
		"sinks:\n"
		"  - type: syslog\n"
		"    target: tcp://10.0.0.5:6514\n"
		"    min_priority: warning\n"
		"    queue_size: 64\n"
		"    facility: local3\n"
		"    max_size: 4096\n"
		"  - type: syslog\n"
		"    target: unix:///dev/log\n"
		"  - type: syslog\n"
		"    target: udp://[::1]:514\n"
		"    format: rfc3164\n"
		"  - type: json\n"
		"    path: /var/log/vigil/alerts.json\n"
		"    min_priority: Critical\n"
		"  - {type: json, path: \"-\", min_priority: info}\n"
		"  - type: journald\n"
		"    min_priority: notice\n", &errors), 0);
	assert_string_equal(errors, "");
	free(errors);
	assert_int_equal(c.rule_matching, RULE_MATCHING_ALL);
	assert_int_equal(c.proc_ancestry_depth, 40);
	assert_string_equal(c.state_dir, "/srv/vigil");
	assert_false(c.learn_syscalls);
	assert_int_equal(c.ring_buffer_bytes, 64u << 10);
	assert_int_equal(c.stats_interval_ns, 0);
	assert_int_equal(c.operational_interval_ns, 2500000000ull);
	assert_string_equal(c.metrics_address, "[::1]:9376");
	assert_false(c.ratelimit.enabled);
	assert_true(c.ratelimit.rate == 0.25);
	assert_true(c.ratelimit.burst == 20);
	assert_int_equal(c.ratelimit.summary_interval_ns, 30 * S);
	assert_int_equal(c.ratelimit.max_keys, 100);
	assert_int_equal(c.nsinks, 6);

	assert_int_equal(c.sinks[0].type, SINK_SYSLOG);
	assert_string_equal(c.sinks[0].target, "tcp://10.0.0.5:6514");
	assert_int_equal(c.sinks[0].min_priority, PRIORITY_WARNING);
	assert_int_equal(c.sinks[0].queue_size, 64);
	assert_int_equal(c.sinks[0].facility, 19);
	assert_int_equal(c.sinks[0].max_size, 4096);
	assert_int_equal(c.sinks[0].format, SYSLOG_RFC5424);
	/* The local socket's readers parse RFC 3164 unless told otherwise. */
	assert_int_equal(c.sinks[1].format, SYSLOG_RFC3164);
	assert_int_equal(c.sinks[1].facility, SYSLOG_FACILITY_DEFAULT);
	assert_int_equal(c.sinks[1].min_priority, PRIORITY_DEBUG);
	assert_int_equal(c.sinks[1].queue_size, SINK_QUEUE_DEFAULT);
	assert_int_equal(c.sinks[1].max_size, 0);
	assert_int_equal(c.sinks[2].format, SYSLOG_RFC3164);
	assert_int_equal(c.sinks[3].type, SINK_JSON);
	assert_string_equal(c.sinks[3].path, "/var/log/vigil/alerts.json");
	assert_int_equal(c.sinks[3].min_priority, PRIORITY_CRITICAL);
	assert_string_equal(c.sinks[4].path, "-");
	assert_int_equal(c.sinks[4].min_priority, PRIORITY_INFORMATIONAL);
	assert_int_equal(c.sinks[5].type, SINK_JOURNALD);
	assert_int_equal(c.sinks[5].min_priority, PRIORITY_NOTICE);
	config__free(&c);

	/* Plain bytes, and the largest size. */
	assert_int_equal(load(&c, "ring_buffer_size: 131072\n", &errors), 0);
	free(errors);
	assert_int_equal(c.ring_buffer_bytes, 131072);
	config__free(&c);
	assert_int_equal(load(&c, "ring_buffer_size: 1G\n", &errors), 0);
	free(errors);
	assert_int_equal(c.ring_buffer_bytes, 1u << 30);
	config__free(&c);

	/* An empty list: no sinks at all (vigild's own reports go to stderr). */
	assert_int_equal(load(&c, "sinks: []\n", &errors), 0);
	free(errors);
	assert_int_equal(c.nsinks, 0);
	config__free(&c);
}

static void test_errors(void **state)
{
	static const struct {
		const char *yaml;
		const char *error; /* %1$s: the file */
	} cases[] = {
		{ "bogus: 1\n", "%1$s:1:1: error: unknown key 'bogus'\n" },
		{ "- a\n- b\n",
		  "%1$s:1:1: error: the configuration must be a mapping of keys to values\n" },
		{ "rule_matching: some\n",
		  "%1$s:1:16: error: 'rule_matching' must be first or all, not 'some'\n" },
		{ "stats_interval: [1]\n",
		  "%1$s:1:17: error: 'stats_interval' must be a single value\n" },
		{ "stats_interval: -1\n",
		  "%1$s:1:17: error: 'stats_interval' must be a number from 0 to 86400, "
		  "not '-1'\n" },
		{ "operational_interval: soon\n",
		  "%1$s:1:23: error: 'operational_interval' must be a number from 0 to 86400, not "
		  "'soon'\n" },
		{ "state_dir: var/lib/vigil\n",
		  "%1$s:1:12: error: 'state_dir' must be an absolute path shorter than 256 "
		  "characters, not 'var/lib/vigil'\n" },
		{ "learn_syscalls: maybe\n",
		  "%1$s:1:17: error: 'learn_syscalls' must be true or false, not 'maybe'\n" },
		{ "ring_buffer_size: 32K\n",
		  "%1$s:1:19: error: 'ring_buffer_size' must be auto or a power of two from 64K to 1G (bytes, or with K, "
		  "M or G), "
		  "not '32K'\n" },
		{ "ring_buffer_size: 96K\n",
		  "%1$s:1:19: error: 'ring_buffer_size' must be auto or a power of two from 64K to 1G (bytes, or with K, "
		  "M or G), "
		  "not '96K'\n" },
		{ "ring_buffer_size: 2G\n",
		  "%1$s:1:19: error: 'ring_buffer_size' must be auto or a power of two from 64K to 1G (bytes, or with K, "
		  "M or G), "
		  "not '2G'\n" },
		{ "ring_buffer_size: 8MB\n",
		  "%1$s:1:19: error: 'ring_buffer_size' must be auto or a power of two from 64K to 1G (bytes, or with K, "
		  "M or G), "
		  "not '8MB'\n" },
		{ "ring_buffer_size: -64K\n",
		  "%1$s:1:19: error: 'ring_buffer_size' must be auto or a power of two from 64K to 1G (bytes, or with K, "
		  "M or G), "
		  "not '-64K'\n" },
		{ "ring_buffer_size: 0\n",
		  "%1$s:1:19: error: 'ring_buffer_size' must be auto or a power of two from 64K to 1G (bytes, or with K, "
		  "M or G), "
		  "not '0'\n" },
		{ "sinks: journald\n", "%1$s:1:8: error: 'sinks' must be a list of sinks\n" },
		{ "sinks:\n  - journald\n",
		  "%1$s:2:5: error: a sink must be a mapping with a 'type'\n" },
		{ "sinks:\n  - min_priority: warning\n",
		  "%1$s:2:5: error: sink without 'type' (journald, syslog or json)\n" },
		{ "sinks:\n  - type: kafka\n",
		  "%1$s:2:11: error: unknown sink type 'kafka' (expected journald, syslog or "
		  "json)\n" },
		{ "sinks:\n  - type: syslog\n    target: udp://collector\n",
		  "%1$s:3:13: error: invalid target 'udp://collector': expected HOST:PORT (or "
		  "[IPv6]:PORT) with a port from 1 to 65535\n" },
		{ "sinks:\n  - type: syslog\n    format: rfc5424\n",
		  "%1$s:2:5: error: syslog sink without 'target' (unix:///dev/log, udp://HOST:PORT "
		  "or tcp://HOST:PORT)\n" },
		{ "sinks:\n  - type: json\n",
		  "%1$s:2:5: error: json sink without 'path' (a file, or \"-\" for stdout)\n" },
		{ "sinks:\n  - type: json\n    path: \"\"\n",
		  "%1$s:3:11: error: 'path' must not be empty (\"-\" is stdout)\n" },
		{ "sinks:\n  - type: journald\n    path: /x\n",
		  "%1$s:3:5: error: unknown key 'path' for a journald sink\n" },
		{ "sinks:\n  - type: journald\n    min_priority: loud\n",
		  "%1$s:3:19: error: unknown priority 'loud' (expected emergency, alert, critical, "
		  "error, warning, notice, informational or debug)\n" },
		{ "sinks:\n  - type: journald\n    queue_size: 0\n",
		  "%1$s:3:17: error: 'queue_size' must be a whole number from 1 to 1048576, not "
		  "'0'\n" },
		{ "sinks:\n  - type: syslog\n    target: tcp://h:1\n    format: cef\n",
		  "%1$s:4:13: error: 'format' must be rfc5424 or rfc3164, not 'cef'\n" },
		{ "sinks:\n  - type: syslog\n    target: tcp://h:1\n    facility: security\n",
		  "%1$s:4:15: error: unknown facility 'security' (expected kern, user, mail, "
		  "daemon, auth, syslog, lpr, news, uucp, cron, authpriv, ftp, ntp, audit, alert, "
		  "clock or local0 to local7)\n" },
		{ "sinks:\n  - type: syslog\n    target: tcp://h:1\n    max_size: 100\n",
		  "%1$s:4:15: error: 'max_size' must be a whole number from 480 to 65000, not "
		  "'100'\n" },
		{ "sinks:\n  - type: journald\n  - type: journald\n",
		  "%1$s:3:5: error: a second journald sink\n" },
		{ "rate_limit:\n  burst: 5\n  burst: 6\n",
		  "%1$s:3:3: error: duplicate key 'burst'\n" },
		{ "rate_limit:\n  rate: 0\n",
		  "%1$s:2:9: error: 'rate' must be a number above 0, at most 1e+06, not '0'\n" },
		{ "rate_limit:\n  burst: 2.5\n",
		  "%1$s:2:10: error: 'burst' must be a whole number from 1 to 1000000, "
		  "not '2.5'\n" },
		{ "rate_limit:\n  enabled: maybe\n",
		  "%1$s:2:12: error: 'enabled' must be true or false, not 'maybe'\n" },
		{ "rate_limit:\n  summary_interval: 0\n",
		  "%1$s:2:21: error: 'summary_interval' must be a number above 0, at most 86400, "
		  "not '0'\n" },
		{ "rate_limit:\n  window: 5\n",
		  "%1$s:2:3: error: unknown key 'window' in rate_limit\n" },
		{ "rate_limit: on\n",
		  "%1$s:1:13: error: 'rate_limit' must be a mapping of keys to values\n" },
		{ "metrics:\n  address: localhost\n",
		  "%1$s:2:12: error: invalid metrics address 'localhost': expected ADDRESS:PORT, "
		  "as 127.0.0.1:9376 or [::1]:9376\n" },
		{ "metrics:\n  port: 9376\n", "%1$s:2:3: error: unknown key 'port' in metrics\n" },
		{ "proc_ancestry_depth: 0\n",
		  "%1$s:1:22: error: 'proc_ancestry_depth' must be a whole number from 1 to 64, "
		  "not '0'\n" },
		{ "proc_ancestry_depth: 65\n",
		  "%1$s:1:22: error: 'proc_ancestry_depth' must be a whole number from 1 to 64, "
		  "not '65'\n" },
		{ "sinks: [a, b\n",
		  "%1$s:2:1: error: invalid YAML: did not find expected ',' or ']' (while "
		  "parsing a flow sequence at line 1)\n" },
		{ "a: b: c\n",
		  "%1$s:1:5: error: invalid YAML: mapping values are not allowed in this "
		  "context\n" },
		/* Every error, not just the first. */
		{ "bogus: 1\nrule_matching: x\nrate_limit:\n  rate: no\n",
		  "%1$s:1:1: error: unknown key 'bogus'\n"
		  "%1$s:2:16: error: 'rule_matching' must be first or all, not 'x'\n"
		  "%1$s:4:9: error: 'rate' must be a number above 0, at most 1e+06, not 'no'\n" },
	};
	char want[1024];
	struct config c;
	char *errors;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(load(&c, cases[i].yaml, &errors), -EINVAL);
		snprintf(want, sizeof(want), cases[i].error, path);
		if (strcmp(errors, want))
			fail_msg("case %zu: %s\ngot:  %s\nwant: %s", i, cases[i].yaml, errors,
				 want);
		free(errors);
		config__free(&c);
	}
}

static void test_flags(void **state)
{
	struct config_flags f = { 0 };
	struct config c;
	char *errors;
	FILE *err;
	size_t len;

	(void)state;
	assert_int_equal(load(&c,
		"sinks:\n"
		"  - {type: journald, min_priority: error}\n"
		"  - {type: syslog, target: \"tcp://a:1\"}\n"
		"  - {type: syslog, target: \"tcp://b:1\"}\n"
		"  - {type: json, path: /a.json}\n"
		"  - {type: json, path: \"-\"}\n"
		"metrics: {address: \"127.0.0.1:1\"}\n", &errors), 0);
	free(errors);
	/* --syslog replaces the file's syslog sinks; the rest stay as they were. */
	f.syslog[0] = "udp://127.0.0.1:5514";
	f.syslog[1] = "unix:///dev/log";
	f.nsyslog = 2;
	f.json_file = "/b.json";
	f.json_stdout = true;
	f.metrics = "0.0.0.0:9376";
	assert_int_equal(config__apply_flags(&c, &f, stderr), 0);
	assert_int_equal(c.nsinks, 5);
	assert_int_equal(c.sinks[0].type, SINK_JOURNALD);
	assert_int_equal(c.sinks[0].min_priority, PRIORITY_ERROR);
	assert_int_equal(c.sinks[1].type, SINK_SYSLOG);
	assert_string_equal(c.sinks[1].target, "udp://127.0.0.1:5514");
	assert_int_equal(c.sinks[1].format, SYSLOG_RFC5424);
	assert_int_equal(c.sinks[1].facility, 10);
	assert_string_equal(c.sinks[2].target, "unix:///dev/log");
	assert_int_equal(c.sinks[2].format, SYSLOG_RFC3164);
	assert_string_equal(c.sinks[3].path, "/b.json");
	assert_string_equal(c.sinks[4].path, "-");
	assert_string_equal(c.metrics_address, "0.0.0.0:9376");
	config__free(&c);

	/* Without flags, nothing changes. */
	config__defaults(&c);
	memset(&f, 0, sizeof(f));
	assert_int_equal(config__apply_flags(&c, &f, stderr), 0);
	assert_defaults(&c);

	errors = NULL;
	err = open_memstream(&errors, &len);
	f.syslog[0] = "udp://nowhere";
	f.nsyslog = 1;
	assert_int_equal(config__apply_flags(&c, &f, err), -EINVAL);
	f.nsyslog = 0;
	f.metrics = "9376";
	assert_int_equal(config__apply_flags(&c, &f, err), -EINVAL);
	fclose(err);
	assert_string_equal(errors,
		"--syslog: invalid target 'udp://nowhere': expected HOST:PORT (or [IPv6]:PORT) "
		"with a port from 1 to 65535\n"
		"--metrics: invalid address '9376': expected ADDRESS:PORT, as 127.0.0.1:9376 or "
		"[::1]:9376\n");
	free(errors);
	config__free(&c);
}

static void test_anomaly_keys(void **state)
{
	char *errors, expected[1024];
	struct config c;

	(void)state;
	assert_int_equal(load(&c,
		"state_dir: /srv/vigil\n"
		"anomaly:\n"
		"  learning_period: 5\n"
		"  max_scopes: 10\n"
		"  max_tuples: 20\n"
		"  save_interval: 0.5\n",
		&errors), 0);
	assert_string_equal(errors, "");
	assert_string_equal(c.state_dir, "/srv/vigil");
	assert_int_equal(c.anomaly_learning_s, 5);
	assert_int_equal(c.baseline_max_scopes, 10);
	assert_int_equal(c.baseline_max_tuples, 20);
	assert_int_equal(c.baseline_save_interval_ns, S / 2);
	free(errors);
	config__free(&c);

	assert_int_equal(load(&c,
		"state_dir: var/lib/vigil\n"
		"anomaly:\n"
		"  learning_period: -1\n"
		"  max_tuples: 0\n"
		"  save_interval: 0\n"
		"  learning: 5\n",
		&errors), -EINVAL);
	snprintf(expected, sizeof(expected),
		 "%1$s:1:12: error: 'state_dir' must be an absolute path shorter than 256 "
		 "characters, not 'var/lib/vigil'\n"
		 "%1$s:3:20: error: 'learning_period' must be a number from 0 to 3.16224e+07, "
		 "not '-1'\n"
		 "%1$s:4:15: error: 'max_tuples' must be a whole number from 1 to 1048576, not "
		 "'0'\n"
		 "%1$s:5:18: error: 'save_interval' must be a number above 0, at most 86400, not "
		 "'0'\n"
		 "%1$s:6:3: error: unknown key 'learning' in anomaly\n",
		 path);
	assert_string_equal(errors, expected);
	free(errors);
	config__free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_shipped),
		cmocka_unit_test(test_every_key),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_anomaly_keys),
		cmocka_unit_test(test_flags),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
