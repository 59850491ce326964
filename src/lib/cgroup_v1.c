/* cgroup_v1.c - the cgroup v1 backend: one hierarchy per controller (or
 * group of controllers), the files of Documentation/admin-guide/cgroup-v1.
 * See cgroup.h for how it is chosen and what it is given. */
#include "cgroup.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup_fs.h"
#include "cleanup.h"
#include "utils.h"

/* ---- create ---- */

/* A new v1 cpuset cgroup starts with no cpus and no mems, and no process
 * can join it until it has both: give each level its parent's. */
static herr cpuset_inherit(const char *dir)
{
  static const char *const files[] = { "cpuset.cpus", "cpuset.mems" };
  _cleanup_free_ char *parent = xstrdup(dir);
  char *slash = strrchr(parent, '/');
  if (slash)
    *slash = '\0';
  for (size_t i = 0; i < 2; i++) {
    _cleanup_free_ char *mine = NULL, *theirs = NULL;
    TRY(cg_read(dir, files[i], &mine));
    if (*mine)
      continue;
    TRY(cg_read(parent, files[i], &theirs));
    TRY(cg_write(dir, files[i], theirs));
  }
  return NULL;
}

static herr v1_create(struct cgroup *cg, struct cgroup_hier *h)
{
  (void)cg;
  TRY(cg_mkdir(h));
  if (!(h->ctrls & CG_BIT(CG_CPUSET)))
    return NULL;
  /* Every level below the mount, top-down (those already set are kept). */
  _cleanup_free_ char *dir = xstrdup(h->dir);
  size_t base = strlen(h->mountpoint), len = strlen(dir);
  for (size_t i = base + 1; i <= len && len > base; i++) {
    if (dir[i] != '/' && dir[i] != '\0')
      continue;
    char saved = dir[i];
    dir[i] = '\0';
    TRY(cpuset_inherit(dir));
    dir[i] = saved;
  }
  return NULL;
}

/* ---- memory ---- */

static herr check_before_update(const char *dir, const struct oci_memory *m)
{
  if (!m->has_checkBeforeUpdate || !m->checkBeforeUpdate || !m->has_limit || m->limit < 0)
    return NULL;
  uint64_t usage;
  TRY(cg_read_u64(dir, "memory.usage_in_bytes", &usage));
  if ((uint64_t)m->limit < usage)
    return herr_new("linux.resources.memory.limit: %lld is below the current usage %llu (checkBeforeUpdate)",
                    (long long)m->limit, (unsigned long long)usage);
  return NULL;
}

/* memory.memsw.limit_in_bytes must stay >= memory.limit_in_bytes at every
 * step: which one goes first depends on where the limits move. */
static herr memory_limit_and_swap(const char *dir, const struct oci_memory *m, bool update)
{
  bool has_limit = m->has_limit, has_swap = m->has_swap && m->swap != 0;
  int64_t limit = m->limit, swap = m->swap;
  bool memsw = cg_exists(dir, "memory.memsw.limit_in_bytes");
  if (has_swap && !memsw)
    return herr_new("linux.resources.memory.swap: this host does not account swap (memory.memsw.limit_in_bytes is missing; boot with swapaccount=1)");
  if (has_limit && has_swap && limit > 0 && swap > 0 && swap < limit)
    return herr_new("linux.resources.memory.swap: %lld is the memory+swap limit and cannot be lower than memory.limit %lld",
                    (long long)swap, (long long)limit);
  /* Unlimited memory with swap unsaid means unlimited swap too (runc's rule). */
  if (update && has_limit && limit == -1 && !has_swap && memsw) {
    has_swap = true;
    swap = -1;
  }
  bool swap_first = false;
  if (has_limit && has_swap) {
    uint64_t cur;
    TRY(cg_read_u64(dir, "memory.limit_in_bytes", &cur));
    swap_first = swap == -1 || cur < (uint64_t)swap;
  }
  if (swap_first)
    TRY_WRAP(cg_write_i64(dir, "memory.memsw.limit_in_bytes", swap), "linux.resources.memory.swap");
  if (has_limit)
    TRY_WRAP(cg_write_i64(dir, "memory.limit_in_bytes", limit), "linux.resources.memory.limit");
  if (has_swap && !swap_first)
    TRY_WRAP(cg_write_i64(dir, "memory.memsw.limit_in_bytes", swap), "linux.resources.memory.swap");
  return NULL;
}

