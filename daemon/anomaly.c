// SPDX-License-Identifier: GPL-2.0-only
/*
 * Anomaly items in the running daemon: each matching event is looked up in
 * its item's baseline for its scope; a new tuple after the learning period
 * is an alert. The baselines are saved periodically and at exit, and read
 * back at start, so a restart does not learn again. Only one vigild keeps a
 * state directory: another one finding it locked runs on memory alone.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "vigil.h"

#define SAVE_INTERVAL_DEFAULT_NS (60ull * 1000000000)

struct anomaly {
	struct anomaly_config cfg;
	char path[4096];
	struct baseline *baseline;
	int lock_fd;               /* -1: not persisted */
	uint64_t next_save_ns;
	/* Reported from the event loop, where alerts can be sent. */
	char pending[10240];
	enum rule_priority pending_prio;
	bool save_failed;          /* reported once, until a save works */
};

struct anomaly *anomaly__open(const struct anomaly_config *c)
{
	struct anomaly *a = calloc(1, sizeof(*a));
	char aside[4096];
	int err;

	if (!a)
		return NULL;
	a->cfg = *c;
	if (!a->cfg.save_interval_ns)
		a->cfg.save_interval_ns = SAVE_INTERVAL_DEFAULT_NS;
	a->baseline = baseline__new(&c->limits);
	if (!a->baseline) {
		free(a);
		return NULL;
	}
	snprintf(a->path, sizeof(a->path), "%s/%s", c->state_dir, BASELINE_FILE_NAME);
	a->lock_fd = baseline__lock(c->state_dir);
	if (a->lock_fd == -EWOULDBLOCK) {
		log_warnx("%s is in use by another vigild: baselines are kept in memory only",
			  c->state_dir);
		return a;
	}
	if (a->lock_fd < 0) {
		log_warnx("cannot use %s: %s; baselines are kept in memory only", c->state_dir,
			  strerror(-a->lock_fd));
		return a;
	}
	err = baseline__load_file(a->baseline, a->path, stderr, aside, sizeof(aside));
	if (err == -EINVAL) {
		snprintf(a->pending, sizeof(a->pending),
			 "baseline file %s is corrupt: set aside as %s, learning anew", a->path,
			 *aside ? aside : "(could not rename it)");
		a->pending_prio = PRIORITY_ERROR;
		log_warnx("%s", a->pending);
	} else if (err && err != -ENOENT) {
		log_warnx("cannot read %s: %s; learning anew", a->path, strerror(-err));
	} else if (!err) {
		log_info("baselines: %zu scopes from %s", baseline__count(a->baseline), a->path);
	}
	return a;
}

static void anomaly__report(struct anomaly *a, struct pipeline *pl)
{
	if (!*a->pending)
		return;
	pipeline__operational(pl, a->pending_prio, "vigil internal: anomaly baselines",
			      a->pending);
	*a->pending = '\0';
}

struct observe_ctx {
	struct anomaly *a;
	struct pipeline *pl;
	const struct evt *evt;
	int64_t now_s;
};

static void anomaly__matched(void *ctx, const struct anomaly_match *m)
{
	struct observe_ctx *o = ctx;
	struct baseline_key k = {
		.anomaly = m->anomaly,
		.scope_field = m->scope_field,
		.scope = m->scope,
		.fields = m->fields,
		.nfields = m->nfields,
	};
	uint64_t learning = o->a->cfg.learning_s ? o->a->cfg.learning_s : m->learning_s;
	enum baseline_verdict v;
	char msg[1024];

	if (baseline__observe(o->a->baseline, &k, m->values, o->now_s, learning, m->alert_once,
			      &v))
		return;
	switch (v) {
	case BASELINE_NEW:
		output__render(m->rule, o->evt, &o->pl->alert);
		o->pl->alert.time_ns = o->evt->time_ns;
		pipeline__alert(o->pl, &o->pl->alert);
		break;
	case BASELINE_FULL:
		snprintf(msg, sizeof(msg),
			 "anomaly '%s': scope %s=%s holds %zu tuples, the most it may: it "
			 "learns no more (baseline_max_tuples)",
			 m->anomaly, m->scope_field, m->scope,
			 baseline__limits(o->a->baseline)->max_tuples);
		pipeline__operational(o->pl, PRIORITY_WARNING, "vigil internal: anomaly baselines",
				      msg);
		break;
	case BASELINE_UNTRACKED:
		snprintf(msg, sizeof(msg),
			 "anomaly baselines hold %zu scopes, the most they may: new scopes "
			 "(first: anomaly '%s', %s=%s) are not learned (baseline_max_scopes)",
			 baseline__limits(o->a->baseline)->max_scopes, m->anomaly,
			 m->scope_field, m->scope);
		pipeline__operational(o->pl, PRIORITY_WARNING, "vigil internal: anomaly baselines",
				      msg);
		break;
	default:
		break;
	}
}

void anomaly__handle(struct anomaly *a, struct pipeline *pl, const struct evt *evt)
{
	struct observe_ctx o = {
		.a = a,
		.pl = pl,
		.evt = evt,
		.now_s = (int64_t)(evt->time_ns / 1000000000),
	};

	rules__match_anomalies(pl->rules, evt, anomaly__matched, &o);
}

static void anomaly__save(struct anomaly *a, struct pipeline *pl)
{
	int err;

	if (a->lock_fd < 0 || !baseline__dirty(a->baseline))
		return;
	err = baseline__save_file(a->baseline, a->path);
	if (!err) {
		baseline__set_clean(a->baseline);
		a->save_failed = false;
		return;
	}
	if (a->save_failed)
		return;
	a->save_failed = true;
	snprintf(a->pending, sizeof(a->pending), "cannot save the baselines to %s: %s", a->path,
		 strerror(-err));
	a->pending_prio = PRIORITY_ERROR;
	log_warnx("%s", a->pending);
	if (pl)
		anomaly__report(a, pl);
}

void anomaly__tick(struct anomaly *a, struct pipeline *pl, uint64_t now_ns)
{
	if (!a)
		return;
	anomaly__report(a, pl);
	if (now_ns < a->next_save_ns)
		return;
	a->next_save_ns = now_ns + a->cfg.save_interval_ns;
	anomaly__save(a, pl);
}

void anomaly__close(struct anomaly *a)
{
	if (!a)
		return;
	anomaly__save(a, NULL);
	if (a->lock_fd >= 0)
		close(a->lock_fd);
	baseline__free(a->baseline);
	free(a);
}
