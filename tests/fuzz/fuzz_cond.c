// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: the input is one condition, compiled the way a rule's
 * is (lists pasted in, macros resolved, fields and constants checked)
 * against a fixed set of lists and macros, then evaluated on events of
 * every kind and dumped.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_events.h"

static const char base[] =
	"- list: shells\n  items: [bash, sh, \"two words\"]\n"
	"- list: empty\n  items: []\n"
	"- list: nets\n  items: [10.0.0.0/8, \"::1\"]\n"
	"- list: dirs\n  items: [/etc, /usr/bin/]\n"
	"- list: nested\n  items: [shells, zsh]\n"
	"- macro: spawned\n  condition: evt.type in (execve, execveat) and evt.res = SUCCESS\n"
	"- macro: shell\n  condition: spawned and proc.name in (shells)\n"
	"- macro: never\n  condition: proc.pid < 0\n";

static struct ruleset *rs;
static struct fuzz_events fe;

static const struct macro *lookup(void *ctx, const char *name, bool *later)
{
	size_t i;

	(void)ctx;
	(void)later;
	for (i = 0; i < rs->nmacros; i++) {
		if (!strcmp(rs->macros[i]->name, name))
			return rs->macros[i];
	}
	return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *devnull;
	struct rules_diag d;
	struct cond_error perr, unknown;
	struct cond_compile cc = { .d = &d, .what = "fuzz", .unknown = &unknown };
	struct srctext src, expanded;
	uint64_t may_true, may_false;
	struct cond *tree;
	char dump[4096];
	struct strbuf sb;
	size_t i;

	if (!rs) {
		devnull = fopen("/dev/null", "w");
		rs = rules__load_buffer("base.yaml", base, sizeof(base) - 1, devnull);
		if (!rs)
			abort();
		fuzz_events__init(&fe);
	}
	d = (struct rules_diag){ .err = devnull };
	/* Conditions come from YAML strings, which hold no NUL. */
	size = strnlen((const char *)data, size);
	src.text = malloc(size + 1);
	src.pos = calloc(size + 1, sizeof(*src.pos));
	if (!src.text || !src.pos)
		abort();
	memcpy(src.text, data, size);
	src.text[size] = '\0';
	src.len = size;
	for (i = 0; i <= size; i++)
		src.pos[i] = (struct srcpos){ .file = "fuzz", .line = 1, .col = (uint32_t)i + 1 };
	if (cond__expand_lists(&src, rs->lists, rs->nlists, &expanded))
		abort();
	tree = cond__parse(&expanded, lookup, NULL, &perr);
	if (tree) {
		strbuf__init(&sb, dump, sizeof(dump));
		cond__dump(tree, &sb);
		if (!cond__compile(tree, &cc)) {
			cond__evttypes(tree, &may_true, &may_false);
			for (i = 0; i < FUZZ_EVENTS; i++)
				cond__eval(tree, &fe.evt[i]);
		}
		cond__free(tree);
	}
	srctext__free(&expanded);
	srctext__free(&src);
	return 0;
}
