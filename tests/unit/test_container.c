// SPDX-License-Identifier: GPL-2.0-only
/*
 * The cgroup id to container table and its resolver thread: lookups that
 * never wait, metadata that arrives later through containers__poll, retries
 * for state written late, a malformed file reported once, metadata read
 * ahead when a container's state appears, expiry on cgroup removal, and the
 * bounded LRU with its forget callback. Fixtures are those of
 * test_container_meta.c, relative to the repository root or $VIGIL_TEST_DATA.
 */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "vigil.h"

#define PM_WEB "1b54c976a726e996245ec27f04cc899edb9f37c9f6728eefc0d705ba1ed9c4b1"
#define PM_PRIV "7ca79b2011b410a1d50e893137d88337e1878afd4e547cfc8870f0331d7555ff"
#define PM_WORKER "71ea987df9c181d6d1119a2d545ae40059df2525dbc8d0bff697ae8f2773af60"
#define PM_POD "dd708df1aa41ef5c37a2e8b72422e722107bfc464218c9d5c8c8cc0fed7afaa3"
#define DK_WEB "088665b092332466161712978eda8c68577e88b38f2a6e028d92a4cfcae4c7ee"
#define DK_DB "7c4c70faf11da05dbe74851032b14f1bf9fe7433c3a441424693e36dfb270412"
#define DK_K8S_NGINX "e1b2c3d4f5a6978812345678abcdef0123456789abcdef0123456789abcdef01"
#define CRIO_API "8e3f5d2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e"
#define CTRD_NGINX "19540ff7f8c7b682802f00b72e865a6f9964c23c0580682faaa33dff7a689e1e"
#define UNKNOWN_ID "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define K8S_POD "/kubepods/besteffort/pod57f3121e-1abd-4be0-a542-c25efced370a/"

/* Fast retries, so that giving up takes a fraction of a second. */
#define TEST_RETRY_FIRST_MS 5
#define TEST_RETRY_MAX_MS 20
#define TEST_GIVE_UP_MS 300
/* Long enough for any of the above on a loaded machine. */
#define WAIT_MS 5000

static char podman_root[1024];
static char crio_root[1024];
static char docker_root[1024];
static char ctrd_tasks[1024];
static char ctrd_db[1024];

static int group_setup(void **state)
{
	const char *data = getenv("VIGIL_TEST_DATA");

	(void)state;
	if (!data || !*data)
		data = "tests/data";
	snprintf(podman_root, sizeof(podman_root), "%s/podman", data);
	snprintf(crio_root, sizeof(crio_root), "%s/crio", data);
	snprintf(docker_root, sizeof(docker_root), "%s/docker", data);
	snprintf(ctrd_tasks, sizeof(ctrd_tasks), "%s/containerd/io.containerd.runtime.v2.task",
		 data);
	snprintf(ctrd_db, sizeof(ctrd_db), "%s/containerd/io.containerd.metadata.v1.bolt/meta.db",
		 data);
	if (access(podman_root, R_OK) || access(docker_root, R_OK)) {
		fprintf(stderr, "no fixtures under %s: run from the repository root or set "
				"VIGIL_TEST_DATA\n", data);
		return -1;
	}
	return 0;
}

static void config__fixtures(struct container_config *config)
{
	memset(config, 0, sizeof(*config));
	config->podman_root = podman_root;
	config->crio_root = crio_root;
	config->docker_root = docker_root;
	config->containerd_root = ctrd_tasks;
	config->containerd_db = ctrd_db;
	config->retry_first_ms = TEST_RETRY_FIRST_MS;
	config->retry_max_ms = TEST_RETRY_MAX_MS;
	config->give_up_ms = TEST_GIVE_UP_MS;
}

static int cache_setup(void **state)
{
	struct container_config config;

	config__fixtures(&config);
	*state = containers__new(&config);
	return *state ? 0 : -1;
}

