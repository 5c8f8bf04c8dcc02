// SPDX-License-Identifier: GPL-2.0-only
/*
 * evt.*: the event itself. Every event is made at syscall exit, so its
 * arguments and its result are both known; evt.arg.* are the arguments
 * vigil captures, named as Falco's exit events name them, and evt.arg[N]
 * counts them in Falco's order (an argument vigil does not capture is
 * missing, so that the numbers still match Falco's).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "rules_internal.h"

/*
 * The kernel's O_LARGEFILE as it arrives in the raw flags argument. 64-bit
 * glibc defines O_LARGEFILE as 0 because it is implied there, but a caller
 * may still pass the bit, and 32-bit callers do.
 */
#if defined(__x86_64__) || defined(__i386__)
#define KERNEL_O_LARGEFILE 0100000
#elif defined(__aarch64__) || defined(__arm__)
#define KERNEL_O_LARGEFILE 0400000
#else
#define KERNEL_O_LARGEFILE 0
#endif

#define NS_PER_SEC 1000000000ull

static bool get_evt_type(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	(void)sb;
	switch (evt->type) {
	case VIGIL_EVENT_FORK:
		v->str = "clone";
		return true;
	case VIGIL_EVENT_EXIT:
		v->str = "procexit";
		return true;
	case VIGIL_EVENT_CGROUP:
	case VIGIL_EVENT_CGROUP_RMDIR:
		return false;
	default:
		v->str = syscall__name(evt->syscall);
		return v->str != NULL;
	}
}

static bool get_evt_dir(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	(void)evt;
	(void)sb;
	/* Every event is made at syscall exit. */
	v->str = "<";
	return true;
}

static bool get_evt_source(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	(void)evt;
	(void)sb;
	v->str = "syscall";
	return true;
}

static bool get_evt_num(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	(void)sb;
	v->num = (int64_t)evt->num;
	return evt->num != 0;
}

static bool get_evt_cpu(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	(void)sb;
	v->num = evt->hdr->cpu;
	return true;
}

static bool get_evt_hostname(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	(void)sb;
	v->str = evt->hostname;
	return evt->hostname && *evt->hostname;
}

static bool get_evt_rawtime(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	(void)sb;
	v->num = (int64_t)evt->time_ns;
	return evt->time_ns != 0;
}

/* "13:04:05.123456789", local time as Falco prints it. */
static bool get_evt_time(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	time_t secs = (time_t)(evt->time_ns / NS_PER_SEC);
	struct tm tm;

	if (!evt->time_ns || !localtime_r(&secs, &tm))
		return false;
	strbuf__printf(sb, "%02d:%02d:%02d.%09llu", tm.tm_hour, tm.tm_min, tm.tm_sec,
		       (unsigned long long)(evt->time_ns % NS_PER_SEC));
	v->str = sb->buf;
	return true;
}

/* "2024-05-06T13:04:05.123456789Z", always UTC. */
static bool get_evt_time_iso8601(const struct evt *evt, struct field_value *v,
				 struct strbuf *sb)
{
	time_t secs = (time_t)(evt->time_ns / NS_PER_SEC);
	struct tm tm;

	if (!evt->time_ns || !gmtime_r(&secs, &tm))
		return false;
	strbuf__printf(sb, "%04d-%02d-%02dT%02d:%02d:%02d.%09lluZ", tm.tm_year + 1900,
		       tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
		       (unsigned long long)(evt->time_ns % NS_PER_SEC));
	v->str = sb->buf;
	return true;
}

