/* sync.h - the parent/child protocol of `create`.
 *
 * The runtime and the container process talk over a SOCK_SEQPACKET
 * socketpair, one message per step, so that each side knows exactly where the
 * other is.  The order of a create:
 *
 *   parent                              child (container process)
 *   clone() ---------------------------> waits for SYNC_ID_MAPPED
 *   writes uid_map/gid_map
 *   SYNC_ID_MAPPED -------------------->
 *                                       joins namespaces, sets up mounts
 *            <------------------------- SYNC_RUN_HOOKS
 *   prestart + createRuntime hooks
 *   SYNC_HOOKS_DONE ------------------->
 *                                       createContainer hooks, pivot_root, ...
 *            <------------------------- SYNC_READY
 *   writes state.json
 *   SYNC_RECORDED --------------------->
 *                                       stops dying with the parent
 *            <------------------------- SYNC_DETACHED
 *   returns                             waits on start.fifo
 *
 * Until SYNC_RECORDED the child dies with the parent (PR_SET_PDEATHSIG): a
 * create killed at any point leaves no process that state.json does not name.
 *
 * Either side may send SYNC_ERROR (errno + message) instead; the child then exits.
 */
#ifndef HULL_SYNC_H
#define HULL_SYNC_H

#include <sys/types.h>

#include "error.h"

enum sync_type {
  SYNC_ID_MAPPED = 1, /* parent -> child: uid/gid maps written */
  SYNC_PID,           /* child -> parent: a grandchild is the container process (value: its pid) */
  SYNC_RUN_HOOKS,     /* child -> parent: run prestart + createRuntime now */
  SYNC_HOOKS_DONE,    /* parent -> child */
  SYNC_READY,         /* child -> parent: created, waiting for start */
  SYNC_RECORDED,      /* parent -> child: state.json names you, you may outlive me */
  SYNC_DETACHED,      /* child -> parent: no longer dies with the parent */
  SYNC_PTY,           /* child -> parent: the pty master, as SCM_RIGHTS (process.terminal) */
  SYNC_CGROUP_READY,  /* parent -> child: you are in your cgroup (then unshare the cgroup ns) */
  SYNC_ERROR,         /* either way: value is errno, text the message */
};

/* Make the pair; [0] is the parent's end, [1] the child's (both CLOEXEC). */
herr sync_pair(int fds[2]);
herr sync_send(int fd, enum sync_type type, int value);
/* Send the sender's own pid as SCM_CREDENTIALS, so that the receiver reads it
 * in its own pid namespace (the grandchild case). */
herr sync_send_pid_creds(int fd);
/* Report an error to the other side (best effort: the error is also returned). */
void sync_send_error(int fd, const struct hull_error *e);
/* Wait for `expect`.  A SYNC_ERROR becomes an herr with the peer's message;
 * EOF becomes "container process exited during set-up".  For SYNC_PID sent with
 * creds, `value` is the translated pid. */
herr sync_expect(int fd, enum sync_type expect, int *value);
/* Send `type` with the descriptor `passfd` attached (SCM_RIGHTS). */
herr sync_send_fd(int fd, enum sync_type type, int passfd);
/* Wait for `expect` carrying a descriptor; *passfd gets it (close-on-exec). */
herr sync_expect_fd(int fd, enum sync_type expect, int *passfd);
/* Wait for the peer's execve: EOF (its close-on-exec end went away with the
 * exec) is success, a SYNC_ERROR is its error. */
herr sync_expect_exec(int fd);

#endif
