// SPDX-License-Identifier: GPL-2.0-only
/*
 * The metadata readers against each runtime's state files, as the runtimes
 * write them:
 *   tests/data/podman      podman 4.3 on this kind of machine: containers.json,
 *                          each started container's userdata/config.json and
 *                          libpod/bolt_state.db, for `podman run` (with labels,
 *                          and --privileged), `podman create`, and a pod from
 *                          `podman kube play`
 *   tests/data/containerd  containerd 1.6: task bundles and meta.db from `ctr
 *                          run` with the labels and annotations CRI gives a pod
 *                          sandbox and its container, and a plain container
 *   tests/data/crio        CRI-O's containers.json and specs for a pod
 *   tests/data/docker      dockerd's config.v2.json and hostconfig.json, of
 *                          plain, compose and cri-dockerd containers
 * and the pieces they share: image references, timestamps, label bounds.
 * Fixture paths are relative to the repository root, or to $VIGIL_TEST_DATA.
 */
#include <errno.h>
#include <fcntl.h>
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

#include "container_internal.h"

/* tests/data/podman */
#define PM_WEB "1b54c976a726e996245ec27f04cc899edb9f37c9f6728eefc0d705ba1ed9c4b1"
#define PM_PRIV "7ca79b2011b410a1d50e893137d88337e1878afd4e547cfc8870f0331d7555ff"
#define PM_CREATED "a6c2411ed3b957fd373da37548a209cc8cd5c4c4e8cc32bf2acce444b4e16474"
#define PM_INFRA "7c6e05cff1185988b3c55201ae2354011e326efd600771827e5655cc90d1333d"
#define PM_WORKER "71ea987df9c181d6d1119a2d545ae40059df2525dbc8d0bff697ae8f2773af60"
#define TEST_IMAGE_ID "34fbe48ad47ce01a3aa40d2effb9d9798e2fcf4f3c30e6bc59ffcf2c43ec9e37"
/* tests/data/crio */
#define CRIO_SANDBOX "d1c5ba79a0f3e2b84c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9a0b1c2d"
#define CRIO_API "8e3f5d2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e"
#define CRIO_DEBUG "b7a6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6"
#define CRIO_UID "2c9e4b7a-8d1f-4e3a-b6c5-0f9d8e7a6b5c"
/* tests/data/containerd */
#define CTRD_SANDBOX "6b4a0c1d2c8678eab35bad5d7f38b0621747c8d9ee831cde9003b6dc66250573"
#define CTRD_NGINX "19540ff7f8c7b682802f00b72e865a6f9964c23c0580682faaa33dff7a689e1e"
#define CTRD_PLAIN "cb5f679a78a8db356333f020dfa565e5eb7265df67f644b4102795c92ecfd064"
#define CTRD_UID "7d4b6f0e-5c1a-4e8e-9d2b-3f6a1c0e8b54"
#define CTRD_DIGEST "sha256:61a0079cd64575e020f45188276756f837a1be5965b01038f0d82e7955c33fcd"
/* tests/data/docker */
#define DK_WEB "088665b092332466161712978eda8c68577e88b38f2a6e028d92a4cfcae4c7ee"
#define DK_DB "7c4c70faf11da05dbe74851032b14f1bf9fe7433c3a441424693e36dfb270412"
#define DK_BROKEN "a8b4a72798c1bb97c6abb3fe6ab88de65da3d18135b52e32aff00bb744348f2d"
#define DK_K8S_SANDBOX "5f0a3c9e1d2b4a6c8e0f1a3b5c7d9e1f2a4b6c8d0e2f4a6b8c0d2e4f6a8b0c2d"
#define DK_K8S_NGINX "e1b2c3d4f5a6978812345678abcdef0123456789abcdef0123456789abcdef01"
#define DK_K8S_UID "57f3121e-1abd-4be0-a542-c25efced370a"
#define UNKNOWN_ID "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

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
	if (access(podman_root, R_OK) || access(ctrd_db, R_OK)) {
		fprintf(stderr, "no fixtures under %s: run from the repository root or set "
				"VIGIL_TEST_DATA\n", data);
		return -1;
	}
	return 0;
}

static void assert_str(const char *got, const char *want)
{
	if (!want)
		assert_null(got);
	else
		assert_string_equal(got ? got : "(null)", want);
}

static void assert_label(const struct label *labels, size_t n, const char *key, const char *value)
{
	assert_str(labels__get(labels, n, key), value);
}

static void assert_image(const struct container_meta *m, const char *image, const char *repo,
			 const char *tag, const char *digest)
{
	assert_str(m->image, image);
	assert_str(m->image_repository, repo);
	assert_str(m->image_tag, tag);
	assert_str(m->image_digest, digest);
}

