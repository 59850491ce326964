/* idmap.h - idmapped mounts: config.md "Mounts", the idmap and ridmap options
 * and a mount's uidMappings/gidMappings.
 *
 * Setting MOUNT_ATTR_IDMAP needs CAP_SYS_ADMIN over the user namespace of the
 * source's filesystem, which a container process in a user namespace of its
 * own does not have.  So the runtime makes them before the clone: each source
 * is cloned into a detached tree (open_tree), idmapped with a user namespace
 * made from the mappings (the mount's, else the container's), and the
 * container process, which inherits the fds, moves the tree into place
 * (mounts.c).
 *
 * The same way, the bind sources of a container with a user namespace are
 * cloned here (not idmapped), as runc opens them before joining it: the
 * container's root may have no right to reach them.
 */
#ifndef HULL_IDMAP_H
#define HULL_IDMAP_H

#include "error.h"
#include "spec.h"

/* One fd per mount of cfg (*out, cfg->n_mounts entries): its idmapped tree,
 * its plain clone (a bind mount with a user namespace), or -1.
 * Relative sources are taken from `bundle`. */
herr idmap_prepare_mounts(const struct oci_config *cfg, const char *bundle, int **out);
void idmap_close_mounts(int *fds, size_t n);

#endif
