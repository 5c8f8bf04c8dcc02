// SPDX-License-Identifier: GPL-2.0-only
/*
 * vigild's account of itself. Never silent: whatever is lost (kernel ring
 * buffer drops, malformed records, alerts a full queue refused or a collector
 * lost) or fails (a sink's writes) is said in an operational alert as soon as
 * it is seen, at most one per operational_interval so that a collector down
 * for a day does not flood the journal with news of itself; and a stats entry
 * every stats_interval says how vigild is doing. The same numbers feed
 * /metrics.
 *
 * Everything here runs on the event loop's thread; the sinks' counters are
 * atomics read through sinks__stats().
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "vigil.h"

#define RULE_BUCKETS 256
#define RULES_MAX 65536 /* rule names counted at most; far beyond any rule set */
#define NSEC_PER_SEC 1000000000ull

const uint64_t eval_bounds_ns[EVAL_BUCKETS] = {
	1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000, 1000000, UINT64_MAX,
};

const char *drop_reason__name(unsigned int reason)
{
	static const char *const names[] = {
		[VIGIL_DROP_RINGBUF_FULL] = "ringbuf_full",
		[VIGIL_DROP_INFLIGHT_FULL] = "inflight_full",
		[VIGIL_DROP_CGROUP_FULL] = "cgroup_table_full",
	};

	if (reason < sizeof(names) / sizeof(names[0]) && names[reason])
		return names[reason];
	return "other";
}

struct rule_entry {
	struct rule_entry *next;
	uint64_t hash;
	struct rule_count count; /* count.rule is owned */
};

/* What the last operational alert reported, to say only what is new. */
struct loss_counts {
	uint64_t kernel[VIGIL_DROP_REASON_MAX];
	uint64_t malformed;
	uint64_t unqueued;
	uint64_t processes_refused;
	uint64_t queue_full[SINKS_MAX];
	uint64_t lost[SINKS_MAX];
	uint64_t errors[SINKS_MAX];
	uint64_t fallback[SINKS_MAX];
	uint64_t container_malformed;
};

struct stats {
	struct stats_config cfg;
	struct metrics *metrics;
	struct rule_entry *rules[RULE_BUCKETS];
	size_t nrules;
	struct rule_count *view;
	size_t view_cap;
	uint64_t eval[EVAL_BUCKETS];
	uint64_t eval_count;
	uint64_t eval_sum_ns;
	uint64_t start_ns;
	uint64_t stats_ns;       /* of the last stats entry */
	uint64_t stats_events;
	uint64_t stats_alerts;
	uint64_t operational_ns; /* of the last operational alert */
	bool operational_sent;
	struct loss_counts reported;
	uint64_t reload_failures;
	bool started;
};

struct stats *stats__new(const struct stats_config *c)
{
	struct stats *st = calloc(1, sizeof(*st));

	if (!st)
		return NULL;
	st->cfg = *c;
	return st;
}

void stats__free(struct stats *st)
{
	struct rule_entry *e, *next;
	size_t b;

	if (!st)
		return;
	for (b = 0; b < RULE_BUCKETS; b++) {
		for (e = st->rules[b]; e; e = next) {
			next = e->next;
			free((char *)e->count.rule);
			free(e);
		}
	}
	free(st->view);
	free(st);
}

void stats__set_metrics(struct stats *st, struct metrics *m)
{
	st->metrics = m;
}

static uint64_t rule__hash(const char *name, enum rule_priority p)
{
	uint64_t h = 0xcbf29ce484222325ull ^ (uint64_t)p;
	const unsigned char *s;

	for (s = (const unsigned char *)name; *s; s++)
		h = (h ^ *s) * 0x100000001b3ull;
	return h;
}

void stats__alert(struct stats *st, const char *rule, enum rule_priority p, bool suppressed)
{
	uint64_t h = rule__hash(rule, p);
	struct rule_entry *e;
	size_t b = h % RULE_BUCKETS;

	if (!st)
		return;
	for (e = st->rules[b]; e; e = e->next) {
		if (e->hash == h && e->count.priority == p && !strcmp(e->count.rule, rule))
			break;
	}
	if (!e) {
		if (st->nrules >= RULES_MAX)
			return;
		e = calloc(1, sizeof(*e));
		if (!e)
			return;
		e->count.rule = strdup(rule);
		if (!e->count.rule) {
			free(e);
			return;
		}
		e->hash = h;
		e->count.priority = p;
		e->next = st->rules[b];
		st->rules[b] = e;
		st->nrules++;
	}
	e->count.alerts++;
	e->count.suppressed += suppressed;
}

