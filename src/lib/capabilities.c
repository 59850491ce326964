/* capabilities.c - process.capabilities applied with libcap.
 *
 * Order matters, and the container init follows it:
 *   1. capabilities_apply_bounding()   still root with every capability
 *                                      (dropping needs CAP_SETPCAP);
 *   2. capabilities_keep_across_setuid(), then the uid switch;
 *   3. capabilities_apply_sets()       effective, permitted and inheritable in
 *                                      one capset(2), then ambient, which the
 *                                      kernel only lets hold capabilities that
 *                                      are both permitted and inheritable.
 * Names the kernel does not know (newer than cap_last_cap) are skipped with a
 * warning, as runc does, so that one config runs on older kernels too.
 */
#include "config.h"

#include "capabilities.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/capability.h>
#include <sys/prctl.h>

#include "log.h"

/* Room for every capability number; the kernel has 41 today. */
#define CAP_SLOTS 128

/* The five sets of process.capabilities, so that every loop over them is one. */
struct cap_set_desc {
  const char *name;     /* JSON name, for error paths */
  size_t list_offset;   /* offsetof the char ** */
  size_t count_offset;  /* offsetof the size_t count */
};

#define CAP_SET_DESC(field)                                                    \
  { #field, offsetof(struct oci_capabilities, field),                          \
    offsetof(struct oci_capabilities, n_##field) }

enum { SET_BOUNDING, SET_EFFECTIVE, SET_INHERITABLE, SET_PERMITTED, SET_AMBIENT, SET_COUNT };

static const struct cap_set_desc cap_sets[SET_COUNT] = {
  [SET_BOUNDING] = CAP_SET_DESC(bounding),
  [SET_EFFECTIVE] = CAP_SET_DESC(effective),
  [SET_INHERITABLE] = CAP_SET_DESC(inheritable),
  [SET_PERMITTED] = CAP_SET_DESC(permitted),
  [SET_AMBIENT] = CAP_SET_DESC(ambient),
};

static char **set_names(const struct oci_capabilities *caps, int set)
{
  return *(char **const *)((const char *)caps + cap_sets[set].list_offset);
}

static size_t set_count(const struct oci_capabilities *caps, int set)
{
  return *(const size_t *)((const char *)caps + cap_sets[set].count_offset);
}

/* The highest capability number the running kernel knows; asked once (the
 * answer does not change, and later calls may run where /proc is not
 * mounted yet). */
static int last_cap(void)
{
  static int cached = -1;
  if (cached >= 0)
    return cached;
  int v = -1;
  FILE *f = fopen("/proc/sys/kernel/cap_last_cap", "re");
  if (f) {
    if (fscanf(f, "%d", &v) != 1)
      v = -1;
    fclose(f);
  }
  if (v < 0) /* no /proc: libcap probes the kernel with PR_CAPBSET_READ */
    v = (int)cap_max_bits() - 1;
  cached = v < CAP_SLOTS ? v : CAP_SLOTS - 1;
  return cached;
}

/* "CAP_SYS_ADMIN" -> CAP_SYS_ADMIN.  Only the spec's "CAP_" form is taken:
 * libcap alone would also accept bare numbers and "all". */
static herr cap_parse(const char *name, cap_value_t *out)
{
  char lower[64];
  size_t len = name ? strlen(name) : 0;
  if (len <= 4 || len >= sizeof(lower) || strncasecmp(name, "CAP_", 4) != 0)
    return herr_new("unknown capability \"%s\"", name ? name : "");
  for (size_t i = 0; i <= len; i++)
    lower[i] = (char)tolower((unsigned char)name[i]);
  if (cap_from_name(lower, out) < 0 || *out < 0 || *out >= CAP_SLOTS)
    return herr_new("unknown capability \"%s\"", name);
  return NULL;
}

/* Decode one set into `mask` (indexed by capability number), leaving out
 * what the kernel does not support; `warn` says whether to tell. */
static herr set_to_mask(const struct oci_capabilities *caps, int set, bool mask[CAP_SLOTS],
                        bool warn)
{
  int last = last_cap();
  char **names = set_names(caps, set);
  for (size_t i = 0; i < set_count(caps, set); i++) {
    cap_value_t v;
    TRY_WRAP(cap_parse(names[i], &v), "process.capabilities.%s[%zu]", cap_sets[set].name, i);
    if (v > last) {
      if (warn)
        log_warning("process.capabilities.%s[%zu]: %s is not supported by this kernel, ignoring it",
                    cap_sets[set].name, i, names[i]);
      continue;
    }
    mask[v] = true;
  }
  return NULL;
}

herr capabilities_validate(const struct oci_capabilities *caps)
{
  if (!caps)
    return NULL;
  for (int set = 0; set < SET_COUNT; set++) {
    bool mask[CAP_SLOTS] = { false };
    TRY(set_to_mask(caps, set, mask, true));
  }
  return NULL;
}

static const char *cap_display_name(int cap, char *buf, size_t size)
{
  char *n = cap_to_name(cap);
  snprintf(buf, size, "%s", n ? n : "?");
  cap_free(n);
  for (char *p = buf; *p; p++)
    *p = (char)toupper((unsigned char)*p);
  return buf;
}

herr capabilities_apply_bounding(const struct oci_capabilities *caps)
{
  bool keep[CAP_SLOTS] = { false };
  if (caps)
    TRY(set_to_mask(caps, SET_BOUNDING, keep, false));
  int last = last_cap();
  for (int cap = 0; cap <= last; cap++) {
    /* Dropping what is already gone succeeds: read only when a drop fails
     * (one system call per capability in the start path, not two). */
    if (keep[cap] || prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) == 0)
      continue;
    int drop_errno = errno;
    if (prctl(PR_CAPBSET_READ, cap, 0, 0, 0) != 1)
      continue; /* already gone */
    char name[64];
    return herr_errno(drop_errno, "cannot drop %s from the bounding set",
                      cap_display_name(cap, name, sizeof(name)));
  }
  return NULL;
}

herr capabilities_keep_across_setuid(void)
{
  if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
    return herr_sys("cannot set PR_SET_KEEPCAPS");
  return NULL;
}

/* Mark every capability of `mask` in `flag` of `c`. */
static herr fill_flag(cap_t c, cap_flag_t flag, const bool mask[CAP_SLOTS])
{
  for (cap_value_t v = 0; v < CAP_SLOTS; v++)
    if (mask[v] && cap_set_flag(c, flag, 1, &v, CAP_SET) < 0)
      return herr_sys("cap_set_flag");
  return NULL;
}

/* The kernel refuses an effective capability that is not permitted with a
 * bare EPERM; name the culprit instead. */
static herr check_effective_permitted(const bool eff[CAP_SLOTS], const bool prm[CAP_SLOTS])
{
  for (int v = 0; v < CAP_SLOTS; v++) {
    if (eff[v] && !prm[v]) {
      char name[64];
      return herr_new("process.capabilities.effective: %s is not in the permitted set",
                      cap_display_name(v, name, sizeof(name)));
    }
  }
  return NULL;
}

/* capset(2) failed.  The one refusal a config can cause once effective is
 * within permitted: an inheritable capability outside the bounding set. */
static herr explain_capset_failure(int err, const bool inh[CAP_SLOTS])
{
  char name[64];
  for (int v = 0; err == EPERM && v <= last_cap(); v++) {
    if (inh[v] && prctl(PR_CAPBSET_READ, v, 0, 0, 0) == 0)
      return herr_errno(err, "process.capabilities.inheritable: %s is not in the bounding set",
                        cap_display_name(v, name, sizeof(name)));
  }
  return herr_errno(err, "cannot set the effective, permitted and inheritable capabilities");
}

static herr set_proc_caps(const bool eff[CAP_SLOTS], const bool prm[CAP_SLOTS],
                          const bool inh[CAP_SLOTS])
{
  cap_t c = cap_init();
  if (!c)
    return herr_sys("cap_init");
  herr e = fill_flag(c, CAP_EFFECTIVE, eff);
  if (!e)
    e = fill_flag(c, CAP_PERMITTED, prm);
  if (!e)
    e = fill_flag(c, CAP_INHERITABLE, inh);
  if (!e && cap_set_proc(c) < 0)
    e = explain_capset_failure(errno, inh);
  cap_free(c);
  return e;
}

/* Ambient capabilities: cleared, then raised one by one.  A capability that
 * is not both permitted and inheritable cannot be raised; like runc, warn and
 * go on rather than fail the container. */
static herr raise_ambient(const bool amb[CAP_SLOTS])
{
  bool any = false;
  for (int v = 0; v < CAP_SLOTS; v++)
    any |= amb[v];
  /* prctl directly: libcap's cap_reset_ambient() asks about every
   * capability before clearing them all. */
  if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0) {
    if (!any && errno == EINVAL)
      return NULL; /* kernel without ambient capabilities, none asked */
    return herr_sys("cannot clear the ambient capabilities");
  }
  /* A capability not also inheritable cannot be ambient: runc's default
   * config asks for such ones, and runc skips them without a word. */
  for (int v = 0; v < CAP_SLOTS; v++) {
    if (amb[v] && prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, v, 0, 0) < 0) {
      char name[64];
      log_debug("can't raise ambient capability %s: %s",
                cap_display_name(v, name, sizeof(name)), strerror(errno));
    }
  }
  return NULL;
}

