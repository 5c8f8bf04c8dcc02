// SPDX-License-Identifier: GPL-2.0-only
/*
 * The cgroup id to container cache and the names it reads from runtime
 * state. tests/data/podman holds a containers.json as podman 4.3 wrote it;
 * tests/data/docker holds config.v2.json files in dockerd's format. Fixture
 * paths are relative to the repository root, or to $VIGIL_TEST_DATA.
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
#include <unistd.h>

#include <cmocka.h>

#include "vigil.h"

#define POD_ID "3fc5c066c8fa8db358792971f2e6479a44c43994a3926062f9d30781946f6164"
#define PODMAN_A "a17c3da7f1794e321f91e13d385928b89fcb322899b0c97ba9ee53e2d38c91e4"
#define DOCKER_WEB "088665b092332466161712978eda8c68577e88b38f2a6e028d92a4cfcae4c7ee"
#define DOCKER_DB "7c4c70faf11da05dbe74851032b14f1bf9fe7433c3a441424693e36dfb270412"
#define DOCKER_BROKEN "a8b4a72798c1bb97c6abb3fe6ab88de65da3d18135b52e32aff00bb744348f2d"
#define UNKNOWN_ID "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define K8S_POD "/kubepods/besteffort/pod57f3121e-1abd-4be0-a542-c25efced370a/"

static char podman_root[PATH_MAX];
static char docker_root[PATH_MAX];

static int group_setup(void **state)
{
	const char *data = getenv("VIGIL_TEST_DATA");

	(void)state;
	if (!data || !*data)
		data = "tests/data";
	snprintf(podman_root, sizeof(podman_root), "%s/podman", data);
	snprintf(docker_root, sizeof(docker_root), "%s/docker", data);
	if (access(podman_root, R_OK) || access(docker_root, R_OK)) {
		fprintf(stderr, "no fixtures under %s: run from the repository root or set "
				"VIGIL_TEST_DATA\n", data);
		return -1;
	}
	return 0;
}

static int cache_setup(void **state)
{
	struct container_config config = {
		.podman_root = podman_root,
		.docker_root = docker_root,
	};

	*state = containers__new(&config);
	return *state ? 0 : -1;
}

static int cache_teardown(void **state)
{
	containers__free(*state);
	return 0;
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

static void test_host(void **state)
{
	(void)state;
	assert_int_equal(container_host.runtime, RUNTIME_HOST);
	assert_string_equal(container_host.id, "host");
	assert_string_equal(container_host.full_id, "host");
	assert_string_equal(container_host.name, "host");
}

static void test_unknown_is_host(void **state)
{
	struct containers *cs = *state;

	assert_ptr_equal(containers__lookup(cs, 0), &container_host);
	assert_ptr_equal(containers__lookup(cs, 4242), &container_host);
	assert_int_equal(containers__count(cs), 0);
}

static void test_not_a_container(void **state)
{
	struct containers *cs = *state;

	containers__add_cgroup(cs, 10, "/system.slice/sshd.service");
	containers__add_cgroup(cs, 11, "/libpod_parent/libpod-conmon-" PODMAN_A ".scope");
	containers__add_cgroup(cs, 12, "/");
	containers__add_cgroup(cs, 13, "");
	containers__add_cgroup(cs, 14, NULL);
	assert_ptr_equal(containers__lookup(cs, 10), &container_host);
	assert_ptr_equal(containers__lookup(cs, 11), &container_host);
	assert_ptr_equal(containers__lookup(cs, 12), &container_host);
	assert_ptr_equal(containers__lookup(cs, 13), &container_host);
	assert_ptr_equal(containers__lookup(cs, 14), &container_host);
	assert_int_equal(containers__count(cs), 0);
}

/* Every container of the fixture, with the path podman gave its cgroup here. */
static void test_podman_names(void **state)
{
	static const struct {
		uint64_t cgroup_id;
		const char *path;
		const char *full_id;
		const char *name;
	} cases[] = {
		{ 101, "/libpod_parent/libpod-" PODMAN_A, PODMAN_A, "vigil-meta-a" },
		{ 102, "/libpod_parent/libpod-"
		       "d17a7d55a3f8bcb7cb609b550b8fe847022048354b82417eb72d23ef75998fac",
		  "d17a7d55a3f8bcb7cb609b550b8fe847022048354b82417eb72d23ef75998fac",
		  "vigil-meta-b" },
		{ 103, "/machine.slice/libpod-"
		       "dfa83548852ec65f4bbf19fc55c1b553d03c3f1cbff1c2db1421b81a12ff8c60.scope",
		  "dfa83548852ec65f4bbf19fc55c1b553d03c3f1cbff1c2db1421b81a12ff8c60",
		  "vigil-meta-c" },
		{ 104, "/libpod_parent/libpod-"
		       "90e9dd7b93b6e468d35ee727f0d9836e155cad711c5bad30f6b8860dbf01345c",
		  "90e9dd7b93b6e468d35ee727f0d9836e155cad711c5bad30f6b8860dbf01345c",
		  "vigil-meta-p" },
		{ 105, "/libpod_parent/" POD_ID "/libpod-"
		       "9d4cbc5f99f82ef80cb347fc22ecae4191b947880ebd1cc39f6e5cbf76664410",
		  "9d4cbc5f99f82ef80cb347fc22ecae4191b947880ebd1cc39f6e5cbf76664410",
		  "3fc5c066c8fa-infra" },
		{ 106, "/libpod_parent/" POD_ID "/libpod-"
		       "b93a277568c27361c0432218950091ab8ed624546ff7d9c50f02485f1bfff1b4",
		  "b93a277568c27361c0432218950091ab8ed624546ff7d9c50f02485f1bfff1b4",
		  "vigil-meta-q" },
	};
	struct containers *cs = *state;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		containers__add_cgroup(cs, cases[i].cgroup_id, cases[i].path);
	assert_int_equal(containers__count(cs), 6);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_container(containers__lookup(cs, cases[i].cgroup_id), RUNTIME_PODMAN,
				 cases[i].full_id, cases[i].name);
	/* The pod's own cgroup holds no container. */
	containers__add_cgroup(cs, 107, "/libpod_parent/" POD_ID);
	assert_ptr_equal(containers__lookup(cs, 107), &container_host);
}

