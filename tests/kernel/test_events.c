// SPDX-License-Identifier: GPL-2.0-only
/*
 * Kernel tests: load the real BPF programs, make each syscall family's calls
 * for real (successes and failures) and check every decoded field. Needs root.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <dirent.h>
#include <mntent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/openat2.h>
#include <liburing.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <bpf/bpf.h>
#include <cmocka.h>

#include "vigil.h"
#include "vigil.skel.h"

#define RECORDS_MAX 4096

struct record {
	size_t size;
	unsigned char *data;
};

static struct bpf_events *be;
/* The hierarchy events take cgroups from (daemon/cgroup_layout.c). */
static enum vigil_cgroup_source cgroup_source;
static struct record records[RECORDS_MAX];
static size_t nrecords;
static uint32_t watched[8];
static size_t nwatched;

static bool is_watched(uint32_t pid)
{
	size_t i;

	for (i = 0; i < nwatched; i++)
		if (watched[i] == pid)
			return true;
	return false;
}

static int keep_record(void *ctx, void *data, size_t size)
{
	const struct vigil_event_header *h = data;

	(void)ctx;
	if (size < sizeof(*h) || nrecords == RECORDS_MAX)
		return 0;
	if (h->type != VIGIL_EVENT_CGROUP && !is_watched(h->pid))
		return 0;
	records[nrecords].data = malloc(size);
	memcpy(records[nrecords].data, data, size);
	records[nrecords].size = size;
	nrecords++;
	return 0;
}

static void forget_records(void)
{
	while (nrecords)
		free(records[--nrecords].data);
	nwatched = 0;
}

static void watch(uint32_t pid)
{
	watched[nwatched++] = pid;
}

/* Polls until a decoded event satisfies match, or 2 s pass. */
typedef bool (*match_fn)(const struct evt *evt, const void *arg);

static bool find_event(match_fn match, const void *arg, struct evt *out)
{
	size_t i;
	int round;

	for (round = 0; round < 40; round++) {
		for (i = 0; i < nrecords; i++) {
			if (event__decode(records[i].data, records[i].size, out) < 0)
				fail_msg("record %zu does not decode", i);
			if (match(out, arg))
				return true;
		}
		bpf_events__poll(be, 50);
	}
	return false;
}

struct syscall_match {
	enum vigil_syscall sc;
	const char *path; /* for opens and execs: the path as given */
};

static bool match_syscall(const struct evt *evt, const void *arg)
{
	const struct syscall_match *m = arg;

	if (evt->syscall != m->sc)
		return false;
	if (!m->path)
		return true;
	if (evt->type == VIGIL_EVENT_OPEN)
		return !strcmp(evt->open.path, m->path);
	if (evt->type == VIGIL_EVENT_EXEC)
		return !strcmp(evt->exec.filename, m->path);
	return false;
}

static void expect_event(enum vigil_syscall sc, const char *path, struct evt *evt)
{
	struct syscall_match m = { sc, path };

	if (!find_event(match_syscall, &m, evt))
		fail_msg("no %s event for %s", syscall__name(sc), path ? path : "(any)");
}

static void assert_header_is_me(const struct evt *evt)
{
	char comm[VIGIL_COMM_LEN] = "";

	assert_int_equal(evt->hdr->pid, getpid());
	assert_int_equal(evt->hdr->tid, syscall(SYS_gettid));
	assert_int_equal(evt->hdr->ppid, getppid());
	assert_int_equal(evt->hdr->uid, getuid());
	assert_int_equal(evt->hdr->gid, getgid());
	assert_int_equal(evt->hdr->euid, geteuid());
	assert_true(evt->hdr->cgroup_id != 0);
	assert_true(evt->hdr->mntns_ino != 0);
	assert_true(evt->hdr->pidns_ino != 0);
	assert_int_equal(evt->hdr->flags & VIGIL_HDR_COMPAT, 0);
	assert_int_equal(prctl(PR_GET_NAME, comm), 0);
	assert_string_equal(evt->hdr->comm, comm);
}

/* --- open family --- */

