/* run.c - `hull run [OPTIONS] ID`: create, start, wait, delete. */
#include <argp.h>

#include "cmd.h"
#include "container.h"
#include "create_options.h"

static const struct argp argp = {
  create_options, create_options_parse, "ID",
  "Create and start a container, wait for its process and delete it (unless --keep: it "
  "stays, stopped, for state and delete); hull exits with the process's status (128+N when "
  "killed by signal N).",
  NULL, NULL, NULL,
};

int cmd_run(int argc, char **argv, struct global_opts *g)
{
  struct create_args a = { .opts = { .root = g->root } };
  argp_parse(&argp, argc, argv, ARGP_IN_ORDER, NULL, &a);
  if (a.error)
    return cmd_fail(a.error);
  a.opts.systemd_cgroup = g->systemd_cgroup;
  struct run_opts ro = { .create = a.opts, .detach = a.detach, .keep = a.keep };
  int status = 0;
  herr e = container_run(&ro, &status);
  if (e)
    return cmd_fail(herr_wrap(e, "run"));
  return status;
}
