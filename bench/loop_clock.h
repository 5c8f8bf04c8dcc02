/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The clocks of a benchmark loop: wall time, and CPU time (user and system,
 * waited-for children included). BPF programs on syscall hooks run in the
 * caller's context, so their cost is in its CPU time, while other load on a
 * shared machine, which stretches wall time, is not.
 */
#ifndef VIGIL_BENCH_LOOP_CLOCK_H
#define VIGIL_BENCH_LOOP_CLOCK_H

#include <stdio.h>
#include <sys/resource.h>
#include <time.h>

struct loop_clock {
	double wall_ns;
	double cpu_ns;
};

static inline double tv_ns(struct timeval tv)
{
	return tv.tv_sec * 1e9 + tv.tv_usec * 1e3;
}

static inline void loop_clock_read(struct loop_clock *c)
{
	struct rusage self, children;
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	getrusage(RUSAGE_SELF, &self);
	getrusage(RUSAGE_CHILDREN, &children);
	c->wall_ns = ts.tv_sec * 1e9 + ts.tv_nsec;
	c->cpu_ns = tv_ns(self.ru_utime) + tv_ns(self.ru_stime) + tv_ns(children.ru_utime) +
		    tv_ns(children.ru_stime);
}

/* Prints "WALL_NS CPU_NS" per iteration since start. */
static inline void loop_clock_print(const struct loop_clock *start, long iterations)
{
	struct loop_clock end;

	loop_clock_read(&end);
	printf("%.1f %.1f\n", (end.wall_ns - start->wall_ns) / iterations,
	       (end.cpu_ns - start->cpu_ns) / iterations);
}

#endif /* VIGIL_BENCH_LOOP_CLOCK_H */
