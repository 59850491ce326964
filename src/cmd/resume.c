/* resume.c - `hull resume ID`: thaw a paused container. */
#include <argp.h>

#include "cmd.h"
#include "container.h"
#include "id_arg.h"

static const struct argp argp = {
  NULL, id_only_parse, "ID", "Thaw the processes of a paused container.", NULL, NULL, NULL,
};

int cmd_resume(int argc, char **argv, struct global_opts *g)
{
  const char *id = NULL;
  argp_parse(&argp, argc, argv, ARGP_IN_ORDER, NULL, &id);
  herr e = container_resume(g->root, id);
  return e ? cmd_fail(e) : 0;
}
