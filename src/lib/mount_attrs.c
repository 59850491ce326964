/* mount_attrs.c - mount attributes through mount_setattr(2), Linux 5.12+. */
#include "mount_attrs.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mount.h>

static herr set_attrs(int fd, unsigned flags, struct mount_attr *attr)
{
  if (mount_setattr(fd, "", AT_EMPTY_PATH | flags, attr, sizeof(*attr)) == 0)
    return NULL;
  if (errno == ENOSYS)
    return herr_errno(ENOSYS, "mount_setattr: this kernel has no mount_setattr (Linux 5.12 or "
                              "later is needed)");
  return herr_sys("mount_setattr");
}

herr mount_attrs_set_recursive(int fd, uint64_t set, uint64_t clr)
{
  struct mount_attr attr = { .attr_set = set, .attr_clr = clr };
  return herr_wrap(set_attrs(fd, AT_RECURSIVE, &attr), "recursive mount options");
}

herr mount_attrs_set_idmap(int tree, int userns_fd, bool recursive)
{
  struct mount_attr attr = { .attr_set = MOUNT_ATTR_IDMAP, .userns_fd = (uint64_t)userns_fd };
  return herr_wrap(set_attrs(tree, recursive ? AT_RECURSIVE : 0, &attr), "idmap");
}
