/* intelrdt.c - linux.intelRdt against resctrl.  See intelrdt.h. */
#include "intelrdt.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "utils.h"

#define NO_RESCTRL \
  "no resctrl filesystem is mounted (it needs a CPU with Intel RDT or AMD PQoS, and " \
  "`mount -t resctrl resctrl /sys/fs/resctrl`)"

/* The mount point of resctrl, from mountinfo (fields: ... mountpoint ... - fstype ...). */
static herr find_resctrl(char **mountpoint)
{
  *mountpoint = NULL;
  _cleanup_fclose_ FILE *f = fopen("/proc/self/mountinfo", "re");
  if (!f)
    return herr_sys("open /proc/self/mountinfo");
  char line[4096];
  while (fgets(line, sizeof(line), f)) {
    char mnt[4096], fstype[64];
    const char *dash = strstr(line, " - ");
    if (!dash || sscanf(dash, " - %63s", fstype) != 1 || strcmp(fstype, "resctrl"))
      continue;
    if (sscanf(line, "%*s %*s %*s %*s %4095s", mnt) == 1) {
      *mountpoint = xstrdup(mnt);
      return NULL;
    }
  }
  return herr_errno(ENODEV, NO_RESCTRL);
}

bool intelrdt_available(void)
{
  _cleanup_free_ char *mnt = NULL;
  herr e = find_resctrl(&mnt);
  herr_free(e);
  return mnt != NULL;
}

static herr check_line(const char *field, const char *line)
{
  if (strchr(line, '\n'))
    return herr_new("linux.intelRdt.%s: a schema is one line (no newline)", field);
  return NULL;
}

herr intelrdt_validate(const struct oci_intel_rdt *rdt)
{
  if (!rdt)
    return NULL;
  _cleanup_free_ char *mnt = NULL;
  TRY_WRAP(find_resctrl(&mnt), "linux.intelRdt");
  if (rdt->l3CacheSchema)
    TRY(check_line("l3CacheSchema", rdt->l3CacheSchema));
  if (rdt->memBwSchema)
    TRY(check_line("memBwSchema", rdt->memBwSchema));
  for (size_t i = 0; i < rdt->n_schemata; i++) {
    char field[32];
    snprintf(field, sizeof(field), "schemata[%zu]", i);
    TRY(check_line(field, rdt->schemata[i]));
  }
  if (rdt->closID && (strchr(rdt->closID, '/') ? strcmp(rdt->closID, "/") != 0
                                               : !strcmp(rdt->closID, "..") || !*rdt->closID))
    return herr_new("linux.intelRdt.closID: \"%s\" is not a resctrl group name", rdt->closID);
  return NULL;
}

static bool has_schema(const struct oci_intel_rdt *rdt)
{
  return rdt->l3CacheSchema || rdt->memBwSchema || rdt->n_schemata;
}

/* The CLOS directory: closID ("/" the root group), else the container's id. */
static char *clos_dir(const char *mnt, const struct oci_intel_rdt *rdt, const char *id)
{
  if (rdt->closID && !strcmp(rdt->closID, "/"))
    return xstrdup(mnt);
  return path_join(mnt, rdt->closID ? rdt->closID : id);
}

static herr write_line(const char *dir, const char *file, const char *line)
{
  _cleanup_free_ char *path = path_join(dir, file);
  _cleanup_free_ char *text = NULL;
  if (asprintf(&text, "%s\n", line) < 0)
    return herr_errno(ENOMEM, "%s", path);
  return write_file(path, text, strlen(text));
}

/* The lines in the order config-linux.md gives: L3, MB, then schemata. */
static herr write_schemata(const char *dir, const char *l3, const char *mb,
                           char *const *lines, size_t n)
{
  if (l3)
    TRY_WRAP(write_line(dir, "schemata", l3), "l3CacheSchema");
  if (mb)
    TRY_WRAP(write_line(dir, "schemata", mb), "memBwSchema");
  for (size_t i = 0; i < n; i++)
    TRY_WRAP(write_line(dir, "schemata", lines[i]), "schemata[%zu]", i);
  return NULL;
}

