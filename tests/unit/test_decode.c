// SPDX-License-Identifier: GPL-2.0-only
/*
 * event__decode against records laid out the way the BPF programs lay them
 * out (fill_header, then the payload, then the strings back to back, sent with
 * the exact size), and against every way a record can be malformed.
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
#include <sys/socket.h>

#include <cmocka.h>

#include "vigil.h"

#define PODMAN_ID "a17c3da7f1794e321f91e13d385928b89fcb322899b0c97ba9ee53e2d38c91e4"

/* Ring buffer records are 8-byte aligned; so is this. */
static union {
	uint64_t align;
	unsigned char bytes[32768];
} rec;

static void header__fill(struct vigil_event_header *h, uint16_t type, uint16_t sc, int64_t ret)
{
	memset(h, 0, sizeof(*h));
	h->type = type;
	h->syscall = sc;
	h->ts_ns = 987654321012ull;
	h->retval = ret;
	h->cgroup_id = 4242;
	h->pid = 1234;
	h->tid = 1235;
	h->ppid = 1;
	h->uid = 1000;
	h->gid = 1001;
	h->euid = 0;
	h->pidns_ino = 4026531836u;
	h->mntns_ino = 4026531841u;
	h->flags = VIGIL_HDR_COMPAT;
	memcpy(h->comm, "bash", 5);
}

static void header__assert(const struct evt *evt, enum vigil_event_type type,
			   enum vigil_syscall sc, int64_t ret)
{
	assert_ptr_equal(evt->hdr, rec.bytes);
	assert_int_equal(evt->type, type);
	assert_int_equal(evt->syscall, sc);
	assert_int_equal(evt->hdr->type, type);
	assert_int_equal(evt->hdr->syscall, sc);
	assert_int_equal(evt->hdr->ts_ns, 987654321012ull);
	assert_int_equal(evt->hdr->retval, ret);
	assert_int_equal(evt->hdr->cgroup_id, 4242);
	assert_int_equal(evt->hdr->pid, 1234);
	assert_int_equal(evt->hdr->tid, 1235);
	assert_int_equal(evt->hdr->ppid, 1);
	assert_int_equal(evt->hdr->uid, 1000);
	assert_int_equal(evt->hdr->gid, 1001);
	assert_int_equal(evt->hdr->euid, 0);
	assert_int_equal(evt->hdr->pidns_ino, 4026531836u);
	assert_int_equal(evt->hdr->mntns_ino, 4026531841u);
	assert_int_equal(evt->hdr->flags, VIGIL_HDR_COMPAT);
	assert_string_equal(evt->hdr->comm, "bash");
	assert_null(evt->proc);
	assert_null(evt->parent);
	assert_ptr_equal(evt->container, &container_host);
}

/* Appends n bytes at data + *off, the way the BPF side writes each string. */
static uint16_t data__put(char *data, size_t *off, const void *s, size_t n)
{
	memcpy(data + *off, s, n);
	*off += n;
	return n;
}

/* The cwd and environment exec__build puts after the arguments: a
 * successful exec's, unless a test sets others. */
static const char *build_cwd = "/srv";
static const char build_env_default[] = "PATH=/bin\0HOME=/root";
static const char *build_env = build_env_default;
static size_t build_env_len = sizeof(build_env_default);

static size_t exec__build(uint16_t sc, int64_t ret, const char *filename, const char *exe,
			  const void *args, size_t args_len, uint16_t argc, uint32_t flags)
{
	struct vigil_exec_event *e = (void *)rec.bytes;
	size_t off = 0;

	memset(rec.bytes, 0xa5, sizeof(rec.bytes));
	header__fill(&e->hdr, VIGIL_EVENT_EXEC, sc, ret);
	e->flags = flags;
	e->tty = 136 << 20 | 3;
	e->loginuid = 1000;
	e->sid = 1200;
	e->vpid = 7;
	e->reserved = 0;
	e->cap_effective = 0x1ffffffffffull;
	e->cap_permitted = 0x1ffffffffffull;
	e->cap_inheritable = 0;
	e->start_ns = 987000000000ull;
	e->reserved2 = 0;
	e->filename_len = data__put(e->data, &off, filename, strlen(filename) + 1);
	e->exe_len = data__put(e->data, &off, exe, strlen(exe) + 1);
	e->args_len = data__put(e->data, &off, args, args_len);
	e->argc = argc;
	e->cwd_len = data__put(e->data, &off, build_cwd, strlen(build_cwd) + 1);
	e->env_len = data__put(e->data, &off, build_env, build_env_len);
	e->hdr.size = sizeof(*e) + off;
	return e->hdr.size;
}

static size_t open__build(uint16_t sc, int64_t ret, int32_t dirfd, uint32_t flags, uint32_t mode,
			  const char *path, const char *resolved)
{
	struct vigil_open_event *e = (void *)rec.bytes;
	size_t off = 0;

	memset(rec.bytes, 0xa5, sizeof(rec.bytes));
	header__fill(&e->hdr, VIGIL_EVENT_OPEN, sc, ret);
	e->dirfd = dirfd;
	e->flags = flags;
	e->mode = mode;
	e->open_flags = 0;
	e->reserved = 0;
	e->path_len = data__put(e->data, &off, path, strlen(path) + 1);
	e->resolved_len = data__put(e->data, &off, resolved, strlen(resolved) + 1);
	e->hdr.size = sizeof(*e) + off;
	return e->hdr.size;
}

