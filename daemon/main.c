// SPDX-License-Identifier: GPL-2.0-only
/*
 * vigild: runtime security monitoring. Reads kernel events from BPF, matches
 * them against Falco-language rules and sends alerts to journald.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vigil.h"

#ifndef VIGIL_RULES_DIR
#define VIGIL_RULES_DIR "/etc/vigil/rules.d"
#endif

#define RULES_PATHS_MAX 64
#define RINGBUF_BYTES (8u << 20)
#define PROCTABLE_CAPACITY 32768
#define POLL_TIMEOUT_MS 100

static volatile sig_atomic_t stop_requested;
static volatile sig_atomic_t reload_requested;

static void on_stop_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static void on_reload_signal(int sig)
{
	(void)sig;
	reload_requested = 1;
}

static void usage(FILE *out)
{
	fprintf(out,
		"usage: vigild [-r RULES_FILE_OR_DIR]... [--stdout json] [--record FILE] [-d]\n"
		"       vigild --validate PATH...\n"
		"       vigild --replay FILE [-r RULES]...\n"
		"       vigild --dump FILE\n"
		"       vigild --list-fields | --version | --help\n"
		"\n"
		"  -r, --rules PATH      rule file or directory of *.yaml (repeatable; default:\n"
		"                        " VIGIL_RULES_DIR ", or ./rules when that is absent)\n"
		"      --stdout json     also write each alert as a JSON line on stdout\n"
		"      --validate PATH   check rule files, print file:line:col errors, exit 1 on any\n"
		"      --record FILE     also write every event the hooks see to a capture file\n"
		"      --replay FILE     run a capture (or JSON-lines events) through the rules;\n"
		"                        alerts as JSON lines on stdout, a summary on stderr\n"
		"      --dump FILE       print a capture's events as JSON lines\n"
		"      --list-fields     print the fields rules may use\n"
		"  -d, --debug           debug logging\n"
		"      --version         print the version\n"
		"  -h, --help            this help\n");
}

struct options {
	const char *rules[RULES_PATHS_MAX];
	size_t nrules;
	bool json_stdout;
	bool validate;
	bool list_fields;
	const char *record;
	const char *replay;
	const char *dump;
	int debug;
};

static void add_rules_path(struct options *o, const char *path)
{
	if (o->nrules == RULES_PATHS_MAX)
		fatalx("too many rule paths (at most %d)", RULES_PATHS_MAX);
	o->rules[o->nrules++] = path;
}

static void parse_options(int argc, char **argv, struct options *o)
{
	enum { OPT_STDOUT = 256, OPT_VALIDATE, OPT_LIST_FIELDS, OPT_VERSION, OPT_RECORD,
	       OPT_REPLAY, OPT_DUMP };
	static const struct option longopts[] = {
		{ "rules", required_argument, NULL, 'r' },
		{ "stdout", required_argument, NULL, OPT_STDOUT },
		{ "validate", required_argument, NULL, OPT_VALIDATE },
		{ "list-fields", no_argument, NULL, OPT_LIST_FIELDS },
		{ "record", required_argument, NULL, OPT_RECORD },
		{ "replay", required_argument, NULL, OPT_REPLAY },
		{ "dump", required_argument, NULL, OPT_DUMP },
		{ "debug", no_argument, NULL, 'd' },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct stat st;
	int c;

	while ((c = getopt_long(argc, argv, "r:dh", longopts, NULL)) != -1) {
		switch (c) {
		case 'r':
			add_rules_path(o, optarg);
			break;
		case OPT_STDOUT:
			if (strcmp(optarg, "json") != 0)
				fatalx("--stdout takes 'json', not '%s'", optarg);
			o->json_stdout = true;
			break;
		case OPT_VALIDATE:
			o->validate = true;
			add_rules_path(o, optarg);
			break;
		case OPT_LIST_FIELDS:
			o->list_fields = true;
			break;
		case OPT_RECORD:
			o->record = optarg;
			break;
		case OPT_REPLAY:
			o->replay = optarg;
			break;
		case OPT_DUMP:
			o->dump = optarg;
			break;
		case 'd':
			o->debug = 1;
			break;
		case OPT_VERSION:
			printf("vigild %s (event abi %d)\n", VIGIL_VERSION, VIGIL_ABI_VERSION);
			exit(0);
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			exit(2);
		}
	}
	/* `--validate a.yaml b.yaml`: the rest are paths to check too. */
	for (; optind < argc; optind++) {
		if (!o->validate) {
			usage(stderr);
			exit(2);
		}
		add_rules_path(o, argv[optind]);
	}
	if (!o->nrules)
		add_rules_path(o, stat(VIGIL_RULES_DIR, &st) == 0 ? VIGIL_RULES_DIR : "rules");
}

