/* update.c - `hull update [OPTIONS] ID`: change the cgroup limits of a
 * created, running or paused container, with runc's flags, or with
 * `-r FILE` (`-` for stdin): a linux.resources object.  Flags given with -r
 * override its fields.  Only the given fields change. */
#include <argp.h>
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "cmd.h"
#include "id_arg.h"
#include "container.h"
#include "spec.h"
#include "utils.h"

enum {
  OPT_BLKIO_WEIGHT = 1000, OPT_CPU_PERIOD, OPT_CPU_QUOTA, OPT_CPU_BURST, OPT_CPU_RT_PERIOD,
  OPT_CPU_RT_RUNTIME, OPT_CPU_SHARE, OPT_CPU_IDLE, OPT_CPUSET_CPUS, OPT_CPUSET_MEMS,
  OPT_KERNEL_MEMORY, OPT_KERNEL_MEMORY_TCP, OPT_MEMORY, OPT_MEMORY_RESERVATION, OPT_MEMORY_SWAP,
  OPT_PIDS_LIMIT, OPT_L3_CACHE_SCHEMA, OPT_MEM_BW_SCHEMA,
};

static const struct argp_option options[] = {
  { "resources", 'r', "FILE", 0, "a linux.resources JSON object (\"-\": stdin)", 0 },
  { "blkio-weight", OPT_BLKIO_WEIGHT, "N", 0, "block IO weight, 10 to 1000", 0 },
  { "cpu-period", OPT_CPU_PERIOD, "US", 0, "CPU CFS period", 0 },
  { "cpu-quota", OPT_CPU_QUOTA, "US", 0, "CPU CFS quota (-1: none)", 0 },
  { "cpu-burst", OPT_CPU_BURST, "US", 0, "CPU CFS burst", 0 },
  { "cpu-rt-period", OPT_CPU_RT_PERIOD, "US", 0, "CPU real-time period", 0 },
  { "cpu-rt-runtime", OPT_CPU_RT_RUNTIME, "US", 0, "CPU real-time runtime", 0 },
  { "cpu-share", OPT_CPU_SHARE, "N", 0, "CPU shares (relative weight)", 0 },
  { "cpu-idle", OPT_CPU_IDLE, "0|1", 0, "SCHED_IDLE for the cgroup", 0 },
  { "cpuset-cpus", OPT_CPUSET_CPUS, "LIST", 0, "CPUs to run on (0-3, 0,1)", 0 },
  { "cpuset-mems", OPT_CPUSET_MEMS, "LIST", 0, "memory nodes to use", 0 },
  { "kernel-memory", OPT_KERNEL_MEMORY, "BYTES", 0, "kernel memory limit (k, m, g suffixes)", 0 },
  { "kernel-memory-tcp", OPT_KERNEL_MEMORY_TCP, "BYTES", 0, "kernel TCP buffer memory limit", 0 },
  { "memory", 'm', "BYTES", 0, "memory limit (k, m, g suffixes; -1: none)", 0 },
  { "memory-reservation", OPT_MEMORY_RESERVATION, "BYTES", 0, "memory soft limit", 0 },
  { "memory-swap", OPT_MEMORY_SWAP, "BYTES", 0, "memory+swap limit (-1: none)", 0 },
  { "pids-limit", OPT_PIDS_LIMIT, "N", 0, "maximum number of processes (-1: none)", 0 },
  { "l3-cache-schema", OPT_L3_CACHE_SCHEMA, "SCHEMA", 0, "Intel RDT L3 cache schema (\"L3:0=ff\"; needs resctrl)", 0 },
  { "mem-bw-schema", OPT_MEM_BW_SCHEMA, "SCHEMA", 0, "Intel RDT memory bandwidth schema (\"MB:0=50\"; needs resctrl)", 0 },
  { 0 },
};

struct update_args {
  const char *id;
  const char *resources_file;
  struct { int key; const char *value; } flags[32];
  size_t n_flags;
};

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
  struct update_args *a = state->input;
  switch (key) {
  case 'r':
    a->resources_file = arg;
    return 0;
  case ARGP_KEY_ARG:
  case ARGP_KEY_END:
    return id_arg_parse(key, arg, state, &a->id);
  default:
    if (key == 'm' || (key >= OPT_BLKIO_WEIGHT && key <= OPT_MEM_BW_SCHEMA)) {
      if (a->n_flags == ARRAY_LEN(a->flags))
        argp_error(state, "too many options");
      a->flags[a->n_flags].key = key;
      a->flags[a->n_flags++].value = arg;
      return 0;
    }
    return ARGP_ERR_UNKNOWN;
  }
}

