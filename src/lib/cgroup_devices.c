/* cgroup_devices.c - which devices the container may use: the rules, then
 * v1's devices.allow/devices.deny or, on cgroup v2, an eBPF program of type
 * BPF_PROG_TYPE_CGROUP_DEVICE loaded with the bpf(2) system call (no libbpf).
 *
 * The rules, applied in this order (the later rule wins for the access bits
 * it names): deny everything; linux.resources.devices as given; then, as
 * runc appends them, allow the default devices of config-linux.md and mknod
 * of any node (hull makes /dev's nodes from inside the container, already in
 * its cgroup).  The nodes of linux.devices get no rule of their own, as with
 * runc: the config's rules say whether they may be used (Docker and podman
 * send an allow rule with each --device; a deny-all keeps them out). */
#include "cgroup.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/bpf.h>

#include "cgroup_fs.h"
#include "cleanup.h"
#include "utils.h"

#define ANY (-1)
#define RWM (CG_DEV_READ | CG_DEV_WRITE | CG_DEV_MKNOD)

static const struct cgroup_dev_rule deny_all = { false, 'a', ANY, ANY, RWM, -1 };

static const struct cgroup_dev_rule default_rules[] = {
  { true, 'c', ANY, ANY, CG_DEV_MKNOD, -1 },
  { true, 'b', ANY, ANY, CG_DEV_MKNOD, -1 },
  { true, 'c', 1, 3, RWM, -1 },     /* /dev/null */
  { true, 'c', 1, 5, RWM, -1 },     /* /dev/zero */
  { true, 'c', 1, 7, RWM, -1 },     /* /dev/full */
  { true, 'c', 1, 8, RWM, -1 },     /* /dev/random */
  { true, 'c', 1, 9, RWM, -1 },     /* /dev/urandom */
  { true, 'c', 5, 0, RWM, -1 },     /* /dev/tty */
  { true, 'c', 5, 1, RWM, -1 },     /* /dev/console */
  { true, 'c', 5, 2, RWM, -1 },     /* /dev/ptmx */
  { true, 'c', 136, ANY, RWM, -1 }, /* /dev/pts/N */
};
#define N_DEFAULT_RULES (ARRAY_LEN(default_rules))

static herr parse_access(const char *s, unsigned *out, size_t i)
{
  if (!s) {
    *out = RWM;
    return NULL;
  }
  unsigned acc = 0;
  for (const char *p = s; *p; p++) {
    switch (*p) {
    case 'r': acc |= CG_DEV_READ; break;
    case 'w': acc |= CG_DEV_WRITE; break;
    case 'm': acc |= CG_DEV_MKNOD; break;
    default:
      return herr_new("linux.resources.devices[%zu].access: \"%s\" is not made of r, w and m", i, s);
    }
  }
  *out = acc;
  return NULL;
}

static herr user_rule(const struct oci_device_cgroup *d, size_t i, struct cgroup_dev_rule *r)
{
  const char *type = d->type && *d->type ? d->type : "a";
  if (strcmp(type, "a") && strcmp(type, "c") && strcmp(type, "b"))
    return herr_new("linux.resources.devices[%zu].type: \"%s\" is not a, c or b", i, type);
  r->allow = d->allow;
  r->index = (int)i;
  r->type = type[0];
  r->major = d->has_major && d->major >= 0 ? d->major : ANY;
  r->minor = d->has_minor && d->minor >= 0 ? d->minor : ANY;
  return parse_access(d->access, &r->access, i);
}

herr cgroup_device_rules(const struct cgroup_apply *a, struct cgroup_dev_rule **rules, size_t *n)
{
  size_t n_user = a->r ? a->r->n_devices : 0;
  size_t cap = 1 + n_user + N_DEFAULT_RULES;
  struct cgroup_dev_rule *v = calloc(cap, sizeof(*v));
  if (!v)
    return herr_errno(ENOMEM, "device rules");
  /* An update that gives rules replaces them all: the same list. */
  size_t k = 0;
  v[k++] = deny_all;
  for (size_t i = 0; i < n_user; i++) {
    herr e = user_rule(&a->r->devices[i], i, &v[k++]);
    if (e) {
      free(v);
      return e;
    }
  }
  for (size_t i = 0; i < N_DEFAULT_RULES; i++)
    v[k++] = default_rules[i];
  *rules = v;
  *n = k;
  return NULL;
}

