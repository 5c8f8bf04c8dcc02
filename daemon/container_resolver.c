// SPDX-License-Identifier: GPL-2.0-only
/*
 * The thread that reads container metadata, so that the event thread never
 * waits on a disk or on a lock held during I/O.
 *
 * The event thread and this thread share two singly linked stacks and an
 * eventfd, nothing else:
 *   inbox   requests (resolve, cancel), pushed by the event thread
 *   outbox  results, pushed by this thread
 * Each side pushes with a compare-and-swap and the other takes the whole
 * stack with one exchange, then reverses it into arrival order: with a
 * single consumer that takes everything at once there is no ABA, and neither
 * side ever blocks on the other. The event thread drains the outbox from
 * containers__poll.
 *
 * A container's state may not be written yet when its first event arrives:
 * a request is retried with exponential backoff (retry_first_ms doubling up
 * to retry_max_ms) until give_up_ms. A malformed state file is retried only
 * twice more, in case it was caught mid-write, and reported if it stays so.
 *
 * Waiting for a container's first event is often too late: `podman run --rm
 * ... cat` can exit before a lookup could finish. So the roots are also
 * watched with inotify, and a container directory appearing there (at
 * create, well before the container's first process runs) is read at once
 * and handed to the event thread ahead of any request for it.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <time.h>
#include <unistd.h>

#include "container_internal.h"

#define RETRY_FIRST_MS 20
#define RETRY_MAX_MS 2000
#define GIVE_UP_MS 30000
/* A file caught mid-write reads as malformed once; more often, it is. */
#define MALFORMED_RETRIES 2
/* How often a watched directory that does not exist yet is looked for. */
#define WATCH_RETRY_MS 2000
#define WATCHES_MAX 64
/* Requests waiting for a retry: past this the oldest are given up. */
#define PENDING_MAX 8192

enum resolver_source {
	SOURCE_PODMAN,     /* containers-storage at podman_root */
	SOURCE_CRIO,       /* containers-storage at crio_root */
	SOURCE_PODMAN_USER, /* a rootless user's containers-storage */
	SOURCE_DOCKER,
	SOURCE_CONTAINERD,
};

enum job_kind {
	JOB_RESOLVE,
	JOB_CANCEL,
};

struct resolver_job {
	struct resolver_job *next;
	enum job_kind kind;
	enum resolver_source source;
	enum container_runtime runtime; /* RUNTIME_HOST when seen only in a watched root */
	char full_id[CONTAINER_ID_LEN + 1];
	uint32_t uid;
	bool requested;          /* by the event thread: it gets a final answer */
	bool published;          /* a partial result went out already */
	unsigned int malformed;
	uint64_t first_ms;
	uint64_t due_ms;
	unsigned int delay_ms;
};

enum watch_kind {
	WATCH_CONTAINERS,        /* a directory of <id> directories */
	WATCH_CONTAINERD_ROOT,   /* a directory of namespaces of <id> directories */
};

struct watch {
	char *path;
	int wd;                  /* -1 while the directory is not there */
	enum watch_kind kind;
	enum resolver_source source;
};

struct resolver {
	pthread_t thread;
	bool running;
	int wake_fd;
	int inotify_fd;
	_Atomic(struct resolver_job *) inbox;
	_Atomic(struct resolver_result *) outbox;
	atomic_bool stop;

	char *podman_root;
	char *crio_root;
	char *podman_user_root;
	char *docker_root;
	char *containerd_root;
	char *containerd_db;
	unsigned int retry_first_ms;
	unsigned int retry_max_ms;
	unsigned int give_up_ms;

	/* this thread's own */
	struct resolver_job *pending;
	size_t npending;
	struct watch watches[WATCHES_MAX];
	size_t nwatches;
	uint64_t watch_retry_ms;

	atomic_uint_fast64_t resolved;
	atomic_uint_fast64_t prefetched;
	atomic_uint_fast64_t retries;
	atomic_uint_fast64_t malformed;
	atomic_uint_fast64_t gave_up;
	bool warned_access;
};

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static bool id__valid(const char *s, size_t len)
{
	size_t i;

	if (len != CONTAINER_ID_LEN)
		return false;
	for (i = 0; i < len; i++) {
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	}
	return true;
}

