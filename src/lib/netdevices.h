/* netdevices.h - config-linux.md "Network Devices" (linux.netDevices): host
 * interfaces moved into the container's network namespace by the runtime,
 * over rtnetlink (no `ip` binary).
 *
 * Each is renamed when `name` is given (a "%d" template lets the kernel pick
 * the number), keeps its attributes (the kernel keeps MTU and hardware
 * address; hull puts back its permanent global addresses, which a move
 * flushes) and is set up.  Nothing moves it back: when the namespace goes,
 * the kernel returns a physical device to the host and destroys a virtual one
 * (veth, macvlan), as the spec says.
 */
#ifndef HULL_NETDEVICES_H
#define HULL_NETDEVICES_H

#include <sys/types.h>

#include "error.h"
#include "namespaces.h"
#include "spec.h"

/* Before anything is made: a network namespace the runtime can reach, run by
 * the host's root, names that are valid, and devices that exist. */
herr netdevices_validate(const struct oci_linux *lx, const struct ns_plan *plan);

/* Move them into the network namespace of `pid` (or the one the plan joins). */
herr netdevices_move(const struct oci_linux *lx, const struct ns_plan *plan, pid_t pid);

#endif
