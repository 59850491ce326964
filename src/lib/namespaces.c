/* namespaces.c - planning, creating and joining namespaces.  See namespaces.h. */
#include "namespaces.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <linux/nsfs.h>
#include <unistd.h>

#include "cleanup.h"
#include "procfs.h"
#include "utils.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

static const struct {
  const char *proc_name;
  int flag;
} ns_table[OCI_NS_COUNT] = {
  [OCI_NS_PID] = { "pid", CLONE_NEWPID },
  [OCI_NS_NETWORK] = { "net", CLONE_NEWNET },
  [OCI_NS_MOUNT] = { "mnt", CLONE_NEWNS },
  [OCI_NS_IPC] = { "ipc", CLONE_NEWIPC },
  [OCI_NS_UTS] = { "uts", CLONE_NEWUTS },
  [OCI_NS_USER] = { "user", CLONE_NEWUSER },
  [OCI_NS_CGROUP] = { "cgroup", CLONE_NEWCGROUP },
  [OCI_NS_TIME] = { "time", CLONE_NEWTIME },
};

/* Order of setns(): user first (it grants the rights for the rest), mount last
 * but before pid/time which only affect children. */
static const enum oci_ns_type join_order[] = {
  OCI_NS_USER, OCI_NS_IPC, OCI_NS_UTS, OCI_NS_NETWORK, OCI_NS_CGROUP, OCI_NS_MOUNT,
};

const char *ns_proc_name(enum oci_ns_type t)
{
  return ns_table[t].proc_name;
}

int ns_clone_flag(enum oci_ns_type t)
{
  return ns_table[t].flag;
}

static herr open_join_path(const struct oci_namespace *ns, size_t idx, int *fd)
{
  *fd = open(ns->path, O_RDONLY | O_CLOEXEC);
  if (*fd < 0)
    return herr_sys("linux.namespaces[%zu].path: cannot open %s namespace %s", idx,
                    oci_ns_type_name(ns->type), ns->path);
  return NULL;
}

static herr check_namespace_fd(int fd, const struct oci_namespace *ns, size_t idx)
{
  /* A path of the wrong kind is refused before anything is created. */
  int type = ioctl(fd, NS_GET_NSTYPE);
  if (type < 0)
    return herr_sys("linux.namespaces[%zu].path: %s is not a namespace file", idx, ns->path);
  if (type != ns_table[ns->type].flag)
    return herr_new("linux.namespaces[%zu].path: %s is not a %s namespace", idx, ns->path,
                    oci_ns_type_name(ns->type));
  return NULL;
}

herr ns_plan_prepare(const struct oci_config *cfg, struct ns_plan *plan)
{
  memset(plan, 0, sizeof(*plan));
  plan->saved_pid_fd = plan->saved_time_fd = -1;
  for (int i = 0; i < OCI_NS_COUNT; i++)
    plan->join_fd[i] = -1;
  const struct oci_linux *lx = cfg->linux_;
  size_t n = lx ? lx->n_namespaces : 0;
  for (size_t i = 0; i < n; i++) {
    const struct oci_namespace *ns = &lx->namespaces[i];
    plan->has[ns->type] = true;
    if (ns->path && *ns->path) {
      TRY(open_join_path(ns, i, &plan->join_fd[ns->type]));
      TRY(check_namespace_fd(plan->join_fd[ns->type], ns, i));
    }
  }
  bool user_joined = plan->join_fd[OCI_NS_USER] >= 0;
  plan->new_user = plan->has[OCI_NS_USER] && !user_joined;
  if (lx && (lx->n_uidMappings || lx->n_gidMappings) && !plan->new_user)
    return herr_new("linux.uidMappings: id mappings need a new user namespace (add {\"type\": \"user\"} to linux.namespaces)");
  if (plan->new_user && (!lx->n_uidMappings || !lx->n_gidMappings))
    return herr_new("linux.namespaces: a new user namespace needs linux.uidMappings and linux.gidMappings");
  if (lx && lx->timeOffsets && (!plan->has[OCI_NS_TIME] || plan->join_fd[OCI_NS_TIME] >= 0))
    return herr_new("linux.timeOffsets: time offsets need a new time namespace (add {\"type\": \"time\"} to linux.namespaces)");
  if (!plan->has[OCI_NS_MOUNT])
    return herr_new("linux.namespaces: hull needs a mount namespace to set up the root filesystem (add {\"type\": \"mount\"})");

  for (int t = 0; t < OCI_NS_COUNT; t++) {
    if (!plan->has[t] || plan->join_fd[t] >= 0)
      continue;
    if (t == OCI_NS_TIME)
      continue; /* made by the parent around clone(), see ns_parent_before_clone */
    /* A cgroup namespace is rooted where its creator is: the child makes it
     * once the parent has put it in the container's cgroup (SYNC_CGROUP_READY). */
    if (t == OCI_NS_CGROUP) {
      plan->unshare_flags |= ns_table[t].flag;
      continue;
    }
    if (user_joined && t != OCI_NS_USER)
      plan->unshare_flags |= ns_table[t].flag; /* must be owned by the joined user ns */
    else
      plan->clone_flags |= ns_table[t].flag;
  }
  /* Rootless, a joined pid namespace belongs to the joined user namespace, where
   * the unprivileged runtime may not setns(): the child joins it once it is in
   * that user namespace (ns_join_and_unshare). */
  plan->pid_joined_in_child = user_joined && plan->join_fd[OCI_NS_PID] >= 0 && geteuid() != 0;
  /* A pid namespace made by unshare(), or joined by setns(), only holds the
   * children of the caller. */
  plan->needs_second_fork = (plan->unshare_flags & CLONE_NEWPID) != 0 || plan->pid_joined_in_child;
  return NULL;
}

