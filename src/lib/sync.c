/* sync.c - messages between the runtime and the container process. */
#include "sync.h"

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cleanup.h"

#define SYNC_TEXT_MAX 4000

struct sync_msg {
  int32_t type;
  int32_t value;
  char text[SYNC_TEXT_MAX];
};

static const char *sync_type_name(enum sync_type t)
{
  static const char *const names[] = {
    [SYNC_ID_MAPPED] = "id-mapped", [SYNC_PID] = "pid",
    [SYNC_RUN_HOOKS] = "run-hooks", [SYNC_HOOKS_DONE] = "hooks-done",
    [SYNC_READY] = "ready",         [SYNC_ERROR] = "error",
    [SYNC_PTY] = "pty",             [SYNC_RECORDED] = "recorded",
    [SYNC_DETACHED] = "detached",   [SYNC_CGROUP_READY] = "cgroup-ready",
  };
  return (t >= SYNC_ID_MAPPED && t <= SYNC_ERROR) ? names[t] : "unknown";
}

herr sync_pair(int fds[2])
{
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) < 0)
    return herr_sys("socketpair");
  int one = 1;
  /* The parent may receive a pid as credentials (see sync_send_pid_creds). */
  if (setsockopt(fds[0], SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)) < 0) {
    herr e = herr_sys("setsockopt SO_PASSCRED");
    close(fds[0]);
    close(fds[1]);
    return e;
  }
  return NULL;
}

static herr send_msg(int fd, const struct sync_msg *m, size_t len, struct msghdr *mh)
{
  struct iovec iov = { .iov_base = (void *)m, .iov_len = len };
  struct msghdr local = { 0 };
  if (!mh)
    mh = &local;
  mh->msg_iov = &iov;
  mh->msg_iovlen = 1;
  while (sendmsg(fd, mh, MSG_NOSIGNAL) < 0) {
    if (errno != EINTR)
      return herr_sys("sync: send %s", sync_type_name(m->type));
  }
  return NULL;
}

herr sync_send(int fd, enum sync_type type, int value)
{
  struct sync_msg m = { .type = type, .value = value };
  return send_msg(fd, &m, offsetof(struct sync_msg, text), NULL);
}

herr sync_send_pid_creds(int fd)
{
  struct sync_msg m = { .type = SYNC_PID, .value = getpid() };
  union {
    char buf[CMSG_SPACE(sizeof(struct ucred))];
    struct cmsghdr align;
  } u;
  memset(&u, 0, sizeof(u));
  struct msghdr mh = { .msg_control = u.buf, .msg_controllen = sizeof(u.buf) };
  struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_CREDENTIALS;
  c->cmsg_len = CMSG_LEN(sizeof(struct ucred));
  struct ucred cred = { .pid = getpid(), .uid = getuid(), .gid = getgid() };
  memcpy(CMSG_DATA(c), &cred, sizeof(cred));
  herr e = send_msg(fd, &m, offsetof(struct sync_msg, text), &mh);
  if (!e || herr_errnum(e) != EINVAL)
    return e;
  /* Just after joining a user namespace our ids may be ones it does not map
   * (the overflow ids: runc's maps stop at 65533), which the kernel refuses
   * as credentials.  Only the pid matters here: send its root instead, which
   * we may claim (we hold CAP_SETUID there). */
  herr_free(e);
  cred.uid = 0;
  cred.gid = 0;
  memcpy(CMSG_DATA(c), &cred, sizeof(cred));
  return send_msg(fd, &m, offsetof(struct sync_msg, text), &mh);
}

void sync_send_error(int fd, const struct hull_error *e)
{
  struct sync_msg m = { .type = SYNC_ERROR, .value = herr_errnum(e) };
  _cleanup_free_ char *text = herr_format(e);
  snprintf(m.text, sizeof(m.text), "%s", text ? text : "unknown error");
  /* The message carries the text only: errno is already formatted into it. */
  herr s = send_msg(fd, &m, offsetof(struct sync_msg, text) + strlen(m.text) + 1, NULL);
  herr_free(s);
}

/* Room for what a message may carry: the sender's credentials (which
 * SO_PASSCRED adds to every message) and one fd. */
union sync_control {
  char both[CMSG_SPACE(sizeof(struct ucred)) + CMSG_SPACE(sizeof(int))];
  char fd[CMSG_SPACE(sizeof(int))];
  struct cmsghdr align;
};

