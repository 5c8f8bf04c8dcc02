// SPDX-License-Identifier: GPL-2.0-only
/*
 * Prometheus metrics on an optional HTTP endpoint: /metrics in the text
 * exposition format, /healthz for a liveness probe. libmicrohttpd serves
 * them from its own thread; the event loop renders the text about once a
 * second (metrics__publish) and the server hands out the latest copy, so a
 * scrape never touches the pipeline's state.
 *
 * /healthz answers 200 while the event loop keeps publishing, 503 once it has
 * not for HEALTHZ_STALE_NS: a stuck loop is what a liveness probe must see.
 */
#include <errno.h>
#include <netdb.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <microhttpd.h>

#include "vigil.h"

#define HEALTHZ_STALE_NS (10 * 1000000000ull)
#define METRICS_CONNECTIONS_MAX 16
#define METRICS_TIMEOUT_S 10

struct metrics {
	struct MHD_Daemon *daemon;
	pthread_mutex_t lock;
	char *text;
	size_t len;
	uint64_t published_ns; /* CLOCK_MONOTONIC; 0: never */
};

/* Label values: backslash, double quote and newline escaped. */
static void label(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '\\')
			fputs("\\\\", out);
		else if (*s == '"')
			fputs("\\\"", out);
		else if (*s == '\n')
			fputs("\\n", out);
		else
			fputc(*s, out);
	}
	fputc('"', out);
}

