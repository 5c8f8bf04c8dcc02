// SPDX-License-Identifier: GPL-2.0-only
/*
 * One record's way from the ring buffer to the sinks: validate and decode,
 * update the process table and the cgroup map, attach process and container,
 * match the rules, render and send the alert. Nothing here knows about BPF,
 * so the same path serves recorded events and the tests.
 */
#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "vigil.h"

static int64_t boot_to_realtime_ns(void)
{
	struct timespec boot, real;

	clock_gettime(CLOCK_BOOTTIME, &boot);
	clock_gettime(CLOCK_REALTIME, &real);
	return (int64_t)(real.tv_sec - boot.tv_sec) * 1000000000 + (real.tv_nsec - boot.tv_nsec);
}

void pipeline__init(struct pipeline *pl)
{
	memset(&pl->stats, 0, sizeof(pl->stats));
	pl->boot_to_realtime_ns = boot_to_realtime_ns();
	if (gethostname(pl->hostname, sizeof(pl->hostname)) < 0)
		strcpy(pl->hostname, "localhost");
	pl->hostname[sizeof(pl->hostname) - 1] = '\0';
}

/* Without sinks (replay, tests): straight to journald and the JSON stream. */
static void send_alert_direct(struct pipeline *pl, const struct alert *alert)
{
	struct sink_record *rec;
	int err;

	if (pl->journald) {
		rec = sink_record__from_alert(alert);
		err = rec ? sink_journald__send(rec) : -ENOMEM;
		sink_record__put(rec);
		if (err < 0) {
			/* Never lose an alert silently: say it on stderr instead. */
			pl->stats.sink_errors++;
			log_warnx("journald: %s; alert: %s: %s", strerror(-err),
				  rule__name(alert->rule), alert->message);
		}
	}
	if (pl->json_out && sink_json__write(alert, pl->hostname, pl->json_out) < 0)
		pl->stats.sink_errors++;
}

/*
 * Through the rate limit to the sinks' queues: this never waits for a sink.
 * The record is a copy, so pl->alert is free for the next event at once.
 */
static void send_alert(struct pipeline *pl, const struct alert *alert)
{
	bool allowed;

	pl->stats.alerts++;
	if (!pl->sinks) {
		send_alert_direct(pl, alert);
		return;
	}
	allowed = !pl->ratelimit ||
		  ratelimit__allow_alert(pl->ratelimit, alert, clock__ns(CLOCK_MONOTONIC));
	stats__alert(pl->counters, rule__name(alert->rule), rule__priority(alert->rule), !allowed);
	if (!allowed) {
		pl->stats.suppressed++;
		return;
	}
	sinks__submit(pl->sinks, sink_record__from_alert(alert));
}

void pipeline__alert(struct pipeline *pl, const struct alert *alert)
{
	send_alert(pl, alert);
}

void pipeline__submit(struct pipeline *pl, const struct sink_record_spec *spec)
{
	struct sink_record *rec = sink_record__new(spec);

	/* Before the sinks exist (start-up), stderr. */
	if (pl->sinks) {
		sinks__submit(pl->sinks, rec);
	} else if (rec) {
		sink_stderr__write(rec);
		sink_record__put(rec);
	}
}

void pipeline__operational(struct pipeline *pl, enum rule_priority prio, const char *rule,
			   const char *message)
{
	struct sink_record_spec spec = {
		.kind = ALERT_KIND_OPERATIONAL,
		.priority = prio,
		.time_ns = clock__ns(CLOCK_REALTIME),
		.rule = rule,
		.message = message,
	};

	pipeline__submit(pl, &spec);
}

/* Rule evaluation time for /metrics: one event in 64 is timed, which keeps
 * two clock reads off the path of the rest. */
