/* cgroup_v2.c - the cgroup v2 backend: one unified hierarchy, controllers
 * enabled top-down through cgroup.subtree_control, the files of
 * Documentation/admin-guide/cgroup-v2.rst.  v1 fields are converted where a
 * conversion is defined (shares -> weight, blkio weight -> io.weight,
 * memory+swap -> swap) and refused where v2 has no equivalent. */
#include "cgroup.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup_fs.h"
#include "cleanup.h"
#include "log.h"
#include "utils.h"

/* ---- create ---- */

/* Enable in dir's cgroup.subtree_control every controller it has.  One at a
 * time: one that cannot be enabled (a parent with processes, a threaded
 * subtree) must not stop the others; apply() names what is missing. */
static void enable_controllers(const char *dir)
{
  _cleanup_free_ char *have = NULL, *on = NULL;
  herr e = cg_read(dir, "cgroup.controllers", &have);
  if (!e)
    e = cg_read(dir, "cgroup.subtree_control", &on);
  if (e) {
    log_herr_at(LOG_LEVEL_DEBUG, "cgroups", e);
    return;
  }
  char *save = NULL;
  for (char *c = strtok_r(have, " ", &save); c; c = strtok_r(NULL, " ", &save)) {
    char word[64];
    snprintf(word, sizeof(word), " %s ", c);
    _cleanup_free_ char *padded = NULL;
    if (asprintf(&padded, " %s ", on) < 0)
      abort();
    if (strstr(padded, word))
      continue;
    char plus[64];
    snprintf(plus, sizeof(plus), "+%s", c);
    e = cg_write(dir, "cgroup.subtree_control", plus);
    log_herr_at(LOG_LEVEL_DEBUG, "cgroups", herr_wrap(e, "enable %s in %s", c, dir));
  }
}

static herr v2_create(struct cgroup *cg, struct cgroup_hier *h)
{
  (void)cg;
  TRY(cg_mkdir(h));
  /* Every ancestor, from the mount down to the container's parent. */
  _cleanup_free_ char *dir = xstrdup(h->dir);
  size_t base = strlen(h->mountpoint), len = strlen(dir);
  enable_controllers(h->mountpoint);
  for (size_t i = base + 1; i < len; i++) {
    if (dir[i] != '/')
      continue;
    dir[i] = '\0';
    enable_controllers(dir);
    dir[i] = '/';
  }
  return NULL;
}

/* A v2 controller must be enabled for the container's cgroup to have its files. */
static herr require(struct cgroup_hier *h, enum cgroup_ctrl c, const char *field)
{
  const char *name = cgroup_ctrl_v2_name(c);
  _cleanup_free_ char *have = NULL;
  TRY(cg_read(h->dir, "cgroup.controllers", &have));
  _cleanup_free_ char *padded = NULL, *word = NULL;
  if (asprintf(&padded, " %s ", have) < 0 || asprintf(&word, " %s ", name) < 0)
    abort();
  if (strstr(padded, word))
    return NULL;
  return herr_new("linux.resources.%s: the %s controller could not be enabled for cgroup %s (is it in the parent's cgroup.subtree_control? a parent with processes of its own cannot delegate it)",
                  field, name, h->path);
}

/* ---- memory ---- */

/* The spec's swap is memory+swap; v2's memory.swap.max is swap alone. */
static herr swap_value(const struct oci_memory *m, int64_t *out)
{
  int64_t swap = m->has_swap ? m->swap : 0, limit = m->has_limit ? m->limit : 0;
  if (limit == -1 && swap == 0) {
    *out = -1;
    return NULL;
  }
  if (swap == -1 || swap == 0) {
    *out = swap;
    return NULL;
  }
  if (limit <= 0)
    return herr_new("linux.resources.memory.swap: a swap limit needs a memory limit on cgroup v2 (memory.swap.max is swap alone)");
  if (swap < limit)
    return herr_new("linux.resources.memory.swap: %lld is the memory+swap limit and cannot be lower than memory.limit %lld",
                    (long long)swap, (long long)limit);
  *out = swap - limit;
  return NULL;
}

static herr write_max(const char *dir, const char *file, int64_t v)
{
  return v < 0 ? cg_write(dir, file, "max") : cg_write_i64(dir, file, v);
}

