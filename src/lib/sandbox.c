/* sandbox.c - the config `hull sandbox` runs (see sandbox.h).
 *
 * The host's / is the root, read-only as a whole tree (root.readonly); the
 * workspace is bound read-write; /tmp, /dev, /dev/shm and /proc are the
 * sandbox's own.  New user, pid, ipc, uts, mount, cgroup (and, unless
 * --share-net, network) namespaces; no capabilities; no new privileges; a
 * seccomp filter that refuses the system calls a sandboxed command has no use
 * for and that widen the kernel's attack surface.
 *
 * The other channels to the host (docs/hull-sandbox.8.md has the table):
 * the caller's terminal (the engine starts a new session; the filter refuses
 * TIOCSTI and TIOCLINUX), the host's listening unix sockets with a path
 * (/dev/null over each, a tmpfs over the runtime directories), abstract unix
 * sockets and signals (Landlock scopes; the private network namespace covers
 * abstract sockets without --share-net).
 */
#include "sandbox.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "host_sockets.h"
#include "json.h"
#include "landlock.h"
#include "utils.h"

extern char **environ;

/* Refused with EPERM by the default profile: kernel keyrings, module and
 * kexec loading, mounts and namespace games (the sandbox's own set-up is done
 * before the filter), tracing and performance counters, BPF, clock and swap
 * changes, handle-based opens that bypass path checks, userfaultfd, and
 * reboot/accounting. */
static const char *const default_denied_syscalls[] = {
  "acct", "add_key", "bpf", "clock_adjtime", "clock_settime", "create_module",
  "delete_module", "finit_module", "fsconfig", "fsmount", "fsopen", "fspick",
  "init_module", "kexec_file_load", "kexec_load", "keyctl", "lookup_dcookie",
  "mount", "mount_setattr", "move_mount", "name_to_handle_at", "nfsservctl",
  "open_by_handle_at", "open_tree", "perf_event_open", "pivot_root",
  "process_vm_readv", "process_vm_writev", "ptrace", "quotactl", "reboot",
  "request_key", "setns", "settimeofday", "swapoff", "swapon", "syslog",
  "umount2", "unshare", "uselib", "userfaultfd", "vhangup",
};

/* ioctls refused by the default profile: TIOCSTI pushes input into a
 * terminal (read by the caller's shell once the sandbox is gone,
 * CVE-2017-5226) and TIOCLINUX drives a virtual console (its selection can
 * be pasted back as input). */
static const unsigned long default_denied_ioctls[] = { TIOCSTI, TIOCLINUX };

/* The command is an unsigned int: compare its 32 bits only, as the kernel
 * does, whatever the caller left in the upper half of the register. */
static void write_denied_ioctl(struct json_writer *w, unsigned long request)
{
  jw_begin_object(w);
  jw_key(w, "names");
  jw_begin_array(w);
  jw_string(w, "ioctl");
  jw_end_array(w);
  jw_kv_string(w, "action", "SCMP_ACT_ERRNO");
  jw_kv_int(w, "errnoRet", EPERM);
  jw_key(w, "args");
  jw_begin_array(w);
  jw_begin_object(w);
  jw_kv_int(w, "index", 1);
  jw_kv_int(w, "value", 0xffffffff);
  jw_kv_int(w, "valueTwo", (int64_t)request);
  jw_kv_string(w, "op", "SCMP_CMP_MASKED_EQ");
  jw_end_object(w);
  jw_end_array(w);
  jw_end_object(w);
}

static void write_default_seccomp(struct json_writer *w)
{
  jw_begin_object(w);
  jw_kv_string(w, "defaultAction", "SCMP_ACT_ALLOW");
  jw_key(w, "syscalls");
  jw_begin_array(w);
  for (size_t i = 0; i < ARRAY_LEN(default_denied_ioctls); i++)
    write_denied_ioctl(w, default_denied_ioctls[i]);
  jw_begin_object(w);
  jw_key(w, "names");
  jw_begin_array(w);
  for (size_t i = 0; i < ARRAY_LEN(default_denied_syscalls); i++)
    jw_string(w, default_denied_syscalls[i]);
  jw_end_array(w);
  jw_kv_string(w, "action", "SCMP_ACT_ERRNO");
  jw_kv_int(w, "errnoRet", EPERM);
  jw_end_object(w);
  jw_end_array(w);
  jw_end_object(w);
}

static void write_strings(struct json_writer *w, const char *key, const char *const *v, size_t n)
{
  jw_key(w, key);
  jw_begin_array(w);
  for (size_t i = 0; i < n; i++)
    jw_string(w, v[i]);
  jw_end_array(w);
}

