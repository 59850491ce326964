/* exec.c - one more process in a running container.
 *
 *   hull exec (P)                 joiner (J)                 process (X)
 *   -------------                 ----------                 -----------
 *   state, stored config,
 *   the process to run,
 *   /proc/PID/ns/... opened
 *   fork ------------------------> non-dumpable
 *                                  oom_score_adj, cgroup
 *                                  setns: user first, then
 *                                  ipc uts net cgroup mnt,
 *                                  pid and time (children)
 *                                  clone(CLONE_PARENT) -----> born in the pid ns, P's child
 *                                  exits
 *   <-------------------------------------------------------- SYNC_PID (its pid, as creds)
 *                                                             [pty: SYNC_PTY with the master]
 *                                                             rlimits, executable, caps,
 *                                                             user, cwd, nnp, LSM, seccomp
 *   EOF on the sync socket <--------------------------------- execve (or SYNC_ERROR)
 *   --pid-file; --detach: return
 *   else relay the pty / forward signals and wait: X's status
 *
 * J and X stay non-dumpable until the execve, so that no process of the
 * container can open hull's binary through /proc/X/exe (CVE-2019-5736).  X is
 * cloned with CLONE_PARENT so that P can wait for it; with --detach P returns
 * and X is adopted by P's subreaper (conmon), as create leaves its process.
 */
#include "exec.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/nsfs.h>
#include <linux/sched.h>

#include "capabilities.h"
#include "cgroup.h"
#include "intelrdt.h"
#include "cleanup.h"
#include "cpu_affinity.h"
#include "io_priority.h"
#include "log.h"
#include "lsm.h"
#include "memory_policy.h"
#include "namespaces.h"
#include "personality.h"
#include "process.h"
#include "procfs.h"
#include "rlimits.h"
#include "scheduler.h"
#include "seccomp.h"
#include "signals.h"
#include "spawn.h"
#include "spec.h"
#include "state.h"
#include "sync.h"
#include "terminal.h"
#include "utils.h"

/* The process to start: the container's `process` (or --process's), with the
 * options applied.  Pointers lead into `cfg`, `given` or the owned arrays
 * below; only those are freed. */
struct exec_process {
  struct oci_process p;          /* a shallow view, never passed to oci_process_free */
  struct oci_capabilities caps;  /* p.capabilities points here when --cap is used */
  char **env;                    /* owned: merged environment */
  char **cap_lists[4];           /* owned: bounding, effective, permitted, ambient with --cap */
  uint32_t *gids;                /* owned: additionalGids with --additional-gids */
};

struct exec_run {
  const struct exec_opts *o;
  int rootfd;
  int dirfd;
  struct container_state *st;
  struct oci_config *cfg;        /* the config stored at create */
  struct cgroup *cg;             /* the container's cgroup, NULL if it has none */
  char **cg_subs;                /* --cgroup: per hierarchy, the sub-cgroup to join (NULL: none) */
  struct oci_process *given;     /* --process */
  struct exec_process x;
  struct seccomp_program *seccomp;   /* the container's linux.seccomp, compiled */
  struct seccomp_listener listener;  /* its listenerPath, for SCMP_ACT_NOTIFY */
  int pidfd;                     /* the container's process, to detect pid reuse */
  int ns_fd[OCI_NS_COUNT];       /* namespaces to join, -1 where we share it */
  bool ns_early[OCI_NS_COUNT];   /* not owned by the user namespace: join before it */
  int sync[2];
  pid_t joiner;
  pid_t pid;                     /* the new process (host pid) */
  int master;                    /* pty master, foreground -t without console socket */
};

/* ---- the container ---- */

