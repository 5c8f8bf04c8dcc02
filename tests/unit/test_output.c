// SPDX-License-Identifier: GPL-2.0-only
/*
 * Outputs: every field rendered from realistic events, <NA> for missing
 * ones, the alert's field list, bounds, journald field names and the
 * --list-fields table. Run from the top of the tree.
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
#include <arpa/inet.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "rules_internal.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const struct container ctr_web = {
	.runtime = RUNTIME_PODMAN,
	.id = "3f4e5d6c7b8a",
	.full_id = "3f4e5d6c7b8a9d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f80",
	.name = "web",
};

static const struct container ctr_unnamed = {
	.runtime = RUNTIME_DOCKER,
	.id = "0123456789ab",
	.full_id = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
	.name = "",
};

static const struct container ctr_host = {
	.runtime = RUNTIME_HOST,
	.id = "host",
	.full_id = "host",
	.name = "host",
};

struct fake {
	struct vigil_event_header hdr;
	struct evt evt;
	struct process proc;
	struct process parent;
	char args[8192];
	char pargs[8192];
};

static void fake__init(struct fake *f, enum vigil_event_type type, enum vigil_syscall sc,
		       const char *comm, const struct container *c)
{
	memset(f, 0, sizeof(*f));
	f->evt.hdr = &f->hdr;
	f->evt.type = type;
	f->evt.syscall = sc;
	f->evt.container = c;
	f->hdr.type = (uint16_t)type;
	f->hdr.syscall = (uint16_t)sc;
	f->hdr.ts_ns = 12000000000ull;
	f->hdr.pid = 2718;
	f->hdr.tid = 2719;
	f->hdr.ppid = 2700;
	f->hdr.uid = 1000;
	f->hdr.gid = 100;
	f->hdr.euid = 1000;
	snprintf(f->hdr.comm, sizeof(f->hdr.comm), "%s", comm);
	f->proc.pid = 2718;
	f->proc.ppid = 2700;
	f->proc.tty = 34816;
	f->proc.loginuid = 1000;
	snprintf(f->proc.comm, sizeof(f->proc.comm), "%s", comm);
	f->proc.exepath = "/usr/bin/python3.11";
	memcpy(f->args, "python3\0app.py\0--port\0" "8080", 27);
	f->proc.args = f->args;
	f->proc.args_len = 27;
	snprintf(f->parent.comm, sizeof(f->parent.comm), "bash");
	f->parent.exepath = "/usr/bin/bash";
	memcpy(f->pargs, "-bash", 6);
	f->parent.args = f->pargs;
	f->parent.args_len = 6;
	f->evt.proc = &f->proc;
	f->evt.parent = &f->parent;
}

static void fake__exec(struct fake *f, const char *comm, const char *filename, const char *exe,
		       const char *args, uint32_t args_len)
{
	fake__init(f, VIGIL_EVENT_EXEC, VIGIL_SC_EXECVE, comm, &ctr_web);
	f->evt.exec.filename = filename;
	f->evt.exec.exe = exe;
	f->evt.exec.args = args;
	f->evt.exec.args_len = args_len;
	f->evt.exec.tty = 136 << 20 | 3;
	f->evt.exec.loginuid = UINT32_MAX;
	f->hdr.uid = 0;
	f->hdr.gid = 0;
	if (!*exe)
		f->hdr.retval = -ENOENT;
}

static void fake__open(struct fake *f, const char *path, const char *resolved, uint32_t flags,
		       uint32_t mode, int64_t ret)
{
	fake__init(f, VIGIL_EVENT_OPEN, VIGIL_SC_OPENAT, "python3", &ctr_host);
	f->evt.open.path = path;
	f->evt.open.resolved = resolved;
	f->evt.open.dirfd = -100;
	f->evt.open.flags = flags;
	f->evt.open.mode = mode;
	f->hdr.retval = ret;
}

static void fake__connect(struct fake *f, int family, const char *addr, uint16_t port,
			  int64_t ret)
{
	fake__init(f, VIGIL_EVENT_CONNECT, VIGIL_SC_CONNECT, "python3", &ctr_unnamed);
	f->evt.connect.fd = 7;
	f->evt.connect.family = (uint16_t)family;
	f->evt.connect.port = port;
	f->evt.connect.unix_path = "";
	if (family == AF_UNIX)
		f->evt.connect.unix_path = addr;
	else if (family == AF_INET || family == AF_INET6)
		assert_int_equal(inet_pton(family, addr, f->evt.connect.addr), 1);
	f->hdr.retval = ret;
}

static void fake__setid(struct fake *f, enum vigil_syscall sc, uint32_t a0, uint32_t a1,
			uint32_t a2)
{
	fake__init(f, VIGIL_EVENT_SETID, sc, "su", &ctr_host);
	f->evt.setid.args[0] = a0;
	f->evt.setid.args[1] = a1;
	f->evt.setid.args[2] = a2;
	f->evt.setid.old_ids[0] = 1000;
	f->evt.setid.old_ids[1] = 0;
	f->evt.setid.old_ids[2] = 0;
	f->evt.setid.new_ids[0] = 0;
	f->evt.setid.new_ids[1] = 0;
	f->evt.setid.new_ids[2] = 0;
	f->hdr.uid = 0;
}

static struct alert alert;

/* A ruleset of one rule with this output. */
static struct ruleset *load_output(const char *output)
{
	char yaml[16384];
	struct ruleset *rs;

