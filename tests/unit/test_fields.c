// SPDX-License-Identifier: GPL-2.0-only
/*
 * The fields that need more than the event: ancestors through a real
 * process table (any-ancestor matching, its bound, a loop in the table),
 * the environment, capabilities, times, container and pod metadata, users
 * and groups; event arguments by name and number; field arguments and
 * transformers in outputs. Run from the top of the tree.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "rules_internal.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define T0 1715000645123456789ull /* 2024-05-06T13:04:05.123456789Z */

static struct proctable *pt;

/* argv as "a b c" into NUL-separated strings in buf; returns the length. */
static uint32_t strings_split(char *buf, size_t size, const char *s)
{
	uint32_t len = (uint32_t)strlen(s) + 1, i;

	assert_true(len <= size);
	memcpy(buf, s, len);
	for (i = 0; i < len; i++) {
		if (buf[i] == ' ')
			buf[i] = '\0';
	}
	return len;
}

/* What the process table learns from a successful exec. */
static void exec_into(uint32_t pid, uint32_t ppid, const char *comm, const char *exe,
		      const char *argv)
{
	struct vigil_event_header hdr = {
		.type = VIGIL_EVENT_EXEC, .syscall = VIGIL_SC_EXECVE, .pid = pid, .tid = pid,
		.ppid = ppid, .ts_ns = 1000,
	};
	struct evt evt = { .hdr = &hdr, .type = VIGIL_EVENT_EXEC, .syscall = VIGIL_SC_EXECVE };
	char args[256];

	snprintf(hdr.comm, sizeof(hdr.comm), "%s", comm);
	evt.exec.filename = exe;
	evt.exec.exe = exe;
	evt.exec.args = args;
	evt.exec.args_len = strings_split(args, sizeof(args), argv);
	evt.exec.cwd = "/";
	evt.exec.env = "";
	evt.exec.loginuid = UINT32_MAX;
	evt.exec.start_ns = 1000;
	proctable__apply(pt, &evt);
}

static const struct label labels[] = { { "app", "web" }, { "tier", "front" } };
static const struct label pod_labels[] = { { "app.kubernetes.io/name", "shop" } };
static const struct container_meta meta = {
	.name = "web",
	.image = "docker.io/library/nginx:1.25",
	.image_repository = "docker.io/library/nginx",
	.image_tag = "1.25",
	.image_digest = "sha256:0123abcd",
	.image_id = "605c77e624dd",
	.privileged = true,
	.created_ns = 1700000000000000000ull,
	.labels = (struct label *)labels,
	.nlabels = 2,
	.pod_name = "shop-7d4b9",
	.pod_namespace = "prod",
	.pod_uid = "1b2c3d4e",
	.pod_labels = (struct label *)pod_labels,
	.npod_labels = 1,
};
static const struct container ctr = {
	.runtime = RUNTIME_CONTAINERD,
	.id = "3f4e5d6c7b8a",
	.full_id = "3f4e5d6c7b8a9d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f80",
	.name = "web",
	.meta = &meta,
};
static const struct container ctr_nometa = {
	.runtime = RUNTIME_DOCKER,
	.id = "0123456789ab",
	.full_id = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
	.name = "",
};

static const char env[] = "HOME=/root\0LANG=C\0EMPTY=\0HOMER=simpson";
static const char args[] = "python3\0app.py\0--port\0" "8080";

struct fake {
	struct vigil_event_header hdr;
	struct evt evt;
};