static int cache_teardown(void **state)
{
	containers__free(*state);
	return 0;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Polls cs, as the daemon's loop does, until cond holds or WAIT_MS passes. */
#define WAIT_UNTIL(cs, cond)                                                                   \
	do {                                                                                   \
		uint64_t until_ = now_ms() + WAIT_MS;                                          \
		for (;;) {                                                                     \
			containers__poll(cs);                                                  \
			if (cond)                                                              \
				break;                                                         \
			assert_true(now_ms() < until_);                                        \
			usleep(1000);                                                          \
		}                                                                              \
	} while (0)

static struct containers_stats stats(const struct containers *cs)
{
	struct containers_stats st;

	containers__stats(cs, &st);
	return st;
}

static void assert_container(const struct container *c, enum container_runtime runtime,
			     const char *full_id, const char *name)
{
	assert_int_equal(c->runtime, runtime);
	assert_string_equal(c->full_id, full_id);
	assert_int_equal(strlen(c->id), CONTAINER_SHORT_ID_LEN);
	assert_memory_equal(c->id, full_id, CONTAINER_SHORT_ID_LEN);
	assert_string_equal(c->name, name);
}

static bool named(struct containers *cs, uint64_t cgroup_id)
{
	return containers__lookup(cs, cgroup_id)->name[0] != '\0';
}

static bool answered(struct containers *cs, uint64_t cgroup_id)
{
	return containers__lookup(cs, cgroup_id)->meta != NULL;
}

static void test_host(void **state)
{
	(void)state;
	assert_int_equal(container_host.runtime, RUNTIME_HOST);
	assert_string_equal(container_host.id, "host");
	assert_string_equal(container_host.full_id, "host");
	assert_string_equal(container_host.name, "host");
	assert_null(container_host.meta);
}

static void test_unknown_is_host(void **state)
{
	struct containers *cs = *state;

	assert_ptr_equal(containers__lookup(cs, 0), &container_host);
	assert_ptr_equal(containers__lookup(cs, 4242), &container_host);
	assert_int_equal(containers__count(cs), 0);
	containers__remove_cgroup(cs, 4242);
	assert_int_equal(stats(cs).removed, 0);
}

static void test_not_a_container(void **state)
{
	struct containers *cs = *state;

	containers__add_cgroup(cs, 10, "/system.slice/sshd.service");
	containers__add_cgroup(cs, 11, "/libpod_parent/libpod-conmon-" PM_WEB ".scope");
	containers__add_cgroup(cs, 12, "/");
	containers__add_cgroup(cs, 13, "");
	containers__add_cgroup(cs, 14, NULL);
	containers__add_cgroup(cs, 15, "/libpod_parent/" PM_POD);
	for (uint64_t id = 10; id <= 15; id++)
		assert_ptr_equal(containers__lookup(cs, id), &container_host);
	assert_int_equal(containers__count(cs), 0);
}

/* A lookup never waits: the id at once, the metadata when the resolver has it. */
static void test_id_first_then_metadata(void **state)
{
	struct containers *cs = *state;
	const struct container *c;

	containers__add_cgroup(cs, 101, "/libpod_parent/libpod-" PM_WEB);
	c = containers__lookup(cs, 101);
	assert_int_equal(c->runtime, RUNTIME_PODMAN);
	assert_string_equal(c->full_id, PM_WEB);
	assert_string_equal(c->id, "1b54c976a726");
	WAIT_UNTIL(cs, named(cs, 101));
	c = containers__lookup(cs, 101);
	assert_container(c, RUNTIME_PODMAN, PM_WEB, "vigil-fx-web");
	assert_non_null(c->meta);
	assert_string_equal(c->meta->image, "localhost/vigil-test:1");
	assert_string_equal(container_meta__label(c->meta, "app"), "web");
	assert_int_equal(stats(cs).resolved, 1);
	assert_int_equal(stats(cs).containers, 1);
}

/* Every runtime, by the cgroup path its driver gives. */
static void test_every_runtime(void **state)
{
	static const struct {
		uint64_t cgroup_id;
		const char *path;
		enum container_runtime runtime;
		const char *full_id, *name, *image, *pod, *ns;
	} cases[] = {
		{ 201, "/libpod_parent/libpod-" PM_PRIV, RUNTIME_PODMAN, PM_PRIV, "vigil-fx-priv",
		  "localhost/vigil-test:1", NULL, NULL },
		{ 202, "/libpod_parent/" PM_POD "/libpod-" PM_WORKER, RUNTIME_PODMAN, PM_WORKER,
		  "vigil-fx-pod-worker", "localhost/vigil-test:1", "vigil-fx-pod", "vigil-ns" },
		{ 203, "/system.slice/docker-" DK_WEB ".scope", RUNTIME_DOCKER, DK_WEB, "web",
		  "nginx:1.25", NULL, NULL },
		{ 204, "/docker/" DK_DB, RUNTIME_DOCKER, DK_DB, "shop-db-1", "redis:7", NULL,
		  NULL },
		{ 205,
		  "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod2c9e4b7a_8d1f_"
		  "4e3a_b6c5_0f9d8e7a6b5c.slice/crio-" CRIO_API ".scope",
		  RUNTIME_CRIO, CRIO_API, "api", "docker.io/library/nginx:1.25",
		  "api-6d8f7b9c5-qw4rt", "payments" },
		{ 206, "/k8s.io/" CTRD_NGINX, RUNTIME_CONTAINERD, CTRD_NGINX, "nginx",
		  "localhost/vigil-test:1", "web-7c5b4f6f9d-x2x8k", "shop" },
		/* cgroupfs under kubepods is containerd's or cri-dockerd's: the state tells */
		{ 207, K8S_POD DK_K8S_NGINX, RUNTIME_DOCKER, DK_K8S_NGINX, "nginx",
		  "sha256:a8758716bb6aa4d90071160d27028fe4eaee7ce8166221a97d30440c8eac2be6",
		  "web-7c5b4f6f9d-x2x8k", "shop" },
	};
	struct containers *cs = *state;
	const struct container *c;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		containers__add_cgroup(cs, cases[i].cgroup_id, cases[i].path);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		WAIT_UNTIL(cs, answered(cs, cases[i].cgroup_id));
		c = containers__lookup(cs, cases[i].cgroup_id);
		assert_container(c, cases[i].runtime, cases[i].full_id, cases[i].name);
		assert_string_equal(c->meta->image, cases[i].image);
		if (cases[i].pod)
			assert_string_equal(c->meta->pod_name, cases[i].pod);
		else
			assert_null(c->meta->pod_name);
		if (cases[i].ns)
			assert_string_equal(c->meta->pod_namespace, cases[i].ns);
	}
	assert_true(containers__lookup(cs, 201)->meta->privileged);
	assert_int_equal(stats(cs).resolved, 7);
	assert_int_equal(stats(cs).gave_up, 0);
}

