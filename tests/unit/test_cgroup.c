/* test_cgroup.c - unit tests for what the cgroup module computes without a
 * host: the systemd path form, path resolution, v1 -> v2 conversions, the
 * device rules, and the eBPF device filter, run here by a small interpreter
 * of the instructions it uses, so that its verdicts are checked rule by rule. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/bpf.h>

#include "cgroup.h"
#include "dbus.h"
#include "spec.h"
#include "utils.h"
#include "unit.h"

/* Check that `e` is an error whose text contains `needle`; frees `e`. */
static void check_err(int line, herr e, const char *needle)
{
  if (!unit_record(e != NULL, __FILE__, line, needle)) {
    fprintf(stderr, "    expected an error containing \"%s\", got success\n", needle);
    return;
  }
  char *msg = herr_format(e);
  if (!unit_record(strstr(msg, needle) != NULL, __FILE__, line, needle))
    fprintf(stderr, "    got \"%s\"\n    wanted \"%s\"\n", msg, needle);
  free(msg);
  herr_free(e);
}
#define CHECK_ERR(e, needle) check_err(__LINE__, (e), (needle))

/* ---- systemd paths ---- */

static void test_systemd_path_form(void)
{
  CHECK(cgroup_is_systemd_path("system.slice:hull:c1"));
  CHECK(cgroup_is_systemd_path(":hull:c1"));
  CHECK(!cgroup_is_systemd_path("/hull/c1"));
  CHECK(!cgroup_is_systemd_path("/a:b:c"));
  CHECK(!cgroup_is_systemd_path("hull/c1"));
  CHECK(!cgroup_is_systemd_path("a:b"));
  CHECK(!cgroup_is_systemd_path(NULL));
}

static void test_systemd_path_parse(void)
{
  struct cgroup_systemd_path p;
  CHECK_OK(cgroup_parse_systemd_path("machine.slice:libpod:abc", &p));
  CHECK_STR_EQ(p.slice, "machine.slice");
  CHECK_STR_EQ(p.prefix, "libpod");
  CHECK_STR_EQ(p.name, "abc");
  cgroup_systemd_path_free(&p);
  /* An empty slice is systemd's default for system services. */
  CHECK_OK(cgroup_parse_systemd_path(":hull:c1", &p));
  CHECK_STR_EQ(p.slice, "system.slice");
  CHECK_STR_EQ(p.prefix, "hull");
  cgroup_systemd_path_free(&p);
  CHECK_OK(cgroup_parse_systemd_path("user.slice::c1", &p));
  CHECK_STR_EQ(p.prefix, "");
  cgroup_systemd_path_free(&p);

  CHECK_ERR(cgroup_parse_systemd_path("a:b:c:d", &p), "three parts");
  CHECK_ERR(cgroup_parse_systemd_path("system.slice:hull", &p), "three parts");
  CHECK_ERR(cgroup_parse_systemd_path("foo:hull:c1", &p), "\"foo\" is not a slice name");
  CHECK_ERR(cgroup_parse_systemd_path(".slice:hull:c1", &p), "is not a slice name");
  CHECK_ERR(cgroup_parse_systemd_path("system.slice:hull:", &p), "the name part is empty");
  CHECK_ERR(cgroup_parse_systemd_path("sys/tem.slice:hull:c1", &p), "has no '/'");
}

static void check_place(const char *path, const char *unit, const char *cg_path)
{
  struct cgroup_systemd_path sp;
  char *u = NULL, *p = NULL;
  CHECK_OK(cgroup_systemd_place(path, "c1", &sp, &u, &p));
  CHECK_STR_EQ(u, unit);
  CHECK_STR_EQ(p, cg_path);
  cgroup_systemd_path_free(&sp);
  free(u);
  free(p);
}

