/* mount_attrs.h - mount attributes through mount_setattr(2): the recursive
 * options of config.md (rro, rnosuid, ...) and the idmapping of a mount. */
#ifndef HULL_MOUNT_ATTRS_H
#define HULL_MOUNT_ATTRS_H

#include <stdbool.h>
#include <stdint.h>

#include "error.h"

/* Set and clear MOUNT_ATTR_* on the mount `fd` is the root of, and on every
 * mount below it (AT_RECURSIVE). */
herr mount_attrs_set_recursive(int fd, uint64_t set, uint64_t clr);

/* Idmap the detached mount tree `tree` (open_tree(OPEN_TREE_CLONE)) with the
 * mappings of the user namespace `userns_fd`; `recursive`: its submounts too. */
herr mount_attrs_set_idmap(int tree, int userns_fd, bool recursive);

#endif