static herr open_state(struct exec_run *r)
{
  const struct exec_opts *o = r->o;
  TRY(state_validate_id(o->id));
  r->rootfd = open(o->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (r->rootfd < 0) {
    if (errno == ENOENT)
      return herr_new("container \"%s\" does not exist", o->id);
    return herr_sys("open state root %s", o->root);
  }
  TRY(state_dir_open(r->rootfd, o->id, 0, &r->dirfd));
  TRY(state_read(r->dirfd, o->id, &r->st));
  return NULL;
}

static herr open_cgroup(struct exec_run *r)
{
  if (!r->st->n_cgroups)
    return NULL;
  TRY_WRAP(cgroup_open(r->st->cgroups, r->st->n_cgroups, &r->cg),
           "container \"%s\": its cgroup", r->o->id);
  return NULL;
}

/* exec --cgroup: checked here, before anything starts. */
static herr parse_sub_cgroups(struct exec_run *r)
{
  if (!r->o->n_cgroups)
    return NULL;
  if (!r->cg)
    return herr_new("--cgroup: container \"%s\" has no cgroup", r->o->id);
  return cgroup_sub_parse(r->cg, r->o->cgroups, r->o->n_cgroups, &r->cg_subs);
}

/* runc execs into created and running containers; a stopped one has no
 * namespaces left. */
static herr check_status(struct exec_run *r)
{
  enum container_status s = state_status(r->st);
  if (s == STATUS_STOPPED)
    return herr_new("container \"%s\" is stopped: cannot exec in a stopped container", r->o->id);
  if (s == STATUS_CREATING)
    return herr_new("container \"%s\" is still being created", r->o->id);
  return NULL;
}

/* In a paused container the new process would be frozen before it ran. */
static herr check_paused(struct exec_run *r)
{
  bool frozen = false;
  if (r->cg)
    TRY_WRAP(cgroup_is_frozen(r->cg, &frozen), "container \"%s\"", r->o->id);
  if (frozen && !r->o->ignore_paused)
    return herr_new("container \"%s\" is paused: cannot exec in a paused container (resume it first; "
                    "with --ignore-paused the process starts frozen and runs once it is resumed)",
                    r->o->id);
  return NULL;
}

static herr load_config(struct exec_run *r)
{
  _cleanup_free_ char *text = NULL;
  size_t len;
  TRY_WRAP(read_file_at(r->dirfd, STATE_CONFIG_FILE, &text, &len), "container \"%s\"", r->o->id);
  TRY_WRAP(oci_config_parse(text, len, &r->cfg), "container \"%s\": stored config", r->o->id);
  return NULL;
}

/* ---- the process ---- */

static char **strv_new(size_t n)
{
  char **v = calloc(n + 1, sizeof(char *));
  if (!v)
    abort();
  return v;
}

static size_t env_name_len(const char *kv)
{
  const char *eq = strchr(kv, '=');
  return eq ? (size_t)(eq - kv) : strlen(kv);
}

/* The config's environment with each --env replacing a variable of the same
 * name, or added at the end. */
static void merge_env(struct exec_process *x, char **base, size_t n_base, char **add, size_t n_add)
{
  x->env = strv_new(n_base + n_add);
  size_t n = 0;
  for (size_t i = 0; i < n_base; i++)
    x->env[n++] = base[i];
  for (size_t i = 0; i < n_add; i++) {
    size_t len = env_name_len(add[i]);
    size_t j = 0;
    while (j < n && !(env_name_len(x->env[j]) == len && !strncmp(x->env[j], add[i], len)))
      j++;
    x->env[j] = add[i];
    if (j == n)
      n++;
  }
  x->p.env = x->env;
  x->p.n_env = n;
}

/* A copy of `*list` (n items) with `add` appended; *list then points to it. */
static void extend_list(char ***owned, char ***list, size_t *n, char **add, size_t n_add)
{
  char **v = strv_new(*n + n_add);
  for (size_t i = 0; i < *n; i++)
    v[i] = (*list)[i];
  for (size_t i = 0; i < n_add; i++)
    v[*n + i] = add[i];
  *owned = v;
  *list = v;
  *n += n_add;
}

static bool in_list(char **list, size_t n, const char *name)
{
  for (size_t i = 0; i < n; i++)
    if (!strcasecmp(list[i], name))
      return true;
  return false;
}

/* --cap adds to bounding, effective and permitted, and to ambient when the
 * config's inheritable set has it (the kernel raises nothing else there);
 * never to inheritable itself (CVE-2022-29162: an exec'd program must not
 * pass on through execve capabilities that the spec does not allow). */
static void add_caps(struct exec_process *x, char **caps, size_t n)
{
  if (!n)
    return;
  if (x->p.capabilities)
    x->caps = *x->p.capabilities;
  struct oci_capabilities *c = &x->caps;
  extend_list(&x->cap_lists[0], &c->bounding, &c->n_bounding, caps, n);
  extend_list(&x->cap_lists[1], &c->effective, &c->n_effective, caps, n);
  extend_list(&x->cap_lists[2], &c->permitted, &c->n_permitted, caps, n);
  char **ambient = strv_new(c->n_ambient + n);
  size_t n_ambient = 0;
  for (size_t i = 0; i < c->n_ambient; i++)
    ambient[n_ambient++] = c->ambient[i];
  for (size_t i = 0; i < n; i++)
    if (in_list(c->inheritable, c->n_inheritable, caps[i]))
      ambient[n_ambient++] = caps[i];
  x->cap_lists[3] = ambient;
  c->ambient = ambient;
  c->n_ambient = n_ambient;
  x->p.capabilities = c;
}

static void add_gids(struct exec_process *x, const uint32_t *gids, size_t n)
{
  if (!n)
    return;
  size_t have = x->p.user.n_additionalGids;
  x->gids = calloc(have + n, sizeof(uint32_t));
  if (!x->gids)
    abort();
  if (have)
    memcpy(x->gids, x->p.user.additionalGids, have * sizeof(uint32_t));
  memcpy(x->gids + have, gids, n * sizeof(uint32_t));
  x->p.user.additionalGids = x->gids;
  x->p.user.n_additionalGids = have + n;
}

/* What a --process leaves out comes from the container, as runc does:
 * capabilities, rlimits, the LSM labels and oomScoreAdj. */
static void inherit_from_container(struct oci_process *p, const struct oci_process *c)
{
  if (!c)
    return;
  if (!p->capabilities)
    p->capabilities = c->capabilities;
  if (!p->n_rlimits) {
    p->rlimits = c->rlimits;
    p->n_rlimits = c->n_rlimits;
  }
  if (!p->apparmorProfile || !*p->apparmorProfile)
    p->apparmorProfile = c->apparmorProfile;
  if (!p->selinuxLabel || !*p->selinuxLabel)
    p->selinuxLabel = c->selinuxLabel;
  if (!p->has_oomScoreAdj && c->has_oomScoreAdj) {
    p->has_oomScoreAdj = true;
    p->oomScoreAdj = c->oomScoreAdj;
  }
}

static herr load_given_process(struct exec_run *r)
{
  _cleanup_free_ char *text = NULL;
  size_t len;
  TRY_WRAP(read_file(r->o->process_file, &text, &len), "--process");
  TRY_WRAP(oci_process_parse(text, len, &r->given), "--process %s", r->o->process_file);
  r->x.p = *r->given;
  inherit_from_container(&r->x.p, r->cfg->process);
  return NULL;
}

/* Without --process: the container's process with the program replaced. */
static herr process_from_args(struct exec_run *r)
{
  const struct exec_opts *o = r->o;
  if (!o->n_args)
    return herr_new("a program to run is required (ARGS or --process)");
  if (!r->cfg->process)
    return herr_new("container \"%s\" has no process in its config: use --process", o->id);
  r->x.p = *r->cfg->process;
  r->x.p.args = o->args;
  r->x.p.n_args = o->n_args;
  r->x.p.terminal = false;
  r->x.p.consoleSize = NULL;
  return NULL;
}

static void apply_options(struct exec_run *r)
{
  const struct exec_opts *o = r->o;
  struct oci_process *p = &r->x.p;
  if (o->cwd)
    p->cwd = (char *)o->cwd;
  if (o->tty)
    p->terminal = true;
  if (o->has_user) {
    p->user.uid = o->uid;
    p->user.gid = o->has_gid ? o->gid : 0;
  }
  if (o->no_new_privs)
    p->noNewPrivileges = true;
  if (o->apparmor)
    p->apparmorProfile = (char *)o->apparmor;
  if (o->process_label)
    p->selinuxLabel = (char *)o->process_label;
  merge_env(&r->x, p->env, p->n_env, o->env, o->n_env);
  add_caps(&r->x, o->caps, o->n_caps);
  add_gids(&r->x, o->additional_gids, o->n_additional_gids);
}

static herr build_process(struct exec_run *r)
{
  if (r->o->process_file && r->o->n_args)
    return herr_new("--process and ARGS cannot be used together");
  if (r->o->process_file)
    TRY(load_given_process(r));
  else
    TRY(process_from_args(r));
  apply_options(r);
  const struct oci_process *p = &r->x.p;
  TRY(oci_process_refuse_unsupported(p));
  TRY(process_validate(p));
  if (p->capabilities)
    TRY(capabilities_validate(p->capabilities));
  TRY(lsm_validate_process(p));
  TRY(cpu_affinity_validate(p->execCPUAffinity));
  if (p->terminal && r->o->detach && !r->o->console_socket)
    return herr_new("--tty with --detach needs --console-socket to hand the terminal to");
  if (!p->terminal && r->o->console_socket)
    return herr_new("--console-socket needs a terminal (--tty, or \"terminal\": true in --process)");
  return NULL;
}

/* ---- namespaces ---- */

/* setns() order: the user namespace grants the rights for the namespaces it
 * owns, so those come after it, and the ones it does not own (a time
 * namespace made by the runtime, a namespace joined by path) before it, while
 * we still have the host's rights; mount after the rest (it changes our
 * root); pid and time take effect for the children, i.e. for the process we
 * clone next. */
static const enum oci_ns_type join_order[] = {
  OCI_NS_USER, OCI_NS_IPC, OCI_NS_UTS, OCI_NS_NETWORK, OCI_NS_CGROUP, OCI_NS_MOUNT,
  OCI_NS_PID, OCI_NS_TIME,
};

static bool same_file(int a, int b)
{
  struct stat sa, sb;
  return fstat(a, &sa) == 0 && fstat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/* Open the namespaces of the container's process that differ from ours. */
static herr open_one_namespace(struct exec_run *r, enum oci_ns_type t)
{
  char path[64];
  snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)r->st->pid, ns_proc_name(t));
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0 && errno == ENOENT && t == OCI_NS_TIME)
    return NULL; /* a kernel without time namespaces */
  if (fd < 0)
    return herr_sys("open the container's %s namespace", oci_ns_type_name(t));
  snprintf(path, sizeof(path), "/proc/self/ns/%s", ns_proc_name(t));
  _cleanup_close_ int self = open(path, O_RDONLY | O_CLOEXEC);
  if (self >= 0 && same_file(fd, self)) {
    close(fd);
    return NULL;
  }
  r->ns_fd[t] = fd;
  return NULL;
}

