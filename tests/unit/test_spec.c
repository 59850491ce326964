/* test_spec.c - config.json decoding: the runtime-spec's good and bad sample
 * configs, hull's own fixtures in tests/data/spec, the default config, and the
 * JSON module underneath (integer ranges, paths in messages, the writer).
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <sched.h>
#include <stddef.h>
#include <sys/resource.h>

#include <linux/ioprio.h>

#include "json.h"
#include "spec.h"
#include "unit.h"

#ifndef SPEC_DIR
#error "SPEC_DIR must name the runtime-spec checkout (see Makefile.am)"
#endif
#ifndef TEST_DATA_DIR
#error "TEST_DATA_DIR must name tests/data (see Makefile.am)"
#endif

#define SAMPLES_GOOD SPEC_DIR "/schema/test/config/good"
#define SAMPLES_BAD SPEC_DIR "/schema/test/config/bad"
#define FIXTURES_GOOD TEST_DATA_DIR "/spec/good"
#define FIXTURES_BAD TEST_DATA_DIR "/spec/bad"

/* ---- helpers ---- */

static char *read_text(const char *path)
{
  FILE *f = fopen(path, "r");
  if (!f) {
    fprintf(stderr, "cannot open %s: %s\n", path, strerror(errno));
    return NULL;
  }
  char *buf = NULL;
  size_t len = 0;
  FILE *out = open_memstream(&buf, &len);
  char chunk[4096];
  size_t n;
  while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
    fwrite(chunk, 1, n, out);
  fclose(f);
  fclose(out);
  return buf;
}

static char *path_join(const char *dir, const char *name)
{
  char *p;
  if (asprintf(&p, "%s/%s", dir, name) < 0)
    abort();
  return p;
}

/* The error's text, or NULL on success; frees the error. */
static char *error_text(herr e)
{
  if (!e)
    return NULL;
  char *m = herr_format(e);
  herr_free(e);
  return m;
}

/* Decode `json`; return the error text (NULL if it decoded).  Also checks
 * the promise that a failed decode leaves *out NULL. */
static char *config_error(const char *json)
{
  static struct oci_config sentinel;
  struct oci_config *c = &sentinel; /* not NULL: a failed decode must reset it */
  char *err = error_text(oci_config_parse(json, strlen(json), &c));
  if (err)
    CHECK(c == NULL);
  oci_config_free(err ? NULL : c);
  return err;
}

static struct oci_config *parse_ok(const char *json)
{
  struct oci_config *c = NULL;
  CHECK_OK(oci_config_parse(json, strlen(json), &c));
  return c;
}

static bool has_json_suffix(const struct dirent *d)
{
  size_t n = strlen(d->d_name);
  return n > 5 && strcmp(d->d_name + n - 5, ".json") == 0;
}

static int json_filter(const struct dirent *d)
{
  return has_json_suffix(d);
}

/* The *.json names in `dir`, sorted; the count, or -1. */
static int list_json(const char *dir, struct dirent ***names)
{
  int n = scandir(dir, names, json_filter, alphasort);
  if (n < 0)
    fprintf(stderr, "cannot list %s: %s\n", dir, strerror(errno));
  return n;
}

static void free_list(struct dirent **names, int n)
{
  for (int i = 0; i < n; i++)
    free(names[i]);
  free(names);
}

/* An error message is expected to be exactly `text`, or to start with it when
 * `prefix` (for messages ending in a long list of allowed values). */
struct expected_error {
  const char *file;
  const char *text;
  bool prefix;
};

static const struct expected_error *find_expected(const struct expected_error *t,
                                                  const char *file)
{
  for (; t->file; t++)
    if (strcmp(t->file, file) == 0)
      return t;
  return NULL;
}

static void check_message(const char *got, const struct expected_error *want)
{
  if (want->prefix) {
    bool ok = got && strncmp(got, want->text, strlen(want->text)) == 0;
    if (!CHECK(ok))
      fprintf(stderr, "    %s: got \"%s\"\n    expected it to start with \"%s\"\n",
              want->file, got ? got : "(success)", want->text);
  } else {
    CHECK_STR_EQ(got, want->text);
    if (!got || strcmp(got, want->text) != 0)
      fprintf(stderr, "    (in %s)\n", want->file);
  }
}

/* ---- the runtime-spec samples ---- */

/* Linux configs hull must run: those with a linux section, the minimal ones
 * and the spec's example (the other samples are for FreeBSD, z/OS...). */
static bool linux_relevant_good(const char *name, const char *text)
{
  return strncmp(name, "minimal", 7) == 0 || strcmp(name, "spec-example.json") == 0 ||
         strstr(text, "\"linux\"") != NULL;
}

#define EXAMPLE_VERSION_ERROR \
  "ociVersion: unsupported version \"0.5.0-dev\" (hull supports 1.0.0 to 1.3.x)"

static void test_good_samples(void)
{
  struct dirent **names;
  int n = list_json(SAMPLES_GOOD, &names);
  int decoded = 0;
  bool saw_example = false;
  for (int i = 0; i < n; i++) {
    char *path = path_join(SAMPLES_GOOD, names[i]->d_name);
    char *text = read_text(path);
    CHECK(text != NULL);
    if (text && linux_relevant_good(names[i]->d_name, text)) {
      char *err = config_error(text);
      if (strcmp(names[i]->d_name, "spec-example.json") == 0) {
        /* Its ociVersion predates 1.0.0; test_spec_example_values() decodes
         * the same document with a supported version. */
        saw_example = true;
        CHECK_STR_EQ(err, EXAMPLE_VERSION_ERROR);
      } else {
        CHECK_STR_EQ(err, NULL);
        if (err)
          fprintf(stderr, "    (%s)\n", path);
      }
      free(err);
      decoded++;
    }
    free(text);
    free(path);
  }
  free_list(names, n);
  CHECK(saw_example);
  CHECK(decoded >= 5); /* minimal, minimal-for-start, linux-netdevice, linux-rdma, example */
}

static const struct expected_error bad_samples[] = {
  { "invalid-json.json", "invalid JSON: line 1, column 2: ", true },
  { "linux-hugepage.json",
    "linux.resources.hugepageLimits[0].pageSize: invalid page size \"64kB\"", true },
  { "linux-netdevice.json",
    "linux.netDevices[\"eth0\"].name: expected a string, got a number", false },
  { "linux-rdma.json",
    "linux.resources.rdma[\"mlx5_1\"].hcaHandles: expected an integer, got a string", false },
  { NULL, NULL, false },
};

static bool linux_relevant_bad(const char *name)
{
  return strcmp(name, "invalid-json.json") == 0 || strncmp(name, "linux-", 6) == 0;
}

