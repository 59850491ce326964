/* idmap.c - idmapped mounts, made by the runtime.  See idmap.h. */
#include "idmap.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "mount_attrs.h"
#include "mounts.h"
#include "namespaces.h"
#include "utils.h"

struct mappings {
  const struct oci_idmapping *uid, *gid;
  size_t n_uid, n_gid;
  const char *field; /* where they come from, for errors */
};

/* A process in a new user namespace that waits to be killed. */
static herr spawn_userns_holder(pid_t *pid)
{
  *pid = (pid_t)syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, NULL, NULL, NULL, 0UL);
  if (*pid < 0)
    return herr_sys("create a user namespace");
  if (*pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    for (;;)
      pause();
  }
  return NULL;
}

/* An fd of a user namespace with these mappings, and nothing in it. */
static herr userns_from_mappings(const struct mappings *maps, int *fd)
{
  pid_t pid;
  TRY(spawn_userns_holder(&pid));
  char field[96];
  snprintf(field, sizeof(field), "%s.uidMappings", maps->field);
  herr e = ns_write_id_map(pid, "uid_map", field, maps->uid, maps->n_uid);
  snprintf(field, sizeof(field), "%s.gidMappings", maps->field);
  if (!e)
    e = ns_write_id_map(pid, "gid_map", field, maps->gid, maps->n_gid);
  if (!e) {
    char path[64];
    snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)pid);
    *fd = open(path, O_RDONLY | O_CLOEXEC);
    if (*fd < 0)
      e = herr_sys("open %s", path);
  }
  kill(pid, SIGKILL);
  while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
    ;
  return e;
}

/* The mount's own mappings, else the container's user namespace's (which
 * mounts_validate made sure exist). */
static struct mappings mappings_of(const struct oci_config *cfg, size_t i, char *field,
                                   size_t size)
{
  const struct oci_mount *m = &cfg->mounts[i];
  if (m->n_uidMappings) {
    snprintf(field, size, "mounts[%zu]", i);
    return (struct mappings){ m->uidMappings, m->gidMappings, m->n_uidMappings, m->n_gidMappings,
                              field };
  }
  const struct oci_linux *lx = cfg->linux_;
  return (struct mappings){ lx->uidMappings, lx->gidMappings, lx->n_uidMappings,
                            lx->n_gidMappings, "linux" };
}

static herr idmapped_tree(const struct oci_config *cfg, size_t i, const struct mount_options *o,
                          const char *bundle, int *out)
{
  const struct oci_mount *m = &cfg->mounts[i];
  _cleanup_free_ char *source = m->source[0] == '/' ? xstrdup(m->source)
                                                    : path_join(bundle, m->source);
  unsigned flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (o->recursive ? AT_RECURSIVE : 0);
  _cleanup_close_ int tree = open_tree(AT_FDCWD, source, flags);
  if (tree < 0)
    return herr_sys("mounts[%zu]: clone the mount of %s", i, source);
  char field[48];
  struct mappings maps = mappings_of(cfg, i, field, sizeof(field));
  _cleanup_close_ int userns = -1;
  TRY(userns_from_mappings(&maps, &userns));
  TRY_WRAP(mount_attrs_set_idmap(tree, userns, o->idmap == MOUNT_IDMAP_RECURSIVE),
           "mounts[%zu] (%s)", i, source);
  *out = steal_fd(&tree);
  return NULL;
}

static bool is_idmapped(const struct oci_mount *m, const struct mount_options *o)
{
  return o->idmap != MOUNT_IDMAP_NONE || m->n_uidMappings;
}

static bool has_user_namespace(const struct oci_config *cfg)
{
  for (size_t k = 0; cfg->linux_ && k < cfg->linux_->n_namespaces; k++)
    if (cfg->linux_->namespaces[k].type == OCI_NS_USER)
      return true;
  return false;
}

/* The propagation a bind made in the container would get: rootfs.c makes
 * the tree a slave first (private for rprivate). */
static uint64_t container_propagation(const struct oci_config *cfg)
{
  const char *p = cfg->linux_ ? cfg->linux_->rootfsPropagation : NULL;
  return p && !strcmp(p, "rprivate") ? MS_PRIVATE : MS_SLAVE;
}

/* A bind source of a container with a user namespace, cloned here as runc
 * opens it before joining the namespace: the container's root may not be able
 * to reach it (below a directory only the host's root may search).  The
 * clone gets the propagation of the container's other mounts, so that
 * nothing mounted in it propagates back to the host.  When the runtime
 * cannot clone it (rootless: no CAP_SYS_ADMIN over its mount namespace, or
 * no such source), the container binds the source itself and reports what
 * fails there. */
static int reachable_tree(const struct oci_config *cfg, const struct oci_mount *m,
                          const struct mount_options *o, const char *bundle)
{
  _cleanup_free_ char *source = m->source[0] == '/' ? xstrdup(m->source)
                                                    : path_join(bundle, m->source);
  unsigned flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (o->recursive ? AT_RECURSIVE : 0);
  _cleanup_close_ int tree = open_tree(AT_FDCWD, source, flags);
  if (tree < 0)
    return -1;
  struct mount_attr attr = { .propagation = container_propagation(cfg) };
  if (mount_setattr(tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof(attr)) < 0)
    return -1;
  return steal_fd(&tree);
}

static herr prepare_tree(const struct oci_config *cfg, size_t i, const struct mount_options *o,
                         const char *bundle, int *fd)
{
  const struct oci_mount *m = &cfg->mounts[i];
  if (is_idmapped(m, o))
    return idmapped_tree(cfg, i, o, bundle, fd);
  if (o->bind && m->source && has_user_namespace(cfg))
    *fd = reachable_tree(cfg, m, o, bundle);
  return NULL;
}

herr idmap_prepare_mounts(const struct oci_config *cfg, const char *bundle, int **out)
{
  *out = NULL;
  int *fds = NULL;
  herr e = NULL;
  for (size_t i = 0; i < cfg->n_mounts && !e; i++) {
    char what[48];
    snprintf(what, sizeof(what), "mounts[%zu]", i);
    struct mount_options o;
    e = mount_options_parse(&cfg->mounts[i], what, &o);
    if (e)
      break;
    if (!fds) {
      fds = malloc(cfg->n_mounts * sizeof(*fds));
      if (!fds)
        abort();
      for (size_t k = 0; k < cfg->n_mounts; k++)
        fds[k] = -1;
    }
    e = prepare_tree(cfg, i, &o, bundle, &fds[i]);
    mount_options_free(&o);
  }
  if (e) {
    idmap_close_mounts(fds, cfg->n_mounts);
    return e;
  }
  *out = fds;
  return NULL;
}

void idmap_close_mounts(int *fds, size_t n)
{
  if (!fds)
    return;
  for (size_t i = 0; i < n; i++)
    if (fds[i] >= 0)
      close(fds[i]);
  free(fds);
}