void ns_plan_release(struct ns_plan *plan)
{
  for (int i = 0; i < OCI_NS_COUNT; i++) {
    if (plan->join_fd[i] >= 0)
      close(plan->join_fd[i]);
    plan->join_fd[i] = -1;
  }
  if (plan->saved_pid_fd >= 0)
    close(plan->saved_pid_fd);
  if (plan->saved_time_fd >= 0)
    close(plan->saved_time_fd);
  plan->saved_pid_fd = plan->saved_time_fd = -1;
}

static herr write_time_offsets(const struct oci_time_offsets *o)
{
  char buf[256];
  int n = 0;
  if (o->has_monotonic)
    n += snprintf(buf + n, sizeof(buf) - (size_t)n, "monotonic %lld %u\n",
                  (long long)o->monotonic.secs, o->monotonic.nanosecs);
  if (o->has_boottime)
    n += snprintf(buf + n, sizeof(buf) - (size_t)n, "boottime %lld %u\n",
                  (long long)o->boottime.secs, o->boottime.nanosecs);
  if (n == 0)
    return NULL;
  /* One offset per write: the kernel parses a single line at a time reliably. */
  char *line = buf;
  while (*line) {
    char *nl = strchr(line, '\n');
    TRY_WRAP(procfs_write("self/timens_offsets", line, (size_t)(nl - line + 1)),
             "linux.timeOffsets");
    line = nl + 1;
  }
  return NULL;
}

/* A process in the container's pid namespace (one that joined it) could
 * otherwise open /proc/PID/exe, root, cwd, fd/ or mem of the container
 * process in the instants between clone() and its own prctl(): the host's
 * root and hull's binary (CVE-2019-5736 class).  Dumpability is a property of
 * the memory image, copied by clone(), so the parent drops it just before. */
