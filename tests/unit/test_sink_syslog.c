// SPDX-License-Identifier: GPL-2.0-only
/*
 * sink_syslog's messages against exact expected strings: RFC 5424 with its
 * structured data (SD-PARAM escaping, UTF-8), RFC 3164 for the network and
 * for the local socket, the cut of a message too long, RFC 6587 octet
 * counting; and the parsing of targets and facilities.
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

#include <cmocka.h>

#include "vigil.h"

/* 2026-12-03T14:19:08.123456789Z */
#define TIME_NS 1796307548123456789ull

static char out[70000];

static struct sink_record *record(enum alert_kind kind, enum rule_priority prio, const char *rule,
				  const char *message, const struct sink_field *fields,
				  size_t nfields)
{
	static const char *const tags[] = { "container", "mitre_credential_access" };
	struct sink_record_spec spec = {
		.kind = kind,
		.priority = prio,
		.time_ns = TIME_NS,
		.rule = rule,
		.message = message,
		.tags = tags,
		.ntags = 2,
		.fields = fields,
		.nfields = nfields,
	};
	struct sink_record *rec = sink_record__new(&spec);

	assert_non_null(rec);
	return rec;
}

static const char *format(const struct sink_record *rec, const struct syslog_header *h)
{
	struct strbuf sb;

	strbuf__init(&sb, out, sizeof(out));
	sink_syslog__format(rec, h, &sb);
	assert_false(sb.truncated);
	return out;
}

static const struct syslog_header h5424 = {
	.format = SYSLOG_RFC5424,
	.facility = 10,
	.hostname = "host-1",
	.pid = 4242,
	.max_size = SYSLOG_MAX_SIZE_5424,
};

static const struct sink_field shadow_fields[] = {
	{ "fd.name", "/etc/shadow", false },
	{ "container.id", "abc123def456", false },
	{ "container.name", "web", false },
	{ "proc.name", "cat", false },
	{ "proc.pid", "123", true },
	{ "user.name", "root", false },
};

static void test_rfc5424(void **state)
{
	struct sink_record *rec;

	(void)state;
	rec = record(ALERT_KIND_RULE, PRIORITY_WARNING, "Read sensitive file untrusted",
		     "Sensitive file opened for reading (file=/etc/shadow)", shadow_fields, 6);
	/* authpriv (10) * 8 + Warning (4) = 84 */
	assert_string_equal(format(rec, &h5424),
		"<84>1 2026-12-03T14:19:08.123456Z host-1 vigild 4242 alert "
		"[vigil@32473 rule=\"Read sensitive file untrusted\" priority=\"Warning\" "
		"container_id=\"abc123def456\" container_name=\"web\" proc_name=\"cat\" "
		"proc_pid=\"123\"] Sensitive file opened for reading (file=/etc/shadow)");
	sink_record__put(rec);
}

/* A field the alert lacks is left out; an empty message leaves no space. */
static void test_rfc5424_sparse(void **state)
{
	static const struct sink_field fields[] = {
		{ "container.id", "host", false },
		{ "proc.pid", NULL, true },
	};
	struct syslog_header h = h5424;
	struct sink_record *rec;

	(void)state;
	h.facility = 16; /* local0 */
	h.hostname = "";
	rec = record(ALERT_KIND_RULE, PRIORITY_EMERGENCY, "r", "", fields, 2);
	assert_string_equal(format(rec, &h),
		"<128>1 2026-12-03T14:19:08.123456Z - vigild 4242 alert "
		"[vigil@32473 rule=\"r\" priority=\"Emergency\" container_id=\"host\"]");
	sink_record__put(rec);

	/* HOSTNAME is PRINTUSASCII: a space or a byte above 126 cannot be in it. */
	h.hostname = "my host\xc3\xa9";
	rec = record(ALERT_KIND_RULE, PRIORITY_DEBUG, "r", "m", NULL, 0);
	assert_string_equal(format(rec, &h),
		"<135>1 2026-12-03T14:19:08.123456Z my_host__ vigild 4242 alert "
		"[vigil@32473 rule=\"r\" priority=\"Debug\"] m");
	sink_record__put(rec);
}

