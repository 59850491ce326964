/* pause.c - `hull pause ID`: freeze every process of a container (cgroup
 * freezer on v1, cgroup.freeze on v2); `state` then reports "paused". */
#include <argp.h>

#include "cmd.h"
#include "container.h"
#include "id_arg.h"

static const struct argp argp = {
  NULL, id_only_parse, "ID",
  "Freeze every process of a created or running container, until `hull resume`.", NULL, NULL, NULL,
};

int cmd_pause(int argc, char **argv, struct global_opts *g)
{
  const char *id = NULL;
  argp_parse(&argp, argc, argv, ARGP_IN_ORDER, NULL, &id);
  herr e = container_pause(g->root, id);
  return e ? cmd_fail(e) : 0;
}