/* Through oci_config_load, which puts the file name in front. */
static void test_bad_samples(void)
{
  struct dirent **names;
  int n = list_json(SAMPLES_BAD, &names);
  int refused = 0;
  for (int i = 0; i < n; i++) {
    if (!linux_relevant_bad(names[i]->d_name))
      continue;
    const struct expected_error *want = find_expected(bad_samples, names[i]->d_name);
    if (!CHECK(want != NULL)) {
      fprintf(stderr, "    no expected message for sample %s\n", names[i]->d_name);
      continue;
    }
    char *path = path_join(SAMPLES_BAD, names[i]->d_name);
    struct oci_config *c = NULL;
    char *err = error_text(oci_config_load(path, &c));
    CHECK(c == NULL);
    oci_config_free(c);
    char *without_file = err && strncmp(err, path, strlen(path)) == 0 &&
                                 strncmp(err + strlen(path), ": ", 2) == 0
                             ? err + strlen(path) + 2
                             : NULL;
    CHECK(without_file != NULL); /* "<file>: <message>" */
    check_message(without_file, want);
    refused++;
    free(err);
    free(path);
  }
  free_list(names, n);
  CHECK_INT_EQ(refused, 4);
}

/* spec-example.json with a supported ociVersion, spot-checked field by field. */
static void test_spec_example_values(void)
{
  char *text = read_text(SAMPLES_GOOD "/spec-example.json");
  if (!CHECK(text != NULL))
    return;
  char *version = strstr(text, "\"0.5.0-dev\"");
  if (!CHECK(version != NULL)) {
    free(text);
    return;
  }
  char *json;
  if (asprintf(&json, "%.*s\"1.0.0\"%s", (int)(version - text), text,
               version + strlen("\"0.5.0-dev\"")) < 0)
    abort();
  free(text);
  struct oci_config *c = parse_ok(json);
  free(json);
  if (!c)
    return;

  CHECK_STR_EQ(c->ociVersion, "1.0.0");
  CHECK_STR_EQ(c->root->path, "rootfs");
  CHECK(c->root->readonly);
  CHECK_STR_EQ(c->hostname, "slartibartfast");
  CHECK_STR_EQ(c->domainname, "foobarbaz.test");

  const struct oci_process *p = c->process;
  CHECK(p->terminal);
  CHECK_UINT_EQ(p->user.uid, 1);
  CHECK_UINT_EQ(p->user.gid, 1);
  CHECK_UINT_EQ(p->user.n_additionalGids, 2);
  CHECK_UINT_EQ(p->user.additionalGids[1], 6);
  CHECK(!p->user.has_umask);
  CHECK_UINT_EQ(p->n_args, 1);
  CHECK_STR_EQ(p->args[0], "sh");
  CHECK(p->args[1] == NULL);
  CHECK_STR_EQ(p->env[1], "TERM=xterm");
  CHECK_UINT_EQ(p->capabilities->n_effective, 2);
  CHECK_STR_EQ(p->capabilities->ambient[0], "CAP_NET_BIND_SERVICE");
  CHECK_UINT_EQ(p->n_rlimits, 2);
  CHECK_STR_EQ(p->rlimits[0].type, "RLIMIT_CORE");
  CHECK_INT_EQ(p->rlimits[0].resource, RLIMIT_CORE);
  CHECK_UINT_EQ(p->rlimits[0].soft, 1024);
  CHECK_UINT_EQ(p->rlimits[1].hard, 1024);
  CHECK_INT_EQ(p->rlimits[1].resource, RLIMIT_NOFILE);
  CHECK(p->noNewPrivileges);
  CHECK_STR_EQ(p->apparmorProfile, "acme_secure_profile");

  CHECK_UINT_EQ(c->n_mounts, 7);
  CHECK_STR_EQ(c->mounts[2].destination, "/dev/pts");
  CHECK_UINT_EQ(c->mounts[2].n_options, 6);
  CHECK_STR_EQ(c->mounts[2].options[3], "ptmxmode=0666");
  CHECK_STR_EQ(c->mounts[2].options[5], "gid=5");
  CHECK(c->mounts[0].options == NULL);
  CHECK_UINT_EQ(c->mounts[0].n_options, 0);

  CHECK_UINT_EQ(c->hooks->n_prestart, 2);
  CHECK_STR_EQ(c->hooks->prestart[0].args[2], "arg2");
  CHECK(!c->hooks->prestart[0].has_timeout);
  CHECK(c->hooks->poststart[0].has_timeout);
  CHECK_INT_EQ(c->hooks->poststart[0].timeout, 5);
  CHECK_UINT_EQ(c->hooks->n_poststop, 1);

  CHECK_UINT_EQ(c->n_annotations, 2);
  CHECK_STR_EQ(c->annotations[1].key, "com.example.key2");
  CHECK_STR_EQ(c->annotations[1].value, "value2");

  const struct oci_linux *l = c->linux_;
  CHECK_UINT_EQ(l->n_devices, 2);
  CHECK_STR_EQ(l->devices[0].path, "/dev/fuse");
  CHECK(l->devices[0].has_major);
  CHECK_INT_EQ(l->devices[0].major, 10);
  CHECK_INT_EQ(l->devices[0].minor, 229);
  CHECK_UINT_EQ(l->devices[0].fileMode, 438);
  CHECK_INT_EQ(l->devices[1].major, 8);
  CHECK_UINT_EQ(l->n_uidMappings, 1);
  CHECK_UINT_EQ(l->uidMappings[0].containerID, 0);
  CHECK_UINT_EQ(l->uidMappings[0].hostID, 1000);
  CHECK_UINT_EQ(l->uidMappings[0].size, 32000);
  CHECK_UINT_EQ(l->gidMappings[0].size, 32000);
  CHECK_UINT_EQ(l->n_sysctl, 2);
  CHECK_STR_EQ(l->sysctl[0].key, "net.ipv4.ip_forward");
  CHECK_STR_EQ(l->sysctl[0].value, "1");
  CHECK_STR_EQ(l->cgroupsPath, "/myRuntime/myContainer");
  CHECK_STR_EQ(l->rootfsPropagation, "slave");
  CHECK_UINT_EQ(l->n_namespaces, 8);
  CHECK_INT_EQ(l->namespaces[0].type, OCI_NS_PID);
  CHECK_INT_EQ(l->namespaces[4].type, OCI_NS_MOUNT);
  CHECK_INT_EQ(l->namespaces[7].type, OCI_NS_TIME);
  CHECK(l->namespaces[0].path == NULL);
  CHECK_UINT_EQ(l->n_maskedPaths, 4);
  CHECK_STR_EQ(l->readonlyPaths[5], "/proc/sysrq-trigger");
  CHECK_STR_EQ(l->mountLabel, "system_u:object_r:svirt_sandbox_file_t:s0:c715,c811");

  const struct oci_resources *r = l->resources;
  CHECK(r->network->has_classID);
  CHECK_UINT_EQ(r->network->classID, 1048577);
  CHECK_STR_EQ(r->network->priorities[1].name, "eth1");
  CHECK_UINT_EQ(r->network->priorities[1].priority, 1000);
  CHECK_INT_EQ(r->pids->limit, 32771);
  CHECK_UINT_EQ(r->n_hugepageLimits, 2);
  CHECK_STR_EQ(r->hugepageLimits[0].pageSize, "2MB");
  CHECK_UINT_EQ(r->hugepageLimits[0].limit, 9223372036854772000ULL);
  CHECK(r->memory->has_kernel);
  CHECK_INT_EQ(r->memory->kernel, -1);
  CHECK(r->memory->has_swappiness);
  CHECK_UINT_EQ(r->memory->swappiness, 0);
  CHECK(r->memory->has_disableOOMKiller && !r->memory->disableOOMKiller);
  CHECK_UINT_EQ(r->cpu->shares, 1024);
  CHECK_INT_EQ(r->cpu->realtimeRuntime, 950000);
  CHECK_STR_EQ(r->cpu->cpus, "2-3");
  CHECK(!r->cpu->has_idle);
  CHECK_UINT_EQ(r->n_devices, 3);
  CHECK(!r->devices[0].allow);
  CHECK(!r->devices[0].has_major);
  CHECK_STR_EQ(r->devices[0].access, "rwm");
  CHECK_STR_EQ(r->devices[2].type, "b");
  CHECK_UINT_EQ(r->blockIO->weight, 10);
  CHECK_UINT_EQ(r->blockIO->weightDevice[0].leafWeight, 300);
  CHECK(!r->blockIO->weightDevice[1].has_leafWeight);
  CHECK_UINT_EQ(r->blockIO->throttleReadBpsDevice[0].rate, 600);
  CHECK_UINT_EQ(r->blockIO->n_throttleWriteBpsDevice, 0);
  CHECK_INT_EQ(r->blockIO->throttleWriteIOPSDevice[0].minor, 16);

  CHECK_STR_EQ(l->seccomp->defaultAction, "SCMP_ACT_ALLOW");
  CHECK_UINT_EQ(l->seccomp->n_architectures, 2);
  CHECK_STR_EQ(l->seccomp->syscalls[0].names[1], "chmod");
  CHECK_STR_EQ(l->seccomp->syscalls[0].action, "SCMP_ACT_ERRNO");
  CHECK(l->timeOffsets->has_monotonic);
  CHECK_INT_EQ(l->timeOffsets->monotonic.secs, 172800);
  CHECK_INT_EQ(l->timeOffsets->boottime.secs, 604800);
  oci_config_free(c);
}

