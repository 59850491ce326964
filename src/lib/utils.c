/* utils.c - small file and string helpers shared by the engine. */
#include "utils.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <spawn.h>
#include <sys/wait.h>
#include <linux/close_range.h>

#include "cleanup.h"

char *xstrdup(const char *s)
{
  char *r = strdup(s ? s : "");
  if (!r)
    abort();
  return r;
}

herr write_all(int fd, const void *buf, size_t len)
{
  const char *p = buf;
  while (len > 0) {
    ssize_t w = write(fd, p, len);
    if (w < 0) {
      if (errno == EINTR)
        continue;
      return herr_sys("write");
    }
    p += w;
    len -= (size_t)w;
  }
  return NULL;
}

herr read_file_at(int dirfd, const char *path, char **out, size_t *len)
{
  _cleanup_close_ int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return herr_sys("open %s", path);
  return read_fd(fd, path, out, len);
}

herr read_fd(int fd, const char *path, char **out, size_t *len)
{
  size_t cap = 4096, n = 0;
  _cleanup_free_ char *buf = malloc(cap + 1);
  if (!buf)
    return herr_errno(ENOMEM, "read %s", path);
  for (;;) {
    if (n == cap) {
      cap *= 2;
      char *nb = realloc(buf, cap + 1);
      if (!nb)
        return herr_errno(ENOMEM, "read %s", path);
      buf = nb;
    }
    ssize_t r = read(fd, buf + n, cap - n);
    if (r < 0) {
      if (errno == EINTR)
        continue;
      return herr_sys("read %s", path);
    }
    if (r == 0)
      break;
    n += (size_t)r;
  }
  buf[n] = '\0';
  if (len)
    *len = n;
  *out = STEAL(buf);
  return NULL;
}

herr read_file(const char *path, char **out, size_t *len)
{
  return read_file_at(AT_FDCWD, path, out, len);
}

herr write_file_at(int dirfd, const char *path, const char *data, size_t len)
{
  _cleanup_close_ int fd = openat(dirfd, path, O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return herr_sys("open %s", path);
  /* /proc files want the whole value in one write. */
  ssize_t w = write(fd, data, len);
  if (w < 0)
    return herr_sys("write %s", path);
  if ((size_t)w != len)
    return herr_new("write %s: short write", path);
  return NULL;
}

herr write_file(const char *path, const char *data, size_t len)
{
  return write_file_at(AT_FDCWD, path, data, len);
}

herr write_file_atomic_at(int dirfd, const char *name, const char *data, size_t len, mode_t mode)
{
  char tmp[PATH_MAX];
  snprintf(tmp, sizeof(tmp), ".%s.tmp.%d", name, (int)getpid());
  _cleanup_close_ int fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0)
    return herr_sys("create %s", tmp);
  herr e = write_all(fd, data, len);
  if (!e && close(steal_fd(&fd)) < 0)
    e = herr_sys("close %s", tmp);
  if (!e && renameat(dirfd, tmp, dirfd, name) < 0)
    e = herr_sys("rename %s to %s", tmp, name);
  if (e) {
    unlinkat(dirfd, tmp, 0);
    return herr_wrap(e, "write %s", name);
  }
  return NULL;
}

herr mkdir_p(const char *path, mode_t mode)
{
  _cleanup_free_ char *copy = xstrdup(path);
  for (char *p = copy + 1; *p; p++) {
    if (*p != '/')
      continue;
    *p = '\0';
    if (mkdir(copy, mode) < 0 && errno != EEXIST)
      return herr_sys("mkdir %s", copy);
    *p = '/';
  }
  if (mkdir(copy, mode) < 0 && errno != EEXIST)
    return herr_sys("mkdir %s", copy);
  return NULL;
}

char *path_join(const char *a, const char *b)
{
  while (*b == '/')
    b++;
  size_t la = strlen(a);
  while (la > 1 && a[la - 1] == '/')
    la--;
  char *r = NULL;
  if (asprintf(&r, "%.*s/%s", (int)la, a, b) < 0)
    abort();
  return r;
}

herr real_path(const char *path, char **out)
{
  char *r = realpath(path, NULL);
  if (!r)
    return herr_sys("%s", path);
  *out = r;
  return NULL;
}