static void test_openat_success(void **state)
{
	struct evt evt;
	int fd;

	(void)state;
	watch(getpid());
	fd = openat(AT_FDCWD, "/etc/../etc/hostname", O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	close(fd);
	expect_event(VIGIL_SC_OPENAT, "/etc/../etc/hostname", &evt);
	assert_header_is_me(&evt);
	assert_int_equal(evt.type, VIGIL_EVENT_OPEN);
	assert_int_equal(evt.hdr->retval, fd);
	assert_int_equal(evt.open.dirfd, AT_FDCWD);
	assert_int_equal(evt.open.flags, O_RDONLY | O_CLOEXEC);
	assert_string_equal(evt.open.resolved, "/etc/hostname");
}

static void test_openat_failure(void **state)
{
	struct evt evt;

	(void)state;
	watch(getpid());
	assert_int_equal(open("/nonexistent/vigil", O_WRONLY | O_CREAT, 0640), -1);
	expect_event(VIGIL_SC_OPENAT, "/nonexistent/vigil", &evt);
	assert_int_equal(evt.hdr->retval, -ENOENT);
	assert_int_equal(evt.open.flags, O_WRONLY | O_CREAT);
	assert_int_equal(evt.open.mode, 0640);
	assert_string_equal(evt.open.resolved, "");
}

static void test_openat_relative_to_dirfd(void **state)
{
	struct evt evt;
	int dirfd, fd;

	(void)state;
	watch(getpid());
	dirfd = open("/etc", O_RDONLY | O_DIRECTORY);
	assert_true(dirfd >= 0);
	fd = openat(dirfd, "hostname", O_RDONLY);
	assert_true(fd >= 0);
	close(fd);
	expect_event(VIGIL_SC_OPENAT, "hostname", &evt);
	assert_int_equal(evt.open.dirfd, dirfd);
	assert_string_equal(evt.open.resolved, "/etc/hostname");
	close(dirfd);
}

static void test_open_creat_openat2(void **state)
{
	char dir[] = "/tmp/vigil-ktest-XXXXXX", path[PATH_MAX], link[PATH_MAX];
	struct open_how how = { .flags = O_RDONLY, .resolve = 0 };
	struct evt evt;
	long fd;

	(void)state;
	watch(getpid());
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/created", dir);
	fd = syscall(SYS_creat, path, 0600);
	assert_true(fd >= 0);
	close(fd);
	expect_event(VIGIL_SC_CREAT, path, &evt);
	assert_int_equal(evt.hdr->retval, fd);
	assert_int_equal(evt.open.flags, O_CREAT | O_WRONLY | O_TRUNC);
	assert_int_equal(evt.open.mode, 0600);
	assert_string_equal(evt.open.resolved, path);

	/* A symlink resolves to its target. */
	snprintf(link, sizeof(link), "%s/link", dir);
	assert_int_equal(symlink(path, link), 0);
	fd = syscall(SYS_open, link, O_RDONLY);
	assert_true(fd >= 0);
	close(fd);
	expect_event(VIGIL_SC_OPEN, link, &evt);
	assert_string_equal(evt.open.resolved, path);

	fd = syscall(SYS_openat2, AT_FDCWD, path, &how, sizeof(how));
	assert_true(fd >= 0);
	close(fd);
	expect_event(VIGIL_SC_OPENAT2, path, &evt);
	assert_int_equal(evt.hdr->retval, fd);
	assert_int_equal(evt.open.flags, O_RDONLY);

	unlink(link);
	unlink(path);
	rmdir(dir);
}

/*
 * Opens deep below a directory, by a short relative path: the resolved path
 * is the whole absolute path while it fits, and its head (from the root) with
 * the truncation flag when it does not, so that rules on a directory prefix
 * still match. levels directories named like name, then a file "f".
 */
static void expect_deep_open(const char *top, int levels, size_t name_len)
{
	static char expected[65536];
	char name[NAME_MAX + 1], cwd[PATH_MAX];
	struct evt evt;
	size_t len;
	int i, fd;

	memset(name, 'd', name_len);
	name[name_len] = '\0';
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(top), 0);
	len = snprintf(expected, sizeof(expected), "%s", top);
	for (i = 0; i < levels; i++) {
		assert_int_equal(mkdir(name, 0700), 0);
		assert_int_equal(chdir(name), 0);
		len += snprintf(expected + len, sizeof(expected) - len, "/%s", name);
	}
	len += snprintf(expected + len, sizeof(expected) - len, "/f");
	fd = open("f", O_WRONLY | O_CREAT, 0600);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(chdir(cwd), 0);
	expect_event(VIGIL_SC_OPENAT, "f", &evt);
	if (len < VIGIL_PATH_MAX) {
		assert_string_equal(evt.open.resolved, expected);
		assert_int_equal(evt.open.capture_flags, 0);
	} else {
		assert_int_equal(strlen(evt.open.resolved), VIGIL_PATH_MAX - 1);
		assert_memory_equal(evt.open.resolved, expected, VIGIL_PATH_MAX - 1);
		assert_int_equal(evt.open.capture_flags, VIGIL_OPEN_RESOLVED_TRUNCATED);
	}
	forget_records();
	watch(getpid());
}

/* Removes a tree deeper than PATH_MAX, which nftw cannot name. */
static void remove_tree(int parent, const char *name)
{
	struct dirent *e;
	struct stat st;
	DIR *d;

	/* Files are not opened: a later test would see those opens. */
	if (fstatat(parent, name, &st, AT_SYMLINK_NOFOLLOW) || !S_ISDIR(st.st_mode)) {
		unlinkat(parent, name, 0);
		return;
	}
	d = fdopendir(openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW));
	if (!d)
		return;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			remove_tree(dirfd(d), e->d_name);
	closedir(d);
	unlinkat(parent, name, AT_REMOVEDIR);
}

static void test_open_deep_paths(void **state)
{
	char top[] = "/tmp/vigil-ktest-XXXXXX";

	(void)state;
	watch(getpid());
	assert_non_null(mkdtemp(top));
	expect_deep_open(top, 100, 1);     /* deeper than a walk once went */
	remove_tree(AT_FDCWD, top);
	assert_non_null(mkdtemp(strcpy(top, "/tmp/vigil-ktest-XXXXXX")));
	expect_deep_open(top, 20, NAME_MAX); /* longer than an event's path */
	remove_tree(AT_FDCWD, top);
	assert_non_null(mkdtemp(strcpy(top, "/tmp/vigil-ktest-XXXXXX")));
	expect_deep_open(top, 40, NAME_MAX); /* longer than the path buffer */
	remove_tree(AT_FDCWD, top);
}

/* An open through io_uring never passes the syscall tracepoints: it is seen
 * at submission, with the kernel's copy of the name and no result yet. */
static void test_io_uring_openat(void **state)
{
	struct io_uring_cqe *cqe;
	struct io_uring_sqe *sqe;
	struct io_uring ring;
	struct evt evt;
	int dirfd;

	(void)state;
	if (io_uring_queue_init(2, &ring, 0))
		skip(); /* io_uring switched off on this kernel */
	watch(getpid());
	dirfd = open("/etc", O_RDONLY | O_DIRECTORY);
	assert_true(dirfd >= 0);
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_openat(sqe, dirfd, "../etc/hostname", O_RDONLY | O_CLOEXEC, 0);
	assert_int_equal(io_uring_submit(&ring), 1);
	assert_int_equal(io_uring_wait_cqe(&ring, &cqe), 0);
	assert_true(cqe->res >= 0);
	close(cqe->res);
	io_uring_cqe_seen(&ring, cqe);
	io_uring_queue_exit(&ring);
	expect_event(VIGIL_SC_OPENAT, "../etc/hostname", &evt);
	assert_int_equal(evt.hdr->pid, getpid());
	assert_int_equal(evt.hdr->uid, getuid());
	assert_int_equal(evt.hdr->flags, VIGIL_HDR_IO_URING);
	assert_int_equal(evt.hdr->retval, 0);
	assert_int_equal(evt.open.dirfd, dirfd);
	/* The kernel's flags: io_uring adds O_LARGEFILE (0100000 on x86_64,
	 * where userspace's O_LARGEFILE is 0). */
	assert_int_equal(evt.open.flags, O_RDONLY | O_CLOEXEC | 0100000);
	assert_string_equal(evt.open.resolved, "");
	close(dirfd);
}

