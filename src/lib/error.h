/* error.h - the one error type of hull.
 *
 * Every fallible function returns `herr`: NULL on success, or an error that
 * carries the errno of the root cause and a chain of messages, innermost
 * (the cause) last.  Callers add context with herr_wrap() as the error travels
 * up the stack; only src/cmd/ turns an error into an exit status.
 */
#ifndef HULL_ERROR_H
#define HULL_ERROR_H

#include <stdarg.h>

struct hull_error {
  int errnum;                 /* errno of the root cause, 0 if none */
  char *msg;                  /* this link's message */
  struct hull_error *cause;   /* the error this one wraps, or NULL */
};
typedef struct hull_error *herr;

#define HERR_PRINTF(a, b) __attribute__((format(printf, a, b)))

/* A new error with no errno. */
herr herr_new(const char *fmt, ...) HERR_PRINTF(1, 2);
/* A new error carrying `errnum`; its text ends with strerror(errnum). */
herr herr_errno(int errnum, const char *fmt, ...) HERR_PRINTF(2, 3);
/* herr_errno(errno, ...): call right after the failing system call. */
herr herr_sys(const char *fmt, ...) HERR_PRINTF(1, 2);
/* Add context to `cause` ("context: cause").  Returns NULL if cause is NULL. */
herr herr_wrap(herr cause, const char *fmt, ...) HERR_PRINTF(2, 3);

/* The errno of the root cause (0 if none). */
int herr_errnum(const struct hull_error *e);
/* The whole chain as one line: "outer: inner: root: strerror".  Caller frees. */
char *herr_format(const struct hull_error *e);
void herr_free(herr e);

/* Return early with context when `expr` yields an error. */
#define TRY(expr)                                                              \
  do {                                                                         \
    herr try_err_ = (expr);                                                    \
    if (try_err_)                                                              \
      return try_err_;                                                         \
  } while (0)

#define TRY_WRAP(expr, ...)                                                    \
  do {                                                                         \
    herr try_err_ = (expr);                                                    \
    if (try_err_)                                                              \
      return herr_wrap(try_err_, __VA_ARGS__);                                 \
  } while (0)

#endif