/* Fields of v1's memory controller that v2 does not have. */
static herr memory_v1_only(const struct oci_memory *m)
{
  if (m->has_kernel)
    return herr_new("linux.resources.memory.kernel: cgroup v2 has no separate kernel memory limit");
  if (m->has_kernelTCP)
    return herr_new("linux.resources.memory.kernelTCP: cgroup v2 has no separate kernel TCP memory limit");
  if (m->has_swappiness)
    return herr_new("linux.resources.memory.swappiness: cgroup v2 has no per-cgroup swappiness");
  if (m->has_disableOOMKiller && m->disableOOMKiller)
    return herr_new("linux.resources.memory.disableOOMKiller: cgroup v2 cannot disable the OOM killer");
  if (m->has_useHierarchy && !m->useHierarchy)
    return herr_new("linux.resources.memory.useHierarchy: cgroup v2 is always hierarchical");
  return NULL;
}

static herr v2_memory(struct cgroup_hier *h, const struct cgroup_apply *a)
{
  const struct oci_memory *m = a->r->memory;
  TRY(memory_v1_only(m));
  TRY(require(h, CG_MEMORY, "memory"));
  /* cgroup v2 would OOM-kill rather than refuse a limit below the usage. */
  if (a->update && m->has_checkBeforeUpdate && m->checkBeforeUpdate && m->has_limit && m->limit > 0) {
    uint64_t usage;
    TRY(cg_read_u64(h->dir, "memory.current", &usage));
    if ((uint64_t)m->limit < usage)
      return herr_new("linux.resources.memory.limit: %lld is below the current usage %llu (checkBeforeUpdate)",
                      (long long)m->limit, (unsigned long long)usage);
  }
  int64_t swap = 0;
  TRY(swap_value(m, &swap));
  if (swap != 0) {
    if (!cg_exists(h->dir, "memory.swap.max"))
      return herr_new("linux.resources.memory.swap: this kernel does not account swap (no memory.swap.max)");
    TRY_WRAP(write_max(h->dir, "memory.swap.max", swap), "linux.resources.memory.swap");
  }
  if (m->has_limit)
    TRY_WRAP(write_max(h->dir, "memory.max", m->limit), "linux.resources.memory.limit");
  if (m->has_reservation)
    TRY_WRAP(write_max(h->dir, "memory.low", m->reservation), "linux.resources.memory.reservation");
  return NULL;
}

/* ---- cpu ---- */

static herr cpu_max(const char *dir, const struct oci_cpu *c)
{
  if (!c->has_quota && !c->has_period)
    return NULL;
  /* cpu.max is "QUOTA PERIOD": keep the half that is not given. */
  _cleanup_free_ char *cur = NULL;
  TRY(cg_read(dir, "cpu.max", &cur));
  char quota[32] = "max";
  unsigned long long period = 100000;
  sscanf(cur, "%31s %llu", quota, &period);
  if (c->has_quota) {
    if (c->quota < 0)
      snprintf(quota, sizeof(quota), "max");
    else
      snprintf(quota, sizeof(quota), "%lld", (long long)c->quota);
  }
  if (c->has_period)
    period = c->period;
  char line[64];
  snprintf(line, sizeof(line), "%s %llu", quota, period);
  return herr_wrap(cg_write(dir, "cpu.max", line), "linux.resources.cpu.quota/period");
}

static herr v2_cpu(struct cgroup_hier *h, const struct cgroup_apply *a)
{
  const struct oci_cpu *c = a->r->cpu;
  if (c->has_realtimeRuntime || c->has_realtimePeriod)
    return herr_new("linux.resources.cpu.%s: cgroup v2 has no real-time CPU bandwidth control",
                    c->has_realtimeRuntime ? "realtimeRuntime" : "realtimePeriod");
  if (!c->has_shares && !c->has_quota && !c->has_period && !c->has_burst && !c->has_idle)
    return NULL;
  TRY(require(h, CG_CPU, "cpu"));
  if (c->has_shares)
    TRY_WRAP(cg_write_u64(h->dir, "cpu.weight", cgroup_shares_to_weight(c->shares)),
             "linux.resources.cpu.shares (as cpu.weight)");
  TRY(cpu_max(h->dir, c));
  if (c->has_burst)
    TRY_WRAP(cg_write_u64(h->dir, "cpu.max.burst", c->burst), "linux.resources.cpu.burst");
  if (c->has_idle)
    TRY_WRAP(cg_write_i64(h->dir, "cpu.idle", c->idle), "linux.resources.cpu.idle");
  return NULL;
}

