/* init.c - the container set-up sequence.
 *
 * container_setup() is the whole story, top to bottom, one step per concern in
 * the order the spec implies (runtime.md "Lifecycle", config.md "Hooks").  It
 * runs in the cloned process, inside the new namespaces.  Until SYNC_READY an
 * error goes back to `create` over the sync socket; after `start` released us,
 * it goes to `start` through exec.fifo.
 */
#include "init.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/keyctl.h>

#include "capabilities.h"
#include "cleanup.h"
#include "cpu_affinity.h"
#include "fault.h"
#include "devices.h"
#include "hooks.h"
#include "inroot.h"
#include "io_priority.h"
#include "landlock.h"
#include "log.h"
#include "lsm.h"
#include "masked_paths.h"
#include "memory_policy.h"
#include "mounts.h"
#include "personality.h"
#include "process.h"
#include "procfs.h"
#include "rlimits.h"
#include "rootfs.h"
#include "scheduler.h"
#include "seccomp.h"
#include "signals.h"
#include "state.h"
#include "sync.h"
#include "sysctl.h"
#include "terminal.h"
#include "utils.h"
#include "uts.h"

/* What the set-up opens along the way and the later steps use. */
struct init_run {
  struct init_ctx *ctx;
  int rootfs_dir;      /* O_PATH fd of the rootfs directory (before the bind) */
  int rootfd;          /* O_PATH fd of the rootfs mount */
  int start_fifo;      /* read: `start` writes one byte */
  int exec_fifo;       /* held open until execve: EOF tells `start` it worked */
  char *executable;    /* args[0] resolved in the container */
  struct trampoline trampoline; /* what execs it (trampoline.h) */
  struct seccomp_listener listener; /* linux.seccomp.listenerPath, for SCMP_ACT_NOTIFY */
  uint64_t landlock_scoped;  /* the Landlock scopes asked for (landlock.h) */
};

/* Nothing runs before the parent has put us in the container's cgroup, and
 * the cgroup namespace (in plan->unshare_flags) is made after, by
 * join_namespaces(), so that its root is that cgroup. */
static herr wait_for_cgroup(struct init_run *r)
{
  return sync_expect(r->ctx->sync_fd, SYNC_CGROUP_READY, NULL);
}

/* A rootless runtime could not clone us non-dumpable, since it writes our
 * uid_map: wait for that first. */
static herr wait_for_id_maps(struct init_run *r)
{
  if (r->ctx->plan->new_user)
    TRY(sync_expect(r->ctx->sync_fd, SYNC_ID_MAPPED, NULL));
  return NULL;
}

/* While we may still be dumpable: a non-dumpable process's /proc/self files
 * belong to the host's root, which a rootless runtime cannot write.  Before
 * join_namespaces(), so that it is our own /proc/self even when the config
 * joins another mount namespace, and before become_root(). */
static herr set_oom_score_adj(struct init_run *r)
{
  const struct oci_process *p = r->ctx->cfg->process;
  return p ? process_set_oom_score_adj(p) : NULL;
}

/* Then non-dumpable until execve: no other process (say, one that joined our
 * pid namespace) may open our /proc/PID/exe, root, cwd, fd/, environ or mem.
 * A root runtime already cloned us so (ns_parent_before_clone). */
static herr become_non_dumpable(void)
{
  if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
    return herr_sys("prctl(PR_SET_DUMPABLE)");
  return NULL;
}

/* A pid namespace created after joining a user namespace holds only the
 * caller's children: fork once more and let the child go on as the container
 * process, reporting its pid in the runtime's terms. */
static herr second_fork_if_needed(struct init_run *r)
{
  if (!r->ctx->plan->needs_second_fork)
    return NULL;
  /* CLONE_PARENT: the runtime's child, not ours, so that our exit right
   * after does not fire the PR_SET_PDEATHSIG the child sets (a race). */
  pid_t pid = (pid_t)syscall(SYS_clone, CLONE_PARENT | SIGCHLD, NULL, NULL, NULL, 0UL);
  if (pid < 0)
    return herr_sys("fork the container process");
  if (pid > 0)
    _exit(0);
  if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
    return herr_sys("prctl(PR_SET_PDEATHSIG)");
  return sync_send_pid_creds(r->ctx->sync_fd);
}

