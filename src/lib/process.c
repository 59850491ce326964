/* process.c - user, groups, cwd, environment and execve of the container's
 * process (config.md "Process"). */
#include "process.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "capabilities.h"
#include "cleanup.h"
#include "procfs.h"
#include "utils.h"

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

herr process_validate(const struct oci_process *p)
{
  if (!p->cwd || p->cwd[0] != '/')
    return herr_new("process.cwd: must be an absolute path, got \"%s\"", p->cwd ? p->cwd : "");
  if (p->n_args == 0 || !p->args[0] || !*p->args[0])
    return herr_new("process.args: at least the program to run is required");
  return NULL;
}

static const char *env_path(const struct oci_process *p)
{
  for (size_t i = 0; i < p->n_env; i++)
    if (!strncmp(p->env[i], "PATH=", 5))
      return p->env[i] + 5;
  return DEFAULT_PATH;
}

static herr check_executable(const char *path, const char *name)
{
  struct stat st;
  if (stat(path, &st) < 0)
    return herr_sys("exec: \"%s\"", name);
  if (S_ISDIR(st.st_mode))
    return herr_errno(EACCES, "exec: \"%s\": is a directory", name);
  if (access(path, X_OK) < 0)
    return herr_sys("exec: \"%s\"", name);
  return NULL;
}

/* A relative path (args[0] as "./prog" or "sub/prog", a relative $PATH entry)
 * names a file below process.cwd, as for execvp after chdir: the lookup runs
 * before the chdir (so that create reports a missing program). */
static char *in_cwd(const struct oci_process *p, const char *path)
{
  return path[0] == '/' ? xstrdup(path) : path_join(p->cwd, path);
}

herr process_find_executable(const struct oci_process *p, char **path)
{
  const char *name = p->args[0];
  if (strchr(name, '/')) {
    _cleanup_free_ char *full = in_cwd(p, name);
    TRY(check_executable(full, name));
    *path = STEAL(full);
    return NULL;
  }
  const char *search = env_path(p);
  _cleanup_free_ char *copy = xstrdup(search);
  bool denied = false;
  char *save = NULL;
  for (char *dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
    _cleanup_free_ char *in_dir = path_join(*dir ? dir : ".", name);
    _cleanup_free_ char *cand = in_cwd(p, in_dir);
    struct stat st;
    if (stat(cand, &st) < 0 || S_ISDIR(st.st_mode))
      continue;
    if (access(cand, X_OK) < 0) {
      denied = true;
      continue;
    }
    *path = STEAL(cand);
    return NULL;
  }
  if (denied)
    return herr_errno(EACCES, "exec: \"%s\": found in $PATH but not executable", name);
  return herr_errno(ENOENT, "exec: \"%s\": executable file not found in $PATH (PATH=%s)", name, search);
}

herr process_set_oom_score_adj(const struct oci_process *p)
{
  if (!p->has_oomScoreAdj)
    return NULL;
  char buf[16];
  int n = snprintf(buf, sizeof(buf), "%d", p->oomScoreAdj);
  TRY_WRAP(procfs_write("self/oom_score_adj", buf, (size_t)n), "process.oomScoreAdj");
  return NULL;
}

herr process_switch_user(const struct oci_process *p)
{
  const struct oci_user *u = &p->user;
  gid_t *groups = (gid_t *)u->additionalGids;
  _Static_assert(sizeof(gid_t) == sizeof(uint32_t), "gid_t is 32 bits");
  if (setgroups(u->n_additionalGids, groups) < 0 && !(errno == EPERM && u->n_additionalGids == 0))
    return herr_sys("process.user.additionalGids: setgroups");
  if (setresgid(u->gid, u->gid, u->gid) < 0)
    return herr_sys("process.user.gid: setresgid(%u)", u->gid);
  if (u->uid != 0)
    TRY(capabilities_keep_across_setuid());
  if (setresuid(u->uid, u->uid, u->uid) < 0)
    return herr_sys("process.user.uid: setresuid(%u)", u->uid);
  if (u->has_umask)
    umask(u->umask & 0777);
  return NULL;
}

/* The kernel's getcwd() prefixes "(unreachable)" to a directory outside our
 * root: the path went through an fd of the runtime's (CVE-2024-21626 class),
 * since ".." and symlinks cannot climb above the root. */
static herr check_cwd_inside_root(const char *cwd)
{
  char buf[PATH_MAX];
  if (syscall(SYS_getcwd, buf, sizeof(buf)) < 0)
    return herr_sys("process.cwd: getcwd after chdir %s", cwd);
  if (buf[0] != '/')
    return herr_errno(EPERM, "process.cwd: %s leads outside the container's root filesystem", cwd);
  return NULL;
}

herr process_enter_cwd(const struct oci_process *p)
{
  if (chdir(p->cwd) < 0)
    return herr_sys("process.cwd: chdir %s", p->cwd);
  return check_cwd_inside_root(p->cwd);
}

herr process_set_no_new_privileges(const struct oci_process *p)
{
  if (p->noNewPrivileges && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    return herr_sys("process.noNewPrivileges");
  return NULL;
}

herr process_exec(const struct oci_process *p, const char *path, const struct trampoline *t,
                  int report_fd, enum trampoline_report how)
{
  static char *const empty_env[] = { NULL };
  return trampoline_exec(t, report_fd, how, path, p->args, p->env ? p->env : empty_env);
}