/* python3 (300) opens /etc/shadow; bash (200) < sshd (100) < systemd (1). */
static void fake__open(struct fake *f)
{
	memset(f, 0, sizeof(*f));
	f->evt.hdr = &f->hdr;
	f->evt.type = VIGIL_EVENT_OPEN;
	f->evt.syscall = VIGIL_SC_OPENAT;
	f->evt.container = &ctr;
	f->evt.procs = pt;
	f->evt.proc = proctable__lookup(pt, 300);
	f->evt.parent = proctable__lookup(pt, 200);
	f->evt.hostname = "node-1";
	f->evt.num = 42;
	f->evt.time_ns = T0;
	f->evt.open.path = "/etc/shadow";
	f->evt.open.resolved = "/etc/shadow";
	f->evt.open.dirfd = -100;
	f->evt.open.flags = O_RDONLY | O_CLOEXEC;
	f->hdr.type = VIGIL_EVENT_OPEN;
	f->hdr.syscall = VIGIL_SC_OPENAT;
	f->hdr.ts_ns = 5000000000ull;
	f->hdr.retval = 3;
	f->hdr.pid = 300;
	f->hdr.tid = 301;
	f->hdr.ppid = 200;
	f->hdr.uid = 1000;
	f->hdr.gid = 100;
	f->hdr.cpu = 3;
	strcpy(f->hdr.comm, "python3");
}

/* The same process's exec, with all it carries. */
static void fake__exec(struct fake *f)
{
	fake__open(f);
	f->evt.type = VIGIL_EVENT_EXEC;
	f->evt.syscall = VIGIL_SC_EXECVE;
	f->hdr.type = VIGIL_EVENT_EXEC;
	f->hdr.syscall = VIGIL_SC_EXECVE;
	f->hdr.retval = 0;
	memset(&f->evt.exec, 0, sizeof(f->evt.exec));
	f->evt.exec.filename = "./app.py";
	f->evt.exec.exe = "/usr/bin/python3.11";
	f->evt.exec.args = args;
	f->evt.exec.args_len = sizeof(args);
	f->evt.exec.argc = 4;
	f->evt.exec.flags = VIGIL_EXEC_EXE_UPPER_LAYER;
	f->evt.exec.tty = 34816;
	f->evt.exec.loginuid = 1000;
	f->evt.exec.sid = 200;
	f->evt.exec.vpid = 1;
	f->evt.exec.cap_effective = (1u << 0) | (1u << 13) | (1ull << 21);
	f->evt.exec.cap_permitted = (1u << 0) | (1u << 13) | (1ull << 21) | (1ull << 45);
	f->evt.exec.start_ns = 4000000000ull;
	f->evt.exec.cwd = "/srv";
	f->evt.exec.env = env;
	f->evt.exec.env_len = sizeof(env);
}

/* A field's value as an output renders it, "<NA>" when missing. */
static const char *value_of(const struct evt *evt, const char *name)
{
	static char out[FIELD_BUF_MAX];
	char buf[FIELD_BUF_MAX], msg[160];
	struct strbuf sb, o;
	struct field_value v;
	struct field_ref r;

	if (field_ref__parse(&r, name, strlen(name), msg, sizeof(msg)))
		fail_msg("%s: %s", name, msg);
	strbuf__init(&sb, buf, sizeof(buf));
	strbuf__init(&o, out, sizeof(out));
	if (field_ref__get(&r, evt, -1, &v, &sb))
		field__render(r.type, &v, &o);
	else
		strbuf__puts(&o, "<NA>");
	field_ref__free(&r);
	return out;
}

