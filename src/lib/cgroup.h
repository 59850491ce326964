/* cgroup.h - the container's cgroup, on cgroup v1, v2 and hybrid hosts.
 *
 * A host has one or more mounted hierarchies: cgroup v1 hierarchies that each
 * hold some controllers (memory, "cpu,cpuacct", name=systemd...), and at most
 * one cgroup v2 ("unified") hierarchy that holds the controllers no v1
 * hierarchy has taken.  A hybrid host has both at once.  hull finds them in
 * /proc/self/mountinfo, never by a flag, and gives the container a cgroup in
 * every one of them.
 *
 * Each hierarchy is driven by a backend (cgroup_v1.c, cgroup_v2.c): a table of
 * create / apply / add pid / freeze / thaw / stats / pids / destroy.  Every
 * controller has one owner, the hierarchy that holds it, and the fields of
 * linux.resources go to the backend of their controller's owner.  A field
 * whose controller no hierarchy holds is refused with its JSON path.
 *
 * The cgroup of a container is recorded in state.json as one path per
 * hierarchy (keyed like /proc/self/cgroup: "memory", "cpu,cpuacct",
 * "name=systemd", and "unified" for v2), so that later commands find it
 * whatever their own cgroup is.
 */
#ifndef HULL_CGROUP_H
#define HULL_CGROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "error.h"
#include "spec.h"

/* The controllers hull knows, by their v1 names. */
enum cgroup_ctrl {
  CG_CPU,
  CG_CPUACCT,   /* v2: usage is in the core cpu.stat */
  CG_CPUSET,
  CG_MEMORY,
  CG_DEVICES,   /* v2: an eBPF program, always available */
  CG_FREEZER,   /* v2: cgroup.freeze, always available */
  CG_BLKIO,     /* v2: "io" */
  CG_PIDS,
  CG_HUGETLB,
  CG_NET_CLS,   /* v1 only */
  CG_NET_PRIO,  /* v1 only */
  CG_RDMA,
  CG_MISC,
  CG_PERF_EVENT,
  CG_CTRL_COUNT
};
#define CG_BIT(c) (1u << (c))

/* The v1 name of a controller ("blkio"), and its v2 name ("io", or NULL when
 * cgroup v2 has no controller of that name). */
const char *cgroup_ctrl_name(enum cgroup_ctrl c);
const char *cgroup_ctrl_v2_name(enum cgroup_ctrl c);

enum cgroup_mode {
  CGROUP_MODE_NONE,    /* no cgroup file system mounted */
  CGROUP_MODE_V1,
  CGROUP_MODE_V2,
  CGROUP_MODE_HYBRID,  /* v1 hierarchies plus a cgroup2 mount */
};
const char *cgroup_mode_name(enum cgroup_mode m);

struct cgroup;
struct cgroup_hier;
struct cgroup_stats;

/* What `apply` is given. */
struct cgroup_apply {
  const struct oci_resources *r;     /* may be NULL: only the device defaults */
  bool update;                       /* `hull update`: the given fields only */
  enum cgroup_apply_part {
    CG_APPLY_ALL,
    CG_APPLY_ALL_BUT_DEVICES,
    CG_APPLY_DEVICES,
  } part;
};

/* One backend: the operations on the hierarchies of one cgroup version. */
struct cgroup_backend {
  const char *name; /* "v1", "v2" */
  /* mkdir the container's cgroup in hierarchy h (recording h->made). */
  herr (*create)(struct cgroup *cg, struct cgroup_hier *h);
  /* Write the fields of linux.resources whose controllers this backend owns. */
  herr (*apply)(struct cgroup *cg, const struct cgroup_apply *a);
  herr (*add_pid)(struct cgroup_hier *h, pid_t pid);
  herr (*freeze)(struct cgroup_hier *h);
  herr (*thaw)(struct cgroup_hier *h);
  herr (*frozen)(struct cgroup_hier *h, bool *frozen);
  /* Fill the parts of st for the controllers this backend owns. */
  herr (*stats)(struct cgroup *cg, struct cgroup_stats *st);
  /* Every pid in the cgroup and its descendants. */
  herr (*pids)(struct cgroup_hier *h, pid_t **pids, size_t *n);
  /* rmdir the cgroup (and what the container made below it), then the
   * ancestors hull made. */
  herr (*destroy)(struct cgroup_hier *h);
};
extern const struct cgroup_backend cgroup_v1_backend;
extern const struct cgroup_backend cgroup_v2_backend;

