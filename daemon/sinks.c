// SPDX-License-Identifier: GPL-2.0-only
/*
 * The way out for alerts. Each sink has its own bounded queue and thread, so
 * a collector that is slow or gone holds up its own queue only, never event
 * processing. A record is allocated once, self-contained (the rule set may be
 * reloaded while it waits), and shared by the queues it is on.
 *
 * Every record a sink takes ends counted as sent, written to the fallback
 * (stderr, journald's only), refused by a full queue, or lost (a collector
 * said so, a write failed for good, or vigild stopped before it went out).
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vigil.h"

#define SINK_BACKOFF_MIN_MS 250
#define SINK_BACKOFF_MAX_MS 10000
/* At exit, how long the queues may take to drain before the rest counts as lost. */
#define SINKS_DRAIN_MS 2000
#define NSEC_PER_MSEC 1000000ull
#define NSEC_PER_SEC 1000000000ull

static const char *const kind_names[ALERT_KIND_MAX] = {
	[ALERT_KIND_RULE] = "alert",
	[ALERT_KIND_SUMMARY] = "summary",
	[ALERT_KIND_OPERATIONAL] = "operational",
	[ALERT_KIND_STATS] = "stats",
};

/*
 * One MESSAGE_ID per kind, for `journalctl MESSAGE_ID=...` and the catalog
 * (systemd/vigil.catalog). They never change: collectors key on them.
 */
static const char *const kind_message_ids[ALERT_KIND_MAX] = {
	[ALERT_KIND_RULE] = "c6b18e658989425fabe8165cef0ace1d",
	[ALERT_KIND_SUMMARY] = "ace1225783894d838b1db9850049b89d",
	[ALERT_KIND_OPERATIONAL] = "1cb43a77bb9844c1af9e85608d835991",
	[ALERT_KIND_STATS] = "cbab06c2e29d4a11b88c047850d38ca9",
};

const char *alert_kind__name(enum alert_kind kind)
{
	return (unsigned int)kind < ALERT_KIND_MAX ? kind_names[kind] : "unknown";
}

const char *alert_kind__message_id(enum alert_kind kind)
{
	return (unsigned int)kind < ALERT_KIND_MAX ? kind_message_ids[kind]
						   : kind_message_ids[ALERT_KIND_OPERATIONAL];
}

uint64_t clock__ns(int clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (uint64_t)ts.tv_sec * NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
}

/* Records */

static size_t str__size(const char *s)
{
	return (s ? strlen(s) : 0) + 1;
}

/* Copies s (NULL as "") to *pos and returns the copy. */
static char *str__copy(char **pos, const char *s)
{
	char *out = *pos;
	size_t n = str__size(s);

	if (s)
		memcpy(out, s, n);
	else
		out[0] = '\0';
	*pos += n;
	return out;
}

struct sink_record *sink_record__new(const struct sink_record_spec *spec)
{
	size_t nfields = spec->nfields < ALERT_FIELDS_MAX ? spec->nfields : ALERT_FIELDS_MAX;
	size_t size = sizeof(struct sink_record), i;
	struct sink_record *rec;
	struct sink_field *fields;
	const char **tags;
	char *pos;

	size += spec->ntags * sizeof(char *) + nfields * sizeof(struct sink_field);
	size += str__size(spec->rule) + str__size(spec->message);
	for (i = 0; i < spec->ntags; i++)
		size += str__size(spec->tags[i]);
	for (i = 0; i < nfields; i++)
		size += str__size(spec->fields[i].name) + str__size(spec->fields[i].value);

	rec = malloc(size);
	if (!rec)
		return NULL;
	rec->refs = 1;
	rec->kind = spec->kind;
	rec->priority = spec->priority;
	rec->time_ns = spec->time_ns;
	tags = (const char **)(rec + 1);
	fields = (struct sink_field *)(tags + spec->ntags);
	pos = (char *)(fields + nfields);
	rec->rule = str__copy(&pos, spec->rule);
	rec->message = str__copy(&pos, spec->message);
	for (i = 0; i < spec->ntags; i++)
		tags[i] = str__copy(&pos, spec->tags[i]);
	for (i = 0; i < nfields; i++) {
		fields[i].name = str__copy(&pos, spec->fields[i].name);
		/* A value the event did not have stays NULL: JSON says null. */
		fields[i].value = spec->fields[i].value ? str__copy(&pos, spec->fields[i].value)
							: (pos++, NULL);
		fields[i].numeric = spec->fields[i].numeric;
	}
	rec->tags = tags;
	rec->ntags = spec->ntags;
	rec->fields = fields;
	rec->nfields = nfields;
	return rec;
}