/* A pidfd taken before the namespaces are opened and still alive after them
 * proves that they belong to the container's process, not to a process that
 * got its pid since. */
static bool process_is_gone(const struct exec_run *r)
{
  /* Without pidfds (before Linux 5.3, or under valgrind) the start time,
   * read again, tells the same. */
  if (r->pidfd < 0)
    return process_start_time((pid_t)r->st->pid) != r->st->pid_start_time;
  struct pollfd p = { .fd = r->pidfd, .events = POLLIN };
  return poll(&p, 1, 0) != 0;
}

/* Is namespace `fd` owned by the user namespace `userns`? */
static bool owned_by(int fd, int userns)
{
  _cleanup_close_ int owner = ioctl(fd, NS_GET_USERNS);
  return owner >= 0 && same_file(owner, userns);
}

static void order_namespaces(struct exec_run *r)
{
  int userns = r->ns_fd[OCI_NS_USER];
  for (int t = 0; t < OCI_NS_COUNT; t++)
    r->ns_early[t] = userns >= 0 && t != OCI_NS_USER && r->ns_fd[t] >= 0 && !owned_by(r->ns_fd[t], userns);
}

static herr open_namespaces(struct exec_run *r)
{
  pid_t pid = (pid_t)r->st->pid;
  r->pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
  bool no_pidfds = r->pidfd < 0 && errno == ENOSYS;
  if ((r->pidfd < 0 && !no_pidfds) || process_start_time(pid) != r->st->pid_start_time)
    return herr_new("container \"%s\" is stopped: cannot exec in a stopped container", r->o->id);
  for (size_t i = 0; i < ARRAY_LEN(join_order); i++)
    TRY(open_one_namespace(r, join_order[i]));
  if (process_is_gone(r))
    return herr_new("container \"%s\" stopped while exec joined it", r->o->id);
  order_namespaces(r);
  return NULL;
}

