/* seccomp.h - linux.seccomp (config-linux.md "Seccomp").
 *
 * The filter is compiled with libseccomp by the runtime at create, before
 * anything exists, so that every mistake in it is reported with its JSON path;
 * the container process inherits the compiled BPF program and installs it with
 * seccomp(2) itself, as late as it can (see seccomp_install()).  Loading the
 * program ourselves rather than through seccomp_load() lets hull pass every
 * SECCOMP_FILTER_FLAG_* the kernel has, whatever libseccomp version it is built
 * with (WAIT_KILLABLE_RECV needs libseccomp 2.6 otherwise).
 *
 * SCMP_ACT_NOTIFY: the container process connects to listenerPath while it
 * still sees the runtime's filesystem (before pivot_root), and after loading
 * the filter sends the container process state (config-linux.md "The Container
 * Process State") with the notify fd in SCM_RIGHTS.
 */
#ifndef HULL_SECCOMP_H
#define HULL_SECCOMP_H

#include <stdbool.h>
#include <sys/types.h>

#include "error.h"
#include "spec.h"

/* A compiled filter, ready for seccomp(SECCOMP_SET_MODE_FILTER). */
struct seccomp_program;

/* Compile linux.seccomp (NULL: *out = NULL, no filter).  Errors name the JSON
 * path of the offending field; a syscall name this libseccomp does not know
 * is skipped with a warning, as runc does. */
herr seccomp_compile(const struct oci_seccomp *s, struct seccomp_program **out);
void seccomp_program_free(struct seccomp_program *p);

/* Does the filter use SCMP_ACT_NOTIFY (and so need a listener)? */
bool seccomp_uses_notify(const struct seccomp_program *p);

/* The connection to listenerPath and the container process's pid as the
 * runtime sees it (for the state sent with the notify fd). */
struct seccomp_listener {
  int fd;     /* -1 when not connected */
  pid_t pid;
};
#define SECCOMP_LISTENER_INIT { .fd = -1, .pid = 0 }

/* Connect to listenerPath when the filter uses SCMP_ACT_NOTIFY (otherwise do
 * nothing).  Call in the container process before pivot_root: the path
 * resolves in the runtime's mount namespace, and the runtime's /proc tells
 * the process its pid there.  The socket is close-on-exec. */
herr seccomp_listener_connect(const struct seccomp_program *p, struct seccomp_listener *l);
void seccomp_listener_close(struct seccomp_listener *l);

/* Without no_new_privs the kernel lets only a process with CAP_SYS_ADMIN load
 * a filter.  True when `proc` will have neither (noNewPrivileges unset, no
 * CAP_SYS_ADMIN in its effective set): the filter must then be installed
 * before the capabilities are dropped (see init.c's become_process()). */
bool seccomp_needs_privileged_load(const struct seccomp_program *p, const struct oci_process *proc);

/* Load the filter into the calling process (and, if it notifies, send the
 * notify fd and `state_json` (runtime.md "State") to the listener, then close
 * both).  With `privileged`, CAP_SYS_ADMIN is first raised in the effective
 * set from the permitted one, for the kernel's check; the caller drops it
 * right after.  NULL `p`: nothing to do. */
herr seccomp_install(const struct seccomp_program *p, struct seccomp_listener *l,
                     const char *state_json, bool privileged);

/* For `features`: NULL-terminated static lists. */
const char *const *seccomp_known_actions(void);
const char *const *seccomp_known_operators(void);
const char *const *seccomp_known_flags(void);
/* The architectures this libseccomp resolves, and the flags this kernel
 * accepts: NULL-terminated arrays of static strings, malloc'd (free the
 * array only).  NULL when out of memory. */
const char **seccomp_supported_archs(void);
const char **seccomp_supported_flags(void);

#endif