static void test_podman_unknown_id(void **state)
{
	struct containers *cs = *state;

	containers__add_cgroup(cs, 200, "/libpod_parent/libpod-" UNKNOWN_ID);
	assert_container(containers__lookup(cs, 200), RUNTIME_PODMAN, UNKNOWN_ID, "");
	assert_string_equal(containers__lookup(cs, 200)->id, "0123456789ab");
}

static void test_docker_names(void **state)
{
	struct containers *cs = *state;

	/* "Name" also appears in a label before the top-level one, and in a volume after. */
	containers__add_cgroup(cs, 301, "/system.slice/docker-" DOCKER_WEB ".scope");
	containers__add_cgroup(cs, 302, "/docker/" DOCKER_DB);
	containers__add_cgroup(cs, 303, "/docker/" DOCKER_BROKEN);
	containers__add_cgroup(cs, 304, "/docker/" UNKNOWN_ID);
	assert_container(containers__lookup(cs, 301), RUNTIME_DOCKER, DOCKER_WEB, "web");
	assert_container(containers__lookup(cs, 302), RUNTIME_DOCKER, DOCKER_DB, "shop-db-1");
	assert_container(containers__lookup(cs, 303), RUNTIME_DOCKER, DOCKER_BROKEN, "");
	assert_container(containers__lookup(cs, 304), RUNTIME_DOCKER, UNKNOWN_ID, "");
	assert_int_equal(containers__count(cs), 4);
}

