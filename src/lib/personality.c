/* personality.c - linux.personality: the execution domain, which outlives
 * execve(2) and makes uname(2) say i686 under LINUX32 on x86_64. */
#include "config.h"

#include "personality.h"

#include <sys/personality.h>

herr personality_apply(const struct oci_personality *p)
{
  if (!p)
    return NULL;
  if (personality(p->domain_num) < 0)
    return herr_sys("linux.personality.domain: personality(%s)", p->domain);
  return NULL;
}
