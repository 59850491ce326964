/* seccomp_names.h - the names linux.seccomp takes (config-linux.md
 * "Seccomp"), each written once: spec.c makes the decoder's lists of allowed
 * values from them, seccomp.c its tables of libseccomp and kernel values and
 * the lists `features` prints.  Each list is an X macro: X is called once per
 * name, with the values beside it (tokens only seccomp.c expands, so that
 * spec.c needs no libseccomp header). */
#ifndef HULL_SECCOMP_NAMES_H
#define HULL_SECCOMP_NAMES_H

/* X(name, libseccomp action, takes an errno): ERRNO and TRACE carry a 16-bit
 * errno (config-linux.md: errnoRet, default EPERM). */
#define SECCOMP_ACTIONS(X)                          \
  X(SCMP_ACT_KILL, SCMP_ACT_KILL, false)            \
  X(SCMP_ACT_KILL_PROCESS, SCMP_ACT_KILL_PROCESS, false) \
  X(SCMP_ACT_KILL_THREAD, SCMP_ACT_KILL_THREAD, false) \
  X(SCMP_ACT_TRAP, SCMP_ACT_TRAP, false)            \
  X(SCMP_ACT_ERRNO, SCMP_ACT_ERRNO(0), true)        \
  X(SCMP_ACT_TRACE, SCMP_ACT_TRACE(0), true)        \
  X(SCMP_ACT_ALLOW, SCMP_ACT_ALLOW, false)          \
  X(SCMP_ACT_LOG, SCMP_ACT_LOG, false)              \
  X(SCMP_ACT_NOTIFY, SCMP_ACT_NOTIFY, false)

/* X(name): libseccomp's enum scmp_compare has the same names. */
#define SECCOMP_OPERATORS(X) \
  X(SCMP_CMP_NE)             \
  X(SCMP_CMP_LT)             \
  X(SCMP_CMP_LE)             \
  X(SCMP_CMP_EQ)             \
  X(SCMP_CMP_GE)             \
  X(SCMP_CMP_GT)             \
  X(SCMP_CMP_MASKED_EQ)

/* X(name, flag the kernel is asked about it with): seccomp(2)'s own flag
 * names; WAIT_KILLABLE_RECV is only valid together with NEW_LISTENER. */
#define SECCOMP_FLAGS(X)                              \
  X(SECCOMP_FILTER_FLAG_TSYNC, 0)                     \
  X(SECCOMP_FILTER_FLAG_LOG, 0)                       \
  X(SECCOMP_FILTER_FLAG_SPEC_ALLOW, 0)                \
  X(SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV, SECCOMP_FILTER_FLAG_NEW_LISTENER)

/* X(name): libseccomp resolves the lower-case suffix ("SCMP_ARCH_X86_64" ->
 * "x86_64") if this version knows it. */
#define SECCOMP_ARCHS(X)                                                          \
  X(SCMP_ARCH_X86) X(SCMP_ARCH_X86_64) X(SCMP_ARCH_X32) X(SCMP_ARCH_ARM)          \
  X(SCMP_ARCH_AARCH64) X(SCMP_ARCH_LOONGARCH64) X(SCMP_ARCH_M68K)                 \
  X(SCMP_ARCH_MIPS) X(SCMP_ARCH_MIPS64) X(SCMP_ARCH_MIPS64N32)                    \
  X(SCMP_ARCH_MIPSEL) X(SCMP_ARCH_MIPSEL64) X(SCMP_ARCH_MIPSEL64N32)              \
  X(SCMP_ARCH_PPC) X(SCMP_ARCH_PPC64) X(SCMP_ARCH_PPC64LE) X(SCMP_ARCH_S390)      \
  X(SCMP_ARCH_S390X) X(SCMP_ARCH_SH) X(SCMP_ARCH_SHEB) X(SCMP_ARCH_PARISC)        \
  X(SCMP_ARCH_PARISC64) X(SCMP_ARCH_RISCV64)

/* Expanders that keep the name only, for a NULL-terminated list of strings:
 * `{ SECCOMP_ACTIONS(SECCOMP_NAME3) NULL }`. */
#define SECCOMP_NAME1(name) #name,
#define SECCOMP_NAME2(name, a) #name,
#define SECCOMP_NAME3(name, a, b) #name,

#endif