/* Recent kernels accept memory.kmem.limit_in_bytes and ignore it. */
static herr memory_kernel(const char *dir, int64_t v)
{
  TRY_WRAP(cg_write_i64(dir, "memory.kmem.limit_in_bytes", v), "linux.resources.memory.kernel");
  uint64_t now;
  TRY(cg_read_u64(dir, "memory.kmem.limit_in_bytes", &now));
  if (v > 0 && now > (uint64_t)v + 4096)
    return herr_new("linux.resources.memory.kernel: this kernel no longer limits kernel memory (memory.kmem.limit_in_bytes ignores writes); remove the field");
  return NULL;
}

static herr v1_memory(struct cgroup_hier *h, const struct cgroup_apply *a)
{
  const struct oci_memory *m = a->r->memory;
  const char *dir = h->dir;
  if (a->update)
    TRY(check_before_update(dir, m));
  TRY(memory_limit_and_swap(dir, m, a->update));
  if (m->has_reservation)
    TRY_WRAP(cg_write_i64(dir, "memory.soft_limit_in_bytes", m->reservation),
             "linux.resources.memory.reservation");
  if (m->has_kernel)
    TRY(memory_kernel(dir, m->kernel));
  if (m->has_kernelTCP)
    TRY_WRAP(cg_write_i64(dir, "memory.kmem.tcp.limit_in_bytes", m->kernelTCP),
             "linux.resources.memory.kernelTCP");
  if (m->has_swappiness) {
    if (m->swappiness > 100)
      return herr_new("linux.resources.memory.swappiness: %llu is not between 0 and 100",
                      (unsigned long long)m->swappiness);
    TRY_WRAP(cg_write_u64(dir, "memory.swappiness", m->swappiness), "linux.resources.memory.swappiness");
  }
  if (m->has_disableOOMKiller)
    TRY_WRAP(cg_write(dir, "memory.oom_control", m->disableOOMKiller ? "1" : "0"),
             "linux.resources.memory.disableOOMKiller");
  if (m->has_useHierarchy) {
    herr e = cg_write(dir, "memory.use_hierarchy", m->useHierarchy ? "1" : "0");
    if (e && !m->useHierarchy) {
      herr_free(e);
      return herr_new("linux.resources.memory.useHierarchy: this kernel only does hierarchical accounting");
    }
    TRY_WRAP(e, "linux.resources.memory.useHierarchy");
  }
  return NULL;
}

/* ---- cpu ---- */

/* A child's cpu.rt_runtime_us cannot exceed its parent's: raise the
 * ancestors below the root (top-down) to what the container asks. */
static herr raise_rt_ancestors(struct cgroup_hier *h, int64_t runtime)
{
  _cleanup_free_ char *dir = xstrdup(h->dir);
  size_t base = strlen(h->mountpoint);
  for (char *p = dir + base + 1; *p; p++) {
    if (*p != '/')
      continue;
    *p = '\0';
    uint64_t cur;
    herr e = cg_read_u64(dir, "cpu.rt_runtime_us", &cur);
    if (!e && (int64_t)cur < runtime)
      e = cg_write_i64(dir, "cpu.rt_runtime_us", runtime);
    *p = '/';
    TRY(e);
  }
  return NULL;
}

static herr cpu_rt(struct cgroup_hier *h, const struct oci_cpu *c)
{
  if (c->has_realtimePeriod)
    TRY_WRAP(cg_write_u64(h->dir, "cpu.rt_period_us", c->realtimePeriod), "linux.resources.cpu.realtimePeriod");
  if (!c->has_realtimeRuntime)
    return NULL;
  herr e = cg_write_i64(h->dir, "cpu.rt_runtime_us", c->realtimeRuntime);
  if (e && herr_errnum(e) == EINVAL && c->realtimeRuntime > 0) {
    herr_free(e);
    TRY_WRAP(raise_rt_ancestors(h, c->realtimeRuntime), "linux.resources.cpu.realtimeRuntime");
    e = cg_write_i64(h->dir, "cpu.rt_runtime_us", c->realtimeRuntime);
  }
  return herr_wrap(e, "linux.resources.cpu.realtimeRuntime");
}

