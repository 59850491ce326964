/* json.c - JSON writing and table-driven decoding, over yajl.
 *
 * This is the only file that includes yajl headers: the rest of hull sees the
 * jw_* writer and json_decode()/json_free() from json.h.
 */
#include "config.h"

#include "json.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include <yajl/yajl_gen.h>
#include <yajl/yajl_parse.h>
#include <yajl/yajl_tree.h>

#include "cleanup.h"
#include "utils.h"

/* ======================================================================
 * Writer
 * ====================================================================== */

struct json_writer {
  yajl_gen gen;
  int depth;   /* open objects + arrays, to refuse an unfinished text */
  bool failed; /* a yajl_gen call refused: the caller misused the API */
};

struct json_writer *jw_new(bool pretty)
{
  struct json_writer *w = calloc(1, sizeof(*w));
  if (!w)
    return NULL;
  w->gen = yajl_gen_alloc(NULL);
  if (!w->gen) {
    free(w);
    return NULL;
  }
  if (pretty) {
    yajl_gen_config(w->gen, yajl_gen_beautify, 1);
    yajl_gen_config(w->gen, yajl_gen_indent_string, "  ");
  }
  return w;
}

static void jw_check(struct json_writer *w, yajl_gen_status st)
{
  if (st != yajl_gen_status_ok)
    w->failed = true;
}

void jw_begin_object(struct json_writer *w)
{
  if (!w)
    return;
  jw_check(w, yajl_gen_map_open(w->gen));
  w->depth++;
}

void jw_end_object(struct json_writer *w)
{
  if (!w)
    return;
  jw_check(w, yajl_gen_map_close(w->gen));
  w->depth--;
}

void jw_begin_array(struct json_writer *w)
{
  if (!w)
    return;
  jw_check(w, yajl_gen_array_open(w->gen));
  w->depth++;
}

void jw_end_array(struct json_writer *w)
{
  if (!w)
    return;
  jw_check(w, yajl_gen_array_close(w->gen));
  w->depth--;
}

void jw_string(struct json_writer *w, const char *s)
{
  if (!w)
    return;
  if (!s) {
    jw_null(w);
    return;
  }
  jw_check(w, yajl_gen_string(w->gen, (const unsigned char *)s, strlen(s)));
}

void jw_key(struct json_writer *w, const char *key)
{
  if (!w)
    return;
  if (!key) { /* a key cannot be null */
    w->failed = true;
    return;
  }
  jw_string(w, key);
}

/* Numbers go through their decimal text: yajl_gen_integer takes a long long
 * and could not write a uint64 above INT64_MAX. */
static void jw_number_text(struct json_writer *w, const char *text)
{
  jw_check(w, yajl_gen_number(w->gen, text, strlen(text)));
}

void jw_int(struct json_writer *w, int64_t v)
{
  if (!w)
    return;
  char buf[32];
  snprintf(buf, sizeof(buf), "%" PRId64, v);
  jw_number_text(w, buf);
}

void jw_uint(struct json_writer *w, uint64_t v)
{
  if (!w)
    return;
  char buf[32];
  snprintf(buf, sizeof(buf), "%" PRIu64, v);
  jw_number_text(w, buf);
}

void jw_bool(struct json_writer *w, bool v)
{
  if (!w)
    return;
  jw_check(w, yajl_gen_bool(w->gen, v));
}

void jw_null(struct json_writer *w)
{
  if (!w)
    return;
  jw_check(w, yajl_gen_null(w->gen));
}

/* Emit a parsed tree node by node, numbers by their own text (so that no
 * 64-bit value is rounded). */
static void jw_tree(struct json_writer *w, yajl_val v)
{
  if (YAJL_IS_OBJECT(v)) {
    jw_begin_object(w);
    for (size_t i = 0; i < v->u.object.len; i++) {
      jw_key(w, v->u.object.keys[i]);
      jw_tree(w, v->u.object.values[i]);
    }
    jw_end_object(w);
  } else if (YAJL_IS_ARRAY(v)) {
    jw_begin_array(w);
    for (size_t i = 0; i < v->u.array.len; i++)
      jw_tree(w, v->u.array.values[i]);
    jw_end_array(w);
  } else if (YAJL_IS_STRING(v)) {
    jw_string(w, v->u.string);
  } else if (YAJL_IS_NUMBER(v)) {
    jw_check(w, yajl_gen_number(w->gen, v->u.number.r, strlen(v->u.number.r)));
  } else if (YAJL_IS_TRUE(v) || YAJL_IS_FALSE(v)) {
    jw_bool(w, YAJL_IS_TRUE(v));
  } else {
    jw_null(w);
  }
}

herr jw_json_text(struct json_writer *w, const char *text)
{
  if (!w)
    return NULL;
  char why[256] = "";
  yajl_val tree = yajl_tree_parse(text, why, sizeof(why));
  if (!tree)
    return herr_new("invalid JSON: %s", *why ? why : "parse error");
  jw_tree(w, tree);
  yajl_tree_free(tree);
  return NULL;
}

