/* state.c - the state store under --root.  See state.h. */
#include "state.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "json.h"
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

herr state_dir_create(int rootfd, const char *id, int *dirfd)
{
  TRY(state_validate_id(id));
  if (mkdirat(rootfd, id, 0700) < 0) {
    if (errno == EEXIST)
      return herr_new("container \"%s\" already exists", id);
    return herr_sys("create state directory for \"%s\"", id);
  }
  int fd = openat(rootfd, id, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    herr e = herr_sys("open state directory of \"%s\"", id);
    unlinkat(rootfd, id, AT_REMOVEDIR);
    return e;
  }
  herr e = lock_dir(fd, LOCK_EX, id);
  if (e) {
    close(fd);
    unlinkat(rootfd, id, AT_REMOVEDIR);
    return e;
  }
  *dirfd = fd;
  return NULL;
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
  *dirfd = steal_fd(&fd);
  return NULL;
}

herr state_dir_remove(int rootfd, const char *id)
{
  _cleanup_close_ int fd = openat(rootfd, id, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
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
  if (unlinkat(rootfd, id, AT_REMOVEDIR) < 0 && errno != ENOENT)
    return herr_sys("remove state directory of \"%s\"", id);
  return NULL;
}

/* ---- state.json ---- */

#define F(name_, kind_, member_) \
  { .name = name_, .kind = kind_, .offset = offsetof(struct container_state, member_) }

static const struct json_field hull_fields[] = {
  F("pidStartTime", JK_UINT64, pid_start_time),
  F("started", JK_BOOL, started),
  F("rootfs", JK_STRING, rootfs),
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
  jw_end_object(w);
  jw_end_object(w);
  size_t len;
  _cleanup_free_ char *text = jw_finish(w, &len);
  if (!text)
    return herr_errno(ENOMEM, "encode state");
  return write_file_atomic_at(dirfd, STATE_FILE, text, len, 0600);
}

herr state_read(int dirfd, const char *id, struct container_state **out)
{
  _cleanup_free_ char *text = NULL;
  size_t len;
  herr e = read_file_at(dirfd, STATE_FILE, &text, &len);
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
  void *obj = NULL;
  e = json_decode(text, len, &state_type, "", &obj);
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

enum container_status state_status(const struct container_state *st)
{
  if (st->pid <= 0)
    return STATUS_CREATING;
  unsigned long long start = process_start_time((pid_t)st->pid);
  if (start == 0 || start != st->pid_start_time)
    return STATUS_STOPPED;
  return st->started ? STATUS_RUNNING : STATUS_CREATED;
}

const char *container_status_name(enum container_status s)
{
  static const char *const names[] = {
    [STATUS_CREATING] = "creating",
    [STATUS_CREATED] = "created",
    [STATUS_RUNNING] = "running",
    [STATUS_STOPPED] = "stopped",
  };
  return names[s];
}
