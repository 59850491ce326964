/* events.c - `hull events [--stats] [--interval D] ID`: the container's
 * cgroup statistics as JSON lines, {"type":"stats","id":ID,"data":{...}}
 * in runc's layout, every D (default 5s) and once with --stats; and
 * {"type":"oom","id":ID} as soon as the memory controller meets an OOM.
 * It returns when the container stops. */
#include <argp.h>
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cgroup.h"
#include "cleanup.h"
#include "cmd.h"
#include "id_arg.h"
#include "container.h"
#include "json.h"
#include "utils.h"

struct events_args {
  const char *id;
  bool stats;
  long interval_ms;
  herr error;
};

static const struct argp_option options[] = {
  { "stats", 's', NULL, 0, "print the stats once and exit", 0 },
  { "interval", 'i', "DURATION", 0, "time between stats (default 5s; 500ms, 2s, 1m...)", 0 },
  { 0 },
};

/* A Go-style duration: a number and ns, us, ms, s, m or h (s when omitted). */
static herr parse_duration(const char *text, long *ms)
{
  static const struct {
    const char *unit;
    double ms;
  } units[] = { { "ns", 1e-6 }, { "us", 1e-3 }, { "ms", 1 }, { "s", 1000 }, { "m", 60000 },
                { "h", 3600000 }, { "", 1000 } };
  char *end;
  errno = 0;
  double v = strtod(text, &end);
  if (errno || end == text || v <= 0)
    return herr_new("--interval: \"%s\" is not a duration (e.g. 5s, 500ms)", text);
  for (size_t i = 0; i < ARRAY_LEN(units); i++) {
    if (strcmp(end, units[i].unit))
      continue;
    *ms = (long)(v * units[i].ms);
    if (*ms < 1)
      return herr_new("--interval: \"%s\" is shorter than a millisecond", text);
    return NULL;
  }
  return herr_new("--interval: \"%s\" has an unknown unit (ns, us, ms, s, m, h)", text);
}

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
  struct events_args *a = state->input;
  switch (key) {
  case 's':
    a->stats = true;
    return 0;
  case 'i':
    if (!a->error)
      a->error = parse_duration(arg, &a->interval_ms);
    return 0;
  case ARGP_KEY_ARG:
  case ARGP_KEY_END:
    return id_arg_parse(key, arg, state, &a->id);
  default:
    return ARGP_ERR_UNKNOWN;
  }
}

static const struct argp argp = {
  options, parse_opt, "ID", "Print a container's cgroup stats and OOM events as JSON lines.",
  NULL, NULL, NULL,
};

/* ---- runc's JSON ---- */

static void kv_uint(struct json_writer *w, const char *key, uint64_t v)
{
  jw_key(w, key);
  jw_uint(w, v);
}

static void write_cpu(struct json_writer *w, const struct cgroup_stats *st)
{
  jw_key(w, "cpu");
  jw_begin_object(w);
  jw_key(w, "usage");
  jw_begin_object(w);
  kv_uint(w, "total", st->cpu.total);
  jw_key(w, "percpu");
  jw_begin_array(w);
  for (size_t i = 0; i < st->cpu.n_percpu; i++)
    jw_uint(w, st->cpu.percpu[i]);
  jw_end_array(w);
  kv_uint(w, "kernel", st->cpu.kernel);
  kv_uint(w, "user", st->cpu.user);
  jw_end_object(w);
  jw_key(w, "throttling");
  jw_begin_object(w);
  kv_uint(w, "periods", st->cpu.periods);
  kv_uint(w, "throttledPeriods", st->cpu.throttled_periods);
  kv_uint(w, "throttledTime", st->cpu.throttled_time);
  jw_end_object(w);
  jw_end_object(w);
}

static void write_mem_entry(struct json_writer *w, const char *key, const struct cgroup_mem_entry *m)
{
  if (!m->present)
    return;
  jw_key(w, key);
  jw_begin_object(w);
  kv_uint(w, "limit", m->limit);
  kv_uint(w, "usage", m->usage);
  kv_uint(w, "max", m->max);
  kv_uint(w, "failcnt", m->failcnt);
  jw_end_object(w);
}

static void write_memory(struct json_writer *w, const struct cgroup_stats *st)
{
  jw_key(w, "memory");
  jw_begin_object(w);
  kv_uint(w, "cache", st->memory.cache);
  write_mem_entry(w, "usage", &st->memory.usage);
  write_mem_entry(w, "swap", &st->memory.swap);
  write_mem_entry(w, "kernel", &st->memory.kernel);
  write_mem_entry(w, "kernelTCP", &st->memory.kernel_tcp);
  jw_key(w, "raw");
  jw_begin_object(w);
  for (size_t i = 0; i < st->memory.n_raw; i++)
    kv_uint(w, st->memory.raw[i].key, st->memory.raw[i].value);
  jw_end_object(w);
  jw_end_object(w);
}

static void write_blkio_list(struct json_writer *w, const char *key, const struct cgroup_blkio_entry *e,
                             size_t n)
{
  jw_key(w, key);
  jw_begin_array(w);
  for (size_t i = 0; i < n; i++) {
    jw_begin_object(w);
    kv_uint(w, "major", e[i].major);
    kv_uint(w, "minor", e[i].minor);
    jw_kv_string(w, "op", e[i].op);
    kv_uint(w, "value", e[i].value);
    jw_end_object(w);
  }
  jw_end_array(w);
}