static herr v2_cpuset(struct cgroup_hier *h, const struct cgroup_apply *a)
{
  const struct oci_cpu *c = a->r->cpu;
  if (!(c->cpus && *c->cpus) && !(c->mems && *c->mems))
    return NULL;
  TRY(require(h, CG_CPUSET, "cpu.cpus"));
  if (c->cpus && *c->cpus)
    TRY_WRAP(cg_write(h->dir, "cpuset.cpus", c->cpus), "linux.resources.cpu.cpus");
  if (c->mems && *c->mems)
    TRY_WRAP(cg_write(h->dir, "cpuset.mems", c->mems), "linux.resources.cpu.mems");
  return NULL;
}

static herr v2_pids(struct cgroup_hier *h, const struct cgroup_apply *a)
{
  TRY(require(h, CG_PIDS, "pids"));
  return herr_wrap(write_max(h->dir, "pids.max", a->r->pids->limit), "linux.resources.pids.limit");
}

/* ---- io ---- */

/* io.weight takes v2 values (converted); BFQ's io.bfq.weight takes v1's. */
static herr io_weight(const char *dir, const char *dev, uint64_t v1_weight, const char *field)
{
  char line[64];
  if (cg_exists(dir, "io.weight")) {
    snprintf(line, sizeof(line), "%s %llu", dev, (unsigned long long)cgroup_blkio_weight_to_io(v1_weight));
    return herr_wrap(cg_write(dir, "io.weight", line), "%s", field);
  }
  if (cg_exists(dir, "io.bfq.weight")) {
    snprintf(line, sizeof(line), "%s %llu", dev, (unsigned long long)v1_weight);
    return herr_wrap(cg_write(dir, "io.bfq.weight", line), "%s", field);
  }
  return herr_new("%s: this kernel has no io.weight nor io.bfq.weight", field);
}

static herr io_max(const char *dir, const char *key, const struct oci_blkio_throttle_device *d, size_t n,
                   const char *field)
{
  for (size_t i = 0; i < n; i++) {
    char line[96];
    snprintf(line, sizeof(line), "%lld:%lld %s=%llu", (long long)d[i].major, (long long)d[i].minor, key,
             (unsigned long long)d[i].rate);
    TRY_WRAP(cg_write(dir, "io.max", line), "linux.resources.blockIO.%s[%zu]", field, i);
  }
  return NULL;
}

static herr v2_blkio(struct cgroup_hier *h, const struct cgroup_apply *a)
{
  const struct oci_blkio *b = a->r->blockIO;
  if (b->has_leafWeight)
    return herr_new("linux.resources.blockIO.leafWeight: cgroup v2 has no leaf weight");
  for (size_t i = 0; i < b->n_weightDevice; i++)
    if (b->weightDevice[i].has_leafWeight)
      return herr_new("linux.resources.blockIO.weightDevice[%zu].leafWeight: cgroup v2 has no leaf weight", i);
  TRY(require(h, CG_BLKIO, "blockIO"));
  if (b->has_weight)
    TRY(io_weight(h->dir, "default", b->weight, "linux.resources.blockIO.weight"));
  for (size_t i = 0; i < b->n_weightDevice; i++) {
    const struct oci_blkio_weight_device *d = &b->weightDevice[i];
    if (!d->has_weight)
      continue;
    char dev[48], field[64];
    snprintf(dev, sizeof(dev), "%lld:%lld", (long long)d->major, (long long)d->minor);
    snprintf(field, sizeof(field), "linux.resources.blockIO.weightDevice[%zu]", i);
    TRY(io_weight(h->dir, dev, d->weight, field));
  }
  TRY(io_max(h->dir, "rbps", b->throttleReadBpsDevice, b->n_throttleReadBpsDevice, "throttleReadBpsDevice"));
  TRY(io_max(h->dir, "wbps", b->throttleWriteBpsDevice, b->n_throttleWriteBpsDevice, "throttleWriteBpsDevice"));
  TRY(io_max(h->dir, "riops", b->throttleReadIOPSDevice, b->n_throttleReadIOPSDevice, "throttleReadIOPSDevice"));
  TRY(io_max(h->dir, "wiops", b->throttleWriteIOPSDevice, b->n_throttleWriteIOPSDevice,
             "throttleWriteIOPSDevice"));
  return NULL;
}