/* The open filter: only opens of listed names with the listed access leave
 * the kernel. Pinned to one CPU, so that the ring buffer keeps their order and
 * a later wanted open proves the unwanted ones were dropped, not late. */
static bool seen_open(const char *path)
{
	struct evt evt;
	size_t i;

	for (i = 0; i < nrecords; i++)
		if (!event__decode(records[i].data, records[i].size, &evt) &&
		    evt.type == VIGIL_EVENT_OPEN && !strcmp(evt.open.path, path))
			return true;
	return false;
}

static void open_close(const char *path, int flags)
{
	int fd = open(path, flags, 0600);

	if (fd >= 0)
		close(fd);
}

static void test_open_filter(void **state)
{
	static struct open_filter filter = { .enabled = true, .nnames = 2 };
	char dir[] = "/tmp/vigil-ktest-XXXXXX", wfile[PATH_MAX], link[PATH_MAX];
	cpu_set_t cpus, saved;
	struct evt evt;

	(void)state;
	watch(getpid());
	assert_int_equal(sched_getaffinity(0, sizeof(saved), &saved), 0);
	CPU_ZERO(&cpus);
	CPU_SET(0, &cpus);
	assert_int_equal(sched_setaffinity(0, sizeof(cpus), &cpus), 0);
	assert_non_null(mkdtemp(dir));
	snprintf(wfile, sizeof(wfile), "%s/written", dir);
	snprintf(link, sizeof(link), "%s/alias", dir);
	assert_int_equal(symlink("/etc/hostname", link), 0);
	strcpy(filter.names[0].name, "hostname");
	filter.names[0].access = VIGIL_ACCESS_READ;
	strcpy(filter.names[1].name, "written");
	filter.names[1].access = VIGIL_ACCESS_WRITE;
	assert_int_equal(bpf_events__set_open_filter(be, &filter), 0);

	open_close("/etc/passwd", O_RDONLY);           /* name not listed */
	open_close(wfile, O_WRONLY | O_CREAT);         /* listed for writes */
	open_close(wfile, O_RDONLY);                   /* not for reads */
	open_close("/nonexistent/hostname", O_RDONLY); /* failures not wanted */
	open_close(link, O_RDONLY);                    /* a symlink to a listed name */
	open_close("/etc/hostname", O_RDONLY);         /* listed: the sentinel */
	expect_event(VIGIL_SC_OPENAT, "/etc/hostname", &evt);
	assert_true(seen_open(wfile));
	assert_true(seen_open(link));
	assert_false(seen_open("/etc/passwd"));
	assert_false(seen_open("/nonexistent/hostname"));
	/* wfile was opened twice, once for writing: only that one came. */
	assert_true(find_event(match_syscall, &(struct syscall_match){ VIGIL_SC_OPENAT, wfile },
			       &evt));
	assert_int_equal(evt.open.flags & O_ACCMODE, O_WRONLY);

	/* Every read, and failed writes. */
	forget_records();
	watch(getpid());
	filter.any_access = VIGIL_ACCESS_READ;
	filter.failed_access = VIGIL_ACCESS_WRITE;
	assert_int_equal(bpf_events__set_open_filter(be, &filter), 0);
	open_close("/etc/passwd", O_RDONLY);
	open_close("/nonexistent/x", O_WRONLY | O_CREAT);
	open_close("/etc/hostname", O_RDONLY);
	expect_event(VIGIL_SC_OPENAT, "/etc/hostname", &evt);
	assert_true(seen_open("/etc/passwd"));
	assert_true(seen_open("/nonexistent/x"));

	filter.enabled = false;
	assert_int_equal(bpf_events__set_open_filter(be, &filter), 0);
	assert_int_equal(sched_setaffinity(0, sizeof(saved), &saved), 0);
	unlink(wfile);
	unlink(link);
	rmdir(dir);
}

/* --- connect --- */

static bool match_connect_port(const struct evt *evt, const void *arg)
{
	return evt->syscall == VIGIL_SC_CONNECT && evt->connect.port == *(const uint16_t *)arg;
}

static uint16_t listen_loopback(int *lfd)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sin);

	*lfd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(*lfd >= 0);
	assert_int_equal(bind(*lfd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(listen(*lfd, 1), 0);
	assert_int_equal(getsockname(*lfd, (struct sockaddr *)&sin, &len), 0);
	return ntohs(sin.sin_port);
}

static void test_connect_ipv4(void **state)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	uint16_t port;
	struct evt evt;
	int lfd, fd;

	(void)state;
	watch(getpid());
	port = listen_loopback(&lfd);
	sin.sin_port = htons(port);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	if (!find_event(match_connect_port, &port, &evt))
		fail_msg("no connect event to port %u", port);
	assert_header_is_me(&evt);
	assert_int_equal(evt.hdr->retval, 0);
	assert_int_equal(evt.connect.fd, fd);
	assert_int_equal(evt.connect.family, AF_INET);
	assert_memory_equal(evt.connect.addr, "\x7f\x00\x00\x01", 4);
	close(fd);
	close(lfd);
}