herr capabilities_apply_sets(const struct oci_capabilities *caps)
{
  bool mask[SET_COUNT][CAP_SLOTS];
  memset(mask, 0, sizeof(mask));
  if (caps) {
    for (int set = SET_EFFECTIVE; set < SET_COUNT; set++)
      TRY(set_to_mask(caps, set, mask[set], false));
  }
  TRY(check_effective_permitted(mask[SET_EFFECTIVE], mask[SET_PERMITTED]));
  TRY(set_proc_caps(mask[SET_EFFECTIVE], mask[SET_PERMITTED], mask[SET_INHERITABLE]));
  return raise_ambient(mask[SET_AMBIENT]);
}

char **capabilities_known(void)
{
  int last = last_cap();
  char **out = calloc((size_t)last + 2, sizeof(char *));
  if (!out)
    return NULL;
  size_t n = 0;
  for (int cap = 0; cap <= last; cap++) {
    char *name = cap_to_name(cap);
    /* libcap prints numbers it has no name for: those are not "known". */
    if (name && strncmp(name, "cap_", 4) == 0) {
      out[n] = strdup(name);
      for (char *p = out[n]; p && *p; p++)
        *p = (char)toupper((unsigned char)*p);
      if (out[n])
        n++;
    }
    cap_free(name);
  }
  return out;
}