static int setup(void **state)
{
	(void)state;
	setenv("TZ", "UTC", 1);
	tzset();
	pt = proctable__new(1024);
	assert_non_null(pt);
	exec_into(1, 0, "systemd", "/usr/lib/systemd/systemd", "/sbin/init");
	/* sshd's executable is unknown: it started before vigild. */
	exec_into(100, 1, "sshd", "", "/usr/sbin/sshd -D");
	exec_into(200, 100, "bash", "/usr/bin/bash", "bash -l");
	exec_into(300, 200, "python3", "/usr/bin/python3.11", "python3 app.py --port 8080");
	assert_int_equal(users__load("tests/data/passwd"), 0);
	assert_int_equal(groups__load("tests/data/rules/group"), 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	proctable__free(pt);
	return 0;
}

static const struct {
	const char *field;
	const char *open;
	const char *exec;
} cases[] = {
	/* ancestors: 0 is the process, 1 its parent; without an index, in an output, 0 */
	{ "proc.aname[0]", "python3", "python3" },
	{ "proc.aname[1]", "bash", "bash" },
	{ "proc.aname[2]", "sshd", "sshd" },
	{ "proc.aname[3]", "systemd", "systemd" },
	{ "proc.aname[4]", "<NA>", "<NA>" },
	{ "proc.aname", "python3", "python3" },
	{ "proc.apid[2]", "100", "100" },
	{ "proc.apid[3]", "1", "1" },
	{ "proc.aexepath[1]", "/usr/bin/bash", "/usr/bin/bash" },
	{ "proc.aexepath[2]", "<NA>", "<NA>" },
	{ "proc.aexepath[3]", "/usr/lib/systemd/systemd", "/usr/lib/systemd/systemd" },
	{ "proc.aexe[2]", "/usr/sbin/sshd", "/usr/sbin/sshd" },
	{ "proc.acmdline[1]", "bash -l", "bash -l" },
	{ "proc.acmdline[2]", "sshd -D", "sshd -D" },
	{ "proc.acmdline[0]", "python3 app.py --port 8080", "python3 app.py --port 8080" },
	{ "proc.pname", "bash", "bash" },
	{ "proc.pexe", "bash", "bash" },
	{ "proc.pexepath", "/usr/bin/bash", "/usr/bin/bash" },
	{ "proc.pcmdline", "bash -l", "bash -l" },
	/* the process: the table's view for an open, the event's for an exec */
	{ "proc.exe", "python3", "python3" },
	{ "proc.args", "app.py --port 8080", "app.py --port 8080" },
	{ "proc.exepath", "/usr/bin/python3.11", "/usr/bin/python3.11" },
	{ "proc.cwd", "/", "/srv" },
	{ "proc.env", "", "HOME=/root LANG=C EMPTY= HOMER=simpson" },
	{ "proc.env[HOME]", "<NA>", "/root" },
	{ "proc.env[EMPTY]", "<NA>", "" },
	{ "proc.env[HOM]", "<NA>", "<NA>" },
	{ "proc.env[NOPE]", "<NA>", "<NA>" },
	{ "proc.vpid", "<NA>", "1" },
	{ "proc.sid", "0", "200" },
	{ "proc.tty", "0", "34816" },
	{ "proc.duration", "4999999000", "1000000000" },
	{ "proc.is_exe_upper_layer", "false", "true" },
	{ "proc.is_exe_from_memfd", "false", "false" },
	{ "thread.tid", "301", "301" },
	{ "thread.cap_effective", "", "CAP_CHOWN CAP_NET_RAW CAP_SYS_ADMIN" },
	{ "thread.cap_permitted", "", "CAP_CHOWN CAP_NET_RAW CAP_SYS_ADMIN CAP_45" },
	{ "thread.cap_inheritable", "", "" },
	{ "user.uid", "1000", "1000" },
	{ "user.name", "alice", "alice" },
	{ "user.loginuid", "-1", "1000" },
	{ "user.loginname", "<NA>", "alice" },
	{ "group.gid", "100", "100" },
	{ "group.name", "users", "users" },
	/* the event */
	{ "evt.type", "openat", "execve" },
	{ "evt.num", "42", "42" },
	{ "evt.cpu", "3", "3" },
	{ "evt.hostname", "node-1", "node-1" },
	{ "evt.source", "syscall", "syscall" },
	{ "evt.rawtime", "1715000645123456789", "1715000645123456789" },
	{ "evt.time", "13:04:05.123456789", "13:04:05.123456789" },
	{ "evt.time.iso8601", "2024-05-06T13:04:05.123456789Z", "2024-05-06T13:04:05.123456789Z" },
	{ "evt.args", "fd=3 dirfd=-100 name=/etc/shadow flags=O_RDONLY|O_CLOEXEC mode=0",
	  "res=0 exe=/usr/bin/python3.11 args=app.py --port 8080 tid=301 pid=300 ptid=200 "
	  "cwd=/srv comm=python3 env=HOME=/root LANG=C EMPTY= HOMER=simpson tty=34816 "
	  "loginuid=1000 cap_inheritable=0 cap_permitted=200000202001 "
	  "cap_effective=202001" },
	{ "evt.arg[0]", "3", "0" },
	{ "evt.arg[2]", "/etc/shadow", "app.py --port 8080" },
	{ "evt.arg[6]", "<NA>", "/srv" },
	{ "evt.arg[7]", "<NA>", "<NA>" },
	{ "evt.arg[15]", "<NA>", "HOME=/root LANG=C EMPTY= HOMER=simpson" },
	{ "evt.arg[22]", "<NA>", "202001" },
	{ "evt.arg[23]", "<NA>", "<NA>" },
	{ "evt.arg.exe", "<NA>", "/usr/bin/python3.11" },
	{ "evt.arg.filename", "<NA>", "./app.py" },
	{ "evt.arg.ptid", "<NA>", "200" },
	{ "evt.arg.fd", "3", "<NA>" },
	{ "evt.arg.dirfd", "-100", "<NA>" },
	{ "evt.rawarg.flags", "524288", "<NA>" },
	{ "evt.rawarg.name", "/etc/shadow", "<NA>" },
	{ "evt.is_open_create", "false", "<NA>" },
	{ "evt.is_truncated", "false", "false" },
	/* the container and its pod */
	{ "container.id", "3f4e5d6c7b8a", "3f4e5d6c7b8a" },
	{ "container.type", "containerd", "containerd" },
	{ "container.image", "docker.io/library/nginx:1.25", "docker.io/library/nginx:1.25" },
	{ "container.image.repository", "docker.io/library/nginx", "docker.io/library/nginx" },
	{ "container.image.tag", "1.25", "1.25" },
	{ "container.image.digest", "sha256:0123abcd", "sha256:0123abcd" },
	{ "container.image.id", "605c77e624dd", "605c77e624dd" },
	{ "container.privileged", "true", "true" },
	{ "container.start_ts", "1700000000000000000", "1700000000000000000" },
	{ "container.labels", "app:web, tier:front", "app:web, tier:front" },
	{ "container.label[tier]", "front", "front" },
	{ "container.label[nope]", "<NA>", "<NA>" },
	{ "k8s.pod.name", "shop-7d4b9", "shop-7d4b9" },
	{ "k8s.ns.name", "prod", "prod" },
	{ "k8s.pod.uid", "1b2c3d4e", "1b2c3d4e" },
	{ "k8s.pod.labels", "app.kubernetes.io/name:shop", "app.kubernetes.io/name:shop" },
	{ "k8s.pod.label[app.kubernetes.io/name]", "shop", "shop" },
	/* transformers */
	{ "toupper(proc.aname[1])", "BASH", "BASH" },
	{ "basename(proc.aexepath[3])", "systemd", "systemd" },
	{ "len(proc.pexepath)", "13", "13" },
	{ "tolower(container.label[app])", "web", "web" },
};

static void test_values(void **state)
{
	struct fake f;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		const char *got;

		fake__open(&f);
		got = value_of(&f.evt, cases[i].field);
		if (strcmp(got, cases[i].open))
			fail_msg("open: %s is '%s', expected '%s'", cases[i].field, got,
				 cases[i].open);
		fake__exec(&f);
		got = value_of(&f.evt, cases[i].field);
		if (strcmp(got, cases[i].exec))
			fail_msg("exec: %s is '%s', expected '%s'", cases[i].field, got,
				 cases[i].exec);
	}
}