static void print_counters(struct bpf_events *be, const struct pipeline *pl)
{
	static const char *const reasons[VIGIL_DROP_REASON_MAX] = {
		[VIGIL_DROP_RINGBUF_FULL] = "ringbuf_full",
		[VIGIL_DROP_INFLIGHT_FULL] = "inflight_full",
		[VIGIL_DROP_CGROUP_FULL] = "cgroup_table_full",
	};
	uint64_t drops[VIGIL_DROP_REASON_MAX];
	int i;

	log_info("events %llu, malformed %llu, alerts %llu, sink errors %llu, processes %zu",
		 (unsigned long long)pl->stats.records, (unsigned long long)pl->stats.malformed,
		 (unsigned long long)pl->stats.alerts, (unsigned long long)pl->stats.sink_errors,
		 proctable__count(pl->procs));
	if (bpf_events__drops(be, drops) < 0) {
		log_warn("failed to read the drop counters");
		return;
	}
	for (i = 0; i < VIGIL_DROP_REASON_MAX; i++)
		log_info("kernel drops %s: %llu", reasons[i], (unsigned long long)drops[i]);
}

/* What the kernel should report: what the rules need, everything when recording. */
static void wanted_syscalls(const struct options *o, const struct ruleset *rs,
			    bool syscalls[VIGIL_SC_MAX])
{
	int sc;

	if (!o->record) {
		rules__syscalls(rs, syscalls);
		return;
	}
	for (sc = 0; sc < VIGIL_SC_MAX; sc++)
		syscalls[sc] = sc != VIGIL_SC_NONE;
}

/* The kernel-side filters from the rules: which syscalls, which opens. A
 * recording wants everything, to be replayed against any rules later. */
static void push_filters(const struct options *o, const struct ruleset *rs,
			 struct bpf_events *be)
{
	static struct open_filter filter;
	int err;

	rules__open_filter(rs, &filter);
	if (o->record)
		filter.enabled = false;
	err = bpf_events__set_open_filter(be, &filter);
	if (err)
		log_warnx("cannot set the kernel's open filter (%s): every open is reported",
			  strerror(-err));
	else if (filter.enabled)
		log_debug("open filter: %zu file names, any file for access bits %u",
			  filter.nnames, filter.any_access);
}

/* SIGHUP: the new rules replace the old only when they load without error. */
static void reload_rules(const struct options *o, struct pipeline *pl, struct bpf_events *be)
{
	bool syscalls[VIGIL_SC_MAX];
	struct ruleset *rs;

	log_info("reloading rules");
	rs = rules__load(o->rules, o->nrules, stderr);
	if (!rs) {
		log_warnx("the rules have errors: still running the %zu rules loaded before",
			  rules__count(pl->rules));
		return;
	}
	wanted_syscalls(o, rs, syscalls);
	bpf_events__set_syscalls(be, syscalls);
	push_filters(o, rs, be);
	rules__free(pl->rules);
	pl->rules = rs;
	log_info("running %zu rules", rules__count(rs));
}

static void record_process(const struct process *p, void *capture)
{
	static struct record_buf rb;

	if (!record_buf__process(&rb, p))
		capture__write(capture, CAPTURE_PROCESS, rb.u.bytes, rb.len);
}

static int run_replay(const struct options *o, struct pipeline *pl)
{
	/* Only what the capture says: no runtime state from this machine. */
	struct container_config container_config = {
		.podman_root = "/nonexistent",
		.docker_root = "/nonexistent",
	};
	struct replay_stats st;
	int err;

	pl->containers = containers__new(&container_config);
	pl->procs = proctable__new(PROCTABLE_CAPACITY);
	if (!pl->containers || !pl->procs)
		fatalx("out of memory");
	pipeline__init(pl);
	pl->journald = false;
	pl->json_out = stdout;
	err = replay__run(pl, o->replay, stderr, &st);
	fflush(stdout);
	fprintf(stderr, "replayed %llu events, %llu alerts in %.3f s\n",
		(unsigned long long)st.events, (unsigned long long)pl->stats.alerts, st.seconds);
	proctable__free(pl->procs);
	containers__free(pl->containers);
	rules__free(pl->rules);
	return err || st.errors ? 1 : 0;
}

