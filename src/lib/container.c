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

#include "cleanup.h"
#include "hooks.h"
#include "log.h"
#include "spawn.h"
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
 * that died: it is stopped, not creating. */
static enum container_status status_of(const struct handle *h)
{
  enum container_status s = state_status(h->st);
  if (s != STATUS_CREATING)
    return s;
  if (flock(h->dirfd, LOCK_SH | LOCK_NB) == 0) {
    flock(h->dirfd, LOCK_UN);
    return STATUS_STOPPED;
  }
  return STATUS_CREATING;
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
  h->status = status_of(h);
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

herr container_kill(const char *root, const char *id, int signo, bool all)
{
  _cleanup_handle_ struct handle h;
  TRY_WRAP(open_container(root, id, 0, &h), "kill");
  if (h.status != STATUS_CREATED && h.status != STATUS_RUNNING)
    return herr_new("kill: container \"%s\" is %s: only a created or running container can be signalled",
                    id, container_status_name(h.status));
  if (all)
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

herr container_delete(const char *root, const char *id, bool force)
{
  _cleanup_handle_ struct handle h;
  herr e = open_container(root, id, LOCK_EX, &h);
  if (e && force && h.dirfd >= 0) {
    /* A corrupt state.json must not make a container undeletable. */
    log_warning("%s", herr_format(e));
    herr_free(e);
    return herr_wrap(state_dir_remove(h.rootfd, id), "delete");
  }
  if (e)
    return herr_wrap(e, "delete");
  if (h.status != STATUS_STOPPED) {
    if (!force)
      return herr_new("delete: container \"%s\" is %s: stop it first, or use --force to kill it",
                      id, container_status_name(h.status));
    TRY_WRAP(kill_and_wait((pid_t)h.st->pid, h.st->pid_start_time), "delete");
  }
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
  for (size_t i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++)
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
  TRY(container_create(&o->create, &pid));
  herr e = container_start(o->create.root, o->create.id);
  if (e || o->detach) {
    if (e)
      herr_free(container_delete(o->create.root, o->create.id, true));
    *exit_status = 0;
    return e;
  }
  install_forwarding(pid);
  e = wait_exit(pid, exit_status);
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
  out->id = xstrdup(id);
  out->pid = h.status == STATUS_STOPPED ? 0 : (pid_t)h.st->pid;
  out->status = h.status;
  out->bundle = xstrdup(h.st->bundle);
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
    free(list[i].id);
    free(list[i].bundle);
    free(list[i].created);
    free(list[i].owner);
  }
  free(list);
}
