/* test_security.c - unit tests for seccomp.c and lsm.c.
 *
 * Filters are compiled and really loaded, in forked children (a filter cannot
 * be removed from a process); the notify path hands its fd over a socketpair
 * to this process, which checks the state it got.  The procfs checks of lsm.c
 * run against the real /proc, and against a bind mount over it in a child's
 * private mount namespace (as root; without the privilege that check is not
 * counted, and says so).  The exec trampoline (trampoline.c) is made in a
 * memfd and checked to be sealed, and run in a child.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "error.h"
#include "lsm.h"
#include "trampoline.h"
#include "seccomp.h"
#include "spec.h"
#include "utils.h"
#include "unit.h"

#define HEAD "{\"ociVersion\": \"1.2.0\", \"root\": {\"path\": \"rootfs\"}, "

static struct oci_config *parse(const char *json)
{
  struct oci_config *c = NULL;
  herr e = oci_config_parse(json, strlen(json), &c);
  if (!CHECK(e == NULL)) {
    char *m = herr_format(e);
    fprintf(stderr, "    parse error: %s\n    in: %s\n", m, json);
    free(m);
    herr_free(e);
  }
  return c;
}

/* Compile linux.seccomp of `json`; the error text (caller frees) or NULL. */
static char *compile_error(const char *json)
{
  struct oci_config *c = parse(json);
  if (!c)
    return strdup("(config did not parse)");
  struct seccomp_program *p = NULL;
  herr e = seccomp_compile(c->linux_ ? c->linux_->seccomp : NULL, &p);
  char *msg = e ? herr_format(e) : NULL;
  herr_free(e);
  seccomp_program_free(p);
  oci_config_free(c);
  return msg;
}

static void test_seccomp_errors(void)
{
  static const struct {
    const char *seccomp;
    const char *error;
  } cases[] = {
    { "{\"defaultAction\": \"SCMP_ACT_KILL\", \"defaultErrnoRet\": 3}",
      "linux.seccomp.defaultErrnoRet: SCMP_ACT_KILL does not return an errno" },
    { "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"getcwd\"], "
      "\"action\": \"SCMP_ACT_LOG\", \"errnoRet\": 1}]}",
      "linux.seccomp.syscalls[0].errnoRet: SCMP_ACT_LOG does not return an errno" },
    { "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 70000}",
      "linux.seccomp.defaultErrnoRet: 70000 does not fit" },
    { "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"getcwd\"], "
      "\"action\": \"SCMP_ACT_ERRNO\"}, {\"names\": [\"read\"], \"action\": \"SCMP_ACT_ERRNO\", "
      "\"args\": [{\"index\": 7, \"value\": 0, \"op\": \"SCMP_CMP_EQ\"}]}]}",
      "linux.seccomp.syscalls[1].args[0].index: 7 is out of range" },
    { "{\"defaultAction\": \"SCMP_ACT_NOTIFY\", \"listenerPath\": \"/x\"}",
      "linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be the default action" },
    { "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"mkdir\"], "
      "\"action\": \"SCMP_ACT_NOTIFY\"}]}",
      "linux.seccomp.listenerPath: required when a rule uses SCMP_ACT_NOTIFY" },
    { "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"listenerPath\": \"/x\", \"syscalls\": "
      "[{\"names\": [\"sendmsg\"], \"action\": \"SCMP_ACT_NOTIFY\"}]}",
      "linux.seccomp.syscalls[0].names[0]: SCMP_ACT_NOTIFY cannot apply to sendmsg" },
    { "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"listenerMetadata\": \"m\"}",
      "linux.seccomp.listenerMetadata: must not be set without listenerPath" },
    { "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"listenerPath\": \"/a/very/long/path/to/a/socket/"
      "that/does/not/fit/in/the/hundred/and/eight/bytes/of/sun_path/at/all/really.sock\", "
      "\"syscalls\": [{\"names\": [\"mkdir\"], \"action\": \"SCMP_ACT_NOTIFY\"}]}",
      "linux.seccomp.listenerPath: \"/a/very/long" },
  };
  for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
    char json[1024];
    snprintf(json, sizeof(json), HEAD "\"linux\": {\"seccomp\": %s}}", cases[i].seccomp);
    char *msg = compile_error(json);
    CHECK_STR_CONTAINS(msg, cases[i].error);
    free(msg);
  }
}

