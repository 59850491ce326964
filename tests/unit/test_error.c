/* test_error.c - herr: construction, chains and their one-line format, the
 * root errno, and the TRY/TRY_WRAP early returns. */
#include "config.h"

#include <errno.h>

#include "error.h"
#include "unit.h"

/* The formatted text of `e`; frees `e`. */
static char *format_and_free(herr e)
{
  char *s = herr_format(e);
  herr_free(e);
  return s;
}

static void test_new_without_errno(void)
{
  herr e = herr_new("bad value %d in %s", 42, "config.json");
  CHECK(e != NULL);
  CHECK_INT_EQ(herr_errnum(e), 0);
  char *s = format_and_free(e);
  CHECK_STR_EQ(s, "bad value 42 in config.json");
  free(s);
}

static void test_errno_appends_strerror(void)
{
  herr e = herr_errno(ENOENT, "open %s", "/nonexistent");
  CHECK_INT_EQ(herr_errnum(e), ENOENT);
  char *s = format_and_free(e);
  CHECK_STR_EQ(s, "open /nonexistent: No such file or directory");
  free(s);
}

static void test_sys_reads_errno(void)
{
  errno = EACCES;
  herr e = herr_sys("mkdir %s", "/x");
  CHECK_INT_EQ(herr_errnum(e), EACCES);
  char *s = format_and_free(e);
  CHECK_STR_EQ(s, "mkdir /x: Permission denied");
  free(s);
}

static void test_chain_format(void)
{
  herr e = herr_errno(EPERM, "inner");
  e = herr_wrap(e, "middle %s", "m");
  e = herr_wrap(e, "outer");
  CHECK_INT_EQ(herr_errnum(e), EPERM); /* the root cause's, through the wraps */
  CHECK_STR_EQ(e->msg, "outer");
  CHECK(e->cause && e->cause->cause && !e->cause->cause->cause);
  char *s = format_and_free(e);
  CHECK_STR_EQ(s, "outer: middle m: inner: Operation not permitted");
  free(s);
}

static void test_wrap_without_errno(void)
{
  char *s = format_and_free(herr_wrap(herr_new("inner"), "outer"));
  CHECK_STR_EQ(s, "outer: inner");
  free(s);
}

static void test_wrap_null_is_success(void)
{
  CHECK(herr_wrap(NULL, "context %d", 1) == NULL);
}

/* An empty message adds no stray ": ". */
static void test_empty_messages_skipped(void)
{
  char *s = format_and_free(herr_wrap(herr_errno(EIO, "%s", ""), "read %s", "f"));
  CHECK_STR_EQ(s, "read f: Input/output error");
  free(s);
  s = format_and_free(herr_wrap(herr_new("inner"), "%s", ""));
  CHECK_STR_EQ(s, "inner");
  free(s);
}

/* The errnum of the outermost link that has one: an inner link's errno is
 * the root cause, wrapping adds none. */
static void test_errnum_search(void)
{
  herr e = herr_wrap(herr_new("no errno here"), "outer");
  CHECK_INT_EQ(herr_errnum(e), 0);
  herr_free(e);
  e = herr_wrap(herr_wrap(herr_errno(EBUSY, "root"), "a"), "b");
  CHECK_INT_EQ(herr_errnum(e), EBUSY);
  herr_free(e);
  CHECK_INT_EQ(herr_errnum(NULL), 0);
}

static void test_long_message(void)
{
  char big[5000];
  memset(big, 'x', sizeof(big) - 1);
  big[sizeof(big) - 1] = '\0';
  char *s = format_and_free(herr_wrap(herr_new("%s", big), "ctx"));
  CHECK(s != NULL && strlen(s) == strlen("ctx: ") + sizeof(big) - 1);
  free(s);
}

/* ---- TRY and TRY_WRAP ---- */

static int steps_run;

static herr step(bool fail)
{
  steps_run++;
  return fail ? herr_errno(EINVAL, "step %d", steps_run) : NULL;
}

static herr two_steps(bool fail_first)
{
  TRY(step(fail_first));
  TRY(step(false));
  return NULL;
}

static herr wrapped_step(bool fail)
{
  TRY_WRAP(step(fail), "while doing %s", "the step");
  return NULL;
}

static void test_try_returns_the_error(void)
{
  steps_run = 0;
  herr e = two_steps(true);
  CHECK_INT_EQ(steps_run, 1); /* the second step did not run */
  char *s = format_and_free(e);
  CHECK_STR_EQ(s, "step 1: Invalid argument");
  free(s);
}

static void test_try_continues_on_success(void)
{
  steps_run = 0;
  CHECK(two_steps(false) == NULL);
  CHECK_INT_EQ(steps_run, 2);
}

static void test_try_wrap(void)
{
  steps_run = 0;
  herr e = wrapped_step(true);
  CHECK_INT_EQ(herr_errnum(e), EINVAL);
  char *s = format_and_free(e);
  CHECK_STR_EQ(s, "while doing the step: step 1: Invalid argument");
  free(s);
  CHECK(wrapped_step(false) == NULL);
}

int main(void)
{
  RUN(test_new_without_errno);
  RUN(test_errno_appends_strerror);
  RUN(test_sys_reads_errno);
  RUN(test_chain_format);
  RUN(test_wrap_without_errno);
  RUN(test_wrap_null_is_success);
  RUN(test_empty_messages_skipped);
  RUN(test_errnum_search);
  RUN(test_long_message);
  RUN(test_try_returns_the_error);
  RUN(test_try_continues_on_success);
  RUN(test_try_wrap);
  herr_free(NULL); /* allowed */
  return unit_report();
}
