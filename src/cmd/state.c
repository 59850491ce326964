/* state.c - `hull state ID` (runtime.md "Query State"). */
#include <argp.h>
#include <stdio.h>
#include <stdlib.h>

#include "cmd.h"
#include "container.h"
#include "id_arg.h"

static const struct argp argp = {
  NULL, id_only_parse, "ID", "Print the state of a container as JSON.", NULL, NULL, NULL,
};

int cmd_state(int argc, char **argv, struct global_opts *g)
{
  const char *id = NULL;
  argp_parse(&argp, argc, argv, ARGP_IN_ORDER, NULL, &id);
  char *json = NULL;
  herr e = container_state_json(g->root, id, &json);
  if (e)
    return cmd_fail(e);
  printf("%s\n", json);
  free(json);
  return 0;
}