static const struct {
	int num;
	const char *name;
} errno_names[] = {
	{ EPERM, "EPERM" },
	{ ENOENT, "ENOENT" },
	{ ESRCH, "ESRCH" },
	{ EINTR, "EINTR" },
	{ EIO, "EIO" },
	{ ENXIO, "ENXIO" },
	{ E2BIG, "E2BIG" },
	{ ENOEXEC, "ENOEXEC" },
	{ EBADF, "EBADF" },
	{ ECHILD, "ECHILD" },
	{ EAGAIN, "EAGAIN" },
	{ ENOMEM, "ENOMEM" },
	{ EACCES, "EACCES" },
	{ EFAULT, "EFAULT" },
	{ EBUSY, "EBUSY" },
	{ EEXIST, "EEXIST" },
	{ EXDEV, "EXDEV" },
	{ ENODEV, "ENODEV" },
	{ ENOTDIR, "ENOTDIR" },
	{ EISDIR, "EISDIR" },
	{ EINVAL, "EINVAL" },
	{ ENFILE, "ENFILE" },
	{ EMFILE, "EMFILE" },
	{ ENOTTY, "ENOTTY" },
	{ ETXTBSY, "ETXTBSY" },
	{ EFBIG, "EFBIG" },
	{ ENOSPC, "ENOSPC" },
	{ ESPIPE, "ESPIPE" },
	{ EROFS, "EROFS" },
	{ EMLINK, "EMLINK" },
	{ EPIPE, "EPIPE" },
	{ ENAMETOOLONG, "ENAMETOOLONG" },
	{ ENOSYS, "ENOSYS" },
	{ ENOTEMPTY, "ENOTEMPTY" },
	{ ELOOP, "ELOOP" },
	{ EOVERFLOW, "EOVERFLOW" },
	{ ENOTSOCK, "ENOTSOCK" },
	{ EPROTOTYPE, "EPROTOTYPE" },
	{ EPROTONOSUPPORT, "EPROTONOSUPPORT" },
	{ EOPNOTSUPP, "EOPNOTSUPP" },
	{ EAFNOSUPPORT, "EAFNOSUPPORT" },
	{ EADDRINUSE, "EADDRINUSE" },
	{ EADDRNOTAVAIL, "EADDRNOTAVAIL" },
	{ ENETDOWN, "ENETDOWN" },
	{ ENETUNREACH, "ENETUNREACH" },
	{ ECONNABORTED, "ECONNABORTED" },
	{ ECONNRESET, "ECONNRESET" },
	{ EISCONN, "EISCONN" },
	{ ETIMEDOUT, "ETIMEDOUT" },
	{ ECONNREFUSED, "ECONNREFUSED" },
	{ EHOSTUNREACH, "EHOSTUNREACH" },
	{ EALREADY, "EALREADY" },
	{ EINPROGRESS, "EINPROGRESS" },
	{ EDQUOT, "EDQUOT" },
	{ ESTALE, "ESTALE" },
	{ ECANCELED, "ECANCELED" },
};

static bool get_evt_res(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	int64_t ret = evt->hdr->retval;
	size_t i;

	if (ret >= 0) {
		v->str = "SUCCESS";
		return true;
	}
	for (i = 0; i < sizeof(errno_names) / sizeof(errno_names[0]); i++) {
		if (ret == -(int64_t)errno_names[i].num) {
			v->str = errno_names[i].name;
			return true;
		}
	}
	/* Negated as unsigned: a record can carry INT64_MIN, which has no
	 * positive counterpart. */
	strbuf__printf(sb, "E%" PRIu64, -(uint64_t)ret);
	v->str = sb->buf;
	return true;
}

static bool get_evt_rawres(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	(void)sb;
	v->num = evt->hdr->retval;
	return true;
}

static bool get_evt_failed(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	(void)sb;
	v->num = evt->hdr->retval < 0;
	return true;
}

/* Whether a string the event carries was cut at its capture limit: a rule
 * then sees a prefix (argv, the environment, a path's leading part). */
static bool get_evt_is_truncated(const struct evt *evt, struct field_value *v,
				 struct strbuf *sb)
{
	(void)sb;
	if (evt->type == VIGIL_EVENT_EXEC)
		v->num = (evt->exec.flags &
			  (VIGIL_EXEC_ARGS_TRUNCATED | VIGIL_EXEC_FILENAME_TRUNCATED |
			   VIGIL_EXEC_EXE_TRUNCATED | VIGIL_EXEC_CWD_TRUNCATED |
			   VIGIL_EXEC_ENV_TRUNCATED)) != 0;
	else if (evt->type == VIGIL_EVENT_OPEN)
		v->num = (evt->open.capture_flags &
			  (VIGIL_OPEN_PATH_TRUNCATED | VIGIL_OPEN_RESOLVED_TRUNCATED)) != 0;
	else
		v->num = 0;
	return true;
}

static void flags_render(uint32_t flags, struct strbuf *sb)
{
	static const struct {
		uint32_t bits;
		const char *name;
	} names[] = {
		{ O_CREAT, "O_CREAT" },
		{ O_EXCL, "O_EXCL" },
		{ O_NOCTTY, "O_NOCTTY" },
		{ O_TRUNC, "O_TRUNC" },
		{ O_APPEND, "O_APPEND" },
		{ O_NONBLOCK, "O_NONBLOCK" },
		/* O_SYNC includes O_DSYNC's bit: name the larger first. */
		{ O_SYNC, "O_SYNC" },
		{ O_DSYNC, "O_DSYNC" },
		{ O_ASYNC, "O_ASYNC" },
		{ O_DIRECT, "O_DIRECT" },
		{ KERNEL_O_LARGEFILE, "O_LARGEFILE" },
		/* O_TMPFILE includes O_DIRECTORY's bit. */
		{ O_TMPFILE, "O_TMPFILE" },
		{ O_DIRECTORY, "O_DIRECTORY" },
		{ O_NOFOLLOW, "O_NOFOLLOW" },
		{ O_NOATIME, "O_NOATIME" },
		{ O_CLOEXEC, "O_CLOEXEC" },
		{ O_PATH, "O_PATH" },
	};
	uint32_t left = flags & ~(uint32_t)O_ACCMODE;
	size_t i;

	switch (flags & O_ACCMODE) {
	case O_WRONLY:
		strbuf__puts(sb, "O_WRONLY");
		break;
	case O_RDWR:
		strbuf__puts(sb, "O_RDWR");
		break;
	default:
		strbuf__puts(sb, "O_RDONLY");
		break;
	}
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!names[i].bits || (left & names[i].bits) != names[i].bits)
			continue;
		strbuf__puts(sb, "|");
		strbuf__puts(sb, names[i].name);
		left &= ~names[i].bits;
	}
}