/* ---- hull's own fixtures ---- */

#define SECCOMP_ACTIONS \
  "SCMP_ACT_KILL, SCMP_ACT_KILL_PROCESS, SCMP_ACT_KILL_THREAD, SCMP_ACT_TRAP, " \
  "SCMP_ACT_ERRNO, SCMP_ACT_TRACE, SCMP_ACT_ALLOW, SCMP_ACT_LOG, SCMP_ACT_NOTIFY"

static const struct expected_error bad_fixtures[] = {
  { "ns-unknown.json",
    "linux.namespaces[2].type: unknown value \"bogus\" (expected one of: pid, network, "
    "mount, ipc, uts, user, cgroup, time)", false },
  { "ns-duplicate.json", "linux.namespaces[3].type: duplicate namespace \"pid\"", false },
  { "uid-string.json", "process.user.uid: expected an integer, got a string", false },
  { "uid-overflow.json", "process.user.uid: 4294967296 out of range for uint32", false },
  { "gid-negative.json", "process.user.gid: -1 out of range for uint32", false },
  { "additional-gid-fraction.json",
    "process.user.additionalGids[1]: expected an integer, got 6.5", false },
  { "version-2.json",
    "ociVersion: unsupported version \"2.0.0\" (hull supports 1.0.0 to 1.3.x)", false },
  { "version-missing.json", "ociVersion: required field missing", false },
  { "rlimit-unknown.json", "process.rlimits[1].type: unknown rlimit \"RLIMIT_FOO\"", false },
  { "rlimit-duplicate.json",
    "process.rlimits[2].type: duplicate rlimit \"RLIMIT_NOFILE\"", false },
  { "hook-relative.json",
    "hooks.createRuntime[1].path: must be an absolute path, got \"bin/true\"", false },
  { "hook-timeout.json", "hooks.poststop[0].timeout: must be greater than 0, got 0", false },
  { "cwd-relative.json", "process.cwd: must be an absolute path, got \"tmp\"", false },
  { "cwd-missing.json", "process.cwd: required field missing", false },
  { "root-path-missing.json", "root.path: required field missing", false },
  { "root-missing.json", "root: required field missing", false },
  { "sysctl-number.json", "linux.sysctl[\"net.x\"]: expected a string, got a number", false },
  { "mount-no-destination.json", "mounts[1].destination: required field missing", false },
  { "mount-options-string.json", "mounts[0].options: expected an array, got a string", false },
  { "device-no-major.json", "linux.devices[0].major: required for device type \"c\"", false },
  { "device-type.json",
    "linux.devices[1].type: unknown value \"x\" (expected one of: c, b, u, p)", false },
  { "file-mode.json",
    "linux.devices[0].fileMode: 4095 out of range for a file mode (0 to 511)", false },
  { "seccomp-action.json",
    "linux.seccomp.syscalls[1].action: unknown value \"SCMP_ACT_EXPLODE\" (expected one of: "
    SECCOMP_ACTIONS ")", false },
  { "seccomp-op.json",
    "linux.seccomp.syscalls[0].args[0].op: unknown value \"SCMP_CMP_SIMILAR\" (expected one "
    "of: SCMP_CMP_NE, SCMP_CMP_LT, SCMP_CMP_LE, SCMP_CMP_EQ, SCMP_CMP_GE, SCMP_CMP_GT, "
    "SCMP_CMP_MASKED_EQ)", false },
  { "seccomp-arch.json",
    "linux.seccomp.architectures[1]: unknown value \"SCMP_ARCH_Z80\" (expected one of: "
    "SCMP_ARCH_X86, SCMP_ARCH_X86_64, ", true },
  { "seccomp-value-overflow.json",
    "linux.seccomp.syscalls[0].args[0].value: 18446744073709551616 out of range for uint64",
    false },
  { "seccomp-no-names.json", "linux.seccomp.syscalls[0].names: must not be empty", false },
  { "propagation.json",
    "linux.rootfsPropagation: unknown value \"everywhere\" (expected one of: private, "
    "shared, slave, unbindable)", false },
  { "ioprio-class.json",
    "process.ioPriority.class: unknown value \"IOPRIO_CLASS_NONE\" (expected one of: "
    "IOPRIO_CLASS_RT, IOPRIO_CLASS_BE, IOPRIO_CLASS_IDLE)", false },
  { "scheduler-policy.json",
    "process.scheduler.policy: unknown value \"SCHED_FAST\" (expected one of: SCHED_OTHER, "
    "SCHED_FIFO, SCHED_RR, SCHED_BATCH, SCHED_ISO, SCHED_IDLE, SCHED_DEADLINE)", false },
  { "personality-domain.json",
    "linux.personality.domain: unknown value \"LINUX64\" (expected one of: LINUX, LINUX32)",
    false },
  { "process-not-object.json", "process: expected an object, got an array", false },
  { "multiline-syntax.json", "invalid JSON: line 6, column ", true },
  { "not-an-object.json", "expected an object, got an array", false },
  { NULL, NULL, false },
};

