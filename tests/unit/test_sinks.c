// SPDX-License-Identifier: GPL-2.0-only
/*
 * The sinks' queues and threads over real loopback sockets and pipes, no
 * root needed: what a collector receives, byte for byte; a collector that
 * goes away and comes back (UDP: each loss the network reports is counted;
 * TCP: the alerts wait and arrive); a sink that blocks (its queue fills, the
 * overflow is counted, and submitting never waits); minimum priorities; and
 * what is still queued at exit counted as lost.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "vigil.h"

#define HOST "test-host"
#define TIME_NS 1796307548123456789ull

static struct sink_record *record(enum rule_priority prio, const char *message)
{
	static const struct sink_field fields[] = {
		{ "container.id", "host", false },
		{ "proc.pid", "1", true },
	};
	struct sink_record_spec spec = {
		.kind = ALERT_KIND_RULE,
		.priority = prio,
		.time_ns = TIME_NS,
		.rule = "r",
		.message = message,
		.fields = fields,
		.nfields = 2,
	};
	struct sink_record *rec = sink_record__new(&spec);

	assert_non_null(rec);
	return rec;
}

/* The message a syslog sink makes of record(prio, message). */
static size_t expected(enum rule_priority prio, const char *message, char *out, size_t size)
{
	struct syslog_header h = {
		.format = SYSLOG_RFC5424,
		.facility = SYSLOG_FACILITY_DEFAULT,
		.hostname = HOST,
		.pid = getpid(),
		.max_size = SYSLOG_MAX_SIZE_5424,
	};
	struct sink_record *rec = record(prio, message);
	struct strbuf sb;

	strbuf__init(&sb, out, size);
	sink_syslog__format(rec, &h, &sb);
	sink_record__put(rec);
	return sb.len;
}

static struct sink_stats stats_of(struct sinks *ss, size_t i)
{
	struct sink_stats st[SINKS_MAX];

	assert_true(sinks__stats(ss, st, SINKS_MAX) > i);
	return st[i];
}

static void sleep_ms(unsigned int ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* Waits up to 5 s for sink i to have handled n records (sent or lost). */
static void wait_handled(struct sinks *ss, size_t i, uint64_t n)
{
	struct sink_stats st;
	int tries;

	for (tries = 0; tries < 500; tries++) {
		st = stats_of(ss, i);
		if (st.sent + st.lost >= n && !st.depth)
			return;
		sleep_ms(10);
	}
	fail_msg("sink %zu handled %llu of %llu", i, (unsigned long long)(st.sent + st.lost),
		 (unsigned long long)n);
}

static int udp_listen(uint16_t port, uint16_t *bound)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
	*bound = ntohs(sa.sin_port);
	return fd;
}

static int tcp_listen(uint16_t port, uint16_t *bound)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;

	assert_true(fd >= 0);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(fd, 4), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
	*bound = ntohs(sa.sin_port);
	return fd;
}

/* One datagram, waiting up to 5 s. */
static ssize_t udp_recv(int fd, char *buf, size_t size)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	if (poll(&pfd, 1, 5000) != 1)
		return -1;
	return recv(fd, buf, size, 0);
}

static void assert_datagram(int fd, enum rule_priority prio, const char *message)
{
	char got[9000], want[9000];
	size_t n = expected(prio, message, want, sizeof(want));

	assert_int_equal(udp_recv(fd, got, sizeof(got)), n);
	assert_memory_equal(got, want, n);
}

static struct sinks *syslog_sinks(const char *target, size_t queue_size)
{
	struct sink_config c = {
		.type = SINK_SYSLOG,
		.min_priority = PRIORITY_DEBUG,
		.queue_size = queue_size,
		.format = SYSLOG_RFC5424,
		.facility = SYSLOG_FACILITY_DEFAULT,
		.target = (char *)target,
	};
	struct sinks *ss;