/* ---- hugetlb, rdma, devices, unified ---- */

static herr v2_hugetlb(struct cgroup_hier *h, const struct cgroup_apply *a)
{
  TRY(require(h, CG_HUGETLB, "hugepageLimits"));
  for (size_t i = 0; i < a->r->n_hugepageLimits; i++) {
    const struct oci_hugepage_limit *l = &a->r->hugepageLimits[i];
    TRY(cg_hugepage_check(l->pageSize, i));
    char file[64];
    snprintf(file, sizeof(file), "hugetlb.%s.max", l->pageSize);
    TRY_WRAP(cg_write_u64(h->dir, file, l->limit), "linux.resources.hugepageLimits[%zu]", i);
    snprintf(file, sizeof(file), "hugetlb.%s.rsvd.max", l->pageSize);
    if (cg_exists(h->dir, file))
      TRY_WRAP(cg_write_u64(h->dir, file, l->limit), "linux.resources.hugepageLimits[%zu]", i);
  }
  return NULL;
}

static herr v2_rdma(struct cgroup_hier *h, const struct cgroup_apply *a)
{
  TRY(require(h, CG_RDMA, "rdma"));
  return cg_rdma_apply(h->dir, a->r->rdma, a->r->n_rdma);
}

static herr v2_devices(struct cgroup_hier *h, const struct cgroup_apply *a)
{
  struct cgroup_dev_rule *rules = NULL;
  size_t n = 0;
  TRY(cgroup_device_rules(a, &rules, &n));
  herr e = cgroup_devices_apply_v2(h->dir, rules, n);
  free(rules);
  return herr_wrap(e, "linux.resources.devices");
}

/* Keys were checked by cgroup.c (CONTROLLER.FILE, not on a v1 hierarchy);
 * a file that is not there means a controller that is not enabled. */
static herr v2_unified(struct cgroup_hier *h, const struct cgroup_apply *a)
{
  for (size_t i = 0; i < a->r->n_unified; i++) {
    const struct oci_kv *kv = &a->r->unified[i];
    if (!cg_exists(h->dir, kv->key)) {
      _cleanup_free_ char *ctrl = strndup(kv->key, strcspn(kv->key, "."));
      _cleanup_free_ char *have = NULL;
      herr e = cg_read(h->dir, "cgroup.controllers", &have);
      herr_free(e);
      return herr_new("linux.resources.unified[\"%s\"]: cgroup %s has no such file (controllers enabled there: %s; %s)",
                      kv->key, h->path, have && *have ? have : "none",
                      !strcmp(ctrl, "cgroup") ? "an unknown core file" : "the controller is missing or cannot be enabled");
    }
    TRY_WRAP(cg_write(h->dir, kv->key, kv->value), "linux.resources.unified[\"%s\"]", kv->key);
  }
  return NULL;
}

/* ---- apply: one entry per controller ---- */


static const struct cgroup_applier v2_appliers[] = {
  { CG_DEVICES, cgroup_wants_devices, v2_devices },
  { CG_MEMORY, cgroup_wants_memory, v2_memory },
  { CG_CPU, cgroup_wants_cpu, v2_cpu },
  { CG_CPUSET, cgroup_wants_cpu, v2_cpuset },
  { CG_PIDS, cgroup_wants_pids, v2_pids },
  { CG_BLKIO, cgroup_wants_blkio, v2_blkio },
  { CG_HUGETLB, cgroup_wants_hugetlb, v2_hugetlb },
  { CG_RDMA, cgroup_wants_rdma, v2_rdma },
};

static herr v2_apply(struct cgroup *cg, const struct cgroup_apply *a)
{
  TRY(cgroup_run_appliers(cg, &cgroup_v2_backend, v2_appliers,
                          ARRAY_LEN(v2_appliers), a));
  /* unified last: its values override what the fields above wrote. */
  if (a->part != CG_APPLY_DEVICES && a->r && a->r->n_unified && cg->unified >= 0)
    TRY(v2_unified(&cg->h[cg->unified], a));
  return NULL;
}