int main(int argc, char **argv)
{
	static struct pipeline pl;
	struct container_config container_config = {
		.podman_root = "/var/lib/containers/storage",
		.docker_root = "/var/lib/docker",
	};
	struct bpf_events_config bpf_config = {
		.ringbuf_bytes = RINGBUF_BYTES,
	};
	struct options opts = { 0 };
	struct bpf_events *be = NULL;
	struct sigaction sa = { .sa_handler = on_stop_signal };
	struct sigaction hup = { .sa_handler = on_reload_signal };
	int err, n, status = 1;

	parse_options(argc, argv, &opts);
	log_init(opts.debug);

	if (opts.list_fields) {
		fields__print(stdout);
		return 0;
	}
	if (opts.dump)
		return replay__dump(opts.dump, stdout, stderr) ? 1 : 0;
	pl.rules = rules__load(opts.rules, opts.nrules, stderr);
	if (opts.validate) {
		if (pl.rules)
			printf("%zu rules ok\n", rules__count(pl.rules));
		status = pl.rules ? 0 : 1;
		rules__free(pl.rules);
		return status;
	}
	if (!pl.rules)
		fatalx("no rules loaded: fix the errors above");
	if (users__load("/etc/passwd") < 0)
		log_warnx("cannot read /etc/passwd: user.name will be missing");
	if (opts.replay)
		return run_replay(&opts, &pl);

	/* SIGINT and SIGTERM interrupt the poll (no SA_RESTART) and stop us. */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &hup, NULL);
	signal(SIGPIPE, SIG_IGN);

	pl.containers = containers__new(&container_config);
	pl.procs = proctable__new(PROCTABLE_CAPACITY);
	if (!pl.containers || !pl.procs)
		fatalx("out of memory");
	pl.journald = true;
	pl.json_out = opts.json_stdout ? stdout : NULL;
	pipeline__init(&pl);
	if (opts.record) {
		pl.capture = capture__create(opts.record, pl.boot_to_realtime_ns, pl.hostname);
		if (!pl.capture)
			fatal("cannot create %s", opts.record);
	}

	wanted_syscalls(&opts, pl.rules, bpf_config.syscalls);
	bpf_config.ignore_tgid = getpid();
	err = bpf_events__open(&be, &bpf_config, pipeline__handle, &pl);
	if (err)
		goto cleanup;
	push_filters(&opts, pl.rules, be);
	/* After attaching: a process that starts meanwhile is in one or the other. */
	n = proctable__seed(pl.procs, "/proc");
	if (n < 0)
		log_warnx("cannot read /proc: %s; processes start unknown", strerror(-n));
	if (pl.capture)
		proctable__foreach(pl.procs, record_process, pl.capture);
	log_info("vigild %s running: %zu rules, %d processes", VIGIL_VERSION,
		 rules__count(pl.rules), n);

	while (!stop_requested) {
		if (reload_requested) {
			reload_requested = 0;
			reload_rules(&opts, &pl, be);
		}
		err = bpf_events__poll(be, POLL_TIMEOUT_MS);
		if (err < 0 && err != -EINTR) {
			log_warnx("failed to read the ring buffer: %s", strerror(-err));
			goto cleanup;
		}
	}
	/* Deliver what is already in the ring before going. */
	bpf_events__poll(be, 0);
	print_counters(be, &pl);
	status = 0;

cleanup:
	if (pl.capture) {
		uint64_t entries = capture__entries(pl.capture);

		err = capture__close(pl.capture);
		if (err)
			log_warnx("capture %s is incomplete: %s", opts.record, strerror(-err));
		else
			log_info("recorded %llu entries to %s", (unsigned long long)entries,
				 opts.record);
	}
	bpf_events__close(be);
	proctable__free(pl.procs);
	containers__free(pl.containers);
	rules__free(pl.rules);
	return status;
}
