/* state.h - the state store: one directory per container under --root.
 *
 * `--root/ID/` (0700) holds state.json (written atomically, so readers never
 * need a lock), config.json (the config as it was at create: later edits of
 * the bundle do not affect the container), and the two FIFOs of the start
 * handshake.  Writers (create, start, delete) serialise with an flock on the
 * directory.  The status is derived from the process when read.
 */
#ifndef HULL_STATE_H
#define HULL_STATE_H

#include <stdbool.h>
#include <sys/types.h>

#include "cgroup.h"
#include "error.h"
#include "spec.h"

#define STATE_FILE "state.json"
#define STATE_CONFIG_FILE "config.json"
#define STATE_START_FIFO "start.fifo"
#define STATE_EXEC_FIFO "exec.fifo"
#define STATE_PID_RECORD "pid"

struct container_state {
  char *ociVersion;
  char *id;
  char *bundle;
  int64_t pid;
  uint64_t pid_start_time; /* /proc/PID/stat start time: detects pid reuse */
  bool started;            /* `start` saw the user program execve */
  char *created;           /* RFC 3339 */
  char *owner;
  char *rootfs;            /* absolute rootfs path */
  struct oci_kv *annotations;
  size_t n_annotations;
  struct cgroup_record *cgroups; /* the container's cgroup in each hierarchy */
  size_t n_cgroups;
  char *systemd_unit; /* the systemd cgroup driver's scope, or NULL */
};

enum container_status {
  STATUS_CREATING,
  STATUS_CREATED,
  STATUS_RUNNING,
  STATUS_STOPPED,
  STATUS_PAUSED,   /* created or running, with its cgroup frozen (container.c) */
};

/* Refuse ids that are empty, ".", "..", contain '/', whitespace or control
 * characters, or are longer than a file name may be. */
herr state_validate_id(const char *id);

/* Open (creating with 0700 if needed) the --root directory. */
herr state_root_open(const char *root, int *rootfd);
/* Make ID's directory; EEXIST becomes `container "ID" already exists`.
 * The returned dirfd holds an exclusive flock. */
herr state_dir_create(int rootfd, const char *id, int *dirfd);
/* Whether a directory without state.json was left by a create that died: its
 * lock is free.  (Not for a dirfd the caller holds a lock on.) */
bool state_dir_abandoned(int dirfd);
/* Open ID's directory; ENOENT becomes `container "ID" does not exist`.
 * `lock` is LOCK_EX, LOCK_SH or 0 (no lock). */
herr state_dir_open(int rootfd, const char *id, int lock, int *dirfd);
/* Remove ID's directory and everything in it. */
herr state_dir_remove(int rootfd, const char *id);
/* Remove the hidden .creating-PID / .deleting-PID directories of creates and
 * deletes that were killed midway (state_dir_remove does it after each
 * removal). */
void state_sweep_abandoned(int rootfd);

herr state_write(int dirfd, const struct container_state *st);
/* A second, minimal record of the container process, for `delete --force` to
 * kill it even when state.json is unreadable: a symlink STATE_PID_RECORD whose
 * target is "PID START_TIME" (one syscall, atomic). */
herr state_write_pid_record(int dirfd, pid_t pid, unsigned long long start_time);
/* false when there is no (valid) record. */
bool state_read_pid_record(int dirfd, pid_t *pid, unsigned long long *start_time);
/* Read state.json; a directory without one (create still running, or killed
 * half-way) yields a state with pid 0, status creating or stopped. */
herr state_read(int dirfd, const char *id, struct container_state **out);
/* The decoding half of state_read: `text` (len bytes, no NUL needed) must be a
 * state.json of container `id`.  On error *out is NULL. */
herr state_parse(const char *text, size_t len, const char *id, struct container_state **out);
void container_state_free(struct container_state *st);

/* Status from the process: gone or reused pid -> stopped; alive with its
 * cgroup frozen -> paused. */
enum container_status state_status(const struct container_state *st);
const char *container_status_name(enum container_status s);
/* The spec's state JSON (runtime.md "State"), with `status` as given. */
char *state_to_json(const struct container_state *st, enum container_status status, bool pretty);
/* Current time in RFC 3339 with nanoseconds; caller frees. */
char *state_now_rfc3339(void);

static inline void container_state_freep(struct container_state **p)
{
  container_state_free(*p);
}
#define _cleanup_state_ __attribute__((cleanup(container_state_freep)))

#endif
