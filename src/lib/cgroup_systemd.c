/* cgroup_systemd.c - the systemd cgroup driver (--systemd-cgroup, or a
 * linux.cgroupsPath "slice:prefix:name"), as runc's
 * libcontainer/cgroups/systemd does it.
 *
 * On a host that systemd manages, systemd owns the cgroup tree: a cgroup that
 * another program makes is moved or removed when systemd reorganises it.  So
 * the container's cgroup is a transient scope unit "prefix-name.scope" in the
 * slice, started over D-Bus (StartTransientUnit) with the container process
 * in it (PIDs), Delegate=yes (the cgroup below is the container's), and the
 * resource properties systemd knows (MemoryMax, CPUWeight or CPUShares,
 * CPUQuotaPerSecUSec, TasksMax, IOWeight...), converted as runc converts
 * them.  systemd makes the scope's cgroup in the hierarchies it manages; hull
 * then makes it in the others, puts the process in each, and writes every
 * field of linux.resources itself as with cgroupfs, which covers what systemd
 * has no property for (runc does the same).  `update` sets the properties
 * with SetUnitProperties before writing the files; `delete` stops the unit.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup.h"
#include "cgroup_fs.h"
#include "cleanup.h"
#include "dbus.h"
#include "log.h"
#include "utils.h"

/* ---- names ---- */

/* "a-b-c.slice" -> "/a.slice/a-b.slice/a-b-c.slice" (systemd's slice nesting);
 * "-.slice" is the root. */
static herr expand_slice(const char *slice, char **out)
{
  size_t n = strlen(slice) - strlen(".slice");
  if (!strcmp(slice, "-.slice")) {
    *out = xstrdup("");
    return NULL;
  }
  if (slice[0] == '-' || slice[n - 1] == '-' || strstr(slice, "--"))
    return herr_new("\"%s\": not a valid slice name (a '-' separates its parents' names)", slice);
  /* At most n + 1 levels of "/" + at most n characters + ".slice". */
  char *buf = malloc((n + 1) * (n + 8) + 1), *o = buf;
  if (!buf)
    abort();
  *o = '\0';
  for (size_t i = 0; i <= n; i++) {
    if (i < n && slice[i] != '-')
      continue;
    o += sprintf(o, "/%.*s.slice", (int)i, slice);
  }
  *out = buf;
  return NULL;
}

herr cgroup_systemd_place(const char *cgroups_path, const char *id, struct cgroup_systemd_path *sp,
                          char **unit, char **path)
{
  _cleanup_free_ char *dflt = NULL;
  if (!cgroups_path || !*cgroups_path) {
    /* runc's default is ":runc:ID"; the prefix names the runtime. */
    if (asprintf(&dflt, ":hull:%s", id) < 0)
      abort();
    cgroups_path = dflt;
  }
  if (!cgroup_is_systemd_path(cgroups_path))
    return herr_new("linux.cgroupsPath \"%s\": the systemd cgroup manager takes slice:prefix:name "
                    "(for example system.slice:hull:%s)", cgroups_path, id);
  TRY_WRAP(cgroup_parse_systemd_path(cgroups_path, sp), "linux.cgroupsPath");
  if (str_ends_with(sp->name, ".slice")) {
    herr e = herr_new("linux.cgroupsPath \"%s\": a container in a slice unit of its own is not "
                      "supported; name a scope (slice:prefix:name without .slice)", cgroups_path);
    cgroup_systemd_path_free(sp);
    return e;
  }
  _cleanup_free_ char *slice_dir = NULL;
  herr e = expand_slice(sp->slice, &slice_dir);
  if (e) {
    cgroup_systemd_path_free(sp);
    return herr_wrap(e, "linux.cgroupsPath");
  }
  if (asprintf(unit, "%s%s%s.scope", sp->prefix, *sp->prefix ? "-" : "", sp->name) < 0 ||
      asprintf(path, "%s/%s", slice_dir, *unit) < 0)
    abort();
  return NULL;
}

