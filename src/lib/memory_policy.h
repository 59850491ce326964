/* memory_policy.h - linux.memoryPolicy. */
#ifndef HULL_MEMORY_POLICY_H
#define HULL_MEMORY_POLICY_H

#include "error.h"
#include "spec.h"

/* At create, before anything is made: the nodes exist on this host (unless
 * MPOL_F_RELATIVE_NODES makes them relative to the allowed ones). */
herr memory_policy_validate(const struct oci_memory_policy *mp);
/* set_mempolicy(2) on the calling process; its children and the program it
 * executes keep it.  NULL does nothing. */
herr memory_policy_apply(const struct oci_memory_policy *mp);

#endif
