// SPDX-License-Identifier: GPL-2.0-only
/*
 * The fields rules and outputs can name, Falco's where Falco has one, and
 * how each is read from a decoded event. A field the event does not carry
 * (fd.name on an exec) is missing, not empty: a condition treats it as
 * false and an output shows <NA>.
 *
 * Extractors run for every event a rule looks at: they never allocate, and
 * a string they have to build goes into the caller's bounded buffer.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <string.h>
#include <sys/socket.h>

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
		if (-ret == errno_names[i].num) {
			v->str = errno_names[i].name;
			return true;
		}
	}
	strbuf__printf(sb, "E%" PRId64, -ret);
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

static bool get_evt_arg_flags(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	if (evt->type != VIGIL_EVENT_OPEN)
		return false;
	flags_render(evt->open.flags, sb);
	v->str = sb->buf;
	return true;
}

static bool get_evt_arg_mode(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	(void)sb;
	if (evt->type != VIGIL_EVENT_OPEN)
		return false;
	v->num = evt->open.mode;
	return true;
}

static bool get_evt_arg_dirfd(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	(void)sb;
	if (evt->type != VIGIL_EVENT_OPEN)
		return false;
	v->num = evt->open.dirfd;
	return true;
}

static bool get_evt_arg_name(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	(void)sb;
	if (evt->type != VIGIL_EVENT_OPEN)
		return false;
	v->str = evt->open.path;
	return true;
}

static bool get_evt_arg_filename(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	(void)sb;
	if (evt->type != VIGIL_EVENT_EXEC)
		return false;
	v->str = evt->exec.filename;
	return true;
}

static bool open_access(const struct evt *evt, int *acc)
{
	if (evt->type != VIGIL_EVENT_OPEN)
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

/* A comm is NUL-padded to VIGIL_COMM_LEN, but is not trusted to end in a NUL. */
static const char *comm_copy(const char *comm, struct strbuf *sb)
{
	size_t start = sb->len;

	strbuf__append(sb, comm, strnlen(comm, VIGIL_COMM_LEN));
	strbuf__append(sb, "", 1);
	return sb->buf + start;
}

static bool get_proc_name(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	v->str = comm_copy(evt->hdr->comm, sb);
	return true;
}

/* The process's argv; from the event itself for an exec, where it is new. */
static bool proc_argv(const struct evt *evt, const char **args, size_t *len)
{
	if (evt->type == VIGIL_EVENT_EXEC) {
		*args = evt->exec.args;
		*len = evt->exec.args_len;
		return true;
	}
	if (!evt->proc || !evt->proc->args)
		return false;
	*args = evt->proc->args;
	*len = evt->proc->args_len;
	return true;
}

/* Appends argv[1..] to sb, each after a space. */
static void argv_join(const char *args, size_t len, struct strbuf *sb)
{
	size_t off = strnlen(args, len) + 1;

	while (off < len) {
		size_t n = strnlen(args + off, len - off);

		strbuf__puts(sb, " ");
		strbuf__append(sb, args + off, n);
		off += n + 1;
	}
}

static bool get_proc_exe(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	const char *args;
	size_t len;

	if (!proc_argv(evt, &args, &len))
		return false;
	strbuf__append(sb, args, strnlen(args, len));
	v->str = sb->buf;
	return true;
}

static bool get_proc_args(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	const char *args;
	size_t len;

	if (!proc_argv(evt, &args, &len))
		return false;
	argv_join(args, len, sb);
	/* Past the space before the first argument. */
	v->str = sb->len ? sb->buf + 1 : sb->buf;
	return true;
}

static bool get_proc_cmdline(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	const char *args;
	size_t len;

	if (!proc_argv(evt, &args, &len))
		return false;
	strbuf__append(sb, evt->hdr->comm, strnlen(evt->hdr->comm, VIGIL_COMM_LEN));
	argv_join(args, len, sb);
	v->str = sb->buf;
	return true;
}

static bool get_proc_exepath(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	(void)sb;
	if (evt->type == VIGIL_EVENT_EXEC)
		v->str = evt->exec.exe;
	else if (evt->proc)
		v->str = evt->proc->exepath;
	else
		return false;
	/* Empty: a failed exec, or a process seen before vigild started. */
	return v->str && *v->str;
}

