/* trampoline.c - the last program hull runs in a container before the user's.
 *
 * hull sets a container up in a clone of itself, so until the final execve the
 * process's /proc/PID/exe is hull's binary on the host.  A program that is
 * /proc/self/exe (or a "#!/proc/self/exe" script, or a binfmt_misc interpreter
 * leading there) would then run hull's own binary inside the container, where
 * another process of the container could open it for writing once it is free
 * (CVE-2019-5736).  So the final execve goes through this program, which hull
 * keeps in a sealed memfd (src/lib/trampoline.c): from here on /proc/self/exe
 * is that memfd, which nobody can change, and hull's binary is out of reach.
 *
 * It is freestanding (no libc, raw system calls) so that it costs one tiny
 * static exec, and it makes as few system calls as possible: they run under
 * the container's seccomp filter.
 *
 *   argv[0]  the report fd, in decimal: where an execve failure is told to hull
 *   argv[1]  how: "t" plain text (exec.fifo), "sN" a sync message of type N
 *   argv[2]  the message prefix ("exec ARGS0")
 *   argv[3]  the program's path
 *   argv[4]  ... the program's argv; the environment is passed on as it is
 */
#include <asm/unistd.h>
#include <asm-generic/errno.h>

#define F_SETFD 2
#define FD_CLOEXEC 1

#if defined(__x86_64__)
__asm__(".text\n"
        ".globl _start\n"
        ".type _start,@function\n"
        "_start:\n"
        "\txor %ebp, %ebp\n"
        "\tmov %rsp, %rdi\n"
        "\tand $-16, %rsp\n"
        "\tcall trampoline_main\n"
        "\thlt\n");

static long sys3(long n, long a, long b, long c)
{
  long ret;
  __asm__ volatile("syscall" : "=a"(ret) : "a"(n), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
  return ret;
}
#elif defined(__aarch64__)
__asm__(".text\n"
        ".globl _start\n"
        ".type _start,%function\n"
        "_start:\n"
        "\tmov x29, #0\n"
        "\tmov x30, #0\n"
        "\tmov x0, sp\n"
        "\tbl trampoline_main\n"
        "\tbrk #0\n");

static long sys3(long n, long a, long b, long c)
{
  register long x8 __asm__("x8") = n;
  register long x0 __asm__("x0") = a;
  register long x1 __asm__("x1") = b;
  register long x2 __asm__("x2") = c;
  __asm__ volatile("svc 0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2) : "memory");
  return x0;
}
#else
#error "hull's exec trampoline supports x86_64 and aarch64: port src/trampoline/trampoline.c"
#endif

/* The texts glibc's strerror gives, for what execve can fail with, so that
 * the message reads as it did when hull called execve itself. */
static const char *error_text(long err)
{
  switch (err) {
  case EPERM: return "Operation not permitted";
  case ENOENT: return "No such file or directory";
  case EIO: return "Input/output error";
  case E2BIG: return "Argument list too long";
  case ENOEXEC: return "Exec format error";
  case EBADF: return "Bad file descriptor";
  case EAGAIN: return "Resource temporarily unavailable";
  case ENOMEM: return "Cannot allocate memory";
  case EACCES: return "Permission denied";
  case EFAULT: return "Bad address";
  case ENOTDIR: return "Not a directory";
  case EISDIR: return "Is a directory";
  case EINVAL: return "Invalid argument";
  case ENFILE: return "Too many open files in system";
  case EMFILE: return "Too many open files";
  case ETXTBSY: return "Text file busy";
  case ENAMETOOLONG: return "File name too long";
  case ENOSYS: return "Function not implemented";
  case ELOOP: return "Too many levels of symbolic links";
  case ELIBBAD: return "Accessing a corrupted shared library";
  default: return "Unknown error";
  }
}

struct buf {
  char data[4096];
  unsigned long len;
};

static void put(struct buf *b, const char *s)
{
  while (*s && b->len < sizeof(b->data) - 1)
    b->data[b->len++] = *s++;
}

static void put_int32(struct buf *b, long v)
{
  unsigned int u = (unsigned int)v;
  for (int i = 0; i < 4; i++) /* little-endian, as on both supported machines */
    b->data[b->len++] = (char)(u >> (8 * i));
}

static long parse_number(const char *s)
{
  long v = 0;
  if (!*s)
    return -1;
  for (; *s; s++) {
    if (*s < '0' || *s > '9' || v > 100000000)
      return -1;
    v = v * 10 + (*s - '0');
  }
  return v;
}

/* One write, so that a sync message arrives as one SOCK_SEQPACKET packet:
 * for "sN" the layout of struct sync_msg (src/lib/sync.c): int32 type, int32
 * errno, then the text with its NUL. */
static void report(long fd, const char *how, const char *prefix, const char *text, long err)
{
  struct buf b;
  b.len = 0;
  if (how[0] == 's') {
    put_int32(&b, parse_number(how + 1));
    put_int32(&b, err);
  }
  put(&b, prefix);
  put(&b, ": ");
  put(&b, text);
  if (how[0] == 's')
    b.data[b.len++] = '\0';
  sys3(__NR_write, fd, (long)b.data, (long)b.len);
}

__attribute__((noreturn, used)) void trampoline_main(long *sp)
{
  long argc = sp[0];
  char **argv = (char **)(sp + 1);
  char **envp = argv + argc + 1;
  if (argc < 5)
    sys3(__NR_exit_group, 127, 0, 0);
  long fd = parse_number(argv[0]);
  /* The report fd must not reach the program: close it on its execve, or
   * now if the seccomp profile forbids fcntl (then a failure goes untold). */
  if (fd >= 0 && sys3(__NR_fcntl, fd, F_SETFD, FD_CLOEXEC) < 0) {
    if (sys3(__NR_close, fd, 0, 0) < 0) {
      report(fd, argv[1], argv[2], "the seccomp profile allows neither fcntl nor close, which hull needs", EPERM);
      sys3(__NR_exit_group, 127, 0, 0);
    }
    fd = -1;
  }
  long err = -sys3(__NR_execve, (long)argv[3], (long)(argv + 4), (long)envp);
  if (fd >= 0)
    report(fd, argv[1], argv[2], error_text(err), err);
  sys3(__NR_exit_group, 127, 0, 0);
  __builtin_unreachable();
}
