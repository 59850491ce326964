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

#include <sys/personality.h>

#include <linux/ioprio.h>
#include <linux/mempolicy.h>
#include <linux/sched.h>

#include "cleanup.h"
#include "cpulist.h"
#include "json.h"
/* The engine functions the tables name in BY(): */
#include "capabilities.h"
#include "cgroup.h"
#include "cpu_affinity.h"
#include "devices.h"
#include "hooks.h"
#include "idmap.h"
#include "intelrdt.h"
#include "io_priority.h"
#include "lsm.h"
#include "masked_paths.h"
#include "memory_policy.h"
#include "mounts.h"
#include "namespaces.h"
#include "netdevices.h"
#include "personality.h"
#include "process.h"
#include "rlimits.h"
#include "rootfs.h"
#include "scheduler.h"
#include "seccomp.h"
#include "state.h"
#include "sysctl.h"
#include "terminal.h"
#include "uts.h"
#include "seccomp_names.h"

/* json.c fills maps into struct json_kv and keyed objects through a leading
 * `char *key`; the spec structs must have those layouts. */
_Static_assert(sizeof(struct oci_kv) == sizeof(struct json_kv) &&
                   offsetof(struct oci_kv, key) == offsetof(struct json_kv, key) &&
                   offsetof(struct oci_kv, value) == offsetof(struct json_kv, value),
               "struct oci_kv must match struct json_kv");
_Static_assert(offsetof(struct oci_net_device, key) == 0, "key must come first");
_Static_assert(offsetof(struct oci_rdma, key) == 0, "key must come first");
_Static_assert(sizeof(enum oci_ns_type) == sizeof(int), "JK_ENUM stores an int");


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

static const char *const seccomp_actions[] = { SECCOMP_ACTIONS(SECCOMP_NAME3) NULL };
static const char *const seccomp_operators[] = { SECCOMP_OPERATORS(SECCOMP_NAME1) NULL };
static const char *const seccomp_archs[] = { SECCOMP_ARCHS(SECCOMP_NAME1) NULL };
static const char *const seccomp_flags[] = { SECCOMP_FLAGS(SECCOMP_NAME2) NULL };

/* set_mempolicy(2)'s modes and flags, by the numbers of <linux/mempolicy.h>
 * (MPOL_WEIGHTED_INTERLEAVE is newer than some headers). */
static const char *const memory_policy_modes[] = {
  "MPOL_DEFAULT", "MPOL_BIND", "MPOL_INTERLEAVE", "MPOL_WEIGHTED_INTERLEAVE",
  "MPOL_PREFERRED", "MPOL_PREFERRED_MANY", "MPOL_LOCAL", NULL,
};
static const int memory_policy_mode_nums[] = {
  MPOL_DEFAULT, MPOL_BIND, MPOL_INTERLEAVE, 6 /* MPOL_WEIGHTED_INTERLEAVE */,
  MPOL_PREFERRED, MPOL_PREFERRED_MANY, MPOL_LOCAL,
};
_Static_assert(ARRAY_LEN(memory_policy_modes) == ARRAY_LEN(memory_policy_mode_nums) + 1,
               "one number per memory policy mode");

static const char *const memory_policy_flags[] = {
  "MPOL_F_NUMA_BALANCING", "MPOL_F_RELATIVE_NODES", "MPOL_F_STATIC_NODES", NULL,
};
static const uint64_t memory_policy_flag_nums[] = {
  MPOL_F_NUMA_BALANCING, MPOL_F_RELATIVE_NODES, MPOL_F_STATIC_NODES,
};
_Static_assert(ARRAY_LEN(memory_policy_flags) == ARRAY_LEN(memory_policy_flag_nums) + 1,
               "one number per memory policy flag");

static const char *const personality_domains[] = { "LINUX", "LINUX32", NULL };
static const unsigned long personality_domain_nums[] = { PER_LINUX, PER_LINUX32 };
_Static_assert(ARRAY_LEN(personality_domains) == ARRAY_LEN(personality_domain_nums) + 1,
               "one number per personality domain");

static const char *const scheduler_flags[] = {
  "SCHED_FLAG_RESET_ON_FORK", "SCHED_FLAG_RECLAIM", "SCHED_FLAG_DL_OVERRUN",
  "SCHED_FLAG_KEEP_POLICY", "SCHED_FLAG_KEEP_PARAMS",
  "SCHED_FLAG_UTIL_CLAMP_MIN", "SCHED_FLAG_UTIL_CLAMP_MAX", NULL,
};
static const uint64_t scheduler_flag_nums[] = {
  SCHED_FLAG_RESET_ON_FORK, SCHED_FLAG_RECLAIM, SCHED_FLAG_DL_OVERRUN,
  SCHED_FLAG_KEEP_POLICY, SCHED_FLAG_KEEP_PARAMS,
  SCHED_FLAG_UTIL_CLAMP_MIN, SCHED_FLAG_UTIL_CLAMP_MAX,
};
_Static_assert(ARRAY_LEN(scheduler_flags) == ARRAY_LEN(scheduler_flag_nums) + 1,
               "one number per scheduler flag");

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

