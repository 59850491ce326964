/* signals.c - signal names and numbers, as kill(1) and runc accept them:
 * "KILL", "SIGKILL", "kill", "9", "RTMIN", "SIGRTMIN+3", "RTMAX-2". */
#include "config.h"

#include "signals.h"
#include "utils.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/syscall.h>
#include <unistd.h>

struct signal_entry {
  const char *name; /* "SIGHUP" */
  int signo;
};

/* Canonical names first: signal_name() returns the first match, so the
 * aliases at the end (IOT, CLD, POLL) are only accepted, never printed. */
static const struct signal_entry signal_table[] = {
  { "SIGHUP", SIGHUP },       { "SIGINT", SIGINT },       { "SIGQUIT", SIGQUIT },
  { "SIGILL", SIGILL },       { "SIGTRAP", SIGTRAP },     { "SIGABRT", SIGABRT },
  { "SIGBUS", SIGBUS },       { "SIGFPE", SIGFPE },       { "SIGKILL", SIGKILL },
  { "SIGUSR1", SIGUSR1 },     { "SIGSEGV", SIGSEGV },     { "SIGUSR2", SIGUSR2 },
  { "SIGPIPE", SIGPIPE },     { "SIGALRM", SIGALRM },     { "SIGTERM", SIGTERM },
  { "SIGSTKFLT", SIGSTKFLT }, { "SIGCHLD", SIGCHLD },     { "SIGCONT", SIGCONT },
  { "SIGSTOP", SIGSTOP },     { "SIGTSTP", SIGTSTP },     { "SIGTTIN", SIGTTIN },
  { "SIGTTOU", SIGTTOU },     { "SIGURG", SIGURG },       { "SIGXCPU", SIGXCPU },
  { "SIGXFSZ", SIGXFSZ },     { "SIGVTALRM", SIGVTALRM }, { "SIGPROF", SIGPROF },
  { "SIGWINCH", SIGWINCH },   { "SIGIO", SIGIO },         { "SIGPWR", SIGPWR },
  { "SIGSYS", SIGSYS },
  /* aliases */
  { "SIGIOT", SIGIOT },   { "SIGCLD", SIGCHLD },  { "SIGPOLL", SIGPOLL },
};

#define N_SIGNALS (ARRAY_LEN(signal_table))

static herr unknown_signal(const char *text)
{
  return herr_new("unknown signal \"%s\"", text);
}

/* A whole decimal number without sign or junk; -1 if `s` is not one. */
static long parse_decimal(const char *s)
{
  if (!isdigit((unsigned char)*s))
    return -1;
  errno = 0;
  char *end = NULL;
  long v = strtol(s, &end, 10);
  if (errno || *end || v > INT_MAX)
    return -1;
  return v;
}

/* "RTMIN", "RTMIN+n", "RTMAX", "RTMAX-n" (prefix already stripped);
 * 0 if `name` is not of that form or falls outside the real-time range. */
static int parse_realtime(const char *name)
{
  int base, sign;
  if (strncasecmp(name, "RTMIN", 5) == 0) {
    base = SIGRTMIN;
    sign = 1;
  } else if (strncasecmp(name, "RTMAX", 5) == 0) {
    base = SIGRTMAX;
    sign = -1;
  } else {
    return 0;
  }
  const char *rest = name + 5;
  if (*rest == '\0')
    return base;
  if (*rest != (sign > 0 ? '+' : '-'))
    return 0;
  long off = parse_decimal(rest + 1);
  if (off < 0 || off > SIGRTMAX - SIGRTMIN)
    return 0;
  return base + sign * (int)off;
}

static int lookup_name(const char *name)
{
  for (size_t i = 0; i < N_SIGNALS; i++)
    if (strcasecmp(name, signal_table[i].name + 3) == 0)
      return signal_table[i].signo;
  return parse_realtime(name);
}

herr signal_parse(const char *text, int *signo)
{
  if (!text || !*text)
    return herr_new("empty signal name");
  long num = parse_decimal(text);
  if (num >= 0) {
    if (num < 1 || num > SIGRTMAX)
      return unknown_signal(text);
    *signo = (int)num;
    return NULL;
  }
  const char *name = text;
  if (strncasecmp(name, "SIG", 3) == 0)
    name += 3;
  int s = lookup_name(name);
  if (s <= 0)
    return unknown_signal(text);
  *signo = s;
  return NULL;
}

/* Real-time signals are named from the nearer end, as `kill -l` does.
 * The text lives in a static buffer until the next call (hull is
 * single-threaded). */
static const char *realtime_name(int signo)
{
  static char buf[24];
  int from_min = signo - SIGRTMIN, from_max = SIGRTMAX - signo;
  if (from_min == 0)
    return "SIGRTMIN";
  if (from_max == 0)
    return "SIGRTMAX";
  if (from_min <= from_max)
    snprintf(buf, sizeof(buf), "SIGRTMIN+%d", from_min);
  else
    snprintf(buf, sizeof(buf), "SIGRTMAX-%d", from_max);
  return buf;
}

const char *signal_name(int signo)
{
  for (size_t i = 0; i < N_SIGNALS; i++)
    if (signal_table[i].signo == signo)
      return signal_table[i].name;
  if (signo >= SIGRTMIN && signo <= SIGRTMAX)
    return realtime_name(signo);
  return NULL;
}

/* Through the system call, not sigaction(3): glibc refuses the two real-time
 * signals it keeps for itself (32 and 33), which the caller may still have
 * ignored (make's children do).  An all-zero kernel sigaction is SIG_DFL, no
 * flags and an empty mask, whatever the architecture's layout of it. */
void signals_reset_defaults(void)
{
  static const unsigned long dfl[8];
  for (int s = 1; s < NSIG; s++)
    syscall(SYS_rt_sigaction, s, dfl, NULL, (NSIG - 1) / 8); /* fails for KILL, STOP */
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL);
}
