/* fault.h - fault injection for tests: die at a named stage of `create`.
 *
 * In a build with HULL_FAULT_INJECTION (configure --enable-fault-injection, and
 * the test binary tests/helpers/hull-faults), HULL_FAULT=STAGE makes the process
 * that reaches fault_point(STAGE) kill itself with SIGKILL, as an OOM kill or
 * an impatient user would; HULL_FAULT=STAGE:abort makes it abort() instead.
 * In every other build fault_point() is empty and the variable is never read.
 *
 * The stages, in the order a create passes them (tests/faults.bats):
 *   hidden-dir   runtime: --root/.creating-PID is made and locked, not yet renamed to ID
 *   state-dir    runtime: --root/ID exists and is locked, nothing in it yet
 *   fifos        runtime: config.json and the FIFOs are in it, no process yet
 *   cloned       runtime: the container process exists, its set-up not guided
 *   child-setup  container process: its mounts are done, it is not ready
 *   ready        runtime: the process is ready, state.json not written yet
 *   recorded     runtime: state.json is written, create is about to return
 * and one of `delete`:
 *   deleting     --root/ID is renamed to .deleting-PID, its files not removed yet
 */
#ifndef HULL_FAULT_H
#define HULL_FAULT_H

#include "config.h"

#ifdef HULL_FAULT_INJECTION
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static inline void fault_point(const char *stage)
{
  const char *want = getenv("HULL_FAULT");
  size_t n = strlen(stage);
  if (!want || strncmp(want, stage, n) != 0 || (want[n] && want[n] != ':'))
    return;
  if (!strcmp(want + n, ":abort"))
    abort();
  kill(getpid(), SIGKILL);
  /* The init of a pid namespace ignores its own SIGKILL: die all the same. */
  _exit(128 + SIGKILL);
}
#else
static inline void fault_point(const char *stage)
{
  (void)stage;
}
#endif

#endif
