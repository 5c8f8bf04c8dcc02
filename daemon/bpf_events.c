// SPDX-License-Identifier: GPL-2.0-only
/* Loading, attaching and reading the BPF programs: the libbpf lifecycle. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "vigil.h"
#include "vigil.skel.h"

/* bpf_loop() (5.17) is the newest of what the programs need; the ring buffer
 * (5.8), tp_btf (5.5) and bpf_get_current_task_btf() (5.11) are older. */
#define VIGIL_MIN_KERNEL "5.17"

/*
 * The ring buffer's default size: room per CPU for the bursts between two
 * reads (vigild is woken at 256 KiB of unread data, bpf/common.bpf.h, or
 * reads every 100 ms), at least four times that threshold. Userspace maps the
 * data twice and the kernel maps it all at once, so every byte of it counts
 * twice in vigild's resident memory: 2 MiB on a 2-CPU node.
 */
#define RINGBUF_PER_CPU (256u << 10)
#define RINGBUF_MIN (1u << 20)
#define RINGBUF_MAX (64u << 20)

static size_t ringbuf_size(int ncpus)
{
	size_t want = (size_t)(ncpus > 0 ? ncpus : 1) * RINGBUF_PER_CPU, size = RINGBUF_MIN;

	while (size < want && size < RINGBUF_MAX)
		size <<= 1;
	return size;
}

struct bpf_events {
	struct vigil_bpf *skel;
	struct ring_buffer *rb;
	int ncpus;
};

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	char line[1024];

	if (level == LIBBPF_DEBUG && !getenv("VIGIL_BPF_VERBOSE"))
		return 0;
	vsnprintf(line, sizeof(line), fmt, ap);
	if (getenv("VIGIL_BPF_VERBOSE")) {
		fputs(line, stderr);
		return 0;
	}
	line[strcspn(line, "\n")] = '\0';
	if (level == LIBBPF_WARN)
		log_warnx("libbpf: %s", line);
	else
		log_debug("libbpf: %s", line);
	return 0;
}

/*
 * Whether the kernel's BTF describes struct ovl_inode. Where overlayfs is a
 * module (Debian's kernels) its types appear only once the module is loaded,
 * which container runtimes do when they start.
 */
static bool kernel_has_ovl_inode(struct btf *vmlinux)
{
	struct btf *overlay;
	bool found;

	if (btf__find_by_name_kind(vmlinux, "ovl_inode", BTF_KIND_STRUCT) >= 0)
		return true;
	overlay = btf__load_module_btf("overlay", vmlinux);
	if (!overlay)
		return false;
	found = btf__find_by_name_kind(overlay, "ovl_inode", BTF_KIND_STRUCT) >= 0;
	btf__free(overlay);
	return found;
}

/*
 * What this kernel offers, checked before loading. Without BTF, the ring
 * buffer or bpf_loop() nothing can be watched: say which kernel is needed
 * rather than show a verifier log. A missing optional piece switches off what
 * needs it, with one line naming what is lost. A probe that cannot tell (an
 * error rather than "no") lets the load decide.
 */
static int probe_kernel(struct vigil_bpf *skel)
{
	struct btf *vmlinux;
	int err = 0;

	vmlinux = btf__load_vmlinux_btf();
	if (!vmlinux) {
		log_warnx("kernel has no BTF (/sys/kernel/btf/vmlinux): vigild needs "
			  "CONFIG_DEBUG_INFO_BTF=y and Linux %s or later", VIGIL_MIN_KERNEL);
		return -EOPNOTSUPP;
	}
	if (libbpf_probe_bpf_map_type(BPF_MAP_TYPE_RINGBUF, NULL) == 0) {
		log_warnx("kernel lacks the bpf ring buffer: vigild needs Linux %s or later",
			  VIGIL_MIN_KERNEL);
		err = -EOPNOTSUPP;
		goto out;
	}
	if (libbpf_probe_bpf_helper(BPF_PROG_TYPE_RAW_TRACEPOINT, BPF_FUNC_loop, NULL) == 0) {
		log_warnx("kernel lacks bpf_loop(): vigild needs Linux %s or later",
			  VIGIL_MIN_KERNEL);
		err = -EOPNOTSUPP;
		goto out;
	}
	if (btf__find_by_name_kind(vmlinux, "btf_trace_cgroup_rmdir", BTF_KIND_TYPEDEF) < 0) {
		bpf_program__set_autoload(skel->progs.handle__cgroup_rmdir, false);
		log_warnx("kernel lacks the cgroup_rmdir tracepoint: removed cgroups are "
			  "forgotten only when the announcement table fills up");
	}
	/* io_uring's submission tracepoint was renamed in 6.4: load the one there is. */
	if (btf__find_by_name_kind(vmlinux, "btf_trace_io_uring_submit_req", BTF_KIND_TYPEDEF) < 0)
		bpf_program__set_autoload(skel->progs.handle__io_uring_submit_req, false);
	if (btf__find_by_name_kind(vmlinux, "btf_trace_io_uring_submit_sqe", BTF_KIND_TYPEDEF) < 0)
		bpf_program__set_autoload(skel->progs.handle__io_uring_submit_sqe, false);
	if (!bpf_program__autoload(skel->progs.handle__io_uring_submit_req) &&
	    !bpf_program__autoload(skel->progs.handle__io_uring_submit_sqe))
		log_warnx("kernel lacks the io_uring submission tracepoint: opens through "
			  "io_uring are not seen");
	/* exec.bpf.c checks this with bpf_core_type_exists(): nothing to switch off. */
	if (!kernel_has_ovl_inode(vmlinux))
		log_warnx("kernel lacks struct ovl_inode (overlayfs not loaded): executables "
			  "from a container's upper layer are not flagged until vigild restarts");
out:
	btf__free(vmlinux);
	return err;
}

