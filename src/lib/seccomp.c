/* seccomp.c - linux.seccomp: compile with libseccomp, load with seccomp(2),
 * hand the notify fd to the listener.  See seccomp.h. */
#include "seccomp.h"
#include "seccomp_names.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <linux/filter.h>
#include <linux/magic.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "cleanup.h"
#include "json.h"
#include "log.h"
#include "utils.h"

#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif
#ifndef SECCOMP_FILTER_FLAG_TSYNC_ESRCH
#define SECCOMP_FILTER_FLAG_TSYNC_ESRCH (1UL << 4)
#endif

/* The version of the container process state hull sends (config-linux.md). */
#define PROCESS_STATE_OCI_VERSION "1.3.0"
/* A syscall has six arguments (index 0 to 5). */
#define SYSCALL_MAX_ARGS 6

struct seccomp_program {
  struct sock_filter *insns;
  unsigned short len;
  unsigned int flags;       /* SECCOMP_FILTER_FLAG_* for seccomp(2) */
  bool notify;              /* a rule uses SCMP_ACT_NOTIFY */
  char *listener_path;
  char *listener_metadata;
};

/* ---- name tables ------------------------------------------------------ */

/* From seccomp_names.h, the one list of each kind of name. */
#define ACTION_DEF(name, value, takes_errno) { #name, value, takes_errno },
#define OPERATOR_DEF(name) { #name, name },
#define FLAG_DEF(name, probe_with) { #name, name, probe_with },

static const struct action_def {
  const char *name;
  uint32_t value;
  bool takes_errno;
} actions[] = { SECCOMP_ACTIONS(ACTION_DEF) };
static const char *const action_names[] = { SECCOMP_ACTIONS(SECCOMP_NAME3) NULL };

static const struct {
  const char *name;
  enum scmp_compare op;
} operators[] = { SECCOMP_OPERATORS(OPERATOR_DEF) };
static const char *const operator_names[] = { SECCOMP_OPERATORS(SECCOMP_NAME1) NULL };

static const struct {
  const char *name;
  unsigned int flag;
  unsigned int probe_with;
} flags[] = { SECCOMP_FLAGS(FLAG_DEF) };
static const char *const flag_names[] = { SECCOMP_FLAGS(SECCOMP_NAME2) NULL };

static const char *const arch_names[] = { SECCOMP_ARCHS(SECCOMP_NAME1) NULL };

/* Syscalls hull itself makes after the filter is loaded and before the
 * listener has the notify fd: notifying them would wait for an answer that
 * can never come. */
static const char *const notify_forbidden[] = { "sendmsg", NULL };

static const struct action_def *find_action(const char *name)
{
  for (size_t i = 0; i < ARRAY_LEN(actions); i++)
    if (!strcmp(actions[i].name, name))
      return &actions[i];
  return NULL;
}

static bool find_operator(const char *name, enum scmp_compare *op)
{
  for (size_t i = 0; i < ARRAY_LEN(operators); i++)
    if (!strcmp(operators[i].name, name)) {
      *op = operators[i].op;
      return true;
    }
  return false;
}

static bool find_flag(const char *name, unsigned int *flag, unsigned int *probe_with)
{
  for (size_t i = 0; i < ARRAY_LEN(flags); i++)
    if (!strcmp(flags[i].name, name)) {
      *flag = flags[i].flag;
      *probe_with = flags[i].probe_with;
      return true;
    }
  return false;
}

/* libseccomp's token for "SCMP_ARCH_X86_64", 0 if it does not know it. */
static uint32_t resolve_arch(const char *name)
{
  static const char prefix[] = "SCMP_ARCH_";
  if (strncmp(name, prefix, sizeof(prefix) - 1))
    return 0;
  char lower[32];
  size_t i = 0;
  for (const char *c = name + sizeof(prefix) - 1; *c && i < sizeof(lower) - 1; c++)
    lower[i++] = (char)tolower((unsigned char)*c);
  lower[i] = '\0';
  return seccomp_arch_resolve_name(lower);
}