/* Only docker and podman state is read: the others keep an empty name. */
static void test_other_runtimes(void **state)
{
	struct containers *cs = *state;

	containers__add_cgroup(cs, 401, K8S_POD DOCKER_WEB);
	containers__add_cgroup(cs, 402, "/kubepods.slice/kubepods-besteffort.slice/crio-" PODMAN_A
					".scope");
	assert_container(containers__lookup(cs, 401), RUNTIME_CONTAINERD, DOCKER_WEB, "");
	assert_container(containers__lookup(cs, 402), RUNTIME_CRIO, PODMAN_A, "");
}

static void test_no_roots(void **state)
{
	struct container_config config = { 0 };
	struct containers *cs = containers__new(&config);

	(void)state;
	assert_non_null(cs);
	containers__add_cgroup(cs, 1, "/libpod_parent/libpod-" PODMAN_A);
	containers__add_cgroup(cs, 2, "/docker/" DOCKER_WEB);
	assert_container(containers__lookup(cs, 1), RUNTIME_PODMAN, PODMAN_A, "");
	assert_container(containers__lookup(cs, 2), RUNTIME_DOCKER, DOCKER_WEB, "");
	containers__free(cs);
	containers__free(NULL);
}

/* A cgroup id told again with another path is the new path's. */
static void test_readd(void **state)
{
	struct containers *cs = *state;

	containers__add_cgroup(cs, 500, "/docker/" DOCKER_WEB);
	containers__add_cgroup(cs, 500, "/docker/" DOCKER_WEB);
	assert_int_equal(containers__count(cs), 1);
	assert_container(containers__lookup(cs, 500), RUNTIME_DOCKER, DOCKER_WEB, "web");
	containers__add_cgroup(cs, 500, "/libpod_parent/libpod-" PODMAN_A);
	assert_int_equal(containers__count(cs), 1);
	assert_container(containers__lookup(cs, 500), RUNTIME_PODMAN, PODMAN_A, "vigil-meta-a");
	containers__add_cgroup(cs, 500, "/system.slice/sshd.service");
	assert_int_equal(containers__count(cs), 0);
	assert_ptr_equal(containers__lookup(cs, 500), &container_host);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

struct tmp_podman {
	char root[64];
	char dir[128];
	char file[192];
};

static void tmp_podman__create(struct tmp_podman *t, const char *json)
{
	strcpy(t->root, "/tmp/vigil-test-XXXXXX");
	assert_non_null(mkdtemp(t->root));
	snprintf(t->dir, sizeof(t->dir), "%s/overlay-containers", t->root);
	snprintf(t->file, sizeof(t->file), "%s/containers.json", t->dir);
	assert_int_equal(mkdir(t->dir, 0700), 0);
	write_file(t->file, json);
}

static void tmp_podman__remove(struct tmp_podman *t)
{
	unlink(t->file);
	rmdir(t->dir);
	rmdir(t->root);
}

/* The state file is read once per container: not per event, not per sub-cgroup. */
static void test_state_read_once(void **state)
{
	struct container_config config = { 0 };
	struct containers *cs;
	struct tmp_podman t;

	(void)state;
	tmp_podman__create(&t, "[{\"id\":\"" PODMAN_A "\",\"names\":[\"once\"]}]");
	config.podman_root = t.root;
	cs = containers__new(&config);
	assert_non_null(cs);
	containers__add_cgroup(cs, 1, "/libpod-" PODMAN_A ".scope");
	assert_int_equal(unlink(t.file), 0);
	assert_container(containers__lookup(cs, 1), RUNTIME_PODMAN, PODMAN_A, "once");
	containers__add_cgroup(cs, 2, "/libpod-" PODMAN_A ".scope/container");
	assert_container(containers__lookup(cs, 2), RUNTIME_PODMAN, PODMAN_A, "once");
	containers__add_cgroup(cs, 1, "/libpod-" PODMAN_A ".scope");
	assert_container(containers__lookup(cs, 1), RUNTIME_PODMAN, PODMAN_A, "once");
	containers__free(cs);
	tmp_podman__remove(&t);
}

static void test_eviction(void **state)
{
	struct containers *cs = *state;
	char path[256], id[CONTAINER_ID_LEN + 1];
	uint64_t i;

	for (i = 1; i <= CONTAINERS_MAX; i++) {
		snprintf(path, sizeof(path), K8S_POD "%064llx", (unsigned long long)i);
		containers__add_cgroup(cs, i, path);
	}
	assert_int_equal(containers__count(cs), CONTAINERS_MAX);
	assert_int_equal(containers__evictions(cs), 0);

	/* Used just now, so not the least recently used any more. */
	assert_string_equal(containers__lookup(cs, 1)->full_id,
			    "0000000000000000000000000000000000000000000000000000000000000001");
	snprintf(path, sizeof(path), K8S_POD "%064llx", (unsigned long long)CONTAINERS_MAX + 1);
	containers__add_cgroup(cs, CONTAINERS_MAX + 1, path);
	assert_int_equal(containers__count(cs), CONTAINERS_MAX);
	assert_int_equal(containers__evictions(cs), 1);
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
	for (i = 1; i <= CONTAINERS_MAX; i++)
		assert_ptr_equal(containers__lookup(cs, i), &container_host);
	for (i = CONTAINERS_MAX + 2; i <= 2 * CONTAINERS_MAX + 1; i++) {
		snprintf(id, sizeof(id), "%064llx", (unsigned long long)i);
		assert_container(containers__lookup(cs, i), RUNTIME_CONTAINERD, id, "");
	}
}

static void test_meta_podman(void **state)
{
	char name[CONTAINER_NAME_MAX];
	struct tmp_podman t;

	(void)state;
	assert_int_equal(container_meta__podman_name(podman_root, PODMAN_A, name, sizeof(name)),
			 0);
	assert_string_equal(name, "vigil-meta-a");
	assert_int_equal(container_meta__podman_name(podman_root, UNKNOWN_ID, name, sizeof(name)),
			 -ENOENT);
	assert_string_equal(name, "");
	assert_int_equal(container_meta__podman_name("/nonexistent", PODMAN_A, name,
						     sizeof(name)), -ENOENT);
	assert_string_equal(name, "");

	/* A name podman would refuse did not come from podman: left out of alerts. */
	tmp_podman__create(&t, "[{\"id\":\"" PODMAN_A "\",\"names\":[\"evil\\nname\"]}]");
	assert_int_equal(container_meta__podman_name(t.root, PODMAN_A, name, sizeof(name)),
			 -ENOENT);
	assert_string_equal(name, "");
	tmp_podman__remove(&t);

	/* Another object's name must not leak into a nameless match. */
	tmp_podman__create(&t, "[{\"names\":[\"other\"],\"id\":\"" UNKNOWN_ID "\"},"
			       "{\"id\":\"" PODMAN_A "\",\"names\":[]}]");
	assert_int_equal(container_meta__podman_name(t.root, PODMAN_A, name, sizeof(name)),
			 -ENOENT);
	assert_string_equal(name, "");
	tmp_podman__remove(&t);

	/* Key order and extra names do not matter; names[0] is the name. */
	tmp_podman__create(&t, "[\n  {\n    \"names\": [\"first\", \"second\"],\n"
			       "    \"flags\": {\"a\": [1, {\"b\": null}]},\n"
			       "    \"id\": \"" PODMAN_A "\"\n  }\n]\n");
	assert_int_equal(container_meta__podman_name(t.root, PODMAN_A, name, sizeof(name)), 0);
	assert_string_equal(name, "first");
	tmp_podman__remove(&t);

	tmp_podman__create(&t, "{}");
	assert_int_equal(container_meta__podman_name(t.root, PODMAN_A, name, sizeof(name)),
			 -EINVAL);
	tmp_podman__remove(&t);

	tmp_podman__create(&t, "[{\"id\":\"" PODMAN_A "\",\"names\":[\"cut");
	assert_int_equal(container_meta__podman_name(t.root, PODMAN_A, name, sizeof(name)),
			 -EINVAL);
	assert_string_equal(name, "");
	tmp_podman__remove(&t);
}

struct tmp_docker {
	char root[64];
	char containers[96];
	char dir[192];
	char file[256];
};

static void tmp_docker__create(struct tmp_docker *t, const char *full_id, const char *json)
{
	strcpy(t->root, "/tmp/vigil-test-XXXXXX");
	assert_non_null(mkdtemp(t->root));
	snprintf(t->containers, sizeof(t->containers), "%s/containers", t->root);
	snprintf(t->dir, sizeof(t->dir), "%s/%s", t->containers, full_id);
	snprintf(t->file, sizeof(t->file), "%s/config.v2.json", t->dir);
	assert_int_equal(mkdir(t->containers, 0700), 0);
	assert_int_equal(mkdir(t->dir, 0700), 0);
	write_file(t->file, json);
}

static void tmp_docker__remove(struct tmp_docker *t)
{
	unlink(t->file);
	rmdir(t->dir);
	rmdir(t->containers);
	rmdir(t->root);
}

static void test_meta_docker(void **state)
{
	char name[CONTAINER_NAME_MAX], small[3], json[2048];
	struct tmp_docker t;

	(void)state;
	assert_int_equal(container_meta__docker_name(docker_root, DOCKER_WEB, name, sizeof(name)),
			 0);
	assert_string_equal(name, "web");
	assert_int_equal(container_meta__docker_name(docker_root, DOCKER_DB, name, sizeof(name)),
			 0);
	assert_string_equal(name, "shop-db-1");
	assert_int_equal(container_meta__docker_name(docker_root, DOCKER_BROKEN, name,
						     sizeof(name)), -EINVAL);
	assert_string_equal(name, "");
	assert_int_equal(container_meta__docker_name(docker_root, UNKNOWN_ID, name, sizeof(name)),
			 -ENOENT);
	assert_string_equal(name, "");
	/* Too long for the buffer: no name rather than a cut one. */
	assert_int_equal(container_meta__docker_name(docker_root, DOCKER_WEB, small, sizeof(small)),
			 -ENOENT);
	assert_string_equal(small, "");

	tmp_docker__create(&t, DOCKER_WEB, "{\"Config\":{\"Labels\":{}},\"Name\":null}");
	assert_int_equal(container_meta__docker_name(t.root, DOCKER_WEB, name, sizeof(name)),
			 -ENOENT);
	assert_string_equal(name, "");
	tmp_docker__remove(&t);

	/* Past libyaml's limit on a key's length the file cannot be read: no name. */
	snprintf(json, sizeof(json),
		 "{\"Config\":{\"Labels\":{\"%01100d\":\"\"}},\"Name\":\"/web\"}", 0);
	tmp_docker__create(&t, DOCKER_WEB, json);
	assert_int_equal(container_meta__docker_name(t.root, DOCKER_WEB, name, sizeof(name)),
			 -EINVAL);
	assert_string_equal(name, "");
	tmp_docker__remove(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_host),
		cmocka_unit_test_setup_teardown(test_unknown_is_host, cache_setup, cache_teardown),
		cmocka_unit_test_setup_teardown(test_not_a_container, cache_setup, cache_teardown),
		cmocka_unit_test_setup_teardown(test_podman_names, cache_setup, cache_teardown),
		cmocka_unit_test_setup_teardown(test_podman_unknown_id, cache_setup,
						cache_teardown),
		cmocka_unit_test_setup_teardown(test_docker_names, cache_setup, cache_teardown),
		cmocka_unit_test_setup_teardown(test_other_runtimes, cache_setup, cache_teardown),
		cmocka_unit_test(test_no_roots),
		cmocka_unit_test_setup_teardown(test_readd, cache_setup, cache_teardown),
		cmocka_unit_test(test_state_read_once),
		cmocka_unit_test_setup_teardown(test_eviction, cache_setup, cache_teardown),
		cmocka_unit_test(test_meta_podman),
		cmocka_unit_test(test_meta_docker),
	};

	return cmocka_run_group_tests(tests, group_setup, NULL);
}
