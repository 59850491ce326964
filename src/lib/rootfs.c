/* rootfs.c - propagation, the rootfs mount and pivot_root (config.md "Root",
 * config-linux.md "Rootfs Mount Propagation"). */
#include "rootfs.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <linux/mount.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"
#include "inroot.h"
#include "procfs.h"
#include "utils.h"

static const struct {
  const char *name;
  unsigned long flags;
} propagation_table[] = {
  { "private", MS_PRIVATE }, { "rprivate", MS_PRIVATE | MS_REC },
  { "shared", MS_SHARED },   { "rshared", MS_SHARED | MS_REC },
  { "slave", MS_SLAVE },     { "rslave", MS_SLAVE | MS_REC },
  { "unbindable", MS_UNBINDABLE }, { "runbindable", MS_UNBINDABLE | MS_REC },
};

static herr propagation_flags(const char *name, unsigned long *flags)
{
  *flags = MS_SLAVE | MS_REC;
  if (!name || !*name)
    return NULL;
  for (size_t i = 0; i < ARRAY_LEN(propagation_table); i++) {
    if (!strcmp(propagation_table[i].name, name)) {
      *flags = propagation_table[i].flags;
      return NULL;
    }
  }
  return herr_new("linux.rootfsPropagation: unknown value \"%s\"", name);
}

herr rootfs_open_dir(const char *rootfs, int *fd)
{
  *fd = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (*fd < 0)
    return herr_sys("open rootfs %s", rootfs);
  return NULL;
}

herr rootfs_prepare(const struct oci_config *cfg, int rootfs_dir, int *rootfd)
{

  unsigned long prop;
  TRY(propagation_flags(cfg->linux_ ? cfg->linux_->rootfsPropagation : NULL, &prop));
  /* Never let the container's mounts reach the host: the tree starts as a
   * slave (or what the config asks) before anything is mounted. */
  unsigned long first = (prop & MS_SHARED) ? (MS_SLAVE | MS_REC)
                        : (prop & MS_UNBINDABLE) ? (MS_PRIVATE | (prop & MS_REC)) : prop;
  if (mount(NULL, "/", NULL, first, NULL) < 0)
    return herr_sys("set propagation of /");
  /* A recursive clone of the rootfs, attached onto itself: its fd is the root
   * of the new mount (a path through the old fd would stay below it). */
  int fd = (int)syscall(SYS_open_tree, rootfs_dir, "",
                        OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE | AT_EMPTY_PATH);
  if (fd < 0)
    return herr_sys("clone the rootfs mount");
  /* root.readonly covers the whole tree, submounts included (a rootfs of "/"
   * brings the host's): they become read-only now, the top mount only after
   * mounts[] made their mount points in it (rootfs_make_readonly). */
  if (cfg->root && cfg->root->readonly) {
    struct mount_attr ro = { .attr_set = MOUNT_ATTR_RDONLY };
    struct mount_attr rw_top = { .attr_clr = MOUNT_ATTR_RDONLY };
    if (syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &ro, sizeof(ro)) < 0 ||
        syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH, &rw_top, sizeof(rw_top)) < 0) {
      herr e = herr_sys("root.readonly: make the rootfs's submounts read-only");
      close(fd);
      return e;
    }
  }
  if (syscall(SYS_move_mount, fd, "", rootfs_dir, "",
              MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0) {
    herr e = herr_sys("mount the rootfs onto itself");
    close(fd);
    return e;
  }
  *rootfd = fd;
  return NULL;
}

static herr pivot_into(int rootfd)
{
  _cleanup_close_ int oldroot = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (oldroot < 0)
    return herr_sys("open /");
  if (fchdir(rootfd) < 0)
    return herr_sys("chdir into the rootfs");
  /* pivot_root(".", ".") stacks the old root under the new one; detach it. */
  if (syscall(SYS_pivot_root, ".", ".") < 0)
    return herr_sys("pivot_root");
  if (fchdir(oldroot) < 0)
    return herr_sys("chdir to the old root");
  if (mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0)
    return herr_sys("make the old root a slave");
  if (umount2(".", MNT_DETACH) < 0)
    return herr_sys("detach the old root");
  if (chdir("/") < 0)
    return herr_sys("chdir /");
  return NULL;
}

