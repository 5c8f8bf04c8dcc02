// SPDX-License-Identifier: GPL-2.0-only
/*
 * cgroup_layout.c: /proc/PID/cgroup as each layout writes it (cgroup v2,
 * hybrid, pure v1 with and without memcg v1), the hierarchy vigild reads a
 * task's cgroup from on each, and the container the chosen line names.
 */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "vigil.h"

#define ID "9ad5ba668fd8ce12b64c46f0f4a06a21b7336afc6189d339ee5c475d265c1852"
#define POD "57f3121e_1abd_4be0_a542_c25efced370a"

/* cgroup v2 (systemd driver). */
static const char v2[] = "0::/system.slice/docker-" ID ".scope\n";

/* Hybrid, podman with cgroupfs: the container is in the unified hierarchy too. */
static const char hybrid_podman[] =
	"12:cpuset:/libpod_parent/libpod-" ID "\n"
	"11:memory:/libpod_parent/libpod-" ID "\n"
	"10:devices:/libpod_parent/libpod-" ID "\n"
	"3:cpu,cpuacct:/libpod_parent/libpod-" ID "\n"
	"2:pids:/libpod_parent/libpod-" ID "\n"
	"1:name=systemd:/libpod_parent/libpod-" ID "\n"
	"0::/libpod_parent/libpod-" ID "\n";

/* Hybrid, docker with cgroupfs: the unified line is still containerd's. */
static const char hybrid_docker[] =
	"11:memory:/docker/" ID "\n"
	"5:pids:/docker/" ID "\n"
	"1:name=systemd:/docker/" ID "\n"
	"0::/system.slice/containerd.service\n";

/* Pure v1, docker with cgroupfs (no "0::" line: cgroup2 was never mounted). */
static const char v1_docker[] =
	"11:perf_event:/docker/" ID "\n"
	"10:cpuset:/docker/" ID "\n"
	"7:cpu,cpuacct:/docker/" ID "\n"
	"5:pids:/docker/" ID "\n"
	"3:memory:/docker/" ID "\n"
	"1:name=systemd:/docker/" ID;

/* Pure v1 on a kernel without memcg v1 (Linux 6.12, CONFIG_MEMCG_V1=n). */
static const char v1_no_memory[] = "2:cpu,cpuacct:/docker/" ID "\n"
				   "1:pids:/docker/" ID "\n";

/* Pure v1, kubelet and containerd with a systemd-style cgroupsPath: colons in the path. */
static const char v1_kubelet[] =
	"4:memory:/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" POD
	".slice:cri-containerd:" ID "\n"
	"1:name=systemd:/kubepods.slice\n";

/* Controllers are whole names in the list, never prefixes or named hierarchies. */
static const char v1_lookalikes[] = "3:hugetlb,memoryx:/a\n"
				    "2:name=memory:/b\n"
				    "1:name=pids_x,pidsy:/c\n";

static void assert_path(const char *text, enum vigil_cgroup_source source, const char *want)
{
	char path[PATH_MAX];

	if (!want) {
		assert_int_equal(cgroup_proc__path(text, source, path, sizeof(path)), -ENOENT);
		return;
	}
	assert_int_equal(cgroup_proc__path(text, source, path, sizeof(path)), 0);
	assert_string_equal(path, want);
}

static void test_proc_lines(void **state)
{
	(void)state;
	assert_path(v2, VIGIL_CGROUP_DFL, "/system.slice/docker-" ID ".scope");
	assert_path(v2, VIGIL_CGROUP_V1_MEMORY, NULL);
	assert_path(v2, VIGIL_CGROUP_V1_PIDS, NULL);

	assert_path(hybrid_podman, VIGIL_CGROUP_DFL, "/libpod_parent/libpod-" ID);
	assert_path(hybrid_podman, VIGIL_CGROUP_V1_MEMORY, "/libpod_parent/libpod-" ID);
	assert_path(hybrid_podman, VIGIL_CGROUP_V1_PIDS, "/libpod_parent/libpod-" ID);
	assert_path(hybrid_docker, VIGIL_CGROUP_DFL, "/system.slice/containerd.service");
	assert_path(hybrid_docker, VIGIL_CGROUP_V1_MEMORY, "/docker/" ID);
	assert_path(hybrid_docker, VIGIL_CGROUP_V1_PIDS, "/docker/" ID);

	assert_path(v1_docker, VIGIL_CGROUP_DFL, NULL);
	assert_path(v1_docker, VIGIL_CGROUP_V1_MEMORY, "/docker/" ID);
	assert_path(v1_docker, VIGIL_CGROUP_V1_PIDS, "/docker/" ID);
	assert_path(v1_no_memory, VIGIL_CGROUP_V1_MEMORY, NULL);
	assert_path(v1_no_memory, VIGIL_CGROUP_V1_PIDS, "/docker/" ID);
	assert_path(v1_kubelet, VIGIL_CGROUP_V1_MEMORY,
		    "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" POD
		    ".slice:cri-containerd:" ID);

	assert_path(v1_lookalikes, VIGIL_CGROUP_V1_MEMORY, NULL);
	assert_path(v1_lookalikes, VIGIL_CGROUP_V1_PIDS, NULL);
	assert_path(v1_lookalikes, VIGIL_CGROUP_DFL, NULL);
	assert_path("", VIGIL_CGROUP_DFL, NULL);
	assert_path("garbage\n0:\n", VIGIL_CGROUP_DFL, NULL);
}