/* A cut capture is flagged whichever string was cut; other flags are not cuts. */
static void test_truncated(void **state)
{
	static const uint32_t open_cuts[] = { VIGIL_OPEN_PATH_TRUNCATED,
					      VIGIL_OPEN_RESOLVED_TRUNCATED };
	static const uint32_t exec_cuts[] = { VIGIL_EXEC_ARGS_TRUNCATED,
					      VIGIL_EXEC_FILENAME_TRUNCATED,
					      VIGIL_EXEC_EXE_TRUNCATED, VIGIL_EXEC_CWD_TRUNCATED,
					      VIGIL_EXEC_ENV_TRUNCATED };
	struct fake f;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(open_cuts); i++) {
		fake__open(&f);
		f.evt.open.capture_flags = open_cuts[i];
		assert_string_equal(value_of(&f.evt, "evt.is_truncated"), "true");
	}
	for (i = 0; i < ARRAY_SIZE(exec_cuts); i++) {
		fake__exec(&f);
		f.evt.exec.flags = exec_cuts[i];
		assert_string_equal(value_of(&f.evt, "evt.is_truncated"), "true");
	}
	fake__exec(&f);
	f.evt.exec.flags = VIGIL_EXEC_EXE_UPPER_LAYER | VIGIL_EXEC_EXE_MEMFD;
	assert_string_equal(value_of(&f.evt, "evt.is_truncated"), "false");
}