static bool get_proc_pid(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	(void)sb;
	v->num = evt->hdr->pid;
	return true;
}

static bool get_thread_tid(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	(void)sb;
	v->num = evt->hdr->tid;
	return true;
}

static bool get_proc_ppid(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	(void)sb;
	v->num = evt->hdr->ppid;
	return true;
}

static bool get_proc_pname(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	if (!evt->parent)
		return false;
	v->str = comm_copy(evt->parent->comm, sb);
	return true;
}

static bool get_proc_pexepath(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	(void)sb;
	if (!evt->parent || !evt->parent->exepath || !*evt->parent->exepath)
		return false;
	v->str = evt->parent->exepath;
	return true;
}

static bool get_proc_pcmdline(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	const struct process *p = evt->parent;

	if (!p || !p->args)
		return false;
	strbuf__append(sb, p->comm, strnlen(p->comm, VIGIL_COMM_LEN));
	argv_join(p->args, p->args_len, sb);
	v->str = sb->buf;
	return true;
}

static bool get_proc_tty(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	(void)sb;
	if (evt->type == VIGIL_EVENT_EXEC)
		v->num = evt->exec.tty;
	else if (evt->proc)
		v->num = evt->proc->tty;
	else
		return false;
	return true;
}

static bool get_user_uid(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	(void)sb;
	v->num = evt->hdr->uid;
	return true;
}

static bool get_user_name(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	(void)sb;
	v->str = users__name(evt->hdr->uid);
	return v->str != NULL;
}

static bool loginuid(const struct evt *evt, uint32_t *uid)
{
	if (evt->type == VIGIL_EVENT_EXEC)
		*uid = evt->exec.loginuid;
	else if (evt->proc)
		*uid = evt->proc->loginuid;
	else
		return false;
	return true;
}

static bool get_user_loginuid(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	uint32_t uid;

	(void)sb;
	if (!loginuid(evt, &uid))
		return false;
	/* Unset is (u32)-1, which Falco shows as -1. */
	v->num = uid == UINT32_MAX ? -1 : (int64_t)uid;
	return true;
}

static bool get_user_loginname(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	uint32_t uid;

	(void)sb;
	if (!loginuid(evt, &uid) || uid == UINT32_MAX)
		return false;
	v->str = users__name(uid);
	return v->str != NULL;
}

static bool get_group_gid(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	(void)sb;
	v->num = evt->hdr->gid;
	return true;
}

static bool is_inet(const struct evt *evt)
{
	return evt->type == VIGIL_EVENT_CONNECT &&
	       (evt->connect.family == AF_INET || evt->connect.family == AF_INET6);
}

static bool get_fd_num(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	(void)sb;
	if (evt->type == VIGIL_EVENT_CONNECT)
		v->num = evt->connect.fd;
	else if (evt->type == VIGIL_EVENT_OPEN)
		/* The new descriptor, or -errno as Falco has it when the open failed. */
		v->num = evt->hdr->retval;
	else
		return false;
	return true;
}

/* The opened file's absolute path, or the path as given when it failed. */
static const char *open_name(const struct evt *evt)
{
	if (evt->open.resolved && *evt->open.resolved)
		return evt->open.resolved;
	return evt->open.path;
}

static void ip_render(uint16_t family, const uint8_t *addr, struct strbuf *sb)
{
	char text[INET6_ADDRSTRLEN];

	if (!inet_ntop(family, addr, text, sizeof(text)))
		text[0] = '\0';
	strbuf__puts(sb, text);
}

static bool get_fd_name(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	if (evt->type == VIGIL_EVENT_OPEN) {
		v->str = open_name(evt);
		return true;
	}
	if (evt->type != VIGIL_EVENT_CONNECT)
		return false;
	switch (evt->connect.family) {
	case AF_UNIX:
		v->str = evt->connect.unix_path;
		return true;
	case AF_INET:
	case AF_INET6:
		/* Falco's client->server tuple; the local end is not captured. */
		strbuf__puts(sb, evt->connect.family == AF_INET ? "0.0.0.0:0->" : ":::0->");
		ip_render(evt->connect.family, evt->connect.addr, sb);
		strbuf__printf(sb, ":%u", evt->connect.port);
		v->str = sb->buf;
		return true;
	default:
		return false;
	}
}

