/* host_sockets.h - the host's listening unix sockets that have a path, from
 * /proc/net/unix (which lists the sockets of the caller's network namespace:
 * read it before leaving that namespace).  `hull sandbox` hides each one. */
#ifndef HULL_HOST_SOCKETS_H
#define HULL_HOST_SOCKETS_H

#include <stddef.h>
#include <stdio.h>

#include "error.h"

struct host_sockets {
  char **paths; /* real paths, each once, of sockets that exist as socket files */
  size_t n;
};

herr host_sockets_list(struct host_sockets *out);
/* The same from a text in /proc/net/unix's format. */
herr host_sockets_read(FILE *f, struct host_sockets *out);
void host_sockets_free(struct host_sockets *s);

#endif