static void test_path_too_long(void **state)
{
	char path[16];

	(void)state;
	assert_int_equal(cgroup_proc__path(v1_docker, VIGIL_CGROUP_V1_MEMORY, path, sizeof(path)),
			 -ENAMETOOLONG);
	assert_int_equal(cgroup_proc__path("0::/0123456789abcde\n", VIGIL_CGROUP_DFL, path,
					   sizeof(path)),
			 -ENAMETOOLONG);
	assert_int_equal(cgroup_proc__path("0::/0123456789abcd\n", VIGIL_CGROUP_DFL, path,
					   sizeof(path)),
			 0);
	assert_string_equal(path, "/0123456789abcd");
}

/* The hierarchy events take a task's cgroup from, per layout. */
static void test_source(void **state)
{
	(void)state;
	assert_int_equal(cgroup_layout__source(CGROUP_LAYOUT_V2, v2), VIGIL_CGROUP_DFL);
	/* On v2 even a v1 line (a named hierarchy left mounted) changes nothing. */
	assert_int_equal(cgroup_layout__source(CGROUP_LAYOUT_V2, hybrid_podman), VIGIL_CGROUP_DFL);
	assert_int_equal(cgroup_layout__source(CGROUP_LAYOUT_UNKNOWN, v1_docker), VIGIL_CGROUP_DFL);
	assert_int_equal(cgroup_layout__source(CGROUP_LAYOUT_HYBRID, hybrid_docker),
			 VIGIL_CGROUP_V1_MEMORY);
	assert_int_equal(cgroup_layout__source(CGROUP_LAYOUT_V1, v1_docker),
			 VIGIL_CGROUP_V1_MEMORY);
	assert_int_equal(cgroup_layout__source(CGROUP_LAYOUT_V1, v1_no_memory),
			 VIGIL_CGROUP_V1_PIDS);
	/* No usable controller: the default hierarchy, as before. */
	assert_int_equal(cgroup_layout__source(CGROUP_LAYOUT_V1, v1_lookalikes), VIGIL_CGROUP_DFL);
	assert_string_equal(cgroup_layout__name(CGROUP_LAYOUT_HYBRID), "hybrid");
	assert_string_equal(cgroup_source__name(VIGIL_CGROUP_V1_PIDS), "the v1 pids controller");
}

/* The chosen line's path names the container, as the kernel's announcement would. */
static void test_container_of_line(void **state)
{
	static const struct {
		const char *text;
		enum cgroup_layout layout;
		enum container_runtime runtime;
	} cases[] = {
		{ v2, CGROUP_LAYOUT_V2, RUNTIME_DOCKER },
		{ hybrid_podman, CGROUP_LAYOUT_HYBRID, RUNTIME_PODMAN },
		{ hybrid_docker, CGROUP_LAYOUT_HYBRID, RUNTIME_DOCKER },
		{ v1_docker, CGROUP_LAYOUT_V1, RUNTIME_DOCKER },
		{ v1_no_memory, CGROUP_LAYOUT_V1, RUNTIME_DOCKER },
		{ v1_kubelet, CGROUP_LAYOUT_V1, RUNTIME_CONTAINERD },
	};
	char path[PATH_MAX], id[CONTAINER_ID_LEN + 1];
	enum container_runtime runtime;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		enum vigil_cgroup_source source =
			cgroup_layout__source(cases[i].layout, cases[i].text);

		assert_int_equal(cgroup_proc__path(cases[i].text, source, path, sizeof(path)), 0);
		assert_int_equal(cgroup_path__parse(path, &runtime, id), 0);
		assert_int_equal(runtime, cases[i].runtime);
		assert_string_equal(id, ID);
	}
	/* The unified line docker leaves behind on a hybrid host names no container. */
	assert_int_equal(cgroup_proc__path(hybrid_docker, VIGIL_CGROUP_DFL, path, sizeof(path)), 0);
	assert_int_equal(cgroup_path__parse(path, &runtime, id), -ENOENT);
}

static void test_detect(void **state)
{
	enum cgroup_layout layout;

	(void)state;
	assert_int_equal(cgroup_layout__detect("/nonexistent/cgroup"), CGROUP_LAYOUT_UNKNOWN);
	assert_int_equal(cgroup_layout__detect("/proc"), CGROUP_LAYOUT_UNKNOWN);
	assert_int_equal(cgroup_layout__choose("/nonexistent/cgroup", "/nonexistent/cgroup-file",
					       &layout),
			 VIGIL_CGROUP_DFL);
	assert_int_equal(layout, CGROUP_LAYOUT_UNKNOWN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_proc_lines),
		cmocka_unit_test(test_path_too_long),
		cmocka_unit_test(test_source),
		cmocka_unit_test(test_container_of_line),
		cmocka_unit_test(test_detect),
	};

	return cmocka_run_group_tests_name("cgroup layout", tests, NULL, NULL);
}
