/* sandbox.h - `hull sandbox`: the OCI config that isolates one command of the
 * host, bubblewrap-style.  The config is plain runtime-spec JSON and runs
 * through the same engine as `hull run`; --print-config shows it, so a
 * sandbox can be turned into a bundle. */
#ifndef HULL_SANDBOX_H
#define HULL_SANDBOX_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

enum sandbox_mount_kind { SANDBOX_BIND, SANDBOX_RO_BIND, SANDBOX_TMPFS };

struct sandbox_mount {
  enum sandbox_mount_kind kind;
  const char *source; /* NULL for tmpfs */
  const char *destination;
};

struct sandbox_env {
  const char *name;
  const char *value; /* NULL: unset */
};

struct sandbox_opts {
  char **argv;                   /* the command and its arguments */
  const char *workspace;         /* read-write; NULL: the current directory */
  const char *chdir;             /* NULL: the workspace */
  const char *hostname;          /* NULL: keep the host's name */
  const char *seccomp_profile;   /* linux.seccomp JSON text; NULL: hull's default */
  bool share_net;
  bool tty;                      /* a pty of its own (process.terminal) */
  struct sandbox_mount *mounts;  /* --bind, --ro-bind, --tmpfs, in order */
  size_t n_mounts;
  struct sandbox_env *env;       /* --setenv / --unsetenv, in order */
  size_t n_env;
};

/* The config.json text for `o`, for the calling user (mapped to itself in a
 * new user namespace).  Caller frees. */
herr sandbox_config_json(const struct sandbox_opts *o, char **json);

/* What the sandbox cannot close on this host and the user must know (say it
 * on stderr), or NULL.  The config carries it too, as this annotation. */
const char *sandbox_notice(const struct sandbox_opts *o);
#define SANDBOX_NOTICE_ANNOTATION "org.hull.sandbox.notice"

#endif
