/* test_modules.c - unit tests for the small engine modules: signals, rlimits,
 * capabilities, hooks, features and host_sockets.  Everything runs for real: rlimits and
 * capabilities are applied (capabilities in forked children, so that this
 * process keeps its own), hooks are real /bin/sh scripts. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "capabilities.h"
#include "error.h"
#include "features.h"
#include "hooks.h"
#include "mounts.h"
#include "host_sockets.h"
#include "rlimits.h"
#include "signals.h"
#include "spec.h"
#include "utils.h"
#include "unit.h"

/* Check that `e` is an error whose text contains every needle; frees `e`. */
#define CHECK_ERR(e, ...) check_err_(__FILE__, __LINE__, #e, (e), (const char *[]){ __VA_ARGS__, NULL })

static void check_err_(const char *file, int line, const char *what, herr e, const char **needles)
{
  if (!unit_record(e != NULL, file, line, what)) {
    fprintf(stderr, "    expected an error, got success\n");
    return;
  }
  char *msg = herr_format(e);
  bool ok = true;
  for (const char **n = needles; *n; n++)
    ok &= strstr(msg, *n) != NULL;
  if (!unit_record(ok, file, line, what)) {
    fprintf(stderr, "    got \"%s\"\n    wanted it to contain:", msg);
    for (const char **n = needles; *n; n++)
      fprintf(stderr, " \"%s\"", *n);
    fputc('\n', stderr);
  }
  free(msg);
  herr_free(e);
}

static bool has_effective_cap(cap_value_t cap)
{
  cap_t c = cap_get_proc();
  cap_flag_value_t v = CAP_CLEAR;
  if (c)
    cap_get_flag(c, cap, CAP_EFFECTIVE, &v);
  cap_free(c);
  return v == CAP_SET;
}

static char *slurp(const char *path)
{
  FILE *f = fopen(path, "re");
  if (!f)
    return NULL;
  char *buf = NULL;
  size_t cap = 0;
  ssize_t n = getdelim(&buf, &cap, '\0', f);
  fclose(f);
  if (n < 0) {
    free(buf);
    return strdup("");
  }
  return buf;
}

/* ---- signals ---- */

static int parsed(const char *text)
{
  int s = -1;
  herr e = signal_parse(text, &s);
  if (e) {
    herr_free(e);
    return -1;
  }
  return s;
}

