/* mounts.h - config.json `mounts[]`, applied in order inside the rootfs. */
#ifndef HULL_MOUNTS_H
#define HULL_MOUNTS_H

#include <stdbool.h>
#include <stdint.h>

#include "error.h"
#include "spec.h"

enum mount_idmap { MOUNT_IDMAP_NONE, MOUNT_IDMAP_FLAT, MOUNT_IDMAP_RECURSIVE };

/* The mount(2) flags, propagation and data string of an options list, and the
 * recursive attributes for mount_setattr(2).  Filesystem data is an option of
 * the form key=value or a known filesystem word ("newinstance"); any other
 * option hull does not know is an error. */
struct mount_options {
  unsigned long flags;       /* MS_* set */
  unsigned long clear;       /* MS_* explicitly cleared (rw, suid, ...) */
  unsigned long propagation; /* MS_SHARED/MS_SLAVE/MS_PRIVATE/MS_UNBINDABLE (| MS_REC) */
  bool bind;
  bool recursive;
  bool tmpcopyup;            /* tmpfs: copy what the image has at the destination into it */
  char *data;                /* comma-joined fs options, NULL if none */
  long data_index;           /* index of the first data option, -1 if none */
  uint64_t attr_set;         /* MOUNT_ATTR_* set recursively (rro, rnosuid, ...) */
  uint64_t attr_clr;         /* MOUNT_ATTR_* cleared recursively (rrw, rsuid, ...) */
  enum mount_idmap idmap;    /* idmap / ridmap */
};

/* `field` ("mounts[3]") prefixes errors: "mounts[3].options[1]: ...". */
herr mount_options_parse(const struct oci_mount *m, const char *field, struct mount_options *out);
void mount_options_free(struct mount_options *o);
/* The i-th option of hull's table, NULL past the end (for `features`). */
const char *mount_option_name(size_t i);

/* Refuse, before anything is made, a mount whose options or idmapping cannot
 * work: an unknown option, filesystem data on a bind mount, idmap rules. */
herr mounts_validate(const struct oci_config *cfg, bool new_userns);

/* What the container process has, that decides how some mounts are made. */
struct mount_env {
  /* A user namespace (or hull running in one): the bind fallbacks for
   * filesystems a user namespace may not mount. */
  bool in_userns;
  /* A cgroup namespace: cgroup mounts are rooted at the container's cgroup;
   * without one, its cgroup directories are bound instead. */
  bool own_cgroupns;
  /* idmapped[i]: the detached tree of mounts[i] made by the runtime
   * (idmap.h: idmapped, or a bind source cloned before the user namespace),
   * or -1; NULL when there is none. */
  const int *idmapped;
};

/* Apply every mount of the config under `rootfd` (an fd of the rootfs mount). */
herr mounts_apply(const struct oci_config *cfg, int rootfd, struct mount_env env);

/* After the set-up wrote into /dev (devices, /dev/pts, the console), inside the
 * new root: a read-only tmpfs on /dev becomes read-only now. */
herr mounts_finish_readonly(const struct oci_config *cfg);

/* Bind-mount `fd`'s target onto itself read-only (readonlyPaths, root.readonly). */
herr mount_remount_readonly(int rootfd, const char *path);

#endif
