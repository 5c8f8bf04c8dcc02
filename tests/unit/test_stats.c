// SPDX-License-Identifier: GPL-2.0-only
/*
 * stats.c and metrics.c: the operational alert when something is lost (at
 * once, then at most one per interval, covering everything since the last),
 * the periodic stats entry, rate limit summaries on the tick, and the exact
 * Prometheus text of a snapshot. A JSON file sink stands in for journald
 * (stats entries, which go to journald only, then go to stderr).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "vigil.h"

#define S 1000000000ull
#define STR(x) #x
#define XSTR(x) STR(x)
#define EVENT_ABI XSTR(VIGIL_ABI_VERSION)

static char path[] = "/tmp/vigil-stats-XXXXXX";
static char lines[16][4096];

/* The sink's lines so far, after its queue has drained. */
static size_t read_lines(struct sinks *ss)
{
	struct sink_stats st;
	size_t n = 0;
	FILE *f;
	int i;

	for (i = 0; i < 500; i++) {
		sinks__stats(ss, &st, 1);
		if (!st.depth)
			break;
		usleep(10000);
	}
	usleep(20000);
	f = fopen(path, "r");
	assert_non_null(f);
	while (n < 16 && fgets(lines[n], sizeof(lines[n]), f))
		n++;
	fclose(f);
	return n;
}

static void test_operational(void **state)
{
	struct sink_config c = {
		.type = SINK_JSON, .min_priority = PRIORITY_DEBUG, .queue_size = 64, .path = path,
	};
	struct stats_config sc = { .stats_interval_ns = 0, .operational_interval_ns = 10 * S };
	static struct pipeline pl;
	uint64_t drops[VIGIL_DROP_REASON_MAX] = { 0 };
	struct stats *st;
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(sinks__new(&pl.sinks, &c, 1, "h"), 0);
	st = stats__new(&sc);
	assert_non_null(st);

	/* Nothing lost: nothing said. */
	stats__tick(st, &pl, drops, 100 * S);
	assert_int_equal(read_lines(pl.sinks), 0);

	/* The first loss is reported at once. */
	drops[VIGIL_DROP_RINGBUF_FULL] = 12;
	drops[VIGIL_DROP_CGROUP_FULL] = 1;
	pl.stats.malformed = 2;
	stats__tick(st, &pl, drops, 103 * S);
	assert_int_equal(read_lines(pl.sinks), 1);
	assert_non_null(strstr(lines[0],
		"\"output\":\"") );
	assert_non_null(strstr(lines[0],
		"Error vigild lost events or alerts in the last 3 s: the kernel dropped 13 events "
		"(ringbuf_full 12, cgroup_table_full 1); 2 malformed records\","
		"\"output_fields\":{\"kernel.drops.ringbuf_full\":12,"
		"\"kernel.drops.cgroup_table_full\":1,\"events.malformed\":2,\"seconds\":3},"
		"\"priority\":\"Error\",\"rule\":\"vigil internal: events or alerts lost\","
		"\"source\":\"internal\",\"tags\":[]"));

	/* More within the interval: held, then said all at once. */
	drops[VIGIL_DROP_RINGBUF_FULL] = 20;
	stats__tick(st, &pl, drops, 105 * S);
	drops[VIGIL_DROP_RINGBUF_FULL] = 25;
	stats__tick(st, &pl, drops, 112 * S);
	assert_int_equal(read_lines(pl.sinks), 1);
	stats__tick(st, &pl, drops, 113 * S);
	assert_int_equal(read_lines(pl.sinks), 2);
	assert_non_null(strstr(lines[1],
		"vigild lost events or alerts in the last 10 s: the kernel dropped 13 events "
		"(ringbuf_full 13)\",\"output_fields\":{\"kernel.drops.ringbuf_full\":13,"
		"\"seconds\":10}"));

	/* Nothing new: nothing more. */
	stats__tick(st, &pl, drops, 200 * S);
	assert_int_equal(read_lines(pl.sinks), 2);

	stats__free(st);
	sinks__free(pl.sinks);
	pl.sinks = NULL;
	unlink(path);
}