/* "0-3,7" (cpulist.h): CPUs or memory nodes, refused here rather than by
 * the kernel once the cgroup or the process exists. */
static herr check_cpu_list(const void *m)
{
  struct cpulist l;
  TRY(cpulist_parse(string_member(m), &l));
  cpulist_free(&l);
  return NULL;
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

/* The index of `value` in `names`, to derive its number from the list beside
 * them; the field's enum_values refused any other value already, so a miss
 * means the two lists disagree. */
static herr name_index(const char *const *names, const char *value, const char *field, int *i)
{
  *i = list_index(names, value);
  return *i < 0 ? herr_new(".%s: unknown value \"%s\"", field, value) : NULL;
}

static herr resolve_io_priority(void *obj)
{
  struct oci_io_priority *p = obj;
  int i;
  TRY(name_index(ioprio_classes, p->class, "class", &i));
  p->class_num = ioprio_class_nums[i];
  if (p->priority < 0 || p->priority > 7)
    return herr_new(".priority: %d out of range (0 to 7)", p->priority);
  return NULL;
}

/* The numbers of the flags named in `flags` (the field's enum_values made
 * sure each is in `names`), or'ed. */
static uint64_t or_flags(const char *const *names, const uint64_t *nums, char *const *flags, size_t n)
{
  uint64_t bits = 0;
  for (size_t i = 0; i < n; i++)
    bits |= nums[list_index(names, flags[i])];
  return bits;
}

static bool is_realtime_policy(int policy)
{
  return policy == SCHED_FIFO || policy == SCHED_RR;
}

/* The combinations sched_setattr(2) would refuse, refused here with their
 * field (as runc's validator does, and a little more). */
static herr check_scheduler_combination(const struct oci_scheduler *s)
{
  if (s->policy_num == SCHED_ISO)
    return herr_new(".policy: SCHED_ISO is reserved and not implemented by Linux");
  if (s->has_nice && (s->nice < -20 || s->nice > 19))
    return herr_new(".nice: %d out of range (-20 to 19)", s->nice);
  if (is_realtime_policy(s->policy_num) && (s->priority < 1 || s->priority > 99))
    return herr_new(".priority: %s needs a priority from 1 to 99, got %d", s->policy, s->priority);
  if (!is_realtime_policy(s->policy_num) && s->priority != 0)
    return herr_new(".priority: only SCHED_FIFO and SCHED_RR take a priority, not %s", s->policy);
  if (s->policy_num != SCHED_DEADLINE) {
    if (s->runtime || s->deadline || s->period)
      return herr_new(".%s: only SCHED_DEADLINE takes runtime, deadline and period, not %s",
                      s->runtime ? "runtime" : s->deadline ? "deadline" : "period", s->policy);
    return NULL;
  }
  if (s->runtime == 0)
    return herr_new(".runtime: SCHED_DEADLINE needs a runtime greater than 0");
  if (s->deadline < s->runtime)
    return herr_new(".deadline: %llu is less than the runtime %llu", (unsigned long long)s->deadline,
                    (unsigned long long)s->runtime);
  if (s->period && s->period < s->deadline)
    return herr_new(".period: %llu is less than the deadline %llu", (unsigned long long)s->period,
                    (unsigned long long)s->deadline);
  return NULL;
}

static herr resolve_scheduler(void *obj)
{
  struct oci_scheduler *s = obj;
  int i;
  TRY(name_index(scheduler_policies, s->policy, "policy", &i));
  s->policy_num = scheduler_policy_nums[i];
  s->flags_num = or_flags(scheduler_flags, scheduler_flag_nums, s->flags, s->n_flags);
  return check_scheduler_combination(s);
}

static bool has_nodes(const char *nodes)
{
  return nodes && nodes[strspn(nodes, " \t")];
}

/* set_mempolicy(2): MPOL_DEFAULT and MPOL_LOCAL take no nodes, BIND,
 * INTERLEAVE, WEIGHTED_INTERLEAVE and PREFERRED_MANY at least one; STATIC
 * and RELATIVE nodes exclude each other. */
static herr resolve_memory_policy(void *obj)
{
  struct oci_memory_policy *mp = obj;
  int i;
  TRY(name_index(memory_policy_modes, mp->mode, "mode", &i));
  mp->mode_num = memory_policy_mode_nums[i];
  mp->flags_num = (unsigned)or_flags(memory_policy_flags, memory_policy_flag_nums, mp->flags, mp->n_flags);
  bool nodes = has_nodes(mp->nodes);
  if ((mp->mode_num == MPOL_DEFAULT || mp->mode_num == MPOL_LOCAL) && nodes)
    return herr_new(".nodes: %s takes no nodes, got \"%s\"", mp->mode, mp->nodes);
  if (mp->mode_num != MPOL_DEFAULT && mp->mode_num != MPOL_LOCAL &&
      mp->mode_num != MPOL_PREFERRED && !nodes)
    return herr_new(".nodes: %s needs at least one node", mp->mode);
  if (mp->mode_num == MPOL_DEFAULT && mp->n_flags)
    return herr_new(".flags[0]: MPOL_DEFAULT takes no flags");
  if ((mp->flags_num & MPOL_F_STATIC_NODES) && (mp->flags_num & MPOL_F_RELATIVE_NODES))
    return herr_new(".flags: MPOL_F_STATIC_NODES and MPOL_F_RELATIVE_NODES exclude each other");
  return NULL;
}

static herr resolve_personality(void *obj)
{
  struct oci_personality *p = obj;
  int i;
  TRY(name_index(personality_domains, p->domain, "domain", &i));
  p->domain_num = personality_domain_nums[i];
  return NULL;
}

const char *const *oci_memory_policy_modes(void)
{
  return memory_policy_modes;
}

const char *const *oci_memory_policy_flags(void)
{
  return memory_policy_flags;
}

/* runc reads 0 as "not set" for these limits (and blkio weights), and engines
 * rely on it: Docker sends a blkio weight of 0 on every container, and its
 * `update` every limit, 0 for those the user did not change. */
static void unset_if_zero(bool *has, int64_t v)
{
  if (*has && v == 0)
    *has = false;
}

static herr resolve_memory(void *obj)
{
  struct oci_memory *m = obj;
  unset_if_zero(&m->has_limit, m->limit);
  unset_if_zero(&m->has_reservation, m->reservation);
  unset_if_zero(&m->has_swap, m->swap);
  unset_if_zero(&m->has_kernel, m->kernel);
  unset_if_zero(&m->has_kernelTCP, m->kernelTCP);
  return NULL;
}

static herr resolve_cpu(void *obj)
{
  struct oci_cpu *c = obj;
  unset_if_zero(&c->has_shares, (int64_t)c->shares);
  unset_if_zero(&c->has_quota, c->quota);
  unset_if_zero(&c->has_period, (int64_t)c->period);
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
static herr resolve_blkio_weight_device(void *obj)
{
  struct oci_blkio_weight_device *d = obj;
  unset_if_zero(&d->has_weight, d->weight);
  unset_if_zero(&d->has_leafWeight, d->leafWeight);
  return NULL;
}

static herr resolve_blkio(void *obj)
{
  struct oci_blkio *b = obj;
  unset_if_zero(&b->has_weight, b->weight);
  unset_if_zero(&b->has_leafWeight, b->leafWeight);
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
/* Every field says where it takes effect (json.h, json_check_applied()):
 * BY(fn), the engine function that applies it (sizeof makes the compiler
 * check that fn is declared, without calling or linking it), or
 * REFUSED(why), which create and exec refuse when the field asks for
 * anything (oci_config_refuse_unsupported()). */
#define BY(fn) .applied_by = #fn + 0 * sizeof(&(fn))
#define REFUSED(why) .refused = (why)
#define END { .name = NULL }
#define STRINGIFY(x) #x
#define TYPE_NAME(S) STRINGIFY(S) /* expands S first: "struct oci_hook" */
#define TYPE(var, S, fields, obj_check) \
  static const struct json_type var = { TYPE_NAME(S), sizeof(S), fields, obj_check }

/* ---- hooks ---- */
#define S struct oci_hook
static const struct json_field hook_fields[] = {
  F(S, path, JK_STRING, REQUIRED, CHECK(check_absolute_path), BY(hooks_run)),
  F_LIST(S, args, JK_STRV, BY(hooks_run)),
  F_LIST(S, env, JK_STRV, BY(hooks_run)),
  F_OPT(S, timeout, JK_INT64, CHECK(check_positive), BY(hooks_run)),
  END
};
TYPE(hook_type, S, hook_fields, NULL);
#undef S

#define S struct oci_hooks
static const struct json_field hooks_fields[] = {
  F_LIST(S, prestart, JK_ARRAY, OF(hook_type), BY(hooks_run)),
  F_LIST(S, createRuntime, JK_ARRAY, OF(hook_type), BY(hooks_run)),
  F_LIST(S, createContainer, JK_ARRAY, OF(hook_type), BY(hooks_run)),
  F_LIST(S, startContainer, JK_ARRAY, OF(hook_type), BY(hooks_run)),
  F_LIST(S, poststart, JK_ARRAY, OF(hook_type), BY(hooks_run)),
  F_LIST(S, poststop, JK_ARRAY, OF(hook_type), BY(hooks_run)),
  END
};
TYPE(hooks_type, S, hooks_fields, NULL);
#undef S

/* ---- root, mounts ---- */
#define S struct oci_idmapping
static const struct json_field idmapping_fields[] = {
  F(S, containerID, JK_UINT32, REQUIRED, BY(ns_write_id_maps)),
  F(S, hostID, JK_UINT32, REQUIRED, BY(ns_write_id_maps)),
  F(S, size, JK_UINT32, REQUIRED, BY(ns_write_id_maps)),
  END
};
TYPE(idmapping_type, S, idmapping_fields, NULL);
#undef S

#define S struct oci_mount
static const struct json_field mount_fields[] = {
  F(S, destination, JK_STRING, REQUIRED, BY(mounts_apply)),
  F(S, source, JK_STRING, BY(mounts_apply)),
  F(S, type, JK_STRING, BY(mounts_apply)),
  F_LIST(S, options, JK_STRV, BY(mounts_apply)),
  F_LIST(S, uidMappings, JK_ARRAY, OF(idmapping_type), BY(idmap_prepare_mounts)),
  F_LIST(S, gidMappings, JK_ARRAY, OF(idmapping_type), BY(idmap_prepare_mounts)),
  END
};
TYPE(mount_type, S, mount_fields, NULL);
#undef S

#define S struct oci_root
static const struct json_field root_fields[] = {
  F(S, path, JK_STRING, REQUIRED, BY(rootfs_open_dir)),
  F(S, readonly, JK_BOOL, BY(rootfs_make_readonly)),
  END
};
TYPE(root_type, S, root_fields, NULL);
#undef S

/* ---- process ---- */
#define S struct oci_box
static const struct json_field box_fields[] = {
  F(S, height, JK_UINT64, REQUIRED, BY(terminal_open_pty)),
  F(S, width, JK_UINT64, REQUIRED, BY(terminal_open_pty)),
  END
};
TYPE(box_type, S, box_fields, NULL);
#undef S

/* uid and gid default to 0 when absent, as in runc: the schema does not
 * require them even though config.md does. */
#define S struct oci_user
static const struct json_field user_fields[] = {
  F(S, uid, JK_UINT32, BY(process_switch_user)),
  F(S, gid, JK_UINT32, BY(process_switch_user)),
  F_OPT(S, umask, JK_UINT32, BY(process_switch_user)),
  F_LIST(S, additionalGids, JK_UINT32V, BY(process_switch_user)),
  F(S, username, JK_STRING, REFUSED("a Windows property (on Linux the user is uid and gid)")),
  END
};
TYPE(user_type, S, user_fields, NULL);
#undef S

/* Capability names are checked against libcap by capabilities_validate(). */
#define S struct oci_capabilities
static const struct json_field capabilities_fields[] = {
  F_LIST(S, bounding, JK_STRV, BY(capabilities_apply_bounding)),
  F_LIST(S, effective, JK_STRV, BY(capabilities_apply_sets)),
  F_LIST(S, inheritable, JK_STRV, BY(capabilities_apply_sets)),
  F_LIST(S, permitted, JK_STRV, BY(capabilities_apply_sets)),
  F_LIST(S, ambient, JK_STRV, BY(capabilities_apply_sets)),
  END
};
TYPE(capabilities_type, S, capabilities_fields, NULL);
#undef S

/* soft <= hard is not required: setrlimit() will say so if it matters. */
#define S struct oci_rlimit
static const struct json_field rlimit_fields[] = {
  F(S, type, JK_STRING, REQUIRED, BY(rlimits_apply)),
  F(S, soft, JK_UINT64, REQUIRED, BY(rlimits_apply)),
  F(S, hard, JK_UINT64, REQUIRED, BY(rlimits_apply)),
  END
};
TYPE(rlimit_type, S, rlimit_fields, resolve_rlimit);
#undef S

#define S struct oci_io_priority
static const struct json_field io_priority_fields[] = {
  F(S, class, JK_STRING, REQUIRED, ONE_OF(ioprio_classes), BY(io_priority_apply)),
  F(S, priority, JK_INT32, REQUIRED, BY(io_priority_apply)),
  END
};
TYPE(io_priority_type, S, io_priority_fields, resolve_io_priority);
#undef S

#define S struct oci_scheduler
static const struct json_field scheduler_fields[] = {
  F(S, policy, JK_STRING, REQUIRED, ONE_OF(scheduler_policies), BY(scheduler_apply)),
  F_OPT(S, nice, JK_INT32, BY(scheduler_apply)),
  F_OPT(S, priority, JK_INT32, BY(scheduler_apply)),
  F_LIST(S, flags, JK_STRV, ONE_OF(scheduler_flags), BY(scheduler_apply)),
  F(S, runtime, JK_UINT64, BY(scheduler_apply)),
  F(S, deadline, JK_UINT64, BY(scheduler_apply)),
  F(S, period, JK_UINT64, BY(scheduler_apply)),
  END
};
TYPE(scheduler_type, S, scheduler_fields, resolve_scheduler);
#undef S

#define S struct oci_cpu_affinity
static const struct json_field cpu_affinity_fields[] = {
  F(S, initial, JK_STRING, CHECK(check_cpu_list), BY(cpu_affinity_apply_initial)),
  F(S, final, JK_STRING, CHECK(check_cpu_list), BY(cpu_affinity_apply_final)),
  END
};
TYPE(cpu_affinity_type, S, cpu_affinity_fields, NULL);
#undef S

/* args may be absent here: the schema allows it, and start refuses to run
 * a process without one. */
#define S struct oci_process
static const struct json_field process_fields[] = {
  F(S, terminal, JK_BOOL, BY(terminal_open_pty)),
  F(S, consoleSize, JK_OBJECT, OF(box_type), BY(terminal_open_pty)),
  F(S, user, JK_INLINE, OF(user_type), BY(process_switch_user)),
  F_LIST(S, args, JK_STRV, BY(process_exec)),
  F(S, commandLine, JK_STRING, REFUSED("a Windows property (on Linux process.args is run)")),
  F_LIST(S, env, JK_STRV, BY(process_exec)),
  F(S, cwd, JK_STRING, REQUIRED, CHECK(check_absolute_path), BY(process_enter_cwd)),
  F(S, capabilities, JK_OBJECT, OF(capabilities_type), BY(capabilities_apply_sets)),
  F_LIST(S, rlimits, JK_ARRAY, OF(rlimit_type), BY(rlimits_apply)),
  F(S, noNewPrivileges, JK_BOOL, BY(process_set_no_new_privileges)),
  F(S, apparmorProfile, JK_STRING, BY(lsm_set_exec_labels)),
  F_OPT(S, oomScoreAdj, JK_INT32, BY(process_set_oom_score_adj)),
  F(S, selinuxLabel, JK_STRING, BY(lsm_set_exec_labels)),
  F(S, ioPriority, JK_OBJECT, OF(io_priority_type), BY(io_priority_apply)),
  F(S, scheduler, JK_OBJECT, OF(scheduler_type), BY(scheduler_apply)),
  F(S, execCPUAffinity, JK_OBJECT, OF(cpu_affinity_type), BY(cpu_affinity_apply_initial)),
  END
};
TYPE(process_type, S, process_fields, check_process);
#undef S

/* ---- linux: devices, namespaces ---- */
#define S struct oci_namespace
static const struct json_field namespace_fields[] = {
  F(S, type, JK_ENUM, REQUIRED, ONE_OF(ns_type_names), BY(ns_plan_prepare)),
  F(S, path, JK_STRING, CHECK(check_absolute_path), BY(ns_plan_prepare)), /* config-linux.md: MUST be absolute */
  END
};
TYPE(namespace_type, S, namespace_fields, NULL);
#undef S

#define S struct oci_device
static const struct json_field device_fields[] = {
  F(S, type, JK_STRING, REQUIRED, ONE_OF(device_types), BY(devices_create)),
  F(S, path, JK_STRING, REQUIRED, BY(devices_create)),
  F_OPT(S, major, JK_INT64, BY(devices_create)),
  F_OPT(S, minor, JK_INT64, BY(devices_create)),
  F_OPT(S, fileMode, JK_UINT32, CHECK(check_file_mode), BY(devices_create)),
  F_OPT(S, uid, JK_UINT32, BY(devices_create)),
  F_OPT(S, gid, JK_UINT32, BY(devices_create)),
  END
};
TYPE(device_type, S, device_fields, check_device);
#undef S

#define S struct oci_net_device
static const struct json_field net_device_fields[] = {
  F(S, name, JK_STRING, BY(netdevices_move)),
  END
};
TYPE(net_device_type, S, net_device_fields, NULL);
#undef S

/* ---- linux.resources ---- */
#define S struct oci_device_cgroup
static const struct json_field device_cgroup_fields[] = {
  F(S, allow, JK_BOOL, REQUIRED, BY(cgroup_device_rules)),
  F(S, type, JK_STRING, BY(cgroup_device_rules)),
  F_OPT(S, major, JK_INT64, BY(cgroup_device_rules)),
  F_OPT(S, minor, JK_INT64, BY(cgroup_device_rules)),
  F(S, access, JK_STRING, BY(cgroup_device_rules)),
  END
};
TYPE(device_cgroup_type, S, device_cgroup_fields, NULL);
#undef S

#define S struct oci_memory
static const struct json_field memory_fields[] = {
  F_OPT(S, limit, JK_INT64, BY(cgroup_apply)),
  F_OPT(S, reservation, JK_INT64, BY(cgroup_apply)),
  F_OPT(S, swap, JK_INT64, BY(cgroup_apply)),
  F_OPT(S, kernel, JK_INT64, BY(cgroup_apply)),
  F_OPT(S, kernelTCP, JK_INT64, BY(cgroup_apply)),
  F_OPT(S, swappiness, JK_UINT64, BY(cgroup_apply)),
  F_OPT(S, disableOOMKiller, JK_BOOL, BY(cgroup_apply)),
  F_OPT(S, useHierarchy, JK_BOOL, BY(cgroup_apply)),
  F_OPT(S, checkBeforeUpdate, JK_BOOL, BY(cgroup_apply)),
  END
};
TYPE(memory_type, S, memory_fields, resolve_memory);
#undef S

#define S struct oci_cpu
static const struct json_field cpu_fields[] = {
  F_OPT(S, shares, JK_UINT64, BY(cgroup_apply)),
  F_OPT(S, quota, JK_INT64, BY(cgroup_apply)),
  F_OPT(S, burst, JK_UINT64, BY(cgroup_apply)),
  F_OPT(S, period, JK_UINT64, BY(cgroup_apply)),
  F_OPT(S, realtimeRuntime, JK_INT64, BY(cgroup_apply)),
  F_OPT(S, realtimePeriod, JK_UINT64, BY(cgroup_apply)),
  F(S, cpus, JK_STRING, CHECK(check_cpu_list), BY(cgroup_apply)),
  F(S, mems, JK_STRING, CHECK(check_cpu_list), BY(cgroup_apply)),
  F_OPT(S, idle, JK_INT64, BY(cgroup_apply)),
  END
};
TYPE(cpu_type, S, cpu_fields, resolve_cpu);
#undef S

#define S struct oci_pids
static const struct json_field pids_fields[] = {
  F_OPT(S, limit, JK_INT64, REQUIRED, BY(cgroup_apply)),
  END
};
TYPE(pids_type, S, pids_fields, NULL);
#undef S

#define S struct oci_blkio_weight_device
static const struct json_field blkio_weight_device_fields[] = {
  F(S, major, JK_INT64, REQUIRED, BY(cgroup_apply)),
  F(S, minor, JK_INT64, REQUIRED, BY(cgroup_apply)),
  F_OPT(S, weight, JK_UINT16, BY(cgroup_apply)),
  F_OPT(S, leafWeight, JK_UINT16, BY(cgroup_apply)),
  END
};
TYPE(blkio_weight_device_type, S, blkio_weight_device_fields, resolve_blkio_weight_device);
#undef S

#define S struct oci_blkio_throttle_device
static const struct json_field blkio_throttle_device_fields[] = {
  F(S, major, JK_INT64, REQUIRED, BY(cgroup_apply)),
  F(S, minor, JK_INT64, REQUIRED, BY(cgroup_apply)),
  F(S, rate, JK_UINT64, REQUIRED, BY(cgroup_apply)),
  END
};
TYPE(blkio_throttle_device_type, S, blkio_throttle_device_fields, NULL);
#undef S

#define S struct oci_blkio
static const struct json_field blkio_fields[] = {
  F_OPT(S, weight, JK_UINT16, BY(cgroup_apply)),
  F_OPT(S, leafWeight, JK_UINT16, BY(cgroup_apply)),
  F_LIST(S, weightDevice, JK_ARRAY, OF(blkio_weight_device_type), BY(cgroup_apply)),
  F_LIST(S, throttleReadBpsDevice, JK_ARRAY, OF(blkio_throttle_device_type), BY(cgroup_apply)),
  F_LIST(S, throttleWriteBpsDevice, JK_ARRAY, OF(blkio_throttle_device_type), BY(cgroup_apply)),
  F_LIST(S, throttleReadIOPSDevice, JK_ARRAY, OF(blkio_throttle_device_type), BY(cgroup_apply)),
  F_LIST(S, throttleWriteIOPSDevice, JK_ARRAY, OF(blkio_throttle_device_type), BY(cgroup_apply)),
  END
};
TYPE(blkio_type, S, blkio_fields, resolve_blkio);
#undef S

#define S struct oci_hugepage_limit
static const struct json_field hugepage_limit_fields[] = {
  F(S, pageSize, JK_STRING, REQUIRED, CHECK(check_page_size), BY(cgroup_apply)),
  F(S, limit, JK_UINT64, REQUIRED, BY(cgroup_apply)),
  END
};
TYPE(hugepage_limit_type, S, hugepage_limit_fields, NULL);
#undef S

#define S struct oci_net_priority
static const struct json_field net_priority_fields[] = {
  F(S, name, JK_STRING, REQUIRED, BY(cgroup_apply)),
  F(S, priority, JK_UINT32, REQUIRED, BY(cgroup_apply)),
  END
};
TYPE(net_priority_type, S, net_priority_fields, NULL);
#undef S

#define S struct oci_network
static const struct json_field network_fields[] = {
  F_OPT(S, classID, JK_UINT32, BY(cgroup_apply)),
  F_LIST(S, priorities, JK_ARRAY, OF(net_priority_type), BY(cgroup_apply)),
  END
};
TYPE(network_type, S, network_fields, NULL);
#undef S

#define S struct oci_rdma
static const struct json_field rdma_fields[] = {
  F_OPT(S, hcaHandles, JK_UINT32, BY(cgroup_apply)),
  F_OPT(S, hcaObjects, JK_UINT32, BY(cgroup_apply)),
  END
};
TYPE(rdma_type, S, rdma_fields, NULL);
#undef S

#define S struct oci_resources
static const struct json_field resources_fields[] = {
  F_LIST(S, devices, JK_ARRAY, OF(device_cgroup_type), BY(cgroup_device_rules)),
  F(S, memory, JK_OBJECT, OF(memory_type), BY(cgroup_apply)),
  F(S, cpu, JK_OBJECT, OF(cpu_type), BY(cgroup_apply)),
  F(S, pids, JK_OBJECT, OF(pids_type), BY(cgroup_apply)),
  F(S, blockIO, JK_OBJECT, OF(blkio_type), BY(cgroup_apply)),
  F_LIST(S, hugepageLimits, JK_ARRAY, OF(hugepage_limit_type), BY(cgroup_apply)),
  F(S, network, JK_OBJECT, OF(network_type), BY(cgroup_apply)),
  F_LIST(S, rdma, JK_MAP_OBJECT, OF(rdma_type), BY(cgroup_apply)),
  F_LIST(S, unified, JK_MAP_STRING, BY(cgroup_apply)),
  END
};
TYPE(resources_type, S, resources_fields, NULL);
#undef S

/* ---- linux.seccomp ---- */
#define S struct oci_seccomp_arg
static const struct json_field seccomp_arg_fields[] = {
  F(S, index, JK_UINT32, REQUIRED, BY(seccomp_compile)),
  F(S, value, JK_UINT64, REQUIRED, BY(seccomp_compile)),
  F_OPT(S, valueTwo, JK_UINT64, BY(seccomp_compile)),
  F(S, op, JK_STRING, REQUIRED, ONE_OF(seccomp_operators), BY(seccomp_compile)),
  END
};
TYPE(seccomp_arg_type, S, seccomp_arg_fields, NULL);
#undef S

#define S struct oci_seccomp_syscall
static const struct json_field seccomp_syscall_fields[] = {
  F_LIST(S, names, JK_STRV, REQUIRED, CHECK(check_not_empty), BY(seccomp_compile)),
  F(S, action, JK_STRING, REQUIRED, ONE_OF(seccomp_actions), BY(seccomp_compile)),
  F_OPT(S, errnoRet, JK_UINT32, BY(seccomp_compile)),
  F_LIST(S, args, JK_ARRAY, OF(seccomp_arg_type), BY(seccomp_compile)),
  END
};
TYPE(seccomp_syscall_type, S, seccomp_syscall_fields, NULL);
#undef S

#define S struct oci_seccomp
static const struct json_field seccomp_fields[] = {
  F(S, defaultAction, JK_STRING, REQUIRED, ONE_OF(seccomp_actions), BY(seccomp_compile)),
  F_OPT(S, defaultErrnoRet, JK_UINT32, BY(seccomp_compile)),
  F_LIST(S, architectures, JK_STRV, ONE_OF(seccomp_archs), BY(seccomp_compile)),
  F_LIST(S, flags, JK_STRV, ONE_OF(seccomp_flags), BY(seccomp_compile)),
  F(S, listenerPath, JK_STRING, BY(seccomp_listener_connect)),
  F(S, listenerMetadata, JK_STRING, BY(seccomp_install)),
  F_LIST(S, syscalls, JK_ARRAY, OF(seccomp_syscall_type), BY(seccomp_compile)),
  END
};
TYPE(seccomp_type, S, seccomp_fields, NULL);
#undef S

/* ---- the rest of linux ---- */
#define S struct oci_intel_rdt
static const struct json_field intel_rdt_fields[] = {
  F(S, closID, JK_STRING, BY(intelrdt_apply)),
  F(S, l3CacheSchema, JK_STRING, BY(intelrdt_apply)),
  F(S, memBwSchema, JK_STRING, CHECK(check_mem_bw_schema), BY(intelrdt_apply)),
  F_LIST(S, schemata, JK_STRV, BY(intelrdt_apply)),
  F(S, enableMonitoring, JK_BOOL, BY(intelrdt_apply)),
  END
};
TYPE(intel_rdt_type, S, intel_rdt_fields, NULL);
#undef S

#define S struct oci_memory_policy
static const struct json_field memory_policy_fields[] = {
  F(S, mode, JK_STRING, REQUIRED, ONE_OF(memory_policy_modes), BY(memory_policy_apply)),
  F(S, nodes, JK_STRING, CHECK(check_cpu_list), BY(memory_policy_apply)),
  F_LIST(S, flags, JK_STRV, ONE_OF(memory_policy_flags), BY(memory_policy_apply)),
  END
};
TYPE(memory_policy_type, S, memory_policy_fields, resolve_memory_policy);
#undef S

#define S struct oci_personality
static const struct json_field personality_fields[] = {
  F(S, domain, JK_STRING, REQUIRED, ONE_OF(personality_domains), BY(personality_apply)),
  F_LIST(S, flags, JK_STRV, REFUSED("the runtime spec defines no personality flags")),
  END
};
TYPE(personality_type, S, personality_fields, resolve_personality);
#undef S

#define S struct oci_time_offset
static const struct json_field time_offset_fields[] = {
  F(S, secs, JK_INT64, BY(ns_parent_before_clone)),
  F(S, nanosecs, JK_UINT32, BY(ns_parent_before_clone)),
  END
};
TYPE(time_offset_type, S, time_offset_fields, NULL);
#undef S

#define S struct oci_time_offsets
static const struct json_field time_offsets_fields[] = {
  F_OPT(S, monotonic, JK_INLINE, OF(time_offset_type), BY(ns_parent_before_clone)),
  F_OPT(S, boottime, JK_INLINE, OF(time_offset_type), BY(ns_parent_before_clone)),
  END
};
TYPE(time_offsets_type, S, time_offsets_fields, NULL);
#undef S

#define S struct oci_linux
static const struct json_field linux_fields[] = {
  F_LIST(S, devices, JK_ARRAY, OF(device_type), BY(devices_create)),
  F_LIST(S, netDevices, JK_MAP_OBJECT, OF(net_device_type), BY(netdevices_move)),
  F_LIST(S, uidMappings, JK_ARRAY, OF(idmapping_type), BY(ns_write_id_maps)),
  F_LIST(S, gidMappings, JK_ARRAY, OF(idmapping_type), BY(ns_write_id_maps)),
  F_LIST(S, namespaces, JK_ARRAY, OF(namespace_type), BY(ns_plan_prepare)),
  F(S, resources, JK_OBJECT, OF(resources_type), BY(cgroup_apply)),
  F(S, cgroupsPath, JK_STRING, BY(cgroup_prepare)),
  F(S, rootfsPropagation, JK_STRING, ONE_OF(rootfs_propagations), BY(rootfs_prepare)),
  F(S, seccomp, JK_OBJECT, OF(seccomp_type), BY(seccomp_install)),
  F_LIST(S, sysctl, JK_MAP_STRING, BY(sysctl_apply)),
  F_LIST(S, maskedPaths, JK_STRV, BY(masked_paths_apply)),
  F_LIST(S, readonlyPaths, JK_STRV, BY(readonly_paths_apply)),
  F(S, mountLabel, JK_STRING, BY(lsm_label_mounts)),
  F(S, intelRdt, JK_OBJECT, OF(intel_rdt_type), BY(intelrdt_apply)),
  F(S, memoryPolicy, JK_OBJECT, OF(memory_policy_type), BY(memory_policy_apply)),
  F(S, personality, JK_OBJECT, OF(personality_type), BY(personality_apply)),
  F(S, timeOffsets, JK_OBJECT, OF(time_offsets_type), BY(ns_parent_before_clone)),
  END
};
TYPE(linux_type, S, linux_fields, check_linux);
#undef S

/* ---- the document ---- */
#define S struct oci_config
static const struct json_field config_fields[] = {
  F(S, ociVersion, JK_STRING, REQUIRED, CHECK(check_oci_version), BY(state_write)),
  F(S, root, JK_OBJECT, REQUIRED, OF(root_type), BY(rootfs_prepare)), /* required on Linux */
  F_LIST(S, mounts, JK_ARRAY, OF(mount_type), BY(mounts_apply)),
  F(S, process, JK_OBJECT, OF(process_type), BY(process_exec)),
  F(S, hostname, JK_STRING, BY(uts_apply)),
  F(S, domainname, JK_STRING, BY(uts_apply)),
  F(S, hooks, JK_OBJECT, OF(hooks_type), BY(hooks_run)),
  F_LIST(S, annotations, JK_MAP_STRING, BY(state_write)),
  /* the member is linux_ because `linux` is a predefined macro */
  { .name = "linux", .kind = JK_OBJECT, .offset = offsetof(S, linux_),
    .type = &linux_type, BY(ns_plan_prepare) },
  END
};
TYPE(config_type, S, config_fields, NULL);
#undef S

/* ======================================================================
 * Entry points
 * ====================================================================== */

herr oci_config_check_applied(void)
{
  return json_check_applied(&config_type, "");
}

herr oci_config_refuse_unsupported(const struct oci_config *c)
{
  return json_refuse_unsupported(&config_type, c, "");
}

herr oci_process_refuse_unsupported(const struct oci_process *p)
{
  return json_refuse_unsupported(&process_type, p, "process");
}

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
  return apply_edits(text, edits, ARRAY_LEN(edits));
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
