/* cpu_affinity.c - process.execCPUAffinity with sched_setaffinity(2).  See
 * cpu_affinity.h for when each part runs. */
#include "config.h"

#include "cpu_affinity.h"

#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "cpulist.h"

#define POSSIBLE_CPUS "/sys/devices/system/cpu/possible"
/* The kernel's largest NR_CPUS: a mask this big names every CPU of any host
 * (runc's 1024 left out the CPUs above it: runc issue 5023). */
#define ALL_CPUS_BITS 8192

static bool given(const char *list)
{
  return list && list[strspn(list, " \t")];
}

herr cpu_affinity_validate(const struct oci_cpu_affinity *a)
{
  if (!a)
    return NULL;
  if (given(a->initial))
    TRY_WRAP(cpulist_check_host(a->initial, POSSIBLE_CPUS, "CPU"), "process.execCPUAffinity.initial");
  if (given(a->final))
    TRY_WRAP(cpulist_check_host(a->final, POSSIBLE_CPUS, "CPU"), "process.execCPUAffinity.final");
  return NULL;
}

static herr set_affinity(pid_t pid, const char *list, const char *path)
{
  _cleanup_cpulist_ struct cpulist l = { 0 };
  TRY_WRAP(cpulist_parse(list, &l), "%s", path);
  if (sched_setaffinity(pid, cpulist_bytes(&l), (cpu_set_t *)l.bits) < 0)
    return herr_sys("%s: sched_setaffinity(%s)%s", path, list,
                    errno == EINVAL ? ": none of these CPUs is online and allowed by the container's cpuset" : "");
  return NULL;
}

static herr reset_affinity(pid_t pid)
{
  size_t size = CPU_ALLOC_SIZE(ALL_CPUS_BITS);
  cpu_set_t *all = CPU_ALLOC(ALL_CPUS_BITS);
  if (!all)
    return herr_errno(ENOMEM, "reset the CPU affinity");
  memset(all, 0xff, size);
  int rc = sched_setaffinity(pid, size, all);
  CPU_FREE(all);
  return rc < 0 ? herr_sys("reset the CPU affinity to every CPU") : NULL;
}

herr cpu_affinity_apply_initial(pid_t pid, const struct oci_cpu_affinity *a)
{
  if (a && given(a->initial))
    return set_affinity(pid, a->initial, "process.execCPUAffinity.initial");
  return reset_affinity(pid);
}

herr cpu_affinity_apply_final(const struct oci_cpu_affinity *a)
{
  if (a && given(a->final))
    return set_affinity(0, a->final, "process.execCPUAffinity.final");
  return NULL;
}
