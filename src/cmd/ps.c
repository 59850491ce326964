/* ps.c - `hull ps [--format table|json] ID [-- PS-ARGS...]`: the processes
 * of a container, found in its cgroup.  json prints the pids (as the runtime
 * sees them); table runs ps(1) (default `ps -ef`) and keeps its header and
 * the lines of the container's pids, as runc does. */
#include <argp.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "cmd.h"
#include "container.h"
#include "id_arg.h"
#include "json.h"

struct ps_args {
  const char *id;
  bool json;
  char **ps_argv; /* "ps", then the user's args; NULL-terminated */
  size_t n_ps;
};

static const struct argp_option options[] = {
  { "format", 'f', "FORMAT", 0, "table (default) or json", 0 },
  { 0 },
};

static void push_arg(struct ps_args *a, char *arg)
{
  char **v = realloc(a->ps_argv, (a->n_ps + 2) * sizeof(*v));
  if (!v)
    abort();
  a->ps_argv = v;
  v[a->n_ps++] = arg;
  v[a->n_ps] = NULL;
}

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
  struct ps_args *a = state->input;
  switch (key) {
  case 'f':
    if (strcmp(arg, "table") && strcmp(arg, "json"))
      argp_error(state, "--format: \"%s\" is not table or json", arg);
    a->json = !strcmp(arg, "json");
    return 0;
  case ARGP_KEY_ARG:
    if (a->id) {
      push_arg(a, arg);
      return 0;
    }
    /* Everything after the id is ps's, options included (`ps ID -e -x`,
     * as runc takes them), with or without "--". */
    id_arg_parse(key, arg, state, &a->id);
    for (; state->next < state->argc; state->next++)
      if (strcmp(state->argv[state->next], "--") || a->n_ps > 1)
        push_arg(a, state->argv[state->next]);
    return 0;
  default:
    return id_arg_parse(key, arg, state, &a->id);
  }
}

static const struct argp argp = {
  options, parse_opt, "ID [[--] PS-ARGS...]",
  "List the processes in a container's cgroup.\v"
  "With --format table (the default), ps(1) runs with PS-ARGS (default -ef) and only the "
  "header and the lines of the container's processes are printed.",
  NULL, NULL, NULL,
};

static void print_json(const pid_t *pids, size_t n)
{
  struct json_writer *w = jw_new(false);
  jw_begin_array(w);
  for (size_t i = 0; i < n; i++)
    jw_int(w, pids[i]);
  jw_end_array(w);
  _cleanup_free_ char *text = jw_finish(w, NULL);
  printf("%s\n", text ? text : "[]");
}

/* ps(1)'s whole output. */
static herr run_ps(char **argv, char **out)
{
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) < 0)
    return herr_sys("pipe");
  pid_t pid = fork();
  if (pid < 0)
    return herr_sys("fork");
  if (pid == 0) {
    dup2(fds[1], STDOUT_FILENO);
    execvp(argv[0], argv);
    fprintf(stderr, "hull ps: exec %s: %s\n", argv[0], strerror(errno));
    _exit(127);
  }
  close(fds[1]);
  _cleanup_fclose_ FILE *f = fdopen(fds[0], "r");
  size_t len = 0;
  FILE *mem = open_memstream(out, &len);
  if (!f || !mem)
    return herr_sys("read ps output");
  char buf[4096];
  size_t r;
  while ((r = fread(buf, 1, sizeof(buf), f)) > 0)
    fwrite(buf, 1, r, mem);
  fclose(mem);
  int status;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
    ;
  if (!WIFEXITED(status) || WEXITSTATUS(status))
    return herr_new("ps %s failed (exit status %d)", argv[1] ? argv[1] : "", WEXITSTATUS(status));
  return NULL;
}

/* The column whose header is "PID" (0-based), or -1. */
static int pid_column(const char *header)
{
  _cleanup_free_ char *copy = strdup(header);
  char *save = NULL;
  int i = 0;
  for (char *t = strtok_r(copy, " \t", &save); t; t = strtok_r(NULL, " \t", &save), i++)
    if (!strcmp(t, "PID"))
      return i;
  return -1;
}

static bool line_has_pid(const char *line, int column, const pid_t *pids, size_t n)
{
  _cleanup_free_ char *copy = strdup(line);
  char *save = NULL, *t = strtok_r(copy, " \t", &save);
  for (int i = 0; t && i < column; i++)
    t = strtok_r(NULL, " \t", &save);
  if (!t)
    return false;
  long pid = strtol(t, NULL, 10);
  for (size_t i = 0; i < n; i++)
    if (pids[i] == pid)
      return true;
  return false;
}

static herr print_table(struct ps_args *a, const pid_t *pids, size_t n)
{
  if (a->n_ps == 1)
    push_arg(a, "-ef");
  _cleanup_free_ char *text = NULL;
  TRY(run_ps(a->ps_argv, &text));
  char *save = NULL, *header = strtok_r(text, "\n", &save);
  int column = header ? pid_column(header) : -1;
  if (column < 0)
    return herr_new("ps: there is no PID column in the output of ps (keep pid in its -o format)");
  printf("%s\n", header);
  for (char *line = strtok_r(NULL, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
    if (line_has_pid(line, column, pids, n))
      printf("%s\n", line);
  return NULL;
}

int cmd_ps(int argc, char **argv, struct global_opts *g)
{
  struct ps_args a = { 0 };
  push_arg(&a, "ps");
  argp_parse(&argp, argc, argv, ARGP_IN_ORDER, NULL, &a);
  pid_t *pids = NULL;
  size_t n = 0;
  herr e = container_pids(g->root, a.id, &pids, &n);
  if (!e && a.json)
    print_json(pids, n);
  else if (!e)
    e = print_table(&a, pids, n);
  free(pids);
  free(a.ps_argv);
  return e ? cmd_fail(e) : 0;
}
