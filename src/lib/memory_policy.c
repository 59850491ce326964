/* memory_policy.c - linux.memoryPolicy with set_mempolicy(2).  The decoder
 * resolved the mode and flags and refused the combinations the kernel would
 * (spec.c resolve_memory_policy); here the nodes meet the host. */
#include "config.h"

#include "memory_policy.h"

#include <errno.h>
#include <linux/mempolicy.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cpulist.h"

#define ONLINE_NODES "/sys/devices/system/node/online"

herr memory_policy_validate(const struct oci_memory_policy *mp)
{
  if (!mp || !mp->nodes || (mp->flags_num & MPOL_F_RELATIVE_NODES))
    return NULL;
  TRY_WRAP(cpulist_check_host(mp->nodes, ONLINE_NODES, "memory node"), "linux.memoryPolicy.nodes");
  return NULL;
}

herr memory_policy_apply(const struct oci_memory_policy *mp)
{
  if (!mp)
    return NULL;
  _cleanup_cpulist_ struct cpulist nodes = { 0 };
  TRY_WRAP(cpulist_parse(mp->nodes ? mp->nodes : "", &nodes), "linux.memoryPolicy.nodes");
  /* The kernel reads maxnode - 1 bits (set_mempolicy(2), BUGS): one more. */
  unsigned long maxnode = nodes.nbits ? nodes.nbits + 1 : 0;
  if (syscall(SYS_set_mempolicy, mp->mode_num | (int)mp->flags_num, nodes.nbits ? nodes.bits : NULL,
              maxnode) < 0)
    return herr_sys("linux.memoryPolicy: set_mempolicy(%s, nodes \"%s\")%s", mp->mode,
                    mp->nodes ? mp->nodes : "",
                    errno == EINVAL ? " (a node without memory, or a flag this kernel does not take with this mode)" : "");
  return NULL;
}