static size_t connect__build(uint16_t family, uint16_t port, const uint8_t addr[16],
			     const char *unix_path, size_t unix_len)
{
	struct vigil_connect_event *e = (void *)rec.bytes;

	memset(rec.bytes, 0xa5, sizeof(rec.bytes));
	header__fill(&e->hdr, VIGIL_EVENT_CONNECT, VIGIL_SC_CONNECT, -115);
	e->hdr.size = sizeof(*e);
	e->fd = 3;
	e->family = family;
	e->port = port;
	memset(e->addr, 0, sizeof(e->addr));
	if (addr)
		memcpy(e->addr, addr, 16);
	e->addrlen = 28;
	e->reserved = 0;
	memset(e->unix_path, 0, sizeof(e->unix_path));
	if (unix_path)
		memcpy(e->unix_path, unix_path, unix_len);
	return sizeof(*e);
}

static size_t cgroup__build(uint32_t depth, uint32_t flags, const char *const *names)
{
	struct vigil_cgroup_event *e = (void *)rec.bytes;
	uint32_t i;

	memset(rec.bytes, 0xa5, sizeof(rec.bytes));
	header__fill(&e->hdr, VIGIL_EVENT_CGROUP, VIGIL_SC_NONE, 0);
	e->hdr.size = sizeof(*e);
	e->id = 777;
	e->depth = depth;
	e->flags = flags;
	/* The BPF side reads each name with bpf_probe_read_kernel_str() into a
	 * slot it does not clear: the bytes after the NUL are stale. */
	for (i = 0; i < depth && i < VIGIL_CGROUP_DEPTH_MAX; i++)
		strcpy(e->names[i], names[i]);
	return sizeof(*e);
}

static void test_exec(void **state)
{
	static const char args[] = "ls\0-l\0\0/etc";
	struct evt evt;
	size_t size;

	(void)state;
	/* "ls -l '' /etc": an empty argument is a string too. */
	size = exec__build(VIGIL_SC_EXECVE, 0, "/bin/ls", "/usr/bin/ls", args, sizeof(args), 4, 0);
	assert_int_equal(size, sizeof(struct vigil_exec_event) + 8 + 12 + 12 + 5 + 21);
	assert_int_equal(event__decode(rec.bytes, size, &evt), 0);
	header__assert(&evt, VIGIL_EVENT_EXEC, VIGIL_SC_EXECVE, 0);
	assert_string_equal(evt.exec.filename, "/bin/ls");
	assert_ptr_equal(evt.exec.filename, rec.bytes + sizeof(struct vigil_exec_event));
	assert_string_equal(evt.exec.exe, "/usr/bin/ls");
	assert_ptr_equal(evt.exec.exe, rec.bytes + sizeof(struct vigil_exec_event) + 8);
	assert_int_equal(evt.exec.args_len, 12);
	assert_memory_equal(evt.exec.args, args, 12);
	assert_ptr_equal(evt.exec.args, rec.bytes + sizeof(struct vigil_exec_event) + 20);
	assert_int_equal(evt.exec.argc, 4);
	assert_int_equal(evt.exec.flags, 0);
	assert_int_equal(evt.exec.tty, 136 << 20 | 3);
	assert_int_equal(evt.exec.loginuid, 1000);
	assert_string_equal(evt.exec.cwd, "/srv");
	assert_ptr_equal(evt.exec.cwd, rec.bytes + sizeof(struct vigil_exec_event) + 32);
	assert_int_equal(evt.exec.env_len, 21);
	assert_memory_equal(evt.exec.env, "PATH=/bin\0HOME=/root", 21);
	assert_int_equal(evt.exec.sid, 1200);
	assert_int_equal(evt.exec.vpid, 7);
	assert_int_equal(evt.exec.cap_effective, 0x1ffffffffffull);
	assert_int_equal(evt.exec.cap_permitted, 0x1ffffffffffull);
	assert_int_equal(evt.exec.cap_inheritable, 0);
	assert_int_equal(evt.exec.start_ns, 987000000000ull);
}

static void test_exec_env(void **state)
{
	static const char cut_env[] = "A=1\0LONG=xyz";
	struct evt evt;
	size_t size;

	(void)state;
	/* A cut environment still ends with a NUL; an empty one is empty. */
	build_env = cut_env;
	build_env_len = sizeof(cut_env);
	size = exec__build(VIGIL_SC_EXECVE, 0, "/bin/ls", "/usr/bin/ls", "ls", 3, 1,
			   VIGIL_EXEC_ENV_TRUNCATED);
	assert_int_equal(event__decode(rec.bytes, size, &evt), 0);
	assert_int_equal(evt.exec.env_len, sizeof(cut_env));
	assert_int_equal(evt.exec.flags, VIGIL_EXEC_ENV_TRUNCATED);
	build_env_len = 0;
	size = exec__build(VIGIL_SC_EXECVE, 0, "/bin/ls", "/usr/bin/ls", "ls", 3, 1, 0);
	assert_int_equal(event__decode(rec.bytes, size, &evt), 0);
	assert_int_equal(evt.exec.env_len, 0);
	assert_string_equal(evt.exec.env, "");
	/* An environment that does not end with a NUL is malformed. */
	build_env_len = sizeof(cut_env) - 1;
	size = exec__build(VIGIL_SC_EXECVE, 0, "/bin/ls", "/usr/bin/ls", "ls", 3, 1, 0);
	assert_int_equal(event__decode(rec.bytes, size, &evt), -EINVAL);
	/* Nor is a cwd without its NUL: make the env absorb it. */
	build_env = build_env_default;
	build_env_len = sizeof(build_env_default);
	size = exec__build(VIGIL_SC_EXECVE, 0, "/bin/ls", "/usr/bin/ls", "ls", 3, 1, 0);
	((struct vigil_exec_event *)rec.bytes)->cwd_len -= 1;
	((struct vigil_exec_event *)rec.bytes)->env_len += 1;
	assert_int_equal(event__decode(rec.bytes, size, &evt), -EINVAL);
}