void jw_kv_string(struct json_writer *w, const char *key, const char *s)
{
  jw_key(w, key);
  jw_string(w, s);
}

void jw_kv_int(struct json_writer *w, const char *key, int64_t v)
{
  jw_key(w, key);
  jw_int(w, v);
}

void jw_kv_bool(struct json_writer *w, const char *key, bool v)
{
  jw_key(w, key);
  jw_bool(w, v);
}

char *jw_finish(struct json_writer *w, size_t *len)
{
  if (!w)
    return NULL;
  char *out = NULL;
  const unsigned char *buf;
  size_t n;
  if (!w->failed && w->depth == 0 &&
      yajl_gen_get_buf(w->gen, &buf, &n) == yajl_gen_status_ok && n > 0) {
    out = malloc(n + 1);
    if (out) {
      memcpy(out, buf, n);
      out[n] = '\0';
      if (len)
        *len = n;
    }
  }
  jw_free(w);
  return out;
}

void jw_free(struct json_writer *w)
{
  if (!w)
    return;
  yajl_gen_free(w->gen);
  free(w);
}

/* ======================================================================
 * Decoder
 * ====================================================================== */

/* The JSON path of the value being decoded, as a chain of stack frames from
 * the value up to the document: nothing is allocated unless an error needs
 * the path as text. */
enum path_seg { SEG_ROOT, SEG_FIELD, SEG_INDEX, SEG_KEY };

struct jpath {
  const struct jpath *up;
  enum path_seg seg;
  const char *name; /* ROOT: the root path; FIELD: property name; KEY: map key */
  size_t index;     /* INDEX */
};

static void write_quoted_key(FILE *f, const char *key)
{
  fputs("[\"", f);
  for (const char *c = key; *c; c++) {
    if (*c == '"' || *c == '\\')
      fputc('\\', f);
    fputc(*c, f);
  }
  fputs("\"]", f);
}

/* Writes the path of `p`; returns whether anything was written, so that the
 * first field name is not preceded by a dot. */
static bool write_path(FILE *f, const struct jpath *p)
{
  if (!p)
    return false;
  bool any = write_path(f, p->up);
  switch (p->seg) {
  case SEG_ROOT:
    if (!*p->name)
      return any;
    fputs(p->name, f);
    return true;
  case SEG_FIELD:
    fprintf(f, any ? ".%s" : "%s", p->name);
    return true;
  case SEG_INDEX:
    fprintf(f, "[%zu]", p->index);
    return true;
  case SEG_KEY:
    write_quoted_key(f, p->name);
    return true;
  }
  return any;
}

static char *path_string(const struct jpath *p)
{
  char *out = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&out, &len);
  if (!f)
    abort(); /* out of memory while reporting an error, as in error.c */
  write_path(f, p);
  fclose(f);
  return out;
}

/* "path: message" (just "message" at an unnamed document root). */
HERR_PRINTF(2, 3)
static herr path_err(const struct jpath *p, const char *fmt, ...)
{
  _cleanup_free_ char *msg = NULL;
  va_list ap;
  va_start(ap, fmt);
  if (vasprintf(&msg, fmt, ap) < 0)
    msg = NULL;
  va_end(ap);
  _cleanup_free_ char *path = path_string(p);
  if (!*path)
    return herr_new("%s", msg ? msg : "out of memory");
  return herr_new("%s: %s", path, msg ? msg : "out of memory");
}

/* Put the path in front of an error a check hook returned (see json.h for
 * the '.'/'[' convention that lets an object check name one of its members). */
static herr at_path(const struct jpath *p, herr e)
{
  _cleanup_free_ char *path = path_string(p);
  if (e->msg && (e->msg[0] == '.' || e->msg[0] == '[')) {
    const char *rest = (!*path && e->msg[0] == '.') ? e->msg + 1 : e->msg;
    char *glued;
    if (asprintf(&glued, "%s%s", path, rest) >= 0) {
      free(e->msg);
      e->msg = glued;
    }
    return e;
  }
  if (!*path)
    return e;
  return herr_wrap(e, "%s", path);
}

static const char *value_kind(yajl_val v)
{
  switch (v->type) {
  case yajl_t_string: return "a string";
  case yajl_t_number: return "a number";
  case yajl_t_object: return "an object";
  case yajl_t_array:  return "an array";
  case yajl_t_true:
  case yajl_t_false:  return "a boolean";
  case yajl_t_null:   return "null";
  default:            return "an unknown value";
  }
}

static herr type_err(const struct jpath *p, const char *expected, yajl_val v)
{
  return path_err(p, "expected %s, got %s", expected, value_kind(v));
}