/* ---- cgroup v1 ---- */

static void format_num(char *buf, size_t len, int64_t v)
{
  if (v < 0)
    snprintf(buf, len, "*");
  else
    snprintf(buf, len, "%lld", (long long)v);
}

static void format_access(char *buf, unsigned acc)
{
  char *p = buf;
  if (acc & CG_DEV_READ)
    *p++ = 'r';
  if (acc & CG_DEV_WRITE)
    *p++ = 'w';
  if (acc & CG_DEV_MKNOD)
    *p++ = 'm';
  *p = '\0';
}

static herr write_v1_line(const char *dir, bool allow, char type, const struct cgroup_dev_rule *r)
{
  char maj[24], min[24], acc[4], line[80];
  format_num(maj, sizeof(maj), r->major);
  format_num(min, sizeof(min), r->minor);
  format_access(acc, r->access);
  snprintf(line, sizeof(line), "%c %s:%s %s", type, maj, min, acc);
  return cg_write(dir, allow ? "devices.allow" : "devices.deny", line);
}

static bool is_everything(const struct cgroup_dev_rule *r)
{
  return r->type == 'a' && r->major == ANY && r->minor == ANY && r->access == RWM;
}

static bool same_device(const struct cgroup_dev_rule *a, const struct cgroup_dev_rule *b)
{
  return a->type == b->type && a->major == b->major && a->minor == b->minor;
}

static bool overlap(const struct cgroup_dev_rule *a, const struct cgroup_dev_rule *b)
{
  return (a->type == 'a' || b->type == 'a' || a->type == b->type) &&
         (a->major == ANY || b->major == ANY || a->major == b->major) &&
         (a->minor == ANY || b->minor == ANY || a->minor == b->minor);
}

/* Follow the kernel's v1 list: "a" sets the default and empties the list; a
 * rule of the other kind than the default adds an exception; one of the same
 * kind takes its access away from the exception of exactly its device only. */
herr cgroup_devices_check_v1(const struct cgroup_dev_rule *rules, size_t n)
{
  const struct cgroup_dev_rule *exc[256];
  size_t n_exc = 0;
  bool default_allow = true;
  for (size_t i = 0; i < n; i++) {
    const struct cgroup_dev_rule *r = &rules[i];
    if (is_everything(r)) {
      default_allow = r->allow;
      n_exc = 0;
      continue;
    }
    if (r->allow != default_allow) {
      if (n_exc < ARRAY_LEN(exc))
        exc[n_exc++] = r;
      continue;
    }
    for (size_t k = 0; k < n_exc && r->index >= 0; k++) {
      if (same_device(exc[k], r) || !overlap(exc[k], r) || !(exc[k]->access & r->access))
        continue;
      if (exc[k]->index >= 0)
        return herr_new("linux.resources.devices[%d]: cgroup v1 cannot apply this rule over part of the broader devices[%d] "
                        "(v1 drops only an exception of exactly the same device); list the devices one by one instead",
                        r->index, exc[k]->index);
      return herr_new("linux.resources.devices[%d]: cgroup v1 cannot apply this rule over part of a device hull allows "
                      "(linux.devices or a default device)", r->index);
    }
  }
  return NULL;
}

herr cgroup_devices_apply_v1(const char *dir, const struct cgroup_dev_rule *rules, size_t n)
{
  TRY(cgroup_devices_check_v1(rules, n));
  for (size_t i = 0; i < n; i++) {
    const struct cgroup_dev_rule *r = &rules[i];
    if (!r->access)
      continue;
    const char *file = r->allow ? "devices.allow" : "devices.deny";
    if (is_everything(r)) {
      /* "a" changes the default and drops every exception. */
      TRY(cg_write(dir, file, "a"));
      continue;
    }
    /* v1 reads any "a" line as "everything": say c and b instead. */
    if (r->type == 'a') {
      TRY(write_v1_line(dir, r->allow, 'c', r));
      TRY(write_v1_line(dir, r->allow, 'b', r));
    } else {
      TRY(write_v1_line(dir, r->allow, r->type, r));
    }
  }
  return NULL;
}

/* ---- cgroup v2: the eBPF program ---- */