/* The kernel validates the flags before it reads the program: with a NULL
 * program a known flag set fails with EFAULT, an unknown one with EINVAL
 * (libseccomp probes the same way).  Nothing is loaded either way. */
static bool kernel_accepts_flags(unsigned int f)
{
  long rc = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, f, NULL);
  return rc < 0 && errno == EFAULT;
}

/* ---- compiling ---------------------------------------------------------- */

static void release_ctx(scmp_filter_ctx *ctx)
{
  if (*ctx)
    seccomp_release(*ctx);
}

void seccomp_program_free(struct seccomp_program *p)
{
  if (!p)
    return;
  free(p->insns);
  free(p->listener_path);
  free(p->listener_metadata);
  free(p);
}

static void program_freep(struct seccomp_program **p)
{
  seccomp_program_free(*p);
}

/* An action name plus its optional errno, as libseccomp's value.  The
 * paths name the fields ("linux.seccomp.syscalls[2].action"). */
static herr resolve_action(const char *name, bool has_ret, uint32_t ret, const char *action_path,
                           const char *ret_path, uint32_t *out)
{
  const struct action_def *a = find_action(name);
  if (!a)
    return herr_new("%s: unknown action \"%s\"", action_path, name);
  if (!a->takes_errno) {
    if (has_ret)
      return herr_new("%s: %s does not return an errno (only SCMP_ACT_ERRNO and SCMP_ACT_TRACE do)",
                      ret_path, name);
    *out = a->value;
    return NULL;
  }
  if (has_ret && ret > 0xffff)
    return herr_new("%s: %u does not fit the 16 bits seccomp has for it", ret_path, ret);
  *out = a->value | (has_ret ? ret : (uint32_t)EPERM);
  return NULL;
}

static herr add_architectures(scmp_filter_ctx ctx, const struct oci_seccomp *s)
{
  for (size_t i = 0; i < s->n_architectures; i++) {
    uint32_t arch = resolve_arch(s->architectures[i]);
    if (!arch)
      return herr_new("linux.seccomp.architectures[%zu]: %s is not known to this libseccomp (%u.%u.%u)",
                      i, s->architectures[i], SCMP_VER_MAJOR, SCMP_VER_MINOR, SCMP_VER_MICRO);
    int rc = seccomp_arch_add(ctx, arch);
    if (rc < 0 && rc != -EEXIST) /* the native one is always there */
      return herr_errno(-rc, "linux.seccomp.architectures[%zu]: add %s", i, s->architectures[i]);
  }
  return NULL;
}

/* args[] as libseccomp comparisons.  For SCMP_CMP_MASKED_EQ, value is the
 * mask and valueTwo the value the masked argument must equal. */
static herr build_conditions(const struct oci_seccomp_syscall *sc, const char *path,
                             struct scmp_arg_cmp *conds, bool *repeats_an_arg)
{
  bool seen[SYSCALL_MAX_ARGS] = { false };
  *repeats_an_arg = false;
  for (size_t k = 0; k < sc->n_args; k++) {
    const struct oci_seccomp_arg *a = &sc->args[k];
    if (a->index >= SYSCALL_MAX_ARGS)
      return herr_new("%s.args[%zu].index: %u is out of range (a syscall has arguments 0 to %d)",
                      path, k, a->index, SYSCALL_MAX_ARGS - 1);
    enum scmp_compare op;
    if (!find_operator(a->op, &op))
      return herr_new("%s.args[%zu].op: unknown operator \"%s\"", path, k, a->op);
    conds[k] = (struct scmp_arg_cmp){
      .arg = a->index, .op = op, .datum_a = a->value, .datum_b = a->valueTwo,
    };
    if (seen[a->index])
      *repeats_an_arg = true;
    seen[a->index] = true;
  }
  return NULL;
}

