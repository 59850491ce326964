/* spawn.c - the runtime's side of `create`.  See spawn.h and sync.h. */
#include "spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "capabilities.h"
#include "cgroup.h"
#include "cpu_affinity.h"
#include "cleanup.h"
#include "fault.h"
#include "hooks.h"
#include "idmap.h"
#include "intelrdt.h"
#include "init.h"
#include "log.h"
#include "lsm.h"
#include "memory_policy.h"
#include "mounts.h"
#include "namespaces.h"
#include "netdevices.h"
#include "process.h"
#include "seccomp.h"
#include "state.h"
#include "sync.h"
#include "sysctl.h"
#include "terminal.h"
#include "utils.h"
#include "uts.h"

/* Everything a create holds, so that one function can undo it. */
struct spawn {
  const struct create_opts *o;
  char *bundle;
  char *rootfs;
  char *config_text;
  size_t config_len;
  struct oci_config *cfg;
  struct ns_plan plan;
  int rootfd;     /* --root */
  int dirfd;      /* --root/ID, locked */
  int sync[2];
  pid_t pid;      /* the container process */
  pid_t direct;   /* our direct child (differs after a second fork) */
  int pty;        /* the pty master for a foreground run, -1 if none */
  struct seccomp_program *seccomp; /* linux.seccomp, compiled */
  struct cgroup *cg;              /* the container's cgroup */
  int *idmapped;                  /* the idmapped mount trees (idmap.h), or NULL */
  bool born_in_cgroup;            /* clone3 put it there (CLONE_INTO_CGROUP) */
};

static herr load_bundle(struct spawn *s)
{
  const char *bundle = s->o->bundle ? s->o->bundle : ".";
  TRY_WRAP(real_path(bundle, &s->bundle), "bundle");
  _cleanup_free_ char *config = path_join(s->bundle, "config.json");
  if (s->o->config_json) {
    s->config_text = xstrdup(s->o->config_json);
    s->config_len = strlen(s->config_text);
  } else {
    TRY_WRAP(read_file(config, &s->config_text, &s->config_len), "bundle %s", s->bundle);
  }
  TRY_WRAP(oci_config_parse(s->config_text, s->config_len, &s->cfg), "%s", config);
  if (!s->cfg->root || !s->cfg->root->path)
    return herr_new("%s: root.path: required", config);
  const char *root = s->cfg->root->path;
  _cleanup_free_ char *joined = root[0] == '/' ? xstrdup(root) : path_join(s->bundle, root);
  TRY_WRAP(real_path(joined, &s->rootfs), "root.path: rootfs");
  struct stat st;
  if (stat(s->rootfs, &st) < 0 || !S_ISDIR(st.st_mode))
    return herr_new("root.path: rootfs %s is not a directory", s->rootfs);
  return NULL;
}

/* A pty's master must go somewhere: to --console-socket, or to a foreground
 * `run` that relays it (runc refuses the same cases). */
static herr validate_terminal(struct spawn *s)
{
  bool terminal = s->cfg->process && s->cfg->process->terminal;
  if (terminal && !s->o->console_socket && !s->o->pty_master)
    return herr_new("process.terminal: a terminal needs --console-socket to send the pty master to "
                    "(or a foreground `run`)");
  if (!terminal && s->o->console_socket)
    return herr_new("--console-socket: process.terminal is false, there is no pty to send");
  return NULL;
}

/* Refuse what cannot work before anything is made (runtime.md "Create": an
 * error must leave the host as if nothing was attempted). */
static herr validate_config(struct spawn *s)
{
  const struct oci_config *cfg = s->cfg;
  TRY(oci_config_refuse_unsupported(cfg));
  TRY(ns_plan_prepare(cfg, &s->plan));
  TRY(uts_validate(cfg, s->plan.has[OCI_NS_UTS]));
  TRY(sysctl_validate(cfg->linux_, s->plan.has));
  TRY(mounts_validate(cfg, s->plan.new_user));
  TRY(netdevices_validate(cfg->linux_, &s->plan));
  TRY(intelrdt_validate(cfg->linux_ ? cfg->linux_->intelRdt : NULL));
  TRY(lsm_validate(cfg));
  /* Not a check, but it belongs before anything is made: SELinux's
   * context= option on the mounts that take linux.mountLabel. */
  TRY(lsm_label_mounts(s->cfg));
  /* Compiling is the check: libseccomp refuses what it cannot express. */
  TRY(seccomp_compile(cfg->linux_ ? cfg->linux_->seccomp : NULL, &s->seccomp));
  TRY(validate_terminal(s));
  TRY(memory_policy_validate(cfg->linux_ ? cfg->linux_->memoryPolicy : NULL));
  if (cfg->process)
    TRY(cpu_affinity_validate(cfg->process->execCPUAffinity));
  /* Where the cgroup goes, and whether this host has what linux.resources asks. */
  TRY(cgroup_prepare(s->o->id, s->o->root, cfg->linux_, s->o->systemd_cgroup, &s->cg));
  if (!cfg->process)
    return NULL;
  TRY(process_validate(cfg->process));
  if (cfg->process->capabilities)
    TRY(capabilities_validate(cfg->process->capabilities));
  return NULL;
}