static bool get_fd_nameraw(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	(void)sb;
	if (evt->type != VIGIL_EVENT_OPEN)
		return false;
	v->str = evt->open.path;
	return true;
}

static bool get_fd_directory(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	const char *name, *slash;

	if (evt->type != VIGIL_EVENT_OPEN)
		return false;
	name = open_name(evt);
	slash = strrchr(name, '/');
	/* A relative name of a failed open: the directory is the unknown cwd. */
	if (!slash)
		return false;
	if (slash == name)
		strbuf__puts(sb, "/");
	else
		strbuf__append(sb, name, (size_t)(slash - name));
	v->str = sb->buf;
	return true;
}

static bool get_fd_filename(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	const char *name, *slash;

	(void)sb;
	if (evt->type != VIGIL_EVENT_OPEN)
		return false;
	name = open_name(evt);
	slash = strrchr(name, '/');
	v->str = slash ? slash + 1 : name;
	return true;
}

static bool get_fd_typechar(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	(void)sb;
	if (evt->type == VIGIL_EVENT_OPEN) {
		v->str = "f";
		return true;
	}
	if (evt->type != VIGIL_EVENT_CONNECT)
		return false;
	switch (evt->connect.family) {
	case AF_INET:
		v->str = "4";
		return true;
	case AF_INET6:
		v->str = "6";
		return true;
	case AF_UNIX:
		v->str = "u";
		return true;
	default:
		return false;
	}
}

static bool get_fd_type(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	(void)sb;
	if (evt->type == VIGIL_EVENT_OPEN) {
		v->str = "file";
		return true;
	}
	if (evt->type != VIGIL_EVENT_CONNECT)
		return false;
	switch (evt->connect.family) {
	case AF_INET:
		v->str = "ipv4";
		return true;
	case AF_INET6:
		v->str = "ipv6";
		return true;
	case AF_UNIX:
		v->str = "unix";
		return true;
	default:
		return false;
	}
}

static bool get_fd_sockfamily(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	(void)sb;
	if (evt->type != VIGIL_EVENT_CONNECT)
		return false;
	if (is_inet(evt))
		v->str = "ip";
	else if (evt->connect.family == AF_UNIX)
		v->str = "unix";
	else
		return false;
	return true;
}

static bool get_fd_sip(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	(void)sb;
	if (!is_inet(evt))
		return false;
	memset(&v->ip, 0, sizeof(v->ip));
	v->ip.family = (uint8_t)evt->connect.family;
	memcpy(v->ip.addr, evt->connect.addr, evt->connect.family == AF_INET ? 4 : 16);
	return true;
}

static bool get_fd_sport(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	(void)sb;
	if (!is_inet(evt))
		return false;
	v->num = evt->connect.port;
	return true;
}

static bool container_str(struct field_value *v, const char *s)
{
	/* An empty name is one the runtime did not tell. */
	if (!s || !*s)
		return false;
	v->str = s;
	return true;
}

static bool get_container_id(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	(void)sb;
	return evt->container && container_str(v, evt->container->id);
}

static bool get_container_full_id(const struct evt *evt, struct field_value *v,
				  struct strbuf *sb)
{
	(void)sb;
	return evt->container && container_str(v, evt->container->full_id);
}

static bool get_container_name(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	(void)sb;
	return evt->container && container_str(v, evt->container->name);
}

static bool get_container_type(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	(void)sb;
	if (!evt->container)
		return false;
	return container_str(v, container_runtime__name(evt->container->runtime));
}

