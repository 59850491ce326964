/* utils.h - small file and string helpers shared by the engine. */
#ifndef HULL_UTILS_H
#define HULL_UTILS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "error.h"

/* Number of elements of an array (not of a pointer). */
#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Read a whole file (NUL-terminated); `len` may be NULL. */
herr read_file(const char *path, char **out, size_t *len);
herr read_file_at(int dirfd, const char *path, char **out, size_t *len);
/* The rest of open file fd, NUL-terminated; `path` names it in errors. */
herr read_fd(int fd, const char *path, char **out, size_t *len);
/* Write `len` bytes to an existing file (e.g. under /proc). */
herr write_file(const char *path, const char *data, size_t len);
herr write_file_at(int dirfd, const char *path, const char *data, size_t len);
/* Write a file atomically: temp file in the same dir, fsync-free rename. */
herr write_file_atomic_at(int dirfd, const char *name, const char *data, size_t len, mode_t mode);
herr write_all(int fd, const void *buf, size_t len);
/* mkdir -p (existing dirs are fine). */
herr mkdir_p(const char *path, mode_t mode);
/* Join two path parts with exactly one '/' between them; caller frees. */
char *path_join(const char *a, const char *b);
/* Realpath that reports errors as herr. */
herr real_path(const char *path, char **out);
/* Close every fd >= `from` except those listed (sorted not required). */
void close_fds_from(int from);
/* Only 0, 1, 2 and the `preserve` fds after them may reach the next
 * program: the others become close-on-exec. */
herr fds_keep_only_stdio_and(int preserve);
/* Process start time in clock ticks (field 22 of /proc/PID/stat); 0 if gone. */
unsigned long long process_start_time(pid_t pid);
/* True when pid exists and is not a zombie. */
bool process_alive(pid_t pid);
/* True when hull runs in a user namespace other than the host's (its uid_map
 * is not the identity of every id): root there, as under rootless podman, has
 * no privilege over the host's cgroups, devices or /run.  The answer of the
 * first call is kept, so a container process gets the runtime's. */
bool in_user_namespace(void);
/* Run argv[0] (looked up in PATH) and wait; an exit status other than 0 is an
 * error, and a program that is not installed is ENOENT. */
herr run_helper_program(char *const argv[]);
/* --preserve-fds N: fds 3 .. 3+N-1 are the caller's.  Those it did not open are
 * filled with /dev/null, so that none of hull's own descriptors lands there
 * and is passed to the container's process. */
herr reserve_preserved_fds(int n);
/* strdup that aborts on OOM (used for tiny strings on paths that cannot fail usefully). */
char *xstrdup(const char *s);
/* Does s end with suffix? */
bool str_ends_with(const char *s, const char *suffix);

#endif
