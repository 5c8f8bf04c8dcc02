// SPDX-License-Identifier: GPL-2.0-only
/*
 * cgroup_path__parse against the paths runtimes really create. The same
 * shapes appear in the cgroup v2 hierarchy and in every v1 controller (e.g.
 * /sys/fs/cgroup/memory/docker/<id>), so one table serves both.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "vigil.h"

/* The podman paths are as podman 4.3 makes them here; all ids are arbitrary. */
#define DOCKER_ID "d548c5b83fa61d8e3bd86ad42a7ffea9b7c86e3f9d8095c1577d3e1270bb9420"
#define DIND_ID "2a8c227a0a7b0a51085cc500f33f757f2914b554a13497f86c55a9519e2012e6"
#define CTRD_ID "2397d068a8d1552a4c3f9147ba9c94e086bfd66fb2acb5bbaf47197105127d5f"
#define CRIO_ID "c64064614423cb790e88b3e5492ff5ccf673b25ae823089f7a60c65cda24d809"
#define NERD_ID "aa470170773aae4a69e6e0a509eb8c1f304140b1fea1a2d55ec93a07a78e497c"
#define PODMAN_ID "a17c3da7f1794e321f91e13d385928b89fcb322899b0c97ba9ee53e2d38c91e4"
#define POD_ID "3fc5c066c8fa8db358792971f2e6479a44c43994a3926062f9d30781946f6164"
#define POD_CTR_ID "b93a277568c27361c0432218950091ab8ed624546ff7d9c50f02485f1bfff1b4"
#define K8S_UID "57f3121e-1abd-4be0-a542-c25efced370a"
#define K8S_UID_SYSTEMD "57f3121e_1abd_4be0_a542_c25efced370a"
#define ROOTLESS "/user.slice/user-1000.slice/user@1000.service"

struct path_case {
	const char *name;
	const char *path;
	enum container_runtime runtime;
	const char *id; /* NULL: not a container */
};

