/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The container metadata readers' private interfaces, shared by
 * container_*.c and their unit tests. The rest of the daemon sees only the
 * container sections of vigil.h.
 */
#ifndef VIGIL_CONTAINER_INTERNAL_H
#define VIGIL_CONTAINER_INTERNAL_H

#include "vigil.h"

/*
 * container_json.c: a JSON document walked as libyaml's event stream (JSON is
 * YAML), so that a large file costs no more memory than a small one. The
 * callback sees every scalar value with the path of keys and indexes that
 * leads to it, and the end of every object and array.
 */
#define JSON_DEPTH_MAX 64

struct json_comp {
	const char *key; /* NULL for an array element */
	size_t len;
	long index;      /* for an array element */
};

struct json_path {
	size_t depth;
	struct json_comp comp[JSON_DEPTH_MAX];
};

enum json_event {
	JSON_SCALAR, /* a value: string, number, true, false or null */
	JSON_END,    /* the object or array at path ends */
};

struct json_value {
	const char *s; /* NUL-terminated by libyaml; may hold a NUL of its own */
	size_t len;
	bool string;   /* quoted, as opposed to null, true, false or a number */
};

/* Returns 0 to go on, a positive value to stop the walk (returned by it), or a negative errno. */
typedef int (*json_fn)(void *ctx, enum json_event ev, const struct json_path *path,
		       const struct json_value *v);

/* Return 0, fn's positive or negative return, -EINVAL for a malformed
 * document, or the negative errno of opening the file. */
int json__walk_file(const char *path, json_fn fn, void *ctx);
int json__walk_buf(const void *buf, size_t len, json_fn fn, void *ctx);
/* Whether path is exactly n components deep and each is the given key;
 * NULL stands for any key or index. */
bool json_path__is(const struct json_path *path, size_t n, ...);
bool json_value__is(const struct json_value *v, const char *s);
/* Whether a path component is the key s. */
bool json_comp__is(const struct json_comp *c, const char *s);

/*
 * container_bolt.c: read-only lookups in a bbolt database (podman's
 * bolt_state.db, containerd's meta.db) while its owner writes it.
 */
struct bolt;
int bolt__open(struct bolt **out, const char *path);
void bolt__close(struct bolt *db);
/* The value of key names[n-1] in the bucket nested as names[0..n-2]: 0 with
 * *val (malloc'd) and *len, -ENOENT, or -EINVAL for a page that makes no sense. */
int bolt__get(struct bolt *db, const char *const *names, size_t n, void **val, size_t *len);
typedef int (*bolt_fn)(void *ctx, const void *key, size_t klen, const void *val, size_t vlen);
/* Calls fn for each plain key and value (not sub-buckets) of the bucket names[0..n-1];
 * stops at fn's first non-zero return and returns it. */
int bolt__foreach(struct bolt *db, const char *const *names, size_t n, bolt_fn fn, void *ctx);

/* container_meta.c: building a container_meta */
struct container_meta *container_meta__new(void);
/* Replaces *field with s[0..len) (up to a NUL in it). Returns 0 or -ENOMEM. */
int meta__set(char **field, const char *s, size_t len);
/* Sets the name if it is one a runtime would give ([a-zA-Z0-9][a-zA-Z0-9_.-]*,
 * shorter than CONTAINER_NAME_MAX); else leaves it. */
int meta__set_name(struct container_meta *m, const char *s, size_t len);
/* Sets image_id from "sha256:<hex>" or "<hex>", without the algorithm. */
int meta__set_image_id(struct container_meta *m, const char *s, size_t len);
/* Adds or replaces a label; one past CONTAINER_LABELS_MAX, or too long, is left
 * out (returns 0: a label lost is not an error). */
int labels__set(struct label **labels, size_t *n, const char *key, size_t klen,
		const char *value, size_t vlen);
/* The same with other bounds: at most max entries, values of value_max bytes. */
int labels__add(struct label **labels, size_t *n, size_t max, size_t value_max, const char *key,
		size_t klen, const char *value, size_t vlen);
