/* scheduler.h - process.scheduler. */
#ifndef HULL_SCHEDULER_H
#define HULL_SCHEDULER_H

#include "error.h"
#include "spec.h"

/* sched_setattr(2) on the calling process with the policy, nice, priority,
 * flags and deadline parameters (the decoder refused the bad combinations);
 * NULL does nothing. */
herr scheduler_apply(const struct oci_scheduler *s);

#endif