/* An existing closID group must already hold the schemas asked for. */
static herr check_schema_matches(const char *dir, const char *line, const char *field)
{
  if (!line)
    return NULL;
  _cleanup_free_ char *path = path_join(dir, "schemata");
  _cleanup_free_ char *text = NULL;
  TRY(read_file(path, &text, NULL));
  for (char *save = NULL, *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
    while (*l == ' ')
      l++;
    if (!strcmp(l, line))
      return NULL;
  }
  return herr_new("linux.intelRdt.%s: \"%s\" differs from the schemata of the existing group %s",
                  field, line, dir);
}

static herr enter_clos(const char *dir, const struct oci_intel_rdt *rdt)
{
  struct stat st;
  bool exists = stat(dir, &st) == 0;
  if (!exists && !has_schema(rdt) && rdt->closID)
    return herr_new("linux.intelRdt.closID: no group %s (and no schema to make it with)", dir);
  if (exists && rdt->closID) {
    TRY(check_schema_matches(dir, rdt->l3CacheSchema, "l3CacheSchema"));
    TRY(check_schema_matches(dir, rdt->memBwSchema, "memBwSchema"));
    return NULL;
  }
  if (!exists && mkdir(dir, 0755) < 0)
    return herr_sys("linux.intelRdt: mkdir %s", dir);
  return herr_wrap(write_schemata(dir, rdt->l3CacheSchema, rdt->memBwSchema, rdt->schemata,
                                  rdt->n_schemata), "linux.intelRdt");
}

static herr add_task(const char *dir, pid_t pid)
{
  char text[32];
  snprintf(text, sizeof(text), "%d", (int)pid);
  _cleanup_free_ char *tasks = path_join(dir, "tasks");
  return herr_wrap(write_file(tasks, text, strlen(text)), "linux.intelRdt: %s", tasks);
}

/* The CLOS group, and the monitoring group if asked for; made if `make`. */
static herr join_groups(const struct oci_intel_rdt *rdt, const char *id, pid_t pid, bool make)
{
  _cleanup_free_ char *mnt = NULL;
  TRY_WRAP(find_resctrl(&mnt), "linux.intelRdt");
  _cleanup_free_ char *dir = clos_dir(mnt, rdt, id);
  if (make)
    TRY(enter_clos(dir, rdt));
  TRY(add_task(dir, pid));
  if (!rdt->enableMonitoring)
    return NULL;
  _cleanup_free_ char *mon = path_join(dir, "mon_groups");
  _cleanup_free_ char *group = path_join(mon, id);
  if (make && mkdir(group, 0755) < 0 && errno != EEXIST)
    return herr_sys("linux.intelRdt.enableMonitoring: mkdir %s", group);
  return add_task(group, pid);
}

herr intelrdt_apply(const struct oci_intel_rdt *rdt, const char *id, pid_t pid)
{
  return rdt ? join_groups(rdt, id, pid, true) : NULL;
}

herr intelrdt_join(const struct oci_intel_rdt *rdt, const char *id, pid_t pid)
{
  return rdt ? join_groups(rdt, id, pid, false) : NULL;
}

herr intelrdt_remove(const struct oci_intel_rdt *rdt, const char *id)
{
  if (!rdt)
    return NULL;
  _cleanup_free_ char *mnt = NULL;
  herr e = find_resctrl(&mnt);
  if (e) {
    herr_free(e);
    return NULL;
  }
  _cleanup_free_ char *dir = clos_dir(mnt, rdt, id);
  if (rdt->enableMonitoring) {
    _cleanup_free_ char *mon = path_join(dir, "mon_groups");
    _cleanup_free_ char *group = path_join(mon, id);
    if (rmdir(group) < 0 && errno != ENOENT)
      return herr_sys("linux.intelRdt: remove %s", group);
  }
  /* Only the group named after the container is ours. */
  if (!rdt->closID && rmdir(dir) < 0 && errno != ENOENT)
    return herr_sys("linux.intelRdt: remove %s", dir);
  return NULL;
}

herr intelrdt_update(const struct oci_intel_rdt *rdt, const char *id, const char *l3,
                     const char *mb)
{
  _cleanup_free_ char *mnt = NULL;
  TRY_WRAP(find_resctrl(&mnt), "linux.intelRdt");
  if (!rdt)
    return herr_new("linux.intelRdt: the container was created without one");
  _cleanup_free_ char *dir = clos_dir(mnt, rdt, id);
  return herr_wrap(write_schemata(dir, l3, mb, NULL, 0), "linux.intelRdt");
}