/* Without a resolved path (a failed open, an io_uring request seen before it
 * ran) an absolute name is normalized as text; a relative one is kept. */
static void test_unresolved_open(void **state)
{
	static const char *const paths[][2] = {
		{ "/etc/../etc/shadow", "/etc/shadow" },
		{ "//etc/./shadow", "/etc/shadow" },
		{ "/../../etc/shadow/", "/etc/shadow" },
		{ "/etc/..", "/" },
		{ "shadow", "shadow" },
		{ "../etc/shadow", "../etc/shadow" },
	};
	struct fake f;
	size_t i;

	(void)state;
	fake__open(&f);
	assert_string_equal(value_of(&f.evt, "evt.is_io_uring"), "false");
	f.hdr.flags = VIGIL_HDR_IO_URING;
	f.hdr.retval = 0;
	f.evt.open.resolved = "";
	assert_string_equal(value_of(&f.evt, "evt.is_io_uring"), "true");
	for (i = 0; i < ARRAY_SIZE(paths); i++) {
		f.evt.open.path = paths[i][0];
		assert_string_equal(value_of(&f.evt, "fd.name"), paths[i][1]);
		assert_string_equal(value_of(&f.evt, "evt.arg.name"), paths[i][0]);
	}
	f.evt.open.path = "/etc/../etc/shadow";
	assert_string_equal(value_of(&f.evt, "fd.directory"), "/etc");
	assert_string_equal(value_of(&f.evt, "fd.filename"), "shadow");
}

static void test_missing(void **state)
{
	static const char *const fields[] = {
		"container.image", "container.image.tag", "container.labels",
		"container.label[app]", "container.privileged", "container.start_ts",
		"k8s.pod.name", "k8s.ns.name", "k8s.pod.labels", "k8s.pod.label[x]",
		"container.name", "evt.num", "evt.time", "evt.rawtime", "evt.hostname",
		"proc.aname[1]", "proc.pname", "proc.duration", "thread.cap_effective",
		"proc.env", "proc.cwd",
	};
	struct fake f;
	size_t i;

	(void)state;
	/* No metadata yet, no process table, no clock: missing, not empty. */
	fake__open(&f);
	f.evt.container = &ctr_nometa;
	f.evt.procs = NULL;
	f.evt.proc = NULL;
	f.evt.parent = NULL;
	f.evt.num = 0;
	f.evt.time_ns = 0;
	f.evt.hostname = NULL;
	for (i = 0; i < ARRAY_SIZE(fields); i++) {
		if (strcmp(value_of(&f.evt, fields[i]), "<NA>"))
			fail_msg("%s is '%s'", fields[i], value_of(&f.evt, fields[i]));
	}
	/* The host: what vigil knows of the pseudo-container. */
	f.evt.container = &container_host;
	assert_string_equal(value_of(&f.evt, "container.id"), "host");
	assert_string_equal(value_of(&f.evt, "container.image"), "<NA>");
	/* A process, but no group entry. */
	f.hdr.gid = 7777;
	assert_string_equal(value_of(&f.evt, "group.name"), "<NA>");
	assert_string_equal(value_of(&f.evt, "group.gid"), "7777");
}

