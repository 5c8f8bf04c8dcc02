// SPDX-License-Identifier: GPL-2.0-only
/*
 * The processes alive at start, from the BPF task iterator (bpf/iter.bpf.c),
 * and the capabilities vigild gives up once its programs are attached.
 *
 * The iterator shows vigild every task of its pid namespace whoever owns it,
 * so seeding needs no access to other users' /proc entries; and it runs in
 * vigild's context, so it also tells vigild its own pid as the hooks see it
 * (the initial namespace's), which getpid() does not in a container with a
 * pid namespace of its own.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/capability.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "vigil.h"
#include "iter.skel.h"

/* The largest record the iterator writes: the fixed part, two paths (filename
 * and exe), argv, cwd and the environment. */
#define SEED_RECORD_MAX \
	(sizeof(struct vigil_exec_event) + 3 * VIGIL_PATH_MAX + VIGIL_ARGS_MAX + VIGIL_ENV_MAX)

struct bpf_seed {
	struct vigil_iter *skel;
	struct bpf_program *prog;
	bool user_memory; /* argv and environment are read */
	/* Records arrive as a byte stream; each is copied out aligned. */
	char stream[2 * SEED_RECORD_MAX];
	union {
		uint64_t align;
		unsigned char bytes[SEED_RECORD_MAX];
	} record;
};

/* Only the maps the iterator uses: maps.bpf.h declares the hooks' too. */
static int keep_iterator_maps(struct vigil_iter *skel)
{
	struct bpf_map *map;
	int err;

	bpf_object__for_each_map(map, skel->obj) {
		if (bpf_map__is_internal(map) || map == skel->maps.seed_scratch ||
		    map == skel->maps.path_scratch)
			continue;
		err = bpf_map__set_autocreate(map, false);
		if (err)
			return err;
	}
	return 0;
}

/* Opens and loads one of the two programs; the other is not loaded. */
static int load_iterator(struct bpf_seed *s, bool sleepable, enum vigil_cgroup_source source)
{
	int err;

	s->skel = vigil_iter__open();
	if (!s->skel)
		return -errno;
	if (s->skel->rodata->vigil_abi_version != VIGIL_ABI_VERSION) {
		log_warnx("task iterator has event abi %u, vigild expects %u",
			  s->skel->rodata->vigil_abi_version, VIGIL_ABI_VERSION);
		err = -EINVAL;
		goto err_destroy;
	}
	s->skel->rodata->targ_cgroup_source = source;
	err = keep_iterator_maps(s->skel);
	if (err)
		goto err_destroy;
	bpf_program__set_autoload(s->skel->progs.handle__iter_task_sleepable, sleepable);
	bpf_program__set_autoload(s->skel->progs.handle__iter_task, !sleepable);
	err = vigil_iter__load(s->skel);
	if (err)
		goto err_destroy;
	s->prog = sleepable ? s->skel->progs.handle__iter_task_sleepable :
			      s->skel->progs.handle__iter_task;
	s->user_memory = sleepable;
	return 0;

err_destroy:
	vigil_iter__destroy(s->skel);
	s->skel = NULL;
	return err;
}

int bpf_seed__open(struct bpf_seed **out, enum vigil_cgroup_source source)
{
	struct bpf_seed *s;
	int err;

	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	err = load_iterator(s, true, source);
	if (err) {
		log_debug("sleepable task iterator: %s; trying without argv and environment",
			  strerror(-err));
		err = load_iterator(s, false, source);
	}
	if (err) {
		free(s);
		return err;
	}
	if (!s->user_memory)
		log_info("this kernel cannot read other processes' memory from an iterator "
			 "(Linux 5.18): processes that predate vigild have no arguments");
	*out = s;
	return 0;
}

void bpf_seed__close(struct bpf_seed *s)
{
	if (!s)
		return;
	vigil_iter__destroy(s->skel);
	free(s);
}

typedef int (*record_fn)(struct bpf_seed *s, const void *rec, size_t size, void *ctx);

/*
 * Runs the iterator (over one process when pid is not 0, as the caller's pid
 * namespace numbers it) and calls fn on every record; fn returns 0 to go on,
 * 1 to stop, or a negative errno. Returns the records read or -errno.
 */
static int run_iterator(struct bpf_seed *s, uint32_t pid, record_fn fn, void *ctx)
{
	DECLARE_LIBBPF_OPTS(bpf_iter_attach_opts, opts);
	union bpf_iter_link_info linfo;
	struct bpf_link *link;
	size_t have = 0, used;
	int fd, n = 0, ret = 0;
	ssize_t got;

	memset(&linfo, 0, sizeof(linfo));
	if (pid) {
		linfo.task.pid = pid;
		opts.link_info = &linfo;
		opts.link_info_len = sizeof(linfo);
	}
	link = bpf_program__attach_iter(s->prog, &opts);
	if (!link)
		return -errno;
	fd = bpf_iter_create(bpf_link__fd(link));
	if (fd < 0) {
		ret = -errno;
		goto out_link;
	}
	for (;;) {
		got = read(fd, s->stream + have, sizeof(s->stream) - have);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			ret = -errno;
			break;
		}
		if (got == 0) {
			if (have)
				ret = -EPROTO; /* a record cut short */
			break;
		}
		have += got;
		used = 0;
		while (have - used >= sizeof(struct vigil_event_header)) {
			struct vigil_event_header h;

			memcpy(&h, s->stream + used, sizeof(h));
			if (h.type != VIGIL_EVENT_EXEC || h.size < sizeof(struct vigil_exec_event) ||
			    h.size > SEED_RECORD_MAX) {
				ret = -EPROTO;
				goto out_fd;
			}
			if (have - used < h.size)
				break;
			memcpy(s->record.bytes, s->stream + used, h.size);
			used += h.size;
			n++;
			ret = fn(s, s->record.bytes, h.size, ctx);
			if (ret)
				goto out_fd;
		}
		memmove(s->stream, s->stream + used, have - used);
		have -= used;
	}
