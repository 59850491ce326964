/* sysctl.c - linux.sysctl (config-linux.md "Sysctl"). */
#include "sysctl.h"

#include <stdio.h>
#include <string.h>

#include "procfs.h"
#include "utils.h"

/* Which namespace makes a sysctl safe to set: prefix match, or exact when the
 * entry has no trailing '.' or '*'. */
static const struct {
  const char *prefix;
  bool exact;
  enum oci_ns_type ns;
} namespaced[] = {
  { "net.", false, OCI_NS_NETWORK },
  { "kernel.shm", false, OCI_NS_IPC },
  { "kernel.msg", false, OCI_NS_IPC },
  { "kernel.sem", true, OCI_NS_IPC },
  { "fs.mqueue.", false, OCI_NS_IPC },
  { "kernel.hostname", true, OCI_NS_UTS },
  { "kernel.domainname", true, OCI_NS_UTS },
};

static herr check_one(const char *key, const bool has_ns[])
{
  for (size_t i = 0; i < ARRAY_LEN(namespaced); i++) {
    size_t n = strlen(namespaced[i].prefix);
    bool match = namespaced[i].exact ? !strcmp(key, namespaced[i].prefix)
                                     : !strncmp(key, namespaced[i].prefix, n);
    if (!match)
      continue;
    if (!has_ns[namespaced[i].ns])
      return herr_new("linux.sysctl[\"%s\"]: needs a new %s namespace, or it would change the host",
                      key, oci_ns_type_name(namespaced[i].ns));
    return NULL;
  }
  return herr_new("linux.sysctl[\"%s\"]: not a namespaced sysctl; setting it would change the host", key);
}

herr sysctl_validate(const struct oci_linux *lx, const bool has_ns[])
{
  for (size_t i = 0; lx && i < lx->n_sysctl; i++) {
    const char *key = lx->sysctl[i].key;
    if (strstr(key, "..") || strchr(key, '/'))
      return herr_new("linux.sysctl[\"%s\"]: invalid name", key);
    TRY(check_one(key, has_ns));
  }
  return NULL;
}

/* Through the verified procfs (procfs.h), never through /proc: a mount over
 * /proc/sys or one of its files must not redirect a write (CVE-2025-52881).
 * The files resolve in the caller's namespaces (net, ipc, uts), whichever
 * procfs instance they are opened through. */
herr sysctl_apply(const struct oci_linux *lx)
{
  for (size_t i = 0; lx && i < lx->n_sysctl; i++) {
    char rel[512];
    snprintf(rel, sizeof(rel), "sys/%s", lx->sysctl[i].key);
    for (char *p = rel + 4; *p; p++)
      if (*p == '.')
        *p = '/';
    const char *v = lx->sysctl[i].value ? lx->sysctl[i].value : "";
    TRY_WRAP(procfs_write(rel, v, strlen(v)), "linux.sysctl[\"%s\"]", lx->sysctl[i].key);
  }
  return NULL;
}