/* One mounted hierarchy and the container's cgroup in it. */
struct cgroup_hier {
  char *key;         /* as in /proc/self/cgroup; "unified" for v2 */
  bool v2;
  unsigned ctrls;    /* CG_BIT()s of the controllers it holds */
  char *mountpoint;  /* e.g. /sys/fs/cgroup/memory */
  char *mount_root;  /* the cgroup mounted there ("/" unless a cgroup ns or a bind) */
  char *own;         /* hull's own cgroup in this hierarchy */
  char *path;        /* the container's cgroup, from the hierarchy's root */
  char *dir;         /* where path is in the file system */
  unsigned made;     /* trailing components of path that hull created */
  const struct cgroup_backend *be;
};

struct cgroup {
  enum cgroup_mode mode;
  struct cgroup_hier *h;
  size_t n;
  int owner[CG_CTRL_COUNT]; /* index into h of the controller's hierarchy, -1: none */
  int unified;              /* index of the v2 hierarchy, -1: none */
  bool default_path;        /* no linux.cgroupsPath: hull chose /hull/... */
  char *systemd_unit;       /* the systemd driver's scope ("hull-c1.scope"), or NULL */
  char *systemd_slice;      /* its slice ("system.slice") */
  bool systemd_ours;        /* the unit is this container's: we started it, or state.json says so */
};

/* Which parts of linux.resources an apply (create, or an update) writes:
 * shared by the v1 and v2 backends' applier tables. */
static inline bool cgroup_wants_memory(const struct cgroup_apply *a) { return a->r && a->r->memory; }
static inline bool cgroup_wants_cpu(const struct cgroup_apply *a) { return a->r && a->r->cpu; }
static inline bool cgroup_wants_pids(const struct cgroup_apply *a) { return a->r && a->r->pids && a->r->pids->has_limit; }
static inline bool cgroup_wants_blkio(const struct cgroup_apply *a) { return a->r && a->r->blockIO; }
static inline bool cgroup_wants_hugetlb(const struct cgroup_apply *a) { return a->r && a->r->n_hugepageLimits; }
static inline bool cgroup_wants_rdma(const struct cgroup_apply *a) { return a->r && a->r->n_rdma; }
/* The device rules are always written at create (default deny); an update
 * rewrites them only when it gives some. */
static inline bool cgroup_wants_devices(const struct cgroup_apply *a)
{
  return !a->update || (a->r && a->r->n_devices);
}

/* One entry of a backend's applier table: the controller, whether this apply
 * writes its part of linux.resources, and the function that writes it. */
struct cgroup_applier {
  enum cgroup_ctrl ctrl;
  bool (*wanted)(const struct cgroup_apply *a);
  herr (*apply)(struct cgroup_hier *h, const struct cgroup_apply *a);
};
/* Run the entries whose controller `be` holds for cg and that `a` wants. */
herr cgroup_run_appliers(struct cgroup *cg, const struct cgroup_backend *be,
                         const struct cgroup_applier *t, size_t n, const struct cgroup_apply *a);

/* ---- placement ---- */

/* The host's hierarchies and hull's own cgroups, and the container's cgroup
 * path in each: linux.cgroupsPath absolute (from each hierarchy's root) or
 * relative (v1: below hull's own cgroup; v2: below its parent, which keeps a
 * cgroup with processes out of the way of v2's no-internal-processes rule),
 * or by default /hull/ID (/hull/HASH/ID for a --root other than /run/hull).
 * Nothing is changed on the host.  Resources are checked against the
 * controllers there are, so that an impossible field fails before anything
 * is made. */
herr cgroup_prepare(const char *id, const char *root, const struct oci_linux *lx,
                    bool systemd, struct cgroup **out);
/* Where this process's own cgroup of hierarchy `key` (as in /proc/self/cgroup:
 * "memory", "name=systemd", "" for v2) is in the file system; caller frees.
 * ENOENT when that hierarchy is not mounted here. */
herr cgroup_own_dir(const char *key, char **dir);
/* Can the device rules be applied while the container process sets itself up
 * in the cgroup?  On v2 they are one eBPF program, attached at once: the
 * process sees no filter, then the whole one (which allows the nodes it
 * makes); v1's deny-then-allow writes would fail its mknod in between. */
bool cgroup_devices_can_follow(const struct cgroup *cg);
/* mkdir the cgroup in every hierarchy. */
herr cgroup_create(struct cgroup *cg);
/* Apply linux.resources (create) or the given fields of it (update). */
herr cgroup_apply(struct cgroup *cg, const struct cgroup_apply *a);
/* Move pid into the cgroup of every hierarchy. */
herr cgroup_add_pid(struct cgroup *cg, pid_t pid);
/* exec --cgroup (cgroup_sub.c): parse the "[CTRL[,CTRL...]:]PATH" specs into
 * subs, one cleaned path below the container's cgroup per hierarchy (NULL:
 * the cgroup itself); free with cgroup_sub_free(subs, cg->n). */
herr cgroup_sub_parse(const struct cgroup *cg, char *const *specs, size_t n_specs, char ***subs);
void cgroup_sub_free(char **subs, size_t n);
/* Move pid into subs[i] below the cgroup of hierarchy i (the cgroup itself
 * where subs[i] is NULL). */
