/* mounts.c - config.json `mounts[]`.
 *
 * Each destination is created and resolved inside the rootfs (inroot.c); the
 * mount then targets /proc/self/fd/N so that no symlink in the image can move
 * it.  Options come from one table.
 */
#include "mounts.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <linux/magic.h>
#include <unistd.h>

#include "cgroup.h"
#include "cleanup.h"
#include "inroot.h"
#include "log.h"
#include "mount_attrs.h"
#include "procfs.h"
#include "utils.h"

#ifndef MS_NOSYMFOLLOW
#define MS_NOSYMFOLLOW 256
#endif

enum opt_kind {
  OPT_SET, OPT_CLEAR, OPT_PROPAGATION, OPT_BIND, OPT_IGNORE, OPT_TMPCOPYUP,
  OPT_RATTR_SET,   /* a recursive attribute set with mount_setattr(AT_RECURSIVE) */
  OPT_RATTR_CLEAR, /* ... cleared */
  OPT_RATIME,      /* the recursive access time mode (one of MOUNT_ATTR__ATIME) */
  OPT_IDMAP,       /* an idmapped mount (idmap.c) */
};

static const struct mount_option_def {
  const char *name;
  enum opt_kind kind;
  unsigned long flag; /* MS_* or MOUNT_ATTR_* */
  bool recursive;
} option_table[] = {
  { "defaults", OPT_IGNORE, 0, false },
  { "ro", OPT_SET, MS_RDONLY, false },
  { "rw", OPT_CLEAR, MS_RDONLY, false },
  { "nosuid", OPT_SET, MS_NOSUID, false },
  { "suid", OPT_CLEAR, MS_NOSUID, false },
  { "nodev", OPT_SET, MS_NODEV, false },
  { "dev", OPT_CLEAR, MS_NODEV, false },
  { "noexec", OPT_SET, MS_NOEXEC, false },
  { "exec", OPT_CLEAR, MS_NOEXEC, false },
  { "sync", OPT_SET, MS_SYNCHRONOUS, false },
  { "async", OPT_CLEAR, MS_SYNCHRONOUS, false },
  { "dirsync", OPT_SET, MS_DIRSYNC, false },
  { "remount", OPT_SET, MS_REMOUNT, false },
  { "mand", OPT_SET, MS_MANDLOCK, false },
  { "nomand", OPT_CLEAR, MS_MANDLOCK, false },
  { "atime", OPT_CLEAR, MS_NOATIME, false },
  { "noatime", OPT_SET, MS_NOATIME, false },
  { "diratime", OPT_CLEAR, MS_NODIRATIME, false },
  { "nodiratime", OPT_SET, MS_NODIRATIME, false },
  { "relatime", OPT_SET, MS_RELATIME, false },
  { "norelatime", OPT_CLEAR, MS_RELATIME, false },
  { "strictatime", OPT_SET, MS_STRICTATIME, false },
  { "nostrictatime", OPT_CLEAR, MS_STRICTATIME, false },
  { "lazytime", OPT_SET, MS_LAZYTIME, false },
  { "nolazytime", OPT_CLEAR, MS_LAZYTIME, false },
  { "iversion", OPT_SET, MS_I_VERSION, false },
  { "noiversion", OPT_CLEAR, MS_I_VERSION, false },
  { "silent", OPT_SET, MS_SILENT, false },
  { "loud", OPT_CLEAR, MS_SILENT, false },
  { "nosymfollow", OPT_SET, MS_NOSYMFOLLOW, false },
  { "bind", OPT_BIND, 0, false },
  { "rbind", OPT_BIND, 0, true },
  { "private", OPT_PROPAGATION, MS_PRIVATE, false },
  { "rprivate", OPT_PROPAGATION, MS_PRIVATE, true },
  { "shared", OPT_PROPAGATION, MS_SHARED, false },
  { "rshared", OPT_PROPAGATION, MS_SHARED, true },
  { "slave", OPT_PROPAGATION, MS_SLAVE, false },
  { "rslave", OPT_PROPAGATION, MS_SLAVE, true },
  { "unbindable", OPT_PROPAGATION, MS_UNBINDABLE, false },
  { "runbindable", OPT_PROPAGATION, MS_UNBINDABLE, true },
  /* config.md "Mounts": the AT_RECURSIVE options of mount_setattr(2), applied
   * to the mount and every mount below it. */
  { "rro", OPT_RATTR_SET, MOUNT_ATTR_RDONLY, true },
  { "rrw", OPT_RATTR_CLEAR, MOUNT_ATTR_RDONLY, true },
  { "rnosuid", OPT_RATTR_SET, MOUNT_ATTR_NOSUID, true },
  { "rsuid", OPT_RATTR_CLEAR, MOUNT_ATTR_NOSUID, true },
  { "rnodev", OPT_RATTR_SET, MOUNT_ATTR_NODEV, true },
  { "rdev", OPT_RATTR_CLEAR, MOUNT_ATTR_NODEV, true },
  { "rnoexec", OPT_RATTR_SET, MOUNT_ATTR_NOEXEC, true },
  { "rexec", OPT_RATTR_CLEAR, MOUNT_ATTR_NOEXEC, true },
  { "rnodiratime", OPT_RATTR_SET, MOUNT_ATTR_NODIRATIME, true },
  { "rdiratime", OPT_RATTR_CLEAR, MOUNT_ATTR_NODIRATIME, true },
  { "rnosymfollow", OPT_RATTR_SET, MOUNT_ATTR_NOSYMFOLLOW, true },
  { "rsymfollow", OPT_RATTR_CLEAR, MOUNT_ATTR_NOSYMFOLLOW, true },
  /* The access time is one mode, not a set of bits: "atime" and "norelatime"
   * name the kernel's default and strictatime, as mount(8) describes them. */
  { "rrelatime", OPT_RATIME, MOUNT_ATTR_RELATIME, true },
  { "rnorelatime", OPT_RATIME, MOUNT_ATTR_STRICTATIME, true },
  { "rnoatime", OPT_RATIME, MOUNT_ATTR_NOATIME, true },
  { "ratime", OPT_RATIME, MOUNT_ATTR_RELATIME, true },
  { "rstrictatime", OPT_RATIME, MOUNT_ATTR_STRICTATIME, true },
  { "idmap", OPT_IDMAP, 0, false },
  { "ridmap", OPT_IDMAP, 0, true },
  /* runc's and crun's extension, which podman uses for --read-only's tmpfs. */
  { "tmpcopyup", OPT_TMPCOPYUP, 0, false },
};

