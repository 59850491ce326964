/* cgroup_fs.c - the file side of cgroups: reading and writing a cgroup's
 * files (one value per write), parsing their numbers and "key value" lines,
 * and making, listing and removing a cgroup's directories.  See cgroup_fs.h. */
#include "cgroup_fs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "cleanup.h"
#include "utils.h"

/* ---- one file ---- */

herr cg_write(const char *dir, const char *file, const char *value)
{
  _cleanup_free_ char *path = path_join(dir, file);
  _cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT && access(dir, F_OK) == 0)
      return herr_new("%s does not exist: this kernel or cgroup does not support it", path);
    return herr_sys("open %s", path);
  }
  /* cgroup files take one value per write(2). */
  size_t len = strlen(value);
  ssize_t w = write(fd, value, len);
  if (w < 0)
    return herr_sys("write \"%s\" to %s", value, path);
  if ((size_t)w != len)
    return herr_new("write \"%s\" to %s: short write", value, path);
  return NULL;
}

herr cg_write_u64(const char *dir, const char *file, uint64_t v)
{
  char buf[32];
  snprintf(buf, sizeof(buf), "%llu", (unsigned long long)v);
  return cg_write(dir, file, buf);
}

herr cg_write_i64(const char *dir, const char *file, int64_t v)
{
  char buf[32];
  snprintf(buf, sizeof(buf), "%lld", (long long)v);
  return cg_write(dir, file, buf);
}

herr cg_read(const char *dir, const char *file, char **out)
{
  _cleanup_free_ char *path = path_join(dir, file);
  char *text = NULL;
  size_t len = 0;
  TRY(read_file(path, &text, &len));
  while (len && (text[len - 1] == '\n' || text[len - 1] == ' '))
    text[--len] = '\0';
  *out = text;
  return NULL;
}

herr cg_read_u64(const char *dir, const char *file, uint64_t *v)
{
  _cleanup_free_ char *text = NULL;
  TRY(cg_read(dir, file, &text));
  if (!strcmp(text, "max")) {
    *v = UINT64_MAX;
    return NULL;
  }
  char *end;
  errno = 0;
  unsigned long long n = strtoull(text, &end, 10);
  if (errno || end == text)
    return herr_new("%s/%s: not a number: \"%s\"", dir, file, text);
  *v = n;
  return NULL;
}

bool cg_try_read(const char *dir, const char *file, char **out)
{
  herr e = cg_read(dir, file, out);
  bool ok = e == NULL;
  if (e)
    *out = NULL;
  herr_free(e);
  return ok;
}

bool cg_exists(const char *dir, const char *file)
{
  _cleanup_free_ char *path = path_join(dir, file);
  return access(path, F_OK) == 0;
}

bool cg_kv_lookup(const char *text, const char *key, uint64_t *v)
{
  size_t kl = strlen(key);
  const char *line = text;
  while (line && *line) {
    if (!strncmp(line, key, kl) && (line[kl] == ' ' || line[kl] == '\t')) {
      *v = strtoull(line + kl + 1, NULL, 10);
      return true;
    }
    line = strchr(line, '\n');
    if (line)
      line++;
  }
  return false;
}

herr cg_wait_kv(const char *dir, const char *file, const char *key, uint64_t want)
{
  for (int tries = 0; tries < 500; tries++) {
    _cleanup_free_ char *text = NULL;
    TRY(cg_read(dir, file, &text));
    uint64_t v;
    if (cg_kv_lookup(text, key, &v) && v == want)
      return NULL;
    cg_sleep_ms(10);
  }
  return herr_new("%s/%s: %s did not become %llu", dir, file, key, (unsigned long long)want);
}

void cg_sleep_ms(long ms)
{
  struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };
  while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
    ;
}

/* ---- a cgroup's directories ---- */