/* The kernel checks quota against period (and the burst against quota) at
 * each write: when one order fails, the other is tried. */
static herr cpu_bandwidth(const char *dir, const struct oci_cpu *c)
{
  if (c->has_period && c->has_quota) {
    herr e = cg_write_u64(dir, "cpu.cfs_period_us", c->period);
    if (!e)
      e = cg_write_i64(dir, "cpu.cfs_quota_us", c->quota);
    if (e && herr_errnum(e) == EINVAL) {
      herr_free(e);
      e = cg_write_i64(dir, "cpu.cfs_quota_us", c->quota);
      if (!e)
        e = cg_write_u64(dir, "cpu.cfs_period_us", c->period);
    }
    TRY_WRAP(e, "linux.resources.cpu.quota/period");
  } else if (c->has_period) {
    TRY_WRAP(cg_write_u64(dir, "cpu.cfs_period_us", c->period), "linux.resources.cpu.period");
  } else if (c->has_quota) {
    TRY_WRAP(cg_write_i64(dir, "cpu.cfs_quota_us", c->quota), "linux.resources.cpu.quota");
  }
  if (c->has_burst)
    TRY_WRAP(cg_write_u64(dir, "cpu.cfs_burst_us", c->burst), "linux.resources.cpu.burst");
  return NULL;
}

static herr v1_cpu(struct cgroup_hier *h, const struct cgroup_apply *a)
{
  const struct oci_cpu *c = a->r->cpu;
  if (c->has_shares)
    TRY_WRAP(cg_write_u64(h->dir, "cpu.shares", c->shares), "linux.resources.cpu.shares");
  TRY(cpu_bandwidth(h->dir, c));
  TRY(cpu_rt(h, c));
  if (c->has_idle)
    TRY_WRAP(cg_write_i64(h->dir, "cpu.idle", c->idle), "linux.resources.cpu.idle");
  return NULL;
}

static herr v1_cpuset(struct cgroup_hier *h, const struct cgroup_apply *a)
{
  const struct oci_cpu *c = a->r->cpu;
  if (c->cpus && *c->cpus)
    TRY_WRAP(cg_write(h->dir, "cpuset.cpus", c->cpus), "linux.resources.cpu.cpus");
  if (c->mems && *c->mems)
    TRY_WRAP(cg_write(h->dir, "cpuset.mems", c->mems), "linux.resources.cpu.mems");
  return NULL;
}

/* ---- pids ---- */

static herr v1_pids(struct cgroup_hier *h, const struct cgroup_apply *a)
{
  int64_t limit = a->r->pids->limit;
  herr e = limit < 0 ? cg_write(h->dir, "pids.max", "max") : cg_write_i64(h->dir, "pids.max", limit);
  return herr_wrap(e, "linux.resources.pids.limit");
}

/* ---- blkio ---- */

/* CFQ's blkio.weight is gone from recent kernels; BFQ has its own file. */
static const char *weight_file(const char *dir, bool device)
{
  if (cg_exists(dir, device ? "blkio.weight_device" : "blkio.weight"))
    return device ? "blkio.weight_device" : "blkio.weight";
  if (cg_exists(dir, device ? "blkio.bfq.weight_device" : "blkio.bfq.weight"))
    return device ? "blkio.bfq.weight_device" : "blkio.bfq.weight";
  return NULL;
}