static herr clone_non_dumpable(struct ns_plan *plan)
{
  plan->saved_dumpable = prctl(PR_GET_DUMPABLE, 0, 0, 0, 0);
  /* Rootless: the unprivileged runtime must write the child's uid_map, which
   * /proc gives to root for a non-dumpable process; the child drops
   * dumpability itself once mapped (init.c).  What a process of the container
   * could reach meanwhile is only what the user owns anyway. */
  if (geteuid() != 0 && plan->new_user)
    return NULL;
  if (plan->saved_dumpable < 0 || prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
    return herr_sys("prctl(PR_SET_DUMPABLE)");
  return NULL;
}

herr ns_parent_before_clone(struct ns_plan *plan, const struct oci_linux *lx)
{
  int procfd;
  TRY(procfs_root(&procfd));
  if (plan->join_fd[OCI_NS_PID] >= 0 && !plan->pid_joined_in_child) {
    plan->saved_pid_fd = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
    if (plan->saved_pid_fd < 0)
      return herr_sys("open /proc/self/ns/pid");
    if (setns(plan->join_fd[OCI_NS_PID], CLONE_NEWPID) < 0)
      return herr_sys("join pid namespace");
  }
  if (plan->has[OCI_NS_TIME]) {
    plan->saved_time_fd = open("/proc/self/ns/time", O_RDONLY | O_CLOEXEC);
    if (plan->saved_time_fd < 0)
      return herr_sys("open /proc/self/ns/time");
    if (plan->join_fd[OCI_NS_TIME] >= 0) {
      /* Joining moves the caller itself; it returns in ns_parent_after_clone. */
      if (setns(plan->join_fd[OCI_NS_TIME], CLONE_NEWTIME) < 0)
        return herr_sys("join time namespace");
    } else {
      if (unshare(CLONE_NEWTIME) < 0)
        return herr_sys("create time namespace");
      if (lx && lx->timeOffsets)
        TRY(write_time_offsets(lx->timeOffsets));
    }
  }
  return clone_non_dumpable(plan);
}

herr ns_parent_after_clone(struct ns_plan *plan)
{
  herr e = NULL;
  if (plan->saved_dumpable > 0 && prctl(PR_SET_DUMPABLE, plan->saved_dumpable, 0, 0, 0) < 0)
    e = herr_sys("prctl(PR_SET_DUMPABLE)");
  if (plan->saved_pid_fd >= 0 && setns(plan->saved_pid_fd, CLONE_NEWPID) < 0)
    e = herr_sys("return to the runtime's pid namespace");
  if (!e && plan->saved_time_fd >= 0 && setns(plan->saved_time_fd, CLONE_NEWTIME) < 0)
    e = herr_sys("return to the runtime's time namespace");
  return e;
}

static herr format_id_map(const struct oci_idmapping *m, size_t n, char **out)
{
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  if (!f)
    return herr_sys("id map");
  for (size_t i = 0; i < n; i++)
    fprintf(f, "%u %u %u\n", m[i].containerID, m[i].hostID, m[i].size);
  fclose(f);
  *out = buf;
  return NULL;
}

herr ns_write_id_map(pid_t pid, const char *file, const char *field,
                     const struct oci_idmapping *m, size_t n)
{
  _cleanup_free_ char *text = NULL;
  TRY(format_id_map(m, n, &text));
  char path[64];
  snprintf(path, sizeof(path), "%d/%s", (int)pid, file);
  TRY_WRAP(procfs_write(path, text, strlen(text)), "%s: write %s", field, file);
  return NULL;
}

/* Rootless (user_namespaces(7) "Defining user and group ID mappings"): an
 * unprivileged runtime may write one mapping of its own id, and the gid map
 * only after setgroups is denied; anything wider goes through the setuid
 * newuidmap/newgidmap of the uidmap package, which check /etc/subuid and
 * /etc/subgid. */
static bool maps_only(const struct oci_idmapping *m, size_t n, unsigned id)
{
  return n == 1 && m[0].hostID == id && m[0].size == 1;
}

static herr run_id_map_helper(const char *helper, pid_t pid, const char *field,
                              const struct oci_idmapping *m, size_t n)
{
  char **argv = calloc(3 + 3 * n, sizeof(char *));
  if (!argv)
    return herr_errno(ENOMEM, "%s", helper);
  size_t k = 0;
  argv[k++] = xstrdup(helper);
  if (asprintf(&argv[k++], "%d", (int)pid) < 0)
    abort();
  for (size_t i = 0; i < n; i++)
    if (asprintf(&argv[k++], "%u", m[i].containerID) < 0 ||
        asprintf(&argv[k++], "%u", m[i].hostID) < 0 || asprintf(&argv[k++], "%u", m[i].size) < 0)
      abort();
  herr e = run_helper_program(argv);
  for (size_t i = 0; i < k; i++)
    free(argv[i]);
  free(argv);
  if (e && herr_errnum(e) == ENOENT)
    return herr_wrap(e, "%s: mapping more than your own id needs %s (apt-get install uidmap) "
                        "and an entry for you in /etc/subuid and /etc/subgid", field, helper);
  return herr_wrap(e, "%s", field);
}

static herr write_id_maps_rootless(pid_t pid, const struct oci_linux *lx)
{
  if (maps_only(lx->uidMappings, lx->n_uidMappings, geteuid()))
    TRY(ns_write_id_map(pid, "uid_map", "linux.uidMappings", lx->uidMappings, lx->n_uidMappings));
  else
    TRY(run_id_map_helper("newuidmap", pid, "linux.uidMappings", lx->uidMappings, lx->n_uidMappings));
  if (!maps_only(lx->gidMappings, lx->n_gidMappings, getegid()))
    return run_id_map_helper("newgidmap", pid, "linux.gidMappings", lx->gidMappings, lx->n_gidMappings);
  char path[64];
  snprintf(path, sizeof(path), "%d/setgroups", (int)pid);
  TRY_WRAP(procfs_write(path, "deny", 4), "linux.gidMappings: deny setgroups (needed to map a gid without privilege)");
  return ns_write_id_map(pid, "gid_map", "linux.gidMappings", lx->gidMappings, lx->n_gidMappings);
}

herr ns_write_id_maps(pid_t pid, const struct oci_linux *lx)
{
  if (geteuid() != 0)
    return write_id_maps_rootless(pid, lx);
  TRY(ns_write_id_map(pid, "uid_map", "linux.uidMappings", lx->uidMappings, lx->n_uidMappings));
  TRY(ns_write_id_map(pid, "gid_map", "linux.gidMappings", lx->gidMappings, lx->n_gidMappings));
  return NULL;
}

herr ns_join_and_unshare(const struct ns_plan *plan)
{
  for (size_t i = 0; i < ARRAY_LEN(join_order); i++) {
    enum oci_ns_type t = join_order[i];
    int fd = plan->join_fd[t];
    if (fd < 0)
      continue;
    if (setns(fd, ns_table[t].flag) < 0)
      return herr_sys("join %s namespace", oci_ns_type_name(t));
  }
  if (plan->pid_joined_in_child && setns(plan->join_fd[OCI_NS_PID], CLONE_NEWPID) < 0)
    return herr_sys("join pid namespace");
  if (plan->unshare_flags && unshare(plan->unshare_flags) < 0)
    return herr_sys("create namespaces inside the joined user namespace");
  return NULL;
}