/* The exit program that handles each syscall. */
static struct bpf_program *exit_program(struct vigil_bpf *skel, enum vigil_syscall sc)
{
	switch (sc) {
	case VIGIL_SC_EXECVE:
	case VIGIL_SC_EXECVEAT:
		return skel->progs.handle__sys_exit_exec;
	case VIGIL_SC_OPEN:
	case VIGIL_SC_OPENAT:
	case VIGIL_SC_OPENAT2:
	case VIGIL_SC_CREAT:
		return skel->progs.handle__sys_exit_open;
	case VIGIL_SC_CONNECT:
		return skel->progs.handle__sys_exit_connect;
	case VIGIL_SC_SETUID:
	case VIGIL_SC_SETREUID:
	case VIGIL_SC_SETRESUID:
	case VIGIL_SC_SETGID:
	case VIGIL_SC_SETREGID:
	case VIGIL_SC_SETRESGID:
		return skel->progs.handle__sys_exit_setid;
	default:
		return NULL;
	}
}

static int fill_exit_programs(struct vigil_bpf *skel)
{
	int map_fd = bpf_map__fd(skel->maps.exit_progs);
	__u32 sc;

	for (sc = VIGIL_SC_NONE + 1; sc < VIGIL_SC_MAX; sc++) {
		int prog_fd = bpf_program__fd(exit_program(skel, sc));

		if (bpf_map_update_elem(map_fd, &sc, &prog_fd, BPF_ANY))
			return -errno;
	}
	return 0;
}

void bpf_events__set_syscalls(struct bpf_events *be, const bool wanted[VIGIL_SC_MAX])
{
	int sc;

	for (sc = 0; sc < VIGIL_SC_MAX; sc++)
		be->skel->bss->syscall_enabled[sc] = wanted[sc];
}

int bpf_events__set_open_filter(struct bpf_events *be, const struct open_filter *f)
{
	int fd = bpf_map__fd(be->skel->maps.open_names);
	char key[OPEN_FILTER_NAME_MAX], next[OPEN_FILTER_NAME_MAX];
	size_t i;

	/* Open the filter while its names change: a superset is never wrong. */
	be->skel->bss->open_filter_enabled = 0;
	while (!bpf_map_get_next_key(fd, NULL, next))
		if (bpf_map_delete_elem(fd, next))
			return -errno;
	for (i = 0; i < f->nnames; i++) {
		memset(key, 0, sizeof(key));
		strncpy(key, f->names[i].name, sizeof(key) - 1);
		if (bpf_map_update_elem(fd, key, &f->names[i].access, BPF_ANY))
			return -errno;
	}
	be->skel->bss->open_any_access = f->any_access;
	be->skel->bss->open_failed_access = f->failed_access;
	be->skel->bss->open_filter_enabled = f->enabled;
	return 0;
}