/* ---- freezer ---- */

static herr v2_freeze(struct cgroup_hier *h)
{
  TRY(cg_write(h->dir, "cgroup.freeze", "1"));
  return cg_wait_kv(h->dir, "cgroup.events", "frozen", 1);
}

static herr v2_thaw(struct cgroup_hier *h)
{
  TRY(cg_write(h->dir, "cgroup.freeze", "0"));
  return cg_wait_kv(h->dir, "cgroup.events", "frozen", 0);
}

static herr v2_frozen(struct cgroup_hier *h, bool *frozen)
{
  uint64_t v;
  TRY(cg_read_u64(h->dir, "cgroup.freeze", &v));
  *frozen = v == 1;
  return NULL;
}

/* ---- stats ---- */

static void read_u64_or_zero(const char *dir, const char *file, uint64_t *v)
{
  herr e = cg_read_u64(dir, file, v);
  if (e)
    *v = 0;
  herr_free(e);
}

static herr stats_cpu(struct cgroup_hier *h, struct cgroup_stats *st, bool throttling)
{
  _cleanup_free_ char *stat = NULL;
  TRY(cg_read(h->dir, "cpu.stat", &stat));
  uint64_t v = 0;
  st->has_cpu = true;
  if (cg_kv_lookup(stat, "usage_usec", &v))
    st->cpu.total = v * 1000;
  if (cg_kv_lookup(stat, "user_usec", &v))
    st->cpu.user = v * 1000;
  if (cg_kv_lookup(stat, "system_usec", &v))
    st->cpu.kernel = v * 1000;
  if (!throttling)
    return NULL;
  cg_kv_lookup(stat, "nr_periods", &st->cpu.periods);
  cg_kv_lookup(stat, "nr_throttled", &st->cpu.throttled_periods);
  if (cg_kv_lookup(stat, "throttled_usec", &v))
    st->cpu.throttled_time = v * 1000;
  return NULL;
}

static herr stats_memory(const char *dir, struct cgroup_stats *st)
{
  st->has_memory = true;
  struct cgroup_mem_entry *u = &st->memory.usage, *s = &st->memory.swap;
  u->present = true;
  read_u64_or_zero(dir, "memory.current", &u->usage);
  read_u64_or_zero(dir, "memory.peak", &u->max);
  read_u64_or_zero(dir, "memory.max", &u->limit);
  _cleanup_free_ char *events = NULL, *stat = NULL;
  if (cg_try_read(dir, "memory.events", &events)) {
    cg_kv_lookup(events, "max", &u->failcnt);
    cg_kv_lookup(events, "oom_kill", &st->memory.oom_kill);
  }
  if (cg_exists(dir, "memory.swap.current")) {
    s->present = true;
    read_u64_or_zero(dir, "memory.swap.current", &s->usage);
    read_u64_or_zero(dir, "memory.swap.max", &s->limit);
  }
  TRY(cg_read(dir, "memory.stat", &stat));
  cg_kv_lookup(stat, "file", &st->memory.cache);
  char *save = NULL;
  for (char *line = strtok_r(stat, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
    char *sp = strchr(line, ' ');
    if (!sp)
      continue;
    *sp = '\0';
    struct cgroup_stat_kv *nv = realloc(st->memory.raw, (st->memory.n_raw + 1) * sizeof(*nv));
    if (!nv)
      return herr_errno(ENOMEM, "stats");
    st->memory.raw = nv;
    nv[st->memory.n_raw].key = xstrdup(line);
    nv[st->memory.n_raw++].value = strtoull(sp + 1, NULL, 10);
  }
  return NULL;
}

static herr stats_pids(const char *dir, struct cgroup_stats *st)
{
  st->has_pids = true;
  TRY(cg_read_u64(dir, "pids.current", &st->pids_current));
  read_u64_or_zero(dir, "pids.max", &st->pids_limit);
  if (st->pids_limit == UINT64_MAX)
    st->pids_limit = 0;
  return NULL;
}

static herr add_blkio(struct cgroup_blkio_entry **v, size_t *n, struct cgroup_blkio_entry e)
{
  struct cgroup_blkio_entry *nv = realloc(*v, (*n + 1) * sizeof(*nv));
  if (!nv)
    return herr_errno(ENOMEM, "stats");
  *v = nv;
  nv[(*n)++] = e;
  return NULL;
}

/* io.stat: "MAJ:MIN rbytes=N wbytes=N rios=N wios=N dbytes=N dios=N". */
static herr stats_io(const char *dir, struct cgroup_stats *st)
{
  static const struct {
    const char *key;
    bool bytes;
    const char *op;
  } keys[] = {
    { "rbytes", true, "Read" }, { "wbytes", true, "Write" },  { "dbytes", true, "Discard" },
    { "rios", false, "Read" },  { "wios", false, "Write" },   { "dios", false, "Discard" },
  };
  st->has_blkio = true;
  _cleanup_free_ char *text = NULL;
  TRY(cg_read(dir, "io.stat", &text));
  char *save = NULL;
  for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
    unsigned maj, min;
    if (sscanf(line, "%u:%u", &maj, &min) != 2)
      continue;
    for (size_t k = 0; k < ARRAY_LEN(keys); k++) {
      char pat[24];
      snprintf(pat, sizeof(pat), " %s=", keys[k].key);
      char *p = strstr(line, pat);
      if (!p)
        continue;
      struct cgroup_blkio_entry e = { maj, min, keys[k].op, strtoull(p + strlen(pat), NULL, 10) };
      if (keys[k].bytes)
        TRY(add_blkio(&st->io_service_bytes, &st->n_io_service_bytes, e));
      else
        TRY(add_blkio(&st->io_serviced, &st->n_io_serviced, e));
    }
  }
  return NULL;
}