static herr alloc_err(const struct jpath *p)
{
  _cleanup_free_ char *path = path_string(p);
  return herr_errno(ENOMEM, "%s", path);
}

/* calloc that reports failure as an error naming the path. */
static herr zalloc(size_t n, size_t size, void *out, const struct jpath *p)
{
  void *mem = calloc(n ? n : 1, size);
  if (!mem)
    return alloc_err(p);
  *(void **)out = mem;
  return NULL;
}

static herr dup_string(const char *s, char **out, const struct jpath *p)
{
  *out = strdup(s);
  return *out ? NULL : alloc_err(p);
}

static herr decode_object(const struct json_type *t, yajl_val v, void *obj,
                          const struct jpath *p);

/* ---- strings and enums ---- */

static ssize_t enum_index(const char *const *values, const char *s)
{
  for (size_t i = 0; values[i]; i++)
    if (strcmp(values[i], s) == 0)
      return (ssize_t)i;
  return -1;
}

static herr unknown_value_err(const char *const *values, const char *s,
                              const struct jpath *p)
{
  _cleanup_free_ char *list = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&list, &len);
  if (!f)
    return alloc_err(p);
  for (size_t i = 0; values[i]; i++)
    fprintf(f, "%s%s", i ? ", " : "", values[i]);
  fclose(f);
  return path_err(p, "unknown value \"%s\" (expected one of: %s)", s, list);
}

static herr check_enum(const char *const *values, const char *s, const struct jpath *p)
{
  if (!values || enum_index(values, s) >= 0)
    return NULL;
  return unknown_value_err(values, s, p);
}

static herr decode_string(const struct json_field *f, yajl_val v, char **out,
                          const struct jpath *p)
{
  if (!YAJL_IS_STRING(v))
    return type_err(p, "a string", v);
  TRY(dup_string(YAJL_GET_STRING(v), out, p));
  return check_enum(f->enum_values, *out, p);
}

static herr decode_enum(const struct json_field *f, yajl_val v, int *out,
                        const struct jpath *p)
{
  if (!YAJL_IS_STRING(v))
    return type_err(p, "a string", v);
  ssize_t i = enum_index(f->enum_values, YAJL_GET_STRING(v));
  if (i < 0)
    return unknown_value_err(f->enum_values, YAJL_GET_STRING(v), p);
  *out = (int)i;
  return NULL;
}

static herr decode_bool(yajl_val v, bool *out, const struct jpath *p)
{
  if (!YAJL_IS_TRUE(v) && !YAJL_IS_FALSE(v))
    return type_err(p, "a boolean", v);
  *out = YAJL_IS_TRUE(v);
  return NULL;
}

/* ---- integers ---- */

struct int_range {
  const char *name;
  bool is_signed;
  uint64_t max; /* signed kinds: min is -(max + 1) */
};

static const struct int_range int_ranges[] = {
  [JK_INT64]   = { "int64",  true,  INT64_MAX },
  [JK_UINT64]  = { "uint64", false, UINT64_MAX },
  [JK_INT32]   = { "int32",  true,  INT32_MAX },
  [JK_UINT32]  = { "uint32", false, UINT32_MAX },
  [JK_UINT16]  = { "uint16", false, UINT16_MAX },
  [JK_UINT32V] = { "uint32", false, UINT32_MAX },
};

/* Read an integer from the number's text, not from yajl's long long: that
 * one cannot hold a uint64 above INT64_MAX, nor INT64_MIN.  Fractions and
 * exponents are refused.  `*value` is the two's complement bit pattern of the
 * result, to be narrowed to the member's type. */
static herr read_integer(yajl_val v, enum json_kind kind, uint64_t *value,
                         const struct jpath *p)
{
  const struct int_range *r = &int_ranges[kind];
  if (!YAJL_IS_NUMBER(v))
    return type_err(p, "an integer", v);
  const char *text = YAJL_GET_NUMBER(v);
  bool neg = text[0] == '-';
  const char *digits = text + neg;
  if (!*digits || digits[strspn(digits, "0123456789")] != '\0')
    return path_err(p, "expected an integer, got %s", text);

  errno = 0;
  unsigned long long mag = strtoull(digits, NULL, 10);
  bool fits = errno != ERANGE;
  if (neg && mag != 0)
    fits = fits && r->is_signed && mag - 1 <= r->max;
  else
    fits = fits && mag <= r->max;
  if (!fits)
    return path_err(p, "%s out of range for %s", text, r->name);
  *value = neg ? 0 - (uint64_t)mag : (uint64_t)mag;
  return NULL;
}

