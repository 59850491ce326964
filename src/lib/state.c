/* state.c - the state store under --root.  See state.h. */
#include "state.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "fault.h"
#include "json.h"
#include "log.h"
#include "utils.h"

herr state_validate_id(const char *id)
{
  if (!id || !*id)
    return herr_new("invalid container id \"\": the id must not be empty");
  if (!strcmp(id, ".") || !strcmp(id, ".."))
    return herr_new("invalid container id \"%s\": \".\" and \"..\" are not ids", id);
  if (strlen(id) > NAME_MAX)
    return herr_new("invalid container id: longer than %d characters", NAME_MAX);
  for (const unsigned char *p = (const unsigned char *)id; *p; p++) {
    if (*p == '/')
      return herr_new("invalid container id \"%s\": it must not contain '/'", id);
    if (*p <= ' ' || *p == 0x7f)
      return herr_new("invalid container id: it must not contain whitespace or control characters (byte 0x%02x)", *p);
  }
  return NULL;
}

herr state_root_open(const char *root, int *rootfd)
{
  TRY_WRAP(mkdir_p(root, 0700), "state root %s", root);
  int fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return herr_sys("open state root %s", root);
  /* A root someone else made (say /tmp/hull-UID, made first by another user)
   * would hand them our containers' state. */
  struct stat st;
  if (fstat(fd, &st) < 0 || st.st_uid != geteuid() || (st.st_mode & 022)) {
    close(fd);
    return herr_new("state root %s must be a directory owned by uid %u and writable only by it",
                    root, (unsigned)geteuid());
  }
  *rootfd = fd;
  return NULL;
}

static herr lock_dir(int fd, int lock, const char *id)
{
  if (!lock)
    return NULL;
  while (flock(fd, lock) < 0) {
    if (errno != EINTR)
      return herr_sys("lock container \"%s\"", id);
  }
  return NULL;
}

/* A new directory, locked, under a name of our own (ours alone: one create
 * per process; one left by a dead process of the same pid is empty). */
static herr make_locked_dir(int rootfd, const char *name, int *dirfd)
{
  if (mkdirat(rootfd, name, 0700) < 0) {
    if (errno != EEXIST)
      return herr_sys("create a state directory");
    unlinkat(rootfd, name, AT_REMOVEDIR);
    if (mkdirat(rootfd, name, 0700) < 0)
      return herr_sys("create a state directory");
  }
  int fd = openat(rootfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0 || flock(fd, LOCK_EX) < 0) {
    herr e = herr_sys("open a new state directory");
    if (fd >= 0)
      close(fd);
    unlinkat(rootfd, name, AT_REMOVEDIR);
    return e;
  }
  *dirfd = fd;
  return NULL;
}

/* The directory appears under the id already locked: made and locked under
 * a hidden name, then renamed without replacing.  Were it made under the id,
 * someone could find it unlocked and without state.json before we lock it,
 * take it for the remains of a create that died (state_dir_abandoned) and
 * delete it under our feet.  Claiming the id is the rename: a second create
 * of the id fails there, with "already exists". */
herr state_dir_create(int rootfd, const char *id, int *dirfd)
{
  TRY(state_validate_id(id));
  char tmp[64];
  snprintf(tmp, sizeof(tmp), ".creating-%d", (int)getpid());
  int fd = -1;
  TRY(make_locked_dir(rootfd, tmp, &fd));
  fault_point("hidden-dir");
  if (renameat2(rootfd, tmp, rootfd, id, RENAME_NOREPLACE) == 0) {
    *dirfd = fd;
    return NULL;
  }
  herr e = errno == EEXIST ? herr_new("container \"%s\" already exists", id)
                           : herr_sys("create state directory for \"%s\"", id);
  close(fd);
  unlinkat(rootfd, tmp, AT_REMOVEDIR);
  return e;
}

bool state_dir_abandoned(int dirfd)
{
  if (flock(dirfd, LOCK_SH | LOCK_NB) < 0)
    return false;
  flock(dirfd, LOCK_UN);
  return true;
}

/* A directory that `delete` removed while we waited for its lock (or while
 * we read it) has no links left: the container is gone. */
static bool dir_removed(int dirfd)
{
  struct stat st;
  return fstat(dirfd, &st) == 0 && st.st_nlink == 0;
}