static herr join_namespaces(struct init_run *r)
{
  TRY(ns_join_and_unshare(r->ctx->plan));
  return second_fork_if_needed(r);
}

/* Inside a new user namespace we keep the runtime's host ids (shown as the
 * overflow id) only to open the host paths we need (open_host_paths); then we
 * become the mapped root, so that what we create in the container's
 * filesystems has an owner the namespace can represent. */
static herr become_root(struct init_run *r)
{
  if (!r->ctx->plan->has[OCI_NS_USER])
    return NULL;
  /* A namespace that maps only the caller's own ids to themselves (hull
   * sandbox) has no root: we keep those ids, and the capabilities we have in
   * the namespace anyway as its creator's first process. */
  if (setresgid(0, 0, 0) < 0 && !(errno == EINVAL && getgid() != (gid_t)-1 && getgid() != 65534))
    return herr_sys("setresgid(0) in the user namespace (is gid 0 mapped?)");
  if (setresuid(0, 0, 0) < 0 && !(errno == EINVAL && getuid() != 65534))
    return herr_sys("setresuid(0) in the user namespace (is uid 0 mapped?)");
  return NULL;
}

static herr join_session_keyring(struct init_run *r)
{
  if (r->ctx->no_new_keyring)
    return NULL;
  if (syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, r->ctx->id) < 0 && errno != ENOSYS)
    return herr_sys("create the session keyring");
  return NULL;
}

/* What set-up needs from the host's paths is opened with the runtime's ids,
 * before become_root(): the start FIFOs (O_RDWR so that neither open blocks;
 * exec.fifo closes on execve) and the rootfs directory. */
static herr open_host_paths(struct init_run *r)
{
  TRY(rootfs_open_dir(r->ctx->rootfs, &r->rootfs_dir));
  r->start_fifo = openat(r->ctx->state_dirfd, STATE_START_FIFO, O_RDWR | O_CLOEXEC);
  if (r->start_fifo < 0)
    return herr_sys("open %s", STATE_START_FIFO);
  r->exec_fifo = openat(r->ctx->state_dirfd, STATE_EXEC_FIFO, O_RDWR | O_CLOEXEC);
  if (r->exec_fifo < 0)
    return herr_sys("open %s", STATE_EXEC_FIFO);
  close(r->ctx->state_dirfd);
  r->ctx->state_dirfd = -1;
  return NULL;
}

/* listenerPath is a path of the runtime's filesystem: connect while we still
 * see it, with the runtime's ids (before become_root). */
static herr connect_seccomp_listener(struct init_run *r)
{
  return seccomp_listener_connect(r->ctx->seccomp, &r->listener);
}

static bool dev_is_bind_mount(const struct oci_config *cfg)
{
  for (size_t i = 0; i < cfg->n_mounts; i++) {
    const struct oci_mount *m = &cfg->mounts[i];
    if (!m->destination || strcmp(m->destination, "/dev"))
      continue;
    if (m->type && !strcmp(m->type, "bind"))
      return true;
    for (size_t j = 0; j < m->n_options; j++)
      if (!strcmp(m->options[j], "bind") || !strcmp(m->options[j], "rbind"))
        return true;
  }
  return false;
}