static herr decode_integer(enum json_kind kind, yajl_val v, void *m,
                           const struct jpath *p)
{
  uint64_t x;
  TRY(read_integer(v, kind, &x, p));
  switch (kind) {
  case JK_INT64:  *(int64_t *)m = (int64_t)x; break;
  case JK_UINT64: *(uint64_t *)m = x; break;
  case JK_INT32:  *(int32_t *)m = (int32_t)x; break;
  case JK_UINT32: *(uint32_t *)m = (uint32_t)x; break;
  case JK_UINT16: *(uint16_t *)m = (uint16_t)x; break;
  default:
    return path_err(p, "internal error: field kind %d is not an integer", kind);
  }
  return NULL;
}

/* ---- arrays ---- */

static herr expect_array(yajl_val v, const struct jpath *p)
{
  return YAJL_IS_ARRAY(v) ? NULL : type_err(p, "an array", v);
}

static herr decode_strv(const struct json_field *f, yajl_val v, char ***out,
                        size_t *count, const struct jpath *p)
{
  TRY(expect_array(v, p));
  size_t n = v->u.array.len;
  TRY(zalloc(n + 1, sizeof(char *), out, p)); /* + the NULL terminator */
  *count = n;
  for (size_t i = 0; i < n; i++) {
    struct jpath item = { .up = p, .seg = SEG_INDEX, .index = i };
    TRY(decode_string(f, v->u.array.values[i], &(*out)[i], &item));
  }
  return NULL;
}

static herr decode_uint32v(yajl_val v, uint32_t **out, size_t *count,
                           const struct jpath *p)
{
  TRY(expect_array(v, p));
  size_t n = v->u.array.len;
  if (n == 0)
    return NULL;
  TRY(zalloc(n, sizeof(uint32_t), out, p));
  *count = n;
  for (size_t i = 0; i < n; i++) {
    struct jpath item = { .up = p, .seg = SEG_INDEX, .index = i };
    TRY(decode_integer(JK_UINT32, v->u.array.values[i], &(*out)[i], &item));
  }
  return NULL;
}

static herr decode_array(const struct json_type *t, yajl_val v, void **out,
                         size_t *count, const struct jpath *p)
{
  TRY(expect_array(v, p));
  size_t n = v->u.array.len;
  if (n == 0)
    return NULL;
  TRY(zalloc(n, t->size, out, p));
  *count = n;
  for (size_t i = 0; i < n; i++) {
    struct jpath item = { .up = p, .seg = SEG_INDEX, .index = i };
    TRY(decode_object(t, v->u.array.values[i], (char *)*out + i * t->size, &item));
  }
  return NULL;
}

/* ---- maps (JSON objects with arbitrary keys) ---- */

static herr expect_object(yajl_val v, const struct jpath *p)
{
  return YAJL_IS_OBJECT(v) ? NULL : type_err(p, "an object", v);
}

static herr decode_map_string(yajl_val v, struct json_kv **out, size_t *count,
                              const struct jpath *p)
{
  TRY(expect_object(v, p));
  size_t n = v->u.object.len;
  if (n == 0)
    return NULL;
  TRY(zalloc(n, sizeof(struct json_kv), out, p));
  *count = n;
  for (size_t i = 0; i < n; i++) {
    struct json_kv *kv = &(*out)[i];
    struct jpath item = { .up = p, .seg = SEG_KEY, .name = v->u.object.keys[i] };
    TRY(dup_string(v->u.object.keys[i], &kv->key, &item));
    yajl_val val = v->u.object.values[i];
    if (!YAJL_IS_STRING(val))
      return type_err(&item, "a string", val);
    TRY(dup_string(YAJL_GET_STRING(val), &kv->value, &item));
  }
  return NULL;
}

/* Elements are structs of `t` whose first member is `char *key`. */
static herr decode_map_object(const struct json_type *t, yajl_val v, void **out,
                              size_t *count, const struct jpath *p)
{
  TRY(expect_object(v, p));
  size_t n = v->u.object.len;
  if (n == 0)
    return NULL;
  TRY(zalloc(n, t->size, out, p));
  *count = n;
  for (size_t i = 0; i < n; i++) {
    void *elem = (char *)*out + i * t->size;
    struct jpath item = { .up = p, .seg = SEG_KEY, .name = v->u.object.keys[i] };
    TRY(dup_string(v->u.object.keys[i], (char **)elem, &item));
    TRY(decode_object(t, v->u.object.values[i], elem, &item));
  }
  return NULL;
}

/* ---- fields and objects ---- */

