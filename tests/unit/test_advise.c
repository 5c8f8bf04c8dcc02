// SPDX-License-Identifier: GPL-2.0-only
/*
 * Hardening advice from baselines: the NetworkPolicy and the Pod are
 * compared whole with what they must be, for a scope with destinations,
 * directories and uids learned by several items, and for scopes with
 * nothing to advise from.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "vigil.h"

#define T0 1798000000
#define SCOPE "registry.example.com/shop/Web_App"

static const char *const net_fields[] = { "fd.sip", "fd.sport" };
static const char *const dir_fields[] = { "fd.directory" };
static const char *const uid_fields[] = { "user.uid" };
static const char *const exe_fields[] = { "proc.exepath" };

static void learn(struct baseline *b, const char *anomaly, const char *scope,
		  const char *const *fields, size_t nfields, const char *v0, const char *v1)
{
	const struct baseline_key k = {
		.anomaly = anomaly,
		.scope_field = "container.image.repository",
		.scope = scope,
		.fields = fields,
		.nfields = nfields,
	};
	const char *values[2] = { v0, v1 };
	enum baseline_verdict v;

	assert_int_equal(baseline__observe(b, &k, values, T0, 60, true, &v), 0);
	assert_int_equal(v, BASELINE_LEARNED);
}

static struct baseline *store(void)
{
	struct baseline_limits lim = { 0 };
	struct baseline *b = baseline__new(&lim);

	assert_non_null(b);
	/* Learned out of order, twice over by two items, loopback among them. */
	learn(b, "dests", SCOPE, net_fields, 2, "10.0.0.9", "5432");
	learn(b, "dests", SCOPE, net_fields, 2, "10.0.0.10", "53");
	learn(b, "dests", SCOPE, net_fields, 2, "2001:db8::1", "443");
	learn(b, "dests", SCOPE, net_fields, 2, "10.0.0.9", "443");
	learn(b, "dests", SCOPE, net_fields, 2, "127.0.0.1", "8080");
	learn(b, "dests", SCOPE, net_fields, 2, "::1", "9000");
	learn(b, "dests again", SCOPE, net_fields, 2, "10.0.0.9", "443");
	learn(b, "dests", "other/image", net_fields, 2, "192.0.2.1", "80");
	learn(b, "dirs", SCOPE, dir_fields, 1, "/var/cache/nginx/tmp", NULL);
	learn(b, "dirs", SCOPE, dir_fields, 1, "/var/cache/nginx", NULL);
	learn(b, "dirs", SCOPE, dir_fields, 1, "/tmp", NULL);
	learn(b, "dirs", SCOPE, dir_fields, 1, "/tmpfiles", NULL);
	learn(b, "dirs", SCOPE, dir_fields, 1, "/dev/shm", NULL);
	learn(b, "dirs", SCOPE, dir_fields, 1, "/proc/self", NULL);
	learn(b, "uids", SCOPE, uid_fields, 1, "101", NULL);
	learn(b, "uids", "other/image", uid_fields, 1, "0", NULL);
	learn(b, "exes", "exe/only", exe_fields, 1, "/bin/sh", NULL);
	return b;
}

static char *print(int (*fn)(const struct baseline *, const char *, FILE *),
		   const struct baseline *b, const char *scope, int expect_ret)
{
	char *text;
	size_t len;
	FILE *f = open_memstream(&text, &len);

	assert_non_null(f);
	assert_int_equal(fn(b, scope, f), expect_ret);
	fclose(f);
	return text;
}

static void test_network(void **state)
{
	struct baseline *b = store();
	char *text;

	(void)state;
	text = print(advise_network__print, b, SCOPE, 0);
	assert_string_equal(text,
		"# vigil: the egress observed for registry.example.com/shop/Web_App, all else denied.\n"
		"# Protocols are not captured: TCP is assumed, and UDP as well for port 53.\n"
		"# Narrow podSelector to the workload's labels before applying.\n"
		"apiVersion: networking.k8s.io/v1\n"
		"kind: NetworkPolicy\n"
		"metadata:\n"
		"  name: web-app-egress\n"
		"spec:\n"
		"  podSelector: {}\n"
		"  policyTypes:\n"
		"    - Ingress\n"
		"    - Egress\n"
		"  ingress: []\n"
		"  egress:\n"
		"    - to:\n"
		"        - ipBlock:\n"
		"            cidr: 10.0.0.9/32\n"
		"      ports:\n"
		"        - protocol: TCP\n"
		"          port: 443\n"
		"        - protocol: TCP\n"
		"          port: 5432\n"
		"    - to:\n"
		"        - ipBlock:\n"
		"            cidr: 10.0.0.10/32\n"
		"      ports:\n"
		"        - protocol: TCP\n"
		"          port: 53\n"
		"        - protocol: UDP\n"
		"          port: 53\n"
		"    - to:\n"
		"        - ipBlock:\n"
		"            cidr: 2001:db8::1/128\n"
		"      ports:\n"
		"        - protocol: TCP\n"
		"          port: 443\n");
	free(text);
	/* Another scope: its own destinations, none of the first's. */
	text = print(advise_network__print, b, "other/image", 0);
	assert_non_null(strstr(text, "  name: image-egress\n"));
	assert_non_null(strstr(text, "cidr: 192.0.2.1/32\n"));
	assert_null(strstr(text, "10.0.0.9"));
	free(text);
	/* No item learns destinations for it. */
	text = print(advise_network__print, b, "exe/only", -ENOENT);
	assert_string_equal(text, "");
	free(text);
	baseline__free(b);
}