static bool holds(const char *cond, const struct evt *evt)
{
	char yaml[1024];
	struct ruleset *rs;
	bool hit;

	snprintf(yaml, sizeof(yaml),
		 "- rule: t\n  desc: t\n  condition: evt.type in (openat, execve) and %s\n"
		 "  output: o\n  priority: info\n",
		 cond);
	rs = rules__load_buffer("t.yaml", yaml, strlen(yaml), stderr);
	if (!rs)
		fail_msg("'%s' does not load", cond);
	hit = rules__match(rs, evt) != NULL;
	rules__free(rs);
	return hit;
}

static void test_ancestors(void **state)
{
	static const struct {
		const char *cond;
		bool holds;
	} conds[] = {
		/* Without an index: any ancestor, from the parent up. */
		{ "proc.aname = sshd", true },
		{ "proc.aname = systemd", true },
		{ "proc.aname = python3", false },
		{ "proc.aname[0] = python3", true },
		{ "proc.aname in (cron, systemd)", true },
		{ "proc.aname intersects (cron, systemd)", true },
		{ "proc.aname startswith ss", true },
		{ "proc.aname != bash", true },
		{ "proc.aname exists", true },
		{ "not proc.aname = sshd", false },
		{ "proc.apid = 1", true },
		{ "proc.apid = 300", false },
		{ "proc.apid > 150", true },
		{ "proc.apid[2] = 100", true },
		/* Past sshd, whose executable is unknown, to systemd. */
		{ "proc.aexepath endswith /systemd", true },
		{ "proc.aexepath[2] exists", false },
		{ "proc.acmdline contains -D", true },
		{ "proc.aexe = /usr/sbin/sshd", true },
		{ "proc.aname[7] exists", false },
		{ "tolower(proc.aname) = SSHD", false },
		{ "toupper(proc.aname) = SSHD", true },
		{ "proc.aname = val(proc.pname)", true },
		{ "proc.env[HOME] = /root", false },
	};
	struct fake f;
	size_t i;

	(void)state;
	fake__open(&f);
	for (i = 0; i < ARRAY_SIZE(conds); i++) {
		if (holds(conds[i].cond, &f.evt) != conds[i].holds)
			fail_msg("'%s' should be %s", conds[i].cond,
				 conds[i].holds ? "true" : "false");
	}
	fake__exec(&f);
	assert_true(holds("proc.env[HOME] = /root", &f.evt));
	assert_true(holds("proc.env contains 'LANG=C'", &f.evt));
	assert_true(holds("thread.cap_effective contains CAP_SYS_ADMIN", &f.evt));
	assert_false(holds("thread.cap_effective contains CAP_SYS_MODULE", &f.evt));
	assert_true(holds("proc.is_exe_upper_layer = true", &f.evt));
	assert_true(holds("container.label[app] = web and k8s.ns.name = prod", &f.evt));
	assert_true(holds("container.privileged = true", &f.evt));
	/* Without the table, only the parent the daemon attached is known. */
	fake__open(&f);
	f.evt.procs = NULL;
	assert_true(holds("proc.aname = bash", &f.evt));
	assert_false(holds("proc.aname = sshd", &f.evt));
}

