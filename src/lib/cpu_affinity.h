/* cpu_affinity.h - process.execCPUAffinity, and the affinity a container
 * process starts with when it has none (runc issue 4814). */
#ifndef HULL_CPU_AFFINITY_H
#define HULL_CPU_AFFINITY_H

#include <sys/types.h>

#include "error.h"
#include "spec.h"

/* At create (or exec), before anything is made: the CPUs named exist here. */
herr cpu_affinity_validate(const struct oci_cpu_affinity *a);
/* Before `pid` joins the container's cgroup: `initial` when given; otherwise
 * every CPU, so that the runtime's own affinity (say, from a systemd
 * CPUAffinity=) does not leak into the container: since Linux 6.2 the cgroup
 * move keeps an affinity set by the user, and the kernel narrows "every CPU"
 * to what the cgroup's cpuset allows. */
herr cpu_affinity_apply_initial(pid_t pid, const struct oci_cpu_affinity *a);
/* Just before execve: `final` when given; otherwise nothing, as the spec says. */
herr cpu_affinity_apply_final(const struct oci_cpu_affinity *a);

#endif