static herr stats_hugetlb(const char *dir, struct cgroup_stats *st)
{
  char sizes[8][24];
  size_t n = cg_hugepage_sizes(sizes, 8);
  st->hugetlb = calloc(n ? n : 1, sizeof(*st->hugetlb));
  if (!st->hugetlb)
    return herr_errno(ENOMEM, "stats");
  for (size_t i = 0; i < n; i++) {
    struct cgroup_hugetlb_entry *e = &st->hugetlb[i];
    char f[64];
    /* %.23s: a row of sizes (see stats_hugetlb in cgroup_v1.c) */
    snprintf(e->size, sizeof(e->size), "%.23s", sizes[i]);
    snprintf(f, sizeof(f), "hugetlb.%.23s.current", sizes[i]);
    read_u64_or_zero(dir, f, &e->usage);
    snprintf(f, sizeof(f), "hugetlb.%.23s.events", sizes[i]);
    _cleanup_free_ char *events = NULL;
    if (cg_try_read(dir, f, &events))
      cg_kv_lookup(events, "max", &e->failcnt);
  }
  st->n_hugetlb = n;
  return NULL;
}

static herr v2_stats(struct cgroup *cg, struct cgroup_stats *st)
{
  if (cg->unified < 0)
    return NULL;
  struct cgroup_hier *h = &cg->h[cg->unified];
  if (cg_owns(cg, &cgroup_v2_backend, CG_CPUACCT))
    TRY(stats_cpu(h, st, cg_owns(cg, &cgroup_v2_backend, CG_CPU)));
  if (cg_owns(cg, &cgroup_v2_backend, CG_MEMORY) && cg_exists(h->dir, "memory.current"))
    TRY(stats_memory(h->dir, st));
  if (cg_owns(cg, &cgroup_v2_backend, CG_PIDS) && cg_exists(h->dir, "pids.current"))
    TRY(stats_pids(h->dir, st));
  if (cg_owns(cg, &cgroup_v2_backend, CG_BLKIO) && cg_exists(h->dir, "io.stat"))
    TRY(stats_io(h->dir, st));
  if (cg_owns(cg, &cgroup_v2_backend, CG_HUGETLB))
    TRY(stats_hugetlb(h->dir, st));
  return NULL;
}

const struct cgroup_backend cgroup_v2_backend = {
  .name = "v2",
  .create = v2_create,
  .apply = v2_apply,
  .add_pid = cg_add_pid,
  .freeze = v2_freeze,
  .thaw = v2_thaw,
  .frozen = v2_frozen,
  .stats = v2_stats,
  .pids = cg_pids,
  .destroy = cg_remove,
};
