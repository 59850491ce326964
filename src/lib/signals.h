/* signals.h - signal names and numbers, as kill(1) and runc accept them. */
#ifndef HULL_SIGNALS_H
#define HULL_SIGNALS_H

#include "error.h"

/* "KILL", "SIGKILL", "sigkill", "9", "SIGRTMIN+3" -> number; error names the input. */
herr signal_parse(const char *text, int *signo);
/* "SIGKILL" for 9; NULL if unknown. */
const char *signal_name(int signo);

#endif