static const struct path_case cases[] = {
	/* docker */
	{ "docker cgroupfs", "/docker/" DOCKER_ID, RUNTIME_DOCKER, DOCKER_ID },
	{ "docker systemd", "/system.slice/docker-" DOCKER_ID ".scope", RUNTIME_DOCKER, DOCKER_ID },
	{ "cri-dockerd", "/docker-" DOCKER_ID ".scope", RUNTIME_DOCKER, DOCKER_ID },
	{ "cri-dockerd kubepods systemd",
	  "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" K8S_UID_SYSTEMD
	  ".slice/docker-" DOCKER_ID ".scope",
	  RUNTIME_DOCKER, DOCKER_ID },
	{ "docker in docker, inner wins", "/docker/" DOCKER_ID "/docker/" DIND_ID, RUNTIME_DOCKER,
	  DIND_ID },
	{ "docker sub-cgroup", "/docker/" DOCKER_ID "/init.scope", RUNTIME_DOCKER, DOCKER_ID },

	/* containerd */
	{ "containerd cgroupfs besteffort",
	  "/kubepods/besteffort/pod" K8S_UID "/" CTRD_ID, RUNTIME_CONTAINERD, CTRD_ID },
	{ "containerd cgroupfs burstable",
	  "/kubepods/burstable/pod" K8S_UID "/" CTRD_ID, RUNTIME_CONTAINERD, CTRD_ID },
	{ "containerd cgroupfs guaranteed", "/kubepods/pod" K8S_UID "/" CTRD_ID,
	  RUNTIME_CONTAINERD, CTRD_ID },
	{ "containerd systemd besteffort",
	  "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" K8S_UID_SYSTEMD
	  ".slice/cri-containerd-" CTRD_ID ".scope",
	  RUNTIME_CONTAINERD, CTRD_ID },
	{ "containerd systemd guaranteed",
	  "/kubepods.slice/kubepods-pod" K8S_UID_SYSTEMD ".slice/cri-containerd-" CTRD_ID ".scope",
	  RUNTIME_CONTAINERD, CTRD_ID },
	{ "containerd without SystemdCgroup",
	  "/kubepods-besteffort-pod" K8S_UID_SYSTEMD ".slice:cri-containerd:" CTRD_ID,
	  RUNTIME_CONTAINERD, CTRD_ID },
	{ "containerd without SystemdCgroup nested",
	  "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" K8S_UID_SYSTEMD
	  ".slice:cri-containerd:" CTRD_ID,
	  RUNTIME_CONTAINERD, CTRD_ID },
	{ "containerd namespace k8s.io", "/k8s.io/" CTRD_ID, RUNTIME_CONTAINERD, CTRD_ID },
	{ "containerd namespace default (ctr run)", "/default/" CTRD_ID, RUNTIME_CONTAINERD,
	  CTRD_ID },
	{ "nerdctl", "/nerdctl-" NERD_ID ".scope", RUNTIME_CONTAINERD, NERD_ID },
	{ "nerdctl systemd", "/system.slice/nerdctl-" NERD_ID ".scope", RUNTIME_CONTAINERD,
	  NERD_ID },

	/* CRI-O */
	{ "crio cgroupfs", "/crio-" CRIO_ID, RUNTIME_CRIO, CRIO_ID },
	{ "crio cgroupfs kubepods", "/kubepods/burstable/pod" K8S_UID "/crio-" CRIO_ID,
	  RUNTIME_CRIO, CRIO_ID },
	{ "crio systemd",
	  "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" K8S_UID_SYSTEMD
	  ".slice/crio-" CRIO_ID ".scope",
	  RUNTIME_CRIO, CRIO_ID },
	{ "crio systemd container sub-cgroup",
	  "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" K8S_UID_SYSTEMD
	  ".slice/crio-" CRIO_ID ".scope/container",
	  RUNTIME_CRIO, CRIO_ID },
	{ "crio conmon in pod",
	  "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" K8S_UID_SYSTEMD
	  ".slice/crio-conmon-" CRIO_ID ".scope",
	  RUNTIME_HOST, NULL },
	{ "crio conmon in system.slice", "/system.slice/crio-conmon-" CRIO_ID ".scope",
	  RUNTIME_HOST, NULL },

	/* podman */
	{ "podman cgroupfs (this machine)", "/libpod_parent/libpod-" PODMAN_ID, RUNTIME_PODMAN,
	  PODMAN_ID },
	{ "podman pod cgroupfs (this machine)",
	  "/libpod_parent/" POD_ID "/libpod-" POD_CTR_ID, RUNTIME_PODMAN, POD_CTR_ID },
	{ "podman pod's own cgroup", "/libpod_parent/" POD_ID, RUNTIME_HOST, NULL },
	{ "podman bare", "/libpod-" PODMAN_ID, RUNTIME_PODMAN, PODMAN_ID },
	{ "podman scope", "/libpod-" PODMAN_ID ".scope", RUNTIME_PODMAN, PODMAN_ID },
	{ "podman scope container", "/libpod-" PODMAN_ID ".scope/container", RUNTIME_PODMAN,
	  PODMAN_ID },
	{ "podman systemd", "/machine.slice/libpod-" PODMAN_ID ".scope", RUNTIME_PODMAN,
	  PODMAN_ID },
	{ "podman systemd container", "/machine.slice/libpod-" PODMAN_ID ".scope/container",
	  RUNTIME_PODMAN, PODMAN_ID },
	{ "podman systemd pod",
	  "/machine.slice/machine-libpod_pod_" POD_ID ".slice/libpod-" POD_CTR_ID ".scope",
	  RUNTIME_PODMAN, POD_CTR_ID },
	{ "podman rootless",
	  ROOTLESS "/user.slice/libpod-" PODMAN_ID ".scope/container", RUNTIME_PODMAN,
	  PODMAN_ID },
	{ "podman --cgroups=split payload",
	  "/system.slice/nginx.service/libpod-payload-" PODMAN_ID, RUNTIME_PODMAN, PODMAN_ID },
	{ "podman rootless quadlet payload",
	  ROOTLESS "/app.slice/redis.service/libpod-payload-" PODMAN_ID, RUNTIME_PODMAN,
	  PODMAN_ID },
	{ "podman --cgroups=split conmon", "/system.slice/nginx.service/runtime", RUNTIME_HOST,
	  NULL },
	{ "podman conmon", "/machine.slice/libpod-conmon-" PODMAN_ID ".scope", RUNTIME_HOST,
	  NULL },
	{ "podman rootless conmon", ROOTLESS "/user.slice/libpod-conmon-" PODMAN_ID ".scope",
	  RUNTIME_HOST, NULL },

	/* not containers */
	{ "root", "/", RUNTIME_HOST, NULL },
	{ "empty", "", RUNTIME_HOST, NULL },
	{ "sshd", "/system.slice/sshd.service", RUNTIME_HOST, NULL },
	{ "user session", "/user.slice/user-1000.slice/session-3.scope", RUNTIME_HOST, NULL },
	{ "init.scope", "/init.scope", RUNTIME_HOST, NULL },
	{ "libpod_parent itself", "/libpod_parent", RUNTIME_HOST, NULL },
	{ "kubepods pod", "/kubepods/burstable/pod" K8S_UID, RUNTIME_HOST, NULL },
	{ "short id", "/docker/" "d548c5b83fa6", RUNTIME_HOST, NULL },
	{ "63 hex", "/docker/" "548c5b83fa61d8e3bd86ad42a7ffea9b7c86e3f9d8095c1577d3e1270bb9420",
	  RUNTIME_HOST, NULL },
	{ "65 hex", "/docker/" DOCKER_ID "0", RUNTIME_HOST, NULL },
	{ "uppercase hex",
	  "/docker/" "D548C5B83FA61D8E3BD86AD42A7FFEA9B7C86E3F9D8095C1577D3E1270BB9420",
	  RUNTIME_HOST, NULL },
	{ "uppercase hex in scope",
	  "/system.slice/docker-" "D548C5B83FA61D8E3BD86AD42A7FFEA9B7C86E3F9D8095C1577D3E1270BB9420"
	  ".scope",
	  RUNTIME_HOST, NULL },
	{ "not hex", "/docker/" "g548c5b83fa61d8e3bd86ad42a7ffea9b7c86e3f9d8095c1577d3e1270bb9420",
	  RUNTIME_HOST, NULL },
	{ "scope suffix mangled", "/system.slice/docker-" DOCKER_ID ".scopes", RUNTIME_HOST,
	  NULL },
	{ "unknown prefix", "/system.slice/rkt-" DOCKER_ID ".scope", RUNTIME_HOST, NULL },
	{ "bare id at the root", "/" DOCKER_ID, RUNTIME_HOST, NULL },
	{ "id too deep for a namespace", "/a/b/" CTRD_ID, RUNTIME_HOST, NULL },
	{ "pod-like parent outside kubepods", "/foo/pod" K8S_UID "/" CTRD_ID, RUNTIME_HOST,
	  NULL },
};