/* A refused reload: counted, and one operational alert quoting the error. */
static void test_reload_failed(void **state)
{
	struct sink_config c = {
		.type = SINK_JSON, .min_priority = PRIORITY_DEBUG, .queue_size = 64, .path = path,
	};
	struct stats_config sc = { .stats_interval_ns = 0, .operational_interval_ns = 10 * S };
	static struct pipeline pl;
	struct stats_snapshot snap;
	struct stats *st;
	int fd;

	(void)state;
	strcpy(path + strlen(path) - 6, "XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(sinks__new(&pl.sinks, &c, 1, "h"), 0);
	st = stats__new(&sc);
	assert_non_null(st);
	stats__reload_failed(st, &pl, "/r/x.yaml:3:14: error: unexpected end", 2, 9);
	assert_int_equal(read_lines(pl.sinks), 1);
	assert_non_null(strstr(lines[0],
		"Error rules reload failed with 2 errors, the 9 rules loaded before still run: "
		"/r/x.yaml:3:14: error: unexpected end\",\"output_fields\":{\"rules.errors\":2,"
		"\"rules.running\":9,\"rules.reload_failures\":1,"
		"\"rules.error\":\"/r/x.yaml:3:14: error: unexpected end\"},\"priority\":\"Error\","
		"\"rule\":\"vigil internal: rules reload failed\",\"source\":\"internal\""));
	stats__snapshot(st, &pl, NULL, 1 * S, &snap);
	assert_int_equal(snap.reload_failures, 1);
	/* An operational alert of its own: no loss to report on the tick. */
	stats__tick(st, &pl, NULL, 2 * S);
	assert_int_equal(read_lines(pl.sinks), 1);

	stats__free(st);
	sinks__free(pl.sinks);
	memset(&pl, 0, sizeof(pl));
	unlink(path);
}

/* A process table too full to take more processes is said, as a loss. */
static void test_operational_process_table_full(void **state)
{
	struct sink_config c = {
		.type = SINK_JSON, .min_priority = PRIORITY_DEBUG, .queue_size = 64, .path = path,
	};
	struct stats_config sc = { .stats_interval_ns = 0, .operational_interval_ns = 10 * S };
	struct vigil_event_header hdr = { .type = VIGIL_EVENT_FORK, .pid = 1, .tid = 1 };
	struct evt evt = { .hdr = &hdr, .type = VIGIL_EVENT_FORK };
	static struct pipeline pl;
	struct stats *st;
	uint32_t pid;
	int fd;

	(void)state;
	strcpy(path + strlen(path) - 6, "XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(sinks__new(&pl.sinks, &c, 1, "h"), 0);
	st = stats__new(&sc);
	assert_non_null(st);
	/* 64 slots take 48 processes. A chain of forks, each by the last child,
	 * with ancestors spared 64 generations up, leaves nothing to evict: the
	 * table refuses. */
	pl.procs = proctable__new(64);
	assert_non_null(pl.procs);
	proctable__set_ancestry_depth(pl.procs, 64);
	for (pid = 2; pid < 60; pid++) {
		/* Past the 48th, the deepest process forks again and again. */
		hdr.pid = hdr.tid = pid <= 48 ? pid - 1 : 48;
		hdr.ppid = hdr.pid - 1;
		evt.fork.child_pid = evt.fork.child_tid = pid;
		proctable__apply(pl.procs, &evt);
	}
	assert_int_equal(proctable__count(pl.procs), 48);
	assert_int_equal(proctable__evictions(pl.procs), 0);
	stats__tick(st, &pl, NULL, 100 * S);
	assert_int_equal(read_lines(pl.sinks), 1);
	assert_non_null(strstr(lines[0],
		"vigild lost events or alerts in the last 0 s: the process table was full: "
		"11 processes or updates refused\",\"output_fields\":{\"processes.refused\":11,"));
	assert_non_null(strstr(lines[0], "\"rule\":\"vigil internal: events or alerts lost\""));

	proctable__free(pl.procs);
	pl.procs = NULL;
	stats__free(st);
	sinks__free(pl.sinks);
	pl.sinks = NULL;
	unlink(path);
}

/* A rate limit summary goes out on the tick that sees the burst end. */
static void test_summary_on_tick(void **state)
{
	struct sink_config c = {
		.type = SINK_JSON, .min_priority = PRIORITY_DEBUG, .queue_size = 64, .path = path,
	};
	struct ratelimit_config rc = {
		.enabled = true, .rate = 1, .burst = 1, .summary_interval_ns = 60 * S,
		.max_keys = 16,
	};
	struct stats_config sc = { .stats_interval_ns = 0, .operational_interval_ns = S };
	struct ratelimit_key k = {
		.rule = "Read sensitive file untrusted",
		.priority = PRIORITY_WARNING,
		.container_id = "abc123def456",
		.container_name = "web",
	};
	static struct pipeline pl;
	struct stats *st;
	int fd, i;

	(void)state;
	strcpy(path + strlen(path) - 6, "XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(sinks__new(&pl.sinks, &c, 1, "h"), 0);
	pl.ratelimit = ratelimit__new(&rc);
	st = stats__new(&sc);
	assert_true(ratelimit__allow(pl.ratelimit, &k, 1 * S));
	for (i = 0; i < 41; i++)
		assert_false(ratelimit__allow(pl.ratelimit, &k, 1 * S));
	stats__tick(st, &pl, NULL, 1500 * 1000000ull);
	assert_int_equal(read_lines(pl.sinks), 0);
	stats__tick(st, &pl, NULL, 2 * S);
	assert_int_equal(read_lines(pl.sinks), 1);
	assert_non_null(strstr(lines[0],
		"Warning Read sensitive file untrusted: 41 more like this in the last 1 s "
		"(container_id=abc123def456 container_name=web)\",\"output_fields\":{"
		"\"container.id\":\"abc123def456\",\"container.name\":\"web\",\"suppressed\":41,"
		"\"suppressed.seconds\":1},\"priority\":\"Warning\","
		"\"rule\":\"Read sensitive file untrusted\",\"source\":\"syscall\""));

	/* At exit, what is still held back is summarised too. */
	assert_true(ratelimit__allow(pl.ratelimit, &k, 3 * S));
	assert_false(ratelimit__allow(pl.ratelimit, &k, 3 * S));
	stats__finish(st, &pl, NULL, 3 * S);
	assert_int_equal(read_lines(pl.sinks), 2);
	assert_non_null(strstr(lines[1], ": 1 more like this in the last 1 s"));

	stats__free(st);
	ratelimit__free(pl.ratelimit);
	sinks__free(pl.sinks);
	memset(&pl, 0, sizeof(pl));
	unlink(path);
}

static void test_metrics_text(void **state)
{
	static const struct rule_count rules[] = {
		{ "Read sensitive file untrusted", PRIORITY_WARNING, 100000, 99990 },
		{ "Say \"hi\"\\now\n", PRIORITY_CRITICAL, 1, 0 },
	};
	struct stats_snapshot snap = {
		.uptime_ns = 61500000000ull,
		.events = 1234567,
		.malformed = 2,
		.alerts = 100001,
		.suppressed = 99990,
		.summaries = 3,
		.unqueued = 0,
		.kernel_drops = { 5, 0, 1 },
		.kernel_drops_known = true,
		.nsinks = 2,
		.processes = 312,
		.process_evictions = 17,
		.containers = 4,
		.container_malformed = 2,
		.container_gave_up = 3,
		.reload_failures = 1,
		.rss_bytes = 24576000,
		.rules = rules,
		.nrules = 2,
		.eval_buckets = { 10, 20, 30, 40, 50, 60, 70, 80, 90, 100 },
		.eval_count = 100,
		.eval_sum_ns = 250000,
	};
	char *text = NULL;
	size_t len = 0;
	FILE *out;

	(void)state;
	snap.sinks[0] = (struct sink_stats){ .type = SINK_JOURNALD, .id = "journald",
					     .name = "journald", .depth = 0, .capacity = 1024,
					     .sent = 11, .fallback = 2 };
	snap.sinks[1] = (struct sink_stats){ .type = SINK_SYSLOG, .id = "syslog",
					     .name = "syslog tcp://127.0.0.1:514", .depth = 3,
					     .capacity = 64, .sent = 8, .queue_full = 7, .lost = 1,
					     .errors = 4 };
	out = open_memstream(&text, &len);
	assert_int_equal(metrics__render(&snap, out), 0);
	fclose(out);
	assert_string_equal(text,
		"# HELP vigil_build_info vigild's version.\n"
		"# TYPE vigil_build_info gauge\n"
		"vigil_build_info{version=\"" VIGIL_VERSION "\",event_abi=\"" EVENT_ABI "\"} 1\n"
		"# HELP vigil_uptime_seconds Seconds since vigild started watching.\n"
		"# TYPE vigil_uptime_seconds gauge\n"
		"vigil_uptime_seconds 61.500\n"
		"# HELP vigil_events_total Records read from the kernel ring buffer.\n"
		"# TYPE vigil_events_total counter\n"
		"vigil_events_total 1234567\n"
		"# HELP vigil_events_malformed_total Records rejected by validation, not "
		"processed.\n"
		"# TYPE vigil_events_malformed_total counter\n"
		"vigil_events_malformed_total 2\n"
		"# HELP vigil_kernel_drops_total Events the kernel side could not deliver, per "
		"reason.\n"
		"# TYPE vigil_kernel_drops_total counter\n"
		"vigil_kernel_drops_total{reason=\"ringbuf_full\"} 5\n"
		"vigil_kernel_drops_total{reason=\"inflight_full\"} 0\n"
		"vigil_kernel_drops_total{reason=\"cgroup_table_full\"} 1\n"
		"# HELP vigil_alerts_total Alerts per rule and priority, those the rate limit held "
		"back included.\n"
		"# TYPE vigil_alerts_total counter\n"
		"vigil_alerts_total{rule=\"Read sensitive file untrusted\",priority=\"Warning\"} "
		"100000\n"
		"vigil_alerts_total{rule=\"Say \\\"hi\\\"\\\\now\\n\",priority=\"Critical\"} 1\n"
		"# HELP vigil_alerts_suppressed_total Alerts the rate limit held back (counted in "
		"summaries), per rule and priority.\n"
		"# TYPE vigil_alerts_suppressed_total counter\n"
		"vigil_alerts_suppressed_total{rule=\"Read sensitive file untrusted\","
		"priority=\"Warning\"} 99990\n"
		"vigil_alerts_suppressed_total{rule=\"Say \\\"hi\\\"\\\\now\\n\","
		"priority=\"Critical\"} 0\n"
		"# HELP vigil_rate_limit_summaries_total Summary alerts sent.\n"
		"# TYPE vigil_rate_limit_summaries_total counter\n"
		"vigil_rate_limit_summaries_total 3\n"
		"# HELP vigil_alerts_unqueued_total Alerts that could not be queued for lack of "
		"memory.\n"
		"# TYPE vigil_alerts_unqueued_total counter\n"
		"vigil_alerts_unqueued_total 0\n"
		"# HELP vigil_rules_reload_failures_total Rule reloads refused for errors; the "
		"rules loaded before kept running.\n"
		"# TYPE vigil_rules_reload_failures_total counter\n"
		"vigil_rules_reload_failures_total 1\n"
		"# HELP vigil_sink_sent_total Entries a sink delivered (UDP: handed to the "
		"network).\n"
		"# TYPE vigil_sink_sent_total counter\n"
		"vigil_sink_sent_total{sink=\"journald\",type=\"journald\",name=\"journald\"} 11\n"
		"vigil_sink_sent_total{sink=\"syslog\",type=\"syslog\","
		"name=\"syslog tcp://127.0.0.1:514\"} 8\n"
		"# HELP vigil_sink_dropped_total Entries a sink did not deliver: refused by its "
		"full queue, or lost.\n"
		"# TYPE vigil_sink_dropped_total counter\n"
		"vigil_sink_dropped_total{sink=\"journald\",type=\"journald\",name=\"journald\","
		"reason=\"queue_full\"} 0\n"
		"vigil_sink_dropped_total{sink=\"journald\",type=\"journald\",name=\"journald\","
		"reason=\"lost\"} 0\n"
		"vigil_sink_dropped_total{sink=\"syslog\",type=\"syslog\","
		"name=\"syslog tcp://127.0.0.1:514\",reason=\"queue_full\"} 7\n"
		"vigil_sink_dropped_total{sink=\"syslog\",type=\"syslog\","
		"name=\"syslog tcp://127.0.0.1:514\",reason=\"lost\"} 1\n"
		"# HELP vigil_sink_errors_total Failed writes, connects and opens of a sink.\n"
		"# TYPE vigil_sink_errors_total counter\n"
		"vigil_sink_errors_total{sink=\"journald\",type=\"journald\",name=\"journald\"} 0\n"
		"vigil_sink_errors_total{sink=\"syslog\",type=\"syslog\","
		"name=\"syslog tcp://127.0.0.1:514\"} 4\n"
		"# HELP vigil_sink_fallback_total Entries written to stderr because the sink was "
		"unavailable.\n"
		"# TYPE vigil_sink_fallback_total counter\n"
		"vigil_sink_fallback_total{sink=\"journald\",type=\"journald\","
		"name=\"journald\"} 2\n"
		"vigil_sink_fallback_total{sink=\"syslog\",type=\"syslog\","
		"name=\"syslog tcp://127.0.0.1:514\"} 0\n"
		"# HELP vigil_sink_queue_depth Entries waiting in a sink's queue.\n"
		"# TYPE vigil_sink_queue_depth gauge\n"
		"vigil_sink_queue_depth{sink=\"journald\",type=\"journald\",name=\"journald\"} 0\n"
		"vigil_sink_queue_depth{sink=\"syslog\",type=\"syslog\","
		"name=\"syslog tcp://127.0.0.1:514\"} 3\n"
		"# HELP vigil_sink_queue_capacity Entries a sink's queue holds at most.\n"
		"# TYPE vigil_sink_queue_capacity gauge\n"
		"vigil_sink_queue_capacity{sink=\"journald\",type=\"journald\",name=\"journald\"} "
		"1024\n"
		"vigil_sink_queue_capacity{sink=\"syslog\",type=\"syslog\","
		"name=\"syslog tcp://127.0.0.1:514\"} 64\n"
		"# HELP vigil_processes_tracked Processes in the process table.\n"
		"# TYPE vigil_processes_tracked gauge\n"
		"vigil_processes_tracked 312\n"
		"# HELP vigil_processes_evicted_total Processes evicted from the full process "
		"table to make room.\n"
		"# TYPE vigil_processes_evicted_total counter\n"
		"vigil_processes_evicted_total 17\n"
		"# HELP vigil_containers_tracked Container cgroups known.\n"
		"# TYPE vigil_containers_tracked gauge\n"
		"vigil_containers_tracked 4\n"
		"# HELP vigil_container_state_errors_total Containers whose runtime state could "
		"not be read: malformed, or given up on.\n"
		"# TYPE vigil_container_state_errors_total counter\n"
		"vigil_container_state_errors_total{reason=\"malformed\"} 2\n"
		"vigil_container_state_errors_total{reason=\"gave_up\"} 3\n"
		"# HELP vigil_resident_memory_bytes vigild's resident set size.\n"
		"# TYPE vigil_resident_memory_bytes gauge\n"
		"vigil_resident_memory_bytes 24576000\n"
		"# HELP vigil_rule_evaluation_seconds Time to match one event against the rules "
		"(one event in 64 is timed).\n"
		"# TYPE vigil_rule_evaluation_seconds histogram\n"
		"vigil_rule_evaluation_seconds_bucket{le=\"1e-06\"} 10\n"
		"vigil_rule_evaluation_seconds_bucket{le=\"2.5e-06\"} 20\n"
		"vigil_rule_evaluation_seconds_bucket{le=\"5e-06\"} 30\n"
		"vigil_rule_evaluation_seconds_bucket{le=\"1e-05\"} 40\n"
		"vigil_rule_evaluation_seconds_bucket{le=\"2.5e-05\"} 50\n"
		"vigil_rule_evaluation_seconds_bucket{le=\"5e-05\"} 60\n"
		"vigil_rule_evaluation_seconds_bucket{le=\"0.0001\"} 70\n"
		"vigil_rule_evaluation_seconds_bucket{le=\"0.00025\"} 80\n"
		"vigil_rule_evaluation_seconds_bucket{le=\"0.001\"} 90\n"
		"vigil_rule_evaluation_seconds_bucket{le=\"+Inf\"} 100\n"
		"vigil_rule_evaluation_seconds_sum 0.000250000\n"
		"vigil_rule_evaluation_seconds_count 100\n");
	free(text);
}

/* Per rule counts, sorted for a stable /metrics; the evaluation histogram. */
static void test_counts(void **state)
{
	struct stats_config sc = { 0 };
	struct stats_snapshot snap;
	static struct pipeline pl;
	struct stats *st = stats__new(&sc);

	(void)state;
	stats__alert(st, "b", PRIORITY_WARNING, false);
	stats__alert(st, "a", PRIORITY_NOTICE, false);
	stats__alert(st, "b", PRIORITY_WARNING, true);
	stats__alert(st, "b", PRIORITY_ERROR, true);
	stats__eval(st, 999);
	stats__eval(st, 1000);
	stats__eval(st, 1001);
	stats__eval(st, 5000000);
	pl.stats.records = 7;
	stats__snapshot(st, &pl, NULL, 5 * S, &snap);
	assert_int_equal(snap.events, 7);
	assert_false(snap.kernel_drops_known);
	assert_int_equal(snap.nrules, 3);
	assert_string_equal(snap.rules[0].rule, "a");
	assert_string_equal(snap.rules[1].rule, "b");
	assert_int_equal(snap.rules[1].priority, PRIORITY_ERROR);
	assert_int_equal(snap.rules[1].suppressed, 1);
	assert_int_equal(snap.rules[2].priority, PRIORITY_WARNING);
	assert_int_equal(snap.rules[2].alerts, 2);
	assert_int_equal(snap.rules[2].suppressed, 1);
	assert_int_equal(snap.eval_buckets[0], 2);
	assert_int_equal(snap.eval_buckets[1], 3);
	assert_int_equal(snap.eval_buckets[EVAL_BUCKETS - 2], 3);
	assert_int_equal(snap.eval_buckets[EVAL_BUCKETS - 1], 4);
	assert_int_equal(snap.eval_count, 4);
	assert_int_equal(snap.eval_sum_ns, 5003000);
	assert_true(snap.rss_bytes > 0);
	stats__free(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_operational),
		cmocka_unit_test(test_operational_process_table_full),
		cmocka_unit_test(test_reload_failed),
		cmocka_unit_test(test_summary_on_tick),
		cmocka_unit_test(test_metrics_text),
		cmocka_unit_test(test_counts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
