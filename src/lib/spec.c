/* spec.c - config.json decoding: the json_type tables for struct oci_config
 * and the semantic checks the schema asks for, each naming the JSON path of
 * the value it refuses.  The decoding itself is json.c's.
 */
#include "config.h"

#include "spec.h"
#include "utils.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <linux/ioprio.h>

#include "cleanup.h"
#include "json.h"

/* json.c fills maps into struct json_kv and keyed objects through a leading
 * `char *key`; the spec structs must have those layouts. */
_Static_assert(sizeof(struct oci_kv) == sizeof(struct json_kv) &&
                   offsetof(struct oci_kv, key) == offsetof(struct json_kv, key) &&
                   offsetof(struct oci_kv, value) == offsetof(struct json_kv, value),
               "struct oci_kv must match struct json_kv");
_Static_assert(offsetof(struct oci_net_device, key) == 0, "key must come first");
_Static_assert(offsetof(struct oci_rdma, key) == 0, "key must come first");
_Static_assert(sizeof(enum oci_ns_type) == sizeof(int), "JK_ENUM stores an int");

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* ======================================================================
 * Value lists (schema/defs-linux.json and config.md)
 * ====================================================================== */

/* In enum oci_ns_type order: JK_ENUM stores the index. */
static const char *const ns_type_names[] = {
  "pid", "network", "mount", "ipc", "uts", "user", "cgroup", "time", NULL,
};
_Static_assert(ARRAY_LEN(ns_type_names) == OCI_NS_COUNT + 1,
               "one name per enum oci_ns_type");

static const char *const device_types[] = { "c", "b", "u", "p", NULL };

static const char *const rootfs_propagations[] = {
  "private", "shared", "slave", "unbindable", NULL,
};

static const char *const seccomp_actions[] = {
  "SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD",
  "SCMP_ACT_TRAP", "SCMP_ACT_ERRNO", "SCMP_ACT_TRACE", "SCMP_ACT_ALLOW",
  "SCMP_ACT_LOG", "SCMP_ACT_NOTIFY", NULL,
};

static const char *const seccomp_operators[] = {
  "SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE", "SCMP_CMP_EQ",
  "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ", NULL,
};

static const char *const seccomp_archs[] = {
  "SCMP_ARCH_X86", "SCMP_ARCH_X86_64", "SCMP_ARCH_X32", "SCMP_ARCH_ARM",
  "SCMP_ARCH_AARCH64", "SCMP_ARCH_LOONGARCH64", "SCMP_ARCH_M68K",
  "SCMP_ARCH_MIPS", "SCMP_ARCH_MIPS64", "SCMP_ARCH_MIPS64N32",
  "SCMP_ARCH_MIPSEL", "SCMP_ARCH_MIPSEL64", "SCMP_ARCH_MIPSEL64N32",
  "SCMP_ARCH_PPC", "SCMP_ARCH_PPC64", "SCMP_ARCH_PPC64LE", "SCMP_ARCH_S390",
  "SCMP_ARCH_S390X", "SCMP_ARCH_SH", "SCMP_ARCH_SHEB", "SCMP_ARCH_PARISC",
  "SCMP_ARCH_PARISC64", "SCMP_ARCH_RISCV64", NULL,
};

static const char *const seccomp_flags[] = {
  "SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG",
  "SECCOMP_FILTER_FLAG_SPEC_ALLOW", "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", NULL,
};

static const char *const memory_policy_modes[] = {
  "MPOL_DEFAULT", "MPOL_BIND", "MPOL_INTERLEAVE", "MPOL_WEIGHTED_INTERLEAVE",
  "MPOL_PREFERRED", "MPOL_PREFERRED_MANY", "MPOL_LOCAL", NULL,
};

static const char *const memory_policy_flags[] = {
  "MPOL_F_NUMA_BALANCING", "MPOL_F_RELATIVE_NODES", "MPOL_F_STATIC_NODES", NULL,
};

static const char *const personality_domains[] = { "LINUX", "LINUX32", NULL };

static const char *const scheduler_flags[] = {
  "SCHED_FLAG_RESET_ON_FORK", "SCHED_FLAG_RECLAIM", "SCHED_FLAG_DL_OVERRUN",
  "SCHED_FLAG_KEEP_POLICY", "SCHED_FLAG_KEEP_PARAMS",
  "SCHED_FLAG_UTIL_CLAMP_MIN", "SCHED_FLAG_UTIL_CLAMP_MAX", NULL,
};

/* Names the decoder accepts, and the numbers they stand for, side by side. */
static const char *const scheduler_policies[] = {
  "SCHED_OTHER", "SCHED_FIFO", "SCHED_RR", "SCHED_BATCH",
  "SCHED_ISO", "SCHED_IDLE", "SCHED_DEADLINE", NULL,
};
static const int scheduler_policy_nums[] = {
  SCHED_OTHER, SCHED_FIFO, SCHED_RR, SCHED_BATCH,
  SCHED_ISO, SCHED_IDLE, SCHED_DEADLINE,
};
_Static_assert(ARRAY_LEN(scheduler_policies) == ARRAY_LEN(scheduler_policy_nums) + 1,
               "one number per scheduler policy");

static const char *const ioprio_classes[] = {
  "IOPRIO_CLASS_RT", "IOPRIO_CLASS_BE", "IOPRIO_CLASS_IDLE", NULL,
};
static const int ioprio_class_nums[] = {
  IOPRIO_CLASS_RT, IOPRIO_CLASS_BE, IOPRIO_CLASS_IDLE,
};
_Static_assert(ARRAY_LEN(ioprio_classes) == ARRAY_LEN(ioprio_class_nums) + 1,
               "one number per I/O priority class");