#define INSN(c, d, s, o, i) ((struct bpf_insn){ .code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i) })
#define LDX_W(d, s, o) INSN(BPF_LDX | BPF_W | BPF_MEM, d, s, o, 0)
#define ALU32_IMM(op, d, i) INSN(BPF_ALU | (op) | BPF_K, d, 0, 0, i)
#define MOV32_REG(d, s) INSN(BPF_ALU | BPF_MOV | BPF_X, d, s, 0, 0)
#define MOV64_IMM(d, i) INSN(BPF_ALU64 | BPF_MOV | BPF_K, d, 0, 0, i)
#define JMP_IMM(op, d, i, o) INSN(BPF_JMP | (op) | BPF_K, d, 0, o, i)
#define EXIT() INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

/* Registers: r2 = access bits not decided yet, r3 = device type,
 * r4 = major, r5 = minor (from struct bpf_cgroup_dev_ctx in r1). */
enum { R0, R1, R2, R3, R4, R5, R6 };

struct prog {
  struct bpf_insn *v;
  size_t n, cap;
};

static void emit(struct prog *p, struct bpf_insn i)
{
  if (p->n == p->cap) {
    p->cap = p->cap ? p->cap * 2 : 64;
    struct bpf_insn *nv = realloc(p->v, p->cap * sizeof(*nv));
    if (!nv)
      abort();
    p->v = nv;
  }
  p->v[p->n++] = i;
}

/* One rule: when the device matches, an allow rule settles the bits it
 * names (all settled: allow), a deny rule denies if it names a bit still
 * open.  Otherwise fall through to the rule before it. */
static void emit_rule(struct prog *p, const struct cgroup_dev_rule *r)
{
  size_t jumps[4], nj = 0;
  if (r->type != 'a') {
    jumps[nj++] = p->n;
    emit(p, JMP_IMM(BPF_JNE, R3, r->type == 'c' ? BPF_DEVCG_DEV_CHAR : BPF_DEVCG_DEV_BLOCK, 0));
  }
  if (r->major != ANY) {
    jumps[nj++] = p->n;
    emit(p, JMP_IMM(BPF_JNE, R4, (int32_t)r->major, 0));
  }
  if (r->minor != ANY) {
    jumps[nj++] = p->n;
    emit(p, JMP_IMM(BPF_JNE, R5, (int32_t)r->minor, 0));
  }
  if (r->allow) {
    emit(p, ALU32_IMM(BPF_AND, R2, (int32_t)(~r->access & RWM)));
    jumps[nj++] = p->n;
    emit(p, JMP_IMM(BPF_JNE, R2, 0, 0));
    emit(p, MOV64_IMM(R0, 1));
  } else {
    emit(p, MOV32_REG(R6, R2));
    emit(p, ALU32_IMM(BPF_AND, R6, (int32_t)r->access));
    jumps[nj++] = p->n;
    emit(p, JMP_IMM(BPF_JEQ, R6, 0, 0));
    emit(p, MOV64_IMM(R0, 0));
  }
  emit(p, EXIT());
  for (size_t j = 0; j < nj; j++)
    p->v[jumps[j]].off = (int16_t)(p->n - jumps[j] - 1);
}

size_t cgroup_devices_bpf_program(const struct cgroup_dev_rule *rules, size_t n, struct bpf_insn **out)
{
  struct prog p = { 0 };
  emit(&p, LDX_W(R2, R1, 0));          /* access_type: (access << 16) | type */
  emit(&p, MOV32_REG(R3, R2));
  emit(&p, ALU32_IMM(BPF_AND, R3, 0xffff));
  emit(&p, ALU32_IMM(BPF_RSH, R2, 16));
  emit(&p, LDX_W(R4, R1, 4));          /* major */
  emit(&p, LDX_W(R5, R1, 8));          /* minor */
  /* The last rule first: the first match decides. */
  for (size_t i = n; i-- > 0;)
    if (rules[i].access)
      emit_rule(&p, &rules[i]);
  emit(&p, MOV64_IMM(R0, 0));          /* nothing allowed it */
  emit(&p, EXIT());
  *out = p.v;
  return p.n;
}

static long bpf(int cmd, union bpf_attr *attr)
{
  return syscall(SYS_bpf, cmd, attr, sizeof(*attr));
}