/* podman */

static void test_podman_run(void **state)
{
	struct container_meta *m;

	(void)state;
	assert_int_equal(container_storage__read(podman_root, PM_WEB, &m), 0);
	assert_str(m->name, "vigil-fx-web");
	assert_image(m, "localhost/vigil-test:1", "localhost/vigil-test", "1", NULL);
	assert_str(m->image_id, TEST_IMAGE_ID);
	assert_false(m->privileged);
	/* libpod's createdTime, 2026-12-03T15:09:47.938273722Z */
	assert_int_equal(m->created_ns, 1796310587938273722ULL);
	assert_int_equal(m->nlabels, 2);
	assert_label(m->labels, m->nlabels, "app", "web");
	assert_label(m->labels, m->nlabels, "tier", "front");
	assert_null(m->pod_name);
	assert_null(m->pod_namespace);
	assert_null(m->pod_uid);
	assert_int_equal(m->npod_labels, 0);
	container_meta__free(m);

	assert_int_equal(container_storage__read(podman_root, PM_PRIV, &m), 0);
	assert_str(m->name, "vigil-fx-priv");
	assert_true(m->privileged);
	assert_int_equal(m->nlabels, 0);
	container_meta__free(m);
}

/* Created, never started: no spec yet, and the database says it all. */
static void test_podman_create(void **state)
{
	struct container_meta *m;

	(void)state;
	assert_int_equal(container_storage__read(podman_root, PM_CREATED, &m), 0);
	assert_str(m->name, "vigil-fx-created");
	assert_image(m, "localhost/vigil-test:1", "localhost/vigil-test", "1", NULL);
	assert_int_equal(m->created_ns, 1796310588140222543ULL);
	assert_false(m->privileged);
	container_meta__free(m);
}

/* `podman kube play`: pod name and labels from libpod, namespace from the pod's annotation. */
static void test_podman_kube_play(void **state)
{
	struct container_meta *m;

	(void)state;
	assert_int_equal(container_storage__read(podman_root, PM_WORKER, &m), 0);
	assert_str(m->name, "vigil-fx-pod-worker");
	assert_image(m, "localhost/vigil-test:1", "localhost/vigil-test", "1", NULL);
	assert_str(m->pod_name, "vigil-fx-pod");
	assert_str(m->pod_namespace, "vigil-ns");
	assert_null(m->pod_uid);
	assert_int_equal(m->npod_labels, 2);
	assert_label(m->pod_labels, m->npod_labels, "app", "fx");
	assert_label(m->pod_labels, m->npod_labels, "team", "sec");
	/* podman gives a pod's labels to its containers too */
	assert_label(m->labels, m->nlabels, "app", "fx");
	assert_int_equal(m->created_ns, 1796310588377781270ULL);
	container_meta__free(m);

	assert_int_equal(container_storage__read(podman_root, PM_INFRA, &m), 0);
	assert_str(m->name, "dd708df1aa41-infra");
	assert_image(m, "localhost/podman-pause:4.3.1-0", "localhost/podman-pause", "4.3.1-0",
		     NULL);
	assert_str(m->pod_name, "vigil-fx-pod");
	container_meta__free(m);
}

static void test_podman_missing(void **state)
{
	struct container_meta *m = (void *)1;

	(void)state;
	assert_int_equal(container_storage__read(podman_root, UNKNOWN_ID, &m), -ENOENT);
	assert_null(m);
	assert_int_equal(container_storage__read("/nonexistent", PM_WEB, &m), -ENOENT);
	assert_null(m);
}

/* A scratch copy of a fixture tree, to take parts away. */
struct scratch {
	char dir[64];
};

static void scratch__copy(struct scratch *s, const char *from)
{
	char cmd[PATH_MAX * 2 + 64];

	strcpy(s->dir, "/tmp/vigil-test-XXXXXX");
	assert_non_null(mkdtemp(s->dir));
	snprintf(cmd, sizeof(cmd), "cp -r '%s'/. '%s'/", from, s->dir);
	assert_int_equal(system(cmd), 0);
}

static void scratch__path(const struct scratch *s, const char *rel, char *out, size_t size)
{
	snprintf(out, size, "%s/%s", s->dir, rel);
}

static void scratch__write(const struct scratch *s, const char *rel, const void *data, size_t len)
{
	char path[PATH_MAX];
	FILE *f;

	scratch__path(s, rel, path, sizeof(path));
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static void scratch__remove(struct scratch *s)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", s->dir);
	assert_int_equal(system(cmd), 0);
}

