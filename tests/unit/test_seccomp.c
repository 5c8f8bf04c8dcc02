// SPDX-License-Identifier: GPL-2.0-only
/*
 * Seccomp advice: syscall sets and their merge (syscall_set.c), the name
 * tables (syscall_names.c), the profile's exact JSON (seccomp_profile.c), the
 * per-image store, its file and how a broken file is refused
 * (seccomp_store.c), and `--advise seccomp` end to end on a file
 * (seccomp_advise.c).
 */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "vigil.h"

static char dir[64];
static char file[128];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/vigil-seccomp-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(file, sizeof(file), "%s/%s", dir, SECCOMP_STORE_FILE);
	return 0;
}

static int teardown(void **state)
{
	struct dirent *d;
	char path[512];
	DIR *dp;

	(void)state;
	dp = opendir(dir);
	while (dp && (d = readdir(dp))) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, d->d_name);
		unlink(path);
	}
	if (dp)
		closedir(dp);
	rmdir(dir);
	return 0;
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static char *read_file(const char *path)
{
	static char buf[8192];
	size_t n;
	FILE *f = fopen(path, "r");

	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* Files in dir other than the store: a temporary file left behind would show. */
static int other_files(void)
{
	struct dirent *d;
	int n = 0;
	DIR *dp = opendir(dir);

	assert_non_null(dp);
	while ((d = readdir(dp))) {
		if (d->d_name[0] != '.' && strcmp(d->d_name, SECCOMP_STORE_FILE))
			n++;
	}
	closedir(dp);
	return n;
}

static void test_set_merge(void **state)
{
	struct syscall_set a = { 0 }, b = { 0 };
	struct vigil_syscall_set k = { 0 };

	(void)state;
	syscall_set__add(&a, false, 0);
	syscall_set__add(&a, false, 63);
	syscall_set__add(&a, false, 64);
	syscall_set__add(&a, true, 511);
	syscall_set__add(&a, true, 512); /* past the table: ignored */
	assert_int_equal(a.native[0], 0x8000000000000001ull);
	assert_int_equal(a.native[1], 0x1ull);
	assert_int_equal(a.compat[7], 0x8000000000000000ull);
	assert_int_equal(syscall_set__count(&a, false), 3);
	assert_int_equal(syscall_set__count(&a, true), 1);
	assert_true(syscall_set__has(&a, false, 63));
	assert_false(syscall_set__has(&a, true, 63));
	assert_false(syscall_set__has(&a, false, 512));

	syscall_set__add(&b, false, 63);
	assert_false(syscall_set__merge(&a, &b)); /* nothing new */
	syscall_set__add(&b, true, 3);
	assert_true(syscall_set__merge(&a, &b));
	assert_int_equal(a.compat[0], 0x8ull);
	assert_int_equal(a.native[0], 0x8000000000000001ull);
	assert_false(syscall_set__merge(&a, &b));

	/* The kernel's bytes: any non-zero byte is a syscall seen. */
	k.state = VIGIL_LEARN_COUNT;
	k.native[1] = 1;
	k.native[257] = 1;
	k.compat[102] = 0xff;
	syscall_set__from_kernel(&b, &k);
	assert_int_equal(b.native[0], 0x2ull);
	assert_int_equal(b.native[4], 0x2ull); /* 257 = 4 * 64 + 1 */
	assert_int_equal(b.compat[1], 1ull << 38); /* 102 = 64 + 38 */
	assert_int_equal(syscall_set__count(&b, false), 2);
	assert_int_equal(syscall_set__count(&b, true), 1);
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(syscall_names__lookup(false, 0), "read");
	assert_string_equal(syscall_names__lookup(false, 59), "execve");
	assert_string_equal(syscall_names__lookup(false, 257), "openat");
	assert_string_equal(syscall_names__lookup(false, 262), "newfstatat");
	assert_string_equal(syscall_names__lookup(false, 435), "clone3");
	assert_string_equal(syscall_names__lookup(true, 0), "restart_syscall");
	assert_string_equal(syscall_names__lookup(true, 11), "execve");
	assert_string_equal(syscall_names__lookup(true, 102), "socketcall");
	assert_string_equal(syscall_names__lookup(true, 140), "_llseek");
	assert_string_equal(syscall_names__lookup(true, 295), "openat");
	/* x86_64 has no syscalls 336 to 423; nothing past the table. */
	assert_null(syscall_names__lookup(false, 400));
	assert_null(syscall_names__lookup(false, 512));
	assert_null(syscall_names__lookup(true, 100000));
}

static const char *profile(const struct syscall_set *s, size_t *unnamed)
{
	static char buf[16384];
	struct strbuf sb;

	strbuf__init(&sb, buf, sizeof(buf));
	assert_int_equal(seccomp_profile__format(s, &sb, unnamed), 0);
	return buf;
}

static void test_profile(void **state)
{
	struct syscall_set s = { 0 };
	size_t unnamed;

	(void)state;
	syscall_set__add(&s, false, 257); /* openat */
	syscall_set__add(&s, false, 0);   /* read */
	syscall_set__add(&s, false, 1);   /* write */
	syscall_set__add(&s, false, 400); /* no such syscall */
	assert_string_equal(profile(&s, &unnamed),
			    "{\n"
			    "\t\"defaultAction\": \"SCMP_ACT_ERRNO\",\n"
			    "\t\"defaultErrnoRet\": 1,\n"
			    "\t\"architectures\": [\n"
			    "\t\t\"SCMP_ARCH_X86_64\"\n"
			    "\t],\n"
			    "\t\"syscalls\": [\n"
			    "\t\t{\n"
			    "\t\t\t\"names\": [\n"
			    "\t\t\t\t\"openat\",\n"
			    "\t\t\t\t\"read\",\n"
			    "\t\t\t\t\"write\"\n"
			    "\t\t\t],\n"
			    "\t\t\t\"action\": \"SCMP_ACT_ALLOW\"\n"
			    "\t\t}\n"
			    "\t]\n"
			    "}\n");
	assert_int_equal(unnamed, 1);

	/* ia32 calls add x86 and their names, each name once. */
	syscall_set__add(&s, true, 3);   /* read, as native */
	syscall_set__add(&s, true, 102); /* socketcall */
	assert_string_equal(profile(&s, &unnamed),
			    "{\n"
			    "\t\"defaultAction\": \"SCMP_ACT_ERRNO\",\n"
			    "\t\"defaultErrnoRet\": 1,\n"
			    "\t\"architectures\": [\n"
			    "\t\t\"SCMP_ARCH_X86_64\",\n"
			    "\t\t\"SCMP_ARCH_X86\"\n"
			    "\t],\n"
			    "\t\"syscalls\": [\n"
			    "\t\t{\n"
			    "\t\t\t\"names\": [\n"
			    "\t\t\t\t\"openat\",\n"
			    "\t\t\t\t\"read\",\n"
			    "\t\t\t\t\"socketcall\",\n"
			    "\t\t\t\t\"write\"\n"
			    "\t\t\t],\n"
			    "\t\t\t\"action\": \"SCMP_ACT_ALLOW\"\n"
			    "\t\t}\n"
			    "\t]\n"
			    "}\n");
	assert_int_equal(unnamed, 1);

	memset(&s, 0, sizeof(s));
	assert_string_equal(profile(&s, &unnamed),
			    "{\n"
			    "\t\"defaultAction\": \"SCMP_ACT_ERRNO\",\n"
			    "\t\"defaultErrnoRet\": 1,\n"
			    "\t\"architectures\": [\n"
			    "\t\t\"SCMP_ARCH_X86_64\"\n"
			    "\t],\n"
			    "\t\"syscalls\": []\n"
			    "}\n");
	assert_int_equal(unnamed, 0);
}

static void test_profile_too_small(void **state)
{
	struct syscall_set s = { 0 };
	struct strbuf sb;
	char buf[64];
	size_t unnamed;

	(void)state;
	syscall_set__add(&s, false, 0);
	strbuf__init(&sb, buf, sizeof(buf));
	assert_int_equal(seccomp_profile__format(&s, &sb, &unnamed), -E2BIG);
}

static void test_store_scope(void **state)
{
	struct seccomp_store *st = seccomp_store__new();
	struct syscall_set a = { 0 }, b = { 0 }, out;

	(void)state;
	assert_non_null(st);
	syscall_set__add(&a, false, 1);
	syscall_set__add(&b, false, 2);
	assert_false(seccomp_store__dirty(st));
	assert_int_equal(seccomp_store__add(st, "docker.io/library/nginx:1.25",
					    "docker.io/library/nginx", &a), 1);
	assert_true(seccomp_store__dirty(st));
	assert_int_equal(seccomp_store__add(st, "docker.io/library/nginx:1.25",
					    "docker.io/library/nginx", &a), 0);
	assert_int_equal(seccomp_store__add(st, "docker.io/library/nginx:1.26",
					    "docker.io/library/nginx", &b), 1);
	assert_int_equal(seccomp_store__add(st, "localhost/app:1", NULL, &b), 1);
	assert_int_equal(seccomp_store__count(st), 3);

	/* An exact image first; a repository is the union of its tags. */
	assert_int_equal(seccomp_store__scope(st, "docker.io/library/nginx:1.25", &out), 1);
	assert_int_equal(out.native[0], 0x2);
	assert_int_equal(seccomp_store__scope(st, "docker.io/library/nginx", &out), 2);
	assert_int_equal(out.native[0], 0x6);
	assert_int_equal(seccomp_store__scope(st, "localhost/app:1", &out), 1);
	assert_int_equal(out.native[0], 0x4);
	assert_int_equal(seccomp_store__scope(st, "nginx", &out), -ENOENT);
	assert_int_equal(out.native[0], 0);

	/* What the file could not hold. */
	assert_int_equal(seccomp_store__add(st, "a\tb", NULL, &a), -EINVAL);
	assert_int_equal(seccomp_store__add(st, "", NULL, &a), -EINVAL);
	assert_int_equal(seccomp_store__add(st, "-", NULL, &a), -EINVAL);
	assert_int_equal(seccomp_store__add(st, "x:1", "x\ny", &a), -EINVAL);
	assert_int_equal(seccomp_store__count(st), 3);
	seccomp_store__free(st);
	seccomp_store__free(NULL);
}

#define ZERO_HEX "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"

static void test_store_round_trip(void **state)
{
	struct seccomp_store *st = seccomp_store__new(), *back = seccomp_store__new();
	struct syscall_set a = { 0 }, b = { 0 }, out;
	char error[512] = "";
	struct stat sbuf;

	(void)state;
	syscall_set__add(&a, false, 0);
	syscall_set__add(&a, false, 257);
	syscall_set__add(&a, true, 511);
	syscall_set__add(&b, false, 63);
	assert_int_equal(seccomp_store__add(st, "localhost/vigil-test:1", "localhost/vigil-test",
					    &a), 1);
	assert_int_equal(seccomp_store__add(st, "sha256:abc", NULL, &b), 1);
	assert_int_equal(seccomp_store__save(st, file), 0);
	assert_false(seccomp_store__dirty(st));
	assert_string_equal(read_file(file),
		"vigil-syscalls 1\n"
		"localhost/vigil-test:1\tlocalhost/vigil-test\t"
		"0000000000000001000000000000000000000000000000000000000000000000"
		"0000000000000002000000000000000000000000000000000000000000000000\t"
		"0000000000000000000000000000000000000000000000000000000000000000"
		"0000000000000000000000000000000000000000000000008000000000000000\n"
		"sha256:abc\t-\t8000000000000000" "000000000000000000000000000000000000000000000000"
		"0000000000000000000000000000000000000000000000000000000000000000\t" ZERO_HEX "\n"
		"end 2\n");
	assert_int_equal(stat(file, &sbuf), 0);
	assert_int_equal(sbuf.st_mode & 0777, 0644);
	assert_int_equal(other_files(), 0);

	assert_int_equal(seccomp_store__load(back, file, error, sizeof(error)), 0);
	assert_string_equal(error, "");
	assert_false(seccomp_store__dirty(back));
	assert_int_equal(seccomp_store__count(back), 2);
	assert_int_equal(seccomp_store__scope(back, "localhost/vigil-test", &out), 1);
	assert_memory_equal(&out, &a, sizeof(a));
	assert_int_equal(seccomp_store__scope(back, "sha256:abc", &out), 1);
	assert_memory_equal(&out, &b, sizeof(b));

	/* Saved again over the old file: replaced whole. */
	assert_int_equal(seccomp_store__add(back, "sha256:abc", NULL, &a), 1);
	assert_int_equal(seccomp_store__save(back, file), 0);
	assert_int_equal(seccomp_store__load(st, file, error, sizeof(error)), 0);
	assert_int_equal(seccomp_store__scope(st, "sha256:abc", &out), 1);
	assert_int_equal(out.native[0], 0x8000000000000001ull);
	assert_int_equal(other_files(), 0);

	/* An empty store is a file too. */
	seccomp_store__free(back);
	back = seccomp_store__new();
	assert_int_equal(seccomp_store__save(back, file), 0);
	assert_string_equal(read_file(file), "vigil-syscalls 1\nend 0\n");
	assert_int_equal(seccomp_store__load(st, file, error, sizeof(error)), 0);
	assert_int_equal(seccomp_store__count(st), 0);

	assert_int_equal(seccomp_store__load(st, "/nonexistent/x", error, sizeof(error)),
			 -ENOENT);
	assert_int_equal(seccomp_store__save(st, "/nonexistent/x"), -ENOENT);
	seccomp_store__free(st);
	seccomp_store__free(back);
}

static void test_store_corrupt(void **state)
{
	static const struct {
		const char *text;
		const char *error; /* after "FILE:" */
	} cases[] = {
		{ "", "1: empty file" },
		{ "vigil-syscalls 2\nend 0\n",
		  "1: not a vigil syscalls file (expected \"vigil-syscalls 1\")" },
		{ "vigil-syscalls 1\n", "1: no end line (file cut short?)" },
		{ "vigil-syscalls 1\nend 0", "2: line not terminated (file cut short?)" },
		{ "vigil-syscalls 1\nend 1\n", "2: the end line's count does not match the lines read" },
		{ "vigil-syscalls 1\nend 0\nx\n", "3: text after the end line" },
		{ "vigil-syscalls 1\nimg:1\t-\t" ZERO_HEX "\n",
		  "2: expected 4 tab-separated fields" },
		{ "vigil-syscalls 1\nimg:1\t-\t" ZERO_HEX "\t" ZERO_HEX "\tx\n",
		  "2: expected 4 tab-separated fields" },
		{ "vigil-syscalls 1\nimg:1\t-\t" ZERO_HEX "\t0\n",
		  "2: a syscall set is not 128 lowercase hex digits" },
		{ "vigil-syscalls 1\nimg:1\t-\t" ZERO_HEX "\t" ZERO_HEX "\n"
		  "img:1\t-\t" ZERO_HEX "\t" ZERO_HEX "\n",
		  "3: image listed twice" },
		{ "vigil-syscalls 1\n\t-\t" ZERO_HEX "\t" ZERO_HEX "\n",
		  "2: invalid image or repository" },
		/* An upper-case digit: not what vigild writes. */
		{ "vigil-syscalls 1\nimg:1\t-\t" ZERO_HEX "\t" "A" ZERO_HEX "\n",
		  "2: a syscall set is not 128 lowercase hex digits" },
		{ "vigil-syscalls 1\nimg:1\t-\t" ZERO_HEX "\t" ZERO_HEX "\nimg:2\t-\t" ZERO_HEX,
		  "3: line not terminated (file cut short?)" },
	};
	struct seccomp_store *st = seccomp_store__new();
	struct syscall_set a = { 0 };
	char error[512], expected[512];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		/* Whatever was in the store before goes: a refused file is no file. */
		assert_true(seccomp_store__add(st, "before:1", NULL, &a) >= 0);
		write_file(file, cases[i].text);
		error[0] = '\0';
		assert_int_equal(seccomp_store__load(st, file, error, sizeof(error)), -EINVAL);
		snprintf(expected, sizeof(expected), "%s:%s", file, cases[i].error);
		assert_string_equal(error, expected);
		assert_int_equal(seccomp_store__count(st), 0);
	}
	seccomp_store__free(st);
}