herr cgroup_systemd_check_running(const char *what)
{
  /* sd_booted(): systemd made this directory when it started as PID 1. */
  struct stat st;
  if (stat("/run/systemd/system", &st) < 0 || !S_ISDIR(st.st_mode))
    return cgroup_systemd_unavailable(what);
  if (geteuid() != 0)
    return herr_new("%s: the systemd driver places containers in systemd's system instance, which "
                    "needs root (a user's instance, systemdUser, is not supported)", what);
  struct dbus_conn c;
  herr e = dbus_connect_systemd(&c);
  if (e)
    return herr_wrap(e, "%s: cannot reach systemd over D-Bus", what);
  dbus_close(&c);
  return NULL;
}

/* ---- properties ---- */

/* "0-3,6" -> a bitmask, bit i of byte i/8 for CPU (or node) i, as systemd's
 * AllowedCPUs takes it.  n is the byte count. */
static herr cpu_list_mask(const char *list, const char *field, unsigned char **mask, size_t *n)
{
  unsigned char *m = NULL;
  size_t len = 0;
  const char *p = list;
  while (*p) {
    char *end;
    unsigned long a = strtoul(p, &end, 10), b = a;
    if (end == p)
      goto bad;
    if (*end == '-') {
      p = end + 1;
      b = strtoul(p, &end, 10);
      if (end == p || b < a)
        goto bad;
    }
    if (b >= 8192)
      goto bad;
    if (b / 8 + 1 > len) {
      unsigned char *nm = realloc(m, b / 8 + 1);
      if (!nm)
        abort();
      memset(nm + len, 0, b / 8 + 1 - len);
      m = nm;
      len = b / 8 + 1;
    }
    for (unsigned long i = a; i <= b; i++)
      m[i / 8] |= (unsigned char)(1u << (i % 8));
    p = end;
    if (*p == ',')
      p++;
    else if (*p)
      goto bad;
  }
  *mask = m;
  *n = len;
  return NULL;
bad:
  free(m);
  return herr_new("linux.resources.cpu.%s \"%s\": not a list like 0-3,6", field, list);
}

/* runc's conversion: the quota per second of CPU time, rounded up to 10 ms
 * (systemd's granularity); -1 is no limit. */
static uint64_t quota_per_sec_usec(const struct oci_cpu *c)
{
  uint64_t period = c->has_period && c->period ? c->period : 100000;
  if (!c->has_quota || c->quota <= 0)
    return UINT64_MAX;
  uint64_t q = (uint64_t)c->quota * 1000000 / period;
  if (q % 10000)
    q = (q / 10000 + 1) * 10000;
  return q;
}

static uint64_t limit_or_infinity(int64_t v) { return v < 0 ? UINT64_MAX : (uint64_t)v; }

/* Does the v2 hierarchy (not a v1 one) hold controller c? */
static bool on_v2(const struct cgroup *cg, enum cgroup_ctrl c)
{
  return cg->owner[c] >= 0 && cg->h[cg->owner[c]].v2;
}

static herr memory_props(const struct cgroup *cg, const struct oci_memory *m, struct dbus_buf *b)
{
  /* systemd applies MemoryMax to v1's memory.limit_in_bytes too (runc still
   * sends the older MemoryLimit there, which systemd maps the same way). */
  if (m->has_limit && m->limit != 0)
    dbus_prop_u64(b, "MemoryMax", limit_or_infinity(m->limit));
  if (!on_v2(cg, CG_MEMORY))
    return NULL;
  if (m->has_reservation && m->reservation != 0)
    dbus_prop_u64(b, "MemoryLow", limit_or_infinity(m->reservation));
  /* OCI's swap is memory+swap; v2's is swap alone. */
  if (m->has_swap && m->swap != 0 && m->has_limit)
    dbus_prop_u64(b, "MemorySwapMax", m->swap < 0 || m->limit < 0 ? UINT64_MAX
                                                                  : (uint64_t)(m->swap - m->limit));
  return NULL;
}