#define RLIMIT_ENTRY(r) { #r, r }
static const struct {
  const char *name;
  int resource;
} rlimit_names[] = {
  RLIMIT_ENTRY(RLIMIT_AS),      RLIMIT_ENTRY(RLIMIT_CORE),
  RLIMIT_ENTRY(RLIMIT_CPU),     RLIMIT_ENTRY(RLIMIT_DATA),
  RLIMIT_ENTRY(RLIMIT_FSIZE),   RLIMIT_ENTRY(RLIMIT_LOCKS),
  RLIMIT_ENTRY(RLIMIT_MEMLOCK), RLIMIT_ENTRY(RLIMIT_MSGQUEUE),
  RLIMIT_ENTRY(RLIMIT_NICE),    RLIMIT_ENTRY(RLIMIT_NOFILE),
  RLIMIT_ENTRY(RLIMIT_NPROC),   RLIMIT_ENTRY(RLIMIT_RSS),
  RLIMIT_ENTRY(RLIMIT_RTPRIO),  RLIMIT_ENTRY(RLIMIT_RTTIME),
  RLIMIT_ENTRY(RLIMIT_SIGPENDING), RLIMIT_ENTRY(RLIMIT_STACK),
};

/* Index of `s` in a NULL-terminated list; the list was already enforced by
 * the field's enum_values, so a miss is a bug. */
static int list_index(const char *const *list, const char *s)
{
  for (int i = 0; list[i]; i++)
    if (strcmp(list[i], s) == 0)
      return i;
  return -1;
}

const char *oci_ns_type_name(enum oci_ns_type t)
{
  return (unsigned)t < OCI_NS_COUNT ? ns_type_names[t] : "unknown";
}

/* ======================================================================
 * Field checks: called with the member, only when the field is present
 * ====================================================================== */

static const char *string_member(const void *m)
{
  return *(char *const *)m;
}

/* Reads a run of digits; false if there is none. */
static bool read_number(const char **s, unsigned long *out)
{
  if (**s < '0' || **s > '9')
    return false;
  char *end;
  *out = strtoul(*s, &end, 10);
  *s = end;
  return true;
}

/* MAJOR.MINOR.PATCH with an optional -prerelease or +build: 1.0.0 to 1.3.x. */
static herr check_oci_version(const void *m)
{
  const char *v = string_member(m), *s = v;
  unsigned long major, minor, patch;
  bool semver = read_number(&s, &major) && *s++ == '.' &&
                read_number(&s, &minor) && *s++ == '.' &&
                read_number(&s, &patch) && (*s == '\0' || *s == '-' || *s == '+');
  if (semver && major == 1 && minor <= 3)
    return NULL;
  return herr_new("unsupported version \"%s\" (hull supports 1.0.0 to 1.3.x)", v);
}

static herr check_absolute_path(const void *m)
{
  const char *s = string_member(m);
  return s[0] == '/' ? NULL : herr_new("must be an absolute path, got \"%s\"", s);
}

static herr check_positive(const void *m)
{
  int64_t v = *(const int64_t *)m;
  return v > 0 ? NULL : herr_new("must be greater than 0, got %lld", (long long)v);
}

static herr check_file_mode(const void *m)
{
  uint32_t v = *(const uint32_t *)m;
  return v <= 0777 ? NULL : herr_new("%u out of range for a file mode (0 to 511)", v);
}

static herr check_not_empty(const void *m)
{
  char **v = *(char **const *)m;
  return v && v[0] ? NULL : herr_new("must not be empty");
}

/* ^[1-9][0-9]*[KMG]B$ */
static herr check_page_size(const void *m)
{
  const char *s = string_member(m);
  size_t digits = strspn(s, "0123456789");
  bool ok = s[0] >= '1' && s[0] <= '9' && s[digits] != '\0' &&
            strchr("KMG", s[digits]) && strcmp(s + digits + 1, "B") == 0;
  return ok ? NULL : herr_new("invalid page size \"%s\" (expected a size in KB, MB or GB, like \"2MB\")", s);
}

/* ^[0-9, -]*$ */
static herr check_cpu_list(const void *m)
{
  const char *s = string_member(m);
  return s[strspn(s, "0123456789, -")] == '\0'
             ? NULL
             : herr_new("invalid CPU list \"%s\" (expected digits, ',' and '-')", s);
}

/* ^MB:[^\n]*$ */
static herr check_mem_bw_schema(const void *m)
{
  const char *s = string_member(m);
  return strncmp(s, "MB:", 3) == 0 && !strchr(s, '\n')
             ? NULL
             : herr_new("invalid schema \"%s\" (expected one line starting with \"MB:\")", s);
}

/* ======================================================================
 * Object checks: cross-field rules and derived members
 * ====================================================================== */

static herr resolve_rlimit(void *obj)
{
  struct oci_rlimit *r = obj;
  for (size_t i = 0; i < ARRAY_LEN(rlimit_names); i++)
    if (strcmp(rlimit_names[i].name, r->type) == 0) {
      r->resource = rlimit_names[i].resource;
      return NULL;
    }
  return herr_new(".type: unknown rlimit \"%s\"", r->type);
}

static herr resolve_io_priority(void *obj)
{
  struct oci_io_priority *p = obj;
  int i = list_index(ioprio_classes, p->class);
  if (i < 0)
    return herr_new(".class: unknown class \"%s\"", p->class);
  p->class_num = ioprio_class_nums[i];
  return NULL;
}

static herr resolve_scheduler(void *obj)
{
  struct oci_scheduler *s = obj;
  int i = list_index(scheduler_policies, s->policy);
  if (i < 0)
    return herr_new(".policy: unknown policy \"%s\"", s->policy);
  s->policy_num = scheduler_policy_nums[i];
  return NULL;
}