static const struct argp argp = {
  options, parse_opt, "ID",
  "Change the cgroup limits of a container.\v"
  "Sizes take a k, m, g, t or p suffix (powers of 1024), as runc's do.",
  NULL, NULL, NULL,
};

/* ---- values ---- */

static herr parse_int(const char *opt, const char *text, int64_t *out)
{
  char *end;
  errno = 0;
  long long v = strtoll(text, &end, 10);
  if (errno || end == text || *end)
    return herr_new("--%s: \"%s\" is not an integer", opt, text);
  *out = v;
  return NULL;
}

/* "512m", "1.5g", "1024", "-1" (runc's RAMInBytes: binary units, optional i and b). */
static herr parse_bytes(const char *opt, const char *text, int64_t *out)
{
  if (!strcmp(text, "-1")) {
    *out = -1;
    return NULL;
  }
  char *end;
  errno = 0;
  double v = strtod(text, &end);
  if (errno || end == text || v < 0 || !isdigit((unsigned char)text[0]))
    return herr_new("--%s: \"%s\" is not a size", opt, text);
  while (*end == ' ')
    end++;
  static const char units[] = "kmgtp";
  double mult = 1;
  const char *u = *end ? strchr(units, tolower((unsigned char)*end)) : NULL;
  if (u) {
    for (const char *k = units; k <= u; k++)
      mult *= 1024;
    end++;
    if (tolower((unsigned char)*end) == 'i')
      end++;
  }
  if (tolower((unsigned char)*end) == 'b')
    end++;
  if (*end || v * mult > 9.2e18)
    return herr_new("--%s: \"%s\" is not a size", opt, text);
  *out = (int64_t)(v * mult);
  return NULL;
}

/* ---- building linux.resources ---- */

static void *alloc_part(void **part, size_t size)
{
  if (!*part) {
    *part = calloc(1, size);
    if (!*part)
      abort();
  }
  return *part;
}
#define PART(r, member) ((__typeof__((r)->member))alloc_part((void **)&(r)->member, sizeof(*(r)->member)))

static herr set_memory(struct oci_resources *r, int key, const char *opt, const char *text)
{
  int64_t v = 0;
  TRY(parse_bytes(opt, text, &v));
  struct oci_memory *m = PART(r, memory);
  switch (key) {
  case 'm': m->has_limit = true; m->limit = v; break;
  case OPT_MEMORY_RESERVATION: m->has_reservation = true; m->reservation = v; break;
  case OPT_MEMORY_SWAP: m->has_swap = true; m->swap = v; break;
  case OPT_KERNEL_MEMORY: m->has_kernel = true; m->kernel = v; break;
  default: m->has_kernelTCP = true; m->kernelTCP = v; break;
  }
  return NULL;
}

static herr set_cpu(struct oci_resources *r, int key, const char *opt, const char *text)
{
  struct oci_cpu *c = PART(r, cpu);
  if (key == OPT_CPUSET_CPUS || key == OPT_CPUSET_MEMS) {
    char **s = key == OPT_CPUSET_CPUS ? &c->cpus : &c->mems;
    free(*s);
    *s = xstrdup(text);
    return NULL;
  }
  int64_t v = 0;
  TRY(parse_int(opt, text, &v));
  if (v < 0 && key != OPT_CPU_QUOTA && key != OPT_CPU_RT_RUNTIME)
    return herr_new("--%s: \"%s\" must not be negative", opt, text);
  switch (key) {
  case OPT_CPU_PERIOD: c->has_period = true; c->period = (uint64_t)v; break;
  case OPT_CPU_QUOTA: c->has_quota = true; c->quota = v; break;
  case OPT_CPU_BURST: c->has_burst = true; c->burst = (uint64_t)v; break;
  case OPT_CPU_RT_PERIOD: c->has_realtimePeriod = true; c->realtimePeriod = (uint64_t)v; break;
  case OPT_CPU_RT_RUNTIME: c->has_realtimeRuntime = true; c->realtimeRuntime = v; break;
  case OPT_CPU_SHARE: c->has_shares = true; c->shares = (uint64_t)v; break;
  default: c->has_idle = true; c->idle = v; break;
  }
  return NULL;
}

/* The long name of an option, for messages. */
static const char *option_name(int key)
{
  for (const struct argp_option *o = options; o->name; o++)
    if (o->key == key)
      return o->name;
  return "?";
}