	snprintf(yaml, sizeof(yaml),
		 "- rule: r\n  desc: d\n  condition: evt.dir = <\n  output: |\n    %s\n"
		 "  priority: info\n",
		 output);
	rs = rules__load_buffer("t.yaml", yaml, strlen(yaml), NULL);
	if (!rs)
		fail_msg("output '%s' does not load", output);
	return rs;
}

static const char *render(const char *output, const struct evt *evt)
{
	struct ruleset *rs = load_output(output);

	memset(&alert, 0xa5, sizeof(alert));
	output__render(rs->rules[0], evt, &alert);
	assert_ptr_equal(alert.rule, rs->rules[0]);
	rules__free(rs);
	return alert.message;
}

static const char exec_args[] = "bash\0-c\0echo hi > /tmp/x";
static const char exec_noargs[] = "sh";

enum ev {
	EV_EXEC,
	EV_EXEC_NOARGV,
	EV_EXEC_FAILED,
	EV_OPEN_READ,
	EV_OPEN_CREATE,
	EV_OPEN_FAILED_REL,
	EV_OPEN_ROOT,
	EV_CONNECT4,
	EV_CONNECT6,
	EV_CONNECT_UNIX,
	EV_CONNECT_NETLINK,
	EV_SETUID,
	EV_SETRESUID,
	EV_SETREGID,
	EV_FORK,
	EV_EXIT,
	EV_NOPROC,
};

static void fake__make(struct fake *f, enum ev which)
{
	switch (which) {
	case EV_EXEC:
		fake__exec(f, "bash", "/bin/bash", "/usr/bin/bash", exec_args, sizeof(exec_args));
		break;
	case EV_EXEC_NOARGV:
		fake__exec(f, "pkexec", "/usr/bin/pkexec", "/usr/bin/pkexec", "", 0);
		break;
	case EV_EXEC_FAILED:
		fake__exec(f, "sh", "nmap", "", exec_noargs, sizeof(exec_noargs));
		break;
	case EV_OPEN_READ:
		fake__open(f, "shadow", "/etc/shadow", O_RDONLY | O_CLOEXEC, 0, 3);
		break;
	case EV_OPEN_CREATE:
		fake__open(f, "/tmp/out.log", "/tmp/out.log", O_WRONLY | O_CREAT | O_TRUNC, 0640,
			   4);
		break;
	case EV_OPEN_FAILED_REL:
		fake__open(f, "notes.txt", "", O_RDWR | O_APPEND, 0, -EACCES);
		break;
	case EV_OPEN_ROOT:
		fake__open(f, "/", "/", O_RDONLY | O_DIRECTORY, 0, 5);
		break;
	case EV_CONNECT4:
		fake__connect(f, AF_INET, "10.0.0.1", 443, 0);
		break;
	case EV_CONNECT6:
		fake__connect(f, AF_INET6, "2001:db8::1", 8443, -EINPROGRESS);
		break;
	case EV_CONNECT_UNIX:
		fake__connect(f, AF_UNIX, "/run/podman/podman.sock", 0, -ECONNREFUSED);
		break;
	case EV_CONNECT_NETLINK:
		fake__connect(f, AF_NETLINK, "", 0, 0);
		break;
	case EV_SETUID:
		fake__setid(f, VIGIL_SC_SETUID, 0, UINT32_MAX, UINT32_MAX);
		break;
	case EV_SETRESUID:
		fake__setid(f, VIGIL_SC_SETRESUID, 0, 0, UINT32_MAX);
		break;
	case EV_SETREGID:
		fake__setid(f, VIGIL_SC_SETREGID, 100, 100, UINT32_MAX);
		break;
	case EV_FORK:
		fake__init(f, VIGIL_EVENT_FORK, VIGIL_SC_NONE, "python3", &ctr_host);
		f->evt.fork.child_pid = 2720;
		f->hdr.retval = 2720;
		break;
	case EV_EXIT:
		fake__init(f, VIGIL_EVENT_EXIT, VIGIL_SC_NONE, "python3", &ctr_host);
		break;
	case EV_NOPROC:
		fake__init(f, VIGIL_EVENT_OPEN, VIGIL_SC_OPEN, "cron", &ctr_host);
		f->evt.open.path = "/etc/crontab";
		f->evt.open.resolved = "/etc/crontab";
		f->evt.open.flags = O_RDONLY;
		f->evt.proc = NULL;
		f->evt.parent = NULL;
		f->hdr.retval = 3;
		break;
	}
}

