/* hooks.c - running the config.md "POSIX-platform Hooks".
 *
 * Each hook is forked and exec'd with the container state on its stdin.  Its
 * stdout is hull's stdout; its stderr goes through a pipe that hull forwards
 * to its own stderr as it arrives, keeping a copy so that a failure message
 * can quote a short complaint.  One poll() loop feeds stdin, forwards stderr,
 * waits for the exit on a pidfd and enforces the timeout, so that neither a
 * hook that never reads stdin nor one that never exits can hang hull.
 */
#include "config.h"

#include "hooks.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "signals.h"

/* A failure message quotes the hook's stderr only up to this size: longer
 * output has already been forwarded to hull's stderr. */
#define STDERR_QUOTE_MAX 512

/* fds the child finds in place before exec: 0 = state, 2 = stderr pipe,
 * 3 = close-on-exec pipe that carries errno back if execve fails. */
#define CHILD_EXEC_ERR_FD 3

struct hook_proc {
  pid_t pid;
  int pidfd;
  int stdin_fd;     /* write end of the hook's stdin, -1 once done */
  int stderr_fd;    /* read end of the hook's stderr, -1 at EOF */
  int exec_err_fd;  /* read end of the errno pipe */
  const char *state;
  size_t state_len, state_off;
  char quote[STDERR_QUOTE_MAX + 1];
  size_t stderr_total;  /* bytes the hook wrote to stderr */
};

static void close_fd(int *fd)
{
  if (*fd >= 0)
    close(*fd);
  *fd = -1;
}

/* ---- child side: only async-signal-safe calls from here to execve ---- */

/* Put the pipes at 0, 2 and CHILD_EXEC_ERR_FD, then close everything above:
 * the hook must not inherit hull's lock files, sockets or log. */
static int child_setup_fds(int in_r, int err_w, int exec_w)
{
  /* Lift the pipes above the target slots first, so that no dup2 below
   * clobbers a pipe that happens to sit at 0..3 (hull run with fds closed). */
  int in = fcntl(in_r, F_DUPFD_CLOEXEC, CHILD_EXEC_ERR_FD + 1);
  int err = fcntl(err_w, F_DUPFD_CLOEXEC, CHILD_EXEC_ERR_FD + 1);
  int ex = fcntl(exec_w, F_DUPFD_CLOEXEC, CHILD_EXEC_ERR_FD + 1);
  if (in < 0 || err < 0 || ex < 0)
    return -1;
  if (dup2(in, STDIN_FILENO) < 0 || dup2(err, STDERR_FILENO) < 0 ||
      dup3(ex, CHILD_EXEC_ERR_FD, O_CLOEXEC) < 0)
    return -1;
  if (close_range(CHILD_EXEC_ERR_FD + 1, ~0U, 0) < 0) {
    for (int fd = CHILD_EXEC_ERR_FD + 1; fd < 65536; fd++)
      close(fd);
  }
  return 0;
}

__attribute__((noreturn)) static void child_report_errno_and_exit(int fd, int err)
{
  ssize_t r = write(fd, &err, sizeof(err));
  (void)r;
  _exit(127);
}

__attribute__((noreturn)) static void child_exec(const struct oci_hook *hook, int in_r,
                                                 int err_w, int exec_w)
{
  static char *const no_env[] = { NULL };
  char *const default_argv[] = { hook->path, NULL };
  char *const *argv = hook->n_args > 0 && hook->args ? hook->args : default_argv;
  char *const *envp = hook->n_env > 0 && hook->env ? hook->env : no_env;

  signals_reset_defaults(); /* a hook starts as if run from a shell */
  if (child_setup_fds(in_r, err_w, exec_w) < 0)
    child_report_errno_and_exit(exec_w, errno);
  execve(hook->path, argv, envp);
  child_report_errno_and_exit(CHILD_EXEC_ERR_FD, errno);
}

/* ---- parent side ---- */

static void close_pipe(int fds[2])
{
  close_fd(&fds[0]);
  close_fd(&fds[1]);
}

/* A close-on-exec pipe; the end `nonblock_end` (0 or 1, -1 for none) is the
 * parent's and gets O_NONBLOCK so that the poll loop never blocks on it. */
static herr make_pipe(int fds[2], int nonblock_end)
{
  if (pipe2(fds, O_CLOEXEC) < 0)
    return herr_sys("pipe2");
  if (nonblock_end >= 0 && fcntl(fds[nonblock_end], F_SETFL, O_NONBLOCK) < 0) {
    herr e = herr_sys("fcntl O_NONBLOCK");
    close_pipe(fds);
    return e;
  }
  return NULL;
}

