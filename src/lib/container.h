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
  /* A foreground run: receives the pty master when process.terminal is set
   * and there is no console socket (-1 otherwise).  NULL: create refuses a
   * terminal without a console socket. */
  int *pty_master;
  /* The config text itself, instead of BUNDLE/config.json (hull sandbox). */
  const char *config_json;
  /* Keep the container process tied to the caller: it is killed when the
   * process that created it dies (hull sandbox). */
  bool die_with_parent;
  /* --systemd-cgroup: the cgroup is a systemd scope (cgroup_systemd.c). */
  bool systemd_cgroup;
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
  bool keep; /* leave the stopped container (and its cgroup) for `delete` */
};
/* Create, start and (unless detached) wait; `exit_status` is the process's
 * exit code, or 128+N when a signal N killed it.  Signals to hull are forwarded. */
herr container_run(const struct run_opts *o, int *exit_status);

struct container_summary {
  char *ociVersion;
  char *id;
  pid_t pid;
  enum container_status status;
  char *bundle;
  char *rootfs;
  char *created;
  char *owner;
};
/* Every container under root, sorted by id. */
herr container_list(const char *root, struct container_summary **out, size_t *n);
void container_list_free(struct container_summary *list, size_t n);

/* ---- through the container's cgroup (cgroup.h) ---- */

/* Freeze (v1 freezer, v2 cgroup.freeze) a created or running container;
 * `state` then says "paused".  resume thaws a paused one. */
herr container_pause(const char *root, const char *id);
herr container_resume(const char *root, const char *id);
/* Apply the given fields of linux.resources to a live container. */
herr container_update(const char *root, const char *id, const struct oci_resources *r);
/* `update --l3-cache-schema/--mem-bw-schema` (NULL: unchanged): linux.intelRdt's schemata. */
herr container_update_intel_rdt(const char *root, const char *id, const char *l3, const char *mb);
/* The pids in the container's cgroup, sorted; caller frees. */
herr container_pids(const char *root, const char *id, pid_t **pids, size_t *n);
herr container_status(const char *root, const char *id, enum container_status *status);
/* The cgroup's statistics (`events --stats`); a stopped container has none. */
herr container_stats(const char *root, const char *id, struct cgroup_stats *st);
/* Watch the container's memory controller for OOM events (`events`). */
herr container_oom_watch(const char *root, const char *id, struct cgroup_oom_watch *w);

#endif
