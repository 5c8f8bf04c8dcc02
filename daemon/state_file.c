// SPDX-License-Identifier: GPL-2.0-only
/*
 * Files under state_dir are replaced whole: written to a temporary file
 * beside the target, synced, renamed over it, and the directory synced, so
 * that a crash or a full disk leaves the old file or the new one, never part
 * of one.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vigil.h"

/* The rename is durable only once the directory holding it is. */
static int fsync_parent(const char *path)
{
	char copy[PATH_MAX];
	int fd, err = 0;

	snprintf(copy, sizeof(copy), "%s", path);
	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fsync(fd))
		err = -errno;
	close(fd);
	return err;
}

int state_file__replace(const char *path, mode_t mode, state_file_writer write, const void *ctx)
{
	char tmp[PATH_MAX];
	FILE *f;
	int fd, err;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >= sizeof(tmp))
		return -ENAMETOOLONG;
	fd = mkstemp(tmp);
	if (fd < 0)
		return -errno;
	if (fchmod(fd, mode)) {
		err = -errno;
		close(fd);
		goto unlink;
	}
	f = fdopen(fd, "w");
	if (!f) {
		err = -errno;
		close(fd);
		goto unlink;
	}
	err = write(f, ctx);
	if (!err && (fflush(f) || ferror(f)))
		err = -EIO;
	if (!err && fsync(fileno(f)))
		err = -errno;
	if (fclose(f) && !err)
		err = -EIO;
	if (err)
		goto unlink;
	if (rename(tmp, path)) {
		err = -errno;
		goto unlink;
	}
	return fsync_parent(path);
unlink:
	unlink(tmp);
	return err;
}
