// SPDX-License-Identifier: GPL-2.0-only
/*
 * What vigild knows of every live process, kept current from fork, exec and
 * exit records and seeded from /proc at start. An open-addressing table that
 * starts small and doubles on demand up to a bound: a node's few hundred
 * processes cost a few hundred slots, not the bound's. Lookups never
 * allocate; exec and fork copy the strings; inserting may move every entry,
 * so no pointer into the table is kept across an insert.
 *
 * An exited process stays for a while (EXITED_KEEP exits later it goes), so
 * that its children's events still find their parent's name; its exit event,
 * its last, is matched with the entry still there.
 *
 * The table is bounded. When a new process finds it full, an entry is
 * evicted: the oldest exited one first; failing that, the live one whose
 * last event is the oldest (a process can be idle for days while its
 * children work: those are its events too, so the event's process and its
 * ancestors count as seen and are never the victim).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vigil.h"

#define EXITED_KEEP 1024
#define EMPTY_PID 0
#define INITIAL_CAPACITY 1024

struct proctable {
	struct process *slots;
	size_t capacity; /* a power of two */
	size_t max_capacity;
	size_t count;
	size_t limit;    /* most entries before the table grows, or evicts one */
	uint64_t refused;
	uint64_t evictions;
	uint64_t clock;  /* events applied: what last_seen counts in */
	unsigned int ancestry_depth;
	uint32_t exited[EXITED_KEEP];
	size_t exited_next;
};

static char empty_string[] = "";

static size_t slot_of(const struct proctable *pt, uint32_t pid)
{
	return (pid * 2654435761u) & (pt->capacity - 1);
}

struct proctable *proctable__new(size_t capacity)
{
	struct proctable *pt;
	size_t max = 64;

	while (max < capacity)
		max <<= 1;
	pt = calloc(1, sizeof(*pt));
	if (!pt)
		return NULL;
	pt->max_capacity = max;
	pt->capacity = max < INITIAL_CAPACITY ? max : INITIAL_CAPACITY;
	pt->slots = calloc(pt->capacity, sizeof(*pt->slots));
	if (!pt->slots) {
		free(pt);
		return NULL;
	}
	pt->limit = pt->capacity / 4 * 3;
	pt->ancestry_depth = PROC_ANCESTRY_DEPTH_DEFAULT;
	return pt;
}

/* Twice the slots, every entry rehashed into them; false when the table is at
 * its bound or memory is short (the old table stays). */
static bool grow(struct proctable *pt)
{
	struct process *old = pt->slots;
	size_t i, j, old_cap = pt->capacity;

	if (old_cap >= pt->max_capacity)
		return false;
	pt->slots = calloc(old_cap * 2, sizeof(*pt->slots));
	if (!pt->slots) {
		pt->slots = old;
		return false;
	}
	pt->capacity = old_cap * 2;
	pt->limit = pt->capacity / 4 * 3;
	for (i = 0; i < old_cap; i++) {
		if (old[i].pid == EMPTY_PID)
			continue;
		j = slot_of(pt, old[i].pid);
		while (pt->slots[j].pid != EMPTY_PID)
			j = (j + 1) & (pt->capacity - 1);
		pt->slots[j] = old[i];
	}
	free(old);
	return true;
}

static void free_string(char **s)
{
	if (*s != empty_string)
		free(*s);
	*s = empty_string;
}

static void process_clear_strings(struct process *p)
{
	free_string(&p->exepath);
	free_string(&p->args);
	free_string(&p->cwd);
	free_string(&p->env);
	p->args_len = 0;
	p->env_len = 0;
	p->args_truncated = false;
}

void proctable__free(struct proctable *pt)
{
	size_t i;

	if (!pt)
		return;
	for (i = 0; i < pt->capacity; i++)
		if (pt->slots[i].pid != EMPTY_PID)
			process_clear_strings(&pt->slots[i]);
	free(pt->slots);
	free(pt);
}

static struct process *find(const struct proctable *pt, uint32_t pid)
{
	size_t i = slot_of(pt, pid);

	while (pt->slots[i].pid != EMPTY_PID) {
		if (pt->slots[i].pid == pid)
			return &pt->slots[i];
		i = (i + 1) & (pt->capacity - 1);
	}
	return NULL;
}

const struct process *proctable__lookup(const struct proctable *pt, uint32_t pid)
{
	return pid == EMPTY_PID ? NULL : find(pt, pid);
}

void proctable__foreach(const struct proctable *pt,
			void (*fn)(const struct process *p, void *ctx), void *ctx)
{
	size_t i;

	for (i = 0; i < pt->capacity; i++)
		if (pt->slots[i].pid != EMPTY_PID)
			fn(&pt->slots[i], ctx);
}

size_t proctable__count(const struct proctable *pt)
{
	return pt->count;
}