/* Podman 5's SQLite database is not read: containers.json and the spec still are. */
static void test_podman_without_database(void **state)
{
	struct container_meta *m;
	struct scratch s;
	char path[PATH_MAX];

	(void)state;
	scratch__copy(&s, podman_root);
	scratch__path(&s, "libpod/bolt_state.db", path, sizeof(path));
	assert_int_equal(unlink(path), 0);

	assert_int_equal(container_storage__read(s.dir, PM_WEB, &m), 0);
	assert_str(m->name, "vigil-fx-web");
	assert_image(m, "localhost/vigil-test:1", "localhost/vigil-test", "1", NULL);
	assert_str(m->image_id, TEST_IMAGE_ID);
	/* containers.json's created */
	assert_int_equal(m->created_ns, 1796310587941797424ULL);
	assert_int_equal(m->nlabels, 0);
	container_meta__free(m);

	assert_int_equal(container_storage__read(s.dir, PM_PRIV, &m), 0);
	assert_true(m->privileged); /* io.podman.annotations.privileged */
	container_meta__free(m);

	/* the namespace from the spec's annotation; the pod's name was libpod's */
	assert_int_equal(container_storage__read(s.dir, PM_WORKER, &m), 0);
	assert_str(m->pod_namespace, "vigil-ns");
	assert_null(m->pod_name);
	container_meta__free(m);

	/* Neither spec nor database yet: what there is, and worth another look. */
	assert_int_equal(container_storage__read(s.dir, PM_CREATED, &m), CONTAINER_META_PARTIAL);
	assert_str(m->name, "vigil-fx-created");
	container_meta__free(m);
	scratch__remove(&s);
}

/* A database caught mid-write costs what only it knows, not the container. */
static void test_podman_torn_database(void **state)
{
	static const char garbage[8192] = "not a bolt file";
	struct container_meta *m;
	struct scratch s;

	(void)state;
	scratch__copy(&s, podman_root);
	scratch__write(&s, "libpod/bolt_state.db", garbage, sizeof(garbage));
	assert_int_equal(container_storage__read(s.dir, PM_WEB, &m), 0);
	assert_str(m->name, "vigil-fx-web");
	assert_int_equal(m->nlabels, 0);
	container_meta__free(m);
	assert_int_equal(container_storage__read(s.dir, PM_CREATED, &m), CONTAINER_META_PARTIAL);
	container_meta__free(m);
	scratch__remove(&s);
}

/* A spec cut short: what containers.json says is kept, and it is said malformed. */
static void test_podman_torn_spec(void **state)
{
	static const char cut[] = "{\"ociVersion\":\"1.0.2-dev\",\"process\":{\"user\"";
	struct container_meta *m;
	struct scratch s;

	(void)state;
	scratch__copy(&s, podman_root);
	scratch__write(&s, "overlay-containers/" PM_PRIV "/userdata/config.json", cut,
		       sizeof(cut) - 1);
	assert_int_equal(container_storage__read(s.dir, PM_PRIV, &m), CONTAINER_META_MALFORMED);
	assert_non_null(m);
	assert_str(m->name, "vigil-fx-priv");
	assert_str(m->image_id, TEST_IMAGE_ID);
	container_meta__free(m);
	/* An empty one is as malformed. */
	scratch__write(&s, "overlay-containers/" PM_PRIV "/userdata/config.json", "", 0);
	assert_int_equal(container_storage__read(s.dir, PM_PRIV, &m), CONTAINER_META_MALFORMED);
	assert_str(m->name, "vigil-fx-priv");
	container_meta__free(m);
	/* containers.json cut short: nothing to go by, not even the name. */
	scratch__write(&s, "overlay-containers/containers.json", "[{\"id\":\"", 8);
	m = (void *)1;
	assert_int_equal(container_storage__read(s.dir, PM_WEB, &m), -EINVAL);
	assert_null(m);
	scratch__remove(&s);
}

/* CRI-O */