static void test_seccomp_compiles(void)
{
  struct seccomp_program *p = (struct seccomp_program *)1;
  CHECK_OK(seccomp_compile(NULL, &p));
  CHECK(p == NULL);
  /* Every action, every operator, a 64-bit value, several architectures,
   * an unknown name (a warning), a rule equal to the default (dropped). */
  char *msg = compile_error(HEAD "\"linux\": {\"seccomp\": {\"defaultAction\": \"SCMP_ACT_ALLOW\", "
    "\"architectures\": [\"SCMP_ARCH_X86_64\", \"SCMP_ARCH_X86\", \"SCMP_ARCH_X32\"], "
    "\"flags\": [\"SECCOMP_FILTER_FLAG_LOG\", \"SECCOMP_FILTER_FLAG_SPEC_ALLOW\"], "
    "\"syscalls\": ["
    "{\"names\": [\"getcwd\", \"no_such_syscall\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 1},"
    "{\"names\": [\"chmod\"], \"action\": \"SCMP_ACT_KILL\"},"
    "{\"names\": [\"fchmod\"], \"action\": \"SCMP_ACT_KILL_PROCESS\"},"
    "{\"names\": [\"fchown\"], \"action\": \"SCMP_ACT_KILL_THREAD\"},"
    "{\"names\": [\"chown\"], \"action\": \"SCMP_ACT_TRAP\"},"
    "{\"names\": [\"lchown\"], \"action\": \"SCMP_ACT_TRACE\", \"errnoRet\": 5},"
    "{\"names\": [\"getpid\"], \"action\": \"SCMP_ACT_ALLOW\"},"
    "{\"names\": [\"getppid\"], \"action\": \"SCMP_ACT_LOG\"},"
    "{\"names\": [\"personality\"], \"action\": \"SCMP_ACT_ERRNO\", \"args\": ["
    "  {\"index\": 0, \"value\": 18446744073709551615, \"op\": \"SCMP_CMP_NE\"}]},"
    "{\"names\": [\"umask\"], \"action\": \"SCMP_ACT_ERRNO\", \"args\": ["
    "  {\"index\": 0, \"value\": 1, \"op\": \"SCMP_CMP_LT\"}, {\"index\": 0, \"value\": 9, \"op\": \"SCMP_CMP_GT\"}]},"
    "{\"names\": [\"lseek\"], \"action\": \"SCMP_ACT_ERRNO\", \"args\": ["
    "  {\"index\": 1, \"value\": 4, \"op\": \"SCMP_CMP_LE\"}, {\"index\": 2, \"value\": 1, \"op\": \"SCMP_CMP_GE\"},"
    "  {\"index\": 0, \"value\": 3, \"op\": \"SCMP_CMP_EQ\"}]},"
    "{\"names\": [\"mkdir\"], \"action\": \"SCMP_ACT_ERRNO\", \"args\": ["
    "  {\"index\": 1, \"value\": 2, \"valueTwo\": 2, \"op\": \"SCMP_CMP_MASKED_EQ\"}]}"
    "]}}}");
  CHECK(msg == NULL);
  if (msg)
    fprintf(stderr, "    error: %s\n", msg);
  free(msg);
}

static struct seccomp_program *compile(const char *seccomp_json)
{
  char json[2048];
  snprintf(json, sizeof(json), HEAD "\"linux\": {\"seccomp\": %s}}", seccomp_json);
  struct oci_config *c = parse(json);
  struct seccomp_program *p = NULL;
  if (c)
    CHECK_OK(seccomp_compile(c->linux_->seccomp, &p));
  oci_config_free(c);
  return p;
}

/* In a child: load `p` (with no_new_privs), then mkdir(path, mode); its
 * errno (0 on success) is the exit status. */
