/* spec.c - `hull spec [--bundle DIR] [--rootless] [--no-terminal]`: write
 * runc's default config.json. */
#include <argp.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "cmd.h"
#include "spec.h"
#include "utils.h"

static const struct argp_option options[] = {
  { "bundle", 'b', "DIR", 0, "write DIR/config.json (default: the current directory)", 0 },
  { "rootless", 'r', NULL, 0, "a config an unprivileged user can run as is", 0 },
  { "no-terminal", 'T', NULL, 0, "process.terminal false: runs from a script, without a pty or --console-socket (hull only)", 0 },
  { 0 },
};

struct spec_args {
  const char *bundle;
  struct oci_default_opts config;
};

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
  struct spec_args *a = state->input;
  switch (key) {
  case 'b':
    a->bundle = arg;
    return 0;
  case 'r':
    a->config.rootless = true;
    return 0;
  case 'T':
    a->config.no_terminal = true;
    return 0;
  case ARGP_KEY_ARG:
    argp_error(state, "unexpected argument \"%s\"", arg);
    return 0;
  default:
    return ARGP_ERR_UNKNOWN;
  }
}

static const struct argp argp = {
  options, parse_opt, "", "Write a default config.json, the one `runc spec` writes.", NULL, NULL, NULL,
};

static herr write_default_config(const char *bundle, struct oci_default_opts config)
{
  _cleanup_free_ char *path = path_join(bundle, "config.json");
  _cleanup_close_ int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0 && errno == EEXIST)
    return herr_new("spec: %s already exists: remove it first", path);
  if (fd < 0)
    return herr_sys("spec: create %s", path);
  config.uid = getuid();
  config.gid = getgid();
  _cleanup_free_ char *text = NULL;
  TRY_WRAP(oci_default_config_json(&config, &text), "spec");
  TRY_WRAP(write_all(fd, text, strlen(text)), "spec: write %s", path);
  return NULL;
}

int cmd_spec(int argc, char **argv, struct global_opts *g)
{
  (void)g;
  struct spec_args a = { .bundle = "." };
  argp_parse(&argp, argc, argv, ARGP_IN_ORDER, NULL, &a);
  herr e = write_default_config(a.bundle, a.config);
  return e ? cmd_fail(e) : 0;
}
