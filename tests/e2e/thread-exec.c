// SPDX-License-Identifier: GPL-2.0-only
/*
 * N times: a process whose second thread execs PROG. Each such exec changes
 * the thread's id (it takes the leader's), the way an attacker would try to
 * leave vigil's in-flight syscall table full of entries nobody deletes.
 * For tests/e2e/evasion_kernel.sh; built static, to run in any container.
 *   thread-exec N PROG
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *prog;

static void *exec_prog(void *arg)
{
	char *const argv[] = { (char *)prog, NULL };
	char *const envp[] = { NULL };

	(void)arg;
	execve(prog, argv, envp);
	_exit(127);
}

int main(int argc, char **argv)
{
	long i, n, failed = 0;
	pthread_t thread;
	int status;
	pid_t pid;

	if (argc != 3) {
		fprintf(stderr, "usage: thread-exec N PROG\n");
		return 2;
	}
	n = atol(argv[1]);
	prog = argv[2];
	for (i = 0; i < n; i++) {
		pid = fork();
		if (pid < 0)
			return 1;
		if (pid == 0) {
			if (pthread_create(&thread, NULL, exec_prog, NULL))
				_exit(126);
			pthread_join(thread, NULL); /* never returns: the exec ends it */
			_exit(125);
		}
		if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
		    WEXITSTATUS(status) != 0)
			failed++;
	}
	if (failed)
		fprintf(stderr, "thread-exec: %ld of %ld failed\n", failed, n);
	return failed ? 1 : 0;
}