static void head(FILE *out, const char *name, const char *type, const char *help)
{
	fprintf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static const char *const sink_type_names[SINK_TYPE_MAX] = {
	[SINK_JOURNALD] = "journald",
	[SINK_SYSLOG] = "syslog",
	[SINK_JSON] = "json",
};

static void sink_labels(FILE *out, const struct sink_stats *s)
{
	fputs("{sink=", out);
	label(out, s->id);
	fputs(",type=", out);
	label(out, sink_type_names[s->type]);
	fputs(",name=", out);
	label(out, s->name);
}

enum sink_value { SINK_SENT, SINK_ERRORS, SINK_FALLBACK, SINK_DEPTH, SINK_CAPACITY };

static uint64_t sink_value(const struct sink_stats *s, enum sink_value which)
{
	switch (which) {
	case SINK_SENT:
		return s->sent;
	case SINK_ERRORS:
		return s->errors;
	case SINK_FALLBACK:
		return s->fallback;
	case SINK_DEPTH:
		return s->depth;
	case SINK_CAPACITY:
		return s->capacity;
	}
	return 0;
}

static void sink_metric(FILE *out, const struct stats_snapshot *snap, const char *name,
			const char *type, const char *help, enum sink_value which)
{
	size_t i;

	if (!snap->nsinks)
		return;
	head(out, name, type, help);
	for (i = 0; i < snap->nsinks; i++) {
		fputs(name, out);
		sink_labels(out, &snap->sinks[i]);
		fprintf(out, "} %llu\n", (unsigned long long)sink_value(&snap->sinks[i], which));
	}
}

int metrics__render(const struct stats_snapshot *snap, FILE *out)
{
	size_t i;

	head(out, "vigil_build_info", "gauge", "vigild's version.");
	fprintf(out, "vigil_build_info{version=\"%s\",event_abi=\"%d\"} 1\n", VIGIL_VERSION,
		VIGIL_ABI_VERSION);
	head(out, "vigil_uptime_seconds", "gauge", "Seconds since vigild started watching.");
	fprintf(out, "vigil_uptime_seconds %.3f\n", snap->uptime_ns / 1e9);

	head(out, "vigil_events_total", "counter", "Records read from the kernel ring buffer.");
	fprintf(out, "vigil_events_total %llu\n", (unsigned long long)snap->events);
	head(out, "vigil_events_malformed_total", "counter",
	     "Records rejected by validation, not processed.");
	fprintf(out, "vigil_events_malformed_total %llu\n", (unsigned long long)snap->malformed);
	if (snap->kernel_drops_known) {
		head(out, "vigil_kernel_drops_total", "counter",
		     "Events the kernel side could not deliver, per reason.");
		for (i = 0; i < VIGIL_DROP_REASON_MAX; i++)
			fprintf(out, "vigil_kernel_drops_total{reason=\"%s\"} %llu\n",
				drop_reason__name(i), (unsigned long long)snap->kernel_drops[i]);
	}

	head(out, "vigil_alerts_total", "counter",
	     "Alerts per rule and priority, those the rate limit held back included.");
	for (i = 0; i < snap->nrules; i++) {
		fputs("vigil_alerts_total{rule=", out);
		label(out, snap->rules[i].rule);
		fprintf(out, ",priority=\"%s\"} %llu\n", priority__name(snap->rules[i].priority),
			(unsigned long long)snap->rules[i].alerts);
	}
	head(out, "vigil_alerts_suppressed_total", "counter",
	     "Alerts the rate limit held back (counted in summaries), per rule and priority.");
	for (i = 0; i < snap->nrules; i++) {
		fputs("vigil_alerts_suppressed_total{rule=", out);
		label(out, snap->rules[i].rule);
		fprintf(out, ",priority=\"%s\"} %llu\n", priority__name(snap->rules[i].priority),
			(unsigned long long)snap->rules[i].suppressed);
	}
	head(out, "vigil_rate_limit_summaries_total", "counter", "Summary alerts sent.");
	fprintf(out, "vigil_rate_limit_summaries_total %llu\n",
		(unsigned long long)snap->summaries);
	head(out, "vigil_alerts_unqueued_total", "counter",
	     "Alerts that could not be queued for lack of memory.");
	fprintf(out, "vigil_alerts_unqueued_total %llu\n", (unsigned long long)snap->unqueued);
	head(out, "vigil_rules_reload_failures_total", "counter",
	     "Rule reloads refused for errors; the rules loaded before kept running.");
	fprintf(out, "vigil_rules_reload_failures_total %llu\n",
		(unsigned long long)snap->reload_failures);

	sink_metric(out, snap, "vigil_sink_sent_total", "counter",
		    "Entries a sink delivered (UDP: handed to the network).", SINK_SENT);
	if (snap->nsinks) {
		head(out, "vigil_sink_dropped_total", "counter",
		     "Entries a sink did not deliver: refused by its full queue, or lost.");
		for (i = 0; i < snap->nsinks; i++) {
			fputs("vigil_sink_dropped_total", out);
			sink_labels(out, &snap->sinks[i]);
			fprintf(out, ",reason=\"queue_full\"} %llu\n",
				(unsigned long long)snap->sinks[i].queue_full);
			fputs("vigil_sink_dropped_total", out);
			sink_labels(out, &snap->sinks[i]);
			fprintf(out, ",reason=\"lost\"} %llu\n",
				(unsigned long long)snap->sinks[i].lost);
		}
	}
	sink_metric(out, snap, "vigil_sink_errors_total", "counter",
		    "Failed writes, connects and opens of a sink.", SINK_ERRORS);
	sink_metric(out, snap, "vigil_sink_fallback_total", "counter",
		    "Entries written to stderr because the sink was unavailable.", SINK_FALLBACK);
	sink_metric(out, snap, "vigil_sink_queue_depth", "gauge",
		    "Entries waiting in a sink's queue.", SINK_DEPTH);
	sink_metric(out, snap, "vigil_sink_queue_capacity", "gauge",
		    "Entries a sink's queue holds at most.", SINK_CAPACITY);

	head(out, "vigil_processes_tracked", "gauge", "Processes in the process table.");
	fprintf(out, "vigil_processes_tracked %zu\n", snap->processes);
	head(out, "vigil_processes_evicted_total", "counter",
	     "Processes evicted from the full process table to make room.");
	fprintf(out, "vigil_processes_evicted_total %llu\n",
		(unsigned long long)snap->process_evictions);
	head(out, "vigil_containers_tracked", "gauge", "Container cgroups known.");
	fprintf(out, "vigil_containers_tracked %zu\n", snap->containers);
	head(out, "vigil_container_state_errors_total", "counter",
	     "Containers whose runtime state could not be read: malformed, or given up on.");
	fprintf(out, "vigil_container_state_errors_total{reason=\"malformed\"} %llu\n",
		(unsigned long long)snap->container_malformed);
	fprintf(out, "vigil_container_state_errors_total{reason=\"gave_up\"} %llu\n",
		(unsigned long long)snap->container_gave_up);
	head(out, "vigil_resident_memory_bytes", "gauge", "vigild's resident set size.");
	fprintf(out, "vigil_resident_memory_bytes %llu\n", (unsigned long long)snap->rss_bytes);

	head(out, "vigil_rule_evaluation_seconds", "histogram",
	     "Time to match one event against the rules (one event in 64 is timed).");
	for (i = 0; i < EVAL_BUCKETS; i++) {
		if (eval_bounds_ns[i] == UINT64_MAX)
			fputs("vigil_rule_evaluation_seconds_bucket{le=\"+Inf\"}", out);
		else
			fprintf(out, "vigil_rule_evaluation_seconds_bucket{le=\"%g\"}",
				eval_bounds_ns[i] / 1e9);
		fprintf(out, " %llu\n", (unsigned long long)snap->eval_buckets[i]);
	}
	fprintf(out, "vigil_rule_evaluation_seconds_sum %.9f\n", snap->eval_sum_ns / 1e9);
	fprintf(out, "vigil_rule_evaluation_seconds_count %llu\n",
		(unsigned long long)snap->eval_count);
	return ferror(out) ? -ENOMEM : 0;
}

void metrics__publish(struct metrics *m, const struct stats_snapshot *snap, uint64_t now_ns)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out;

	if (!m)
		return;
	out = open_memstream(&text, &len);
	if (!out)
		return;
	if (metrics__render(snap, out) < 0 || fclose(out) != 0) {
		free(text);
		return;
	}
	pthread_mutex_lock(&m->lock);
	free(m->text);
	m->text = text;
	m->len = len;
	m->published_ns = now_ns;
	pthread_mutex_unlock(&m->lock);
}

