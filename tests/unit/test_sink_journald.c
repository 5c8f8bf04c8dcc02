// SPDX-License-Identifier: GPL-2.0-only
/*
 * sink_journald__build: the exact "NAME=value" fields an alert becomes, and
 * the MESSAGE_ID of each kind of entry. Sending them to a real journald is
 * the end-to-end tests' job (tests/e2e/sinks.sh). The rules come from
 * tests/data/sink_rules.yaml; run from the top of the tree.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>

#include <cmocka.h>

#include "vigil.h"

#define RULES "tests/data/sink_rules.yaml"

static struct ruleset *ruleset;
static const struct rule *rule_shell;   /* Warning, three tags */
static const struct rule *rule_connect; /* Debug, no tags */

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

static void alert__init(struct alert *a, const struct rule *r, const char *message)
{
	memset(a, 0, sizeof(*a));
	a->rule = r;
	a->time_ns = 1796307548123456789ull;
	snprintf(a->message, sizeof(a->message), "%s", message);
}

static void alert__field(struct alert *a, const char *name, const char *value)
{
	a->fields[a->nfields].name = name;
	a->fields[a->nfields].value = value;
	a->fields[a->nfields].numeric = false;
	a->nfields++;
}

static struct iovec iov[SINK_JOURNALD_IOV_MAX];
static char buf[SINK_JOURNALD_BUF_SIZE];

/* The record the sinks would queue for a, laid out; the iovecs point into b. */
static int build(const struct alert *a, struct iovec *v, size_t max, char *b, size_t blen)
{
	struct sink_record *rec = sink_record__from_alert(a);
	int n;

	assert_non_null(rec);
	n = sink_journald__build(rec, v, max, b, blen);
	sink_record__put(rec);
	return n;
}

static void iov__assert(const struct iovec *v, const char *want)
{
	assert_int_equal(v->iov_len, strlen(want));
	assert_memory_equal(v->iov_base, want, v->iov_len);
}

static void test_fields(void **state)
{
	/* Longer than journald takes once "VIGIL_" is added. */
	static const char long_name[] =
		"proc.aname.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
	struct alert a;
	int n;

	(void)state;
	alert__init(&a, rule_shell, "Shell started\nsecond line");
	alert__field(&a, "container.id", "abc123def456");
	alert__field(&a, "proc.pid", "123");
	alert__field(&a, "fd.name", NULL);
	alert__field(&a, long_name, "x");
	alert__field(&a, "user.name", "root");
	alert__field(&a, "proc.cmdline", "sh -c \"x\ny\"");
	alert__field(&a, "proc.aname[2]", "");
	n = build(&a, iov, SINK_JOURNALD_IOV_MAX, buf, sizeof(buf));
	assert_int_equal(n, 12);
	iov__assert(&iov[0], "MESSAGE=Shell started\nsecond line");
	iov__assert(&iov[1], "MESSAGE_ID=c6b18e658989425fabe8165cef0ace1d");
	iov__assert(&iov[2], "PRIORITY=4");
	iov__assert(&iov[3], "SYSLOG_IDENTIFIER=vigild");
	iov__assert(&iov[4], "VIGIL_RULE=Terminal \"shell\" in container");
	iov__assert(&iov[5], "VIGIL_PRIORITY=Warning");
	iov__assert(&iov[6], "VIGIL_TAGS=container,shell,mitre_execution");
	iov__assert(&iov[7], "VIGIL_CONTAINER_ID=abc123def456");
	iov__assert(&iov[8], "VIGIL_PROC_PID=123");
	iov__assert(&iov[9], "VIGIL_USER_NAME=root");
	iov__assert(&iov[10], "VIGIL_PROC_CMDLINE=sh -c \"x\ny\"");
	iov__assert(&iov[11], "VIGIL_PROC_ANAME_2_=");
}

static void test_no_tags(void **state)
{
	struct alert a;
	int n;

	(void)state;
	alert__init(&a, rule_connect, "");
	n = build(&a, iov, SINK_JOURNALD_IOV_MAX, buf, sizeof(buf));
	assert_int_equal(n, 7);
	iov__assert(&iov[0], "MESSAGE=");
	iov__assert(&iov[1], "MESSAGE_ID=c6b18e658989425fabe8165cef0ace1d");
	iov__assert(&iov[2], "PRIORITY=7");
	iov__assert(&iov[3], "SYSLOG_IDENTIFIER=vigild");
	iov__assert(&iov[4], "VIGIL_RULE=Caf\xc3\xa9 \xe2\x98\x95 connect");
	iov__assert(&iov[5], "VIGIL_PRIORITY=Debug");
	iov__assert(&iov[6], "VIGIL_TAGS=");
}

