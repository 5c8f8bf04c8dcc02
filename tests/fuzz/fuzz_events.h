/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A handful of events of every kind, for the fuzz targets to run what they
 * compiled against: the evaluation and the output paths get fuzzed too.
 */
#ifndef VIGIL_FUZZ_EVENTS_H
#define VIGIL_FUZZ_EVENTS_H

#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>

#include "rules_internal.h"

#define FUZZ_EVENTS 8

struct fuzz_events {
	struct vigil_event_header hdr[FUZZ_EVENTS];
	struct evt evt[FUZZ_EVENTS];
	struct process proc;
	struct process parent;
	struct container ctr;
	struct container_meta meta;
	struct label labels[2];
};

static const char fuzz_args[] = "bash\0-c\0echo hi > /tmp/x";
static const char fuzz_env[] = "HOME=/root\0PATH=/bin";

static void fuzz_events__init(struct fuzz_events *fe)
{
	static const enum vigil_event_type types[FUZZ_EVENTS] = {
		VIGIL_EVENT_EXEC,    VIGIL_EVENT_OPEN,  VIGIL_EVENT_CONNECT, VIGIL_EVENT_CONNECT,
		VIGIL_EVENT_SETID,   VIGIL_EVENT_FORK,  VIGIL_EVENT_EXIT,    VIGIL_EVENT_OPEN,
	};
	static const enum vigil_syscall syscalls[FUZZ_EVENTS] = {
		VIGIL_SC_EXECVE,   VIGIL_SC_OPENAT, VIGIL_SC_CONNECT, VIGIL_SC_CONNECT,
		VIGIL_SC_SETRESUID, VIGIL_SC_NONE,  VIGIL_SC_NONE,    VIGIL_SC_CREAT,
	};
	int i;

	memset(fe, 0, sizeof(*fe));
	fe->labels[0] = (struct label){ "app", "web" };
	fe->labels[1] = (struct label){ "tier", NULL };
	fe->meta.image = "docker.io/library/nginx:1.25";
	fe->meta.image_repository = "docker.io/library/nginx";
	fe->meta.labels = fe->labels;
	fe->meta.nlabels = 2;
	fe->meta.pod_labels = fe->labels;
	fe->meta.npod_labels = 1;
	fe->meta.pod_name = "p";
	fe->ctr.runtime = RUNTIME_PODMAN;
	strcpy(fe->ctr.id, "3f4e5d6c7b8a");
	strcpy(fe->ctr.full_id, "3f4e5d6c7b8a9d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f80");
	strcpy(fe->ctr.name, "web");
	fe->ctr.meta = &fe->meta;
	fe->proc.pid = 10;
	fe->proc.ppid = 9;
	strcpy(fe->proc.comm, "bash");
	fe->proc.exepath = "/usr/bin/bash";
	fe->proc.args = (char *)fuzz_args;
	fe->proc.args_len = sizeof(fuzz_args);
	fe->proc.cwd = "/root";
	fe->proc.env = (char *)fuzz_env;
	fe->proc.env_len = sizeof(fuzz_env);
	fe->proc.cap_effective = ~0ull;
	fe->parent = fe->proc;
	fe->parent.pid = 9;
	fe->parent.ppid = 1;
	strcpy(fe->parent.comm, "sshd");
	for (i = 0; i < FUZZ_EVENTS; i++) {
		struct vigil_event_header *h = &fe->hdr[i];
		struct evt *e = &fe->evt[i];

		h->type = (uint16_t)types[i];
		h->syscall = (uint16_t)syscalls[i];
		h->pid = 10;
		h->tid = 11;
		h->ppid = 9;
		h->uid = 1000;
		h->ts_ns = 5000000000ull;
		h->retval = i % 2 ? -13 : 3;
		strcpy(h->comm, i == 2 ? "nc" : "bash");
		e->hdr = h;
		e->type = types[i];
		e->syscall = syscalls[i];
		e->proc = &fe->proc;
		e->parent = &fe->parent;
		e->container = i % 2 ? &fe->ctr : &container_host;
		e->hostname = "fuzz";
		e->num = (uint64_t)i + 1;
		e->time_ns = 1715000645123456789ull;
	}
	fe->evt[0].exec.filename = "/bin/bash";
	fe->evt[0].exec.exe = "/usr/bin/bash";
	fe->evt[0].exec.args = fuzz_args;
	fe->evt[0].exec.args_len = sizeof(fuzz_args);
	fe->evt[0].exec.cwd = "/root";
	fe->evt[0].exec.env = fuzz_env;
	fe->evt[0].exec.env_len = sizeof(fuzz_env);
	fe->evt[0].exec.loginuid = UINT32_MAX;
	fe->evt[1].open.path = "shadow";
	fe->evt[1].open.resolved = "/etc/shadow";
	fe->evt[1].open.flags = O_RDONLY | O_CLOEXEC;
	fe->evt[7].open.path = "x";
	fe->evt[7].open.resolved = "";
	fe->evt[7].open.flags = O_WRONLY | O_CREAT | O_TRUNC;
	fe->evt[7].open.mode = 0755;
	fe->evt[2].connect.family = AF_INET;
	fe->evt[2].connect.port = 443;
	memcpy(fe->evt[2].connect.addr, (uint8_t[]){ 10, 0, 0, 1 }, 4);
	fe->evt[2].connect.unix_path = "";
	fe->evt[3].connect.family = AF_UNIX;
	fe->evt[3].connect.unix_path = "/run/x.sock";
	fe->evt[4].setid.args[0] = 0;
	fe->evt[4].setid.old_ids[0] = 1000;
	fe->evt[5].fork.child_pid = 12;
}

#endif /* VIGIL_FUZZ_EVENTS_H */