static herr check_notify_names(const struct oci_seccomp_syscall *sc, const char *path)
{
  for (size_t j = 0; j < sc->n_names; j++)
    for (const char *const *f = notify_forbidden; *f; f++)
      if (!strcmp(sc->names[j], *f))
        return herr_new("%s.names[%zu]: SCMP_ACT_NOTIFY cannot apply to %s: hull sends the notify fd "
                        "to the listener with it once the filter is loaded", path, j, *f);
  return NULL;
}

/* libseccomp takes one comparison per argument in a rule.  Like runc, when
 * args[] tests the same argument more than once, each comparison becomes a
 * rule of its own (any of them matches); otherwise all must match. */
static herr add_rule(scmp_filter_ctx ctx, uint32_t action, int nr, const struct scmp_arg_cmp *conds,
                     size_t n, bool one_rule_per_condition)
{
  int rc = 0;
  if (one_rule_per_condition) {
    for (size_t k = 0; k < n && rc == 0; k++)
      rc = seccomp_rule_add_array(ctx, action, nr, 1, &conds[k]);
  } else {
    rc = seccomp_rule_add_array(ctx, action, nr, (unsigned int)n, conds);
  }
  return rc < 0 ? herr_errno(-rc, "libseccomp refused the rule") : NULL;
}

static herr add_syscall(scmp_filter_ctx ctx, const struct oci_seccomp_syscall *sc, size_t i,
                        uint32_t default_action, bool *notify)
{
  char path[48], action_path[64], ret_path[64];
  snprintf(path, sizeof(path), "linux.seccomp.syscalls[%zu]", i);
  snprintf(action_path, sizeof(action_path), "%s.action", path);
  snprintf(ret_path, sizeof(ret_path), "%s.errnoRet", path);
  uint32_t action;
  TRY(resolve_action(sc->action, sc->has_errnoRet, sc->errnoRet, action_path, ret_path, &action));
  struct scmp_arg_cmp conds[sc->n_args ? sc->n_args : 1];
  bool repeats;
  TRY(build_conditions(sc, path, conds, &repeats));
  if (action == SCMP_ACT_NOTIFY)
    TRY(check_notify_names(sc, path));
  /* libseccomp refuses a rule that repeats the default action; it would
   * change nothing anyway. */
  if (action == default_action)
    return NULL;
  for (size_t j = 0; j < sc->n_names; j++) {
    int nr = seccomp_syscall_resolve_name(sc->names[j]);
    if (nr == __NR_SCMP_ERROR) {
      log_warning("%s.names[%zu]: syscall \"%s\" is unknown to this libseccomp (%u.%u.%u); skipped",
                  path, j, sc->names[j], SCMP_VER_MAJOR, SCMP_VER_MINOR, SCMP_VER_MICRO);
      continue;
    }
    TRY_WRAP(add_rule(ctx, action, nr, conds, sc->n_args, repeats), "%s.names[%zu] (%s)", path, j,
             sc->names[j]);
    if (action == SCMP_ACT_NOTIFY)
      *notify = true;
  }
  return NULL;
}

static bool config_uses_notify(const struct oci_seccomp *s)
{
  for (size_t i = 0; i < s->n_syscalls; i++)
    if (!strcmp(s->syscalls[i].action, "SCMP_ACT_NOTIFY"))
      return true;
  return false;
}

/* listenerPath is ignored without SCMP_ACT_NOTIFY (config-linux.md), but
 * listenerMetadata without listenerPath is an error, and so is a notify rule
 * with nobody to answer it. */
static herr check_listener(const struct oci_seccomp *s)
{
  if (s->listenerMetadata && !s->listenerPath)
    return herr_new("linux.seccomp.listenerMetadata: must not be set without listenerPath");
  if (!config_uses_notify(s))
    return NULL;
  if (!s->listenerPath || !*s->listenerPath)
    return herr_new("linux.seccomp.listenerPath: required when a rule uses SCMP_ACT_NOTIFY "
                    "(nobody would answer the notified syscalls)");
  struct sockaddr_un addr;
  if (strlen(s->listenerPath) >= sizeof(addr.sun_path))
    return herr_new("linux.seccomp.listenerPath: \"%s\" is longer than a unix socket path may be (%zu bytes)",
                    s->listenerPath, sizeof(addr.sun_path) - 1);
  return NULL;
}

