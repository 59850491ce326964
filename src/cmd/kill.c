/* kill.c - `hull kill [--all] ID [SIGNAL]` (runtime.md "Kill"). */
#include <argp.h>
#include <signal.h>
#include <string.h>
#include <stdbool.h>

#include "cmd.h"
#include "container.h"
#include "id_arg.h"
#include "signals.h"

struct kill_args {
  const char *id;
  const char *signal;
  bool all;
};

static const struct argp_option options[] = {
  { "all", 'a', NULL, 0, "signal every process of the container", 0 },
  { 0 },
};

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
  struct kill_args *a = state->input;
  switch (key) {
  case 'a':
    a->all = true;
    return 0;
  case ARGP_KEY_ARG:
    /* The id, then the signal; id_arg_parse refuses a third argument. */
    if (a->id && !a->signal) {
      a->signal = arg;
      return 0;
    }
    /* fall through */
  default:
    return id_arg_parse(key, arg, state, &a->id);
  }
}

static const struct argp argp = {
  options, parse_opt, "ID [SIGNAL]",
  "Send SIGNAL (a name with or without SIG, or a number; default TERM) to a container.",
  NULL, NULL, NULL,
};

int cmd_kill(int argc, char **argv, struct global_opts *g)
{
  struct kill_args a = { 0 };
  argp_parse(&argp, argc, argv, ARGP_IN_ORDER, NULL, &a);
  int signo = SIGTERM;
  /* Signal 0 checks that the container's processes exist, as kill(2)'s does. */
  if (a.signal && !strcmp(a.signal, "0")) {
    signo = 0;
  } else if (a.signal) {
    herr e = signal_parse(a.signal, &signo);
    if (e)
      return cmd_fail(herr_wrap(e, "kill"));
  }
  herr e = container_kill(g->root, a.id, signo, a.all);
  return e ? cmd_fail(e) : 0;
}