/* A container's cgroups share one container, read once; the last one to go takes it along. */
static void test_shared_and_removed(void **state)
{
	struct containers *cs = *state;
	const struct container *c;

	containers__add_cgroup(cs, 301, "/machine.slice/libpod-" PM_WEB ".scope");
	containers__add_cgroup(cs, 302, "/machine.slice/libpod-" PM_WEB ".scope/container");
	assert_ptr_equal(containers__lookup(cs, 301), containers__lookup(cs, 302));
	WAIT_UNTIL(cs, named(cs, 302));
	c = containers__lookup(cs, 301);
	assert_container(c, RUNTIME_PODMAN, PM_WEB, "vigil-fx-web");
	assert_int_equal(containers__count(cs), 2);
	assert_int_equal(stats(cs).containers, 1);
	assert_int_equal(stats(cs).resolved, 1);

	containers__remove_cgroup(cs, 302);
	assert_ptr_equal(containers__lookup(cs, 302), &container_host);
	assert_container(containers__lookup(cs, 301), RUNTIME_PODMAN, PM_WEB, "vigil-fx-web");
	assert_int_equal(stats(cs).containers, 1);

	containers__remove_cgroup(cs, 301);
	containers__remove_cgroup(cs, 301);
	assert_ptr_equal(containers__lookup(cs, 301), &container_host);
	assert_int_equal(containers__count(cs), 0);
	assert_int_equal(stats(cs).containers, 0);
	assert_int_equal(stats(cs).removed, 2);

	/* Seen again (a restart keeps the id): read again. */
	containers__add_cgroup(cs, 303, "/machine.slice/libpod-" PM_WEB ".scope");
	WAIT_UNTIL(cs, named(cs, 303));
	assert_int_equal(stats(cs).resolved, 2);
}

