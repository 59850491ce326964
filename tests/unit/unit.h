/* unit.h - the few macros hull's C unit tests need; no framework.
 *
 * Each CHECK counts one pass or one failure (reported with file and line and
 * the values involved) and carries on, so one run shows every failure.
 * main() ends with `return unit_report();`, which prints "N passed, M failed"
 * as the last line and returns non-zero if anything failed.
 */
#ifndef HULL_UNIT_H
#define HULL_UNIT_H

#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"

static int unit_passed, unit_failed;

__attribute__((unused)) static bool unit_record(bool ok, const char *file, int line,
                                                const char *what)
{
  if (ok) {
    unit_passed++;
  } else {
    unit_failed++;
    fprintf(stderr, "%s:%d: FAILED: %s\n", file, line, what);
  }
  return ok;
}

#define CHECK(cond) unit_record((cond), __FILE__, __LINE__, #cond)

#define CHECK_INT_EQ(a, b)                                                     \
  do {                                                                         \
    long long a_ = (long long)(a), b_ = (long long)(b);                        \
    if (!unit_record(a_ == b_, __FILE__, __LINE__, #a " == " #b))              \
      fprintf(stderr, "    got %lld, expected %lld\n", a_, b_);                \
  } while (0)

#define CHECK_UINT_EQ(a, b)                                                    \
  do {                                                                         \
    uint64_t a_ = (uint64_t)(a), b_ = (uint64_t)(b);                           \
    if (!unit_record(a_ == b_, __FILE__, __LINE__, #a " == " #b))              \
      fprintf(stderr, "    got %" PRIu64 ", expected %" PRIu64 "\n", a_, b_);  \
  } while (0)

#define CHECK_STR_EQ(a, b)                                                     \
  do {                                                                         \
    const char *a_ = (a), *b_ = (b);                                           \
    bool ok_ = a_ && b_ ? strcmp(a_, b_) == 0 : a_ == b_;                      \
    if (!unit_record(ok_, __FILE__, __LINE__, #a " equals " #b))               \
      fprintf(stderr, "    got \"%s\"\n    expected \"%s\"\n",                 \
              a_ ? a_ : "(null)", b_ ? b_ : "(null)");                         \
  } while (0)

#define CHECK_STR_CONTAINS(hay, needle)                                        \
  do {                                                                         \
    const char *h_ = (hay), *n_ = (needle);                                    \
    bool ok_ = h_ && strstr(h_, n_);                                           \
    if (!unit_record(ok_, __FILE__, __LINE__, #hay " contains " #needle))      \
      fprintf(stderr, "    got \"%s\"\n    wanted it to contain \"%s\"\n",     \
              h_ ? h_ : "(null)", n_);                                         \
  } while (0)

/* Expect success from an herr expression; on failure show the error. */
#define CHECK_OK(expr)                                                         \
  do {                                                                         \
    herr e_ = (expr);                                                          \
    if (!unit_record(e_ == NULL, __FILE__, __LINE__, #expr " succeeds")) {     \
      char *m_ = herr_format(e_);                                              \
      fprintf(stderr, "    error: %s\n", m_);                                  \
      free(m_);                                                                \
      herr_free(e_);                                                           \
    }                                                                          \
  } while (0)

/* Run one test function, naming it if it failed anything. */
/* UNIT_TESTS="name ...": run only the tests named (the arm64 CI step runs the
 * trampoline's under qemu-user, whose emulated syscalls seccomp cannot filter). */
__attribute__((unused)) static bool unit_selected(const char *name)
{
  const char *only = getenv("UNIT_TESTS");
  size_t len = strlen(name);
  if (!only)
    return true;
  for (const char *p = strstr(only, name); p; p = strstr(p + 1, name))
    if ((p == only || p[-1] == ' ') && (p[len] == ' ' || p[len] == '\0'))
      return true;
  return false;
}

#define RUN(test)                                                              \
  do {                                                                         \
    if (!unit_selected(#test))                                                 \
      break;                                                                   \
    int before_ = unit_failed;                                                 \
    test();                                                                    \
    if (unit_failed != before_)                                                \
      fprintf(stderr, "-- %s: %d failure(s)\n", #test, unit_failed - before_); \
  } while (0)

__attribute__((unused)) static int unit_report(void)
{
  if (unit_passed + unit_failed == 0) {
    fprintf(stderr, "no checks ran\n"); /* a test that checks nothing must not pass */
    unit_failed = 1;
  }
  printf("%d passed, %d failed\n", unit_passed, unit_failed);
  return unit_failed ? 1 : 0;
}

#endif
