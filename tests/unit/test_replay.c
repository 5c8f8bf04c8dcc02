// SPDX-License-Identifier: GPL-2.0-only
/*
 * Event files and captures: JSON lines to records and back, capture files
 * written and read, and a replay through the real pipeline and default rules.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "vigil.h"

static struct record_buf rb;

static const char *data_path(const char *name)
{
	static char path[4096];
	const char *dir = getenv("VIGIL_TEST_DATA");

	snprintf(path, sizeof(path), "%s/%s", dir ? dir : "tests/data", name);
	return path;
}

static void parse_ok(const char *line, bool want_process)
{
	const char *error = NULL;
	enum capture_kind process;

	assert_int_equal(event_json__parse(line, &rb, &process, &error), 0);
	assert_null(error);
	assert_int_equal(process == CAPTURE_PROCESS, want_process);
}

static void test_parse_open(void **state)
{
	struct evt evt;

	(void)state;
	parse_ok("{\"type\":\"open\",\"syscall\":\"openat2\",\"pid\":7,\"comm\":\"cat\","
		 "\"ret\":-13,\"path\":\"/etc/shadow\",\"flags\":577,\"mode\":420,\"ts\":99}",
		 false);
	assert_int_equal(event__decode(rb.u.bytes, rb.len, &evt), 0);
	assert_int_equal(evt.type, VIGIL_EVENT_OPEN);
	assert_int_equal(evt.syscall, VIGIL_SC_OPENAT2);
	assert_int_equal(evt.hdr->pid, 7);
	assert_int_equal(evt.hdr->tid, 7);
	assert_int_equal(evt.hdr->retval, -13);
	assert_int_equal(evt.hdr->ts_ns, 99);
	assert_string_equal(evt.hdr->comm, "cat");
	assert_string_equal(evt.open.path, "/etc/shadow");
	/* A failed open resolved nothing. */
	assert_string_equal(evt.open.resolved, "");
	assert_int_equal(evt.open.dirfd, -100);
	assert_int_equal(evt.open.flags, 577);
	assert_int_equal(evt.open.mode, 420);
}

static void test_parse_exec_and_process(void **state)
{
	struct evt evt;

	(void)state;
	parse_ok("{\"type\":\"exec\",\"pid\":9,\"exe\":\"/usr/bin/nc\",\"args\":[\"nc\",\"-e\","
		 "\"/bin/sh\"],\"env\":[\"A=1\"],\"cwd\":\"/root\",\"tty\":34816}",
		 false);
	assert_int_equal(event__decode(rb.u.bytes, rb.len, &evt), 0);
	assert_int_equal(evt.syscall, VIGIL_SC_EXECVE);
	assert_string_equal(evt.exec.filename, "/usr/bin/nc");
	assert_string_equal(evt.exec.exe, "/usr/bin/nc");
	assert_int_equal(evt.exec.argc, 3);
	assert_int_equal(evt.exec.args_len, sizeof("nc\0-e\0/bin/sh"));
	assert_memory_equal(evt.exec.args, "nc\0-e\0/bin/sh", evt.exec.args_len);
	assert_int_equal(evt.exec.env_len, 4);
	assert_string_equal(evt.exec.cwd, "/root");
	assert_int_equal(evt.exec.tty, 34816);

	parse_ok("{\"type\":\"process\",\"pid\":1,\"exe\":\"/sbin/init\"}", true);
	assert_int_equal(event__decode(rb.u.bytes, rb.len, &evt), 0);
	assert_int_equal(evt.type, VIGIL_EVENT_EXEC);
}

