/* inroot.h - resolve and create paths inside the container's root filesystem.
 *
 * Every path that comes from config.json or from the image is resolved with
 * openat2(RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS) against an fd of the rootfs,
 * so a symlink in the image ("/proc -> /" or "../../..") can never make hull
 * mount or write on the host.  Mounts then target the resolved fd through
 * /proc/self/fd/N (the runtime's procfs, before pivot_root).
 */
#ifndef HULL_INROOT_H
#define HULL_INROOT_H

#include <sys/types.h>

#include "error.h"

enum inroot_kind { INROOT_DIR, INROOT_FILE };

/* Open `path` (absolute or relative, interpreted inside `rootfd`) as O_PATH. */
herr inroot_open(int rootfd, const char *path, int flags, int *fd);
/* Like inroot_open, creating missing directories (0755) and, for INROOT_FILE,
 * an empty final file (0644).  An existing entry of the other kind is an error. */
herr inroot_create(int rootfd, const char *path, enum inroot_kind kind, int *fd);
/* "/proc/self/fd/N" for an fd, for mount(2) and friends. */
struct fd_path {
  char s[32];
};
struct fd_path fd_path(int fd);

#endif
