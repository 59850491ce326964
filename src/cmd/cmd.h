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
    cmd_features, cmd_sandbox;
cmd_fn cmd_exec;
cmd_fn cmd_pause, cmd_resume, cmd_update, cmd_ps, cmd_events;

/* --root's default: /run/hull for root; $XDG_RUNTIME_DIR/hull for anyone
 * else (rootless, root of a user namespace included), or /tmp/hull-UID
 * without XDG_RUNTIME_DIR. */
const char *cmd_default_root(void);
/* Log `e` (stderr and --log) and return the exit status for a failure. */
int cmd_fail(herr e);
/* Parse a non-negative integer option; error names the option. */
herr cmd_parse_count(const char *opt, const char *text, int *out);

#endif