/* Sorted by name: field__lookup searches it. */
static const struct field fields[] = {
	{ "container.full_id", FIELD_STRING, "the container's 64-character id; \"host\" outside",
	  get_container_full_id },
	{ "container.id", FIELD_STRING, "the container's 12-character id; \"host\" outside",
	  get_container_id },
	{ "container.name", FIELD_STRING, "the container's name; \"host\" outside",
	  get_container_name },
	{ "container.type", FIELD_STRING, "the container runtime (podman, docker...)",
	  get_container_type },
	{ "evt.arg.dirfd", FIELD_NUMBER, "open: the directory descriptor (-100 for the cwd)",
	  get_evt_arg_dirfd },
	{ "evt.arg.egid", FIELD_NUMBER, "setregid, setresgid: the effective gid asked for",
	  get_arg_egid },
	{ "evt.arg.euid", FIELD_NUMBER, "setreuid, setresuid: the effective uid asked for",
	  get_arg_euid },
	{ "evt.arg.filename", FIELD_STRING, "exec: the program path as given",
	  get_evt_arg_filename },
	{ "evt.arg.flags", FIELD_STRING, "open: the flags, as O_WRONLY|O_CREAT|O_TRUNC",
	  get_evt_arg_flags },
	{ "evt.arg.gid", FIELD_NUMBER, "setgid: the gid asked for", get_arg_gid },
	{ "evt.arg.mode", FIELD_MODE, "open: the mode for a created file, in octal",
	  get_evt_arg_mode },
	{ "evt.arg.name", FIELD_STRING, "open: the path as given", get_evt_arg_name },
	{ "evt.arg.oldegid", FIELD_NUMBER, "setgid family: the effective gid before the call",
	  get_arg_oldegid },
	{ "evt.arg.oldeuid", FIELD_NUMBER, "setuid family: the effective uid before the call",
	  get_arg_oldeuid },
	{ "evt.arg.oldgid", FIELD_NUMBER, "setgid family: the real gid before the call",
	  get_arg_oldgid },
	{ "evt.arg.olduid", FIELD_NUMBER, "setuid family: the real uid before the call",
	  get_arg_olduid },
	{ "evt.arg.path", FIELD_STRING, "open: the path as given", get_evt_arg_name },
	{ "evt.arg.rgid", FIELD_NUMBER, "setregid, setresgid: the real gid asked for",
	  get_arg_rgid },
	{ "evt.arg.ruid", FIELD_NUMBER, "setreuid, setresuid: the real uid asked for",
	  get_arg_ruid },
	{ "evt.arg.sgid", FIELD_NUMBER, "setresgid: the saved gid asked for", get_arg_sgid },
	{ "evt.arg.suid", FIELD_NUMBER, "setresuid: the saved uid asked for", get_arg_suid },
	{ "evt.arg.uid", FIELD_NUMBER, "setuid: the uid asked for", get_arg_uid },
	{ "evt.dir", FIELD_STRING, "always \"<\": every event is a syscall exit", get_evt_dir },
	{ "evt.failed", FIELD_BOOL, "whether the syscall returned an error", get_evt_failed },
	{ "evt.is_open_read", FIELD_BOOL, "open: whether the file is opened for reading",
	  get_evt_is_open_read },
	{ "evt.is_open_write", FIELD_BOOL, "open: whether the file is opened for writing",
	  get_evt_is_open_write },
	{ "evt.rawres", FIELD_NUMBER, "the syscall's return value", get_evt_rawres },
	{ "evt.res", FIELD_STRING, "SUCCESS, or the error's name (ENOENT...)", get_evt_res },
	{ "evt.type", FIELD_STRING,
	  "the syscall (execve, openat, connect...); clone and procexit for process start and end",
	  get_evt_type },
	{ "fd.directory", FIELD_STRING, "open: the directory of fd.name", get_fd_directory },
	{ "fd.filename", FIELD_STRING, "open: the last component of fd.name", get_fd_filename },
	{ "fd.name", FIELD_STRING,
	  "open: the absolute path (as given if it failed); connect: 0.0.0.0:0->ip:port or the "
	  "unix socket path",
	  get_fd_name },
	{ "fd.nameraw", FIELD_STRING, "open: the path as given", get_fd_nameraw },
	{ "fd.num", FIELD_NUMBER, "the descriptor; open: -errno when it failed", get_fd_num },
	{ "fd.rip", FIELD_IP, "connect: the remote address", get_fd_sip },
	{ "fd.rport", FIELD_PORT, "connect: the remote port", get_fd_sport },
	{ "fd.sip", FIELD_IP, "connect: the server address", get_fd_sip },
	{ "fd.sockfamily", FIELD_STRING, "connect: ip or unix", get_fd_sockfamily },
	{ "fd.sport", FIELD_PORT, "connect: the server port", get_fd_sport },
	{ "fd.type", FIELD_STRING, "file, ipv4, ipv6 or unix", get_fd_type },
	{ "fd.typechar", FIELD_STRING, "f for a file, 4 or 6 for an IP socket, u for unix",
	  get_fd_typechar },
	{ "group.gid", FIELD_NUMBER, "the real gid", get_group_gid },
	{ "proc.args", FIELD_STRING, "the arguments after argv[0], space-separated",
	  get_proc_args },
	{ "proc.cmdline", FIELD_STRING, "proc.name and proc.args", get_proc_cmdline },
	{ "proc.exe", FIELD_STRING, "argv[0]", get_proc_exe },
	{ "proc.exepath", FIELD_STRING, "the executable's path, as the kernel resolved it",
	  get_proc_exepath },
	{ "proc.name", FIELD_STRING, "the command name (comm), at most 15 characters",
	  get_proc_name },
	{ "proc.pcmdline", FIELD_STRING, "the parent's proc.cmdline", get_proc_pcmdline },
	{ "proc.pexepath", FIELD_STRING, "the parent's proc.exepath", get_proc_pexepath },
	{ "proc.pid", FIELD_NUMBER, "the process id", get_proc_pid },
	{ "proc.pname", FIELD_STRING, "the parent's proc.name", get_proc_pname },
	{ "proc.ppid", FIELD_NUMBER, "the parent's process id", get_proc_ppid },
	{ "proc.tty", FIELD_NUMBER, "the controlling terminal (major << 20 | minor); 0 if none",
	  get_proc_tty },
	{ "thread.tid", FIELD_NUMBER, "the thread id", get_thread_tid },
	{ "user.loginname", FIELD_STRING, "the name of user.loginuid", get_user_loginname },
	{ "user.loginuid", FIELD_NUMBER, "the audit login uid; -1 if unset", get_user_loginuid },
	{ "user.name", FIELD_STRING, "the name of user.uid, from the host's passwd",
	  get_user_name },
	{ "user.uid", FIELD_NUMBER, "the real uid, after the syscall", get_user_uid },
};

