/* lsm.h - Linux security module labels: process.apparmorProfile,
 * process.selinuxLabel and linux.mountLabel.
 *
 * Detect, don't assume: AppArmor is on when
 * /sys/module/apparmor/parameters/enabled says "Y", SELinux when selinuxfs is
 * mounted.  A label asked for an LSM this host does not run is an error at
 * create, naming the field (hull never runs a process less confined than its
 * config says).  The exec labels are written to thread-self/attr of the
 * verified procfs of procfs.h, just before execve.
 */
#ifndef HULL_LSM_H
#define HULL_LSM_H

#include <stdbool.h>

#include "error.h"
#include "spec.h"

bool lsm_apparmor_enabled(void);
bool lsm_selinux_enabled(void);

/* At create, before anything is made: refuse a label for an LSM this host
 * has not enabled ("process.apparmorProfile: AppArmor is not enabled ..."). */
herr lsm_validate(const struct oci_config *cfg);
/* The same for a process alone (`exec`). */
herr lsm_validate_process(const struct oci_process *p);

/* SELinux labels the filesystems that have no labels of their own by the
 * `context=` mount option: add context="<linux.mountLabel>" to the options of
 * the tmpfs, devpts and mqueue mounts (unless they have a context= already).
 * Changes the decoded config only (not the saved config.json). */
herr lsm_label_mounts(struct oci_config *cfg);

/* Make the next execve run under process.apparmorProfile ("exec PROFILE" to
 * attr/apparmor/exec, or attr/exec on kernels without per-LSM attrs) and
 * process.selinuxLabel (attr/exec).  Call in the container, after the
 * startContainer hooks (their forks would inherit the label), before the
 * capabilities are dropped. */
herr lsm_set_exec_labels(const struct oci_process *p);

#endif