static void test_path(void **state)
{
	const struct path_case *c = *state;
	char full_id[CONTAINER_ID_LEN + 1];
	enum container_runtime runtime = RUNTIME_PODMAN;
	int err;

	memset(full_id, 'x', sizeof(full_id));
	err = cgroup_path__parse(c->path, &runtime, full_id);
	if (c->id) {
		assert_int_equal(err, 0);
		assert_string_equal(full_id, c->id);
	} else {
		assert_int_equal(err, -ENOENT);
		assert_string_equal(full_id, "");
	}
	assert_string_equal(container_runtime__name(runtime), container_runtime__name(c->runtime));
	assert_int_equal(runtime, c->runtime);
}

static void test_null_path(void **state)
{
	char full_id[CONTAINER_ID_LEN + 1];
	enum container_runtime runtime;

	(void)state;
	assert_int_equal(cgroup_path__parse(NULL, &runtime, full_id), -ENOENT);
	assert_int_equal(runtime, RUNTIME_HOST);
	assert_string_equal(full_id, "");
}

/* A path as the daemon joins it from the BPF side's names, at its longest. */
static void test_long_path(void **state)
{
	char path[VIGIL_CGROUP_DEPTH_MAX * (VIGIL_CGROUP_NAME_MAX + 1) + 1];
	char full_id[CONTAINER_ID_LEN + 1];
	enum container_runtime runtime;
	size_t i;

	(void)state;
	memset(path, 'a', sizeof(path) - 1);
	path[sizeof(path) - 1] = '\0';
	for (i = 0; i < sizeof(path) - 1; i += VIGIL_CGROUP_NAME_MAX + 1)
		path[i] = '/';
	assert_int_equal(cgroup_path__parse(path, &runtime, full_id), -ENOENT);
	snprintf(path + sizeof(path) - 1 - 72, 73, "/docker-%s", DOCKER_ID);
	assert_int_equal(cgroup_path__parse(path, &runtime, full_id), -ENOENT);
	snprintf(path + sizeof(path) - 1 - 79, 80, "/docker-%s.scope", DOCKER_ID);
	assert_int_equal(cgroup_path__parse(path, &runtime, full_id), 0);
	assert_string_equal(full_id, DOCKER_ID);
}