void stats__eval(struct stats *st, uint64_t ns)
{
	size_t i;

	if (!st)
		return;
	for (i = 0; ns > eval_bounds_ns[i]; i++)
		;
	st->eval[i]++;
	st->eval_count++;
	st->eval_sum_ns += ns;
}

uint64_t rss__bytes(void)
{
	unsigned long long size, resident;
	FILE *f = fopen("/proc/self/statm", "re");
	int n;

	if (!f)
		return 0;
	n = fscanf(f, "%llu %llu", &size, &resident);
	fclose(f);
	return n == 2 ? resident * (uint64_t)sysconf(_SC_PAGESIZE) : 0;
}

static int rule_count__cmp(const void *a, const void *b)
{
	const struct rule_count *x = a, *y = b;
	int c = strcmp(x->rule, y->rule);

	return c ? c : (int)x->priority - (int)y->priority;
}

void stats__snapshot(struct stats *st, struct pipeline *pl, const uint64_t *drops,
		     uint64_t now_ns, struct stats_snapshot *out)
{
	struct rule_entry *e;
	size_t b, i, n = 0, cum = 0;

	memset(out, 0, sizeof(*out));
	if (!st->started) {
		st->started = true;
		st->start_ns = now_ns;
		st->stats_ns = now_ns;
		st->operational_ns = now_ns;
	}
	out->uptime_ns = now_ns - st->start_ns;
	out->events = pl->stats.records;
	out->malformed = pl->stats.malformed;
	out->alerts = pl->stats.alerts;
	out->suppressed = ratelimit__suppressed(pl->ratelimit);
	out->summaries = ratelimit__summaries(pl->ratelimit);
	out->unqueued = sinks__unqueued(pl->sinks);
	if (drops) {
		memcpy(out->kernel_drops, drops, sizeof(out->kernel_drops));
		out->kernel_drops_known = true;
	}
	out->nsinks = sinks__stats(pl->sinks, out->sinks, SINKS_MAX);
	out->processes = pl->procs ? proctable__count(pl->procs) : 0;
	out->process_evictions = pl->procs ? proctable__evictions(pl->procs) : 0;
	out->processes_refused = pl->procs ? proctable__refused(pl->procs) : 0;
	out->containers = pl->containers ? containers__count(pl->containers) : 0;
	if (pl->containers) {
		struct containers_stats cst;

		containers__stats(pl->containers, &cst);
		out->container_malformed = cst.malformed;
		out->container_gave_up = cst.gave_up;
	}
	out->reload_failures = st->reload_failures;
	out->rss_bytes = rss__bytes();

	if (st->view_cap < st->nrules) {
		struct rule_count *v = realloc(st->view, st->nrules * sizeof(*v));

		if (v) {
			st->view = v;
			st->view_cap = st->nrules;
		}
	}
	for (b = 0; b < RULE_BUCKETS; b++) {
		for (e = st->rules[b]; e && n < st->view_cap; e = e->next)
			st->view[n++] = e->count;
	}
	if (n)
		qsort(st->view, n, sizeof(*st->view), rule_count__cmp);
	out->rules = st->view;
	out->nrules = n;
	for (i = 0; i < EVAL_BUCKETS; i++) {
		cum += st->eval[i];
		out->eval_buckets[i] = cum;
	}
	out->eval_count = st->eval_count;
	out->eval_sum_ns = st->eval_sum_ns;
}

static void loss_counts__of(const struct stats_snapshot *s, struct loss_counts *c)
{
	size_t i;

	memset(c, 0, sizeof(*c));
	memcpy(c->kernel, s->kernel_drops, sizeof(c->kernel));
	c->malformed = s->malformed;
	c->unqueued = s->unqueued;
	c->processes_refused = s->processes_refused;
	c->container_malformed = s->container_malformed;
	for (i = 0; i < s->nsinks; i++) {
		c->queue_full[i] = s->sinks[i].queue_full;
		c->lost[i] = s->sinks[i].lost;
		c->errors[i] = s->sinks[i].errors;
		c->fallback[i] = s->sinks[i].fallback;
	}
}