static void write_mount(struct json_writer *w, const char *dest, const char *type,
                        const char *source, const char *const *options, size_t n_options)
{
  jw_begin_object(w);
  jw_kv_string(w, "destination", dest);
  jw_kv_string(w, "type", type);
  jw_kv_string(w, "source", source);
  write_strings(w, "options", options, n_options);
  jw_end_object(w);
}

/* The sandbox's own /proc, /dev, /tmp...; /sys is a fresh one with a private
 * network (it shows the network devices), else the host's, read-only. */
static void write_base_mounts(struct json_writer *w, bool share_net)
{
  static const char *const dev[] = { "nosuid", "strictatime", "mode=755", "size=65536k" };
  static const char *const pts[] = { "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620" };
  static const char *const shm[] = { "nosuid", "nodev", "noexec", "mode=1777", "size=65536k" };
  static const char *const mq[] = { "nosuid", "nodev", "noexec" };
  static const char *const tmp[] = { "nosuid", "nodev", "mode=1777" };
  static const char *const sys[] = { "nosuid", "nodev", "noexec", "ro" };
  static const char *const proc[] = { "nosuid", "nodev", "noexec" };
  write_mount(w, "/proc", "proc", "proc", proc, ARRAY_LEN(proc));
  write_mount(w, "/dev", "tmpfs", "tmpfs", dev, ARRAY_LEN(dev));
  write_mount(w, "/dev/pts", "devpts", "devpts", pts, ARRAY_LEN(pts));
  write_mount(w, "/dev/shm", "tmpfs", "shm", shm, ARRAY_LEN(shm));
  write_mount(w, "/dev/mqueue", "mqueue", "mqueue", mq, ARRAY_LEN(mq));
  write_mount(w, "/tmp", "tmpfs", "tmpfs", tmp, ARRAY_LEN(tmp));
  if (!share_net)
    write_mount(w, "/sys", "sysfs", "sysfs", sys, ARRAY_LEN(sys));
}

/* `path` is `dir` or below it (both real paths). */
static bool path_is_under(const char *path, const char *dir)
{
  size_t n = strlen(dir);
  if (n == 1)
    return true; /* "/" */
  return !strncmp(path, dir, n) && (path[n] == '\0' || path[n] == '/');
}

/* Host paths the sandbox must not hide (the workspace, the sources of --bind
 * and --ro-bind: a socket there is passed in on purpose) or has covered
 * already (its own /tmp, /dev, /proc, the runtime directories). */
struct path_set {
  char **paths;
  size_t n;
};

static void path_set_add(struct path_set *s, const char *path)
{
  char *real = NULL;
  herr e = real_path(path, &real);
  if (e) {
    herr_free(e);
    real = strdup(path);
  }
  char **p = realloc(s->paths, (s->n + 1) * sizeof(*p));
  if (!real || !p)
    abort(); /* out of memory: never a sandbox that hides less than asked */
  s->paths = p;
  s->paths[s->n++] = real;
}

static bool path_set_covers(const struct path_set *s, const char *path)
{
  for (size_t i = 0; i < s->n; i++)
    if (path_is_under(path, s->paths[i]))
      return true;
  return false;
}

static void path_set_free(struct path_set *s)
{
  for (size_t i = 0; i < s->n; i++)
    free(s->paths[i]);
  free(s->paths);
  *s = (struct path_set){ 0 };
}

/* The per-user runtime directories hold the session's sockets (D-Bus,
 * through which `systemd-run --user` runs anything outside; gpg-agent,
 * pipewire, podman): an empty tmpfs over /run/user and $XDG_RUNTIME_DIR,
 * those that exist as directories, each once. */
static void write_runtime_dir_mounts(struct json_writer *w, struct path_set *covered)
{
  static const char *const tmpfs[] = { "nosuid", "nodev", "mode=755" };
  const char *candidates[] = { "/run/user", getenv("XDG_RUNTIME_DIR") };
  for (size_t i = 0; i < ARRAY_LEN(candidates); i++) {
    _cleanup_free_ char *real = NULL;
    struct stat st;
    if (!candidates[i] || candidates[i][0] != '/')
      continue;
    herr e = real_path(candidates[i], &real);
    if (e || stat(real, &st) < 0 || !S_ISDIR(st.st_mode) || path_set_covers(covered, real)) {
      herr_free(e);
      continue;
    }
    write_mount(w, real, "tmpfs", "tmpfs", tmpfs, ARRAY_LEN(tmpfs));
    path_set_add(covered, real);
  }
}

