/* procfs.c - the procfs hull writes through.  See procfs.h. */
#include "procfs.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <stdbool.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "cleanup.h"
#include "utils.h"

/* The inode number of a procfs root directory (fs/proc/internal.h). */
#define PROC_ROOT_INO 1
/* openat2 says EAGAIN when a rename raced with the lookup: retry, boundedly. */
#define OPENAT2_RETRIES 64

static int handle = -1;

static bool is_procfs_root(int fd)
{
  struct statfs sfs;
  struct stat st;
  return fstatfs(fd, &sfs) == 0 && sfs.f_type == PROC_SUPER_MAGIC && fstat(fd, &st) == 0 &&
         st.st_ino == PROC_ROOT_INO && S_ISDIR(st.st_mode);
}

/* A procfs of our own, mounted nowhere: nobody can mount anything on it. */
static int open_private_instance(void)
{
  _cleanup_close_ int fs = (int)syscall(SYS_fsopen, "proc", FSOPEN_CLOEXEC);
  if (fs < 0)
    return -1;
  if (syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
    return -1;
  return (int)syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_NOEXEC | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV);
}

/* /proc's mount alone, without what is mounted below it. */
static int open_tree_clone(void)
{
  return (int)syscall(SYS_open_tree, AT_FDCWD, "/proc", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
}

static int open_plain(void)
{
  return open("/proc", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

static herr open_verified(int *fd)
{
  static int (*const ways[])(void) = { open_private_instance, open_tree_clone, open_plain };
  for (size_t i = 0; i < ARRAY_LEN(ways); i++) {
    int r = ways[i]();
    if (r < 0)
      continue;
    if (is_procfs_root(r)) {
      *fd = r;
      return NULL;
    }
    close(r);
  }
  return herr_new("no procfs to write /proc files through: /proc is not the root of a procfs");
}

herr procfs_root(int *fd)
{
  if (handle < 0)
    TRY(open_verified(&handle));
  *fd = handle;
  return NULL;
}

herr procfs_open(const char *path, int flags, int *fd)
{
  int root;
  TRY(procfs_root(&root));
  struct open_how how = {
    .flags = (uint64_t)(flags | O_CLOEXEC | O_NOCTTY),
    .resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV,
  };
  int r = -1;
  for (int i = 0; i < OPENAT2_RETRIES; i++) {
    r = (int)syscall(SYS_openat2, root, path, &how, sizeof(how));
    if (r >= 0 || errno != EAGAIN)
      break;
  }
  if (r < 0 && errno == EXDEV)
    return herr_errno(EXDEV, "/proc/%s: something is mounted over procfs on the way", path);
  if (r < 0)
    return herr_sys("/proc/%s", path);
  struct statfs sfs;
  if (fstatfs(r, &sfs) < 0 || sfs.f_type != PROC_SUPER_MAGIC) {
    close(r);
    return herr_errno(EXDEV, "/proc/%s is not on procfs", path);
  }
  *fd = r;
  return NULL;
}

herr procfs_write(const char *path, const char *data, size_t len)
{
  _cleanup_close_ int fd = -1;
  TRY(procfs_open(path, O_WRONLY, &fd));
  ssize_t w = write(fd, data, len);
  if (w < 0)
    return herr_sys("write /proc/%s", path);
  if ((size_t)w != len)
    return herr_new("write /proc/%s: short write", path);
  return NULL;
}

herr procfs_read(const char *path, char **out, size_t *len)
{
  _cleanup_close_ int fd = -1;
  TRY(procfs_open(path, O_RDONLY, &fd));
  char name[PATH_MAX];
  snprintf(name, sizeof(name), "/proc/%s", path);
  return read_fd(fd, name, out, len);
}

void procfs_close(void)
{
  if (handle >= 0)
    close(handle);
  handle = -1;
}