static void test_exec_failed(void **state)
{
	struct evt evt;
	size_t size;

	(void)state;
	/* execveat(fd, "x", NULL, ...) failing: no exe, no arguments at all. */
	build_cwd = "";
	build_env_len = 0;
	size = exec__build(VIGIL_SC_EXECVEAT, -ENOENT, "x", "", "", 0, 0, 0);
	build_cwd = "/srv";
	build_env_len = sizeof(build_env_default);
	assert_int_equal(size, sizeof(struct vigil_exec_event) + 2 + 1 + 1);
	assert_int_equal(event__decode(rec.bytes, size, &evt), 0);
	header__assert(&evt, VIGIL_EVENT_EXEC, VIGIL_SC_EXECVEAT, -ENOENT);
	assert_string_equal(evt.exec.filename, "x");
	assert_string_equal(evt.exec.exe, "");
	assert_non_null(evt.exec.args);
	assert_string_equal(evt.exec.args, "");
	assert_int_equal(evt.exec.args_len, 0);
	assert_int_equal(evt.exec.argc, 0);
}

static void test_exec_args_truncated(void **state)
{
	static const char args[] = "cat\0/etc/pass";
	struct evt evt;
	size_t size;

	(void)state;
	/* argc is the call's: 3 arguments, of which the list kept 2, the last cut. */
	size = exec__build(VIGIL_SC_EXECVE, 0, "/bin/cat", "/usr/bin/cat", args, sizeof(args), 3,
			   VIGIL_EXEC_ARGS_TRUNCATED);
	assert_int_equal(event__decode(rec.bytes, size, &evt), 0);
	assert_int_equal(evt.exec.argc, 3);
	assert_int_equal(evt.exec.args_len, sizeof(args));
	assert_memory_equal(evt.exec.args, args, sizeof(args));
	assert_int_equal(evt.exec.flags, VIGIL_EXEC_ARGS_TRUNCATED);

	/* Not flagged: fewer strings than argc is a malformed record. */
	size = exec__build(VIGIL_SC_EXECVE, 0, "/bin/cat", "/usr/bin/cat", args, sizeof(args), 3,
			   0);
	assert_int_equal(event__decode(rec.bytes, size, &evt), -EINVAL);
	/* More strings than the call had, flagged or not. */
	size = exec__build(VIGIL_SC_EXECVE, 0, "/bin/cat", "/usr/bin/cat", args, sizeof(args), 1,
			   VIGIL_EXEC_ARGS_TRUNCATED);
	assert_int_equal(event__decode(rec.bytes, size, &evt), -EINVAL);
}

static void test_open(void **state)
{
	struct evt evt;
	size_t size;

	(void)state;
	size = open__build(VIGIL_SC_OPENAT, 3, 5, O_RDONLY | O_CLOEXEC, 0, "../etc/shadow",
			   "/etc/shadow");
	assert_int_equal(size, sizeof(struct vigil_open_event) + 14 + 12);
	assert_int_equal(event__decode(rec.bytes, size, &evt), 0);
	header__assert(&evt, VIGIL_EVENT_OPEN, VIGIL_SC_OPENAT, 3);
	assert_string_equal(evt.open.path, "../etc/shadow");
	assert_ptr_equal(evt.open.path, rec.bytes + sizeof(struct vigil_open_event));
	assert_string_equal(evt.open.resolved, "/etc/shadow");
	assert_ptr_equal(evt.open.resolved, rec.bytes + sizeof(struct vigil_open_event) + 14);
	assert_int_equal(evt.open.dirfd, 5);
	assert_int_equal(evt.open.flags, O_RDONLY | O_CLOEXEC);
	assert_int_equal(evt.open.mode, 0);
	assert_int_equal(evt.open.capture_flags, 0);

	/* What the BPF side cut is passed on. */
	((struct vigil_open_event *)rec.bytes)->open_flags = VIGIL_OPEN_RESOLVED_TRUNCATED;
	assert_int_equal(event__decode(rec.bytes, size, &evt), 0);
	assert_int_equal(evt.open.capture_flags, VIGIL_OPEN_RESOLVED_TRUNCATED);
}

static void test_open_creat_failed(void **state)
{
	struct evt evt;
	size_t size;

	(void)state;
	size = open__build(VIGIL_SC_CREAT, -EACCES, -100, O_CREAT | O_WRONLY | O_TRUNC, 0644,
			   "/etc/cron.d/x", "");
	assert_int_equal(event__decode(rec.bytes, size, &evt), 0);
	header__assert(&evt, VIGIL_EVENT_OPEN, VIGIL_SC_CREAT, -EACCES);
	assert_string_equal(evt.open.path, "/etc/cron.d/x");
	assert_string_equal(evt.open.resolved, "");
	assert_int_equal(evt.open.dirfd, -100);
	assert_int_equal(evt.open.flags, O_CREAT | O_WRONLY | O_TRUNC);
	assert_int_equal(evt.open.mode, 0644);
}

static const uint8_t zero16[16];