static herr cpu_props(const struct cgroup *cg, const struct oci_cpu *c, struct dbus_buf *b)
{
  if (c->has_shares && c->shares) {
    if (on_v2(cg, CG_CPU))
      dbus_prop_u64(b, "CPUWeight", cgroup_shares_to_weight(c->shares));
    else
      dbus_prop_u64(b, "CPUShares", c->shares);
  }
  if (c->has_period && c->period)
    dbus_prop_u64(b, "CPUQuotaPeriodUSec", c->period);
  if ((c->has_quota && c->quota) || (c->has_period && c->period))
    dbus_prop_u64(b, "CPUQuotaPerSecUSec", quota_per_sec_usec(c));
  /* systemd drives cpuset only on cgroup v2. */
  static const struct {
    const char *prop, *field;
    size_t off;
  } sets[] = {
    { "AllowedCPUs", "cpus", offsetof(struct oci_cpu, cpus) },
    { "AllowedMemoryNodes", "mems", offsetof(struct oci_cpu, mems) },
  };
  for (size_t i = 0; i < 2 && on_v2(cg, CG_CPUSET); i++) {
    const char *list = *(char *const *)((const char *)c + sets[i].off);
    if (!list || !*list)
      continue;
    _cleanup_free_ unsigned char *mask = NULL;
    size_t n = 0;
    TRY(cpu_list_mask(list, sets[i].field, &mask, &n));
    dbus_prop_bytes(b, sets[i].prop, mask, n);
  }
  return NULL;
}

static herr pids_props(const struct cgroup *cg, const struct oci_pids *p, struct dbus_buf *b)
{
  (void)cg;
  if (p->has_limit && p->limit != 0)
    dbus_prop_u64(b, "TasksMax", limit_or_infinity(p->limit));
  return NULL;
}

static herr blkio_props(const struct cgroup *cg, const struct oci_blkio *io, struct dbus_buf *b)
{
  if (!io->has_weight || !io->weight)
    return NULL;
  if (on_v2(cg, CG_BLKIO))
    dbus_prop_u64(b, "IOWeight", cgroup_blkio_weight_to_io(io->weight));
  else
    dbus_prop_u64(b, "BlockIOWeight", io->weight);
  return NULL;
}

/* The resource properties of r, appended to an a(sv) being built. */
static herr resource_props(const struct cgroup *cg, const struct oci_resources *r, struct dbus_buf *b)
{
  if (!r)
    return NULL;
  if (r->memory)
    TRY(memory_props(cg, r->memory, b));
  if (r->cpu)
    TRY(cpu_props(cg, r->cpu, b));
  if (r->pids)
    TRY(pids_props(cg, r->pids, b));
  if (r->blockIO)
    TRY(blkio_props(cg, r->blockIO, b));
  return NULL;
}

/* The accounting that makes systemd realise the scope in each controller's
 * hierarchy. */
static void accounting_props(const struct cgroup *cg, struct dbus_buf *b)
{
  dbus_prop_bool(b, "MemoryAccounting", 1);
  dbus_prop_bool(b, "CPUAccounting", 1);
  dbus_prop_bool(b, "TasksAccounting", 1);
  dbus_prop_bool(b, on_v2(cg, CG_BLKIO) ? "IOAccounting" : "BlockIOAccounting", 1);
}

/* ---- the unit ---- */

static herr connect_systemd(struct dbus_conn *c)
{
  return herr_wrap(dbus_connect_systemd(c), "cannot reach systemd over D-Bus");
}

/* Is pid in the unit's cgroup yet?  StartTransientUnit returns with the job
 * queued; the scope is running once systemd has moved the process. */
static bool pid_in_unit(pid_t pid, const char *unit_path)
{
  char file[64];
  snprintf(file, sizeof(file), "/proc/%d/cgroup", (int)pid);
  _cleanup_free_ char *text = NULL;
  herr e = read_file(file, &text, NULL);
  if (e) {
    herr_free(e);
    return false;
  }
  size_t n = strlen(unit_path);
  for (char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
    char *c2 = strchr(l, ':') ? strchr(strchr(l, ':') + 1, ':') : NULL;
    if (c2 && !strncmp(c2 + 1, unit_path, n) && (c2[1 + n] == '\n' || c2[1 + n] == '\0'))
      return true;
  }
  return false;
}

/* The hierarchy systemd tracks its units' processes in: cgroup v2 (also on a
 * hybrid host), else its own name=systemd v1 hierarchy. */
