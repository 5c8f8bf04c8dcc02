// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: the input is one ring buffer record. It is decoded as
 * sent, then again with the header's size set to the input's length (or the
 * fuzzer would rarely get past that check); a record that decodes goes on
 * the way a live one does: the process table, the cgroup path parser, and
 * a rule whose output names every string field, rendered.
 *
 * The record is copied into an allocation of exactly its size, so that
 * ASan catches any read past its end.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules_internal.h"

static const char rules[] =
	"- rule: every event\n"
	"  desc: renders every string a record carries\n"
	"  condition: evt.type in (execve, execveat, open, openat, openat2, creat, connect,"
	" setuid, setreuid, setresuid, setgid, setregid, setresgid)\n"
	"  output: >\n"
	"    %proc.cmdline %proc.exepath %proc.cwd %proc.env %proc.name %proc.pcmdline"
	" %proc.aname[2] %proc.tty %fd.name %fd.nameraw %fd.directory %fd.filename %fd.sip"
	" %fd.sport %fd.rip %fd.type %evt.args %evt.arg.flags %evt.arg.tuple %evt.arg.uid"
	" %evt.res %user.name %user.loginuid %tolower(proc.name) %basename(fd.name)"
	" %len(proc.args)\n"
	"  priority: WARNING\n";

static struct ruleset *rs;
static struct proctable *pt;
static struct alert alert;

static void render(void *ctx, const struct rule *r)
{
	output__render(r, ctx, &alert);
}

/* Reads every byte decoding said is there: ASan checks the pointers. */
static size_t touch(const char *s, size_t len)
{
	size_t sum = 0, i;

	for (i = 0; i < len; i++)
		sum += (unsigned char)s[i];
	return sum;
}

static size_t touch_strings(const struct evt *e)
{
	switch (e->type) {
	case VIGIL_EVENT_EXEC:
		return strlen(e->exec.filename) + strlen(e->exec.exe) + strlen(e->exec.cwd) +
		       touch(e->exec.args, e->exec.args_len) + touch(e->exec.env, e->exec.env_len);
	case VIGIL_EVENT_OPEN:
		return strlen(e->open.path) + strlen(e->open.resolved);
	case VIGIL_EVENT_CONNECT:
		return strlen(e->connect.unix_path);
	case VIGIL_EVENT_CGROUP:
		return strlen(e->cgroup.path);
	default:
		return strlen(e->hdr->comm);
	}
}

static void run(const void *rec, size_t size)
{
	char full_id[CONTAINER_ID_LEN + 1];
	enum container_runtime runtime;
	volatile size_t sink;
	struct evt evt;
	uint32_t uid;

	if (event__decode(rec, size, &evt))
		return;
	sink = touch_strings(&evt);
	(void)sink;
	if (evt.type == VIGIL_EVENT_CGROUP) {
		cgroup_path__parse(evt.cgroup.path, &runtime, full_id);
		cgroup_path__rootless_uid(evt.cgroup.path, &uid);
		return;
	}
	if (evt.type == VIGIL_EVENT_CGROUP_RMDIR)
		return;
	proctable__apply(pt, &evt);
	evt.proc = proctable__lookup(pt, evt.hdr->pid);
	evt.parent = proctable__lookup(pt, evt.proc ? evt.proc->ppid : evt.hdr->ppid);
	evt.procs = pt;
	evt.hostname = "fuzz";
	rules__match_all(rs, &evt, render, &evt);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *devnull;
	void *rec;

	if (!rs) {
		devnull = fopen("/dev/null", "w");
		rs = rules__load_buffer("fuzz.yaml", rules, sizeof(rules) - 1, devnull);
		/* Small, so that the fuzzer fills it and eviction runs too. */
		pt = proctable__new(64);
		if (!rs || !pt)
			abort();
	}
	/* malloc's alignment is what libbpf gives a record. */
	rec = malloc(size ? size : 1);
	if (!rec)
		abort();
	memcpy(rec, data, size);
	run(rec, size);
	if (size >= sizeof(struct vigil_event_header)) {
		((struct vigil_event_header *)rec)->size = (uint32_t)size;
		run(rec, size);
	}
	free(rec);
	return 0;
}