/* Where a loop over fds stops when close_range is missing (before Linux 5.9;
 * CLOSE_RANGE_CLOEXEC before 5.11) or refused by a seccomp filter: past the
 * NOFILE limit, and far enough for fds opened before it was lowered. */
static int fd_loop_end(void)
{
  struct rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur > 65536)
    return rl.rlim_cur > INT_MAX ? INT_MAX : (int)rl.rlim_cur;
  return 65536;
}

void close_fds_from(int from)
{
  if (syscall(SYS_close_range, (unsigned)from, ~0U, 0) == 0)
    return;
  for (int fd = from, end = fd_loop_end(); fd < end; fd++)
    close(fd);
}

static herr cloexec_fds_from(int from)
{
  if (syscall(SYS_close_range, (unsigned)from, ~0U, CLOSE_RANGE_CLOEXEC) == 0)
    return NULL;
  for (int fd = from, end = fd_loop_end(); fd < end; fd++)
    if (fcntl(fd, F_SETFD, FD_CLOEXEC) < 0 && errno != EBADF)
      return herr_sys("close-on-exec fd %d", fd);
  return NULL;
}

herr fds_keep_only_stdio_and(int preserve)
{
  for (int fd = 3; fd < 3 + preserve; fd++) {
    int flags = fcntl(fd, F_GETFD);
    if (flags >= 0 && fcntl(fd, F_SETFD, flags & ~FD_CLOEXEC) < 0)
      return herr_sys("preserve fd %d", fd);
  }
  return cloexec_fds_from(3 + preserve);
}

unsigned long long process_start_time(pid_t pid)
{
  char path[64];
  snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
  _cleanup_free_ char *buf = NULL;
  herr e = read_file(path, &buf, NULL);
  if (e) {
    herr_free(e);
    return 0;
  }
  /* comm may hold spaces and parentheses: fields resume after the last ')'. */
  char *p = strrchr(buf, ')');
  if (!p)
    return 0;
  char state = 0;
  unsigned long long start = 0;
  /* field 3 is state; start time is field 22, i.e. the 20th after state. */
  p += 2;
  state = *p;
  for (int field = 3; field < 22 && p; field++)
    p = strchr(p + 1, ' ');
  if (!p)
    return 0;
  start = strtoull(p + 1, NULL, 10);
  if (state == 'Z' || state == 'X')
    return 0;
  return start;
}

bool process_alive(pid_t pid)
{
  return pid > 0 && process_start_time(pid) != 0;
}

bool in_user_namespace(void)
{
  /* Cached: a container process cloned into a new user namespace inherits the
   * runtime's answer, and its own namespace is in its config anyway. */
  static int cached = -1;
  if (cached >= 0)
    return cached;
  /* The initial user namespace has one line mapping all 2^32-1 ids onto
   * themselves (what runc's and crun's checks look for too). */
  _cleanup_free_ char *map = NULL;
  herr e = read_file("/proc/self/uid_map", &map, NULL);
  if (e) {
    herr_free(e);
    return false;
  }
  unsigned long inside, outside, count;
  int end = 0;
  if (sscanf(map, "%lu %lu %lu %n", &inside, &outside, &count, &end) != 3)
    cached = 1;
  else
    cached = inside != 0 || outside != 0 || count != 4294967295UL || map[end] != '\0';
  return cached;
}

herr run_helper_program(char *const argv[])
{
  extern char **environ;
  pid_t pid;
  int r = posix_spawnp(&pid, argv[0], NULL, NULL, argv, environ);
  if (r)
    return herr_errno(r, "run %s", argv[0]);
  int status;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR)
      return herr_sys("wait for %s", argv[0]);
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
    return NULL;
  if (WIFEXITED(status))
    return herr_new("%s exited with status %d", argv[0], WEXITSTATUS(status));
  return herr_new("%s was killed by signal %d", argv[0], WTERMSIG(status));
}

/* Fds 3 .. 3+N-1 the caller did not open are filled with /dev/null, so that
 * none of our own descriptors lands there and is passed to the process. */
herr reserve_preserved_fds(int n)
{
  for (int fd = 3; fd < 3 + n; fd++) {
    if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
      continue;
    int null = open("/dev/null", O_RDWR);
    if (null < 0)
      return herr_sys("open /dev/null");
    if (null != fd) {
      int moved = dup2(null, fd);
      close(null);
      if (moved < 0)
        return herr_sys("dup2");
    }
  }
  return NULL;
}