static bool is_open(const struct evt *evt)
{
	return evt->type == VIGIL_EVENT_OPEN;
}

static bool get_arg_flags(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	size_t start = sb->len;

	if (!is_open(evt))
		return false;
	flags_render(evt->open.flags, sb);
	v->str = sb->buf + start;
	return true;
}

static bool get_rawarg_flags(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	(void)sb;
	if (!is_open(evt))
		return false;
	v->num = evt->open.flags;
	return true;
}

static bool get_arg_mode(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	(void)sb;
	if (!is_open(evt))
		return false;
	v->num = evt->open.mode;
	return true;
}

static bool get_arg_dirfd(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	(void)sb;
	/* open and creat have none; the BPF side passes AT_FDCWD for them. */
	if (!is_open(evt) || evt->syscall == VIGIL_SC_OPEN || evt->syscall == VIGIL_SC_CREAT)
		return false;
	v->num = evt->open.dirfd;
	return true;
}

static bool get_arg_name(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	(void)sb;
	if (!is_open(evt))
		return false;
	v->str = evt->open.path;
	return true;
}

static bool get_arg_fd(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	(void)sb;
	if (evt->type == VIGIL_EVENT_CONNECT)
		v->num = evt->connect.fd;
	else if (is_open(evt))
		v->num = evt->hdr->retval;
	else
		return false;
	return true;
}

static bool get_arg_res(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	(void)sb;
	if (is_open(evt) || evt->type == VIGIL_EVENT_EXIT)
		return false;
	v->num = evt->hdr->retval;
	return true;
}

static bool is_exec(const struct evt *evt)
{
	return evt->type == VIGIL_EVENT_EXEC;
}

static bool get_arg_filename(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	(void)sb;
	if (!is_exec(evt))
		return false;
	v->str = evt->exec.filename;
	return true;
}

static bool get_arg_exe(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	(void)sb;
	if (!is_exec(evt) || !evt->exec.exe || !*evt->exec.exe)
		return false;
	v->str = evt->exec.exe;
	return true;
}

/* NUL-separated strings from the index-th on, joined with spaces. */
static const char *strings_join(const char *s, size_t len, size_t first, struct strbuf *sb)
{
	size_t start = sb->len, off = 0, i = 0;

	while (off < len) {
		size_t n = strnlen(s + off, len - off);

		if (i++ >= first) {
			if (sb->len > start)
				strbuf__puts(sb, " ");
			strbuf__append(sb, s + off, n);
		}
		off += n + 1;
	}
	strbuf__append(sb, "", 0);
	return sb->buf + start;
}

static bool get_arg_args(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	if (!is_exec(evt))
		return false;
	v->str = strings_join(evt->exec.args, evt->exec.args_len, 1, sb);
	return true;
}

static bool get_arg_cwd(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	(void)sb;
	if (!is_exec(evt) || !evt->exec.cwd || !*evt->exec.cwd)
		return false;
	v->str = evt->exec.cwd;
	return true;
}

static bool get_arg_env(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	if (!is_exec(evt) || !evt->exec.env)
		return false;
	v->str = strings_join(evt->exec.env, evt->exec.env_len, 0, sb);
	return true;
}

static bool get_arg_tty(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	(void)sb;
	if (!is_exec(evt))
		return false;
	v->num = evt->exec.tty;
	return true;
}

static bool get_arg_loginuid(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	(void)sb;
	if (!is_exec(evt))
		return false;
	v->num = evt->exec.loginuid == UINT32_MAX ? -1 : (int64_t)evt->exec.loginuid;
	return true;
}

static bool get_arg_tid(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	(void)sb;
	if (!is_exec(evt))
		return false;
	v->num = evt->hdr->tid;
	return true;
}

