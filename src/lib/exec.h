/* exec.h - `exec`: run one more process in a running container (runtime.md
 * has no such operation; this follows runc's `exec`). */
#ifndef HULL_EXEC_H
#define HULL_EXEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

struct exec_opts {
  const char *root;             /* --root */
  const char *id;
  const char *process_file;     /* --process: a process.json; NULL: built from the rest */
  char **args;                  /* the program and its arguments (without --process) */
  size_t n_args;
  bool tty;                     /* --tty */
  const char *console_socket;   /* --console-socket: receives the pty master */
  bool detach;                  /* --detach: return once the process runs */
  const char *pid_file;         /* --pid-file */
  const char *cwd;              /* --cwd */
  char **env;                   /* --env NAME=VALUE, added to (or replacing) the config's */
  size_t n_env;
  bool has_user;                /* --user UID[:GID] */
  uint32_t uid;
  bool has_gid;
  uint32_t gid;
  uint32_t *additional_gids;    /* --additional-gids */
  size_t n_additional_gids;
  char **caps;                  /* --cap: added to the bounding, effective and permitted sets */
  size_t n_caps;
  bool no_new_privs;            /* --no-new-privs */
  const char *apparmor;         /* --apparmor */
  const char *process_label;    /* --process-label */
  int preserve_fds;             /* --preserve-fds */
  bool ignore_paused;           /* --ignore-paused */
  char **cgroups;               /* --cgroup [CTRL[,CTRL...]:]PATH: join a sub-cgroup */
  size_t n_cgroups;
};

/* Start the process in the container's namespaces and cgroup, with its
 * capabilities, rlimits, seccomp filter, LSM label and noNewPrivileges
 * unless the options say otherwise.  Without `detach`, wait for it:
 * `exit_status` is its exit code (128+N when signal N killed it).  With
 * `detach`, return once it runs (0); the caller's subreaper adopts it. */
herr container_exec(const struct exec_opts *o, int *exit_status);

#endif