static herr resolve_flags(const struct oci_seccomp *s, bool notify, unsigned int *out)
{
  unsigned int f = notify ? SECCOMP_FILTER_FLAG_NEW_LISTENER : 0;
  for (size_t i = 0; i < s->n_flags; i++) {
    unsigned int flag, probe_with;
    if (!find_flag(s->flags[i], &flag, &probe_with))
      return herr_new("linux.seccomp.flags[%zu]: unknown flag \"%s\"", i, s->flags[i]);
    if (!kernel_accepts_flags(flag | probe_with))
      return herr_new("linux.seccomp.flags[%zu]: %s is not supported by this kernel", i, s->flags[i]);
    /* How a notified syscall waits for its answer means nothing when no
     * syscall is notified, and the kernel refuses it without a listener. */
    if (flag == SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV && !notify) {
      log_debug("linux.seccomp.flags[%zu]: %s ignored: no rule uses SCMP_ACT_NOTIFY", i, s->flags[i]);
      continue;
    }
    f |= flag;
  }
  /* TSYNC and a listener together need TSYNC_ESRCH (the process has a
   * single thread here, so the two mean the same). */
  if ((f & SECCOMP_FILTER_FLAG_TSYNC) && (f & SECCOMP_FILTER_FLAG_NEW_LISTENER)) {
    f |= SECCOMP_FILTER_FLAG_TSYNC_ESRCH;
    if (!kernel_accepts_flags(f))
      return herr_new("linux.seccomp.flags: SECCOMP_FILTER_FLAG_TSYNC with SCMP_ACT_NOTIFY needs "
                      "SECCOMP_FILTER_FLAG_TSYNC_ESRCH, which this kernel does not have");
  }
  *out = f;
  return NULL;
}

/* libseccomp 2.5 exports BPF only to an fd: a memfd, read back. */
static herr export_program(scmp_filter_ctx ctx, struct seccomp_program *p)
{
  _cleanup_close_ int fd = memfd_create("hull-seccomp", MFD_CLOEXEC);
  if (fd < 0)
    return herr_sys("linux.seccomp: memfd_create");
  int rc = seccomp_export_bpf(ctx, fd);
  if (rc < 0)
    return herr_errno(-rc, "linux.seccomp: libseccomp could not export the filter");
  struct stat st;
  if (fstat(fd, &st) < 0)
    return herr_sys("linux.seccomp: fstat the exported filter");
  size_t n = (size_t)st.st_size / sizeof(struct sock_filter);
  if (n == 0 || n > BPF_MAXINSNS)
    return herr_new("linux.seccomp: the filter compiles to %zu BPF instructions; the kernel takes 1 to %d",
                    n, BPF_MAXINSNS);
  p->insns = malloc(n * sizeof(struct sock_filter));
  if (!p->insns)
    return herr_errno(ENOMEM, "linux.seccomp");
  size_t want = n * sizeof(struct sock_filter), got = 0;
  while (got < want) {
    ssize_t r = pread(fd, (char *)p->insns + got, want - got, (off_t)got);
    if (r < 0 && errno == EINTR)
      continue;
    if (r <= 0)
      return r < 0 ? herr_sys("linux.seccomp: read the exported filter")
                   : herr_new("linux.seccomp: the exported filter is short");
    got += (size_t)r;
  }
  p->len = (unsigned short)n;
  return NULL;
}

/* The largest native syscall number the profile names (0 if none). */
static int max_named_syscall(const struct oci_seccomp *s)
{
  int max = 0;
  for (size_t i = 0; i < s->n_syscalls; i++)
    for (size_t j = 0; j < s->syscalls[i].n_names; j++) {
      int nr = seccomp_syscall_resolve_name(s->syscalls[i].names[j]);
      if (nr > max)
        max = nr;
    }
  return max;
}