/* RFC 5424 section 6.3.3: '"', '\' and ']' in a PARAM-VALUE are escaped with
 * a backslash, and nothing else is; the value is UTF-8. */
static void test_sd_escaping(void **state)
{
	static const struct sink_field fields[] = {
		{ "container.id", "abc", false },
		{ "container.name", "we\"b]\\x", false },
		{ "proc.name", "caf\xc3\xa9 [1]", false },
		{ "proc.pid", "bad\xff\xc0utf8", true },
	};
	struct sink_record *rec;

	(void)state;
	rec = record(ALERT_KIND_RULE, PRIORITY_CRITICAL, "a \"quoted\" ]rule[ \\ here",
		     "message \"as is\" ] \\", fields, 4);
	assert_string_equal(format(rec, &h5424),
		"<82>1 2026-12-03T14:19:08.123456Z host-1 vigild 4242 alert "
		"[vigil@32473 rule=\"a \\\"quoted\\\" \\]rule[ \\\\ here\" priority=\"Critical\" "
		"container_id=\"abc\" container_name=\"we\\\"b\\]\\\\x\" "
		"proc_name=\"caf\xc3\xa9 [1\\]\" proc_pid=\"bad\xef\xbf\xbd\xef\xbf\xbdutf8\"] "
		"message \"as is\" ] \\");
	sink_record__put(rec);
}

/* A value past 1024 escaped bytes is cut, never inside an escape. */
static void test_sd_value_cut(void **state)
{
	static char quotes[700], want[4096];
	struct sink_field fields[] = { { "container.name", quotes, false } };
	struct sink_record *rec;
	const char *p;
	size_t i;

	(void)state;
	memset(quotes, '"', sizeof(quotes) - 1);
	rec = record(ALERT_KIND_RULE, PRIORITY_DEBUG, "r", "m", fields, 1);
	strcpy(want, "container_name=\"");
	for (i = 0; i < 512; i++)
		strcat(want, "\\\"");
	strcat(want, "\"]");
	p = strstr(format(rec, &h5424), "container_name=");
	assert_non_null(p);
	assert_memory_equal(p, want, strlen(want));
	sink_record__put(rec);
}

/* Summaries, operational and stats entries: their MSGID, and every field. */
static void test_other_kinds(void **state)
{
	static const struct sink_field fields[] = {
		{ "container.id", "abc123def456", false },
		{ "container.name", "web", false },
		{ "suppressed", "99990", true },
		{ "suppressed.seconds", "60", true },
	};
	static const struct sink_field lost[] = {
		{ "kernel.drops.ringbuf_full", "12", true },
		{ "sink.syslog2.queue_full", "3", true },
	};
	struct sink_record *rec;

	(void)state;
	rec = record(ALERT_KIND_SUMMARY, PRIORITY_WARNING, "Read sensitive file untrusted",
		     "Read sensitive file untrusted: 99990 more like this in the last 60 s "
		     "(container_id=abc123def456 container_name=web)", fields, 4);
	assert_string_equal(format(rec, &h5424),
		"<84>1 2026-12-03T14:19:08.123456Z host-1 vigild 4242 summary "
		"[vigil@32473 rule=\"Read sensitive file untrusted\" priority=\"Warning\" "
		"container_id=\"abc123def456\" container_name=\"web\" suppressed=\"99990\" "
		"suppressed_seconds=\"60\"] Read sensitive file untrusted: 99990 more like this "
		"in the last 60 s (container_id=abc123def456 container_name=web)");
	sink_record__put(rec);

	rec = record(ALERT_KIND_OPERATIONAL, PRIORITY_ERROR,
		     "vigil internal: events or alerts lost", "lost", lost, 2);
	assert_string_equal(format(rec, &h5424),
		"<83>1 2026-12-03T14:19:08.123456Z host-1 vigild 4242 operational "
		"[vigil@32473 rule=\"vigil internal: events or alerts lost\" priority=\"Error\" "
		"kernel_drops_ringbuf_full=\"12\" sink_syslog2_queue_full=\"3\"] lost");
	sink_record__put(rec);
}