/* Every file in tests/data/spec/bad has its message in the table above, and
 * every table entry has its file: neither can be forgotten. */
static void test_bad_fixtures(void)
{
  struct dirent **names;
  int n = list_json(FIXTURES_BAD, &names);
  int seen = 0;
  for (int i = 0; i < n; i++) {
    const struct expected_error *want = find_expected(bad_fixtures, names[i]->d_name);
    if (!CHECK(want != NULL)) {
      fprintf(stderr, "    no expected message for fixture %s\n", names[i]->d_name);
      continue;
    }
    char *path = path_join(FIXTURES_BAD, names[i]->d_name);
    char *text = read_text(path);
    if (CHECK(text != NULL)) {
      char *err = config_error(text);
      check_message(err, want);
      free(err);
      seen++;
    }
    free(text);
    free(path);
  }
  free_list(names, n);
  CHECK_INT_EQ(seen, (int)(sizeof(bad_fixtures) / sizeof(bad_fixtures[0])) - 1);
}

static struct oci_config *load_fixture(const char *name)
{
  char *path = path_join(FIXTURES_GOOD, name);
  struct oci_config *c = NULL;
  CHECK_OK(oci_config_load(path, &c));
  free(path);
  return c;
}

static void test_good_fixtures_decode(void)
{
  struct dirent **names;
  int n = list_json(FIXTURES_GOOD, &names);
  for (int i = 0; i < n; i++) {
    struct oci_config *c = load_fixture(names[i]->d_name);
    if (!CHECK(c != NULL))
      fprintf(stderr, "    (%s)\n", names[i]->d_name);
    oci_config_free(c);
  }
  free_list(names, n);
  CHECK(n >= 3);
}

static void test_seccomp_uint64(void)
{
  struct oci_config *c = load_fixture("seccomp-uint64.json");
  if (!c)
    return;
  const struct oci_seccomp *s = c->linux_->seccomp;
  CHECK_STR_EQ(s->defaultAction, "SCMP_ACT_ERRNO");
  CHECK(s->has_defaultErrnoRet);
  CHECK_UINT_EQ(s->defaultErrnoRet, 1);
  CHECK_UINT_EQ(s->n_architectures, 3);
  CHECK_STR_EQ(s->flags[1], "SECCOMP_FILTER_FLAG_SPEC_ALLOW");
  CHECK_STR_EQ(s->listenerPath, "/run/seccomp-agent.sock");
  CHECK_UINT_EQ(s->n_syscalls, 2);
  CHECK(!s->syscalls[0].has_errnoRet);
  CHECK_UINT_EQ(s->syscalls[0].n_args, 0);
  const struct oci_seccomp_syscall *ioctl = &s->syscalls[1];
  CHECK_UINT_EQ(ioctl->errnoRet, UINT32_MAX);
  CHECK_UINT_EQ(ioctl->n_args, 3);
  CHECK_UINT_EQ(ioctl->args[0].index, 1);
  CHECK_UINT_EQ(ioctl->args[0].value, UINT64_MAX); /* 18446744073709551615 */
  CHECK(!ioctl->args[0].has_valueTwo);
  CHECK_UINT_EQ(ioctl->args[1].value, (uint64_t)INT64_MAX + 1);
  CHECK(ioctl->args[1].has_valueTwo);
  CHECK_UINT_EQ(ioctl->args[1].valueTwo, UINT64_MAX - 1);
  CHECK_STR_EQ(ioctl->args[1].op, "SCMP_CMP_MASKED_EQ");
  CHECK_UINT_EQ(ioctl->args[2].value, 0);
  oci_config_free(c);
}

static void test_unknown_properties_ignored(void)
{
  struct oci_config *c = load_fixture("unknown-properties.json");
  if (!c)
    return;
  CHECK_STR_EQ(c->ociVersion, "1.0.2-dev");
  CHECK_STR_EQ(c->root->path, "rootfs");
  CHECK(!c->root->readonly); /* null = absent */
  CHECK(c->hostname == NULL);
  CHECK_UINT_EQ(c->process->n_args, 3);
  CHECK(c->process->apparmorProfile == NULL);
  CHECK_UINT_EQ(c->process->user.uid, 1000);
  CHECK_UINT_EQ(c->process->user.gid, 100);
  CHECK(!c->process->user.has_umask);
  CHECK_UINT_EQ(c->process->capabilities->n_bounding, 1);
  CHECK_INT_EQ(c->process->rlimits[0].resource, RLIMIT_NPROC);
  CHECK_UINT_EQ(c->linux_->n_namespaces, 1);
  CHECK_INT_EQ(c->linux_->resources->pids->limit, 10);
  CHECK(c->linux_->resources->memory == NULL);
  oci_config_free(c);
}

