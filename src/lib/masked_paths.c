/* masked_paths.c - linux.maskedPaths and linux.readonlyPaths (config-linux.md). */
#include "masked_paths.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "cleanup.h"
#include "inroot.h"
#include "mounts.h"

/* The runtime's own /dev/null, verified: a planted symlink or a regular file
 * in its place must not become what "masked" files show. */
static herr open_verified_dev_null(int *fd)
{
  int r = open("/dev/null", O_PATH | O_NOFOLLOW | O_CLOEXEC);
  if (r < 0)
    return herr_sys("open /dev/null");
  struct stat st;
  if (fstat(r, &st) < 0 || !S_ISCHR(st.st_mode) || major(st.st_rdev) != 1 ||
      minor(st.st_rdev) != 3) {
    close(r);
    return herr_new("/dev/null is not the character device 1:3: refusing to use it to mask paths");
  }
  *fd = r;
  return NULL;
}

static herr mask_one(int rootfd, const char *path, int devnull, size_t idx)
{
  _cleanup_close_ int fd = -1;
  herr e = inroot_open(rootfd, path, O_PATH | O_NOFOLLOW, &fd);
  if (e && herr_errnum(e) == ENOENT) {
    herr_free(e);
    return NULL;
  }
  if (e)
    return herr_wrap(e, "linux.maskedPaths[%zu]", idx);
  struct stat st;
  if (fstat(fd, &st) < 0)
    return herr_sys("linux.maskedPaths[%zu]: stat %s", idx, path);
  struct fd_path target = fd_path(fd);
  if (S_ISDIR(st.st_mode)) {
    if (mount("tmpfs", target.s, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
              "size=0,mode=555") < 0)
      return herr_sys("linux.maskedPaths[%zu]: mask directory %s", idx, path);
    return NULL;
  }
  struct fd_path src = fd_path(devnull);
  if (mount(src.s, target.s, NULL, MS_BIND, NULL) < 0)
    return herr_sys("linux.maskedPaths[%zu]: mask %s", idx, path);
  return NULL;
}

herr masked_paths_apply(const struct oci_linux *lx, int rootfd)
{
  if (!lx || !lx->n_maskedPaths)
    return NULL;
  _cleanup_close_ int devnull = -1;
  TRY(open_verified_dev_null(&devnull));
  for (size_t i = 0; i < lx->n_maskedPaths; i++)
    TRY(mask_one(rootfd, lx->maskedPaths[i], devnull, i));
  return NULL;
}

herr readonly_paths_apply(const struct oci_linux *lx, int rootfd)
{
  if (!lx)
    return NULL;
  for (size_t i = 0; i < lx->n_readonlyPaths; i++) {
    herr e = mount_remount_readonly(rootfd, lx->readonlyPaths[i]);
    if (e && herr_errnum(e) == ENOENT) {
      herr_free(e);
      continue;
    }
    if (e)
      return herr_wrap(e, "linux.readonlyPaths[%zu]", i);
  }
  return NULL;
}