/* A cgroup id told again with another path is the new path's. */
static void test_readd(void **state)
{
	struct containers *cs = *state;

	containers__add_cgroup(cs, 500, "/docker/" DK_WEB);
	containers__add_cgroup(cs, 500, "/docker/" DK_WEB);
	assert_int_equal(containers__count(cs), 1);
	WAIT_UNTIL(cs, named(cs, 500));
	assert_container(containers__lookup(cs, 500), RUNTIME_DOCKER, DK_WEB, "web");
	containers__add_cgroup(cs, 500, "/libpod_parent/libpod-" PM_WEB);
	assert_int_equal(containers__count(cs), 1);
	assert_int_equal(stats(cs).containers, 1);
	WAIT_UNTIL(cs, named(cs, 500));
	assert_container(containers__lookup(cs, 500), RUNTIME_PODMAN, PM_WEB, "vigil-fx-web");
	containers__add_cgroup(cs, 500, "/system.slice/sshd.service");
	assert_int_equal(containers__count(cs), 0);
	assert_int_equal(stats(cs).containers, 0);
	assert_ptr_equal(containers__lookup(cs, 500), &container_host);
}

/* Without roots there is nothing to read: the id, at once, and no retrying. */
static void test_no_roots(void **state)
{
	struct container_config config = { 0 };
	struct containers *cs = containers__new(&config);

	(void)state;
	assert_non_null(cs);
	containers__add_cgroup(cs, 1, "/libpod_parent/libpod-" PM_WEB);
	containers__add_cgroup(cs, 2, "/docker/" DK_WEB);
	containers__add_cgroup(cs, 3, "/user.slice/user-1000.slice/user@1000.service/user.slice/"
				      "libpod-" PM_WEB ".scope");
	usleep(50000);
	containers__poll(cs);
	assert_container(containers__lookup(cs, 1), RUNTIME_PODMAN, PM_WEB, "");
	assert_container(containers__lookup(cs, 2), RUNTIME_DOCKER, DK_WEB, "");
	assert_null(containers__lookup(cs, 2)->meta);
	assert_int_equal(stats(cs).retries, 0);
	containers__free(cs);
	containers__free(NULL);
	cs = containers__new(NULL);
	assert_non_null(cs);
	containers__free(cs);
}

/* A scratch root for a runtime's state, written as the test goes. */
struct scratch {
	char dir[64];
};

static void scratch__make(struct scratch *s)
{
	strcpy(s->dir, "/tmp/vigil-test-XXXXXX");
	assert_non_null(mkdtemp(s->dir));
}

static void scratch__mkdir(const struct scratch *s, const char *rel)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", s->dir, rel);
	assert_int_equal(mkdir(path, 0755), 0);
}

/* Writes a file the way runtimes do: a temporary, renamed into place. */
static void scratch__write(const struct scratch *s, const char *rel, const char *text)
{
	char path[PATH_MAX], tmp[PATH_MAX + 8];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", s->dir, rel);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	assert_non_null(f);
	assert_true(fputs(text, f) >= 0);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(rename(tmp, path), 0);
}

static void scratch__remove(struct scratch *s)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", s->dir);
	assert_int_equal(system(cmd), 0);
}

static struct containers *scratch__docker(const struct scratch *s)
{
	struct container_config config = {
		.docker_root = s->dir,
		.retry_first_ms = TEST_RETRY_FIRST_MS,
		.retry_max_ms = TEST_RETRY_MAX_MS,
		.give_up_ms = TEST_GIVE_UP_MS,
	};
	struct containers *cs = containers__new(&config);