int bpf_events__open(struct bpf_events **out, const struct bpf_events_config *config,
		     bpf_event_fn fn, void *ctx)
{
	LIBBPF_OPTS(bpf_object_open_opts, open_opts);
	static char verifier_log[1 << 24];
	struct bpf_events *be;
	int err;

	/* The whole verifier log when asked for: libbpf's default buffer cuts it. */
	if (getenv("VIGIL_BPF_VERBOSE")) {
		open_opts.kernel_log_buf = verifier_log;
		open_opts.kernel_log_size = sizeof(verifier_log);
		open_opts.kernel_log_level = 1;
	}
	libbpf_set_print(libbpf_print);
	be = calloc(1, sizeof(*be));
	if (!be)
		return -ENOMEM;
	be->ncpus = libbpf_num_possible_cpus();
	be->skel = vigil_bpf__open_opts(&open_opts);
	if (!be->skel) {
		err = -errno;
		log_warnx("failed to open the bpf object: %s", strerror(-err));
		goto err_free;
	}
	if (be->skel->rodata->vigil_abi_version != VIGIL_ABI_VERSION) {
		log_warnx("bpf object has event abi %u, vigild expects %u",
			  be->skel->rodata->vigil_abi_version, VIGIL_ABI_VERSION);
		err = -EINVAL;
		goto err_destroy;
	}
	err = probe_kernel(be->skel);
	if (err)
		goto err_destroy;
	be->skel->rodata->targ_self_tgid = config->ignore_tgid;
	be->skel->rodata->targ_cgroup_source = config->cgroup_source;
	be->skel->rodata->targ_learn_syscalls = config->learn_syscalls;
	err = bpf_map__set_max_entries(be->skel->maps.events, config->ringbuf_bytes ?
				       config->ringbuf_bytes : ringbuf_size(be->ncpus));
	if (!err)
		err = bpf_map__set_max_entries(be->skel->maps.event_scratch, be->ncpus);
	if (err)
		goto err_destroy;
	/* Tail-call targets run from the dispatcher, never on their own. */
	bpf_program__set_autoattach(be->skel->progs.handle__sys_exit_exec, false);
	bpf_program__set_autoattach(be->skel->progs.handle__sys_exit_open, false);
	bpf_program__set_autoattach(be->skel->progs.handle__sys_exit_connect, false);
	bpf_program__set_autoattach(be->skel->progs.handle__sys_exit_setid, false);

	err = vigil_bpf__load(be->skel);
	if (err) {
		log_warnx("failed to load the bpf programs: %s", strerror(-err));
		if (open_opts.kernel_log_buf)
			fputs(verifier_log, stderr);
		goto err_destroy;
	}
	err = fill_exit_programs(be->skel);
	if (err) {
		log_warnx("failed to fill the exit program table: %s", strerror(-err));
		goto err_destroy;
	}
	bpf_events__set_syscalls(be, config->syscalls);
	err = vigil_bpf__attach(be->skel);
	if (err) {
		log_warnx("failed to attach the bpf programs: %s", strerror(-err));
		goto err_destroy;
	}
	be->rb = ring_buffer__new(bpf_map__fd(be->skel->maps.events), (ring_buffer_sample_fn)fn,
				  ctx, NULL);
	if (!be->rb) {
		err = -errno;
		log_warnx("failed to open the ring buffer: %s", strerror(-err));
		goto err_destroy;
	}
	*out = be;
	return 0;

err_destroy:
	vigil_bpf__destroy(be->skel);
err_free:
	free(be);
	return err;
}

int bpf_events__poll(struct bpf_events *be, int timeout_ms)
{
	int n, m;

	/* Most records do not wake us up (see WAKEUP_BYTES in the BPF code): the
	 * timeout is what bounds their latency, so always consume after it. */
	n = ring_buffer__poll(be->rb, timeout_ms);
	if (n < 0)
		return n;
	m = ring_buffer__consume(be->rb);
	if (m < 0)
		return m;
	return n + m;
}

int bpf_events__drops(struct bpf_events *be, uint64_t drops[VIGIL_DROP_REASON_MAX])
{
	int fd = bpf_map__fd(be->skel->maps.drops);
	uint64_t percpu[be->ncpus];
	__u32 reason;
	int cpu;

	for (reason = 0; reason < VIGIL_DROP_REASON_MAX; reason++) {
		drops[reason] = 0;
		/* Valgrind cannot see the kernel fill per-CPU values. */
		memset(percpu, 0, sizeof(percpu));
		if (bpf_map_lookup_elem(fd, &reason, percpu))
			return -errno;
		for (cpu = 0; cpu < be->ncpus; cpu++)
			drops[reason] += percpu[cpu];
	}
	return 0;
}

void bpf_events__forget_cgroup(struct bpf_events *be, uint64_t cgroup_id)
{
	bpf_map_delete_elem(bpf_map__fd(be->skel->maps.cgroups_announced), &cgroup_id);
}

int bpf_events__syscall_sets_fd(struct bpf_events *be)
{
	return bpf_map__fd(be->skel->maps.syscall_sets);
}

uint64_t bpf_events__learn_table_full(struct bpf_events *be)
{
	return be->skel->bss->learn_table_full;
}

void bpf_events__close(struct bpf_events *be)
{
	if (!be)
		return;
	ring_buffer__free(be->rb);
	vigil_bpf__destroy(be->skel);
	free(be);
}