static herr blkio_weights(const char *dir, const struct oci_blkio *b)
{
  if (b->has_weight) {
    const char *f = weight_file(dir, false);
    if (!f)
      return herr_new("linux.resources.blockIO.weight: this kernel has no blkio.weight nor blkio.bfq.weight");
    TRY_WRAP(cg_write_u64(dir, f, b->weight), "linux.resources.blockIO.weight");
  }
  if (b->has_leafWeight)
    TRY_WRAP(cg_write_u64(dir, "blkio.leaf_weight", b->leafWeight), "linux.resources.blockIO.leafWeight");
  for (size_t i = 0; i < b->n_weightDevice; i++) {
    const struct oci_blkio_weight_device *d = &b->weightDevice[i];
    char line[64];
    if (d->has_weight) {
      const char *f = weight_file(dir, true);
      if (!f)
        return herr_new("linux.resources.blockIO.weightDevice[%zu]: this kernel has no per-device blkio weight", i);
      snprintf(line, sizeof(line), "%lld:%lld %u", (long long)d->major, (long long)d->minor, d->weight);
      TRY_WRAP(cg_write(dir, f, line), "linux.resources.blockIO.weightDevice[%zu].weight", i);
    }
    if (d->has_leafWeight) {
      snprintf(line, sizeof(line), "%lld:%lld %u", (long long)d->major, (long long)d->minor, d->leafWeight);
      TRY_WRAP(cg_write(dir, "blkio.leaf_weight_device", line),
               "linux.resources.blockIO.weightDevice[%zu].leafWeight", i);
    }
  }
  return NULL;
}

static herr blkio_throttle(const char *dir, const char *field, const char *file,
                           const struct oci_blkio_throttle_device *d, size_t n)
{
  for (size_t i = 0; i < n; i++) {
    char line[64];
    snprintf(line, sizeof(line), "%lld:%lld %llu", (long long)d[i].major, (long long)d[i].minor,
             (unsigned long long)d[i].rate);
    TRY_WRAP(cg_write(dir, file, line), "linux.resources.blockIO.%s[%zu]", field, i);
  }
  return NULL;
}

static herr v1_blkio(struct cgroup_hier *h, const struct cgroup_apply *a)
{
  const struct oci_blkio *b = a->r->blockIO;
  TRY(blkio_weights(h->dir, b));
  TRY(blkio_throttle(h->dir, "throttleReadBpsDevice", "blkio.throttle.read_bps_device",
                     b->throttleReadBpsDevice, b->n_throttleReadBpsDevice));
  TRY(blkio_throttle(h->dir, "throttleWriteBpsDevice", "blkio.throttle.write_bps_device",
                     b->throttleWriteBpsDevice, b->n_throttleWriteBpsDevice));
  TRY(blkio_throttle(h->dir, "throttleReadIOPSDevice", "blkio.throttle.read_iops_device",
                     b->throttleReadIOPSDevice, b->n_throttleReadIOPSDevice));
  TRY(blkio_throttle(h->dir, "throttleWriteIOPSDevice", "blkio.throttle.write_iops_device",
                     b->throttleWriteIOPSDevice, b->n_throttleWriteIOPSDevice));
  return NULL;
}

/* ---- hugetlb, network, rdma, devices ---- */

static herr v1_hugetlb(struct cgroup_hier *h, const struct cgroup_apply *a)
{
  for (size_t i = 0; i < a->r->n_hugepageLimits; i++) {
    const struct oci_hugepage_limit *l = &a->r->hugepageLimits[i];
    TRY(cg_hugepage_check(l->pageSize, i));
    char file[64];
    snprintf(file, sizeof(file), "hugetlb.%s.limit_in_bytes", l->pageSize);
    TRY_WRAP(cg_write_u64(h->dir, file, l->limit), "linux.resources.hugepageLimits[%zu]", i);
    /* Reservations too, so that mmap fails rather than a later fault. */
    snprintf(file, sizeof(file), "hugetlb.%s.rsvd.limit_in_bytes", l->pageSize);
    if (cg_exists(h->dir, file))
      TRY_WRAP(cg_write_u64(h->dir, file, l->limit), "linux.resources.hugepageLimits[%zu]", i);
  }
  return NULL;
}

static herr v1_net_cls(struct cgroup_hier *h, const struct cgroup_apply *a)
{
  return herr_wrap(cg_write_u64(h->dir, "net_cls.classid", a->r->network->classID),
                   "linux.resources.network.classID");
}