static void test_systemd_place(void)
{
  /* runc's default is ":runc:ID"; hull's names hull. */
  check_place(NULL, "hull-c1.scope", "/system.slice/hull-c1.scope");
  check_place("", "hull-c1.scope", "/system.slice/hull-c1.scope");
  check_place("machine.slice:libpod:abc", "libpod-abc.scope", "/machine.slice/libpod-abc.scope");
  /* A '-' in a slice name nests it in its parents, as systemd does. */
  check_place("kubepods-besteffort-pod1.slice:cri-containerd:x",
              "cri-containerd-x.scope",
              "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod1.slice/cri-containerd-x.scope");
  check_place("-.slice:p:c", "p-c.scope", "/p-c.scope");
  check_place("user.slice::c1", "c1.scope", "/user.slice/c1.scope");

  struct cgroup_systemd_path sp;
  char *u = NULL, *p = NULL;
  CHECK_ERR(cgroup_systemd_place("/hull/c1", "c1", &sp, &u, &p), "takes slice:prefix:name");
  CHECK_ERR(cgroup_systemd_place("a--b.slice:p:c", "c1", &sp, &u, &p), "not a valid slice name");
  CHECK_ERR(cgroup_systemd_place("-a.slice:p:c", "c1", &sp, &u, &p), "not a valid slice name");
  CHECK_ERR(cgroup_systemd_place("system.slice:p:c.slice", "c1", &sp, &u, &p), "slice unit of its own");
}

/* The D-Bus marshalling of the driver's calls, byte for byte (the StopUnit body
 * is what systemctl sends). */
static void test_dbus_marshalling(void)
{
  struct dbus_buf b = { 0 };
  dbus_put_string(&b, "hull-c1.scope");
  dbus_put_string(&b, "replace");
  static const char stop[] = "\x0d\0\0\0hull-c1.scope\0\0\0\x07\0\0\0replace";
  CHECK(b.len == sizeof(stop));
  CHECK(memcmp(b.data, stop, sizeof(stop)) == 0);
  dbus_buf_free(&b);

  /* a(sv): the length counts from the first element, aligned to 8. */
  size_t start, len_at = dbus_array_begin(&b, 8, &start);
  dbus_prop_u64(&b, "MemoryMax", 67108864);
  dbus_array_end(&b, len_at, start);
  static const char props[] = "\x20\0\0\0\0\0\0\0"
                              "\x09\0\0\0MemoryMax\0"
                              "\x01t\0\0\0\0\0\0\0\0"
                              "\0\0\0\x04\0\0\0\0";
  CHECK(start == 8);
  CHECK(b.len == sizeof(props) - 1);
  CHECK(memcmp(b.data, props, sizeof(props) - 1) == 0);
  dbus_buf_free(&b);
}

static void test_systemd_unavailable(void)
{
  /* Whatever PID 1 is here, the error names the option and says what to do. */
  herr e = cgroup_systemd_unavailable("--systemd-cgroup");
  char *msg = herr_format(e);
  CHECK_STR_CONTAINS(msg, "--systemd-cgroup: ");
  CHECK_STR_CONTAINS(msg, "without --systemd-cgroup");
  free(msg);
  herr_free(e);
}

/* ---- paths ---- */

static void test_resolve_path(void)
{
  char *p;
  CHECK_STR_EQ(p = cgroup_resolve_path("/a//b/", "/own", false), "/a/b");
  free(p);
  CHECK_STR_EQ(p = cgroup_resolve_path("/a/b", "/own/x", true), "/a/b");
  free(p);
  /* Relative: below hull's own cgroup on v1, below its parent on v2. */
  CHECK_STR_EQ(p = cgroup_resolve_path("x/y", "/p/q", false), "/p/q/x/y");
  free(p);
  CHECK_STR_EQ(p = cgroup_resolve_path("x/y", "/p/q", true), "/p/x/y");
  free(p);
  CHECK_STR_EQ(p = cgroup_resolve_path("x", "/", true), "/x");
  free(p);
  CHECK_STR_EQ(p = cgroup_resolve_path("x", "/", false), "/x");
  free(p);
  CHECK_STR_EQ(p = cgroup_resolve_path("x", "/top", true), "/x");
  free(p);
}

