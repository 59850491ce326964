/* common.c - helpers every subcommand shares. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup.h"
#include "cmd.h"
#include "utils.h"

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

/* Root of a user namespace is not the host's root: rootless podman runs hull as
 * uid 0 in the user namespace it made, where /run/hull cannot be created.  As
 * runc does, that root uses $XDG_RUNTIME_DIR unless $USER says it is "root"
 * (a root login whose whole system runs in a user namespace). */
static bool real_root(void)
{
  if (geteuid() != 0)
    return false;
  if (!in_user_namespace())
    return true;
  const char *xdg = getenv("XDG_RUNTIME_DIR"), *user = getenv("USER");
  return !xdg || !*xdg || (user && !strcmp(user, "root"));
}

const char *cmd_default_root(void)
{
  static char root[4096];
  if (real_root())
    return HULL_DEFAULT_ROOT;
  const char *xdg = getenv("XDG_RUNTIME_DIR");
  if (xdg && *xdg)
    snprintf(root, sizeof(root), "%s/hull", xdg);
  else
    snprintf(root, sizeof(root), "/tmp/hull-%u", (unsigned)geteuid());
  return root;
}
