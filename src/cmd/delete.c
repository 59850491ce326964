/* delete.c - `hull delete [--force] ID` (runtime.md "Delete"). */
#include <argp.h>
#include <stdbool.h>

#include "cmd.h"
#include "id_arg.h"
#include "container.h"

struct delete_args {
  const char *id;
  bool force;
};

static const struct argp_option options[] = {
  { "force", 'f', NULL, 0, "kill the container first if it is not stopped", 0 },
  { 0 },
};

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
  struct delete_args *a = state->input;
  switch (key) {
  case 'f':
    a->force = true;
    return 0;
  case ARGP_KEY_ARG:
  case ARGP_KEY_END:
    return id_arg_parse(key, arg, state, &a->id);
  default:
    return ARGP_ERR_UNKNOWN;
  }
}

static const struct argp argp = {
  options, parse_opt, "ID", "Delete a stopped container (or any, with --force).", NULL, NULL, NULL,
};

int cmd_delete(int argc, char **argv, struct global_opts *g)
{
  struct delete_args a = { 0 };
  argp_parse(&argp, argc, argv, ARGP_IN_ORDER, NULL, &a);
  herr e = container_delete(g->root, a.id, a.force);
  return e ? cmd_fail(e) : 0;
}