static const struct rule *match_rules(struct pipeline *pl, const struct evt *evt)
{
	const struct rule *rule;
	uint64_t t0;

	if (!pl->counters || (pl->stats.records & 63))
		return rules__match(pl->rules, evt);
	t0 = clock__ns(CLOCK_MONOTONIC);
	rule = rules__match(pl->rules, evt);
	stats__eval(pl->counters, clock__ns(CLOCK_MONOTONIC) - t0);
	return rule;
}

struct match_ctx {
	struct pipeline *pl;
	const struct evt *evt;
};

/* rule_matching: all: an alert for each rule that holds. */
static void alert_rule(void *ctx, const struct rule *rule)
{
	struct match_ctx *m = ctx;

	output__render(rule, m->evt, &m->pl->alert);
	m->pl->alert.time_ns = m->evt->time_ns;
	send_alert(m->pl, &m->pl->alert);
}

/*
 * --record: a container's metadata goes into the capture the first time an
 * event of one of its cgroups is seen with it, so that a replay attributes as
 * the live run did. The set of cgroups done is small and bounded; a cgroup
 * past it is written again, which is harmless.
 */
static void record_container(struct pipeline *pl, const struct evt *evt)
{
	static char line[16384];
	uint64_t id = evt->hdr->cgroup_id;
	size_t slot = (id * 0x9e3779b97f4a7c15ull) % PIPELINE_RECORDED_MAX;
	struct strbuf sb;

	if (!evt->container->meta || pl->recorded[slot] == id)
		return;
	strbuf__init(&sb, line, sizeof(line));
	if (container_json__format(id, evt->container->meta, &sb))
		return;
	if (!capture__write(pl->capture, CAPTURE_CONTAINER, line, sb.len))
		pl->recorded[slot] = id;
}

int pipeline__handle(void *ctx, void *data, size_t size)
{
	struct pipeline *pl = ctx;
	const struct rule *rule;
	struct evt evt;

	pl->stats.records++;
	if (pl->capture)
		capture__write(pl->capture, CAPTURE_EVENT, data, size);
	if (event__decode(data, size, &evt) < 0) {
		pl->stats.malformed++;
		return 0;
	}
	pl->stats.by_type[evt.type]++;
	if (evt.type == VIGIL_EVENT_CGROUP) {
		containers__add_cgroup(pl->containers, evt.cgroup.id, evt.cgroup.path);
		return 0;
	}
	if (evt.type == VIGIL_EVENT_CGROUP_RMDIR) {
		containers__remove_cgroup(pl->containers, evt.cgroup.id);
		return 0;
	}
	proctable__apply(pl->procs, &evt);
	evt.proc = proctable__lookup(pl->procs, evt.hdr->pid);
	evt.parent = proctable__lookup(pl->procs, evt.proc ? evt.proc->ppid : evt.hdr->ppid);
	evt.container = containers__lookup(pl->containers, evt.hdr->cgroup_id);
	if (pl->capture)
		record_container(pl, &evt);
	evt.procs = pl->procs;
	evt.hostname = pl->hostname;
	evt.num = pl->stats.records;
	evt.time_ns = evt.hdr->ts_ns + pl->boot_to_realtime_ns;

	/* Anomaly items learn from every event, whatever rule matches it. */
	if (pl->anomaly)
		anomaly__handle(pl->anomaly, pl, &evt);
	if (pl->match_all) {
		struct match_ctx m = { .pl = pl, .evt = &evt };

		rules__match_all(pl->rules, &evt, alert_rule, &m);
		return 0;
	}
	rule = match_rules(pl, &evt);
	if (!rule)
		return 0;
	output__render(rule, &evt, &pl->alert);
	pl->alert.time_ns = evt.time_ns;
	send_alert(pl, &pl->alert);
	return 0;
}

int pipeline__seed_process(struct pipeline *pl, const void *data, size_t size)
{
	struct evt evt;
	int err;

	err = event__decode(data, size, &evt);
	if (err)
		return err;
	if (evt.type != VIGIL_EVENT_EXEC)
		return -EINVAL;
	proctable__apply(pl->procs, &evt);
	return 0;
}
