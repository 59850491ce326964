/* trampoline.h - the user's program is executed through a sealed copy of a
 * tiny program, never straight from hull (CVE-2019-5736 class).
 *
 * hull does not re-execute itself: the container process is a clone of the
 * runtime, so until its final execve /proc/PID/exe is hull's binary on the
 * host.  Two ways lead from a container to that file:
 *
 *  1. another process of the container opens /proc/PID/exe of the waiting
 *     set-up process (O_PATH, then reopens it for writing through
 *     /proc/self/fd once no process runs hull any more).  The set-up process
 *     is non-dumpable from birth until its execve (spawn.c, init.c, exec.c),
 *     which stops every process without CAP_SYS_PTRACE in hull's own user
 *     namespace (one that has it could as well ptrace the set-up process).
 *  2. the container's program is /proc/self/exe (or a "#!/proc/self/exe"
 *     script, or a binfmt_misc interpreter leading there): its execve would
 *     run hull's binary itself, dumpable and inside the container.  Nothing
 *     the runtime can check before execve stops this without a race (the
 *     kernel resolves the interpreter chain, in the container's filesystem).
 *
 * For 2, the final execve is made by src/trampoline/trampoline.c, a
 * freestanding program of about 2 kB that hull carries in its binary
 * (trampoline_blob) and puts in a sealed, read-only memfd: from the
 * trampoline on, /proc/self/exe is that memfd, which nobody can write, so a
 * program that is /proc/self/exe runs the trampoline again, never hull.
 *
 * Cost: one memfd, one 2 kB write and one exec of a static program that makes
 * three system calls, in the container process only; no copy of hull and no
 * second start of the runtime.
 *
 * What the trampoline needs under the container's seccomp filter: execveat
 * (or execve and a mounted /proc), execve, and fcntl or close (to keep its
 * report fd from the program).
 */
#ifndef HULL_TRAMPOLINE_H
#define HULL_TRAMPOLINE_H

#include "error.h"

/* How the trampoline tells the runtime that the program's execve failed. */
enum trampoline_report {
  TRAMPOLINE_REPORT_TEXT, /* the message, as fail_to_start writes exec.fifo */
  TRAMPOLINE_REPORT_SYNC, /* a SYNC_ERROR message on a sync socket (exec) */
};

struct trampoline {
  int memfd; /* sealed, read-only, close-on-exec */
};
#define TRAMPOLINE_INIT { .memfd = -1 }

/* Make the sealed memfd.  Call it before the seccomp filter is loaded: the
 * system calls it makes may be filtered. */
herr trampoline_prepare(struct trampoline *t);

/* Let report_fd reach the trampoline, which closes it on its own execve.
 * Call it after the fd clean-up and before the seccomp filter is loaded. */
herr trampoline_pass_fd(int report_fd);

/* execve(path, argv, envp) through the trampoline; if that execve fails, the
 * trampoline writes "exec ARGV0: <strerror>" to report_fd as `how` and exits
 * 127.  Returns only if the trampoline itself could not be executed. */
herr trampoline_exec(const struct trampoline *t, int report_fd, enum trampoline_report how,
                     const char *path, char *const argv[], char *const envp[]);

void trampoline_close(struct trampoline *t);

#endif