	assert_int_equal(sinks__new(&ss, &c, 1, HOST), 0);
	return ss;
}

static void test_udp(void **state)
{
	char target[64];
	struct sink_stats st;
	struct sinks *ss;
	uint16_t port;
	int fd, i;

	(void)state;
	fd = udp_listen(0, &port);
	snprintf(target, sizeof(target), "udp://127.0.0.1:%u", port);
	ss = syslog_sinks(target, 16);
	sinks__submit(ss, record(PRIORITY_WARNING, "first"));
	sinks__submit(ss, record(PRIORITY_CRITICAL, "second, with\na newline"));
	assert_datagram(fd, PRIORITY_WARNING, "first");
	assert_datagram(fd, PRIORITY_CRITICAL, "second, with\na newline");
	wait_handled(ss, 0, 2);

	/*
	 * The collector goes: each datagram sent meanwhile comes back as "port
	 * unreachable", which the next send reports. Every one is counted
	 * lost, and none is delivered twice.
	 */
	close(fd);
	for (i = 0; i < 5; i++) {
		sinks__submit(ss, record(PRIORITY_WARNING, "while away"));
		wait_handled(ss, 0, 3 + i);
		sleep_ms(20);
	}
	st = stats_of(ss, 0);
	assert_int_equal(st.lost, 4);
	/* It is back on the same port: the fifth loss is reported, then delivery. */
	fd = udp_listen(port, &port);
	sinks__submit(ss, record(PRIORITY_WARNING, "back"));
	assert_datagram(fd, PRIORITY_WARNING, "back");
	wait_handled(ss, 0, 8);
	st = stats_of(ss, 0);
	assert_int_equal(st.lost, 5);
	assert_int_equal(st.sent, 8);
	assert_int_equal(st.queue_full, 0);
	assert_string_equal(st.id, "syslog");
	sinks__free(ss);
	close(fd);
}

/* Reads one octet-counted frame, waiting up to 5 s; returns its length. */
static ssize_t tcp_frame(int fd, char *buf, size_t size)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	size_t len = 0, got = 0;
	char c;

	for (;;) {
		if (poll(&pfd, 1, 5000) != 1 || read(fd, &c, 1) != 1)
			return -1;
		if (c == ' ')
			break;
		len = len * 10 + (size_t)(c - '0');
	}
	if (len > size)
		return -1;
	while (got < len) {
		ssize_t n;

		if (poll(&pfd, 1, 5000) != 1)
			return -1;
		n = read(fd, buf + got, len - got);
		if (n <= 0)
			return -1;
		got += n;
	}
	return len;
}

static void assert_frame(int fd, enum rule_priority prio, const char *message)
{
	char got[9000], want[9000];
	size_t n = expected(prio, message, want, sizeof(want));

	assert_int_equal(tcp_frame(fd, got, sizeof(got)), n);
	assert_memory_equal(got, want, n);
}

static int tcp_accept(int lfd)
{
	struct pollfd pfd = { .fd = lfd, .events = POLLIN };

	assert_int_equal(poll(&pfd, 1, 5000), 1);
	return accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
}