static int mkdir_errno_under(const struct seccomp_program *p, const char *path, mode_t mode)
{
  pid_t pid = fork();
  if (pid == 0) {
    struct seccomp_listener l = SECCOMP_LISTENER_INIT;
    struct rlimit no_core = { 0, 0 };
    setrlimit(RLIMIT_CORE, &no_core); /* a killed child leaves no core file */
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
      _exit(200);
    herr e = seccomp_install(p, &l, NULL, false);
    if (e)
      _exit(201);
    _exit(mkdir(path, mode) < 0 ? errno : 0);
  }
  int status;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static void test_seccomp_loads(void)
{
  char dir[] = "/tmp/hull-test-seccomp.XXXXXX";
  if (!CHECK(mkdtemp(dir) != NULL))
    return;
  char path[64];
  snprintf(path, sizeof(path), "%s/d", dir);
  /* Deny mkdir with a world-writable mode: MASKED_EQ on the mode argument. */
  struct seccomp_program *p = compile("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": ["
    "{\"names\": [\"mkdir\", \"mkdirat\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 77, \"args\": ["
    "{\"index\": 1, \"value\": 2, \"valueTwo\": 2, \"op\": \"SCMP_CMP_MASKED_EQ\"}]}]}");
  if (p) {
    CHECK_INT_EQ(mkdir_errno_under(p, path, 0777), 77);
    CHECK_INT_EQ(mkdir_errno_under(p, path, 0755), 0);
  }
  rmdir(path);
  seccomp_program_free(p);
  /* KILL_PROCESS: the child dies of SIGSYS. */
  p = compile("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": ["
              "{\"names\": [\"mkdir\", \"mkdirat\"], \"action\": \"SCMP_ACT_KILL_PROCESS\"}]}");
  if (p) {
    CHECK_INT_EQ(mkdir_errno_under(p, path, 0755), 128 + SIGSYS);
  }
  seccomp_program_free(p);
  rmdir(dir);
}

/* The notify path over a socketpair: the child loads the filter and sends
 * the state with the fd; we check both. */
static void test_seccomp_notify_message(void)
{
  struct seccomp_program *p = compile("{\"defaultAction\": \"SCMP_ACT_ALLOW\", "
    "\"listenerPath\": \"/run/unused.sock\", \"listenerMetadata\": \"meta \\\"quoted\\\"\", "
    "\"syscalls\": [{\"names\": [\"mkdir\"], \"action\": \"SCMP_ACT_NOTIFY\"}]}");
  if (!p)
    return;
  CHECK(seccomp_uses_notify(p));
  int sv[2];
  if (!CHECK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0)) {
    seccomp_program_free(p);
    return;
  }
  pid_t pid = fork();
  if (pid == 0) {
    close(sv[0]);
    struct seccomp_listener l = { .fd = sv[1], .pid = 4242 };
    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
    herr e = seccomp_install(p, &l, "{\"id\":\"c1\"}", false);
    _exit(e ? 1 : l.fd == -1 ? 0 : 2);
  }
  close(sv[1]);
  char buf[1024] = { 0 };
  union {
    char b[CMSG_SPACE(sizeof(int))];
    struct cmsghdr align;
  } control;
  struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) - 1 };
  struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.b,
                        .msg_controllen = sizeof(control.b) };
  ssize_t n = recvmsg(sv[0], &msg, MSG_CMSG_CLOEXEC);
  CHECK(n > 0);
  struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
  CHECK(c && c->cmsg_type == SCM_RIGHTS && c->cmsg_len == CMSG_LEN(sizeof(int)));
  if (c && c->cmsg_type == SCM_RIGHTS) {
    int fd;
    memcpy(&fd, CMSG_DATA(c), sizeof(fd));
    char link[64] = "";
    char proc[64];
    snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
    CHECK(readlink(proc, link, sizeof(link) - 1) > 0);
    CHECK_STR_EQ(link, "anon_inode:seccomp notify");
    close(fd);
  }
  CHECK_STR_EQ(buf, "{\"ociVersion\":\"1.3.0\",\"fds\":[\"seccompFd\"],\"pid\":4242,"
                    "\"metadata\":\"meta \\\"quoted\\\"\",\"state\":{\"id\":\"c1\"}}");
  int status;
  waitpid(pid, &status, 0);
  CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  close(sv[0]);
  seccomp_program_free(p);
}

