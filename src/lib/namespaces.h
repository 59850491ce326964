/* namespaces.h - which namespaces a container gets, and entering them.
 *
 * A plan is made in the runtime before the container process exists: paths of
 * namespaces to join are opened there (they resolve in the runtime's mount
 * namespace, as the spec wants) and validated.  New namespaces come from the
 * clone() flags; time and joined pid namespaces are arranged in the parent
 * around the clone so that the container process is born in them without a
 * second fork. Only a joined user namespace with new namespaces owned by it,
 * or (rootless) with a joined pid namespace, needs a second fork (done by
 * init.c).
 */
#ifndef HULL_NAMESPACES_H
#define HULL_NAMESPACES_H

#include <stdbool.h>
#include <sys/types.h>

#include "error.h"
#include "spec.h"

struct ns_plan {
  int clone_flags;               /* CLONE_NEW* given to clone() */
  int unshare_flags;             /* CLONE_NEW* the child unshares after joining: those owned by
                                    a joined user ns, and always a new cgroup ns */
  int join_fd[OCI_NS_COUNT];     /* fd of a namespace to join, -1 if none */
  bool has[OCI_NS_COUNT];        /* the namespace is listed in the config */
  bool new_user;                 /* a new user namespace (the parent writes id maps) */
  bool pid_joined_in_child;      /* rootless: the joined pid ns is entered by the child, from
                                    the joined user ns that owns it */
  bool needs_second_fork;        /* the child must fork once more (see above) */
  int saved_pid_fd;              /* parent's own pid ns while pid_for_children is switched */
  int saved_time_fd;             /* parent's own time ns while time_for_children is switched */
  int saved_dumpable;            /* parent's PR_GET_DUMPABLE while it clones non-dumpable */
};

/* Validate linux.namespaces against the rest of the config and open join paths. */
herr ns_plan_prepare(const struct oci_config *cfg, struct ns_plan *plan);
void ns_plan_release(struct ns_plan *plan);

/* Parent, just before clone(): switch pid_for_children / time_for_children to
 * a joined pid namespace or a new time namespace with the configured offsets;
 * become non-dumpable, so that the container process is born so; open the
 * verified procfs (procfs.h), so that it inherits it. */
herr ns_parent_before_clone(struct ns_plan *plan, const struct oci_linux *lx);
/* Parent, right after clone(): switch back to its own namespaces and dumpability. */
herr ns_parent_after_clone(struct ns_plan *plan);

/* Parent: write /proc/PID/{setgroups,uid_map,gid_map} for a new user ns. */
herr ns_write_id_maps(pid_t pid, const struct oci_linux *lx);
/* One of them: /proc/PID/`file` ("uid_map"); `field` names the mappings in errors. */
herr ns_write_id_map(pid_t pid, const char *file, const char *field,
                     const struct oci_idmapping *m, size_t n);

/* Child: join the user namespace if given by path, then the others (the pid
 * namespace too when pid_joined_in_child), then unshare what must be created
 * inside a joined user namespace. */
herr ns_join_and_unshare(const struct ns_plan *plan);

/* The /proc/self/ns/<name> file name of a namespace type. */
const char *ns_proc_name(enum oci_ns_type t);
int ns_clone_flag(enum oci_ns_type t);

#endif
