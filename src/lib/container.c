/* container.c - the operations of runtime.md "Operations" on a created
 * container: start, state, kill, delete; run and list on top of them. */
#include "container.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup.h"
#include "cleanup.h"
#include "hooks.h"
#include "intelrdt.h"
#include "log.h"
#include "spawn.h"
#include "terminal.h"
#include "utils.h"

herr container_create(const struct create_opts *o, pid_t *pid)
{
  return spawn_container(o, pid);
}

/* An open container: its locked (or not) directory and its state. */
struct handle {
  int rootfd;
  int dirfd;
  struct container_state *st;
  enum container_status status;
};

static void handle_close(struct handle *h)
{
  container_state_free(h->st);
  if (h->dirfd >= 0)
    close(h->dirfd);
  if (h->rootfd >= 0)
    close(h->rootfd);
}
#define _cleanup_handle_ __attribute__((cleanup(handle_close)))

/* A directory without state.json whose lock is free was left by a create
 * that died: it is stopped, not creating.  When we hold its lock ourselves,
 * no create can be running (and testing the lock again would convert ours). */
static enum container_status status_of(const struct handle *h, bool locked)
{
  enum container_status s = state_status(h->st);
  if (s != STATUS_CREATING)
    return s;
  if (locked)
    return STATUS_STOPPED;
  return state_dir_abandoned(h->dirfd) ? STATUS_STOPPED : STATUS_CREATING;
}

static herr open_container(const char *root, const char *id, int lock, struct handle *h)
{
  h->rootfd = h->dirfd = -1;
  h->st = NULL;
  TRY(state_validate_id(id));
  h->rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (h->rootfd < 0) {
    if (errno == ENOENT)
      return herr_new("container \"%s\" does not exist", id);
    return herr_sys("open state root %s", root);
  }
  TRY(state_dir_open(h->rootfd, id, lock, &h->dirfd));
  TRY(state_read(h->dirfd, id, &h->st));
  h->status = status_of(h, lock != 0);
  return NULL;
}

static herr load_config_copy(const struct handle *h, struct oci_config **cfg)
{
  _cleanup_free_ char *text = NULL;
  size_t len;
  TRY_WRAP(read_file_at(h->dirfd, STATE_CONFIG_FILE, &text, &len), "container \"%s\"", h->st->id);
  TRY_WRAP(oci_config_parse(text, len, cfg), "container \"%s\": stored config", h->st->id);
  return NULL;
}

/* ---- start ---- */

/* Release the waiting process through start.fifo, then read exec.fifo: EOF
 * means execve succeeded (the write end was close-on-exec); text is the
 * container process's error. */
