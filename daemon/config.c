// SPDX-License-Identifier: GPL-2.0-only
/*
 * vigild's settings: /etc/vigil/vigil.yaml (or -c PATH) over built-in
 * defaults, then the command line over both. etc/vigil.yaml documents every
 * key. A key vigild does not know is an error, not a silent no-op: a typo in
 * "min_priority" must not quietly send everything, or nothing.
 */
#include <errno.h>
#include <math.h> /* isfinite */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

#include "vigil.h"

#define NSEC_PER_SEC 1000000000ull
#define QUEUE_SIZE_MAX (1u << 20)
#define SECONDS_MAX 86400.0
#define MAX_KEYS_MAX (1u << 20)
#define SYSLOG_SIZE_MIN 480   /* RFC 5424 section 6.1: every receiver takes this much */
#define SYSLOG_SIZE_MAX 65000 /* and a UDP datagram holds no more */

void config__defaults(struct config *c)
{
	memset(c, 0, sizeof(*c));
	c->sinks[0].type = SINK_JOURNALD;
	c->sinks[0].min_priority = PRIORITY_DEBUG;
	c->sinks[0].queue_size = SINK_QUEUE_DEFAULT;
	c->nsinks = 1;
	c->ratelimit.enabled = true;
	c->ratelimit.burst = 10;
	c->ratelimit.rate = 0.1;
	c->ratelimit.summary_interval_ns = 60 * NSEC_PER_SEC;
	c->ratelimit.max_keys = 4096;
	c->rule_matching = RULE_MATCHING_FIRST;
	c->stats_interval_ns = 60 * NSEC_PER_SEC;
	c->operational_interval_ns = 60 * NSEC_PER_SEC;
	c->baseline_max_tuples = BASELINE_MAX_TUPLES_DEFAULT;
	c->baseline_max_scopes = BASELINE_MAX_SCOPES_DEFAULT;
	c->baseline_save_interval_ns = 60 * NSEC_PER_SEC;
	c->proc_ancestry_depth = PROC_ANCESTRY_DEPTH_DEFAULT;
	snprintf(c->state_dir, sizeof(c->state_dir), "%s", VIGIL_STATE_DIR);
	c->learn_syscalls = true;
	c->ring_buffer_bytes = RING_BUFFER_DEFAULT;
}

static void sink_config__free(struct sink_config *s)
{
	free(s->target);
	free(s->path);
	s->target = NULL;
	s->path = NULL;
}

static void config__free_sinks(struct config *c)
{
	size_t i;

	for (i = 0; i < c->nsinks; i++)
		sink_config__free(&c->sinks[i]);
	c->nsinks = 0;
}

void config__free(struct config *c)
{
	config__free_sinks(c);
	free(c->metrics_address);
	c->metrics_address = NULL;
}

/* Parsing */

struct cfg_parse {
	const char *path;
	FILE *err;
	int errors;
	yaml_document_t doc;
	struct config *c;
};