herr cg_mkdir(struct cgroup_hier *h)
{
  /* Walk down from the mount, creating what is missing. */
  size_t base = strlen(h->mountpoint);
  _cleanup_free_ char *dir = xstrdup(h->dir);
  h->made = 0;
  for (char *p = dir + base + 1; p <= dir + strlen(h->dir); p++) {
    if (*p != '/' && *p != '\0')
      continue;
    char saved = *p;
    *p = '\0';
    if (mkdir(dir, 0755) == 0)
      h->made++;
    else if (errno != EEXIST)
      return herr_sys("mkdir %s", dir);
    *p = saved;
    if (!saved)
      break;
  }
  return NULL;
}

herr cg_add_pid(struct cgroup_hier *h, pid_t pid)
{
  char buf[24];
  snprintf(buf, sizeof(buf), "%d", (int)pid);
  return cg_write(h->dir, "cgroup.procs", buf);
}

struct pid_list {
  pid_t *v;
  size_t n, cap;
};

static herr pid_list_add_file(struct pid_list *l, const char *dir)
{
  _cleanup_free_ char *text = NULL;
  herr e = cg_read(dir, "cgroup.procs", &text);
  if (e && herr_errnum(e) == ENOENT) {
    herr_free(e); /* removed while we looked */
    return NULL;
  }
  TRY(e);
  for (char *p = text; *p;) {
    char *end;
    long pid = strtol(p, &end, 10);
    if (end == p)
      break;
    if (l->n == l->cap) {
      l->cap = l->cap ? l->cap * 2 : 32;
      pid_t *nv = realloc(l->v, l->cap * sizeof(*nv));
      if (!nv)
        return herr_errno(ENOMEM, "pids");
      l->v = nv;
    }
    l->v[l->n++] = (pid_t)pid;
    p = end;
    while (*p == '\n')
      p++;
  }
  return NULL;
}

/* Call fn on every directory below dir (children first when post). */
static herr walk_subdirs(const char *dir, bool post, herr (*fn)(const char *dir, void *arg), void *arg)
{
  if (!post)
    TRY(fn(dir, arg));
  DIR *d = opendir(dir);
  if (!d) {
    if (errno == ENOENT)
      return NULL;
    return herr_sys("open %s", dir);
  }
  herr e = NULL;
  struct dirent *de;
  while (!e && (de = readdir(d))) {
    if (de->d_type != DT_DIR || !strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
      continue;
    _cleanup_free_ char *sub = path_join(dir, de->d_name);
    e = walk_subdirs(sub, post, fn, arg);
  }
  closedir(d);
  if (!e && post)
    e = fn(dir, arg);
  return e;
}

static herr collect_pids(const char *dir, void *arg)
{
  return pid_list_add_file(arg, dir);
}

static int compare_pids(const void *a, const void *b)
{
  pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;
  return (x > y) - (x < y);
}

herr cg_pids(struct cgroup_hier *h, pid_t **pids, size_t *n)
{
  struct pid_list l = { 0 };
  herr e = walk_subdirs(h->dir, false, collect_pids, &l);
  if (e) {
    free(l.v);
    return e;
  }
  if (l.n)
    qsort(l.v, l.n, sizeof(*l.v), compare_pids);
  *pids = l.v;
  *n = l.n;
  return NULL;
}

static herr remove_dir(const char *dir, void *arg)
{
  (void)arg;
  if (rmdir(dir) < 0 && errno != ENOENT)
    return herr_sys("remove cgroup %s", dir);
  return NULL;
}

herr cg_remove(struct cgroup_hier *h)
{
  TRY(walk_subdirs(h->dir, true, remove_dir, NULL));
  /* The ancestors hull made, while nobody else uses them. */
  _cleanup_free_ char *dir = xstrdup(h->dir);
  for (unsigned i = 1; i < h->made; i++) {
    char *slash = strrchr(dir, '/');
    if (!slash || (size_t)(slash - dir) <= strlen(h->mountpoint))
      break;
    *slash = '\0';
    if (rmdir(dir) < 0)
      break; /* another container is in there: it stays */
  }
  return NULL;
}