struct sink_record *sink_record__from_alert(const struct alert *alert)
{
	const char *tags[64];
	struct sink_field fields[ALERT_FIELDS_MAX];
	struct sink_record_spec spec = {
		.kind = ALERT_KIND_RULE,
		.priority = rule__priority(alert->rule),
		.time_ns = alert->time_ns,
		.rule = rule__name(alert->rule),
		.message = alert->message,
		.tags = tags,
		.fields = fields,
	};
	size_t i, ntags = rule__ntags(alert->rule);

	for (i = 0; i < ntags && spec.ntags < sizeof(tags) / sizeof(tags[0]); i++) {
		if (rule__tag(alert->rule, i))
			tags[spec.ntags++] = rule__tag(alert->rule, i);
	}
	for (i = 0; i < alert->nfields && i < ALERT_FIELDS_MAX; i++) {
		if (!alert->fields[i].name)
			continue;
		fields[spec.nfields].name = alert->fields[i].name;
		fields[spec.nfields].value = alert->fields[i].value;
		fields[spec.nfields].numeric = alert->fields[i].numeric;
		spec.nfields++;
	}
	return sink_record__new(&spec);
}

struct sink_record *sink_record__get(struct sink_record *rec)
{
	__atomic_fetch_add(&rec->refs, 1, __ATOMIC_RELAXED);
	return rec;
}

void sink_record__put(struct sink_record *rec)
{
	if (rec && __atomic_sub_fetch(&rec->refs, 1, __ATOMIC_ACQ_REL) == 0)
		free(rec);
}

const char *sink_record__field(const struct sink_record *rec, const char *name)
{
	size_t i;

	for (i = 0; i < rec->nfields; i++) {
		if (!strcmp(rec->fields[i].name, name))
			return rec->fields[i].value;
	}
	return NULL;
}

/* The fallback: one line on stderr, control characters as spaces. */
int sink_stderr__write(const struct sink_record *rec)
{
	char line[ALERT_MESSAGE_MAX + 512];
	struct strbuf sb;
	size_t i;

	strbuf__init(&sb, line, sizeof(line) - 1);
	strbuf__printf(&sb, "%s: %s: %s: %s: %s", VIGIL_IDENT, alert_kind__name(rec->kind),
		       priority__name(rec->priority), rec->rule, rec->message);
	for (i = 0; i < sb.len; i++) {
		if ((unsigned char)line[i] < 0x20 || line[i] == 0x7f)
			line[i] = ' ';
	}
	line[sb.len++] = '\n';
	/* Under systemd stderr is a stream to journald too: it can fail. */
	errno = 0;
	if (fwrite(line, 1, sb.len, stderr) != sb.len || fflush(stderr) == EOF) {
		clearerr(stderr);
		return errno ? -errno : -EIO;
	}
	return 0;
}

/* Queues and threads */

struct sink {
	struct sinks *owner;
	struct sink_config cfg;
	char id[SINK_ID_MAX];
	char name[SINK_NAME_MAX];
	pthread_t thread;
	bool started;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct sink_record **ring;
	size_t cap, head, len;
	bool stop;
	bool reopen;
	uint64_t deadline_ns; /* CLOCK_MONOTONIC; while stopping */
	bool up;
	/* Written by the sink's thread or under lock, read by anyone: atomics. */
	uint64_t sent, queue_full, lost, errors, fallback;
	struct sink_journald *journald;
	struct sink_syslog *syslog;
	struct sink_jsonfile *json;
};

struct sinks {
	struct sink sinks[SINKS_MAX];
	size_t n;
	bool have_journald;
	char hostname[256];
	uint64_t unqueued; /* records that could not be made: no memory */
	bool stopped;
	bool abandoned;    /* a thread did not stop: leave everything as it is */
};

static void counter__add(uint64_t *c, uint64_t n)
{
	__atomic_fetch_add(c, n, __ATOMIC_RELAXED);
}

static uint64_t counter__get(const uint64_t *c)
{
	return __atomic_load_n(c, __ATOMIC_RELAXED);
}

static int sink__open(struct sink *s)
{
	switch (s->cfg.type) {
	case SINK_JOURNALD:
		return sink_journald__open(&s->journald);
	case SINK_SYSLOG:
		return sink_syslog__open(&s->syslog, &s->cfg, s->owner->hostname);
	case SINK_JSON:
		/* A file that cannot be opened yet is retried on the first record. */
		return sink_jsonfile__open(&s->json, s->cfg.path);
	default:
		return -EINVAL;
	}
}