/* What a received message carried besides its data. */
struct sync_extra {
  bool has_pid;
  pid_t pid;     /* SCM_CREDENTIALS, translated into our pid namespace */
  int fd;        /* SCM_RIGHTS, -1 if none */
};

static void read_control(struct msghdr *mh, struct sync_extra *x)
{
  for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
    if (c->cmsg_level != SOL_SOCKET)
      continue;
    if (c->cmsg_type == SCM_CREDENTIALS) {
      struct ucred cred;
      memcpy(&cred, CMSG_DATA(c), sizeof(cred));
      x->has_pid = true;
      x->pid = cred.pid;
    } else if (c->cmsg_type == SCM_RIGHTS && x->fd < 0) {
      memcpy(&x->fd, CMSG_DATA(c), sizeof(int));
    }
  }
}

/* Receive one message.  *n is 0 at EOF.  An fd that came with it is in x->fd. */
static herr recv_msg(int fd, enum sync_type expect, struct sync_msg *m, ssize_t *n,
                     struct sync_extra *x)
{
  union sync_control u;
  struct iovec iov = { .iov_base = m, .iov_len = sizeof(*m) - 1 };
  struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
                       .msg_control = u.both, .msg_controllen = sizeof(u.both) };
  x->has_pid = false;
  x->fd = -1;
  while ((*n = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC)) < 0) {
    if (errno != EINTR)
      return herr_sys("sync: waiting for %s", sync_type_name(expect));
  }
  read_control(&mh, x);
  if (*n > 0)
    ((char *)m)[*n] = '\0';
  return NULL;
}

/* Check a received message against `expect`; EOF is reported by the caller. */
static herr check_msg(const struct sync_msg *m, ssize_t n, enum sync_type expect)
{
  if ((size_t)n < offsetof(struct sync_msg, text))
    return herr_new("sync: short message while waiting for %s", sync_type_name(expect));
  if (m->type == SYNC_ERROR)
    return herr_new("%s", (size_t)n > offsetof(struct sync_msg, text) ? m->text : "unknown error");
  if (m->type != (int32_t)expect)
    return herr_new("sync: expected %s, got %s", sync_type_name(expect), sync_type_name(m->type));
  return NULL;
}

herr sync_expect(int fd, enum sync_type expect, int *value)
{
  struct sync_msg m;
  struct sync_extra x;
  ssize_t n;
  TRY(recv_msg(fd, expect, &m, &n, &x));
  if (x.fd >= 0)
    close(x.fd);
  if (n == 0)
    return herr_new("the container process exited during set-up");
  TRY(check_msg(&m, n, expect));
  if (value)
    *value = (expect == SYNC_PID && x.has_pid) ? x.pid : m.value;
  return NULL;
}

herr sync_send_fd(int fd, enum sync_type type, int passfd)
{
  struct sync_msg m = { .type = type };
  union sync_control u;
  memset(&u, 0, sizeof(u));
  struct msghdr mh = { .msg_control = u.fd, .msg_controllen = sizeof(u.fd) };
  struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int));
  memcpy(CMSG_DATA(c), &passfd, sizeof(int));
  return send_msg(fd, &m, offsetof(struct sync_msg, text), &mh);
}

herr sync_expect_fd(int fd, enum sync_type expect, int *passfd)
{
  struct sync_msg m;
  struct sync_extra x;
  ssize_t n;
  TRY(recv_msg(fd, expect, &m, &n, &x));
  _cleanup_close_ int got = x.fd;
  if (n == 0)
    return herr_new("the container process exited during set-up");
  TRY(check_msg(&m, n, expect));
  if (got < 0)
    return herr_new("sync: %s came without its file descriptor", sync_type_name(expect));
  *passfd = steal_fd(&got);
  return NULL;
}

herr sync_expect_exec(int fd)
{
  struct sync_msg m;
  struct sync_extra x;
  ssize_t n;
  TRY(recv_msg(fd, SYNC_ERROR, &m, &n, &x));
  if (x.fd >= 0)
    close(x.fd);
  if (n == 0)
    return NULL;
  if ((size_t)n >= offsetof(struct sync_msg, text) && m.type == SYNC_ERROR)
    return herr_new("%s", (size_t)n > offsetof(struct sync_msg, text) ? m.text : "unknown error");
  return herr_new("sync: unexpected %s while waiting for the process to start",
                  sync_type_name(m.type));
}