static void test_connect_ipv6_refused_and_mapped(void **state)
{
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	uint16_t closed_port, port;
	struct evt evt;
	int lfd, fd;

	(void)state;
	watch(getpid());
	/* A port nothing listens on: bind one, close it, connect to it. */
	closed_port = listen_loopback(&lfd);
	close(lfd);
	sin6.sin6_port = htons(closed_port);
	fd = socket(AF_INET6, SOCK_STREAM, 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&sin6, sizeof(sin6)), -1);
	close(fd);
	if (!find_event(match_connect_port, &closed_port, &evt))
		fail_msg("no connect event to port %u", closed_port);
	assert_int_equal(evt.hdr->retval, -ECONNREFUSED);
	assert_int_equal(evt.connect.family, AF_INET6);
	assert_memory_equal(evt.connect.addr, &in6addr_loopback, 16);

	/* ::ffff:127.0.0.1 is reported as the IPv4 address it is. */
	port = listen_loopback(&lfd);
	sin6.sin6_port = htons(port);
	inet_pton(AF_INET6, "::ffff:127.0.0.1", &sin6.sin6_addr);
	fd = socket(AF_INET6, SOCK_STREAM, 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&sin6, sizeof(sin6)), 0);
	close(fd);
	close(lfd);
	if (!find_event(match_connect_port, &port, &evt))
		fail_msg("no connect event to port %u", port);
	assert_int_equal(evt.hdr->retval, 0);
	assert_int_equal(evt.connect.family, AF_INET);
	assert_memory_equal(evt.connect.addr, "\x7f\x00\x00\x01", 4);
}

/* A connect through io_uring, seen at submission like an io_uring open. */
static void test_io_uring_connect(void **state)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct io_uring_cqe *cqe;
	struct io_uring_sqe *sqe;
	struct io_uring ring;
	uint16_t port;
	struct evt evt;
	int lfd, fd;

	(void)state;
	if (io_uring_queue_init(2, &ring, 0))
		skip();
	watch(getpid());
	port = listen_loopback(&lfd);
	sin.sin_port = htons(port);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_connect(sqe, fd, (struct sockaddr *)&sin, sizeof(sin));
	assert_int_equal(io_uring_submit(&ring), 1);
	assert_int_equal(io_uring_wait_cqe(&ring, &cqe), 0);
	assert_int_equal(cqe->res, 0);
	io_uring_cqe_seen(&ring, cqe);
	io_uring_queue_exit(&ring);
	if (!find_event(match_connect_port, &port, &evt))
		fail_msg("no io_uring connect event to port %u", port);
	assert_int_equal(evt.hdr->pid, getpid());
	assert_int_equal(evt.hdr->flags, VIGIL_HDR_IO_URING);
	assert_int_equal(evt.hdr->retval, 0);
	assert_int_equal(evt.connect.fd, fd);
	assert_int_equal(evt.connect.family, AF_INET);
	assert_memory_equal(evt.connect.addr, "\x7f\x00\x00\x01", 4);
	close(fd);
	close(lfd);
}

static bool match_connect_unix(const struct evt *evt, const void *arg)
{
	return evt->syscall == VIGIL_SC_CONNECT && evt->connect.family == AF_UNIX &&
	       !strcmp(evt->connect.unix_path, arg);
}

static void test_connect_unix(void **state)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX, .sun_path = "/tmp/vigil-ktest.sock" };
	struct evt evt;
	int fd;

	(void)state;
	watch(getpid());
	unlink(sun.sun_path);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&sun, sizeof(sun)), -1);
	close(fd);
	if (!find_event(match_connect_unix, "/tmp/vigil-ktest.sock", &evt))
		fail_msg("no unix connect event");
	assert_int_equal(evt.hdr->retval, -ENOENT);
}

/* --- setuid family, in a child so that the test keeps its root --- */

static pid_t run_child(void (*body)(void))
{
	int status;
	pid_t pid;

	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		body();
		_exit(0);
	}
	watch(pid);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return pid;
}

static void setid_body(void)
{
	if (setresgid(2000, 2001, 2002) || setuid(1000) || setuid(0) != -1)
		_exit(1);
}

static bool match_setid(const struct evt *evt, const void *arg)
{
	const enum vigil_syscall *sc = arg;

	return evt->syscall == sc[0] && evt->hdr->pid == (uint32_t)sc[1] &&
	       (sc[2] == 0 ? evt->hdr->retval == 0 : evt->hdr->retval < 0);
}

static void test_setid(void **state)
{
	enum vigil_syscall m[3];
	struct evt evt;
	pid_t pid;

	(void)state;
	pid = run_child(setid_body);

	m[0] = VIGIL_SC_SETRESGID, m[1] = pid, m[2] = 0;
	assert_true(find_event(match_setid, m, &evt));
	assert_int_equal(evt.type, VIGIL_EVENT_SETID);
	assert_int_equal(evt.setid.args[0], 2000);
	assert_int_equal(evt.setid.args[1], 2001);
	assert_int_equal(evt.setid.args[2], 2002);
	assert_int_equal(evt.setid.old_ids[0], 0);
	assert_int_equal(evt.setid.new_ids[0], 2000);
	assert_int_equal(evt.setid.new_ids[1], 2001);
	assert_int_equal(evt.setid.new_ids[2], 2002);

	m[0] = VIGIL_SC_SETUID, m[2] = 0;
	assert_true(find_event(match_setid, m, &evt));
	assert_int_equal(evt.setid.args[0], 1000);
	assert_int_equal(evt.setid.args[1], (uint32_t)-1);
	assert_int_equal(evt.setid.old_ids[0], 0);
	assert_int_equal(evt.setid.old_ids[1], 0);
	assert_int_equal(evt.setid.new_ids[0], 1000);
	assert_int_equal(evt.setid.new_ids[1], 1000);
	assert_int_equal(evt.hdr->uid, 1000);

	/* The failed way back: old ids are the unprivileged ones. */
	m[2] = 1;
	assert_true(find_event(match_setid, m, &evt));
	assert_int_equal(evt.hdr->retval, -EPERM);
	assert_int_equal(evt.setid.args[0], 0);
	assert_int_equal(evt.setid.old_ids[0], 1000);
	assert_int_equal(evt.setid.new_ids[0], 1000);
}

/* --- exec, fork and exit --- */

static void exec_true_body(void)
{
	char *const argv[] = { "true", "first arg", "", "x", NULL };
	char *const envp[] = { "VIGIL_TEST=1", "HOME=/nonexistent", NULL };

	if (chdir("/tmp"))
		_exit(126);
	execve("/bin/true", argv, envp);
	_exit(127);
}

static void exec_missing_body(void)
{
	execl("/nonexistent/prog", "prog", "-v", (char *)NULL);
	_exit(42);
}

