/* host_sockets.c - the listening unix sockets of /proc/net/unix (see
 * host_sockets.h). */
#include "host_sockets.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cleanup.h"
#include "utils.h"

/* The Flags column of a listening socket (__SO_ACCEPTCON). */
#define ACCEPTCON 0x10000

/* "Num: RefCount Protocol Flags Type St Inode Path": the path of a listening
 * socket bound to a file ('@' starts an abstract name), else NULL. */
static const char *listening_path(char *line)
{
  unsigned flags;
  int end = 0;
  if (sscanf(line, "%*s %*x %*x %x %*x %*x %*u %n", &flags, &end) != 1 || !end)
    return NULL;
  char *path = line + end;
  path[strcspn(path, "\n")] = '\0';
  return (flags & ACCEPTCON) && path[0] == '/' ? path : NULL;
}

static bool listed(const struct host_sockets *s, const char *path)
{
  for (size_t i = 0; i < s->n; i++)
    if (!strcmp(s->paths[i], path))
      return true;
  return false;
}

/* A socket of another mount namespace, or one removed since, may not be at
 * its path here: only a socket file that is there counts. */
static herr add_if_socket_file(struct host_sockets *s, const char *path)
{
  struct stat st;
  _cleanup_free_ char *real = NULL;
  if (stat(path, &st) < 0 || !S_ISSOCK(st.st_mode))
    return NULL;
  herr e = real_path(path, &real);
  if (e) {
    herr_free(e);
    return NULL;
  }
  if (listed(s, real))
    return NULL;
  char **p = realloc(s->paths, (s->n + 1) * sizeof(*p));
  if (!p)
    return herr_errno(ENOMEM, "/proc/net/unix");
  s->paths = p;
  s->paths[s->n++] = steal_ptr(&real);
  return NULL;
}

herr host_sockets_read(FILE *f, struct host_sockets *out)
{
  *out = (struct host_sockets){ 0 };
  _cleanup_free_ char *line = NULL;
  size_t cap = 0;
  herr e = NULL;
  while (!e && getline(&line, &cap, f) > 0) {
    const char *path = listening_path(line);
    if (path)
      e = add_if_socket_file(out, path);
  }
  if (e)
    host_sockets_free(out);
  return e;
}

herr host_sockets_list(struct host_sockets *out)
{
  _cleanup_fclose_ FILE *f = fopen("/proc/net/unix", "re");
  if (!f)
    return herr_sys("open /proc/net/unix");
  return host_sockets_read(f, out);
}

void host_sockets_free(struct host_sockets *s)
{
  for (size_t i = 0; i < s->n; i++)
    free(s->paths[i]);
  free(s->paths);
  *s = (struct host_sockets){ 0 };
}