static const struct {
	enum ev ev;
	const char *output;
	const char *message;
} field_cases[] = {
	{ EV_EXEC, "%evt.type %evt.dir %evt.res %evt.rawres %evt.failed",
	  "execve < SUCCESS 0 false" },
	{ EV_EXEC, "%proc.name|%proc.exe|%proc.args|%proc.cmdline",
	  "bash|bash|-c echo hi > /tmp/x|bash -c echo hi > /tmp/x" },
	{ EV_EXEC, "%proc.exepath %evt.arg.filename %proc.pid %thread.tid %proc.ppid",
	  "/usr/bin/bash /bin/bash 2718 2719 2700" },
	{ EV_EXEC, "%proc.pname %proc.pexepath %proc.pcmdline", "bash /usr/bin/bash bash" },
	{ EV_EXEC, "%proc.tty %user.uid %group.gid %user.loginuid %user.loginname",
	  "142606339 0 0 -1 <NA>" },
	{ EV_EXEC, "%container.id %container.name %container.type",
	  "3f4e5d6c7b8a web podman" },
	{ EV_EXEC, "%container.full_id",
	  "3f4e5d6c7b8a9d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f80" },
	{ EV_EXEC, "%fd.name %fd.num %evt.arg.flags %fd.sip %evt.arg.uid",
	  "<NA> <NA> <NA> <NA> <NA>" },
	{ EV_EXEC_NOARGV, "[%proc.exe][%proc.args][%proc.cmdline]", "[][][pkexec]" },
	{ EV_EXEC_FAILED, "%evt.res %evt.rawres %evt.failed %proc.exepath %evt.arg.filename",
	  "ENOENT -2 true <NA> nmap" },
	{ EV_OPEN_READ, "%evt.type %fd.name %fd.nameraw %evt.arg.name %evt.arg.path",
	  "openat /etc/shadow shadow shadow shadow" },
	{ EV_OPEN_READ, "%fd.directory %fd.filename %fd.typechar %fd.type %fd.num",
	  "/etc shadow f file 3" },
	{ EV_OPEN_READ, "%evt.arg.flags %evt.arg.mode %evt.arg.dirfd",
	  "O_RDONLY|O_CLOEXEC 0 -100" },
	{ EV_OPEN_READ, "%evt.is_open_read %evt.is_open_write", "true false" },
	{ EV_OPEN_READ, "%proc.name %proc.exe %proc.args %proc.cmdline %proc.exepath %proc.tty",
	  "python3 python3 app.py --port 8080 python3 app.py --port 8080 /usr/bin/python3.11 "
	  "34816" },
	{ EV_OPEN_READ, "%user.loginuid %container.id %container.name %container.type",
	  "1000 host host host" },
	{ EV_OPEN_CREATE, "%evt.arg.flags %evt.arg.mode %evt.is_open_read %evt.is_open_write",
	  "O_WRONLY|O_CREAT|O_TRUNC 0640 false true" },
	{ EV_OPEN_FAILED_REL, "%fd.name|%fd.directory|%fd.filename|%fd.num|%evt.res",
	  "notes.txt|<NA>|notes.txt|-13|EACCES" },
	{ EV_OPEN_FAILED_REL, "%evt.arg.flags %evt.is_open_read %evt.is_open_write",
	  "O_RDWR|O_APPEND true true" },
	{ EV_OPEN_ROOT, "%fd.directory|%fd.filename|%evt.arg.flags", "/||O_RDONLY|O_DIRECTORY" },
	{ EV_CONNECT4, "%fd.name %fd.sip %fd.sport %fd.rip %fd.rport",
	  "0.0.0.0:0->10.0.0.1:443 10.0.0.1 443 10.0.0.1 443" },
	{ EV_CONNECT4, "%fd.typechar %fd.type %fd.sockfamily %fd.num %evt.res",
	  "4 ipv4 ip 7 SUCCESS" },
	{ EV_CONNECT4, "%fd.directory %fd.filename %evt.arg.flags", "<NA> <NA> <NA>" },
	{ EV_CONNECT4, "%container.id %container.name %container.type",
	  "0123456789ab <NA> docker" },
	{ EV_CONNECT6, "%fd.name %fd.sip %fd.sport %fd.typechar %fd.type %evt.res",
	  ":::0->2001:db8::1:8443 2001:db8::1 8443 6 ipv6 EINPROGRESS" },
	{ EV_CONNECT_UNIX, "%fd.name %fd.typechar %fd.type %fd.sockfamily %fd.sip %fd.sport",
	  "/run/podman/podman.sock u unix unix <NA> <NA>" },
	{ EV_CONNECT_UNIX, "%evt.res %evt.rawres", "ECONNREFUSED -111" },
	{ EV_CONNECT_NETLINK, "%fd.name %fd.typechar %fd.type %fd.sockfamily %fd.num",
	  "<NA> <NA> <NA> <NA> 7" },
	{ EV_SETUID, "%evt.type %evt.arg.uid %evt.arg.ruid %evt.arg.olduid %evt.arg.oldeuid",
	  "setuid 0 <NA> 1000 0" },
	{ EV_SETUID, "%evt.arg.gid %evt.arg.oldgid %user.uid", "<NA> <NA> 0" },
	{ EV_SETRESUID, "%evt.arg.uid %evt.arg.ruid %evt.arg.euid %evt.arg.suid",
	  "<NA> 0 0 4294967295" },
	{ EV_SETREGID, "%evt.type %evt.arg.rgid %evt.arg.egid %evt.arg.sgid %evt.arg.oldgid",
	  "setregid 100 100 <NA> 1000" },
	{ EV_SETREGID, "%evt.arg.olduid %evt.arg.ruid", "<NA> <NA>" },
	{ EV_FORK, "%evt.type %evt.dir %evt.res %proc.name", "clone < SUCCESS python3" },
	{ EV_EXIT, "%evt.type %proc.cmdline", "procexit python3 app.py --port 8080" },
	{ EV_NOPROC, "%proc.name %proc.args %proc.exepath %proc.tty %proc.pname %user.loginuid",
	  "cron <NA> <NA> <NA> <NA> <NA>" },
	/* Template syntax: the longest field name, a lone %, no field at all. */
	{ EV_OPEN_READ, "%proc.names", "python3s" },
	{ EV_OPEN_READ, "%fd.name.", "/etc/shadow." },
	{ EV_OPEN_READ, "(%fd.name)%evt.type:", "(/etc/shadow)openat:" },
	{ EV_OPEN_READ, "%evt.arg.flags%evt.arg.mode", "O_RDONLY|O_CLOEXEC0" },
	{ EV_OPEN_READ, "100% sure, 50%-50% %", "100% sure, 50%-50% %" },
	{ EV_OPEN_READ, "no fields", "no fields" },
	{ EV_OPEN_READ, "%%proc.name", "%python3" },
};

