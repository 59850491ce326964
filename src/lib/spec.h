/* spec.h - the OCI runtime-spec config.json as typed C structs.
 *
 * Decoding lives in spec.c (table-driven, yajl behind it).  Conventions:
 *  - optional objects are pointers, NULL when absent;
 *  - optional scalars have a `has_<name>` flag next to them;
 *  - arrays are `T *items; size_t n_items`;
 *  - string arrays are NULL-terminated `char **` with a count beside them;
 *  - maps are arrays of key/value pairs in document order.
 * Field names follow the JSON names so that a reader can map one to the other.
 */
#ifndef HULL_SPEC_H
#define HULL_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "error.h"

struct oci_kv {
  char *key;
  char *value;
};

struct oci_hook {
  char *path;
  char **args;
  size_t n_args;
  char **env;
  size_t n_env;
  bool has_timeout;
  int64_t timeout; /* seconds, > 0 */
};

struct oci_hooks {
  struct oci_hook *prestart;
  size_t n_prestart;
  struct oci_hook *createRuntime;
  size_t n_createRuntime;
  struct oci_hook *createContainer;
  size_t n_createContainer;
  struct oci_hook *startContainer;
  size_t n_startContainer;
  struct oci_hook *poststart;
  size_t n_poststart;
  struct oci_hook *poststop;
  size_t n_poststop;
};

struct oci_idmapping {
  uint32_t containerID;
  uint32_t hostID;
  uint32_t size;
};

struct oci_mount {
  char *destination;
  char *source;
  char *type;
  char **options;
  size_t n_options;
  struct oci_idmapping *uidMappings;
  size_t n_uidMappings;
  struct oci_idmapping *gidMappings;
  size_t n_gidMappings;
};

struct oci_root {
  char *path;
  bool readonly;
};

struct oci_box {
  uint64_t height;
  uint64_t width;
};

struct oci_user {
  uint32_t uid;
  uint32_t gid;
  bool has_umask;
  uint32_t umask;
  uint32_t *additionalGids;
  size_t n_additionalGids;
  char *username;
};

struct oci_capabilities {
  char **bounding;
  size_t n_bounding;
  char **effective;
  size_t n_effective;
  char **inheritable;
  size_t n_inheritable;
  char **permitted;
  size_t n_permitted;
  char **ambient;
  size_t n_ambient;
};

struct oci_rlimit {
  char *type;     /* "RLIMIT_NOFILE" ... */
  int resource;   /* the decoded RLIMIT_* number */
  uint64_t soft;
  uint64_t hard;
};

struct oci_io_priority {
  char *class;    /* IOPRIO_CLASS_RT | IOPRIO_CLASS_BE | IOPRIO_CLASS_IDLE */
  int class_num;  /* IOPRIO_CLASS_* from <linux/ioprio.h> */
  int32_t priority;
};

struct oci_scheduler {
  char *policy;   /* SCHED_OTHER ... */
  int policy_num; /* SCHED_* from <sched.h> */
  bool has_nice;
  int32_t nice;
  bool has_priority;
  int32_t priority;
  char **flags;
  size_t n_flags;
  uint64_t runtime;
  uint64_t deadline;
  uint64_t period;
};

struct oci_cpu_affinity {
  char *initial;
  char *final;
};

struct oci_process {
  bool terminal;
  struct oci_box *consoleSize;
  struct oci_user user;
  char **args;
  size_t n_args;
  char *commandLine;
  char **env;
  size_t n_env;
  char *cwd;
  struct oci_capabilities *capabilities;
  struct oci_rlimit *rlimits;
  size_t n_rlimits;
  bool noNewPrivileges;
  char *apparmorProfile;
  bool has_oomScoreAdj;
  int32_t oomScoreAdj;
  char *selinuxLabel;
  struct oci_io_priority *ioPriority;
  struct oci_scheduler *scheduler;
  struct oci_cpu_affinity *execCPUAffinity;
};

/* linux.namespaces[].type */
enum oci_ns_type {
  OCI_NS_PID,
  OCI_NS_NETWORK,
  OCI_NS_MOUNT,
  OCI_NS_IPC,
  OCI_NS_UTS,
  OCI_NS_USER,
  OCI_NS_CGROUP,
  OCI_NS_TIME,
  OCI_NS_COUNT
};

struct oci_namespace {
  enum oci_ns_type type;
  char *path; /* join this namespace instead of creating one */
};

