/* error.c - construction, wrapping and formatting of herr chains. */
#include "error.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static herr alloc_error(int errnum, herr cause, const char *fmt, va_list ap)
{
  herr e = calloc(1, sizeof(*e));
  if (!e)
    abort(); /* out of memory while reporting an error: nothing sane left */
  if (vasprintf(&e->msg, fmt, ap) < 0)
    e->msg = NULL;
  e->errnum = errnum;
  e->cause = cause;
  return e;
}

herr herr_new(const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  herr e = alloc_error(0, NULL, fmt, ap);
  va_end(ap);
  return e;
}

herr herr_errno(int errnum, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  herr e = alloc_error(errnum, NULL, fmt, ap);
  va_end(ap);
  return e;
}

herr herr_sys(const char *fmt, ...)
{
  int saved = errno;
  va_list ap;
  va_start(ap, fmt);
  herr e = alloc_error(saved, NULL, fmt, ap);
  va_end(ap);
  return e;
}

herr herr_wrap(herr cause, const char *fmt, ...)
{
  if (!cause)
    return NULL;
  va_list ap;
  va_start(ap, fmt);
  herr e = alloc_error(0, cause, fmt, ap);
  va_end(ap);
  return e;
}

int herr_errnum(const struct hull_error *e)
{
  for (; e; e = e->cause)
    if (e->errnum)
      return e->errnum;
  return 0;
}

/* Messages quote what users wrote (a map key, a path, a hook's stderr), which
 * may hold control characters: escape them, so that the chain stays one line
 * and cannot forge a line of its own in a log. */
static void put_one_line(FILE *f, const char *msg)
{
  for (const unsigned char *c = (const unsigned char *)msg; *c; c++) {
    if (*c == '\n')
      fputs("\\n", f);
    else if (*c == '\t')
      fputs("\\t", f);
    else if (*c < 0x20 || *c == 0x7f)
      fprintf(f, "\\x%02x", *c);
    else
      fputc(*c, f);
  }
}

char *herr_format(const struct hull_error *e)
{
  char *out = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&out, &len);
  if (!f)
    return strdup("out of memory");
  const char *sep = "";
  for (const struct hull_error *p = e; p; p = p->cause) {
    if (p->msg && *p->msg) {
      fputs(sep, f);
      put_one_line(f, p->msg);
      sep = ": ";
    }
    if (p->errnum) {
      fprintf(f, "%s%s", sep, strerror(p->errnum));
      sep = ": ";
    }
  }
  fclose(f);
  return out;
}

void herr_free(herr e)
{
  while (e) {
    herr next = e->cause;
    free(e->msg);
    free(e);
    e = next;
  }
}