static herr make_state_dir(struct spawn *s)
{
  TRY(state_root_open(s->o->root, &s->rootfd));
  TRY(state_dir_create(s->rootfd, s->o->id, &s->dirfd));
  fault_point("state-dir");
  TRY(write_file_atomic_at(s->dirfd, STATE_CONFIG_FILE, s->config_text, s->config_len, 0600));
  if (mkfifoat(s->dirfd, STATE_START_FIFO, 0600) < 0)
    return herr_sys("mkfifo %s", STATE_START_FIFO);
  if (mkfifoat(s->dirfd, STATE_EXEC_FIFO, 0600) < 0)
    return herr_sys("mkfifo %s", STATE_EXEC_FIFO);
  return NULL;
}

static herr apply_resources(struct spawn *s, enum cgroup_apply_part part)
{
  const struct oci_linux *lx = s->cfg->linux_;
  struct cgroup_apply a = {
    .r = lx ? lx->resources : NULL,
    .part = part,
  };
  return cgroup_apply(s->cg, &a);
}

static herr make_cgroup_dirs(struct spawn *s)
{
  TRY(cgroup_create(s->cg));
  return apply_resources(s, cgroup_devices_can_follow(s->cg) ? CG_APPLY_ALL_BUT_DEVICES : CG_APPLY_ALL);
}

/* The cgroup with linux.resources applied, before the process exists; the
 * device rules too, unless they can follow (apply_device_rules).  A systemd
 * scope cannot be started empty: it is made in place_in_cgroup. */
static herr make_cgroup(struct spawn *s)
{
  return cgroup_is_systemd(s->cg) ? NULL : make_cgroup_dirs(s);
}

/* The systemd driver: the scope with the process in it, then hull's part as
 * with cgroupfs (the hierarchies systemd leaves alone, and every field of
 * linux.resources written, which covers what systemd has no property for). */
static herr enter_systemd_scope(struct spawn *s)
{
  const struct oci_linux *lx = s->cfg->linux_;
  TRY(cgroup_systemd_start(s->cg, s->o->id, lx ? lx->resources : NULL, s->pid));
  TRY(make_cgroup_dirs(s));
  return cgroup_add_pid(s->cg, s->pid);
}

/* On v2, the eBPF device filter is loaded and attached while the container
 * process sets itself up, rather than before it exists: the runtime waits for
 * it anyway, and the filter is in place long before any user code (runc, too,
 * sets the device rules once the process has made its /dev). */
static herr apply_device_rules(struct spawn *s)
{
  if (!cgroup_devices_can_follow(s->cg))
    return NULL;
  herr e = apply_resources(s, CG_APPLY_DEVICES);
  if (e)
    sync_send_error(s->sync[0], e);
  return e;
}

/* cgroup_fd >= 0 (a cgroup v2 only host): born in its cgroup. */
static pid_t clone_into_namespaces(int flags, int cgroup_fd, bool *into_cgroup)
{
  struct clone_args args = { .flags = (uint64_t)flags, .exit_signal = SIGCHLD };
  *into_cgroup = false;
  if (cgroup_fd >= 0) {
    args.flags |= CLONE_INTO_CGROUP;
    args.cgroup = (uint64_t)cgroup_fd;
    pid_t pid = (pid_t)syscall(SYS_clone3, &args, sizeof(args));
    *into_cgroup = pid >= 0;
    if (pid >= 0)
      return pid;
    /* An older kernel: place it after the clone like on v1 (guide_setup). */
    args.flags &= ~(uint64_t)CLONE_INTO_CGROUP;
    args.cgroup = 0;
  }
  pid_t pid = (pid_t)syscall(SYS_clone3, &args, sizeof(args));
  /* No clone3 before Linux 5.3, and seccomp profiles that predate it (Docker's
   * default) or valgrind answer ENOSYS: clone() without a new stack is a fork. */
  if (pid < 0 && errno == ENOSYS)
    pid = (pid_t)syscall(SYS_clone, (unsigned long)flags | SIGCHLD, NULL, NULL, NULL, 0UL);
  return pid;
}

