/* rootfs.h - the container's root: propagation, the rootfs mount, pivot_root. */
#ifndef HULL_ROOTFS_H
#define HULL_ROOTFS_H

#include <stdbool.h>

#include "error.h"
#include "spec.h"

/* Open the rootfs directory (O_PATH) while the host path to it is still
 * reachable: a mapped root of a user namespace may not traverse it. */
herr rootfs_open_dir(const char *rootfs, int *fd);
/* Set the propagation of the whole mount tree (linux.rootfsPropagation,
 * default rslave so nothing leaks back to the host), then bind the rootfs onto
 * itself so that it is a mount point, and open it.  `rootfd` is an O_PATH fd
 * of the new mount, the anchor of every later path (see inroot.h). */
herr rootfs_prepare(const struct oci_config *cfg, int rootfs_dir, int *rootfd);
/* pivot_root into the rootfs and detach the old root; with `no_pivot`, move
 * the rootfs onto / and chroot, for hosts where pivot_root is impossible. */
herr rootfs_enter(const struct oci_config *cfg, int rootfd, bool no_pivot);
/* root.readonly: remount / read-only (after rootfs_enter). */
herr rootfs_make_readonly(void);

#endif