/* Every other listening socket of the host with a path: /dev/null over it,
 * so that connect() finds no socket there (ECONNREFUSED). */
static void write_socket_masks(struct json_writer *w, const struct host_sockets *hs,
                               const struct path_set *covered)
{
  static const char *const opts[] = { "bind", "ro" };
  for (size_t i = 0; i < hs->n; i++)
    if (!path_set_covers(covered, hs->paths[i]))
      write_mount(w, hs->paths[i], "bind", "/dev/null", opts, ARRAY_LEN(opts));
}

/* Before the workspace and the user's mounts, which may show sockets again on
 * purpose. */
static void write_host_socket_mounts(struct json_writer *w, const struct sandbox_opts *o,
                                     const char *workspace, const struct host_sockets *hs)
{
  struct path_set covered = { 0 };
  static const char *const own[] = { "/tmp", "/dev", "/proc" };
  for (size_t i = 0; i < ARRAY_LEN(own); i++)
    path_set_add(&covered, own[i]);
  path_set_add(&covered, workspace);
  for (size_t i = 0; i < o->n_mounts; i++)
    if (o->mounts[i].source)
      path_set_add(&covered, o->mounts[i].source);
  write_runtime_dir_mounts(w, &covered);
  write_socket_masks(w, hs, &covered);
  path_set_free(&covered);
}

static void write_user_mounts(struct json_writer *w, const struct sandbox_opts *o, const char *workspace)
{
  static const char *const rw[] = { "rbind", "rw" };
  static const char *const ro[] = { "rbind", "ro" };
  static const char *const tmpfs[] = { "nosuid", "nodev", "mode=755" };
  write_mount(w, workspace, "bind", workspace, rw, ARRAY_LEN(rw));
  for (size_t i = 0; i < o->n_mounts; i++) {
    const struct sandbox_mount *m = &o->mounts[i];
    if (m->kind == SANDBOX_TMPFS)
      write_mount(w, m->destination, "tmpfs", "tmpfs", tmpfs, ARRAY_LEN(tmpfs));
    else if (m->kind == SANDBOX_RO_BIND)
      write_mount(w, m->destination, "bind", m->source, ro, ARRAY_LEN(ro));
    else
      write_mount(w, m->destination, "bind", m->source, rw, ARRAY_LEN(rw));
  }
}

/* The host's environment, with --setenv/--unsetenv applied in order. */
static bool env_overridden(const struct sandbox_opts *o, const char *entry)
{
  const char *eq = strchr(entry, '=');
  size_t len = eq ? (size_t)(eq - entry) : strlen(entry);
  for (size_t i = 0; i < o->n_env; i++)
    if (strlen(o->env[i].name) == len && !strncmp(o->env[i].name, entry, len))
      return true;
  return false;
}

static void write_env(struct json_writer *w, const struct sandbox_opts *o)
{
  jw_key(w, "env");
  jw_begin_array(w);
  for (char **e = environ; *e; e++)
    if (!env_overridden(o, *e))
      jw_string(w, *e);
  for (size_t i = 0; i < o->n_env; i++) {
    /* The last word on a name counts. */
    bool later = false;
    for (size_t j = i + 1; j < o->n_env; j++)
      later |= !strcmp(o->env[j].name, o->env[i].name);
    if (later || !o->env[i].value)
      continue;
    _cleanup_free_ char *kv = NULL;
    if (asprintf(&kv, "%s=%s", o->env[i].name, o->env[i].value) >= 0)
      jw_string(w, kv);
  }
  jw_end_array(w);
}

static void write_process(struct json_writer *w, const struct sandbox_opts *o, const char *cwd)
{
  jw_key(w, "process");
  jw_begin_object(w);
  /* --tty: a pty of the sandbox's own, relayed by hull; never the caller's
   * terminal as the controlling one. */
  jw_kv_bool(w, "terminal", o->tty);
  jw_key(w, "user");
  jw_begin_object(w);
  jw_kv_int(w, "uid", getuid());
  jw_kv_int(w, "gid", getgid());
  jw_end_object(w);
  jw_key(w, "args");
  jw_begin_array(w);
  for (char **a = o->argv; *a; a++)
    jw_string(w, *a);
  jw_end_array(w);
  write_env(w, o);
  jw_kv_string(w, "cwd", cwd);
  /* Every set empty: the command has no capability, even as root. */
  jw_key(w, "capabilities");
  jw_begin_object(w);
  static const char *const sets[] = { "bounding", "effective", "permitted", "inheritable", "ambient" };
  for (size_t i = 0; i < ARRAY_LEN(sets); i++)
    write_strings(w, sets[i], NULL, 0);
  jw_end_object(w);
  jw_kv_bool(w, "noNewPrivileges", true);
  jw_end_object(w);
}