static bool match_type_pid(const struct evt *evt, const void *arg)
{
	const uint32_t *m = arg;

	return evt->type == m[0] && evt->hdr->pid == m[1];
}

static void test_exec_success(void **state)
{
	char exe[PATH_MAX];
	uint32_t m[2];
	struct evt evt;
	pid_t pid;

	(void)state;
	watch(getpid());
	assert_non_null(realpath("/bin/true", exe));
	pid = run_child(exec_true_body);
	expect_event(VIGIL_SC_EXECVE, "/bin/true", &evt);
	assert_int_equal(evt.hdr->pid, pid);
	assert_int_equal(evt.hdr->ppid, getpid());
	assert_int_equal(evt.hdr->retval, 0);
	assert_string_equal(evt.hdr->comm, "true");
	assert_string_equal(evt.exec.exe, exe);
	assert_int_equal(evt.exec.argc, 4);
	assert_int_equal(evt.exec.args_len, sizeof("true\0first arg\0\0x"));
	assert_memory_equal(evt.exec.args, "true\0first arg\0\0x", evt.exec.args_len);
	assert_int_equal(evt.exec.flags, 0);
	assert_string_equal(evt.exec.cwd, "/tmp");
	assert_int_equal(evt.exec.env_len, sizeof("VIGIL_TEST=1\0HOME=/nonexistent"));
	assert_memory_equal(evt.exec.env, "VIGIL_TEST=1\0HOME=/nonexistent", evt.exec.env_len);
	assert_int_equal(evt.exec.sid, getsid(0));
	assert_int_equal(evt.exec.vpid, pid); /* the test runs in the initial pid namespace */
	assert_true(evt.exec.start_ns > 0 && evt.exec.start_ns <= evt.hdr->ts_ns);
	/* Root keeps its capabilities across exec: CAP_SYS_ADMIN (21) among them. */
	assert_true(evt.exec.cap_effective & (1ull << 21));
	assert_int_equal(evt.exec.cap_effective, evt.exec.cap_permitted);

	m[0] = VIGIL_EVENT_FORK, m[1] = getpid();
	assert_true(find_event(match_type_pid, m, &evt));
	assert_int_equal(evt.fork.child_pid, pid);
	assert_int_equal(evt.fork.child_tid, pid);

	m[0] = VIGIL_EVENT_EXIT, m[1] = pid;
	assert_true(find_event(match_type_pid, m, &evt));
	assert_int_equal(evt.exit.exit_code, 0);
}

static void test_exec_failure(void **state)
{
	uint32_t m[2];
	struct evt evt;
	pid_t pid;

	(void)state;
	pid = run_child(exec_missing_body);
	expect_event(VIGIL_SC_EXECVE, "/nonexistent/prog", &evt);
	assert_int_equal(evt.hdr->pid, pid);
	assert_int_equal(evt.hdr->retval, -ENOENT);
	assert_string_equal(evt.exec.exe, "");
	assert_int_equal(evt.exec.argc, 2);
	assert_memory_equal(evt.exec.args, "prog\0-v", sizeof("prog\0-v"));

	m[0] = VIGIL_EVENT_EXIT, m[1] = pid;
	assert_true(find_event(match_type_pid, m, &evt));
	assert_int_equal(evt.exit.exit_code, 42 << 8);
}

/* A program run from a memfd (fileless), through execveat(AT_EMPTY_PATH). */
static void exec_memfd_body(void)
{
	char *const argv[] = { "fileless", NULL };
	char *const envp[] = { NULL };
	char buf[65536];
	int in, fd;
	ssize_t n;

	in = open("/bin/true", O_RDONLY);
	fd = memfd_create("vigil-ktest", MFD_CLOEXEC);
	if (in < 0 || fd < 0)
		_exit(125);
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(fd, buf, n) != n)
			_exit(124);
	syscall(SYS_execveat, fd, "", argv, envp, AT_EMPTY_PATH);
	_exit(127);
}

static void test_execveat_memfd(void **state)
{
	struct evt evt;
	pid_t pid;

	(void)state;
	pid = run_child(exec_memfd_body);
	expect_event(VIGIL_SC_EXECVEAT, NULL, &evt);
	assert_int_equal(evt.hdr->pid, pid);
	assert_int_equal(evt.hdr->retval, 0);
	assert_true(evt.exec.flags & VIGIL_EXEC_EXE_MEMFD);
	assert_int_equal(evt.exec.flags & VIGIL_EXEC_EXE_UPPER_LAYER, 0);
	assert_string_equal(evt.exec.exe, "/memfd:vigil-ktest");
	assert_int_equal(evt.exec.argc, 1);
	assert_memory_equal(evt.exec.args, "fileless", sizeof("fileless"));
	assert_int_equal(evt.exec.env_len, 0);
}

/* --- exec from an overlay upper layer --- */

/* overlayfs was registered when the programs loaded: only then do they know
 * struct ovl_inode (where overlayfs is a module, its BTF comes with it). */
static bool overlay_at_load;
static const char *exec_path;

static bool filesystem_registered(const char *name)
{
	char line[128], *type;
	bool found = false;
	FILE *f;

	f = fopen("/proc/filesystems", "r");
	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		type = strrchr(line, '\t');
		found = !strcmp(type ? type + 1 : line, name);
	}
	fclose(f);
	return found;
}

static int copy_file(const char *from, const char *to)
{
	char buf[65536];
	int in, out, err = 0;
	ssize_t n;

	in = open(from, O_RDONLY);
	if (in < 0)
		return -1;
	out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0755);
	if (out < 0) {
		close(in);
		return -1;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, n) != n)
			break;
	if (n != 0)
		err = -1;
	close(in);
	if (close(out))
		err = -1;
	return err;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path);
}

static void exec_path_body(void)
{
	char *const argv[] = { "true", NULL };
	char *const envp[] = { NULL };

	execve(exec_path, argv, envp);
	_exit(127);
}

/* A container's image is the lower layer of an overlay mount, what the
 * container writes goes to the upper layer: running a program written there
 * is flagged, running one of the image's is not. */