static void test_connect_v4(void **state)
{
	static const uint8_t addr[16] = { 10, 1, 2, 3 };
	static const uint8_t want[16] = { 10, 1, 2, 3 };
	struct evt evt;
	size_t size;

	(void)state;
	size = connect__build(AF_INET, 4444, addr, NULL, 0);
	assert_int_equal(event__decode(rec.bytes, size, &evt), 0);
	header__assert(&evt, VIGIL_EVENT_CONNECT, VIGIL_SC_CONNECT, -115);
	assert_int_equal(evt.connect.fd, 3);
	assert_int_equal(evt.connect.family, AF_INET);
	assert_int_equal(evt.connect.port, 4444);
	assert_memory_equal(evt.connect.addr, want, 16);
	assert_string_equal(evt.connect.unix_path, "");
}

static void test_connect_v6(void **state)
{
	/* 2001:db8::1 */
	static const uint8_t addr[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	struct evt evt;
	size_t size;

	(void)state;
	size = connect__build(AF_INET6, 443, addr, NULL, 0);
	assert_int_equal(event__decode(rec.bytes, size, &evt), 0);
	header__assert(&evt, VIGIL_EVENT_CONNECT, VIGIL_SC_CONNECT, -115);
	assert_int_equal(evt.connect.fd, 3);
	assert_int_equal(evt.connect.family, AF_INET6);
	assert_int_equal(evt.connect.port, 443);
	assert_memory_equal(evt.connect.addr, addr, 16);
	assert_string_equal(evt.connect.unix_path, "");
}

static void test_connect_v4_mapped(void **state)
{
	/* ::ffff:192.0.2.7 */
	static const uint8_t addr[16] = { [10] = 0xff, [11] = 0xff, 192, 0, 2, 7 };
	static const uint8_t want[16] = { 192, 0, 2, 7 };
	/* Almost mapped (::fffe:...): stays IPv6. */
	static const uint8_t other[16] = { [10] = 0xff, [11] = 0xfe, 192, 0, 2, 7 };
	struct evt evt;
	size_t size;

	(void)state;
	size = connect__build(AF_INET6, 53, addr, NULL, 0);
	assert_int_equal(event__decode(rec.bytes, size, &evt), 0);
	assert_int_equal(evt.connect.family, AF_INET);
	assert_int_equal(evt.connect.port, 53);
	assert_memory_equal(evt.connect.addr, want, 16);
	assert_string_equal(evt.connect.unix_path, "");

	size = connect__build(AF_INET6, 53, other, NULL, 0);
	assert_int_equal(event__decode(rec.bytes, size, &evt), 0);
	assert_int_equal(evt.connect.family, AF_INET6);
	assert_memory_equal(evt.connect.addr, other, 16);
}

static void test_connect_unix(void **state)
{
	static const char path[] = "/run/systemd/journal/socket";
	struct vigil_connect_event *e = (void *)rec.bytes;
	struct evt evt;
	size_t size;

	(void)state;
	size = connect__build(AF_UNIX, 0, NULL, path, sizeof(path));
	assert_int_equal(event__decode(rec.bytes, size, &evt), 0);
	header__assert(&evt, VIGIL_EVENT_CONNECT, VIGIL_SC_CONNECT, -115);
	assert_int_equal(evt.connect.family, AF_UNIX);
	assert_int_equal(evt.connect.port, 0);
	assert_memory_equal(evt.connect.addr, zero16, 16);
	assert_string_equal(evt.connect.unix_path, path);
	assert_ptr_equal(evt.connect.unix_path, e->unix_path);
}

static void test_connect_unix_abstract(void **state)
{
	static const char path[] = "@/tmp/.X11-unix/X0";
	struct evt evt;
	size_t size;

	(void)state;
	size = connect__build(AF_UNIX, 0, NULL, path, sizeof(path));
	assert_int_equal(event__decode(rec.bytes, size, &evt), 0);
	assert_int_equal(evt.connect.family, AF_UNIX);
	assert_string_equal(evt.connect.unix_path, "@/tmp/.X11-unix/X0");
}

static void test_connect_unix_longest(void **state)
{
	struct vigil_connect_event *e = (void *)rec.bytes;
	char path[VIGIL_UNIX_PATH_MAX + 4];
	struct evt evt;
	size_t size;

	(void)state;
	/* The whole array but its last byte: still terminated within it. */
	memset(path, 'p', sizeof(path) - 1);
	path[sizeof(path) - 1] = '\0';
	size = connect__build(AF_UNIX, 0, NULL, path, sizeof(path));
	assert_int_equal(event__decode(rec.bytes, size, &evt), 0);
	assert_int_equal(strlen(evt.connect.unix_path), sizeof(path) - 1);

	e->unix_path[sizeof(e->unix_path) - 1] = 'p';
	assert_int_equal(event__decode(rec.bytes, size, &evt), -EINVAL);
	/* Other families never read it. */
	e->family = AF_INET;
	assert_int_equal(event__decode(rec.bytes, size, &evt), 0);
	assert_string_equal(evt.connect.unix_path, "");
}

static void test_connect_other_family(void **state)
{
	static const uint8_t addr[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
	struct evt evt;
	size_t size;

	(void)state;
	size = connect__build(AF_NETLINK, 99, addr, NULL, 0);
	assert_int_equal(event__decode(rec.bytes, size, &evt), 0);
	assert_int_equal(evt.connect.family, AF_NETLINK);
	assert_int_equal(evt.connect.port, 0);
	assert_memory_equal(evt.connect.addr, zero16, 16);
	assert_string_equal(evt.connect.unix_path, "");
}

static void test_setid(void **state)
{
	struct vigil_setid_event *e = (void *)rec.bytes;
	struct evt evt;

	(void)state;
	memset(rec.bytes, 0xa5, sizeof(rec.bytes));
	header__fill(&e->hdr, VIGIL_EVENT_SETID, VIGIL_SC_SETRESUID, 0);
	e->hdr.size = sizeof(*e);
	e->args[0] = 0;
	e->args[1] = (uint32_t)-1;
	e->args[2] = 0;
	e->old_ids[0] = 1000;
	e->old_ids[1] = 0;
	e->old_ids[2] = 1000;
	e->new_ids[0] = 0;
	e->new_ids[1] = 0;
	e->new_ids[2] = 0;
	e->reserved = 0;
	assert_int_equal(event__decode(rec.bytes, sizeof(*e), &evt), 0);
	header__assert(&evt, VIGIL_EVENT_SETID, VIGIL_SC_SETRESUID, 0);
	assert_int_equal(evt.setid.args[0], 0);
	assert_int_equal(evt.setid.args[1], (uint32_t)-1);
	assert_int_equal(evt.setid.args[2], 0);
	assert_int_equal(evt.setid.old_ids[0], 1000);
	assert_int_equal(evt.setid.old_ids[1], 0);
	assert_int_equal(evt.setid.old_ids[2], 1000);
	assert_int_equal(evt.setid.new_ids[0], 0);
	assert_int_equal(evt.setid.new_ids[1], 0);
	assert_int_equal(evt.setid.new_ids[2], 0);
}

static void test_fork(void **state)
{
	struct vigil_fork_event *e = (void *)rec.bytes;
	struct evt evt;

	(void)state;
	memset(rec.bytes, 0xa5, sizeof(rec.bytes));
	header__fill(&e->hdr, VIGIL_EVENT_FORK, VIGIL_SC_NONE, 5678);
	e->hdr.size = sizeof(*e);
	e->child_pid = 5678;
	e->child_tid = 5678;
	assert_int_equal(sizeof(*e), 96);
	assert_int_equal(event__decode(rec.bytes, sizeof(*e), &evt), 0);
	header__assert(&evt, VIGIL_EVENT_FORK, VIGIL_SC_NONE, 5678);
	assert_int_equal(evt.fork.child_pid, 5678);
	assert_int_equal(evt.fork.child_tid, 5678);
}

static void test_exit(void **state)
{
	struct vigil_exit_event *e = (void *)rec.bytes;
	struct evt evt;

	(void)state;
	memset(rec.bytes, 0xa5, sizeof(rec.bytes));
	header__fill(&e->hdr, VIGIL_EVENT_EXIT, VIGIL_SC_NONE, 0);
	e->hdr.size = sizeof(*e);
	e->exit_code = 9; /* killed by SIGKILL */
	e->reserved = 0;
	assert_int_equal(event__decode(rec.bytes, sizeof(*e), &evt), 0);
	header__assert(&evt, VIGIL_EVENT_EXIT, VIGIL_SC_NONE, 0);
	assert_int_equal(evt.exit.exit_code, 9);
}

static void test_cgroup(void **state)
{
	static const char *const names[] = { "libpod-" PODMAN_ID, "libpod_parent" };
	struct evt evt;
	size_t size;

	(void)state;
	size = cgroup__build(2, 0, names);
	assert_int_equal(event__decode(rec.bytes, size, &evt), 0);
	header__assert(&evt, VIGIL_EVENT_CGROUP, VIGIL_SC_NONE, 0);
	assert_int_equal(evt.cgroup.id, 777);
	assert_string_equal(evt.cgroup.path, "/libpod_parent/libpod-" PODMAN_ID);
}

static void test_cgroup_root(void **state)
{
	struct evt evt;
	size_t size;

	(void)state;
	size = cgroup__build(0, 0, NULL);
	assert_int_equal(event__decode(rec.bytes, size, &evt), 0);
	assert_string_equal(evt.cgroup.path, "/");
}

static void test_cgroup_truncated(void **state)
{
	static const char *const names[] = { "f", "e", "d", "c", "b", "a" };
	struct evt evt;
	size_t size;

	(void)state;
	size = cgroup__build(6, VIGIL_CGROUP_TRUNCATED, names);
	assert_int_equal(event__decode(rec.bytes, size, &evt), 0);
	assert_int_equal(evt.cgroup.id, 777);
	assert_string_equal(evt.cgroup.path, ".../a/b/c/d/e/f");
}

static void test_cgroup_longest(void **state)
{
	char name[VIGIL_CGROUP_NAME_MAX];
	const char *names[VIGIL_CGROUP_DEPTH_MAX];
	char want[1024] = "...";
	struct evt evt;
	size_t size, i;

	(void)state;
	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	for (i = 0; i < VIGIL_CGROUP_DEPTH_MAX; i++) {
		names[i] = name;
		strcat(want, "/");
		strcat(want, name);
	}
	size = cgroup__build(VIGIL_CGROUP_DEPTH_MAX, VIGIL_CGROUP_TRUNCATED, names);
	assert_int_equal(event__decode(rec.bytes, size, &evt), 0);
	assert_string_equal(evt.cgroup.path, want);
}

static void test_cgroup_malformed(void **state)
{
	static const char *const names[] = { "a", "b", "c", "d", "e", "f" };
	struct vigil_cgroup_event *e = (void *)rec.bytes;
	struct evt evt;
	size_t size;

	(void)state;
	size = cgroup__build(6, 0, names);
	e->depth = VIGIL_CGROUP_DEPTH_MAX + 1;
	assert_int_equal(event__decode(rec.bytes, size, &evt), -EINVAL);
	e->depth = UINT32_MAX;
	assert_int_equal(event__decode(rec.bytes, size, &evt), -EINVAL);

	/* A name filling its slot without a NUL. */
	size = cgroup__build(2, 0, names);
	memset(e->names[1], 'x', sizeof(e->names[1]));
	assert_int_equal(event__decode(rec.bytes, size, &evt), -EINVAL);
	/* Unused slots are not read. */
	e->depth = 1;
	assert_int_equal(event__decode(rec.bytes, size, &evt), 0);
	assert_string_equal(evt.cgroup.path, "/a");
}

static void test_syscall_names(void **state)
{
	static const struct {
		enum vigil_syscall sc;
		const char *name;
	} names[] = {
		{ VIGIL_SC_EXECVE, "execve" },     { VIGIL_SC_EXECVEAT, "execveat" },
		{ VIGIL_SC_OPEN, "open" },         { VIGIL_SC_OPENAT, "openat" },
		{ VIGIL_SC_OPENAT2, "openat2" },   { VIGIL_SC_CREAT, "creat" },
		{ VIGIL_SC_CONNECT, "connect" },   { VIGIL_SC_SETUID, "setuid" },
		{ VIGIL_SC_SETREUID, "setreuid" }, { VIGIL_SC_SETRESUID, "setresuid" },
		{ VIGIL_SC_SETGID, "setgid" },     { VIGIL_SC_SETREGID, "setregid" },
		{ VIGIL_SC_SETRESGID, "setresgid" },
	};
	size_t i;

	(void)state;
	assert_int_equal(sizeof(names) / sizeof(names[0]), VIGIL_SC_MAX - 1);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		assert_string_equal(syscall__name(names[i].sc), names[i].name);
		assert_int_equal(syscall__from_name(names[i].name), names[i].sc);
	}
	assert_null(syscall__name(VIGIL_SC_NONE));
	assert_null(syscall__name(VIGIL_SC_MAX));
	assert_null(syscall__name((enum vigil_syscall)-1));
	assert_int_equal(syscall__from_name("read"), VIGIL_SC_NONE);
	assert_int_equal(syscall__from_name(""), VIGIL_SC_NONE);
	assert_int_equal(syscall__from_name("EXECVE"), VIGIL_SC_NONE);
	assert_int_equal(syscall__from_name("execve "), VIGIL_SC_NONE);
	assert_int_equal(syscall__from_name(NULL), VIGIL_SC_NONE);
}

/* Malformed records. */

static const char ls_args[] = "ls\0-l";

static size_t exec__build_ls(void)
{
	return exec__build(VIGIL_SC_EXECVE, 0, "/bin/ls", "/usr/bin/ls", ls_args, sizeof(ls_args),
			   2, 0);
}

static void test_bad_short(void **state)
{
	struct evt evt;
	size_t size;

	(void)state;
	size = exec__build_ls();
	assert_int_equal(event__decode(rec.bytes, size, &evt), 0);
	/* Shorter than a header, even when the header agrees. */
	assert_int_equal(event__decode(rec.bytes, 0, &evt), -EINVAL);
	assert_int_equal(event__decode(rec.bytes, 4, &evt), -EINVAL);
	((struct vigil_event_header *)rec.bytes)->size = 40;
	assert_int_equal(event__decode(rec.bytes, 40, &evt), -EINVAL);
	((struct vigil_event_header *)rec.bytes)->size = sizeof(struct vigil_event_header) - 1;
	assert_int_equal(event__decode(rec.bytes, sizeof(struct vigil_event_header) - 1, &evt),
			 -EINVAL);
}

static void test_bad_short_fixed_part(void **state)
{
	struct vigil_event_header *h = (void *)rec.bytes;
	struct evt evt;
	size_t size;

	(void)state;
	/* A header that agrees with the ring buffer, but no room for the payload. */
	size = exec__build_ls();
	h->size = sizeof(struct vigil_exec_event) - 4;
	assert_int_equal(event__decode(rec.bytes, h->size, &evt), -EINVAL);
	h->size = sizeof(*h);
	assert_int_equal(event__decode(rec.bytes, h->size, &evt), -EINVAL);

	size = open__build(VIGIL_SC_OPEN, 3, -100, 0, 0, "a", "/a");
	h->size = sizeof(struct vigil_open_event) - 1;
	assert_int_equal(event__decode(rec.bytes, h->size, &evt), -EINVAL);

	/* Fixed-size records must be exactly their size. */
	size = connect__build(AF_INET, 1, zero16, NULL, 0);
	h->size = size - 8;
	assert_int_equal(event__decode(rec.bytes, h->size, &evt), -EINVAL);
	h->size = size + 8;
	assert_int_equal(event__decode(rec.bytes, h->size, &evt), -EINVAL);

	size = cgroup__build(0, 0, NULL);
	h->size = size - 1;
	assert_int_equal(event__decode(rec.bytes, h->size, &evt), -EINVAL);

	header__fill(h, VIGIL_EVENT_FORK, VIGIL_SC_NONE, 1);
	h->size = sizeof(struct vigil_fork_event) - 4;
	assert_int_equal(event__decode(rec.bytes, h->size, &evt), -EINVAL);
	header__fill(h, VIGIL_EVENT_EXIT, VIGIL_SC_NONE, 0);
	h->size = sizeof(struct vigil_exit_event) + 8;
	assert_int_equal(event__decode(rec.bytes, h->size, &evt), -EINVAL);
	header__fill(h, VIGIL_EVENT_SETID, VIGIL_SC_SETUID, 0);
	h->size = sizeof(struct vigil_setid_event) - 4;
	assert_int_equal(event__decode(rec.bytes, h->size, &evt), -EINVAL);
}

static void test_bad_size_mismatch(void **state)
{
	struct evt evt;
	size_t size;

	(void)state;
	size = exec__build_ls();
	/* The header claims less, or more, than the ring buffer delivered. */
	assert_int_equal(event__decode(rec.bytes, size + 1, &evt), -EINVAL);
	assert_int_equal(event__decode(rec.bytes, size + 8, &evt), -EINVAL);
	assert_int_equal(event__decode(rec.bytes, size - 1, &evt), -EINVAL);
	assert_int_equal(event__decode(rec.bytes, sizeof(struct vigil_exec_event), &evt), -EINVAL);
	assert_int_equal(event__decode(rec.bytes, size, &evt), 0);
}

static void test_bad_string_lengths(void **state)
{
	struct vigil_exec_event *e = (void *)rec.bytes;
	struct vigil_open_event *o = (void *)rec.bytes;
	struct evt evt;
	size_t size;

	(void)state;
	/* Past the end of the record. */
	size = exec__build_ls();
	e->filename_len += 100;
	assert_int_equal(event__decode(rec.bytes, size, &evt), -EINVAL);
	size = exec__build_ls();
	e->args_len = UINT16_MAX;
	assert_int_equal(event__decode(rec.bytes, size, &evt), -EINVAL);
	/* Lengths that move the strings apart but still add up. */
	size = exec__build_ls();
	e->filename_len += 1;
	e->exe_len -= 1;
	assert_int_equal(event__decode(rec.bytes, size, &evt), -EINVAL);
	/* Lengths that fall short of the record: bytes left over. */
	size = exec__build_ls();
	e->args_len -= 3;
	assert_int_equal(event__decode(rec.bytes, size, &evt), -EINVAL);

	/* A string of no bytes at all has not even its NUL. */
	size = open__build(VIGIL_SC_OPEN, 3, -100, 0, 0, "abc", "");
	o->path_len = 0;
	o->resolved_len = 5;
	assert_int_equal(event__decode(rec.bytes, size, &evt), -EINVAL);
	size = exec__build(VIGIL_SC_EXECVE, 0, "abc", "", "", 0, 0, 0);
	e->filename_len = 5;
	e->exe_len = 0;
	assert_int_equal(event__decode(rec.bytes, size, &evt), -EINVAL);
}

static void test_bad_nul(void **state)
{
	struct vigil_exec_event *e = (void *)rec.bytes;
	struct vigil_open_event *o = (void *)rec.bytes;
	struct evt evt;
	size_t size;

	(void)state;
	/* The NUL missing where the length ends. */
	size = exec__build_ls();
	e->data[e->filename_len - 1] = 'X';
	assert_int_equal(event__decode(rec.bytes, size, &evt), -EINVAL);
	size = exec__build_ls();
	e->data[e->filename_len + e->exe_len - 1] = 'X';
	assert_int_equal(event__decode(rec.bytes, size, &evt), -EINVAL);
	size = open__build(VIGIL_SC_OPEN, 3, -100, 0, 0, "abc", "/abc");
	o->data[size - sizeof(*o) - 1] = 'c';
	assert_int_equal(event__decode(rec.bytes, size, &evt), -EINVAL);
	/* A NUL before the end: the string is not what the length says. */
	size = open__build(VIGIL_SC_OPEN, 3, -100, 0, 0, "abc", "/abc");
	o->data[1] = '\0';
	assert_int_equal(event__decode(rec.bytes, size, &evt), -EINVAL);
	/* The argument list must end with a NUL. */
	size = exec__build_ls();
	e->data[size - sizeof(*e) - 1] = 'l';
	assert_int_equal(event__decode(rec.bytes, size, &evt), -EINVAL);
	/* comm too: proc.name reads it as a string. */
	size = exec__build_ls();
	memset(e->hdr.comm, 'c', sizeof(e->hdr.comm));
	assert_int_equal(event__decode(rec.bytes, size, &evt), -EINVAL);
}

static void test_bad_argc(void **state)
{
	struct vigil_exec_event *e = (void *)rec.bytes;
	struct evt evt;
	size_t size;

	(void)state;
	size = exec__build_ls();
	e->argc = 3;
	assert_int_equal(event__decode(rec.bytes, size, &evt), -EINVAL);
	e->argc = 1;
	assert_int_equal(event__decode(rec.bytes, size, &evt), -EINVAL);
	e->argc = 0;
	assert_int_equal(event__decode(rec.bytes, size, &evt), -EINVAL);
	/* No argument bytes but an argument count, unflagged. */
	size = exec__build(VIGIL_SC_EXECVE, 0, "/bin/ls", "/usr/bin/ls", "", 0, 1, 0);
	assert_int_equal(event__decode(rec.bytes, size, &evt), -EINVAL);
}

static void test_bad_type(void **state)
{
	struct vigil_event_header *h = (void *)rec.bytes;
	static const uint16_t types[] = { 0, VIGIL_EVENT_TYPE_MAX, 100, UINT16_MAX };
	struct evt evt;
	size_t size, i;

	(void)state;
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		size = exec__build_ls();
		h->type = types[i];
		assert_int_equal(event__decode(rec.bytes, size, &evt), -EINVAL);
	}
	/* Another type's layout with the same size. */
	size = exec__build_ls();
	h->type = VIGIL_EVENT_OPEN;
	assert_int_equal(event__decode(rec.bytes, size, &evt), -EINVAL);
}