out_fd:
	close(fd);
out_link:
	bpf_link__destroy(link);
	if (ret < 0)
		return ret;
	return n;
}

struct self_search {
	uint32_t vpid;
	uint32_t pidns_ino;
	uint32_t tgid;
};

/* This process's record: our pid in our pid namespace. */
static int find_self(struct bpf_seed *s, const void *rec, size_t size, void *ctx)
{
	const struct vigil_exec_event *e = rec;
	struct self_search *ss = ctx;

	(void)s;
	(void)size;
	if (e->vpid != ss->vpid || e->hdr.pidns_ino != ss->pidns_ino)
		return 0;
	ss->tgid = e->hdr.pid;
	return 1;
}

uint32_t bpf_seed__self_tgid(struct bpf_seed *s)
{
	struct self_search ss = { .vpid = getpid() };
	char link[64];
	ssize_t n;
	int err;

	n = readlink("/proc/self/ns/pid_for_children", link, sizeof(link) - 1);
	if (n <= 0)
		return 0;
	link[n] = '\0';
	if (sscanf(link, "pid:[%u]", &ss.pidns_ino) != 1)
		return 0;
	/* Linux 6.1 iterates over one process when asked; before, over all. */
	err = run_iterator(s, ss.vpid, find_self, &ss);
	if (!ss.tgid)
		err = run_iterator(s, 0, find_self, &ss);
	if (err < 0)
		log_debug("cannot find vigild in the task iterator: %s", strerror(-err));
	return ss.tgid;
}

struct seed_ctx {
	struct pipeline *pl;
	int refused;
};

static int hand_over(struct bpf_seed *s, const void *rec, size_t size, void *ctx)
{
	struct seed_ctx *sc = ctx;

	(void)s;
	if (pipeline__seed_process(sc->pl, rec, size) < 0)
		sc->refused++;
	return 0;
}

int bpf_seed__processes(struct bpf_seed *s, struct pipeline *pl)
{
	struct seed_ctx sc = { .pl = pl };
	int n;

	n = run_iterator(s, 0, hand_over, &sc);
	if (n < 0)
		return n;
	if (sc.refused)
		log_warnx("task iterator: %d of %d records malformed", sc.refused, n);
	return n - sc.refused;
}

/* Capabilities, through the raw calls: one thread's sets, as the kernel keeps them. */

static int caps_permitted(uint64_t *permitted)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = { { 0 } };

	*permitted = 0;
	if (syscall(SYS_capget, &hdr, data))
		return -errno;
	*permitted = data[0].permitted | (uint64_t)data[1].permitted << 32;
	return 0;
}

/* Inheritable and ambient go empty: vigild runs nothing. */
static int caps_set(uint64_t effective, uint64_t permitted)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {
		{ .effective = (uint32_t)effective, .permitted = (uint32_t)permitted },
		{ .effective = effective >> 32, .permitted = permitted >> 32 },
	};

	if (syscall(SYS_capset, &hdr, data))
		return -errno;
	return 0;
}

static int thread_count(void)
{
	char status[4096], *line;
	ssize_t n;
	int fd;

	fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, status, sizeof(status) - 1);
	close(fd);
	if (n <= 0)
		return -EIO;
	status[n] = '\0';
	line = strstr(status, "\nThreads:");
	return line ? atoi(line + 9) : -EIO;
}

int caps__drop(struct bpf_events *be, uint64_t *kept)
{
	const uint64_t bpf = 1ull << CAP_BPF;
	uint64_t permitted, keep = 0;
	uint64_t drops[VIGIL_DROP_REASON_MAX];
	int err, threads;

	*kept = 0;
	/* Capabilities belong to threads: one started before this keeps its own. */
	threads = thread_count();
	if (threads > 1)
		log_warnx("dropping capabilities with %d threads running: only this one "
			  "loses them", threads);
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	err = caps_permitted(&permitted);
	if (err)
		return err;
	/*
	 * Before Linux 6.5, with kernel.unprivileged_bpf_disabled set (the
	 * default), every bpf() call needs CAP_BPF, even on a map vigild holds:
	 * reading the drop counters and changing the open filter at reload do.
	 * Try one without it before letting it go.
	 */
	if (permitted & bpf) {
		err = caps_set(0, bpf);
		if (err)
			return err;
		if (bpf_events__drops(be, drops) == -EPERM)
			keep = bpf;
	}
	err = caps_set(keep, keep);
	if (err)
		return err;
	/* Nothing it runs could gain privileges either (setuid or file capabilities). */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return -errno;
	*kept = keep;
	return 0;
}