static herr decode_value(const struct json_field *f, yajl_val v, void *base,
                         const struct jpath *p)
{
  void *m = (char *)base + f->offset;
  size_t *count = (size_t *)((char *)base + f->count_offset);
  switch (f->kind) {
  case JK_STRING:
    return decode_string(f, v, m, p);
  case JK_ENUM:
    return decode_enum(f, v, m, p);
  case JK_BOOL:
    return decode_bool(v, m, p);
  case JK_INT64:
  case JK_UINT64:
  case JK_INT32:
  case JK_UINT32:
  case JK_UINT16:
    return decode_integer(f->kind, v, m, p);
  case JK_STRV:
    return decode_strv(f, v, m, count, p);
  case JK_UINT32V:
    return decode_uint32v(v, m, count, p);
  case JK_OBJECT:
    TRY(zalloc(1, f->type->size, m, p));
    return decode_object(f->type, v, *(void **)m, p);
  case JK_INLINE:
    return decode_object(f->type, v, m, p);
  case JK_ARRAY:
    return decode_array(f->type, v, m, count, p);
  case JK_MAP_STRING:
    return decode_map_string(v, m, count, p);
  case JK_MAP_OBJECT:
    return decode_map_object(f->type, v, m, count, p);
  }
  return path_err(p, "internal error: unknown field kind %d", f->kind);
}

/* The value of property `key`; the last one wins when a key repeats. */
static yajl_val object_get(yajl_val obj, const char *key)
{
  for (size_t i = obj->u.object.len; i-- > 0;)
    if (strcmp(obj->u.object.keys[i], key) == 0)
      return obj->u.object.values[i];
  return NULL;
}

static herr decode_field(const struct json_field *f, yajl_val obj, void *base,
                         const struct jpath *parent)
{
  struct jpath p = { .up = parent, .seg = SEG_FIELD, .name = f->name };
  yajl_val v = object_get(obj, f->name);
  if (!v || YAJL_IS_NULL(v))
    return f->required ? path_err(&p, "required field missing") : NULL;
  if (f->has_flag)
    *(bool *)((char *)base + f->has_offset) = true;
  TRY(decode_value(f, v, base, &p));
  if (f->check) {
    herr e = f->check((char *)base + f->offset);
    if (e)
      return at_path(&p, e);
  }
  return NULL;
}

static herr decode_object(const struct json_type *t, yajl_val v, void *obj,
                          const struct jpath *p)
{
  TRY(expect_object(v, p));
  for (const struct json_field *f = t->fields; f->name; f++)
    TRY(decode_field(f, v, obj, p));
  if (t->check) {
    herr e = t->check(obj);
    if (e)
      return at_path(p, e);
  }
  return NULL;
}

/* ---- refused fields ---- */

/* Whether a decoded member asks for anything: present with a flag, a
 * non-empty list, a string or object, a true or non-zero scalar. */
static bool member_asks(const struct json_field *f, const void *base)
{
  const char *m = (const char *)base + f->offset;
  size_t n = 0;
  if (f->has_flag)
    return *(const bool *)((const char *)base + f->has_offset);
  switch (f->kind) {
  case JK_STRV:
  case JK_ARRAY:
  case JK_MAP_STRING:
  case JK_MAP_OBJECT:
  case JK_UINT32V:
    memcpy(&n, (const char *)base + f->count_offset, sizeof n);
    return n > 0;
  case JK_STRING:
  case JK_OBJECT:
    return *(void *const *)m != NULL;
  case JK_BOOL:
    return *(const bool *)m;
  case JK_INLINE:
    return true;
  case JK_ENUM:
  case JK_INT32:
  case JK_UINT32:
    return *(const int32_t *)m != 0;
  case JK_UINT16:
    return *(const uint16_t *)m != 0;
  case JK_INT64:
  case JK_UINT64:
    return *(const uint64_t *)m != 0;
  }
  return false;
}

static herr refuse_in_object(const struct json_type *t, const void *obj, const struct jpath *p);

static herr refuse_in_member(const struct json_field *f, const void *base, const struct jpath *p)
{
  const char *m = (const char *)base + f->offset;
  size_t n = 0;
  if (f->kind == JK_ARRAY || f->kind == JK_MAP_OBJECT)
    memcpy(&n, (const char *)base + f->count_offset, sizeof n);
  switch (f->kind) {
  case JK_OBJECT:
    return *(void *const *)m ? refuse_in_object(f->type, *(void *const *)m, p) : NULL;
  case JK_INLINE:
    return refuse_in_object(f->type, m, p);
  case JK_ARRAY:
  case JK_MAP_OBJECT:
    for (size_t i = 0; i < n; i++) {
      const char *elem = *(const char *const *)m + i * f->type->size;
      struct jpath item = { .up = p, .seg = SEG_INDEX, .index = i };
      if (f->kind == JK_MAP_OBJECT)
        item = (struct jpath){ .up = p, .seg = SEG_KEY, .name = *(char *const *)elem };
      TRY(refuse_in_object(f->type, elem, &item));
    }
    return NULL;
  default:
    return NULL;
  }
}

static herr refuse_in_object(const struct json_type *t, const void *obj, const struct jpath *p)
{
  for (const struct json_field *f = t->fields; f->name; f++) {
    struct jpath fp = { .up = p, .seg = SEG_FIELD, .name = f->name };
    if (f->refused && member_asks(f, obj))
      return path_err(&fp, "not supported: %s", f->refused);
    if (!f->refused && f->type)
      TRY(refuse_in_member(f, obj, &fp));
  }
  return NULL;
}

