/* io_priority.h - process.ioPriority. */
#ifndef HULL_IO_PRIORITY_H
#define HULL_IO_PRIORITY_H

#include "error.h"
#include "spec.h"

/* ioprio_set(2) on the calling process (as runc does); NULL does nothing. */
herr io_priority_apply(const struct oci_io_priority *p);

#endif
