/* trampoline.c - exec the user's program through a sealed tiny program.  See
 * trampoline.h and src/trampoline/trampoline.c. */
#include "trampoline.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"
#include "sync.h"
#include "utils.h"

/* The trampoline's binary, generated at build time (Makefile.am). */
extern const unsigned char trampoline_blob[];
extern const size_t trampoline_blob_size;

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif
#ifndef F_SEAL_EXEC
#define F_SEAL_EXEC 0x0020
#endif
#define REQUIRED_SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

static int create_memfd(void)
{
  unsigned flags = MFD_CLOEXEC | MFD_ALLOW_SEALING;
  int fd = memfd_create("hull-trampoline", flags | MFD_EXEC);
  if (fd < 0 && errno == EINVAL) /* before Linux 6.3: no MFD_EXEC, memfds are executable */
    fd = memfd_create("hull-trampoline", flags);
  return fd;
}

/* Readable and executable by all (valgrind, for one, reads what it is
 * asked to execute), written by nobody: sealed. */
static herr seal(int fd)
{
  if (fchmod(fd, 0555) < 0)
    return herr_sys("make hull's exec trampoline read-only");
  if (fcntl(fd, F_ADD_SEALS, REQUIRED_SEALS | F_SEAL_EXEC) == 0)
    return NULL;
  if (errno == EINVAL && fcntl(fd, F_ADD_SEALS, REQUIRED_SEALS) == 0)
    return NULL;
  return herr_sys("seal hull's exec trampoline");
}

herr trampoline_prepare(struct trampoline *t)
{
  _cleanup_close_ int fd = create_memfd();
  if (fd < 0)
    return herr_sys("memfd_create for hull's exec trampoline (is vm.memfd_noexec 2?)");
  TRY_WRAP(write_all(fd, trampoline_blob, trampoline_blob_size), "write hull's exec trampoline");
  TRY(seal(fd));
  t->memfd = steal_fd(&fd);
  return NULL;
}

void trampoline_close(struct trampoline *t)
{
  if (t->memfd >= 0)
    close(t->memfd);
  t->memfd = -1;
}

herr trampoline_pass_fd(int report_fd)
{
  int flags = fcntl(report_fd, F_GETFD);
  if (flags < 0 || fcntl(report_fd, F_SETFD, flags & ~FD_CLOEXEC) < 0)
    return herr_sys("pass fd %d to hull's exec trampoline", report_fd);
  return NULL;
}

/* [report fd, how, "exec ARGV0", path, argv...] */
static char **trampoline_argv(int report_fd, enum trampoline_report how, const char *path,
                              char *const argv[], char *fd_text, char *how_text, char *prefix,
                              size_t prefix_size)
{
  size_t n = 0;
  while (argv[n])
    n++;
  char **v = calloc(n + 5, sizeof(char *));
  if (!v)
    return NULL;
  snprintf(fd_text, 16, "%d", report_fd);
  if (how == TRAMPOLINE_REPORT_SYNC)
    snprintf(how_text, 16, "s%d", (int)SYNC_ERROR);
  else
    snprintf(how_text, 16, "t");
  snprintf(prefix, prefix_size, "exec %s", argv[0]);
  v[0] = fd_text;
  v[1] = how_text;
  v[2] = prefix;
  v[3] = (char *)path;
  memcpy(v + 4, argv, n * sizeof(char *));
  return v;
}

herr trampoline_exec(const struct trampoline *t, int report_fd, enum trampoline_report how,
                     const char *path, char *const argv[], char *const envp[])
{
  char fd_text[16], how_text[16], prefix[512];
  _cleanup_free_ char **v = trampoline_argv(report_fd, how, path, argv, fd_text, how_text,
                                           prefix, sizeof(prefix));
  if (!v)
    return herr_errno(ENOMEM, "exec %s", argv[0]);
  syscall(SYS_execveat, t->memfd, "", v, envp, AT_EMPTY_PATH);
  int at_errno = errno;
  /* A seccomp profile that allows execve only, or no execveat (valgrind). */
  char proc_path[64];
  snprintf(proc_path, sizeof(proc_path), "/proc/self/fd/%d", t->memfd);
  execve(proc_path, v, envp);
  int proc_errno = errno;
  return herr_new("exec %s: hull's exec trampoline cannot run (execveat: %s; execve %s: %s): "
                  "a seccomp profile must allow execveat, or execve with /proc mounted",
                  argv[0], strerror(at_errno), proc_path, strerror(proc_errno));
}