static void sink__close(struct sink *s)
{
	sink_journald__close(s->journald);
	sink_syslog__close(s->syslog);
	sink_jsonfile__close(s->json);
	s->journald = NULL;
	s->syslog = NULL;
	s->json = NULL;
}

/*
 * 0: sent; 1: sent to the fallback; -EAGAIN: try again now; -ENOTCONN: the
 * other end is away, try again after a while; any other: the record is lost.
 */
static int sink__deliver(struct sink *s, const struct sink_record *rec)
{
	int err;

	switch (s->cfg.type) {
	case SINK_JOURNALD:
		return sink_journald__deliver(s->journald, rec, clock__ns(CLOCK_MONOTONIC));
	case SINK_SYSLOG:
		err = sink_syslog__send(s->syslog, rec);
		counter__add(&s->lost, sink_syslog__take_lost(s->syslog));
		return err;
	case SINK_JSON:
		return sink_jsonfile__write(s->json, rec, s->owner->hostname);
	default:
		return -EINVAL;
	}
}

/* Why a sink's other end is away, as a negative errno. */
static int sink__cause(const struct sink *s)
{
	if (s->syslog)
		return sink_syslog__last_error(s->syslog);
	if (s->json)
		return sink_jsonfile__last_error(s->json);
	return -ENOTCONN;
}

static void sink__set_up(struct sink *s, bool up, int err)
{
	if (up == s->up)
		return;
	s->up = up;
	if (up)
		log_info("%s: delivering again", s->name);
	else
		log_warnx("%s: %s; alerts wait in its queue (%zu at most) and it is retried",
			  s->name, strerror(-err), s->cap);
}

/*
 * With lock held: waits up to ms, or until asked to reopen or to stop. Once
 * stopping, a stop no longer cuts the wait short, the drain deadline does:
 * a collector that is away is not hammered while the queue drains.
 */
static void sink__wait(struct sink *s, unsigned int ms)
{
	uint64_t until = clock__ns(CLOCK_MONOTONIC) + ms * NSEC_PER_MSEC;
	bool stopping = s->stop;
	struct timespec ts;

	if (stopping && s->deadline_ns < until)
		until = s->deadline_ns;
	ts.tv_sec = until / NSEC_PER_SEC;
	ts.tv_nsec = until % NSEC_PER_SEC;
	while (s->stop == stopping && !s->reopen && clock__ns(CLOCK_MONOTONIC) < until) {
		if (pthread_cond_timedwait(&s->cond, &s->lock, &ts) == ETIMEDOUT)
			break;
	}
}

static void *sink__run(void *arg)
{
	struct sink *s = arg;
	unsigned int backoff = 0;
	struct sink_record *rec;
	bool reopen;
	int err;

	for (;;) {
		pthread_mutex_lock(&s->lock);
		while (!s->len && !s->stop && !s->reopen)
			pthread_cond_wait(&s->cond, &s->lock);
		reopen = s->reopen;
		s->reopen = false;
		if (s->stop && (!s->len || clock__ns(CLOCK_MONOTONIC) >= s->deadline_ns)) {
			pthread_mutex_unlock(&s->lock);
			break;
		}
		rec = s->len ? s->ring[s->head] : NULL;
		pthread_mutex_unlock(&s->lock);

		if (reopen && s->json) {
			err = sink_jsonfile__reopen(s->json);
			if (err < 0) {
				counter__add(&s->errors, 1);
				log_warnx("%s: cannot reopen: %s", s->name, strerror(-err));
			}
		}
		if (!rec)
			continue;

		err = sink__deliver(s, rec);
		if (err == -EAGAIN)
			continue;
		if (err == -ENOTCONN || err == -ECONNREFUSED) {
			counter__add(&s->errors, 1);
			sink__set_up(s, false, sink__cause(s));
			backoff = backoff ? backoff * 2 : SINK_BACKOFF_MIN_MS;
			if (backoff > SINK_BACKOFF_MAX_MS)
				backoff = SINK_BACKOFF_MAX_MS;
			pthread_mutex_lock(&s->lock);
			sink__wait(s, backoff);
			pthread_mutex_unlock(&s->lock);
			continue;
		}
		backoff = 0;
		if (err == 1) {
			counter__add(&s->fallback, 1);
		} else if (err < 0) {
			counter__add(&s->errors, 1);
			counter__add(&s->lost, 1);
		} else {
			sink__set_up(s, true, 0);
			counter__add(&s->sent, 1);
		}
		pthread_mutex_lock(&s->lock);
		s->head = (s->head + 1) % s->cap;
		s->len--;
		pthread_mutex_unlock(&s->lock);
		sink_record__put(rec);
	}
	return NULL;
}

