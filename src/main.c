/* main.c - global options, then hand over to one subcommand in src/cmd/. */
#include <argp.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "config.h"

const char *argp_program_version = PACKAGE_NAME " version " PACKAGE_VERSION
                                   "\nspec: 1.3.0";

static const struct {
  const char *name;
  cmd_fn *fn;
  const char *help;
} commands[] = {
  { "spec", cmd_spec, "write a default config.json" },
  { "create", cmd_create, "create a container" },
  { "start", cmd_start, "run the user program of a created container" },
  { "state", cmd_state, "print the state of a container" },
  { "kill", cmd_kill, "send a signal to a container" },
  { "delete", cmd_delete, "delete a container" },
  { "run", cmd_run, "create, start and wait for a container" },
  { "list", cmd_list, "list containers" },
  { "features", cmd_features, "print the features hull supports" },
};
#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

enum { OPT_ROOT = 1000, OPT_LOG, OPT_LOG_FORMAT, OPT_DEBUG, OPT_SYSTEMD_CGROUP, OPT_CGROUP_MANAGER };

static const struct argp_option global_options[] = {
  { "root", OPT_ROOT, "DIR", 0, "state directory (default " HULL_DEFAULT_ROOT ")", 0 },
  { "log", OPT_LOG, "FILE", 0, "also write errors and warnings to FILE", 0 },
  { "log-format", OPT_LOG_FORMAT, "FORMAT", 0, "format of --log: text or json", 0 },
  { "debug", OPT_DEBUG, NULL, 0, "log debug messages", 0 },
  { "systemd-cgroup", OPT_SYSTEMD_CGROUP, NULL, 0, "manage cgroups through systemd", 0 },
  { 0 },
};

struct main_args {
  struct global_opts g;
  int cmd_index; /* argv index of the command */
};

static error_t parse_global(int key, char *arg, struct argp_state *state)
{
  struct main_args *a = state->input;
  switch (key) {
  case OPT_ROOT:
    a->g.root = arg;
    break;
  case OPT_LOG:
    a->g.log = arg;
    break;
  case OPT_LOG_FORMAT:
    if (!strcmp(arg, "json"))
      a->g.log_format = LOG_FORMAT_JSON;
    else if (!strcmp(arg, "text"))
      a->g.log_format = LOG_FORMAT_TEXT;
    else
      argp_error(state, "--log-format: unknown format \"%s\" (text or json)", arg);
    break;
  case OPT_DEBUG:
    a->g.debug = true;
    break;
  case OPT_SYSTEMD_CGROUP:
    a->g.systemd_cgroup = true;
    break;
  case ARGP_KEY_ARG:
    /* The command: leave the rest of argv to it. */
    a->cmd_index = state->next - 1;
    state->next = state->argc;
    break;
  case ARGP_KEY_END:
    if (!a->cmd_index)
      argp_error(state, "a command is required");
    break;
  default:
    return ARGP_ERR_UNKNOWN;
  }
  return 0;
}

static char *help_filter(int key, const char *text, void *input)
{
  (void)input;
  if (key != ARGP_KEY_HELP_POST_DOC)
    return (char *)text;
  char *out = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&out, &len);
  if (!f)
    return (char *)text;
  fprintf(f, "Commands:\n");
  for (size_t i = 0; i < N_COMMANDS; i++)
    fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].help);
  fprintf(f, "\nRun 'hull COMMAND --help' for a command's options.");
  fclose(f);
  return out;
}

static const struct argp global_argp = {
  global_options, parse_global, "COMMAND [OPTIONS] [ARGS...]",
  "hull - an OCI container runtime\v", NULL, help_filter, NULL,
};

/* argp reports a usage error as "hull state: MESSAGE" plus a "Try ..." line on
 * stderr, then exits.  Route the stderr FILE through this filter while a
 * command runs so that such an error is one line, "hull: state: MESSAGE", and
 * reaches the --log file like every other error.  Other text passes through. */
static ssize_t usage_filter_write(void *cookie, const char *buf, size_t size)
{
  (void)cookie;
  static char line[1024];
  static size_t len;
  for (size_t i = 0; i < size; i++) {
    if (len < sizeof(line) - 1)
      line[len++] = buf[i];
    if (buf[i] != '\n')
      continue;
    line[len - 1] = '\0';
    if (!strncmp(line, "hull ", 5) && strstr(line, ": "))
      log_error("%s", line + 5);
    else if (strncmp(line, "Try `hull", 9))
      dprintf(STDERR_FILENO, "%s\n", line);
    len = 0;
  }
  return (ssize_t)size;
}

static void route_stderr_through_usage_filter(void)
{
  cookie_io_functions_t io = { .write = usage_filter_write };
  FILE *f = fopencookie(NULL, "w", io);
  if (f) {
    setvbuf(f, NULL, _IOLBF, 0);
    stderr = f;
  }
}

int main(int argc, char **argv)
{
  struct main_args a = { .g = { .root = HULL_DEFAULT_ROOT, .log_format = LOG_FORMAT_TEXT } };
  argp_parse(&global_argp, argc, argv, ARGP_IN_ORDER, NULL, &a);
  log_set_debug(a.g.debug);
  if (a.g.log) {
    herr e = log_open(a.g.log, a.g.log_format);
    if (e)
      return cmd_fail(e);
  }
  const char *name = argv[a.cmd_index];
  for (size_t i = 0; i < N_COMMANDS; i++) {
    if (!strcmp(commands[i].name, name)) {
      /* argp names the program in its messages: "hull state: ...". */
      char prog[64];
      snprintf(prog, sizeof(prog), "hull %s", name);
      argv[a.cmd_index] = prog;
      route_stderr_through_usage_filter();
      int rc = commands[i].fn(argc - a.cmd_index, argv + a.cmd_index, &a.g);
      log_close();
      return rc;
    }
  }
  return cmd_fail(herr_new("unknown command \"%s\" (see hull --help)", name));
}