static void test_tcp(void **state)
{
	struct sink_stats st;
	char target[64];
	struct sinks *ss;
	uint16_t port;
	int lfd, fd;

	(void)state;
	lfd = tcp_listen(0, &port);
	snprintf(target, sizeof(target), "tcp://127.0.0.1:%u", port);
	ss = syslog_sinks(target, 16);
	sinks__submit(ss, record(PRIORITY_WARNING, "one"));
	sinks__submit(ss, record(PRIORITY_WARNING, "two\nlines"));
	fd = tcp_accept(lfd);
	assert_true(fd >= 0);
	assert_frame(fd, PRIORITY_WARNING, "one");
	assert_frame(fd, PRIORITY_WARNING, "two\nlines");
	wait_handled(ss, 0, 2);

	/* The collector closes the connection: the sink notices before writing
	 * into it, and the next alert goes on a new one. */
	close(fd);
	sleep_ms(50);
	sinks__submit(ss, record(PRIORITY_ERROR, "after the close"));
	fd = tcp_accept(lfd);
	assert_frame(fd, PRIORITY_ERROR, "after the close");
	wait_handled(ss, 0, 3);

	/* The collector is gone altogether: alerts wait in the queue... */
	close(fd);
	close(lfd);
	sleep_ms(50);
	sinks__submit(ss, record(PRIORITY_WARNING, "queued 1"));
	sinks__submit(ss, record(PRIORITY_WARNING, "queued 2"));
	sleep_ms(300);
	st = stats_of(ss, 0);
	assert_int_equal(st.depth, 2);
	/* Tried again after a pause (0.25 s, then 0.5 s...), not in a loop. */
	assert_true(st.errors >= 1 && st.errors <= 3);
	assert_int_equal(st.sent, 3);
	/* ...and arrive, in order, once it is back. */
	lfd = tcp_listen(port, &port);
	fd = tcp_accept(lfd);
	assert_frame(fd, PRIORITY_WARNING, "queued 1");
	assert_frame(fd, PRIORITY_WARNING, "queued 2");
	wait_handled(ss, 0, 5);
	st = stats_of(ss, 0);
	assert_int_equal(st.sent, 5);
	assert_int_equal(st.lost, 0);
	assert_int_equal(st.queue_full, 0);
	sinks__free(ss);
	close(fd);
	close(lfd);
}

/* A sink that blocks fills its own queue; the rest is counted, submitting
 * never waits, and once it moves again everything queued goes out. */
static void test_blocked_sink(void **state)
{
	struct sink_config c[2] = {
		{ .type = SINK_JSON, .min_priority = PRIORITY_DEBUG, .queue_size = 8 },
		{ .type = SINK_JSON, .min_priority = PRIORITY_DEBUG, .queue_size = 512 },
	};
	char blocked[64], other[64] = "/tmp/vigil-sinks-XXXXXX", buf[65536];
	struct sink_stats a, b;
	uint64_t t0, elapsed;
	struct sinks *ss;
	int p[2], fd, i, lines = 0;
	ssize_t n;

	(void)state;
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	snprintf(blocked, sizeof(blocked), "/proc/self/fd/%d", p[1]);
	fd = mkstemp(other);
	assert_true(fd >= 0);
	c[0].path = blocked;
	c[1].path = other;
	assert_int_equal(sinks__new(&ss, c, 2, HOST), 0);
	/* Nobody reads the pipe, and it is full: the first write blocks. */
	memset(buf, 'x', sizeof(buf));
	fcntl(p[1], F_SETFL, O_NONBLOCK);
	while (write(p[1], buf, sizeof(buf)) > 0)
		;
	while (write(p[1], buf, 1) > 0)
		;

	t0 = clock__ns(CLOCK_MONOTONIC);
	for (i = 0; i < 500; i++)
		sinks__submit(ss, record(PRIORITY_WARNING, "one of a flood"));
	elapsed = clock__ns(CLOCK_MONOTONIC) - t0;
	/* Submitting never waited for the blocked sink. */
	assert_true(elapsed < 500000000ull);
	wait_handled(ss, 1, 500);
	sleep_ms(100);
	a = stats_of(ss, 0);
	b = stats_of(ss, 1);
	/* The other sink had room for everything. */
	assert_int_equal(b.sent, 500);
	assert_int_equal(b.queue_full, 0);
	/* The blocked one: what waits, what was refused: all 500. */
	assert_int_equal(a.sent, 0);
	assert_int_equal(a.depth, 8);
	assert_int_equal(a.queue_full, 492);
	assert_string_equal(a.id, "json");
	assert_string_equal(b.id, "json2");

	/* Read the pipe dry: the queue drains. */
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	for (i = 0; i < 200; i++) {
		while ((n = read(p[0], buf, sizeof(buf))) > 0) {
			for (ssize_t k = 0; k < n; k++)
				lines += buf[k] == '\n';
		}
		a = stats_of(ss, 0);
		if (!a.depth && (uint64_t)lines == a.sent)
			break;
		sleep_ms(10);
	}
	assert_int_equal(a.depth, 0);
	assert_int_equal(a.sent, 8);
	assert_int_equal(lines, 8);
	sinks__free(ss);
	close(p[0]);
	close(p[1]);
	close(fd);
	unlink(other);
}