static void cfg__error(struct cfg_parse *p, const yaml_node_t *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void cfg__error(struct cfg_parse *p, const yaml_node_t *n, const char *fmt, ...)
{
	va_list ap;

	p->errors++;
	if (!p->err)
		return;
	fprintf(p->err, "%s:%zu:%zu: error: ", p->path, n->start_mark.line + 1,
		n->start_mark.column + 1);
	va_start(ap, fmt);
	vfprintf(p->err, fmt, ap);
	va_end(ap);
	fputc('\n', p->err);
}

static const char *scalar(const yaml_node_t *n)
{
	return n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

/* The value as a string, or an error that it is not one. */
static const char *cfg__scalar(struct cfg_parse *p, const char *key, const yaml_node_t *n)
{
	const char *s = scalar(n);

	if (!s) {
		cfg__error(p, n, "'%s' must be a single value", key);
		return NULL;
	}
	return s;
}

static bool cfg__bool(struct cfg_parse *p, const char *key, const yaml_node_t *n, bool *out)
{
	static const char *const yes[] = { "true", "yes", "on" };
	static const char *const no[] = { "false", "no", "off" };
	const char *s = cfg__scalar(p, key, n);
	size_t i;

	if (!s)
		return false;
	for (i = 0; i < 3; i++) {
		if (!strcasecmp(s, yes[i]) || !strcasecmp(s, no[i])) {
			*out = !strcasecmp(s, yes[i]);
			return true;
		}
	}
	cfg__error(p, n, "'%s' must be true or false, not '%s'", key, s);
	return false;
}

static bool cfg__whole(struct cfg_parse *p, const char *key, const yaml_node_t *n,
		       unsigned long min, unsigned long max, size_t *out)
{
	const char *s = cfg__scalar(p, key, n);
	unsigned long v;
	char *end;

	if (!s)
		return false;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (*s < '0' || *s > '9' || *end || errno || v < min || v > max) {
		cfg__error(p, n, "'%s' must be a whole number from %lu to %lu, not '%s'", key, min,
			   max, s);
		return false;
	}
	*out = v;
	return true;
}

static bool cfg__number(struct cfg_parse *p, const char *key, const yaml_node_t *n, double min,
			bool min_open, double max, double *out)
{
	const char *s = cfg__scalar(p, key, n);
	double v;
	char *end;

	if (!s)
		return false;
	errno = 0;
	v = strtod(s, &end);
	if (!*s || *end || errno || !isfinite(v) || v < min || (min_open && v == min) ||
	    v > max) {
		if (min_open)
			cfg__error(p, n, "'%s' must be a number above %g, at most %g, not '%s'",
				   key, min, max, s);
		else
			cfg__error(p, n, "'%s' must be a number from %g to %g, not '%s'", key, min,
				   max, s);
		return false;
	}
	*out = v;
	return true;
}

static bool cfg__seconds(struct cfg_parse *p, const char *key, const yaml_node_t *n, bool zero_ok,
			 uint64_t *out)
{
	double v;

	if (!cfg__number(p, key, n, 0, !zero_ok, SECONDS_MAX, &v))
		return false;
	*out = (uint64_t)(v * NSEC_PER_SEC);
	return true;
}

/* A size in bytes, with an optional K, M or G (powers of 1024): "64K", "8M". */
static void cfg__ring_size(struct cfg_parse *p, const char *key, const yaml_node_t *n,
			  size_t *out)
{
	const char *s = cfg__scalar(p, key, n);
	unsigned long long v;
	unsigned int shift = 0;
	char *end;

	if (!s)
		return;
	if (!strcmp(s, "auto")) {
		*out = 0;
		return;
	}
	errno = 0;
	v = strtoull(s, &end, 10);
	if (*end && !end[1])
		shift = *end == 'K' ? 10 : *end == 'M' ? 20 : *end == 'G' ? 30 : 0;
	if (*s >= '0' && *s <= '9' && !errno && (!*end || shift) && v <= RING_BUFFER_MAX &&
	    (v << shift) >= RING_BUFFER_MIN && (v << shift) <= RING_BUFFER_MAX &&
	    !((v << shift) & ((v << shift) - 1))) {
		*out = v << shift;
		return;
	}
	cfg__error(p, n, "'%s' must be auto or a power of two from 64K to 1G (bytes, or with K, "
		   "M or G), not '%s'", key, s);
}

static bool cfg__priority(struct cfg_parse *p, const yaml_node_t *n, enum rule_priority *out)
{
	const char *s = cfg__scalar(p, "min_priority", n);
	int i;

	if (!s)
		return false;
	for (i = PRIORITY_EMERGENCY; i <= PRIORITY_DEBUG; i++) {
		if (!strcasecmp(s, priority__name(i))) {
			*out = i;
			return true;
		}
	}
	if (!strcasecmp(s, "info")) {
		*out = PRIORITY_INFORMATIONAL;
		return true;
	}
	cfg__error(p, n,
		   "unknown priority '%s' (expected emergency, alert, critical, error, warning, "
		   "notice, informational or debug)",
		   s);
	return false;
}

static char *cfg__strdup(struct cfg_parse *p, const yaml_node_t *n, const char *s)
{
	char *d = strdup(s);

	if (!d)
		cfg__error(p, n, "out of memory");
	return d;
}

typedef void (*cfg_key_fn)(struct cfg_parse *p, void *ctx, const char *key, const yaml_node_t *k,
			   const yaml_node_t *v);

/*
 * Calls fn for each key of a mapping; a repeated key is an error (YAML says
 * so, and libyaml lets it through).
 */
static void cfg__mapping(struct cfg_parse *p, const char *what, const yaml_node_t *n,
			 cfg_key_fn fn, void *ctx)
{
	yaml_node_pair_t *pair, *q;
	const yaml_node_t *k, *v;
	const char *key;

	if (n->type != YAML_MAPPING_NODE) {
		cfg__error(p, n, "%s must be a mapping of keys to values", what);
		return;
	}
	for (pair = n->data.mapping.pairs.start; pair < n->data.mapping.pairs.top; pair++) {
		k = yaml_document_get_node(&p->doc, pair->key);
		v = yaml_document_get_node(&p->doc, pair->value);
		key = scalar(k);
		if (!key) {
			cfg__error(p, k, "a key must be a plain name");
			continue;
		}
		for (q = n->data.mapping.pairs.start; q < pair; q++) {
			const char *prev = scalar(yaml_document_get_node(&p->doc, q->key));

			if (prev && !strcmp(prev, key))
				break;
		}
		if (q < pair) {
			cfg__error(p, k, "duplicate key '%s'", key);
			continue;
		}
		fn(p, ctx, key, k, v);
	}
}

/* A key of the sink's mapping, with the node where its value is. */
static const yaml_node_t *mapping__get(struct cfg_parse *p, const yaml_node_t *n, const char *key)
{
	yaml_node_pair_t *pair;
	const char *s;

	for (pair = n->data.mapping.pairs.start; pair < n->data.mapping.pairs.top; pair++) {
		s = scalar(yaml_document_get_node(&p->doc, pair->key));
		if (s && !strcmp(s, key))
			return yaml_document_get_node(&p->doc, pair->value);
	}
	return NULL;
}

static const char *const sink_type_names[SINK_TYPE_MAX] = {
	[SINK_JOURNALD] = "journald",
	[SINK_SYSLOG] = "syslog",
	[SINK_JSON] = "json",
};

static void sink__key(struct cfg_parse *p, void *ctx, const char *key, const yaml_node_t *k,
		      const yaml_node_t *v)
{
	struct sink_config *s = ctx;
	const char *str, *why;
	struct syslog_target t;
	int fac;

	if (!strcmp(key, "type"))
		return; /* read first, by sink__parse */
	if (!strcmp(key, "min_priority")) {
		cfg__priority(p, v, &s->min_priority);
		return;
	}
	if (!strcmp(key, "queue_size")) {
		cfg__whole(p, key, v, 1, QUEUE_SIZE_MAX, &s->queue_size);
		return;
	}
	if (s->type == SINK_SYSLOG && !strcmp(key, "target")) {
		str = cfg__scalar(p, key, v);
		if (!str)
			return;
		if (syslog_target__parse(str, &t, &why) < 0) {
			cfg__error(p, v, "invalid target '%s': %s", str, why);
			return;
		}
		free(s->target);
		s->target = cfg__strdup(p, v, str);
		return;
	}
	if (s->type == SINK_SYSLOG && !strcmp(key, "format")) {
		str = cfg__scalar(p, key, v);
		if (str && !strcasecmp(str, "rfc5424"))
			s->format = SYSLOG_RFC5424;
		else if (str && !strcasecmp(str, "rfc3164"))
			s->format = SYSLOG_RFC3164;
		else if (str)
			cfg__error(p, v, "'format' must be rfc5424 or rfc3164, not '%s'", str);
		return;
	}
	if (s->type == SINK_SYSLOG && !strcmp(key, "facility")) {
		str = cfg__scalar(p, key, v);
		if (!str)
			return;
		fac = syslog_facility__parse(str);
		if (fac >= 0) {
			s->facility = fac;
			return;
		}
		cfg__error(p, v,
			   "unknown facility '%s' (expected kern, user, mail, daemon, auth, "
			   "syslog, lpr, news, uucp, cron, authpriv, ftp, ntp, audit, alert, "
			   "clock or local0 to local7)",
			   str);
		return;
	}
	if (s->type == SINK_SYSLOG && !strcmp(key, "max_size")) {
		cfg__whole(p, key, v, SYSLOG_SIZE_MIN, SYSLOG_SIZE_MAX, &s->max_size);
		return;
	}
	if (s->type == SINK_JSON && !strcmp(key, "path")) {
		str = cfg__scalar(p, key, v);
		if (!str)
			return;
		if (!*str) {
			cfg__error(p, v, "'path' must not be empty (\"-\" is stdout)");
			return;
		}
		free(s->path);
		s->path = cfg__strdup(p, v, str);
		return;
	}
	cfg__error(p, k, "unknown key '%s' for a %s sink", key, sink_type_names[s->type]);
}

static void sink__parse(struct cfg_parse *p, const yaml_node_t *n)
{
	struct config *c = p->c;
	const yaml_node_t *tn;
	struct sink_config s = {
		.min_priority = PRIORITY_DEBUG,
		.queue_size = SINK_QUEUE_DEFAULT,
		.facility = SYSLOG_FACILITY_DEFAULT,
	};
	struct syslog_target t;
	bool format_given;
	const char *type, *why;
	size_t i;
	int before = p->errors;

	if (n->type != YAML_MAPPING_NODE) {
		cfg__error(p, n, "a sink must be a mapping with a 'type'");
		return;
	}
	tn = mapping__get(p, n, "type");
	if (!tn) {
		cfg__error(p, n, "sink without 'type' (journald, syslog or json)");
		return;
	}
	type = cfg__scalar(p, "type", tn);
	if (!type)
		return;
	for (i = 0; i < SINK_TYPE_MAX; i++) {
		if (!strcmp(type, sink_type_names[i]))
			break;
	}
	if (i == SINK_TYPE_MAX) {
		cfg__error(p, tn, "unknown sink type '%s' (expected journald, syslog or json)",
			   type);
		return;
	}
	s.type = i;
	format_given = s.type == SINK_SYSLOG && mapping__get(p, n, "format");
	cfg__mapping(p, "a sink", n, sink__key, &s);
	if (s.type == SINK_SYSLOG && !s.target && p->errors == before)
		cfg__error(p, n, "syslog sink without 'target' (unix:///dev/log, udp://HOST:PORT "
				 "or tcp://HOST:PORT)");
	if (s.type == SINK_JSON && !s.path && p->errors == before)
		cfg__error(p, n, "json sink without 'path' (a file, or \"-\" for stdout)");
	for (i = 0; s.type == SINK_JOURNALD && i < c->nsinks; i++) {
		if (c->sinks[i].type == SINK_JOURNALD) {
			cfg__error(p, n, "a second journald sink");
			break;
		}
	}
	if (c->nsinks == SINKS_MAX) {
		cfg__error(p, n, "too many sinks (at most %d)", SINKS_MAX);
	}
	if (p->errors != before) {
		sink_config__free(&s);
		return;
	}
	/*
	 * What the local socket's readers parse (journald, rsyslog's imuxsock
	 * unless told otherwise) is what syslog(3) writes: RFC 3164. A network
	 * collector gets RFC 5424.
	 */
	if (s.type == SINK_SYSLOG && !format_given) {
		syslog_target__parse(s.target, &t, &why);
		s.format = t.transport == SYSLOG_UNIX ? SYSLOG_RFC3164 : SYSLOG_RFC5424;
	}
	c->sinks[c->nsinks++] = s;
}

static void sinks__parse(struct cfg_parse *p, const yaml_node_t *n)
{
	yaml_node_item_t *item;

	if (n->type != YAML_SEQUENCE_NODE) {
		cfg__error(p, n, "'sinks' must be a list of sinks");
		return;
	}
	/* The list replaces the default (journald alone). */
	config__free_sinks(p->c);
	for (item = n->data.sequence.items.start; item < n->data.sequence.items.top; item++)
		sink__parse(p, yaml_document_get_node(&p->doc, *item));
}

static void ratelimit__key(struct cfg_parse *p, void *ctx, const char *key, const yaml_node_t *k,
			   const yaml_node_t *v)
{
	struct ratelimit_config *r = ctx;
	size_t n;

	if (!strcmp(key, "enabled")) {
		cfg__bool(p, key, v, &r->enabled);
	} else if (!strcmp(key, "rate")) {
		cfg__number(p, key, v, 0, true, 1e6, &r->rate);
	} else if (!strcmp(key, "burst")) {
		if (cfg__whole(p, key, v, 1, 1000000, &n))
			r->burst = n;
	} else if (!strcmp(key, "summary_interval")) {
		cfg__seconds(p, key, v, false, &r->summary_interval_ns);
	} else if (!strcmp(key, "max_keys")) {
		cfg__whole(p, key, v, 1, MAX_KEYS_MAX, &r->max_keys);
	} else {
		cfg__error(p, k, "unknown key '%s' in rate_limit", key);
	}
}

static void metrics__key(struct cfg_parse *p, void *ctx, const char *key, const yaml_node_t *k,
			 const yaml_node_t *v)
{
	char host[256], port[8];
	const char *s;

	(void)ctx;
	if (strcmp(key, "address")) {
		cfg__error(p, k, "unknown key '%s' in metrics", key);
		return;
	}
	s = cfg__scalar(p, key, v);
	if (!s)
		return;
	free(p->c->metrics_address);
	p->c->metrics_address = NULL;
	/* Empty: off, as when absent. */
	if (!*s)
		return;
	if (hostport__split(s, host, sizeof(host), port, sizeof(port)) < 0) {
		cfg__error(p, v, "invalid metrics address '%s': expected ADDRESS:PORT, as "
				 "127.0.0.1:9376 or [::1]:9376", s);
		return;
	}
	p->c->metrics_address = cfg__strdup(p, v, s);
}

static void anomaly__key(struct cfg_parse *p, void *ctx, const char *key, const yaml_node_t *k,
			 const yaml_node_t *v)
{
	struct config *c = ctx;
	double secs;

	if (!strcmp(key, "learning_period")) {
		/* Up to a year; tests use a few seconds. */
		if (cfg__number(p, key, v, 0, false, 366 * SECONDS_MAX, &secs))
			c->anomaly_learning_s = (uint64_t)secs;
	} else if (!strcmp(key, "max_tuples")) {
		cfg__whole(p, key, v, 1, MAX_KEYS_MAX, &c->baseline_max_tuples);
	} else if (!strcmp(key, "max_scopes")) {
		cfg__whole(p, key, v, 1, MAX_KEYS_MAX, &c->baseline_max_scopes);
	} else if (!strcmp(key, "save_interval")) {
		cfg__seconds(p, key, v, false, &c->baseline_save_interval_ns);
	} else {
		cfg__error(p, k, "unknown key '%s' in anomaly", key);
	}
}

static void top__key(struct cfg_parse *p, void *ctx, const char *key, const yaml_node_t *k,
		     const yaml_node_t *v)
{
	struct config *c = p->c;
	const char *s;

	(void)ctx;
	if (!strcmp(key, "sinks")) {
		sinks__parse(p, v);
	} else if (!strcmp(key, "rate_limit")) {
		cfg__mapping(p, "'rate_limit'", v, ratelimit__key, &c->ratelimit);
	} else if (!strcmp(key, "rule_matching")) {
		s = cfg__scalar(p, key, v);
		if (s && !strcmp(s, "first"))
			c->rule_matching = RULE_MATCHING_FIRST;
		else if (s && !strcmp(s, "all"))
			c->rule_matching = RULE_MATCHING_ALL;
		else if (s)
			cfg__error(p, v, "'rule_matching' must be first or all, not '%s'", s);
	} else if (!strcmp(key, "watch_rules")) {
		cfg__bool(p, key, v, &c->watch_rules);
	} else if (!strcmp(key, "stats_interval")) {
		cfg__seconds(p, key, v, true, &c->stats_interval_ns);
	} else if (!strcmp(key, "operational_interval")) {
		cfg__seconds(p, key, v, true, &c->operational_interval_ns);
	} else if (!strcmp(key, "metrics")) {
		cfg__mapping(p, "'metrics'", v, metrics__key, NULL);
	} else if (!strcmp(key, "state_dir")) {
		s = cfg__scalar(p, key, v);
		if (s && (s[0] != '/' || strlen(s) >= sizeof(c->state_dir)))
			cfg__error(p, v, "'state_dir' must be an absolute path shorter than %zu "
					 "characters, not '%s'", sizeof(c->state_dir), s);
		else if (s)
			snprintf(c->state_dir, sizeof(c->state_dir), "%s", s);
	} else if (!strcmp(key, "learn_syscalls")) {
		cfg__bool(p, key, v, &c->learn_syscalls);
	} else if (!strcmp(key, "anomaly")) {
		cfg__mapping(p, "'anomaly'", v, anomaly__key, c);
	} else if (!strcmp(key, "proc_ancestry_depth")) {
		cfg__whole(p, key, v, 1, PROC_ANCESTRY_DEPTH_MAX, &c->proc_ancestry_depth);
	} else if (!strcmp(key, "ring_buffer_size")) {
		cfg__ring_size(p, key, v, &c->ring_buffer_bytes);
	} else {
		cfg__error(p, k, "unknown key '%s'", key);
	}
}

static void cfg__yaml_error(struct cfg_parse *p, const yaml_parser_t *yp)
{
	p->errors++;
	if (!p->err)
		return;
	if (yp->error == YAML_MEMORY_ERROR) {
		fprintf(p->err, "%s: error: out of memory\n", p->path);
		return;
	}
	fprintf(p->err, "%s:%zu:%zu: error: invalid YAML: %s", p->path,
		yp->problem_mark.line + 1, yp->problem_mark.column + 1,
		yp->problem ? yp->problem : "error");
	if (yp->context)
		fprintf(p->err, " (%s at line %zu)", yp->context, yp->context_mark.line + 1);
	fputc('\n', p->err);
}

int config__load(struct config *c, const char *path, FILE *err)
{
	struct cfg_parse p = { .path = path, .err = err, .c = c };
	yaml_parser_t parser;
	yaml_node_t *root;
	FILE *f;
	int ret;

	f = fopen(path, "re");
	if (!f)
		return -errno;
	if (!yaml_parser_initialize(&parser)) {
		fclose(f);
		return -ENOMEM;
	}
	yaml_parser_set_input_file(&parser, f);
	if (!yaml_parser_load(&parser, &p.doc)) {
		cfg__yaml_error(&p, &parser);
		yaml_parser_delete(&parser);
		fclose(f);
		return -EINVAL;
	}
	root = yaml_document_get_root_node(&p.doc);
	/* An empty file, or one of comments only, keeps the defaults. */
	if (root && !(root->type == YAML_SCALAR_NODE && !root->data.scalar.length))
		cfg__mapping(&p, "the configuration", root, top__key, NULL);
	yaml_document_delete(&p.doc);
	yaml_parser_delete(&parser);
	ret = ferror(f) ? -EIO : 0;
	fclose(f);
	return p.errors ? -EINVAL : ret;
}

/* The command line */

static void config__drop_sinks(struct config *c, enum sink_type type, bool is_stdout)
{
	size_t i, j = 0;

	for (i = 0; i < c->nsinks; i++) {
		struct sink_config *s = &c->sinks[i];

		bool match = s->type == type &&
			     (type != SINK_JSON || (strcmp(s->path, "-") == 0) == is_stdout);

		if (match) {
			sink_config__free(s);
			continue;
		}
		c->sinks[j++] = *s;
	}
	c->nsinks = j;
}

static int config__add_sink(struct config *c, const struct sink_config *s, FILE *err)
{
	if (c->nsinks == SINKS_MAX) {
		fprintf(err, "too many sinks (at most %d)\n", SINKS_MAX);
		return -E2BIG;
	}
	c->sinks[c->nsinks++] = *s;
	return 0;
}

int config__apply_flags(struct config *c, const struct config_flags *f, FILE *err)
{
	char host[256], port[8];
	struct syslog_target t;
	struct sink_config s;
	const char *why;
	size_t i;
	int ret;

	if (f->nsyslog)
		config__drop_sinks(c, SINK_SYSLOG, false);
	for (i = 0; i < f->nsyslog; i++) {
		if (syslog_target__parse(f->syslog[i], &t, &why) < 0) {
			fprintf(err, "--syslog: invalid target '%s': %s\n", f->syslog[i], why);
			return -EINVAL;
		}
		s = (struct sink_config){
			.type = SINK_SYSLOG,
			.min_priority = PRIORITY_DEBUG,
			.queue_size = SINK_QUEUE_DEFAULT,
			.format = t.transport == SYSLOG_UNIX ? SYSLOG_RFC3164 : SYSLOG_RFC5424,
			.facility = SYSLOG_FACILITY_DEFAULT,
			.target = strdup(f->syslog[i]),
		};
		ret = s.target ? config__add_sink(c, &s, err) : -ENOMEM;
		if (ret) {
			free(s.target);
			return ret;
		}
	}
	if (f->json_file) {
		config__drop_sinks(c, SINK_JSON, false);
		s = (struct sink_config){
			.type = SINK_JSON,
			.min_priority = PRIORITY_DEBUG,
			.queue_size = SINK_QUEUE_DEFAULT,
			.path = strdup(f->json_file),
		};
		ret = s.path ? config__add_sink(c, &s, err) : -ENOMEM;
		if (ret) {
			free(s.path);
			return ret;
		}
	}
	if (f->json_stdout) {
		config__drop_sinks(c, SINK_JSON, true);
		s = (struct sink_config){
			.type = SINK_JSON,
			.min_priority = PRIORITY_DEBUG,
			.queue_size = SINK_QUEUE_DEFAULT,
			.path = strdup("-"),
		};
		ret = s.path ? config__add_sink(c, &s, err) : -ENOMEM;
		if (ret) {
			free(s.path);
			return ret;
		}
	}
	if (f->metrics) {
		if (hostport__split(f->metrics, host, sizeof(host), port, sizeof(port)) < 0) {
			fprintf(err, "--metrics: invalid address '%s': expected ADDRESS:PORT, as "
				     "127.0.0.1:9376 or [::1]:9376\n", f->metrics);
			return -EINVAL;
		}
		free(c->metrics_address);
		c->metrics_address = strdup(f->metrics);
		if (!c->metrics_address)
			return -ENOMEM;
	}
	return 0;
}