/* Filesystem-specific options that are a single word (those of the form
 * key=value are data by their form): devpts, tmpfs, cgroup2, overlay, the
 * common disk filesystems, NFS and FUSE.  Any other word is refused rather
 * than handed to mount(2), where a bind mount would silently drop it. */
static const char *const filesystem_words[] = {
  "newinstance", "noswap", "inode32", "inode64", "nsdelegate", "favordynmods",
  "memory_localevents", "memory_recursiveprot", "memory_hugetlb_accounting",
  "pids_localevents", "userxattr", "volatile", "acl", "noacl", "user_xattr",
  "nouser_xattr", "discard", "nodiscard", "barrier", "nobarrier", "hard", "soft",
  "intr", "nointr", "ac", "noac", "lock", "nolock", "tcp", "udp", "cto", "nocto",
  "sharecache", "nosharecache", "allow_other", "default_permissions", NULL,
};

static const struct mount_option_def *find_option(const char *name)
{
  for (size_t i = 0; i < ARRAY_LEN(option_table); i++)
    if (!strcmp(option_table[i].name, name))
      return &option_table[i];
  return NULL;
}

const char *mount_option_name(size_t i)
{
  return i < ARRAY_LEN(option_table) ? option_table[i].name : NULL;
}

static bool is_filesystem_option(const char *opt)
{
  if (strchr(opt, '=') && opt[0] != '=')
    return true;
  for (const char *const *w = filesystem_words; *w; w++)
    if (!strcmp(*w, opt))
      return true;
  return false;
}

static herr append_data(char **data, const char *opt)
{
  char *n = NULL;
  if (asprintf(&n, "%s%s%s", *data ? *data : "", *data ? "," : "", opt) < 0)
    return herr_errno(ENOMEM, "mount options");
  free(*data);
  *data = n;
  return NULL;
}

/* A word hull does not know is an error naming it; a filesystem option goes
 * to mount(2) as data, except on a bind mount, which has no use for it. */