/* ---- conversions ---- */

static void test_conversions(void)
{
  /* runc's and crun's formula: 2..262144 onto 1..10000. */
  CHECK_UINT_EQ(cgroup_shares_to_weight(0), 0);
  CHECK_UINT_EQ(cgroup_shares_to_weight(2), 1);
  CHECK_UINT_EQ(cgroup_shares_to_weight(1024), 39);
  CHECK_UINT_EQ(cgroup_shares_to_weight(262144), 10000);
  CHECK_UINT_EQ(cgroup_shares_to_weight(1000000), 10000);
  CHECK_UINT_EQ(cgroup_blkio_weight_to_io(10), 1);
  CHECK_UINT_EQ(cgroup_blkio_weight_to_io(500), 4950);
  CHECK_UINT_EQ(cgroup_blkio_weight_to_io(1000), 10000);
  CHECK_UINT_EQ(cgroup_hugepage_kb("2MB"), 2048);
  CHECK_UINT_EQ(cgroup_hugepage_kb("1GB"), 1048576);
  CHECK_UINT_EQ(cgroup_hugepage_kb("64KB"), 64);
  CHECK_UINT_EQ(cgroup_hugepage_kb("3XB"), 0);
  CHECK_UINT_EQ(cgroup_hugepage_kb("MB"), 0);
}

/* ---- device rules ---- */

static herr rules_for(const char *resources_json, struct cgroup_dev_rule **rules, size_t *n)
{
  struct oci_resources *r = NULL;
  TRY(oci_resources_parse(resources_json, strlen(resources_json), &r));
  struct cgroup_apply a = { .r = r };
  herr e = cgroup_device_rules(&a, rules, n);
  oci_resources_free(r);
  return e;
}

static void test_device_rules(void)
{
  struct cgroup_dev_rule *rules = NULL;
  size_t n = 0;
  CHECK_OK(rules_for("{\"devices\": [{\"allow\": false, \"type\": \"b\", \"major\": 8, \"access\": \"rw\"}]}",
                     &rules, &n));
  /* Deny all first; the user's rule; the defaults (linux.devices get no rule of
   * their own, as with runc). */
  CHECK(n > 4);
  CHECK(!rules[0].allow && rules[0].type == 'a' && rules[0].major == -1 && rules[0].access == 7);
  CHECK(!rules[1].allow && rules[1].type == 'b' && rules[1].major == 8 && rules[1].minor == -1 &&
        rules[1].access == (CG_DEV_READ | CG_DEV_WRITE));
  CHECK(rules[2].allow && rules[2].type == 'c' && rules[2].major == -1 && rules[2].access == CG_DEV_MKNOD);
  CHECK(rules[n - 1].allow && rules[n - 1].type == 'c' && rules[n - 1].major == 136);
  free(rules);

  CHECK_ERR(rules_for("{\"devices\": [{\"allow\": true}, {\"allow\": true, \"access\": \"rx\"}]}",
                      &rules, &n),
            "linux.resources.devices[1].access: \"rx\" is not made of r, w and m");
  CHECK_ERR(rules_for("{\"devices\": [{\"allow\": true, \"type\": \"p\"}]}", &rules, &n),
            "linux.resources.devices[0].type: \"p\" is not a, c or b");
}

