/* sandbox.c - `hull sandbox [OPTIONS] -- COMMAND [ARGS]`: run one command of
 * the host isolated, bubblewrap-style, through the same engine as `run`. */
#include <argp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "cmd.h"
#include "container.h"
#include "log.h"
#include "sandbox.h"
#include "utils.h"

enum {
  OPT_RO_BIND = 1000, OPT_BIND, OPT_TMPFS, OPT_SHARE_NET, OPT_SETENV, OPT_UNSETENV, OPT_CHDIR,
  OPT_HOSTNAME, OPT_SECCOMP_PROFILE, OPT_PRINT_CONFIG, OPT_WORKSPACE, OPT_TTY,
};

static const struct argp_option options[] = {
  { "workspace", OPT_WORKSPACE, "DIR", 0, "the read-write directory (default: the current one)", 0 },
  { "ro-bind", OPT_RO_BIND, "SRC DST", 0, "bind SRC read-only at DST", 0 },
  { "bind", OPT_BIND, "SRC DST", 0, "bind SRC read-write at DST", 0 },
  { "tmpfs", OPT_TMPFS, "DST", 0, "an empty tmpfs at DST", 0 },
  { "share-net", OPT_SHARE_NET, NULL, 0, "keep the host's network", 0 },
  { "tty", OPT_TTY, NULL, 0, "give the command a terminal of its own (a pty hull relays)", 0 },
  { "setenv", OPT_SETENV, "VAR VALUE", 0, "set VAR to VALUE", 0 },
  { "unsetenv", OPT_UNSETENV, "VAR", 0, "remove VAR from the environment", 0 },
  { "chdir", OPT_CHDIR, "DIR", 0, "working directory (default: the workspace)", 0 },
  { "hostname", OPT_HOSTNAME, "NAME", 0, "host name inside", 0 },
  { "seccomp-profile", OPT_SECCOMP_PROFILE, "FILE", 0, "linux.seccomp JSON to use instead of the default", 0 },
  { "print-config", OPT_PRINT_CONFIG, NULL, 0, "print the OCI config instead of running it", 0 },
  { 0 },
};

struct sandbox_args {
  struct sandbox_opts o;
  bool print_config;
  const char *profile_path;
  herr error;
};

/* Options with two words (--bind SRC DST) take the second from argv. */
static const char *second_word(struct argp_state *state, const char *opt)
{
  if (state->next >= state->argc)
    argp_error(state, "%s needs two arguments", opt);
  return state->argv[state->next++];
}

static void add_mount(struct sandbox_args *a, enum sandbox_mount_kind kind, const char *src, const char *dst)
{
  struct sandbox_mount *m = realloc(a->o.mounts, (a->o.n_mounts + 1) * sizeof(*m));
  if (!m)
    abort();
  a->o.mounts = m;
  m[a->o.n_mounts++] = (struct sandbox_mount){ .kind = kind, .source = src, .destination = dst };
}

static void add_env(struct sandbox_args *a, const char *name, const char *value)
{
  struct sandbox_env *e = realloc(a->o.env, (a->o.n_env + 1) * sizeof(*e));
  if (!e)
    abort();
  a->o.env = e;
  e[a->o.n_env++] = (struct sandbox_env){ .name = name, .value = value };
}

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
  struct sandbox_args *a = state->input;
  switch (key) {
  case OPT_WORKSPACE: a->o.workspace = arg; break;
  case OPT_RO_BIND: add_mount(a, SANDBOX_RO_BIND, arg, second_word(state, "--ro-bind")); break;
  case OPT_BIND: add_mount(a, SANDBOX_BIND, arg, second_word(state, "--bind")); break;
  case OPT_TMPFS: add_mount(a, SANDBOX_TMPFS, NULL, arg); break;
  case OPT_SHARE_NET: a->o.share_net = true; break;
  case OPT_TTY: a->o.tty = true; break;
  case OPT_SETENV: add_env(a, arg, second_word(state, "--setenv")); break;
  case OPT_UNSETENV: add_env(a, arg, NULL); break;
  case OPT_CHDIR: a->o.chdir = arg; break;
  case OPT_HOSTNAME: a->o.hostname = arg; break;
  case OPT_SECCOMP_PROFILE: a->profile_path = arg; break;
  case OPT_PRINT_CONFIG: a->print_config = true; break;
  case ARGP_KEY_ARG:
    /* The command: everything from here on is its own. */
    a->o.argv = &state->argv[state->next - 1];
    state->next = state->argc;
    break;
  case ARGP_KEY_END:
    if (!a->o.argv)
      argp_error(state, "a command to run is required: hull sandbox [OPTIONS] -- COMMAND [ARGS]");
    break;
  default:
    return ARGP_ERR_UNKNOWN;
  }
  return 0;
}

static const struct argp argp = {
  options, parse_opt, "-- COMMAND [ARGS...]",
  "Run COMMAND isolated from the host: new user, pid, ipc, uts, mount and network namespaces, "
  "the host's / read-only, the current directory (or --workspace) read-write, private /tmp, "
  "/dev and /proc, no capabilities, no new privileges and a seccomp filter; a session of its own, "
  "the host's listening unix sockets and runtime directories hidden, Landlock scopes for abstract "
  "sockets and signals; it dies with hull. "
  "The exit status is the command's.",
  NULL, NULL, NULL,
};

static herr run_sandbox(struct global_opts *g, const char *config, int *status)
{
  char id[64];
  snprintf(id, sizeof(id), "sandbox-%d", (int)getpid());
  struct run_opts ro = {
    .create = { .root = g->root, .id = id, .bundle = "/", .config_json = config,
                .die_with_parent = true },
  };
  return container_run(&ro, status);
}

int cmd_sandbox(int argc, char **argv, struct global_opts *g)
{
  struct sandbox_args a = { 0 };
  argp_parse(&argp, argc, argv, ARGP_IN_ORDER, NULL, &a);
  _cleanup_free_ char *profile = NULL;
  herr e = NULL;
  if (a.profile_path)
    e = herr_wrap(read_file(a.profile_path, &profile, NULL), "sandbox: --seccomp-profile");
  a.o.seccomp_profile = profile;
  _cleanup_free_ char *config = NULL;
  if (!e)
    e = sandbox_config_json(&a.o, &config);
  const char *notice = e ? NULL : sandbox_notice(&a.o);
  if (notice)
    log_warning("sandbox: %s", notice);
  int status = 0;
  if (!e && a.print_config)
    printf("%s\n", config);
  else if (!e)
    e = herr_wrap(run_sandbox(g, config, &status), "sandbox");
  free(a.o.mounts);
  free(a.o.env);
  return e ? cmd_fail(e) : status;
}