static herr release_process(const struct handle *h)
{
  _cleanup_close_ int exec_fd = openat(h->dirfd, STATE_EXEC_FIFO, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (exec_fd < 0)
    return herr_sys("open %s", STATE_EXEC_FIFO);
  _cleanup_close_ int start_fd = openat(h->dirfd, STATE_START_FIFO, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
  if (start_fd < 0) {
    if (errno == ENXIO)
      return herr_new("container \"%s\": its process is gone", h->st->id);
    return herr_sys("open %s", STATE_START_FIFO);
  }
  if (write(start_fd, "s", 1) != 1)
    return herr_sys("write %s", STATE_START_FIFO);
  if (fcntl(exec_fd, F_SETFL, 0) < 0)
    return herr_sys("fcntl %s", STATE_EXEC_FIFO);
  char msg[4096];
  size_t len = 0;
  ssize_t n;
  while ((n = read(exec_fd, msg + len, sizeof(msg) - 1 - len)) != 0) {
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return herr_sys("read %s", STATE_EXEC_FIFO);
    len += (size_t)n;
    if (len == sizeof(msg) - 1)
      break;
  }
  msg[len] = '\0';
  if (len)
    return herr_new("%s", msg);
  return NULL;
}

static herr run_poststart(const struct handle *h, const struct oci_config *cfg)
{
  const struct oci_hooks *hk = cfg->hooks;
  if (!hk || !hk->n_poststart)
    return NULL;
  _cleanup_free_ char *json = state_to_json(h->st, STATUS_RUNNING, false);
  /* runtime.md "Lifecycle" step 9: a failing poststart hook is an error and
   * the container is stopped. */
  herr e = hooks_run("poststart", hk->poststart, hk->n_poststart, json);
  if (e)
    herr_free(kill_and_wait((pid_t)h->st->pid, h->st->pid_start_time));
  return e;
}

herr container_start(const char *root, const char *id)
{
  _cleanup_handle_ struct handle h;
  TRY_WRAP(open_container(root, id, LOCK_EX, &h), "start");
  if (h.status != STATUS_CREATED)
    return herr_new("start: container \"%s\" is %s, not created", id, container_status_name(h.status));
  _cleanup_config_ struct oci_config *cfg = NULL;
  TRY_WRAP(load_config_copy(&h, &cfg), "start");
  if (!cfg->process)
    return herr_new("start: container \"%s\" has no process to run (config.json has no \"process\")", id);
  TRY_WRAP(release_process(&h), "start container \"%s\"", id);
  h.st->started = true;
  TRY_WRAP(state_write(h.dirfd, h.st), "start");
  TRY_WRAP(run_poststart(&h, cfg), "start");
  return NULL;
}

/* ---- state ---- */

herr container_state_json(const char *root, const char *id, char **json)
{
  _cleanup_handle_ struct handle h;
  TRY_WRAP(open_container(root, id, 0, &h), "state");
  *json = state_to_json(h.st, h.status, true);
  return NULL;
}

/* ---- kill ---- */

static herr signal_process(pid_t pid, unsigned long long start_time, int signo)
{
  _cleanup_close_ int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
  if (pidfd < 0 && errno == ENOSYS) {
    /* No pidfds (before Linux 5.3, or valgrind): the start time is checked
     * just before the signal instead of held fast by the pidfd. */
    if (process_start_time(pid) != start_time)
      return herr_errno(ESRCH, "process %d", (int)pid);
    if (kill(pid, signo) < 0)
      return herr_sys("signal process %d", (int)pid);
    return NULL;
  }
  if (pidfd < 0)
    return herr_sys("pidfd_open %d", (int)pid);
  if (process_start_time(pid) != start_time)
    return herr_errno(ESRCH, "process %d", (int)pid);
  if (syscall(SYS_pidfd_send_signal, pidfd, signo, NULL, 0) < 0)
    return herr_sys("signal process %d", (int)pid);
  return NULL;
}

/* Same pid namespace as the container process (and not the host's). */
static herr signal_all_in_pid_ns(pid_t init, int signo)
{
  char path[64], want[64], self[64];
  snprintf(path, sizeof(path), "/proc/%d/ns/pid", (int)init);
  ssize_t n = readlink(path, want, sizeof(want) - 1);
  ssize_t m = readlink("/proc/self/ns/pid", self, sizeof(self) - 1);
  if (n < 0 || m < 0)
    return herr_sys("read pid namespace of %d", (int)init);
  want[n] = self[m] = '\0';
  if (!strcmp(want, self))
    return herr_new("--all: the container has no pid namespace of its own, and hull has no cgroup to find its processes");
  DIR *d = opendir("/proc");
  if (!d)
    return herr_sys("open /proc");
  struct dirent *de;
  while ((de = readdir(d))) {
    char *end;
    long pid = strtol(de->d_name, &end, 10);
    if (*end || pid <= 0)
      continue;
    char link[64], ns[64];
    snprintf(link, sizeof(link), "/proc/%ld/ns/pid", pid);
    ssize_t k = readlink(link, ns, sizeof(ns) - 1);
    if (k < 0)
      continue;
    ns[k] = '\0';
    if (!strcmp(ns, want))
      kill((pid_t)pid, signo);
  }
  closedir(d);
  return NULL;
}

static herr open_cgroup(const struct handle *h, struct cgroup **cg)
{
  if (!h->st->n_cgroups)
    return herr_new("container \"%s\" has no cgroup", h->st->id);
  TRY(cgroup_open(h->st->cgroups, h->st->n_cgroups, cg));
  cgroup_set_systemd_unit(*cg, h->st->systemd_unit);
  return NULL;
}

/* Every process of the container's cgroup, whatever its pid namespace. */
static herr signal_all_in_cgroup(const struct handle *h, int signo)
{
  struct cgroup *cg = NULL;
  TRY(open_cgroup(h, &cg));
  herr e = cgroup_signal_all(cg, signo);
  cgroup_free(cg);
  return e;
}

herr container_kill(const char *root, const char *id, int signo, bool all)
{
  _cleanup_handle_ struct handle h;
  TRY_WRAP(open_container(root, id, 0, &h), "kill");
  /* "container not running" is runc's wording, which containerd's shim looks for to
   * tell a kill that came too late (the process already exited) from a failure. */
  /* --all (not in the spec) signals what is left in the container's cgroup:
   * after it stopped, nothing, which is no error for runc (containerd's
   * clean-up sends it). */
  if (all && h.status == STATUS_STOPPED)
    return NULL;
  if (h.status != STATUS_CREATED && h.status != STATUS_RUNNING && h.status != STATUS_PAUSED)
    return herr_new("kill: container \"%s\" is %s: container not running (only a created, running or paused container can be signalled)",
                    id, container_status_name(h.status));
  if (all && h.st->n_cgroups)
    TRY_WRAP(signal_all_in_cgroup(&h, signo), "kill --all");
  else if (all)
    TRY_WRAP(signal_all_in_pid_ns((pid_t)h.st->pid, signo), "kill");
  herr e = signal_process((pid_t)h.st->pid, h.st->pid_start_time, signo);
  if (e && herr_errnum(e) == ESRCH && all) {
    herr_free(e);
    return NULL;
  }
  return herr_wrap(e, "kill container \"%s\"", id);
}

/* ---- delete ---- */

static void run_poststop(const struct handle *h)
{
  _cleanup_config_ struct oci_config *cfg = NULL;
  herr e = load_config_copy(h, &cfg);
  if (e) {
    /* A create killed half-way may have left no config: nothing to run. */
    herr_free(e);
    return;
  }
  if (!cfg->hooks || !cfg->hooks->n_poststop)
    return;
  _cleanup_free_ char *json = state_to_json(h->st, STATUS_STOPPED, false);
  hooks_run_warn("poststop", cfg->hooks->poststop, cfg->hooks->n_poststop, json);
}

/* The cgroup goes with the container (what is left in it is killed).  A
 * create killed before it recorded the cgroup left one only at the default
 * path, which is the id's own: that one is found again from the config. */
static herr destroy_cgroup(const struct handle *h, const char *root)
{
  struct cgroup *cg = NULL;
  if (h->st->n_cgroups) {
    TRY(open_cgroup(h, &cg));
  } else {
    _cleanup_config_ struct oci_config *cfg = NULL;
    herr e = load_config_copy(h, &cfg);
    if (!e && !(cfg->linux_ && cfg->linux_->cgroupsPath && *cfg->linux_->cgroupsPath))
      e = cgroup_prepare(h->st->id, root, NULL, false, &cg);
    herr_free(e);
    if (!cg)
      return NULL;
    for (size_t i = 0; i < cg->n; i++)
      cg->h[i].made = 2; /* /hull/ID and, if nobody else uses it, /hull */
  }
  herr e = cgroup_destroy(cg);
  cgroup_free(cg);
  return e;
}

/* linux.intelRdt: the resctrl group hull made for the container. */
static herr remove_rdt_group(const struct handle *h, const char *id)
{
  _cleanup_config_ struct oci_config *cfg = NULL;
  herr e = load_config_copy(h, &cfg);
  if (e) {
    herr_free(e);
    return NULL;
  }
  return intelrdt_remove(cfg->linux_ ? cfg->linux_->intelRdt : NULL, id);
}

/* No state directory at all for a valid id. */
static bool container_absent(const char *root, const char *id)
{
  herr e = state_validate_id(id);
  if (e) {
    herr_free(e);
    return false;
  }
  _cleanup_free_ char *dir = path_join(root, id);
  return access(dir, F_OK) < 0 && errno == ENOENT;
}

herr container_delete(const char *root, const char *id, bool force)
{
  /* As runc: `delete --force` of a container that is not there succeeds
   * (podman deletes after every failed create, whatever is left). */
  if (force && container_absent(root, id))
    return NULL;
  _cleanup_handle_ struct handle h;
  herr e = open_container(root, id, LOCK_EX, &h);
  if (e && force && h.dirfd >= 0) {
    /* A corrupt state.json must not make a container undeletable, nor leave
     * its process behind: state.c keeps a second record of it. */
    _cleanup_free_ char *msg = herr_format(e);
    log_warning("%s", msg);
    herr_free(e);
    pid_t pid;
    unsigned long long start_time;
    if (state_read_pid_record(h.dirfd, &pid, &start_time))
      TRY_WRAP(kill_and_wait(pid, start_time), "delete");
    /* The cgroup as a create killed before recording it would have left it. */
    if (!h.st) {
      h.st = calloc(1, sizeof(*h.st));
      if (!h.st)
        return herr_errno(ENOMEM, "delete");
      h.st->id = xstrdup(id);
    }
    TRY_WRAP(destroy_cgroup(&h, root), "delete container \"%s\"", id);
    return herr_wrap(state_dir_remove(h.rootfd, id), "delete");
  }
  if (e)
    return herr_wrap(e, "delete");
  if (h.status != STATUS_STOPPED) {
    if (!force)
      return herr_new("delete: container \"%s\" is %s: stop it first, or use --force to kill it",
                      id, container_status_name(h.status));
    /* Through the cgroup first: a paused process dies only once thawed. */
    if (h.st->n_cgroups)
      herr_free(signal_all_in_cgroup(&h, SIGKILL));
    TRY_WRAP(kill_and_wait((pid_t)h.st->pid, h.st->pid_start_time), "delete");
  }
  TRY_WRAP(destroy_cgroup(&h, root), "delete container \"%s\"", id);
  TRY_WRAP(remove_rdt_group(&h, id), "delete container \"%s\"", id);
  run_poststop(&h);
  return herr_wrap(state_dir_remove(h.rootfd, id), "delete");
}

/* ---- run ---- */

static volatile sig_atomic_t run_pid;

static void forward_signal(int signo)
{
  if (run_pid > 0)
    kill((pid_t)run_pid, signo);
}

static void install_forwarding(pid_t pid)
{
  static const int forwarded[] = { SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2,
                                   SIGWINCH, SIGCONT, SIGALRM };
  run_pid = pid;
  struct sigaction sa = { .sa_handler = forward_signal, .sa_flags = SA_RESTART };
  sigemptyset(&sa.sa_mask);
  for (size_t i = 0; i < ARRAY_LEN(forwarded); i++)
    sigaction(forwarded[i], &sa, NULL);
}

static herr wait_exit(pid_t pid, int *exit_status)
{
  int status;
  for (;;) {
    pid_t r = waitpid(-1, &status, 0);
    if (r < 0 && errno == EINTR)
      continue;
    if (r < 0)
      return herr_sys("wait for the container process");
    if (r == pid)
      break; /* other children are orphans we adopted as subreaper */
  }
  *exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return NULL;
}

herr container_run(const struct run_opts *o, int *exit_status)
{
  /* Adopt the container process if set-up needed a second fork. */
  if (!o->detach && prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
    return herr_sys("prctl(PR_SET_CHILD_SUBREAPER)");
  pid_t pid;
  /* In the foreground, a terminal without a console socket is relayed here. */
  _cleanup_close_ int pty = -1;
  struct create_opts create = o->create;
  if (!o->detach)
    create.pty_master = &pty;
  TRY(container_create(&create, &pid));
  if (pty >= 0)
    terminal_copy_window_size(pty);
  herr e = container_start(o->create.root, o->create.id);
  if (e || o->detach) {
    if (e)
      herr_free(container_delete(o->create.root, o->create.id, true));
    *exit_status = 0;
    return e;
  }
  install_forwarding(pid);
  e = pty >= 0 ? terminal_relay(pty, pid, exit_status) : wait_exit(pid, exit_status);
  if (o->keep)
    return e;
  herr d = container_delete(o->create.root, o->create.id, true);
  if (e) {
    herr_free(d);
    return e;
  }
  return d;
}

/* ---- list ---- */

static int compare_ids(const void *a, const void *b)
{
  return strcmp(((const struct container_summary *)a)->id, ((const struct container_summary *)b)->id);
}

static bool summarize(const char *root, const char *id, struct container_summary *out)
{
  _cleanup_handle_ struct handle h;
  herr e = open_container(root, id, 0, &h);
  if (e) {
    herr_free(e);
    return false;
  }
  out->ociVersion = xstrdup(h.st->ociVersion ? h.st->ociVersion : "");
  out->id = xstrdup(id);
  out->pid = h.status == STATUS_STOPPED ? 0 : (pid_t)h.st->pid;
  out->status = h.status;
  out->bundle = xstrdup(h.st->bundle);
  out->rootfs = xstrdup(h.st->rootfs ? h.st->rootfs : "");
  out->created = xstrdup(h.st->created ? h.st->created : "");
  out->owner = xstrdup(h.st->owner ? h.st->owner : "");
  return true;
}

herr container_list(const char *root, struct container_summary **out, size_t *n)
{
  *out = NULL;
  *n = 0;
  DIR *d = opendir(root);
  if (!d)
    return errno == ENOENT ? NULL : herr_sys("list %s", root);
  size_t cap = 0;
  struct dirent *de;
  while ((de = readdir(d))) {
    if (de->d_name[0] == '.')
      continue;
    if (*n == cap) {
      cap = cap ? cap * 2 : 16;
      struct container_summary *nl = realloc(*out, cap * sizeof(**out));
      if (!nl) {
        closedir(d);
        return herr_errno(ENOMEM, "list");
      }
      *out = nl;
    }
    if (summarize(root, de->d_name, &(*out)[*n]))
      (*n)++;
  }
  closedir(d);
  if (*n)
    qsort(*out, *n, sizeof(**out), compare_ids);
  return NULL;
}

void container_list_free(struct container_summary *list, size_t n)
{
  for (size_t i = 0; i < n; i++) {
    free(list[i].ociVersion);
    free(list[i].id);
    free(list[i].bundle);
    free(list[i].rootfs);
    free(list[i].created);
    free(list[i].owner);
  }
  free(list);
}

/* ---- through the cgroup: pause, resume, update, ps, events ---- */

/* The container (locked with `lock`) and its cgroup, for the operations
 * below; `what` names the operation in errors. */
static herr open_with_cgroup(const char *root, const char *id, int lock, const char *what,
                             struct handle *h, struct cgroup **cg)
{
  TRY_WRAP(open_container(root, id, lock, h), "%s", what);
  if (h->status == STATUS_STOPPED)
    return herr_new("%s: container \"%s\" is stopped", what, id);
  if (h->status == STATUS_CREATING)
    return herr_new("%s: container \"%s\" is still being created", what, id);
  return herr_wrap(open_cgroup(h, cg), "%s", what);
}

herr container_pause(const char *root, const char *id)
{
  _cleanup_handle_ struct handle h;
  struct cgroup *cg = NULL;
  herr e = open_with_cgroup(root, id, LOCK_EX, "pause", &h, &cg);
  if (!e && h.status == STATUS_PAUSED)
    e = herr_new("pause: container \"%s\" is already paused", id);
  if (!e)
    e = herr_wrap(cgroup_freeze(cg), "pause container \"%s\"", id);
  cgroup_free(cg);
  return e;
}

herr container_resume(const char *root, const char *id)
{
  _cleanup_handle_ struct handle h;
  struct cgroup *cg = NULL;
  herr e = open_with_cgroup(root, id, LOCK_EX, "resume", &h, &cg);
  if (!e && h.status != STATUS_PAUSED)
    e = herr_new("resume: container \"%s\" is %s, not paused", id, container_status_name(h.status));
  if (!e)
    e = herr_wrap(cgroup_thaw(cg), "resume container \"%s\"", id);
  cgroup_free(cg);
  return e;
}

herr container_update(const char *root, const char *id, const struct oci_resources *r)
{
  _cleanup_handle_ struct handle h;
  struct cgroup *cg = NULL;
  herr e = open_with_cgroup(root, id, LOCK_EX, "update", &h, &cg);
  if (!e) {
    struct cgroup_apply a = { .r = r, .update = true };
    /* systemd first: it would otherwise write its old values back later. */
    if (cgroup_is_systemd(cg))
      e = herr_wrap(cgroup_systemd_update(cg, r), "update container \"%s\"", id);
    if (!e)
      e = herr_wrap(cgroup_apply(cg, &a), "update container \"%s\"", id);
  }
  cgroup_free(cg);
  return e;
}

herr container_update_intel_rdt(const char *root, const char *id, const char *l3, const char *mb)
{
  _cleanup_handle_ struct handle h;
  _cleanup_config_ struct oci_config *cfg = NULL;
  TRY(open_container(root, id, LOCK_EX, &h));
  TRY(load_config_copy(&h, &cfg));
  return intelrdt_update(cfg->linux_ ? cfg->linux_->intelRdt : NULL, id, l3, mb);
}

herr container_pids(const char *root, const char *id, pid_t **pids, size_t *n)
{
  *pids = NULL;
  *n = 0;
  /* A stopped container has no processes: an empty list, as runc gives. */
  enum container_status status;
  TRY_WRAP(container_status(root, id, &status), "ps");
  if (status == STATUS_STOPPED)
    return NULL;
  _cleanup_handle_ struct handle h;
  struct cgroup *cg = NULL;
  herr e = open_with_cgroup(root, id, 0, "ps", &h, &cg);
  if (!e)
    e = herr_wrap(cgroup_pids(cg, pids, n), "ps");
  cgroup_free(cg);
  return e;
}

herr container_status(const char *root, const char *id, enum container_status *status)
{
  _cleanup_handle_ struct handle h;
  TRY(open_container(root, id, 0, &h));
  *status = h.status;
  return NULL;
}

herr container_stats(const char *root, const char *id, struct cgroup_stats *st)
{
  _cleanup_handle_ struct handle h;
  struct cgroup *cg = NULL;
  herr e = open_with_cgroup(root, id, 0, "events", &h, &cg);
  if (!e)
    e = herr_wrap(cgroup_stats(cg, st), "events");
  cgroup_free(cg);
  return e;
}

herr container_oom_watch(const char *root, const char *id, struct cgroup_oom_watch *w)
{
  _cleanup_handle_ struct handle h;
  struct cgroup *cg = NULL;
  herr e = open_with_cgroup(root, id, 0, "events", &h, &cg);
  if (!e)
    e = herr_wrap(cgroup_oom_watch_open(cg, w), "events");
  cgroup_free(cg);
  return e;
}