static void test_device_rules_v1(void)
{
  struct cgroup_dev_rule *rules = NULL;
  size_t n = 0;
  /* Allow-then-allow, and a deny of exactly an allowed device: fine on v1. */
  CHECK_OK(rules_for("{\"devices\": [{\"allow\": true, \"type\": \"c\", \"major\": 10, \"access\": \"rw\"},"
                     " {\"allow\": true, \"type\": \"c\", \"major\": 10, \"minor\": 200, \"access\": \"m\"},"
                     " {\"allow\": false, \"type\": \"c\", \"major\": 10, \"access\": \"w\"}]}",
                     &rules, &n));
  CHECK_OK(cgroup_devices_check_v1(rules, n));
  free(rules);
  /* A narrower deny over a broader allow: v1 would keep the allow. */
  CHECK_OK(rules_for("{\"devices\": [{\"allow\": true, \"type\": \"c\", \"major\": 10, \"access\": \"rw\"},"
                     " {\"allow\": false, \"type\": \"c\", \"major\": 10, \"minor\": 237, \"access\": \"w\"}]}",
                     &rules, &n));
  CHECK_ERR(cgroup_devices_check_v1(rules, n),
            "linux.resources.devices[1]: cgroup v1 cannot apply this rule over part of the broader devices[0]");
  free(rules);
  /* After an allow-all, a narrower allow over a broader deny. */
  CHECK_OK(rules_for("{\"devices\": [{\"allow\": true, \"access\": \"rwm\"},"
                     " {\"allow\": false, \"type\": \"b\", \"access\": \"rw\"},"
                     " {\"allow\": true, \"type\": \"b\", \"major\": 7, \"minor\": 0, \"access\": \"r\"}]}",
                     &rules, &n));
  CHECK_ERR(cgroup_devices_check_v1(rules, n), "devices[2]: cgroup v1 cannot apply");
  free(rules);
  /* Disjoint access letters do not conflict. */
  CHECK_OK(rules_for("{\"devices\": [{\"allow\": true, \"type\": \"c\", \"major\": 10, \"access\": \"r\"},"
                     " {\"allow\": false, \"type\": \"c\", \"major\": 10, \"minor\": 237, \"access\": \"w\"}]}",
                     &rules, &n));
  CHECK_OK(cgroup_devices_check_v1(rules, n));
  free(rules);
}

/* ---- the eBPF program, interpreted ---- */

/* Run the instructions the generator emits on one request. */
static int run_filter(const struct bpf_insn *p, size_t n, unsigned type, unsigned access,
                      unsigned major, unsigned minor, bool *ok)
{
  uint32_t ctx[3] = { (access << 16) | type, major, minor };
  uint64_t reg[11] = { 0 };
  *ok = true;
  for (size_t pc = 0, steps = 0; pc < n && steps < 10000; pc++, steps++) {
    const struct bpf_insn *i = &p[pc];
    uint64_t src = BPF_SRC(i->code) == BPF_X ? reg[i->src_reg] : (uint64_t)(int64_t)i->imm;
    switch (i->code) {
    case BPF_LDX | BPF_W | BPF_MEM:
      reg[i->dst_reg] = ctx[i->off / 4];
      break;
    case BPF_ALU | BPF_AND | BPF_K:
      reg[i->dst_reg] = (uint32_t)(reg[i->dst_reg] & src);
      break;
    case BPF_ALU | BPF_RSH | BPF_K:
      reg[i->dst_reg] = (uint32_t)reg[i->dst_reg] >> i->imm;
      break;
    case BPF_ALU | BPF_MOV | BPF_X:
      reg[i->dst_reg] = (uint32_t)src;
      break;
    case BPF_ALU64 | BPF_MOV | BPF_K:
      reg[i->dst_reg] = src;
      break;
    case BPF_JMP | BPF_JNE | BPF_K:
      if (reg[i->dst_reg] != src)
        pc += i->off;
      break;
    case BPF_JMP | BPF_JEQ | BPF_K:
      if (reg[i->dst_reg] == src)
        pc += i->off;
      break;
    case BPF_JMP | BPF_EXIT:
      return (int)reg[0];
    default:
      *ok = false;
      return -1;
    }
  }
  *ok = false;
  return -1;
}

struct request {
  char type;
  unsigned access, major, minor;
  int want; /* 1 allow, 0 deny */
};

