/* rlimits.c - process.rlimits, applied with setrlimit(2) on the process
 * itself (the container init, before it execs the user's program). */
#include "config.h"

#include "rlimits.h"
#include "utils.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

struct rlimit_entry {
  const char *name;
  int resource;
};

static const struct rlimit_entry rlimit_table[] = {
  { "RLIMIT_CPU", RLIMIT_CPU },
  { "RLIMIT_FSIZE", RLIMIT_FSIZE },
  { "RLIMIT_DATA", RLIMIT_DATA },
  { "RLIMIT_STACK", RLIMIT_STACK },
  { "RLIMIT_CORE", RLIMIT_CORE },
  { "RLIMIT_RSS", RLIMIT_RSS },
  { "RLIMIT_NPROC", RLIMIT_NPROC },
  { "RLIMIT_NOFILE", RLIMIT_NOFILE },
  { "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK },
  { "RLIMIT_AS", RLIMIT_AS },
  { "RLIMIT_LOCKS", RLIMIT_LOCKS },
  { "RLIMIT_SIGPENDING", RLIMIT_SIGPENDING },
  { "RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE },
  { "RLIMIT_NICE", RLIMIT_NICE },
  { "RLIMIT_RTPRIO", RLIMIT_RTPRIO },
  { "RLIMIT_RTTIME", RLIMIT_RTTIME },
};

#define N_RLIMITS (ARRAY_LEN(rlimit_table))

int rlimit_from_name(const char *name)
{
  if (!name)
    return -1;
  for (size_t i = 0; i < N_RLIMITS; i++)
    if (strcmp(name, rlimit_table[i].name) == 0)
      return rlimit_table[i].resource;
  return -1;
}

/* A limit as a person reads it: RLIM_INFINITY is "unlimited".  The text
 * lives in `buf`. */
static const char *limit_text(rlim_t v, char *buf, size_t size)
{
  if (v == RLIM_INFINITY)
    return "unlimited";
  snprintf(buf, size, "%" PRIu64, (uint64_t)v);
  return buf;
}

/* fs.nr_open caps RLIMIT_NOFILE even for a process holding CAP_SYS_RESOURCE;
 * 0 if it cannot be read. */
static uint64_t read_nr_open(void)
{
  FILE *f = fopen("/proc/sys/fs/nr_open", "re");
  if (!f)
    return 0;
  uint64_t v = 0;
  if (fscanf(f, "%" SCNu64, &v) != 1)
    v = 0;
  fclose(f);
  return v;
}

/* setrlimit failed with EPERM: say why, as precisely as the kernel lets us
 * tell, so that the caller (and podman, which looks for "not permitted")
 * sees the cause rather than a bare errno. */
static herr explain_eperm(const char *name, int resource, const struct rlimit *want)
{
  struct rlimit cur;
  char a[32], b[32];
  if (getrlimit(resource, &cur) < 0)
    return herr_errno(EPERM, "cannot set %s", name);
  uint64_t nr_open = resource == RLIMIT_NOFILE ? read_nr_open() : 0;
  if (nr_open && want->rlim_max != RLIM_INFINITY && want->rlim_max > nr_open)
    return herr_errno(EPERM, "cannot raise %s hard limit to %s: above fs.nr_open (%" PRIu64 ")",
                      name, limit_text(want->rlim_max, a, sizeof(a)), nr_open);
  if (want->rlim_max > cur.rlim_max)
    return herr_errno(EPERM,
                      "cannot raise %s hard limit to %s (current hard limit %s): "
                      "raising an rlimit needs CAP_SYS_RESOURCE",
                      name, limit_text(want->rlim_max, a, sizeof(a)),
                      limit_text(cur.rlim_max, b, sizeof(b)));
  return herr_errno(EPERM, "cannot set %s", name);
}

static herr apply_one(const struct oci_rlimit *rl)
{
  /* The name is the source of truth; `resource` is its decoded copy. */
  int resource = rl->type ? rlimit_from_name(rl->type) : rl->resource;
  const char *name = rl->type ? rl->type : "rlimit";
  if (resource < 0)
    return herr_new("unknown rlimit type \"%s\"", rl->type);
  if (rl->soft > rl->hard)
    return herr_new("%s soft limit %" PRIu64 " is above its hard limit %" PRIu64,
                    name, rl->soft, rl->hard);
  struct rlimit want = { .rlim_cur = (rlim_t)rl->soft, .rlim_max = (rlim_t)rl->hard };
  if (setrlimit(resource, &want) == 0)
    return NULL;
  if (errno == EPERM)
    return explain_eperm(name, resource, &want);
  return herr_sys("cannot set %s (soft %" PRIu64 ", hard %" PRIu64 ")", name, rl->soft,
                  rl->hard);
}

herr rlimits_apply(const struct oci_rlimit *rl, size_t n)
{
  for (size_t i = 0; i < n; i++)
    TRY_WRAP(apply_one(&rl[i]), "process.rlimits[%zu]", i);
  return NULL;
}
