// SPDX-License-Identifier: GPL-2.0-only
/*
 * proc.*, thread.*, user.* and group.*: the process behind an event and its
 * ancestors. An exec carries the new process's state in the event itself;
 * other events read it from the process table, as it was at the last exec
 * (vigil does not follow chdir, so proc.cwd is the cwd the program was
 * started in). Ancestors are looked up in the process table, at most the
 * table's ancestry depth (proc_ancestry_depth) generations up.
 */
#include <inttypes.h>
#include <string.h>

#include "rules_internal.h"

const struct process *process__ancestor(const struct evt *evt, int32_t generation)
{
	const struct process *p = evt->parent;
	int32_t g;

	if (generation < 1 || generation > FIELD_ANCESTORS_MAX ||
	    (evt->procs && (uint32_t)generation > proctable__ancestry_depth(evt->procs)))
		return NULL;
	if (!p && evt->procs)
		p = proctable__lookup(evt->procs, evt->proc ? evt->proc->ppid : evt->hdr->ppid);
	for (g = 1; g < generation && p; g++) {
		/* pid 1's parent is 0; a pid reused in a loop must not spin. */
		if (!evt->procs || !p->ppid || p->ppid == p->pid)
			return NULL;
		p = proctable__lookup(evt->procs, p->ppid);
	}
	return p;
}

/* A comm is NUL-padded to VIGIL_COMM_LEN, but is not trusted to end in a NUL. */
static const char *comm_copy(const char *comm, struct strbuf *sb)
{
	size_t start = sb->len;

	strbuf__append(sb, comm, strnlen(comm, VIGIL_COMM_LEN));
	strbuf__append(sb, "", 1);
	return sb->buf + start;
}

