/* exec.c - `hull exec [OPTIONS] ID [ARGS...]`: run one more process in a
 * container, with runc's options. */
#include <argp.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "exec.h"
#include "id_arg.h"

enum {
  OPT_CONSOLE_SOCKET = 1000, OPT_CWD, OPT_PID_FILE, OPT_PROCESS_LABEL, OPT_APPARMOR,
  OPT_NO_NEW_PRIVS, OPT_PRESERVE_FDS, OPT_IGNORE_PAUSED, OPT_CGROUP,
};

static const struct argp_option options[] = {
  { "process", 'p', "FILE", 0, "the process to run, as a config.json \"process\" object", 0 },
  { "tty", 't', NULL, 0, "give the process a terminal", 0 },
  { "console-socket", OPT_CONSOLE_SOCKET, "PATH", 0, "unix socket to receive the pty master", 0 },
  { "detach", 'd', NULL, 0, "return once the process runs", 0 },
  { "pid-file", OPT_PID_FILE, "FILE", 0, "write the process's pid to FILE", 0 },
  { "cwd", OPT_CWD, "DIR", 0, "working directory in the container", 0 },
  { "env", 'e', "NAME=VALUE", 0, "set an environment variable (repeatable)", 0 },
  { "user", 'u', "UID[:GID]", 0, "run as this user and group", 0 },
  { "additional-gids", 'g', "GID", 0, "add a supplementary group (repeatable)", 0 },
  { "cap", 'c', "CAP", 0, "add a capability, e.g. CAP_NET_ADMIN (repeatable)", 0 },
  { "no-new-privs", OPT_NO_NEW_PRIVS, NULL, 0, "set no_new_privileges", 0 },
  { "apparmor", OPT_APPARMOR, "PROFILE", 0, "AppArmor profile of the process", 0 },
  { "process-label", OPT_PROCESS_LABEL, "LABEL", 0, "SELinux label of the process", 0 },
  { "preserve-fds", OPT_PRESERVE_FDS, "N", 0, "pass fds 3 .. 3+N-1 to the process", 0 },
  { "ignore-paused", OPT_IGNORE_PAUSED, NULL, 0, "exec into a paused container too", 0 },
  { "cgroup", OPT_CGROUP, "[CTRL[,CTRL...]:]PATH", 0,
    "join PATH below the container's cgroup (in the hierarchies of the CTRLs; repeatable)", 0 },
  { 0 },
};

struct exec_args {
  struct exec_opts o;
  herr error; /* the first bad option value */
};

static void *grow(void *v, size_t n, size_t size)
{
  void *r = realloc(v, (n + 1) * size);
  if (!r)
    abort();
  return r;
}

static void push_string(char ***v, size_t *n, char *s)
{
  *v = grow(*v, *n + 1, sizeof(char *));
  (*v)[(*n)++] = s;
  (*v)[*n] = NULL;
}

static herr parse_id_number(const char *opt, const char *text, uint32_t *out)
{
  char *end;
  errno = 0;
  unsigned long v = strtoul(text, &end, 10);
  if (errno || end == text || *end || text[0] == '-' || v > UINT32_MAX)
    return herr_new("%s: \"%s\" is not a numeric id", opt, text);
  *out = (uint32_t)v;
  return NULL;
}

static herr parse_user(struct exec_opts *o, const char *arg)
{
  char *copy = strdup(arg);
  if (!copy)
    abort();
  char *colon = strchr(copy, ':');
  if (colon)
    *colon = '\0';
  herr e = parse_id_number("--user", copy, &o->uid);
  if (!e && colon) {
    e = parse_id_number("--user", colon + 1, &o->gid);
    o->has_gid = true;
  }
  o->has_user = true;
  free(copy);
  return e;
}