	assert_non_null(cs);
	return cs;
}

#define DOCKER_CONFIG(name)                                                                    \
	"{\"ID\":\"" UNKNOWN_ID "\",\"Created\":\"2024-03-05T09:12:44Z\",\"Name\":\"/" name   \
	"\",\"Config\":{\"Image\":\"busybox:1.36\",\"Labels\":{}},\"Image\":\"sha256:00\"}"

/* State written after the container's first event is picked up by a retry. */
static void test_retry_until_written(void **state)
{
	struct containers *cs;
	struct scratch s;

	(void)state;
	scratch__make(&s);
	cs = scratch__docker(&s);
	containers__add_cgroup(cs, 1, "/docker/" UNKNOWN_ID);
	usleep(30000);
	containers__poll(cs);
	assert_container(containers__lookup(cs, 1), RUNTIME_DOCKER, UNKNOWN_ID, "");
	assert_null(containers__lookup(cs, 1)->meta);
	assert_true(stats(cs).retries > 0);

	scratch__mkdir(&s, "containers");
	scratch__mkdir(&s, "containers/" UNKNOWN_ID);
	scratch__write(&s, "containers/" UNKNOWN_ID "/config.v2.json", DOCKER_CONFIG("late"));
	scratch__write(&s, "containers/" UNKNOWN_ID "/hostconfig.json", "{\"Privileged\":true}");
	WAIT_UNTIL(cs, named(cs, 1));
	assert_container(containers__lookup(cs, 1), RUNTIME_DOCKER, UNKNOWN_ID, "late");
	assert_true(containers__lookup(cs, 1)->meta->privileged);
	assert_int_equal(stats(cs).resolved, 1);
	assert_int_equal(stats(cs).gave_up, 0);
	containers__free(cs);
	scratch__remove(&s);
}

/* Never written: given up after give_up_ms, keeping the id. */
static void test_give_up(void **state)
{
	struct containers_stats st;
	struct containers *cs;
	struct scratch s;
	uint64_t retries;

	(void)state;
	scratch__make(&s);
	cs = scratch__docker(&s);
	containers__add_cgroup(cs, 1, "/docker/" UNKNOWN_ID);
	WAIT_UNTIL(cs, stats(cs).gave_up == 1);
	st = stats(cs);
	/* 5, 10, 20, 20, ... ms up to 300 ms */
	assert_true(st.retries >= 3 && st.retries <= TEST_GIVE_UP_MS / TEST_RETRY_MAX_MS + 4);
	assert_container(containers__lookup(cs, 1), RUNTIME_DOCKER, UNKNOWN_ID, "");
	retries = st.retries;
	usleep(100000);
	containers__poll(cs);
	assert_int_equal(stats(cs).retries, retries);
	containers__free(cs);
	scratch__remove(&s);
}

/* A malformed file is reported once and retried only a little. */
static void test_malformed_once(void **state)
{
	struct containers *cs;
	struct scratch s;

	(void)state;
	scratch__make(&s);
	scratch__mkdir(&s, "containers");
	scratch__mkdir(&s, "containers/" UNKNOWN_ID);
	scratch__write(&s, "containers/" UNKNOWN_ID "/config.v2.json", "{\"Name\": \"/cut");
	cs = scratch__docker(&s);
	containers__add_cgroup(cs, 1, "/docker/" UNKNOWN_ID);
	WAIT_UNTIL(cs, stats(cs).gave_up == 1);
	assert_int_equal(stats(cs).malformed, 1);
	assert_int_equal(stats(cs).retries, 2);
	/* Fixed later: not looked at again, the container keeps its id. */
	scratch__write(&s, "containers/" UNKNOWN_ID "/config.v2.json", DOCKER_CONFIG("fixed"));
	usleep(100000);
	containers__poll(cs);
	assert_container(containers__lookup(cs, 1), RUNTIME_DOCKER, UNKNOWN_ID, "");
	assert_int_equal(stats(cs).retries, 2);
	assert_int_equal(stats(cs).malformed, 1);
	containers__free(cs);
	scratch__remove(&s);
}