static void test_rfc3164(void **state)
{
	struct syslog_header h = {
		.format = SYSLOG_RFC3164,
		.facility = 4, /* auth */
		.hostname = "host-1",
		.pid = 4242,
		.max_size = SYSLOG_MAX_SIZE_3164,
	};
	struct sink_record *rec;

	(void)state;
	/* RFC 3164's timestamp is local time: pin it. */
	setenv("TZ", "UTC", 1);
	tzset();
	rec = record(ALERT_KIND_RULE, PRIORITY_WARNING, "Read sensitive file untrusted",
		     "Sensitive file opened", shadow_fields, 6);
	/* The day is space-padded: "Dec  3". */
	assert_string_equal(format(rec, &h),
		"<36>Dec  3 14:19:08 host-1 vigild[4242]: "
		"[vigil@32473 rule=\"Read sensitive file untrusted\" priority=\"Warning\" "
		"container_id=\"abc123def456\" container_name=\"web\" proc_name=\"cat\" "
		"proc_pid=\"123\"] Sensitive file opened");
	/* To the local socket, as syslog(3) writes: no hostname. */
	h.local = true;
	assert_string_equal(format(rec, &h),
		"<36>Dec  3 14:19:08 vigild[4242]: "
		"[vigil@32473 rule=\"Read sensitive file untrusted\" priority=\"Warning\" "
		"container_id=\"abc123def456\" container_name=\"web\" proc_name=\"cat\" "
		"proc_pid=\"123\"] Sensitive file opened");
	sink_record__put(rec);

	setenv("TZ", "EST5", 1);
	tzset();
	rec = record(ALERT_KIND_STATS, PRIORITY_INFORMATIONAL, "vigil internal: stats", "s",
		     NULL, 0);
	assert_string_equal(format(rec, &h),
		"<38>Dec  3 09:19:08 vigild[4242]: "
		"[vigil@32473 rule=\"vigil internal: stats\" priority=\"Informational\"] s");
	sink_record__put(rec);
	setenv("TZ", "UTC", 1);
	tzset();
}

/* Too long: the text is cut to fit max_size, between characters. */
static void test_cut(void **state)
{
	static char message[4000], want[8192];
	struct syslog_header h = h5424;
	struct sink_record *rec;
	size_t head, room, i;

	(void)state;
	for (i = 0; i + 2 < sizeof(message); i += 2)
		memcpy(message + i, "\xc3\xa9", 2);
	h.max_size = 481;
	rec = record(ALERT_KIND_RULE, PRIORITY_WARNING, "r", "", NULL, 0);
	head = strlen(format(rec, &h));
	sink_record__put(rec);
	for (i = 0; i < 2; i++, h.max_size++) {
		rec = record(ALERT_KIND_RULE, PRIORITY_WARNING, "r", message, NULL, 0);
		format(rec, &h);
		sink_record__put(rec);
		room = (h.max_size - head - 1) / 2 * 2;
		snprintf(want, sizeof(want), "%.*s %.*s", (int)head, out, (int)room, message);
		assert_string_equal(out, want);
		assert_true(strlen(out) <= h.max_size);
		assert_true(strlen(out) >= h.max_size - 1);
	}

	/* Escaped event data (text.c) is cut between escapes too. */
	for (i = 0; i + 4 < sizeof(message); i += 4)
		memcpy(message + i, "\\x1b", 4);
	message[i] = '\0';
	for (i = 0; i < 4; i++, h.max_size++) {
		rec = record(ALERT_KIND_RULE, PRIORITY_WARNING, "r", message, NULL, 0);
		format(rec, &h);
		sink_record__put(rec);
		room = (h.max_size - head - 1) / 4 * 4;
		snprintf(want, sizeof(want), "%.*s %.*s", (int)head, out, (int)room, message);
		assert_string_equal(out, want);
	}
}

