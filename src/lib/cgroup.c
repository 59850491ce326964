/* cgroup.c - finding the host's hierarchies, placing the container in them,
 * and routing each operation to the backend of each hierarchy.  See cgroup.h. */
#include "cgroup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cgroup_fs.h"
#include "cleanup.h"
#include "log.h"
#include "utils.h"

/* ---- controllers ---- */

static const struct {
  const char *v1;
  const char *v2; /* NULL: no v2 controller of that name */
} ctrl_names[CG_CTRL_COUNT] = {
  [CG_CPU] = { "cpu", "cpu" },
  [CG_CPUACCT] = { "cpuacct", NULL },
  [CG_CPUSET] = { "cpuset", "cpuset" },
  [CG_MEMORY] = { "memory", "memory" },
  [CG_DEVICES] = { "devices", NULL },
  [CG_FREEZER] = { "freezer", NULL },
  [CG_BLKIO] = { "blkio", "io" },
  [CG_PIDS] = { "pids", "pids" },
  [CG_HUGETLB] = { "hugetlb", "hugetlb" },
  [CG_NET_CLS] = { "net_cls", NULL },
  [CG_NET_PRIO] = { "net_prio", NULL },
  [CG_RDMA] = { "rdma", "rdma" },
  [CG_MISC] = { "misc", "misc" },
  [CG_PERF_EVENT] = { "perf_event", "perf_event" },
};

/* What cgroup v2 does without a controller: device access through eBPF,
 * freezing through cgroup.freeze, cpu usage in cpu.stat. */
static const unsigned v2_core = CG_BIT(CG_DEVICES) | CG_BIT(CG_FREEZER) | CG_BIT(CG_CPUACCT);

const char *cgroup_ctrl_name(enum cgroup_ctrl c)
{
  return ctrl_names[c].v1;
}

const char *cgroup_ctrl_v2_name(enum cgroup_ctrl c)
{
  return ctrl_names[c].v2;
}

static int ctrl_by_name(const char *name, bool v2)
{
  for (int c = 0; c < CG_CTRL_COUNT; c++) {
    const char *n = v2 ? ctrl_names[c].v2 : ctrl_names[c].v1;
    if (n && !strcmp(n, name))
      return c;
  }
  return -1;
}

const char *cgroup_mode_name(enum cgroup_mode m)
{
  static const char *const names[] = {
    [CGROUP_MODE_NONE] = "none", [CGROUP_MODE_V1] = "v1",
    [CGROUP_MODE_V2] = "v2", [CGROUP_MODE_HYBRID] = "hybrid",
  };
  return names[m];
}

/* ---- for the backends ---- */

struct cgroup_hier *cg_owner(struct cgroup *cg, enum cgroup_ctrl c)
{
  return cg->owner[c] >= 0 ? &cg->h[cg->owner[c]] : NULL;
}

bool cg_owns(const struct cgroup *cg, const struct cgroup_backend *be, enum cgroup_ctrl c)
{
  return cg->owner[c] >= 0 && cg->h[cg->owner[c]].be == be;
}

/* "hugepages-2048kB" -> "2MB", as the hugetlb controller names its files. */
static void hugepage_name(uint64_t kb, char out[24])
{
  if (kb >= 1024 * 1024 && kb % (1024 * 1024) == 0)
    snprintf(out, 24, "%lluGB", (unsigned long long)(kb / (1024 * 1024)));
  else if (kb >= 1024 && kb % 1024 == 0)
    snprintf(out, 24, "%lluMB", (unsigned long long)(kb / 1024));
  else
    snprintf(out, 24, "%lluKB", (unsigned long long)kb);
}

size_t cg_hugepage_sizes(char sizes[][24], size_t max)
{
  DIR *d = opendir("/sys/kernel/mm/hugepages");
  if (!d)
    return 0;
  size_t n = 0;
  struct dirent *de;
  while ((de = readdir(d)) && n < max) {
    unsigned long long kb;
    if (sscanf(de->d_name, "hugepages-%llukB", &kb) == 1)
      hugepage_name(kb, sizes[n++]);
  }
  closedir(d);
  return n;
}

herr cg_hugepage_check(const char *size, size_t i)
{
  char sizes[8][24];
  size_t n = cg_hugepage_sizes(sizes, 8);
  char canon[24];
  hugepage_name(cgroup_hugepage_kb(size), canon);
  for (size_t k = 0; k < n; k++)
    if (!strcmp(sizes[k], size) || !strcmp(sizes[k], canon))
      return NULL;
  char list[160] = "";
  for (size_t k = 0; k < n; k++) /* %.23s: a row of sizes (see stats_hugetlb in cgroup_v1.c) */
    snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%.23s", k ? ", " : "", sizes[k]);
  return herr_new("linux.resources.hugepageLimits[%zu].pageSize: %s is not a huge page size of this host (it has: %s)",
                  i, size, n ? list : "none");
}

herr cg_rdma_apply(const char *dir, const struct oci_rdma *r, size_t n)
{
  for (size_t i = 0; i < n; i++) {
    char line[256], handles[24] = "max", objects[24] = "max";
    if (r[i].has_hcaHandles)
      snprintf(handles, sizeof(handles), "%u", r[i].hcaHandles);
    if (r[i].has_hcaObjects)
      snprintf(objects, sizeof(objects), "%u", r[i].hcaObjects);
    snprintf(line, sizeof(line), "%s hca_handle=%s hca_object=%s", r[i].key, handles, objects);
    TRY_WRAP(cg_write(dir, "rdma.max", line), "linux.resources.rdma[\"%s\"]", r[i].key);
  }
  return NULL;
}

/* ---- finding the hierarchies ---- */

struct mount_entry {
  char *point;
  char *root;
  bool v2;
  char *opts; /* v1 super options: the controllers and name= */
};

static void mount_entries_free(struct mount_entry *m, size_t n)
{
  for (size_t i = 0; i < n; i++) {
    free(m[i].point);
    free(m[i].root);
    free(m[i].opts);
  }
  free(m);
}

