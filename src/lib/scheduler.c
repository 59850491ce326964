/* scheduler.c - process.scheduler with sched_setattr(2), the one call that
 * takes every property of the spec's object (policy, nice, priority, flags,
 * runtime, deadline, period).  glibc has no wrapper for it before 2.41. */
#include "config.h"

#include "scheduler.h"

#include <errno.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/sched.h>
#include <linux/sched/types.h>

/* What to look at when the kernel says EPERM. */
static const char *eperm_hint(const struct oci_scheduler *s)
{
  if (s->policy_num == SCHED_FIFO || s->policy_num == SCHED_RR)
    return " (a real-time policy needs CAP_SYS_NICE and RLIMIT_RTPRIO; with real-time group "
           "scheduling (cgroup v1 cpu.rt_runtime_us) also a budget for the container's cgroup: "
           "linux.resources.cpu.realtimeRuntime)";
  if (s->policy_num == SCHED_DEADLINE)
    return " (SCHED_DEADLINE needs CAP_SYS_NICE and no restricted CPU affinity)";
  return " (a lower nice needs CAP_SYS_NICE or RLIMIT_NICE)";
}

herr scheduler_apply(const struct oci_scheduler *s)
{
  if (!s)
    return NULL;
  struct sched_attr attr;
  memset(&attr, 0, sizeof(attr));
  attr.size = sizeof(attr);
  attr.sched_policy = (uint32_t)s->policy_num;
  attr.sched_flags = s->flags_num;
  attr.sched_nice = s->nice;
  attr.sched_priority = (uint32_t)s->priority;
  attr.sched_runtime = s->runtime;
  attr.sched_deadline = s->deadline;
  attr.sched_period = s->period;
  if (syscall(SYS_sched_setattr, 0, &attr, 0) < 0)
    return herr_sys("process.scheduler: sched_setattr(%s)%s", s->policy,
                    errno == EPERM ? eperm_hint(s) : "");
  return NULL;
}