static void test_signals(void)
{
  CHECK_INT_EQ(parsed("KILL"), SIGKILL);
  CHECK_INT_EQ(parsed("SIGKILL"), SIGKILL);
  CHECK_INT_EQ(parsed("sigkill"), SIGKILL);
  CHECK_INT_EQ(parsed("term"), SIGTERM);
  CHECK_INT_EQ(parsed("SIGWINCH"), SIGWINCH);
  CHECK_INT_EQ(parsed("STKFLT"), SIGSTKFLT);
  CHECK_INT_EQ(parsed("PWR"), SIGPWR);
  CHECK_INT_EQ(parsed("SYS"), SIGSYS);
  CHECK_INT_EQ(parsed("IOT"), SIGABRT);
  CHECK_INT_EQ(parsed("9"), 9);
  CHECK_INT_EQ(parsed("1"), 1);
  CHECK_INT_EQ(parsed("15"), SIGTERM);
  CHECK_INT_EQ(parsed("64"), SIGRTMAX);
  CHECK_INT_EQ(parsed("RTMIN"), SIGRTMIN);
  CHECK_INT_EQ(parsed("SIGRTMIN"), SIGRTMIN);
  CHECK_INT_EQ(parsed("RTMIN+2"), SIGRTMIN + 2);
  CHECK_INT_EQ(parsed("SIGRTMIN+2"), SIGRTMIN + 2);
  CHECK_INT_EQ(parsed("sigrtmin+2"), SIGRTMIN + 2);
  CHECK_INT_EQ(parsed("RTMAX"), SIGRTMAX);
  CHECK_INT_EQ(parsed("RTMAX-3"), SIGRTMAX - 3);
  CHECK_INT_EQ(parsed("SIGRTMAX-0"), SIGRTMAX);

  int s;
  CHECK_ERR(signal_parse("FOO", &s), "unknown signal \"FOO\"");
  CHECK_ERR(signal_parse("SIGFOO", &s), "unknown signal \"SIGFOO\"");
  CHECK_ERR(signal_parse("0", &s), "unknown signal \"0\"");
  CHECK_ERR(signal_parse("65", &s), "unknown signal \"65\"");
  CHECK_ERR(signal_parse("-9", &s), "unknown signal");
  CHECK_ERR(signal_parse("9x", &s), "unknown signal");
  CHECK_ERR(signal_parse("SIG", &s), "unknown signal");
  CHECK_ERR(signal_parse("RTMIN-1", &s), "unknown signal");
  CHECK_ERR(signal_parse("RTMAX+1", &s), "unknown signal");
  CHECK_ERR(signal_parse("RTMIN+99", &s), "unknown signal");
  CHECK_ERR(signal_parse("RTMIN+", &s), "unknown signal");
  CHECK_ERR(signal_parse("", &s), "empty");

  CHECK_STR_EQ(signal_name(SIGKILL), "SIGKILL");
  CHECK_STR_EQ(signal_name(SIGABRT), "SIGABRT"); /* not the IOT alias */
  CHECK_STR_EQ(signal_name(SIGCHLD), "SIGCHLD");
  CHECK_STR_EQ(signal_name(SIGRTMIN), "SIGRTMIN");
  CHECK_STR_EQ(signal_name(SIGRTMIN + 2), "SIGRTMIN+2");
  CHECK_STR_EQ(signal_name(SIGRTMAX - 1), "SIGRTMAX-1");
  CHECK(signal_name(0) == NULL);
  CHECK(signal_name(SIGRTMAX + 1) == NULL);

  /* Every named signal parses back from its name. */
  bool round_trip = true;
  for (int sig = 1; sig <= SIGRTMAX; sig++) {
    const char *n = signal_name(sig);
    if (n && parsed(n) != sig) {
      round_trip = false;
      fprintf(stderr, "signal %d named %s does not parse back\n", sig, n);
    }
  }
  CHECK(round_trip);
}

/* ---- rlimits ---- */

