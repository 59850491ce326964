/* rlimits.h - process.rlimits. */
#ifndef HULL_RLIMITS_H
#define HULL_RLIMITS_H

#include "error.h"
#include "spec.h"

/* "RLIMIT_NOFILE" -> RLIMIT_NOFILE; -1 if unknown. */
int rlimit_from_name(const char *name);
/* Apply every rlimit.  Raising a hard limit without CAP_SYS_RESOURCE fails with a
 * message naming the rlimit, the asked and the current values. */
herr rlimits_apply(const struct oci_rlimit *rl, size_t n);

#endif
