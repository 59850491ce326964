/* landlock.c - Landlock scoping (see landlock.h). */
#include "landlock.h"

#include <errno.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"
#include "utils.h"

#ifndef SYS_landlock_create_ruleset
#define SYS_landlock_create_ruleset 444
#endif
#ifndef SYS_landlock_restrict_self
#define SYS_landlock_restrict_self 446
#endif

/* Our own copy of the ABI 6 struct: the build host's <linux/landlock.h> may
 * predate `scoped`. */
struct ruleset_attr {
  uint64_t handled_access_fs;
  uint64_t handled_access_net;
  uint64_t scoped;
};
#define CREATE_RULESET_VERSION (1U << 0)

static const struct {
  const char *name;
  uint64_t flag;
} scopes[] = {
  { "abstract_unix_socket", 1ULL << 0 }, /* LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET */
  { "signal", 1ULL << 1 },               /* LANDLOCK_SCOPE_SIGNAL */
};

int landlock_abi_version(void)
{
  long abi = syscall(SYS_landlock_create_ruleset, NULL, 0, CREATE_RULESET_VERSION);
  return abi < 0 ? 0 : (int)abi;
}

static const char *annotation(const struct oci_config *cfg)
{
  for (size_t i = 0; i < cfg->n_annotations; i++)
    if (!strcmp(cfg->annotations[i].key, LANDLOCK_SCOPE_ANNOTATION))
      return cfg->annotations[i].value;
  return NULL;
}

static herr parse_scope(const char *word, size_t len, uint64_t *scoped)
{
  for (size_t i = 0; i < ARRAY_LEN(scopes); i++)
    if (strlen(scopes[i].name) == len && !strncmp(scopes[i].name, word, len)) {
      *scoped |= scopes[i].flag;
      return NULL;
    }
  return herr_new("annotations[\"%s\"]: unknown Landlock scope \"%.*s\" (known: abstract_unix_socket, signal)",
                  LANDLOCK_SCOPE_ANNOTATION, (int)len, word);
}

herr landlock_scopes_from_config(const struct oci_config *cfg, uint64_t *scoped)
{
  *scoped = 0;
  const char *value = annotation(cfg);
  if (!value)
    return NULL;
  for (const char *p = value; *p;) {
    size_t len = strcspn(p, ",");
    if (len)
      TRY(parse_scope(p, len, scoped));
    p += len + (p[len] == ',');
  }
  int abi = landlock_abi_version();
  if (*scoped && abi < LANDLOCK_SCOPES_MIN_ABI)
    return herr_new("annotations[\"%s\"]: Landlock scopes need Landlock ABI %d (Linux 6.12); this kernel has %s%d",
                    LANDLOCK_SCOPE_ANNOTATION, LANDLOCK_SCOPES_MIN_ABI, abi ? "ABI " : "no Landlock, ABI ",
                    abi);
  return NULL;
}

herr landlock_restrict_scopes(uint64_t scoped)
{
  if (!scoped)
    return NULL;
  struct ruleset_attr attr = { .scoped = scoped };
  int fd = (int)syscall(SYS_landlock_create_ruleset, &attr, sizeof(attr), 0);
  if (fd < 0)
    return herr_sys("annotations[\"%s\"]: landlock_create_ruleset", LANDLOCK_SCOPE_ANNOTATION);
  _cleanup_close_ int ruleset = fd;
  if (syscall(SYS_landlock_restrict_self, ruleset, 0) < 0)
    return herr_sys("annotations[\"%s\"]: landlock_restrict_self", LANDLOCK_SCOPE_ANNOTATION);
  return NULL;
}