/* ---- the joiner (J) ---- */

/* Into the container's cgroup while we still see the host's cgroup file
 * systems, so that the process we clone is born in it (its limits count it
 * from the start, and kill --all and delete find it). */
static herr join_cgroup(struct exec_run *r)
{
  if (!r->cg)
    return NULL;
  if (r->cg_subs)
    TRY_WRAP(cgroup_add_pid_sub(r->cg, getpid(), r->cg_subs), "join the sub-cgroup (--cgroup)");
  else
    TRY_WRAP(cgroup_add_pid(r->cg, getpid()), "join the container's cgroup");
  return NULL;
}

/* linux.intelRdt: the container's resctrl group, like its cgroup. */
static herr join_rdt_group(struct exec_run *r)
{
  const struct oci_linux *lx = r->cfg->linux_;
  return intelrdt_join(lx ? lx->intelRdt : NULL, r->o->id, getpid());
}

static herr join_pass(struct exec_run *r, bool early)
{
  for (size_t i = 0; i < ARRAY_LEN(join_order); i++) {
    enum oci_ns_type t = join_order[i];
    if (r->ns_fd[t] < 0 || r->ns_early[t] != early)
      continue;
    if (setns(r->ns_fd[t], ns_clone_flag(t)) < 0)
      return herr_sys("join the container's %s namespace", oci_ns_type_name(t));
  }
  return NULL;
}

