// SPDX-License-Identifier: GPL-2.0-only
/*
 * Attaches empty programs (empty_hooks.bpf.c) to the raw syscall tracepoints
 * until SIGINT or SIGTERM: the floor any tracer of them pays.
 *   empty_hooks OBJECT enter|exit|both
 * Prints "attached" once the programs are in place.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/libbpf.h>

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int attach(struct bpf_object *obj, const char *name, struct bpf_link **link)
{
	struct bpf_program *prog = bpf_object__find_program_by_name(obj, name);

	*link = prog ? bpf_program__attach(prog) : NULL;
	if (!*link) {
		fprintf(stderr, "cannot attach %s\n", name);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct bpf_link *enter = NULL, *exit_link = NULL;
	struct bpf_object *obj;
	sigset_t block, old;
	const char *which;

	if (argc != 3 || (strcmp(argv[2], "enter") && strcmp(argv[2], "exit") &&
			  strcmp(argv[2], "both"))) {
		fprintf(stderr, "usage: empty_hooks OBJECT enter|exit|both\n");
		return 2;
	}
	which = argv[2];
	/* Blocked until sigsuspend, so that an early signal is not missed. */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, &old);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	obj = bpf_object__open_file(argv[1], NULL);
	if (!obj || bpf_object__load(obj)) {
		fprintf(stderr, "cannot load %s\n", argv[1]);
		return 1;
	}
	if (strcmp(which, "exit") && attach(obj, "empty_sys_enter", &enter))
		return 1;
	if (strcmp(which, "enter") && attach(obj, "empty_sys_exit", &exit_link))
		return 1;
	printf("attached\n");
	fflush(stdout);
	while (!stop)
		sigsuspend(&old);
	bpf_link__destroy(enter);
	bpf_link__destroy(exit_link);
	bpf_object__close(obj);
	return 0;
}