static herr v1_net_prio(struct cgroup_hier *h, const struct cgroup_apply *a)
{
  const struct oci_network *n = a->r->network;
  for (size_t i = 0; i < n->n_priorities; i++) {
    char line[128];
    snprintf(line, sizeof(line), "%s %u", n->priorities[i].name, n->priorities[i].priority);
    TRY_WRAP(cg_write(h->dir, "net_prio.ifpriomap", line), "linux.resources.network.priorities[%zu]", i);
  }
  return NULL;
}

static herr v1_rdma(struct cgroup_hier *h, const struct cgroup_apply *a)
{
  return cg_rdma_apply(h->dir, a->r->rdma, a->r->n_rdma);
}

static herr v1_devices(struct cgroup_hier *h, const struct cgroup_apply *a)
{
  struct cgroup_dev_rule *rules = NULL;
  size_t n = 0;
  TRY(cgroup_device_rules(a, &rules, &n));
  herr e = cgroup_devices_apply_v1(h->dir, rules, n);
  free(rules);
  return herr_wrap(e, "linux.resources.devices");
}

/* ---- apply: one entry per controller ---- */

static bool wants_net_cls(const struct cgroup_apply *a)
{
  return a->r && a->r->network && a->r->network->has_classID;
}
static bool wants_net_prio(const struct cgroup_apply *a)
{
  return a->r && a->r->network && a->r->network->n_priorities;
}

static const struct cgroup_applier v1_appliers[] = {
  { CG_DEVICES, cgroup_wants_devices, v1_devices },
  { CG_MEMORY, cgroup_wants_memory, v1_memory },
  { CG_CPU, cgroup_wants_cpu, v1_cpu },
  { CG_CPUSET, cgroup_wants_cpu, v1_cpuset },
  { CG_PIDS, cgroup_wants_pids, v1_pids },
  { CG_BLKIO, cgroup_wants_blkio, v1_blkio },
  { CG_HUGETLB, cgroup_wants_hugetlb, v1_hugetlb },
  { CG_NET_CLS, wants_net_cls, v1_net_cls },
  { CG_NET_PRIO, wants_net_prio, v1_net_prio },
  { CG_RDMA, cgroup_wants_rdma, v1_rdma },
};

static herr v1_apply(struct cgroup *cg, const struct cgroup_apply *a)
{
  TRY(cgroup_run_appliers(cg, &cgroup_v1_backend, v1_appliers,
                          ARRAY_LEN(v1_appliers), a));
  return NULL;
}

/* ---- freezer ---- */

static herr freezer_state(struct cgroup_hier *h, char **state)
{
  return cg_read(h->dir, "freezer.state", state);
}

/* Writing FROZEN starts freezing; the state reads FREEZING until every task
 * stopped, and a task in an uninterruptible sleep can hold it there: write
 * again while waiting, and give up (thawed) after ~5 s. */
static herr v1_freeze(struct cgroup_hier *h)
{
  for (int tries = 0; tries < 500; tries++) {
    TRY(cg_write(h->dir, "freezer.state", "FROZEN"));
    _cleanup_free_ char *state = NULL;
    TRY(freezer_state(h, &state));
    if (!strcmp(state, "FROZEN"))
      return NULL;
    cg_sleep_ms(10);
  }
  herr e = cg_write(h->dir, "freezer.state", "THAWED");
  herr_free(e);
  return herr_new("%s: the processes did not freeze within 5 seconds", h->dir);
}

static herr v1_thaw(struct cgroup_hier *h)
{
  for (int tries = 0; tries < 500; tries++) {
    TRY(cg_write(h->dir, "freezer.state", "THAWED"));
    _cleanup_free_ char *state = NULL;
    TRY(freezer_state(h, &state));
    if (!strcmp(state, "THAWED"))
      return NULL;
    cg_sleep_ms(10);
  }
  return herr_new("%s: the processes did not thaw within 5 seconds", h->dir);
}