static void test_fields(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(field_cases); i++) {
		struct fake f;

		fake__make(&f, field_cases[i].ev);
		assert_string_equal(render(field_cases[i].output, &f.evt), field_cases[i].message);
	}
}

static const struct {
	uint32_t flags;
	const char *rendered;
} flag_cases[] = {
	{ O_RDONLY, "O_RDONLY" },
	{ O_WRONLY, "O_WRONLY" },
	{ O_RDWR, "O_RDWR" },
	{ O_WRONLY | O_CREAT | O_TRUNC, "O_WRONLY|O_CREAT|O_TRUNC" },
	{ O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, "O_WRONLY|O_CREAT|O_EXCL|O_CLOEXEC" },
	{ O_RDWR | O_APPEND | O_NONBLOCK, "O_RDWR|O_APPEND|O_NONBLOCK" },
	{ O_RDONLY | O_DIRECTORY | O_NOFOLLOW, "O_RDONLY|O_DIRECTORY|O_NOFOLLOW" },
	{ O_RDWR | O_TMPFILE, "O_RDWR|O_TMPFILE" },
	{ O_WRONLY | O_SYNC, "O_WRONLY|O_SYNC" },
	{ O_WRONLY | O_DSYNC, "O_WRONLY|O_DSYNC" },
	{ O_PATH | O_NOFOLLOW, "O_RDONLY|O_NOFOLLOW|O_PATH" },
	{ O_RDONLY | O_NOCTTY | O_NOATIME | O_DIRECT, "O_RDONLY|O_NOCTTY|O_DIRECT|O_NOATIME" },
#if defined(__x86_64__)
	/* The kernel's O_LARGEFILE, which 64-bit glibc defines as 0. */
	{ O_RDONLY | 0100000, "O_RDONLY|O_LARGEFILE" },
#endif
};

