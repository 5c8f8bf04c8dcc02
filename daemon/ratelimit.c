// SPDX-License-Identifier: GPL-2.0-only
/*
 * No floods: a container that opens /etc/shadow in a loop must not bury the
 * SOC, or vigild's own sinks, under identical alerts. Each (rule, container)
 * has a token bucket: burst alerts go at once, then rate per second. What the
 * bucket holds back is counted, and said in one summary alert when the burst
 * ends (the bucket has filled up again: the alerts have slowed below the
 * rate for burst/rate seconds) or, while it goes on, every summary_interval.
 *
 * The clock is the caller's, so tests drive it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vigil.h"

#define RL_BUCKETS 1024
#define NSEC_PER_SEC 1000000000ull

struct rl_entry {
	struct rl_entry *next;
	uint64_t hash;
	struct ratelimit_key key; /* strings owned */
	double tokens;
	uint64_t refilled_ns;
	uint64_t suppressed;
	uint64_t first_ns;        /* of the first alert held back */
};

struct ratelimit {
	struct ratelimit_config cfg;
	struct rl_entry *buckets[RL_BUCKETS];
	size_t nkeys;
	uint64_t suppressed;
	uint64_t summaries;
	uint64_t untracked;
};

struct ratelimit *ratelimit__new(const struct ratelimit_config *c)
{
	struct ratelimit *rl;

	if (c->rate <= 0 || c->burst < 1)
		return NULL;
	rl = calloc(1, sizeof(*rl));
	if (!rl)
		return NULL;
	rl->cfg = *c;
	return rl;
}

static void entry__free(struct rl_entry *e)
{
	size_t i;

	free((char *)e->key.rule);
	free((char *)e->key.container_id);
	free((char *)e->key.container_name);
	for (i = 0; i < e->key.ntags; i++)
		free((char *)e->key.tags[i]);
	free((char **)e->key.tags);
	free(e);
}

void ratelimit__free(struct ratelimit *rl)
{
	struct rl_entry *e, *next;
	size_t b;

	if (!rl)
		return;
	for (b = 0; b < RL_BUCKETS; b++) {
		for (e = rl->buckets[b]; e; e = next) {
			next = e->next;
			entry__free(e);
		}
	}
	free(rl);
}

/* FNV-1a over the rule name, a separator, and the container id. */
static uint64_t key__hash(const struct ratelimit_key *k)
{
	uint64_t h = 0xcbf29ce484222325ull;
	const unsigned char *p;

	for (p = (const unsigned char *)k->rule; *p; p++)
		h = (h ^ *p) * 0x100000001b3ull;
	h = (h ^ 0xff) * 0x100000001b3ull;
	for (p = (const unsigned char *)k->container_id; *p; p++)
		h = (h ^ *p) * 0x100000001b3ull;
	return h;
}

static char *str__dup(const char *s)
{
	return strdup(s ? s : "");
}

static struct rl_entry *entry__new(const struct ratelimit_key *k, uint64_t hash)
{
	struct rl_entry *e;
	const char **tags;
	size_t i;

	e = calloc(1, sizeof(*e));
	tags = calloc(k->ntags ? k->ntags : 1, sizeof(*tags));
	if (!e || !tags) {
		free(e);
		free(tags);
		return NULL;
	}
	e->hash = hash;
	e->key.priority = k->priority;
	e->key.tags = tags;
	e->key.rule = str__dup(k->rule);
	e->key.container_id = str__dup(k->container_id);
	e->key.container_name = str__dup(k->container_name);
	if (!e->key.rule || !e->key.container_id || !e->key.container_name)
		goto err;
	for (i = 0; i < k->ntags; i++) {
		tags[i] = str__dup(k->tags[i]);
		if (!tags[i])
			goto err;
		e->key.ntags++;
	}
	return e;
err:
	entry__free(e);
	return NULL;
}

static void entry__refill(const struct ratelimit *rl, struct rl_entry *e, uint64_t now_ns)
{
	if (now_ns > e->refilled_ns) {
		e->tokens += (double)(now_ns - e->refilled_ns) * rl->cfg.rate / NSEC_PER_SEC;
		if (e->tokens > rl->cfg.burst)
			e->tokens = rl->cfg.burst;
	}
	e->refilled_ns = now_ns;
}

bool ratelimit__allow(struct ratelimit *rl, const struct ratelimit_key *key, uint64_t now_ns)
{
	struct ratelimit_key k = *key;
	struct rl_entry *e;
	uint64_t hash;
	size_t b;

	if (!rl)
		return true;
	if (!k.rule)
		k.rule = "";
	if (!k.container_id)
		k.container_id = "";
	hash = key__hash(&k);
	b = hash % RL_BUCKETS;
	for (e = rl->buckets[b]; e; e = e->next) {
		if (e->hash == hash && !strcmp(e->key.rule, k.rule) &&
		    !strcmp(e->key.container_id, k.container_id))
			break;
	}
	if (!e) {
		/* Better an alert too many than one hidden without a trace. */
		if (rl->nkeys >= rl->cfg.max_keys || !(e = entry__new(&k, hash))) {
			rl->untracked++;
			return true;
		}
		e->tokens = rl->cfg.burst;
		e->refilled_ns = now_ns;
		e->next = rl->buckets[b];
		rl->buckets[b] = e;
		rl->nkeys++;
	}
	/* The name may have become known since the first alert. */
	if (!*e->key.container_name && k.container_name && *k.container_name) {
		char *name = strdup(k.container_name);

		if (name) {
			free((char *)e->key.container_name);
			e->key.container_name = name;
		}
	}
	entry__refill(rl, e, now_ns);
	if (e->tokens >= 1) {
		e->tokens -= 1;
		return true;
	}
	if (!e->suppressed)
		e->first_ns = now_ns;
	e->suppressed++;
	rl->suppressed++;
	return false;
}

