/* container.h - the operations of runtime.md: create, start, state, kill,
 * delete, plus run (create + start + wait) and list. */
#ifndef HULL_CONTAINER_H
#define HULL_CONTAINER_H

#include <stdbool.h>
#include <sys/types.h>

#include "error.h"
#include "state.h"

struct create_opts {
  const char *root;            /* --root */
  const char *id;
  const char *bundle;          /* default "." */
  const char *pid_file;        /* NULL: none */
  const char *console_socket;  /* NULL: none */
  bool no_pivot;
  bool no_new_keyring;
  int preserve_fds;
};

herr container_create(const struct create_opts *o, pid_t *pid);
herr container_start(const char *root, const char *id);
/* The state JSON of runtime.md "Query State"; caller frees. */
herr container_state_json(const char *root, const char *id, char **json);
herr container_kill(const char *root, const char *id, int signo, bool all);
herr container_delete(const char *root, const char *id, bool force);

struct run_opts {
  struct create_opts create;
  bool detach;
};
/* Create, start and (unless detached) wait; `exit_status` is the process's
 * exit code, or 128+N when a signal N killed it.  Signals to hull are forwarded. */
herr container_run(const struct run_opts *o, int *exit_status);

struct container_summary {
  char *id;
  pid_t pid;
  enum container_status status;
  char *bundle;
  char *created;
  char *owner;
};
/* Every container under root, sorted by id. */
herr container_list(const char *root, struct container_summary **out, size_t *n);
void container_list_free(struct container_summary *list, size_t n);

#endif