static void test_open_flags(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(flag_cases); i++) {
		struct fake f;

		fake__open(&f, "/x", "/x", flag_cases[i].flags, 0, 3);
		assert_string_equal(render("%evt.arg.flags", &f.evt), flag_cases[i].rendered);
	}
}

static void test_results(void **state)
{
	static const struct {
		int64_t ret;
		const char *res;
	} cases[] = {
		{ 0, "SUCCESS" },      { 17, "SUCCESS" },         { -EPERM, "EPERM" },
		{ -ENOENT, "ENOENT" }, { -EACCES, "EACCES" },     { -ENOEXEC, "ENOEXEC" },
		{ -EEXIST, "EEXIST" }, { -ETXTBSY, "ETXTBSY" },   { -ELOOP, "ELOOP" },
		{ -EAGAIN, "EAGAIN" }, { -ENAMETOOLONG, "ENAMETOOLONG" },
		{ -ECONNREFUSED, "ECONNREFUSED" }, { -ENETUNREACH, "ENETUNREACH" },
		{ -EINPROGRESS, "EINPROGRESS" },   { -ETIMEDOUT, "ETIMEDOUT" },
		{ -ERESTART, "E85" },  { -4095, "E4095" },
		/* Not from a kernel, but a record can say it. */
		{ INT64_MIN, "E9223372036854775808" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct fake f;

		fake__open(&f, "/x", "", O_RDONLY, 0, cases[i].ret);
		assert_string_equal(render("%evt.res", &f.evt), cases[i].res);
	}
}

static void test_user_names(void **state)
{
	struct fake f;

	(void)state;
	fake__make(&f, EV_OPEN_READ);
	assert_int_equal(users__load("tests/data/rules/passwd"), 0);
	assert_string_equal(render("%user.name %user.uid %user.loginname", &f.evt),
			    "alice 1000 alice");
	f.hdr.uid = 0;
	assert_string_equal(render("%user.name", &f.evt), "root");
	f.hdr.uid = 4242;
	assert_string_equal(render("%user.name (%user.uid)", &f.evt), "<NA> (4242)");
	assert_null(alert.fields[0].value);
	assert_string_equal(alert.fields[1].value, "4242");
}

static void test_alert_fields(void **state)
{
	struct fake f;

	(void)state;
	fake__make(&f, EV_EXEC);
	/* Each field once, in order of first appearance. */
	assert_string_equal(
		render("shell %proc.name pid=%proc.pid file=%fd.name again=%proc.name "
		       "failed=%evt.failed %container.id port=%fd.sport mode=%evt.arg.mode",
		       &f.evt),
		"shell bash pid=2718 file=<NA> again=bash failed=false 3f4e5d6c7b8a port=<NA> "
		"mode=<NA>");
	/* And, after them, the fields every alert carries. */
	assert_int_equal(alert.nfields, 9);
	assert_string_equal(alert.fields[7].name, "container.full_id");
	assert_string_equal(alert.fields[7].value, f.evt.container->full_id);
	assert_string_equal(alert.fields[8].name, "container.name");
	assert_string_equal(alert.fields[8].value, f.evt.container->name);
	assert_string_equal(alert.fields[0].name, "proc.name");
	assert_string_equal(alert.fields[0].value, "bash");
	assert_false(alert.fields[0].numeric);
	assert_string_equal(alert.fields[1].name, "proc.pid");
	assert_string_equal(alert.fields[1].value, "2718");
	assert_true(alert.fields[1].numeric);
	assert_string_equal(alert.fields[2].name, "fd.name");
	assert_null(alert.fields[2].value);
	assert_false(alert.fields[2].numeric);
	assert_string_equal(alert.fields[3].name, "evt.failed");
	assert_string_equal(alert.fields[3].value, "false");
	assert_true(alert.fields[3].numeric);
	assert_string_equal(alert.fields[4].name, "container.id");
	assert_string_equal(alert.fields[4].value, "3f4e5d6c7b8a");
	assert_false(alert.fields[4].numeric);
	assert_string_equal(alert.fields[5].name, "fd.sport");
	assert_null(alert.fields[5].value);
	assert_true(alert.fields[5].numeric);
	/* A mode reads 0640: not a JSON number. */
	assert_string_equal(alert.fields[6].name, "evt.arg.mode");
	assert_false(alert.fields[6].numeric);
	/* Values live in the alert. */
	assert_true(alert.fields[0].value >= alert.values &&
		    alert.fields[0].value < alert.values + sizeof(alert.values));

	fake__make(&f, EV_CONNECT4);
	render("%fd.sip:%fd.sport", &f.evt);
	assert_int_equal(alert.nfields, 2 + 5);
	assert_false(alert.fields[0].numeric);
	assert_string_equal(alert.fields[0].value, "10.0.0.1");
	assert_true(alert.fields[1].numeric);

	render("nothing", &f.evt);
	assert_int_equal(alert.nfields, 5);
	assert_string_equal(alert.fields[0].name, "container.id");
	assert_string_equal(alert.fields[1].name, "container.full_id");
	assert_string_equal(alert.fields[2].name, "container.name");
	assert_string_equal(alert.fields[3].name, "proc.name");
	assert_string_equal(alert.fields[4].name, "proc.pid");
}

static void test_time(void **state)
{
	struct fake f;

	(void)state;
	/* Boot time 12 s is carried over to the wall clock: some time in the past. */
	fake__make(&f, EV_EXEC);
	render("x", &f.evt);
	assert_true(alert.time_ns > 1600000000ull * 1000000000ull);
}

static void test_bounds(void **state)
{
	static char args[2 * 4001];
	static char output[ALERT_MESSAGE_MAX + 100];
	struct fake f;
	size_t i;

	(void)state;
	/* argv[0] and argv[1] of 4000 bytes each. */
	for (i = 0; i < sizeof(args); i++)
		args[i] = (char)('a' + i % 26);
	args[4000] = '\0';
	args[8001] = '\0';
	fake__exec(&f, "python3", args, "/usr/bin/python3", args, sizeof(args));
	memcpy(f.pargs, args, sizeof(args));
	f.parent.args_len = sizeof(args);

	/* Four values of 4 kB fill the 16 kB for values; the fifth is cut. */
	render("%proc.cmdline %proc.pcmdline %proc.exe %evt.arg.filename %proc.args "
	       "%proc.args %proc.pid %user.uid",
	       &f.evt);
	/* 7 of the template's, then container.id, .full_id, .name and proc.name. */
	assert_int_equal(alert.nfields, 11);
	assert_int_equal(strlen(alert.fields[0].value), 7 + 1 + 4000);
	assert_int_equal(strlen(alert.fields[1].value), 4 + 1 + 4000);
	assert_int_equal(strlen(alert.fields[2].value), 4000);
	assert_int_equal(strlen(alert.fields[3].value), 4000);
	assert_int_equal(strlen(alert.fields[4].value),
			 sizeof(alert.values) - 1 - (4009 + 4006 + 4001 + 4001));
	/* A number cut short would not be one: missing instead. */
	assert_null(alert.fields[5].value);
	assert_null(alert.fields[6].value);
	assert_int_equal(alert.values[sizeof(alert.values) - 1], '\0');

	/* A message longer than the alert holds is cut, and terminated. */
	memset(output, 'x', sizeof(output) - 1);
	output[sizeof(output) - 1] = '\0';
	render(output, &f.evt);
	assert_int_equal(strlen(alert.message), ALERT_MESSAGE_MAX - 1);
}

static void test_output_errors(void **state)
{
	static const struct {
		const char *output;
		const char *said;
	} cases[] = {
		{ "%foo", "t.yaml:4:12: error: rule 'r': unknown field 'foo' in output\n" },
		{ "a %proc.nam b",
		  "t.yaml:4:14: error: rule 'r': unknown field 'proc.nam' in output\n" },
		{ "%evt.arg",
		  "t.yaml:4:12: error: rule 'r': field 'evt.arg' needs an argument, as in "
		  "evt.arg[0]\n" },
		{ "x %proc.aname[a]",
		  "t.yaml:4:14: error: rule 'r': field 'proc.aname' takes a number in brackets, "
		  "as in proc.aname[1]\n" },
		{ "%container.label",
		  "t.yaml:4:12: error: rule 'r': field 'container.label' needs an argument, as in "
		  "container.label[name]\n" },
		{ "%tolower(proc.pid)",
		  "t.yaml:4:12: error: rule 'r': transformer 'tolower' takes a string, and "
		  "'proc.pid' is a number\n" },
		{ "%len(proc.nam)",
		  "t.yaml:4:12: error: rule 'r': unknown field 'proc.nam'\n" },
		{ "%proc.name %d", "t.yaml:4:23: error: rule 'r': unknown field 'd' in output\n" },
	};
	size_t i, len;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		char yaml[512], *said;
		struct ruleset *rs;
		FILE *err;

		snprintf(yaml, sizeof(yaml),
			 "- rule: r\n  desc: d\n  condition: evt.type = execve\n  output: '%s'\n"
			 "  priority: info\n",
			 cases[i].output);
		err = open_memstream(&said, &len);
		rs = rules__load_buffer("t.yaml", yaml, strlen(yaml), err);
		fclose(err);
		assert_null(rs);
		assert_string_equal(said, cases[i].said);
		free(said);
	}
}