/* The process's argv; from the event itself for an exec, where it is new. */
static bool proc_argv(const struct evt *evt, const char **args, size_t *len)
{
	if (evt->type == VIGIL_EVENT_EXEC) {
		*args = evt->exec.args;
		*len = evt->exec.args_len;
		return *args != NULL;
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

static const char *argv0(const char *args, size_t len, struct strbuf *sb)
{
	size_t start = sb->len;

	strbuf__append(sb, args, strnlen(args, len));
	strbuf__append(sb, "", 1);
	return sb->buf + start;
}

static const char *cmdline(const char *comm, const char *args, size_t len, struct strbuf *sb)
{
	size_t start = sb->len;

	strbuf__append(sb, comm, strnlen(comm, VIGIL_COMM_LEN));
	argv_join(args, len, sb);
	strbuf__append(sb, "", 1);
	return sb->buf + start;
}

static bool get_proc_name(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	v->str = comm_copy(evt->hdr->comm, sb);
	return true;
}

static bool get_proc_exe(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	const char *args;
	size_t len;

	if (!proc_argv(evt, &args, &len))
		return false;
	v->str = argv0(args, len, sb);
	return true;
}

static bool get_proc_args(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	size_t start = sb->len;
	const char *args;
	size_t len;

	if (!proc_argv(evt, &args, &len))
		return false;
	argv_join(args, len, sb);
	strbuf__append(sb, "", 1);
	/* Past the space before the first argument. */
	v->str = sb->buf + start + (sb->buf[start] == ' ');
	return true;
}

static bool get_proc_cmdline(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	const char *args;
	size_t len;

	if (!proc_argv(evt, &args, &len))
		return false;
	v->str = cmdline(evt->hdr->comm, args, len, sb);
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

static bool get_proc_cwd(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	(void)sb;
	if (evt->type == VIGIL_EVENT_EXEC)
		v->str = evt->exec.cwd;
	else if (evt->proc)
		v->str = evt->proc->cwd;
	else
		return false;
	return v->str && *v->str;
}

static bool proc_env(const struct evt *evt, const char **env, size_t *len)
{
	if (evt->type == VIGIL_EVENT_EXEC) {
		*env = evt->exec.env;
		*len = evt->exec.env_len;
	} else if (evt->proc) {
		*env = evt->proc->env;
		*len = evt->proc->env_len;
	} else {
		return false;
	}
	return *env != NULL;
}

/* proc.env: "A=1 B=2"; proc.env[B]: "2". */
static bool get_proc_env(const struct evt *evt, const struct field_arg *arg,
			 struct field_value *v, struct strbuf *sb)
{
	size_t start = sb->len, off = 0, len, klen;
	const char *env;

	if (!proc_env(evt, &env, &len))
		return false;
	klen = arg->set ? strlen(arg->key) : 0;
	while (off < len) {
		size_t n = strnlen(env + off, len - off);

		if (!arg->set) {
			if (sb->len > start)
				strbuf__puts(sb, " ");
			strbuf__append(sb, env + off, n);
		} else if (n > klen && env[off + klen] == '=' &&
			   !memcmp(env + off, arg->key, klen)) {
			strbuf__append(sb, env + off + klen + 1, n - klen - 1);
			strbuf__append(sb, "", 1);
			v->str = sb->buf + start;
			return true;
		}
		off += n + 1;
	}
	if (arg->set)
		return false;
	strbuf__append(sb, "", 1);
	v->str = sb->buf + start;
	return true;
}

static bool get_proc_pid(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	(void)sb;
	v->num = evt->hdr->pid;
	return true;
}

static bool get_proc_ppid(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	(void)sb;
	v->num = evt->hdr->ppid;
	return true;
}

static bool get_proc_vpid(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	(void)sb;
	if (evt->type == VIGIL_EVENT_EXEC)
		v->num = evt->exec.vpid;
	else if (evt->proc)
		v->num = evt->proc->vpid;
	else
		return false;
	/* 0: a process seen before vigild started, its namespace unknown. */
	return v->num != 0;
}

static bool get_proc_sid(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	(void)sb;
	if (evt->type == VIGIL_EVENT_EXEC)
		v->num = evt->exec.sid;
	else if (evt->proc)
		v->num = evt->proc->sid;
	else
		return false;
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

static bool get_proc_duration(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	uint64_t start;

	(void)sb;
	if (evt->type == VIGIL_EVENT_EXEC)
		start = evt->exec.start_ns;
	else if (evt->proc)
		start = evt->proc->start_ns;
	else
		return false;
	if (!start || start > evt->hdr->ts_ns)
		return false;
	v->num = (int64_t)(evt->hdr->ts_ns - start);
	return true;
}

static bool exe_flag(const struct evt *evt, uint32_t flag, struct field_value *v)
{
	if (evt->type == VIGIL_EVENT_EXEC)
		v->num = (evt->exec.flags & flag) != 0;
	else if (evt->proc)
		v->num = (evt->proc->exe_flags & flag) != 0;
	else
		return false;
	return true;
}

static bool get_proc_is_exe_upper_layer(const struct evt *evt, struct field_value *v,
					struct strbuf *sb)
{
	(void)sb;
	return exe_flag(evt, VIGIL_EXEC_EXE_UPPER_LAYER, v);
}

static bool get_proc_is_exe_from_memfd(const struct evt *evt, struct field_value *v,
				       struct strbuf *sb)
{
	(void)sb;
	return exe_flag(evt, VIGIL_EXEC_EXE_MEMFD, v);
}

/* Ancestors: generation 0 is the process itself, with the event's view of it. */
static bool get_proc_aname(const struct evt *evt, const struct field_arg *arg,
			   struct field_value *v, struct strbuf *sb)
{
	const struct process *p;

	if (arg->index == 0)
		return get_proc_name(evt, v, sb);
	p = process__ancestor(evt, arg->index);
	if (!p)
		return false;
	v->str = comm_copy(p->comm, sb);
	return true;
}

static bool get_proc_apid(const struct evt *evt, const struct field_arg *arg,
			  struct field_value *v, struct strbuf *sb)
{
	const struct process *p;

	if (arg->index == 0)
		return get_proc_pid(evt, v, sb);
	p = process__ancestor(evt, arg->index);
	if (!p)
		return false;
	v->num = p->pid;
	return true;
}

static bool get_proc_aexepath(const struct evt *evt, const struct field_arg *arg,
			      struct field_value *v, struct strbuf *sb)
{
	const struct process *p;

	if (arg->index == 0)
		return get_proc_exepath(evt, v, sb);
	p = process__ancestor(evt, arg->index);
	if (!p || !p->exepath || !*p->exepath)
		return false;
	v->str = p->exepath;
	return true;
}

static bool get_proc_aexe(const struct evt *evt, const struct field_arg *arg,
			  struct field_value *v, struct strbuf *sb)
{
	const struct process *p;

	if (arg->index == 0)
		return get_proc_exe(evt, v, sb);
	p = process__ancestor(evt, arg->index);
	if (!p || !p->args)
		return false;
	v->str = argv0(p->args, p->args_len, sb);
	return true;
}

static bool get_proc_acmdline(const struct evt *evt, const struct field_arg *arg,
			      struct field_value *v, struct strbuf *sb)
{
	const struct process *p;

	if (arg->index == 0)
		return get_proc_cmdline(evt, v, sb);
	p = process__ancestor(evt, arg->index);
	if (!p || !p->args)
		return false;
	v->str = cmdline(p->comm, p->args, p->args_len, sb);
	return true;
}

static const struct field_arg parent = { .set = true, .index = 1 };

static bool get_proc_pname(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	return get_proc_aname(evt, &parent, v, sb);
}

static bool get_proc_pexepath(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	return get_proc_aexepath(evt, &parent, v, sb);
}

static bool get_proc_pexe(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	return get_proc_aexe(evt, &parent, v, sb);
}

static bool get_proc_pcmdline(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	return get_proc_acmdline(evt, &parent, v, sb);
}

static bool get_thread_tid(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	(void)sb;
	v->num = evt->hdr->tid;
	return true;
}

/* Bit numbers as in linux/capability.h. */
static const char *const cap_names[] = {
	"CAP_CHOWN",		"CAP_DAC_OVERRIDE",	"CAP_DAC_READ_SEARCH",
	"CAP_FOWNER",		"CAP_FSETID",		"CAP_KILL",
	"CAP_SETGID",		"CAP_SETUID",		"CAP_SETPCAP",
	"CAP_LINUX_IMMUTABLE",	"CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST",
	"CAP_NET_ADMIN",	"CAP_NET_RAW",		"CAP_IPC_LOCK",
	"CAP_IPC_OWNER",	"CAP_SYS_MODULE",	"CAP_SYS_RAWIO",
	"CAP_SYS_CHROOT",	"CAP_SYS_PTRACE",	"CAP_SYS_PACCT",
	"CAP_SYS_ADMIN",	"CAP_SYS_BOOT",		"CAP_SYS_NICE",
	"CAP_SYS_RESOURCE",	"CAP_SYS_TIME",		"CAP_SYS_TTY_CONFIG",
	"CAP_MKNOD",		"CAP_LEASE",		"CAP_AUDIT_WRITE",
	"CAP_AUDIT_CONTROL",	"CAP_SETFCAP",		"CAP_MAC_OVERRIDE",
	"CAP_MAC_ADMIN",	"CAP_SYSLOG",		"CAP_WAKE_ALARM",
	"CAP_BLOCK_SUSPEND",	"CAP_AUDIT_READ",	"CAP_PERFMON",
	"CAP_BPF",		"CAP_CHECKPOINT_RESTORE",
};

/* "CAP_CHOWN CAP_DAC_OVERRIDE ...", as Falco renders a capability set. */
static bool caps_render(uint64_t caps, struct field_value *v, struct strbuf *sb)
{
	size_t start = sb->len;
	unsigned int bit;

	for (bit = 0; bit < 64; bit++) {
		if (!(caps & (UINT64_C(1) << bit)))
			continue;
		if (sb->len > start)
			strbuf__puts(sb, " ");
		if (bit < sizeof(cap_names) / sizeof(cap_names[0]))
			strbuf__puts(sb, cap_names[bit]);
		else
			strbuf__printf(sb, "CAP_%u", bit);
	}
	strbuf__append(sb, "", 1);
	v->str = sb->buf + start;
	return true;
}

enum cap_set {
	CAP_SET_EFFECTIVE,
	CAP_SET_PERMITTED,
	CAP_SET_INHERITABLE,
};

static bool proc_caps(const struct evt *evt, enum cap_set set, struct field_value *v,
		      struct strbuf *sb)
{
	uint64_t caps;

	if (evt->type == VIGIL_EVENT_EXEC)
		caps = set == CAP_SET_EFFECTIVE	  ? evt->exec.cap_effective :
		       set == CAP_SET_PERMITTED ? evt->exec.cap_permitted :
						  evt->exec.cap_inheritable;
	else if (evt->proc)
		caps = set == CAP_SET_EFFECTIVE	  ? evt->proc->cap_effective :
		       set == CAP_SET_PERMITTED ? evt->proc->cap_permitted :
						  evt->proc->cap_inheritable;
	else
		return false;
	return caps_render(caps, v, sb);
}

static bool get_cap_effective(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	return proc_caps(evt, CAP_SET_EFFECTIVE, v, sb);
}

static bool get_cap_permitted(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	return proc_caps(evt, CAP_SET_PERMITTED, v, sb);
}

static bool get_cap_inheritable(const struct evt *evt, struct field_value *v,
				struct strbuf *sb)
{
	return proc_caps(evt, CAP_SET_INHERITABLE, v, sb);
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

static bool get_group_name(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	(void)sb;
	v->str = groups__name(evt->hdr->gid);
	return v->str != NULL;
}

/* Each sorted by name: field__lookup searches them. */
static const struct field proc_fields[] = {
	{ "proc.acmdline", FIELD_STRING,
	  "the proc.cmdline of the N-th ancestor (0: the process, 1: its parent); without N, "
	  "in a condition: any ancestor",
	  FIELD_ARG_ANCESTOR, NULL, get_proc_acmdline },
	{ "proc.aexe", FIELD_STRING, "the proc.exe of the N-th ancestor, or any",
	  FIELD_ARG_ANCESTOR, NULL, get_proc_aexe },
	{ "proc.aexepath", FIELD_STRING, "the proc.exepath of the N-th ancestor, or any",
	  FIELD_ARG_ANCESTOR, NULL, get_proc_aexepath },
	{ "proc.aname", FIELD_STRING, "the proc.name of the N-th ancestor, or any",
	  FIELD_ARG_ANCESTOR, NULL, get_proc_aname },
	{ "proc.apid", FIELD_NUMBER, "the proc.pid of the N-th ancestor, or any",
	  FIELD_ARG_ANCESTOR, NULL, get_proc_apid },
	{ "proc.args", FIELD_STRING, "the arguments after argv[0], space-separated", 0,
	  get_proc_args, NULL },
	{ "proc.cmdline", FIELD_STRING, "proc.name and proc.args", 0, get_proc_cmdline, NULL },
	{ "proc.cwd", FIELD_STRING, "the working directory when the program was started", 0,
	  get_proc_cwd, NULL },
	{ "proc.duration", FIELD_NUMBER, "nanoseconds since the process started", 0,
	  get_proc_duration, NULL },
	{ "proc.env", FIELD_STRING,
	  "the environment at exec, space-separated; proc.env[NAME]: one variable's value",
	  FIELD_ARG_KEY_OPT, NULL, get_proc_env },
	{ "proc.exe", FIELD_STRING, "argv[0]", 0, get_proc_exe, NULL },
	{ "proc.exepath", FIELD_STRING, "the executable's path, as the kernel resolved it", 0,
	  get_proc_exepath, NULL },
	{ "proc.is_exe_from_memfd", FIELD_BOOL, "whether the executable is a memfd (fileless)",
	  0, get_proc_is_exe_from_memfd, NULL },
	{ "proc.is_exe_upper_layer", FIELD_BOOL,
	  "whether the executable is on an overlayfs upper layer (written in the container)", 0,
	  get_proc_is_exe_upper_layer, NULL },
	{ "proc.name", FIELD_STRING, "the command name (comm), at most 15 characters", 0,
	  get_proc_name, NULL },
	{ "proc.pcmdline", FIELD_STRING, "the parent's proc.cmdline", 0, get_proc_pcmdline,
	  NULL },
	{ "proc.pexe", FIELD_STRING, "the parent's proc.exe", 0, get_proc_pexe, NULL },
	{ "proc.pexepath", FIELD_STRING, "the parent's proc.exepath", 0, get_proc_pexepath,
	  NULL },
	{ "proc.pid", FIELD_NUMBER, "the process id", 0, get_proc_pid, NULL },
	{ "proc.pname", FIELD_STRING, "the parent's proc.name", 0, get_proc_pname, NULL },
	{ "proc.ppid", FIELD_NUMBER, "the parent's process id", 0, get_proc_ppid, NULL },
	{ "proc.sid", FIELD_NUMBER, "the session id, as the host sees it", 0, get_proc_sid,
	  NULL },
	{ "proc.tty", FIELD_NUMBER, "the controlling terminal (major << 20 | minor); 0 if none",
	  0, get_proc_tty, NULL },
	{ "proc.vpid", FIELD_NUMBER, "the process id in its own pid namespace", 0, get_proc_vpid,
	  NULL },
};

static const struct field thread_fields[] = {
	{ "thread.cap_effective", FIELD_STRING,
	  "the effective capabilities: CAP_CHOWN CAP_KILL ...", 0, get_cap_effective, NULL },
	{ "thread.cap_inheritable", FIELD_STRING, "the inheritable capabilities", 0,
	  get_cap_inheritable, NULL },
	{ "thread.cap_permitted", FIELD_STRING, "the permitted capabilities", 0,
	  get_cap_permitted, NULL },
	{ "thread.tid", FIELD_NUMBER, "the thread id", 0, get_thread_tid, NULL },
};

static const struct field user_fields[] = {
	{ "user.loginname", FIELD_STRING, "the name of user.loginuid", 0, get_user_loginname,
	  NULL },
	{ "user.loginuid", FIELD_NUMBER, "the audit login uid; -1 if unset", 0, get_user_loginuid,
	  NULL },
	{ "user.name", FIELD_STRING, "the name of user.uid, from the host's passwd", 0,
	  get_user_name, NULL },
	{ "user.uid", FIELD_NUMBER, "the real uid, after the syscall", 0, get_user_uid, NULL },
};

static const struct field group_fields[] = {
	{ "group.gid", FIELD_NUMBER, "the real gid", 0, get_group_gid, NULL },
	{ "group.name", FIELD_STRING, "the name of group.gid, from the host's group file", 0,
	  get_group_name, NULL },
};

#define CLASS(n, f) { .name = n, .fields = f, .nfields = sizeof(f) / sizeof(f[0]) }

const struct field_class field_class_proc = CLASS("proc", proc_fields);
const struct field_class field_class_thread = CLASS("thread", thread_fields);
const struct field_class field_class_user = CLASS("user", user_fields);
const struct field_class field_class_group = CLASS("group", group_fields);