static void test_ancestor_bounds(void **state)
{
	char comm[16], argv[32];
	struct fake f;
	uint32_t pid;

	(void)state;
	/* A chain of 24 processes: 2000 < 2001 < ... < 2023. */
	for (pid = 2000; pid < 2024; pid++) {
		snprintf(comm, sizeof(comm), "p%u", pid);
		snprintf(argv, sizeof(argv), "%s", comm);
		exec_into(pid, pid == 2000 ? 1 : pid - 1, comm, "/bin/p", argv);
	}
	fake__open(&f);
	f.hdr.pid = 2023;
	f.hdr.ppid = 2022;
	f.evt.proc = proctable__lookup(pt, 2023);
	f.evt.parent = proctable__lookup(pt, 2022);
	assert_string_equal(value_of(&f.evt, "proc.aname[16]"), "p2007");
	assert_string_equal(value_of(&f.evt, "proc.aname[17]"), "<NA>");
	assert_true(holds("proc.aname = p2007", &f.evt));
	assert_false(holds("proc.aname = p2006", &f.evt));

	/* proc_ancestry_depth: 5 generations, then 20. */
	proctable__set_ancestry_depth(pt, 5);
	assert_string_equal(value_of(&f.evt, "proc.aname[5]"), "p2018");
	assert_string_equal(value_of(&f.evt, "proc.apid[5]"), "2018");
	assert_string_equal(value_of(&f.evt, "proc.aname[6]"), "<NA>");
	assert_string_equal(value_of(&f.evt, "proc.apid[6]"), "<NA>");
	assert_true(holds("proc.aname = p2018", &f.evt));
	assert_false(holds("proc.aname = p2017", &f.evt));
	assert_false(holds("proc.apid = 2017", &f.evt));
	proctable__set_ancestry_depth(pt, 20);
	assert_string_equal(value_of(&f.evt, "proc.aname[20]"), "p2003");
	assert_string_equal(value_of(&f.evt, "proc.aname[21]"), "<NA>");
	assert_true(holds("proc.apid = 2003", &f.evt));
	assert_false(holds("proc.apid = 2002", &f.evt));
	/* Out of range: clamped to 1 and 64. */
	proctable__set_ancestry_depth(pt, 0);
	assert_int_equal(proctable__ancestry_depth(pt), 1);
	assert_string_equal(value_of(&f.evt, "proc.aname[1]"), "p2022");
	assert_string_equal(value_of(&f.evt, "proc.aname[2]"), "<NA>");
	proctable__set_ancestry_depth(pt, 1000);
	assert_int_equal(proctable__ancestry_depth(pt), 64);
	proctable__set_ancestry_depth(pt, PROC_ANCESTRY_DEPTH_DEFAULT);

	/* Two processes each other's parent: the walk ends all the same. */
	exec_into(500, 501, "a", "/bin/a", "a");
	exec_into(501, 500, "b", "/bin/b", "b");
	fake__open(&f);
	f.hdr.pid = 500;
	f.hdr.ppid = 501;
	f.evt.proc = proctable__lookup(pt, 500);
	f.evt.parent = proctable__lookup(pt, 501);
	assert_false(holds("proc.aname = nothing", &f.evt));
	assert_true(holds("proc.aname = a", &f.evt));
	assert_string_equal(value_of(&f.evt, "proc.aname[16]"), "a");
}

static void test_output(void **state)
{
	static struct alert alert;
	static const char yaml[] =
		"- rule: r\n  desc: d\n  condition: evt.type = openat\n"
		"  output: \"%proc.aname[2] %tolower(proc.name) %len(proc.name) "
		"%container.label[tier] %evt.arg[2]%proc.aname[1]x %proc.env[HOME] "
		"%basename(fd.name)\"\n  priority: info\n";
	struct ruleset *rs;
	struct fake f;

	(void)state;
	rs = rules__load_buffer("t.yaml", yaml, strlen(yaml), stderr);
	assert_non_null(rs);
	fake__open(&f);
	output__render(rs->rules[0], &f.evt, &alert);
	assert_string_equal(alert.message, "sshd python3 7 front /etc/shadowbashx <NA> shadow");
	assert_int_equal(alert.time_ns, T0);
	assert_int_equal(alert.nfields, 8 + 5);
	assert_string_equal(alert.fields[0].name, "proc.aname[2]");
	assert_string_equal(alert.fields[1].name, "tolower(proc.name)");
	assert_string_equal(alert.fields[2].name, "len(proc.name)");
	assert_true(alert.fields[2].numeric);
	assert_false(alert.fields[1].numeric);
	assert_string_equal(alert.fields[3].name, "container.label[tier]");
	assert_string_equal(alert.fields[4].name, "evt.arg[2]");
	assert_string_equal(alert.fields[6].name, "proc.env[HOME]");
	/* Missing: null in JSON. */
	assert_null(alert.fields[6].value);
	assert_string_equal(alert.fields[7].value, "shadow");
	rules__free(rs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_unresolved_open),
		cmocka_unit_test(test_missing),
		cmocka_unit_test(test_ancestors),
		cmocka_unit_test(test_ancestor_bounds),
		cmocka_unit_test(test_output),
	};

	return cmocka_run_group_tests_name("fields", tests, setup, teardown);
}