herr cgroup_add_pid_sub(struct cgroup *cg, pid_t pid, char *const *subs);
/* On a host with cgroup v2 only: an O_PATH fd of the cgroup for clone3's
 * CLONE_INTO_CGROUP (caller closes), else -1. */
int cgroup_clone_fd(const struct cgroup *cg);
/* Kill what is left and remove the cgroup everywhere. */
herr cgroup_destroy(struct cgroup *cg);
void cgroup_free(struct cgroup *cg);

/* ---- a container's cgroup, later ---- */

/* One hierarchy's entry of state.json's "cgroups". */
struct cgroup_record {
  char *key;     /* the hierarchy ("memory", "unified"...) */
  char *path;    /* the container's cgroup in it */
  uint32_t made; /* trailing components hull created */
};
/* The records of cg, to store (array of cg->n; free with cgroup_records_free). */
struct cgroup_record *cgroup_records(const struct cgroup *cg, size_t *n);
void cgroup_records_free(struct cgroup_record *r, size_t n);
/* Find the hierarchies of stored records on this host again. */
herr cgroup_open(const struct cgroup_record *r, size_t n, struct cgroup **out);

herr cgroup_freeze(struct cgroup *cg);
herr cgroup_thaw(struct cgroup *cg);
herr cgroup_is_frozen(struct cgroup *cg, bool *frozen);
/* Every pid of the container, sorted (caller frees). */
herr cgroup_pids(struct cgroup *cg, pid_t **pids, size_t *n);
/* Signal every process of the cgroup: cgroup.kill for SIGKILL on v2, else
 * with the cgroup frozen while the pids are read and signalled, so that no
 * fork escapes. */
herr cgroup_signal_all(struct cgroup *cg, int signo);

/* ---- stats (`hull events`) ---- */

struct cgroup_mem_entry {
  bool present;
  uint64_t usage, max, limit, failcnt;
};
struct cgroup_blkio_entry {
  uint32_t major, minor;
  const char *op; /* "Read", "Write", "Sync", "Async", "Discard", "Total" */
  uint64_t value;
};
struct cgroup_hugetlb_entry {
  char size[24]; /* "2MB" */
  uint64_t usage, max, failcnt;
};
struct cgroup_stat_kv {
  char *key;
  uint64_t value;
};
struct cgroup_stats {
  bool has_cpu;
  struct {
    uint64_t total, kernel, user; /* nanoseconds */
    uint64_t *percpu;
    size_t n_percpu;
    uint64_t periods, throttled_periods, throttled_time;
  } cpu;
  bool has_memory;
  struct {
    uint64_t cache;
    struct cgroup_mem_entry usage, swap, kernel, kernel_tcp;
    struct cgroup_stat_kv *raw; /* memory.stat */
    size_t n_raw;
    uint64_t oom_kill;
  } memory;
  bool has_pids;
  uint64_t pids_current, pids_limit; /* limit 0: unlimited */
  bool has_blkio;
  struct cgroup_blkio_entry *io_service_bytes, *io_serviced;
  size_t n_io_service_bytes, n_io_serviced;
  struct cgroup_hugetlb_entry *hugetlb;
  size_t n_hugetlb;
};
herr cgroup_stats(struct cgroup *cg, struct cgroup_stats *st);
void cgroup_stats_free(struct cgroup_stats *st);

/* An fd that becomes readable when the memory controller meets an OOM (v1:
 * an eventfd on memory.oom_control; v2: inotify on memory.events).  Then call
 * cgroup_oom_consume(), which reads it and says whether an OOM kill happened. */
struct cgroup_oom_watch {
  int fd;
  int dirfd;              /* the memory cgroup, to tell an OOM from its removal */
  uint64_t last_oom_kill; /* v2: memory.events' oom_kill when last seen */
  bool v2;
};
herr cgroup_oom_watch_open(struct cgroup *cg, struct cgroup_oom_watch *w);
herr cgroup_oom_consume(struct cgroup_oom_watch *w, bool *oom);
void cgroup_oom_watch_close(struct cgroup_oom_watch *w);

/* ---- host facts (features, messages) ---- */

/* The host's mode, detected from mountinfo. */
enum cgroup_mode cgroup_host_mode(void);

/* ---- systemd ---- */

/* linux.cgroupsPath "slice:prefix:name" for the systemd cgroup manager. */
struct cgroup_systemd_path {
  char *slice;  /* "system.slice" when empty in the path */
  char *prefix;
  char *name;
};
/* True when path has the form "slice:prefix:name". */
bool cgroup_is_systemd_path(const char *path);
herr cgroup_parse_systemd_path(const char *path, struct cgroup_systemd_path *out);
void cgroup_systemd_path_free(struct cgroup_systemd_path *p);
/* The error for the systemd driver where systemd is not PID 1: says why. */
herr cgroup_systemd_unavailable(const char *what);