/* What is still queued when vigild goes is lost: counted, then freed. */
static void sink__lose_queue(struct sink *s)
{
	pthread_mutex_lock(&s->lock);
	while (s->len) {
		sink_record__put(s->ring[s->head]);
		s->head = (s->head + 1) % s->cap;
		s->len--;
		counter__add(&s->lost, 1);
	}
	pthread_mutex_unlock(&s->lock);
}

static void sink__name(struct sink *s, size_t nth)
{
	switch (s->cfg.type) {
	case SINK_JOURNALD:
		snprintf(s->id, sizeof(s->id), "journald");
		snprintf(s->name, sizeof(s->name), "journald");
		break;
	case SINK_SYSLOG:
		/* "syslog", "syslog2"...: ids for metric labels and field names. */
		snprintf(s->id, sizeof(s->id), "syslog");
		if (nth)
			snprintf(s->id, sizeof(s->id), "syslog%zu", nth + 1);
		snprintf(s->name, sizeof(s->name), "syslog %s", s->cfg.target);
		break;
	case SINK_JSON:
		snprintf(s->id, sizeof(s->id), "json");
		if (nth)
			snprintf(s->id, sizeof(s->id), "json%zu", nth + 1);
		snprintf(s->name, sizeof(s->name), "json %s",
			 strcmp(s->cfg.path, "-") ? s->cfg.path : "stdout");
		break;
	default:
		break;
	}
}

static int sink_config__copy(struct sink_config *dst, const struct sink_config *src)
{
	*dst = *src;
	dst->target = src->target ? strdup(src->target) : NULL;
	dst->path = src->path ? strdup(src->path) : NULL;
	if ((src->target && !dst->target) || (src->path && !dst->path))
		return -ENOMEM;
	return 0;
}

int sinks__new(struct sinks **out, const struct sink_config *configs, size_t n,
	       const char *hostname)
{
	size_t nth[SINK_TYPE_MAX] = { 0 };
	pthread_condattr_t attr;
	sigset_t all, old;
	struct sinks *ss;
	struct sink *s;
	size_t i;
	int err = 0;

	if (n > SINKS_MAX)
		return -E2BIG;
	ss = calloc(1, sizeof(*ss));
	if (!ss)
		return -ENOMEM;
	snprintf(ss->hostname, sizeof(ss->hostname), "%s", hostname ? hostname : "");
	/* Timed waits (the pause before a retry) on the monotonic clock, which
	 * a change of the wall clock does not stretch or cut. */
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	for (i = 0; i < n; i++) {
		s = &ss->sinks[i];
		s->owner = ss;
		ss->n++;
		pthread_mutex_init(&s->lock, NULL);
		pthread_cond_init(&s->cond, &attr);
		err = sink_config__copy(&s->cfg, &configs[i]);
		if (err)
			goto err_free;
		sink__name(s, nth[s->cfg.type]++);
		s->cap = s->cfg.queue_size ? s->cfg.queue_size : SINK_QUEUE_DEFAULT;
		s->ring = calloc(s->cap, sizeof(*s->ring));
		if (!s->ring) {
			err = -ENOMEM;
			goto err_free;
		}
		s->up = true;
		err = sink__open(s);
		if (err) {
			log_warnx("%s: %s", s->name, strerror(-err));
			goto err_free;
		}
		if (s->cfg.type == SINK_JOURNALD)
			ss->have_journald = true;
	}
	/*
	 * Signals are the main loop's: one taken by a sink thread would cut its
	 * write short (EINTR reads as journald gone) and leave the poll waiting.
	 */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	for (i = 0; i < ss->n; i++) {
		s = &ss->sinks[i];
		err = -pthread_create(&s->thread, NULL, sink__run, s);
		if (err)
			break;
		s->started = true;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err)
		goto err_free;
	pthread_condattr_destroy(&attr);
	*out = ss;
	return 0;

err_free:
	pthread_condattr_destroy(&attr);
	sinks__free(ss);
	return err;
}

static bool sink__wants(const struct sink *s, const struct sink_record *rec)
{
	/* vigild's own reports are always journald's, whatever the threshold. */
	if (rec->kind == ALERT_KIND_STATS)
		return s->cfg.type == SINK_JOURNALD;
	if (rec->kind == ALERT_KIND_OPERATIONAL && s->cfg.type == SINK_JOURNALD)
		return true;
	return rec->priority <= s->cfg.min_priority;
}