static size_t count_lines(const char *path)
{
	char buf[65536];
	size_t n, i, lines = 0;
	FILE *f = fopen(path, "r");

	assert_non_null(f);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
		for (i = 0; i < n; i++)
			lines += buf[i] == '\n';
	}
	fclose(f);
	return lines;
}

static void test_min_priority(void **state)
{
	char warn[] = "/tmp/vigil-warn-XXXXXX", all[] = "/tmp/vigil-all-XXXXXX";
	struct sink_config c[2] = {
		{ .type = SINK_JSON, .min_priority = PRIORITY_WARNING, .queue_size = 16 },
		{ .type = SINK_JSON, .min_priority = PRIORITY_DEBUG, .queue_size = 16 },
	};
	struct sink_record_spec stats = {
		.kind = ALERT_KIND_STATS,
		.priority = PRIORITY_INFORMATIONAL,
		.rule = "vigil internal: stats",
		.message = "stats: to journald only, or stderr without one",
	};
	struct sinks *ss;
	int fa, fb;

	(void)state;
	fa = mkstemp(warn);
	fb = mkstemp(all);
	c[0].path = warn;
	c[1].path = all;
	assert_int_equal(sinks__new(&ss, c, 2, HOST), 0);
	sinks__submit(ss, record(PRIORITY_DEBUG, "debug"));
	sinks__submit(ss, record(PRIORITY_NOTICE, "notice"));
	sinks__submit(ss, record(PRIORITY_WARNING, "warning"));
	sinks__submit(ss, record(PRIORITY_EMERGENCY, "emergency"));
	sinks__submit(ss, sink_record__new(&stats));
	/* No memory for a record: counted, not crashed on. */
	sinks__submit(ss, NULL);
	wait_handled(ss, 0, 2);
	wait_handled(ss, 1, 4);
	assert_int_equal(count_lines(warn), 2);
	assert_int_equal(count_lines(all), 4);
	assert_int_equal(sinks__unqueued(ss), 1);
	sinks__free(ss);
	close(fa);
	close(fb);
	unlink(warn);
	unlink(all);
}

/* At exit the queues get a while to drain; what cannot go is counted lost. */
static void test_lost_at_exit(void **state)
{
	struct sink_stats st;
	char target[64];
	struct sinks *ss;
	uint16_t port;
	int lfd;

	(void)state;
	lfd = tcp_listen(0, &port);
	close(lfd);
	snprintf(target, sizeof(target), "tcp://127.0.0.1:%u", port);
	ss = syslog_sinks(target, 16);
	sinks__submit(ss, record(PRIORITY_WARNING, "a"));
	sinks__submit(ss, record(PRIORITY_WARNING, "b"));
	sinks__submit(ss, record(PRIORITY_WARNING, "c"));
	sinks__stop(ss);
	st = stats_of(ss, 0);
	assert_int_equal(st.sent, 0);
	assert_int_equal(st.lost, 3);
	assert_int_equal(st.depth, 0);
	/* Tried a few times in the 2 s, after pauses: not hammered. */
	assert_true(st.errors >= 1 && st.errors <= 6);
	sinks__free(ss);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_udp),
		cmocka_unit_test(test_tcp),
		cmocka_unit_test(test_blocked_sink),
		cmocka_unit_test(test_min_priority),
		cmocka_unit_test(test_lost_at_exit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