/* A syscall newer than every one the profile names gets ENOSYS rather than
 * the default action, as runc's filters give it: a profile cannot know of
 * syscalls younger than itself, and C libraries fall back from ENOSYS (from
 * EPERM they fail).  A stub in front of the filter, for the native arch (not
 * its x32 numbers); only when the default action is not to allow. */
static herr prepend_enosys_stub(struct seccomp_program *p, int max_nr)
{
  enum { STUB_LEN = 6, X32_SYSCALL_BIT = 0x40000000 };
  const struct sock_filter stub[STUB_LEN] = {
    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, seccomp_arch_native(), 0, 4),
    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
    BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, X32_SYSCALL_BIT, 2, 0),
    BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, (uint32_t)max_nr, 0, 1),
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS),
  };
  if (p->len + STUB_LEN > BPF_MAXINSNS)
    return herr_new("linux.seccomp: the filter compiles to %u BPF instructions; the kernel takes at most %d",
                    p->len + STUB_LEN, BPF_MAXINSNS);
  struct sock_filter *all = malloc((p->len + STUB_LEN) * sizeof(*all));
  if (!all)
    return herr_errno(ENOMEM, "linux.seccomp");
  memcpy(all, stub, sizeof(stub));
  memcpy(all + STUB_LEN, p->insns, p->len * sizeof(*all));
  free(p->insns);
  p->insns = all;
  p->len = (unsigned short)(p->len + STUB_LEN);
  return NULL;
}

static herr copy_listener(const struct oci_seccomp *s, struct seccomp_program *p)
{
  if (!p->notify)
    return NULL;
  p->listener_path = strdup(s->listenerPath);
  p->listener_metadata = s->listenerMetadata ? strdup(s->listenerMetadata) : NULL;
  if (!p->listener_path || (s->listenerMetadata && !p->listener_metadata))
    return herr_errno(ENOMEM, "linux.seccomp");
  return NULL;
}

herr seccomp_compile(const struct oci_seccomp *s, struct seccomp_program **out)
{
  *out = NULL;
  if (!s)
    return NULL;
  __attribute__((cleanup(program_freep))) struct seccomp_program *p = calloc(1, sizeof(*p));
  if (!p)
    return herr_errno(ENOMEM, "linux.seccomp");
  uint32_t def;
  TRY(resolve_action(s->defaultAction, s->has_defaultErrnoRet, s->defaultErrnoRet,
                     "linux.seccomp.defaultAction", "linux.seccomp.defaultErrnoRet", &def));
  if (def == SCMP_ACT_NOTIFY)
    return herr_new("linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be the default action: hull "
                    "must send the notify fd to the listener after the filter is loaded");
  TRY(check_listener(s));
  __attribute__((cleanup(release_ctx))) scmp_filter_ctx ctx = seccomp_init(def);
  if (!ctx)
    return herr_new("linux.seccomp.defaultAction: libseccomp refused %s (not supported by this kernel?)",
                    s->defaultAction);
  TRY(add_architectures(ctx, s));
  for (size_t i = 0; i < s->n_syscalls; i++)
    TRY(add_syscall(ctx, &s->syscalls[i], i, def, &p->notify));
  TRY(resolve_flags(s, p->notify, &p->flags));
  TRY(export_program(ctx, p));
  int max_nr = max_named_syscall(s);
  if (def != SCMP_ACT_ALLOW && max_nr > 0)
    TRY(prepend_enosys_stub(p, max_nr));
  TRY(copy_listener(s, p));
  *out = STEAL(p);
  return NULL;
}

bool seccomp_uses_notify(const struct seccomp_program *p)
{
  return p && p->notify;
}

/* ---- the listener ------------------------------------------------------- */

/* Our pid in the runtime's pid namespace: what /proc/self names in the
 * runtime's procfs, still mounted on /proc before pivot_root.  The procfs is
 * checked, so that a bind mount over /proc cannot lie about it. */
