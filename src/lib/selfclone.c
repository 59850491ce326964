/* selfclone.c - run hull from a sealed memfd copy of its binary.  See selfclone.h. */
#include "selfclone.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif
#ifndef F_SEAL_EXEC
#define F_SEAL_EXEC 0x0020
#endif

/* Nothing can be written, resized, or unsealed; F_SEAL_EXEC (Linux 6.3) is
 * added when the kernel knows it. */
#define REQUIRED_SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

extern char **environ;

static int open_own_binary(void)
{
  return open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
}

static int create_memfd(void)
{
  int fd = memfd_create("hull", MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);
  if (fd < 0 && errno == EINVAL) /* before Linux 6.3: no MFD_EXEC, memfds are executable */
    fd = memfd_create("hull", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  return fd;
}

static herr copy_binary(int from, int to)
{
  struct stat st;
  if (fstat(from, &st) < 0)
    return herr_sys("stat hull's binary");
  off_t off = 0;
  while (off < st.st_size) {
    ssize_t n = sendfile(to, from, &off, (size_t)(st.st_size - off));
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return herr_sys("copy hull's binary into a memfd");
    if (n == 0)
      return herr_new("copy hull's binary into a memfd: it shrank while being copied");
  }
  return NULL;
}

static herr seal(int fd)
{
  if (fcntl(fd, F_ADD_SEALS, REQUIRED_SEALS | F_SEAL_EXEC) == 0)
    return NULL;
  if (errno == EINVAL && fcntl(fd, F_ADD_SEALS, REQUIRED_SEALS) == 0)
    return NULL;
  return herr_sys("seal the memfd copy of hull");
}

herr selfclone_ensure(char **argv)
{
  _cleanup_close_ int exe = open_own_binary();
  if (exe < 0)
    return herr_sys("open /proc/self/exe");
  int seals = fcntl(exe, F_GET_SEALS);
  if (seals >= 0 && (seals & REQUIRED_SEALS) == REQUIRED_SEALS) {
    /* The kernel named us after the fd ("3"): take our name back for ps. */
    prctl(PR_SET_NAME, "hull", 0, 0, 0);
    return NULL;
  }
  /* Through a read-only mount nobody opens the binary for writing (EROFS),
   * and a container cannot remount a mount of the host's namespace. */
  struct statvfs sv;
  if (fstatvfs(exe, &sv) == 0 && (sv.f_flag & ST_RDONLY))
    return NULL;
  _cleanup_close_ int copy = create_memfd();
  if (copy < 0)
    return herr_sys("memfd_create for a sealed copy of hull (is vm.memfd_noexec 2?)");
  TRY(copy_binary(exe, copy));
  TRY(seal(copy));
  syscall(SYS_execveat, copy, "", argv, environ, AT_EMPTY_PATH);
  return herr_sys("re-execute hull from its sealed copy");
}
