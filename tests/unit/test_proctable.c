// SPDX-License-Identifier: GPL-2.0-only
/* The process table: fork, exec, exit, reparenting and its bounds, fed with
 * records built the way the BPF side builds them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "vigil.h"

static struct record_buf rb;

static void apply(struct proctable *pt, const char *line)
{
	const char *error = NULL;
	struct evt evt;
	enum capture_kind process;

	assert_int_equal(event_json__parse(line, &rb, &process, &error), 0);
	assert_int_equal(event__decode(rb.u.bytes, rb.len, &evt), 0);
	proctable__apply(pt, &evt);
}

static void applyf(struct proctable *pt, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	apply(pt, line);
}

static void test_fork_exec_exit(void **state)
{
	struct proctable *pt = proctable__new(1024);
	const struct process *p;

	(void)state;
	apply(pt, "{\"type\":\"exec\",\"pid\":100,\"ppid\":1,\"uid\":1000,\"comm\":\"bash\","
		  "\"exe\":\"/usr/bin/bash\",\"args\":[\"bash\",\"-l\"],\"cwd\":\"/home/u\","
		  "\"env\":[\"HOME=/home/u\"],\"tty\":34816,\"sid\":100,\"vpid\":100,"
		  "\"cap_effective\":0,\"start_ns\":5}");
	p = proctable__lookup(pt, 100);
	assert_non_null(p);
	assert_string_equal(p->comm, "bash");
	assert_string_equal(p->exepath, "/usr/bin/bash");
	assert_int_equal(p->args_len, sizeof("bash\0-l"));
	assert_memory_equal(p->args, "bash\0-l", p->args_len);
	assert_string_equal(p->cwd, "/home/u");
	assert_int_equal(p->env_len, sizeof("HOME=/home/u"));
	assert_int_equal(p->tty, 34816);
	assert_int_equal(p->uid, 1000);
	assert_int_equal(p->start_ns, 5);

	/* A child starts as a copy of its parent... */
	apply(pt, "{\"type\":\"fork\",\"pid\":100,\"ppid\":1,\"uid\":1000,\"comm\":\"bash\","
		  "\"child_pid\":101,\"ts\":7}");
	p = proctable__lookup(pt, 101);
	assert_non_null(p);
	assert_int_equal(p->ppid, 100);
	assert_string_equal(p->exepath, "/usr/bin/bash");
	assert_string_equal(p->cwd, "/home/u");
	assert_int_equal(p->tty, 34816);
	assert_int_equal(p->start_ns, 7);
	/* ...until it runs something else. */
	apply(pt, "{\"type\":\"exec\",\"pid\":101,\"ppid\":100,\"uid\":1000,\"comm\":\"cat\","
		  "\"exe\":\"/usr/bin/cat\",\"args\":[\"cat\",\"/etc/shadow\"],\"cwd\":\"/tmp\"}");
	p = proctable__lookup(pt, 101);
	assert_string_equal(p->comm, "cat");
	assert_string_equal(p->exepath, "/usr/bin/cat");
	assert_string_equal(p->cwd, "/tmp");
	assert_int_equal(p->env_len, 0);
	/* The parent is untouched. */
	assert_string_equal(proctable__lookup(pt, 100)->exepath, "/usr/bin/bash");
	/* A failed exec changes nothing. */
	apply(pt, "{\"type\":\"exec\",\"pid\":101,\"ret\":-2,\"comm\":\"cat\","
		  "\"filename\":\"/nope\",\"exe\":\"\"}");
	assert_string_equal(proctable__lookup(pt, 101)->exepath, "/usr/bin/cat");

	/* An exited process stays, for its children's events. */
	apply(pt, "{\"type\":\"exit\",\"pid\":100,\"ppid\":1,\"comm\":\"bash\"}");
	p = proctable__lookup(pt, 100);
	assert_non_null(p);
	assert_true(p->exited);
	assert_int_equal(proctable__count(pt), 2);
	proctable__free(pt);
}