static herr v1_frozen(struct cgroup_hier *h, bool *frozen)
{
  _cleanup_free_ char *state = NULL;
  TRY(freezer_state(h, &state));
  *frozen = strcmp(state, "THAWED") != 0;
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

static herr stats_cpuacct(const char *dir, struct cgroup_stats *st)
{
  st->has_cpu = true;
  TRY(cg_read_u64(dir, "cpuacct.usage", &st->cpu.total));
  _cleanup_free_ char *percpu = NULL;
  TRY(cg_read(dir, "cpuacct.usage_percpu", &percpu));
  size_t n = 0;
  for (char *p = percpu; *p;) {
    char *end;
    unsigned long long v = strtoull(p, &end, 10);
    if (end == p)
      break;
    uint64_t *nv = realloc(st->cpu.percpu, (n + 1) * sizeof(*nv));
    if (!nv)
      return herr_errno(ENOMEM, "stats");
    st->cpu.percpu = nv;
    st->cpu.percpu[n++] = v;
    p = end;
    while (*p == ' ')
      p++;
  }
  st->cpu.n_percpu = n;
  if (cg_exists(dir, "cpuacct.usage_user")) {
    read_u64_or_zero(dir, "cpuacct.usage_user", &st->cpu.user);
    read_u64_or_zero(dir, "cpuacct.usage_sys", &st->cpu.kernel);
    return NULL;
  }
  /* Older kernels: user and system in clock ticks. */
  _cleanup_free_ char *stat = NULL;
  TRY(cg_read(dir, "cpuacct.stat", &stat));
  long hz = sysconf(_SC_CLK_TCK);
  uint64_t user = 0, sys = 0;
  cg_kv_lookup(stat, "user", &user);
  cg_kv_lookup(stat, "system", &sys);
  st->cpu.user = user * (1000000000ULL / (uint64_t)(hz > 0 ? hz : 100));
  st->cpu.kernel = sys * (1000000000ULL / (uint64_t)(hz > 0 ? hz : 100));
  return NULL;
}

static herr stats_cpu_throttling(const char *dir, struct cgroup_stats *st)
{
  _cleanup_free_ char *stat = NULL;
  TRY(cg_read(dir, "cpu.stat", &stat));
  cg_kv_lookup(stat, "nr_periods", &st->cpu.periods);
  cg_kv_lookup(stat, "nr_throttled", &st->cpu.throttled_periods);
  cg_kv_lookup(stat, "throttled_time", &st->cpu.throttled_time);
  return NULL;
}

static void mem_entry(const char *dir, const char *prefix, struct cgroup_mem_entry *m)
{
  char f[64];
  snprintf(f, sizeof(f), "%s.usage_in_bytes", prefix);
  if (!cg_exists(dir, f))
    return;
  m->present = true;
  read_u64_or_zero(dir, f, &m->usage);
  snprintf(f, sizeof(f), "%s.max_usage_in_bytes", prefix);
  read_u64_or_zero(dir, f, &m->max);
  snprintf(f, sizeof(f), "%s.limit_in_bytes", prefix);
  read_u64_or_zero(dir, f, &m->limit);
  snprintf(f, sizeof(f), "%s.failcnt", prefix);
  read_u64_or_zero(dir, f, &m->failcnt);
}

/* "key value" lines into the stats' raw list. */
static herr raw_kv(const char *text, struct cgroup_stat_kv **out, size_t *n)
{
  _cleanup_free_ char *copy = xstrdup(text);
  char *save = NULL;
  for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
    char *sp = strchr(line, ' ');
    if (!sp)
      continue;
    *sp = '\0';
    struct cgroup_stat_kv *nv = realloc(*out, (*n + 1) * sizeof(*nv));
    if (!nv)
      return herr_errno(ENOMEM, "stats");
    *out = nv;
    (*out)[*n].key = xstrdup(line);
    (*out)[(*n)++].value = strtoull(sp + 1, NULL, 10);
  }
  return NULL;
}