static herr clone_container(struct spawn *s)
{
  TRY(sync_pair(s->sync));
  TRY(ns_parent_before_clone(&s->plan, s->cfg->linux_));
  _cleanup_close_ int cgroup_fd = cgroup_clone_fd(s->cg);
  pid_t pid = clone_into_namespaces(s->plan.clone_flags, cgroup_fd, &s->born_in_cgroup);
  if (pid == 0) {
    close(s->sync[0]);
    struct init_ctx ctx = {
      .cfg = s->cfg, .id = s->o->id, .bundle = s->bundle, .rootfs = s->rootfs,
      .plan = &s->plan, .sync_fd = s->sync[1], .state_dirfd = s->dirfd,
      .no_pivot = s->o->no_pivot, .no_new_keyring = s->o->no_new_keyring,
      .preserve_fds = s->o->preserve_fds, .die_with_parent = s->o->die_with_parent,
      .seccomp = s->seccomp, .idmapped = s->idmapped,
    };
    init_main(&ctx);
  }
  herr e = pid < 0 ? herr_sys("clone the container process") : NULL;
  herr back = ns_parent_after_clone(&s->plan);
  if (e) {
    herr_free(back);
    return e;
  }
  close(s->sync[1]);
  s->sync[1] = -1;
  s->pid = s->direct = pid;
  /* The --debug lines name the steps as runc's do: tools grep for them. */
  log_debug("nsexec container setup: process %d cloned into its namespaces", (int)pid);
  return back;
}

static herr wait_second_fork(struct spawn *s)
{
  if (!s->plan.needs_second_fork)
    return NULL;
  int pid;
  herr e = sync_expect(s->sync[0], SYNC_PID, &pid);
  int status;
  while (waitpid(s->direct, &status, 0) < 0 && errno == EINTR)
    ;
  s->direct = 0;
  if (e)
    return e;
  s->pid = pid;
  return NULL;
}

static void fill_state(struct spawn *s, struct container_state *st)
{
  memset(st, 0, sizeof(*st));
  st->ociVersion = s->cfg->ociVersion;
  st->id = (char *)s->o->id;
  st->bundle = s->bundle;
  st->pid = s->pid;
  st->rootfs = s->rootfs;
  st->annotations = s->cfg->annotations;
  st->n_annotations = s->cfg->n_annotations;
}

static herr run_runtime_hooks(struct spawn *s)
{
  const struct oci_hooks *h = s->cfg->hooks;
  if (!h || (!h->n_prestart && !h->n_createRuntime))
    return NULL;
  TRY(sync_expect(s->sync[0], SYNC_RUN_HOOKS, NULL));
  struct container_state st;
  fill_state(s, &st);
  _cleanup_free_ char *json = state_to_json(&st, STATUS_CREATING, false);
  TRY(hooks_run("prestart", h->prestart, h->n_prestart, json));
  TRY(hooks_run("createRuntime", h->createRuntime, h->n_createRuntime, json));
  return sync_send(s->sync[0], SYNC_HOOKS_DONE, 0);
}

/* process.terminal: the container process made the pty; its master goes to
 * the console socket now (conmon waits for it before create returns), or is
 * kept for a foreground run. */
static herr receive_terminal(struct spawn *s)
{
  if (!s->cfg->process || !s->cfg->process->terminal)
    return NULL;
  _cleanup_close_ int master = -1;
  TRY(sync_expect_fd(s->sync[0], SYNC_PTY, &master));
  if (s->o->console_socket)
    return terminal_send_to_socket(s->o->console_socket, master);
  s->pty = steal_fd(&master);
  return NULL;
}

/* Into its cgroup, before it does anything; unless clone3 put it there (on a
 * v2-only host): writing cgroup.procs again would cost an RCU grace period
 * (the kernel write-locks cgroup_threadgroup_rwsem) for nothing.  Its CPU
 * affinity first: execCPUAffinity.initial, or every CPU the cgroup allows
 * rather than hull's own (cpu_affinity.h). */
