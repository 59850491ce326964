/* terminal.c - the container's pty, the console socket, and the foreground
 * relay.  See terminal.h. */
#include "terminal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>
#include <linux/magic.h>
#include <linux/mount.h>

#include "cleanup.h"
#include "utils.h"

/* ---- the pty ---- */

static herr set_window_size(int fd, const struct oci_box *size)
{
  if (size->height > USHRT_MAX || size->width > USHRT_MAX)
    return herr_new("process.consoleSize: %llux%llu is larger than a terminal can be",
                    (unsigned long long)size->width, (unsigned long long)size->height);
  struct winsize ws = { .ws_row = (unsigned short)size->height, .ws_col = (unsigned short)size->width };
  if (ioctl(fd, TIOCSWINSZ, &ws) < 0)
    return herr_sys("process.consoleSize: set the window size");
  return NULL;
}

/* The slave must live on a devpts: a /dev/ptmx that is something else (an
 * image can ship any file there) does not get to be the container's tty. */
static herr check_devpts(int slave)
{
  struct statfs fs;
  if (fstatfs(slave, &fs) < 0)
    return herr_sys("process.terminal: fstatfs of the pty");
  if (fs.f_type != DEVPTS_SUPER_MAGIC)
    return herr_new("process.terminal: /dev/ptmx did not give a pty of a devpts file system");
  return NULL;
}

