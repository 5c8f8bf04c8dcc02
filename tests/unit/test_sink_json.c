// SPDX-License-Identifier: GPL-2.0-only
/*
 * sink_json against exact expected lines in Falco's json_output shape, and
 * against everything that could break a line: quotes, control characters,
 * bytes that are not UTF-8, values that only look like numbers, and alerts
 * too big for the buffer. Every line produced is also checked by a strict
 * JSON validator written independently of the code under test.
 *
 * The rules come from tests/data/sink_rules.yaml through the real loader;
 * run from the top of the tree, as `make unit-test` does.
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
#include <unistd.h>

#include <cmocka.h>

#include "vigil.h"

#define RULES "tests/data/sink_rules.yaml"
/* 2026-12-03T14:19:08.123456789Z */
#define TIME_NS 1796307548123456789ull
#define TIME_ISO "2026-12-03T14:19:08.123456789Z"

static struct ruleset *ruleset;
static const struct rule *rule_shell;   /* Warning, three tags, quotes in its name */
static const struct rule *rule_connect; /* Debug, no tags, non-ASCII name */

/* A record of the given syscall, as the BPF side makes them, to match a rule with. */
static const struct rule *rule__for(enum vigil_syscall sc)
{
	static union {
		uint64_t align;
		unsigned char bytes[512];
	} rec;
	struct vigil_event_header *h = (void *)rec.bytes;
	struct evt evt;
	size_t size;

	memset(rec.bytes, 0, sizeof(rec.bytes));
	h->syscall = sc;
	h->pid = 123;
	memcpy(h->comm, "bash", 5);
	if (sc == VIGIL_SC_EXECVE) {
		struct vigil_exec_event *e = (void *)rec.bytes;

		h->type = VIGIL_EVENT_EXEC;
		memcpy(e->data, "/bin/sh\0/bin/sh\0sh\0/\0", 21);
		e->filename_len = 8;
		e->exe_len = 8;
		e->args_len = 3;
		e->argc = 1;
		e->cwd_len = 2;
		size = sizeof(*e) + 21;
	} else {
		struct vigil_connect_event *e = (void *)rec.bytes;

		h->type = VIGIL_EVENT_CONNECT;
		e->family = 2;
		e->port = 80;
		size = sizeof(*e);
	}
	h->size = size;
	if (event__decode(rec.bytes, size, &evt))
		return NULL;
	return rules__match(ruleset, &evt);
}

static int group_setup(void **state)
{
	const char *const paths[] = { RULES };

	(void)state;
	/* The time of day in "output" is local time: pin it. */
	setenv("TZ", "UTC", 1);
	tzset();
	ruleset = rules__load(paths, 1, stderr);
	if (!ruleset)
		return -1;
	rule_shell = rule__for(VIGIL_SC_EXECVE);
	rule_connect = rule__for(VIGIL_SC_CONNECT);
	if (!rule_shell || !rule_connect || rule_shell == rule_connect)
		return -1;
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	rules__free(ruleset);
	return 0;
}

/* A strict RFC 8259 validator, for every line the tests produce. */

static void json__ws(const unsigned char **p)
{
	while (**p == ' ' || **p == '\t' || **p == '\n' || **p == '\r')
		(*p)++;
}

static bool json__digits(const unsigned char **p)
{
	if (**p < '0' || **p > '9')
		return false;
	while (**p >= '0' && **p <= '9')
		(*p)++;
	return true;
}

static bool json__valid_number(const unsigned char **p)
{
	if (**p == '-')
		(*p)++;
	if (**p == '0')
		(*p)++;
	else if (!json__digits(p))
		return false;
	if (**p == '.') {
		(*p)++;
		if (!json__digits(p))
			return false;
	}
	if (**p == 'e' || **p == 'E') {
		(*p)++;
		if (**p == '+' || **p == '-')
			(*p)++;
		if (!json__digits(p))
			return false;
	}
	return true;
}