herr json_refuse_unsupported(const struct json_type *type, const void *obj, const char *root_path)
{
  struct jpath root = { .seg = SEG_ROOT, .name = root_path ? root_path : "" };
  return obj ? refuse_in_object(type, obj, &root) : NULL;
}

/* ---- the guard: every field applied or refused ---- */

struct seen_types {
  const struct json_type *types[256];
  size_t n;
};

static bool first_visit(struct seen_types *seen, const struct json_type *t)
{
  for (size_t i = 0; i < seen->n; i++)
    if (seen->types[i] == t)
      return false;
  if (seen->n < ARRAY_LEN(seen->types))
    seen->types[seen->n++] = t;
  return true;
}

static herr check_type_applied(const struct json_type *t, const char *path, struct seen_types *seen)
{
  if (!first_visit(seen, t))
    return NULL;
  for (const struct json_field *f = t->fields; f->name; f++) {
    _cleanup_free_ char *fpath = NULL;
    if (asprintf(&fpath, "%s%s%s", path, *path ? "." : "", f->name) < 0)
      return herr_errno(ENOMEM, "json_check_applied");
    if (!f->applied_by == !f->refused)
      return herr_new("%s: decoded, but %s", fpath,
                      f->applied_by ? "both applied and refused" : "neither applied nor refused");
    if (f->refused || !f->type)
      continue;
    const char *suffix = f->kind == JK_ARRAY ? "[]" : f->kind == JK_MAP_OBJECT ? "{}" : "";
    _cleanup_free_ char *inner = NULL;
    if (asprintf(&inner, "%s%s", fpath, suffix) < 0)
      return herr_errno(ENOMEM, "json_check_applied");
    TRY(check_type_applied(f->type, inner, seen));
  }
  return NULL;
}

herr json_check_applied(const struct json_type *type, const char *root_path)
{
  struct seen_types seen = { .n = 0 };
  return check_type_applied(type, root_path ? root_path : "", &seen);
}

/* ---- freeing ---- */

static void free_members(const struct json_type *t, void *obj);

static void free_elements(const struct json_type *t, void *items, size_t n,
                          bool keyed)
{
  if (!items)
    return;
  for (size_t i = 0; i < n; i++) {
    void *elem = (char *)items + i * t->size;
    if (keyed)
      free(*(char **)elem);
    free_members(t, elem);
  }
  free(items);
}

static void free_member(const struct json_field *f, void *base)
{
  void *m = (char *)base + f->offset;
  /* Only list and map kinds have a count; reading it for others would read
   * an unrelated (and maybe misaligned) word. */
  size_t n = 0;
  if (f->kind == JK_STRV || f->kind == JK_ARRAY || f->kind == JK_MAP_OBJECT ||
      f->kind == JK_MAP_STRING)
    memcpy(&n, (char *)base + f->count_offset, sizeof n);
  switch (f->kind) {
  case JK_STRING:
  case JK_UINT32V:
    free(*(void **)m);
    break;
  case JK_STRV: {
    char **v = *(char ***)m;
    if (v)
      for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
    break;
  }
  case JK_OBJECT:
    json_free(f->type, *(void **)m);
    break;
  case JK_INLINE:
    free_members(f->type, m);
    break;
  case JK_ARRAY:
    free_elements(f->type, *(void **)m, n, false);
    break;
  case JK_MAP_OBJECT:
    free_elements(f->type, *(void **)m, n, true);
    break;
  case JK_MAP_STRING: {
    struct json_kv *kv = *(struct json_kv **)m;
    if (kv)
      for (size_t i = 0; i < n; i++) {
        free(kv[i].key);
        free(kv[i].value);
      }
    free(kv);
    break;
  }
  case JK_ENUM:
  case JK_BOOL:
  case JK_INT64:
  case JK_UINT64:
  case JK_INT32:
  case JK_UINT32:
  case JK_UINT16:
    break;
  }
}

static void free_members(const struct json_type *t, void *obj)
{
  for (const struct json_field *f = t->fields; f->name; f++)
    free_member(f, obj);
}

void json_free(const struct json_type *type, void *obj)
{
  if (!obj)
    return;
  free_members(type, obj);
  free(obj);
}

/* ---- parsing ---- */

/* yajl_tree_parse's message has no position and spreads over three lines.
 * Parse again with a stream parser, which tells how far it got, to say
 * "line L, column C: <message>" on one line. */