/* Each resource once: setrlimit() twice would silently keep the last. */
static herr check_process(void *obj)
{
  const struct oci_process *p = obj;
  for (size_t i = 1; i < p->n_rlimits; i++)
    for (size_t j = 0; j < i; j++)
      if (p->rlimits[i].resource == p->rlimits[j].resource)
        return herr_new(".rlimits[%zu].type: duplicate rlimit \"%s\"", i,
                        p->rlimits[i].type);
  return NULL;
}

static herr check_device(void *obj)
{
  const struct oci_device *d = obj;
  if (strcmp(d->type, "p") == 0)
    return NULL; /* a FIFO has no device numbers */
  if (!d->has_major)
    return herr_new(".major: required for device type \"%s\"", d->type);
  if (!d->has_minor)
    return herr_new(".minor: required for device type \"%s\"", d->type);
  return NULL;
}

/* A blkio weight of 0 means "not set" (runc's reading; Docker sends weight 0
 * on every container), never a value for the kernel, which refuses it. */
static void unset_zero_weight(bool *has, uint16_t w)
{
  if (*has && w == 0)
    *has = false;
}

static herr resolve_blkio_weight_device(void *obj)
{
  struct oci_blkio_weight_device *d = obj;
  unset_zero_weight(&d->has_weight, d->weight);
  unset_zero_weight(&d->has_leafWeight, d->leafWeight);
  return NULL;
}

static herr resolve_blkio(void *obj)
{
  struct oci_blkio *b = obj;
  unset_zero_weight(&b->has_weight, b->weight);
  unset_zero_weight(&b->has_leafWeight, b->leafWeight);
  return NULL;
}

/* One entry per namespace type: two would ask to create (or join) it twice. */
static herr check_linux(void *obj)
{
  const struct oci_linux *l = obj;
  bool seen[OCI_NS_COUNT] = { false };
  for (size_t i = 0; i < l->n_namespaces; i++) {
    enum oci_ns_type t = l->namespaces[i].type;
    if (seen[t])
      return herr_new(".namespaces[%zu].type: duplicate namespace \"%s\"", i,
                      oci_ns_type_name(t));
    seen[t] = true;
  }
  return NULL;
}

/* ======================================================================
 * Tables
 * ====================================================================== */

