/* common.c - helpers every subcommand shares. */
#include <errno.h>
#include <stdlib.h>

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
  if (g->systemd_cgroup)
    return herr_new("--systemd-cgroup: this hull does not manage cgroups yet, so it cannot place the container through systemd");
  return NULL;
}
