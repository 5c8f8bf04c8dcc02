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
#include <systemd/sd-daemon.h>
#include <time.h>
#include <unistd.h>

#include "vigil.h"

#ifndef VIGIL_RULES_DIR
#define VIGIL_RULES_DIR "/etc/vigil/rules.d"
#endif

#define RULES_PATHS_MAX 64
#define PROCTABLE_CAPACITY 32768
#define POLL_TIMEOUT_MS 100
/* Rate limit summaries, operational alerts, stats, metrics: checked this often. */
#define TICK_NS 1000000000ull

static volatile sig_atomic_t stop_requested;
static volatile sig_atomic_t reload_requested;
static volatile sig_atomic_t reopen_requested;

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

static void on_reopen_signal(int sig)
{
	(void)sig;
	reopen_requested = 1;
}

static void usage(FILE *out)
{
	fprintf(out,
		"usage: vigild [-r RULES_FILE_OR_DIR]... [--stdout json] [--record FILE] [-d]\n"
		"              [-c CONFIG] [--syslog TARGET]... [--json-file PATH]\n"
		"              [--metrics ADDR:PORT]\n"
		"       vigild --validate PATH...\n"
		"       vigild --replay FILE [-r RULES]...\n"
		"       vigild --dump FILE\n"
		"       vigild --baseline show|export [SCOPE] | import FILE | reset SCOPE\n"
		"       vigild --advise seccomp|network|filesystem --scope SCOPE\n"
		"       vigild --list-fields | --version | --help\n"
		"\n"
		"  -r, --rules PATH      rule file or directory of *.yaml (repeatable; default:\n"
		"                        " VIGIL_RULES_DIR ", or ./rules when that is absent)\n"
		"  -c, --config PATH     settings (default: " VIGIL_CONFIG_PATH ", if it exists)\n"
		"      --stdout json     also write each alert as a JSON line on stdout\n"
		"      --syslog TARGET   alerts to syslog, in place of the config's syslog sinks\n"
		"                        (repeatable): unix:///dev/log, udp://HOST:PORT,\n"
		"                        tcp://HOST:PORT\n"
		"      --json-file PATH  alerts as JSON lines to PATH (reopened on SIGUSR1)\n"
		"      --metrics ADDR:PORT  serve /metrics and /healthz on ADDR:PORT\n"
		"      --validate PATH   check rule files, print file:line:col errors, exit 1 on any\n"
		"      --record FILE     also write every event the hooks see to a capture file\n"
		"      --replay FILE     run a capture (or JSON-lines events) through the rules;\n"
		"                        alerts as JSON lines on stdout, a summary on stderr\n"
		"      --dump FILE       print a capture's events as JSON lines\n"
		"      --baseline CMD    the anomaly baselines in the state directory: show,\n"
		"                        export (YAML), import FILE, reset SCOPE\n"
		"      --advise KIND     hardening advice from the baselines of --scope:\n"
		"                        seccomp (OCI profile), network (NetworkPolicy),\n"
		"                        filesystem (Pod)\n"
		"      --scope VALUE     a scope value, such as an image repository\n"
		"      --list-fields     print the fields rules may use\n"
		"  -d, --debug           debug logging\n"
		"      --version         print the version\n"
		"  -h, --help            this help\n");
}

struct options {
	const char *rules[RULES_PATHS_MAX];
	size_t nrules;
	bool json_stdout;
	const char *config;
	struct config_flags flags;
	bool validate;
	bool list_fields;
	const char *record;
	const char *replay;
	const char *dump;
	int debug;
	/* --baseline CMD [ARG], --advise KIND --scope VALUE */
	const char *baseline;
	const char *baseline_arg;
	const char *advise;
	const char *scope;
};

enum { OPT_BASELINE = 512, OPT_ADVISE, OPT_SCOPE };

/* The options of the commands on the state directory; false: not one of them. */
static bool state_option(struct options *o, int c, const char *arg)
{
	switch (c) {
	case OPT_BASELINE:
		o->baseline = arg;
		return true;
	case OPT_ADVISE:
		o->advise = arg;
		return true;
	case OPT_SCOPE:
		o->scope = arg;
		return true;
	}
	return false;
}

static void add_rules_path(struct options *o, const char *path)
{
	if (o->nrules == RULES_PATHS_MAX)
		fatalx("too many rule paths (at most %d)", RULES_PATHS_MAX);
	o->rules[o->nrules++] = path;
}