static bool get_arg_pid(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	(void)sb;
	if (!is_exec(evt))
		return false;
	v->num = evt->hdr->pid;
	return true;
}

static bool get_arg_ptid(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	(void)sb;
	if (!is_exec(evt))
		return false;
	v->num = evt->hdr->ppid;
	return true;
}

static bool get_arg_comm(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	size_t start = sb->len;

	if (!is_exec(evt))
		return false;
	strbuf__append(sb, evt->hdr->comm, strnlen(evt->hdr->comm, VIGIL_COMM_LEN));
	v->str = sb->buf + start;
	return true;
}

static bool exec_cap(const struct evt *evt, uint64_t caps, struct field_value *v,
		     struct strbuf *sb)
{
	size_t start = sb->len;

	if (!is_exec(evt))
		return false;
	strbuf__printf(sb, "%" PRIx64, caps);
	v->str = sb->buf + start;
	return true;
}

static bool get_arg_cap_inheritable(const struct evt *evt, struct field_value *v,
				    struct strbuf *sb)
{
	return exec_cap(evt, evt->exec.cap_inheritable, v, sb);
}

static bool get_arg_cap_permitted(const struct evt *evt, struct field_value *v,
				  struct strbuf *sb)
{
	return exec_cap(evt, evt->exec.cap_permitted, v, sb);
}

static bool get_arg_cap_effective(const struct evt *evt, struct field_value *v,
				  struct strbuf *sb)
{
	return exec_cap(evt, evt->exec.cap_effective, v, sb);
}

static bool get_arg_status(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	(void)sb;
	if (evt->type != VIGIL_EVENT_EXIT)
		return false;
	v->num = evt->exit.exit_code;
	return true;
}

/*
 * The setuid family: which argument of which call an id comes from. The
 * uid calls and the gid calls share the record layout.
 */
static bool setid_arg(const struct evt *evt, struct field_value *v, bool gid, int nargs, int i)
{
	enum vigil_syscall first = gid ? VIGIL_SC_SETGID : VIGIL_SC_SETUID;

	if (evt->type != VIGIL_EVENT_SETID)
		return false;
	/* setXid takes one id, setreXid two, setresXid three. */
	if (evt->syscall != first + nargs - 1)
		return false;
	v->num = evt->setid.args[i];
	return true;
}

static bool setid_args2(const struct evt *evt, struct field_value *v, bool gid, int i)
{
	return setid_arg(evt, v, gid, 2, i) || setid_arg(evt, v, gid, 3, i);
}

static bool get_arg_uid(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	(void)sb;
	return setid_arg(evt, v, false, 1, 0);
}

static bool get_arg_ruid(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	(void)sb;
	return setid_args2(evt, v, false, 0);
}

static bool get_arg_euid(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	(void)sb;
	return setid_args2(evt, v, false, 1);
}

static bool get_arg_suid(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	(void)sb;
	return setid_arg(evt, v, false, 3, 2);
}

static bool get_arg_gid(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	(void)sb;
	return setid_arg(evt, v, true, 1, 0);
}

static bool get_arg_rgid(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	(void)sb;
	return setid_args2(evt, v, true, 0);
}

static bool get_arg_egid(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	(void)sb;
	return setid_args2(evt, v, true, 1);
}

static bool get_arg_sgid(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	(void)sb;
	return setid_arg(evt, v, true, 3, 2);
}

static bool setid_old(const struct evt *evt, struct field_value *v, bool gid, int i)
{
	bool is_gid = evt->syscall >= VIGIL_SC_SETGID && evt->syscall <= VIGIL_SC_SETRESGID;

	if (evt->type != VIGIL_EVENT_SETID || is_gid != gid)
		return false;
	v->num = evt->setid.old_ids[i];
	return true;
}

static bool get_arg_olduid(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	(void)sb;
	return setid_old(evt, v, false, 0);
}

static bool get_arg_oldeuid(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	(void)sb;
	return setid_old(evt, v, false, 1);
}

static bool get_arg_oldgid(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	(void)sb;
	return setid_old(evt, v, true, 0);
}

static bool get_arg_oldegid(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	(void)sb;
	return setid_old(evt, v, true, 1);
}

static bool open_access(const struct evt *evt, int *acc)
{
	if (!is_open(evt))
		return false;
	*acc = evt->open.flags & O_ACCMODE;
	return true;
}

static bool get_evt_is_open_read(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	int acc;

	(void)sb;
	if (!open_access(evt, &acc))
		return false;
	v->num = acc == O_RDONLY || acc == O_RDWR;
	return true;
}

static bool get_evt_is_open_write(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	int acc;

	(void)sb;
	if (!open_access(evt, &acc))
		return false;
	v->num = acc == O_WRONLY || acc == O_RDWR;
	return true;
}

