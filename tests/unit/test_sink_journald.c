// SPDX-License-Identifier: GPL-2.0-only
/*
 * sink_journald__build: the exact "NAME=value" fields an alert becomes.
 * Sending them to a real journald is the end-to-end tests' job. The rules
 * come from tests/data/sink_rules.yaml; run from the top of the tree.
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
		memcpy(e->data, "/bin/sh\0/bin/sh\0sh\0", 19);
		e->filename_len = 8;
		e->exe_len = 8;
		e->args_len = 3;
		e->argc = 1;
		size = sizeof(*e) + 19;
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
	n = sink_journald__build(&a, iov, SINK_JOURNALD_IOV_MAX, buf, sizeof(buf));
	assert_int_equal(n, 11);
	iov__assert(&iov[0], "MESSAGE=Shell started\nsecond line");
	iov__assert(&iov[1], "PRIORITY=4");
	iov__assert(&iov[2], "SYSLOG_IDENTIFIER=vigild");
	iov__assert(&iov[3], "VIGIL_RULE=Terminal \"shell\" in container");
	iov__assert(&iov[4], "VIGIL_PRIORITY=Warning");
	iov__assert(&iov[5], "VIGIL_TAGS=container,shell,mitre_execution");
	iov__assert(&iov[6], "VIGIL_CONTAINER_ID=abc123def456");
	iov__assert(&iov[7], "VIGIL_PROC_PID=123");
	iov__assert(&iov[8], "VIGIL_USER_NAME=root");
	iov__assert(&iov[9], "VIGIL_PROC_CMDLINE=sh -c \"x\ny\"");
	iov__assert(&iov[10], "VIGIL_PROC_ANAME_2_=");
}

static void test_no_tags(void **state)
{
	struct alert a;
	int n;

	(void)state;
	alert__init(&a, rule_connect, "");
	n = sink_journald__build(&a, iov, SINK_JOURNALD_IOV_MAX, buf, sizeof(buf));
	assert_int_equal(n, 6);
	iov__assert(&iov[0], "MESSAGE=");
	iov__assert(&iov[1], "PRIORITY=7");
	iov__assert(&iov[2], "SYSLOG_IDENTIFIER=vigild");
	iov__assert(&iov[3], "VIGIL_RULE=Caf\xc3\xa9 \xe2\x98\x95 connect");
	iov__assert(&iov[4], "VIGIL_PRIORITY=Debug");
	iov__assert(&iov[5], "VIGIL_TAGS=");
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
	n = sink_journald__build(&a, iov, SINK_JOURNALD_IOV_MAX, buf, sizeof(buf));
	assert_int_equal(n, SINK_JOURNALD_IOV_MAX);
	assert_int_equal(iov[0].iov_len, strlen("MESSAGE=") + sizeof(a.message) - 1);
	for (i = 0; i < ALERT_FIELDS_MAX; i++) {
		assert_int_equal(iov[6 + i].iov_len, 6 + 58 + 1 + per - 1);
		assert_memory_equal(iov[6 + i].iov_base, "VIGIL_F", 7);
	}
}

static void test_left_out_whole(void **state)
{
	static char big[500];
	char small[160];
	struct alert a;
	int n;

	(void)state;
	memset(big, 'b', sizeof(big) - 1);
	alert__init(&a, rule_connect, "m");
	alert__field(&a, "proc.cmdline", big);
	alert__field(&a, "proc.pid", "1");
	/* No room for the cmdline: it goes, and the pid after it still comes. */
	n = sink_journald__build(&a, iov, SINK_JOURNALD_IOV_MAX, small, sizeof(small));
	assert_int_equal(n, 7);
	iov__assert(&iov[0], "MESSAGE=m");
	iov__assert(&iov[5], "VIGIL_TAGS=");
	iov__assert(&iov[6], "VIGIL_PROC_PID=1");

	/* No room for more iovecs: the first ones only. */
	n = sink_journald__build(&a, iov, 3, buf, sizeof(buf));
	assert_int_equal(n, 3);
	iov__assert(&iov[0], "MESSAGE=m");
	iov__assert(&iov[1], "PRIORITY=7");
	iov__assert(&iov[2], "SYSLOG_IDENTIFIER=vigild");

	n = sink_journald__build(&a, iov, 0, buf, sizeof(buf));
	assert_int_equal(n, 0);
	n = sink_journald__build(&a, iov, SINK_JOURNALD_IOV_MAX, buf, 0);
	assert_int_equal(n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_no_tags),
		cmocka_unit_test(test_largest),
		cmocka_unit_test(test_left_out_whole),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