uint64_t proctable__refused(const struct proctable *pt)
{
	return pt->refused;
}

uint64_t proctable__evictions(const struct proctable *pt)
{
	return pt->evictions;
}

void proctable__set_ancestry_depth(struct proctable *pt, unsigned int depth)
{
	if (depth < 1)
		depth = 1;
	if (depth > PROC_ANCESTRY_DEPTH_MAX)
		depth = PROC_ANCESTRY_DEPTH_MAX;
	pt->ancestry_depth = depth;
}

unsigned int proctable__ancestry_depth(const struct proctable *pt)
{
	return pt->ancestry_depth;
}

static void remove_entry(struct proctable *pt, struct process *p);

/* Stamps p and the ancestors its fields can reach as seen now. */
static void mark_chain_seen(struct proctable *pt, struct process *p)
{
	unsigned int g;

	for (g = 0; p && g <= pt->ancestry_depth; g++) {
		p->last_seen = pt->clock;
		/* pid 1's parent is 0; a pid reused in a loop must not spin. */
		if (!p->ppid || p->ppid == p->pid)
			break;
		p = find(pt, p->ppid);
	}
}

/* The oldest exited entry not seen now; NULL if none. */
static struct process *oldest_exited(struct proctable *pt)
{
	struct process *p;
	size_t k, i;

	for (k = 0; k < EXITED_KEEP; k++) {
		i = (pt->exited_next + k) % EXITED_KEEP;
		if (pt->exited[i] == EMPTY_PID)
			continue;
		p = find(pt, pt->exited[i]);
		if (p && p->exited && p->last_seen != pt->clock) {
			pt->exited[i] = EMPTY_PID;
			return p;
		}
	}
	return NULL;
}

/* The live entry seen least recently, not now; NULL if none. */
static struct process *least_recently_seen(struct proctable *pt)
{
	struct process *victim = NULL;
	size_t i;

	for (i = 0; i < pt->capacity; i++) {
		struct process *p = &pt->slots[i];

		if (p->pid == EMPTY_PID || p->last_seen == pt->clock)
			continue;
		if (!victim || p->last_seen < victim->last_seen)
			victim = p;
	}
	return victim;
}

/*
 * Makes room for one entry, sparing h's process and its ancestors (h may be
 * NULL). Entries may move: pointers into the table are stale afterwards.
 */
static bool evict(struct proctable *pt, const struct vigil_event_header *h)
{
	struct process *victim;

	/* The event's process was stamped by get(); its parent is the one the
	 * header names, whatever the table still says. */
	if (h)
		mark_chain_seen(pt, find(pt, h->ppid));
	victim = oldest_exited(pt);
	if (!victim)
		victim = least_recently_seen(pt);
	if (!victim)
		return false;
	/* Say it once; the counter says how often. */
	if (!pt->evictions++)
		log_warnx("more than %zu processes: evicting the oldest exited, then the least "
			  "recently seen", pt->limit);
	remove_entry(pt, victim);
	return true;
}

/* The entry for pid, created empty if new (h: the event it is for, whose
 * processes an eviction spares); NULL when there is no room. */
static struct process *get(struct proctable *pt, uint32_t pid,
			   const struct vigil_event_header *h)
{
	struct process *p;
	size_t i;

	if (pid == EMPTY_PID)
		return NULL;
	p = find(pt, pid);
	if (p) {
		/* An event of an exited pid: the pid is someone else's now. */
		p->exited = false;
		p->last_seen = pt->clock;
		return p;
	}
	if (pt->count >= pt->limit && !grow(pt) && !evict(pt, h)) {
		pt->refused++;
		return NULL;
	}
	i = slot_of(pt, pid);
	while (pt->slots[i].pid != EMPTY_PID)
		i = (i + 1) & (pt->capacity - 1);
	p = &pt->slots[i];
	memset(p, 0, sizeof(*p));
	p->pid = pid;
	p->last_seen = pt->clock;
	p->loginuid = UINT32_MAX;
	p->exepath = empty_string;
	p->args = empty_string;
	p->cwd = empty_string;
	p->env = empty_string;
	pt->count++;
	return p;
}

/* Linear-probing deletion: shift later members of the cluster back so that
 * lookups never stop early at the hole. */
static void remove_entry(struct proctable *pt, struct process *p)
{
	size_t mask = pt->capacity - 1, hole = p - pt->slots, i = hole, home;

	process_clear_strings(p);
	for (;;) {
		i = (i + 1) & mask;
		if (pt->slots[i].pid == EMPTY_PID)
			break;
		home = slot_of(pt, pt->slots[i].pid);
		/* Move slot i into the hole unless its home lies in (hole, i]. */
		if (((i - home) & mask) >= ((i - hole) & mask)) {
			pt->slots[hole] = pt->slots[i];
			hole = i;
		}
	}
	memset(&pt->slots[hole], 0, sizeof(pt->slots[hole]));
	pt->count--;
}

