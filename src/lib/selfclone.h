/* selfclone.h - run hull from a sealed in-memory copy of its binary
 * (CVE-2019-5736 class).
 *
 * hull does not re-execute itself to set a container up: the container process
 * is a clone of the runtime, so until its execve /proc/PID/exe is hull's
 * binary.  Two ways lead from the container to that file:
 *
 *  1. another process in the container's pid namespace opens /proc/PID/exe of
 *     the waiting container process (O_PATH, then reopens it for writing
 *     through /proc/self/fd once no process runs hull any more);
 *  2. the container's program is "/proc/self/exe" (or a "#!/proc/self/exe"
 *     script, or a binfmt_misc interpreter path the image controls): its
 *     execve runs hull's binary itself, now dumpable and inside the
 *     container, and the same trick opens it.
 *
 * The set-up process is non-dumpable from its first instruction (spawn.c,
 * init.c), which stops 1 and keeps the process's fds, root and cwd private.
 * Nothing the runtime can check before execve stops 2 without a race (the
 * interpreter chain is resolved by the kernel, in the container's filesystem),
 * so the commands that start a process in a container (create, run, exec)
 * first re-execute hull from a memfd copy of its binary, sealed against
 * writes: the binary a container can reach is then that copy, which nobody
 * can change, and never the file on the host.
 *
 * Cost: one execve and one in-memory copy of the binary per create, run and
 * exec (about 2 ms of CPU and 0.3 MB for a stripped hull); the copy is freed
 * when the last process running it is gone (for create, when the container
 * process execs its program).  A binary on a read-only mount needs no copy:
 * nothing can open it for writing there.
 */
#ifndef HULL_SELFCLONE_H
#define HULL_SELFCLONE_H

#include "error.h"

/* Re-execute from a sealed copy unless already running from one, with the
 * same arguments and environment.  Returns only on error (or when already
 * running from the copy). */
herr selfclone_ensure(char **argv);

#endif