static void test_rootless_uid(void **state)
{
	static const struct {
		const char *path;
		int err;
		uint32_t uid;
	} uid_cases[] = {
		{ ROOTLESS "/user.slice/libpod-" PODMAN_ID ".scope/container", 0, 1000 },
		{ "/user.slice/user-0.slice/user@0.service/app.slice/libpod-payload-" PODMAN_ID, 0,
		  0 },
		{ "/user.slice/user-4294967294.slice/user@4294967294.service/x", 0, 4294967294u },
		{ "/user.slice/user-4294967295.slice/user@4294967295.service/x", -ENOENT, 0 },
		{ "/user.slice/user-1.slice/user@99999999999.service/x", -ENOENT, 0 },
		{ "/libpod_parent/libpod-" PODMAN_ID, -ENOENT, 0 },
		{ "/user.slice/user-1000.slice/session-3.scope", -ENOENT, 0 },
		{ "/user.slice/user-1000.slice/user@.service/x", -ENOENT, 0 },
		{ "/user.slice/user-1000.slice/user@10a0.service/x", -ENOENT, 0 },
		{ "/user.slice/user-1000.slice/user@1000.services/x", -ENOENT, 0 },
		{ "", -ENOENT, 0 },
		{ NULL, -ENOENT, 0 },
	};
	uint32_t uid;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(uid_cases) / sizeof(uid_cases[0]); i++) {
		uid = 12345;
		assert_int_equal(cgroup_path__rootless_uid(uid_cases[i].path, &uid),
				 uid_cases[i].err);
		assert_int_equal(uid, uid_cases[i].err ? 12345 : uid_cases[i].uid);
	}
}

static void test_runtime_names(void **state)
{
	(void)state;
	assert_string_equal(container_runtime__name(RUNTIME_HOST), "host");
	assert_string_equal(container_runtime__name(RUNTIME_DOCKER), "docker");
	assert_string_equal(container_runtime__name(RUNTIME_CONTAINERD), "containerd");
	assert_string_equal(container_runtime__name(RUNTIME_CRIO), "cri-o");
	assert_string_equal(container_runtime__name(RUNTIME_PODMAN), "podman");
	assert_string_equal(container_runtime__name((enum container_runtime)42), "unknown");
}

int main(void)
{
	size_t n = sizeof(cases) / sizeof(cases[0]), i;
	struct CMUnitTest *tests = calloc(n + 4, sizeof(*tests));
	int failed;

	if (!tests)
		return 1;
	for (i = 0; i < n; i++) {
		tests[i].name = cases[i].name;
		tests[i].test_func = test_path;
		tests[i].initial_state = (void *)&cases[i];
	}
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_null_path);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_long_path);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_rootless_uid);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_runtime_names);
	failed = _cmocka_run_group_tests("cgroup_path", tests, n, NULL, NULL);
	free(tests);
	return failed;
}
