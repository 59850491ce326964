/* uts.c - hostname and domainname. */
#include "uts.h"

#include <string.h>
#include <unistd.h>

herr uts_validate(const struct oci_config *cfg, bool has_uts_ns)
{
  if (has_uts_ns)
    return NULL;
  if (cfg->hostname && *cfg->hostname)
    return herr_new("hostname: setting a hostname needs a UTS namespace (add {\"type\": \"uts\"} to linux.namespaces)");
  if (cfg->domainname && *cfg->domainname)
    return herr_new("domainname: setting a domainname needs a UTS namespace (add {\"type\": \"uts\"} to linux.namespaces)");
  return NULL;
}

herr uts_apply(const struct oci_config *cfg)
{
  if (cfg->hostname && *cfg->hostname && sethostname(cfg->hostname, strlen(cfg->hostname)) < 0)
    return herr_sys("hostname: set \"%s\"", cfg->hostname);
  if (cfg->domainname && *cfg->domainname &&
      setdomainname(cfg->domainname, strlen(cfg->domainname)) < 0)
    return herr_sys("domainname: set \"%s\"", cfg->domainname);
  return NULL;
}