static void test_parse_connect_setid_cgroup(void **state)
{
	struct evt evt;

	(void)state;
	parse_ok("{\"type\":\"connect\",\"syscall\":\"connect\",\"addr\":\"::ffff:10.1.2.3\","
		 "\"port\":4444}",
		 false);
	assert_int_equal(event__decode(rb.u.bytes, rb.len, &evt), 0);
	/* The decoder turns a v4-mapped address into IPv4, as for live events. */
	assert_int_equal(evt.connect.family, 2);
	assert_memory_equal(evt.connect.addr, "\x0a\x01\x02\x03", 4);
	assert_int_equal(evt.connect.port, 4444);

	parse_ok("{\"type\":\"setid\",\"syscall\":\"setresuid\",\"uid\":1000,\"ret\":-1,"
		 "\"args\":[0,0],\"old\":[1000,1000,1000],\"new\":[1000,1000,1000]}",
		 false);
	assert_int_equal(event__decode(rb.u.bytes, rb.len, &evt), 0);
	assert_int_equal(evt.setid.args[0], 0);
	assert_int_equal(evt.setid.args[2], UINT32_MAX);
	assert_int_equal(evt.setid.old_ids[0], 1000);

	parse_ok("{\"type\":\"cgroup\",\"id\":5,\"path\":\"/a/b/c/d/e/f/g/h\"}", false);
	assert_int_equal(event__decode(rb.u.bytes, rb.len, &evt), 0);
	/* Deeper than the kernel sends: the top is cut, and says so. */
	assert_string_equal(evt.cgroup.path, ".../c/d/e/f/g/h");
}

static void test_parse_errors(void **state)
{
	static const struct {
		const char *line;
		const char *error;
	} cases[] = {
		{ "{\"type\":\"nope\"}", "unknown or missing \"type\"" },
		{ "{\"pid\":1}", "unknown or missing \"type\"" },
		{ "[1,2]", "an array where a key belongs" },
		{ "{\"type\":\"open\",\"x\":{\"y\":1}}", "nested objects are not event fields" },
		{ "{\"type\":\"connect\",\"family\":2,\"addr\":\"::1\"}",
		  "addr is not an address of the family" },
	};
	const char *error;
	enum capture_kind process;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		error = NULL;
		assert_true(event_json__parse(cases[i].line, &rb, &process, &error) < 0);
		assert_non_null(error);
		assert_string_equal(error, cases[i].error);
	}
	error = NULL;
	assert_true(event_json__parse("{\"type\":", &rb, &process, &error) < 0);
	assert_non_null(error);
}

/* What --dump writes, --replay reads back to the same record. */
static void test_round_trip(void **state)
{
	static const char *const lines[] = {
		"{\"type\":\"exec\",\"syscall\":\"execveat\",\"ts\":5,\"ret\":0,\"pid\":9,\"tid\":9,"
		"\"ppid\":1,\"uid\":1000,\"gid\":1000,\"euid\":1000,\"cgroup_id\":4,\"pidns\":1,"
		"\"mntns\":2,\"cpu\":1,\"comm\":\"x\",\"filename\":\"/dev/fd/3\",\"exe\":"
		"\"/memfd:x\",\"args\":[\"x\",\"\"],\"argc\":2,\"cwd\":\"/\",\"env\":[\"A=\\\"q\\\"\"],"
		"\"exec_flags\":64,\"tty\":0,\"loginuid\":4294967295,\"sid\":9,\"vpid\":3,"
		"\"cap_effective\":0,\"cap_permitted\":0,\"cap_inheritable\":0,\"start_ns\":4}",
		"{\"type\":\"open\",\"syscall\":\"open\",\"ts\":0,\"ret\":3,\"pid\":1,\"tid\":2,"
		"\"ppid\":0,\"uid\":0,\"gid\":0,\"euid\":0,\"cgroup_id\":1,\"pidns\":0,\"mntns\":0,"
		"\"cpu\":0,\"comm\":\"a\\nb\",\"path\":\"x\",\"resolved\":\"/x\",\"dirfd\":-100,"
		"\"flags\":0,\"mode\":0,\"open_flags\":0}",
		"{\"type\":\"connect\",\"syscall\":\"connect\",\"ts\":0,\"ret\":-111,\"pid\":1,"
		"\"tid\":1,\"ppid\":0,\"uid\":0,\"gid\":0,\"euid\":0,\"cgroup_id\":1,\"pidns\":0,"
		"\"mntns\":0,\"cpu\":0,\"comm\":\"nc\",\"fd\":3,\"family\":10,\"addr\":\"::1\","
		"\"port\":9}",
	};
	static char out[8192];
	struct strbuf sb;
	const char *error;
	enum capture_kind process;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		assert_int_equal(event_json__parse(lines[i], &rb, &process, &error), 0);
		strbuf__init(&sb, out, sizeof(out));
		assert_int_equal(event_json__format(rb.u.bytes, rb.len, NULL, &sb), 0);
		assert_string_equal(out, lines[i]);
	}
}