void sinks__submit(struct sinks *ss, struct sink_record *rec)
{
	struct sink *s;
	bool woke;
	size_t i;

	if (!rec) {
		if (ss)
			counter__add(&ss->unqueued, 1);
		return;
	}
	for (i = 0; ss && i < ss->n; i++) {
		s = &ss->sinks[i];
		if (!sink__wants(s, rec))
			continue;
		pthread_mutex_lock(&s->lock);
		if (s->len == s->cap) {
			pthread_mutex_unlock(&s->lock);
			counter__add(&s->queue_full, 1);
			continue;
		}
		s->ring[(s->head + s->len) % s->cap] = sink_record__get(rec);
		woke = s->len++ == 0;
		pthread_mutex_unlock(&s->lock);
		if (woke)
			pthread_cond_signal(&s->cond);
	}
	/* With no journald to take them, vigild's own reports go to stderr. */
	if ((!ss || !ss->have_journald) &&
	    (rec->kind == ALERT_KIND_STATS || rec->kind == ALERT_KIND_OPERATIONAL))
		sink_stderr__write(rec);
	sink_record__put(rec);
}

void sinks__reopen(struct sinks *ss)
{
	size_t i;

	for (i = 0; ss && i < ss->n; i++) {
		pthread_mutex_lock(&ss->sinks[i].lock);
		ss->sinks[i].reopen = true;
		pthread_cond_signal(&ss->sinks[i].cond);
		pthread_mutex_unlock(&ss->sinks[i].lock);
	}
}

size_t sinks__stats(struct sinks *ss, struct sink_stats *out, size_t max)
{
	struct sink *s;
	size_t i;

	for (i = 0; ss && i < ss->n && i < max; i++) {
		s = &ss->sinks[i];
		memset(&out[i], 0, sizeof(out[i]));
		out[i].type = s->cfg.type;
		snprintf(out[i].id, sizeof(out[i].id), "%s", s->id);
		snprintf(out[i].name, sizeof(out[i].name), "%s", s->name);
		pthread_mutex_lock(&s->lock);
		out[i].depth = s->len;
		pthread_mutex_unlock(&s->lock);
		out[i].capacity = s->cap;
		out[i].sent = counter__get(&s->sent);
		out[i].queue_full = counter__get(&s->queue_full);
		out[i].lost = counter__get(&s->lost);
		out[i].errors = counter__get(&s->errors);
		out[i].fallback = counter__get(&s->fallback);
	}
	return i;
}

uint64_t sinks__unqueued(const struct sinks *ss)
{
	return ss ? counter__get(&ss->unqueued) : 0;
}

void sinks__stop(struct sinks *ss)
{
	uint64_t deadline = clock__ns(CLOCK_MONOTONIC) + SINKS_DRAIN_MS * NSEC_PER_MSEC;
	struct timespec ts;
	struct sink *s;
	size_t i;

	if (!ss || ss->stopped)
		return;
	ss->stopped = true;
	for (i = 0; i < ss->n; i++) {
		s = &ss->sinks[i];
		pthread_mutex_lock(&s->lock);
		s->stop = true;
		s->deadline_ns = deadline;
		pthread_cond_signal(&s->cond);
		pthread_mutex_unlock(&s->lock);
	}
	/*
	 * A thread stuck in a write (journald stopped, a pipe nobody reads) is
	 * given up on after the deadline: its queue counts as lost, and the
	 * sinks are not freed, since it may still use them.
	 */
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += SINKS_DRAIN_MS / 1000 + 1;
	for (i = 0; i < ss->n; i++) {
		s = &ss->sinks[i];
		if (!s->started)
			continue;
		if (pthread_timedjoin_np(s->thread, NULL, &ts) != 0) {
			pthread_mutex_lock(&s->lock);
			log_warnx("%s: still blocked in a write at exit; %zu queued alerts lost",
				  s->name, s->len);
			counter__add(&s->lost, s->len);
			pthread_mutex_unlock(&s->lock);
			ss->abandoned = true;
			continue;
		}
		s->started = false;
		sink__lose_queue(s);
	}
}

void sinks__free(struct sinks *ss)
{
	struct sink *s;
	size_t i;

	if (!ss)
		return;
	sinks__stop(ss);
	if (ss->abandoned)
		return;
	for (i = 0; i < ss->n; i++) {
		s = &ss->sinks[i];
		sink__lose_queue(s);
		sink__close(s);
		free(s->ring);
		free(s->cfg.target);
		free(s->cfg.path);
		pthread_mutex_destroy(&s->lock);
		pthread_cond_destroy(&s->cond);
	}
	free(ss);
}