#define NFIELDS (sizeof(fields) / sizeof(fields[0]))

const struct field *field__lookup(const char *name, size_t len)
{
	size_t lo = 0, hi = NFIELDS;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int cmp = strncmp(fields[mid].name, name, len);

		if (cmp == 0 && fields[mid].name[len])
			cmp = 1;
		if (cmp == 0)
			return &fields[mid];
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

bool field__numeric(const struct field *f)
{
	return f->type == FIELD_NUMBER || f->type == FIELD_PORT || f->type == FIELD_BOOL;
}

const char *field_type__name(enum field_type type)
{
	switch (type) {
	case FIELD_STRING:
		return "string";
	case FIELD_NUMBER:
		return "number";
	case FIELD_BOOL:
		return "bool";
	case FIELD_IP:
		return "ip";
	case FIELD_PORT:
		return "port";
	case FIELD_MODE:
		return "mode";
	}
	return "?";
}

void field__render(const struct field *f, const struct field_value *v, struct strbuf *sb)
{
	switch (f->type) {
	case FIELD_STRING:
		strbuf__puts(sb, v->str);
		break;
	case FIELD_NUMBER:
	case FIELD_PORT:
		strbuf__printf(sb, "%" PRId64, v->num);
		break;
	case FIELD_BOOL:
		strbuf__puts(sb, v->num ? "true" : "false");
		break;
	case FIELD_MODE:
		if (v->num)
			strbuf__printf(sb, "0%" PRIo64, (uint64_t)v->num);
		else
			strbuf__puts(sb, "0");
		break;
	case FIELD_IP:
		ip_render(v->ip.family, v->ip.addr, sb);
		break;
	}
}

void fields__print(FILE *out)
{
	const char *prev = NULL;
	size_t i;

	for (i = 0; i < NFIELDS; i++) {
		const char *dot = strchr(fields[i].name, '.');
		size_t cls = dot ? (size_t)(dot - fields[i].name) : strlen(fields[i].name);

		if (prev && strncmp(prev, fields[i].name, cls + 1))
			fputc('\n', out);
		prev = fields[i].name;
		fprintf(out, "%-20s %-7s %s\n", fields[i].name, field_type__name(fields[i].type),
			fields[i].help);
	}
}