static void parse_options(int argc, char **argv, struct options *o)
{
	enum { OPT_STDOUT = 256, OPT_VALIDATE, OPT_LIST_FIELDS, OPT_VERSION, OPT_RECORD,
	       OPT_REPLAY, OPT_DUMP, OPT_SYSLOG, OPT_JSON_FILE, OPT_METRICS };
	static const struct option longopts[] = {
		{ "rules", required_argument, NULL, 'r' },
		{ "stdout", required_argument, NULL, OPT_STDOUT },
		{ "config", required_argument, NULL, 'c' },
		{ "syslog", required_argument, NULL, OPT_SYSLOG },
		{ "json-file", required_argument, NULL, OPT_JSON_FILE },
		{ "metrics", required_argument, NULL, OPT_METRICS },
		{ "validate", required_argument, NULL, OPT_VALIDATE },
		{ "list-fields", no_argument, NULL, OPT_LIST_FIELDS },
		{ "record", required_argument, NULL, OPT_RECORD },
		{ "replay", required_argument, NULL, OPT_REPLAY },
		{ "dump", required_argument, NULL, OPT_DUMP },
		{ "baseline", required_argument, NULL, OPT_BASELINE },
		{ "advise", required_argument, NULL, OPT_ADVISE },
		{ "scope", required_argument, NULL, OPT_SCOPE },
		{ "debug", no_argument, NULL, 'd' },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct stat st;
	int c;

	while ((c = getopt_long(argc, argv, "r:c:dh", longopts, NULL)) != -1) {
		switch (c) {
		case 'r':
			add_rules_path(o, optarg);
			break;
		case OPT_STDOUT:
			if (strcmp(optarg, "json") != 0)
				fatalx("--stdout takes 'json', not '%s'", optarg);
			o->json_stdout = true;
			o->flags.json_stdout = true;
			break;
		case 'c':
			o->config = optarg;
			break;
		case OPT_SYSLOG:
			if (o->flags.nsyslog == SINKS_MAX)
				fatalx("too many --syslog (at most %d)", SINKS_MAX);
			o->flags.syslog[o->flags.nsyslog++] = optarg;
			break;
		case OPT_JSON_FILE:
			o->flags.json_file = optarg;
			break;
		case OPT_METRICS:
			o->flags.metrics = optarg;
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
			if (state_option(o, c, optarg))
				break;
			usage(stderr);
			exit(2);
		}
	}
	/* `--validate a.yaml b.yaml`: the rest are paths to check too. */
	for (; optind < argc; optind++) {
		/* `--baseline export SCOPE`, `--baseline import FILE` */
		if (o->baseline && !o->baseline_arg) {
			o->baseline_arg = argv[optind];
			continue;
		}
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

/* The first "file:line:col: error: ..." line of a failed load, and how many. */
static void report_reload_errors(struct pipeline *pl, const char *errors)
{
	const char *line, *next, *first = "no rule file could be read";
	size_t n, nerrors = 0, firstlen = strlen(first);
	char text[1024];

	for (line = errors; line && *line; line = next) {
		n = strcspn(line, "\n");
		next = line + n + (line[n] == '\n');
		if (!memmem(line, n, ": error: ", 9))
			continue;
		if (!nerrors++) {
			first = line;
			firstlen = n;
		}
	}
	snprintf(text, sizeof(text), "%.*s", (int)firstlen, first);
	stats__reload_failed(pl->counters, pl, text, nerrors ? nerrors : 1,
			     rules__count(pl->rules));
}

/* SIGHUP: the new rules replace the old only when they load without error. */
static void reload_rules(const struct options *o, struct pipeline *pl, struct bpf_events *be)
{
	bool syscalls[VIGIL_SC_MAX];
	char *errors = NULL;
	struct ruleset *rs;
	size_t len = 0;
	FILE *err;

	log_info("reloading rules");
	/* The errors go to the log, and the first into an operational alert. */
	err = open_memstream(&errors, &len);
	rs = rules__load(o->rules, o->nrules, err ? err : stderr);
	if (err)
		fclose(err);
	if (errors)
		fputs(errors, stderr);
	if (!rs) {
		log_warnx("the rules have errors: still running the %zu rules loaded before",
			  rules__count(pl->rules));
		report_reload_errors(pl, errors);
		free(errors);
		return;
	}
	free(errors);
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

/* The cgroup map forgot a cgroup: the kernel must announce it again. */
static void forget_cgroup(void *be, uint64_t cgroup_id)
{
	bpf_events__forget_cgroup(be, cgroup_id);
}

static int run_replay(const struct options *o, struct pipeline *pl)
{
	/* Only what the capture says: no runtime state from this machine (no
	 * roots: nothing is read). */
	struct container_config container_config = { 0 };
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

/* The config file, then the command line over it; a broken file stops vigild. */
static void load_config(const struct options *o, struct config *cfg)
{
	const char *path = o->config ? o->config : VIGIL_CONFIG_PATH;
	int err;

	config__defaults(cfg);
	err = config__load(cfg, path, stderr);
	if (err == -EINVAL)
		fatalx("%s has errors: fix them, or start with -c pointing elsewhere", path);
	/* Without -c, no file means the defaults. */
	if (err < 0 && !(err == -ENOENT && !o->config))
		fatalx("cannot read %s: %s", path, strerror(-err));
	if (config__apply_flags(cfg, &o->flags, stderr) < 0)
		exit(2);
}

/* Anomaly items learn into the state directory, once some rules have them. */
static void start_anomaly(const struct config *cfg, struct pipeline *pl)
{
	struct anomaly_config ac = {
		.state_dir = cfg->state_dir,
		.learning_s = cfg->anomaly_learning_s,
		.limits = { .max_scopes = cfg->baseline_max_scopes,
			    .max_tuples = cfg->baseline_max_tuples },
		.save_interval_ns = cfg->baseline_save_interval_ns,
	};

	if (pl->anomaly || !rules__anomaly_count(pl->rules))
		return;
	pl->anomaly = anomaly__open(&ac);
	if (!pl->anomaly)
		fatalx("out of memory");
}

static void start_alerting(const struct config *cfg, struct pipeline *pl,
			   struct metrics **metrics)
{
	struct stats_config sc = {
		.stats_interval_ns = cfg->stats_interval_ns,
		.operational_interval_ns = cfg->operational_interval_ns,
	};
	int err;

	err = sinks__new(&pl->sinks, cfg->sinks, cfg->nsinks, pl->hostname);
	if (err)
		fatalx("cannot start the alert sinks: %s", strerror(-err));
	if (cfg->ratelimit.enabled) {
		pl->ratelimit = ratelimit__new(&cfg->ratelimit);
		if (!pl->ratelimit)
			fatalx("out of memory");
	}
	pl->counters = stats__new(&sc);
	if (!pl->counters)
		fatalx("out of memory");
	pl->match_all = cfg->rule_matching == RULE_MATCHING_ALL;
	if (cfg->metrics_address) {
		err = metrics__start(metrics, cfg->metrics_address);
		if (err)
			fatalx("cannot serve metrics on %s: %s", cfg->metrics_address,
			       strerror(-err));
		stats__set_metrics(pl->counters, *metrics);
		log_info("metrics on http://%s/metrics", cfg->metrics_address);
	}
}

/* Summaries, operational alerts, stats and metrics; the watchdog's keep-alive. */
static void tick(struct bpf_events *be, struct pipeline *pl, uint64_t now_ns, bool watchdog)
{
	uint64_t drops[VIGIL_DROP_REASON_MAX];

	stats__tick(pl->counters, pl, bpf_events__drops(be, drops) < 0 ? NULL : drops, now_ns);
	anomaly__tick(pl->anomaly, pl, now_ns);
	/* From the event loop itself: a loop that hangs stops the keep-alives. */
	if (watchdog)
		sd_notify(0, "WATCHDOG=1");
}

static void print_sink_counters(struct pipeline *pl)
{
	struct sink_stats ss[SINKS_MAX];
	size_t i, n = sinks__stats(pl->sinks, ss, SINKS_MAX);

	log_info("alerts held back by the rate limit %llu, summaries %llu",
		 (unsigned long long)ratelimit__suppressed(pl->ratelimit),
		 (unsigned long long)ratelimit__summaries(pl->ratelimit));
	for (i = 0; i < n; i++)
		log_info("%s: sent %llu, queue full %llu, lost %llu, errors %llu, to stderr %llu",
			 ss[i].name, (unsigned long long)ss[i].sent,
			 (unsigned long long)ss[i].queue_full, (unsigned long long)ss[i].lost,
			 (unsigned long long)ss[i].errors, (unsigned long long)ss[i].fallback);
}

int main(int argc, char **argv)
{
	static struct pipeline pl;
	struct container_config container_config;
	struct bpf_events_config bpf_config = { 0 };
	struct options opts = { 0 };
	struct bpf_events *be = NULL;
	struct bpf_seed *seed = NULL;
	enum cgroup_layout layout;
	uint64_t caps_kept;
	struct sigaction sa = { .sa_handler = on_stop_signal };
	struct sigaction hup = { .sa_handler = on_reload_signal };
	struct sigaction usr1 = { .sa_handler = on_reopen_signal };
	uint64_t drops[VIGIL_DROP_REASON_MAX], now, next_tick = 0, tick_ns = TICK_NS, wd_usec;
	struct metrics *metrics = NULL;
	struct syscall_learner *learner = NULL;
	struct rules_watch *watch = NULL;
	struct config cfg = { 0 };
	bool watchdog;
	int err, n, status = 1;

	parse_options(argc, argv, &opts);
	log_init(opts.debug);
	container_config__defaults(&container_config);

	if (opts.list_fields) {
		fields__print(stdout);
		return 0;
	}
	if (opts.dump)
		return replay__dump(opts.dump, stdout, stderr) ? 1 : 0;
	if (opts.baseline || opts.advise) {
		load_config(&opts, &cfg);
		status = opts.baseline ? baseline_cli__run(opts.baseline, opts.baseline_arg, &cfg)
				       : advise_cli__run(opts.advise, opts.scope, &cfg);
		config__free(&cfg);
		return status;
	}
	pl.rules = rules__load(opts.rules, opts.nrules, stderr);
	if (opts.validate) {
		if (pl.rules)
			printf("%zu rules ok\n", rules__count(pl.rules));
		if (pl.rules && rules__anomaly_count(pl.rules))
			printf("%zu anomaly items ok\n", rules__anomaly_count(pl.rules));
		status = pl.rules ? 0 : 1;
		rules__free(pl.rules);
		return status;
	}
	if (!pl.rules)
		fatalx("no rules loaded: fix the errors above");
	if (users__load("/etc/passwd") < 0)
		log_warnx("cannot read /etc/passwd: user.name will be missing");
	if (groups__load("/etc/group") < 0)
		log_warnx("cannot read /etc/group: group.name will be missing");
	if (opts.replay)
		return run_replay(&opts, &pl);
	load_config(&opts, &cfg);
	bpf_config.ringbuf_bytes = cfg.ring_buffer_bytes;

	/* SIGINT and SIGTERM interrupt the poll (no SA_RESTART) and stop us. */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &hup, NULL);
	sigaction(SIGUSR1, &usr1, NULL);
	signal(SIGPIPE, SIG_IGN);

	pl.procs = proctable__new(PROCTABLE_CAPACITY);
	if (!pl.procs)
		fatalx("out of memory");
	proctable__set_ancestry_depth(pl.procs, cfg.proc_ancestry_depth);
	pipeline__init(&pl);

	wanted_syscalls(&opts, pl.rules, bpf_config.syscalls);
	bpf_config.cgroup_source = cgroup_layout__choose("/sys/fs/cgroup", "/proc/self/cgroup",
							 &layout);
	log_info("cgroup %s: containers are found through %s", cgroup_layout__name(layout),
		 cgroup_source__name(bpf_config.cgroup_source));
	bpf_config.learn_syscalls = cfg.learn_syscalls;
	/* The task iterator seeds the process table without /proc, and knows our
	 * pid as the hooks see it, which getpid() is not in a container. */
	err = bpf_seed__open(&seed, bpf_config.cgroup_source);
	if (err)
		log_warnx("cannot load the task iterator: %s; processes come from /proc",
			  strerror(-err));
	bpf_config.ignore_tgid = seed ? bpf_seed__self_tgid(seed) : 0;
	if (!bpf_config.ignore_tgid)
		bpf_config.ignore_tgid = getpid();
	err = bpf_events__open(&be, &bpf_config, pipeline__handle, &pl);
	if (err)
		goto cleanup;
	push_filters(&opts, pl.rules, be);
	/* After attaching: a process that starts meanwhile is in one or the other. */
	n = seed ? bpf_seed__processes(seed, &pl) : -ENOENT;
	if (n < 0 && seed)
		log_warnx("task iterator failed: %s; processes come from /proc", strerror(-n));
	if (n < 0)
		n = proctable__seed(pl.procs, "/proc");
	if (n < 0)
		log_warnx("cannot read /proc: %s; processes start unknown", strerror(-n));
	bpf_seed__close(seed);
	seed = NULL;
	/* Loaded, attached and seeded: no capability is needed from here on, but
	 * CAP_BPF on kernels that want it for every bpf() call. Capabilities
	 * belong to threads, so this comes before any thread starts. */
	err = caps__drop(be, &caps_kept);
	if (err)
		log_warnx("failed to drop capabilities: %s", strerror(-err));
	else if (caps_kept)
		log_info("keeping CAP_BPF: this kernel wants it for bpf() calls on vigild's maps");

	/* Threads from here on: container metadata, alert sinks, metrics. */
	pl.containers = containers__new(&container_config);
	if (!pl.containers)
		fatalx("out of memory");
	containers__set_forget_fn(pl.containers, forget_cgroup, be);
	if (cfg.learn_syscalls) {
		err = syscall_learner__new(&learner, be, pl.containers, cfg.state_dir);
		if (err)
			fatalx("cannot learn syscalls: %s", strerror(-err));
		containers__set_remove_fn(pl.containers, syscall_learner__cgroup_removed, learner);
	}
	/* Alerts go through the sinks' queues: journald, syslog, JSON (config.c). */
	start_alerting(&cfg, &pl, &metrics);
	start_anomaly(&cfg, &pl);
	if (opts.record) {
		pl.capture = capture__create(opts.record, pl.boot_to_realtime_ns, pl.hostname);
		if (!pl.capture)
			fatal("cannot create %s", opts.record);
	}
	if (pl.capture)
		proctable__foreach(pl.procs, record_process, pl.capture);
	log_info("vigild %s running: %zu rules, %zu anomaly items, %d processes", VIGIL_VERSION,
		 rules__count(pl.rules), rules__anomaly_count(pl.rules), n);
	/* Type=notify: ready once the hooks are attached and the rules loaded. */
	sd_notifyf(0, "READY=1\nSTATUS=watching: %zu rules", rules__count(pl.rules));
	watchdog = sd_watchdog_enabled(0, &wd_usec) > 0;
	if (watchdog && wd_usec * 1000 / 2 < tick_ns)
		tick_ns = wd_usec * 1000 / 2;

	if (cfg.watch_rules) {
		watch = rules_watch__new(opts.rules, opts.nrules);
		if (!watch)
			log_warn("cannot watch the rules for changes");
	}

	while (!stop_requested) {
		now = clock__ns(CLOCK_MONOTONIC);
		if (watch && rules_watch__changed(watch, now))
			reload_requested = 1;
		if (reload_requested) {
			reload_requested = 0;
			reload_rules(&opts, &pl, be);
			start_anomaly(&cfg, &pl);
		}
		if (reopen_requested) {
			reopen_requested = 0;
			sinks__reopen(pl.sinks);
		}
		now = clock__ns(CLOCK_MONOTONIC);
		if (now >= next_tick) {
			tick(be, &pl, now, watchdog);
			if (learner)
				syscall_learner__tick(learner, now);
			next_tick = now + tick_ns;
		}
		containers__poll(pl.containers);
		err = bpf_events__poll(be, POLL_TIMEOUT_MS);
		if (err < 0 && err != -EINTR) {
			log_warnx("failed to read the ring buffer: %s", strerror(-err));
			goto cleanup;
		}
	}
	/* Deliver what is already in the ring before going. */
	bpf_events__poll(be, 0);
	sd_notify(0, "STOPPING=1");
	stats__finish(pl.counters, &pl, bpf_events__drops(be, drops) < 0 ? NULL : drops,
		      clock__ns(CLOCK_MONOTONIC));
	/* The queues drain (a while at most) before the counters are final. */
	sinks__stop(pl.sinks);
	print_counters(be, &pl);
	print_sink_counters(&pl);
	status = 0;

cleanup:
	rules_watch__free(watch);
	if (pl.capture) {
		uint64_t entries = capture__entries(pl.capture);

		err = capture__close(pl.capture);
		if (err)
			log_warnx("capture %s is incomplete: %s", opts.record, strerror(-err));
		else
			log_info("recorded %llu entries to %s", (unsigned long long)entries,
				 opts.record);
	}
	bpf_seed__close(seed);
	syscall_learner__free(learner);
	bpf_events__close(be);
	metrics__stop(metrics);
	/* Saved last: what was learned up to the end. */
	anomaly__close(pl.anomaly);
	sinks__free(pl.sinks);
	ratelimit__free(pl.ratelimit);
	stats__free(pl.counters);
	config__free(&cfg);
	proctable__free(pl.procs);
	containers__free(pl.containers);
	rules__free(pl.rules);
	return status;
}