static herr runtime_pid(pid_t *pid)
{
  _cleanup_close_ int proc = open("/proc", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  struct statfs sfs;
  if (proc < 0 || fstatfs(proc, &sfs) < 0)
    return herr_sys("open the runtime's /proc");
  if (sfs.f_type != PROC_SUPER_MAGIC)
    return herr_new("the runtime's /proc is not a procfs");
  char buf[32];
  ssize_t n = readlinkat(proc, "self", buf, sizeof(buf) - 1);
  if (n <= 0)
    return herr_sys("readlink /proc/self");
  buf[n] = '\0';
  char *end;
  long v = strtol(buf, &end, 10);
  if (*end || v <= 0 || v > INT_MAX)
    return herr_new("/proc/self is \"%s\", not a pid", buf);
  *pid = (pid_t)v;
  return NULL;
}

herr seccomp_listener_connect(const struct seccomp_program *p, struct seccomp_listener *l)
{
  if (!seccomp_uses_notify(p))
    return NULL;
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", p->listener_path);
  _cleanup_close_ int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return herr_sys("linux.seccomp.listenerPath: socket");
  if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0)
    return herr_sys("linux.seccomp.listenerPath: failed to connect with seccomp agent at %s", p->listener_path);
  TRY_WRAP(runtime_pid(&l->pid), "linux.seccomp.listenerPath");
  l->fd = steal_fd(&fd);
  return NULL;
}

void seccomp_listener_close(struct seccomp_listener *l)
{
  if (l->fd >= 0)
    close(l->fd);
  l->fd = -1;
}

/* The container process state (config-linux.md): ours, then the runtime
 * state (`state_json`, an object) as "state".  The writer cannot embed a
 * ready-made text, so the object is closed by hand. */
static char *process_state_json(const struct seccomp_program *p, pid_t pid, const char *state_json)
{
  struct json_writer *w = jw_new(false);
  jw_begin_object(w);
  jw_kv_string(w, "ociVersion", PROCESS_STATE_OCI_VERSION);
  jw_key(w, "fds");
  jw_begin_array(w);
  jw_string(w, "seccompFd");
  jw_end_array(w);
  jw_kv_int(w, "pid", pid);
  if (p->listener_metadata)
    jw_kv_string(w, "metadata", p->listener_metadata);
  jw_end_object(w);
  size_t len;
  _cleanup_free_ char *head = jw_finish(w, &len);
  if (!head || len == 0 || head[len - 1] != '}')
    return NULL;
  head[len - 1] = '\0';
  char *out;
  if (asprintf(&out, "%s,\"state\":%s}", head, state_json) < 0)
    return NULL;
  return out;
}

/* One sendmsg with the fd and as much of the text as fits; the rest with
 * plain sends (the spec allows several, fds only in the first). */
static herr send_with_fd(int sock, int fd, const char *text)
{
  size_t len = strlen(text);
  struct iovec iov = { .iov_base = (void *)text, .iov_len = len };
  union {
    char buf[CMSG_SPACE(sizeof(int))];
    struct cmsghdr align;
  } control;
  memset(&control, 0, sizeof(control));
  struct msghdr msg = {
    .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf, .msg_controllen = sizeof(control.buf),
  };
  struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int));
  memcpy(CMSG_DATA(c), &fd, sizeof(int));
  ssize_t n;
  while ((n = sendmsg(sock, &msg, MSG_NOSIGNAL)) < 0 && errno == EINTR)
    ;
  if (n < 0)
    return herr_sys("send the notify fd");
  for (size_t sent = (size_t)n; sent < len; sent += (size_t)n) {
    while ((n = send(sock, text + sent, len - sent, MSG_NOSIGNAL)) < 0 && errno == EINTR)
      ;
    if (n <= 0)
      return herr_sys("send the container process state");
  }
  return NULL;
}

/* ---- loading ------------------------------------------------------------ */

static bool effective_caps_have(const struct oci_process *proc, const char *cap)
{
  const struct oci_capabilities *c = proc->capabilities;
  for (size_t i = 0; c && i < c->n_effective; i++)
    if (!strcmp(c->effective[i], cap))
      return true;
  return false;
}