static int load_program(const struct bpf_insn *insns, size_t n, char *log, size_t log_len)
{
  union bpf_attr attr;
  memset(&attr, 0, sizeof(attr));
  attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
  attr.insns = (uint64_t)(uintptr_t)insns;
  attr.insn_cnt = (uint32_t)n;
  attr.license = (uint64_t)(uintptr_t)"GPL";
  attr.log_buf = (uint64_t)(uintptr_t)log;
  attr.log_size = (uint32_t)log_len;
  attr.log_level = log ? 1 : 0;
  return (int)bpf(BPF_PROG_LOAD, &attr);
}

/* Before Linux 5.11, BPF memory counts against RLIMIT_MEMLOCK.  The soft
 * limit can go up to the hard one without CAP_SYS_RESOURCE (which root
 * lacks on some hosts); beyond that the load fails and says why. */
static herr load_with_memlock(const struct bpf_insn *insns, size_t n, int *fd)
{
  *fd = load_program(insns, n, NULL, 0);
  if (*fd < 0 && errno == EPERM) {
    struct rlimit rl;
    if (getrlimit(RLIMIT_MEMLOCK, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
      rl.rlim_cur = rl.rlim_max;
      if (setrlimit(RLIMIT_MEMLOCK, &rl) == 0)
        *fd = load_program(insns, n, NULL, 0);
    }
  }
  if (*fd >= 0)
    return NULL;
  int err = errno;
  if (err == EPERM) {
    struct rlimit rl = { 0, 0 };
    getrlimit(RLIMIT_MEMLOCK, &rl);
    return herr_errno(err, "load the device filter (eBPF; RLIMIT_MEMLOCK is %llu bytes and raising it needs CAP_SYS_RESOURCE)",
                      (unsigned long long)rl.rlim_cur);
  }
  /* Load again with the verifier's log, to say what it disliked. */
  char log[4096] = "";
  int again = load_program(insns, n, log, sizeof(log));
  if (again >= 0) {
    *fd = again;
    return NULL;
  }
  log[strcspn(log, "\n")] = '\0';
  return herr_errno(err, "load the device filter (eBPF)%s%s", *log ? ": verifier: " : "", log);
}

/* The programs attached to this cgroup before (a previous device filter). */
static size_t query_attached(int cgfd, uint32_t *ids, size_t max)
{
  union bpf_attr attr;
  memset(&attr, 0, sizeof(attr));
  attr.query.target_fd = (uint32_t)cgfd;
  attr.query.attach_type = BPF_CGROUP_DEVICE;
  attr.query.prog_ids = (uint64_t)(uintptr_t)ids;
  attr.query.prog_cnt = (uint32_t)max;
  if (bpf(BPF_PROG_QUERY, &attr) < 0)
    return 0;
  return attr.query.prog_cnt < max ? attr.query.prog_cnt : max;
}

static void detach_program(int cgfd, uint32_t id)
{
  union bpf_attr attr;
  memset(&attr, 0, sizeof(attr));
  attr.prog_id = id;
  _cleanup_close_ int fd = (int)bpf(BPF_PROG_GET_FD_BY_ID, &attr);
  if (fd < 0)
    return;
  memset(&attr, 0, sizeof(attr));
  attr.target_fd = (uint32_t)cgfd;
  attr.attach_bpf_fd = (uint32_t)fd;
  attr.attach_type = BPF_CGROUP_DEVICE;
  bpf(BPF_PROG_DETACH, &attr);
}

herr cgroup_devices_apply_v2(const char *dir, const struct cgroup_dev_rule *rules, size_t n)
{
  _cleanup_free_ struct bpf_insn *insns = NULL;
  size_t count = cgroup_devices_bpf_program(rules, n, &insns);
  _cleanup_close_ int prog = -1;
  TRY(load_with_memlock(insns, count, &prog));
  _cleanup_close_ int cgfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (cgfd < 0)
    return herr_sys("open %s", dir);
  uint32_t old[16];
  size_t n_old = query_attached(cgfd, old, 16);
  union bpf_attr attr;
  memset(&attr, 0, sizeof(attr));
  attr.target_fd = (uint32_t)cgfd;
  attr.attach_bpf_fd = (uint32_t)prog;
  attr.attach_type = BPF_CGROUP_DEVICE;
  attr.attach_flags = BPF_F_ALLOW_MULTI;
  if (bpf(BPF_PROG_ATTACH, &attr) < 0)
    return herr_sys("attach the device filter to %s", dir);
  /* The new filter is in place before the old one goes: no gap. */
  for (size_t i = 0; i < n_old; i++)
    detach_program(cgfd, old[i]);
  return NULL;
}