static void test_seccomp_privileged_load(void)
{
  struct oci_config *c = parse(HEAD "\"process\": {\"cwd\": \"/\", \"user\": {\"uid\": 0, \"gid\": 0}, "
    "\"noNewPrivileges\": false, \"capabilities\": {\"effective\": [\"CAP_KILL\"]}}, "
    "\"linux\": {\"seccomp\": {\"defaultAction\": \"SCMP_ACT_ALLOW\"}}}");
  if (!c)
    return;
  struct seccomp_program *p = NULL;
  CHECK_OK(seccomp_compile(c->linux_->seccomp, &p));
  bool self_nnp = prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1;
  CHECK(seccomp_needs_privileged_load(p, c->process) == !self_nnp);
  c->process->noNewPrivileges = true;
  CHECK(!seccomp_needs_privileged_load(p, c->process));
  c->process->noNewPrivileges = false;
  free(c->process->capabilities->effective[0]);
  c->process->capabilities->effective[0] = strdup("CAP_SYS_ADMIN");
  CHECK(!seccomp_needs_privileged_load(p, c->process));
  CHECK(!seccomp_needs_privileged_load(NULL, c->process));
  seccomp_program_free(p);
  oci_config_free(c);
}

static void test_seccomp_features(void)
{
  const char **archs = seccomp_supported_archs();
  const char **flags = seccomp_supported_flags();
  bool x86_64 = false;
  size_t n = 0;
  for (const char **a = archs; a && *a; a++)
    x86_64 |= !strcmp(*a, "SCMP_ARCH_X86_64"), n++;
  CHECK(x86_64);
  CHECK(n < 23); /* SCMP_ARCH_Z80 is not there, nor anything beyond the spec's list */
  n = 0;
  for (const char **f = flags; f && *f; f++)
    n++;
  CHECK(n <= 4);
  free(archs);
  free(flags);
  n = 0;
  for (const char *const *a = seccomp_known_actions(); *a; a++)
    n++;
  CHECK_INT_EQ(n, 9);
}

/* ---- lsm ---- */

static void test_lsm_validate(void)
{
  static const struct {
    const char *json;
    const char *field;
    bool (*enabled)(void);
  } cases[] = {
    { HEAD "\"process\": {\"cwd\": \"/\", \"user\": {\"uid\": 0, \"gid\": 0}, \"apparmorProfile\": \"p\"}}",
      "process.apparmorProfile: AppArmor is not enabled", lsm_apparmor_enabled },
    { HEAD "\"process\": {\"cwd\": \"/\", \"user\": {\"uid\": 0, \"gid\": 0}, \"selinuxLabel\": \"a:b:c:s0\"}}",
      "process.selinuxLabel: SELinux is not enabled", lsm_selinux_enabled },
    { HEAD "\"linux\": {\"mountLabel\": \"a:b:c:s0\"}}",
      "linux.mountLabel: SELinux is not enabled", lsm_selinux_enabled },
  };
  for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
    struct oci_config *c = parse(cases[i].json);
    if (!c)
      continue;
    herr e = lsm_validate(c);
    char *msg = e ? herr_format(e) : NULL;
    if (cases[i].enabled())
      CHECK(msg == NULL);
    else
      CHECK_STR_CONTAINS(msg, cases[i].field);
    free(msg);
    herr_free(e);
    /* For `exec`: the process alone, without the linux section. */
    if (c->process) {
      e = lsm_validate_process(c->process);
      msg = e ? herr_format(e) : NULL;
      if (cases[i].enabled())
        CHECK(msg == NULL);
      else
        CHECK_STR_CONTAINS(msg, cases[i].field);
      free(msg);
      herr_free(e);
    }
    oci_config_free(c);
  }
  struct oci_config *c = parse(HEAD "\"process\": {\"cwd\": \"/\", \"user\": {\"uid\": 0, \"gid\": 0}, "
                                    "\"apparmorProfile\": \"\", \"selinuxLabel\": \"\"}}");
  if (c)
    CHECK_OK(lsm_validate(c));
  oci_config_free(c);
}