/* cgroup_systemd.c: the systemd cgroup driver (a transient scope per
 * container, over D-Bus).  cgroupsPath "slice:prefix:name" (default
 * ":hull:ID") gives the scope's unit name and its cgroup path. */
herr cgroup_systemd_place(const char *cgroups_path, const char *id, struct cgroup_systemd_path *sp,
                          char **unit, char **path);
/* Is systemd PID 1, and does it answer on D-Bus?  `what` names the request. */
herr cgroup_systemd_check_running(const char *what);
/* Start cg->systemd_unit with pid in it and the resource properties of r,
 * and wait until systemd has moved pid there. */
herr cgroup_systemd_start(struct cgroup *cg, const char *id, const struct oci_resources *r, pid_t pid);
/* `update`: set the unit's resource properties. */
herr cgroup_systemd_update(struct cgroup *cg, const struct oci_resources *r);
/* `delete`: stop the unit (gone already is fine). */
herr cgroup_systemd_stop(struct cgroup *cg);
/* Is cg managed through systemd?  (For cgroup_open's callers, which learn the
 * unit from state.json: cgroup_set_systemd_unit.) */
static inline bool cgroup_is_systemd(const struct cgroup *cg) { return cg && cg->systemd_unit; }
void cgroup_set_systemd_unit(struct cgroup *cg, const char *unit);

/* ---- pure helpers (unit tested) ---- */

/* cpu.shares (2..262144) to cpu.weight (1..10000), as runc and crun convert. */
uint64_t cgroup_shares_to_weight(uint64_t shares);
/* blkio weight (10..1000) to io.weight (1..10000). */
uint64_t cgroup_blkio_weight_to_io(uint64_t weight);
/* Resolve the container's cgroup in one hierarchy: see cgroup_prepare. */
char *cgroup_resolve_path(const char *cgroups_path, const char *own, bool v2);
/* "2MB" -> 2048 (kB), 0 when malformed. */
uint64_t cgroup_hugepage_kb(const char *size);

/* ---- for the backends (the file helpers are in cgroup_fs.h) ---- */

/* The hierarchy that owns controller c, or NULL. */
struct cgroup_hier *cg_owner(struct cgroup *cg, enum cgroup_ctrl c);
/* Does backend `be` own controller c in cg? */
bool cg_owns(const struct cgroup *cg, const struct cgroup_backend *be, enum cgroup_ctrl c);
/* The host's huge page sizes as cgroup files name them ("2MB", "1GB"). */
size_t cg_hugepage_sizes(char sizes[][24], size_t max);
/* hugepageLimits[i].pageSize must be one of them. */
herr cg_hugepage_check(const char *size, size_t i);
/* rdma.max, the same on v1 and v2. */
herr cg_rdma_apply(const char *dir, const struct oci_rdma *r, size_t n);

/* cgroup_devices.c: the effective device rules (deny all,
 * linux.resources.devices in order, then allow linux.devices, the default
 * devices and mknod, as runc does). */
struct cgroup_dev_rule {
  bool allow;
  char type;       /* 'a', 'c', 'b' */
  int64_t major;   /* -1: any */
  int64_t minor;   /* -1: any */
  unsigned access; /* CG_DEV_READ | CG_DEV_WRITE | CG_DEV_MKNOD */
  int index;       /* its index in linux.resources.devices, -1 for hull's own */
};
enum { CG_DEV_MKNOD = 1, CG_DEV_READ = 2, CG_DEV_WRITE = 4 }; /* = BPF_DEVCG_ACC_* */
herr cgroup_device_rules(const struct cgroup_apply *a, struct cgroup_dev_rule **rules, size_t *n);
/* v1 keeps a default and a list of exceptions, and a rule only removes an
 * exception of exactly its own device: a later rule that should override part
 * of an earlier, broader one of the other kind cannot be expressed.  Such a
 * rule of the config is refused, naming both. */
herr cgroup_devices_check_v1(const struct cgroup_dev_rule *rules, size_t n);
/* v1: devices.deny / devices.allow lines, in order (checked first). */
herr cgroup_devices_apply_v1(const char *dir, const struct cgroup_dev_rule *rules, size_t n);
/* v2: a BPF_PROG_TYPE_CGROUP_DEVICE program attached to the cgroup (any
 * program hull attached before is replaced). */
herr cgroup_devices_apply_v2(const char *dir, const struct cgroup_dev_rule *rules, size_t n);
/* The program's instructions, for the unit test (caller frees). */
struct bpf_insn;
size_t cgroup_devices_bpf_program(const struct cgroup_dev_rule *rules, size_t n,
                                  struct bpf_insn **out);

#endif