static herr join_namespaces(struct exec_run *r)
{
  TRY(join_pass(r, true));
  return join_pass(r, false);
}

__attribute__((noreturn)) static void process_main(struct exec_run *r);

/* The new process must be P's child, so that P can wait for it. */
static herr clone_process(struct exec_run *r, pid_t *pid)
{
  struct clone_args args = { .flags = CLONE_PARENT };
  *pid = (pid_t)syscall(SYS_clone3, &args, sizeof(args));
  /* No clone3 (a seccomp profile older than it, in a nested container). */
  if (*pid < 0 && errno == ENOSYS)
    *pid = (pid_t)syscall(SYS_clone, CLONE_PARENT, 0, 0, 0, 0);
  if (*pid < 0)
    return herr_sys("clone the process in the container");
  if (*pid == 0)
    process_main(r);
  return NULL;
}

static herr joiner_steps(struct exec_run *r)
{
  /* Until the execve nothing in the container may open /proc/<us>/exe. */
  if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
    return herr_sys("prctl(PR_SET_DUMPABLE)");
  if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
    return herr_sys("prctl(PR_SET_PDEATHSIG)");
  if (r->x.p.has_oomScoreAdj)
    TRY(process_set_oom_score_adj(&r->x.p));
  /* execCPUAffinity.initial before the cgroup, or every CPU it allows. */
  TRY(cpu_affinity_apply_initial(0, r->x.p.execCPUAffinity));
  TRY(join_cgroup(r));
  TRY(join_rdt_group(r));
  TRY(join_namespaces(r));
  pid_t pid;
  return clone_process(r, &pid);
}