static herr place_in_cgroup(struct spawn *s)
{
  const struct oci_process *p = s->cfg->process;
  herr e = cpu_affinity_apply_initial(s->pid, p ? p->execCPUAffinity : NULL);
  if (!e && !s->born_in_cgroup)
    e = cgroup_is_systemd(s->cg) ? enter_systemd_scope(s) : cgroup_add_pid(s->cg, s->pid);
  if (e) {
    sync_send_error(s->sync[0], e);
    return e;
  }
  return sync_send(s->sync[0], SYNC_CGROUP_READY, 0);
}

/* linux.netDevices, while the child waits for its cgroup: in place before it
 * applies the sysctls, which may name them. */
static herr move_net_devices(struct spawn *s)
{
  herr e = netdevices_move(s->cfg->linux_, &s->plan, s->pid);
  if (e)
    sync_send_error(s->sync[0], e);
  return e;
}

/* linux.intelRdt: its resctrl group, before the process runs anything. */
static herr enter_rdt_group(struct spawn *s)
{
  const struct oci_linux *lx = s->cfg->linux_;
  herr e = intelrdt_apply(lx ? lx->intelRdt : NULL, s->o->id, s->pid);
  if (e)
    sync_send_error(s->sync[0], e);
  return e;
}

/* The parent's half of the protocol in sync.h. */
static herr guide_setup(struct spawn *s)
{
  TRY(move_net_devices(s));
  TRY(enter_rdt_group(s));
  TRY(place_in_cgroup(s));
  log_debug("child process in init(): process %d sets up the container", (int)s->pid);
  if (s->plan.new_user) {
    herr e = ns_write_id_maps(s->pid, s->cfg->linux_);
    if (e) {
      sync_send_error(s->sync[0], e);
      return e;
    }
    TRY(sync_send(s->sync[0], SYNC_ID_MAPPED, 0));
  }
  TRY(apply_device_rules(s));
  TRY(wait_second_fork(s));
  herr e = run_runtime_hooks(s);
  if (e) {
    sync_send_error(s->sync[0], e);
    return e;
  }
  TRY(receive_terminal(s));
  TRY(sync_expect(s->sync[0], SYNC_READY, NULL));
  log_debug("init: closing the pipe to signal completion: the container is set up");
  return NULL;
}

herr write_pid_file(const char *path, pid_t pid)
{
  char buf[32];
  int n = snprintf(buf, sizeof(buf), "%d", (int)pid);
  _cleanup_free_ char *dir = xstrdup(path);
  char *slash = strrchr(dir, '/');
  const char *name = slash ? slash + 1 : dir;
  if (slash)
    *slash = '\0';
  _cleanup_close_ int dfd = open(slash ? (*dir ? dir : "/") : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0)
    return herr_sys("--pid-file %s", path);
  TRY_WRAP(write_file_atomic_at(dfd, name, buf, (size_t)n, 0644), "--pid-file %s", path);
  return NULL;
}

static herr record_created(struct spawn *s)
{
  struct container_state st;
  fill_state(s, &st);
  st.pid_start_time = process_start_time(s->pid);
  _cleanup_free_ char *now = state_now_rfc3339();
  st.created = now;
  st.owner = geteuid() == 0 ? "root" : NULL;
  st.cgroups = cgroup_records(s->cg, &st.n_cgroups);
  st.systemd_unit = s->cg->systemd_unit;
  herr e = state_write(s->dirfd, &st);
  cgroup_records_free(st.cgroups, st.n_cgroups);
  TRY(e);
  TRY(state_write_pid_record(s->dirfd, s->pid, st.pid_start_time));
  if (s->o->pid_file)
    TRY(write_pid_file(s->o->pid_file, s->pid));
  return NULL;
}

/* kill_and_wait without pidfds (before Linux 5.3, or under valgrind): poll
 * until the process is gone or a zombie, for at most 10 s like the pidfd. */
static herr kill_and_poll(pid_t pid, unsigned long long start_time)
{
  if (start_time && process_start_time(pid) != start_time)
    return NULL;
  if (kill(pid, SIGKILL) < 0)
    return errno == ESRCH ? NULL : herr_sys("kill %d", (int)pid);
  for (int ms = 0; ms < 10000 && process_alive(pid); ms++) {
    waitpid(pid, NULL, WNOHANG);
    usleep(1000);
  }
  waitpid(pid, NULL, WNOHANG);
  return NULL;
}