struct oci_device {
  char *type;   /* c, b, u, p */
  char *path;
  bool has_major;
  int64_t major;
  bool has_minor;
  int64_t minor;
  bool has_fileMode;
  uint32_t fileMode;
  bool has_uid;
  uint32_t uid;
  bool has_gid;
  uint32_t gid;
};

struct oci_net_device {
  char *key;    /* host interface name (the map key) */
  char *name;   /* name inside the container */
};

struct oci_device_cgroup {
  bool allow;
  char *type;
  bool has_major;
  int64_t major;
  bool has_minor;
  int64_t minor;
  char *access;
};

struct oci_memory {
  bool has_limit;
  int64_t limit;
  bool has_reservation;
  int64_t reservation;
  bool has_swap;
  int64_t swap;
  bool has_kernel;
  int64_t kernel;
  bool has_kernelTCP;
  int64_t kernelTCP;
  bool has_swappiness;
  uint64_t swappiness;
  bool has_disableOOMKiller;
  bool disableOOMKiller;
  bool has_useHierarchy;
  bool useHierarchy;
  bool has_checkBeforeUpdate;
  bool checkBeforeUpdate;
};

struct oci_cpu {
  bool has_shares;
  uint64_t shares;
  bool has_quota;
  int64_t quota;
  bool has_burst;
  uint64_t burst;
  bool has_period;
  uint64_t period;
  bool has_realtimeRuntime;
  int64_t realtimeRuntime;
  bool has_realtimePeriod;
  uint64_t realtimePeriod;
  char *cpus;
  char *mems;
  bool has_idle;
  int64_t idle;
};

struct oci_pids {
  bool has_limit;
  int64_t limit;
};

struct oci_blkio_weight_device {
  int64_t major;
  int64_t minor;
  bool has_weight;
  uint16_t weight;
  bool has_leafWeight;
  uint16_t leafWeight;
};

struct oci_blkio_throttle_device {
  int64_t major;
  int64_t minor;
  uint64_t rate;
};

struct oci_blkio {
  bool has_weight;
  uint16_t weight;
  bool has_leafWeight;
  uint16_t leafWeight;
  struct oci_blkio_weight_device *weightDevice;
  size_t n_weightDevice;
  struct oci_blkio_throttle_device *throttleReadBpsDevice;
  size_t n_throttleReadBpsDevice;
  struct oci_blkio_throttle_device *throttleWriteBpsDevice;
  size_t n_throttleWriteBpsDevice;
  struct oci_blkio_throttle_device *throttleReadIOPSDevice;
  size_t n_throttleReadIOPSDevice;
  struct oci_blkio_throttle_device *throttleWriteIOPSDevice;
  size_t n_throttleWriteIOPSDevice;
};

struct oci_hugepage_limit {
  char *pageSize; /* validated: ^[1-9][0-9]*[KMG]B$ */
  uint64_t limit;
};

struct oci_net_priority {
  char *name;
  uint32_t priority;
};

struct oci_network {
  bool has_classID;
  uint32_t classID;
  struct oci_net_priority *priorities;
  size_t n_priorities;
};

struct oci_rdma {
  char *key; /* device name (the map key) */
  bool has_hcaHandles;
  uint32_t hcaHandles;
  bool has_hcaObjects;
  uint32_t hcaObjects;
};

struct oci_resources {
  struct oci_device_cgroup *devices;
  size_t n_devices;
  struct oci_memory *memory;
  struct oci_cpu *cpu;
  struct oci_pids *pids;
  struct oci_blkio *blockIO;
  struct oci_hugepage_limit *hugepageLimits;
  size_t n_hugepageLimits;
  struct oci_network *network;
  struct oci_rdma *rdma;
  size_t n_rdma;
  struct oci_kv *unified;
  size_t n_unified;
};

struct oci_seccomp_arg {
  uint32_t index;
  uint64_t value;
  bool has_valueTwo;
  uint64_t valueTwo;
  char *op; /* SCMP_CMP_* */
};

struct oci_seccomp_syscall {
  char **names;
  size_t n_names;
  char *action; /* SCMP_ACT_* */
  bool has_errnoRet;
  uint32_t errnoRet;
  struct oci_seccomp_arg *args;
  size_t n_args;
};