static void write_hugetlb(struct json_writer *w, const struct cgroup_stats *st)
{
  jw_key(w, "hugetlb");
  jw_begin_object(w);
  for (size_t i = 0; i < st->n_hugetlb; i++) {
    jw_key(w, st->hugetlb[i].size);
    jw_begin_object(w);
    kv_uint(w, "usage", st->hugetlb[i].usage);
    kv_uint(w, "max", st->hugetlb[i].max);
    kv_uint(w, "failcnt", st->hugetlb[i].failcnt);
    jw_end_object(w);
  }
  jw_end_object(w);
}

static void write_stats_data(struct json_writer *w, const struct cgroup_stats *st)
{
  jw_begin_object(w);
  if (st->has_cpu)
    write_cpu(w, st);
  if (st->has_memory)
    write_memory(w, st);
  if (st->has_pids) {
    jw_key(w, "pids");
    jw_begin_object(w);
    kv_uint(w, "current", st->pids_current);
    kv_uint(w, "limit", st->pids_limit);
    jw_end_object(w);
  }
  if (st->has_blkio) {
    jw_key(w, "blkio");
    jw_begin_object(w);
    write_blkio_list(w, "ioServiceBytesRecursive", st->io_service_bytes, st->n_io_service_bytes);
    write_blkio_list(w, "ioServicedRecursive", st->io_serviced, st->n_io_serviced);
    jw_end_object(w);
  }
  if (st->n_hugetlb)
    write_hugetlb(w, st);
  jw_end_object(w);
}

/* One JSON line; data may be NULL (an oom event). */
static void print_event(const char *type, const char *id, const struct cgroup_stats *st)
{
  struct json_writer *w = jw_new(false);
  jw_begin_object(w);
  jw_kv_string(w, "type", type);
  jw_kv_string(w, "id", id);
  if (st) {
    jw_key(w, "data");
    write_stats_data(w, st);
  }
  jw_end_object(w);
  _cleanup_free_ char *text = jw_finish(w, NULL);
  if (text) {
    printf("%s\n", text);
    fflush(stdout);
  }
}

static herr print_stats(const struct global_opts *g, const char *id)
{
  struct cgroup_stats st;
  herr e = container_stats(g->root, id, &st);
  if (e)
    return e;
  print_event("stats", id, &st);
  cgroup_stats_free(&st);
  return NULL;
}

static long now_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* An OOM that stopped the container is reported before we end. */
static void report_pending_oom(struct cgroup_oom_watch *oom, const char *id)
{
  bool is_oom = false;
  if (oom->fd < 0)
    return;
  herr e = cgroup_oom_consume(oom, &is_oom);
  herr_free(e);
  if (is_oom)
    print_event("oom", id, NULL);
}

static bool stopped(const struct global_opts *g, const char *id, struct cgroup_oom_watch *oom)
{
  enum container_status s;
  herr e = container_status(g->root, id, &s);
  bool gone = e || s == STATUS_STOPPED;
  herr_free(e);
  if (gone)
    report_pending_oom(oom, id);
  return gone;
}

/* Stats now and every interval, OOMs as they come, until the container stops. */
static herr watch(const struct global_opts *g, const struct events_args *a)
{
  /* A container that does not exist is an error, as runc's; one that stops
   * later ends the watch. */
  enum container_status status;
  TRY_WRAP(container_status(g->root, a->id, &status), "events");
  struct cgroup_oom_watch oom = { .fd = -1, .dirfd = -1 };
  herr e = container_oom_watch(g->root, a->id, &oom);
  if (e) {
    /* No memory controller (or none we can watch): stats only.  (log_herr_at
     * frees e.) */
    log_herr_at(LOG_LEVEL_DEBUG, "events", e);
    e = NULL;
    cgroup_oom_watch_close(&oom);
  }
  long interval = a->interval_ms ? a->interval_ms : 5000;
  long next = now_ms();
  for (;;) {
    if (now_ms() >= next) {
      if (stopped(g, a->id, &oom))
        break;
      e = print_stats(g, a->id);
      if (e)
        break;
      next = now_ms() + interval;
    }
    struct pollfd p = { .fd = oom.fd, .events = POLLIN };
    long wait = next - now_ms();
    /* Poll the status at least every half second, so that we end with it. */
    int r = poll(&p, 1, (int)(wait < 0 ? 0 : wait > 500 ? 500 : wait));
    if (r < 0 && errno != EINTR) {
      e = herr_sys("poll");
      break;
    }
    bool is_oom = false;
    if (r > 0 && (e = cgroup_oom_consume(&oom, &is_oom)))
      break;
    if (is_oom)
      print_event("oom", a->id, NULL);
    else if (r == 0 && now_ms() < next && stopped(g, a->id, &oom))
      break;
  }
  cgroup_oom_watch_close(&oom);
  return e;
}

int cmd_events(int argc, char **argv, struct global_opts *g)
{
  struct events_args a = { 0 };
  argp_parse(&argp, argc, argv, ARGP_IN_ORDER, NULL, &a);
  if (a.error)
    return cmd_fail(a.error);
  herr e = a.stats ? print_stats(g, a.id) : watch(g, &a);
  return e ? cmd_fail(e) : 0;
}