static herr mount_rootfs(struct init_run *r)
{
  const struct oci_config *cfg = r->ctx->cfg;
  struct mount_env env = { .in_userns = r->ctx->plan->has[OCI_NS_USER],
                           .own_cgroupns = r->ctx->plan->has[OCI_NS_CGROUP] };
  TRY(rootfs_prepare(cfg, r->rootfs_dir, &r->rootfd));
  close(r->rootfs_dir);
  r->rootfs_dir = -1;
  env.idmapped = r->ctx->idmapped;
  TRY(mounts_apply(cfg, r->rootfd, env));
  TRY(devices_create(cfg->linux_, r->rootfd, env.in_userns, dev_is_bind_mount(cfg)));
  if (cfg->process && cfg->process->cwd) {
    _cleanup_close_ int cwd = -1;
    TRY_WRAP(inroot_create(r->rootfd, cfg->process->cwd, INROOT_DIR, &cwd), "process.cwd");
  }
  return NULL;
}

static herr configure_kernel(struct init_run *r)
{
  const struct oci_config *cfg = r->ctx->cfg;
  TRY(uts_apply(cfg));
  TRY(sysctl_apply(cfg->linux_));
  return NULL;
}

static char *hook_state_json(struct init_run *r, enum container_status status)
{
  struct container_state st = {
    .id = (char *)r->ctx->id,
    .bundle = (char *)r->ctx->bundle,
    .pid = getpid(),
    .annotations = r->ctx->cfg->annotations,
    .n_annotations = r->ctx->cfg->n_annotations,
  };
  return state_to_json(&st, status, false);
}

/* prestart and createRuntime run in the runtime; createContainer here. */
static herr run_create_hooks(struct init_run *r)
{
  const struct oci_hooks *h = r->ctx->cfg->hooks;
  if (!h)
    return NULL;
  if (h->n_prestart || h->n_createRuntime) {
    TRY(sync_send(r->ctx->sync_fd, SYNC_RUN_HOOKS, 0));
    TRY(sync_expect(r->ctx->sync_fd, SYNC_HOOKS_DONE, NULL));
  }
  if (!h->n_createContainer)
    return NULL;
  /* In the rootfs, as runc runs them: hooks use paths like ./lib. */
  if (fchdir(r->rootfd) < 0)
    return herr_sys("createContainer hooks: chdir into the rootfs");
  _cleanup_free_ char *state = hook_state_json(r, STATUS_CREATING);
  return hooks_run("createContainer", h->createContainer, h->n_createContainer, state);
}

static herr protect_paths(struct init_run *r)
{
  TRY(masked_paths_apply(r->ctx->cfg->linux_, r->rootfd));
  TRY(readonly_paths_apply(r->ctx->cfg->linux_, r->rootfd));
  return NULL;
}

static herr enter_rootfs(struct init_run *r)
{
  TRY(rootfs_enter(r->ctx->cfg, r->rootfd, r->ctx->no_pivot));
  close(r->rootfd);
  r->rootfd = -1;
  return NULL;
}

/* process.terminal: a pty of the container's own devpts (/dev/ptmx resolves
 * in the container's root now), bound over /dev/console while / may still be
 * written; the slave becomes our stdio, the master goes to the runtime, which
 * hands it to --console-socket before `create` returns. */
static herr setup_terminal(struct init_run *r)
{
  const struct oci_process *p = r->ctx->cfg->process;
  if (!p || !p->terminal)
    return NULL;
  _cleanup_close_ int master = -1;
  int slave;
  TRY(terminal_open_pty(p->consoleSize, p->user.uid, &master, &slave));
  herr e = terminal_mount_console(slave);
  if (!e)
    e = sync_send_fd(r->ctx->sync_fd, SYNC_PTY, master);
  if (e) {
    close(slave);
    return e;
  }
  return terminal_become_stdio(slave);
}

/* Out of the caller's session, as runc's init does: a process that shares
 * the caller's controlling terminal could push input into it (TIOCSTI) that
 * the caller's shell reads once we are gone.  With process.terminal,
 * setup_terminal() made a session of its own already. */
static herr leave_caller_session(struct init_run *r)
{
  const struct oci_process *p = r->ctx->cfg->process;
  if (p && p->terminal)
    return NULL;
  if (setsid() < 0)
    return herr_sys("setsid");
  return NULL;
}