static bool get_evt_is_open_create(const struct evt *evt, struct field_value *v,
				   struct strbuf *sb)
{
	(void)sb;
	if (!is_open(evt))
		return false;
	v->num = (evt->open.flags & O_CREAT) != 0;
	return true;
}

static bool get_evt_is_io_uring(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	(void)sb;
	v->num = (evt->hdr->flags & VIGIL_HDR_IO_URING) != 0;
	return true;
}

/* Falco's test: a file created with an execute bit in its mode. */
static bool get_evt_is_open_exec(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	(void)sb;
	if (!is_open(evt))
		return false;
	v->num = (evt->open.flags & O_CREAT) && (evt->open.mode & 0111);
	return true;
}

typedef bool (*getter_t)(const struct evt *evt, struct field_value *v, struct strbuf *sb);

/* An exit event's parameters in Falco's order; NULL for one vigil lacks. */
struct evt_param {
	const char *name;
	enum field_type type;
	getter_t get;
};

static const struct evt_param params_open[] = {
	{ "fd", FIELD_NUMBER, get_arg_fd },
	{ "name", FIELD_STRING, get_arg_name },
	{ "flags", FIELD_STRING, get_arg_flags },
	{ "mode", FIELD_MODE, get_arg_mode },
	{ "dev", FIELD_NUMBER, NULL },
	{ "ino", FIELD_NUMBER, NULL },
};

static const struct evt_param params_openat[] = {
	{ "fd", FIELD_NUMBER, get_arg_fd },
	{ "dirfd", FIELD_NUMBER, get_arg_dirfd },
	{ "name", FIELD_STRING, get_arg_name },
	{ "flags", FIELD_STRING, get_arg_flags },
	{ "mode", FIELD_MODE, get_arg_mode },
	{ "dev", FIELD_NUMBER, NULL },
	{ "ino", FIELD_NUMBER, NULL },
};

static const struct evt_param params_openat2[] = {
	{ "fd", FIELD_NUMBER, get_arg_fd },
	{ "dirfd", FIELD_NUMBER, get_arg_dirfd },
	{ "name", FIELD_STRING, get_arg_name },
	{ "flags", FIELD_STRING, get_arg_flags },
	{ "mode", FIELD_MODE, get_arg_mode },
	{ "resolve", FIELD_NUMBER, NULL },
	{ "dev", FIELD_NUMBER, NULL },
	{ "ino", FIELD_NUMBER, NULL },
};

static const struct evt_param params_creat[] = {
	{ "fd", FIELD_NUMBER, get_arg_fd },
	{ "name", FIELD_STRING, get_arg_name },
	{ "mode", FIELD_MODE, get_arg_mode },
	{ "dev", FIELD_NUMBER, NULL },
	{ "ino", FIELD_NUMBER, NULL },
};

static const struct evt_param params_exec[] = {
	{ "res", FIELD_NUMBER, get_arg_res },
	{ "exe", FIELD_STRING, get_arg_exe },
	{ "args", FIELD_STRING, get_arg_args },
	{ "tid", FIELD_NUMBER, get_arg_tid },
	{ "pid", FIELD_NUMBER, get_arg_pid },
	{ "ptid", FIELD_NUMBER, get_arg_ptid },
	{ "cwd", FIELD_STRING, get_arg_cwd },
	{ "fdlimit", FIELD_NUMBER, NULL },
	{ "pgft_maj", FIELD_NUMBER, NULL },
	{ "pgft_min", FIELD_NUMBER, NULL },
	{ "vm_size", FIELD_NUMBER, NULL },
	{ "vm_rss", FIELD_NUMBER, NULL },
	{ "vm_swap", FIELD_NUMBER, NULL },
	{ "comm", FIELD_STRING, get_arg_comm },
	{ "cgroups", FIELD_STRING, NULL },
	{ "env", FIELD_STRING, get_arg_env },
	{ "tty", FIELD_NUMBER, get_arg_tty },
	{ "vpgid", FIELD_NUMBER, NULL },
	{ "loginuid", FIELD_NUMBER, get_arg_loginuid },
	{ "flags", FIELD_NUMBER, NULL },
	{ "cap_inheritable", FIELD_STRING, get_arg_cap_inheritable },
	{ "cap_permitted", FIELD_STRING, get_arg_cap_permitted },
	{ "cap_effective", FIELD_STRING, get_arg_cap_effective },
};

static const struct evt_param params_connect[] = {
	{ "res", FIELD_NUMBER, get_arg_res },
	{ "tuple", FIELD_STRING, field__connect_tuple },
	{ "fd", FIELD_NUMBER, get_arg_fd },
};