static void test_reparent_and_unknown(void **state)
{
	struct proctable *pt = proctable__new(1024);
	const struct process *p;

	(void)state;
	apply(pt, "{\"type\":\"fork\",\"pid\":200,\"ppid\":1,\"comm\":\"sh\",\"child_pid\":201}");
	assert_int_equal(proctable__lookup(pt, 201)->ppid, 200);
	/* The parent died: the child's next event names its new parent. */
	apply(pt, "{\"type\":\"exit\",\"pid\":200,\"ppid\":1,\"comm\":\"sh\"}");
	apply(pt, "{\"type\":\"open\",\"pid\":201,\"ppid\":1,\"comm\":\"sh\",\"path\":\"/x\"}");
	assert_int_equal(proctable__lookup(pt, 201)->ppid, 1);
	/* A process seen for the first time is known from its event. */
	apply(pt, "{\"type\":\"connect\",\"pid\":300,\"ppid\":299,\"uid\":7,\"comm\":\"curl\","
		  "\"addr\":\"10.0.0.1\",\"port\":443}");
	p = proctable__lookup(pt, 300);
	assert_non_null(p);
	assert_string_equal(p->comm, "curl");
	assert_int_equal(p->ppid, 299);
	assert_int_equal(p->uid, 7);
	assert_string_equal(p->exepath, "");
	assert_null(proctable__lookup(pt, 0));
	assert_null(proctable__lookup(pt, 999));
	proctable__free(pt);
}

/* The table starts small and grows: entries survive every doubling, and a
 * fork whose child's insert grows the table still copies its parent. */
static void test_grows(void **state)
{
	struct proctable *pt = proctable__new(32768);
	uint32_t pid;

	(void)state;
	for (pid = 1; pid <= 5000; pid++)
		applyf(pt, "{\"type\":\"exec\",\"pid\":%u,\"comm\":\"p\",\"exe\":\"/p%u\"}",
		       pid, pid);
	for (pid = 5001; pid <= 7000; pid++)
		applyf(pt, "{\"type\":\"fork\",\"pid\":%u,\"child_pid\":%u,\"comm\":\"p\"}",
		       pid - 5000, pid);
	assert_int_equal(proctable__count(pt), 7000);
	assert_int_equal(proctable__refused(pt), 0);
	for (pid = 1; pid <= 7000; pid++) {
		uint32_t image = pid > 5000 ? pid - 5000 : pid;
		char exe[16];

		snprintf(exe, sizeof(exe), "/p%u", image);
		assert_string_equal(proctable__lookup(pt, pid)->exepath, exe);
		if (pid > 5000)
			assert_int_equal(proctable__lookup(pt, pid)->ppid, image);
	}
	proctable__free(pt);
}

static void exec_n(struct proctable *pt, uint32_t pid, uint32_t ppid)
{
	applyf(pt, "{\"type\":\"exec\",\"pid\":%u,\"ppid\":%u,\"comm\":\"p%u\","
		   "\"exe\":\"/p\"}", pid, ppid, pid);
}

static void exit_n(struct proctable *pt, uint32_t pid)
{
	applyf(pt, "{\"type\":\"exit\",\"pid\":%u,\"comm\":\"p\"}", pid);
}

/* Full (capacity 64 holds 48): exited entries go first, oldest exit first;
 * then the live process seen least recently. */