static herr make_root_readonly(struct init_run *r)
{
  TRY(mounts_finish_readonly(r->ctx->cfg));
  if (r->ctx->cfg->root && r->ctx->cfg->root->readonly)
    TRY(rootfs_make_readonly());
  return NULL;
}

/* Process settings that can fail are checked now, so that `create` reports
 * them rather than `start`. */
static herr prepare_process(struct init_run *r)
{
  const struct oci_process *p = r->ctx->cfg->process;
  if (!p)
    return NULL;
  TRY(rlimits_apply(p->rlimits, p->n_rlimits));
  TRY(landlock_scopes_from_config(r->ctx->cfg, &r->landlock_scoped));
  TRY(process_find_executable(p, &r->executable));
  return trampoline_prepare(&r->trampoline);
}

static herr report_ready(struct init_run *r)
{
  TRY(sync_send(r->ctx->sync_fd, SYNC_READY, 0));
  /* Once state.json names us, the runtime may exit: we must outlive it.  Not
   * before: a runtime killed earlier would leave a process nobody knows of. */
  TRY(sync_expect(r->ctx->sync_fd, SYNC_RECORDED, NULL));
  if (!r->ctx->die_with_parent && prctl(PR_SET_PDEATHSIG, 0) < 0)
    return herr_sys("prctl(PR_SET_PDEATHSIG)");
  TRY(sync_send(r->ctx->sync_fd, SYNC_DETACHED, 0));
  close(r->ctx->sync_fd);
  r->ctx->sync_fd = -1;
  return NULL;
}

static herr wait_for_start(struct init_run *r)
{
  char c;
  ssize_t n;
  while ((n = read(r->start_fifo, &c, 1)) < 0 && errno == EINTR)
    ;
  if (n != 1)
    return herr_sys("waiting for start");
  close(r->start_fifo);
  r->start_fifo = -1;
  return NULL;
}

static herr run_start_hooks(struct init_run *r)
{
  const struct oci_hooks *h = r->ctx->cfg->hooks;
  if (!h || !h->n_startContainer)
    return NULL;
  _cleanup_free_ char *state = hook_state_json(r, STATUS_CREATED);
  return hooks_run("startContainer", h->startContainer, h->n_startContainer, state);
}

/* linux.seccomp; the listener gets the state with our pid in the runtime's
 * terms (config-linux.md "The Container Process State"). */
static herr install_seccomp(struct init_run *r, bool privileged)
{
  _cleanup_free_ char *state = NULL;
  if (r->listener.fd >= 0) {
    struct container_state st = {
      .ociVersion = r->ctx->cfg->ociVersion,
      .id = (char *)r->ctx->id,
      .bundle = (char *)r->ctx->bundle,
      .pid = r->listener.pid,
      .annotations = r->ctx->cfg->annotations,
      .n_annotations = r->ctx->cfg->n_annotations,
    };
    state = state_to_json(&st, STATUS_CREATED, false);
  }
  return seccomp_install(r->ctx->seccomp, &r->listener, state, privileged);
}

/* process.scheduler, process.ioPriority, linux.memoryPolicy and
 * linux.personality outlive execve.  Set after the startContainer hooks (a
 * SCHED_DEADLINE process may not fork them) and while we keep the
 * capabilities a real-time policy or a lower nice needs. */
static herr set_scheduling(struct init_run *r)
{
  const struct oci_process *p = r->ctx->cfg->process;
  const struct oci_linux *l = r->ctx->cfg->linux_;
  TRY(memory_policy_apply(l ? l->memoryPolicy : NULL));
  TRY(personality_apply(l ? l->personality : NULL));
  TRY(io_priority_apply(p->ioPriority));
  return scheduler_apply(p->scheduler);
}