static void test_rlimit_names(void)
{
  static const struct { const char *name; int resource; } table[] = {
    { "RLIMIT_CPU", RLIMIT_CPU },         { "RLIMIT_FSIZE", RLIMIT_FSIZE },
    { "RLIMIT_DATA", RLIMIT_DATA },       { "RLIMIT_STACK", RLIMIT_STACK },
    { "RLIMIT_CORE", RLIMIT_CORE },       { "RLIMIT_RSS", RLIMIT_RSS },
    { "RLIMIT_NPROC", RLIMIT_NPROC },     { "RLIMIT_NOFILE", RLIMIT_NOFILE },
    { "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK }, { "RLIMIT_AS", RLIMIT_AS },
    { "RLIMIT_LOCKS", RLIMIT_LOCKS },     { "RLIMIT_SIGPENDING", RLIMIT_SIGPENDING },
    { "RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE }, { "RLIMIT_NICE", RLIMIT_NICE },
    { "RLIMIT_RTPRIO", RLIMIT_RTPRIO },   { "RLIMIT_RTTIME", RLIMIT_RTTIME },
  };
  for (size_t i = 0; i < ARRAY_LEN(table); i++)
    CHECK_INT_EQ(rlimit_from_name(table[i].name), table[i].resource);
  CHECK(rlimit_from_name("RLIMIT_FOO") == -1);
  CHECK(rlimit_from_name("NOFILE") == -1);
  CHECK(rlimit_from_name("rlimit_nofile") == -1);
  CHECK(rlimit_from_name(NULL) == -1);
}

static void test_rlimits_apply(void)
{
  struct rlimit cur;
  CHECK(getrlimit(RLIMIT_NOFILE, &cur) == 0);

  /* Lowering the soft limit within the hard limit always works. */
  struct oci_rlimit lower = { .type = "RLIMIT_NOFILE", .resource = RLIMIT_NOFILE,
                              .soft = 512, .hard = cur.rlim_max };
  CHECK_OK(rlimits_apply(&lower, 1));
  struct rlimit now;
  CHECK(getrlimit(RLIMIT_NOFILE, &now) == 0);
  CHECK_UINT_EQ(now.rlim_cur, 512);

  /* Raising the hard limit needs CAP_SYS_RESOURCE: with it the call must
   * work, without it the message must say why. */
  struct oci_rlimit raise = { .type = "RLIMIT_NOFILE", .resource = RLIMIT_NOFILE,
                              .soft = 1048576, .hard = 1048576 };
  if (has_effective_cap(CAP_SYS_RESOURCE)) {
    fprintf(stderr, "note: running with CAP_SYS_RESOURCE, expecting the raise to work\n");
    CHECK_OK(rlimits_apply(&raise, 1));
  } else if (cur.rlim_max < 1048576) {
    char current[64];
    snprintf(current, sizeof(current), "(current hard limit %llu)",
             (unsigned long long)cur.rlim_max);
    CHECK_ERR(rlimits_apply(&raise, 1), "process.rlimits[0]: ",
              "cannot raise RLIMIT_NOFILE hard limit to 1048576", current,
              "CAP_SYS_RESOURCE", "Operation not permitted");
  }
  /* Restore the soft limit for the rest of the tests. */
  struct rlimit back = { .rlim_cur = cur.rlim_cur, .rlim_max = cur.rlim_max };
  setrlimit(RLIMIT_NOFILE, &back);

  struct oci_rlimit two[2] = {
    { .type = "RLIMIT_CORE", .resource = RLIMIT_CORE, .soft = 0, .hard = 0 },
    { .type = "RLIMIT_BOGUS", .resource = -1, .soft = 1, .hard = 1 },
  };
  CHECK_ERR(rlimits_apply(two, 2), "process.rlimits[1]", "unknown rlimit type \"RLIMIT_BOGUS\"");

  struct oci_rlimit inverted = { .type = "RLIMIT_CORE", .resource = RLIMIT_CORE,
                                 .soft = 10, .hard = 5 };
  CHECK_ERR(rlimits_apply(&inverted, 1), "process.rlimits[0]", "above its hard limit");
}

/* ---- capabilities ---- */

static void test_capability_names(void)
{
  char *good_b[] = { "CAP_CHOWN", "CAP_SYS_ADMIN", "CAP_NET_RAW", NULL };
  char *good_e[] = { "CAP_KILL", NULL };
  struct oci_capabilities good = { .bounding = good_b, .n_bounding = 3,
                                   .effective = good_e, .n_effective = 1 };
  CHECK_OK(capabilities_validate(&good));
  CHECK_OK(capabilities_validate(NULL));

  char *bad_e[] = { "CAP_KILL", "CAP_FOO", NULL };
  struct oci_capabilities bad = { .effective = bad_e, .n_effective = 2 };
  CHECK_ERR(capabilities_validate(&bad), "process.capabilities.effective[1]",
            "unknown capability \"CAP_FOO\"");

  char *no_prefix[] = { "SYS_ADMIN", NULL };
  struct oci_capabilities bad2 = { .ambient = no_prefix, .n_ambient = 1 };
  CHECK_ERR(capabilities_validate(&bad2), "process.capabilities.ambient[0]",
            "unknown capability \"SYS_ADMIN\"");

  char *number[] = { "12", NULL };
  struct oci_capabilities bad3 = { .permitted = number, .n_permitted = 1 };
  CHECK_ERR(capabilities_validate(&bad3), "process.capabilities.permitted[0]");

  char *bare[] = { "CAP_", NULL };
  struct oci_capabilities bad4 = { .inheritable = bare, .n_inheritable = 1 };
  CHECK_ERR(capabilities_validate(&bad4), "process.capabilities.inheritable[0]");

  char **known = capabilities_known();
  CHECK(known != NULL);
  size_t n = 0;
  bool chown_first = known && known[0] && strcmp(known[0], "CAP_CHOWN") == 0;
  bool has_sys_admin = false, all_upper = true;
  for (; known && known[n]; n++) {
    has_sys_admin |= strcmp(known[n], "CAP_SYS_ADMIN") == 0;
    for (const char *c = known[n]; *c; c++)
      all_upper &= !(*c >= 'a' && *c <= 'z');
  }
  CHECK(chown_first);
  CHECK(has_sys_admin);
  CHECK(all_upper);
  CHECK(n >= 38); /* CAP_AUDIT_READ (37) is in every kernel hull targets */
  for (size_t i = 0; known && known[i]; i++)
    free(known[i]);
  free(known);
}

/* The Cap* line of /proc/self/status as a number. */
static unsigned long long status_caps(const char *field)
{
  char *status = slurp("/proc/self/status");
  unsigned long long v = ~0ULL;
  char *line = status ? strstr(status, field) : NULL;
  if (line)
    sscanf(line + strlen(field), ":\t%llx", &v);
  free(status);
  return v;
}

#define BIT(cap) (1ULL << (cap))

/* Apply `caps` in a child and compare its five sets with the expected masks;
 * the child's exit status is the number of mismatches (255 = apply failed). */
static int apply_in_child(const struct oci_capabilities *caps, const unsigned long long want[5])
{
  pid_t pid = fork();
  if (pid == 0) {
    herr e = capabilities_apply_bounding(caps);
    if (!e)
      e = capabilities_apply_sets(caps);
    if (e) {
      char *msg = herr_format(e);
      fprintf(stderr, "apply failed: %s\n", msg);
      _exit(255);
    }
    static const char *const fields[5] = { "CapBnd", "CapEff", "CapInh", "CapPrm", "CapAmb" };
    int bad = 0;
    for (int i = 0; i < 5; i++) {
      unsigned long long got = status_caps(fields[i]);
      if (got != want[i]) {
        fprintf(stderr, "%s: got %llx, want %llx\n", fields[i], got, want[i]);
        bad++;
      }
    }
    _exit(bad);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 254;
}

/* Apply `caps` in a child that expects failure: 0 if the error contained
 * `needle`, 1 if it did not, 2 if applying worked. */
static int apply_error_in_child(const struct oci_capabilities *caps, const char *needle)
{
  pid_t pid = fork();
  if (pid == 0) {
    herr e = capabilities_apply_bounding(caps);
    if (!e)
      e = capabilities_apply_sets(caps);
    if (!e)
      _exit(2);
    char *msg = herr_format(e);
    bool found = strstr(msg, needle) != NULL;
    if (!found)
      fprintf(stderr, "error \"%s\" lacks \"%s\"\n", msg, needle);
    _exit(found ? 0 : 1);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 254;
}

static void test_capabilities_apply(void)
{
  if (!has_effective_cap(CAP_SETPCAP)) {
    /* Unprivileged: dropping from the bounding set must be refused. */
    char *b[] = { NULL };
    struct oci_capabilities none = { .bounding = b };
    CHECK_ERR(capabilities_apply_bounding(&none), "bounding set");
    return;
  }
  char *bnd[] = { "CAP_CHOWN", "CAP_KILL", "CAP_SYSLOG", NULL };
  char *prm[] = { "CAP_KILL", "CAP_CHOWN", NULL };
  char *eff[] = { "CAP_KILL", NULL };
  char *inh[] = { "CAP_CHOWN", "CAP_SYSLOG", NULL };
  char *amb[] = { "CAP_CHOWN", NULL };
  struct oci_capabilities caps = {
    .bounding = bnd, .n_bounding = 3, .permitted = prm, .n_permitted = 2,
    .effective = eff, .n_effective = 1, .inheritable = inh, .n_inheritable = 2,
    .ambient = amb, .n_ambient = 1,
  };
  const unsigned long long want[5] = {
    BIT(CAP_CHOWN) | BIT(CAP_KILL) | BIT(CAP_SYSLOG), BIT(CAP_KILL),
    BIT(CAP_CHOWN) | BIT(CAP_SYSLOG), BIT(CAP_CHOWN) | BIT(CAP_KILL), BIT(CAP_CHOWN),
  };
  CHECK_INT_EQ(apply_in_child(&caps, want), 0);

  /* NULL drops everything. */
  const unsigned long long nothing[5] = { 0, 0, 0, 0, 0 };
  CHECK_INT_EQ(apply_in_child(NULL, nothing), 0);

  /* Ambient that is not permitted only warns (like runc) and stays empty. */
  char *amb_bad[] = { "CAP_SYSLOG", NULL };
  caps.ambient = amb_bad;
  const unsigned long long want_no_amb[5] = { want[0], want[1], want[2], want[3], 0 };
  CHECK_INT_EQ(apply_in_child(&caps, want_no_amb), 0);

  /* Effective outside permitted is an error that names the capability. */
  char *eff_bad[] = { "CAP_SYSLOG", NULL };
  caps.effective = eff_bad;
  caps.ambient = NULL;
  caps.n_ambient = 0;
  CHECK_ERR(capabilities_apply_sets(&caps), "CAP_SYSLOG is not in the permitted set");

  /* Inheritable outside the bounding set: capset refuses, the error says why. */
  char *only_kill[] = { "CAP_KILL", NULL };
  char *inh_chown[] = { "CAP_CHOWN", NULL };
  struct oci_capabilities outside = {
    .bounding = only_kill, .n_bounding = 1, .permitted = only_kill, .n_permitted = 1,
    .inheritable = inh_chown, .n_inheritable = 1,
  };
  CHECK_INT_EQ(apply_error_in_child(&outside, "inheritable: CAP_CHOWN is not in the bounding set"), 0);
}

/* ---- hooks ---- */

static char hook_dir[] = "/tmp/hull-test-hooks.XXXXXX";

static char *hook_file(const char *name)
{
  char *p = NULL;
  if (asprintf(&p, "%s/%s", hook_dir, name) < 0)
    abort();
  return p;
}

/* A hook running `/bin/sh -c script`; script may use %s for hook_dir
 * (at most twice). */
static struct oci_hook sh_hook(const char *script_fmt, char **argv_store, char *script_buf,
                               size_t size)
{
  snprintf(script_buf, size, script_fmt, hook_dir, hook_dir);
  argv_store[0] = "sh";
  argv_store[1] = "-c";
  argv_store[2] = script_buf;
  argv_store[3] = NULL;
  return (struct oci_hook){ .path = "/bin/sh", .args = argv_store, .n_args = 3 };
}

static const char *const state_json =
  "{\"ociVersion\":\"1.2.0\",\"id\":\"test\",\"status\":\"creating\",\"pid\":42,"
  "\"bundle\":\"/tmp/bundle\"}";

static void test_hook_reads_state(void)
{
  char *argv[4], script[512];
  struct oci_hook h = sh_hook("cat > %s/state.json", argv, script, sizeof(script));
  CHECK_OK(hooks_run("createRuntime", &h, 1, state_json));
  char *path = hook_file("state.json");
  char *got = slurp(path);
  CHECK_STR_EQ(got, state_json);
  free(got);
  free(path);
}

static void test_hook_env_and_argv(void)
{
  char *argv[4], script[512];
  struct oci_hook h = sh_hook("echo \"$FOO:$0\" > %s/env", argv, script, sizeof(script));
  char *env[] = { "FOO=bar", NULL };
  h.env = env;
  h.n_env = 1;
  CHECK_OK(hooks_run("prestart", &h, 1, state_json));
  char *path = hook_file("env");
  char *got = slurp(path);
  CHECK_STR_EQ(got, "bar:sh\n");
  free(got);
  free(path);
}

static void test_hook_failure_stops_the_run(void)
{
  char *a0[4], *a1[4], *a2[4], s0[512], s1[512], s2[512];
  struct oci_hook hooks[3] = {
    sh_hook("true", a0, s0, sizeof(s0)),
    sh_hook("echo oops >&2; exit 3", a1, s1, sizeof(s1)),
    sh_hook("touch %s/after-failure", a2, s2, sizeof(s2)),
  };
  CHECK_ERR(hooks_run("createContainer", hooks, 3, state_json),
            "createContainer hook [1] (/bin/sh)", "exited with status 3", "oops");
  char *path = hook_file("after-failure");
  CHECK(access(path, F_OK) < 0); /* the run stopped at the failing hook */

  /* The warn flavour runs every hook. */
  hooks_run_warn("poststop", hooks, 3, state_json);
  CHECK(access(path, F_OK) == 0);
  free(path);
}

static void test_hook_timeout(void)
{
  char *argv[4], script[512];
  struct oci_hook h = sh_hook("sleep 5", argv, script, sizeof(script));
  h.has_timeout = true;
  h.timeout = 1;
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  CHECK_ERR(hooks_run("startContainer", &h, 1, state_json), "startContainer hook [0]",
            "timed out after 1 second");
  clock_gettime(CLOCK_MONOTONIC, &t1);
  CHECK(t1.tv_sec - t0.tv_sec < 4);
}

static void test_hook_exec_failures(void)
{
  struct oci_hook missing = { .path = "/nonexistent/hull-hook" };
  CHECK_ERR(hooks_run("createRuntime", &missing, 1, state_json),
            "createRuntime hook [0] (/nonexistent/hull-hook)", "cannot execute",
            "No such file or directory");

  struct oci_hook relative = { .path = "bin/true" };
  CHECK_ERR(hooks_run("createRuntime", &relative, 1, state_json), "must be absolute");

  char *path = hook_file("not-executable");
  FILE *f = fopen(path, "we");
  if (f)
    fclose(f);
  struct oci_hook noexec = { .path = path };
  CHECK_ERR(hooks_run("poststart", &noexec, 1, state_json), "cannot execute",
            "Permission denied");
  free(path);
}

static void test_hook_killed_by_signal(void)
{
  char *argv[4], script[512];
  struct oci_hook h = sh_hook("kill -TERM $$", argv, script, sizeof(script));
  CHECK_ERR(hooks_run("poststart", &h, 1, state_json), "killed by signal SIGTERM");
}

/* A hook that never reads stdin, with a state bigger than a pipe buffer:
 * hull must neither hang nor die of SIGPIPE. */
static void test_hook_ignoring_stdin(void)
{
  size_t big = 1 << 20;
  char *state = malloc(big + 1);
  memset(state, 'x', big);
  state[big] = '\0';
  char *argv[4], script[512];
  struct oci_hook h = sh_hook("exec 0<&-; sleep 0.1", argv, script, sizeof(script));
  CHECK_OK(hooks_run("createRuntime", &h, 1, state));
  free(state);
  sigset_t pending;
  sigpending(&pending);
  CHECK(!sigismember(&pending, SIGPIPE));
}

/* hull's own fds (lock files, sockets) must not leak into hooks. */
static void test_hook_closes_fds(void)
{
  int fd = open("/dev/null", O_RDONLY); /* deliberately not O_CLOEXEC */
  int high = fd >= 0 ? dup2(fd, 42) : -1;
  char *argv[4], script[512];
  struct oci_hook h = sh_hook("test -e /proc/self/fd/42 && touch %s/leaked; exit 0", argv,
                              script, sizeof(script));
  CHECK(high == 42);
  CHECK_OK(hooks_run("createRuntime", &h, 1, state_json));
  char *path = hook_file("leaked");
  CHECK(access(path, F_OK) < 0);
  free(path);
  if (fd >= 0)
    close(fd);
  if (high >= 0)
    close(high);
}

static int count_open_fds(void)
{
  int n = 0;
  for (int fd = 0; fd < 1024; fd++)
    n += fcntl(fd, F_GETFD) >= 0;
  return n;
}

static void test_hooks(void)
{
  if (!CHECK(mkdtemp(hook_dir) != NULL))
    return;
  int fds_before = count_open_fds();
  test_hook_reads_state();
  test_hook_env_and_argv();
  test_hook_failure_stops_the_run();
  test_hook_timeout();
  test_hook_exec_failures();
  test_hook_killed_by_signal();
  test_hook_ignoring_stdin();
  test_hook_closes_fds();
  CHECK_INT_EQ(count_open_fds(), fds_before); /* no pipe or pidfd left behind */
  char cmd[128];
  snprintf(cmd, sizeof(cmd), "rm -rf '%s'", hook_dir);
  if (system(cmd) != 0)
    fprintf(stderr, "note: could not remove %s\n", hook_dir);
}

/* ---- mount options ---- */

/* Parse `opts` (NULL-terminated) for a mount of `type`; the error text or NULL. */
static char *parse_mount_options(const char *type, const char **opts, struct mount_options *o)
{
  size_t n = 0;
  while (opts[n])
    n++;
  struct oci_mount m = { .destination = "/x", .type = (char *)type, .options = (char **)opts,
                         .n_options = n };
  herr e = mount_options_parse(&m, "mounts[2]", o);
  char *msg = e ? herr_format(e) : NULL;
  herr_free(e);
  return msg;
}

static void test_mount_options(void)
{
  struct mount_options o;
  /* runtime-spec config.md's examples and runc spec's defaults: data kept, flags set. */
  const char *devpts[] = { "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5", NULL };
  CHECK(parse_mount_options("devpts", devpts, &o) == NULL);
  CHECK_STR_EQ(o.data, "newinstance,ptmxmode=0666,mode=0620,gid=5");
  CHECK(o.flags == (MS_NOSUID | MS_NOEXEC));
  mount_options_free(&o);
  /* Recursive attributes: set, cleared, and the access time as one mode. */
  const char *rec[] = { "rbind", "rro", "rnosuid", "rsuid", "rnoatime", "rstrictatime", "rdev", NULL };
  CHECK(parse_mount_options("bind", rec, &o) == NULL);
  CHECK(o.bind && o.recursive && !o.data);
  CHECK(o.attr_set == (MOUNT_ATTR_RDONLY | MOUNT_ATTR_STRICTATIME));
  CHECK(o.attr_clr == (MOUNT_ATTR_NOSUID | MOUNT_ATTR__ATIME | MOUNT_ATTR_NODEV));
  mount_options_free(&o);
  const char *idm[] = { "bind", "ridmap", NULL };
  CHECK(parse_mount_options("none", idm, &o) == NULL);
  CHECK(o.idmap == MOUNT_IDMAP_RECURSIVE);
  mount_options_free(&o);
  /* An unknown word is an error naming the option; data on a bind mount is
   * kept (mounts_validate warns that the kernel ignores it). */
  const char *typo[] = { "nosuid", "rr0", NULL };
  char *msg = parse_mount_options("tmpfs", typo, &o);
  CHECK_STR_EQ(msg, "mounts[2].options[1]: unknown mount option \"rr0\"");
  free(msg);
  const char *bind_data[] = { "ro", "mode=755", "rbind", NULL };
  CHECK(parse_mount_options("none", bind_data, &o) == NULL);
  CHECK(o.bind && o.data_index == 1);
  mount_options_free(&o);
  msg = parse_mount_options("bind", (const char *[]){ "=x", NULL }, &o);
  CHECK_STR_CONTAINS(msg, "unknown mount option \"=x\"");
  free(msg);
}

/* ---- features ---- */

static void test_features(void)
{
  char *doc = features_json();
  CHECK(doc != NULL);
  if (!doc)
    return;
  CHECK_STR_CONTAINS(doc, "\"ociVersionMin\": \"1.0.0\"");
  CHECK_STR_CONTAINS(doc, "\"ociVersionMax\": \"1.3.0\"");
  CHECK_STR_CONTAINS(doc, "\"createContainer\"");
  CHECK_STR_CONTAINS(doc, "\"nosymfollow\"");
  CHECK_STR_CONTAINS(doc, "\"CAP_SYS_ADMIN\"");
  CHECK_STR_CONTAINS(doc, "\"time\"");
  CHECK_STR_CONTAINS(doc, "\"io.github.hull.version\": \"" PACKAGE_VERSION "\"");
  CHECK_STR_CONTAINS(doc, "\"v2\": true");   /* cgroups: v1, v2, hybrid (cgroup.c) */
  CHECK_STR_CONTAINS(doc, "\"systemd\": true");   /* the systemd driver (cgroup_systemd.c) */
  CHECK_STR_CONTAINS(doc, "\"systemdUser\": false");
  CHECK(strchr(doc, '\n') != NULL);           /* pretty-printed */
  free(doc);
}

/* /proc/net/unix: only listening sockets (flag 00010000) bound to a path that
 * is a socket file here count, each once, by their real path. */
static void test_host_sockets(void)
{
  char dir[] = "/tmp/hull-unit-sockets.XXXXXX";
  if (!CHECK(mkdtemp(dir) != NULL))
    return;
  /* A socket's path fits sun_path (108 bytes); so do the others. */
  char sock[sizeof(((struct sockaddr_un *)0)->sun_path)], file[PATH_MAX], text[4 * PATH_MAX];
  snprintf(sock, sizeof(sock), "%s/s", dir);
  snprintf(file, sizeof(file), "%s/f", dir);
  struct sockaddr_un sa = { .sun_family = AF_UNIX };
  snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sock);
  int fd = socket(AF_UNIX, SOCK_STREAM, 0);
  CHECK(fd >= 0 && bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0);
  close(creat(file, 0600));
  snprintf(text, sizeof(text),
           "Num       RefCount Protocol Flags    Type St Inode Path\n"
           "0000000000000000: 00000002 00000000 00010000 0001 01 11 %s\n"   /* listening: kept */
           "0000000000000000: 00000002 00000000 00010000 0001 01 12 %s/./s\n"   /* again */
           "0000000000000000: 00000003 00000000 00000000 0001 03 13 %s\n"   /* connected */
           "0000000000000000: 00000002 00000000 00010000 0001 01 14 @abstract\n"
           "0000000000000000: 00000002 00000000 00010000 0001 01 15 %s\n"   /* not a socket */
           "0000000000000000: 00000002 00000000 00010000 0001 01 16 %s/gone\n"
           "0000000000000000: 00000002 00000000 00010000 0001 01 17\n",     /* unbound */
           sock, dir, sock, file, dir);
  FILE *f = fmemopen(text, strlen(text), "r");
  struct host_sockets hs = { 0 };
  if (CHECK(f != NULL)) {
    CHECK_OK(host_sockets_read(f, &hs));
    CHECK_UINT_EQ(hs.n, 1);
    if (hs.n == 1)
      CHECK_STR_EQ(hs.paths[0], sock);
    host_sockets_free(&hs);
  }
  if (f)
    fclose(f);
  close(fd);
  unlink(sock);
  unlink(file);
  rmdir(dir);
}

int main(void)
{
  RUN(test_signals);
  RUN(test_rlimit_names);
  RUN(test_rlimits_apply);
  RUN(test_capability_names);
  RUN(test_capabilities_apply);
  RUN(test_hooks);
  RUN(test_mount_options);
  RUN(test_features);
  RUN(test_host_sockets);
  return unit_report();
}