static bool has_option(const struct oci_mount *m, const char *opt)
{
  for (size_t i = 0; i < m->n_options; i++)
    if (!strcmp(m->options[i], opt))
      return true;
  return false;
}

static void test_lsm_label_mounts(void)
{
  struct oci_config *c = parse(HEAD "\"mounts\": ["
    "{\"destination\": \"/dev\", \"type\": \"tmpfs\", \"source\": \"tmpfs\", \"options\": [\"nosuid\"]},"
    "{\"destination\": \"/dev/pts\", \"type\": \"devpts\", \"source\": \"devpts\"},"
    "{\"destination\": \"/dev/mqueue\", \"type\": \"mqueue\", \"source\": \"mqueue\", \"options\": [\"context=\\\"x:y:z:s0\\\"\"]},"
    "{\"destination\": \"/proc\", \"type\": \"proc\", \"source\": \"proc\"},"
    "{\"destination\": \"/data\", \"type\": \"bind\", \"source\": \"/srv\", \"options\": [\"rbind\"]}],"
    "\"linux\": {\"mountLabel\": \"system_u:object_r:container_file_t:s0:c1,c2\"}}");
  if (!c)
    return;
  CHECK_OK(lsm_label_mounts(c));
  const char *want = "context=\"system_u:object_r:container_file_t:s0:c1,c2\"";
  CHECK_INT_EQ(c->mounts[0].n_options, 2);
  CHECK(has_option(&c->mounts[0], "nosuid") && has_option(&c->mounts[0], want));
  CHECK_INT_EQ(c->mounts[1].n_options, 1);
  CHECK(has_option(&c->mounts[1], want));
  CHECK(c->mounts[1].options && c->mounts[1].options[1] == NULL); /* still NULL-terminated */
  CHECK_INT_EQ(c->mounts[2].n_options, 1); /* its own context= is kept */
  CHECK_INT_EQ(c->mounts[3].n_options, 0);
  CHECK_INT_EQ(c->mounts[4].n_options, 1);
  oci_config_free(c);

  c = parse(HEAD "\"linux\": {\"mountLabel\": \"a\\\"b\"}}");
  if (c) {
    herr e = lsm_label_mounts(c);
    char *msg = e ? herr_format(e) : NULL;
    CHECK_STR_CONTAINS(msg, "linux.mountLabel");
    free(msg);
    herr_free(e);
  }
  oci_config_free(c);
}

/* In a child: lsm_set_exec_labels() with an invalid SELinux label, after
 * `bind_devnull` put /dev/null over the attr file; 0 when it failed as it
 * must and said where, 1 otherwise, 77 when the bind mount is not possible. */
static int exec_label_child(bool bind_devnull)
{
  pid_t pid = fork();
  if (pid == 0) {
    if (bind_devnull) {
      char target[64];
      snprintf(target, sizeof(target), "/proc/%d/task/%d/attr/exec", (int)getpid(), (int)getpid());
      if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
          mount("/dev/null", target, NULL, MS_BIND, NULL) < 0)
        _exit(77);
    }
    struct oci_process p = { .selinuxLabel = "not a label" };
    herr e = lsm_set_exec_labels(&p);
    char *msg = e ? herr_format(e) : NULL;
    bool ok = msg && strstr(msg, "process.selinuxLabel \"not a label\"") &&
              strstr(msg, "thread-self/attr/exec");
    if (!ok)
      fprintf(stderr, "    got: %s\n", msg ? msg : "success");
    _exit(ok ? 0 : 1);
  }
  int status;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

/* Without an LSM that takes it (or with one that refuses it) the label
 * write fails, naming the field and the file; with /dev/null mounted over
 * the attr file it must fail all the same: a write that lands on the bind
 * mount would "succeed" and leave the program unconfined. */