/* Fork the hook.  On success `p` owns the parent's pipe ends and a pidfd. */
static herr spawn_hook(const struct oci_hook *hook, struct hook_proc *p)
{
  int in[2] = { -1, -1 }, err[2] = { -1, -1 }, ex[2] = { -1, -1 };
  herr e = make_pipe(in, 1);
  if (!e)
    e = make_pipe(err, 0);
  if (!e)
    e = make_pipe(ex, -1);
  if (e)
    goto fail;

  p->pid = fork();
  if (p->pid < 0) {
    e = herr_sys("fork");
    goto fail;
  }
  if (p->pid == 0)
    child_exec(hook, in[0], err[1], ex[1]);

  /* Our unreaped child: its pid cannot be reused, so pidfd_open is safe. */
  p->pidfd = pidfd_open(p->pid, 0);
  if (p->pidfd < 0) {
    e = herr_sys("pidfd_open");
    kill(p->pid, SIGKILL);
    waitpid(p->pid, NULL, 0);
    goto fail;
  }
  close_fd(&in[0]);
  close_fd(&err[1]);
  close_fd(&ex[1]);
  p->stdin_fd = in[1];
  p->stderr_fd = err[0];
  p->exec_err_fd = ex[0];
  return NULL;

fail:
  close_pipe(in);
  close_pipe(err);
  close_pipe(ex);
  return e;
}

/* Feed more of the state; close stdin when all is written or the hook
 * stopped reading (EPIPE: SIGPIPE is blocked around the loop). */
static void feed_stdin(struct hook_proc *p)
{
  while (p->state_off < p->state_len) {
    ssize_t w = write(p->stdin_fd, p->state + p->state_off, p->state_len - p->state_off);
    if (w < 0 && errno == EINTR)
      continue;
    if (w < 0 && errno == EAGAIN)
      return;
    if (w <= 0)
      break;
    p->state_off += (size_t)w;
  }
  close_fd(&p->stdin_fd);
}

static void keep_quote(struct hook_proc *p, const char *buf, size_t n)
{
  if (p->stderr_total < STDERR_QUOTE_MAX) {
    size_t room = STDERR_QUOTE_MAX - p->stderr_total;
    size_t take = n < room ? n : room;
    memcpy(p->quote + p->stderr_total, buf, take);
    p->quote[p->stderr_total + take] = '\0';
  }
  p->stderr_total += n;
}

/* Forward what the hook wrote to stderr; closes the pipe at EOF. */
static void forward_stderr(struct hook_proc *p)
{
  char buf[4096];
  for (;;) {
    ssize_t r = read(p->stderr_fd, buf, sizeof(buf));
    if (r < 0 && errno == EINTR)
      continue;
    if (r < 0 && errno == EAGAIN)
      return;
    if (r <= 0)
      break;
    ssize_t w = write(STDERR_FILENO, buf, (size_t)r);
    (void)w; /* a closed stderr must not fail the hook */
    keep_quote(p, buf, (size_t)r);
  }
  close_fd(&p->stderr_fd);
}

static long long now_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Poll until the hook exits (true) or the deadline passes (false);
 * deadline < 0 means none. */
static herr wait_for_exit(struct hook_proc *p, long long deadline, bool *exited)
{
  for (;;) {
    struct pollfd pfd[3] = {
      { .fd = p->pidfd, .events = POLLIN },
      { .fd = p->stdin_fd, .events = POLLOUT },   /* fd -1 is skipped */
      { .fd = p->stderr_fd, .events = POLLIN },
    };
    int wait = -1;
    if (deadline >= 0) {
      long long left = deadline - now_ms();
      wait = left <= 0 ? 0 : left > INT_MAX ? INT_MAX : (int)left;
    }
    int r = poll(pfd, 3, wait);
    if (r < 0 && errno == EINTR)
      continue;
    if (r < 0)
      return herr_sys("poll");
    if (r == 0) {
      *exited = false;
      return NULL;
    }
    if (pfd[1].revents)
      feed_stdin(p);
    if (pfd[2].revents)
      forward_stderr(p);
    if (pfd[0].revents) {
      *exited = true;
      return NULL;
    }
  }
}

/* The hook's stderr, trimmed and on one line, when it was short enough to
 * quote in a failure message; NULL otherwise. */
static const char *stderr_quote(struct hook_proc *p)
{
  if (p->stderr_total == 0 || p->stderr_total > STDERR_QUOTE_MAX)
    return NULL;
  size_t len = strlen(p->quote);
  while (len > 0 && (p->quote[len - 1] == '\n' || p->quote[len - 1] == ' '))
    p->quote[--len] = '\0';
  for (char *c = p->quote; *c; c++)
    if (*c == '\n')
      *c = ' ';
  return len > 0 ? p->quote : NULL;
}

/* "exited with status 3 (stderr: ...)" / "killed by signal SIGSEGV";
 * NULL for success. */