/* The largest alert there can be fits the buffer sink_journald__send uses. */
static void test_largest(void **state)
{
	static char names[ALERT_FIELDS_MAX][64];
	static char values[ALERT_VALUES_MAX];
	size_t per = sizeof(values) / ALERT_FIELDS_MAX, i;
	struct alert a;
	int n;

	(void)state;
	alert__init(&a, rule_shell, "");
	memset(a.message, 'm', sizeof(a.message) - 1);
	memset(values, 'v', sizeof(values));
	for (i = 0; i < ALERT_FIELDS_MAX; i++) {
		/* 58 characters: with "VIGIL_", journald's 64. */
		snprintf(names[i], sizeof(names[i]), "f%02zu.%054zu", i, i);
		values[(i + 1) * per - 1] = '\0';
		alert__field(&a, names[i], values + i * per);
	}
	n = build(&a, iov, SINK_JOURNALD_IOV_MAX, buf, sizeof(buf));
	assert_int_equal(n, SINK_JOURNALD_IOV_MAX);
	assert_int_equal(iov[0].iov_len, strlen("MESSAGE=") + sizeof(a.message) - 1);
	for (i = 0; i < ALERT_FIELDS_MAX; i++) {
		assert_int_equal(iov[7 + i].iov_len, 6 + 58 + 1 + per - 1);
		assert_memory_equal(iov[7 + i].iov_base, "VIGIL_F", 7);
	}
}

static void test_left_out_whole(void **state)
{
	static char big[500];
	char small[200];
	struct alert a;
	int n;

	(void)state;
	memset(big, 'b', sizeof(big) - 1);
	alert__init(&a, rule_connect, "m");
	alert__field(&a, "proc.cmdline", big);
	alert__field(&a, "proc.pid", "1");
	/* No room for the cmdline: it goes, and the pid after it still comes. */
	n = build(&a, iov, SINK_JOURNALD_IOV_MAX, small, sizeof(small));
	assert_int_equal(n, 8);
	iov__assert(&iov[0], "MESSAGE=m");
	iov__assert(&iov[6], "VIGIL_TAGS=");
	iov__assert(&iov[7], "VIGIL_PROC_PID=1");

	/* No room for more iovecs: the first ones only. */
	n = build(&a, iov, 3, buf, sizeof(buf));
	assert_int_equal(n, 3);
	iov__assert(&iov[0], "MESSAGE=m");
	iov__assert(&iov[1], "MESSAGE_ID=c6b18e658989425fabe8165cef0ace1d");
	iov__assert(&iov[2], "PRIORITY=7");

	n = build(&a, iov, 0, buf, sizeof(buf));
	assert_int_equal(n, 0);
	n = build(&a, iov, SINK_JOURNALD_IOV_MAX, buf, 0);
	assert_int_equal(n, 0);
}

/* vigild's own entries: their kind's MESSAGE_ID, their fields, no tags. */
static void test_kinds(void **state)
{
	static const struct {
		enum alert_kind kind;
		const char *id;
		const char *name;
	} kinds[] = {
		{ ALERT_KIND_RULE, "c6b18e658989425fabe8165cef0ace1d", "alert" },
		{ ALERT_KIND_SUMMARY, "ace1225783894d838b1db9850049b89d", "summary" },
		{ ALERT_KIND_OPERATIONAL, "1cb43a77bb9844c1af9e85608d835991", "operational" },
		{ ALERT_KIND_STATS, "cbab06c2e29d4a11b88c047850d38ca9", "stats" },
	};
	const struct sink_field fields[] = {
		{ "kernel.drops.ringbuf_full", "12", true },
		{ "sink.syslog.queue_full", "3", true },
		{ "no.value", NULL, false },
	};
	struct sink_record_spec spec = {
		.kind = ALERT_KIND_OPERATIONAL,
		.priority = PRIORITY_ERROR,
		.time_ns = 1,
		.rule = "vigil internal: events or alerts lost",
		.message = "lost",
		.fields = fields,
		.nfields = 3,
	};
	char want[64];
	struct sink_record *rec;
	size_t i;
	int n;

	(void)state;
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		assert_string_equal(alert_kind__message_id(kinds[i].kind), kinds[i].id);
		assert_string_equal(alert_kind__name(kinds[i].kind), kinds[i].name);
	}
	rec = sink_record__new(&spec);
	assert_non_null(rec);
	n = sink_journald__build(rec, iov, SINK_JOURNALD_IOV_MAX, buf, sizeof(buf));
	sink_record__put(rec);
	assert_int_equal(n, 9);
	iov__assert(&iov[0], "MESSAGE=lost");
	snprintf(want, sizeof(want), "MESSAGE_ID=%s", kinds[2].id);
	iov__assert(&iov[1], want);
	iov__assert(&iov[2], "PRIORITY=3");
	iov__assert(&iov[4], "VIGIL_RULE=vigil internal: events or alerts lost");
	iov__assert(&iov[5], "VIGIL_PRIORITY=Error");
	iov__assert(&iov[6], "VIGIL_TAGS=");
	iov__assert(&iov[7], "VIGIL_KERNEL_DROPS_RINGBUF_FULL=12");
	iov__assert(&iov[8], "VIGIL_SINK_SYSLOG_QUEUE_FULL=3");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kinds),
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_no_tags),
		cmocka_unit_test(test_largest),
		cmocka_unit_test(test_left_out_whole),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