static char *copy_bytes(const char *s, size_t len)
{
	char *copy;

	if (!len)
		return empty_string;
	copy = malloc(len + 1);
	if (!copy)
		return empty_string;
	memcpy(copy, s, len);
	copy[len] = '\0';
	return copy;
}

/* What an exec or a fork leaves a process with: copies of the strings. */
struct image {
	const char *exepath;
	const char *args;
	uint32_t args_len;
	bool args_truncated;
	const char *cwd;
	const char *env;
	uint32_t env_len;
};

/* Copies first, frees after: im may be p's own strings (a record saying a
 * process forked itself). */
static void set_image(struct process *p, const struct image *im)
{
	char *exepath = copy_bytes(im->exepath, strlen(im->exepath));
	char *args = copy_bytes(im->args, im->args_len);
	char *cwd = copy_bytes(im->cwd, strlen(im->cwd));
	char *env = copy_bytes(im->env, im->env_len);
	uint32_t args_len = im->args_len, env_len = im->env_len;
	bool args_truncated = im->args_truncated;

	process_clear_strings(p);
	p->exepath = exepath;
	p->args = args;
	p->args_len = args == empty_string ? 0 : args_len;
	p->args_truncated = args_truncated;
	p->cwd = cwd;
	p->env = env;
	p->env_len = env == empty_string ? 0 : env_len;
}

static void image_of(const struct process *p, struct image *im)
{
	im->exepath = p->exepath;
	im->args = p->args;
	im->args_len = p->args_len;
	im->args_truncated = p->args_truncated;
	im->cwd = p->cwd;
	im->env = p->env;
	im->env_len = p->env_len;
}

static void fill_from_header(struct process *p, const struct vigil_event_header *h)
{
	p->ppid = h->ppid;
	p->uid = h->uid;
	p->gid = h->gid;
	p->cgroup_id = h->cgroup_id;
	memcpy(p->comm, h->comm, sizeof(p->comm));
	p->comm[sizeof(p->comm) - 1] = '\0';
}

static void forget_exited(struct proctable *pt, uint32_t pid)
{
	uint32_t old = pt->exited[pt->exited_next];
	struct process *p;

	if (old != EMPTY_PID) {
		p = find(pt, old);
		if (p && p->exited)
			remove_entry(pt, p);
	}
	pt->exited[pt->exited_next] = pid;
	pt->exited_next = (pt->exited_next + 1) % EXITED_KEEP;
}

void proctable__apply(struct proctable *pt, const struct evt *evt)
{
	const struct vigil_event_header *h = evt->hdr;
	struct process *p, *child;

	pt->clock++;
	switch (evt->type) {
	case VIGIL_EVENT_FORK: {
		struct image im;

		p = get(pt, h->pid, h);
		if (p)
			fill_from_header(p, h);
		child = get(pt, evt->fork.child_pid, h);
		if (!child)
			return;
		/* Inserting the child may have grown the table, or evicted an entry:
		 * either can move the parent. */
		p = find(pt, h->pid);
		fill_from_header(child, h);
		child->ppid = h->pid;
		child->start_ns = h->ts_ns;
		child->vpid = 0; /* unknown until its exec */
		if (p) {
			child->tty = p->tty;
			child->loginuid = p->loginuid;
			child->sid = p->sid;
			child->cap_effective = p->cap_effective;
			child->cap_permitted = p->cap_permitted;
			child->cap_inheritable = p->cap_inheritable;
			child->exe_flags = p->exe_flags;
			image_of(p, &im);
			set_image(child, &im);
		}
		return;
	}
	case VIGIL_EVENT_EXEC: {
		struct image im = {
			.exepath = evt->exec.exe,
			.args = evt->exec.args,
			.args_len = evt->exec.args_len,
			.args_truncated = evt->exec.flags & VIGIL_EXEC_ARGS_TRUNCATED,
			.cwd = evt->exec.cwd,
			.env = evt->exec.env,
			.env_len = evt->exec.env_len,
		};

		if (h->retval != 0)
			break;
		p = get(pt, h->pid, h);
		if (!p)
			return;
		fill_from_header(p, h);
		p->tty = evt->exec.tty;
		p->loginuid = evt->exec.loginuid;
		p->sid = evt->exec.sid;
		p->vpid = evt->exec.vpid;
		p->start_ns = evt->exec.start_ns;
		p->cap_effective = evt->exec.cap_effective;
		p->cap_permitted = evt->exec.cap_permitted;
		p->cap_inheritable = evt->exec.cap_inheritable;
		p->exe_flags = evt->exec.flags & (VIGIL_EXEC_EXE_UPPER_LAYER | VIGIL_EXEC_EXE_MEMFD);
		set_image(p, &im);
		return;
	}
	case VIGIL_EVENT_EXIT:
		p = find(pt, h->pid);
		if (p && !p->exited) {
			p->exited = true;
			forget_exited(pt, h->pid);
		}
		return;
	case VIGIL_EVENT_CGROUP:
	case VIGIL_EVENT_CGROUP_RMDIR:
		return;
	default:
		break;
	}
	/* Any other event: make sure the process is known, and current. */
	p = get(pt, h->pid, h);
	if (p)
		fill_from_header(p, h);
}