static herr describe_status(const siginfo_t *si, const char *quote)
{
  char what[64];
  if (si->si_code == CLD_EXITED) {
    if (si->si_status == 0)
      return NULL;
    snprintf(what, sizeof(what), "exited with status %d", si->si_status);
  } else {
    const char *name = signal_name(si->si_status);
    if (name)
      snprintf(what, sizeof(what), "killed by signal %s", name);
    else
      snprintf(what, sizeof(what), "killed by signal %d", si->si_status);
  }
  if (quote)
    return herr_new("%s (stderr: %s)", what, quote);
  return herr_new("%s", what);
}

/* After the exit: was it execve that failed, or the hook? */
static herr collect_result(struct hook_proc *p, const siginfo_t *si)
{
  int child_errno = 0;
  ssize_t r;
  do
    r = read(p->exec_err_fd, &child_errno, sizeof(child_errno));
  while (r < 0 && errno == EINTR);
  if (r == (ssize_t)sizeof(child_errno))
    return herr_errno(child_errno, "cannot execute");
  return describe_status(si, stderr_quote(p));
}

static herr reap(struct hook_proc *p, siginfo_t *si)
{
  memset(si, 0, sizeof(*si));
  while (waitid(P_PIDFD, (id_t)p->pidfd, si, WEXITED) < 0) {
    if (errno != EINTR)
      return herr_sys("waitid");
  }
  return NULL;
}

static herr supervise(struct hook_proc *p, const struct oci_hook *hook)
{
  /* Timeouts beyond a few decades are as good as none (and would overflow). */
  long long deadline = -1;
  if (hook->has_timeout && hook->timeout > 0 && hook->timeout < 1000000000LL)
    deadline = now_ms() + hook->timeout * 1000LL;
  bool exited = false;
  herr e = wait_for_exit(p, deadline, &exited);
  if (!exited) {
    /* Timed out (or poll failed): the hook must not outlive this call. */
    pidfd_send_signal(p->pidfd, SIGKILL, NULL, 0);
  }
  siginfo_t si;
  herr we = reap(p, &si);
  if (e) {
    herr_free(we);
    return e;
  }
  if (we)
    return we;
  if (p->stderr_fd >= 0)
    forward_stderr(p); /* what it wrote just before exiting */
  if (!exited)
    return herr_new("timed out after %lld second%s", (long long)hook->timeout,
                    hook->timeout == 1 ? "" : "s");
  return collect_result(p, &si);
}

/* A SIGPIPE raised while SIGPIPE was blocked stays pending; take it back so
 * that it does not fire once the old mask is restored. */
static void discard_pending_sigpipe(bool was_pending)
{
  sigset_t pending, pipe_only;
  if (was_pending || sigpending(&pending) < 0 || !sigismember(&pending, SIGPIPE))
    return;
  sigemptyset(&pipe_only);
  sigaddset(&pipe_only, SIGPIPE);
  struct timespec zero = { 0, 0 };
  sigtimedwait(&pipe_only, NULL, &zero);
}

static herr run_one(const struct oci_hook *hook, const char *state_json)
{
  if (!hook->path || hook->path[0] != '/')
    return herr_new("path must be absolute");
  struct hook_proc p = {
    .pid = -1, .pidfd = -1, .stdin_fd = -1, .stderr_fd = -1, .exec_err_fd = -1,
    .state = state_json ? state_json : "",
    .state_len = state_json ? strlen(state_json) : 0,
  };

  sigset_t block, old, pending;
  sigemptyset(&block);
  sigaddset(&block, SIGPIPE);
  sigpending(&pending);
  bool pipe_was_pending = sigismember(&pending, SIGPIPE);
  sigprocmask(SIG_BLOCK, &block, &old);

  herr e = spawn_hook(hook, &p);
  if (!e) {
    feed_stdin(&p); /* most states fit in the pipe at once */
    e = supervise(&p, hook);
  }
  close_fd(&p.pidfd);
  close_fd(&p.stdin_fd);
  close_fd(&p.stderr_fd);
  close_fd(&p.exec_err_fd);

  discard_pending_sigpipe(pipe_was_pending);
  sigprocmask(SIG_SETMASK, &old, NULL);
  return e;
}

herr hooks_run(const char *phase, const struct oci_hook *hooks, size_t n,
               const char *state_json)
{
  for (size_t i = 0; i < n; i++)
    TRY_WRAP(run_one(&hooks[i], state_json), "%s hook [%zu] (%s)", phase, i,
             hooks[i].path ? hooks[i].path : "");
  return NULL;
}

void hooks_run_warn(const char *phase, const struct oci_hook *hooks, size_t n,
                    const char *state_json)
{
  for (size_t i = 0; i < n; i++) {
    herr e = herr_wrap(run_one(&hooks[i], state_json), "%s hook [%zu] (%s)", phase, i,
                       hooks[i].path ? hooks[i].path : "");
    if (!e)
      continue;
    char *msg = herr_format(e);
    log_warning("%s", msg);
    free(msg);
    herr_free(e);
  }
}
