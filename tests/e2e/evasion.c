// SPDX-License-Identifier: GPL-2.0-only
/*
 * The syscalls an attacker uses to hide what a program opens or runs, for
 * tests/e2e/evasion.sh. Built static and mounted into a busybox container.
 *
 *   evasion open PATH            open(2) PATH for reading
 *   evasion dirfd DIR NAME       openat(2) NAME relative to a descriptor on DIR
 *   evasion openat2 PATH         openat2(2) PATH for reading
 *   evasion rename NAME PATH     renames itself NAME (prctl PR_SET_NAME), opens PATH
 *   evasion memfd PROG ARG...    runs a copy of PROG from a memfd (execveat AT_EMPTY_PATH)
 *   evasion race N A B           N openat(2) (more until both files were
 *                                opened) of a buffer a second thread keeps
 *                                rewriting between A and B (of equal length);
 *                                prints "FD PATH" for each file actually opened
 *   evasion deep DIR N NAME      creates N nested directories named NAME below
 *                                DIR, then a file "f" in the last, by a short
 *                                relative path; prints the file's absolute path
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

extern char **environ;

static int fail(const char *what)
{
	perror(what);
	return 1;
}

static int do_open(const char *path)
{
	return open(path, O_RDONLY) < 0 ? fail(path) : 0;
}

static int do_dirfd(const char *dir, const char *name)
{
	int dfd = open(dir, O_RDONLY | O_DIRECTORY);

	if (dfd < 0)
		return fail(dir);
	return openat(dfd, name, O_RDONLY) < 0 ? fail(name) : 0;
}

static int do_openat2(const char *path)
{
	struct open_how how = { .flags = O_RDONLY };

	return syscall(SYS_openat2, AT_FDCWD, path, &how, sizeof(how)) < 0 ? fail(path) : 0;
}

static int do_rename(const char *name, const char *path)
{
	if (prctl(PR_SET_NAME, name))
		return fail("prctl");
	return do_open(path);
}

/* Fileless execution: the program's bytes live only in an anonymous file. */
static int do_memfd(char **argv)
{
	char buf[65536];
	ssize_t n;
	int in, mfd;

	in = open(argv[0], O_RDONLY);
	if (in < 0)
		return fail(argv[0]);
	mfd = memfd_create("innocent", MFD_CLOEXEC);
	if (mfd < 0)
		return fail("memfd_create");
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(mfd, buf, n) != n)
			return fail("write");
	syscall(SYS_execveat, mfd, "", argv, environ, AT_EMPTY_PATH);
	return fail("execveat");
}

/* The race: one thread flips the path while the other opens it. */
static char race_path[256];
static const char *race_names[2];
static atomic_int race_done;
static atomic_uint race_flips;

static void *race_flipper(void *arg)
{
	unsigned int i = 0;

	(void)arg;
	while (!atomic_load_explicit(&race_done, memory_order_relaxed)) {
		strcpy(race_path, race_names[i++ & 1]);
		atomic_store_explicit(&race_flips, i, memory_order_relaxed);
	}
	return NULL;
}

static int do_race(int n, const char *a, const char *b)
{
	struct stat sa, sb, st;
	pthread_t flipper;
	int i, fd, seen = 0;

	if (strlen(a) != strlen(b) || strlen(a) >= sizeof(race_path))
		return fail("race: paths of different lengths");
	if (stat(a, &sa) || stat(b, &sb))
		return fail("stat");
	race_names[0] = a;
	race_names[1] = b;
	strcpy(race_path, a);
	if (pthread_create(&flipper, NULL, race_flipper, NULL))
		return fail("pthread_create");
	while (atomic_load(&race_flips) < 1000)
		sched_yield();
	/* Descriptors stay open, so each number names one open. On a busy
	 * machine the flipper may stall: go on, up to 10n, until both files
	 * were opened. */
	for (i = 0; i < n || (seen != 3 && i < 10 * n); i++) {
		fd = openat(AT_FDCWD, race_path, O_RDONLY);
		if (fd < 0 || fstat(fd, &st))
			continue;
		if (st.st_ino == sa.st_ino && st.st_dev == sa.st_dev) {
			printf("%d %s\n", fd, a);
			seen |= 1;
		} else if (st.st_ino == sb.st_ino && st.st_dev == sb.st_dev) {
			printf("%d %s\n", fd, b);
			seen |= 2;
		}
	}
	atomic_store(&race_done, 1);
	pthread_join(flipper, NULL);
	return 0;
}

static int do_deep(const char *dir, int n, const char *name)
{
	char cwd[16384];
	int i, fd;

	if (chdir(dir))
		return fail(dir);
	for (i = 0; i < n; i++)
		if ((mkdir(name, 0755) && errno != EEXIST) || chdir(name))
			return fail(name);
	fd = open("f", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return fail("f");
	if (!getcwd(cwd, sizeof(cwd)))
		return fail("getcwd");
	printf("%s/f\n", cwd);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "open"))
		return do_open(argv[2]);
	if (argc == 4 && !strcmp(argv[1], "dirfd"))
		return do_dirfd(argv[2], argv[3]);
	if (argc == 3 && !strcmp(argv[1], "openat2"))
		return do_openat2(argv[2]);
	if (argc == 4 && !strcmp(argv[1], "rename"))
		return do_rename(argv[2], argv[3]);
	if (argc >= 3 && !strcmp(argv[1], "memfd"))
		return do_memfd(argv + 2);
	if (argc == 5 && !strcmp(argv[1], "race"))
		return do_race(atoi(argv[2]), argv[3], argv[4]);
	if (argc == 5 && !strcmp(argv[1], "deep"))
		return do_deep(argv[2], atoi(argv[3]), argv[4]);
	fprintf(stderr, "usage: evasion open|dirfd|openat2|rename|memfd|race|deep ...\n");
	return 2;
}