struct oci_seccomp {
  char *defaultAction;
  bool has_defaultErrnoRet;
  uint32_t defaultErrnoRet;
  char **architectures;
  size_t n_architectures;
  char **flags;
  size_t n_flags;
  char *listenerPath;
  char *listenerMetadata;
  struct oci_seccomp_syscall *syscalls;
  size_t n_syscalls;
};

struct oci_intel_rdt {
  char *closID;
  char *l3CacheSchema;
  char *memBwSchema;
  char **schemata;
  size_t n_schemata;
  bool enableMonitoring;
};

struct oci_memory_policy {
  char *mode;
  char *nodes;
  char **flags;
  size_t n_flags;
};

struct oci_personality {
  char *domain; /* LINUX | LINUX32 */
  char **flags;
  size_t n_flags;
};

struct oci_time_offset {
  int64_t secs;
  uint32_t nanosecs;
};

struct oci_time_offsets {
  bool has_monotonic;
  struct oci_time_offset monotonic;
  bool has_boottime;
  struct oci_time_offset boottime;
};

struct oci_linux {
  struct oci_device *devices;
  size_t n_devices;
  struct oci_net_device *netDevices;
  size_t n_netDevices;
  struct oci_idmapping *uidMappings;
  size_t n_uidMappings;
  struct oci_idmapping *gidMappings;
  size_t n_gidMappings;
  struct oci_namespace *namespaces;
  size_t n_namespaces;
  struct oci_resources *resources;
  char *cgroupsPath;
  char *rootfsPropagation;
  struct oci_seccomp *seccomp;
  struct oci_kv *sysctl;
  size_t n_sysctl;
  char **maskedPaths;
  size_t n_maskedPaths;
  char **readonlyPaths;
  size_t n_readonlyPaths;
  char *mountLabel;
  struct oci_intel_rdt *intelRdt;
  struct oci_memory_policy *memoryPolicy;
  struct oci_personality *personality;
  struct oci_time_offsets *timeOffsets;
};

struct oci_config {
  char *ociVersion;
  struct oci_root *root;
  struct oci_mount *mounts;
  size_t n_mounts;
  struct oci_process *process;
  char *hostname;
  char *domainname;
  struct oci_hooks *hooks;
  struct oci_kv *annotations;
  size_t n_annotations;
  struct oci_linux *linux_; /* `linux` is a predefined macro in GNU C */
};

/* Decode a config.json text.  On error *out is NULL, nothing is allocated and
 * the message names the JSON path of the offending field, e.g.
 * `linux.namespaces[2].type: unknown value "bogus" (expected one of: pid, ...)`.
 * Beyond the schema's types and required fields it checks ociVersion (1.0.0 to
 * 1.3.x), duplicate namespaces and rlimits, absolute process.cwd and hook
 * paths, device numbers; and fills the derived members rlimit.resource,
 * ioPriority.class_num and scheduler.policy_num. */
herr oci_config_parse(const char *json, size_t len, struct oci_config **out);
/* Read and decode a file; errors start with the file's path. */
herr oci_config_load(const char *path, struct oci_config **out);
void oci_config_free(struct oci_config *c);

/* Decode a process.json (the `process` object alone), as `exec --process` reads;
 * error paths are relative to that object ("cwd: required field missing"). */
herr oci_process_parse(const char *json, size_t len, struct oci_process **out);
void oci_process_free(struct oci_process *p);

/* Decode a linux.resources object alone, as `update -r` reads. */
herr oci_resources_parse(const char *json, size_t len, struct oci_resources **out);
void oci_resources_free(struct oci_resources *r);

/* The config `hull spec` writes: what `runc spec` writes (terminal, args
 * ["sh"], namespaces, mounts, capabilities...), or `runc spec --rootless`. */
struct oci_default_opts {
  bool rootless;     /* for an unprivileged user: their uid and gid mapped to root */
  unsigned uid, gid; /* with rootless */
  bool no_terminal;  /* process.terminal false, to run from a script without a pty */
};
/* The config text; the caller frees. */
herr oci_default_config_json(const struct oci_default_opts *o, char **out);

/* Namespace type names as in the spec ("pid", "network", ...). */
const char *oci_ns_type_name(enum oci_ns_type t);

static inline void oci_config_freep(struct oci_config **c)
{
  oci_config_free(*c);
}
#define _cleanup_config_ __attribute__((cleanup(oci_config_freep)))

#endif
