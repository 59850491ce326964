/* devices.c - default devices and linux.devices (config-linux.md "Devices",
 * "Default Devices"). */
#include "devices.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "cleanup.h"
#include "inroot.h"
#include "utils.h"

struct device_node {
  const char *path;  /* absolute, inside the container */
  mode_t type;       /* S_IFCHR, S_IFBLK, S_IFIFO */
  unsigned major, minor;
  mode_t mode;
  uid_t uid;
  gid_t gid;
};

static const struct device_node default_devices[] = {
  { "/dev/null", S_IFCHR, 1, 3, 0666, 0, 0 },
  { "/dev/zero", S_IFCHR, 1, 5, 0666, 0, 0 },
  { "/dev/full", S_IFCHR, 1, 7, 0666, 0, 0 },
  { "/dev/random", S_IFCHR, 1, 8, 0666, 0, 0 },
  { "/dev/urandom", S_IFCHR, 1, 9, 0666, 0, 0 },
  { "/dev/tty", S_IFCHR, 5, 0, 0666, 0, 0 },
};

static const struct {
  const char *target;
  const char *name; /* in /dev */
} default_links[] = {
  { "/proc/self/fd", "fd" },
  { "/proc/self/fd/0", "stdin" },
  { "/proc/self/fd/1", "stdout" },
  { "/proc/self/fd/2", "stderr" },
};

/* Split "/dev/a/b" into an fd of the parent dir (created inside the root) and
 * the leaf name. */
static herr open_parent(int rootfd, const char *path, int *parent, const char **leaf)
{
  const char *slash = strrchr(path, '/');
  if (!slash || !slash[1])
    return herr_new("%s: not a file path", path);
  char dir[4096];
  snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
  TRY(inroot_create(rootfd, *dir ? dir : "/", INROOT_DIR, parent));
  *leaf = slash + 1;
  return NULL;
}

/* What the image has at the leaf: nothing (create it), a symlink (remove it,
 * so that mknod never follows one planted in the image), the very device
 * (keep it, fix its mode and owner), or something else (refuse: never
 * destroy a file of the image or of a bound host /dev). */
enum leaf_state { LEAF_ABSENT, LEAF_SAME_DEVICE };

static herr clear_leaf(int parent, const char *leaf, const struct device_node *d,
                       enum leaf_state *state)
{
  struct stat st;
  *state = LEAF_ABSENT;
  if (fstatat(parent, leaf, &st, AT_SYMLINK_NOFOLLOW) < 0)
    return NULL;
  if (S_ISLNK(st.st_mode)) {
    if (unlinkat(parent, leaf, 0) < 0)
      return herr_sys("remove the symlink at %s", d->path);
    return NULL;
  }
  if ((st.st_mode & S_IFMT) == d->type &&
      (d->type == S_IFIFO || st.st_rdev == makedev(d->major, d->minor))) {
    *state = LEAF_SAME_DEVICE;
    return NULL;
  }
  return herr_errno(EEXIST, "%s exists in the rootfs and is not the device %u:%u", d->path,
                    d->major, d->minor);
}