static herr parse_other(struct mount_options *out, const char *opt, const char *field, size_t i)
{
  if (!is_filesystem_option(opt))
    return herr_new("%s.options[%zu]: unknown mount option \"%s\"", field, i, opt);
  if (out->data_index < 0)
    out->data_index = (long)i;
  return append_data(&out->data, opt);
}

static void parse_known(struct mount_options *out, const struct mount_option_def *d)
{
  switch (d->kind) {
  case OPT_SET:
    out->flags |= d->flag;
    out->clear &= ~d->flag;
    break;
  case OPT_CLEAR:
    out->flags &= ~d->flag;
    out->clear |= d->flag;
    break;
  case OPT_PROPAGATION:
    out->propagation = d->flag | (d->recursive ? MS_REC : 0);
    break;
  case OPT_BIND:
    out->bind = true;
    out->recursive = d->recursive;
    break;
  case OPT_IGNORE:
    break;
  case OPT_TMPCOPYUP:
    out->tmpcopyup = true;
    break;
  case OPT_RATTR_SET:
    out->attr_set |= d->flag;
    out->attr_clr &= ~(uint64_t)d->flag;
    break;
  case OPT_RATTR_CLEAR:
    out->attr_clr |= d->flag;
    out->attr_set &= ~(uint64_t)d->flag;
    break;
  case OPT_RATIME:
    out->attr_set = (out->attr_set & ~(uint64_t)MOUNT_ATTR__ATIME) | d->flag;
    out->attr_clr |= MOUNT_ATTR__ATIME;
    break;
  case OPT_IDMAP:
    out->idmap = d->recursive ? MOUNT_IDMAP_RECURSIVE : MOUNT_IDMAP_FLAT;
    break;
  }
}

herr mount_options_parse(const struct oci_mount *m, const char *field, struct mount_options *out)
{
  memset(out, 0, sizeof(*out));
  out->data_index = -1;
  for (size_t i = 0; i < m->n_options; i++) {
    const struct mount_option_def *d = find_option(m->options[i]);
    herr e = NULL;
    if (d)
      parse_known(out, d);
    else
      e = parse_other(out, m->options[i], field, i);
    if (e) {
      mount_options_free(out);
      return e;
    }
  }
  out->bind = out->bind || (m->type && !strcmp(m->type, "bind"));
  return NULL;
}

void mount_options_free(struct mount_options *o)
{
  free(o->data);
  o->data = NULL;
}

/* Flags of an existing mount that a remount must keep: in a user namespace the
 * kernel refuses to clear nosuid/nodev/noexec/ro/atime flags it locked. */
static unsigned long locked_flags_of(const char *path)
{
  struct statvfs sv;
  if (statvfs(path, &sv) < 0)
    return 0;
  static const struct {
    unsigned long st, ms;
  } map[] = {
    { ST_RDONLY, MS_RDONLY }, { ST_NOSUID, MS_NOSUID }, { ST_NODEV, MS_NODEV },
    { ST_NOEXEC, MS_NOEXEC }, { ST_NOATIME, MS_NOATIME }, { ST_NODIRATIME, MS_NODIRATIME },
    { ST_RELATIME, MS_RELATIME },
  };
  unsigned long r = 0;
  for (size_t i = 0; i < ARRAY_LEN(map); i++)
    if (sv.f_flag & map[i].st)
      r |= map[i].ms;
  return r;
}

/* MS_BIND|MS_REMOUNT with `flags`; retry keeping locked flags on EPERM. */
static herr remount_bind(const char *target, unsigned long flags, const char *what)
{
  const unsigned long remount = MS_BIND | MS_REMOUNT;
  if (mount(NULL, target, NULL, remount | flags, NULL) == 0)
    return NULL;
  if (errno == EPERM) {
    unsigned long keep = locked_flags_of(target) & ~MS_RDONLY;
    if (mount(NULL, target, NULL, remount | flags | keep, NULL) == 0)
      return NULL;
  }
  return herr_sys("%s: remount", what);
}

static herr set_propagation(const char *target, unsigned long propagation, const char *what)
{
  if (propagation && mount(NULL, target, NULL, propagation, NULL) < 0)
    return herr_sys("%s: set propagation", what);
  return NULL;
}

/* The rootfs-relative fd of a mount's destination, created as dir or file. */
static herr open_destination(int rootfd, const struct oci_mount *m, bool source_is_dir, int *fd)
{
  return inroot_create(rootfd, m->destination, source_is_dir ? INROOT_DIR : INROOT_FILE, fd);
}

