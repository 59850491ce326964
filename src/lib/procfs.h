/* procfs.h - the procfs hull writes through, verified (CVE-2025-52881 class).
 *
 * hull writes to /proc: uid_map, gid_map and timens_offsets (the runtime),
 * sysctls and oom_score_adj (the container process).  A path under /proc is
 * not necessarily procfs: a container's mounts can put a tmpfs over /proc/sys,
 * or bind /proc/sys/kernel/core_pattern over a file hull means to write.  So
 * hull never writes through a path.  It uses one handle per process: a private
 * procfs instance (fsopen("proc") + fsmount(), attached nowhere, so nothing
 * can be mounted on it), else a non-recursive clone of /proc (no submounts),
 * else /proc itself; in each case verified to be the root of a procfs.  Files
 * are opened below it with openat2(RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS |
 * RESOLVE_NO_XDEV), so a mount over any component is refused (EXDEV), and the
 * file is checked to be on procfs again.
 *
 * The handle is opened on first use and inherited across fork and clone: the
 * runtime opens it before it clones the container process, which may not be
 * allowed to mount a procfs of its own (a user namespace without its own pid
 * namespace).  "self" in it means the caller, in any pid namespace.
 */
#ifndef HULL_PROCFS_H
#define HULL_PROCFS_H

#include <stddef.h>

#include "error.h"

/* The verified procfs root of this process (opened on first use; do not close it). */
herr procfs_root(int *fd);
/* Open `path` ("self/oom_score_adj", "sys/net/ipv4/ip_forward") below it. */
herr procfs_open(const char *path, int flags, int *fd);
/* One write(2) of `data`, as /proc files want it. */
herr procfs_write(const char *path, const char *data, size_t len);
herr procfs_read(const char *path, char **out, size_t *len);
/* Drop the handle: the container process does so before anything of the
 * container can see its fds. */
void procfs_close(void);

#endif
