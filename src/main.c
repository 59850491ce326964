/* main.c - global options, then hand over to one subcommand in src/cmd/. */
#include <argp.h>
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "commit.h"
#include "config.h"
#include "utils.h"

/* runc's lines: the commit only when known (built from git, or from a tarball made from it). */
const char *argp_program_version = PACKAGE_NAME " version " PACKAGE_VERSION HULL_COMMIT_LINE
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
  { "sandbox", cmd_sandbox, "run one host command isolated, bubblewrap-style" },
  { "features", cmd_features, "print the features hull supports" },
  { "exec", cmd_exec, "run a process in a running container" },
  { "pause", cmd_pause, "freeze every process of a container" },
  { "resume", cmd_resume, "thaw a paused container" },
  { "update", cmd_update, "change the cgroup limits of a running container" },
  { "ps", cmd_ps, "list the processes of a container" },
  { "events", cmd_events, "print a container's stats and OOM events" },
};
#define N_COMMANDS (ARRAY_LEN(commands))

enum { OPT_ROOT = 1000, OPT_LOG, OPT_LOG_FORMAT, OPT_DEBUG, OPT_SYSTEMD_CGROUP, OPT_CGROUP_MANAGER };

static const struct argp_option global_options[] = {
  { "root", OPT_ROOT, "DIR", 0, "state directory (default " HULL_DEFAULT_ROOT ", or $XDG_RUNTIME_DIR/hull when not root)", 0 },
  { "log", OPT_LOG, "FILE", 0, "also write errors and warnings to FILE", 0 },
  { "log-format", OPT_LOG_FORMAT, "FORMAT", 0, "format of --log: text or json", 0 },
  { "debug", OPT_DEBUG, NULL, 0, "log debug messages", 0 },
  { "systemd-cgroup", OPT_SYSTEMD_CGROUP, NULL, 0, "manage cgroups through systemd", 0 },
  /* -h as runc takes it (argp's own short form is -?). */
  { NULL, 'h', NULL, OPTION_HIDDEN, "give this help list", 0 },
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
  case 'h':
    argp_state_help(state, stdout, ARGP_HELP_STD_HELP);
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

/* HULL_DEBUG_FDS=FILE: at exit, append "COMMAND N: FD=TARGET..." to FILE, the N
 * descriptors this command opened and did not close (those it inherited do not
 * count), so that tests can see that no command leaks one, however often it
 * runs (tests/stress.bats). */
#define DEBUG_FDS_MAX 1024
static const char *debug_fds_command = "hull";
static bool debug_fds_inherited[DEBUG_FDS_MAX];

/* Calls `fn` with each open fd (but the directory's own). */
static void for_each_open_fd(void (*fn)(int fd, void *arg), void *arg)
{
  DIR *d = opendir("/proc/self/fd");
  if (!d)
    return;
  struct dirent *de;
  while ((de = readdir(d))) {
    int fd = atoi(de->d_name);
    if (de->d_name[0] != '.' && fd != dirfd(d))
      fn(fd, arg);
  }
  closedir(d);
}

static void note_inherited_fd(int fd, void *arg)
{
  (void)arg;
  if (fd >= 0 && fd < DEBUG_FDS_MAX)
    debug_fds_inherited[fd] = true;
}

struct fd_list {
  char text[4096];
  size_t len;
  int n;
};

static void note_leaked_fd(int fd, void *arg)
{
  struct fd_list *l = arg;
  if (fd >= 0 && fd < DEBUG_FDS_MAX && debug_fds_inherited[fd])
    return;
  l->n++;
  char link[64], target[256] = "?";
  snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
  ssize_t t = readlink(link, target, sizeof(target) - 1);
  if (t > 0)
    target[t] = '\0';
  int w = snprintf(l->text + l->len, sizeof(l->text) - l->len, " %d=%s", fd, target);
  if (w > 0 && (size_t)w < sizeof(l->text) - l->len)
    l->len += (size_t)w;
}

static void report_open_fds(void)
{
  struct fd_list l = { .text = "", .len = 0, .n = 0 };
  for_each_open_fd(note_leaked_fd, &l);
  FILE *f = fopen(getenv("HULL_DEBUG_FDS"), "ae");
  if (f) {
    fprintf(f, "%s %d:%s\n", debug_fds_command, l.n, l.text);
    fclose(f);
  }
}

static void debug_fds_at_exit(const char *command)
{
  debug_fds_command = command;
  for_each_open_fd(note_inherited_fd, NULL);
  atexit(report_open_fds);
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
  struct main_args a = { .g = { .root = cmd_default_root(), .log_format = LOG_FORMAT_TEXT } };
  argp_parse(&global_argp, argc, argv, ARGP_IN_ORDER, NULL, &a);
  log_set_debug(a.g.debug);
  /* A caller that left SIGCHLD ignored would have the kernel reap our
   * children, and run/exec would never learn the container's exit status. */
  signal(SIGCHLD, SIG_DFL);
  if (getenv("HULL_DEBUG_FDS"))
    debug_fds_at_exit(argv[a.cmd_index]);
  if (a.g.log) {
    herr e = log_open(a.g.log, a.g.log_format);
    if (e)
      return cmd_fail(e);
  }
  const char *name = argv[a.cmd_index];
  /* `hull CMD -h`, as runc takes it: the command's --help. */
  bool help = a.cmd_index + 1 < argc && !strcmp(argv[a.cmd_index + 1], "-h");
  if (help)
    argv[a.cmd_index + 1] = "--help";
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
  if (help)
    return cmd_fail(herr_new("No help topic for '%s' (see hull --help)", name));
  return cmd_fail(herr_new("unknown command \"%s\" (see hull --help)", name));
}
