/* intelrdt.h - config-linux.md "IntelRdt" (linux.intelRdt), against the
 * resctrl filesystem (Intel RDT, AMD PQoS).
 *
 * The container's process goes into the CLOS directory `closID` (created with
 * the schemata when it does not exist; "/" is the root group), or into one
 * named after the container, which hull makes and removes with it.  The
 * schemata file gets l3CacheSchema, memBwSchema, then `schemata`, one line
 * each.  enableMonitoring adds a monitoring group mon_groups/<id>.  Where no
 * resctrl is mounted, the field is refused (the spec's "MUST generate an
 * error").
 */
#ifndef HULL_INTELRDT_H
#define HULL_INTELRDT_H

#include <stdbool.h>
#include <sys/types.h>

#include "error.h"
#include "spec.h"

/* Is a resctrl filesystem mounted in the runtime's mount namespace? */
bool intelrdt_available(void);

/* Before anything is made: resctrl is there, and the lines are single lines. */
herr intelrdt_validate(const struct oci_intel_rdt *rdt);

/* Put `pid` in the container's CLOS (and monitoring) group. */
herr intelrdt_apply(const struct oci_intel_rdt *rdt, const char *id, pid_t pid);

/* `exec`: put `pid` in the groups intelrdt_apply made for container `id`. */
herr intelrdt_join(const struct oci_intel_rdt *rdt, const char *id, pid_t pid);

/* Remove what intelrdt_apply made for container `id` (delete, a failed create). */
herr intelrdt_remove(const struct oci_intel_rdt *rdt, const char *id);

/* `update --l3-cache-schema/--mem-bw-schema`: new lines for the container's
 * schemata (NULL: unchanged). */
herr intelrdt_update(const struct oci_intel_rdt *rdt, const char *id, const char *l3,
                     const char *mb);

#endif