static void test_crio(void **state)
{
	struct container_meta *m;

	(void)state;
	assert_int_equal(container_storage__read(crio_root, CRIO_API, &m), 0);
	/* the pod spec's name, not containers.json's k8s_api_... */
	assert_str(m->name, "api");
	assert_image(m, "docker.io/library/nginx:1.25", "docker.io/library/nginx", "1.25", NULL);
	assert_str(m->image_id, "a8758716bb6aa4d90071160d27028fe4eaee7ce8166221a97d30440c8eac2be6");
	assert_false(m->privileged);
	assert_int_equal(m->created_ns, 1709630731102374816ULL);
	assert_str(m->pod_name, "api-6d8f7b9c5-qw4rt");
	assert_str(m->pod_namespace, "payments");
	assert_str(m->pod_uid, CRIO_UID);
	assert_label(m->labels, m->nlabels, "io.kubernetes.container.name", "api");
	assert_int_equal(m->npod_labels, 3);
	assert_label(m->pod_labels, m->npod_labels, "app", "api");
	assert_label(m->pod_labels, m->npod_labels, "tier", "backend");
	assert_label(m->pod_labels, m->npod_labels, "pod-template-hash", "6d8f7b9c5");
	container_meta__free(m);

	assert_int_equal(container_storage__read(crio_root, CRIO_DEBUG, &m), 0);
	assert_str(m->name, "debug");
	assert_true(m->privileged);
	assert_image(m,
		     "registry.example.com:5000/tools/netshoot:v0.11@sha256:"
		     "a24ffbd7b6ba7ccc5c8e2a9f2d5e1c4b3a7f6e5d4c3b2a1908f7e6d5c4b3a291",
		     "registry.example.com:5000/tools/netshoot", "v0.11",
		     "sha256:a24ffbd7b6ba7ccc5c8e2a9f2d5e1c4b3a7f6e5d4c3b2a1908f7e6d5c4b3a291");
	container_meta__free(m);

	/* The sandbox: its own labels are the pod's. */
	assert_int_equal(container_storage__read(crio_root, CRIO_SANDBOX, &m), 0);
	assert_str(m->name, "POD");
	assert_image(m, "registry.k8s.io/pause:3.9", "registry.k8s.io/pause", "3.9", NULL);
	assert_str(m->pod_name, "api-6d8f7b9c5-qw4rt");
	assert_int_equal(m->npod_labels, 3);
	container_meta__free(m);
}

/* docker */

static void test_docker(void **state)
{
	struct container_meta *m;

	(void)state;
	assert_int_equal(container_docker__read(docker_root, DK_WEB, &m), 0);
	assert_str(m->name, "web");
	assert_image(m, "nginx:1.25", "nginx", "1.25", NULL);
	assert_str(m->image_id, "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb");
	assert_false(m->privileged);
	assert_int_equal(m->created_ns, 1709629964118231455ULL);
	/* "Name" is also a label's key: only the top level's is the name */
	assert_label(m->labels, m->nlabels, "Name", "decoy-label");
	assert_label(m->labels, m->nlabels, "maintainer",
		     "NGINX Docker Maintainers <docker-maint@nginx.com>");
	assert_null(m->pod_name);
	container_meta__free(m);

	assert_int_equal(container_docker__read(docker_root, DK_DB, &m), 0);
	assert_str(m->name, "shop-db-1");
	assert_image(m, "redis:7", "redis", "7", NULL);
	assert_true(m->privileged);
	assert_label(m->labels, m->nlabels, "com.docker.compose.service", "db");
	container_meta__free(m);

	m = (void *)1;
	assert_int_equal(container_docker__read(docker_root, DK_BROKEN, &m), -EINVAL);
	assert_null(m);
	assert_int_equal(container_docker__read(docker_root, UNKNOWN_ID, &m), -ENOENT);
	assert_null(m);
}

/* cri-dockerd: kubelet's labels name the container and the pod; the sandbox's
 * labels are the pod's. */
static void test_docker_kubernetes(void **state)
{
	struct container_meta *m;

	(void)state;
	assert_int_equal(container_docker__read(docker_root, DK_K8S_NGINX, &m), 0);
	assert_str(m->name, "nginx");
	/* kubelet runs an image by its id */
	assert_image(m, "sha256:a8758716bb6aa4d90071160d27028fe4eaee7ce8166221a97d30440c8eac2be6",
		     NULL, NULL, NULL);
	assert_str(m->pod_name, "web-7c5b4f6f9d-x2x8k");
	assert_str(m->pod_namespace, "shop");
	assert_str(m->pod_uid, DK_K8S_UID);
	assert_int_equal(m->npod_labels, 3);
	assert_label(m->pod_labels, m->npod_labels, "app", "web");
	assert_label(m->pod_labels, m->npod_labels, "tier", "front");
	assert_label(m->pod_labels, m->npod_labels, "pod-template-hash", "7c5b4f6f9d");
	container_meta__free(m);

	assert_int_equal(container_docker__read(docker_root, DK_K8S_SANDBOX, &m), 0);
	assert_str(m->name, "POD");
	assert_image(m, "registry.k8s.io/pause:3.9", "registry.k8s.io/pause", "3.9", NULL);
	assert_int_equal(m->npod_labels, 3);
	container_meta__free(m);
}