/* The source bound at the destination fd: the runtime's tree when there is
 * one (idmap.h: idmapped, or a source out of the user namespace's reach),
 * moved into place. */
static herr attach_source(const struct oci_mount *m, const struct mount_options *o, int dst,
                          int idmapped, const char *what)
{
  if (idmapped >= 0) {
    if (move_mount(idmapped, "", dst, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
      return herr_sys("%s: attach the runtime's mount of %s", what, m->source);
    return NULL;
  }
  struct fd_path target = fd_path(dst);
  unsigned long bind = MS_BIND | (o->recursive ? MS_REC : 0);
  if (mount(m->source, target.s, NULL, bind, NULL) < 0)
    return herr_sys("%s: bind %s", what, m->source);
  return NULL;
}

static herr mount_bind(const struct oci_mount *m, const struct mount_options *o, int rootfd,
                       int idmapped, const char *what)
{
  if (!m->source)
    return herr_new("%s.source: a bind mount needs a source", what);
  struct stat st;
  /* The runtime's tree: the source's path may be out of our reach. */
  if (idmapped >= 0 ? fstat(idmapped, &st) < 0 : stat(m->source, &st) < 0)
    return herr_sys("%s: bind source %s", what, m->source);
  _cleanup_close_ int dst = -1;
  TRY_WRAP(open_destination(rootfd, m, S_ISDIR(st.st_mode), &dst), "%s: destination", what);
  TRY(attach_source(m, o, dst, idmapped, what));
  /* The fd still points below the new mount: reopen to reach the mount itself. */
  _cleanup_close_ int mnt = -1;
  TRY_WRAP(inroot_open(rootfd, m->destination, O_PATH, &mnt), "%s", what);
  struct fd_path mp = fd_path(mnt);
  unsigned long flags = o->flags & ~(MS_REMOUNT | MS_BIND | MS_REC);
  if (flags)
    TRY(remount_bind(mp.s, flags, what));
  return set_propagation(mp.s, o->propagation, what);
}

/* Filesystems a user namespace may not mount without owning another
 * namespace: fall back to binding the runtime's own instance, as runc does. */
static const struct {
  const char *type;
  const char *host_path;
} userns_bind_fallbacks[] = {
  { "sysfs", "/sys" },
  { "mqueue", "/dev/mqueue" },
};

static herr mount_bind_fallback(const struct oci_mount *m, const struct mount_options *o,
                                int rootfd, const char *what)
{
  for (size_t i = 0; i < ARRAY_LEN(userns_bind_fallbacks); i++) {
    if (strcmp(userns_bind_fallbacks[i].type, m->type))
      continue;
    struct oci_mount alt = *m;
    alt.source = (char *)userns_bind_fallbacks[i].host_path;
    struct mount_options ao = *o;
    ao.recursive = true;
    log_debug("%s: %s not mountable here, binding %s instead", what, m->type, alt.source);
    return mount_bind(&alt, &ao, rootfd, -1, what);
  }
  return herr_errno(EPERM, "%s: mount %s", what, m->type);
}

static herr mount_fs_at(const char *source, const char *target, const char *type,
                        unsigned long flags, const char *data)
{
  if (mount(source, target, type, flags, data) < 0)
    return herr_sys("mount %s", type);
  return NULL;
}

/* Bind `source`, a cgroup directory of the host, at cgroup/`dir`. */
static herr bind_cgroup_dir(int dirfd, const char *dir, const char *source, unsigned long flags)
{
  _cleanup_close_ int sub = openat(dirfd, dir, O_PATH | O_NOFOLLOW | O_CLOEXEC | O_DIRECTORY);
  if (sub < 0)
    return herr_sys("open cgroup/%s", dir);
  struct fd_path p = fd_path(sub);
  if (mount(source, p.s, NULL, MS_BIND | MS_REC, NULL) < 0)
    return herr_sys("bind %s", source);
  /* The fd still points below the new mount: reopen to reach the mount itself. */
  _cleanup_close_ int mnt = openat(dirfd, dir, O_PATH | O_NOFOLLOW | O_CLOEXEC | O_DIRECTORY);
  if (mnt < 0)
    return herr_sys("open cgroup/%s", dir);
  struct fd_path mp = fd_path(mnt);
  return remount_bind(mp.s, flags & ~(MS_REMOUNT | MS_BIND | MS_REC), dir);
}

/* "cpu,cpuacct" is reached as cpu and cpuacct too, as on the host (and runc). */
static herr link_comounted(int dirfd, const char *dir)
{
  if (!strchr(dir, ',') || !strncmp(dir, "name=", 5))
    return NULL;
  _cleanup_free_ char *names = xstrdup(dir);
  char *save = NULL;
  for (char *n = strtok_r(names, ",", &save); n; n = strtok_r(NULL, ",", &save))
    if (symlinkat(dir, dirfd, n) < 0 && errno != EEXIST)
      return herr_sys("symlink cgroup/%s", n);
  return NULL;
}

/* One hierarchy of /proc/self/cgroup (`ctrls`: "memory", "cpu,cpuacct",
 * "name=systemd", "" for cgroup2) at cgroup/DIR.  With a cgroup namespace of
 * its own, the hierarchy mounted there is rooted at the container's cgroup.
 * Without one (podman's and Docker's default on v1) a mount would show the
 * host's whole tree: the container's own cgroup directory is bound there
 * instead, as runc does, so that its memory.limit_in_bytes is the limit; a
 * hierarchy the host has not mounted (which then holds no cgroup of the
 * container) is left out, as runc shows only the mounted ones.  A user
 * namespace may not mount a v1 hierarchy (nor cgroup2 without a cgroup
 * namespace): the own directory is bound then too. */
static herr mount_hierarchy(int dirfd, const char *ctrls, unsigned long flags,
                            const struct mount_env *env)
{
  const char *dir = ctrls;
  const char *type = "cgroup";
  char data[256];
  snprintf(data, sizeof(data), "%s", ctrls);
  if (!*ctrls) {
    dir = "unified";
    type = "cgroup2";
  } else if (!strncmp(ctrls, "name=", 5)) {
    dir = ctrls + 5;
    snprintf(data, sizeof(data), "none,%s", ctrls);
  }
  _cleanup_free_ char *own = NULL;
  if (!env->own_cgroupns) {
    herr e = cgroup_own_dir(ctrls, &own);
    if (e && herr_errnum(e) == ENOENT) {
      log_debug("cgroup/%s: not mounted on the host, left out", dir);
      herr_free(e);
      return NULL;
    }
    TRY(e);
  }
  if (mkdirat(dirfd, dir, 0755) < 0 && errno != EEXIST)
    return herr_sys("mkdir cgroup/%s", dir);
  if (env->own_cgroupns) {
    _cleanup_close_ int sub = openat(dirfd, dir, O_PATH | O_NOFOLLOW | O_CLOEXEC | O_DIRECTORY);
    if (sub < 0)
      return herr_sys("open cgroup/%s", dir);
    struct fd_path p = fd_path(sub);
    herr e = mount_fs_at("cgroup", p.s, type, flags, *data ? data : NULL);
    if (!e)
      return link_comounted(dirfd, dir);
    if (!(herr_errnum(e) == EPERM && env->in_userns))
      return herr_wrap(e, "cgroup/%s", dir);
    herr_free(e);
    TRY(cgroup_own_dir(ctrls, &own));
  }
  TRY(bind_cgroup_dir(dirfd, dir, own, flags));
  return link_comounted(dirfd, dir);
}

/* cgroup mounts: cgroup2 on a unified host; on v1/hybrid hosts a tmpfs with
 * one directory per hierarchy of this process, like runc. */
static herr mount_cgroup_v1_hierarchies(int dirfd, unsigned long flags, const struct mount_env *env)
{
  _cleanup_free_ char *text = NULL;
  TRY(procfs_read("self/cgroup", &text, NULL));
  char *save = NULL;
  for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
    /* "ID:controllers:path" */
    char *c1 = strchr(line, ':');
    char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
    if (!c2)
      continue;
    *c2 = '\0';
    TRY(mount_hierarchy(dirfd, c1 + 1, flags, env));
  }
  return NULL;
}

static herr mount_cgroup(const struct oci_mount *m, const struct mount_options *o, int rootfd,
                         const struct mount_env *env, const char *what)
{
  _cleanup_close_ int dst = -1;
  TRY_WRAP(open_destination(rootfd, m, true, &dst), "%s: destination", what);
  struct fd_path target = fd_path(dst);
  unsigned long flags = o->flags & ~MS_REMOUNT;
  struct statfs sfs;
  if (statfs("/sys/fs/cgroup", &sfs) == 0 && sfs.f_type == CGROUP2_SUPER_MAGIC)
    return herr_wrap(mount_fs_at("cgroup2", target.s, "cgroup2", flags, NULL), "%s", what);
  TRY_WRAP(mount_fs_at("tmpfs", target.s, "tmpfs", flags & ~MS_RDONLY, "mode=755"), "%s", what);
  _cleanup_close_ int dir = -1;
  TRY_WRAP(inroot_open(rootfd, m->destination, O_DIRECTORY | O_RDONLY, &dir), "%s", what);
  TRY_WRAP(mount_cgroup_v1_hierarchies(dir, flags, env), "%s", what);
  if (flags & MS_RDONLY) {
    _cleanup_close_ int mnt = -1;
    TRY_WRAP(inroot_open(rootfd, m->destination, O_PATH, &mnt), "%s", what);
    struct fd_path mp = fd_path(mnt);
    if (mount(NULL, mp.s, NULL, MS_REMOUNT | flags, "mode=755") < 0)
      return herr_sys("%s: remount read-only", what);
  }
  return NULL;
}

/* ---- tmpcopyup: the image's files at a tmpfs destination are copied in ---- */

static herr copy_tree(int from, int to);

static herr copy_file_data(int from, int to, const char *name, mode_t mode)
{
  _cleanup_close_ int in = openat(from, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (in < 0)
    return herr_sys("open %s", name);
  _cleanup_close_ int out = openat(to, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
  if (out < 0)
    return herr_sys("create %s", name);
  char buf[65536];
  ssize_t n;
  while ((n = read(in, buf, sizeof(buf))) > 0)
    TRY_WRAP(write_all(out, buf, (size_t)n), "write %s", name);
  return n < 0 ? herr_sys("read %s", name) : NULL;
}

static herr copy_dir(int from, int to, const char *name, mode_t mode)
{
  if (mkdirat(to, name, mode) < 0 && errno != EEXIST)
    return herr_sys("mkdir %s", name);
  _cleanup_close_ int a = openat(from, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  _cleanup_close_ int b = openat(to, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (a < 0 || b < 0)
    return herr_sys("open %s", name);
  return herr_wrap(copy_tree(a, b), "%s", name);
}

static herr copy_symlink(int from, int to, const char *name)
{
  char target[PATH_MAX];
  ssize_t n = readlinkat(from, name, target, sizeof(target) - 1);
  if (n < 0)
    return herr_sys("readlink %s", name);
  target[n] = '\0';
  if (symlinkat(target, to, name) < 0)
    return herr_sys("symlink %s", name);
  return NULL;
}

/* One entry, never following a symlink of the image; owner and mode kept. */
static herr copy_entry(int from, int to, const char *name)
{
  struct stat st;
  if (fstatat(from, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
    return herr_sys("stat %s", name);
  mode_t mode = st.st_mode & 07777;
  if (S_ISDIR(st.st_mode))
    TRY(copy_dir(from, to, name, mode));
  else if (S_ISREG(st.st_mode))
    TRY(copy_file_data(from, to, name, mode));
  else if (S_ISLNK(st.st_mode))
    TRY(copy_symlink(from, to, name));
  else if (mknodat(to, name, st.st_mode, st.st_rdev) < 0)
    return herr_sys("mknod %s", name);
  if (fchownat(to, name, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) < 0)
    return herr_sys("chown %s", name);
  if (!S_ISLNK(st.st_mode) && fchmodat(to, name, mode, 0) < 0)
    return herr_sys("chmod %s", name);
  return NULL;
}

static herr copy_tree(int from, int to)
{
  int d = dup(from);
  DIR *dir = d >= 0 ? fdopendir(d) : NULL;
  if (!dir) {
    if (d >= 0)
      close(d);
    return herr_sys("read directory");
  }
  herr e = NULL;
  struct dirent *de;
  while (!e && (de = readdir(dir)))
    if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
      e = copy_entry(from, to, de->d_name);
  closedir(dir);
  return e;
}

/* The directory the tmpfs is about to cover, opened so that it can still be
 * read once it is covered. */
static herr open_covered_dir(const struct oci_mount *m, const struct mount_options *o, int rootfd,
                             const char *what, int *fd)
{
  *fd = -1;
  if (!o->tmpcopyup)
    return NULL;
  if (strcmp(m->type, "tmpfs"))
    return herr_new("%s.options: tmpcopyup is for tmpfs mounts only", what);
  TRY_WRAP(inroot_open(rootfd, m->destination, O_RDONLY | O_DIRECTORY, fd), "%s", what);
  return NULL;
}

static herr copy_up(const struct oci_mount *m, int covered, int rootfd, const char *what)
{
  if (covered < 0)
    return NULL;
  _cleanup_close_ int tmpfs = -1;
  TRY_WRAP(inroot_open(rootfd, m->destination, O_RDONLY | O_DIRECTORY, &tmpfs), "%s", what);
  TRY_WRAP(copy_tree(covered, tmpfs), "%s: tmpcopyup", what);
  return NULL;
}

/* A tmpfs on /dev gets the devices, /dev/pts, /dev/shm and /dev/console
 * after it is mounted: a read-only one is made so only at the end, as runc's
 * is (a config that mounts /dev ro and /dev/pts below it must work). */
static bool is_dev_tmpfs(const struct oci_mount *m)
{
  return m->type && !strcmp(m->type, "tmpfs") && m->destination &&
         (!strcmp(m->destination, "/dev") || !strcmp(m->destination, "/dev/"));
}

herr mounts_finish_readonly(const struct oci_config *cfg)
{
  for (size_t i = 0; i < cfg->n_mounts; i++) {
    const struct oci_mount *m = &cfg->mounts[i];
    if (!is_dev_tmpfs(m))
      continue;
    char what[48];
    snprintf(what, sizeof(what), "mounts[%zu]", i);
    struct mount_options o;
    TRY(mount_options_parse(m, what, &o));
    bool bind = o.bind;
    unsigned long flags = o.flags & ~(MS_REMOUNT | MS_BIND | MS_REC);
    mount_options_free(&o);
    if (!bind && (flags & MS_RDONLY))
      TRY_WRAP(remount_bind("/dev", flags, what), "make %s read-only", m->destination);
  }
  return NULL;
}

/* proc and sysfs on a symlink of the image would land wherever it points (and
 * masked paths would miss them): refused, in runc's words. */
static herr refuse_symlink_destination(const struct oci_mount *m, int rootfd, const char *what)
{
  if (strcmp(m->type, "proc") && strcmp(m->type, "sysfs"))
    return NULL;
  _cleanup_close_ int fd = -1;
  herr e = inroot_open(rootfd, m->destination, O_PATH | O_NOFOLLOW, &fd);
  if (e) {
    herr_free(e); /* missing: made as a directory */
    return NULL;
  }
  struct stat st;
  if (fstat(fd, &st) == 0 && S_ISLNK(st.st_mode))
    return herr_new("%s.destination: %s is a symlink: %s must be mounted on ordinary directory", what,
                    m->destination, m->type);
  return NULL;
}

static herr mount_filesystem(const struct oci_mount *m, const struct mount_options *o,
                             int rootfd, const struct mount_env *env, const char *what)
{
  if (!m->type || !*m->type)
    return herr_new("%s.type: a mount that is not a bind mount needs a type", what);
  TRY(refuse_symlink_destination(m, rootfd, what));
  if (!strcmp(m->type, "cgroup") || !strcmp(m->type, "cgroup2"))
    return mount_cgroup(m, o, rootfd, env, what);
  _cleanup_close_ int dst = -1;
  TRY_WRAP(open_destination(rootfd, m, true, &dst), "%s: destination", what);
  struct fd_path target = fd_path(dst);
  _cleanup_close_ int covered = -1;
  TRY(open_covered_dir(m, o, rootfd, what, &covered));
  const char *source = m->source && *m->source ? m->source : m->type;
  unsigned long flags = o->flags & ~MS_REMOUNT;
  if (is_dev_tmpfs(m))
    flags &= ~MS_RDONLY; /* until /dev is complete: mounts_finish_readonly() */
  if (mount(source, target.s, m->type, flags, o->data) < 0) {
    if (errno == EPERM && env->in_userns)
      return mount_bind_fallback(m, o, rootfd, what);
    return herr_sys("%s: mount %s on %s", what, m->type, m->destination);
  }
  TRY(copy_up(m, covered, rootfd, what));
  if (o->propagation) {
    _cleanup_close_ int mnt = -1;
    TRY_WRAP(inroot_open(rootfd, m->destination, O_PATH, &mnt), "%s", what);
    struct fd_path mp = fd_path(mnt);
    TRY(set_propagation(mp.s, o->propagation, what));
  }
  return NULL;
}

/* rro, rnosuid, ...: on the new mount and every mount below it. */
static herr apply_recursive_attrs(const struct oci_mount *m, const struct mount_options *o,
                                  int rootfd, const char *what)
{
  if (!o->attr_set && !o->attr_clr)
    return NULL;
  _cleanup_close_ int mnt = -1;
  TRY_WRAP(inroot_open(rootfd, m->destination, O_PATH, &mnt), "%s", what);
  return herr_wrap(mount_attrs_set_recursive(mnt, o->attr_set, o->attr_clr), "%s", what);
}

static herr mount_one(const struct oci_mount *m, int rootfd, const struct mount_env *env, size_t idx)
{
  char what[48];
  snprintf(what, sizeof(what), "mounts[%zu]", idx);
  if (!m->destination || !*m->destination)
    return herr_new("%s.destination: missing", what);
  struct mount_options o;
  TRY(mount_options_parse(m, what, &o));
  int idmapped = env->idmapped ? env->idmapped[idx] : -1;
  herr e = o.bind ? mount_bind(m, &o, rootfd, idmapped, what)
                  : mount_filesystem(m, &o, rootfd, env, what);
  if (!e)
    e = apply_recursive_attrs(m, &o, rootfd, what);
  mount_options_free(&o);
  if (e)
    return herr_wrap(e, "mount %s", m->destination);
  return NULL;
}

herr mounts_apply(const struct oci_config *cfg, int rootfd, struct mount_env env)
{
  /* Root of the user namespace hull itself runs in (rootless podman) is no
   * more privileged than root of a new one. */
  env.in_userns = env.in_userns || in_user_namespace();
  for (size_t i = 0; i < cfg->n_mounts; i++)
    TRY(mount_one(&cfg->mounts[i], rootfd, &env, i));
  return NULL;
}

/* config.md "Mounts": idmap/ridmap and a mount's uidMappings/gidMappings. */
static herr validate_idmap(const struct oci_mount *m, const struct mount_options *o,
                           bool new_userns, const char *what)
{
  bool mappings = m->n_uidMappings || m->n_gidMappings;
  if (mappings && (!m->n_uidMappings || !m->n_gidMappings))
    return herr_new("%s: uidMappings and gidMappings go together", what);
  if (!mappings && o->idmap == MOUNT_IDMAP_NONE)
    return NULL;
  if (!o->bind)
    return herr_new("%s: an idmapped mount must be a bind mount", what);
  if (!mappings && !new_userns)
    return herr_new("%s.options: idmap without uidMappings/gidMappings needs a new user namespace "
                    "to take the mappings from", what);
  return NULL;
}

herr mounts_validate(const struct oci_config *cfg, bool new_userns)
{
  for (size_t i = 0; i < cfg->n_mounts; i++) {
    char what[48];
    snprintf(what, sizeof(what), "mounts[%zu]", i);
    struct mount_options o;
    TRY(mount_options_parse(&cfg->mounts[i], what, &o));
    /* mount(8) and runc pass them and the kernel ignores them (the validation
     * suite's config has one): said, not refused. */
    if (o.bind && o.data_index >= 0)
      log_warning("%s.options[%ld]: \"%s\": a bind mount ignores filesystem options", what,
                  o.data_index, cfg->mounts[i].options[o.data_index]);
    herr e = validate_idmap(&cfg->mounts[i], &o, new_userns, what);
    mount_options_free(&o);
    TRY(e);
  }
  return NULL;
}

herr mount_remount_readonly(int rootfd, const char *path)
{
  _cleanup_close_ int fd = -1;
  TRY(inroot_open(rootfd, path, O_PATH, &fd));
  struct fd_path p = fd_path(fd);
  if (mount(p.s, p.s, NULL, MS_BIND | MS_REC, NULL) < 0)
    return herr_sys("bind %s", path);
  _cleanup_close_ int mnt = -1;
  TRY(inroot_open(rootfd, path, O_PATH, &mnt));
  struct fd_path mp = fd_path(mnt);
  return remount_bind(mp.s, MS_RDONLY, path);
}
