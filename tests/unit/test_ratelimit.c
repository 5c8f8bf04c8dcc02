// SPDX-License-Identifier: GPL-2.0-only
/*
 * The token bucket per (rule, container) and its summaries, on a fake clock:
 * what goes through, what is held back, when the summary comes and what it
 * says. Every alert is accounted for: let through, or counted in a summary.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "vigil.h"

#define MS 1000000ull
#define S 1000000000ull

static const char *const tags[] = { "filesystem", "mitre_credential_access" };

static const struct ratelimit_key key_web = {
	.rule = "Read sensitive file untrusted",
	.priority = PRIORITY_WARNING,
	.tags = tags,
	.ntags = 2,
	.container_id = "abc123def456",
	.container_name = "web",
};

static const struct ratelimit_key key_db = {
	.rule = "Read sensitive file untrusted",
	.priority = PRIORITY_WARNING,
	.tags = tags,
	.ntags = 2,
	.container_id = "0123456789ab",
	.container_name = "db",
};

static struct ratelimit_config config(double rate, double burst, uint64_t interval)
{
	struct ratelimit_config c = {
		.enabled = true,
		.rate = rate,
		.burst = burst,
		.summary_interval_ns = interval,
		.max_keys = 16,
	};

	return c;
}

/* What the summaries said, in order. */
struct seen {
	size_t n;
	char rule[8][64];
	char container[8][16];
	uint64_t suppressed[8];
	uint64_t window_ns[8];
	uint64_t total;
};

static void collect(void *ctx, const struct ratelimit_summary *s)
{
	struct seen *seen = ctx;

	seen->total += s->suppressed;
	if (seen->n == 8)
		return;
	snprintf(seen->rule[seen->n], sizeof(seen->rule[0]), "%s", s->key->rule);
	snprintf(seen->container[seen->n], sizeof(seen->container[0]), "%s",
		 s->key->container_id);
	seen->suppressed[seen->n] = s->suppressed;
	seen->window_ns[seen->n] = s->window_ns;
	seen->n++;
}

static void test_burst_then_rate(void **state)
{
	struct ratelimit_config c = config(1, 3, 60 * S);
	struct ratelimit *rl = ratelimit__new(&c);
	struct seen seen = { 0 };
	int i, allowed = 0;

	(void)state;
	assert_non_null(rl);
	/* Ten at once: the burst of three goes, seven are held back. */
	for (i = 0; i < 10; i++)
		allowed += ratelimit__allow(rl, &key_web, 0);
	assert_int_equal(allowed, 3);
	assert_int_equal(ratelimit__suppressed(rl), 7);
	/* Another container is another bucket. */
	assert_true(ratelimit__allow(rl, &key_db, 0));
	assert_int_equal(ratelimit__keys(rl), 2);

	/* Half a token: still held back; nothing to summarise yet. */
	assert_false(ratelimit__allow(rl, &key_web, 500 * MS));
	ratelimit__tick(rl, 500 * MS, collect, &seen);
	assert_int_equal(seen.n, 0);
	/* One token a second. */
	assert_true(ratelimit__allow(rl, &key_web, 1000 * MS));
	assert_false(ratelimit__allow(rl, &key_web, 1100 * MS));
	assert_true(ratelimit__allow(rl, &key_web, 2100 * MS));
	assert_int_equal(ratelimit__suppressed(rl), 9);

	/* The burst has ended once the bucket is full again: 2.9 s after 2.1 s,
	 * when its 0.1 token has grown to 3. */
	ratelimit__tick(rl, 4900 * MS, collect, &seen);
	assert_int_equal(seen.n, 0);
	ratelimit__tick(rl, 5100 * MS, collect, &seen);
	assert_int_equal(seen.n, 1);
	assert_string_equal(seen.rule[0], "Read sensitive file untrusted");
	assert_string_equal(seen.container[0], "abc123def456");
	assert_int_equal(seen.suppressed[0], 9);
	assert_int_equal(seen.window_ns[0], 5100 * MS);
	assert_int_equal(ratelimit__summaries(rl), 1);
	/* A full bucket with nothing held back is forgotten; db's filled long ago. */
	assert_int_equal(ratelimit__keys(rl), 0);
	/* And the next alert starts afresh, with a whole burst. */
	assert_true(ratelimit__allow(rl, &key_web, 6 * S));
	assert_true(ratelimit__allow(rl, &key_web, 6 * S));
	assert_true(ratelimit__allow(rl, &key_web, 6 * S));
	assert_false(ratelimit__allow(rl, &key_web, 6 * S));
	ratelimit__free(rl);
}

/* A flood that goes on is summarised every summary_interval, and every alert
 * is either let through or in a summary. */
