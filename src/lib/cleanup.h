/* cleanup.h - __attribute__((cleanup)) helpers so that every early return
 * frees and closes what the function owned. */
#ifndef HULL_CLEANUP_H
#define HULL_CLEANUP_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <errno.h>

#include "error.h"

static inline void cleanup_freep(void *p)
{
  free(*(void **)p);
}

static inline void cleanup_closep(int *fd)
{
  if (*fd >= 0) {
    int saved = errno;
    close(*fd);
    errno = saved;
  }
}

static inline void cleanup_fclosep(FILE **f)
{
  if (*f)
    fclose(*f);
}

static inline void cleanup_herrp(herr *e)
{
  herr_free(*e);
}

static inline void cleanup_strvp(char ***v)
{
  if (*v) {
    for (char **p = *v; *p; p++)
      free(*p);
    free(*v);
  }
}

#define _cleanup_free_ __attribute__((cleanup(cleanup_freep)))
#define _cleanup_close_ __attribute__((cleanup(cleanup_closep)))
#define _cleanup_fclose_ __attribute__((cleanup(cleanup_fclosep)))
#define _cleanup_herr_ __attribute__((cleanup(cleanup_herrp)))
#define _cleanup_strv_ __attribute__((cleanup(cleanup_strvp)))

/* Hand ownership out of a cleanup variable. */
static inline int steal_fd(int *fd)
{
  int r = *fd;
  *fd = -1;
  return r;
}

static inline void *steal_ptr(void *pp)
{
  void **p = pp;
  void *r = *p;
  *p = NULL;
  return r;
}
#define STEAL(p) steal_ptr(&(p))

#endif