static void test_bad_syscall(void **state)
{
	struct vigil_event_header *h = (void *)rec.bytes;
	struct evt evt;
	size_t size;

	(void)state;
	size = exec__build_ls();
	h->syscall = VIGIL_SC_MAX;
	assert_int_equal(event__decode(rec.bytes, size, &evt), -EINVAL);
	h->syscall = UINT16_MAX;
	assert_int_equal(event__decode(rec.bytes, size, &evt), -EINVAL);
	/* A syscall that does not make this kind of record. */
	h->syscall = VIGIL_SC_CONNECT;
	assert_int_equal(event__decode(rec.bytes, size, &evt), -EINVAL);
	h->syscall = VIGIL_SC_NONE;
	assert_int_equal(event__decode(rec.bytes, size, &evt), -EINVAL);

	size = connect__build(AF_INET, 1, zero16, NULL, 0);
	h->syscall = VIGIL_SC_OPENAT;
	assert_int_equal(event__decode(rec.bytes, size, &evt), -EINVAL);
	size = cgroup__build(0, 0, NULL);
	h->syscall = VIGIL_SC_SETUID;
	assert_int_equal(event__decode(rec.bytes, size, &evt), -EINVAL);
}

static void test_bad_alignment(void **state)
{
	struct evt evt;
	size_t size;

	(void)state;
	size = exec__build_ls();
	memmove(rec.bytes + 1, rec.bytes, size);
	assert_int_equal(event__decode(rec.bytes + 1, size, &evt), -EINVAL);
}