static void test_network_deny_all(void **state)
{
	struct baseline_limits lim = { 0 };
	struct baseline *b = baseline__new(&lim);
	char *text;

	(void)state;
	learn(b, "dests", "lo/only", net_fields, 2, "127.0.0.53", "53");
	text = print(advise_network__print, b, "lo/only", 0);
	assert_non_null(strstr(text, "  ingress: []\n  egress: []\n"));
	free(text);
	baseline__free(b);
}

static void test_filesystem(void **state)
{
	struct baseline *b = store();
	char *text;

	(void)state;
	text = print(advise_filesystem__print, b, SCOPE, 0);
	assert_string_equal(text,
		"# vigil: file system advice from the baselines of "
		"\"registry.example.com/shop/Web_App\".\n"
		"apiVersion: v1\n"
		"kind: Pod\n"
		"metadata:\n"
		"  name: web-app\n"
		"spec:\n"
		"  securityContext:\n"
		"    runAsNonRoot: true\n"
		"  containers:\n"
		"    - name: web-app\n"
		"      image: \"registry.example.com/shop/Web_App\"\n"
		"      securityContext:\n"
		"        readOnlyRootFilesystem: true\n"
		"      volumeMounts:\n"
		"        - name: write-0\n"
		"          mountPath: \"/tmp\"\n"
		"        - name: write-1\n"
		"          mountPath: \"/tmpfiles\"\n"
		"        - name: write-2\n"
		"          mountPath: \"/var/cache/nginx\"\n"
		"  volumes:\n"
		"    - name: write-0\n"
		"      emptyDir: {}\n"
		"    - name: write-1\n"
		"      emptyDir: {}\n"
		"    - name: write-2\n"
		"      emptyDir: {}\n");
	free(text);
	/* Ran as root, no directory item: said so, no runAsNonRoot. */
	text = print(advise_filesystem__print, b, "other/image", 0);
	assert_string_equal(text,
		"# vigil: file system advice from the baselines of \"other/image\".\n"
		"# No anomaly item learns fd.directory for it: writes are unknown.\n"
		"# It ran as uid 0: runAsNonRoot would stop it from starting.\n"
		"apiVersion: v1\n"
		"kind: Pod\n"
		"metadata:\n"
		"  name: image\n"
		"spec:\n"
		"  containers:\n"
		"    - name: image\n"
		"      image: \"other/image\"\n"
		"      securityContext:\n"
		"        readOnlyRootFilesystem: true\n"
		"  volumes: []\n");
	free(text);
	text = print(advise_filesystem__print, b, "exe/only", -ENOENT);
	assert_string_equal(text, "");
	free(text);
	text = print(advise_filesystem__print, b, "never/seen", -ENOENT);
	free(text);
	baseline__free(b);
}

static void test_names(void **state)
{
	static const struct {
		const char *scope, *suffix, *name;
	} cases[] = {
		{ "docker.io/library/nginx", "egress", "nginx-egress" },
		{ "registry:5000/Team/Web_App..v2", "", "web-app-v2" },
		{ "___", "", "app" },
		{ "___", "egress", "egress" },
		{ "-a-", "", "a" },
		{ "a/", "egress", "egress" },
		{ "x123456789x123456789x123456789x123456789x123456789x123456789", "egress",
		  "x123456789x123456789x123456789x123456789x123456789-egress" },
	};
	char name[64];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		advise__name(cases[i].scope, cases[i].suffix, name, sizeof(name));
		assert_string_equal(name, cases[i].name);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_network),
		cmocka_unit_test(test_network_deny_all),
		cmocka_unit_test(test_filesystem),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