static void test_eviction_order(void **state)
{
	struct proctable *pt = proctable__new(64);
	uint32_t pid;

	(void)state;
	for (pid = 1; pid <= 48; pid++)
		exec_n(pt, pid, 0);
	assert_int_equal(proctable__count(pt), 48);
	assert_int_equal(proctable__evictions(pt), 0);
	exit_n(pt, 10);
	exit_n(pt, 5);
	exit_n(pt, 20);
	exec_n(pt, 49, 0);
	assert_null(proctable__lookup(pt, 10));
	assert_non_null(proctable__lookup(pt, 5));
	exec_n(pt, 50, 0);
	assert_null(proctable__lookup(pt, 5));
	exec_n(pt, 51, 0);
	assert_null(proctable__lookup(pt, 20));
	assert_int_equal(proctable__evictions(pt), 3);
	/* No exited one left: pid 1 was seen least recently. */
	exec_n(pt, 52, 0);
	assert_null(proctable__lookup(pt, 1));
	/* An event of pid 2 makes pid 3 the oldest. */
	applyf(pt, "{\"type\":\"open\",\"pid\":2,\"comm\":\"p2\",\"path\":\"/x\"}");
	exec_n(pt, 53, 0);
	assert_non_null(proctable__lookup(pt, 2));
	assert_null(proctable__lookup(pt, 3));
	assert_non_null(proctable__lookup(pt, 4));
	assert_int_equal(proctable__count(pt), 48);
	assert_int_equal(proctable__evictions(pt), 5);
	assert_int_equal(proctable__refused(pt), 0);
	for (pid = 49; pid <= 53; pid++)
		assert_string_equal(proctable__lookup(pt, pid)->exepath, "/p");
	proctable__free(pt);
}

/* The event's process and its ancestors are never evicted, an exited
 * parent included, however long ago they were seen. */
static void test_eviction_spares_ancestors(void **state)
{
	struct proctable *pt = proctable__new(64);
	const struct process *p;
	uint32_t pid;

	(void)state;
	exec_n(pt, 1, 0);      /* init */
	exec_n(pt, 100, 1);    /* sshd */
	applyf(pt, "{\"type\":\"exec\",\"pid\":101,\"ppid\":100,\"comm\":\"bash\","
		   "\"exe\":\"/bin/bash\"}");
	for (pid = 200; pid < 245; pid++)
		exec_n(pt, pid, 0);
	assert_int_equal(proctable__count(pt), 48);
	/* bash forks: the oldest outside its chain goes. */
	applyf(pt, "{\"type\":\"fork\",\"pid\":101,\"ppid\":100,\"comm\":\"bash\","
		   "\"child_pid\":102}");
	assert_null(proctable__lookup(pt, 200));
	p = proctable__lookup(pt, 102);
	assert_non_null(p);
	assert_int_equal(p->ppid, 101);
	/* The parent's copy went to the child after the eviction moved entries. */
	assert_string_equal(p->exepath, "/bin/bash");
	assert_non_null(proctable__lookup(pt, 1));
	assert_non_null(proctable__lookup(pt, 100));
	/* bash exits; an event of its child still names it as parent. The
	 * exited bash is in the chain: a stranger goes instead. */
	exit_n(pt, 101);
	applyf(pt, "{\"type\":\"fork\",\"pid\":102,\"ppid\":101,\"comm\":\"bash\","
		   "\"child_pid\":103}");
	assert_null(proctable__lookup(pt, 201));
	p = proctable__lookup(pt, 101);
	assert_non_null(p);
	assert_true(p->exited);
	assert_non_null(proctable__lookup(pt, 103));
	/* Outside the chain, the exited bash is the first to go. */
	exec_n(pt, 300, 0);
	assert_null(proctable__lookup(pt, 101));
	assert_non_null(proctable__lookup(pt, 202));
	assert_int_equal(proctable__evictions(pt), 3);
	assert_int_equal(proctable__refused(pt), 0);
	proctable__free(pt);
}

/* Ancestors are spared as far up as the fields reach; a chain as long as
 * the table leaves nothing to evict, and the new process is refused. */
static void test_refused_when_all_spared(void **state)
{
	struct proctable *pt = proctable__new(64);
	uint32_t pid;

	(void)state;
	exec_n(pt, 1, 0);
	for (pid = 2; pid <= 48; pid++)
		exec_n(pt, pid, pid - 1);
	/* 16 generations up from 48 is 32: pid 1, seen first, goes. */
	applyf(pt, "{\"type\":\"fork\",\"pid\":48,\"ppid\":47,\"comm\":\"p48\","
		   "\"child_pid\":49}");
	assert_non_null(proctable__lookup(pt, 49));
	assert_null(proctable__lookup(pt, 1));
	assert_int_equal(proctable__evictions(pt), 1);
	/* 64 generations: 49 up to 2 is every entry. */
	proctable__set_ancestry_depth(pt, 64);
	applyf(pt, "{\"type\":\"fork\",\"pid\":49,\"ppid\":48,\"comm\":\"p48\","
		   "\"child_pid\":50}");
	assert_null(proctable__lookup(pt, 50));
	assert_int_equal(proctable__refused(pt), 1);
	assert_int_equal(proctable__evictions(pt), 1);
	assert_int_equal(proctable__count(pt), 48);
	/* Known processes still update. */
	applyf(pt, "{\"type\":\"open\",\"pid\":48,\"ppid\":47,\"uid\":9,\"comm\":\"p48\","
		   "\"path\":\"/x\"}");
	assert_int_equal(proctable__lookup(pt, 48)->uid, 9);
	proctable__free(pt);
}