static enum MHD_Result reply(struct MHD_Connection *conn, unsigned int status, char *body,
			     size_t len, const char *type)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;

	resp = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	if (!resp) {
		free(body);
		return MHD_NO;
	}
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	ret = MHD_queue_response(conn, status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static enum MHD_Result reply_text(struct MHD_Connection *conn, unsigned int status,
				  const char *text)
{
	char *body = strdup(text);

	if (!body)
		return MHD_NO;
	return reply(conn, status, body, strlen(body), "text/plain; charset=utf-8");
}

static enum MHD_Result metrics__answer(void *cls, struct MHD_Connection *conn, const char *url,
				       const char *method, const char *version,
				       const char *upload_data, size_t *upload_data_size,
				       void **con_cls)
{
	struct metrics *m = cls;
	uint64_t published;
	char *body = NULL;
	size_t len = 0;

	(void)version;
	(void)upload_data;
	(void)upload_data_size;
	(void)con_cls;
	if (strcmp(method, MHD_HTTP_METHOD_GET) && strcmp(method, MHD_HTTP_METHOD_HEAD))
		return reply_text(conn, MHD_HTTP_METHOD_NOT_ALLOWED, "GET or HEAD only\n");
	if (!strcmp(url, "/metrics")) {
		pthread_mutex_lock(&m->lock);
		if (m->text) {
			body = malloc(m->len ? m->len : 1);
			if (body) {
				memcpy(body, m->text, m->len);
				len = m->len;
			}
		}
		pthread_mutex_unlock(&m->lock);
		if (!body)
			return reply_text(conn, MHD_HTTP_SERVICE_UNAVAILABLE, "starting\n");
		return reply(conn, MHD_HTTP_OK, body, len,
			     "text/plain; version=0.0.4; charset=utf-8");
	}
	if (!strcmp(url, "/healthz")) {
		pthread_mutex_lock(&m->lock);
		published = m->published_ns;
		pthread_mutex_unlock(&m->lock);
		if (!published || clock__ns(CLOCK_MONOTONIC) - published > HEALTHZ_STALE_NS)
			return reply_text(conn, MHD_HTTP_SERVICE_UNAVAILABLE,
					  "event loop not running\n");
		return reply_text(conn, MHD_HTTP_OK, "ok\n");
	}
	return reply_text(conn, MHD_HTTP_NOT_FOUND, "/metrics or /healthz\n");
}

int metrics__start(struct metrics **out, const char *address)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_PASSIVE | AI_NUMERICSERV };
	char host[256], port[8];
	struct addrinfo *res;
	struct metrics *m;
	unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD;

	if (hostport__split(address, host, sizeof(host), port, sizeof(port)) < 0)
		return -EINVAL;
	if (getaddrinfo(host, port, &hints, &res) != 0)
		return -EADDRNOTAVAIL;
	m = calloc(1, sizeof(*m));
	if (!m) {
		freeaddrinfo(res);
		return -ENOMEM;
	}
	pthread_mutex_init(&m->lock, NULL);
	if (res->ai_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	errno = 0;
	m->daemon = MHD_start_daemon(flags, 0, NULL, NULL, metrics__answer, m,
				     MHD_OPTION_SOCK_ADDR, res->ai_addr,
				     MHD_OPTION_CONNECTION_LIMIT, METRICS_CONNECTIONS_MAX,
				     MHD_OPTION_CONNECTION_TIMEOUT, METRICS_TIMEOUT_S,
				     MHD_OPTION_END);
	freeaddrinfo(res);
	if (!m->daemon) {
		int err = errno ? -errno : -EADDRNOTAVAIL;

		pthread_mutex_destroy(&m->lock);
		free(m);
		return err;
	}
	*out = m;
	return 0;
}

void metrics__stop(struct metrics *m)
{
	if (!m)
		return;
	MHD_stop_daemon(m->daemon);
	pthread_mutex_destroy(&m->lock);
	free(m->text);
	free(m);
}