static void test_long_flood(void **state)
{
	struct ratelimit_config c = config(0.5, 5, 60 * S);
	struct ratelimit *rl = ratelimit__new(&c);
	struct seen seen = { 0 };
	uint64_t t, allowed = 0, sent = 0;

	(void)state;
	/* 8 alerts a second for 150 s, a tick a second; 125 ms is 1/16 token,
	 * exact in binary. */
	for (t = 0; t < 150 * S; t += 125 * MS) {
		allowed += ratelimit__allow(rl, &key_web, t);
		sent++;
		if (t % S == 0)
			ratelimit__tick(rl, t, collect, &seen);
	}
	/* The burst (0 to 500 ms), then one every 2 s from 2.5 s. */
	assert_int_equal(allowed, 5 + 74);
	/* A summary at the first tick 60 s after the first alert held back
	 * (625 ms), then 60 s after the next one held back (61.125 s). */
	assert_int_equal(seen.n, 2);
	assert_int_equal(seen.window_ns[0], 60375 * MS);
	assert_int_equal(seen.window_ns[1], 60875 * MS);
	/* The rest, at exit. */
	ratelimit__flush(rl, 150 * S, collect, &seen);
	assert_int_equal(seen.n, 3);
	assert_int_equal(allowed + seen.total, sent);
	assert_int_equal(ratelimit__suppressed(rl), seen.total);
	ratelimit__flush(rl, 151 * S, collect, &seen);
	assert_int_equal(seen.n, 3);
	ratelimit__free(rl);
}

/* Past max_keys, alerts go through unlimited and counted: none is hidden. */
static void test_table_full(void **state)
{
	struct ratelimit_config c = config(1, 1, 60 * S);
	struct ratelimit_key k = key_web;
	struct ratelimit *rl;
	char id[16];
	int i;

	(void)state;
	c.max_keys = 2;
	rl = ratelimit__new(&c);
	for (i = 0; i < 3; i++) {
		snprintf(id, sizeof(id), "c%d", i);
		k.container_id = id;
		assert_true(ratelimit__allow(rl, &k, 0));
		assert_true(i < 2 ? !ratelimit__allow(rl, &k, 0) : ratelimit__allow(rl, &k, 0));
	}
	assert_int_equal(ratelimit__keys(rl), 2);
	assert_int_equal(ratelimit__untracked(rl), 2);
	ratelimit__free(rl);

	/* Nonsense settings make no limiter. */
	c = config(0, 1, S);
	assert_null(ratelimit__new(&c));
	c = config(1, 0.5, S);
	assert_null(ratelimit__new(&c));
	/* No limiter lets everything through. */
	assert_true(ratelimit__allow(NULL, &key_web, 0));
}

static void test_summary_record(void **state)
{
	struct ratelimit_summary s = {
		.key = &key_web,
		.suppressed = 99990,
		.window_ns = 59600 * MS,
	};
	struct sink_record *rec;

	(void)state;
	rec = ratelimit_summary__record(&s, 1796307548123456789ull);
	assert_non_null(rec);
	assert_int_equal(rec->kind, ALERT_KIND_SUMMARY);
	assert_int_equal(rec->priority, PRIORITY_WARNING);
	assert_int_equal(rec->time_ns, 1796307548123456789ull);
	assert_string_equal(rec->rule, "Read sensitive file untrusted");
	assert_string_equal(rec->message,
			    "Read sensitive file untrusted: 99990 more like this in the last 60 s "
			    "(container_id=abc123def456 container_name=web)");
	assert_int_equal(rec->ntags, 2);
	assert_string_equal(rec->tags[1], "mitre_credential_access");
	assert_int_equal(rec->nfields, 4);
	assert_string_equal(sink_record__field(rec, "container.id"), "abc123def456");
	assert_string_equal(sink_record__field(rec, "container.name"), "web");
	assert_string_equal(sink_record__field(rec, "suppressed"), "99990");
	assert_string_equal(sink_record__field(rec, "suppressed.seconds"), "60");
	assert_true(rec->fields[2].numeric);
	sink_record__put(rec);

	/* Less than half a second still says "1 s". */
	s.suppressed = 1;
	s.window_ns = 0;
	rec = ratelimit_summary__record(&s, 0);
	assert_string_equal(rec->message,
			    "Read sensitive file untrusted: 1 more like this in the last 1 s "
			    "(container_id=abc123def456 container_name=web)");
	sink_record__put(rec);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_burst_then_rate),
		cmocka_unit_test(test_long_flood),
		cmocka_unit_test(test_table_full),
		cmocka_unit_test(test_summary_record),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
