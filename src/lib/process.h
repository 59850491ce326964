/* process.h - the container's process: who it runs as and what it executes. */
#ifndef HULL_PROCESS_H
#define HULL_PROCESS_H

#include "error.h"
#include "spec.h"
#include "trampoline.h"

/* Checks that need no container: cwd absolute, args present. */
herr process_validate(const struct oci_process *p);

/* Find args[0] like execvp after chdir(process.cwd) would, with PATH from
 * process.env (inside the container, after pivot_root): a relative path is
 * relative to process.cwd; the result is absolute.  Error: `exec: "foo": executable file not
 * found in $PATH (PATH=...)`, or "permission denied" for a non-executable file
 * (podman maps those words to exit codes 127 and 126). */
herr process_find_executable(const struct oci_process *p, char **path);

/* process.oomScoreAdj, written to /proc/self/oom_score_adj. */
herr process_set_oom_score_adj(const struct oci_process *p);

/* additionalGids, gid, uid (keeping capabilities across the switch) and umask. */
herr process_switch_user(const struct oci_process *p);

/* chdir(process.cwd), resolved inside the container. */
herr process_enter_cwd(const struct oci_process *p);

/* process.noNewPrivileges */
herr process_set_no_new_privileges(const struct oci_process *p);

/* execve(path, args, env) through hull's exec trampoline (trampoline.h),
 * which reports a failure of that execve on report_fd.  Returns only if the
 * trampoline could not run. */
herr process_exec(const struct oci_process *p, const char *path, const struct trampoline *t,
                  int report_fd, enum trampoline_report how);

#endif
