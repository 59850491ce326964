/* inroot.c - path resolution confined to the container's root.  See inroot.h. */
#include "inroot.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"
#include "utils.h"

struct fd_path fd_path(int fd)
{
  struct fd_path p;
  snprintf(p.s, sizeof(p.s), "/proc/self/fd/%d", fd);
  return p;
}

static int openat2_in_root(int rootfd, const char *path, int flags)
{
  struct open_how how = {
    .flags = (uint64_t)(flags | O_CLOEXEC),
    .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
  };
  while (*path == '/')
    path++;
  if (!*path)
    path = ".";
  /* EAGAIN: a rename in the rootfs raced with the lookup (the kernel cannot
   * vouch for ".." then).  Retry, but not forever: a process that can write
   * the rootfs could rename in a loop to keep us here. */
  int fd = -1;
  for (int i = 0; i < 64; i++) {
    fd = (int)syscall(SYS_openat2, rootfd, path, &how, sizeof(how));
    if (fd >= 0 || errno != EAGAIN)
      break;
  }
  return fd;
}

herr inroot_open(int rootfd, const char *path, int flags, int *fd)
{
  int r = openat2_in_root(rootfd, path, flags ? flags : O_PATH);
  if (r < 0)
    return herr_sys("%s", path);
  *fd = r;
  return NULL;
}

/* Create the last component of `path` in its (already resolved) parent. */
static herr create_leaf(int parentfd, const char *name, enum inroot_kind kind, const char *path)
{
  if (kind == INROOT_DIR) {
    if (mkdirat(parentfd, name, 0755) < 0 && errno != EEXIST)
      return herr_sys("mkdir %s", path);
    return NULL;
  }
  /* O_EXCL|O_NOFOLLOW: never open through a symlink planted in the image. */
  int fd = openat(parentfd, name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd < 0 && errno != EEXIST)
    return herr_sys("create %s", path);
  if (fd >= 0)
    close(fd);
  return NULL;
}

herr inroot_create(int rootfd, const char *path, enum inroot_kind kind, int *fd)
{
  int r = openat2_in_root(rootfd, path, O_PATH);
  if (r < 0 && errno != ENOENT)
    return herr_sys("%s", path);
  if (r < 0) {
    _cleanup_free_ char *copy = xstrdup(path);
    size_t len = strlen(copy);
    while (len > 1 && copy[len - 1] == '/')
      copy[--len] = '\0';
    char *slash = strrchr(copy, '/');
    const char *leaf = slash ? slash + 1 : copy;
    _cleanup_close_ int parent = -1;
    if (slash && slash != copy) {
      *slash = '\0';
      TRY(inroot_create(rootfd, copy, INROOT_DIR, &parent));
    } else {
      parent = openat2_in_root(rootfd, "/", O_PATH);
      if (parent < 0)
        return herr_sys("open root");
    }
    TRY(create_leaf(parent, leaf, kind, path));
    r = openat2_in_root(rootfd, path, O_PATH);
    if (r < 0)
      return herr_sys("%s", path);
  }
  struct stat st;
  if (fstat(r, &st) < 0) {
    herr e = herr_sys("stat %s", path);
    close(r);
    return e;
  }
  if (kind == INROOT_DIR && !S_ISDIR(st.st_mode)) {
    close(r);
    return herr_errno(ENOTDIR, "%s", path);
  }
  if (kind == INROOT_FILE && S_ISDIR(st.st_mode)) {
    close(r);
    return herr_errno(EISDIR, "%s", path);
  }
  *fd = r;
  return NULL;
}