static void test_default_output(void **state)
{
	const char *path = "rules/vigil_rules.yaml";
	struct ruleset *rs;
	const struct rule *r;
	struct fake f;

	(void)state;
	assert_int_equal(users__load("tests/data/rules/passwd"), 0);
	rs = rules__load(&path, 1, stderr);
	assert_non_null(rs);
	fake__open(&f, "/etc/shadow", "/etc/shadow", O_RDONLY, 0, 3);
	snprintf(f.hdr.comm, sizeof(f.hdr.comm), "cat");
	memcpy(f.args, "cat\0/etc/shadow", 16);
	f.proc.args_len = 16;
	r = rules__match(rs, &f.evt);
	assert_non_null(r);
	assert_string_equal(rule__name(r), "Read sensitive file untrusted");
	output__render(r, &f.evt, &alert);
	assert_string_equal(alert.message,
			    "Sensitive file opened for reading (file=/etc/shadow user=alice "
			    "uid=1000 process=cat command=cat /etc/shadow pid=2718 parent=bash "
			    "result=SUCCESS container_id=host container_name=host "
			    "container_full_id=host)");
	assert_int_equal(alert.nfields, 11);
	assert_string_equal(alert.fields[3].name, "proc.name");
	assert_string_equal(alert.fields[3].value, "cat");
	assert_string_equal(alert.fields[10].name, "container.full_id");
	rules__free(rs);
}