/* An operational or stats entry under construction. */
struct report {
	struct sink_field fields[ALERT_FIELDS_MAX];
	char names[ALERT_FIELDS_MAX][48];
	char values[ALERT_FIELDS_MAX][24];
	size_t n;
	char message[2048];
	struct strbuf sb;
};

static void report__init(struct report *r)
{
	r->n = 0;
	strbuf__init(&r->sb, r->message, sizeof(r->message));
}

static void report__field(struct report *r, const char *name, uint64_t value)
{
	if (r->n == ALERT_FIELDS_MAX)
		return;
	snprintf(r->names[r->n], sizeof(r->names[r->n]), "%s", name);
	snprintf(r->values[r->n], sizeof(r->values[r->n]), "%llu", (unsigned long long)value);
	r->fields[r->n].name = r->names[r->n];
	r->fields[r->n].value = r->values[r->n];
	r->fields[r->n].numeric = true;
	r->n++;
}

static void report__submit(struct report *r, struct pipeline *pl, enum alert_kind kind,
			   enum rule_priority prio, const char *rule)
{
	struct sink_record_spec spec = {
		.kind = kind,
		.priority = prio,
		.time_ns = clock__ns(CLOCK_REALTIME),
		.rule = rule,
		.message = r->message,
		.fields = r->fields,
		.nfields = r->n,
	};

	pipeline__submit(pl, &spec);
}

