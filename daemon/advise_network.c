// SPDX-License-Identifier: GPL-2.0-only
/*
 * `vigild --advise network --scope IMAGE`: a Kubernetes NetworkPolicy that
 * denies all ingress and all egress but to the destinations the scope's
 * anomaly items learned (those whose tuple has fd.sip and fd.sport). Sorted,
 * so the same baselines print the same bytes.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vigil.h"

#define DNS_PORT 53

struct dest {
	int family;
	uint8_t addr[16];
	unsigned int port;
};

static int dest__cmp(const void *pa, const void *pb)
{
	const struct dest *a = pa, *b = pb;
	int c;

	if (a->family != b->family)
		return a->family == AF_INET ? -1 : 1;
	c = memcmp(a->addr, b->addr, sizeof(a->addr));
	if (c)
		return c;
	return (a->port > b->port) - (a->port < b->port);
}

/* Loopback never crosses a NetworkPolicy. */
static bool dest__loopback(const struct dest *d)
{
	static const uint8_t v6_loopback[16] = { [15] = 1 };

	return d->family == AF_INET ? d->addr[0] == 127 : !memcmp(d->addr, v6_loopback, 16);
}

static bool dest__parse(const char *ip, const char *port, struct dest *d)
{
	char *end;
	unsigned long p;

	memset(d, 0, sizeof(*d));
	if (inet_pton(AF_INET, ip, d->addr) == 1)
		d->family = AF_INET;
	else if (inet_pton(AF_INET6, ip, d->addr) == 1)
		d->family = AF_INET6;
	else
		return false;
	p = strtoul(port, &end, 10);
	if (*end || !*port || p == 0 || p > 65535)
		return false;
	d->port = (unsigned int)p;
	return true;
}

/* The destinations every item of this scope learned, deduplicated, sorted. */
static int collect(const struct baseline *b, const char *scope, struct dest **out, size_t *n,
		   bool *any)
{
	struct dest *all = NULL, *grown;
	size_t i, j, cnt = 0;

	*any = false;
	for (i = 0; i < baseline__count(b); i++) {
		const struct baseline_scope *s = baseline__at(b, i);
		int ip = baseline_scope__field(s, "fd.sip");
		int port = baseline_scope__field(s, "fd.sport");

		if (strcmp(s->scope, scope) || ip < 0 || port < 0)
			continue;
		*any = true;
		grown = realloc(all, (cnt + s->ntuples + 1) * sizeof(*all));
		if (!grown) {
			free(all);
			return -ENOMEM;
		}
		all = grown;
		for (j = 0; j < s->ntuples; j++) {
			if (dest__parse(baseline_tuple__value(s->tuples[j], (size_t)ip),
					baseline_tuple__value(s->tuples[j], (size_t)port),
					&all[cnt]) &&
			    !dest__loopback(&all[cnt]))
				cnt++;
		}
	}
	if (cnt)
		qsort(all, cnt, sizeof(*all), dest__cmp);
	for (i = j = 0; i < cnt; i++) {
		if (!j || dest__cmp(&all[j - 1], &all[i]))
			all[j++] = all[i];
	}
	*out = all;
	*n = j;
	return 0;
}

static void print_ports(FILE *out, unsigned int port)
{
	fprintf(out, "        - protocol: TCP\n          port: %u\n", port);
	if (port == DNS_PORT)
		fprintf(out, "        - protocol: UDP\n          port: %u\n", port);
}

int advise_network__print(const struct baseline *b, const char *scope, FILE *out)
{
	char name[64], ip[INET6_ADDRSTRLEN];
	struct dest *d;
	size_t n, i;
	bool any;
	int err;

	err = collect(b, scope, &d, &n, &any);
	if (err)
		return err;
	if (!any) {
		free(d);
		return -ENOENT;
	}
	advise__name(scope, "egress", name, sizeof(name));
	fputs("# vigil: the egress observed for ", out);
	advise__comment(out, scope);
	fprintf(out,
		", all else denied.\n"
		"# Protocols are not captured: TCP is assumed, and UDP as well for port 53.\n"
		"# Narrow podSelector to the workload's labels before applying.\n"
		"apiVersion: networking.k8s.io/v1\n"
		"kind: NetworkPolicy\n"
		"metadata:\n"
		"  name: %s\n"
		"spec:\n"
		"  podSelector: {}\n"
		"  policyTypes:\n"
		"    - Ingress\n"
		"    - Egress\n"
		"  ingress: []\n"
		"  egress:%s\n",
		name, n ? "" : " []");
	for (i = 0; i < n; i++) {
		bool same_ip = i && d[i - 1].family == d[i].family &&
			       !memcmp(d[i - 1].addr, d[i].addr, 16);

		if (!same_ip) {
			inet_ntop(d[i].family, d[i].addr, ip, sizeof(ip));
			fprintf(out,
				"    - to:\n"
				"        - ipBlock:\n"
				"            cidr: %s/%d\n"
				"      ports:\n",
				ip, d[i].family == AF_INET ? 32 : 128);
		}
		print_ports(out, d[i].port);
	}
	free(d);
	return fflush(out) || ferror(out) ? -EIO : 0;
}