/* "-g 10 -g 20" or "-g 10,20". */
static herr parse_gids(struct exec_opts *o, const char *arg)
{
  char *copy = strdup(arg);
  if (!copy)
    abort();
  herr e = NULL;
  char *save = NULL;
  for (char *t = strtok_r(copy, ",", &save); t && !e; t = strtok_r(NULL, ",", &save)) {
    o->additional_gids = grow(o->additional_gids, o->n_additional_gids, sizeof(uint32_t));
    e = parse_id_number("--additional-gids", t, &o->additional_gids[o->n_additional_gids++]);
  }
  free(copy);
  return e;
}

/* The ID, then everything after it is the program and its arguments (an
 * option-looking "-l" there belongs to the program). */
static void take_id_and_args(struct exec_args *a, char *arg, struct argp_state *state)
{
  id_arg_parse(ARGP_KEY_ARG, arg, state, &a->o.id);
  int first = state->next;
  if (first < state->argc && !strcmp(state->argv[first], "--"))
    first++;
  a->o.args = state->argv + first;
  a->o.n_args = (size_t)(state->argc - first);
  state->next = state->argc;
}

static herr parse_value(int key, char *arg, struct exec_opts *o)
{
  switch (key) {
  case 'u':
    return parse_user(o, arg);
  case 'g':
    return parse_gids(o, arg);
  case OPT_PRESERVE_FDS:
    return cmd_parse_count("--preserve-fds", arg, &o->preserve_fds);
  case 'e':
    if (!strchr(arg, '='))
      return herr_new("--env: \"%s\" is not NAME=VALUE", arg);
    push_string(&o->env, &o->n_env, arg);
    return NULL;
  case 'c':
    push_string(&o->caps, &o->n_caps, arg);
    return NULL;
  case OPT_CGROUP:
    push_string(&o->cgroups, &o->n_cgroups, arg);
    return NULL;
  }
  return NULL;
}

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
  struct exec_args *a = state->input;
  struct exec_opts *o = &a->o;
  switch (key) {
  case 'p': o->process_file = arg; break;
  case 't': o->tty = true; break;
  case OPT_CONSOLE_SOCKET: o->console_socket = arg; break;
  case 'd': o->detach = true; break;
  case OPT_PID_FILE: o->pid_file = arg; break;
  case OPT_CWD: o->cwd = arg; break;
  case OPT_NO_NEW_PRIVS: o->no_new_privs = true; break;
  case OPT_APPARMOR: o->apparmor = arg; break;
  case OPT_PROCESS_LABEL: o->process_label = arg; break;
  case OPT_IGNORE_PAUSED: o->ignore_paused = true; break;
  case 'u': case 'g': case 'e': case 'c': case OPT_PRESERVE_FDS: case OPT_CGROUP: {
    herr e = parse_value(key, arg, o);
    if (e && !a->error)
      a->error = e;
    else
      herr_free(e);
    break;
  }
  case ARGP_KEY_ARG:
    take_id_and_args(a, arg, state);
    break;
  default:
    return id_arg_parse(key, arg, state, &o->id);
  }
  return 0;
}

enum { EXEC_FAILED_STATUS = 255 };

static const struct argp argp = {
  options, parse_opt, "ID [ARGS...]",
  "Run a process in a running container: the program ARGS with the container's process "
  "settings, or the process described by --process.  hull exits with the process's status "
  "(128+N when killed by signal N), or right away with --detach; 255 when it cannot run it.",
  NULL, NULL, NULL,
};

int cmd_exec(int argc, char **argv, struct global_opts *g)
{
  struct exec_args a = { .o = { .root = g->root } };
  argp_parse(&argp, argc, argv, ARGP_IN_ORDER, NULL, &a);
  int status = 0;
  herr e = a.error ? a.error : container_exec(&a.o, &status);
  free(a.o.env);
  free(a.o.caps);
  free(a.o.cgroups);
  free(a.o.additional_gids);
  /* runc exits 255 when exec itself fails (bad --pid-file, no such program or
   * container): callers tell that from any status the process could have. */
  if (e) {
    cmd_fail(herr_wrap(e, "exec"));
    return EXEC_FAILED_STATUS;
  }
  return status;
}
