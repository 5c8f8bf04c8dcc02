// SPDX-License-Identifier: GPL-2.0-only
/*
 * What vigild knows of every live process, kept current from fork, exec and
 * exit records and seeded from /proc at start. An open-addressing table of
 * fixed capacity: lookups on the event path never allocate; exec and fork
 * copy two strings.
 *
 * An exited process stays for a while (EXITED_KEEP exits later it goes), so
 * that its children's events still find their parent's name.
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

struct proctable {
	struct process *slots;
	size_t capacity; /* a power of two */
	size_t count;
	size_t limit;    /* most entries before inserts are refused */
	uint64_t refused;
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
	size_t cap = 64;

	while (cap < capacity)
		cap <<= 1;
	pt = calloc(1, sizeof(*pt));
	if (!pt)
		return NULL;
	pt->slots = calloc(cap, sizeof(*pt->slots));
	if (!pt->slots) {
		free(pt);
		return NULL;
	}
	pt->capacity = cap;
	pt->limit = cap / 4 * 3;
	return pt;
}

static void process_clear_strings(struct process *p)
{
	if (p->exepath != empty_string)
		free(p->exepath);
	if (p->args != empty_string)
		free(p->args);
	p->exepath = empty_string;
	p->args = empty_string;
	p->args_len = 0;
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

size_t proctable__count(const struct proctable *pt)
{
	return pt->count;
}

uint64_t proctable__refused(const struct proctable *pt)
{
	return pt->refused;
}

/* The entry for pid, created empty if new; NULL when the table is full. */
static struct process *get(struct proctable *pt, uint32_t pid)
{
	struct process *p;
	size_t i;

	if (pid == EMPTY_PID)
		return NULL;
	p = find(pt, pid);
	if (p)
		return p;
	if (pt->count >= pt->limit) {
		pt->refused++;
		return NULL;
	}
	i = slot_of(pt, pid);
	while (pt->slots[i].pid != EMPTY_PID)
		i = (i + 1) & (pt->capacity - 1);
	p = &pt->slots[i];
	memset(p, 0, sizeof(*p));
	p->pid = pid;
	p->loginuid = UINT32_MAX;
	p->exepath = empty_string;
	p->args = empty_string;
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

static void set_strings(struct process *p, const char *exepath, const char *args,
			uint32_t args_len, bool truncated)
{
	process_clear_strings(p);
	p->exepath = copy_bytes(exepath, strlen(exepath));
	p->args = copy_bytes(args, args_len);
	p->args_len = p->args == empty_string ? 0 : args_len;
	p->args_truncated = truncated;
}

static void fill_from_header(struct process *p, const struct vigil_event_header *h)
{
	p->ppid = h->ppid;
	p->uid = h->uid;
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

	switch (evt->type) {
	case VIGIL_EVENT_FORK:
		p = get(pt, h->pid);
		if (p)
			fill_from_header(p, h);
		/* Inserting never moves entries (only removal does): p stays valid. */
		child = get(pt, evt->fork.child_pid);
		if (!child)
			return;
		fill_from_header(child, h);
		child->ppid = h->pid;
		child->exited = false;
		if (p) {
			child->tty = p->tty;
			child->loginuid = p->loginuid;
			set_strings(child, p->exepath, p->args, p->args_len, p->args_truncated);
		}
		return;
	case VIGIL_EVENT_EXEC:
		if (h->retval != 0)
			break;
		p = get(pt, h->pid);
		if (!p)
			return;
		fill_from_header(p, h);
		p->tty = evt->exec.tty;
		p->loginuid = evt->exec.loginuid;
		set_strings(p, evt->exec.exe, evt->exec.args, evt->exec.args_len,
			    evt->exec.flags & VIGIL_EXEC_ARGS_TRUNCATED);
		return;
	case VIGIL_EVENT_EXIT:
		p = find(pt, h->pid);
		if (p && !p->exited) {
			p->exited = true;
			forget_exited(pt, h->pid);
		}
		return;
	case VIGIL_EVENT_CGROUP:
		return;
	default:
		break;
	}
	/* Any other event: make sure the process is known, and current. */
	p = get(pt, h->pid);
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

static void seed_one(struct proctable *pt, int dirfd, uint32_t pid)
{
	char stat[1024], args[VIGIL_ARGS_MAX], exe[PATH_MAX], *comm_end;
	unsigned int ppid = 0, loginuid;
	int tty = 0;
	struct process *p;
	ssize_t n;

	if (read_file(dirfd, "stat", stat, sizeof(stat)) <= 0)
		return;
	/* "pid (comm) state ppid pgrp session tty_nr": comm may hold spaces
	 * and parentheses, so parse from the last ')'. */
	comm_end = strrchr(stat, ')');
	if (!comm_end || sscanf(comm_end + 1, " %*c %u %*d %*d %d", &ppid, &tty) != 2)
		return;
	p = get(pt, pid);
	if (!p)
		return;
	p->ppid = ppid;
	p->tty = (uint32_t)tty;
	*comm_end = '\0';
	snprintf(p->comm, sizeof(p->comm), "%s", strchr(stat, '(') ? strchr(stat, '(') + 1 : "");
	if (read_file(dirfd, "loginuid", stat, sizeof(stat)) > 0 && sscanf(stat, "%u", &loginuid) == 1)
		p->loginuid = loginuid;
	if (read_file(dirfd, "status", stat, sizeof(stat)) > 0) {
		char *uid = strstr(stat, "\nUid:");

		if (uid)
			p->uid = strtoul(uid + 5, NULL, 10);
	}
	n = readlinkat(dirfd, "exe", exe, sizeof(exe) - 1);
	exe[n > 0 ? n : 0] = '\0';
	n = read_file(dirfd, "cmdline", args, sizeof(args));
	if (n < 0)
		n = 0;
	set_strings(p, exe, args, n, (size_t)n == sizeof(args) - 1);
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