/* RFC 6587 section 3.4.1: MSG-LEN SP SYSLOG-MSG, the length in octets. */
static void test_octet_counting(void **state)
{
	char frame[9000];
	struct sink_record *rec;
	struct strbuf sb;
	size_t len;

	(void)state;
	strbuf__init(&sb, frame, sizeof(frame));
	sink_syslog__frame("abc", 3, &sb);
	assert_string_equal(frame, "3 abc");

	/* A newline in a message is no frame boundary with octet counting. */
	rec = record(ALERT_KIND_RULE, PRIORITY_WARNING, "r", "two\nlines \xc3\xa9", NULL, 0);
	format(rec, &h5424);
	sink_record__put(rec);
	len = strlen(out);
	assert_int_equal(len, 113);
	strbuf__init(&sb, frame, sizeof(frame));
	sink_syslog__frame(out, len, &sb);
	assert_string_equal(frame,
		"113 <84>1 2026-12-03T14:19:08.123456Z host-1 vigild 4242 alert "
		"[vigil@32473 rule=\"r\" priority=\"Warning\"] two\nlines \xc3\xa9");
}

static void test_targets(void **state)
{
	static const struct {
		const char *in;
		enum syslog_transport transport;
		const char *host, *port, *path;
	} good[] = {
		{ "unix:///dev/log", SYSLOG_UNIX, "", "", "/dev/log" },
		{ "udp://127.0.0.1:514", SYSLOG_UDP, "127.0.0.1", "514", "" },
		{ "tcp://collector.example.com:6514", SYSLOG_TCP, "collector.example.com", "6514",
		  "" },
		{ "tcp://[::1]:601", SYSLOG_TCP, "::1", "601", "" },
	};
	static const char *const bad[] = {
		"udp://host", "udp://host:", "udp://host:0", "udp://host:65536", "udp://host:51x",
		"udp://host:-1", "tcp://:514", "tcp://::1:514", "tcp://[::1]514", "unix://dev/log",
		"http://host:80", "/dev/log", "",
	};
	struct syslog_target t;
	const char *why = NULL;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		assert_int_equal(syslog_target__parse(good[i].in, &t, &why), 0);
		assert_int_equal(t.transport, good[i].transport);
		assert_string_equal(t.host, good[i].host);
		assert_string_equal(t.port, good[i].port);
		assert_string_equal(t.path, good[i].path);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why = NULL;
		if (syslog_target__parse(bad[i], &t, &why) != -EINVAL || !why)
			fail_msg("'%s' parsed", bad[i]);
	}
	assert_int_equal(syslog_target__parse("udp://h:1", &t, &why), 0);
	assert_int_equal(syslog_target__parse("tcp://h", &t, &why), -EINVAL);
	assert_string_equal(why, "expected HOST:PORT (or [IPv6]:PORT) with a port from 1 to 65535");
	assert_int_equal(syslog_target__parse("tls://h:1", &t, &why), -EINVAL);
	assert_string_equal(why, "expected unix:///PATH, udp://HOST:PORT or tcp://HOST:PORT");
}

static void test_facilities(void **state)
{
	(void)state;
	assert_int_equal(syslog_facility__parse("kern"), 0);
	assert_int_equal(syslog_facility__parse("auth"), 4);
	assert_int_equal(syslog_facility__parse("authpriv"), 10);
	assert_int_equal(syslog_facility__parse("LOCAL0"), 16);
	assert_int_equal(syslog_facility__parse("local7"), 23);
	assert_int_equal(syslog_facility__parse("local8"), -1);
	assert_int_equal(syslog_facility__parse(""), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc5424),
		cmocka_unit_test(test_rfc5424_sparse),
		cmocka_unit_test(test_sd_escaping),
		cmocka_unit_test(test_sd_value_cut),
		cmocka_unit_test(test_other_kinds),
		cmocka_unit_test(test_rfc3164),
		cmocka_unit_test(test_cut),
		cmocka_unit_test(test_octet_counting),
		cmocka_unit_test(test_targets),
		cmocka_unit_test(test_facilities),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
