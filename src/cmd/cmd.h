/* cmd.h - what every subcommand gets from main.c, and how it reports. */
#ifndef HULL_CMD_H
#define HULL_CMD_H

#include <stdbool.h>

#include "error.h"
#include "log.h"

#define HULL_DEFAULT_ROOT "/run/hull"

struct global_opts {
  const char *root;
  const char *log;
  enum log_format log_format;
  bool debug;
  bool systemd_cgroup;
};

/* argv[0] is the command's name; returns the process exit status. */
typedef int cmd_fn(int argc, char **argv, struct global_opts *g);

cmd_fn cmd_spec, cmd_create, cmd_start, cmd_state, cmd_kill, cmd_delete, cmd_run, cmd_list,
    cmd_features;

/* Log `e` (stderr and --log) and return the exit status for a failure. */
int cmd_fail(herr e);
/* Parse a non-negative integer option; error names the option. */
herr cmd_parse_count(const char *opt, const char *text, int *out);
/* --systemd-cgroup cannot be honoured until hull manages cgroups. */
herr cmd_check_systemd_cgroup(const struct global_opts *g);

#endif