static void test_exec_overlay_upper(void **state)
{
	char dir[] = "/tmp/vigil-ktest-XXXXXX", sub[PATH_MAX], opts[3 * PATH_MAX];
	char from_image[PATH_MAX], written[PATH_MAX];
	static const char *const layers[] = { "lower", "upper", "work", "merged" };
	struct evt evt;
	size_t i;
	pid_t pid;

	(void)state;
	if (!overlay_at_load)
		skip();
	assert_non_null(mkdtemp(dir));
	for (i = 0; i < sizeof(layers) / sizeof(layers[0]); i++) {
		snprintf(sub, sizeof(sub), "%s/%s", dir, layers[i]);
		assert_int_equal(mkdir(sub, 0755), 0);
	}
	snprintf(sub, sizeof(sub), "%s/lower/from-image", dir);
	assert_int_equal(copy_file("/bin/true", sub), 0);
	snprintf(opts, sizeof(opts), "lowerdir=%s/lower,upperdir=%s/upper,workdir=%s/work", dir,
		 dir, dir);
	snprintf(sub, sizeof(sub), "%s/merged", dir);
	if (mount("overlay", sub, "overlay", 0, opts)) {
		/* Say, /tmp is itself on overlayfs, which cannot be an upper layer. */
		nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
		skip();
	}
	snprintf(from_image, sizeof(from_image), "%s/merged/from-image", dir);
	snprintf(written, sizeof(written), "%s/merged/written", dir);
	assert_int_equal(copy_file("/bin/true", written), 0);

	exec_path = from_image;
	pid = run_child(exec_path_body);
	expect_event(VIGIL_SC_EXECVE, from_image, &evt);
	assert_int_equal(evt.hdr->pid, pid);
	assert_int_equal(evt.hdr->retval, 0);
	assert_string_equal(evt.exec.exe, from_image);
	assert_int_equal(evt.exec.flags & VIGIL_EXEC_EXE_UPPER_LAYER, 0);

	exec_path = written;
	pid = run_child(exec_path_body);
	expect_event(VIGIL_SC_EXECVE, written, &evt);
	assert_int_equal(evt.hdr->pid, pid);
	assert_int_equal(evt.hdr->retval, 0);
	assert_true(evt.exec.flags & VIGIL_EXEC_EXE_UPPER_LAYER);

	assert_int_equal(umount(sub), 0);
	nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* --- cgroup announcements --- */

static bool match_cgroup(const struct evt *evt, const void *arg)
{
	return evt->type == VIGIL_EVENT_CGROUP && evt->cgroup.id == *(const uint64_t *)arg;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

/* This process's path in the tracked hierarchy, from /proc/self/cgroup. */
static bool own_cgroup_path(char *path, size_t size)
{
	char text[8192];
	size_t n;
	FILE *f;

	f = fopen("/proc/self/cgroup", "r");
	if (!f)
		return false;
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	return !cgroup_proc__path(text, cgroup_source, path, size);
}

static void test_cgroup_announced(void **state)
{
	char own[PATH_MAX];
	uint64_t id;
	struct evt evt;
	int fd;

	(void)state;
	watch(getpid());
	fd = open("/etc/hostname", O_RDONLY);
	close(fd);
	expect_event(VIGIL_SC_OPENAT, "/etc/hostname", &evt);
	id = evt.hdr->cgroup_id;
	/* Announced once per cgroup: ask for it again, as vigild does when it
	 * forgets one. */
	bpf_events__forget_cgroup(be, id);
	fd = open("/etc/hostname", O_RDONLY);
	close(fd);
	assert_true(find_event(match_cgroup, &id, &evt));
	assert_true(evt.cgroup.path[0] == '/' || !strncmp(evt.cgroup.path, "...", 3));
	/* The kernel walks kernfs parents up to the hierarchy's root, while
	 * /proc/self/cgroup starts at the cgroup namespace's root: one path
	 * ends with the other. A cut path has lost its top levels. */
	if (!own_cgroup_path(own, sizeof(own)) || !strcmp(own, "/"))
		return;
	if (!strncmp(evt.cgroup.path, "...", 3))
		assert_true(ends_with(own, evt.cgroup.path + 3));
	else
		assert_true(ends_with(evt.cgroup.path, own));
}

/* --- cgroup removal --- */

static bool match_cgroup_rmdir(const struct evt *evt, const void *arg)
{
	return evt->type == VIGIL_EVENT_CGROUP_RMDIR && evt->cgroup.id == *(const uint64_t *)arg;
}

/* Where the tracked hierarchy is mounted: cgroup2, or the v1 controller's;
 * false if it is not. */
static bool tracked_mount(char *dir, size_t size)
{
	const char *controller = cgroup_source == VIGIL_CGROUP_V1_MEMORY ? "memory" :
				 cgroup_source == VIGIL_CGROUP_V1_PIDS	 ? "pids" :
									   NULL;
	FILE *f = setmntent("/proc/self/mounts", "r");
	struct mntent *m;
	bool found = false;

	if (!f)
		return false;
	while (!found && (m = getmntent(f))) {
		if (controller ? !strcmp(m->mnt_type, "cgroup") && hasmntopt(m, controller) :
				 !strcmp(m->mnt_type, "cgroup2"))
			found = snprintf(dir, size, "%s", m->mnt_dir) < (int)size;
	}
	endmntent(f);
	return found;
}

static void test_cgroup_rmdir(void **state)
{
	char root[PATH_MAX], dir[PATH_MAX + 32];
	struct stat st;
	struct evt evt;
	uint64_t id;

	(void)state;
	if (!tracked_mount(root, sizeof(root)))
		skip();
	watch(getpid());
	snprintf(dir, sizeof(dir), "%s/vigil-ktest-%d", root, getpid());
	if (mkdir(dir, 0755) && (errno == EROFS || errno == EACCES || errno == EPERM))
		skip(); /* a read-only cgroup file system, as in a container */
	assert_int_equal(stat(dir, &st), 0);
	id = st.st_ino; /* a cgroup's id is its directory's inode number */
	assert_int_equal(rmdir(dir), 0);
	if (!find_event(match_cgroup_rmdir, &id, &evt))
		fail_msg("no cgroup_rmdir event for %s", dir);
	assert_int_equal(evt.hdr->pid, getpid());
	assert_int_equal(evt.hdr->syscall, VIGIL_SC_NONE);
}

/* --- container attribution --- */

static bool match_open_from(const struct evt *evt, const void *arg)
{
	return evt->type == VIGIL_EVENT_OPEN && evt->hdr->pid == *(const uint32_t *)arg &&
	       !strcmp(evt->open.path, "/etc/hostname");
}

/* The cgroups test_container_cgroup made, removed whatever its outcome. */
static char container_dir[PATH_MAX + 96], container_parent[PATH_MAX + 16];
static bool made_parent;

static int remove_container_cgroup(void **state)
{
	(void)state;
	if (container_dir[0])
		rmdir(container_dir);
	if (made_parent)
		rmdir(container_parent);
	container_dir[0] = '\0';
	made_parent = false;
	return 0;
}

/*
 * A process moved into docker's cgroupfs layout, /docker/<64 hex>, in the
 * hierarchy events take cgroups from (cgroup2, or on a v1 or hybrid host the
 * memory or pids controller's): its events carry that cgroup's id, and
 * vigild's container map, fed the kernel's announcement, names the container.
 */
static void test_container_cgroup(void **state)
{
	char root[PATH_MAX], procs[sizeof(container_dir) + 16], id_hex[CONTAINER_ID_LEN + 1];
	char suffix[CONTAINER_ID_LEN + 16];
	const struct container *c;
	struct containers *cs;
	struct evt evt;
	struct stat st;
	int go[2], status;
	uint32_t child;
	uint64_t cgid;
	pid_t pid;
	FILE *f;

	(void)state;
	if (!tracked_mount(root, sizeof(root)))
		skip();
	/* Ours alone: the test's pid in the id. */
	snprintf(id_hex, sizeof(id_hex), "5eed1e55c0ffee00d15ea5ed0b5e55ed0ddba11cafef00d5%016x",
		 (unsigned int)getpid());
	snprintf(container_parent, sizeof(container_parent), "%s/docker", root);
	snprintf(container_dir, sizeof(container_dir), "%s/%s", container_parent, id_hex);
	snprintf(procs, sizeof(procs), "%s/cgroup.procs", container_dir);
	made_parent = !mkdir(container_parent, 0755);
	if (!made_parent && errno != EEXIST)
		skip(); /* a read-only cgroup file system, as in a container */
	assert_int_equal(mkdir(container_dir, 0755), 0);
	assert_int_equal(stat(container_dir, &st), 0);
	assert_int_equal(pipe(go), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char byte;
		int fd;

		close(go[1]);
		if (read(go[0], &byte, 1) != 1)
			_exit(1);
		fd = open("/etc/hostname", O_RDONLY);
		_exit(fd < 0);
	}
	close(go[0]);
	child = pid;
	watch(child);
	f = fopen(procs, "w");
	assert_non_null(f);
	fprintf(f, "%d\n", pid);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(write(go[1], "x", 1), 1);
	close(go[1]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(status, 0);

	if (!find_event(match_open_from, &child, &evt))
		fail_msg("no open event from the process in %s", container_dir);
	cgid = evt.hdr->cgroup_id;
	assert_int_equal(cgid, st.st_ino);
	if (!find_event(match_cgroup, &cgid, &evt))
		fail_msg("no cgroup record for %s", container_dir);
	snprintf(suffix, sizeof(suffix), "/docker/%s", id_hex);
	assert_true(ends_with(evt.cgroup.path, suffix));
	cs = containers__new(NULL);
	assert_non_null(cs);
	containers__add_cgroup(cs, evt.cgroup.id, evt.cgroup.path);
	c = containers__lookup(cs, cgid);
	assert_int_equal(c->runtime, RUNTIME_DOCKER);
	assert_string_equal(c->full_id, id_hex);
	assert_string_equal(c->id, "5eed1e55c0ff");
	containers__free(cs);
}

/* --- syscalls learned per cgroup (bpf/learn.bpf.h) --- */

/* The tracked hierarchy's mount; on cgroup2, mounting one where there is
 * none (a bare initramfs). */
static bool tracked_root(char *dir, size_t size)
{
	if (tracked_mount(dir, size))
		return true;
	if (cgroup_source != VIGIL_CGROUP_DFL)
		return false;
	snprintf(dir, size, "/tmp/vigil-ktest-cgroup2");
	mkdir(dir, 0755);
	return !mount("none", dir, "cgroup2", 0, NULL);
}

/* In cgroup dir: under an allow-everything seccomp filter, getppid; then exit. */
static void learn_child(const char *dir)
{
	struct sock_filter allow = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	struct sock_fprog prog = { .len = 1, .filter = &allow };
	char procs[PATH_MAX + 256];
	int fd;

	snprintf(procs, sizeof(procs), "%s/cgroup.procs", dir);
	fd = open(procs, O_WRONLY);
	if (fd < 0 || write(fd, "0", 1) != 1)
		_exit(2);
	close(fd);
	/* Before the filter: not counted. */
	syscall(SYS_getpid);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
	    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog))
		_exit(3);
	syscall(SYS_getppid);
	syscall(SYS_exit_group, 0);
}

/* Runs learn_child in cgroup dir; returns the cgroup's entry. */
static void learn_in_cgroup(const char *dir, uint64_t id, struct vigil_syscall_set *set)
{
	pid_t pid;
	int status;

	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		learn_child(dir);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(status, 0);
	memset(set, 0xaa, sizeof(*set));
	assert_int_equal(bpf_map_lookup_elem(bpf_events__syscall_sets_fd(be), &id, set), 0);
}

static unsigned int syscalls_seen(const struct vigil_syscall_set *set)
{
	unsigned int nr, n = 0;

	for (nr = 0; nr < VIGIL_SYSCALL_NR_MAX; nr++)
		n += set->native[nr] + set->compat[nr];
	return n;
}

static void test_learn_syscalls(void **state)
{
	char root[PATH_MAX], dir[PATH_MAX + 64];
	struct vigil_syscall_set set;
	struct stat st;
	struct evt evt;
	uint64_t id;
	int fd = bpf_events__syscall_sets_fd(be);

	(void)state;
	if (!tracked_root(root, sizeof(root)))
		skip();
	snprintf(dir, sizeof(dir), "%s/vigil-ktest-learn-%d", root, getpid());
	assert_int_equal(mkdir(dir, 0755), 0);
	assert_int_equal(stat(dir, &st), 0);
	id = st.st_ino;

	/* What it calls under the filter counts, and the cgroup is announced. */
	learn_in_cgroup(dir, id, &set);
	assert_int_equal(set.state, VIGIL_LEARN_COUNT);
	assert_int_equal(set.native[SYS_getppid], 1);
	assert_int_equal(set.native[SYS_exit_group], 1);
	/* Made before the filter was in place. */
	assert_int_equal(set.native[SYS_getpid], 0);
	assert_int_equal(set.native[SYS_seccomp], 0);
	assert_int_equal(set.native[SYS_prctl], 0);
	assert_int_equal(syscalls_seen(&set), 2);
	assert_true(find_event(match_cgroup, &id, &evt));

	/* Told to stop (no container's cgroup), it counts nothing more. */
	memset(&set, 0, sizeof(set));
	set.state = VIGIL_LEARN_STOPPED;
	assert_int_equal(bpf_map_update_elem(fd, &id, &set, BPF_EXIST), 0);
	learn_in_cgroup(dir, id, &set);
	assert_int_equal(set.state, VIGIL_LEARN_STOPPED);
	assert_int_equal(syscalls_seen(&set), 0);

	bpf_map_delete_elem(fd, &id);
	assert_int_equal(rmdir(dir), 0);
}

/*
 * Prints how many of the object's programs the kernel took and how many are
 * attached, from this process's descriptors (a program switched off on this
 * kernel is not loaded). The kernel matrix (tests/qemu/) reads this line.
 */
static void report_programs(void)
{
	const size_t total = sizeof(((struct vigil_bpf *)0)->progs) / sizeof(struct bpf_program *);
	unsigned int progs = 0, links = 0;
	char fd_path[300], target[64];
	struct dirent *d;
	ssize_t n;
	DIR *dir;

	dir = opendir("/proc/self/fd");
	if (!dir)
		return;
	while ((d = readdir(dir))) {
		snprintf(fd_path, sizeof(fd_path), "/proc/self/fd/%s", d->d_name);
		n = readlink(fd_path, target, sizeof(target) - 1);
		if (n < 0)
			continue;
		target[n] = '\0';
		if (!strcmp(target, "anon_inode:bpf-prog"))
			progs++;
		else if (!strcmp(target, "anon_inode:bpf_link"))
			links++;
	}
	closedir(dir);
	printf("kernel events: %u of %zu bpf programs loaded, %u attached\n", progs, total, links);
}

static int setup(void **state)
{
	struct bpf_events_config config = { .ringbuf_bytes = 4 << 20, .learn_syscalls = true };
	enum cgroup_layout layout;
	const char *expected;
	int sc, err;

	(void)state;
	for (sc = VIGIL_SC_NONE + 1; sc < VIGIL_SC_MAX; sc++)
		config.syscalls[sc] = true;
	overlay_at_load = filesystem_registered("overlay");
	config.cgroup_source = cgroup_layout__choose("/sys/fs/cgroup", "/proc/self/cgroup", &layout);
	cgroup_source = config.cgroup_source;
	printf("kernel events: cgroup %s, containers through %s\n", cgroup_layout__name(layout),
	       cgroup_source__name(cgroup_source));
	/* A guest that mounted a layout (tests/qemu/init) wants it seen as such. */
	expected = getenv("VIGIL_KTEST_CGROUP");
	if (expected && strcmp(expected, cgroup_layout__name(layout))) {
		fprintf(stderr, "cgroup layout is %s, not %s\n", cgroup_layout__name(layout),
			expected);
		return -1;
	}
	err = bpf_events__open(&be, &config, keep_record, NULL);
	if (!err)
		report_programs();
	return err;
}

static int teardown(void **state)
{
	(void)state;
	bpf_events__close(be);
	return 0;
}

static int reset(void **state)
{
	(void)state;
	bpf_events__poll(be, 0);
	forget_records();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_openat_success, reset),
		cmocka_unit_test_setup(test_openat_failure, reset),
		cmocka_unit_test_setup(test_openat_relative_to_dirfd, reset),
		cmocka_unit_test_setup(test_open_creat_openat2, reset),
		cmocka_unit_test_setup(test_open_deep_paths, reset),
		cmocka_unit_test_setup(test_io_uring_openat, reset),
		cmocka_unit_test_setup(test_open_filter, reset),
		cmocka_unit_test_setup(test_io_uring_connect, reset),
		cmocka_unit_test_setup(test_connect_ipv4, reset),
		cmocka_unit_test_setup(test_connect_ipv6_refused_and_mapped, reset),
		cmocka_unit_test_setup(test_connect_unix, reset),
		cmocka_unit_test_setup(test_setid, reset),
		cmocka_unit_test_setup(test_exec_success, reset),
		cmocka_unit_test_setup(test_exec_failure, reset),
		cmocka_unit_test_setup(test_execveat_memfd, reset),
		cmocka_unit_test_setup(test_exec_overlay_upper, reset),
		cmocka_unit_test_setup(test_cgroup_announced, reset),
		cmocka_unit_test_setup(test_cgroup_rmdir, reset),
		cmocka_unit_test_setup_teardown(test_container_cgroup, reset, remove_container_cgroup),
		cmocka_unit_test_setup(test_learn_syscalls, reset),
	};

	if (geteuid() != 0) {
		fprintf(stderr, "kernel tests load BPF programs: run them as root\n");
		return 1;
	}
	return cmocka_run_group_tests_name("kernel events", tests, setup, teardown);
}
