/* hooks.h - running the config.md "POSIX-platform Hooks". */
#ifndef HULL_HOOKS_H
#define HULL_HOOKS_H

#include "error.h"
#include "spec.h"

/* Run `hooks[0..n)` in order, each with `state_json` on its stdin, `path`,
 * `args`, `env` as given and killed after `timeout` seconds.  The first hook
 * that fails (non-zero exit, signal, timeout, exec failure) stops the run and
 * its error names the phase and index ("createRuntime hook [1] (/usr/bin/x):
 * exited with status 3"), with what the hook wrote to stderr when short. */
herr hooks_run(const char *phase, const struct oci_hook *hooks, size_t n,
               const char *state_json);

/* Like hooks_run, but every failure is only logged as a warning and all hooks
 * run: poststop (runtime.md "Lifecycle" step 13).  A failing poststart hook is
 * an error (step 9), so poststart uses hooks_run. */
void hooks_run_warn(const char *phase, const struct oci_hook *hooks, size_t n,
                    const char *state_json);

#endif