/* The seccomp filter comes last, right before execve, so that it filters the
 * user's program and not hull's own set-up: a profile need allow only the
 * execve (older engines' profiles refuse close_range, openat2, clone3...).
 * Without noNewPrivileges the kernel takes a filter only from a process with
 * CAP_SYS_ADMIN: when the process will not keep it, the filter is loaded just
 * before the final capability drop instead (as runc does, but after the user
 * switch, chdir and fd clean-up), and only capset and execve run under it. */
static herr become_process(struct init_run *r)
{
  const struct oci_process *p = r->ctx->cfg->process;
  bool seccomp_early = seccomp_needs_privileged_load(r->ctx->seccomp, p);
  signals_reset_defaults(); /* before seccomp, which may filter rt_sigaction */
  TRY(set_scheduling(r));
  TRY(lsm_set_exec_labels(p));
  /* While we still hold CAP_SYS_ADMIN, which Landlock takes instead of
   * no_new_privs. */
  TRY(landlock_restrict_scopes(r->landlock_scoped));
  TRY(capabilities_apply_bounding(p->capabilities));
  TRY(process_switch_user(p));
  /* The runtime's procfs shows the host's pid namespace: no fd of it may be
   * open when process.cwd is resolved, nor reach the program. */
  procfs_close();
  TRY(process_enter_cwd(p));
  TRY(fds_keep_only_stdio_and(r->ctx->preserve_fds));
  TRY(trampoline_pass_fd(r->exec_fifo));
  TRY(cpu_affinity_apply_final(p->execCPUAffinity));
  if (seccomp_early)
    TRY(install_seccomp(r, true));
  TRY(capabilities_apply_sets(p->capabilities));
  TRY(process_set_no_new_privileges(p));
  if (!seccomp_early)
    TRY(install_seccomp(r, false));
  return NULL;
}

/* The `create` half: everything but the user's program. */
static herr container_setup(struct init_run *r)
{
  TRY(wait_for_cgroup(r));
  TRY(wait_for_id_maps(r));
  TRY(set_oom_score_adj(r));
  TRY(become_non_dumpable());
  TRY(join_namespaces(r));
  TRY(join_session_keyring(r));
  TRY(open_host_paths(r));
  TRY(connect_seccomp_listener(r));
  TRY(become_root(r));
  TRY(mount_rootfs(r));
  TRY(configure_kernel(r));
  fault_point("child-setup");
  TRY(run_create_hooks(r));
  TRY(protect_paths(r));
  TRY(enter_rootfs(r));
  TRY(setup_terminal(r));
  TRY(leave_caller_session(r));
  TRY(make_root_readonly(r));
  TRY(prepare_process(r));
  return report_ready(r);
}

/* The `start` half: released by `start`, become the process and execve. */
static herr container_start_process(struct init_run *r)
{
  TRY(wait_for_start(r));
  TRY(run_start_hooks(r));
  TRY(become_process(r));
  return process_exec(r->ctx->cfg->process, r->executable, &r->trampoline, r->exec_fifo,
                      TRAMPOLINE_REPORT_TEXT);
}

__attribute__((noreturn)) static void fail_to_start(struct init_run *r, herr e)
{
  _cleanup_free_ char *msg = herr_format(e);
  herr w = write_all(r->exec_fifo, msg, strlen(msg));
  herr_free(w);
  herr_free(e);
  _exit(127);
}

void init_main(struct init_ctx *ctx)
{
  struct init_run r = { .ctx = ctx, .rootfs_dir = -1, .rootfd = -1, .start_fifo = -1, .exec_fifo = -1,
                        .trampoline = TRAMPOLINE_INIT, .listener = SECCOMP_LISTENER_INIT };
  /* Die with the runtime until create is done: nothing half-made survives. */
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  herr e = container_setup(&r);
  if (e) {
    sync_send_error(ctx->sync_fd, e);
    herr_free(e);
    _exit(1);
  }
  if (!ctx->cfg->process) {
    /* Nothing to run: `start` refuses; stay until killed. */
    for (;;)
      pause();
  }
  fail_to_start(&r, container_start_process(&r));
}