static herr mknod_device(int parent, const char *leaf, const struct device_node *d,
                         enum leaf_state state)
{
  if (state == LEAF_ABSENT &&
      mknodat(parent, leaf, d->type | (d->mode & 07777), makedev(d->major, d->minor)) < 0)
    return herr_sys("mknod %s", d->path);
  _cleanup_close_ int fd = openat(parent, leaf, O_PATH | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return herr_sys("open %s", d->path);
  struct fd_path p = fd_path(fd);
  /* mknod obeys the umask: set the mode exactly as configured. */
  if (chmod(p.s, d->mode & 07777) < 0)
    return herr_sys("chmod %s", d->path);
  if (fchownat(fd, "", d->uid, d->gid, AT_EMPTY_PATH) < 0)
    return herr_sys("chown %s", d->path);
  return NULL;
}

/* The host's node at the device's path, if it is that very device (never
 * through a symlink: /dev/stdin and friends lead anywhere). */
static herr open_host_node(const struct device_node *d, int *fd)
{
  int r = open(d->path, O_PATH | O_NOFOLLOW | O_CLOEXEC);
  if (r < 0)
    return herr_sys("open the host's %s to bind it (mknod is not allowed in a user namespace)", d->path);
  struct stat st;
  if (fstat(r, &st) < 0 || (st.st_mode & S_IFMT) != d->type ||
      st.st_rdev != makedev(d->major, d->minor)) {
    close(r);
    return herr_errno(ENODEV, "the host's %s is not the device %u:%u: cannot bind it in a user namespace",
                      d->path, d->major, d->minor);
  }
  *fd = r;
  return NULL;
}

/* In a user namespace mknod is refused: bind the host's node instead.  Its
 * owner and mode stay the host's (changing them would change the host). */
static herr bind_host_device(int parent, const char *leaf, const struct device_node *d)
{
  _cleanup_close_ int host = -1;
  TRY(open_host_node(d, &host));
  _cleanup_close_ int fd = openat(parent, leaf, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0)
    return herr_sys("create %s", d->path);
  struct fd_path source = fd_path(host);
  struct fd_path target = fd_path(fd);
  if (mount(source.s, target.s, NULL, MS_BIND, NULL) < 0)
    return herr_sys("bind host device %s", d->path);
  return NULL;
}

static herr create_device(int rootfd, const struct device_node *d, bool in_userns)
{
  _cleanup_close_ int parent = -1;
  const char *leaf;
  TRY(open_parent(rootfd, d->path, &parent, &leaf));
  enum leaf_state state;
  TRY(clear_leaf(parent, leaf, d, &state));
  if (in_userns && d->type != S_IFIFO)
    return state == LEAF_SAME_DEVICE ? NULL : bind_host_device(parent, leaf, d);
  return mknod_device(parent, leaf, d, state);
}

static herr device_from_config(const struct oci_device *od, size_t idx, struct device_node *d)
{
  static const struct {
    char code;
    mode_t type;
  } types[] = { { 'c', S_IFCHR }, { 'u', S_IFCHR }, { 'b', S_IFBLK }, { 'p', S_IFIFO } };
  memset(d, 0, sizeof(*d));
  d->path = od->path;
  for (size_t i = 0; i < ARRAY_LEN(types); i++)
    if (od->type && od->type[0] == types[i].code)
      d->type = types[i].type;
  if (!d->type)
    return herr_new("linux.devices[%zu].type: unknown device type \"%s\"", idx, od->type ? od->type : "");
  if (!od->path || od->path[0] != '/')
    return herr_new("linux.devices[%zu].path: must be an absolute path", idx);
  d->major = (unsigned)od->major;
  d->minor = (unsigned)od->minor;
  d->mode = od->has_fileMode ? od->fileMode : 0666;
  d->uid = od->has_uid ? od->uid : 0;
  d->gid = od->has_gid ? od->gid : 0;
  return NULL;
}

static herr create_links(int rootfd)
{
  _cleanup_close_ int dev = -1;
  TRY(inroot_create(rootfd, "/dev", INROOT_DIR, &dev));
  for (size_t i = 0; i < ARRAY_LEN(default_links); i++) {
    if (symlinkat(default_links[i].target, dev, default_links[i].name) < 0 && errno != EEXIST)
      return herr_sys("symlink /dev/%s", default_links[i].name);
  }
  /* /dev/ptmx points into the container's devpts when it has one. */
  struct stat st;
  if (fstatat(dev, "pts/ptmx", &st, AT_SYMLINK_NOFOLLOW) == 0 &&
      fstatat(dev, "ptmx", &st, AT_SYMLINK_NOFOLLOW) < 0 && symlinkat("pts/ptmx", dev, "ptmx") < 0)
    return herr_sys("symlink /dev/ptmx");
  return NULL;
}

herr devices_create(const struct oci_linux *lx, int rootfd, bool in_userns, bool dev_is_bind)
{
  /* Root of the user namespace hull itself runs in (rootless podman) may not
   * mknod either. */
  in_userns = in_userns || in_user_namespace();
  /* A /dev bound from the host already has its nodes: never replace them. */
  for (size_t i = 0; !dev_is_bind && i < ARRAY_LEN(default_devices); i++)
    TRY_WRAP(create_device(rootfd, &default_devices[i], in_userns), "default device");
  for (size_t i = 0; lx && i < lx->n_devices; i++) {
    struct device_node d;
    TRY(device_from_config(&lx->devices[i], i, &d));
    TRY_WRAP(create_device(rootfd, &d, in_userns), "linux.devices[%zu]", i);
  }
  return create_links(rootfd);
}