static bool json__valid_string(const unsigned char **pp)
{
	const unsigned char *p = *pp;
	uint32_t cp, min;
	int i, n;

	if (*p++ != '"')
		return false;
	for (;;) {
		if (*p == '"') {
			*pp = p + 1;
			return true;
		}
		if (*p < 0x20) /* a raw control character, or the end */
			return false;
		if (*p == '\\') {
			p++;
			if (strchr("\"\\/bfnrt", *p) && *p) {
				p++;
				continue;
			}
			if (*p++ != 'u')
				return false;
			for (i = 0; i < 4; i++, p++) {
				if (!strchr("0123456789abcdefABCDEF", *p) || !*p)
					return false;
			}
			continue;
		}
		if (*p < 0x80) {
			p++;
			continue;
		}
		/* Decode the code point and check its range. */
		if ((*p & 0xe0) == 0xc0) {
			n = 2, cp = *p & 0x1f, min = 0x80;
		} else if ((*p & 0xf0) == 0xe0) {
			n = 3, cp = *p & 0x0f, min = 0x800;
		} else if ((*p & 0xf8) == 0xf0) {
			n = 4, cp = *p & 0x07, min = 0x10000;
		} else {
			return false;
		}
		for (i = 1; i < n; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (p[i] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		p += n;
	}
}

static bool json__valid_value(const unsigned char **p, int depth);

static bool json__valid_members(const unsigned char **p, int depth, bool object)
{
	char close = object ? '}' : ']';

	(*p)++;
	json__ws(p);
	if (**p == close) {
		(*p)++;
		return true;
	}
	for (;;) {
		if (object) {
			if (!json__valid_string(p))
				return false;
			json__ws(p);
			if (*(*p)++ != ':')
				return false;
		}
		if (!json__valid_value(p, depth + 1))
			return false;
		json__ws(p);
		if (**p == close) {
			(*p)++;
			return true;
		}
		if (*(*p)++ != ',')
			return false;
		json__ws(p);
	}
}

static bool json__valid_value(const unsigned char **p, int depth)
{
	if (depth > 16)
		return false;
	json__ws(p);
	switch (**p) {
	case '{':
		return json__valid_members(p, depth, true);
	case '[':
		return json__valid_members(p, depth, false);
	case '"':
		return json__valid_string(p);
	case 't':
		return !strncmp((const char *)*p, "true", 4) && (*p += 4);
	case 'f':
		return !strncmp((const char *)*p, "false", 5) && (*p += 5);
	case 'n':
		return !strncmp((const char *)*p, "null", 4) && (*p += 4);
	default:
		return json__valid_number(p);
	}
}

static bool json__valid(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	if (!json__valid_value(&p, 0))
		return false;
	json__ws(&p);
	return *p == '\0';
}

static void test_validator(void **state)
{
	(void)state;
	assert_true(json__valid("{\"a\":[1,-2.5e+3,\"\\u00e9\\n\",null,true,false,{}]}"));
	assert_true(json__valid("\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\""));
	assert_false(json__valid("{\"a\":1"));
	assert_false(json__valid("{\"a\":01}"));
	assert_false(json__valid("\"a\nb\""));
	assert_false(json__valid("\"\\x\""));
	assert_false(json__valid("\"\xff\""));
	assert_false(json__valid("\"\xc0\xaf\""));
	assert_false(json__valid("\"\xed\xa0\x80\""));
	assert_false(json__valid("\"\xe2\x82\""));
	assert_false(json__valid("[1,]"));
	assert_false(json__valid("{} x"));
}

/* Alerts */

static void alert__init(struct alert *a, const struct rule *r, const char *message)
{
	memset(a, 0, sizeof(*a));
	a->rule = r;
	a->time_ns = TIME_NS;
	snprintf(a->message, sizeof(a->message), "%s", message);
}

static void alert__field(struct alert *a, const char *name, const char *value, bool numeric)
{
	a->fields[a->nfields].name = name;
	a->fields[a->nfields].value = value;
	a->fields[a->nfields].numeric = numeric;
	a->nfields++;
}

static char line[65536];

/* sink_json__format of the record the sinks would queue for a. */
static void format_alert(const struct alert *a, const char *hostname, struct strbuf *sb)
{
	struct sink_record *rec = sink_record__from_alert(a);

	assert_non_null(rec);
	sink_json__format(rec, hostname, sb);
	sink_record__put(rec);
}

static const char *format(const struct alert *a, const char *hostname, size_t cap)
{
	struct strbuf sb;

	strbuf__init(&sb, line, cap);
	format_alert(a, hostname, &sb);
	assert_false(sb.truncated);
	assert_int_equal(sb.len, strlen(line));
	assert_true(json__valid(line));
	return line;
}

static void test_falco_shape(void **state)
{
	struct alert a;

	(void)state;
	alert__init(&a, rule_shell, "Shell started (user=root container=abc123def456)");
	alert__field(&a, "container.id", "abc123def456", false);
	alert__field(&a, "container.name", "web", false);
	alert__field(&a, "proc.pid", "123", true);
	alert__field(&a, "user.name", "root", false);
	alert__field(&a, "fd.name", NULL, false);
	assert_string_equal(format(&a, "host-1", sizeof(line)),
		"{\"hostname\":\"host-1\","
		"\"output\":\"14:19:08.123456789: Warning Shell started (user=root "
		"container=abc123def456)\","
		"\"output_fields\":{\"container.id\":\"abc123def456\",\"container.name\":\"web\","
		"\"proc.pid\":123,\"user.name\":\"root\",\"fd.name\":null},"
		"\"priority\":\"Warning\","
		"\"rule\":\"Terminal \\\"shell\\\" in container\","
		"\"source\":\"syscall\","
		"\"tags\":[\"container\",\"shell\",\"mitre_execution\"],"
		"\"time\":\"" TIME_ISO "\"}");
}

static void test_no_tags_no_fields(void **state)
{
	struct alert a;

	(void)state;
	alert__init(&a, rule_connect, "");
	a.time_ns = 0;
	assert_string_equal(format(&a, NULL, sizeof(line)),
		"{\"hostname\":\"\","
		"\"output\":\"00:00:00.000000000: Debug \","
		"\"output_fields\":{},"
		"\"priority\":\"Debug\","
		"\"rule\":\"Caf\xc3\xa9 \xe2\x98\x95 connect\","
		"\"source\":\"syscall\","
		"\"tags\":[],"
		"\"time\":\"1970-01-01T00:00:00.000000000Z\"}");
}

static void test_local_time_of_day(void **state)
{
	struct alert a;

	(void)state;
	/* Falco prints the time of day in local time, "time" in UTC. */
	setenv("TZ", "EST5", 1);
	tzset();
	alert__init(&a, rule_connect, "m");
	format(&a, "h", sizeof(line));
	setenv("TZ", "UTC", 1);
	tzset();
	assert_non_null(strstr(line, "\"output\":\"09:19:08.123456789: Debug m\","));
	assert_non_null(strstr(line, "\"time\":\"" TIME_ISO "\"}"));
}

static void test_escapes(void **state)
{
	struct alert a;

	(void)state;
	alert__init(&a, rule_connect,
		    "q\"b\\s/n\nt\tr\rb\bf\f1\x01" "1f\x1f" "7f\x7f" "e\xc3\xa9" "euro\xe2\x82\xac"
		    "smile\xf0\x9f\x98\x80" "csi\xc2\x9b" "ls\xe2\x80\xa8" "rlo\xe2\x80\xae"
		    "pdi\xe2\x81\xa9" "nbsp\xc2\xa0");
	alert__field(&a, "proc.cmdline", "sh -c \"echo hi\nid\"", false);
	alert__field(&a, "fd.name", "C:\\tmp\\x", false);
	assert_string_equal(format(&a, "h\"\n", sizeof(line)),
		"{\"hostname\":\"h\\\"\\n\","
		"\"output\":\"14:19:08.123456789: Debug "
		"q\\\"b\\\\s/n\\nt\\tr\\rb\\bf\\f1\\u00011f\\u001f7f\\u007f" "e\xc3\xa9"
		"euro\xe2\x82\xac" "smile\xf0\x9f\x98\x80"
		/* C1 controls, separators and bidi overrides: escaped, never raw */
		"csi\\u009b" "ls\\u2028" "rlo\\u202e" "pdi\\u2069" "nbsp\xc2\xa0\","
		"\"output_fields\":{\"proc.cmdline\":\"sh -c \\\"echo hi\\nid\\\"\","
		"\"fd.name\":\"C:\\\\tmp\\\\x\"},"
		"\"priority\":\"Debug\",\"rule\":\"Caf\xc3\xa9 \xe2\x98\x95 connect\","
		"\"source\":\"syscall\",\"tags\":[],\"time\":\"" TIME_ISO "\"}");
}

static void test_invalid_utf8(void **state)
{
	static const struct {
		const char *in;
		const char *out;
	} cases[] = {
		{ "a\xff" "b", "a\xef\xbf\xbd" "b" },
		/* overlong '/': two bytes, neither starts a valid sequence */
		{ "\xc0\xaf", "\xef\xbf\xbd\xef\xbf\xbd" },
		{ "\xe0\x80\xaf", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" },
		/* a cut sequence is one replacement, and what follows survives */
		{ "\xe2\x82" "A", "\xef\xbf\xbd" "A" },
		{ "end\xf0\x9f\x98", "end\xef\xbf\xbd" },
		/* a UTF-16 surrogate, and beyond U+10FFFF */
		{ "\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" },
		{ "\xf4\x90\x80\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" },
		{ "\xf8\x88", "\xef\xbf\xbd\xef\xbf\xbd" },
		/* the largest and smallest of each length pass (U+00A0 for two bytes:
		 * U+0080..U+009F are C1 controls, below) */
		{ "\xf4\x8f\xbf\xbf\xc2\xa0\xe0\xa0\x80\xef\xbf\xbf",
		  "\xf4\x8f\xbf\xbf\xc2\xa0\xe0\xa0\x80\xef\xbf\xbf" },
		/* U+0080 is valid, and a C1 control: escaped */
		{ "\xc2\x80", "\\u0080" },
	};
	char want[256];
	struct alert a;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		alert__init(&a, rule_connect, cases[i].in);
		alert__field(&a, "fd.name", cases[i].in, false);
		snprintf(want, sizeof(want),
			 "{\"hostname\":\"h\",\"output\":\"14:19:08.123456789: Debug %s\","
			 "\"output_fields\":{\"fd.name\":\"%s\"},",
			 cases[i].out, cases[i].out);
		format(&a, "h", sizeof(line));
		assert_memory_equal(line, want, strlen(want));
	}
}

static void test_numbers(void **state)
{
	static const struct {
		const char *value;
		bool numeric;
		const char *json;
	} cases[] = {
		{ "0", true, "0" },
		{ "-1", true, "-1" },
		{ "3.25", true, "3.25" },
		{ "1e9", true, "1e9" },
		{ "-0.5E-3", true, "-0.5E-3" },
		{ "18446744073709551615", true, "18446744073709551615" },
		/* not JSON numbers: quoted */
		{ "01", true, "\"01\"" },
		{ "1.", true, "\"1.\"" },
		{ ".5", true, "\".5\"" },
		{ "+1", true, "\"+1\"" },
		{ "0x10", true, "\"0x10\"" },
		{ "", true, "\"\"" },
		{ "1e", true, "\"1e\"" },
		{ "-", true, "\"-\"" },
		{ "NaN", true, "\"NaN\"" },
		{ "12 ", true, "\"12 \"" },
		{ "<NA>", true, "\"<NA>\"" },
		/* a string field stays a string */
		{ "123", false, "\"123\"" },
		{ NULL, true, "null" },
	};
	char want[256];
	struct alert a;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		alert__init(&a, rule_connect, "m");
		alert__field(&a, "proc.pid", cases[i].value, cases[i].numeric);
		snprintf(want, sizeof(want), "\"output_fields\":{\"proc.pid\":%s},", cases[i].json);
		format(&a, "h", sizeof(line));
		assert_non_null(strstr(line, want));
	}
}

/* Too big for the buffer: still one valid line, smaller. */

static void test_fallback_null_values(void **state)
{
	static char big[3000];
	struct alert a;

	(void)state;
	memset(big, 'v', sizeof(big) - 1);
	alert__init(&a, rule_shell, "Shell started");
	alert__field(&a, "proc.cmdline", big, false);
	alert__field(&a, "proc.pid", "123", true);
	alert__field(&a, "fd.name", NULL, false);
	assert_string_equal(format(&a, "host-1", 1024),
		"{\"hostname\":\"host-1\","
		"\"output\":\"14:19:08.123456789: Warning Shell started\","
		"\"output_fields\":{\"proc.cmdline\":null,\"proc.pid\":null,\"fd.name\":null},"
		"\"priority\":\"Warning\","
		"\"rule\":\"Terminal \\\"shell\\\" in container\","
		"\"source\":\"syscall\","
		"\"tags\":[\"container\",\"shell\",\"mitre_execution\"],"
		"\"time\":\"" TIME_ISO "\"}");
}

static void test_fallback_cut(void **state)
{
	static const char head[] = "{\"hostname\":\"host-1\",\"output\":\"14:19:08.123456789: "
				   "Warning \\u0001\\u0001";
	static const char tail[] = "\",\"output_fields\":{},\"priority\":\"Warning\","
				   "\"rule\":\"Terminal \\\"shell\\\" in container\","
				   "\"source\":\"syscall\","
				   "\"tags\":[\"container\",\"shell\",\"mitre_execution\"],"
				   "\"time\":\"" TIME_ISO "\"}";
	struct alert a;
	size_t len;

	(void)state;
	/* Every byte of the message takes six escaped: the output alone is too big. */
	alert__init(&a, rule_shell, "");
	memset(a.message, 0x01, sizeof(a.message) - 1);
	a.message[sizeof(a.message) - 1] = '\0';
	alert__field(&a, "proc.pid", "123", true);
	format(&a, "host-1", 1024);
	len = strlen(line);
	assert_true(len <= 1023);
	/* Cut between escapes, never inside one; it fills what room there is. */
	assert_true(len > 1023 - 6);
	assert_memory_equal(line, head, strlen(head));
	assert_string_equal(line + len - strlen(tail), tail);
}

static void test_fallback_write_size(void **state)
{
	static const char *const names[] = { "proc.cmdline", "proc.pcmdline", "proc.exepath",
					     "fd.name" };
	static const char head[] = "{\"hostname\":\"host-1\","
				   "\"output\":\"14:19:08.123456789: Warning ";
	static const char tail[] = "\",\"output_fields\":{\"proc.cmdline\":null,"
				   "\"proc.pcmdline\":null,\"proc.exepath\":null,\"fd.name\":null},"
				   "\"priority\":\"Warning\","
				   "\"rule\":\"Terminal \\\"shell\\\" in container\","
				   "\"source\":\"syscall\","
				   "\"tags\":[\"container\",\"shell\",\"mitre_execution\"],"
				   "\"time\":\"" TIME_ISO "\"}\n";
	static char values[4][4097];
	const size_t nmessage = sizeof(((struct alert *)0)->message) - 1;
	struct alert a;
	char *buf = NULL;
	size_t buflen = 0, i;
	FILE *f;

	(void)state;
	/* The largest alert, all control characters: the values take six bytes
	 * each once escaped, more than the 64 KiB line. They go; the message,
	 * two bytes each, stays whole. */
	alert__init(&a, rule_shell, "");
	memset(a.message, '\n', nmessage);
	a.message[nmessage] = '\0';
	for (i = 0; i < 4; i++) {
		memset(values[i], 0x01, 4096);
		alert__field(&a, names[i], values[i], false);
	}
	f = open_memstream(&buf, &buflen);
	assert_non_null(f);
	assert_int_equal(sink_json__write(&a, "host-1", f), 0);
	fclose(f);
	assert_int_equal(buflen, strlen(head) + 2 * nmessage + strlen(tail));
	assert_memory_equal(buf, head, strlen(head));
	for (i = 0; i < nmessage; i++)
		assert_memory_equal(buf + strlen(head) + 2 * i, "\\n", 2);
	assert_string_equal(buf + buflen - strlen(tail), tail);
	buf[buflen - 1] = '\0';
	assert_true(json__valid(buf));
	free(buf);
}

/* Every buffer size from nothing up: a valid line, or nothing and truncated. */
static void test_every_size(void **state)
{
	static char junk[600];
	char host[64];
	struct strbuf sb;
	struct alert a;
	size_t cap, i;
	int fitted = 0;

	(void)state;
	for (i = 0; i < sizeof(junk) - 1; i++)
		junk[i] = (char)(1 + (i * 7) % 255);
	alert__init(&a, rule_shell, junk);
	alert__field(&a, "proc.cmdline", junk + 300, false);
	alert__field(&a, "proc.pid", "42", true);
	memset(host, 0xe9, sizeof(host) - 1);
	host[sizeof(host) - 1] = '\0';
	for (cap = 1; cap < 4096; cap++) {
		/* After other text in the buffer, which must stay. */
		strbuf__init(&sb, line, cap);
		strbuf__puts(&sb, "x");
		format_alert(&a, host, &sb);
		if (sb.truncated) {
			assert_true(sb.len <= 1);
			continue;
		}
		fitted++;
		assert_true(sb.len < cap);
		assert_int_equal(line[0], 'x');
		assert_true(json__valid(line + 1));
	}
	/* The skeleton is about 300 bytes: everything above fits somehow. */
	assert_true(fitted > 3500);
}

static void test_write(void **state)
{
	struct alert a;
	char *buf = NULL;
	size_t buflen = 0;
	FILE *f;

	(void)state;
	alert__init(&a, rule_shell, "Shell started");
	alert__field(&a, "proc.pid", "123", true);
	f = open_memstream(&buf, &buflen);
	assert_non_null(f);
	assert_int_equal(sink_json__write(&a, "host-1", f), 0);
	assert_int_equal(sink_json__write(&a, "host-2", f), 0);
	fclose(f);
	format(&a, "host-1", sizeof(line));
	strcat(line, "\n");
	assert_memory_equal(buf, line, strlen(line));
	format(&a, "host-2", sizeof(line));
	strcat(line, "\n");
	assert_string_equal(buf + buflen - strlen(line), line);
	free(buf);

	/* Written out at once: a full disk shows in the return value. */
	f = fopen("/dev/full", "w");
	assert_non_null(f);
	assert_int_equal(sink_json__write(&a, "host-1", f), -ENOSPC);
	fclose(f);
}

/* vigild's own entries: Falco's shape, source "internal", as Falco's own. */
static void test_internal(void **state)
{
	const struct sink_field fields[] = {
		{ "kernel.drops.ringbuf_full", "12", true },
		{ "seconds", "60", true },
	};
	struct sink_record_spec spec = {
		.kind = ALERT_KIND_OPERATIONAL,
		.priority = PRIORITY_ERROR,
		.time_ns = TIME_NS,
		.rule = "vigil internal: events or alerts lost",
		.message = "vigild lost events or alerts in the last 60 s: the kernel dropped 12 "
			   "events (ringbuf_full 12)",
		.fields = fields,
		.nfields = 2,
	};
	struct sink_record *rec = sink_record__new(&spec);
	struct strbuf sb;

	(void)state;
	assert_non_null(rec);
	strbuf__init(&sb, line, sizeof(line));
	sink_json__format(rec, "h", &sb);
	sink_record__put(rec);
	assert_string_equal(line,
		"{\"hostname\":\"h\","
		"\"output\":\"14:19:08.123456789: Error vigild lost events or alerts in the last "
		"60 s: the kernel dropped 12 events (ringbuf_full 12)\","
		"\"output_fields\":{\"kernel.drops.ringbuf_full\":12,\"seconds\":60},"
		"\"priority\":\"Error\",\"rule\":\"vigil internal: events or alerts lost\","
		"\"source\":\"internal\",\"tags\":[],\"time\":\"" TIME_ISO "\"}");
	assert_true(json__valid(line));
}

/* A file sink appends whole lines, and after a reopen writes to the new file
 * at the path (logrotate has moved the old one away). */
static void test_file_reopen(void **state)
{
	char dir[] = "/tmp/vigil-json-XXXXXX", path[64], moved[64];
	static char want[2 * sizeof(line) + 2];
	size_t n;
	struct sink_jsonfile *j;
	struct sink_record *rec;
	struct alert a;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/alerts.json", dir);
	snprintf(moved, sizeof(moved), "%s/alerts.json.1", dir);
	alert__init(&a, rule_shell, "Shell started");
	rec = sink_record__from_alert(&a);
	assert_non_null(rec);
	format(&a, "h", sizeof(line));
	n = strlen(line);
	memcpy(want, line, n);
	want[n] = '\n';
	memcpy(want + n + 1, line, n);
	want[2 * n + 1] = '\n';
	want[2 * n + 2] = '\0';

	assert_int_equal(sink_jsonfile__open(&j, path), 0);
	assert_int_equal(sink_jsonfile__write(j, rec, "h"), 0);
	assert_int_equal(rename(path, moved), 0);
	assert_int_equal(sink_jsonfile__write(j, rec, "h"), 0); /* still the old file */
	assert_int_equal(sink_jsonfile__reopen(j), 0);
	assert_int_equal(sink_jsonfile__write(j, rec, "h"), 0);
	sink_jsonfile__close(j);
	sink_record__put(rec);

	f = fopen(moved, "r");
	assert_non_null(f);
	assert_int_equal(fread(line, 1, sizeof(line) - 1, f), strlen(want));
	fclose(f);
	f = fopen(path, "r");
	assert_non_null(f);
	assert_int_equal(fread(line, 1, sizeof(line) - 1, f), strlen(want) / 2);
	fclose(f);
	unlink(moved);
	unlink(path);
	rmdir(dir);

	/* A directory that is not there: retried later, not an error now. */
	assert_int_equal(sink_jsonfile__open(&j, "/nonexistent/dir/alerts.json"), 0);
	rec = sink_record__from_alert(&a);
	assert_int_equal(sink_jsonfile__write(j, rec, "h"), -ENOTCONN);
	assert_int_equal(sink_jsonfile__last_error(j), -ENOENT);
	sink_record__put(rec);
	sink_jsonfile__close(j);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_internal),
		cmocka_unit_test(test_file_reopen),
		cmocka_unit_test(test_validator),
		cmocka_unit_test(test_falco_shape),
		cmocka_unit_test(test_no_tags_no_fields),
		cmocka_unit_test(test_local_time_of_day),
		cmocka_unit_test(test_escapes),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_fallback_null_values),
		cmocka_unit_test(test_fallback_cut),
		cmocka_unit_test(test_fallback_write_size),
		cmocka_unit_test(test_every_size),
		cmocka_unit_test(test_write),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