static void test_all_fields(void)
{
  struct oci_config *c = load_fixture("all-fields.json");
  if (!c)
    return;
  CHECK_UINT_EQ(c->mounts[0].gidMappings[0].hostID, 200000);
  CHECK_STR_EQ(c->mounts[0].options[1], "ro");

  const struct oci_process *p = c->process;
  CHECK_UINT_EQ(p->consoleSize->height, 25);
  CHECK_UINT_EQ(p->consoleSize->width, 80);
  CHECK_UINT_EQ(p->user.uid, UINT32_MAX);
  CHECK(p->user.has_umask);
  CHECK_UINT_EQ(p->user.umask, 18);
  CHECK_UINT_EQ(p->user.additionalGids[1], UINT32_MAX);
  CHECK_STR_EQ(p->user.username, "nobody");
  CHECK_STR_EQ(p->commandLine, "sh -c 'echo hi'");
  CHECK_STR_EQ(p->env[1], "B=");
  CHECK_UINT_EQ(p->capabilities->n_inheritable, 0);
  CHECK(p->capabilities->inheritable && p->capabilities->inheritable[0] == NULL);
  CHECK_UINT_EQ(p->rlimits[0].hard, UINT64_MAX);
  CHECK_INT_EQ(p->rlimits[0].resource, RLIMIT_STACK);
  CHECK_INT_EQ(p->rlimits[1].resource, RLIMIT_RTTIME);
  CHECK(p->has_oomScoreAdj);
  CHECK_INT_EQ(p->oomScoreAdj, -1000);
  CHECK_STR_EQ(p->ioPriority->class, "IOPRIO_CLASS_IDLE");
  CHECK_INT_EQ(p->ioPriority->class_num, IOPRIO_CLASS_IDLE);
  CHECK_INT_EQ(p->ioPriority->priority, 7);
  CHECK_INT_EQ(p->scheduler->policy_num, SCHED_DEADLINE);
  CHECK(p->scheduler->has_nice);
  CHECK_INT_EQ(p->scheduler->nice, -20);
  CHECK(p->scheduler->has_priority);
  CHECK_UINT_EQ(p->scheduler->n_flags, 2);
  CHECK_UINT_EQ(p->scheduler->period, 30000000);
  CHECK_STR_EQ(p->execCPUAffinity->initial, "0, 2-3");

  CHECK_UINT_EQ(c->hooks->n_createRuntime, 1);
  CHECK_INT_EQ(c->hooks->createRuntime[0].timeout, 10);
  CHECK_STR_EQ(c->hooks->createRuntime[0].env[0], "X=1");
  CHECK_STR_EQ(c->hooks->startContainer[0].path, "/hooks/start-container");
  CHECK_UINT_EQ(c->hooks->n_poststop, 2);
  CHECK_STR_EQ(c->annotations[0].value, "");

  const struct oci_linux *l = c->linux_;
  CHECK_STR_EQ(l->devices[0].type, "p");
  CHECK(!l->devices[0].has_major && !l->devices[0].has_fileMode);
  CHECK(l->devices[1].has_gid);
  CHECK_UINT_EQ(l->devices[1].gid, 6);
  CHECK_UINT_EQ(l->devices[1].fileMode, 511);
  CHECK_UINT_EQ(l->n_netDevices, 2);
  CHECK_STR_EQ(l->netDevices[0].key, "eth1");
  CHECK_STR_EQ(l->netDevices[0].name, "net0");
  CHECK_STR_EQ(l->netDevices[1].key, "dummy0");
  CHECK(l->netDevices[1].name == NULL);
  CHECK_INT_EQ(l->namespaces[0].type, OCI_NS_USER);
  CHECK_INT_EQ(l->namespaces[1].type, OCI_NS_TIME);
  CHECK_STR_EQ(l->namespaces[2].path, "/var/run/netns/test");
  CHECK(l->timeOffsets->has_monotonic);
  CHECK_INT_EQ(l->timeOffsets->monotonic.secs, -86400);
  CHECK_UINT_EQ(l->timeOffsets->monotonic.nanosecs, 999999999);
  CHECK(!l->timeOffsets->has_boottime);

  const struct oci_resources *r = l->resources;
  CHECK(r->devices[1].allow);
  CHECK_INT_EQ(r->devices[1].minor, 3);
  CHECK_INT_EQ(r->memory->swap, -1);
  CHECK(!r->memory->has_reservation);
  CHECK(r->memory->disableOOMKiller);
  CHECK_INT_EQ(r->cpu->quota, INT64_MIN);
  CHECK_INT_EQ(r->cpu->idle, 1);
  CHECK_INT_EQ(r->pids->limit, -1);
  CHECK_UINT_EQ(r->blockIO->weight, 65535);
  CHECK(!r->blockIO->weightDevice[0].has_weight);
  CHECK_UINT_EQ(r->blockIO->throttleReadIOPSDevice[0].rate, 3);
  CHECK_UINT_EQ(r->blockIO->throttleWriteBpsDevice[0].rate, 2);
  CHECK_UINT_EQ(r->hugepageLimits[0].limit, UINT64_MAX);
  CHECK_UINT_EQ(r->network->classID, UINT32_MAX);
  CHECK_STR_EQ(r->rdma[0].key, "mlx5_0");
  CHECK(r->rdma[0].has_hcaHandles && !r->rdma[0].has_hcaObjects);
  CHECK_UINT_EQ(r->rdma[0].hcaHandles, UINT32_MAX);
  CHECK_STR_EQ(r->unified[1].key, "io.weight");
  CHECK_STR_EQ(r->unified[1].value, "default 100");

  CHECK_UINT_EQ(l->n_maskedPaths, 0);
  CHECK(l->maskedPaths && l->maskedPaths[0] == NULL);
  CHECK_STR_EQ(l->intelRdt->memBwSchema, "MB:0=20;1=70");
  CHECK(l->intelRdt->enableMonitoring);
  CHECK_STR_EQ(l->memoryPolicy->mode, "MPOL_BIND");
  CHECK_STR_EQ(l->memoryPolicy->flags[0], "MPOL_F_STATIC_NODES");
  CHECK_STR_EQ(l->personality->domain, "LINUX32");
  oci_config_free(c);
}

/* ---- smaller documents, inline ---- */

#define MINIMAL_HEAD "{\"ociVersion\": \"1.2.0\", \"root\": {\"path\": \"rootfs\"}, "

struct inline_case {
  const char *json;
  const char *error; /* NULL: must decode */
  bool prefix;
};