/* A parent exits: its children go to a subreaper or to init, and their next
 * event says which. The exited parent stays meanwhile. */
static void test_reparent(void **state)
{
	struct proctable *pt = proctable__new(1024);
	const struct process *p;

	(void)state;
	exec_n(pt, 150, 1); /* a subreaper: a container shim */
	applyf(pt, "{\"type\":\"fork\",\"pid\":150,\"ppid\":1,\"comm\":\"p150\","
		   "\"child_pid\":200}");
	applyf(pt, "{\"type\":\"fork\",\"pid\":200,\"ppid\":150,\"comm\":\"p150\","
		   "\"child_pid\":201}");
	applyf(pt, "{\"type\":\"fork\",\"pid\":200,\"ppid\":150,\"comm\":\"p150\","
		   "\"child_pid\":202}");
	exit_n(pt, 200);
	/* Until their next event, the children still name the exited parent. */
	assert_int_equal(proctable__lookup(pt, 201)->ppid, 200);
	assert_true(proctable__lookup(pt, 200)->exited);
	applyf(pt, "{\"type\":\"open\",\"pid\":201,\"ppid\":150,\"comm\":\"p150\","
		   "\"path\":\"/x\"}");
	applyf(pt, "{\"type\":\"connect\",\"pid\":202,\"ppid\":1,\"comm\":\"p150\","
		   "\"addr\":\"10.0.0.1\",\"port\":443}");
	p = proctable__lookup(pt, 201);
	assert_int_equal(p->ppid, 150);
	assert_string_equal(proctable__lookup(pt, p->ppid)->comm, "p150");
	assert_int_equal(proctable__lookup(pt, 202)->ppid, 1);
	assert_int_equal(proctable__count(pt), 4);
	proctable__free(pt);
}

/* A pid reused after an exit is a live process again: the exited pid's turn
 * to be forgotten, 1024 exits later, passes it by. */
static void test_pid_reuse(void **state)
{
	struct proctable *pt = proctable__new(8192);
	uint32_t pid;

	(void)state;
	exec_n(pt, 300, 1);
	exit_n(pt, 300);
	assert_true(proctable__lookup(pt, 300)->exited);
	exec_n(pt, 300, 7);
	assert_false(proctable__lookup(pt, 300)->exited);
	for (pid = 1000; pid < 2024; pid++) {
		exec_n(pt, pid, 1);
		exit_n(pt, pid);
	}
	assert_non_null(proctable__lookup(pt, 300));
	assert_int_equal(proctable__lookup(pt, 300)->ppid, 7);
	assert_int_equal(proctable__count(pt), 1 + 1024);
	proctable__free(pt);
}

/* Exited processes go 1024 exits later; every other lookup keeps working
 * while entries are removed from the middle of collision chains. */
