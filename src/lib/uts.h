/* uts.h - hostname and domainname (config.md "Hostname", "Domainname"). */
#ifndef HULL_UTS_H
#define HULL_UTS_H

#include <stdbool.h>

#include "error.h"
#include "spec.h"

/* Refuse a hostname/domainname without a new UTS namespace: setting it would
 * change the host's. */
herr uts_validate(const struct oci_config *cfg, bool has_uts_ns);
herr uts_apply(const struct oci_config *cfg);

#endif