#define F(S, m, k, ...) \
  { .name = #m, .kind = (k), .offset = offsetof(S, m), __VA_ARGS__ }
/* An optional scalar with a has_<m> flag beside it. */
#define F_OPT(S, m, k, ...) \
  F(S, m, k, .has_offset = offsetof(S, has_##m), .has_flag = true, __VA_ARGS__)
/* An array, map or string list with an n_<m> count beside it. */
#define F_LIST(S, m, k, ...) \
  F(S, m, k, .count_offset = offsetof(S, n_##m), __VA_ARGS__)
#define REQUIRED .required = true
#define OF(t) .type = &(t)
#define ONE_OF(list) .enum_values = (list)
#define CHECK(fn) .check = (fn)
#define END { .name = NULL }
#define STRINGIFY(x) #x
#define TYPE_NAME(S) STRINGIFY(S) /* expands S first: "struct oci_hook" */
#define TYPE(var, S, fields, obj_check) \
  static const struct json_type var = { TYPE_NAME(S), sizeof(S), fields, obj_check }

/* ---- hooks ---- */
#define S struct oci_hook
static const struct json_field hook_fields[] = {
  F(S, path, JK_STRING, REQUIRED, CHECK(check_absolute_path)),
  F_LIST(S, args, JK_STRV),
  F_LIST(S, env, JK_STRV),
  F_OPT(S, timeout, JK_INT64, CHECK(check_positive)),
  END
};
TYPE(hook_type, S, hook_fields, NULL);
#undef S

#define S struct oci_hooks
static const struct json_field hooks_fields[] = {
  F_LIST(S, prestart, JK_ARRAY, OF(hook_type)),
  F_LIST(S, createRuntime, JK_ARRAY, OF(hook_type)),
  F_LIST(S, createContainer, JK_ARRAY, OF(hook_type)),
  F_LIST(S, startContainer, JK_ARRAY, OF(hook_type)),
  F_LIST(S, poststart, JK_ARRAY, OF(hook_type)),
  F_LIST(S, poststop, JK_ARRAY, OF(hook_type)),
  END
};
TYPE(hooks_type, S, hooks_fields, NULL);
#undef S

/* ---- root, mounts ---- */
#define S struct oci_idmapping
static const struct json_field idmapping_fields[] = {
  F(S, containerID, JK_UINT32, REQUIRED),
  F(S, hostID, JK_UINT32, REQUIRED),
  F(S, size, JK_UINT32, REQUIRED),
  END
};
TYPE(idmapping_type, S, idmapping_fields, NULL);
#undef S

#define S struct oci_mount
static const struct json_field mount_fields[] = {
  F(S, destination, JK_STRING, REQUIRED),
  F(S, source, JK_STRING),
  F(S, type, JK_STRING),
  F_LIST(S, options, JK_STRV),
  F_LIST(S, uidMappings, JK_ARRAY, OF(idmapping_type)),
  F_LIST(S, gidMappings, JK_ARRAY, OF(idmapping_type)),
  END
};
TYPE(mount_type, S, mount_fields, NULL);
#undef S

#define S struct oci_root
static const struct json_field root_fields[] = {
  F(S, path, JK_STRING, REQUIRED),
  F(S, readonly, JK_BOOL),
  END
};
TYPE(root_type, S, root_fields, NULL);
#undef S

/* ---- process ---- */
#define S struct oci_box
static const struct json_field box_fields[] = {
  F(S, height, JK_UINT64, REQUIRED),
  F(S, width, JK_UINT64, REQUIRED),
  END
};
TYPE(box_type, S, box_fields, NULL);
#undef S

/* uid and gid default to 0 when absent, as in runc: the schema does not
 * require them even though config.md does. */
#define S struct oci_user
static const struct json_field user_fields[] = {
  F(S, uid, JK_UINT32),
  F(S, gid, JK_UINT32),
  F_OPT(S, umask, JK_UINT32),
  F_LIST(S, additionalGids, JK_UINT32V),
  F(S, username, JK_STRING),
  END
};
TYPE(user_type, S, user_fields, NULL);
#undef S

/* Capability names are checked against libcap by capabilities_validate(). */
#define S struct oci_capabilities
static const struct json_field capabilities_fields[] = {
  F_LIST(S, bounding, JK_STRV),
  F_LIST(S, effective, JK_STRV),
  F_LIST(S, inheritable, JK_STRV),
  F_LIST(S, permitted, JK_STRV),
  F_LIST(S, ambient, JK_STRV),
  END
};
TYPE(capabilities_type, S, capabilities_fields, NULL);
#undef S

/* soft <= hard is not required: setrlimit() will say so if it matters. */
#define S struct oci_rlimit
static const struct json_field rlimit_fields[] = {
  F(S, type, JK_STRING, REQUIRED),
  F(S, soft, JK_UINT64, REQUIRED),
  F(S, hard, JK_UINT64, REQUIRED),
  END
};
TYPE(rlimit_type, S, rlimit_fields, resolve_rlimit);
#undef S

#define S struct oci_io_priority
static const struct json_field io_priority_fields[] = {
  F(S, class, JK_STRING, REQUIRED, ONE_OF(ioprio_classes)),
  F(S, priority, JK_INT32, REQUIRED),
  END
};
TYPE(io_priority_type, S, io_priority_fields, resolve_io_priority);
#undef S

#define S struct oci_scheduler
static const struct json_field scheduler_fields[] = {
  F(S, policy, JK_STRING, REQUIRED, ONE_OF(scheduler_policies)),
  F_OPT(S, nice, JK_INT32),
  F_OPT(S, priority, JK_INT32),
  F_LIST(S, flags, JK_STRV, ONE_OF(scheduler_flags)),
  F(S, runtime, JK_UINT64),
  F(S, deadline, JK_UINT64),
  F(S, period, JK_UINT64),
  END
};
TYPE(scheduler_type, S, scheduler_fields, resolve_scheduler);
#undef S

#define S struct oci_cpu_affinity
static const struct json_field cpu_affinity_fields[] = {
  F(S, initial, JK_STRING, CHECK(check_cpu_list)),
  F(S, final, JK_STRING, CHECK(check_cpu_list)),
  END
};
TYPE(cpu_affinity_type, S, cpu_affinity_fields, NULL);
#undef S

/* args may be absent here: the schema allows it, and start refuses to run
 * a process without one. */
#define S struct oci_process
static const struct json_field process_fields[] = {
  F(S, terminal, JK_BOOL),
  F(S, consoleSize, JK_OBJECT, OF(box_type)),
  F(S, user, JK_INLINE, OF(user_type)),
  F_LIST(S, args, JK_STRV),
  F(S, commandLine, JK_STRING),
  F_LIST(S, env, JK_STRV),
  F(S, cwd, JK_STRING, REQUIRED, CHECK(check_absolute_path)),
  F(S, capabilities, JK_OBJECT, OF(capabilities_type)),
  F_LIST(S, rlimits, JK_ARRAY, OF(rlimit_type)),
  F(S, noNewPrivileges, JK_BOOL),
  F(S, apparmorProfile, JK_STRING),
  F_OPT(S, oomScoreAdj, JK_INT32),
  F(S, selinuxLabel, JK_STRING),
  F(S, ioPriority, JK_OBJECT, OF(io_priority_type)),
  F(S, scheduler, JK_OBJECT, OF(scheduler_type)),
  F(S, execCPUAffinity, JK_OBJECT, OF(cpu_affinity_type)),
  END
};
TYPE(process_type, S, process_fields, check_process);
#undef S

/* ---- linux: devices, namespaces ---- */
#define S struct oci_namespace
static const struct json_field namespace_fields[] = {
  F(S, type, JK_ENUM, REQUIRED, ONE_OF(ns_type_names)),
  F(S, path, JK_STRING),
  END
};
TYPE(namespace_type, S, namespace_fields, NULL);
#undef S

#define S struct oci_device
static const struct json_field device_fields[] = {
  F(S, type, JK_STRING, REQUIRED, ONE_OF(device_types)),
  F(S, path, JK_STRING, REQUIRED),
  F_OPT(S, major, JK_INT64),
  F_OPT(S, minor, JK_INT64),
  F_OPT(S, fileMode, JK_UINT32, CHECK(check_file_mode)),
  F_OPT(S, uid, JK_UINT32),
  F_OPT(S, gid, JK_UINT32),
  END
};
TYPE(device_type, S, device_fields, check_device);
#undef S

#define S struct oci_net_device
static const struct json_field net_device_fields[] = {
  F(S, name, JK_STRING),
  END
};
TYPE(net_device_type, S, net_device_fields, NULL);
#undef S

/* ---- linux.resources ---- */
#define S struct oci_device_cgroup
static const struct json_field device_cgroup_fields[] = {
  F(S, allow, JK_BOOL, REQUIRED),
  F(S, type, JK_STRING),
  F_OPT(S, major, JK_INT64),
  F_OPT(S, minor, JK_INT64),
  F(S, access, JK_STRING),
  END
};
TYPE(device_cgroup_type, S, device_cgroup_fields, NULL);
#undef S

#define S struct oci_memory
static const struct json_field memory_fields[] = {
  F_OPT(S, limit, JK_INT64),
  F_OPT(S, reservation, JK_INT64),
  F_OPT(S, swap, JK_INT64),
  F_OPT(S, kernel, JK_INT64),
  F_OPT(S, kernelTCP, JK_INT64),
  F_OPT(S, swappiness, JK_UINT64),
  F_OPT(S, disableOOMKiller, JK_BOOL),
  F_OPT(S, useHierarchy, JK_BOOL),
  F_OPT(S, checkBeforeUpdate, JK_BOOL),
  END
};
TYPE(memory_type, S, memory_fields, NULL);
#undef S

#define S struct oci_cpu
static const struct json_field cpu_fields[] = {
  F_OPT(S, shares, JK_UINT64),
  F_OPT(S, quota, JK_INT64),
  F_OPT(S, burst, JK_UINT64),
  F_OPT(S, period, JK_UINT64),
  F_OPT(S, realtimeRuntime, JK_INT64),
  F_OPT(S, realtimePeriod, JK_UINT64),
  F(S, cpus, JK_STRING),
  F(S, mems, JK_STRING),
  F_OPT(S, idle, JK_INT64),
  END
};
TYPE(cpu_type, S, cpu_fields, NULL);
#undef S

#define S struct oci_pids
static const struct json_field pids_fields[] = {
  F_OPT(S, limit, JK_INT64, REQUIRED),
  END
};
TYPE(pids_type, S, pids_fields, NULL);
#undef S

#define S struct oci_blkio_weight_device
static const struct json_field blkio_weight_device_fields[] = {
  F(S, major, JK_INT64, REQUIRED),
  F(S, minor, JK_INT64, REQUIRED),
  F_OPT(S, weight, JK_UINT16),
  F_OPT(S, leafWeight, JK_UINT16),
  END
};
TYPE(blkio_weight_device_type, S, blkio_weight_device_fields, resolve_blkio_weight_device);
#undef S

#define S struct oci_blkio_throttle_device
static const struct json_field blkio_throttle_device_fields[] = {
  F(S, major, JK_INT64, REQUIRED),
  F(S, minor, JK_INT64, REQUIRED),
  F(S, rate, JK_UINT64, REQUIRED),
  END
};
TYPE(blkio_throttle_device_type, S, blkio_throttle_device_fields, NULL);
#undef S

#define S struct oci_blkio
static const struct json_field blkio_fields[] = {
  F_OPT(S, weight, JK_UINT16),
  F_OPT(S, leafWeight, JK_UINT16),
  F_LIST(S, weightDevice, JK_ARRAY, OF(blkio_weight_device_type)),
  F_LIST(S, throttleReadBpsDevice, JK_ARRAY, OF(blkio_throttle_device_type)),
  F_LIST(S, throttleWriteBpsDevice, JK_ARRAY, OF(blkio_throttle_device_type)),
  F_LIST(S, throttleReadIOPSDevice, JK_ARRAY, OF(blkio_throttle_device_type)),
  F_LIST(S, throttleWriteIOPSDevice, JK_ARRAY, OF(blkio_throttle_device_type)),
  END
};
TYPE(blkio_type, S, blkio_fields, resolve_blkio);
#undef S

#define S struct oci_hugepage_limit
static const struct json_field hugepage_limit_fields[] = {
  F(S, pageSize, JK_STRING, REQUIRED, CHECK(check_page_size)),
  F(S, limit, JK_UINT64, REQUIRED),
  END
};
TYPE(hugepage_limit_type, S, hugepage_limit_fields, NULL);
#undef S

#define S struct oci_net_priority
static const struct json_field net_priority_fields[] = {
  F(S, name, JK_STRING, REQUIRED),
  F(S, priority, JK_UINT32, REQUIRED),
  END
};
TYPE(net_priority_type, S, net_priority_fields, NULL);
#undef S

#define S struct oci_network
static const struct json_field network_fields[] = {
  F_OPT(S, classID, JK_UINT32),
  F_LIST(S, priorities, JK_ARRAY, OF(net_priority_type)),
  END
};
TYPE(network_type, S, network_fields, NULL);
#undef S

#define S struct oci_rdma
static const struct json_field rdma_fields[] = {
  F_OPT(S, hcaHandles, JK_UINT32),
  F_OPT(S, hcaObjects, JK_UINT32),
  END
};
TYPE(rdma_type, S, rdma_fields, NULL);
#undef S

#define S struct oci_resources
static const struct json_field resources_fields[] = {
  F_LIST(S, devices, JK_ARRAY, OF(device_cgroup_type)),
  F(S, memory, JK_OBJECT, OF(memory_type)),
  F(S, cpu, JK_OBJECT, OF(cpu_type)),
  F(S, pids, JK_OBJECT, OF(pids_type)),
  F(S, blockIO, JK_OBJECT, OF(blkio_type)),
  F_LIST(S, hugepageLimits, JK_ARRAY, OF(hugepage_limit_type)),
  F(S, network, JK_OBJECT, OF(network_type)),
  F_LIST(S, rdma, JK_MAP_OBJECT, OF(rdma_type)),
  F_LIST(S, unified, JK_MAP_STRING),
  END
};
TYPE(resources_type, S, resources_fields, NULL);
#undef S

/* ---- linux.seccomp ---- */
#define S struct oci_seccomp_arg
static const struct json_field seccomp_arg_fields[] = {
  F(S, index, JK_UINT32, REQUIRED),
  F(S, value, JK_UINT64, REQUIRED),
  F_OPT(S, valueTwo, JK_UINT64),
  F(S, op, JK_STRING, REQUIRED, ONE_OF(seccomp_operators)),
  END
};
TYPE(seccomp_arg_type, S, seccomp_arg_fields, NULL);
#undef S

#define S struct oci_seccomp_syscall
static const struct json_field seccomp_syscall_fields[] = {
  F_LIST(S, names, JK_STRV, REQUIRED, CHECK(check_not_empty)),
  F(S, action, JK_STRING, REQUIRED, ONE_OF(seccomp_actions)),
  F_OPT(S, errnoRet, JK_UINT32),
  F_LIST(S, args, JK_ARRAY, OF(seccomp_arg_type)),
  END
};
TYPE(seccomp_syscall_type, S, seccomp_syscall_fields, NULL);
#undef S

#define S struct oci_seccomp
static const struct json_field seccomp_fields[] = {
  F(S, defaultAction, JK_STRING, REQUIRED, ONE_OF(seccomp_actions)),
  F_OPT(S, defaultErrnoRet, JK_UINT32),
  F_LIST(S, architectures, JK_STRV, ONE_OF(seccomp_archs)),
  F_LIST(S, flags, JK_STRV, ONE_OF(seccomp_flags)),
  F(S, listenerPath, JK_STRING),
  F(S, listenerMetadata, JK_STRING),
  F_LIST(S, syscalls, JK_ARRAY, OF(seccomp_syscall_type)),
  END
};
TYPE(seccomp_type, S, seccomp_fields, NULL);
#undef S

/* ---- the rest of linux ---- */
#define S struct oci_intel_rdt
static const struct json_field intel_rdt_fields[] = {
  F(S, closID, JK_STRING),
  F(S, l3CacheSchema, JK_STRING),
  F(S, memBwSchema, JK_STRING, CHECK(check_mem_bw_schema)),
  F_LIST(S, schemata, JK_STRV),
  F(S, enableMonitoring, JK_BOOL),
  END
};
TYPE(intel_rdt_type, S, intel_rdt_fields, NULL);
#undef S

#define S struct oci_memory_policy
static const struct json_field memory_policy_fields[] = {
  F(S, mode, JK_STRING, REQUIRED, ONE_OF(memory_policy_modes)),
  F(S, nodes, JK_STRING),
  F_LIST(S, flags, JK_STRV, ONE_OF(memory_policy_flags)),
  END
};
TYPE(memory_policy_type, S, memory_policy_fields, NULL);
#undef S

#define S struct oci_personality
static const struct json_field personality_fields[] = {
  F(S, domain, JK_STRING, REQUIRED, ONE_OF(personality_domains)),
  F_LIST(S, flags, JK_STRV),
  END
};
TYPE(personality_type, S, personality_fields, NULL);
#undef S

#define S struct oci_time_offset
static const struct json_field time_offset_fields[] = {
  F(S, secs, JK_INT64),
  F(S, nanosecs, JK_UINT32),
  END
};
TYPE(time_offset_type, S, time_offset_fields, NULL);
#undef S

#define S struct oci_time_offsets
static const struct json_field time_offsets_fields[] = {
  F_OPT(S, monotonic, JK_INLINE, OF(time_offset_type)),
  F_OPT(S, boottime, JK_INLINE, OF(time_offset_type)),
  END
};
TYPE(time_offsets_type, S, time_offsets_fields, NULL);
#undef S

#define S struct oci_linux
static const struct json_field linux_fields[] = {
  F_LIST(S, devices, JK_ARRAY, OF(device_type)),
  F_LIST(S, netDevices, JK_MAP_OBJECT, OF(net_device_type)),
  F_LIST(S, uidMappings, JK_ARRAY, OF(idmapping_type)),
  F_LIST(S, gidMappings, JK_ARRAY, OF(idmapping_type)),
  F_LIST(S, namespaces, JK_ARRAY, OF(namespace_type)),
  F(S, resources, JK_OBJECT, OF(resources_type)),
  F(S, cgroupsPath, JK_STRING),
  F(S, rootfsPropagation, JK_STRING, ONE_OF(rootfs_propagations)),
  F(S, seccomp, JK_OBJECT, OF(seccomp_type)),
  F_LIST(S, sysctl, JK_MAP_STRING),
  F_LIST(S, maskedPaths, JK_STRV),
  F_LIST(S, readonlyPaths, JK_STRV),
  F(S, mountLabel, JK_STRING),
  F(S, intelRdt, JK_OBJECT, OF(intel_rdt_type)),
  F(S, memoryPolicy, JK_OBJECT, OF(memory_policy_type)),
  F(S, personality, JK_OBJECT, OF(personality_type)),
  F(S, timeOffsets, JK_OBJECT, OF(time_offsets_type)),
  END
};
TYPE(linux_type, S, linux_fields, check_linux);
#undef S

/* ---- the document ---- */
#define S struct oci_config
static const struct json_field config_fields[] = {
  F(S, ociVersion, JK_STRING, REQUIRED, CHECK(check_oci_version)),
  F(S, root, JK_OBJECT, REQUIRED, OF(root_type)), /* required on Linux */
  F_LIST(S, mounts, JK_ARRAY, OF(mount_type)),
  F(S, process, JK_OBJECT, OF(process_type)),
  F(S, hostname, JK_STRING),
  F(S, domainname, JK_STRING),
  F(S, hooks, JK_OBJECT, OF(hooks_type)),
  F_LIST(S, annotations, JK_MAP_STRING),
  /* the member is linux_ because `linux` is a predefined macro */
  { .name = "linux", .kind = JK_OBJECT, .offset = offsetof(S, linux_),
    .type = &linux_type },
  END
};
TYPE(config_type, S, config_fields, NULL);
#undef S

/* ======================================================================
 * Entry points
 * ====================================================================== */

herr oci_config_parse(const char *json, size_t len, struct oci_config **out)
{
  void *obj; /* not (void **)out, which would break aliasing rules */
  herr e = json_decode(json, len, &config_type, "", &obj);
  *out = obj;
  return e;
}

herr oci_config_load(const char *path, struct oci_config **out)
{
  *out = NULL;
  _cleanup_free_ char *text = NULL;
  size_t len = 0;
  TRY(read_file(path, &text, &len));
  TRY_WRAP(oci_config_parse(text, len, out), "%s", path);
  return NULL;
}

void oci_config_free(struct oci_config *c)
{
  json_free(&config_type, c);
}

herr oci_process_parse(const char *json, size_t len, struct oci_process **out)
{
  void *obj;
  herr e = json_decode(json, len, &process_type, "", &obj);
  *out = obj;
  return e;
}

void oci_process_free(struct oci_process *p)
{
  json_free(&process_type, p);
}

herr oci_resources_parse(const char *json, size_t len, struct oci_resources **out)
{
  void *obj;
  herr e = json_decode(json, len, &resources_type, "", &obj);
  *out = obj;
  return e;
}

void oci_resources_free(struct oci_resources *r)
{
  json_free(&resources_type, r);
}

/* What `runc spec` writes, field for field (runc 1.1's default: scripts and
 * suites edit it with jq and count on it, a terminal included), but for the
 * hostname ("hull") and the ociVersion hull implements. */
static const char default_config[] =
  "{\n"
  "  \"ociVersion\": \"1.2.0\",\n"
  "  \"process\": {\n"
  "    \"terminal\": true,\n"
  "    \"user\": {\n"
  "      \"uid\": 0,\n"
  "      \"gid\": 0\n"
  "    },\n"
  "    \"args\": [\n"
  "      \"sh\"\n"
  "    ],\n"
  "    \"env\": [\n"
  "      \"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\",\n"
  "      \"TERM=xterm\"\n"
  "    ],\n"
  "    \"cwd\": \"/\",\n"
  "    \"capabilities\": {\n"
  "      \"bounding\": [\n"
  "        \"CAP_AUDIT_WRITE\",\n"
  "        \"CAP_KILL\",\n"
  "        \"CAP_NET_BIND_SERVICE\"\n"
  "      ],\n"
  "      \"effective\": [\n"
  "        \"CAP_AUDIT_WRITE\",\n"
  "        \"CAP_KILL\",\n"
  "        \"CAP_NET_BIND_SERVICE\"\n"
  "      ],\n"
  "      \"permitted\": [\n"
  "        \"CAP_AUDIT_WRITE\",\n"
  "        \"CAP_KILL\",\n"
  "        \"CAP_NET_BIND_SERVICE\"\n"
  "      ],\n"
  "      \"ambient\": [\n"
  "        \"CAP_AUDIT_WRITE\",\n"
  "        \"CAP_KILL\",\n"
  "        \"CAP_NET_BIND_SERVICE\"\n"
  "      ]\n"
  "    },\n"
  "    \"rlimits\": [\n"
  "      {\n"
  "        \"type\": \"RLIMIT_NOFILE\",\n"
  "        \"hard\": 1024,\n"
  "        \"soft\": 1024\n"
  "      }\n"
  "    ],\n"
  "    \"noNewPrivileges\": true\n"
  "  },\n"
  "  \"root\": {\n"
  "    \"path\": \"rootfs\",\n"
  "    \"readonly\": true\n"
  "  },\n"
  "  \"hostname\": \"hull\",\n"
  "  \"mounts\": [\n"
  "    {\n"
  "      \"destination\": \"/proc\",\n"
  "      \"type\": \"proc\",\n"
  "      \"source\": \"proc\"\n"
  "    },\n"
  "    {\n"
  "      \"destination\": \"/dev\",\n"
  "      \"type\": \"tmpfs\",\n"
  "      \"source\": \"tmpfs\",\n"
  "      \"options\": [\n"
  "        \"nosuid\",\n"
  "        \"strictatime\",\n"
  "        \"mode=755\",\n"
  "        \"size=65536k\"\n"
  "      ]\n"
  "    },\n"
  "    {\n"
  "      \"destination\": \"/dev/pts\",\n"
  "      \"type\": \"devpts\",\n"
  "      \"source\": \"devpts\",\n"
  "      \"options\": [\n"
  "        \"nosuid\",\n"
  "        \"noexec\",\n"
  "        \"newinstance\",\n"
  "        \"ptmxmode=0666\",\n"
  "        \"mode=0620\",\n"
  "        \"gid=5\"\n"
  "      ]\n"
  "    },\n"
  "    {\n"
  "      \"destination\": \"/dev/shm\",\n"
  "      \"type\": \"tmpfs\",\n"
  "      \"source\": \"shm\",\n"
  "      \"options\": [\n"
  "        \"nosuid\",\n"
  "        \"noexec\",\n"
  "        \"nodev\",\n"
  "        \"mode=1777\",\n"
  "        \"size=65536k\"\n"
  "      ]\n"
  "    },\n"
  "    {\n"
  "      \"destination\": \"/dev/mqueue\",\n"
  "      \"type\": \"mqueue\",\n"
  "      \"source\": \"mqueue\",\n"
  "      \"options\": [\n"
  "        \"nosuid\",\n"
  "        \"noexec\",\n"
  "        \"nodev\"\n"
  "      ]\n"
  "    },\n"
  "    {\n"
  "      \"destination\": \"/sys\",\n"
  "      \"type\": \"sysfs\",\n"
  "      \"source\": \"sysfs\",\n"
  "      \"options\": [\n"
  "        \"nosuid\",\n"
  "        \"noexec\",\n"
  "        \"nodev\",\n"
  "        \"ro\"\n"
  "      ]\n"
  "    },\n"
  "    {\n"
  "      \"destination\": \"/sys/fs/cgroup\",\n"
  "      \"type\": \"cgroup\",\n"
  "      \"source\": \"cgroup\",\n"
  "      \"options\": [\n"
  "        \"nosuid\",\n"
  "        \"noexec\",\n"
  "        \"nodev\",\n"
  "        \"relatime\",\n"
  "        \"ro\"\n"
  "      ]\n"
  "    }\n"
  "  ],\n"
  "  \"linux\": {\n"
  "    \"resources\": {\n"
  "      \"devices\": [\n"
  "        {\n"
  "          \"allow\": false,\n"
  "          \"access\": \"rwm\"\n"
  "        }\n"
  "      ]\n"
  "    },\n"
  "    \"namespaces\": [\n"
  "      {\n"
  "        \"type\": \"pid\"\n"
  "      },\n"
  "      {\n"
  "        \"type\": \"network\"\n"
  "      },\n"
  "      {\n"
  "        \"type\": \"ipc\"\n"
  "      },\n"
  "      {\n"
  "        \"type\": \"uts\"\n"
  "      },\n"
  "      {\n"
  "        \"type\": \"mount\"\n"
  "      }\n"
  "    ],\n"
  "    \"maskedPaths\": [\n"
  "      \"/proc/acpi\",\n"
  "      \"/proc/asound\",\n"
  "      \"/proc/kcore\",\n"
  "      \"/proc/keys\",\n"
  "      \"/proc/latency_stats\",\n"
  "      \"/proc/timer_list\",\n"
  "      \"/proc/timer_stats\",\n"
  "      \"/proc/sched_debug\",\n"
  "      \"/sys/firmware\",\n"
  "      \"/proc/scsi\"\n"
  "    ],\n"
  "    \"readonlyPaths\": [\n"
  "      \"/proc/bus\",\n"
  "      \"/proc/fs\",\n"
  "      \"/proc/irq\",\n"
  "      \"/proc/sys\",\n"
  "      \"/proc/sysrq-trigger\"\n"
  "    ]\n"
  "  }\n"
  "}\n";

/* Replace the one occurrence of `from` in *text by `to`. */
static herr replace_once(char **text, const char *from, const char *to)
{
  char *at = strstr(*text, from);
  if (!at || strstr(at + 1, from))
    return herr_new("default config: internal error: the default config changed shape near \"%.20s\"", from);
  char *out = NULL;
  if (asprintf(&out, "%.*s%s%s", (int)(at - *text), *text, to, at + strlen(from)) < 0)
    return herr_errno(ENOMEM, "default config");
  free(*text);
  *text = out;
  return NULL;
}

struct text_edit {
  const char *from, *to;
};

static herr apply_edits(char **text, const struct text_edit *edits, size_t n)
{
  for (size_t i = 0; i < n; i++)
    TRY(replace_once(text, edits[i].from, edits[i].to));
  return NULL;
}

/* `runc spec --rootless`: the caller's uid and gid become root of a new user
 * namespace, which has no network namespace of its own (an unprivileged user
 * could not give it one it can use) nor a devices cgroup; devpts gets no gid=
 * (group 5 is not mapped); /sys is the host's, bound (a user namespace may not
 * mount sysfs without a network namespace of its own). */
static herr make_rootless(char **text, unsigned uid, unsigned gid)
{
  char maps[512];
  snprintf(maps, sizeof(maps),
           "  \"linux\": {\n"
           "    \"uidMappings\": [\n      { \"containerID\": 0, \"hostID\": %u, \"size\": 1 }\n    ],\n"
           "    \"gidMappings\": [\n      { \"containerID\": 0, \"hostID\": %u, \"size\": 1 }\n    ],\n",
           uid, gid);
  const struct text_edit edits[] = {
    { "        \"mode=0620\",\n        \"gid=5\"\n", "        \"mode=0620\"\n" },
    { "      \"destination\": \"/sys\",\n      \"type\": \"sysfs\",\n      \"source\": \"sysfs\",\n"
      "      \"options\": [\n",
      "      \"destination\": \"/sys\",\n      \"type\": \"none\",\n      \"source\": \"/sys\",\n"
      "      \"options\": [\n        \"rbind\",\n" },
    { "  \"linux\": {\n    \"resources\": {\n      \"devices\": [\n        {\n"
      "          \"allow\": false,\n          \"access\": \"rwm\"\n        }\n      ]\n    },\n",
      maps },
    { "      {\n        \"type\": \"network\"\n      },\n", "" },
    { "        \"type\": \"mount\"\n      }\n",
      "        \"type\": \"mount\"\n      },\n      {\n        \"type\": \"user\"\n      }\n" },
  };
  return apply_edits(text, edits, sizeof(edits) / sizeof(edits[0]));
}

herr oci_default_config_json(const struct oci_default_opts *o, char **out)
{
  char *text = xstrdup(default_config);
  herr e = NULL;
  if (o->rootless)
    e = make_rootless(&text, o->uid, o->gid);
  if (!e && o->no_terminal) {
    const struct text_edit edit = { "    \"terminal\": true,\n", "    \"terminal\": false,\n" };
    e = apply_edits(&text, &edit, 1);
  }
  if (e) {
    free(text);
    return e;
  }
  *out = text;
  return NULL;
}