/* A podman spec cut short: looked at twice more, then the name from
 * containers.json is kept and the spec reported malformed. */
static void test_malformed_spec_keeps_name(void **state)
{
	struct container_config config;
	struct containers *cs;
	struct scratch s;
	char cmd[PATH_MAX * 2 + 64];

	(void)state;
	scratch__make(&s);
	snprintf(cmd, sizeof(cmd), "cp -r '%s'/. '%s'/", podman_root, s.dir);
	assert_int_equal(system(cmd), 0);
	scratch__write(&s, "overlay-containers/" PM_WEB "/userdata/config.json", "{\"process\":");
	config__fixtures(&config);
	config.podman_root = s.dir;
	cs = containers__new(&config);
	assert_non_null(cs);
	containers__add_cgroup(cs, 1, "/libpod_parent/libpod-" PM_WEB);
	WAIT_UNTIL(cs, named(cs, 1));
	assert_container(containers__lookup(cs, 1), RUNTIME_PODMAN, PM_WEB, "vigil-fx-web");
	assert_int_equal(stats(cs).malformed, 1);
	assert_int_equal(stats(cs).retries, 2);
	assert_int_equal(stats(cs).gave_up, 0);
	containers__free(cs);
	scratch__remove(&s);
}

/* A cgroup removed while its state is awaited stops the waiting. */
static void test_cancel(void **state)
{
	struct containers *cs;
	struct scratch s;

	(void)state;
	scratch__make(&s);
	cs = scratch__docker(&s);
	containers__add_cgroup(cs, 1, "/docker/" UNKNOWN_ID);
	usleep(20000);
	containers__remove_cgroup(cs, 1);
	usleep(TEST_GIVE_UP_MS * 1000 + 100000);
	containers__poll(cs);
	assert_int_equal(stats(cs).gave_up, 0);
	assert_int_equal(stats(cs).containers, 0);
	assert_int_equal(stats(cs).prefetched_held, 0);
	containers__free(cs);
	scratch__remove(&s);
}

/*
 * The state appearing in a watched root is read at once, so the container's
 * very first event finds its metadata: here as podman writes it at create,
 * before the container's first process runs.
 */
static void test_read_ahead(void **state)
{
	char json[4096];
	struct container_config config = { 0 };
	struct containers *cs;
	struct scratch s;

	(void)state;
	scratch__make(&s);
	scratch__mkdir(&s, "overlay-containers");
	config.podman_root = s.dir;
	config.retry_first_ms = TEST_RETRY_FIRST_MS;
	/* The watches are armed when containers__new returns. */
	cs = containers__new(&config);
	assert_non_null(cs);

	scratch__mkdir(&s, "overlay-containers/" UNKNOWN_ID);
	scratch__mkdir(&s, "overlay-containers/" UNKNOWN_ID "/userdata");
	scratch__write(&s, "overlay-containers/" UNKNOWN_ID "/userdata/config.json",
		       "{\"annotations\":{\"io.podman.annotations.privileged\":\"TRUE\"}}");
	snprintf(json, sizeof(json),
		 "[{\"id\":\"" UNKNOWN_ID "\",\"names\":[\"early\"],\"image\":\"%064d\","
		 "\"metadata\":\"{\\\"image-name\\\":\\\"localhost/early:2\\\"}\","
		 "\"created\":\"2026-12-03T15:09:47.941797424Z\"}]", 0);
	scratch__write(&s, "overlay-containers/containers.json", json);
	WAIT_UNTIL(cs, stats(cs).prefetched_held == 1);
	assert_int_equal(stats(cs).prefetched, 1);
	assert_int_equal(stats(cs).containers, 0);

	/* The first event: metadata already there, nothing asked of the resolver. */
	containers__add_cgroup(cs, 7, "/libpod_parent/libpod-" UNKNOWN_ID);
	assert_container(containers__lookup(cs, 7), RUNTIME_PODMAN, UNKNOWN_ID, "early");
	assert_string_equal(containers__lookup(cs, 7)->meta->image, "localhost/early:2");
	assert_true(containers__lookup(cs, 7)->meta->privileged);
	assert_int_equal(stats(cs).prefetched_held, 0);
	assert_int_equal(stats(cs).containers, 1);
	assert_int_equal(stats(cs).resolved, 0);

	containers__remove_cgroup(cs, 7);
	assert_int_equal(stats(cs).containers, 0);
	containers__free(cs);
	scratch__remove(&s);
}