/* Event data reaches the message escaped (text.c) and the fields as it was. */
static void test_hostile_values(void **state)
{
	static const char path[] = "/tmp/a\x1b[2J\nb\\\"]\xff";
	struct fake f;

	(void)state;
	fake__open(&f, path, path, O_RDONLY, 0, 3);
	render("open %fd.name by %proc.name", &f.evt);
	assert_string_equal(alert.message,
			    "open /tmp/a\\x1b[2J\\x0ab\\\\\"]\\xff by python3");
	assert_string_equal(alert.fields[0].name, "fd.name");
	assert_string_equal(alert.fields[0].value, path);
}

static void test_journal_names(void **state)
{
	static const struct {
		const char *field;
		const char *name;
	} cases[] = {
		{ "container.id", "VIGIL_CONTAINER_ID" },
		{ "evt.arg.flags", "VIGIL_EVT_ARG_FLAGS" },
		{ "proc.cmdline", "VIGIL_PROC_CMDLINE" },
		{ "fd.sip", "VIGIL_FD_SIP" },
		{ "proc.aname[2]", "VIGIL_PROC_ANAME_2_" },
		{ "Mixed-Case.9", "VIGIL_MIXED_CASE_9" },
		{ "caf\xc3\xa9", "VIGIL_CAF__" },
		{ "", "VIGIL_" },
		/* 58 characters: 64 with the prefix, journald's limit. */
		{ "a234567890b234567890c234567890d234567890e234567890f2345678",
		  "VIGIL_A234567890B234567890C234567890D234567890E234567890F2345678" },
	};
	char name[128];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		memset(name, 'z', sizeof(name));
		assert_int_equal(output__journal_name(cases[i].field, name, sizeof(name)),
				 strlen(cases[i].name));
		assert_string_equal(name, cases[i].name);
	}
	assert_int_equal(output__journal_name("a234567890b234567890c234567890d234567890e234567890"
					      "f23456789",
					      name, sizeof(name)),
			 -ENAMETOOLONG);
	/* Room for "VIGIL_CONTAINER_ID" but not its NUL. */
	assert_int_equal(output__journal_name("container.id", name, 18), -ENAMETOOLONG);
	assert_int_equal(output__journal_name("container.id", name, 19), 18);
}

