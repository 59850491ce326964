/* sync.c - messages between the runtime and the container process. */
#include "sync.h"

#include <errno.h>
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

herr sync_expect(int fd, enum sync_type expect, int *value)
{
  struct sync_msg m;
  union {
    char buf[CMSG_SPACE(sizeof(struct ucred))];
    struct cmsghdr align;
  } u;
  struct iovec iov = { .iov_base = &m, .iov_len = sizeof(m) - 1 };
  struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
                       .msg_control = u.buf, .msg_controllen = sizeof(u.buf) };
  ssize_t n;
  while ((n = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC)) < 0) {
    if (errno != EINTR)
      return herr_sys("sync: waiting for %s", sync_type_name(expect));
  }
  if (n == 0)
    return herr_new("the container process exited during set-up");
  if ((size_t)n < offsetof(struct sync_msg, text))
    return herr_new("sync: short message while waiting for %s", sync_type_name(expect));
  ((char *)&m)[n] = '\0';
  if (m.type == SYNC_ERROR)
    return herr_new("%s", (size_t)n > offsetof(struct sync_msg, text) ? m.text : "unknown error");
  if (m.type != (int32_t)expect)
    return herr_new("sync: expected %s, got %s", sync_type_name(expect), sync_type_name(m.type));
  if (value)
    *value = m.value;
  for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS && value) {
      struct ucred cred;
      memcpy(&cred, CMSG_DATA(c), sizeof(cred));
      if (expect == SYNC_PID)
        *value = cred.pid;
    }
  }
  return NULL;
}