__attribute__((noreturn)) static void joiner_main(struct exec_run *r)
{
  close(r->sync[0]);
  herr e = joiner_steps(r);
  if (e) {
    sync_send_error(r->sync[1], e);
    herr_free(e);
    _exit(1);
  }
  _exit(0);
}

/* ---- the process (X) ---- */

static herr setup_terminal(struct exec_run *r)
{
  if (!r->x.p.terminal)
    return NULL;
  _cleanup_close_ int master = -1;
  int slave;
  TRY(terminal_open_pty(r->x.p.consoleSize, r->x.p.user.uid, &master, &slave));
  herr e = sync_send_fd(r->sync[1], SYNC_PTY, master);
  /* P answers once the master is where it goes and has its size. */
  if (!e)
    e = sync_expect(r->sync[1], SYNC_PTY, NULL);
  if (e) {
    close(slave);
    return e;
  }
  return terminal_become_stdio(slave);
}

/* The container's filter, compiled here as create does, and its listener
 * connected while we see the runtime's filesystem. */
static herr prepare_seccomp(struct exec_run *r)
{
  TRY(seccomp_compile(r->cfg->linux_ ? r->cfg->linux_->seccomp : NULL, &r->seccomp));
  return seccomp_listener_connect(r->seccomp, &r->listener);
}

/* The listener is told our pid as the runtime sees it: P knows it. */
static herr learn_runtime_pid(struct exec_run *r)
{
  if (r->listener.fd < 0)
    return NULL;
  int pid;
  TRY(sync_expect(r->sync[1], SYNC_PID, &pid));
  r->listener.pid = pid;
  return NULL;
}

static herr install_seccomp(struct exec_run *r, bool privileged)
{
  _cleanup_free_ char *state = NULL;
  if (r->listener.fd >= 0)
    state = state_to_json(r->st, STATUS_RUNNING, false);
  return seccomp_install(r->seccomp, &r->listener, state, privileged);
}

/* As init.c set_scheduling: the container's memory policy and personality,
 * this process's I/O priority and scheduler. */
static herr set_scheduling(struct exec_run *r)
{
  const struct oci_linux *l = r->cfg->linux_;
  TRY(memory_policy_apply(l ? l->memoryPolicy : NULL));
  TRY(personality_apply(l ? l->personality : NULL));
  TRY(io_priority_apply(r->x.p.ioPriority));
  return scheduler_apply(r->x.p.scheduler);
}

/* The container's set-up order (init.c become_process), on a process that
 * joined rather than created the namespaces.  The seccomp filter comes last
 * (or just before the capabilities are dropped, when the process would not
 * be allowed to load it any more). */