static void test_fields_print(void **state)
{
	char *text, *line;
	size_t len, nfields = 0, blanks = 0;
	char prev[64] = "", name[64];
	FILE *out;

	(void)state;
	out = open_memstream(&text, &len);
	fields__print(out);
	fclose(out);
	assert_non_null(strstr(text, "proc.name                    string  the command name "
				     "(comm), at most 15 characters\n"));
	assert_non_null(strstr(text, "fd.sip                       ip      connect: the server "
				     "address\n"));
	assert_non_null(strstr(text, "proc.aname[N]                string  the proc.name of the "
				     "N-th ancestor, or any\n"));
	assert_non_null(strstr(text, "\n\nevt.arg[N] "));
	/* Every line names a field the lookup finds, in order, classes apart. */
	for (line = text; *line; line = strchr(line, '\n') + 1) {
		size_t n = strcspn(line, " \n[");

		if (!n) {
			blanks++;
			continue;
		}
		if (!strncmp(line, "Transformers", 12))
			break;
		assert_non_null(field__lookup(line, n));
		snprintf(name, sizeof(name), "%.*s", (int)n, line);
		assert_true(strcmp(prev, name) < 0);
		strcpy(prev, name);
		nfields++;
	}
	assert_int_equal(nfields, 131);
	/* container, evt, fd, group, k8s, proc, thread, user, transformers */
	assert_int_equal(blanks, 8);
	assert_null(field__lookup("proc", 4));
	assert_null(field__lookup("proc.name.x", 11));
	assert_non_null(field__lookup("proc.name.x", 9));
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_open_flags),
		cmocka_unit_test(test_results),
		cmocka_unit_test(test_user_names),
		cmocka_unit_test(test_alert_fields),
		cmocka_unit_test(test_time),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_output_errors),
		cmocka_unit_test(test_default_output),
		cmocka_unit_test(test_hostile_values),
		cmocka_unit_test(test_journal_names),
		cmocka_unit_test(test_fields_print),
	};

	return cmocka_run_group_tests_name("output", tests, NULL, NULL);
}