/* Seeding from /proc: best effort, a process may exit while it is read. */

static ssize_t read_file(int dirfd, const char *name, char *buf, size_t cap)
{
	ssize_t n;
	int fd;

	fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, cap - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return n;
}

static uint64_t parse_cap(const char *status, const char *key)
{
	const char *line = strstr(status, key);

	return line ? strtoull(line + strlen(key), NULL, 16) : 0;
}

static void seed_one(struct proctable *pt, int dirfd, uint32_t pid)
{
	char stat[2048], args[VIGIL_ARGS_MAX], exe[PATH_MAX], cwd[PATH_MAX], *comm_end, *line;
	unsigned long long start_ticks = 0;
	unsigned int ppid = 0, loginuid;
	int tty = 0, sid = 0;
	char state = 0;
	struct process *p;
	struct image im = { .env = "" };
	ssize_t n;

	if (read_file(dirfd, "stat", stat, sizeof(stat)) <= 0)
		return;
	/* "pid (comm) state ppid pgrp session tty_nr ... starttime(22)": comm
	 * may hold spaces and parentheses, so parse from the last ')'. */
	comm_end = strrchr(stat, ')');
	if (!comm_end || sscanf(comm_end + 1,
				" %c %u %*d %d %d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d "
				"%*d %*d %llu",
				&state, &ppid, &sid, &tty, &start_ticks) != 5)
		return;
	/* A zombie has exited already: no exit event would ever remove it. */
	if (state == 'Z' || state == 'X')
		return;
	p = get(pt, pid, NULL);
	if (!p)
		return;
	p->ppid = ppid;
	p->sid = (uint32_t)sid;
	p->tty = (uint32_t)tty;
	p->start_ns = start_ticks * (1000000000ull / (uint64_t)sysconf(_SC_CLK_TCK));
	*comm_end = '\0';
	snprintf(p->comm, sizeof(p->comm), "%s", strchr(stat, '(') ? strchr(stat, '(') + 1 : "");
	if (read_file(dirfd, "loginuid", stat, sizeof(stat)) > 0 && sscanf(stat, "%u", &loginuid) == 1)
		p->loginuid = loginuid;
	if (read_file(dirfd, "status", stat, sizeof(stat)) > 0) {
		line = strstr(stat, "\nUid:");
		if (line)
			p->uid = strtoul(line + 5, NULL, 10);
		line = strstr(stat, "\nGid:");
		if (line)
			p->gid = strtoul(line + 5, NULL, 10);
		/* The last NSpid column is the pid in the process's own namespace. */
		line = strstr(stat, "\nNSpid:");
		if (line) {
			char *end = strchr(line + 1, '\n'), *last = strrchr(line + 1, '\t');

			if (last && (!end || last < end))
				p->vpid = strtoul(last + 1, NULL, 10);
		}
		p->cap_inheritable = parse_cap(stat, "\nCapInh:");
		p->cap_permitted = parse_cap(stat, "\nCapPrm:");
		p->cap_effective = parse_cap(stat, "\nCapEff:");
	}
	n = readlinkat(dirfd, "exe", exe, sizeof(exe) - 1);
	exe[n > 0 ? n : 0] = '\0';
	n = readlinkat(dirfd, "cwd", cwd, sizeof(cwd) - 1);
	cwd[n > 0 ? n : 0] = '\0';
	n = read_file(dirfd, "cmdline", args, sizeof(args));
	if (n < 0)
		n = 0;
	im.exepath = exe;
	im.args = args;
	im.args_len = n;
	im.args_truncated = (size_t)n == sizeof(args) - 1;
	im.cwd = cwd;
	set_image(p, &im);
}

int proctable__seed(struct proctable *pt, const char *proc_root)
{
	struct dirent *de;
	DIR *dir;
	int n = 0;

	dir = opendir(proc_root);
	if (!dir)
		return -errno;
	while ((de = readdir(dir))) {
		char *end;
		unsigned long pid = strtoul(de->d_name, &end, 10);
		int fd;

		if (*end || !pid || pid > UINT32_MAX)
			continue;
		fd = openat(dirfd(dir), de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0)
			continue;
		seed_one(pt, fd, pid);
		close(fd);
		n++;
	}
	closedir(dir);
	return n;
}