static const struct cgroup_hier *tracking_hier(const struct cgroup *cg)
{
  if (cg->unified >= 0)
    return &cg->h[cg->unified];
  for (size_t i = 0; i < cg->n; i++)
    if (!strcmp(cg->h[i].key, "name=systemd"))
      return &cg->h[i];
  return &cg->h[0];
}

herr cgroup_systemd_start(struct cgroup *cg, const char *id, const struct oci_resources *r, pid_t pid)
{
  if (!cg->n)
    return herr_new("cgroups: no cgroup hierarchy is mounted here for unit %s", cg->systemd_unit);
  struct dbus_buf b = { 0 };
  dbus_put_string(&b, cg->systemd_unit);
  dbus_put_string(&b, "replace");
  size_t start, len_at = dbus_array_begin(&b, 8, &start);
  _cleanup_free_ char *desc = NULL;
  if (asprintf(&desc, "hull container %s", id) < 0)
    abort();
  dbus_prop_string(&b, "Description", desc);
  dbus_prop_string(&b, "Slice", cg->systemd_slice);
  dbus_prop_bool(&b, "Delegate", 1);
  dbus_prop_bool(&b, "DefaultDependencies", 0);
  uint32_t p = (uint32_t)pid;
  dbus_prop_u32_array(&b, "PIDs", &p, 1);
  accounting_props(cg, &b);
  herr e = resource_props(cg, r, &b);
  dbus_array_end(&b, len_at, start);
  len_at = dbus_array_begin(&b, 8, &start); /* no auxiliary units */
  dbus_array_end(&b, len_at, start);
  struct dbus_conn c = { .fd = -1 };
  if (!e)
    e = connect_systemd(&c);
  if (!e)
    e = dbus_call_manager(&c, "StartTransientUnit", "ssa(sv)a(sa(sv))", &b, NULL);
  dbus_close(&c);
  dbus_buf_free(&b);
  TRY_WRAP(e, "cgroups: start unit %s", cg->systemd_unit);
  cg->systemd_ours = true;
  const char *path = tracking_hier(cg)->path;
  for (int tries = 0; tries < 500; tries++) {
    if (pid_in_unit(pid, path))
      return NULL;
    cg_sleep_ms(10);
  }
  return herr_new("cgroups: systemd started unit %s but process %d is not in %s after 5 s",
                  cg->systemd_unit, (int)pid, path);
}

herr cgroup_systemd_update(struct cgroup *cg, const struct oci_resources *r)
{
  struct dbus_buf b = { 0 };
  dbus_put_string(&b, cg->systemd_unit);
  dbus_put_bool(&b, 1); /* runtime: not written to /etc */
  size_t start, len_at = dbus_array_begin(&b, 8, &start);
  herr e = resource_props(cg, r, &b);
  dbus_array_end(&b, len_at, start);
  struct dbus_conn c = { .fd = -1 };
  if (!e && b.len > start)
    e = connect_systemd(&c);
  if (!e && b.len > start)
    e = dbus_call_manager(&c, "SetUnitProperties", "sba(sv)", &b, NULL);
  dbus_close(&c);
  dbus_buf_free(&b);
  return herr_wrap(e, "cgroups: unit %s", cg->systemd_unit);
}

herr cgroup_systemd_stop(struct cgroup *cg)
{
  struct dbus_buf b = { 0 };
  dbus_put_string(&b, cg->systemd_unit);
  dbus_put_string(&b, "replace");
  struct dbus_conn c = { .fd = -1 };
  _cleanup_free_ char *error_name = NULL;
  herr e = connect_systemd(&c);
  if (!e)
    e = dbus_call_manager(&c, "StopUnit", "ss", &b, &error_name);
  dbus_close(&c);
  dbus_buf_free(&b);
  /* An empty scope is gone already: systemd collects it. */
  if (e && error_name && !strcmp(error_name, "org.freedesktop.systemd1.NoSuchUnit")) {
    herr_free(e);
    return NULL;
  }
  return herr_wrap(e, "cgroups: stop unit %s", cg->systemd_unit);
}