herr state_dir_open(int rootfd, const char *id, int lock, int *dirfd)
{
  TRY(state_validate_id(id));
  _cleanup_close_ int fd = openat(rootfd, id, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    if (errno == ENOENT)
      return herr_new("container \"%s\" does not exist", id);
    return herr_sys("open state directory of \"%s\"", id);
  }
  TRY(lock_dir(fd, lock, id));
  if (dir_removed(fd))
    return herr_new("container \"%s\" does not exist", id);
  *dirfd = steal_fd(&fd);
  return NULL;
}

/* Remove the directory NAME of root and what is in it (files only). */
static herr remove_dir(int rootfd, const char *name, const char *id)
{
  _cleanup_close_ int fd = openat(rootfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    if (errno == ENOENT)
      return NULL;
    return herr_sys("open state directory of \"%s\"", id);
  }
  DIR *d = fdopendir(dup(fd));
  if (!d)
    return herr_sys("read state directory of \"%s\"", id);
  struct dirent *de;
  while ((de = readdir(d))) {
    if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
      continue;
    if (unlinkat(fd, de->d_name, 0) < 0 && errno != ENOENT) {
      herr e = herr_sys("remove %s of container \"%s\"", de->d_name, id);
      closedir(d);
      return e;
    }
  }
  closedir(d);
  if (unlinkat(rootfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
    return herr_sys("remove state directory of \"%s\"", id);
  return NULL;
}

/* The directory leaves the id in one step, by a rename to a hidden name (which
 * list and every command ignore), before its files go: a reader finds the
 * container whole, or not at all, never a directory without state.json that
 * it would take for one still being created. */
herr state_dir_remove(int rootfd, const char *id)
{
  char gone[64];
  snprintf(gone, sizeof(gone), ".deleting-%d", (int)getpid());
  herr e;
  if (renameat2(rootfd, id, rootfd, gone, RENAME_NOREPLACE) == 0) {
    fault_point("deleting");
    e = remove_dir(rootfd, gone, id);
  }
  else if (errno == ENOENT)
    e = NULL;
  else /* A stale name of ours, or a filesystem without RENAME_NOREPLACE: in place. */
    e = remove_dir(rootfd, id, id);
  if (!e)
    state_sweep_abandoned(rootfd);
  return e;
}

/* .creating-PID or .deleting-PID: the pid of the create or delete at work
 * there, or -1 for any other name. */
static pid_t hidden_work_dir_pid(const char *name)
{
  if (strncmp(name, ".creating-", 10) && strncmp(name, ".deleting-", 10))
    return -1;
  char *end;
  long pid = strtol(name + 10, &end, 10);
  return *end || pid <= 0 || pid > INT_MAX ? -1 : (pid_t)pid;
}

/* A hidden directory of a create or delete that was killed between its mkdir
 * and the end: its lock is free and its process gone.  (The lock alone is not
 * enough: a create has its directory unlocked between mkdir and flock.)
 * Nothing else is left by then: a create made no process or cgroup before its
 * directory got the id, a delete has removed them before its directory lost
 * it. */
static bool work_dir_abandoned(int fd, pid_t pid)
{
  if (flock(fd, LOCK_EX | LOCK_NB) < 0)
    return false;
  /* Holding the lock, so that a new process of that pid reusing the name
   * waits for us in its flock rather than losing its directory. */
  return kill(pid, 0) < 0 && errno == ESRCH;
}

void state_sweep_abandoned(int rootfd)
{
  DIR *d = fdopendir(dup(rootfd));
  if (!d)
    return;
  rewinddir(d);
  struct dirent *de;
  while ((de = readdir(d))) {
    pid_t pid = hidden_work_dir_pid(de->d_name);
    if (pid < 0)
      continue;
    _cleanup_close_ int fd = openat(rootfd, de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0 || !work_dir_abandoned(fd, pid))
      continue; /* gone already, or still someone's */
    log_herr_at(LOG_LEVEL_DEBUG, "remove an abandoned state directory",
                remove_dir(rootfd, de->d_name, de->d_name));
  }
  closedir(d);
}

/* ---- state.json ---- */

#define F(name_, kind_, member_) \
  { .name = name_, .kind = kind_, .offset = offsetof(struct container_state, member_) }

/* "cgroups": {"memory": {"path": "/hull/c1", "made": 2}, ...} (cgroup.h) */
static const struct json_field cgroup_record_fields[] = {
  { .name = "path", .kind = JK_STRING, .offset = offsetof(struct cgroup_record, path), .required = true },
  { .name = "made", .kind = JK_UINT32, .offset = offsetof(struct cgroup_record, made) },
  { 0 },
};
static const struct json_type cgroup_record_type = {
  .name = "cgroup", .size = sizeof(struct cgroup_record), .fields = cgroup_record_fields,
};

static const struct json_field hull_fields[] = {
  F("pidStartTime", JK_UINT64, pid_start_time),
  F("started", JK_BOOL, started),
  F("rootfs", JK_STRING, rootfs),
  { .name = "cgroups", .kind = JK_MAP_OBJECT, .offset = offsetof(struct container_state, cgroups),
    .count_offset = offsetof(struct container_state, n_cgroups), .type = &cgroup_record_type },
  F("systemdUnit", JK_STRING, systemd_unit),
  { 0 },
};
static const struct json_type hull_ext_type = {
  .name = "hull", .size = sizeof(struct container_state), .fields = hull_fields,
};

static const struct json_field state_fields[] = {
  F("ociVersion", JK_STRING, ociVersion),
  F("id", JK_STRING, id),
  F("bundle", JK_STRING, bundle),
  F("pid", JK_INT64, pid),
  F("created", JK_STRING, created),
  F("owner", JK_STRING, owner),
  { .name = "annotations", .kind = JK_MAP_STRING,
    .offset = offsetof(struct container_state, annotations),
    .count_offset = offsetof(struct container_state, n_annotations) },
  /* hull's own bookkeeping rides in the same struct: see hull_fields. */
  { .name = "hull", .kind = JK_INLINE, .offset = 0, .type = &hull_ext_type },
  { 0 },
};
static const struct json_type state_type = {
  .name = "state", .size = sizeof(struct container_state), .fields = state_fields,
};
#undef F

char *state_now_rfc3339(void)
{
  struct timespec ts;
  struct tm tm;
  char buf[64];
  clock_gettime(CLOCK_REALTIME, &ts);
  gmtime_r(&ts.tv_sec, &tm);
  size_t n = strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
  snprintf(buf + n, sizeof(buf) - n, ".%09ldZ", ts.tv_nsec);
  return xstrdup(buf);
}

static void write_state_body(struct json_writer *w, const struct container_state *st,
                             enum container_status status)
{
  jw_kv_string(w, "ociVersion", st->ociVersion ? st->ociVersion : "1.3.0");
  jw_kv_string(w, "id", st->id);
  jw_kv_string(w, "status", container_status_name(status));
  if (st->pid > 0 && status != STATUS_STOPPED)
    jw_kv_int(w, "pid", st->pid);
  jw_kv_string(w, "bundle", st->bundle);
  if (st->n_annotations) {
    jw_key(w, "annotations");
    jw_begin_object(w);
    for (size_t i = 0; i < st->n_annotations; i++)
      jw_kv_string(w, st->annotations[i].key, st->annotations[i].value);
    jw_end_object(w);
  }
  if (st->created)
    jw_kv_string(w, "created", st->created);
  if (st->owner)
    jw_kv_string(w, "owner", st->owner);
}

char *state_to_json(const struct container_state *st, enum container_status status, bool pretty)
{
  struct json_writer *w = jw_new(pretty);
  jw_begin_object(w);
  write_state_body(w, st, status);
  jw_end_object(w);
  return jw_finish(w, NULL);
}

static void write_cgroups(struct json_writer *w, const struct container_state *st)
{
  if (!st->n_cgroups)
    return;
  jw_key(w, "cgroups");
  jw_begin_object(w);
  for (size_t i = 0; i < st->n_cgroups; i++) {
    jw_key(w, st->cgroups[i].key);
    jw_begin_object(w);
    jw_kv_string(w, "path", st->cgroups[i].path);
    jw_key(w, "made");
    jw_uint(w, st->cgroups[i].made);
    jw_end_object(w);
  }
  jw_end_object(w);
}

herr state_write(int dirfd, const struct container_state *st)
{
  struct json_writer *w = jw_new(false);
  jw_begin_object(w);
  write_state_body(w, st, st->started ? STATUS_RUNNING : STATUS_CREATED);
  /* pid is always stored: write_state_body omits it only for stopped. */
  jw_key(w, "hull");
  jw_begin_object(w);
  jw_key(w, "pidStartTime");
  jw_uint(w, st->pid_start_time);
  jw_kv_bool(w, "started", st->started);
  if (st->rootfs)
    jw_kv_string(w, "rootfs", st->rootfs);
  write_cgroups(w, st);
  if (st->systemd_unit)
    jw_kv_string(w, "systemdUnit", st->systemd_unit);
  jw_end_object(w);
  jw_end_object(w);
  size_t len;
  _cleanup_free_ char *text = jw_finish(w, &len);
  if (!text)
    return herr_errno(ENOMEM, "encode state");
  return write_file_atomic_at(dirfd, STATE_FILE, text, len, 0600);
}

herr state_write_pid_record(int dirfd, pid_t pid, unsigned long long start_time)
{
  char target[64];
  snprintf(target, sizeof(target), "%d %llu", (int)pid, start_time);
  if (symlinkat(target, dirfd, STATE_PID_RECORD) < 0)
    return herr_sys("write %s", STATE_PID_RECORD);
  return NULL;
}

bool state_read_pid_record(int dirfd, pid_t *pid, unsigned long long *start_time)
{
  char target[64];
  ssize_t n = readlinkat(dirfd, STATE_PID_RECORD, target, sizeof(target) - 1);
  if (n <= 0)
    return false;
  target[n] = '\0';
  int p;
  /* Without a start time a reused pid could not be told apart: no record. */
  if (sscanf(target, "%d %llu", &p, start_time) != 2 || p <= 0 || *start_time == 0)
    return false;
  *pid = p;
  return true;
}

herr state_read(int dirfd, const char *id, struct container_state **out)
{
  _cleanup_free_ char *text = NULL;
  size_t len;
  herr e = read_file_at(dirfd, STATE_FILE, &text, &len);
  if (e && herr_errnum(e) == ENOENT && dir_removed(dirfd)) {
    herr_free(e);
    return herr_new("container \"%s\" does not exist", id);
  }
  if (e && herr_errnum(e) == ENOENT) {
    /* The directory exists but create never finished writing state. */
    herr_free(e);
    struct container_state *st = calloc(1, sizeof(*st));
    if (!st)
      return herr_errno(ENOMEM, "state");
    st->id = xstrdup(id);
    st->bundle = xstrdup("");
    *out = st;
    return NULL;
  }
  if (e)
    return herr_wrap(e, "read state of container \"%s\"", id);
  return state_parse(text, len, id, out);
}

herr state_parse(const char *text, size_t len, const char *id, struct container_state **out)
{
  *out = NULL;
  void *obj = NULL;
  herr e = json_decode(text, len, &state_type, "", &obj);
  if (e)
    return herr_wrap(e, "container \"%s\": corrupt %s (use delete --force to remove it)", id, STATE_FILE);
  struct container_state *st = obj;
  if (!st->id || strcmp(st->id, id) || !st->bundle) {
    container_state_free(st);
    return herr_new("container \"%s\": corrupt %s (use delete --force to remove it)", id, STATE_FILE);
  }
  *out = st;
  return NULL;
}

void container_state_free(struct container_state *st)
{
  if (st)
    json_free(&state_type, st);
}

/* A live container whose cgroup is frozen (`hull pause`) is paused. */
static bool cgroup_frozen(const struct container_state *st)
{
  if (!st->n_cgroups)
    return false;
  struct cgroup *cg = NULL;
  bool frozen = false;
  herr e = cgroup_open(st->cgroups, st->n_cgroups, &cg);
  if (!e)
    e = cgroup_is_frozen(cg, &frozen);
  herr_free(e);
  cgroup_free(cg);
  return frozen;
}

enum container_status state_status(const struct container_state *st)
{
  if (st->pid <= 0)
    return STATUS_CREATING;
  unsigned long long start = process_start_time((pid_t)st->pid);
  if (start == 0 || start != st->pid_start_time)
    return STATUS_STOPPED;
  if (cgroup_frozen(st))
    return STATUS_PAUSED;
  return st->started ? STATUS_RUNNING : STATUS_CREATED;
}

const char *container_status_name(enum container_status s)
{
  static const char *const names[] = {
    [STATUS_CREATING] = "creating",
    [STATUS_CREATED] = "created",
    [STATUS_RUNNING] = "running",
    [STATUS_STOPPED] = "stopped",
    [STATUS_PAUSED] = "paused",
  };
  return names[s];
}