static const struct evt_param params_setuid[] = {
	{ "res", FIELD_NUMBER, get_arg_res },
	{ "uid", FIELD_NUMBER, get_arg_uid },
};

static const struct evt_param params_setreuid[] = {
	{ "res", FIELD_NUMBER, get_arg_res },
	{ "ruid", FIELD_NUMBER, get_arg_ruid },
	{ "euid", FIELD_NUMBER, get_arg_euid },
};

static const struct evt_param params_setresuid[] = {
	{ "res", FIELD_NUMBER, get_arg_res },
	{ "ruid", FIELD_NUMBER, get_arg_ruid },
	{ "euid", FIELD_NUMBER, get_arg_euid },
	{ "suid", FIELD_NUMBER, get_arg_suid },
};

static const struct evt_param params_setgid[] = {
	{ "res", FIELD_NUMBER, get_arg_res },
	{ "gid", FIELD_NUMBER, get_arg_gid },
};

static const struct evt_param params_setregid[] = {
	{ "res", FIELD_NUMBER, get_arg_res },
	{ "rgid", FIELD_NUMBER, get_arg_rgid },
	{ "egid", FIELD_NUMBER, get_arg_egid },
};

static const struct evt_param params_setresgid[] = {
	{ "res", FIELD_NUMBER, get_arg_res },
	{ "rgid", FIELD_NUMBER, get_arg_rgid },
	{ "egid", FIELD_NUMBER, get_arg_egid },
	{ "sgid", FIELD_NUMBER, get_arg_sgid },
};

static const struct evt_param params_clone[] = {
	{ "res", FIELD_NUMBER, get_arg_res },
};

static const struct evt_param params_procexit[] = {
	{ "status", FIELD_NUMBER, get_arg_status },
};

#define PARAMS(a) a, sizeof(a) / sizeof(a[0])

static const struct evt_param *evt__params(const struct evt *evt, size_t *n)
{
	static const struct {
		const struct evt_param *params;
		size_t n;
	} by_syscall[VIGIL_SC_MAX] = {
		[VIGIL_SC_EXECVE] = { PARAMS(params_exec) },
		[VIGIL_SC_EXECVEAT] = { PARAMS(params_exec) },
		[VIGIL_SC_OPEN] = { PARAMS(params_open) },
		[VIGIL_SC_OPENAT] = { PARAMS(params_openat) },
		[VIGIL_SC_OPENAT2] = { PARAMS(params_openat2) },
		[VIGIL_SC_CREAT] = { PARAMS(params_creat) },
		[VIGIL_SC_CONNECT] = { PARAMS(params_connect) },
		[VIGIL_SC_SETUID] = { PARAMS(params_setuid) },
		[VIGIL_SC_SETREUID] = { PARAMS(params_setreuid) },
		[VIGIL_SC_SETRESUID] = { PARAMS(params_setresuid) },
		[VIGIL_SC_SETGID] = { PARAMS(params_setgid) },
		[VIGIL_SC_SETREGID] = { PARAMS(params_setregid) },
		[VIGIL_SC_SETRESGID] = { PARAMS(params_setresgid) },
	};

	switch (evt->type) {
	case VIGIL_EVENT_FORK:
		*n = sizeof(params_clone) / sizeof(params_clone[0]);
		return params_clone;
	case VIGIL_EVENT_EXIT:
		*n = sizeof(params_procexit) / sizeof(params_procexit[0]);
		return params_procexit;
	case VIGIL_EVENT_CGROUP:
	case VIGIL_EVENT_CGROUP_RMDIR:
		*n = 0;
		return NULL;
	default:
		break;
	}
	if ((unsigned int)evt->syscall >= VIGIL_SC_MAX) {
		*n = 0;
		return NULL;
	}
	*n = by_syscall[evt->syscall].n;
	return by_syscall[evt->syscall].params;
}

/* A parameter rendered as text, at the end of sb. */
static bool param__render(const struct evt_param *p, const struct evt *evt, struct strbuf *sb)
{
	char buf[FIELD_BUF_MAX];
	struct field_value v;
	struct strbuf tmp;

	strbuf__init(&tmp, buf, sizeof(buf));
	if (!p->get || !p->get(evt, &v, &tmp) || (p->type == FIELD_STRING && !v.str))
		return false;
	field__render(p->type, &v, sb);
	return true;
}

static bool get_evt_arg_index(const struct evt *evt, const struct field_arg *arg,
			      struct field_value *v, struct strbuf *sb)
{
	const struct evt_param *params;
	size_t n, start = sb->len;