static herr invalid_json(const char *text, size_t len, const char *tree_msg)
{
  yajl_handle h = yajl_alloc(NULL, NULL, NULL);
  if (!h)
    return herr_errno(ENOMEM, "invalid JSON");
  yajl_config(h, yajl_allow_comments, 1); /* as yajl_tree_parse does */
  /* Where the error is: yajl stops right after the offending byte, or at the
   * end of the text when it ran out of it (an unclosed object). */
  size_t where = len;
  yajl_status st = yajl_parse(h, (const unsigned char *)text, len);
  if (st != yajl_status_ok) {
    size_t consumed = yajl_get_bytes_consumed(h);
    where = consumed ? consumed - 1 : 0;
  } else {
    st = yajl_complete_parse(h);
  }

  _cleanup_free_ char *msg = NULL;
  if (st != yajl_status_ok) {
    unsigned char *m = yajl_get_error(h, 0, (const unsigned char *)text, len);
    msg = strdup((const char *)m);
    yajl_free_error(h, m);
  } else {
    msg = strdup(tree_msg); /* should not happen: both parsers agree */
  }
  yajl_free(h);
  if (!msg)
    return herr_errno(ENOMEM, "invalid JSON");

  msg[strcspn(msg, "\n")] = '\0';
  size_t line = 1, col = 1;
  for (size_t i = 0; i < where && i < len; i++) {
    if (text[i] == '\n') {
      line++;
      col = 1;
    } else {
      col++;
    }
  }
  return herr_new("invalid JSON: line %zu, column %zu: %s", line, col, msg);
}

/* No hull document nests more than a few levels, but yajl_tree_free()
 * recurses once per level: a deep enough text would overflow the stack. */
#define JSON_MAX_DEPTH 1000

/* Refuse a text nested deeper than JSON_MAX_DEPTH, before yajl builds it.
 * Brackets inside strings do not count. */
static herr check_depth(const char *text, size_t len)
{
  size_t depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < len; i++) {
    char c = text[i];
    if (in_string) {
      if (c == '\\')
        i++;
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > JSON_MAX_DEPTH)
        return herr_new("invalid JSON: nested deeper than %d levels at offset %zu",
                        JSON_MAX_DEPTH, i);
    } else if ((c == ']' || c == '}') && depth > 0) {
      depth--;
    }
  }
  return NULL;
}

/* ---- strings with a NUL ---- */

/* yajl_tree keeps a string as a C string: "FOO=a\u0000BAR=evil" would reach
 * the decoder as "FOO=a", and a policy checker that reads the whole string
 * would see something else than hull applies.  Only yajl's stream callbacks
 * hand the length, so one pass with them refuses such a string (value or
 * property name) anywhere in the text, naming its path.
 *
 * A frame is an open object or array, with what the decoder's tables say of
 * it, so that the path reads as the decoder's would: a map's keys as ["k"],
 * a struct's properties (and those of unknown objects) as .k. */
struct scan_frame {
  bool array;
  bool map;
  const struct json_type *type; /* struct: its type; map, array: its elements'; NULL: unknown */
  size_t index;                 /* array: the element being read */
  char *key;                    /* object: the property being read */
};

struct nul_scan {
  struct scan_frame stack[JSON_MAX_DEPTH + 1];
  size_t depth;
  const struct json_type *root_type;
  const char *root_path;
  herr err;
};

static const struct json_field *find_field(const struct json_type *t, const char *name)
{
  for (const struct json_field *f = t ? t->fields : NULL; f && f->name; f++)
    if (!strcmp(f->name, name))
      return f;
  return NULL;
}

/* The frame of an object or array that starts now, inside the current one. */
static struct scan_frame frame_for_value(const struct nul_scan *sc, bool array)
{
  struct scan_frame fr = { .array = array };
  if (!sc->depth) {
    fr.type = array ? NULL : sc->root_type;
    return fr;
  }
  const struct scan_frame *up = &sc->stack[sc->depth - 1];
  if (up->array || up->map) {
    fr.type = array ? NULL : up->type;
    return fr;
  }
  const struct json_field *f = up->key ? find_field(up->type, up->key) : NULL;
  if (!f)
    return fr;
  bool object_kind = f->kind == JK_OBJECT || f->kind == JK_INLINE;
  bool map_kind = f->kind == JK_MAP_OBJECT || f->kind == JK_MAP_STRING;
  if ((array && f->kind == JK_ARRAY) || (!array && (object_kind || map_kind)))
    fr.type = f->type;
  fr.map = !array && map_kind;
  return fr;
}

static herr scan_err(const struct nul_scan *sc, const char *what)
{
  _cleanup_free_ char *path = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&path, &len);
  if (!f)
    return herr_errno(ENOMEM, "reading JSON");
  fputs(sc->root_path, f);
  bool first = !*sc->root_path;
  for (size_t i = 0; i < sc->depth; i++) {
    const struct scan_frame *fr = &sc->stack[i];
    if (fr->array)
      fprintf(f, "[%zu]", fr->index);
    else if (fr->key && fr->map)
      write_quoted_key(f, fr->key);
    else if (fr->key)
      fprintf(f, first ? "%s" : ".%s", fr->key);
    else
      break;
    first = false;
  }
  fclose(f);
  return herr_new("%s%s%s contains a NUL character (\\u0000): refused rather than cut there",
                  path, *path ? ": " : "", what);
}