static void test_docker_partial(void **state)
{
	char json[2048], path[PATH_MAX];
	struct container_meta *m;
	struct scratch s;

	(void)state;
	scratch__copy(&s, docker_root);
	scratch__path(&s, "containers/" DK_WEB "/hostconfig.json", path, sizeof(path));
	assert_int_equal(unlink(path), 0);
	assert_int_equal(container_docker__read(s.dir, DK_WEB, &m), CONTAINER_META_PARTIAL);
	assert_str(m->name, "web");
	container_meta__free(m);

	/* Past libyaml's limit on a key's length the file cannot be read. */
	snprintf(json, sizeof(json),
		 "{\"Config\":{\"Labels\":{\"%01100d\":\"\"}},\"Name\":\"/web\"}", 0);
	scratch__write(&s, "containers/" DK_WEB "/config.v2.json", json, strlen(json));
	assert_int_equal(container_docker__read(s.dir, DK_WEB, &m), -EINVAL);

	/* A name docker would refuse did not come from docker. */
	snprintf(json, sizeof(json), "{\"Name\":\"/evil\\nname\",\"Config\":{\"Image\":\"a\"}}");
	scratch__write(&s, "containers/" DK_WEB "/config.v2.json", json, strlen(json));
	assert_int_equal(container_docker__read(s.dir, DK_WEB, &m), CONTAINER_META_PARTIAL);
	assert_null(m->name);
	assert_image(m, "a", "a", "latest", NULL);
	container_meta__free(m);
	scratch__remove(&s);
}

/* containerd */

static void test_containerd(void **state)
{
	struct container_meta *m;

	(void)state;
	assert_int_equal(container_containerd__read(ctrd_tasks, ctrd_db, CTRD_NGINX, &m), 0);
	assert_str(m->name, "nginx");
	assert_image(m, "localhost/vigil-test:1", "localhost/vigil-test", "1", CTRD_DIGEST);
	assert_true(m->privileged);
	assert_str(m->pod_name, "web-7c5b4f6f9d-x2x8k");
	assert_str(m->pod_namespace, "shop");
	assert_str(m->pod_uid, CTRD_UID);
	assert_label(m->labels, m->nlabels, "io.kubernetes.container.name", "nginx");
	assert_label(m->labels, m->nlabels, "maintainer",
		     "NGINX Docker Maintainers <docker-maint@nginx.com>");
	/* meta.db's createdat, Go's binary time */
	assert_int_equal(m->created_ns, 1796310649754558001ULL);
	/* the sandbox's labels, less kubelet's and containerd's */
	assert_int_equal(m->npod_labels, 2);
	assert_label(m->pod_labels, m->npod_labels, "app", "web");
	assert_label(m->pod_labels, m->npod_labels, "tier", "front");
	container_meta__free(m);

	assert_int_equal(container_containerd__read(ctrd_tasks, ctrd_db, CTRD_SANDBOX, &m), 0);
	assert_null(m->name);
	assert_false(m->privileged);
	assert_str(m->pod_name, "web-7c5b4f6f9d-x2x8k");
	assert_int_equal(m->npod_labels, 2);
	container_meta__free(m);

	/* ctr run in the default namespace: no CRI, the image from meta.db */
	assert_int_equal(container_containerd__read(ctrd_tasks, ctrd_db, CTRD_PLAIN, &m), 0);
	assert_null(m->name);
	assert_image(m, "localhost/vigil-test:1", "localhost/vigil-test", "1", CTRD_DIGEST);
	assert_label(m->labels, m->nlabels, "app", "plain");
	assert_null(m->pod_name);
	assert_int_equal(m->created_ns, 1796310649932524718ULL);
	container_meta__free(m);

	m = (void *)1;
	assert_int_equal(container_containerd__read(ctrd_tasks, ctrd_db, UNKNOWN_ID, &m), -ENOENT);
	assert_null(m);
	assert_int_equal(container_containerd__read("/nonexistent", NULL, CTRD_NGINX, &m), -ENOENT);
}

/* Without meta.db: what the bundle's annotations say, and when the task started. */
static void test_containerd_without_database(void **state)
{
	struct container_meta *m;

	(void)state;
	assert_int_equal(container_containerd__read(ctrd_tasks, NULL, CTRD_NGINX, &m), 0);
	assert_str(m->name, "nginx");
	assert_image(m, "localhost/vigil-test:1", "localhost/vigil-test", "1", NULL);
	assert_str(m->pod_namespace, "shop");
	assert_int_equal(m->nlabels, 0);
	assert_int_equal(m->npod_labels, 0);
	assert_true(m->created_ns > 0);
	container_meta__free(m);

	assert_int_equal(container_containerd__read(ctrd_tasks, "/nonexistent/meta.db", CTRD_PLAIN,
						    &m), 0);
	assert_null(m->image);
	container_meta__free(m);
}