herr terminal_open_pty(const struct oci_box *size, uid_t owner, int *master, int *slave)
{
  _cleanup_close_ int m = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (m < 0)
    return herr_sys("process.terminal: open /dev/ptmx (is devpts mounted on /dev/pts?)");
  int unlock = 0;
  if (ioctl(m, TIOCSPTLCK, &unlock) < 0)
    return herr_sys("process.terminal: unlock the pty");
  _cleanup_close_ int s = ioctl(m, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (s < 0)
    return herr_sys("process.terminal: open the pty's slave");
  TRY(check_devpts(s));
  /* The process's user owns its terminal (its group stays devpts' gid=, tty),
   * as with runc and login: `tty`, mesg and write(1) look at it. */
  if (fchown(s, owner, (gid_t)-1) < 0)
    return herr_sys("process.terminal: give the pty to uid %u", (unsigned)owner);
  if (size)
    TRY(set_window_size(m, size));
  *master = steal_fd(&m);
  *slave = steal_fd(&s);
  return NULL;
}

herr terminal_become_stdio(int slave)
{
  herr e = NULL;
  if (setsid() < 0)
    e = herr_sys("process.terminal: setsid");
  else if (ioctl(slave, TIOCSCTTY, 0) < 0)
    e = herr_sys("process.terminal: make the pty the controlling terminal");
  for (int fd = 0; !e && fd < 3; fd++)
    if (dup2(slave, fd) < 0)
      e = herr_sys("process.terminal: dup2 the pty onto fd %d", fd);
  if (slave > 2)
    close(slave);
  return e;
}

/* An fd of /dev/console to mount over: an existing file or character
 * device, else a new empty file (anything else there is removed first). */
static herr open_console_target(int *fd)
{
  int dev = open("/dev", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (dev < 0)
    return herr_sys("open /dev");
  _cleanup_close_ int devfd = dev;
  struct stat st;
  if (fstatat(devfd, "console", &st, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISREG(st.st_mode) &&
      !S_ISCHR(st.st_mode) && unlinkat(devfd, "console", 0) < 0)
    return herr_sys("remove /dev/console");
  int c = openat(devfd, "console", O_PATH | O_NOFOLLOW | O_CLOEXEC);
  if (c < 0 && errno == ENOENT) {
    int made = openat(devfd, "console", O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
    if (made < 0)
      return herr_sys("create /dev/console");
    close(made);
    c = openat(devfd, "console", O_PATH | O_NOFOLLOW | O_CLOEXEC);
  }
  if (c < 0)
    return herr_sys("open /dev/console");
  *fd = c;
  return NULL;
}

herr terminal_mount_console(int slave)
{
  _cleanup_close_ int target = -1;
  TRY(open_console_target(&target));
  /* Through fds (open_tree + move_mount): no path is resolved again, and the
   * container's /proc, which it may have mounted anything on, is not used. */
  _cleanup_close_ int tree = (int)syscall(SYS_open_tree, slave, "",
                                          OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
  if (tree < 0)
    return herr_sys("bind the pty to /dev/console");
  if (syscall(SYS_move_mount, tree, "", target, "",
              MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
    return herr_sys("bind the pty to /dev/console");
  return NULL;
}

/* ---- the console socket ---- */

/* sockaddr_un for `path`; a path too long for sun_path is reached through
 * its directory's fd (*dirfd, to be closed by the caller). */
static herr socket_address(const char *path, struct sockaddr_un *sa, int *dirfd)
{
  memset(sa, 0, sizeof(*sa));
  sa->sun_family = AF_UNIX;
  if (strlen(path) < sizeof(sa->sun_path)) {
    memcpy(sa->sun_path, path, strlen(path));
    return NULL;
  }
  _cleanup_free_ char *dir = xstrdup(path);
  char *slash = strrchr(dir, '/');
  if (!slash || slash == dir)
    return herr_new("--console-socket %s: path too long", path);
  *slash = '\0';
  *dirfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (*dirfd < 0)
    return herr_sys("--console-socket %s", path);
  int n = snprintf(sa->sun_path, sizeof(sa->sun_path), "/proc/self/fd/%d/%s", *dirfd, slash + 1);
  if (n < 0 || (size_t)n >= sizeof(sa->sun_path))
    return herr_new("--console-socket %s: file name too long", path);
  return NULL;
}

static herr send_fd_with_name(int sock, int fd, const char *name)
{
  union {
    char buf[CMSG_SPACE(sizeof(int))];
    struct cmsghdr align;
  } u;
  memset(&u, 0, sizeof(u));
  struct iovec iov = { .iov_base = (void *)name, .iov_len = strlen(name) };
  struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
                       .msg_control = u.buf, .msg_controllen = sizeof(u.buf) };
  struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int));
  memcpy(CMSG_DATA(c), &fd, sizeof(int));
  while (sendmsg(sock, &mh, MSG_NOSIGNAL) < 0) {
    if (errno != EINTR)
      return herr_sys("send the pty master");
  }
  return NULL;
}

herr terminal_send_to_socket(const char *path, int master)
{
  struct sockaddr_un sa;
  _cleanup_close_ int dirfd = -1;
  TRY(socket_address(path, &sa, &dirfd));
  _cleanup_close_ int sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (sock < 0)
    return herr_sys("--console-socket: socket");
  if (connect(sock, (struct sockaddr *)&sa, sizeof(sa)) < 0)
    return herr_sys("--console-socket: connect to %s", path);
  TRY_WRAP(send_fd_with_name(sock, master, "/dev/ptmx"), "--console-socket %s", path);
  return NULL;
}

/* ---- the foreground relay ---- */

struct relay {
  int master;
  pid_t pid;
  int sigfd;
  bool stdin_open;      /* still reading our stdin */
  bool master_open;     /* the pty still has a slave */
  bool exited;          /* pid has been reaped */
  int wstatus;
  char in[4096];        /* read from stdin, not yet written to the pty */
  size_t in_len, in_off;
  bool raw;             /* our stdin was set raw: restore `saved` */
  struct termios saved;
};

void terminal_copy_window_size(int master)
{
  struct winsize ws;
  /* A terminal that does not know its size (0x0) keeps consoleSize's. */
  if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row && ws.ws_col)
    ioctl(master, TIOCSWINSZ, &ws);
}

static void copy_window_size(struct relay *r)
{
  terminal_copy_window_size(r->master);
}

static void enter_raw_mode(struct relay *r)
{
  if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &r->saved) < 0)
    return;
  struct termios raw = r->saved;
  cfmakeraw(&raw);
  if (tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0)
    r->raw = true;
  copy_window_size(r);
}

static void leave_raw_mode(struct relay *r)
{
  if (r->raw)
    tcsetattr(STDIN_FILENO, TCSANOW, &r->saved);
}

/* Our stdin ended (a pipe or file, not a terminal): the process sees end of
 * file the way a terminal gives it, as the VEOF character. */
static void send_eof(struct relay *r)
{
  struct termios t;
  char eof = 4; /* ^D */
  if (tcgetattr(r->master, &t) == 0 && t.c_cc[VEOF])
    eof = (char)t.c_cc[VEOF];
  if (write(r->master, &eof, 1) < 0 && errno != EAGAIN)
    r->master_open = false;
}

static void read_stdin(struct relay *r)
{
  ssize_t n = read(STDIN_FILENO, r->in, sizeof(r->in));
  if (n < 0 && (errno == EINTR || errno == EAGAIN))
    return;
  if (n <= 0) {
    r->stdin_open = false;
    send_eof(r);
    return;
  }
  r->in_len = (size_t)n;
  r->in_off = 0;
}

static void write_master(struct relay *r)
{
  ssize_t n = write(r->master, r->in + r->in_off, r->in_len - r->in_off);
  if (n < 0 && (errno == EINTR || errno == EAGAIN))
    return;
  if (n < 0) {
    r->master_open = false;
    return;
  }
  r->in_off += (size_t)n;
  if (r->in_off == r->in_len)
    r->in_len = r->in_off = 0;
}

/* Copy what the pty has to stdout; false when there is nothing (more) now. */
static bool copy_master_output(struct relay *r)
{
  char buf[4096];
  ssize_t n = read(r->master, buf, sizeof(buf));
  if (n < 0 && (errno == EINTR || errno == EAGAIN))
    return false;
  if (n <= 0) {
    /* EIO: no slave is open any more. */
    r->master_open = false;
    return false;
  }
  herr e = write_all(STDOUT_FILENO, buf, (size_t)n);
  herr_free(e);
  return true;
}

static void reap_children(struct relay *r)
{
  int status;
  pid_t p;
  while ((p = waitpid(-1, &status, WNOHANG)) > 0) {
    if (p == r->pid) {
      r->exited = true;
      r->wstatus = status;
    }
  }
  if (p < 0 && errno == ECHILD && !r->exited) {
    /* Reaped behind our back: its status is lost, but it is gone. */
    r->exited = true;
    r->wstatus = 0;
  }
}

static void handle_signals(struct relay *r)
{
  struct signalfd_siginfo si;
  while (read(r->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
    if (si.ssi_signo == SIGWINCH)
      copy_window_size(r);
  }
  reap_children(r);
}

static void relay_once(struct relay *r)
{
  struct pollfd p[3] = {
    { .fd = r->sigfd, .events = POLLIN },
    { .fd = r->master_open ? r->master : -1, .events = POLLIN | (r->in_len ? POLLOUT : 0) },
    { .fd = r->stdin_open && !r->in_len ? STDIN_FILENO : -1, .events = POLLIN },
  };
  if (poll(p, 3, -1) < 0)
    return; /* EINTR: a forwarded signal; go round */
  if (p[0].revents)
    handle_signals(r);
  if (p[1].revents & POLLOUT)
    write_master(r);
  if (p[1].revents & (POLLIN | POLLHUP | POLLERR))
    copy_master_output(r);
  if (p[2].revents)
    read_stdin(r);
}

/* What the process wrote before it exited may still be on its way through
 * the pty (the kernel moves it to the master side asynchronously): read until
 * the master reports that no slave is open (EIO), or nothing came for a
 * while because a process that outlived the container holds the slave. */
static void drain_master(struct relay *r)
{
  struct pollfd p = { .fd = r->master, .events = POLLIN };
  while (r->master_open) {
    if (copy_master_output(r))
      continue;
    if (!r->master_open)
      break;
    int n = poll(&p, 1, 200);
    if (n == 0)
      break;
    if (n < 0 && errno != EINTR)
      break;
  }
}

static herr relay_setup(struct relay *r, sigset_t *old)
{
  sigset_t mask;
  sigemptyset(&mask);
  sigaddset(&mask, SIGCHLD);
  sigaddset(&mask, SIGWINCH);
  if (sigprocmask(SIG_BLOCK, &mask, old) < 0)
    return herr_sys("sigprocmask");
  r->sigfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
  if (r->sigfd < 0)
    return herr_sys("signalfd");
  int fl = fcntl(r->master, F_GETFL);
  if (fl < 0 || fcntl(r->master, F_SETFL, fl | O_NONBLOCK) < 0)
    return herr_sys("make the pty master non-blocking");
  enter_raw_mode(r);
  return NULL;
}

herr terminal_relay(int master, pid_t pid, int *exit_status)
{
  struct relay r = { .master = master, .pid = pid, .sigfd = -1,
                     .stdin_open = true, .master_open = true };
  sigset_t old;
  sigprocmask(SIG_BLOCK, NULL, &old);
  herr e = relay_setup(&r, &old);
  if (!e) {
    reap_children(&r); /* it may be gone already */
    while (!r.exited)
      relay_once(&r);
    drain_master(&r);
    *exit_status = WIFEXITED(r.wstatus) ? WEXITSTATUS(r.wstatus) : 128 + WTERMSIG(r.wstatus);
  }
  leave_raw_mode(&r);
  if (r.sigfd >= 0)
    close(r.sigfd);
  sigprocmask(SIG_SETMASK, &old, NULL);
  return e;
}
