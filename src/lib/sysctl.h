/* sysctl.h - linux.sysctl. */
#ifndef HULL_SYSCTL_H
#define HULL_SYSCTL_H

#include <stdbool.h>

#include "error.h"
#include "spec.h"

/* Only namespaced sysctls, and only with their namespace: net.* with a network
 * namespace; kernel.shm*, kernel.msg*, kernel.sem, fs.mqueue.* with an IPC
 * namespace; kernel.hostname/domainname with a UTS namespace. */
herr sysctl_validate(const struct oci_linux *lx, const bool has_ns[]);
/* Write each value under /proc/sys (the runtime's procfs, checked to be one). */
herr sysctl_apply(const struct oci_linux *lx);

#endif