static void scan_value_done(struct nul_scan *sc)
{
  if (sc->depth && sc->stack[sc->depth - 1].array)
    sc->stack[sc->depth - 1].index++;
}

static int scan_scalar(void *ctx)
{
  scan_value_done(ctx);
  return 1;
}

static int scan_bool(void *ctx, int b)
{
  (void)b;
  return scan_scalar(ctx);
}

static int scan_number(void *ctx, const char *s, size_t len)
{
  (void)s;
  (void)len;
  return scan_scalar(ctx);
}

static int scan_string(void *ctx, const unsigned char *s, size_t len)
{
  struct nul_scan *sc = ctx;
  if (memchr(s, '\0', len)) {
    sc->err = scan_err(sc, "the string");
    return 0;
  }
  return scan_scalar(ctx);
}

static int scan_push(struct nul_scan *sc, bool array)
{
  if (sc->depth == JSON_MAX_DEPTH + 1)
    return 0; /* check_depth() refused deeper texts already */
  struct scan_frame fr = frame_for_value(sc, array);
  sc->stack[sc->depth++] = fr;
  return 1;
}

static int scan_pop(void *ctx)
{
  struct nul_scan *sc = ctx;
  if (sc->depth)
    free(sc->stack[--sc->depth].key);
  scan_value_done(sc);
  return 1;
}

static int scan_start_map(void *ctx)
{
  return scan_push(ctx, false);
}

static int scan_start_array(void *ctx)
{
  return scan_push(ctx, true);
}

static int scan_map_key(void *ctx, const unsigned char *s, size_t len)
{
  struct nul_scan *sc = ctx;
  struct scan_frame *fr = &sc->stack[sc->depth - 1];
  free(fr->key);
  fr->key = strndup((const char *)s, len); /* up to the NUL, if any */
  if (!fr->key) {
    sc->err = herr_errno(ENOMEM, "reading JSON");
    return 0;
  }
  if (memchr(s, '\0', len)) {
    sc->err = scan_err(sc, "the property name");
    return 0;
  }
  return 1;
}

static const yajl_callbacks nul_scan_callbacks = {
  .yajl_null = scan_scalar,
  .yajl_boolean = scan_bool,
  .yajl_number = scan_number,
  .yajl_string = scan_string,
  .yajl_start_map = scan_start_map,
  .yajl_map_key = scan_map_key,
  .yajl_end_map = scan_pop,
  .yajl_start_array = scan_start_array,
  .yajl_end_array = scan_pop,
};

/* Malformed JSON is left to yajl_tree_parse's report (invalid_json). */
static herr refuse_nul_strings(const char *text, size_t len, const struct json_type *type,
                               const char *root_path)
{
  struct nul_scan *sc = calloc(1, sizeof(*sc));
  if (!sc)
    return herr_errno(ENOMEM, "reading JSON");
  sc->root_type = type;
  sc->root_path = root_path;
  yajl_handle h = yajl_alloc(&nul_scan_callbacks, NULL, sc);
  if (h) {
    yajl_config(h, yajl_allow_comments, 1); /* as yajl_tree_parse does */
    if (yajl_parse(h, (const unsigned char *)text, len) == yajl_status_ok)
      yajl_complete_parse(h);
    yajl_free(h);
  }
  herr e = h ? sc->err : herr_errno(ENOMEM, "reading JSON");
  while (sc->depth)
    free(sc->stack[--sc->depth].key);
  free(sc);
  return e;
}

herr json_decode(const char *json, size_t len, const struct json_type *type,
                 const char *root_path, void **out)
{
  *out = NULL;
  if (memchr(json, '\0', len))
    return herr_new("invalid JSON: NUL byte at offset %zu",
                    (size_t)((const char *)memchr(json, '\0', len) - json));
  TRY(check_depth(json, len));
  TRY(refuse_nul_strings(json, len, type, root_path ? root_path : ""));
  /* yajl_tree_parse wants a NUL-terminated text. */
  _cleanup_free_ char *text = strndup(json, len);
  if (!text)
    return herr_errno(ENOMEM, "reading JSON");

  char errbuf[1024] = "";
  yajl_val tree = yajl_tree_parse(text, errbuf, sizeof(errbuf));
  if (!tree)
    return invalid_json(text, len, errbuf);

  struct jpath root = { .seg = SEG_ROOT, .name = root_path ? root_path : "" };
  void *obj = calloc(1, type->size);
  herr e = obj ? decode_object(type, tree, obj, &root) : alloc_err(&root);
  yajl_tree_free(tree);
  if (e) {
    json_free(type, obj);
    return e;
  }
  *out = obj;
  return NULL;
}