static herr apply_flag(struct oci_resources *r, int key, const char *text)
{
  const char *opt = option_name(key);
  int64_t v = 0;
  switch (key) {
  case 'm': case OPT_MEMORY_RESERVATION: case OPT_MEMORY_SWAP:
  case OPT_KERNEL_MEMORY: case OPT_KERNEL_MEMORY_TCP:
    return set_memory(r, key, opt, text);
  case OPT_BLKIO_WEIGHT:
    TRY(parse_int(opt, text, &v));
    if (v < 10 || v > 1000)
      return herr_new("--%s: %lld is not between 10 and 1000", opt, (long long)v);
    PART(r, blockIO)->has_weight = true;
    r->blockIO->weight = (uint16_t)v;
    return NULL;
  case OPT_PIDS_LIMIT:
    TRY(parse_int(opt, text, &v));
    PART(r, pids)->has_limit = true;
    r->pids->limit = v;
    return NULL;
  case OPT_L3_CACHE_SCHEMA: case OPT_MEM_BW_SCHEMA:
    return NULL; /* linux.intelRdt, not linux.resources: see update_intel_rdt */
  default:
    return set_cpu(r, key, opt, text);
  }
}

static herr read_resources(const char *file, struct oci_resources **r)
{
  _cleanup_free_ char *text = NULL;
  size_t len = 0;
  if (!strcmp(file, "-")) {
    FILE *mem = open_memstream(&text, &len);
    char buf[4096];
    size_t n;
    while (mem && (n = fread(buf, 1, sizeof(buf), stdin)) > 0)
      fwrite(buf, 1, n, mem);
    if (!mem)
      return herr_sys("read stdin");
    fclose(mem);
  } else {
    TRY_WRAP(read_file(file, &text, &len), "-r");
  }
  TRY_WRAP(oci_resources_parse(text, len, r), "-r %s", file);
  return NULL;
}

static bool is_rdt_flag(int key)
{
  return key == OPT_L3_CACHE_SCHEMA || key == OPT_MEM_BW_SCHEMA;
}

/* Anything for linux.resources (the cgroup)? */
static bool has_resources(const struct update_args *a)
{
  if (a->resources_file)
    return true;
  for (size_t i = 0; i < a->n_flags; i++)
    if (!is_rdt_flag(a->flags[i].key))
      return true;
  return false;
}

/* --l3-cache-schema, --mem-bw-schema: the container's resctrl group. */
static herr update_intel_rdt(const struct global_opts *g, const struct update_args *a)
{
  const char *l3 = NULL, *mb = NULL, *first = NULL;
  for (size_t i = 0; i < a->n_flags; i++) {
    if (a->flags[i].key == OPT_L3_CACHE_SCHEMA)
      l3 = a->flags[i].value;
    else if (a->flags[i].key == OPT_MEM_BW_SCHEMA)
      mb = a->flags[i].value;
    else
      continue;
    if (!first)
      first = option_name(a->flags[i].key);
  }
  if (!first)
    return NULL;
  if ((l3 && strchr(l3, '\n')) || (mb && strchr(mb, '\n')))
    return herr_new("update: --%s: a schema is one line", first);
  return herr_wrap(container_update_intel_rdt(g->root, a->id, l3, mb), "update: --%s", first);
}

static herr build_resources(const struct update_args *a, struct oci_resources **out)
{
  struct oci_resources *r = NULL;
  if (a->resources_file)
    TRY(read_resources(a->resources_file, &r));
  else if (!a->n_flags)
    return herr_new("update: nothing to update: give limits as options or with -r FILE");
  if (!r && !(r = calloc(1, sizeof(*r))))
    abort();
  for (size_t i = 0; i < a->n_flags; i++) {
    herr e = apply_flag(r, a->flags[i].key, a->flags[i].value);
    if (e) {
      oci_resources_free(r);
      return herr_wrap(e, "update");
    }
  }
  *out = r;
  return NULL;
}

int cmd_update(int argc, char **argv, struct global_opts *g)
{
  struct update_args a = { 0 };
  argp_parse(&argp, argc, argv, ARGP_IN_ORDER, NULL, &a);
  struct oci_resources *r = NULL;
  herr e = NULL;
  if (has_resources(&a) || !a.n_flags) {
    e = build_resources(&a, &r);
    if (!e)
      e = container_update(g->root, a.id, r);
  }
  if (!e)
    e = update_intel_rdt(g, &a);
  oci_resources_free(r);
  return e ? cmd_fail(e) : 0;
}
