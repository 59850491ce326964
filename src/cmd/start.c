/* start.c - `hull start ID` (runtime.md "Start"). */
#include <argp.h>

#include "cmd.h"
#include "container.h"
#include "id_arg.h"

static const struct argp argp = {
  NULL, id_only_parse, "ID", "Run the user program of a created container.", NULL, NULL, NULL,
};

int cmd_start(int argc, char **argv, struct global_opts *g)
{
  const char *id = NULL;
  argp_parse(&argp, argc, argv, ARGP_IN_ORDER, NULL, &id);
  herr e = container_start(g->root, id);
  return e ? cmd_fail(e) : 0;
}
