/* cgroup_fs.h - the file side of cgroups, for cgroup.c and its backends:
 * a cgroup's files read and written one value at a time, with errors that
 * name the file, and a cgroup's directories made, listed and removed. */
#ifndef HULL_CGROUP_FS_H
#define HULL_CGROUP_FS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "error.h"

struct cgroup_hier;

/* ---- one file ---- */

/* Write value to dir/file in one write(2); the error names the file. */
herr cg_write(const char *dir, const char *file, const char *value);
herr cg_write_u64(const char *dir, const char *file, uint64_t v);
herr cg_write_i64(const char *dir, const char *file, int64_t v);
/* Read dir/file (NUL-terminated, trailing newline removed). */
herr cg_read(const char *dir, const char *file, char **out);
herr cg_read_u64(const char *dir, const char *file, uint64_t *v);
/* cg_read that only says whether it worked (stats read what is there). */
bool cg_try_read(const char *dir, const char *file, char **out);
bool cg_exists(const char *dir, const char *file);
/* "key value" lines: the value of key, or false. */
bool cg_kv_lookup(const char *text, const char *key, uint64_t *v);
/* Wait (up to ~5 s) until dir/file's "key value" line has the value. */
herr cg_wait_kv(const char *dir, const char *file, const char *key, uint64_t want);
void cg_sleep_ms(long ms);

/* ---- a cgroup's directories ---- */

/* mkdir -p h->path below the mount, counting what was made in h->made. */
herr cg_mkdir(struct cgroup_hier *h);
/* Write pid to cgroup.procs. */
herr cg_add_pid(struct cgroup_hier *h, pid_t pid);
/* The pids of h's cgroup and its descendants. */
herr cg_pids(struct cgroup_hier *h, pid_t **pids, size_t *n);
/* rmdir h's cgroup bottom-up, then the ancestors hull made. */
herr cg_remove(struct cgroup_hier *h);

#endif