static void test_container_metadata(void **state)
{
	static char out[4096];
	struct container_meta *m;
	const char *line = "{\"type\":\"container\",\"cgroup_id\":77,\"name\":\"web\","
			   "\"image\":\"registry:5000/a/b:2@sha256:abc\",\"privileged\":1,"
			   "\"created_ns\":12,\"labels\":[\"app=web\",\"x=y=z\"],"
			   "\"pod_name\":\"p\",\"pod_namespace\":\"ns\",\"pod_uid\":\"u\","
			   "\"pod_labels\":[\"team=a\"]}";
	enum capture_kind kind;
	const char *error;
	struct strbuf sb;
	uint64_t id;

	(void)state;
	assert_int_equal(event_json__parse(line, &rb, &kind, &error), 0);
	assert_int_equal(kind, CAPTURE_CONTAINER);
	assert_int_equal(container_json__parse((char *)rb.u.bytes, rb.len, &id, &m, &error), 0);
	assert_int_equal(id, 77);
	assert_string_equal(m->name, "web");
	assert_string_equal(m->image_repository, "registry:5000/a/b");
	assert_string_equal(m->image_tag, "2");
	assert_string_equal(m->image_digest, "sha256:abc");
	assert_true(m->privileged);
	assert_string_equal(container_meta__label(m, "x"), "y=z");
	assert_string_equal(container_meta__pod_label(m, "team"), "a");
	assert_string_equal(m->pod_namespace, "ns");
	/* And back: what a capture holds. */
	strbuf__init(&sb, out, sizeof(out));
	assert_int_equal(container_json__format(id, m, &sb), 0);
	assert_string_equal(out, "{\"type\":\"container\",\"cgroup_id\":77,\"name\":\"web\","
				 "\"image\":\"registry:5000/a/b:2@sha256:abc\",\"privileged\":1,"
				 "\"created_ns\":12,\"labels\":[\"app=web\",\"x=y=z\"],"
				 "\"pod_name\":\"p\",\"pod_namespace\":\"ns\",\"pod_uid\":\"u\","
				 "\"pod_labels\":[\"team=a\"]}");
	container_meta__free(m);
	assert_true(container_json__parse("{\"type\":\"container\"}", 24, &id, &m, &error) < 0);
	assert_string_equal(error, "a container needs its \"cgroup_id\"");
}

