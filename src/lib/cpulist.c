/* cpulist.c - "0-3,7" lists into bitmaps (see cpulist.h). */
#include "config.h"

#include "cpulist.h"
#include "cleanup.h"
#include "utils.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#define LONG_BITS (sizeof(unsigned long) * CHAR_BIT)

static const char *skip_blanks(const char *s)
{
  while (*s == ' ' || *s == '\t')
    s++;
  return s;
}

/* One number of the list; advances *s past it. */
static herr read_cpu_number(const char **s, const char *list, unsigned long *out)
{
  if (**s < '0' || **s > '9')
    return herr_new("invalid list \"%s\" (expected numbers and ranges like \"0-3,7\")", list);
  char *end;
  errno = 0;
  *out = strtoul(*s, &end, 10);
  if (errno == ERANGE || *out > CPULIST_MAX)
    return herr_new("invalid list \"%s\": %.*s is above %d", list, (int)(end - *s), *s, CPULIST_MAX);
  *s = end;
  return NULL;
}

/* Calls `each(lo, hi)` for every item, after checking the whole syntax. */
static herr for_each_range(const char *list, void (*each)(void *, unsigned long, unsigned long),
                           void *arg)
{
  const char *s = skip_blanks(list);
  if (!*s)
    return NULL;
  for (;;) {
    unsigned long lo, hi;
    TRY(read_cpu_number(&s, list, &lo));
    hi = lo;
    s = skip_blanks(s);
    if (*s == '-') {
      s = skip_blanks(s + 1);
      TRY(read_cpu_number(&s, list, &hi));
      if (hi < lo)
        return herr_new("invalid list \"%s\": the range %lu-%lu is backwards", list, lo, hi);
      s = skip_blanks(s);
    }
    if (each)
      each(arg, lo, hi);
    if (!*s)
      return NULL;
    if (*s != ',')
      return herr_new("invalid list \"%s\" (expected numbers and ranges like \"0-3,7\")", list);
    s = skip_blanks(s + 1);
  }
}

static void note_highest(void *arg, unsigned long lo, unsigned long hi)
{
  (void)lo;
  size_t *nbits = arg;
  if (hi + 1 > *nbits)
    *nbits = hi + 1;
}

static void set_range(void *arg, unsigned long lo, unsigned long hi)
{
  unsigned long *bits = arg;
  for (unsigned long n = lo; n <= hi; n++)
    bits[n / LONG_BITS] |= 1UL << (n % LONG_BITS);
}

herr cpulist_parse(const char *s, struct cpulist *out)
{
  *out = (struct cpulist){ 0 };
  size_t nbits = 0;
  TRY(for_each_range(s, note_highest, &nbits));
  out->bits = calloc((nbits + LONG_BITS - 1) / LONG_BITS + 1, sizeof(unsigned long));
  if (!out->bits)
    return herr_errno(ENOMEM, "list \"%s\"", s);
  out->nbits = nbits;
  return for_each_range(s, set_range, out->bits);
}

void cpulist_free(struct cpulist *l)
{
  free(l->bits);
  l->bits = NULL;
  l->nbits = 0;
}

bool cpulist_has(const struct cpulist *l, size_t n)
{
  return n < l->nbits && (l->bits[n / LONG_BITS] >> (n % LONG_BITS)) & 1;
}

size_t cpulist_bytes(const struct cpulist *l)
{
  return (l->nbits + LONG_BITS - 1) / LONG_BITS * sizeof(unsigned long);
}

herr cpulist_check_host(const char *list, const char *sysfs_file, const char *what)
{
  _cleanup_free_ char *text = NULL;
  size_t len;
  TRY(read_file(sysfs_file, &text, &len));
  text[strcspn(text, "\n")] = '\0';
  _cleanup_cpulist_ struct cpulist host = { 0 }, asked = { 0 };
  TRY_WRAP(cpulist_parse(text, &host), "%s", sysfs_file);
  TRY(cpulist_parse(list, &asked));
  for (size_t n = 0; n < asked.nbits; n++)
    if (cpulist_has(&asked, n) && !cpulist_has(&host, n))
      return herr_new("%s %zu does not exist on this host (it has %s)", what, n, text);
  return NULL;
}