static herr stats_memory(const char *dir, struct cgroup_stats *st)
{
  st->has_memory = true;
  mem_entry(dir, "memory", &st->memory.usage);
  mem_entry(dir, "memory.memsw", &st->memory.swap);
  mem_entry(dir, "memory.kmem", &st->memory.kernel);
  mem_entry(dir, "memory.kmem.tcp", &st->memory.kernel_tcp);
  _cleanup_free_ char *stat = NULL, *oom = NULL;
  TRY(cg_read(dir, "memory.stat", &stat));
  TRY(raw_kv(stat, &st->memory.raw, &st->memory.n_raw));
  cg_kv_lookup(stat, "cache", &st->memory.cache);
  if (cg_try_read(dir, "memory.oom_control", &oom))
    cg_kv_lookup(oom, "oom_kill", &st->memory.oom_kill);
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

/* "8:0 Read 4096" lines; the "Total N" line is left out. */
static herr blkio_entries(const char *dir, const char *file, struct cgroup_blkio_entry **out, size_t *n)
{
  static const char *const ops[] = { "Read", "Write", "Sync", "Async", "Discard", "Total" };
  _cleanup_free_ char *text = NULL;
  TRY(cg_read(dir, file, &text));
  char *save = NULL;
  for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
    unsigned maj, min;
    char op[24];
    unsigned long long v;
    if (sscanf(line, "%u:%u %15s %llu", &maj, &min, op, &v) != 4)
      continue;
    const char *known = NULL;
    for (size_t i = 0; i < ARRAY_LEN(ops); i++)
      if (!strcmp(op, ops[i]))
        known = ops[i];
    if (!known)
      continue;
    struct cgroup_blkio_entry *nv = realloc(*out, (*n + 1) * sizeof(*nv));
    if (!nv)
      return herr_errno(ENOMEM, "stats");
    *out = nv;
    (*out)[(*n)++] = (struct cgroup_blkio_entry){ maj, min, known, v };
  }
  return NULL;
}

static herr stats_blkio(const char *dir, struct cgroup_stats *st)
{
  st->has_blkio = true;
  TRY(blkio_entries(dir, "blkio.throttle.io_service_bytes_recursive", &st->io_service_bytes,
                    &st->n_io_service_bytes));
  return blkio_entries(dir, "blkio.throttle.io_serviced_recursive", &st->io_serviced, &st->n_io_serviced);
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
    /* %.23s: a row of sizes[][24]; without it gcc (aarch64's, at -O2) takes the whole
     * array for the string and -Wformat-truncation fails the build. */
    snprintf(e->size, sizeof(e->size), "%.23s", sizes[i]);
    snprintf(f, sizeof(f), "hugetlb.%.23s.usage_in_bytes", sizes[i]);
    read_u64_or_zero(dir, f, &e->usage);
    snprintf(f, sizeof(f), "hugetlb.%.23s.max_usage_in_bytes", sizes[i]);
    read_u64_or_zero(dir, f, &e->max);
    snprintf(f, sizeof(f), "hugetlb.%.23s.failcnt", sizes[i]);
    read_u64_or_zero(dir, f, &e->failcnt);
  }
  st->n_hugetlb = n;
  return NULL;
}

static const struct {
  enum cgroup_ctrl ctrl;
  herr (*fill)(const char *dir, struct cgroup_stats *st);
} v1_stats_table[] = {
  { CG_CPUACCT, stats_cpuacct }, { CG_CPU, stats_cpu_throttling }, { CG_MEMORY, stats_memory },
  { CG_PIDS, stats_pids },       { CG_BLKIO, stats_blkio },        { CG_HUGETLB, stats_hugetlb },
};

static herr v1_stats(struct cgroup *cg, struct cgroup_stats *st)
{
  for (size_t i = 0; i < ARRAY_LEN(v1_stats_table); i++) {
    if (!cg_owns(cg, &cgroup_v1_backend, v1_stats_table[i].ctrl))
      continue;
    struct cgroup_hier *h = cg_owner(cg, v1_stats_table[i].ctrl);
    TRY_WRAP(v1_stats_table[i].fill(h->dir, st), "stats of %s", h->key);
  }
  return NULL;
}

const struct cgroup_backend cgroup_v1_backend = {
  .name = "v1",
  .create = v1_create,
  .apply = v1_apply,
  .add_pid = cg_add_pid,
  .freeze = v1_freeze,
  .thaw = v1_thaw,
  .frozen = v1_frozen,
  .stats = v1_stats,
  .pids = cg_pids,
  .destroy = cg_remove,
};