/* Pushes n onto *head, whoever else pushes at the same time; true if it was empty. */
#define STACK_PUSH(head, n)                                                                    \
	({                                                                                     \
		__typeof__(n) old_ = atomic_load_explicit(head, memory_order_relaxed);         \
		do {                                                                           \
			(n)->next = old_;                                                      \
		} while (!atomic_compare_exchange_weak_explicit(head, &old_, n,                \
								 memory_order_release,         \
								 memory_order_relaxed));       \
		old_ == NULL;                                                                  \
	})

static struct resolver_job *jobs__reverse(struct resolver_job *j)
{
	struct resolver_job *out = NULL, *next;

	for (; j; j = next) {
		next = j->next;
		j->next = out;
		out = j;
	}
	return out;
}

static void resolver__wake(struct resolver *r)
{
	uint64_t one = 1;

	/* Never blocks: the counter cannot come near overflowing. */
	if (write(r->wake_fd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		log_warn("failed to wake the container resolver");
}

/* The event thread's side */

static int resolver__push(struct resolver *r, struct resolver_job *j)
{
	if (STACK_PUSH(&r->inbox, j))
		resolver__wake(r);
	return 0;
}

int resolver__submit(struct resolver *r, enum container_runtime runtime, const char *full_id,
		     uint32_t uid)
{
	struct resolver_job *j;

	if (!r)
		return -ENOTCONN;
	j = calloc(1, sizeof(*j));
	if (!j)
		return -ENOMEM;
	j->kind = JOB_RESOLVE;
	j->runtime = runtime;
	j->uid = uid;
	j->requested = true;
	memcpy(j->full_id, full_id, sizeof(j->full_id));
	switch (runtime) {
	case RUNTIME_PODMAN:
		j->source = uid != RESOLVER_NO_UID ? SOURCE_PODMAN_USER : SOURCE_PODMAN;
		break;
	case RUNTIME_CRIO:
		j->source = SOURCE_CRIO;
		break;
	case RUNTIME_DOCKER:
		j->source = SOURCE_DOCKER;
		break;
	case RUNTIME_CONTAINERD:
		j->source = SOURCE_CONTAINERD;
		break;
	case RUNTIME_HOST:
		free(j);
		return -EINVAL;
	}
	return resolver__push(r, j);
}

void resolver__cancel(struct resolver *r, const char *full_id)
{
	struct resolver_job *j;

	if (!r)
		return;
	j = calloc(1, sizeof(*j));
	/* Without memory the request runs its course; its answer is dropped. */
	if (!j)
		return;
	j->kind = JOB_CANCEL;
	memcpy(j->full_id, full_id, sizeof(j->full_id));
	resolver__push(r, j);
}

struct resolver_result *resolver__take(struct resolver *r)
{
	struct resolver_result *res, *out = NULL, *next;

	if (!r)
		return NULL;
	res = atomic_exchange_explicit(&r->outbox, NULL, memory_order_acquire);
	for (; res; res = next) {
		next = res->next;
		res->next = out;
		out = res;
	}
	return out;
}

void resolver_result__free(struct resolver_result *res)
{
	if (!res)
		return;
	container_meta__free(res->meta);
	free(res);
}

void resolver__stats(const struct resolver *r, struct containers_stats *st)
{
	if (!r)
		return;
	st->resolved = atomic_load(&r->resolved);
	st->prefetched = atomic_load(&r->prefetched);
	st->retries = atomic_load(&r->retries);
	st->malformed = atomic_load(&r->malformed);
	st->gave_up = atomic_load(&r->gave_up);
}

/* This thread's side */

static void resolver__publish(struct resolver *r, const struct resolver_job *j,
			      enum container_runtime runtime, struct container_meta *meta,
			      bool final)
{
	struct resolver_result *res = calloc(1, sizeof(*res));

	if (!res) {
		container_meta__free(meta);
		return;
	}
	memcpy(res->full_id, j->full_id, sizeof(res->full_id));
	res->runtime = runtime;
	res->meta = meta;
	res->final = final;
	STACK_PUSH(&r->outbox, res);
}

/* "%h/.local/share/containers/storage": %h the user's home, %u the uid. */
static int resolver__user_root(const struct resolver *r, uint32_t uid, char *out, size_t size)
{
	struct passwd pw, *found = NULL;
	char buf[4096];
	const char *t;
	size_t len = 0, n;
	char num[16];

	if (!r->podman_user_root)
		return -ENOENT;
	for (t = r->podman_user_root; *t; t++) {
		const char *piece = t;

		n = 1;
		if (t[0] == '%' && t[1] == 'u') {
			snprintf(num, sizeof(num), "%u", uid);
			piece = num;
			n = strlen(num);
			t++;
		} else if (t[0] == '%' && t[1] == 'h') {
			/* No such user here (a DaemonSet sees its own passwd,
			 * not the host's): nothing to look in. */
			if (!found && (getpwuid_r(uid, &pw, buf, sizeof(buf), &found) || !found))
				return -ENOTSUP;
			piece = found->pw_dir;
			n = strlen(piece);
			t++;
		}
		if (len + n >= size)
			return -ENAMETOOLONG;
		memcpy(out + len, piece, n);
		len += n;
	}
	out[len] = '\0';
	return 0;
}

/* One attempt at reading a job's container; returns the reader's verdict, or
 * -ENOTSUP when its runtime's state is not configured to be read. */
static int resolver__read(struct resolver *r, const struct resolver_job *j,
			  enum container_runtime *runtime, struct container_meta **meta)
{
	char root[PATH_MAX];
	int err;

	*runtime = j->runtime;
	switch (j->source) {
	case SOURCE_PODMAN:
	case SOURCE_CRIO:
		if (j->source == SOURCE_CRIO && r->crio_root)
			return container_storage__read(r->crio_root, j->full_id, meta);
		return r->podman_root ? container_storage__read(r->podman_root, j->full_id, meta)
				      : -ENOTSUP;
	case SOURCE_PODMAN_USER:
		if (!r->podman_user_root)
			return -ENOTSUP;
		err = resolver__user_root(r, j->uid, root, sizeof(root));
		return err ? err : container_storage__read(root, j->full_id, meta);
	case SOURCE_DOCKER:
		return r->docker_root ? container_docker__read(r->docker_root, j->full_id, meta)
				      : -ENOTSUP;
	case SOURCE_CONTAINERD:
		err = -ENOTSUP;
		if (r->containerd_root)
			err = container_containerd__read(r->containerd_root, r->containerd_db,
							 j->full_id, meta);
		/* kubelet's cgroupfs layout (/kubepods/.../pod<uid>/<id>) is
		 * cri-dockerd's too: the cgroup cannot tell them apart. */
		if ((err == -ENOENT || err == -ENOTSUP) && r->docker_root && j->requested) {
			err = container_docker__read(r->docker_root, j->full_id, meta);
			if (err >= 0)
				*runtime = RUNTIME_DOCKER;
		}
		return err;
	}
	return -EINVAL;
}

static const char *source__name(enum resolver_source s)
{
	switch (s) {
	case SOURCE_PODMAN:
	case SOURCE_PODMAN_USER:
		return "podman";
	case SOURCE_CRIO:
		return "cri-o";
	case SOURCE_DOCKER:
		return "docker";
	case SOURCE_CONTAINERD:
		return "containerd";
	}
	return "unknown";
}

/* Reschedules j, or returns false when its time is up. */
static bool job__backoff(struct resolver *r, struct resolver_job *j, uint64_t now)
{
	if (now - j->first_ms >= r->give_up_ms)
		return false;
	j->delay_ms = j->delay_ms ? j->delay_ms * 2 : r->retry_first_ms;
	if (j->delay_ms > r->retry_max_ms)
		j->delay_ms = r->retry_max_ms;
	j->due_ms = now + j->delay_ms;
	atomic_fetch_add(&r->retries, 1);
	return true;
}

/* Runs j once; returns true when it is done with. */
static bool job__run(struct resolver *r, struct resolver_job *j, uint64_t now)
{
	struct container_meta *meta = NULL;
	enum container_runtime runtime;
	int err = resolver__read(r, j, &runtime, &meta);

	if (err == 0) {
		atomic_fetch_add(j->requested ? &r->resolved : &r->prefetched, 1);
		resolver__publish(r, j, runtime, meta, true);
		return true;
	}
	if (err == CONTAINER_META_PARTIAL) {
		/* Worth having now; the rest may come. */
		if (!j->published)
			resolver__publish(r, j, runtime, meta, false);
		else
			container_meta__free(meta);
		j->published = true;
		if (job__backoff(r, j, now))
			return false;
		if (j->requested)
			resolver__publish(r, j, runtime, NULL, true);
		atomic_fetch_add(j->requested ? &r->resolved : &r->prefetched, 1);
		return true;
	}
	if (err == CONTAINER_META_MALFORMED) {
		/* Perhaps caught mid-write: looked at twice more, then what
		 * could be read is kept, and the rest reported. */
		if (j->malformed++ < MALFORMED_RETRIES && job__backoff(r, j, now)) {
			container_meta__free(meta);
			return false;
		}
		atomic_fetch_add(&r->malformed, 1);
		log_warnx("cannot read all the state of %s container %.12s: malformed; "
			  "keeping what could be read", source__name(j->source), j->full_id);
		atomic_fetch_add(j->requested ? &r->resolved : &r->prefetched, 1);
		resolver__publish(r, j, runtime, meta, true);
		return true;
	}
	if (err == -EACCES || err == -EPERM) {
		/* The same for every container there: say it once. */
		if (!r->warned_access)
			log_warnx("cannot read the state of %s containers: %s; they will have "
				  "ids but no names (vigild needs read access to the runtimes' "
				  "state, CAP_DAC_READ_SEARCH for rootless podman's)",
				  source__name(j->source), strerror(-err));
		r->warned_access = true;
		atomic_fetch_add(&r->gave_up, 1);
		err = -ENOTSUP;
	}
	if (err == -ENOTSUP) {
		/* Nothing to read for it: the id is all there is. */
		if (j->requested)
			resolver__publish(r, j, runtime, NULL, true);
		return true;
	}
	if (err == -ENOENT || err == -ENOMEM) {
		if (job__backoff(r, j, now))
			return false;
	} else {
		/* Malformed, or unreadable: perhaps caught mid-write, so tried a
		 * little more, and said once when it stays so. */
		if (j->malformed++ < MALFORMED_RETRIES && job__backoff(r, j, now))
			return false;
		atomic_fetch_add(&r->malformed, 1);
		log_warnx("cannot read the state of %s container %.12s: %s",
			  source__name(j->source), j->full_id,
			  err == -EINVAL ? "malformed" : strerror(-err));
	}
	/* Given up: the event thread keeps the id and whatever it had. */
	atomic_fetch_add(&r->gave_up, 1);
	if (j->requested)
		resolver__publish(r, j, runtime, NULL, true);
	return true;
}

static struct resolver_job *pending__find(struct resolver *r, const char *full_id)
{
	struct resolver_job *j;

	for (j = r->pending; j; j = j->next) {
		if (!strcmp(j->full_id, full_id))
			return j;
	}
	return NULL;
}

static void pending__remove(struct resolver *r, struct resolver_job *j)
{
	struct resolver_job **pp = &r->pending;

	while (*pp != j)
		pp = &(*pp)->next;
	*pp = j->next;
	r->npending--;
	free(j);
}

/* Takes a new resolve request into the pending list, or merges it with one for the same id. */
static void pending__add(struct resolver *r, struct resolver_job *j, uint64_t now)
{
	struct resolver_job *same = pending__find(r, j->full_id), *oldest;

	if (same) {
		/* The event thread asks about a container already being read
		 * (seen in a watched root): one read answers both. */
		if (j->requested && !same->requested) {
			same->requested = true;
			same->runtime = j->runtime;
			same->source = j->source;
			same->uid = j->uid;
			same->due_ms = now;
			same->published = false;
		}
		free(j);
		return;
	}
	if (r->npending == PENDING_MAX) {
		for (oldest = r->pending; oldest->next; oldest = oldest->next)
			;
		atomic_fetch_add(&r->gave_up, 1);
		if (oldest->requested)
			resolver__publish(r, oldest, oldest->runtime, NULL, true);
		pending__remove(r, oldest);
	}
	j->first_ms = j->due_ms = now;
	j->next = r->pending;
	r->pending = j;
	r->npending++;
}

static void resolver__take_inbox(struct resolver *r, uint64_t now)
{
	struct resolver_job *j, *next, *same;

	j = jobs__reverse(atomic_exchange_explicit(&r->inbox, NULL, memory_order_acquire));
	for (; j; j = next) {
		next = j->next;
		if (j->kind == JOB_CANCEL) {
			same = pending__find(r, j->full_id);
			if (same)
				pending__remove(r, same);
			free(j);
			continue;
		}
		pending__add(r, j, now);
	}
}

static void resolver__run_due(struct resolver *r)
{
	struct resolver_job *j, *next;
	uint64_t now = now_ms();

	for (j = r->pending; j; j = next) {
		next = j->next;
		if (j->due_ms <= now && job__run(r, j, now))
			pending__remove(r, j);
	}
}

/* Watching the roots for containers being created */

static int watch__add(struct resolver *r, const char *path, enum watch_kind kind,
		      enum resolver_source source)
{
	struct watch *w;

	if (r->nwatches == WATCHES_MAX)
		return -ENOSPC;
	w = &r->watches[r->nwatches];
	w->path = strdup(path);
	if (!w->path)
		return -ENOMEM;
	w->wd = -1;
	w->kind = kind;
	w->source = source;
	r->nwatches++;
	return 0;
}

static void watch__arm(struct resolver *r, struct watch *w)
{
	uint32_t mask = IN_CREATE | IN_MOVED_TO | IN_ONLYDIR;

	if (w->wd >= 0 || r->inotify_fd < 0)
		return;
	w->wd = inotify_add_watch(r->inotify_fd, w->path, mask);
}

/* containerd's namespaces come and go: one watch each, as they appear. */
static void watch__containerd_namespace(struct resolver *r, const struct watch *root,
					const char *ns)
{
	char path[PATH_MAX];
	size_t i;
	int n;

	if (ns[0] == '.' || strchr(ns, '/'))
		return;
	n = snprintf(path, sizeof(path), "%s/%s", root->path, ns);
	if (n < 0 || (size_t)n >= sizeof(path))
		return;
	for (i = 0; i < r->nwatches; i++) {
		if (!strcmp(r->watches[i].path, path))
			return;
	}
	if (!watch__add(r, path, WATCH_CONTAINERS, SOURCE_CONTAINERD))
		watch__arm(r, &r->watches[r->nwatches - 1]);
}

static void watch__arm_all(struct resolver *r)
{
	size_t i;

	for (i = 0; i < r->nwatches; i++)
		watch__arm(r, &r->watches[i]);
}

static void resolver__prefetch(struct resolver *r, const struct watch *w, const char *id,
			       uint64_t now)
{
	struct resolver_job *j;

	if (!id__valid(id, strlen(id)))
		return;
	j = calloc(1, sizeof(*j));
	if (!j)
		return;
	j->kind = JOB_RESOLVE;
	j->source = w->source;
	j->runtime = w->source == SOURCE_DOCKER	    ? RUNTIME_DOCKER
		     : w->source == SOURCE_CONTAINERD ? RUNTIME_CONTAINERD
						      : RUNTIME_HOST;
	j->uid = RESOLVER_NO_UID;
	memcpy(j->full_id, id, sizeof(j->full_id));
	pending__add(r, j, now);
}

static void resolver__read_inotify(struct resolver *r)
{
	char buf[8192] __attribute__((aligned(__alignof__(struct inotify_event))));
	const struct inotify_event *ev;
	uint64_t now = now_ms();
	ssize_t len;
	size_t i;
	char *p;

	for (;;) {
		len = read(r->inotify_fd, buf, sizeof(buf));
		if (len <= 0)
			return;
		for (p = buf; p < buf + len; p += sizeof(*ev) + ev->len) {
			ev = (const struct inotify_event *)p;
			for (i = 0; i < r->nwatches; i++) {
				if (r->watches[i].wd == ev->wd)
					break;
			}
			if (i == r->nwatches)
				continue;
			if (ev->mask & IN_IGNORED) {
				/* Its directory went: look for it again later. */
				r->watches[i].wd = -1;
				continue;
			}
			if (!(ev->mask & IN_ISDIR) || !ev->len)
				continue;
			if (r->watches[i].kind == WATCH_CONTAINERD_ROOT)
				watch__containerd_namespace(r, &r->watches[i], ev->name);
			else
				resolver__prefetch(r, &r->watches[i], ev->name, now);
		}
	}
}

/* Watches <root>/<sub>, where the runtime makes a directory per container. */
static void watch__add_under(struct resolver *r, const char *root, const char *sub,
			     enum watch_kind kind, enum resolver_source source)
{
	char path[PATH_MAX];
	int n;

	n = snprintf(path, sizeof(path), "%s%s%s", root, *sub ? "/" : "", sub);
	if (n > 0 && (size_t)n < sizeof(path))
		watch__add(r, path, kind, source);
}

static void resolver__setup_watches(struct resolver *r)
{
	r->inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (r->inotify_fd < 0) {
		log_warn("cannot watch for new containers; their first events may lack metadata");
		return;
	}
	if (r->podman_root)
		watch__add_under(r, r->podman_root, "overlay-containers", WATCH_CONTAINERS,
				 SOURCE_PODMAN);
	/* CRI-O usually shares podman's storage: one watch serves both. */
	if (r->crio_root && (!r->podman_root || strcmp(r->crio_root, r->podman_root)))
		watch__add_under(r, r->crio_root, "overlay-containers", WATCH_CONTAINERS,
				 SOURCE_CRIO);
	if (r->docker_root)
		watch__add_under(r, r->docker_root, "containers", WATCH_CONTAINERS, SOURCE_DOCKER);
	if (r->containerd_root)
		watch__add_under(r, r->containerd_root, "", WATCH_CONTAINERD_ROOT,
				 SOURCE_CONTAINERD);
	watch__arm_all(r);
}

/* containerd namespaces that existed before we started watching its root. */
static void resolver__scan_containerd(struct resolver *r)
{
	size_t i, n = r->nwatches;

	for (i = 0; i < n; i++) {
		struct watch *w = &r->watches[i];
		struct dirent *de;
		DIR *d;

		if (w->kind != WATCH_CONTAINERD_ROOT || w->wd < 0)
			continue;
		d = opendir(w->path);
		if (!d)
			continue;
		while ((de = readdir(d)))
			watch__containerd_namespace(r, w, de->d_name);
		closedir(d);
	}
}

static bool watches__missing(const struct resolver *r)
{
	size_t i;

	for (i = 0; i < r->nwatches; i++) {
		if (r->watches[i].wd < 0)
			return true;
	}
	return false;
}

static int resolver__timeout(const struct resolver *r, uint64_t now)
{
	const struct resolver_job *j;
	uint64_t due = UINT64_MAX;

	for (j = r->pending; j; j = j->next) {
		if (j->due_ms < due)
			due = j->due_ms;
	}
	if (r->inotify_fd >= 0 && watches__missing(r) && r->watch_retry_ms < due)
		due = r->watch_retry_ms;
	if (due == UINT64_MAX)
		return -1;
	return due <= now ? 0 : (int)(due - now > INT_MAX ? INT_MAX : due - now);
}

static void *resolver__main(void *arg)
{
	struct resolver *r = arg;
	struct pollfd pfd[2];
	uint64_t now, count;

	while (!atomic_load(&r->stop)) {
		resolver__take_inbox(r, now_ms());
		resolver__run_due(r);

		pfd[0].fd = r->wake_fd;
		pfd[0].events = POLLIN;
		pfd[1].fd = r->inotify_fd;
		pfd[1].events = POLLIN;
		if (poll(pfd, r->inotify_fd >= 0 ? 2 : 1, resolver__timeout(r, now_ms())) < 0 &&
		    errno != EINTR)
			log_warn("container resolver: poll");
		if (pfd[0].revents & POLLIN) {
			if (read(r->wake_fd, &count, sizeof(count)) < 0 && errno != EAGAIN)
				log_warn("container resolver: eventfd");
		}
		if (r->inotify_fd >= 0 && (pfd[1].revents & POLLIN))
			resolver__read_inotify(r);
		now = now_ms();
		if (r->inotify_fd >= 0 && now >= r->watch_retry_ms) {
			watch__arm_all(r);
			resolver__scan_containerd(r);
			r->watch_retry_ms = now + WATCH_RETRY_MS;
		}
	}
	return NULL;
}

static int strdup_opt(char **dst, const char *src)
{
	*dst = NULL;
	if (!src)
		return 0;
	*dst = strdup(src);
	return *dst ? 0 : -ENOMEM;
}

static void resolver__free(struct resolver *r)
{
	struct resolver_job *j, *next;
	struct resolver_result *res, *rnext;
	size_t i;

	for (j = r->pending; j; j = next) {
		next = j->next;
		free(j);
	}
	for (j = atomic_exchange(&r->inbox, NULL); j; j = next) {
		next = j->next;
		free(j);
	}
	for (res = atomic_exchange(&r->outbox, NULL); res; res = rnext) {
		rnext = res->next;
		resolver_result__free(res);
	}
	for (i = 0; i < r->nwatches; i++)
		free(r->watches[i].path);
	if (r->inotify_fd >= 0)
		close(r->inotify_fd);
	if (r->wake_fd >= 0)
		close(r->wake_fd);
	free(r->podman_root);
	free(r->crio_root);
	free(r->podman_user_root);
	free(r->docker_root);
	free(r->containerd_root);
	free(r->containerd_db);
	free(r);
}

int resolver__start(struct resolver **out, const struct container_config *config)
{
	sigset_t all, old;
	struct resolver *r;
	int err;

	*out = NULL;
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->wake_fd = r->inotify_fd = -1;
	atomic_init(&r->inbox, NULL);
	atomic_init(&r->outbox, NULL);
	atomic_init(&r->stop, false);
	err = strdup_opt(&r->podman_root, config->podman_root);
	if (!err)
		err = strdup_opt(&r->crio_root, config->crio_root);
	if (!err)
		err = strdup_opt(&r->podman_user_root, config->podman_user_root);
	if (!err)
		err = strdup_opt(&r->docker_root, config->docker_root);
	if (!err)
		err = strdup_opt(&r->containerd_root, config->containerd_root);
	if (!err)
		err = strdup_opt(&r->containerd_db, config->containerd_db);
	if (err)
		goto err_free;
	r->retry_first_ms = config->retry_first_ms ? config->retry_first_ms : RETRY_FIRST_MS;
	r->retry_max_ms = config->retry_max_ms ? config->retry_max_ms : RETRY_MAX_MS;
	r->give_up_ms = config->give_up_ms ? config->give_up_ms : GIVE_UP_MS;
	r->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (r->wake_fd < 0) {
		err = -errno;
		goto err_free;
	}
	/* Armed before the thread runs: a container created right after we
	 * return is seen. */
	resolver__setup_watches(r);
	resolver__scan_containerd(r);
	r->watch_retry_ms = now_ms() + WATCH_RETRY_MS;
	/* Signals are the main loop's: it must be the one they interrupt. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	err = -pthread_create(&r->thread, NULL, resolver__main, r);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err)
		goto err_free;
	r->running = true;
	*out = r;
	return 0;

err_free:
	resolver__free(r);
	return err;
}

void resolver__stop(struct resolver *r)
{
	if (!r)
		return;
	if (r->running) {
		atomic_store(&r->stop, true);
		resolver__wake(r);
		pthread_join(r->thread, NULL);
	}
	resolver__free(r);
}