static void test_exited_are_forgotten(void **state)
{
	struct proctable *pt = proctable__new(8192);
	uint32_t pid;

	(void)state;
	for (pid = 1; pid <= 3000; pid++)
		applyf(pt, "{\"type\":\"exec\",\"pid\":%u,\"comm\":\"p\",\"exe\":\"/p/%u\"}", pid,
		       pid);
	for (pid = 1; pid <= 2000; pid++)
		applyf(pt, "{\"type\":\"exit\",\"pid\":%u,\"comm\":\"p\"}", pid);
	/* The first 976 exits were pushed out by the last 1024. */
	assert_int_equal(proctable__count(pt), 3000 - 976);
	assert_null(proctable__lookup(pt, 976));
	assert_non_null(proctable__lookup(pt, 977));
	assert_true(proctable__lookup(pt, 977)->exited);
	for (pid = 2001; pid <= 3000; pid++) {
		char exe[16];

		snprintf(exe, sizeof(exe), "/p/%u", pid);
		assert_string_equal(proctable__lookup(pt, pid)->exepath, exe);
	}
	proctable__free(pt);
}

/* A record saying a process forked itself (no kernel sends one, a bad record
 * can) leaves it as it was: its strings are copied before they are freed. */
static void test_fork_self(void **state)
{
	struct proctable *pt = proctable__new(1024);
	const struct process *p;

	(void)state;
	apply(pt, "{\"type\":\"exec\",\"pid\":100,\"comm\":\"bash\",\"exe\":\"/usr/bin/bash\","
		  "\"args\":[\"bash\",\"-l\"],\"cwd\":\"/home/u\",\"env\":[\"A=1\"]}");
	apply(pt, "{\"type\":\"fork\",\"pid\":100,\"comm\":\"bash\",\"child_pid\":100}");
	p = proctable__lookup(pt, 100);
	assert_non_null(p);
	assert_string_equal(p->exepath, "/usr/bin/bash");
	assert_int_equal(p->args_len, sizeof("bash\0-l"));
	assert_memory_equal(p->args, "bash\0-l", p->args_len);
	assert_string_equal(p->cwd, "/home/u");
	assert_int_equal(p->env_len, sizeof("A=1"));
	proctable__free(pt);
}

static void proc_entry(const char *root, const char *pid, const char *stat)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, pid);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/%s/stat", root, pid);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(stat, f);
	assert_int_equal(fclose(f), 0);
}

/* Seeding from /proc: a zombie has exited, and no exit event would ever
 * take it out of the table again, so it is not put in. */
static void test_seed_skips_zombies(void **state)
{
	char root[] = "/tmp/vigil-proc-XXXXXX", cmd[64];
	struct proctable *pt = proctable__new(64);
	const struct process *p;

	(void)state;
	assert_non_null(mkdtemp(root));
	proc_entry(root, "100", "100 (sh) S 1 100 100 34816 100 4194304 0 0 0 0 0 0 0 0 20 0 "
				"1 0 4242 0 0\n");
	proc_entry(root, "101", "101 (true) Z 100 100 100 0 -1 4227084 0 0 0 0 0 0 0 0 20 0 "
				"1 0 4300 0 0\n");
	proc_entry(root, "102", "102 (a) b) R 100 100 100 0 -1 0 0 0 0 0 0 0 0 0 20 0 "
				"1 0 4400 0 0\n");
	assert_int_equal(proctable__seed(pt, root), 3);
	assert_int_equal(proctable__count(pt), 2);
	p = proctable__lookup(pt, 100);
	assert_non_null(p);
	assert_string_equal(p->comm, "sh");
	assert_int_equal(p->ppid, 1);
	assert_int_equal(p->tty, 34816);
	assert_null(proctable__lookup(pt, 101));
	p = proctable__lookup(pt, 102);
	assert_non_null(p);
	assert_string_equal(p->comm, "a) b");
	assert_int_equal(p->ppid, 100);
	proctable__free(pt);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fork_exec_exit),
		cmocka_unit_test(test_reparent_and_unknown),
		cmocka_unit_test(test_grows),
		cmocka_unit_test(test_eviction_order),
		cmocka_unit_test(test_eviction_spares_ancestors),
		cmocka_unit_test(test_refused_when_all_spared),
		cmocka_unit_test(test_reparent),
		cmocka_unit_test(test_pid_reuse),
		cmocka_unit_test(test_exited_are_forgotten),
		cmocka_unit_test(test_fork_self),
		cmocka_unit_test(test_seed_skips_zombies),
	};

	return cmocka_run_group_tests_name("process table", tests, NULL, NULL);
}