const char *labels__get(const struct label *labels, size_t n, const char *key);
void labels__free(struct label *labels, size_t n);
/* Labels from a JSON object in a string (CRI-O's io.kubernetes.cri-o.Labels). */
int labels__from_json(struct label **labels, size_t *n, const char *json, size_t len);
/* "2024-03-05T09:12:44.118231455Z" or with "+01:00": ns since the epoch; 0 or -EINVAL. */
int time__parse_rfc3339(const char *s, size_t len, uint64_t *ns);
/* Kubernetes' own labels (io.kubernetes.*, cri-dockerd's annotation.*, ...)
 * are the runtime's bookkeeping, not the pod's labels. */
bool label__is_kubernetes(const char *key);
/* Adds a sandbox's labels, less those, to m's pod labels. */
int meta__copy_pod_labels(struct container_meta *m, const struct label *labels, size_t n);
/* Fills pod name, namespace and uid from the labels or annotations kubelet
 * gives every container (io.kubernetes.pod.*), and name from
 * io.kubernetes.container.name, where the meta has none yet. */
int meta__apply_kubernetes_labels(struct container_meta *m, const struct label *labels, size_t n);

/* container_oci.c: what an OCI runtime spec (config.json) says */
#define OCI_ANNOTATIONS_MAX 256
#define OCI_ANNOTATION_VALUE_MAX 65536
struct oci_spec {
	/* The runtimes' and Kubernetes' own (io.kubernetes.*, io.podman.*,
	 * io.container.manager); the rest are the user's and not read. */
	struct label *annotations;
	size_t nannotations;
	/* CAP_SYS_ADMIN in the bounding set and every device allowed: what
	 * --privileged does in runc-based runtimes */
	bool sys_admin;
	bool all_devices;
};
/* 0, -ENOENT when there is no such file, -EINVAL when it is malformed. */
int oci_spec__read(struct oci_spec *spec, const char *path);
void oci_spec__free(struct oci_spec *spec);
bool oci_spec__privileged(const struct oci_spec *spec);

/* container_podman.c: what libpod's own database adds (labels, pod, privileged) */
/* 0 when the container is in it, -ENOENT when it is not (or there is no such
 * database: podman ≥ 5 keeps a SQLite one), -EINVAL when it makes no sense. */
int podman__read_libpod(const char *storage_root, const char *full_id, struct container_meta *m);

/* container_crio.c: CRI-O's annotations on a container's spec */
bool crio__is_crio(const struct oci_spec *spec);
int crio__apply(const char *storage_root, const char *driver, const struct oci_spec *spec,
		struct container_meta *m);

/* container_storage.c */
/* <root>/<driver>-containers/<id>/userdata/config.json */
int storage__spec_path(char *path, size_t size, const char *root, const char *driver,
		       const char *full_id);

/* container_resolver.c: the thread that reads metadata away from the event path */
#define RESOLVER_NO_UID UINT32_MAX

struct resolver_result {
	struct resolver_result *next;
	char full_id[CONTAINER_ID_LEN + 1];
	/* whose state it was read from; RUNTIME_HOST when the place does not say */
	enum container_runtime runtime;
	struct container_meta *meta; /* NULL: none could be read */
	bool final;                  /* nothing more will come for this request */
};

struct resolver;
int resolver__start(struct resolver **out, const struct container_config *config);
/* Stops and joins the thread, and frees what is left. NULL is fine. */
void resolver__stop(struct resolver *r);
/* The event thread's side; none of these waits. uid: a rootless podman
 * container's user, or RESOLVER_NO_UID. */
int resolver__submit(struct resolver *r, enum container_runtime runtime, const char *full_id,
		     uint32_t uid);
void resolver__cancel(struct resolver *r, const char *full_id);
/* Every result published since the last call, oldest first. */
struct resolver_result *resolver__take(struct resolver *r);
void resolver_result__free(struct resolver_result *res);
void resolver__stats(const struct resolver *r, struct containers_stats *st);

#endif /* VIGIL_CONTAINER_INTERNAL_H */