static void test_capture_file(void **state)
{
	char path[] = "/tmp/vigil-test-capture-XXXXXX";
	struct capture_reader *r;
	enum capture_kind kind;
	const char *error;
	struct capture *c;
	struct stat st;
	enum capture_kind process;
	size_t len;
	void *data;
	FILE *f;
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	c = capture__create(path, -42, "node-1");
	assert_non_null(c);
	assert_int_equal(event_json__parse("{\"type\":\"process\",\"pid\":1,\"exe\":\"/init\"}",
					   &rb, &process, &error),
			 0);
	assert_int_equal(capture__write(c, CAPTURE_PROCESS, rb.u.bytes, rb.len), 0);
	assert_int_equal(event_json__parse("{\"type\":\"exit\",\"pid\":1,\"exit_code\":9}", &rb,
					   &process, &error),
			 0);
	assert_int_equal(capture__write(c, CAPTURE_EVENT, rb.u.bytes, rb.len), 0);
	assert_int_equal(capture__entries(c), 2);
	assert_int_equal(capture__close(c), 0);

	assert_true(capture__is_capture(path));
	assert_int_equal(capture_reader__open(&r, path, &error), 0);
	assert_int_equal(capture_reader__boot_to_realtime(r), -42);
	assert_string_equal(capture_reader__hostname(r), "node-1");
	assert_int_equal(capture_reader__next(r, &kind, &data, &len), 1);
	assert_int_equal(kind, CAPTURE_PROCESS);
	assert_int_equal(capture_reader__next(r, &kind, &data, &len), 1);
	assert_int_equal(kind, CAPTURE_EVENT);
	assert_int_equal(len, sizeof(struct vigil_exit_event));
	assert_int_equal(((struct vigil_exit_event *)data)->exit_code, 9);
	assert_int_equal(capture_reader__next(r, &kind, &data, &len), 0);
	capture_reader__close(r);

	/* Cut in the middle of the last entry: an error, not a short record. */
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(truncate(path, st.st_size - 8), 0);
	assert_int_equal(capture_reader__open(&r, path, &error), 0);
	assert_int_equal(capture_reader__next(r, &kind, &data, &len), 1);
	assert_int_equal(capture_reader__next(r, &kind, &data, &len), -EINVAL);
	capture_reader__close(r);

	/* Another event ABI is refused. */
	f = fopen(path, "r+");
	assert_non_null(f);
	fseek(f, 12, SEEK_SET);
	fputc(0x7f, f);
	fclose(f);
	assert_int_equal(capture_reader__open(&r, path, &error), -EINVAL);
	assert_string_equal(error, "capture records have another event abi");
	unlink(path);
}

static void test_replay_default_rules(void **state)
{
	const char *rules = "rules/vigil_rules.yaml";
	struct container_config cc = { .podman_root = "/nonexistent", .docker_root = "/nonexistent" };
	static struct pipeline pl;
	struct replay_stats st;
	char *out = NULL, *err = NULL;
	size_t outlen = 0, errlen = 0;
	FILE *outf, *errf;

	(void)state;
	outf = open_memstream(&out, &outlen);
	errf = open_memstream(&err, &errlen);
	pl.rules = rules__load(&rules, 1, errf);
	assert_non_null(pl.rules);
	pl.containers = containers__new(&cc);
	pl.procs = proctable__new(1024);
	pipeline__init(&pl);
	pl.journald = false;
	pl.json_out = outf;
	assert_int_equal(replay__run(&pl, data_path("replay/container_shadow.jsonl"), errf, &st),
			 0);
	fclose(outf);
	fclose(errf);
	assert_int_equal(st.events, 7);
	assert_int_equal(st.errors, 0);
	assert_string_equal(err, "");
	/* One alert: the read of /etc/shadow, by cat, child of sh, in the container. */
	assert_int_equal(pl.stats.alerts, 1);
	assert_non_null(strstr(out, "\"rule\":\"Read sensitive file untrusted\""));
	assert_non_null(strstr(out, "\"container.id\":\"a17c3da7f179\""));
	/* The container's metadata came from the file, not from this machine. */
	assert_non_null(strstr(out, "\"container.name\":\"web\""));
	assert_non_null(strstr(out, "\"proc.pname\":\"sh\""));
	assert_non_null(strstr(out, "\"proc.cmdline\":\"cat /etc/shadow\""));
	assert_non_null(strstr(out, "\"time\":\"1970-01-01T00:00:00.000003000Z\""));
	free(out);
	free(err);
	proctable__free(pl.procs);
	containers__free(pl.containers);
	rules__free(pl.rules);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_open),
		cmocka_unit_test(test_parse_exec_and_process),
		cmocka_unit_test(test_parse_connect_setid_cgroup),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_container_metadata),
		cmocka_unit_test(test_capture_file),
		cmocka_unit_test(test_replay_default_rules),
	};

	return cmocka_run_group_tests_name("replay", tests, NULL, NULL);
}