herr kill_and_wait(pid_t pid, unsigned long long start_time)
{
  _cleanup_close_ int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
  if (pidfd < 0 && errno == ENOSYS)
    return kill_and_poll(pid, start_time);
  if (pidfd < 0)
    return errno == ESRCH ? NULL : herr_sys("pidfd_open %d", (int)pid);
  /* The pid may have been reused since it was recorded. */
  if (start_time && process_start_time(pid) != start_time)
    return NULL;
  if (syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0) < 0 && errno != ESRCH)
    return herr_sys("kill %d", (int)pid);
  struct pollfd p = { .fd = pidfd, .events = POLLIN };
  while (poll(&p, 1, 10000) < 0 && errno == EINTR)
    ;
  /* Reap it if it is ours; otherwise its parent does. */
  waitpid(pid, NULL, WNOHANG);
  return NULL;
}

/* runtime.md "Lifecycle": a create that fails after the container process
 * exists goes on at step 12, so the poststop hooks run (as warnings). */
static void run_poststop_after_failure(struct spawn *s)
{
  const struct oci_hooks *h = s->cfg ? s->cfg->hooks : NULL;
  if (!h || !h->n_poststop)
    return;
  struct container_state st;
  fill_state(s, &st);
  _cleanup_free_ char *json = state_to_json(&st, STATUS_STOPPED, false);
  hooks_run_warn("poststop", h->poststop, h->n_poststop, json);
}

/* Undo a failed create: the process (and with it its mount namespace) and the
 * state directory. */
static void undo_create(struct spawn *s)
{
  bool cloned = s->pid > 0;
  if (s->direct > 0) {
    kill(s->direct, SIGKILL);
    waitpid(s->direct, NULL, 0);
  }
  if (s->pid > 0 && s->pid != s->direct)
    herr_free(kill_and_wait(s->pid, 0));
  if (cloned)
    run_poststop_after_failure(s);
  /* The cgroup is named after the id: only ours once we hold the id (a
   * create that lost the id to another must not remove the winner's). */
  if (s->dirfd >= 0)
    herr_free(cgroup_destroy(s->cg));
  if (s->dirfd >= 0 && s->cfg && s->cfg->linux_)
    herr_free(intelrdt_remove(s->cfg->linux_->intelRdt, s->o->id));
  if (s->dirfd >= 0)
    herr_free(state_dir_remove(s->rootfd, s->o->id));
}

static void spawn_release(struct spawn *s)
{
  free(s->bundle);
  free(s->rootfs);
  free(s->config_text);
  idmap_close_mounts(s->idmapped, s->cfg ? s->cfg->n_mounts : 0);
  oci_config_free(s->cfg);
  seccomp_program_free(s->seccomp);
  cgroup_free(s->cg);
  ns_plan_release(&s->plan);
  if (s->pty >= 0)
    close(s->pty);
  for (int i = 0; i < 2; i++)
    if (s->sync[i] >= 0)
      close(s->sync[i]);
  if (s->dirfd >= 0)
    close(s->dirfd);
  if (s->rootfd >= 0)
    close(s->rootfd);
}

static herr spawn_steps(struct spawn *s)
{
  TRY(state_validate_id(s->o->id));
  TRY(reserve_preserved_fds(s->o->preserve_fds));
  TRY(load_bundle(s));
  TRY(validate_config(s));
  TRY(make_state_dir(s));
  TRY(make_cgroup(s));
  TRY(idmap_prepare_mounts(s->cfg, s->bundle, &s->idmapped));
  fault_point("fifos");
  TRY(clone_container(s));
  fault_point("cloned");
  TRY(guide_setup(s));
  fault_point("ready");
  TRY(record_created(s));
  fault_point("recorded");
  /* Only now may the container process outlive us (sync.h). */
  TRY(sync_send(s->sync[0], SYNC_RECORDED, 0));
  return sync_expect(s->sync[0], SYNC_DETACHED, NULL);
}

herr spawn_container(const struct create_opts *o, pid_t *pid)
{
  struct spawn s = { .o = o, .rootfd = -1, .dirfd = -1, .sync = { -1, -1 }, .pty = -1 };
  for (int i = 0; i < OCI_NS_COUNT; i++)
    s.plan.join_fd[i] = -1;
  s.plan.saved_pid_fd = s.plan.saved_time_fd = -1;
  herr e = spawn_steps(&s);
  if (e)
    undo_create(&s);
  else
    *pid = s.pid;
  if (!e && o->pty_master)
    *o->pty_master = steal_fd(&s.pty);
  spawn_release(&s);
  return e;
}