bool seccomp_needs_privileged_load(const struct seccomp_program *p, const struct oci_process *proc)
{
  if (!p || proc->noNewPrivileges || prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1)
    return false;
  return !effective_caps_have(proc, "CAP_SYS_ADMIN");
}

/* After the switch to a non-root user the effective set is empty even
 * though the permitted one still holds everything: raise CAP_SYS_ADMIN for
 * the kernel's check. */
static herr raise_sys_admin(void)
{
  cap_t caps = cap_get_proc();
  if (!caps)
    return herr_sys("cap_get_proc");
  cap_flag_value_t permitted = CAP_CLEAR;
  cap_value_t sys_admin = CAP_SYS_ADMIN;
  herr e = NULL;
  if (cap_get_flag(caps, CAP_SYS_ADMIN, CAP_PERMITTED, &permitted) < 0 || permitted != CAP_SET)
    e = herr_new("without process.noNewPrivileges the kernel loads a seccomp filter only for a process "
                 "with CAP_SYS_ADMIN, and the container process does not have it; set "
                 "process.noNewPrivileges to true");
  else if (cap_set_flag(caps, CAP_EFFECTIVE, 1, &sys_admin, CAP_SET) < 0 || cap_set_proc(caps) < 0)
    e = herr_sys("raise CAP_SYS_ADMIN to load the seccomp filter");
  cap_free(caps);
  return e;
}

static herr load_error(int err)
{
  if (err == EACCES)
    return herr_errno(err, "linux.seccomp: the kernel loads a filter only with no_new_privs or "
                           "CAP_SYS_ADMIN: set process.noNewPrivileges to true or keep CAP_SYS_ADMIN");
  return herr_errno(err, "linux.seccomp: the kernel refused the filter");
}

herr seccomp_install(const struct seccomp_program *p, struct seccomp_listener *l,
                     const char *state_json, bool privileged)
{
  if (!p)
    return NULL;
  /* Everything that allocates happens before the filter may forbid it. */
  _cleanup_free_ char *text = NULL;
  if (p->notify) {
    if (l->fd < 0 || !state_json)
      return herr_new("linux.seccomp: SCMP_ACT_NOTIFY without a connection to the listener");
    text = process_state_json(p, l->pid, state_json);
    if (!text)
      return herr_errno(ENOMEM, "encode the container process state");
  }
  if (privileged)
    TRY(raise_sys_admin());
  struct sock_fprog prog = { .len = p->len, .filter = p->insns };
  long rc = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, p->flags, &prog);
  if (rc < 0)
    return load_error(errno);
  if (!p->notify)
    return NULL;
  /* With NEW_LISTENER the kernel returns the notify fd (close-on-exec). */
  _cleanup_close_ int notify_fd = (int)rc;
  herr e = send_with_fd(l->fd, notify_fd, text);
  seccomp_listener_close(l);
  return e ? herr_wrap(e, "linux.seccomp.listenerPath %s", p->listener_path) : NULL;
}

/* ---- features ----------------------------------------------------------- */

const char *const *seccomp_known_actions(void)
{
  return action_names;
}

const char *const *seccomp_known_operators(void)
{
  return operator_names;
}

const char *const *seccomp_known_flags(void)
{
  return flag_names;
}

const char **seccomp_supported_archs(void)
{
  const char **out = calloc(ARRAY_LEN(arch_names), sizeof(*out));
  size_t n = 0;
  for (size_t i = 0; out && arch_names[i]; i++)
    if (resolve_arch(arch_names[i]))
      out[n++] = arch_names[i];
  return out;
}

const char **seccomp_supported_flags(void)
{
  const char **out = calloc(ARRAY_LEN(flags) + 1, sizeof(*out));
  size_t n = 0;
  for (size_t i = 0; out && i < ARRAY_LEN(flags); i++)
    if (kernel_accepts_flags(flags[i].flag | flags[i].probe_with))
      out[n++] = flags[i].name;
  return out;
}
