/* devices.h - the default devices every container gets, and linux.devices. */
#ifndef HULL_DEVICES_H
#define HULL_DEVICES_H

#include <stdbool.h>

#include "error.h"
#include "spec.h"

/* Create /dev/null, zero, full, random, urandom, tty (mknod, or bind mounts of
 * the host's nodes inside a user namespace, a new one or the one hull runs
 * in), linux.devices, and the /dev/fd,
 * stdin, stdout, stderr, ptmx links.  Entries are created in the directory
 * resolved inside the rootfs and never through a symlink.  When /dev is a bind
 * mount (`dev_is_bind`), the default devices are left as they are. */
herr devices_create(const struct oci_linux *lx, int rootfd, bool in_userns, bool dev_is_bind);

#endif
