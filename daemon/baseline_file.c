// SPDX-License-Identifier: GPL-2.0-only
/*
 * The baselines on disk: STATE_DIR/baseline.yaml, replaced atomically (a
 * temporary file, fsync, rename, fsync of the directory), so a crash leaves
 * the old file or the new one, never half of one. A file that does not read
 * as a baseline is renamed aside, for a person to look at, and vigild starts
 * learning anew rather than failing.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "vigil.h"

#define LOCK_FILE_NAME "baseline.lock"

/* The whole file, up to BASELINE_FILE_MAX (+1 to tell a longer one). */
static int read_all(const char *path, char **out, size_t *len)
{
	size_t cap = BASELINE_FILE_MAX + 1, n = 0;
	struct stat st;
	ssize_t r;
	char *buf;
	int fd, err = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		return -EINVAL;
	}
	if ((size_t)st.st_size < cap)
		cap = (size_t)st.st_size + 1;
	buf = malloc(cap + 1);
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	while (n < cap) {
		r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			err = -errno;
			break;
		}
		if (!r)
			break;
		n += (size_t)r;
	}
	close(fd);
	if (err) {
		free(buf);
		return err;
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return 0;
}

int baseline__load_file(struct baseline *b, const char *path, FILE *err, char *aside,
			size_t asidelen)
{
	char *text = NULL;
	size_t len = 0;
	int ret;

	if (aside && asidelen)
		*aside = '\0';
	ret = read_all(path, &text, &len);
	if (ret == -ENOENT || ret == -ENOMEM)
		return ret;
	if (!ret)
		ret = baseline__import(b, path, text, len, err);
	free(text);
	if (ret && ret != -ENOMEM) {
		char to[4096];

		snprintf(to, sizeof(to), "%s.corrupt-%lld", path, (long long)time(NULL));
		if (aside && rename(path, to) == 0)
			snprintf(aside, asidelen, "%s", to);
		return -EINVAL;
	}
	if (!ret)
		baseline__set_clean(b);
	return ret;
}

static int export_all(FILE *f, const void *b)
{
	return baseline__export(b, NULL, f);
}

/* 0600: baselines name the addresses and paths a workload uses. */
int baseline__save_file(const struct baseline *b, const char *path)
{
	return state_file__replace(path, 0600, export_all, b);
}

int baseline__lock(const char *state_dir)
{
	char path[4096];
	int fd;

	if (mkdir(state_dir, 0700) && errno != EEXIST)
		return -errno;
	snprintf(path, sizeof(path), "%s/%s", state_dir, LOCK_FILE_NAME);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return -errno;
	if (flock(fd, LOCK_EX | LOCK_NB)) {
		int err = errno == EWOULDBLOCK ? -EWOULDBLOCK : -errno;

		close(fd);
		return err;
	}
	return fd;
}