static herr process_steps(struct exec_run *r, char **executable, struct trampoline *t)
{
  const struct oci_process *p = &r->x.p;
  if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
    return herr_sys("prctl(PR_SET_PDEATHSIG)");
  /* Our pid as P sees it: the kernel translates the credentials. */
  TRY(sync_send_pid_creds(r->sync[1]));
  TRY(learn_runtime_pid(r));
  /* The runtime's procfs (the host's pid namespace) must not be open when
   * the container's paths are resolved, nor reach the program. */
  procfs_close();
  TRY(setup_terminal(r));
  TRY(rlimits_apply(p->rlimits, p->n_rlimits));
  TRY(process_enter_cwd(p));
  TRY(process_find_executable(p, executable));
  TRY(trampoline_prepare(t));
  bool seccomp_early = seccomp_needs_privileged_load(r->seccomp, p);
  signals_reset_defaults(); /* before seccomp, which may filter rt_sigaction */
  TRY(set_scheduling(r));
  TRY(lsm_set_exec_labels(p));
  TRY(capabilities_apply_bounding(p->capabilities));
  TRY(process_switch_user(p));
  TRY(process_enter_cwd(p));
  TRY(fds_keep_only_stdio_and(r->o->preserve_fds));
  TRY(trampoline_pass_fd(r->sync[1]));
  TRY(cpu_affinity_apply_final(p->execCPUAffinity));
  if (seccomp_early)
    TRY(install_seccomp(r, true));
  TRY(capabilities_apply_sets(p->capabilities));
  TRY(process_set_no_new_privileges(p));
  if (!seccomp_early)
    TRY(install_seccomp(r, false));
  /* P may go away once we run (--detach); we must not die with it. */
  if (prctl(PR_SET_PDEATHSIG, 0) < 0)
    return herr_sys("prctl(PR_SET_PDEATHSIG)");
  return NULL;
}

__attribute__((noreturn)) static void process_main(struct exec_run *r)
{
  _cleanup_free_ char *executable = NULL;
  struct trampoline t = TRAMPOLINE_INIT;
  herr e = process_steps(r, &executable, &t);
  if (!e)
    e = process_exec(&r->x.p, executable, &t, r->sync[1], TRAMPOLINE_REPORT_SYNC);
  trampoline_close(&t);
  sync_send_error(r->sync[1], e);
  herr_free(e);
  _exit(127);
}

/* ---- hull exec (P) ---- */

static herr start_joiner(struct exec_run *r)
{
  TRY(sync_pair(r->sync));
  r->joiner = fork();
  if (r->joiner < 0)
    return herr_sys("fork");
  if (r->joiner == 0)
    joiner_main(r);
  close(r->sync[1]);
  r->sync[1] = -1;
  /* The process has the listener's connection now; the listener reads the
   * state up to EOF, so our copy must go. */
  bool tell_pid = r->listener.fd >= 0;
  seccomp_listener_close(&r->listener);
  int pid = 0;
  herr e = sync_expect(r->sync[0], SYNC_PID, &pid);
  while (waitpid(r->joiner, NULL, 0) < 0 && errno == EINTR)
    ;
  r->joiner = 0;
  if (e)
    return e;
  r->pid = pid;
  if (tell_pid)
    TRY(sync_send(r->sync[0], SYNC_PID, pid));
  return NULL;
}

/* The pty master: to the console socket, or kept for the relay. */
static herr take_terminal(struct exec_run *r)
{
  if (!r->x.p.terminal)
    return NULL;
  _cleanup_close_ int master = -1;
  TRY(sync_expect_fd(r->sync[0], SYNC_PTY, &master));
  if (r->o->console_socket) {
    TRY(terminal_send_to_socket(r->o->console_socket, master));
  } else {
    terminal_copy_window_size(master);
    r->master = steal_fd(&master);
  }
  return sync_send(r->sync[0], SYNC_PTY, 0);
}

/* The --debug lines name the steps as runc's do: tools grep for them. */
static herr launch(struct exec_run *r)
{
  TRY(start_joiner(r));
  log_debug("nsexec container setup: process %d joined the container's namespaces", (int)r->pid);
  log_debug("child process in init(): setting up process %d", (int)r->pid);
  TRY(take_terminal(r));
  log_debug("setns_init: about to exec");
  TRY(sync_expect_exec(r->sync[0]));
  if (r->o->pid_file)
    TRY(write_pid_file(r->o->pid_file, r->pid));
  return NULL;
}

static volatile sig_atomic_t forward_to;