/* bbolt */

static int count_label(void *ctx, const void *key, size_t klen, const void *val, size_t vlen)
{
	(void)key;
	(void)klen;
	(void)val;
	(void)vlen;
	(*(int *)ctx)++;
	return 0;
}

static void test_bolt(void **state)
{
	const char *image[] = { "v1", "k8s.io", "containers", CTRD_NGINX, "image" };
	const char *labels[] = { "v1", "k8s.io", "containers", CTRD_NGINX, "labels" };
	const char *missing[] = { "v1", "nope", "containers" };
	const char *bucket_as_value[] = { "v1", "k8s.io" };
	struct bolt *db;
	char path[PATH_MAX];
	size_t len;
	void *val;
	int n = 0;

	(void)state;
	assert_int_equal(bolt__open(&db, ctrd_db), 0);
	assert_int_equal(bolt__get(db, image, 5, &val, &len), 0);
	assert_int_equal(len, strlen("localhost/vigil-test:1"));
	assert_memory_equal(val, "localhost/vigil-test:1", len);
	free(val);
	assert_int_equal(bolt__foreach(db, labels, 5, count_label, &n), 0);
	assert_int_equal(n, 8);
	assert_int_equal(bolt__get(db, missing, 3, &val, &len), -ENOENT);
	assert_int_equal(bolt__get(db, bucket_as_value, 2, &val, &len), -ENOENT);
	bolt__close(db);

	assert_int_equal(bolt__open(&db, "/nonexistent"), -ENOENT);
	snprintf(path, sizeof(path), "%s/overlay-containers/containers.json", podman_root);
	assert_int_equal(bolt__open(&db, path), -EINVAL);
	bolt__close(NULL);
}

/* Every page a corrupt file points to is checked: flipping any byte never crashes. */
static void test_bolt_corrupt(void **state)
{
	const char *config[] = { "ctr", PM_WORKER, "config" };
	const char *ctrs[] = { "ctr" };
	int n;
	char path[PATH_MAX], dbpath[PATH_MAX];
	unsigned char *data;
	struct scratch s;
	struct bolt *db;
	size_t len, vlen, off;
	void *val;
	FILE *f;

	(void)state;
	snprintf(dbpath, sizeof(dbpath), "%s/libpod/bolt_state.db", podman_root);
	f = fopen(dbpath, "r");
	assert_non_null(f);
	data = malloc(1 << 20);
	assert_non_null(data);
	len = fread(data, 1, 1 << 20, f);
	fclose(f);
	strcpy(s.dir, "/tmp/vigil-test-XXXXXX");
	assert_non_null(mkdtemp(s.dir));
	scratch__path(&s, "db", path, sizeof(path));
	/* Meta pages, then every 97th byte of the pages in use. */
	for (off = 0; off < 33 * 4096; off += off < 8192 ? 7 : 97) {
		data[off] ^= 0xa5;
		scratch__write(&s, "db", data, len);
		data[off] ^= 0xa5;
		if (bolt__open(&db, path))
			continue;
		if (!bolt__get(db, config, 3, &val, &vlen))
			free(val);
		bolt__close(db);
	}
	/* Cut at every page. */
	for (off = 2 * 4096; off < 33 * 4096; off += 4096) {
		scratch__write(&s, "db", data, off);
		if (bolt__open(&db, path))
			continue;
		if (!bolt__get(db, config, 3, &val, &vlen))
			free(val);
		bolt__close(db);
	}
	/* A page claiming UINT32_MAX overflow pages, in a file whose (valid)
	 * meta pages say it is huge: not a page of 0 bytes, read past. */
	for (off = 0; off <= 4096; off += 4096) {
		uint64_t npages = 1ull << 40, sum = 0xcbf29ce484222325ull;
		size_t i;

		memcpy(data + off + 16 + 40, &npages, sizeof(npages));
		for (i = 0; i < 56; i++)
			sum = (sum ^ data[off + 16 + i]) * 0x100000001b3ull;
		memcpy(data + off + 16 + 56, &sum, sizeof(sum));
	}
	memcpy(&vlen, data + 16 + 16, sizeof(vlen));
	assert_int_equal(vlen, 21); /* the root bucket's page */
	memset(data + 21 * 4096 + 12, 0xff, 4);
	scratch__write(&s, "db", data, len);
	assert_int_equal(bolt__open(&db, path), 0);
	assert_int_equal(bolt__get(db, config, 3, &val, &vlen), -EINVAL);
	bolt__close(db);
	memset(data + 21 * 4096 + 12, 0, 4);

	/* Still a file whose meta pages say it is huge; now the ctr bucket
	 * (page 8) and pages 27..30 as branches of 200 elements all pointing
	 * at the next page, then an empty leaf: 200^5 paths to walk, unless
	 * each page read counts against the pages the file has. */
	for (off = 0; off < 6; off++) {
		static const uint64_t chain[] = { 8, 27, 28, 29, 30, 31 };
		uint8_t *pg = data + chain[off] * 4096;
		uint16_t flags = off < 5 ? 1 : 2, count = off < 5 ? 200 : 0;
		uint32_t zero = 0;
		size_t i;

		memcpy(pg, &chain[off], 8);
		memcpy(pg + 8, &flags, 2);
		memcpy(pg + 10, &count, 2);
		memcpy(pg + 12, &zero, 4);
		for (i = 0; off < 5 && i < count; i++) {
			memset(pg + 16 + i * 16, 0, 8);
			memcpy(pg + 16 + i * 16 + 8, &chain[off + 1], 8);
		}
	}
	scratch__write(&s, "db", data, len);
	assert_int_equal(bolt__open(&db, path), 0);
	n = 0;
	assert_int_equal(bolt__foreach(db, ctrs, 1, count_label, &n), -EINVAL);
	bolt__close(db);
	free(data);
	scratch__remove(&s);
}