static void check_program(int line, const struct cgroup_dev_rule *rules, size_t n,
                          const struct request *reqs, size_t n_reqs)
{
  struct bpf_insn *prog = NULL;
  size_t len = cgroup_devices_bpf_program(rules, n, &prog);
  for (size_t i = 0; i < n_reqs; i++) {
    const struct request *q = &reqs[i];
    bool ok;
    int got = run_filter(prog, len, q->type == 'c' ? BPF_DEVCG_DEV_CHAR : BPF_DEVCG_DEV_BLOCK, q->access,
                         q->major, q->minor, &ok);
    char what[96];
    snprintf(what, sizeof(what), "request %zu (%c %u:%u access %u) gives %d", i, q->type, q->major,
             q->minor, q->access, q->want);
    if (!unit_record(ok && got == q->want, __FILE__, line, what))
      fprintf(stderr, "    got %d%s\n", got, ok ? "" : " (the program did not run to an exit)");
  }
  free(prog);
}

enum { R = CG_DEV_READ, W = CG_DEV_WRITE, M = CG_DEV_MKNOD };

static void test_bpf_program(void)
{
  /* Deny all, allow c 1:3 rw and c 136:* rwm, then deny c 1:3 w. */
  static const struct cgroup_dev_rule rules[] = {
    { false, 'a', -1, -1, R | W | M, -1 },
    { true, 'c', 1, 3, R | W, -1 },
    { true, 'c', 136, -1, R | W | M, -1 },
    { false, 'c', 1, 3, W, -1 },
  };
  static const struct request reqs[] = {
    { 'c', R, 1, 3, 1 },       /* allowed by rule 1 */
    { 'c', W, 1, 3, 0 },       /* denied by the later rule 3 */
    { 'c', R | W, 1, 3, 0 },   /* one denied bit is enough */
    { 'c', M, 1, 3, 0 },       /* m never allowed */
    { 'b', R, 1, 3, 0 },       /* a block device with the same numbers */
    { 'c', R | W, 136, 7, 1 }, /* any minor */
    { 'c', M, 136, 0, 1 },
    { 'c', R, 1, 5, 0 },       /* not listed: default deny */
    { 'b', R | W, 8, 0, 0 },
  };
  check_program(__LINE__, rules, 4, reqs, ARRAY_LEN(reqs));

  /* Allow all, then deny block devices of major 8 for writing. */
  static const struct cgroup_dev_rule rules2[] = {
    { true, 'a', -1, -1, R | W | M, -1 },
    { false, 'b', 8, -1, W, -1 },
  };
  static const struct request reqs2[] = {
    { 'b', R, 8, 1, 1 },
    { 'b', W, 8, 1, 0 },
    { 'c', W, 8, 1, 1 },
    { 'b', R | W, 9, 0, 1 },
  };
  check_program(__LINE__, rules2, 2, reqs2, ARRAY_LEN(reqs2));

  /* Bits are settled one rule at a time: r by one allow, w by another. */
  static const struct cgroup_dev_rule rules3[] = {
    { false, 'a', -1, -1, R | W | M, -1 },
    { true, 'c', 10, 200, R, -1 },
    { true, 'c', 10, 200, W, -1 },
  };
  static const struct request reqs3[] = {
    { 'c', R | W, 10, 200, 1 },
    { 'c', R | W | M, 10, 200, 0 },
  };
  check_program(__LINE__, rules3, 3, reqs3, ARRAY_LEN(reqs3));

  /* No rule at all: nothing is allowed. */
  check_program(__LINE__, NULL, 0, (struct request[]){ { 'c', R, 1, 3, 0 } }, 1);
}

int main(void)
{
  RUN(test_systemd_path_form);
  RUN(test_systemd_path_parse);
  RUN(test_systemd_place);
  RUN(test_dbus_marshalling);
  RUN(test_systemd_unavailable);
  RUN(test_resolve_path);
  RUN(test_conversions);
  RUN(test_device_rules);
  RUN(test_device_rules_v1);
  RUN(test_bpf_program);
  return unit_report();
}