static const struct inline_case inline_cases[] = {
  /* versions */
  { "{\"ociVersion\": \"1.0.0\", \"root\": {\"path\": \"r\"}}", NULL, false },
  { "{\"ociVersion\": \"1.3.7\", \"root\": {\"path\": \"r\"}}", NULL, false },
  { "{\"ociVersion\": \"1.1.0-rc.1+build.5\", \"root\": {\"path\": \"r\"}}", NULL, false },
  { "{\"ociVersion\": \"1.4.0\", \"root\": {\"path\": \"r\"}}",
    "ociVersion: unsupported version \"1.4.0\" (hull supports 1.0.0 to 1.3.x)", false },
  { "{\"ociVersion\": \"0.9.9\", \"root\": {\"path\": \"r\"}}",
    "ociVersion: unsupported version \"0.9.9\" (hull supports 1.0.0 to 1.3.x)", false },
  { "{\"ociVersion\": \"1.2\", \"root\": {\"path\": \"r\"}}",
    "ociVersion: unsupported version \"1.2\" (hull supports 1.0.0 to 1.3.x)", false },
  { "{\"ociVersion\": \"1.2.0x\", \"root\": {\"path\": \"r\"}}",
    "ociVersion: unsupported version \"1.2.0x\" (hull supports 1.0.0 to 1.3.x)", false },
  { "{\"ociVersion\": 1, \"root\": {\"path\": \"r\"}}",
    "ociVersion: expected a string, got a number", false },
  /* integers */
  { MINIMAL_HEAD "\"process\": {\"cwd\": \"/\", \"user\": {\"uid\": -0}}}", NULL, false },
  { MINIMAL_HEAD "\"process\": {\"cwd\": \"/\", \"user\": {\"uid\": 1e3}}}",
    "process.user.uid: expected an integer, got 1e3", false },
  { MINIMAL_HEAD "\"process\": {\"cwd\": \"/\", \"user\": {\"uid\": 1.0}}}",
    "process.user.uid: expected an integer, got 1.0", false },
  { MINIMAL_HEAD "\"process\": {\"cwd\": \"/\", \"user\": {\"uid\": true}}}",
    "process.user.uid: expected an integer, got a boolean", false },
  { MINIMAL_HEAD "\"process\": {\"cwd\": \"/\", \"oomScoreAdj\": -2147483649}}",
    "process.oomScoreAdj: -2147483649 out of range for int32", false },
  { MINIMAL_HEAD "\"process\": {\"cwd\": \"/\", \"oomScoreAdj\": -2147483648}}", NULL, false },
  { MINIMAL_HEAD "\"linux\": {\"resources\": {\"pids\": {\"limit\": 9223372036854775808}}}}",
    "linux.resources.pids.limit: 9223372036854775808 out of range for int64", false },
  { MINIMAL_HEAD "\"linux\": {\"resources\": {\"pids\": {\"limit\": -9223372036854775809}}}}",
    "linux.resources.pids.limit: -9223372036854775809 out of range for int64", false },
  { MINIMAL_HEAD "\"linux\": {\"resources\": {\"blockIO\": {\"weight\": 65536}}}}",
    "linux.resources.blockIO.weight: 65536 out of range for uint16", false },
  { MINIMAL_HEAD "\"linux\": {\"resources\": {\"cpu\": {\"shares\": -1}}}}",
    "linux.resources.cpu.shares: -1 out of range for uint64", false },
  { MINIMAL_HEAD "\"linux\": {\"resources\": {\"cpu\": {\"shares\": 99999999999999999999999}}}}",
    "linux.resources.cpu.shares: 99999999999999999999999 out of range for uint64", false },
  /* types, nulls, required */
  { MINIMAL_HEAD "\"hostname\": true}", "hostname: expected a string, got a boolean", false },
  { MINIMAL_HEAD "\"mounts\": {}}", "mounts: expected an array, got an object", false },
  { MINIMAL_HEAD "\"mounts\": [\"/proc\"]}", "mounts[0]: expected an object, got a string", false },
  { MINIMAL_HEAD "\"process\": {\"cwd\": \"/\", \"terminal\": \"yes\"}}",
    "process.terminal: expected a boolean, got a string", false },
  { MINIMAL_HEAD "\"process\": {\"cwd\": \"/\", \"args\": [\"sh\", 1]}}",
    "process.args[1]: expected a string, got a number", false },
  { MINIMAL_HEAD "\"linux\": {\"namespaces\": [{\"type\": null}]}}",
    "linux.namespaces[0].type: required field missing", false },
  { MINIMAL_HEAD "\"linux\": {\"namespaces\": [{\"type\": 1}]}}",
    "linux.namespaces[0].type: expected a string, got a number", false },
  { MINIMAL_HEAD "\"linux\": {\"sysctl\": {\"a\\\"b\": 1}}}",
    "linux.sysctl[\"a\\\"b\"]: expected a string, got a number", false },
  { MINIMAL_HEAD "\"linux\": {\"resources\": {\"unified\": []}}}",
    "linux.resources.unified: expected an object, got an array", false },
  { MINIMAL_HEAD "\"linux\": {\"netDevices\": {\"eth0\": \"eth1\"}}}",
    "linux.netDevices[\"eth0\"]: expected an object, got a string", false },
  { MINIMAL_HEAD "\"process\": null, \"linux\": null, \"hooks\": null, \"mounts\": null}", NULL,
    false },
  { "{\"ociVersion\": \"1.2.0\", \"root\": null}", "root: required field missing", false },
  { MINIMAL_HEAD "\"process\": {\"cwd\": \"/\", \"consoleSize\": {\"height\": 1}}}",
    "process.consoleSize.width: required field missing", false },
  { MINIMAL_HEAD "\"process\": {\"cwd\": \"/\", \"ioPriority\": {\"class\": \"IOPRIO_CLASS_BE\"}}}",
    "process.ioPriority.priority: required field missing", false },
  { MINIMAL_HEAD "\"process\": {\"cwd\": \"/\", \"execCPUAffinity\": {\"final\": \"0-3x\"}}}",
    "process.execCPUAffinity.final: invalid CPU list \"0-3x\"", true },
  { MINIMAL_HEAD "\"linux\": {\"intelRdt\": {\"memBwSchema\": \"L3:0=1\"}}}",
    "linux.intelRdt.memBwSchema: invalid schema \"L3:0=1\"", true },
  { MINIMAL_HEAD "\"linux\": {\"memoryPolicy\": {\"nodes\": \"0\"}}}",
    "linux.memoryPolicy.mode: required field missing", false },
  { MINIMAL_HEAD "\"linux\": {\"memoryPolicy\": {\"mode\": \"MPOL_LOCAL\", \"flags\": [\"MPOL_F_X\"]}}}",
    "linux.memoryPolicy.flags[0]: unknown value \"MPOL_F_X\"", true },
  { MINIMAL_HEAD "\"linux\": {\"seccomp\": {\"defaultAction\": \"SCMP_ACT_LOG\", \"flags\": [\"TSYNC\"]}}}",
    "linux.seccomp.flags[0]: unknown value \"TSYNC\"", true },
  { MINIMAL_HEAD "\"linux\": {\"seccomp\": {\"syscalls\": []}}}",
    "linux.seccomp.defaultAction: required field missing", false },
  { MINIMAL_HEAD "\"process\": {\"cwd\": \"/\", \"scheduler\": {\"policy\": \"SCHED_RR\", \"flags\": [\"SCHED_FLAG_FAST\"]}}}",
    "process.scheduler.flags[0]: unknown value \"SCHED_FLAG_FAST\"", true },
  /* hugepage sizes: ^[1-9][0-9]*[KMG]B$ */
  { MINIMAL_HEAD "\"linux\": {\"resources\": {\"hugepageLimits\": [{\"pageSize\": \"1GB\", \"limit\": 1}]}}}",
    NULL, false },
  { MINIMAL_HEAD "\"linux\": {\"resources\": {\"hugepageLimits\": [{\"pageSize\": \"02MB\", \"limit\": 1}]}}}",
    "linux.resources.hugepageLimits[0].pageSize: invalid page size \"02MB\"", true },
  { MINIMAL_HEAD "\"linux\": {\"resources\": {\"hugepageLimits\": [{\"pageSize\": \"2MBB\", \"limit\": 1}]}}}",
    "linux.resources.hugepageLimits[0].pageSize: invalid page size \"2MBB\"", true },
  { MINIMAL_HEAD "\"linux\": {\"resources\": {\"hugepageLimits\": [{\"pageSize\": \"MB\", \"limit\": 1}]}}}",
    "linux.resources.hugepageLimits[0].pageSize: invalid page size \"MB\"", true },
  { MINIMAL_HEAD "\"linux\": {\"resources\": {\"hugepageLimits\": [{\"pageSize\": \"2TB\", \"limit\": 1}]}}}",
    "linux.resources.hugepageLimits[0].pageSize: invalid page size \"2TB\"", true },
  /* malformed text */
  { "", "invalid JSON: line 1, column 1: ", true },
  { "{\"ociVersion\": \"1.2.0\"} {}", "invalid JSON: line 1, column ", true },
  { "{\"ociVersion\": \"1.2.0\",\n\n  \"root\": {\"path\": \"r\"\n}", "invalid JSON: line 4, column ",
    true },
  { "\"just a string\"", "expected an object, got a string", false },
  { NULL, NULL, false },
};

static void test_inline_cases(void)
{
  for (const struct inline_case *t = inline_cases; t->json; t++) {
    char *err = config_error(t->json);
    if (t->error) {
      struct expected_error want = { t->json, t->error, t->prefix };
      check_message(err, &want);
    } else if (!CHECK(err == NULL)) {
      fprintf(stderr, "    %s\n    refused: %s\n", t->json, err);
    }
    free(err);
  }
}

