/* io_priority.c - process.ioPriority with ioprio_set(2), which glibc does
 * not wrap.  The process's children inherit it. */
#include "config.h"

#include "io_priority.h"

#include <errno.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/ioprio.h>

herr io_priority_apply(const struct oci_io_priority *p)
{
  if (!p)
    return NULL;
  int value = IOPRIO_PRIO_VALUE(p->class_num, p->priority);
  if (syscall(SYS_ioprio_set, IOPRIO_WHO_PROCESS, 0, value) < 0)
    return herr_sys("process.ioPriority: ioprio_set(%s, %d)%s", p->class, p->priority,
                    errno == EPERM ? " (IOPRIO_CLASS_RT needs CAP_SYS_ADMIN or CAP_SYS_NICE)" : "");
  return NULL;
}
