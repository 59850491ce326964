/* cpulist.h - the "0-3,7" lists of CPUs and memory nodes that config.json
 * uses (process.execCPUAffinity, linux.memoryPolicy.nodes,
 * linux.resources.cpu.cpus and mems), parsed in one place. */
#ifndef HULL_CPULIST_H
#define HULL_CPULIST_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

/* The highest CPU or node number a list may name, well above the kernel's
 * NR_CPUS (8192) and MAX_NUMNODES (1024). */
#define CPULIST_MAX 65535

/* A set of numbers as the kernel's bitmaps hold them: bit N of the array of
 * unsigned longs; `nbits` is one past the highest bit set (0: empty). */
struct cpulist {
  unsigned long *bits;
  size_t nbits;
};

/* "0-3,7": items N or N-M (N <= M) separated by commas, blanks around them
 * allowed; "" is the empty set.  The error says what is wrong, without a path. */
herr cpulist_parse(const char *s, struct cpulist *out);
void cpulist_free(struct cpulist *l);
bool cpulist_has(const struct cpulist *l, size_t n);
/* The byte size of the bit array, rounded to whole unsigned longs. */
size_t cpulist_bytes(const struct cpulist *l);

#define _cleanup_cpulist_ __attribute__((cleanup(cpulist_free)))

/* Checks that every number of `list` is in the host's list in `sysfs_file`
 * (say /sys/devices/system/cpu/possible); `what` names them in the error:
 * "CPU 5 does not exist on this host (it has 0-1)". */
herr cpulist_check_host(const char *list, const char *sysfs_file, const char *what);

#endif