static void test_embedded_nul_refused(void)
{
  static const char json[] = "{\"ociVersion\": \"1.2.0\"\0, \"root\": {\"path\": \"r\"}}";
  struct oci_config *c = NULL;
  char *err = error_text(oci_config_parse(json, sizeof(json) - 1, &c));
  CHECK_STR_EQ(err, "invalid JSON: NUL byte at offset 22");
  CHECK(c == NULL);
  free(err);
}

/* The text need not be NUL-terminated: only `len` bytes are read. */
static void test_length_respected(void)
{
  const char *json = "{\"ociVersion\": \"1.2.0\", \"root\": {\"path\": \"r\"}}GARBAGE";
  struct oci_config *c = NULL;
  CHECK_OK(oci_config_parse(json, strlen(json) - strlen("GARBAGE"), &c));
  oci_config_free(c);
}

static void test_repeated_key_last_wins(void)
{
  struct oci_config *c = parse_ok(MINIMAL_HEAD "\"hostname\": \"a\", \"hostname\": \"b\"}");
  if (c)
    CHECK_STR_EQ(c->hostname, "b");
  oci_config_free(c);
}

static void test_default_config(void)
{
  char *json = NULL;
  struct oci_default_opts o = { .rootless = false };
  CHECK_OK(oci_default_config_json(&o, &json));
  struct oci_config *c = json ? parse_ok(json) : NULL;
  free(json);
  if (!c)
    return;
  CHECK_STR_EQ(c->ociVersion, "1.2.0");
  CHECK_STR_EQ(c->root->path, "rootfs");
  CHECK(c->root->readonly);
  CHECK_STR_EQ(c->hostname, "hull");
  const struct oci_process *p = c->process;
  CHECK(p->terminal);
  CHECK_UINT_EQ(p->n_args, 1);
  CHECK_STR_EQ(p->args[0], "sh");
  CHECK_STR_EQ(p->env[0], "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
  CHECK_STR_EQ(p->env[1], "TERM=xterm");
  CHECK_STR_EQ(p->cwd, "/");
  CHECK_UINT_EQ(p->user.uid, 0);
  CHECK(p->noNewPrivileges);
  CHECK_UINT_EQ(p->capabilities->n_bounding, 3);
  CHECK_UINT_EQ(p->capabilities->n_effective, 3);
  CHECK_UINT_EQ(p->capabilities->n_permitted, 3);
  CHECK_UINT_EQ(p->capabilities->n_inheritable, 0);
  CHECK_UINT_EQ(p->capabilities->n_ambient, 3);
  CHECK_STR_EQ(p->capabilities->permitted[2], "CAP_NET_BIND_SERVICE");
  CHECK_UINT_EQ(p->n_rlimits, 1);
  CHECK_INT_EQ(p->rlimits[0].resource, RLIMIT_NOFILE);
  CHECK_UINT_EQ(p->rlimits[0].soft, 1024);
  CHECK_UINT_EQ(p->rlimits[0].hard, 1024);

  static const char *const destinations[] = {
    "/proc", "/dev", "/dev/pts", "/dev/shm", "/dev/mqueue", "/sys", "/sys/fs/cgroup",
  };
  CHECK_UINT_EQ(c->n_mounts, 7);
  for (size_t i = 0; i < c->n_mounts && i < 7; i++)
    CHECK_STR_EQ(c->mounts[i].destination, destinations[i]);
  CHECK_STR_EQ(c->mounts[1].options[3], "size=65536k");
  CHECK_STR_EQ(c->mounts[2].options[5], "gid=5");
  CHECK_STR_EQ(c->mounts[3].source, "shm");
  CHECK_STR_EQ(c->mounts[5].options[3], "ro");
  CHECK_STR_EQ(c->mounts[6].type, "cgroup");

  static const enum oci_ns_type namespaces[] = {
    OCI_NS_PID, OCI_NS_NETWORK, OCI_NS_IPC, OCI_NS_UTS, OCI_NS_MOUNT,
  };
  CHECK_UINT_EQ(c->linux_->n_namespaces, 5);
  for (size_t i = 0; i < c->linux_->n_namespaces && i < 5; i++)
    CHECK_INT_EQ(c->linux_->namespaces[i].type, namespaces[i]);
  CHECK(c->linux_->n_maskedPaths >= 10);
  CHECK_STR_EQ(c->linux_->maskedPaths[0], "/proc/acpi");
  CHECK_UINT_EQ(c->linux_->n_readonlyPaths, 5);
  CHECK_STR_EQ(c->linux_->readonlyPaths[4], "/proc/sysrq-trigger");
  oci_config_free(c);
}

static void test_load_missing_file(void)
{
  struct oci_config *c = NULL;
  herr e = oci_config_load(TEST_DATA_DIR "/spec/does-not-exist.json", &c);
  CHECK(c == NULL);
  CHECK_INT_EQ(herr_errnum(e), ENOENT);
  char *err = error_text(e);
  CHECK_STR_CONTAINS(err, "does-not-exist.json");
  CHECK_STR_CONTAINS(err, strerror(ENOENT));
  free(err);
}

static void test_process_parse(void)
{
  const char *json = "{\"cwd\": \"/srv\", \"args\": [\"ls\", \"-l\"], \"user\": {\"uid\": 5},"
                     " \"rlimits\": [{\"type\": \"RLIMIT_CPU\", \"soft\": 1, \"hard\": 2}]}";
  struct oci_process *p = NULL;
  CHECK_OK(oci_process_parse(json, strlen(json), &p));
  if (p) {
    CHECK_STR_EQ(p->cwd, "/srv");
    CHECK_STR_EQ(p->args[1], "-l");
    CHECK_UINT_EQ(p->user.uid, 5);
    CHECK_INT_EQ(p->rlimits[0].resource, RLIMIT_CPU);
  }
  oci_process_free(p);

  const char *bad = "{\"args\": [\"ls\"]}";
  p = NULL;
  char *err = error_text(oci_process_parse(bad, strlen(bad), &p));
  CHECK_STR_EQ(err, "cwd: required field missing");
  CHECK(p == NULL);
  free(err);
}

static void test_resources_parse(void)
{
  const char *json = "{\"pids\": {\"limit\": 5}, \"memory\": {\"limit\": -1},"
                     " \"unified\": {\"pids.max\": \"7\"}}";
  struct oci_resources *r = NULL;
  CHECK_OK(oci_resources_parse(json, strlen(json), &r));
  if (r) {
    CHECK_INT_EQ(r->pids->limit, 5);
    CHECK(r->memory->has_limit);
    CHECK_INT_EQ(r->memory->limit, -1);
    CHECK_STR_EQ(r->unified[0].value, "7");
    CHECK(r->cpu == NULL);
  }
  oci_resources_free(r);

  const char *bad = "{\"pids\": {}}";
  r = NULL;
  char *err = error_text(oci_resources_parse(bad, strlen(bad), &r));
  CHECK_STR_EQ(err, "pids.limit: required field missing");
  CHECK(r == NULL);
  free(err);
}

static void test_ns_type_names(void)
{
  CHECK_STR_EQ(oci_ns_type_name(OCI_NS_PID), "pid");
  CHECK_STR_EQ(oci_ns_type_name(OCI_NS_NETWORK), "network");
  CHECK_STR_EQ(oci_ns_type_name(OCI_NS_MOUNT), "mount");
  CHECK_STR_EQ(oci_ns_type_name(OCI_NS_CGROUP), "cgroup");
  CHECK_STR_EQ(oci_ns_type_name(OCI_NS_TIME), "time");
  CHECK_STR_EQ(oci_ns_type_name(OCI_NS_COUNT), "unknown");
}

/* ---- json.c on its own: a small table, a root path, the writer ---- */

struct sample {
  char *name;
  int64_t i64;
  uint16_t u16;
  bool has_u16;
  int32_t i32;
};

static herr check_not_forbidden(const void *member)
{
  const char *s = *(char *const *)member;
  return strcmp(s, "forbidden") ? NULL : herr_errno(EPERM, "is %s", s);
}

static const struct json_field sample_fields[] = {
  { .name = "name", .kind = JK_STRING, .offset = offsetof(struct sample, name),
    .required = true, .check = check_not_forbidden },
  { .name = "i64", .kind = JK_INT64, .offset = offsetof(struct sample, i64) },
  { .name = "u16", .kind = JK_UINT16, .offset = offsetof(struct sample, u16),
    .has_offset = offsetof(struct sample, has_u16), .has_flag = true },
  { .name = "i32", .kind = JK_INT32, .offset = offsetof(struct sample, i32) },
  { .name = NULL },
};

static const struct json_type sample_type = { "sample", sizeof(struct sample),
                                              sample_fields, NULL };

static char *decode_sample_error(const char *json, const char *root)
{
  void *out = NULL;
  char *err = error_text(json_decode(json, strlen(json), &sample_type, root, &out));
  json_free(&sample_type, out);
  return err;
}

static void test_json_decode_table(void)
{
  const char *json = "{\"name\": \"x\", \"i64\": -9223372036854775808, \"u16\": 65535,"
                     " \"i32\": 2147483647}";
  void *out = NULL;
  CHECK_OK(json_decode(json, strlen(json), &sample_type, "", &out));
  struct sample *s = out;
  if (s) {
    CHECK_STR_EQ(s->name, "x");
    CHECK_INT_EQ(s->i64, INT64_MIN);
    CHECK(s->has_u16);
    CHECK_UINT_EQ(s->u16, 65535);
    CHECK_INT_EQ(s->i32, INT32_MAX);
  }
  json_free(&sample_type, out);
  json_free(&sample_type, NULL); /* allowed */

  char *err = decode_sample_error("{\"name\": \"x\", \"i32\": 2147483648}", "state");
  CHECK_STR_EQ(err, "state.i32: 2147483648 out of range for int32");
  free(err);
  err = decode_sample_error("{}", "state");
  CHECK_STR_EQ(err, "state.name: required field missing");
  free(err);
  err = decode_sample_error("[]", "state");
  CHECK_STR_EQ(err, "state: expected an object, got an array");
  free(err);

  /* A check's error keeps its errno and gets the path in front. */
  const char *forbidden = "{\"name\": \"forbidden\"}";
  out = NULL;
  herr e = json_decode(forbidden, strlen(forbidden), &sample_type, "", &out);
  CHECK(out == NULL);
  CHECK_INT_EQ(herr_errnum(e), EPERM);
  err = error_text(e);
  CHECK_STR_EQ(err, "name: is forbidden: Operation not permitted");
  free(err);
}

static void test_writer_compact(void)
{
  struct json_writer *w = jw_new(false);
  jw_begin_object(w);
  jw_kv_string(w, "id", "a\"b\n");
  jw_kv_int(w, "pid", -1);
  jw_kv_bool(w, "ok", true);
  jw_key(w, "big");
  jw_uint(w, UINT64_MAX);
  jw_key(w, "min");
  jw_int(w, INT64_MIN);
  jw_kv_string(w, "none", NULL);
  jw_key(w, "list");
  jw_begin_array(w);
  jw_string(w, "x");
  jw_null(w);
  jw_bool(w, false);
  jw_end_array(w);
  jw_end_object(w);
  size_t len = 0;
  char *out = jw_finish(w, &len);
  const char *want = "{\"id\":\"a\\\"b\\n\",\"pid\":-1,\"ok\":true,"
                     "\"big\":18446744073709551615,\"min\":-9223372036854775808,"
                     "\"none\":null,\"list\":[\"x\",null,false]}";
  CHECK_STR_EQ(out, want);
  CHECK_UINT_EQ(len, strlen(want));
  free(out);
}

/* What the writer writes, the decoder reads back. */
static void test_writer_round_trip(void)
{
  struct json_writer *w = jw_new(true);
  jw_begin_object(w);
  jw_kv_string(w, "name", "round trip");
  jw_kv_int(w, "i64", INT64_MIN);
  jw_kv_int(w, "u16", 7);
  jw_end_object(w);
  char *out = jw_finish(w, NULL);
  if (!CHECK(out != NULL))
    return;
  CHECK(strchr(out, '\n') != NULL); /* pretty */
  void *obj = NULL;
  CHECK_OK(json_decode(out, strlen(out), &sample_type, "", &obj));
  struct sample *s = obj;
  if (s) {
    CHECK_STR_EQ(s->name, "round trip");
    CHECK_INT_EQ(s->i64, INT64_MIN);
    CHECK_UINT_EQ(s->u16, 7);
  }
  json_free(&sample_type, obj);
  free(out);
}

static void test_writer_misuse(void)
{
  struct json_writer *w = jw_new(false);
  jw_begin_object(w);
  jw_int(w, 1); /* a value where a key belongs */
  jw_end_object(w);
  CHECK(jw_finish(w, NULL) == NULL);

  w = jw_new(false);
  jw_begin_array(w); /* never closed */
  jw_int(w, 1);
  CHECK(jw_finish(w, NULL) == NULL);

  w = jw_new(false);
  CHECK(jw_finish(w, NULL) == NULL); /* nothing written */

  jw_begin_object(NULL); /* a failed jw_new is harmless */
  CHECK(jw_finish(NULL, NULL) == NULL);
  jw_free(NULL);
}

int main(void)
{
  RUN(test_good_samples);
  RUN(test_bad_samples);
  RUN(test_spec_example_values);
  RUN(test_bad_fixtures);
  RUN(test_good_fixtures_decode);
  RUN(test_seccomp_uint64);
  RUN(test_unknown_properties_ignored);
  RUN(test_all_fields);
  RUN(test_inline_cases);
  RUN(test_embedded_nul_refused);
  RUN(test_length_respected);
  RUN(test_repeated_key_last_wins);
  RUN(test_default_config);
  RUN(test_load_missing_file);
  RUN(test_process_parse);
  RUN(test_resources_parse);
  RUN(test_ns_type_names);
  RUN(test_json_decode_table);
  RUN(test_writer_compact);
  RUN(test_writer_round_trip);
  RUN(test_writer_misuse);
  return unit_report();
}
