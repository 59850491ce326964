/* signals.h - signal names and numbers, as kill(1) and runc accept them;
 * the signal state a new program starts with. */
#ifndef HULL_SIGNALS_H
#define HULL_SIGNALS_H

#include "error.h"

/* "KILL", "SIGKILL", "sigkill", "9", "SIGRTMIN+3" -> number; error names the input. */
herr signal_parse(const char *text, int *signo);
/* "SIGKILL" for 9; NULL if unknown. */
const char *signal_name(int signo);

/* Every signal back to its default action and none blocked, as a program
 * expects at its start.  SIG_IGN and the blocked mask survive execve, so
 * without this a hook or the container's process would inherit whatever
 * hull's caller ignored or blocked (a CI runner's SIGPIPE, a shell's SIGINT).
 * Async-signal-safe. */
void signals_reset_defaults(void);

#endif
