/* mounts.h - config.json `mounts[]`, applied in order inside the rootfs. */
#ifndef HULL_MOUNTS_H
#define HULL_MOUNTS_H

#include <stdbool.h>
#include <stdint.h>

#include "error.h"
#include "spec.h"

/* The mount(2) flags, propagation and data string of an options list.
 * Unknown options are filesystem data ("size=64k", "mode=755"). */
struct mount_options {
  unsigned long flags;       /* MS_* set */
  unsigned long clear;       /* MS_* explicitly cleared (rw, suid, ...) */
  unsigned long propagation; /* MS_SHARED/MS_SLAVE/MS_PRIVATE/MS_UNBINDABLE (| MS_REC) */
  bool bind;
  bool recursive;
  bool tmpcopyup;            /* tmpfs: copy what the image has at the destination into it */
  uint64_t rattr_set;        /* MOUNT_ATTR_* of the recursive options (rro...), */
  uint64_t rattr_clr;        /* applied with mount_setattr(AT_RECURSIVE) */
  char *data;                /* comma-joined fs options, NULL if none */
};

herr mount_options_parse(char *const *options, size_t n, const char *field,
                         struct mount_options *out);
void mount_options_free(struct mount_options *o);
/* Is `name` an option hull understands (for `features`)? */
bool mount_option_known(const char *name);

/* What the container process has, that decides how some mounts are made. */
struct mount_env {
  /* A user namespace (or hull running in one): the bind fallbacks for
   * filesystems a user namespace may not mount. */
  bool in_userns;
  /* A cgroup namespace: cgroup mounts are rooted at the container's cgroup;
   * without one, its cgroup directories are bound instead. */
  bool own_cgroupns;
};

/* Apply every mount of the config under `rootfd` (an fd of the rootfs mount). */
herr mounts_apply(const struct oci_config *cfg, int rootfd, struct mount_env env);

/* After the set-up wrote into /dev (devices, /dev/pts, the console), inside the
 * new root: a read-only tmpfs on /dev becomes read-only now. */
herr mounts_finish_readonly(const struct oci_config *cfg);

/* Bind-mount `fd`'s target onto itself read-only (readonlyPaths, root.readonly). */
herr mount_remount_readonly(int rootfd, const char *path);

#endif