	params = evt__params(evt, &n);
	if (!arg->set || arg->index < 0 || (size_t)arg->index >= n)
		return false;
	if (!param__render(&params[arg->index], evt, sb))
		return false;
	v->str = sb->buf + start;
	return true;
}

/* "fd=3 dirfd=-100 name=/etc/shadow flags=O_RDONLY mode=0", those vigil has. */
static bool get_evt_args(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	const struct evt_param *params;
	size_t n, i, start = sb->len;

	params = evt__params(evt, &n);
	if (!params)
		return false;
	for (i = 0; i < n; i++) {
		size_t mark = sb->len;

		if (!params[i].get)
			continue;
		strbuf__printf(sb, "%s%s=", sb->len > start ? " " : "", params[i].name);
		if (!param__render(&params[i], evt, sb)) {
			sb->len = mark;
			sb->buf[mark] = '\0';
		}
	}
	v->str = sb->buf + start;
	return true;
}

/* Sorted by name: field__lookup searches it. */
static const struct field fields[] = {
	{ "evt.arg", FIELD_STRING,
	  "the N-th parameter of the syscall's exit event, in Falco's order, as text",
	  FIELD_ARG_INDEX, NULL, get_evt_arg_index },
	{ "evt.arg.args", FIELD_STRING, "exec: the arguments after argv[0]", 0, get_arg_args,
	  NULL },
	{ "evt.arg.cap_effective", FIELD_STRING, "exec: the new effective capabilities, in hex",
	  0, get_arg_cap_effective, NULL },
	{ "evt.arg.cap_inheritable", FIELD_STRING,
	  "exec: the new inheritable capabilities, in hex", 0, get_arg_cap_inheritable, NULL },
	{ "evt.arg.cap_permitted", FIELD_STRING, "exec: the new permitted capabilities, in hex",
	  0, get_arg_cap_permitted, NULL },
	{ "evt.arg.comm", FIELD_STRING, "exec: the new command name", 0, get_arg_comm, NULL },
	{ "evt.arg.cwd", FIELD_STRING, "exec: the working directory", 0, get_arg_cwd, NULL },
	{ "evt.arg.dirfd", FIELD_NUMBER, "openat, openat2: the directory descriptor (-100: cwd)",
	  0, get_arg_dirfd, NULL },
	{ "evt.arg.egid", FIELD_NUMBER, "setregid, setresgid: the effective gid asked for", 0,
	  get_arg_egid, NULL },
	{ "evt.arg.env", FIELD_STRING, "exec: the environment, space-separated", 0, get_arg_env,
	  NULL },
	{ "evt.arg.euid", FIELD_NUMBER, "setreuid, setresuid: the effective uid asked for", 0,
	  get_arg_euid, NULL },
	{ "evt.arg.exe", FIELD_STRING, "exec: the executable's path", 0, get_arg_exe, NULL },
	{ "evt.arg.fd", FIELD_NUMBER, "open: the new descriptor (-errno on failure); connect: "
				      "the socket",
	  0, get_arg_fd, NULL },
	{ "evt.arg.filename", FIELD_STRING, "exec: the program path as given", 0,
	  get_arg_filename, NULL },
	{ "evt.arg.flags", FIELD_STRING, "open: the flags, as O_WRONLY|O_CREAT|O_TRUNC", 0,
	  get_arg_flags, NULL },
	{ "evt.arg.gid", FIELD_NUMBER, "setgid: the gid asked for", 0, get_arg_gid, NULL },
	{ "evt.arg.loginuid", FIELD_NUMBER, "exec: the audit login uid; -1 if unset", 0,
	  get_arg_loginuid, NULL },
	{ "evt.arg.mode", FIELD_MODE, "open: the mode for a created file, in octal", 0,
	  get_arg_mode, NULL },
	{ "evt.arg.name", FIELD_STRING, "open: the path as given", 0, get_arg_name, NULL },
	{ "evt.arg.oldegid", FIELD_NUMBER, "setgid family: the effective gid before the call", 0,
	  get_arg_oldegid, NULL },
	{ "evt.arg.oldeuid", FIELD_NUMBER, "setuid family: the effective uid before the call", 0,
	  get_arg_oldeuid, NULL },
	{ "evt.arg.oldgid", FIELD_NUMBER, "setgid family: the real gid before the call", 0,
	  get_arg_oldgid, NULL },
	{ "evt.arg.olduid", FIELD_NUMBER, "setuid family: the real uid before the call", 0,
	  get_arg_olduid, NULL },
	{ "evt.arg.path", FIELD_STRING, "open: the path as given", 0, get_arg_name, NULL },
	{ "evt.arg.pid", FIELD_NUMBER, "exec: the process id", 0, get_arg_pid, NULL },
	{ "evt.arg.ptid", FIELD_NUMBER, "exec: the parent's process id", 0, get_arg_ptid, NULL },
	{ "evt.arg.res", FIELD_NUMBER, "the return value, where Falco names it res", 0,
	  get_arg_res, NULL },
	{ "evt.arg.rgid", FIELD_NUMBER, "setregid, setresgid: the real gid asked for", 0,
	  get_arg_rgid, NULL },
	{ "evt.arg.ruid", FIELD_NUMBER, "setreuid, setresuid: the real uid asked for", 0,
	  get_arg_ruid, NULL },
	{ "evt.arg.sgid", FIELD_NUMBER, "setresgid: the saved gid asked for", 0, get_arg_sgid,
	  NULL },
	{ "evt.arg.status", FIELD_NUMBER, "procexit: the exit status, as wait(2) reports it", 0,
	  get_arg_status, NULL },
	{ "evt.arg.suid", FIELD_NUMBER, "setresuid: the saved uid asked for", 0, get_arg_suid,
	  NULL },
	{ "evt.arg.tid", FIELD_NUMBER, "exec: the thread id", 0, get_arg_tid, NULL },
	{ "evt.arg.tty", FIELD_NUMBER, "exec: the controlling terminal", 0, get_arg_tty, NULL },
	{ "evt.arg.tuple", FIELD_STRING, "connect: 0.0.0.0:0->ip:port, or the unix socket path",
	  0, field__connect_tuple, NULL },
	{ "evt.arg.uid", FIELD_NUMBER, "setuid: the uid asked for", 0, get_arg_uid, NULL },
	{ "evt.args", FIELD_STRING, "the parameters vigil captures, as name=value ...", 0,
	  get_evt_args, NULL },
	{ "evt.cpu", FIELD_NUMBER, "the CPU the event was seen on", 0, get_evt_cpu, NULL },
	{ "evt.dir", FIELD_STRING, "always \"<\": every event is a syscall exit", 0, get_evt_dir,
	  NULL },
	{ "evt.failed", FIELD_BOOL, "whether the syscall returned an error", 0, get_evt_failed,
	  NULL },
	{ "evt.hostname", FIELD_STRING, "the host's name", 0, get_evt_hostname, NULL },
	{ "evt.is_io_uring", FIELD_BOOL,
	  "whether the event is an io_uring request (seen at submission), not a syscall", 0,
	  get_evt_is_io_uring, NULL },
	{ "evt.is_open_create", FIELD_BOOL, "open: whether O_CREAT was asked for", 0,
	  get_evt_is_open_create, NULL },
	{ "evt.is_open_exec", FIELD_BOOL, "open: whether a file is created with an execute bit",
	  0, get_evt_is_open_exec, NULL },
	{ "evt.is_open_read", FIELD_BOOL, "open: whether the file is opened for reading", 0,
	  get_evt_is_open_read, NULL },
	{ "evt.is_open_write", FIELD_BOOL, "open: whether the file is opened for writing", 0,
	  get_evt_is_open_write, NULL },
	{ "evt.is_truncated", FIELD_BOOL,
	  "exec, open: whether a captured string (argv, environment, a path) was cut at its limit",
	  0, get_evt_is_truncated, NULL },
	{ "evt.num", FIELD_NUMBER, "the event's sequence number, from 1", 0, get_evt_num, NULL },
	{ "evt.rawarg.flags", FIELD_NUMBER,
	  "open: the flags as a number; evt.rawarg.NAME is evt.arg.NAME for the others", 0,
	  get_rawarg_flags, NULL },
	{ "evt.rawres", FIELD_NUMBER, "the syscall's return value", 0, get_evt_rawres, NULL },
	{ "evt.rawtime", FIELD_NUMBER, "the time, in nanoseconds since the epoch", 0,
	  get_evt_rawtime, NULL },
	{ "evt.res", FIELD_STRING, "SUCCESS, or the error's name (ENOENT...)", 0, get_evt_res,
	  NULL },
	{ "evt.source", FIELD_STRING, "always \"syscall\"", 0, get_evt_source, NULL },
	{ "evt.time", FIELD_STRING, "the time of day, local, to the nanosecond", 0,
	  get_evt_time, NULL },
	{ "evt.time.iso8601", FIELD_STRING, "the time, UTC: 2024-05-06T13:04:05.123456789Z", 0,
	  get_evt_time_iso8601, NULL },
	{ "evt.type", FIELD_STRING,
	  "the syscall (execve, openat, connect...); clone and procexit for process start and end",
	  0, get_evt_type, NULL },
};

const struct field_class field_class_evt = {
	.name = "evt",
	.fields = fields,
	.nfields = sizeof(fields) / sizeof(fields[0]),
};