static void write_id_mapping(struct json_writer *w, const char *key, unsigned id)
{
  jw_key(w, key);
  jw_begin_array(w);
  jw_begin_object(w);
  jw_kv_int(w, "containerID", id);
  jw_kv_int(w, "hostID", id);
  jw_kv_int(w, "size", 1);
  jw_end_object(w);
  jw_end_array(w);
}

static herr write_linux(struct json_writer *w, const struct sandbox_opts *o)
{
  static const char *const namespaces[] = { "user", "pid", "ipc", "uts", "mount", "cgroup", "network" };
  jw_key(w, "linux");
  jw_begin_object(w);
  jw_key(w, "namespaces");
  jw_begin_array(w);
  for (size_t i = 0; i < ARRAY_LEN(namespaces); i++) {
    if (o->share_net && !strcmp(namespaces[i], "network"))
      continue;
    jw_begin_object(w);
    jw_kv_string(w, "type", namespaces[i]);
    jw_end_object(w);
  }
  jw_end_array(w);
  /* The caller stays who they are: their uid and gid map to themselves. */
  write_id_mapping(w, "uidMappings", getuid());
  write_id_mapping(w, "gidMappings", getgid());
  jw_key(w, "seccomp");
  if (o->seccomp_profile)
    TRY_WRAP(jw_json_text(w, o->seccomp_profile), "--seccomp-profile");
  else
    write_default_seccomp(w);
  jw_end_object(w);
  return NULL;
}

const char *sandbox_notice(const struct sandbox_opts *o)
{
  if (!o->share_net || landlock_abi_version() >= LANDLOCK_SCOPES_MIN_ABI)
    return NULL;
  return "--share-net: the host's abstract unix sockets stay reachable: this kernel lacks Landlock "
         "scopes (Landlock ABI 6, Linux 6.12)";
}

/* Landlock scopes where the kernel has them: no abstract unix socket and no
 * signal outside the sandbox.  Else, with --share-net, the notice. */
static void write_annotations(struct json_writer *w, const struct sandbox_opts *o)
{
  const char *notice = sandbox_notice(o);
  jw_key(w, "annotations");
  jw_begin_object(w);
  if (landlock_abi_version() >= LANDLOCK_SCOPES_MIN_ABI)
    jw_kv_string(w, LANDLOCK_SCOPE_ANNOTATION, "abstract_unix_socket,signal");
  if (notice)
    jw_kv_string(w, SANDBOX_NOTICE_ANNOTATION, notice);
  jw_end_object(w);
}

herr sandbox_config_json(const struct sandbox_opts *o, char **json)
{
  if (!o->argv || !o->argv[0])
    return herr_new("sandbox: a command to run is required (hull sandbox [OPTIONS] -- COMMAND [ARGS])");
  _cleanup_free_ char *here = NULL;
  if (!o->workspace) {
    here = getcwd(NULL, 0);
    if (!here)
      return herr_sys("sandbox: the current directory");
  }
  _cleanup_free_ char *workspace = NULL;
  TRY_WRAP(real_path(o->workspace ? o->workspace : here, &workspace), "sandbox: --workspace");
  /* Read in the host's network namespace, which lists them. */
  struct host_sockets hs;
  TRY_WRAP(host_sockets_list(&hs), "sandbox: the host's unix sockets");
  struct json_writer *w = jw_new(true);
  jw_begin_object(w);
  jw_kv_string(w, "ociVersion", "1.2.0");
  jw_key(w, "root");
  jw_begin_object(w);
  jw_kv_string(w, "path", "/");
  jw_kv_bool(w, "readonly", true);
  jw_end_object(w);
  if (o->hostname)
    jw_kv_string(w, "hostname", o->hostname);
  write_process(w, o, o->chdir ? o->chdir : workspace);
  jw_key(w, "mounts");
  jw_begin_array(w);
  write_base_mounts(w, o->share_net);
  write_host_socket_mounts(w, o, workspace, &hs);
  write_user_mounts(w, o, workspace);
  jw_end_array(w);
  host_sockets_free(&hs);
  write_annotations(w, o);
  herr e = write_linux(w, o);
  jw_end_object(w);
  char *text = jw_finish(w, NULL);
  if (e) {
    free(text);
    return e;
  }
  if (!text)
    return herr_errno(ENOMEM, "sandbox: encode the config");
  *json = text;
  return NULL;
}
