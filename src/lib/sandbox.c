/* sandbox.c - the config `hull sandbox` runs (see sandbox.h).
 *
 * The host's / is the root, read-only as a whole tree (root.readonly); the
 * workspace is bound read-write; /tmp, /dev, /dev/shm and /proc are the
 * sandbox's own.  New user, pid, ipc, uts, mount, cgroup (and, unless
 * --share-net, network) namespaces; no capabilities; no new privileges; a
 * seccomp filter that refuses the system calls a sandboxed command has no use
 * for and that widen the kernel's attack surface.
 */
#include "sandbox.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "json.h"
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

static void write_default_seccomp(struct json_writer *w)
{
  jw_begin_object(w);
  jw_kv_string(w, "defaultAction", "SCMP_ACT_ALLOW");
  jw_key(w, "syscalls");
  jw_begin_array(w);
  jw_begin_object(w);
  jw_key(w, "names");
  jw_begin_array(w);
  for (size_t i = 0; i < sizeof(default_denied_syscalls) / sizeof(default_denied_syscalls[0]); i++)
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
#define N(a) (sizeof(a) / sizeof((a)[0]))

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
  write_mount(w, "/proc", "proc", "proc", proc, N(proc));
  write_mount(w, "/dev", "tmpfs", "tmpfs", dev, N(dev));
  write_mount(w, "/dev/pts", "devpts", "devpts", pts, N(pts));
  write_mount(w, "/dev/shm", "tmpfs", "shm", shm, N(shm));
  write_mount(w, "/dev/mqueue", "mqueue", "mqueue", mq, N(mq));
  write_mount(w, "/tmp", "tmpfs", "tmpfs", tmp, N(tmp));
  if (!share_net)
    write_mount(w, "/sys", "sysfs", "sysfs", sys, N(sys));
}

static void write_user_mounts(struct json_writer *w, const struct sandbox_opts *o, const char *workspace)
{
  static const char *const rw[] = { "rbind", "rw" };
  static const char *const ro[] = { "rbind", "ro" };
  static const char *const tmpfs[] = { "nosuid", "nodev", "mode=755" };
  write_mount(w, workspace, "bind", workspace, rw, N(rw));
  for (size_t i = 0; i < o->n_mounts; i++) {
    const struct sandbox_mount *m = &o->mounts[i];
    if (m->kind == SANDBOX_TMPFS)
      write_mount(w, m->destination, "tmpfs", "tmpfs", tmpfs, N(tmpfs));
    else if (m->kind == SANDBOX_RO_BIND)
      write_mount(w, m->destination, "bind", m->source, ro, N(ro));
    else
      write_mount(w, m->destination, "bind", m->source, rw, N(rw));
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
  jw_kv_bool(w, "terminal", false);
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
  for (size_t i = 0; i < N(sets); i++)
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
  for (size_t i = 0; i < N(namespaces); i++) {
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
  write_user_mounts(w, o, workspace);
  jw_end_array(w);
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