static void forward_signal(int signo)
{
  if (forward_to > 0)
    kill((pid_t)forward_to, signo);
}

/* Signals to hull go to the process, as `run` does.  With a terminal,
 * SIGWINCH resizes the pty instead (terminal_relay). */
static void forward_signals(pid_t pid, bool tty)
{
  static const int forwarded[] = { SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2,
                                   SIGCONT, SIGALRM, SIGWINCH };
  forward_to = pid;
  struct sigaction sa = { .sa_handler = forward_signal, .sa_flags = SA_RESTART };
  sigemptyset(&sa.sa_mask);
  for (size_t i = 0; i < ARRAY_LEN(forwarded); i++)
    if (!(tty && forwarded[i] == SIGWINCH))
      sigaction(forwarded[i], &sa, NULL);
}

static herr wait_process(pid_t pid, int *exit_status)
{
  int status;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR)
      return herr_sys("wait for the process");
  }
  *exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return NULL;
}

static herr wait_foreground(struct exec_run *r, int *exit_status)
{
  forward_signals(r->pid, r->master >= 0);
  pid_t pid = r->pid;
  r->pid = 0; /* waited for from here on, whatever happens */
  if (r->master >= 0)
    return terminal_relay(r->master, pid, exit_status);
  return wait_process(pid, exit_status);
}

static void exec_release(struct exec_run *r)
{
  if (r->pid > 0) {
    /* It failed before its execve: it has exited or is killed now. */
    kill(r->pid, SIGKILL);
    while (waitpid(r->pid, NULL, 0) < 0 && errno == EINTR)
      ;
  }
  for (int i = 0; i < 2; i++)
    if (r->sync[i] >= 0)
      close(r->sync[i]);
  for (int t = 0; t < OCI_NS_COUNT; t++)
    if (r->ns_fd[t] >= 0)
      close(r->ns_fd[t]);
  if (r->pidfd >= 0)
    close(r->pidfd);
  if (r->master >= 0)
    close(r->master);
  if (r->dirfd >= 0)
    close(r->dirfd);
  if (r->rootfd >= 0)
    close(r->rootfd);
  for (size_t i = 0; i < ARRAY_LEN(r->x.cap_lists); i++)
    free(r->x.cap_lists[i]);
  free(r->x.env);
  free(r->x.gids);
  oci_process_free(r->given);
  seccomp_listener_close(&r->listener);
  seccomp_program_free(r->seccomp);
  oci_config_free(r->cfg);
  if (r->cg)
    cgroup_sub_free(r->cg_subs, r->cg->n);
  cgroup_free(r->cg);
  container_state_free(r->st);
}

static herr exec_steps(struct exec_run *r, int *exit_status)
{
  /* A container without a pid namespace of its own sees us too. */
  if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
    return herr_sys("prctl(PR_SET_DUMPABLE)");
  TRY(reserve_preserved_fds(r->o->preserve_fds));
  TRY(open_state(r));
  TRY(check_status(r));
  TRY(open_cgroup(r));
  TRY(parse_sub_cgroups(r));
  TRY(check_paused(r));
  TRY(load_config(r));
  TRY(build_process(r));
  TRY(prepare_seccomp(r));
  TRY(open_namespaces(r));
  TRY(launch(r));
  if (r->o->detach) {
    r->pid = 0; /* it runs on its own now */
    return NULL;
  }
  return wait_foreground(r, exit_status);
}

herr container_exec(const struct exec_opts *o, int *exit_status)
{
  struct exec_run r = { .o = o, .rootfd = -1, .dirfd = -1, .pidfd = -1,
                        .sync = { -1, -1 }, .master = -1, .listener = SECCOMP_LISTENER_INIT };
  for (int t = 0; t < OCI_NS_COUNT; t++)
    r.ns_fd[t] = -1;
  *exit_status = 0;
  herr e = exec_steps(&r, exit_status);
  exec_release(&r);
  return e;
}