/* "; " between the parts of a message. */
static void report__part(struct report *r, bool *first, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void report__part(struct report *r, bool *first, const char *fmt, ...)
{
	char part[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(part, sizeof(part), fmt, ap);
	va_end(ap);
	if (!*first)
		strbuf__puts(&r->sb, "; ");
	strbuf__puts(&r->sb, part);
	*first = false;
}

static void operational__check(struct stats *st, struct pipeline *pl,
			       const struct stats_snapshot *s, uint64_t now_ns, bool final)
{
	struct loss_counts now, d;
	struct report r;
	char name[64];
	uint64_t kernel = 0, lost = 0, errors = 0, sink_errors, any = 0;
	bool first = true;
	size_t i;

	loss_counts__of(s, &now);
	memset(&d, 0, sizeof(d));
	for (i = 0; i < VIGIL_DROP_REASON_MAX; i++) {
		d.kernel[i] = now.kernel[i] - st->reported.kernel[i];
		kernel += d.kernel[i];
	}
	d.malformed = now.malformed - st->reported.malformed;
	d.unqueued = now.unqueued - st->reported.unqueued;
	d.processes_refused = now.processes_refused - st->reported.processes_refused;
	/* A process the table refused has its events matched without its
	 * ancestry, arguments or executable: what rules know of it is lost. */
	lost = kernel + d.malformed + d.unqueued + d.processes_refused;
	for (i = 0; i < s->nsinks; i++) {
		d.queue_full[i] = now.queue_full[i] - st->reported.queue_full[i];
		d.lost[i] = now.lost[i] - st->reported.lost[i];
		d.errors[i] = now.errors[i] - st->reported.errors[i];
		d.fallback[i] = now.fallback[i] - st->reported.fallback[i];
		lost += d.queue_full[i] + d.lost[i];
		errors += d.errors[i] + d.fallback[i];
	}
	sink_errors = errors;
	d.container_malformed = now.container_malformed - st->reported.container_malformed;
	errors += d.container_malformed;
	any = lost + errors;
	if (!any)
		return;
	/* The first one at once; then at most one per interval, covering all. */
	if (!final && st->operational_sent &&
	    now_ns - st->operational_ns < st->cfg.operational_interval_ns)
		return;

	report__init(&r);
	strbuf__printf(&r.sb, "%s in the last %llu s: ",
		       lost ? "vigild lost events or alerts" :
		       sink_errors ? "vigild sink errors" : "vigild errors",
		       (unsigned long long)((now_ns - st->operational_ns + NSEC_PER_SEC / 2) /
					    NSEC_PER_SEC));
	if (kernel) {
		report__part(&r, &first, "the kernel dropped %llu events (",
			     (unsigned long long)kernel);
		first = true;
		for (i = 0; i < VIGIL_DROP_REASON_MAX; i++) {
			if (!d.kernel[i])
				continue;
			if (!first)
				strbuf__puts(&r.sb, ", ");
			strbuf__printf(&r.sb, "%s %llu", drop_reason__name(i),
				       (unsigned long long)d.kernel[i]);
			first = false;
			snprintf(name, sizeof(name), "kernel.drops.%s", drop_reason__name(i));
			report__field(&r, name, d.kernel[i]);
		}
		strbuf__puts(&r.sb, ")");
		first = false;
	}
	if (d.malformed) {
		report__part(&r, &first, "%llu malformed records",
			     (unsigned long long)d.malformed);
		report__field(&r, "events.malformed", d.malformed);
	}
	if (d.unqueued) {
		report__part(&r, &first, "%llu alerts not queued (out of memory)",
			     (unsigned long long)d.unqueued);
		report__field(&r, "alerts.unqueued", d.unqueued);
	}
	if (d.processes_refused) {
		report__part(&r, &first, "the process table was full: %llu processes or updates refused",
			     (unsigned long long)d.processes_refused);
		report__field(&r, "processes.refused", d.processes_refused);
	}
	for (i = 0; i < s->nsinks; i++) {
		const struct sink_stats *ss = &s->sinks[i];
		bool part = false;

		if (!d.queue_full[i] && !d.lost[i] && !d.errors[i] && !d.fallback[i])
			continue;
		report__part(&r, &first, "%s:", ss->name);
#define SINK_PART(counter, what)                                                         \
		do {                                                                     \
			if (!d.counter[i])                                               \
				break;                                                   \
			strbuf__printf(&r.sb, "%s %llu " what, part ? "," : "",          \
				       (unsigned long long)d.counter[i]);                \
			part = true;                                                     \
			snprintf(name, sizeof(name), "sink.%s." #counter, ss->id);       \
			report__field(&r, name, d.counter[i]);                           \
		} while (0)
		SINK_PART(queue_full, "alerts refused by its full queue");
		SINK_PART(lost, "alerts lost");
		SINK_PART(errors, "errors");
		SINK_PART(fallback, "entries written to stderr instead");
#undef SINK_PART
	}
	if (d.container_malformed) {
		report__part(&r, &first, "%llu containers' runtime state malformed: their alerts "
			     "carry the id and what could be read",
			     (unsigned long long)d.container_malformed);
		report__field(&r, "containers.state_malformed", d.container_malformed);
	}
	report__field(&r, "seconds", (now_ns - st->operational_ns + NSEC_PER_SEC / 2) /
					     NSEC_PER_SEC);
	if (lost)
		report__submit(&r, pl, ALERT_KIND_OPERATIONAL, PRIORITY_ERROR,
			       "vigil internal: events or alerts lost");
	else if (sink_errors)
		report__submit(&r, pl, ALERT_KIND_OPERATIONAL, PRIORITY_WARNING,
			       "vigil internal: sink errors");
	else
		report__submit(&r, pl, ALERT_KIND_OPERATIONAL, PRIORITY_WARNING,
			       "vigil internal: container state errors");
	st->reported = now;
	st->operational_ns = now_ns;
	st->operational_sent = true;
}

static void stats__entry(struct stats *st, struct pipeline *pl, const struct stats_snapshot *s,
			 uint64_t now_ns)
{
	double secs = (double)(now_ns - st->stats_ns) / NSEC_PER_SEC;
	uint64_t kernel = 0, lost = s->unqueued, events_rate, alerts_rate;
	struct report r;
	char name[64];
	size_t i;

	if (secs <= 0)
		return;
	for (i = 0; i < VIGIL_DROP_REASON_MAX; i++)
		kernel += s->kernel_drops[i];
	for (i = 0; i < s->nsinks; i++)
		lost += s->sinks[i].queue_full + s->sinks[i].lost;
	/* Hundredths, for integer fields: 152030 is 1520.30 events/s. */
	events_rate = (uint64_t)((s->events - st->stats_events) * 100 / secs);
	alerts_rate = (uint64_t)((s->alerts - st->stats_alerts) * 100 / secs);

	report__init(&r);
	strbuf__printf(&r.sb,
		       "stats: %.1f events/s, %.2f alerts/s, %llu events dropped, %llu alerts "
		       "lost, %llu held back by the rate limit, %zu processes, %zu containers, "
		       "%.1f MiB RSS",
		       events_rate / 100.0, alerts_rate / 100.0, (unsigned long long)kernel,
		       (unsigned long long)lost, (unsigned long long)s->suppressed, s->processes,
		       s->containers, s->rss_bytes / 1048576.0);
	report__field(&r, "events.per_second", events_rate / 100);
	report__field(&r, "alerts.per_second", alerts_rate / 100);
	report__field(&r, "events", s->events);
	report__field(&r, "events.malformed", s->malformed);
	report__field(&r, "alerts", s->alerts);
	report__field(&r, "alerts.suppressed", s->suppressed);
	report__field(&r, "alerts.lost", lost);
	report__field(&r, "kernel.drops", kernel);
	for (i = 0; i < VIGIL_DROP_REASON_MAX; i++) {
		snprintf(name, sizeof(name), "kernel.drops.%s", drop_reason__name(i));
		report__field(&r, name, s->kernel_drops[i]);
	}
	report__field(&r, "processes", s->processes);
	report__field(&r, "processes.evicted", s->process_evictions);
	report__field(&r, "containers", s->containers);
	report__field(&r, "containers.state_malformed", s->container_malformed);
	report__field(&r, "containers.state_gave_up", s->container_gave_up);
	report__field(&r, "rules.reload_failures", s->reload_failures);
	report__field(&r, "rss.bytes", s->rss_bytes);
	for (i = 0; i < s->nsinks; i++) {
		snprintf(name, sizeof(name), "sink.%s.queued", s->sinks[i].id);
		report__field(&r, name, s->sinks[i].depth);
	}
	report__submit(&r, pl, ALERT_KIND_STATS, PRIORITY_INFORMATIONAL, "vigil internal: stats");
	st->stats_ns = now_ns;
	st->stats_events = s->events;
	st->stats_alerts = s->alerts;
}

void stats__reload_failed(struct stats *st, struct pipeline *pl, const char *error,
			  size_t nerrors, size_t nrules)
{
	struct report r;

	if (!st)
		return;
	st->reload_failures++;
	report__init(&r);
	strbuf__printf(&r.sb, "rules reload failed with %zu error%s, the %zu rules loaded before "
		       "still run: %s", nerrors, nerrors == 1 ? "" : "s", nrules, error);
	report__field(&r, "rules.errors", nerrors);
	report__field(&r, "rules.running", nrules);
	report__field(&r, "rules.reload_failures", st->reload_failures);
	/* The first error whole, for a collector to show without parsing MESSAGE. */
	if (r.n < ALERT_FIELDS_MAX) {
		r.fields[r.n].name = "rules.error";
		r.fields[r.n].value = error;
		r.fields[r.n].numeric = false;
		r.n++;
	}
	report__submit(&r, pl, ALERT_KIND_OPERATIONAL, PRIORITY_ERROR,
		       "vigil internal: rules reload failed");
}

static void summary__emit(void *ctx, const struct ratelimit_summary *s)
{
	struct pipeline *pl = ctx;

	sinks__submit(pl->sinks, ratelimit_summary__record(s, clock__ns(CLOCK_REALTIME)));
}

void stats__tick(struct stats *st, struct pipeline *pl, const uint64_t *drops, uint64_t now_ns)
{
	struct stats_snapshot snap;

	if (pl->ratelimit && pl->sinks)
		ratelimit__tick(pl->ratelimit, now_ns, summary__emit, pl);
	stats__snapshot(st, pl, drops, now_ns, &snap);
	operational__check(st, pl, &snap, now_ns, false);
	if (st->cfg.stats_interval_ns && now_ns - st->stats_ns >= st->cfg.stats_interval_ns)
		stats__entry(st, pl, &snap, now_ns);
	if (st->metrics)
		metrics__publish(st->metrics, &snap, now_ns);
}

void stats__finish(struct stats *st, struct pipeline *pl, const uint64_t *drops, uint64_t now_ns)
{
	struct stats_snapshot snap;

	if (pl->ratelimit && pl->sinks)
		ratelimit__flush(pl->ratelimit, now_ns, summary__emit, pl);
	stats__snapshot(st, pl, drops, now_ns, &snap);
	operational__check(st, pl, &snap, now_ns, true);
}
