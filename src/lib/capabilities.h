/* capabilities.h - process.capabilities applied with libcap. */
#ifndef HULL_CAPABILITIES_H
#define HULL_CAPABILITIES_H

#include "error.h"
#include "spec.h"

/* Check that every name in `caps` is a capability this kernel/libcap knows;
 * the error names the field ("process.capabilities.bounding[3]: unknown
 * capability \"CAP_FOO\""). Called at create, before anything is set up. */
herr capabilities_validate(const struct oci_capabilities *caps);

/* Drop the bounding set to `bounding`.  Must run while still privileged
 * (needs CAP_SETPCAP), before the uid switch. */
herr capabilities_apply_bounding(const struct oci_capabilities *caps);

/* Set PR_SET_KEEPCAPS so the permitted set survives the setresuid() to the
 * process user, then after the switch call capabilities_apply_sets(). */
herr capabilities_keep_across_setuid(void);

/* Set effective, permitted and inheritable, then raise ambient.  Runs after the
 * switch to process.user.  A NULL caps means: drop everything. */
herr capabilities_apply_sets(const struct oci_capabilities *caps);

/* "CAP_CHOWN", ... for every capability that both libcap and the running
 * kernel know, in number order; NULL-terminated, malloc'd (free each string
 * and the array, e.g. with _cleanup_strv_).  NULL when out of memory. */
char **capabilities_known(void);

#endif
