/* create.c - `hull create [OPTIONS] ID` (runtime.md "Create"). */
#include <argp.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "container.h"
#include "create_options.h"

static const struct argp argp = {
  create_options, create_options_parse, "ID", "Create a container from a bundle; `start` runs its process.",
  NULL, NULL, NULL,
};

int cmd_create(int argc, char **argv, struct global_opts *g)
{
  struct create_args a = { .opts = { .root = g->root } };
  argp_parse(&argp, argc, argv, ARGP_IN_ORDER, NULL, &a);
  if (a.error)
    return cmd_fail(a.error);
  if (a.detach)
    return cmd_fail(herr_new("create: --detach is an option of run, not of create"));
  a.opts.systemd_cgroup = g->systemd_cgroup;
  pid_t pid;
  herr e = container_create(&a.opts, &pid);
  if (e)
    return cmd_fail(herr_wrap(e, "create"));
  return 0;
}