/* --advise seccomp on a store file: the exit status, stdout and stderr. */
static int advise(const char *scope, char **out, char **err)
{
	size_t olen = 0, elen = 0;
	FILE *o = open_memstream(out, &olen), *e = open_memstream(err, &elen);
	int status;

	assert_non_null(o);
	assert_non_null(e);
	status = seccomp_advise__print(dir, scope, o, e);
	fclose(o);
	fclose(e);
	return status;
}

static void test_advise(void **state)
{
	struct seccomp_store *st = seccomp_store__new();
	struct syscall_set a = { 0 };
	char *out, *err;

	(void)state;
	assert_int_equal(advise("localhost/app:1", &out, &err), 1);
	assert_string_equal(out, "");
	assert_non_null(strstr(err, "/seccomp-syscalls: nothing learned yet: run vigild"));
	free(out);
	free(err);

	syscall_set__add(&a, false, 60);  /* exit */
	syscall_set__add(&a, false, 231); /* exit_group */
	syscall_set__add(&a, false, 500); /* none in the tables */
	assert_int_equal(seccomp_store__add(st, "localhost/app:1", "localhost/app", &a), 1);
	assert_int_equal(seccomp_store__save(st, file), 0);

	assert_int_equal(advise("localhost/app", &out, &err), 0);
	assert_string_equal(out, "{\n"
				 "\t\"defaultAction\": \"SCMP_ACT_ERRNO\",\n"
				 "\t\"defaultErrnoRet\": 1,\n"
				 "\t\"architectures\": [\n"
				 "\t\t\"SCMP_ARCH_X86_64\"\n"
				 "\t],\n"
				 "\t\"syscalls\": [\n"
				 "\t\t{\n"
				 "\t\t\t\"names\": [\n"
				 "\t\t\t\t\"exit\",\n"
				 "\t\t\t\t\"exit_group\"\n"
				 "\t\t\t],\n"
				 "\t\t\t\"action\": \"SCMP_ACT_ALLOW\"\n"
				 "\t\t}\n"
				 "\t]\n"
				 "}\n");
	assert_string_equal(err, "1 syscall numbers have no name in vigild's tables and are left "
				 "out: a newer vigild knows them\n");
	free(out);
	free(err);

	assert_int_equal(advise("localhost/other", &out, &err), 1);
	assert_string_equal(out, "");
	assert_string_equal(err, "no syscalls learned for localhost/other; images known: "
				 "localhost/app:1\n");
	free(out);
	free(err);

	assert_int_equal(advise(NULL, &out, &err), 2);
	free(out);
	free(err);

	write_file(file, "garbage\n");
	assert_int_equal(advise("localhost/app", &out, &err), 1);
	assert_string_equal(out, "");
	assert_non_null(strstr(err, "seccomp-syscalls:1: not a vigil syscalls file"));
	free(out);
	free(err);
	seccomp_store__free(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_set_merge),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_profile),
		cmocka_unit_test(test_profile_too_small),
		cmocka_unit_test(test_store_scope),
		cmocka_unit_test_setup_teardown(test_store_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_store_corrupt, setup, teardown),
		cmocka_unit_test_setup_teardown(test_advise, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