/* Rootless podman: the storage of the user the cgroup path names. */
static void test_rootless(void **state)
{
	char tmpl[PATH_MAX], cmd[PATH_MAX * 2];
	struct container_config config = { 0 };
	struct containers *cs;
	struct scratch s;

	(void)state;
	scratch__make(&s);
	scratch__mkdir(&s, "1000");
	snprintf(cmd, sizeof(cmd), "cp -r '%s' '%s/1000/storage'", podman_root, s.dir);
	assert_int_equal(system(cmd), 0);
	snprintf(tmpl, sizeof(tmpl), "%s/%%u/storage", s.dir);
	config.podman_user_root = tmpl;
	config.give_up_ms = TEST_GIVE_UP_MS;
	cs = containers__new(&config);
	assert_non_null(cs);
	containers__add_cgroup(cs, 1, "/user.slice/user-1000.slice/user@1000.service/user.slice/"
				      "libpod-" PM_WEB ".scope/container");
	WAIT_UNTIL(cs, named(cs, 1));
	assert_container(containers__lookup(cs, 1), RUNTIME_PODMAN, PM_WEB, "vigil-fx-web");
	/* Rooted podman's containers are not looked for there. */
	containers__add_cgroup(cs, 2, "/libpod_parent/libpod-" PM_PRIV);
	usleep(50000);
	containers__poll(cs);
	assert_container(containers__lookup(cs, 2), RUNTIME_PODMAN, PM_PRIV, "");
	assert_int_equal(stats(cs).resolved, 1);
	containers__free(cs);
	scratch__remove(&s);
}

struct forgotten {
	uint64_t ids[8];
	size_t n;
};

static void forget(void *ctx, uint64_t cgroup_id)
{
	struct forgotten *f = ctx;

	if (f->n < sizeof(f->ids) / sizeof(f->ids[0]))
		f->ids[f->n] = cgroup_id;
	f->n++;
}

