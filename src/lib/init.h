/* init.h - the container set-up sequence, run by the container process
 * itself between clone() and execve() of the user's program. */
#ifndef HULL_INIT_H
#define HULL_INIT_H

#include <stdbool.h>

#include "namespaces.h"
#include "seccomp.h"
#include "spec.h"

struct init_ctx {
  const struct oci_config *cfg;
  const char *id;
  const char *bundle;          /* absolute */
  const char *rootfs;          /* absolute */
  const struct ns_plan *plan;
  int sync_fd;                 /* the child's end of the sync socketpair */
  int state_dirfd;             /* --root/ID, for the start FIFOs */
  bool no_pivot;
  bool no_new_keyring;
  int preserve_fds;            /* fds 3 .. 3+N-1 are passed to the process */
  bool die_with_parent;        /* keep PR_SET_PDEATHSIG after create */
  const struct seccomp_program *seccomp; /* linux.seccomp compiled at create, or NULL */
  const int *idmapped;         /* per mount: its idmapped tree (idmap.h), -1; or NULL */
};

/* Runs in the freshly cloned process; never returns. */
__attribute__((noreturn)) void init_main(struct init_ctx *ctx);

#endif
