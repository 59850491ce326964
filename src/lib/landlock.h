/* landlock.h - Landlock scoping (Linux 6.12, Landlock ABI 6): keep the
 * container's processes from connecting to abstract unix sockets and from
 * signalling processes made outside their Landlock domain.
 *
 * The runtime-spec has no Landlock field: a config asks for it with the
 * annotation LANDLOCK_SCOPE_ANNOTATION, whose value lists the scopes
 * separated by commas ("abstract_unix_socket,signal").  `hull sandbox` sets
 * it.  A scope this kernel cannot enforce is an error at create, never a
 * silently weaker container.
 */
#ifndef HULL_LANDLOCK_H
#define HULL_LANDLOCK_H

#include <stdint.h>

#include "error.h"
#include "spec.h"

#define LANDLOCK_SCOPE_ANNOTATION "org.hull.landlock.scoped"
/* The first Landlock ABI with scopes. */
#define LANDLOCK_SCOPES_MIN_ABI 6

/* The kernel's Landlock ABI version; 0 when Landlock is missing or off. */
int landlock_abi_version(void);

/* The scopes the annotation asks for (0: none), checked against the kernel. */
herr landlock_scopes_from_config(const struct oci_config *cfg, uint64_t *scoped);

/* Put the calling process (and what it starts) in a Landlock domain with
 * `scoped` and no file system or network rule.  Needs no_new_privs or
 * CAP_SYS_ADMIN in our user namespace.  Nothing to do for 0. */
herr landlock_restrict_scopes(uint64_t scoped);

#endif