static void test_eviction(void **state)
{
	struct container_config config = { 0 };
	char path[256], id[CONTAINER_ID_LEN + 1];
	struct forgotten f = { { 0 }, 0 };
	struct containers *cs;
	uint64_t i;

	(void)state;
	/* No roots: the table alone. */
	cs = containers__new(&config);
	assert_non_null(cs);
	containers__set_forget_fn(cs, forget, &f);
	for (i = 1; i <= CONTAINERS_MAX; i++) {
		snprintf(path, sizeof(path), K8S_POD "%064llx", (unsigned long long)i);
		containers__add_cgroup(cs, i, path);
	}
	assert_int_equal(containers__count(cs), CONTAINERS_MAX);
	assert_int_equal(containers__evictions(cs), 0);
	assert_int_equal(f.n, 0);

	/* Used just now, so not the least recently used any more. */
	assert_string_equal(containers__lookup(cs, 1)->full_id,
			    "0000000000000000000000000000000000000000000000000000000000000001");
	snprintf(path, sizeof(path), K8S_POD "%064llx", (unsigned long long)CONTAINERS_MAX + 1);
	containers__add_cgroup(cs, CONTAINERS_MAX + 1, path);
	assert_int_equal(containers__count(cs), CONTAINERS_MAX);
	assert_int_equal(containers__evictions(cs), 1);
	assert_int_equal(f.n, 1);
	assert_int_equal(f.ids[0], 2);
	assert_ptr_equal(containers__lookup(cs, 2), &container_host);
	assert_ptr_not_equal(containers__lookup(cs, 1), &container_host);
	assert_ptr_not_equal(containers__lookup(cs, 3), &container_host);
	assert_ptr_not_equal(containers__lookup(cs, CONTAINERS_MAX + 1), &container_host);

	/* A full second generation pushes out every one of the first. */
	for (i = CONTAINERS_MAX + 2; i <= 2 * CONTAINERS_MAX + 1; i++) {
		snprintf(path, sizeof(path), K8S_POD "%064llx", (unsigned long long)i);
		containers__add_cgroup(cs, i, path);
	}
	assert_int_equal(containers__count(cs), CONTAINERS_MAX);
	assert_int_equal(containers__evictions(cs), CONTAINERS_MAX + 1);
	assert_int_equal(f.n, CONTAINERS_MAX + 1);
	/* 3 was looked up after 2 went: 4 was the least recently used */
	assert_int_equal(f.ids[1], 4);
	assert_int_equal(stats(cs).containers, CONTAINERS_MAX);
	for (i = 1; i <= CONTAINERS_MAX; i++)
		assert_ptr_equal(containers__lookup(cs, i), &container_host);
	for (i = CONTAINERS_MAX + 2; i <= 2 * CONTAINERS_MAX + 1; i++) {
		snprintf(id, sizeof(id), "%064llx", (unsigned long long)i);
		assert_container(containers__lookup(cs, i), RUNTIME_CONTAINERD, id, "");
	}
	/* Removal is not eviction: the cgroup is gone, nothing to announce again. */
	containers__remove_cgroup(cs, 2 * CONTAINERS_MAX + 1);
	assert_int_equal(f.n, CONTAINERS_MAX + 1);
	containers__free(cs);
}

/* Containers coming and going leave nothing behind. */
static void test_churn(void **state)
{
	struct containers *cs = *state;
	char path[256];
	uint64_t i;

	for (i = 1; i <= 20000; i++) {
		snprintf(path, sizeof(path), "/libpod_parent/libpod-%064llx",
			 (unsigned long long)i);
		containers__add_cgroup(cs, 1000000 + i, path);
		snprintf(path, sizeof(path), "/libpod_parent/libpod-%064llx.scope/container",
			 (unsigned long long)i);
		containers__add_cgroup(cs, 2000000 + i, path);
		containers__remove_cgroup(cs, 2000000 + i);
		containers__remove_cgroup(cs, 1000000 + i);
		if (!(i % 100))
			containers__poll(cs);
	}
	containers__poll(cs);
	assert_int_equal(containers__count(cs), 0);
	assert_int_equal(stats(cs).containers, 0);
	assert_int_equal(stats(cs).evictions, 0);
	assert_int_equal(stats(cs).removed, 40000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_host),
		cmocka_unit_test_setup_teardown(test_unknown_is_host, cache_setup, cache_teardown),
		cmocka_unit_test_setup_teardown(test_not_a_container, cache_setup, cache_teardown),
		cmocka_unit_test_setup_teardown(test_id_first_then_metadata, cache_setup,
						cache_teardown),
		cmocka_unit_test_setup_teardown(test_every_runtime, cache_setup, cache_teardown),
		cmocka_unit_test_setup_teardown(test_shared_and_removed, cache_setup,
						cache_teardown),
		cmocka_unit_test_setup_teardown(test_readd, cache_setup, cache_teardown),
		cmocka_unit_test(test_no_roots),
		cmocka_unit_test(test_retry_until_written),
		cmocka_unit_test(test_give_up),
		cmocka_unit_test(test_malformed_once),
		cmocka_unit_test(test_malformed_spec_keeps_name),
		cmocka_unit_test(test_cancel),
		cmocka_unit_test(test_read_ahead),
		cmocka_unit_test(test_rootless),
		cmocka_unit_test(test_eviction),
		cmocka_unit_test_setup_teardown(test_churn, cache_setup, cache_teardown),
	};

	return cmocka_run_group_tests(tests, group_setup, NULL);
}