/* mountinfo escapes space, tab, newline and backslash as \ooo. */
static char *unescape_octal(const char *s)
{
  char *out = xstrdup(s), *o = out;
  for (const char *p = s; *p; p++) {
    if (p[0] == '\\' && p[1] >= '0' && p[1] <= '7' && p[2] && p[3]) {
      *o++ = (char)(((p[1] - '0') << 6) | ((p[2] - '0') << 3) | (p[3] - '0'));
      p += 3;
    } else {
      *o++ = *p;
    }
  }
  *o = '\0';
  return out;
}

/* One mountinfo line: "ID PARENT MAJ:MIN ROOT POINT OPTS [TAGS...] - TYPE SOURCE SUPEROPTS". */
static bool parse_mountinfo_line(char *line, struct mount_entry *m)
{
  char *field[6] = { 0 };
  char *save = NULL, *tok = strtok_r(line, " ", &save);
  int i = 0;
  for (; tok && i < 6; i++, tok = strtok_r(NULL, " ", &save))
    field[i] = tok;
  while (tok && strcmp(tok, "-"))
    tok = strtok_r(NULL, " ", &save);
  char *type = tok ? strtok_r(NULL, " ", &save) : NULL;
  char *source = type ? strtok_r(NULL, " ", &save) : NULL;
  char *super = source ? strtok_r(NULL, " ", &save) : NULL;
  if (i < 6 || !super)
    return false;
  if (strcmp(type, "cgroup") && strcmp(type, "cgroup2"))
    return false;
  m->v2 = !strcmp(type, "cgroup2");
  m->root = unescape_octal(field[3]);
  m->point = unescape_octal(field[4]);
  m->opts = xstrdup(super);
  return true;
}

static herr parse_mountinfo(const char *text, struct mount_entry **out, size_t *n)
{
  _cleanup_free_ char *copy = xstrdup(text);
  struct mount_entry *v = NULL;
  size_t cnt = 0;
  char *save = NULL;
  for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
    struct mount_entry m = { 0 };
    if (!parse_mountinfo_line(line, &m))
      continue;
    struct mount_entry *nv = realloc(v, (cnt + 1) * sizeof(*v));
    if (!nv) {
      mount_entries_free(v, cnt);
      return herr_errno(ENOMEM, "mountinfo");
    }
    v = nv;
    v[cnt++] = m;
  }
  *out = v;
  *n = cnt;
  return NULL;
}