/* image references */

static void test_image_split(void **state)
{
	static const struct {
		const char *ref, *repo, *tag, *digest;
	} cases[] = {
		{ "nginx", "nginx", "latest", NULL },
		{ "nginx:1.25", "nginx", "1.25", NULL },
		{ "docker.io/library/nginx:1.25", "docker.io/library/nginx", "1.25", NULL },
		{ "registry:5000/a/b:tag", "registry:5000/a/b", "tag", NULL },
		{ "registry:5000/a/b", "registry:5000/a/b", "latest", NULL },
		{ "localhost/vigil-test:1", "localhost/vigil-test", "1", NULL },
		{ "a/b@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
		  "a/b", NULL,
		  "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef" },
		{ "a/b:tag@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
		  "a/b", "tag",
		  "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef" },
		{ "registry:5000/a/b:tag@sha256:"
		  "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
		  "registry:5000/a/b", "tag",
		  "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef" },
		{ "[::1]:5000/a:v2", "[::1]:5000/a", "v2", NULL },
		/* run by image id */
		{ "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", NULL,
		  NULL, NULL },
	};
	static const char *const bad[] = {
		"", ":tag", "a:", "a@latest", "a@sha256:xyz", "@sha256:00",
	};
	struct container_meta *m;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		m = container_meta__new();
		assert_non_null(m);
		/* Old values go: the meta is refilled, not merged. */
		assert_int_equal(container_meta__set_image(m, "old/repo:old@sha256:00"), 0);
		assert_int_equal(container_meta__set_image(m, cases[i].ref), 0);
		assert_image(m, cases[i].ref, cases[i].repo, cases[i].tag, cases[i].digest);
		container_meta__free(m);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		m = container_meta__new();
		assert_int_equal(container_meta__set_image(m, bad[i]), -EINVAL);
		assert_null(m->image);
		container_meta__free(m);
	}
}

static void test_time(void **state)
{
	static const struct {
		const char *s;
		uint64_t ns;
	} cases[] = {
		{ "1970-01-01T00:00:00Z", 0 },
		{ "2024-03-05T09:12:44.118231455Z", 1709629964118231455ULL },
		{ "2024-03-05T09:12:44Z", 1709629964000000000ULL },
		{ "2024-03-05T09:12:44.1Z", 1709629964100000000ULL },
		{ "2024-03-05T09:12:44.1234567891234Z", 1709629964123456789ULL },
		{ "2024-03-05T10:12:44.5+01:00", 1709629964500000000ULL },
		{ "2024-03-05T04:42:44-04:30", 1709629964000000000ULL },
	};
	static const char *const bad[] = {
		"", "2024-03-05", "2024-03-05T09:12:44", "2024-03-05T09:12:44.Zx",
		"2024-13-05T09:12:44Z", "2024-03-05T25:12:44Z", "2024-03-05T09:12:44+0100",
		"0001-01-01T00:00:00Z", "x024-03-05T09:12:44Z",
	};
	uint64_t ns;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ns = 42;
		assert_int_equal(time__parse_rfc3339(cases[i].s, strlen(cases[i].s), &ns), 0);
		assert_int_equal(ns, cases[i].ns);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(time__parse_rfc3339(bad[i], strlen(bad[i]), &ns), -EINVAL);
}