static void test_lsm_exec_labels(void)
{
  struct oci_process none = { .apparmorProfile = "", .selinuxLabel = NULL };
  CHECK_OK(lsm_set_exec_labels(&none));
  CHECK_INT_EQ(exec_label_child(false), 0);
  int over = exec_label_child(true);
  if (over == 77)
    fprintf(stderr, "note: not root: the over-mount check of the exec label was not run\n");
  else
    CHECK_INT_EQ(over, 0);
}

/* The trampoline's memfd: nobody can write it, not even root through
 * /proc/self/fd. */
static void test_trampoline_sealed(void)
{
  struct trampoline t = TRAMPOLINE_INIT;
  CHECK_OK(trampoline_prepare(&t));
  if (t.memfd < 0)
    return;
  int seals = fcntl(t.memfd, F_GET_SEALS);
  int want = F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE;
  CHECK((seals & want) == want);
  struct stat st;
  CHECK(fstat(t.memfd, &st) == 0 && (st.st_mode & 07777) == 0555);
  char path[64];
  snprintf(path, sizeof(path), "/proc/self/fd/%d", t.memfd);
  int w = open(path, O_WRONLY);
  if (w >= 0) { /* root passes the mode bits; the seals still refuse the write */
    CHECK(write(w, "x", 1) < 0 && errno == EPERM);
    close(w);
  }
  CHECK(ftruncate(t.memfd, 0) < 0);
  trampoline_close(&t);
  CHECK_INT_EQ(t.memfd, -1);
}

/* trampoline_exec runs the program; a failing execve is reported on the
 * report fd as text, and the program does not get the report fd. */
static void test_trampoline_exec(void)
{
  int p[2];
  CHECK(pipe2(p, O_CLOEXEC) == 0);
  pid_t pid = fork();
  if (pid == 0) {
    struct trampoline t = TRAMPOLINE_INIT;
    herr e = trampoline_prepare(&t);
    if (e)
      _exit(3);
    /* The program checks that the report fd did not reach it. */
    char check[64];
    snprintf(check, sizeof(check), "test ! -e /proc/self/fd/%d", p[1]);
    char *argv[] = { "sh", "-c", check, NULL };
    char *envp[] = { "PATH=/bin:/usr/bin", NULL };
    herr_free(trampoline_pass_fd(p[1]));
    herr_free(trampoline_exec(&t, p[1], TRAMPOLINE_REPORT_TEXT, "/bin/sh", argv, envp));
    _exit(4);
  }
  close(p[1]);
  int status;
  CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);
  char buf[256];
  CHECK_INT_EQ(read(p[0], buf, sizeof(buf)), 0); /* EOF: the execve worked */
  close(p[0]);

  CHECK(pipe2(p, O_CLOEXEC) == 0);
  pid = fork();
  if (pid == 0) {
    struct trampoline t = TRAMPOLINE_INIT;
    herr e = trampoline_prepare(&t);
    if (e)
      _exit(3);
    char *argv[] = { "nothing-here", NULL };
    char *envp[] = { NULL };
    herr_free(trampoline_pass_fd(p[1]));
    herr_free(trampoline_exec(&t, p[1], TRAMPOLINE_REPORT_TEXT, "/nonexistent/x", argv, envp));
    _exit(4);
  }
  close(p[1]);
  CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 127);
  ssize_t n = read(p[0], buf, sizeof(buf) - 1);
  CHECK(n > 0);
  buf[n > 0 ? n : 0] = '\0';
  CHECK_STR_EQ(buf, "exec nothing-here: No such file or directory");
  close(p[0]);
}

int main(void)
{
  RUN(test_seccomp_errors);
  RUN(test_seccomp_compiles);
  RUN(test_seccomp_loads);
  RUN(test_seccomp_notify_message);
  RUN(test_seccomp_privileged_load);
  RUN(test_seccomp_features);
  RUN(test_lsm_validate);
  RUN(test_lsm_label_mounts);
  RUN(test_lsm_exec_labels);
  RUN(test_trampoline_sealed);
  RUN(test_trampoline_exec);
  return unit_report();
}