/* Whether `path` is `dir` or below it. */
static bool path_within(const char *path, const char *dir)
{
  size_t n = strlen(dir);
  return !strncmp(path, dir, n) && (path[n] == '\0' || path[n] == '/');
}

/* --no-pivot leaves the runtime's mounts in the namespace, out of sight but
 * counted: the kernel lets a process mount a new procfs or sysfs wherever a
 * full one is reachable, and the container could mount an unmasked /proc.
 * The full proc and sysfs mounts outside the rootfs go first (covered with a
 * tmpfs where they cannot be unmounted), as runc removes them.  The
 * namespace's mounts are slaves already: nothing reaches the host. */
static herr hide_runtime_proc_and_sys(int rootfd)
{
  char rootfs[PATH_MAX];
  struct fd_path self = fd_path(rootfd);
  ssize_t len = readlink(self.s, rootfs, sizeof(rootfs) - 1);
  if (len <= 0)
    return herr_sys("--no-pivot: the rootfs path");
  rootfs[len] = '\0';
  _cleanup_free_ char *text = NULL;
  TRY(procfs_read("self/mountinfo", &text, NULL));
  /* Deepest last in mountinfo: undone from the end. */
  size_t cap = 1;
  for (const char *c = text; *c; c++)
    cap += *c == '\n';
  _cleanup_free_ char **lines = calloc(cap, sizeof(*lines));
  if (!lines)
    return herr_errno(ENOMEM, "--no-pivot");
  size_t n = 0;
  char *save = NULL;
  for (char *l = strtok_r(text, "\n", &save); l && n < cap; l = strtok_r(NULL, "\n", &save))
    lines[n++] = l;
  while (n-- > 0) {
    char root[PATH_MAX], target[PATH_MAX], fstype[64];
    const char *sep = strstr(lines[n], " - ");
    if (!sep || sscanf(lines[n], "%*s %*s %*s %4095s %4095s", root, target) != 2 ||
        sscanf(sep + 3, "%63s", fstype) != 1)
      continue;
    if (strcmp(root, "/") || (strcmp(fstype, "proc") && strcmp(fstype, "sysfs")) ||
        path_within(target, rootfs))
      continue;
    if (umount2(target, MNT_DETACH) == 0)
      continue;
    if ((errno != EINVAL && errno != EPERM) || mount("tmpfs", target, "tmpfs", MS_RDONLY, "size=0") < 0)
      return herr_sys("--no-pivot: hide the runtime's %s on %s", fstype, target);
  }
  return NULL;
}

static herr move_into(int rootfd)
{
  TRY(hide_runtime_proc_and_sys(rootfd));
  if (fchdir(rootfd) < 0)
    return herr_sys("chdir into the rootfs");
  if (mount(".", "/", NULL, MS_MOVE, NULL) < 0)
    return herr_sys("move the rootfs onto /");
  if (chroot(".") < 0)
    return herr_sys("chroot");
  if (chdir("/") < 0)
    return herr_sys("chdir /");
  return NULL;
}

herr rootfs_enter(const struct oci_config *cfg, int rootfd, bool no_pivot)
{
  TRY(no_pivot ? move_into(rootfd) : pivot_into(rootfd));
  /* pivot_root refuses shared mounts, and an unbindable tree cannot be cloned
   * into the rootfs mount: those two are made only now. */
  unsigned long prop;
  TRY(propagation_flags(cfg->linux_ ? cfg->linux_->rootfsPropagation : NULL, &prop));
  if ((prop & (MS_SHARED | MS_UNBINDABLE)) && mount(NULL, "/", NULL, prop, NULL) < 0)
    return herr_sys("linux.rootfsPropagation: make / %s", (prop & MS_SHARED) ? "shared" : "unbindable");
  return NULL;
}

herr rootfs_make_readonly(void)
{
  struct statvfs sv;
  unsigned long keep = 0;
  if (statvfs("/", &sv) == 0) {
    if (sv.f_flag & ST_NOSUID)
      keep |= MS_NOSUID;
    if (sv.f_flag & ST_NODEV)
      keep |= MS_NODEV;
    if (sv.f_flag & ST_NOEXEC)
      keep |= MS_NOEXEC;
  }
  if (mount(NULL, "/", NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | keep, NULL) < 0)
    return herr_sys("root.readonly: remount / read-only");
  return NULL;
}
