/* cgroup_sub.c - sub-cgroups of the container's cgroup, for runc 1.1's
 * `exec --cgroup`: the exec'd process joins PATH below the container's cgroup
 * instead of the cgroup itself.
 *
 * A spec is "PATH" (every hierarchy; then it must be the only one) or
 * "CTRL[,CTRL...]:PATH" (the hierarchies holding those controllers; the
 * others keep the container's cgroup).  PATH is cleaned lexically and may not
 * climb above the container's cgroup: runc's rules and messages. */
#include "cgroup.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "utils.h"

/* "a/./b/../c" -> "a/c", "/" -> "" ; false when it climbs above its start. */
static bool clean_sub_path(const char *path, char **out)
{
  _cleanup_free_ char *copy = xstrdup(path);
  char *clean = calloc(1, strlen(path) + 1);
  if (!clean)
    abort();
  size_t len = 0;
  char *save = NULL;
  for (char *c = strtok_r(copy, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
    if (!strcmp(c, "."))
      continue;
    if (!strcmp(c, "..")) {
      if (!len) {
        free(clean);
        return false;
      }
      char *slash = strrchr(clean, '/');
      len = slash ? (size_t)(slash - clean) : 0;
      clean[len] = '\0';
      continue;
    }
    len += (size_t)sprintf(clean + len, "%s%s", len ? "/" : "", c);
  }
  *out = clean;
  return true;
}

/* Does hierarchy h hold the controller named `name` ("memory", "cpuacct",
 * "name=systemd")?  A v1 hierarchy's key lists its controllers; the v2 one
 * holds those its ctrls bits say. */
static bool hier_holds(const struct cgroup_hier *h, const char *name)
{
  if (h->v2) {
    for (int c = 0; c < CG_CTRL_COUNT; c++)
      if ((h->ctrls & CG_BIT(c)) && cgroup_ctrl_v2_name(c) && !strcmp(cgroup_ctrl_v2_name(c), name))
        return true;
    return false;
  }
  _cleanup_free_ char *key = xstrdup(h->key);
  char *save = NULL;
  for (char *k = strtok_r(key, ",", &save); k; k = strtok_r(NULL, ",", &save))
    if (!strcmp(k, name))
      return true;
  return false;
}

static void set_sub(char **subs, size_t i, const char *path)
{
  free(subs[i]);
  subs[i] = xstrdup(path);
}

/* "CTRL[,CTRL...]:PATH": PATH for each hierarchy holding one of them. */
static herr parse_controller_spec(const struct cgroup *cg, const char *spec, const char *colon,
                                  const char *path, char **subs)
{
  _cleanup_free_ char *ctrls = strndup(spec, (size_t)(colon - spec));
  if (!ctrls)
    abort();
  char *save = NULL;
  for (char *c = strtok_r(ctrls, ",", &save); c; c = strtok_r(NULL, ",", &save)) {
    bool found = false;
    for (size_t i = 0; i < cg->n; i++)
      if (hier_holds(&cg->h[i], c)) {
        set_sub(subs, i, path);
        found = true;
      }
    if (!found)
      return herr_new("--cgroup %s: unknown controller %s (none of the container's cgroup hierarchies holds it)",
                      spec, c);
  }
  return NULL;
}

static herr parse_one(const struct cgroup *cg, const char *spec, size_t n_specs, char **subs)
{
  const char *colon = strchr(spec, ':');
  if (colon && strchr(colon + 1, ':'))
    return herr_new("--cgroup %s: invalid argument (CONTROLLER[,CONTROLLER...]:PATH or PATH)", spec);
  const char *raw = colon ? colon + 1 : spec;
  _cleanup_free_ char *path = NULL;
  if (!clean_sub_path(raw, &path))
    return herr_new("--cgroup: %s is not a sub cgroup path", raw);
  if (colon)
    return parse_controller_spec(cg, spec, colon, path, subs);
  if (n_specs != 1)
    return herr_new("--cgroup %s: missing CONTROLLER: prefix (only a single --cgroup may omit it)", spec);
  for (size_t i = 0; i < cg->n; i++)
    set_sub(subs, i, path);
  return NULL;
}

herr cgroup_sub_parse(const struct cgroup *cg, char *const *specs, size_t n_specs, char ***subs)
{
  char **s = calloc(cg->n + 1, sizeof(char *));
  if (!s)
    abort();
  for (size_t i = 0; i < n_specs; i++) {
    herr e = parse_one(cg, specs[i], n_specs, s);
    if (e) {
      cgroup_sub_free(s, cg->n);
      return e;
    }
  }
  *subs = s;
  return NULL;
}

void cgroup_sub_free(char **subs, size_t n)
{
  if (!subs)
    return;
  for (size_t i = 0; i < n; i++)
    free(subs[i]);
  free(subs);
}

/* runc's wording ("adding pid N to cgroups: PATH: no such file or
 * directory"), which callers match. */
static herr add_pid_below(const struct cgroup_hier *h, const char *sub, pid_t pid)
{
  _cleanup_free_ char *dir = path_join(h->dir, sub);
  _cleanup_free_ char *procs = path_join(dir, "cgroup.procs");
  char buf[24];
  int len = snprintf(buf, sizeof(buf), "%d", (int)pid);
  _cleanup_close_ int fd = open(procs, O_WRONLY | O_CLOEXEC);
  if (fd >= 0 && write(fd, buf, (size_t)len) == len)
    return NULL;
  char why[128];
  snprintf(why, sizeof(why), "%s", strerror(errno));
  why[0] = (char)tolower((unsigned char)why[0]);
  return herr_new("adding pid %d to cgroups: %s: %s", (int)pid, procs, why);
}

herr cgroup_add_pid_sub(struct cgroup *cg, pid_t pid, char *const *subs)
{
  for (size_t i = 0; i < cg->n; i++) {
    if (!subs[i])
      TRY_WRAP(cg->h[i].be->add_pid(&cg->h[i], pid), "cgroups: move process %d into %s", (int)pid,
               cg->h[i].key);
    else
      TRY_WRAP(add_pid_below(&cg->h[i], subs[i], pid), "cgroups: %s", cg->h[i].key);
  }
  return NULL;
}
