/* masked_paths.h - linux.maskedPaths and linux.readonlyPaths. */
#ifndef HULL_MASKED_PATHS_H
#define HULL_MASKED_PATHS_H

#include "error.h"
#include "spec.h"

/* Mask each path: a file gets the real /dev/null bound over it (checked to be
 * the character device 1:3 first), a directory an empty read-only tmpfs.
 * Paths that do not exist in the container are skipped. */
herr masked_paths_apply(const struct oci_linux *lx, int rootfd);
/* Make each path read-only with a bind mount onto itself.  Missing: skipped. */
herr readonly_paths_apply(const struct oci_linux *lx, int rootfd);

#endif