bool ratelimit__allow_alert(struct ratelimit *rl, const struct alert *alert, uint64_t now_ns)
{
	const char *tags[64];
	struct ratelimit_key k = {
		.rule = rule__name(alert->rule),
		.priority = rule__priority(alert->rule),
		.tags = tags,
	};
	size_t i, ntags = rule__ntags(alert->rule);

	if (!rl)
		return true;
	for (i = 0; i < ntags && k.ntags < sizeof(tags) / sizeof(tags[0]); i++) {
		if (rule__tag(alert->rule, i))
			tags[k.ntags++] = rule__tag(alert->rule, i);
	}
	for (i = 0; i < alert->nfields && i < ALERT_FIELDS_MAX; i++) {
		const struct alert_field *f = &alert->fields[i];

		if (!f->name || !f->value)
			continue;
		if (!strcmp(f->name, "container.id"))
			k.container_id = f->value;
		else if (!strcmp(f->name, "container.name"))
			k.container_name = f->value;
	}
	return ratelimit__allow(rl, &k, now_ns);
}

static void entry__summarise(struct ratelimit *rl, struct rl_entry *e, uint64_t now_ns,
			     ratelimit_summary_fn fn, void *ctx)
{
	struct ratelimit_summary s = {
		.key = &e->key,
		.suppressed = e->suppressed,
		.window_ns = now_ns > e->first_ns ? now_ns - e->first_ns : 0,
	};

	rl->summaries++;
	e->suppressed = 0;
	if (fn)
		fn(ctx, &s);
}

static void ratelimit__sweep(struct ratelimit *rl, uint64_t now_ns, bool all,
			     ratelimit_summary_fn fn, void *ctx)
{
	struct rl_entry **pe, *e;
	bool full;
	size_t b;

	if (!rl)
		return;
	for (b = 0; b < RL_BUCKETS; b++) {
		pe = &rl->buckets[b];
		while ((e = *pe)) {
			entry__refill(rl, e, now_ns);
			full = e->tokens >= rl->cfg.burst;
			if (e->suppressed &&
			    (all || full || now_ns - e->first_ns >= rl->cfg.summary_interval_ns))
				entry__summarise(rl, e, now_ns, fn, ctx);
			/* A full bucket with nothing held back is what a new key
			 * starts with: forget it. */
			if (!e->suppressed && full) {
				*pe = e->next;
				entry__free(e);
				rl->nkeys--;
				continue;
			}
			pe = &e->next;
		}
	}
}

void ratelimit__tick(struct ratelimit *rl, uint64_t now_ns, ratelimit_summary_fn fn, void *ctx)
{
	ratelimit__sweep(rl, now_ns, false, fn, ctx);
}

void ratelimit__flush(struct ratelimit *rl, uint64_t now_ns, ratelimit_summary_fn fn, void *ctx)
{
	ratelimit__sweep(rl, now_ns, true, fn, ctx);
}

uint64_t ratelimit__suppressed(const struct ratelimit *rl)
{
	return rl ? rl->suppressed : 0;
}

uint64_t ratelimit__summaries(const struct ratelimit *rl)
{
	return rl ? rl->summaries : 0;
}

uint64_t ratelimit__untracked(const struct ratelimit *rl)
{
	return rl ? rl->untracked : 0;
}

size_t ratelimit__keys(const struct ratelimit *rl)
{
	return rl ? rl->nkeys : 0;
}

struct sink_record *ratelimit_summary__record(const struct ratelimit_summary *s, uint64_t time_ns)
{
	const struct ratelimit_key *k = s->key;
	char message[ALERT_MESSAGE_MAX], count[24], seconds[24];
	uint64_t secs = (s->window_ns + NSEC_PER_SEC / 2) / NSEC_PER_SEC;
	const struct sink_field fields[] = {
		{ "container.id", k->container_id, false },
		{ "container.name", k->container_name, false },
		{ "suppressed", count, true },
		{ "suppressed.seconds", seconds, true },
	};
	struct sink_record_spec spec = {
		.kind = ALERT_KIND_SUMMARY,
		.priority = k->priority,
		.time_ns = time_ns,
		.rule = k->rule,
		.message = message,
		.tags = k->tags,
		.ntags = k->ntags,
		.fields = fields,
		.nfields = sizeof(fields) / sizeof(fields[0]),
	};

	if (!secs)
		secs = 1;
	snprintf(count, sizeof(count), "%llu", (unsigned long long)s->suppressed);
	snprintf(seconds, sizeof(seconds), "%llu", (unsigned long long)secs);
	snprintf(message, sizeof(message),
		 "%s: %llu more like this in the last %llu s (container_id=%s container_name=%s)",
		 k->rule, (unsigned long long)s->suppressed, (unsigned long long)secs,
		 k->container_id, k->container_name);
	return sink_record__new(&spec);
}
