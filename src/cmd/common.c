/* common.c - helpers every subcommand shares. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cgroup.h"
#include "cmd.h"

int cmd_fail(herr e)
{
  log_herr(e);
  herr_free(e);
  return 1;
}

herr cmd_parse_count(const char *opt, const char *text, int *out)
{
  char *end;
  errno = 0;
  long v = strtol(text, &end, 10);
  if (errno || *end || end == text || v < 0 || v > 65535)
    return herr_new("%s: \"%s\" is not a valid count", opt, text);
  *out = (int)v;
  return NULL;
}

herr cmd_check_systemd_cgroup(const struct global_opts *g)
{
  return g->systemd_cgroup ? cgroup_systemd_unavailable("--systemd-cgroup") : NULL;
}

const char *cmd_default_root(void)
{
  static char root[4096];
  if (geteuid() == 0)
    return HULL_DEFAULT_ROOT;
  const char *xdg = getenv("XDG_RUNTIME_DIR");
  if (xdg && *xdg)
    snprintf(root, sizeof(root), "%s/hull", xdg);
  else
    snprintf(root, sizeof(root), "/tmp/hull-%u", (unsigned)geteuid());
  return root;
}