/* Labels come from files any container can influence: bounded, and left out whole. */
static void test_label_bounds(void **state)
{
	static char big[CONTAINER_LABEL_VALUE_MAX + 2];
	struct container_meta *m = container_meta__new();
	char key[32];
	int i;

	(void)state;
	assert_non_null(m);
	for (i = 0; i < CONTAINER_LABELS_MAX + 10; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		assert_int_equal(labels__set(&m->labels, &m->nlabels, key, strlen(key), "v", 1), 0);
	}
	assert_int_equal(m->nlabels, CONTAINER_LABELS_MAX);
	assert_str(container_meta__label(m, "k0"), "v");
	assert_null(container_meta__label(m, "k64"));
	/* an existing key is replaced, even when full */
	assert_int_equal(labels__set(&m->labels, &m->nlabels, "k1", 2, "w", 1), 0);
	assert_str(container_meta__label(m, "k1"), "w");
	memset(big, 'x', sizeof(big) - 1);
	assert_int_equal(labels__set(&m->labels, &m->nlabels, "k2", 2, big, sizeof(big) - 1), 0);
	assert_str(container_meta__label(m, "k2"), "v");
	assert_int_equal(labels__set(&m->labels, &m->nlabels, "k\0x", 3, "v", 1), 0);
	assert_null(container_meta__label(NULL, "k0"));
	assert_null(container_meta__pod_label(m, "k0"));
	container_meta__free(m);
	container_meta__free(NULL);
}

/* The JSON walker's paths, on what JSON can do. */
struct walk_log {
	char text[1024];
};

static int walk_log__add(void *ctx, enum json_event ev, const struct json_path *path,
			 const struct json_value *v)
{
	struct walk_log *log = ctx;
	size_t i, n = strlen(log->text);

	for (i = 0; i < path->depth; i++) {
		if (path->comp[i].key)
			n += snprintf(log->text + n, sizeof(log->text) - n, "/%s",
				      path->comp[i].key);
		else
			n += snprintf(log->text + n, sizeof(log->text) - n, "/[%ld]",
				      path->comp[i].index);
	}
	if (ev == JSON_END)
		n += snprintf(log->text + n, sizeof(log->text) - n, " end;");
	else
		n += snprintf(log->text + n, sizeof(log->text) - n, "=%s%.*s;",
			      v->string ? "'" : "", (int)v->len, v->s);
	return 0;
}

static void test_json_walk(void **state)
{
	static const char doc[] =
		"{\"a\": {\"b\": [1, \"two\", {\"c\": null}], \"d\": {}}, "
		"\"e\": true, \"\": \"x\"}";
	struct walk_log log = { "" };

	(void)state;
	assert_int_equal(json__walk_buf(doc, strlen(doc), walk_log__add, &log), 0);
	assert_string_equal(log.text, "/a/b/[0]=1;/a/b/[1]='two;/a/b/[2]/c=null;/a/b/[2] end;"
				      "/a/b end;/a/d end;/a end;/e=true;/='x; end;");
	assert_int_equal(json__walk_buf("[1,", 3, walk_log__add, &log), -EINVAL);
	assert_int_equal(json__walk_buf("{[1]: 2}", 8, walk_log__add, &log), -EINVAL);
	assert_int_equal(json__walk_buf("[&a 1, *a]", 10, walk_log__add, &log), -EINVAL);
	assert_int_equal(json__walk_file("/nonexistent", walk_log__add, &log), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_podman_run),
		cmocka_unit_test(test_podman_create),
		cmocka_unit_test(test_podman_kube_play),
		cmocka_unit_test(test_podman_missing),
		cmocka_unit_test(test_podman_without_database),
		cmocka_unit_test(test_podman_torn_database),
		cmocka_unit_test(test_podman_torn_spec),
		cmocka_unit_test(test_crio),
		cmocka_unit_test(test_docker),
		cmocka_unit_test(test_docker_kubernetes),
		cmocka_unit_test(test_docker_partial),
		cmocka_unit_test(test_containerd),
		cmocka_unit_test(test_containerd_without_database),
		cmocka_unit_test(test_bolt),
		cmocka_unit_test(test_bolt_corrupt),
		cmocka_unit_test(test_image_split),
		cmocka_unit_test(test_time),
		cmocka_unit_test(test_label_bounds),
		cmocka_unit_test(test_json_walk),
	};

	return cmocka_run_group_tests(tests, group_setup, NULL);
}