static size_t mutations__build(int kind)
{
	static const char *const names[] = { "child", "parent" };

	switch (kind) {
	case 0:
		return exec__build_ls();
	case 1:
		return open__build(VIGIL_SC_OPENAT2, 3, 5, 0, 0, "x", "/tmp/x");
	case 2:
		return connect__build(AF_UNIX, 0, NULL, "/s", 3);
	default:
		return cgroup__build(2, 0, names);
	}
}

/* Every shortened copy of a valid record, and every single-byte change to one:
 * decoding must never read outside the record (run under ASan or valgrind). */
static void test_mutations(void **state)
{
	static const uint8_t values[] = { 0x00, 0x01, 0x7f, 0x80, 0xff };
	unsigned char *heap, *cut, saved;
	size_t size, i, v;
	struct evt evt;
	int kind, err;

	(void)state;
	for (kind = 0; kind < 4; kind++) {
		size = mutations__build(kind);
		/* On the heap and exactly sized, so that ASan sees any overrun. */
		heap = malloc(size);
		assert_non_null(heap);
		memcpy(heap, rec.bytes, size);
		assert_int_equal(event__decode(heap, size, &evt), 0);
		for (i = 0; i < size; i++) {
			saved = heap[i];
			for (v = 0; v < sizeof(values); v++) {
				heap[i] = values[v];
				err = event__decode(heap, size, &evt);
				assert_true(err == 0 || err == -EINVAL);
			}
			heap[i] = saved;
		}
		for (i = 0; i < size; i++) {
			cut = malloc(i ? i : 1);
			assert_non_null(cut);
			memcpy(cut, heap, i);
			if (i >= sizeof(struct vigil_event_header))
				((struct vigil_event_header *)cut)->size = i;
			assert_int_equal(event__decode(cut, i, &evt), -EINVAL);
			free(cut);
		}
		free(heap);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exec),
		cmocka_unit_test(test_exec_failed),
		cmocka_unit_test(test_exec_args_truncated),
		cmocka_unit_test(test_exec_env),
		cmocka_unit_test(test_open),
		cmocka_unit_test(test_open_creat_failed),
		cmocka_unit_test(test_connect_v4),
		cmocka_unit_test(test_connect_v6),
		cmocka_unit_test(test_connect_v4_mapped),
		cmocka_unit_test(test_connect_unix),
		cmocka_unit_test(test_connect_unix_abstract),
		cmocka_unit_test(test_connect_unix_longest),
		cmocka_unit_test(test_connect_other_family),
		cmocka_unit_test(test_setid),
		cmocka_unit_test(test_fork),
		cmocka_unit_test(test_exit),
		cmocka_unit_test(test_cgroup),
		cmocka_unit_test(test_cgroup_root),
		cmocka_unit_test(test_cgroup_truncated),
		cmocka_unit_test(test_cgroup_longest),
		cmocka_unit_test(test_cgroup_malformed),
		cmocka_unit_test(test_syscall_names),
		cmocka_unit_test(test_bad_short),
		cmocka_unit_test(test_bad_short_fixed_part),
		cmocka_unit_test(test_bad_size_mismatch),
		cmocka_unit_test(test_bad_string_lengths),
		cmocka_unit_test(test_bad_nul),
		cmocka_unit_test(test_bad_argc),
		cmocka_unit_test(test_bad_type),
		cmocka_unit_test(test_bad_syscall),
		cmocka_unit_test(test_bad_alignment),
		cmocka_unit_test(test_mutations),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
