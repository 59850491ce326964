/* spawn.h - the runtime's side of `create`: check the bundle, make the state
 * directory, clone the container process into its namespaces and walk it
 * through set-up (see sync.h for the protocol). */
#ifndef HULL_SPAWN_H
#define HULL_SPAWN_H

#include <sys/types.h>

#include "container.h"
#include "error.h"

/* Create the container.  On success the state is `created` and `*pid` the
 * container process (a child of the caller).  On failure nothing is left:
 * no state directory, no process (mounts die with its mount namespace). */
herr spawn_container(const struct create_opts *o, pid_t *pid);

/* Write pid to a --pid-file (atomically: readers see all of it or nothing). */
herr write_pid_file(const char *path, pid_t pid);

/* Kill a process and wait until it is gone; it need not be our child. */
herr kill_and_wait(pid_t pid, unsigned long long start_time);

#endif