/* Does a v1 mount's option list name exactly the controllers of key? */
static bool v1_mount_matches(const char *opts, const char *key)
{
  _cleanup_free_ char *k = xstrdup(key);
  size_t want = 0, have = 0;
  char *save = NULL;
  for (char *t = strtok_r(k, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
    want++;
    size_t tl = strlen(t);
    const char *p = opts;
    bool found = false;
    while (p && *p) {
      const char *comma = strchr(p, ',');
      size_t len = comma ? (size_t)(comma - p) : strlen(p);
      if (len == tl && !strncmp(p, t, tl))
        found = true;
      p = comma ? comma + 1 : NULL;
    }
    if (!found)
      return false;
  }
  /* ... and no other controller: count the controller-like options. */
  _cleanup_free_ char *o = xstrdup(opts);
  for (char *t = strtok_r(o, ",", &save); t; t = strtok_r(NULL, ",", &save))
    if (ctrl_by_name(t, false) >= 0 || !strncmp(t, "name=", 5))
      have++;
  return have == want;
}

static bool path_is_under(const char *path, const char *root)
{
  size_t rl = strlen(root);
  if (!strcmp(root, "/"))
    return true;
  return !strncmp(path, root, rl) && (path[rl] == '\0' || path[rl] == '/');
}

/* Which mount shows hierarchy `key` (NULL: the cgroup2 one) so that `own`
 * is inside it.  A cgroup2 mount at the usual places is preferred. */
static const struct mount_entry *find_mount(const struct mount_entry *m, size_t n, const char *key,
                                            const char *own)
{
  const struct mount_entry *best = NULL;
  for (size_t i = 0; i < n; i++) {
    if (m[i].v2 != (key == NULL) || !path_is_under(own, m[i].root))
      continue;
    if (key && !v1_mount_matches(m[i].opts, key))
      continue;
    if (!best || (!key && (!strcmp(m[i].point, "/sys/fs/cgroup") ||
                           (!strcmp(m[i].point, "/sys/fs/cgroup/unified") &&
                            strcmp(best->point, "/sys/fs/cgroup")))))
      best = &m[i];
    else if (key && strcmp(best->root, "/") && !strcmp(m[i].root, "/"))
      best = &m[i];
  }
  return best;
}

/* The controller bits of a list of controller names. */
static unsigned ctrl_bits_of(char *names, const char *seps, bool v2)
{
  unsigned bits = 0;
  char *save = NULL;
  for (char *t = strtok_r(names, seps, &save); t; t = strtok_r(NULL, seps, &save)) {
    int c = ctrl_by_name(t, v2);
    if (c >= 0)
      bits |= CG_BIT(c);
  }
  return bits;
}

static unsigned v1_ctrl_bits(const char *key)
{
  _cleanup_free_ char *k = xstrdup(key);
  return ctrl_bits_of(k, ",", false);
}

static unsigned v2_ctrl_bits(const char *dir)
{
  _cleanup_free_ char *text = NULL;
  herr e = cg_read(dir, "cgroup.controllers", &text);
  if (e) {
    herr_free(e);
    return 0;
  }
  return ctrl_bits_of(text, " \n", true);
}

static bool part_has(const struct cgroup_apply *a, enum cgroup_ctrl c)
{
  if (a->part == CG_APPLY_ALL)
    return true;
  return (c == CG_DEVICES) == (a->part == CG_APPLY_DEVICES);
}

herr cgroup_run_appliers(struct cgroup *cg, const struct cgroup_backend *be,
                         const struct cgroup_applier *t, size_t n, const struct cgroup_apply *a)
{
  for (size_t i = 0; i < n; i++) {
    if (!part_has(a, t[i].ctrl) || !cg_owns(cg, be, t[i].ctrl) || !t[i].wanted(a))
      continue;
    TRY(t[i].apply(cg_owner(cg, t[i].ctrl), a));
  }
  return NULL;
}

static void hier_free(struct cgroup_hier *h)
{
  free(h->key);
  free(h->mountpoint);
  free(h->mount_root);
  free(h->own);
  free(h->path);
  free(h->dir);
}

void cgroup_free(struct cgroup *cg)
{
  if (!cg)
    return;
  for (size_t i = 0; i < cg->n; i++)
    hier_free(&cg->h[i]);
  free(cg->h);
  free(cg->systemd_unit);
  free(cg->systemd_slice);
  free(cg);
}

static herr add_hier(struct cgroup *cg, const char *key, const char *own, const struct mount_entry *m)
{
  struct cgroup_hier *nh = realloc(cg->h, (cg->n + 1) * sizeof(*nh));
  if (!nh)
    return herr_errno(ENOMEM, "cgroups");
  cg->h = nh;
  struct cgroup_hier *h = &cg->h[cg->n++];
  memset(h, 0, sizeof(*h));
  h->v2 = m->v2;
  h->key = xstrdup(m->v2 ? "unified" : key);
  h->mountpoint = xstrdup(m->point);
  h->mount_root = xstrdup(m->root);
  h->own = xstrdup(own);
  h->ctrls = m->v2 ? v2_ctrl_bits(m->point) : v1_ctrl_bits(key);
  h->be = m->v2 ? &cgroup_v2_backend : &cgroup_v1_backend;
  return NULL;
}

/* Who holds each controller: a v1 hierarchy, else the v2 one if it has the
 * controller (or does the job without one). */
static void compute_owners(struct cgroup *cg)
{
  cg->unified = -1;
  for (size_t i = 0; i < cg->n; i++)
    if (cg->h[i].v2)
      cg->unified = (int)i;
  for (int c = 0; c < CG_CTRL_COUNT; c++) {
    cg->owner[c] = -1;
    for (size_t i = 0; i < cg->n; i++)
      if (!cg->h[i].v2 && (cg->h[i].ctrls & CG_BIT(c)))
        cg->owner[c] = (int)i;
    if (cg->owner[c] < 0 && cg->unified >= 0 &&
        ((cg->h[cg->unified].ctrls | v2_core) & CG_BIT(c)))
      cg->owner[c] = cg->unified;
  }
  bool v1 = false;
  for (size_t i = 0; i < cg->n; i++)
    v1 |= !cg->h[i].v2;
  cg->mode = v1 ? (cg->unified >= 0 ? CGROUP_MODE_HYBRID : CGROUP_MODE_V1)
                : (cg->unified >= 0 ? CGROUP_MODE_V2 : CGROUP_MODE_NONE);
}

/* The hierarchies of this process that are mounted here, with hull's own
 * cgroup in each, from /proc/self/cgroup and /proc/self/mountinfo. */
static herr detect(struct cgroup **out)
{
  _cleanup_free_ char *cgtext = NULL, *mitext = NULL;
  TRY(read_file("/proc/self/cgroup", &cgtext, NULL));
  TRY(read_file("/proc/self/mountinfo", &mitext, NULL));
  struct mount_entry *mounts = NULL;
  size_t n_mounts = 0;
  TRY(parse_mountinfo(mitext, &mounts, &n_mounts));
  struct cgroup *cg = calloc(1, sizeof(*cg));
  if (!cg) {
    mount_entries_free(mounts, n_mounts);
    return herr_errno(ENOMEM, "cgroups");
  }
  herr e = NULL;
  char *save = NULL;
  for (char *line = strtok_r(cgtext, "\n", &save); line && !e; line = strtok_r(NULL, "\n", &save)) {
    /* "ID:CONTROLLERS:PATH"; v2 is "0::PATH". */
    char *c1 = strchr(line, ':');
    char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
    if (!c2)
      continue;
    *c2 = '\0';
    const char *key = c1 + 1, *own = c2 + 1;
    const struct mount_entry *m = find_mount(mounts, n_mounts, *key ? key : NULL, own);
    if (m)
      e = add_hier(cg, key, own, m);
  }
  mount_entries_free(mounts, n_mounts);
  if (e) {
    cgroup_free(cg);
    return e;
  }
  compute_owners(cg);
  *out = cg;
  return NULL;
}

herr cgroup_own_dir(const char *key, char **dir)
{
  struct cgroup *cg = NULL;
  TRY_WRAP(detect(&cg), "cgroups");
  const char *want = *key ? key : "unified";
  herr e = herr_errno(ENOENT, "cgroup hierarchy %s is not mounted here", want);
  for (size_t i = 0; i < cg->n && e; i++) {
    const struct cgroup_hier *h = &cg->h[i];
    if (strcmp(h->key, want))
      continue;
    herr_free(e);
    e = NULL;
    /* detect() kept only mounts whose part of the hierarchy holds `own`. */
    const char *below = h->own + (strcmp(h->mount_root, "/") ? strlen(h->mount_root) : 0);
    *dir = path_join(h->mountpoint, below);
  }
  cgroup_free(cg);
  return e;
}

enum cgroup_mode cgroup_host_mode(void)
{
  struct cgroup *cg = NULL;
  herr e = detect(&cg);
  if (e) {
    herr_free(e);
    return CGROUP_MODE_NONE;
  }
  enum cgroup_mode m = cg->mode;
  cgroup_free(cg);
  return m;
}

/* ---- paths ---- */

/* Collapse "//" and a trailing "/"; keep a leading "/". */
static char *normalize(const char *p)
{
  char *out = malloc(strlen(p) + 2), *o = out;
  if (!out)
    abort();
  *o++ = '/';
  for (const char *s = p; *s; s++) {
    if (*s == '/' && o[-1] == '/')
      continue;
    *o++ = *s;
  }
  if (o - out > 1 && o[-1] == '/')
    o--;
  *o = '\0';
  return out;
}

char *cgroup_resolve_path(const char *cgroups_path, const char *own, bool v2)
{
  if (cgroups_path[0] == '/')
    return normalize(cgroups_path);
  _cleanup_free_ char *base = normalize(own);
  if (v2) {
    char *slash = strrchr(base, '/');
    if (slash == base)
      base[1] = '\0';
    else
      *slash = '\0';
  }
  _cleanup_free_ char *joined = path_join(base, cgroups_path);
  return normalize(joined);
}

static herr check_cgroups_path(const char *p)
{
  if (!*p)
    return NULL;
  _cleanup_free_ char *copy = xstrdup(p);
  char *save = NULL;
  for (char *t = strtok_r(copy, "/", &save); t; t = strtok_r(NULL, "/", &save))
    if (!strcmp(t, "..") || !strcmp(t, "."))
      return herr_new("linux.cgroupsPath \"%s\": \".\" and \"..\" components are not allowed", p);
  return NULL;
}

/* HASH/ID: ids are unique only within one --root, and two roots on one host
 * must not share a cgroup; the leaf is named after the container, as runc's
 * default /ID is (what looks for a container's cgroup by its name finds it). */
static char *default_path(const char *id, const char *root)
{
  char *p = NULL;
  if (!root || !strcmp(root, "/run/hull")) {
    if (asprintf(&p, "/hull/%s", id) < 0)
      abort();
    return p;
  }
  uint32_t h = 2166136261u; /* FNV-1a */
  for (const unsigned char *s = (const unsigned char *)root; *s; s++)
    h = (h ^ *s) * 16777619u;
  if (asprintf(&p, "/hull/%08x/%s", h, id) < 0)
    abort();
  return p;
}

static herr place_in(struct cgroup_hier *h, const char *path)
{
  h->path = xstrdup(path);
  if (!path_is_under(h->path, h->mount_root))
    return herr_new("cgroup %s is outside the part of hierarchy %s mounted on %s (%s)", h->path,
                    h->key, h->mountpoint, h->mount_root);
  const char *below = h->path + (strcmp(h->mount_root, "/") ? strlen(h->mount_root) : 0);
  h->dir = path_join(h->mountpoint, below);
  return NULL;
}

/* ---- what the resources need ---- */

static bool has_cpu_sched(const struct oci_cpu *c)
{
  return c && (c->has_shares || c->has_quota || c->has_burst || c->has_period ||
               c->has_realtimeRuntime || c->has_realtimePeriod || c->has_idle);
}

static bool has_cpuset(const struct oci_cpu *c)
{
  return c && ((c->cpus && *c->cpus) || (c->mems && *c->mems));
}

/* Each part of linux.resources and the controller it needs. */
static const struct {
  const char *path;
  enum cgroup_ctrl ctrl;
} resource_ctrls[] = {
  { "memory", CG_MEMORY },          { "cpu", CG_CPU },
  { "cpu.cpus/cpu.mems", CG_CPUSET }, { "pids", CG_PIDS },
  { "blockIO", CG_BLKIO },          { "hugepageLimits", CG_HUGETLB },
  { "network.classID", CG_NET_CLS }, { "network.priorities", CG_NET_PRIO },
  { "rdma", CG_RDMA },              { "devices", CG_DEVICES },
};

static bool resource_present(const struct oci_resources *r, size_t i)
{
  switch (resource_ctrls[i].ctrl) {
  case CG_MEMORY: return r->memory != NULL;
  case CG_CPU: return has_cpu_sched(r->cpu);
  case CG_CPUSET: return has_cpuset(r->cpu);
  case CG_PIDS: return r->pids && r->pids->has_limit;
  case CG_BLKIO: return r->blockIO != NULL;
  case CG_HUGETLB: return r->n_hugepageLimits > 0;
  case CG_NET_CLS: return r->network && r->network->has_classID;
  case CG_NET_PRIO: return r->network && r->network->n_priorities > 0;
  case CG_RDMA: return r->n_rdma > 0;
  case CG_DEVICES: return r->n_devices > 0;
  default: return false;
  }
}

/* Does linux.resources ask for anything?  Rootless podman writes an empty
 * "resources": {}, which needs no cgroup. */
static bool resources_requested(const struct oci_resources *r)
{
  if (!r)
    return false;
  for (size_t i = 0; i < ARRAY_LEN(resource_ctrls); i++)
    if (resource_present(r, i))
      return true;
  return r->n_unified > 0;
}

/* "v1 hierarchies: cpu, memory, ...; cgroup v2 controllers: hugetlb" */
static char *describe_host(const struct cgroup *cg)
{
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  if (!f)
    abort();
  const char *sep = "cgroup v1 hierarchies: ";
  for (size_t i = 0; i < cg->n; i++) {
    if (!cg->h[i].v2) {
      fprintf(f, "%s%s", sep, cg->h[i].key);
      sep = ", ";
    }
  }
  if (cg->unified >= 0) {
    fprintf(f, "%scgroup v2 controllers:", *sep == ',' ? "; " : "");
    unsigned bits = cg->h[cg->unified].ctrls;
    if (!bits)
      fprintf(f, " none");
    for (int c = 0; c < CG_CTRL_COUNT; c++)
      if (bits & CG_BIT(c))
        fprintf(f, " %s", ctrl_names[c].v2);
  }
  if (!cg->n)
    fprintf(f, "no cgroup file system is mounted");
  fclose(f);
  return buf;
}

static herr check_unified_keys(const struct cgroup *cg, const struct oci_resources *r)
{
  for (size_t i = 0; i < r->n_unified; i++) {
    const char *key = r->unified[i].key;
    if (cg->unified < 0)
      return herr_new("linux.resources.unified[\"%s\"]: this host has no cgroup v2 hierarchy", key);
    const char *dot = strchr(key, '.');
    if (!dot || dot == key || strchr(key, '/'))
      return herr_new("linux.resources.unified[\"%s\"]: not a cgroup v2 file name (CONTROLLER.FILE)", key);
    _cleanup_free_ char *ctrl = strndup(key, (size_t)(dot - key));
    if (!strcmp(ctrl, "cgroup"))
      continue;
    int c = ctrl_by_name(ctrl, true);
    if (c >= 0 && cg->owner[c] >= 0 && !cg->h[cg->owner[c]].v2)
      return herr_new("linux.resources.unified[\"%s\"]: invalid configuration: the %s controller is on a cgroup v1 hierarchy on this host, not on cgroup v2 (set it with linux.resources.%s instead)",
                      key, ctrl, c == CG_BLKIO ? "blockIO" : c == CG_CPUSET ? "cpu" : ctrl);
    if (c >= 0 && !(cg->h[cg->unified].ctrls & CG_BIT(c))) {
      _cleanup_free_ char *host = describe_host(cg);
      return herr_new("linux.resources.unified[\"%s\"]: the %s controller is not available on this host (%s)",
                      key, ctrl, host);
    }
  }
  return NULL;
}

/* Refuse a field whose controller this host does not have. */
static herr check_controllers(const struct cgroup *cg, const struct oci_resources *r)
{
  if (!r)
    return NULL;
  for (size_t i = 0; i < ARRAY_LEN(resource_ctrls); i++) {
    if (!resource_present(r, i) || cg->owner[resource_ctrls[i].ctrl] >= 0)
      continue;
    _cleanup_free_ char *host = describe_host(cg);
    return herr_new("linux.resources.%s: the %s controller is not available on this host (%s)",
                    resource_ctrls[i].path, ctrl_names[resource_ctrls[i].ctrl].v1, host);
  }
  return check_unified_keys(cg, r);
}

/* ---- placement ---- */

/* Can we make the container's cgroup in h: is the nearest existing ancestor
 * of its directory writable for us? */
static bool can_create_in(const struct cgroup_hier *h)
{
  _cleanup_free_ char *p = xstrdup(h->dir);
  size_t top = strlen(h->mountpoint);
  while (access(p, F_OK) != 0) {
    char *slash = strrchr(p, '/');
    if (!slash || (size_t)(slash - p) < top)
      return false;
    *slash = '\0';
  }
  return access(p, W_OK) == 0;
}

/* Rootless (issue 7): cgroups are used only where they were delegated to the
 * user, i.e. in every hierarchy; otherwise none, and linux.resources, which
 * could not be applied, is refused.  Root of a user namespace (rootless
 * podman runs hull so) is rootless too: the host's cgroups are not its own. */
static herr keep_only_delegated(struct cgroup *cg, const struct oci_linux *lx)
{
  if (geteuid() == 0 && !in_user_namespace())
    return NULL;
  bool all = cg->n > 0;
  for (size_t i = 0; i < cg->n; i++)
    all &= can_create_in(&cg->h[i]);
  if (all)
    return NULL;
  if (lx && resources_requested(lx->resources))
    return herr_new("linux.resources: hull runs without root (uid %u%s) and no cgroup is delegated to "
                    "it, so resources cannot be applied (remove linux.resources, or delegate a cgroup)",
                    (unsigned)geteuid(), geteuid() == 0 ? " of a user namespace" : "");
  for (size_t i = 0; i < cg->n; i++)
    hier_free(&cg->h[i]);
  cg->n = 0;
  for (int c = 0; c < CG_CTRL_COUNT; c++)
    cg->owner[c] = -1;
  cg->unified = -1;
  return NULL;
}

/* The systemd driver (--systemd-cgroup, or a "slice:prefix:name" path): the
 * scope's name and cgroup path, once systemd is known to be there. */
static herr prepare_systemd(const char *given, const char *id, bool flag, char **unit, char **slice,
                            char **path)
{
  struct cgroup_systemd_path sp;
  TRY(cgroup_systemd_place(given, id, &sp, unit, path));
  *slice = STEAL(sp.slice);
  cgroup_systemd_path_free(&sp);
  _cleanup_free_ char *what = NULL;
  if (flag)
    what = xstrdup("--systemd-cgroup");
  else if (asprintf(&what, "linux.cgroupsPath \"%s\" (slice:prefix:name)", given) < 0)
    abort();
  return cgroup_systemd_check_running(what);
}

/* A cgroup that exists frozen would freeze the container's set-up and hang
 * create: refused (in runc's words) before anything is made, so that the
 * failed create leaves it as it was. */
static herr refuse_frozen(struct cgroup *cg)
{
  struct cgroup_hier *h = cg_owner(cg, CG_FREEZER);
  if (!h || access(h->dir, F_OK) < 0)
    return NULL;
  bool frozen = false;
  TRY(h->be->frozen(h, &frozen));
  if (frozen)
    return herr_new("container's cgroup unexpectedly frozen (%s in %s): thaw it first", h->path, h->key);
  return NULL;
}

herr cgroup_prepare(const char *id, const char *root, const struct oci_linux *lx, bool systemd,
                    struct cgroup **out)
{
  const char *given = lx && lx->cgroupsPath && *lx->cgroupsPath ? lx->cgroupsPath : NULL;
  _cleanup_free_ char *unit = NULL, *slice = NULL, *sd_path = NULL;
  if (systemd || (given && cgroup_is_systemd_path(given)))
    TRY(prepare_systemd(given, id, systemd, &unit, &slice, &sd_path));
  else if (given)
    TRY(check_cgroups_path(given));
  struct cgroup *cg = NULL;
  TRY_WRAP(detect(&cg), "cgroups");
  _cleanup_free_ char *dflt = given || unit ? NULL : default_path(id, root);
  cg->default_path = !given && !unit;
  cg->systemd_unit = STEAL(unit);
  cg->systemd_slice = STEAL(slice);
  herr e = NULL;
  for (size_t i = 0; i < cg->n && !e; i++) {
    _cleanup_free_ char *p =
      cgroup_resolve_path(sd_path ? sd_path : given ? given : dflt, cg->h[i].own, cg->h[i].v2);
    e = place_in(&cg->h[i], p);
  }
  if (!e)
    e = keep_only_delegated(cg, lx);
  if (!e)
    e = refuse_frozen(cg);
  if (!e && lx && lx->resources)
    e = check_controllers(cg, lx->resources);
  if (e) {
    cgroup_free(cg);
    return e;
  }
  *out = cg;
  return NULL;
}

static herr check_default_unused(struct cgroup_hier *h)
{
  if (h->made)
    return NULL;
  pid_t *pids = NULL;
  size_t n = 0;
  TRY(cg_pids(h, &pids, &n));
  free(pids);
  if (n)
    return herr_new("cgroup %s (%s) already holds processes: is a container of the same id still running?",
                    h->path, h->key);
  return NULL;
}

/* A cgroupsPath the config names may hold processes already (pods share
 * one): worth a warning, in runc's words. */
static void warn_if_not_empty(struct cgroup_hier *h)
{
  pid_t *pids = NULL;
  size_t n = 0;
  herr e = h->be->pids(h, &pids, &n);
  free(pids);
  herr_free(e);
  if (n)
    log_warning("cgroups: %s: container's cgroup is not empty: %zu process(es) found", h->path, n);
}

herr cgroup_create(struct cgroup *cg)
{
  for (size_t i = 0; i < cg->n; i++) {
    struct cgroup_hier *h = &cg->h[i];
    TRY_WRAP(h->be->create(cg, h), "cgroups: create %s in %s", h->path, h->key);
    if (cg->default_path)
      TRY_WRAP(check_default_unused(h), "cgroups");
    else if (i == 0 && !cgroup_is_systemd(cg)) /* a scope starts with the process in it */
      warn_if_not_empty(h);
  }
  return NULL;
}

/* The backends of cg's hierarchies, each once (v1, v2, or both on a hybrid
 * host): the operations that work on controllers go through each once. */
static size_t backends_of(const struct cgroup *cg, const struct cgroup_backend *be[2])
{
  size_t n = 0;
  for (size_t i = 0; i < cg->n; i++) {
    bool seen = false;
    for (size_t j = 0; j < n; j++)
      seen |= be[j] == cg->h[i].be;
    if (!seen && n < 2)
      be[n++] = cg->h[i].be;
  }
  return n;
}

herr cgroup_apply(struct cgroup *cg, const struct cgroup_apply *a)
{
  TRY(check_controllers(cg, a->r));
  const struct cgroup_backend *be[2];
  for (size_t i = 0, n = backends_of(cg, be); i < n; i++)
    TRY(be[i]->apply(cg, a));
  return NULL;
}

bool cgroup_devices_can_follow(const struct cgroup *cg)
{
  return cg_owns(cg, &cgroup_v2_backend, CG_DEVICES);
}

/* systemd, realizing a scope on a v1 or hybrid host, may remove the scope's
 * cgroup (still empty) in a hierarchy whose controller the unit does not use,
 * after hull made it: made again and the process moved in, until it holds
 * (a cgroup with a process in it stays).  runc's systemd driver, too, makes
 * each hierarchy's directory right before it joins it. */
static herr add_pid_to_scope(struct cgroup_hier *h, pid_t pid)
{
  for (int tries = 0;; tries++) {
    herr e = h->be->add_pid(h, pid);
    if (!e || herr_errnum(e) != ENOENT || tries == 50)
      return e;
    herr_free(e);
    TRY(mkdir_p(h->dir, 0755));
    usleep(2000);
  }
}

herr cgroup_add_pid(struct cgroup *cg, pid_t pid)
{
  for (size_t i = 0; i < cg->n; i++) {
    struct cgroup_hier *h = &cg->h[i];
    TRY_WRAP(cgroup_is_systemd(cg) ? add_pid_to_scope(h, pid) : h->be->add_pid(h, pid),
             "cgroups: move process %d into %s", (int)pid, h->key);
  }
  return NULL;
}

int cgroup_clone_fd(const struct cgroup *cg)
{
  /* systemd makes the scope's cgroup with the process in it. */
  if (cg->mode != CGROUP_MODE_V2 || cg->unified < 0 || cgroup_is_systemd(cg))
    return -1;
  return open(cg->h[cg->unified].dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
}

static bool cgroup_empty(struct cgroup *cg)
{
  pid_t *pids = NULL;
  size_t n = 0;
  herr e = cgroup_pids(cg, &pids, &n);
  free(pids);
  if (e) {
    herr_free(e);
    return true;
  }
  return n == 0;
}

/* The hierarchy cgroup_pids reads. */
static struct cgroup_hier *pids_hier(struct cgroup *cg)
{
  return cg->unified >= 0 ? &cg->h[cg->unified] : &cg->h[0];
}

/* rmdir, retried while killed processes leave the cgroup.  A cgroup that
 * existed before the container (an explicit cgroupsPath it shared) is
 * removed only if nobody else is in it. */
static herr destroy_hier(struct cgroup_hier *h)
{
  herr e = NULL;
  for (int tries = 0; tries < 250; tries++) {
    herr_free(e);
    e = h->be->destroy(h);
    if (!e || herr_errnum(e) != EBUSY)
      break;
    if (!h->made) {
      herr_free(e);
      return NULL;
    }
    cg_sleep_ms(20);
  }
  return e;
}

herr cgroup_destroy(struct cgroup *cg)
{
  if (!cg || !cg->n)
    return NULL;
  /* A scope that could not be started (say, another container's of the same
   * name) is not ours to kill or remove, and nothing was made. */
  if (cgroup_is_systemd(cg) && !cg->systemd_ours)
    return NULL;
  /* What is left in a cgroup hull made dies with it; in one it joined,
   * others may live.  A systemd scope is the container's alone. */
  if ((pids_hier(cg)->made || cgroup_is_systemd(cg)) && !cgroup_empty(cg)) {
    log_herr_at(LOG_LEVEL_DEBUG, "cgroups", cgroup_signal_all(cg, SIGKILL));
  }
  /* systemd removes the scope's cgroups in the hierarchies it manages; hull
   * removes the ones it made. */
  herr first = cgroup_is_systemd(cg) ? cgroup_systemd_stop(cg) : NULL;
  for (size_t i = 0; i < cg->n; i++) {
    if (!cg->h[i].dir)
      continue;
    herr e = destroy_hier(&cg->h[i]);
    if (e && !first)
      first = herr_wrap(e, "cgroups");
    else
      herr_free(e);
  }
  return first;
}

/* ---- records in state.json ---- */

struct cgroup_record *cgroup_records(const struct cgroup *cg, size_t *n)
{
  struct cgroup_record *r = calloc(cg->n ? cg->n : 1, sizeof(*r));
  if (!r)
    abort();
  for (size_t i = 0; i < cg->n; i++) {
    r[i].key = xstrdup(cg->h[i].key);
    r[i].path = xstrdup(cg->h[i].path);
    r[i].made = cg->h[i].made;
  }
  *n = cg->n;
  return r;
}

void cgroup_records_free(struct cgroup_record *r, size_t n)
{
  for (size_t i = 0; r && i < n; i++) {
    free(r[i].key);
    free(r[i].path);
  }
  free(r);
}

void cgroup_set_systemd_unit(struct cgroup *cg, const char *unit)
{
  free(cg->systemd_unit);
  cg->systemd_unit = unit ? xstrdup(unit) : NULL;
  cg->systemd_ours = unit != NULL;
}

herr cgroup_open(const struct cgroup_record *r, size_t n, struct cgroup **out)
{
  struct cgroup *cg = NULL;
  TRY_WRAP(detect(&cg), "cgroups");
  /* Keep the hierarchies the container has a cgroup in, in detection order. */
  size_t kept = 0;
  herr e = NULL;
  for (size_t i = 0; i < cg->n; i++) {
    const struct cgroup_record *rec = NULL;
    for (size_t j = 0; j < n && !rec; j++)
      if (!strcmp(r[j].key, cg->h[i].key))
        rec = &r[j];
    if (!rec) {
      hier_free(&cg->h[i]);
      continue;
    }
    if (kept != i)
      cg->h[kept] = cg->h[i];
    cg->h[kept].made = rec->made;
    if (!e)
      e = place_in(&cg->h[kept], rec->path);
    kept++;
  }
  cg->n = kept;
  if (e) {
    cgroup_free(cg);
    return e;
  }
  compute_owners(cg);
  *out = cg;
  return NULL;
}

/* ---- freezer, pids, signals ---- */

static herr freezer_of(struct cgroup *cg, struct cgroup_hier **h)
{
  *h = cg_owner(cg, CG_FREEZER);
  if (!*h)
    return herr_new("cgroups: no freezer on this host (no v1 freezer hierarchy and no cgroup v2)");
  return NULL;
}

herr cgroup_freeze(struct cgroup *cg)
{
  struct cgroup_hier *h;
  TRY(freezer_of(cg, &h));
  return h->be->freeze(h);
}

herr cgroup_thaw(struct cgroup *cg)
{
  struct cgroup_hier *h;
  TRY(freezer_of(cg, &h));
  return h->be->thaw(h);
}

herr cgroup_is_frozen(struct cgroup *cg, bool *frozen)
{
  *frozen = false;
  struct cgroup_hier *h = cg_owner(cg, CG_FREEZER);
  return h ? h->be->frozen(h, frozen) : NULL;
}

herr cgroup_pids(struct cgroup *cg, pid_t **pids, size_t *n)
{
  *pids = NULL;
  *n = 0;
  if (!cg->n)
    return herr_new("cgroups: the container has no cgroup");
  /* Every hierarchy holds every process of the container. */
  struct cgroup_hier *h = pids_hier(cg);
  return h->be->pids(h, pids, n);
}

static herr kill_listed(struct cgroup *cg, int signo)
{
  pid_t *pids = NULL;
  size_t n = 0;
  TRY(cgroup_pids(cg, &pids, &n));
  for (size_t i = 0; i < n; i++)
    if (kill(pids[i], signo) < 0 && errno != ESRCH) {
      herr e = herr_sys("signal process %d", (int)pids[i]);
      free(pids);
      return e;
    }
  free(pids);
  return NULL;
}

static herr kill_through_v2(struct cgroup *cg, bool *done)
{
  *done = false;
  if (cg->unified < 0 || !cg_exists(cg->h[cg->unified].dir, "cgroup.kill"))
    return NULL;
  TRY(cg_write(cg->h[cg->unified].dir, "cgroup.kill", "1"));
  *done = true;
  return NULL;
}

herr cgroup_signal_all(struct cgroup *cg, int signo)
{
  bool was_frozen = false, froze = false, done = false;
  herr e = cgroup_is_frozen(cg, &was_frozen);
  herr_free(e);
  if (signo == SIGKILL)
    TRY(kill_through_v2(cg, &done));
  if (!done && !was_frozen && cg_owner(cg, CG_FREEZER)) {
    /* Frozen, no process can fork a child we would miss. */
    e = cgroup_freeze(cg);
    froze = e == NULL;
    herr_free(e);
  }
  e = done ? NULL : kill_listed(cg, signo);
  /* A frozen process dies of SIGKILL only once thawed. */
  if (froze || (was_frozen && signo == SIGKILL)) {
    herr t = cgroup_thaw(cg);
    if (!e)
      e = t;
    else
      herr_free(t);
  }
  return e;
}

/* ---- stats ---- */

herr cgroup_stats(struct cgroup *cg, struct cgroup_stats *st)
{
  memset(st, 0, sizeof(*st));
  const struct cgroup_backend *be[2];
  for (size_t i = 0, n = backends_of(cg, be); i < n; i++)
    TRY(be[i]->stats(cg, st));
  return NULL;
}

void cgroup_stats_free(struct cgroup_stats *st)
{
  free(st->cpu.percpu);
  for (size_t i = 0; i < st->memory.n_raw; i++)
    free(st->memory.raw[i].key);
  free(st->memory.raw);
  free(st->io_service_bytes);
  free(st->io_serviced);
  free(st->hugetlb);
  memset(st, 0, sizeof(*st));
}

/* ---- OOM notifications ---- */

herr cgroup_oom_watch_open(struct cgroup *cg, struct cgroup_oom_watch *w)
{
  w->fd = w->dirfd = -1;
  w->last_oom_kill = 0;
  struct cgroup_hier *h = cg_owner(cg, CG_MEMORY);
  if (!h)
    return herr_new("cgroups: no memory controller on this host: OOM events cannot be watched");
  w->v2 = h->v2;
  w->dirfd = open(h->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (w->dirfd < 0)
    return herr_sys("open %s", h->dir);
  if (h->v2) {
    /* memory.events changes (and inotify says so) on every OOM kill. */
    w->fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
    if (w->fd < 0)
      return herr_sys("inotify_init1");
    _cleanup_free_ char *file = path_join(h->dir, "memory.events");
    if (inotify_add_watch(w->fd, file, IN_MODIFY) < 0)
      return herr_sys("watch %s", file);
    _cleanup_free_ char *text = NULL;
    TRY(cg_read(h->dir, "memory.events", &text));
    cg_kv_lookup(text, "oom_kill", &w->last_oom_kill);
    return NULL;
  }
  /* v1: an eventfd registered on memory.oom_control through cgroup.event_control. */
  w->fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (w->fd < 0)
    return herr_sys("eventfd");
  _cleanup_free_ char *oc = path_join(h->dir, "memory.oom_control");
  _cleanup_close_ int ofd = open(oc, O_RDONLY | O_CLOEXEC);
  if (ofd < 0)
    return herr_sys("open %s", oc);
  char line[64];
  snprintf(line, sizeof(line), "%d %d", w->fd, ofd);
  return cg_write(h->dir, "cgroup.event_control", line);
}

herr cgroup_oom_consume(struct cgroup_oom_watch *w, bool *oom)
{
  *oom = false;
  char buf[4096];
  ssize_t r = read(w->fd, buf, sizeof(buf));
  if (r < 0)
    return errno == EAGAIN ? NULL : herr_sys("read OOM notification");
  if (!w->v2) {
    /* The eventfd counts OOMs, and is also signalled when the cgroup goes. */
    *oom = r == 8 && faccessat(w->dirfd, "memory.oom_control", F_OK, 0) == 0;
    return NULL;
  }
  _cleanup_free_ char *text = NULL;
  size_t len;
  TRY(read_file_at(w->dirfd, "memory.events", &text, &len));
  uint64_t kills = 0;
  cg_kv_lookup(text, "oom_kill", &kills);
  *oom = kills > w->last_oom_kill;
  w->last_oom_kill = kills;
  return NULL;
}

void cgroup_oom_watch_close(struct cgroup_oom_watch *w)
{
  if (w->fd >= 0)
    close(w->fd);
  if (w->dirfd >= 0)
    close(w->dirfd);
  w->fd = w->dirfd = -1;
}

/* ---- systemd ---- */

bool cgroup_is_systemd_path(const char *path)
{
  if (!path || path[0] == '/')
    return false;
  const char *c1 = strchr(path, ':');
  return c1 && strchr(c1 + 1, ':');
}

void cgroup_systemd_path_free(struct cgroup_systemd_path *p)
{
  free(p->slice);
  free(p->prefix);
  free(p->name);
  memset(p, 0, sizeof(*p));
}

herr cgroup_parse_systemd_path(const char *path, struct cgroup_systemd_path *out)
{
  memset(out, 0, sizeof(*out));
  const char *c1 = strchr(path, ':');
  const char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
  if (!c2 || strchr(c2 + 1, ':'))
    return herr_new("\"%s\": a systemd cgroup path has three parts, slice:prefix:name", path);
  if (strchr(path, '/'))
    return herr_new("\"%s\": a systemd cgroup path has no '/'", path);
  _cleanup_free_ char *slice = strndup(path, (size_t)(c1 - path));
  if (*slice && (!str_ends_with(slice, ".slice") || !strcmp(slice, ".slice")))
    return herr_new("\"%s\": \"%s\" is not a slice name (NAME.slice)", path, slice);
  if (!*(c2 + 1))
    return herr_new("\"%s\": the name part is empty", path);
  out->slice = *slice ? STEAL(slice) : xstrdup("system.slice");
  out->prefix = strndup(c1 + 1, (size_t)(c2 - c1 - 1));
  out->name = xstrdup(c2 + 1);
  return NULL;
}

herr cgroup_systemd_unavailable(const char *what)
{
  _cleanup_free_ char *comm = NULL;
  herr e = read_file("/proc/1/comm", &comm, NULL);
  herr_free(e);
  if (comm)
    comm[strcspn(comm, "\n")] = '\0';
  return herr_new("%s: the systemd cgroup manager needs systemd as PID 1, and PID 1 here is \"%s\"; "
                  "use a cgroupsPath like /hull/ID without --systemd-cgroup", what,
                  comm ? comm : "unknown");
}

/* ---- conversions ---- */

uint64_t cgroup_shares_to_weight(uint64_t shares)
{
  if (shares == 0)
    return 0;
  if (shares < 2)
    shares = 2;
  if (shares > 262144)
    shares = 262144;
  return 1 + ((shares - 2) * 9999) / 262142;
}

uint64_t cgroup_blkio_weight_to_io(uint64_t weight)
{
  if (weight == 0)
    return 0;
  if (weight < 10)
    weight = 10;
  if (weight > 1000)
    weight = 1000;
  return 1 + (weight - 10) * 9999 / 990;
}

uint64_t cgroup_hugepage_kb(const char *size)
{
  char *end;
  unsigned long long n = strtoull(size, &end, 10);
  if (end == size || n == 0)
    return 0;
  if (!strcmp(end, "KB"))
    return n;
  if (!strcmp(end, "MB"))
    return n * 1024;
  if (!strcmp(end, "GB"))
    return n * 1024 * 1024;
  return 0;
}
