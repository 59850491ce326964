/* json.h - the only door to the JSON library (yajl today).
 *
 * Two halves:
 *  - a writer (jw_*) for everything hull prints or stores (state, list, features);
 *  - a table-driven decoder: a `struct json_type` describes a C struct field by
 *    field, and json_decode() fills the struct from a JSON text, naming the JSON
 *    path of the first bad field in its error.  spec.c holds the config.json tables,
 *    state.c the state.json table.
 */
#ifndef HULL_JSON_H
#define HULL_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* ---- writer ---- */
struct json_writer;
struct json_writer *jw_new(bool pretty);
void jw_begin_object(struct json_writer *w);
void jw_end_object(struct json_writer *w);
void jw_begin_array(struct json_writer *w);
void jw_end_array(struct json_writer *w);
void jw_key(struct json_writer *w, const char *key);
void jw_string(struct json_writer *w, const char *s); /* NULL writes null */
void jw_int(struct json_writer *w, int64_t v);
void jw_uint(struct json_writer *w, uint64_t v);
void jw_bool(struct json_writer *w, bool v);
void jw_null(struct json_writer *w);
/* Shorthands for "key": value inside an object. */
/* Copy a whole JSON value given as text (e.g. a profile file) into the output.
 * The text must parse; the error says why it does not. */
herr jw_json_text(struct json_writer *w, const char *text);
void jw_kv_string(struct json_writer *w, const char *key, const char *s);
void jw_kv_int(struct json_writer *w, const char *key, int64_t v);
void jw_kv_bool(struct json_writer *w, const char *key, bool v);
/* The text so far (NUL-terminated, malloc'd, caller frees); frees the writer.
 * `len` may be NULL.  Returns NULL when the calls did not form one complete JSON
 * value (unbalanced begin/end, a value where a key belongs: a bug in the caller)
 * or when memory ran out.  All jw_* calls accept a NULL writer and do nothing, so
 * only jw_finish's result needs checking. */
char *jw_finish(struct json_writer *w, size_t *len);
void jw_free(struct json_writer *w);

/* ---- table-driven decoder ---- */
enum json_kind {
  JK_STRING,     /* char *; enum_values, when set, lists the allowed values */
  JK_ENUM,       /* an int-sized C enum: the index of the string in enum_values */
  JK_BOOL,       /* bool */
  JK_INT64,      /* int64_t */
  JK_UINT64,     /* uint64_t, parsed from the number's text (values > INT64_MAX) */
  JK_INT32,      /* int32_t, range-checked */
  JK_UINT32,     /* uint32_t, range-checked */
  JK_UINT16,     /* uint16_t, range-checked */
  JK_STRV,       /* char ** NULL-terminated, count at count_offset; enum_values
                    applies to every item */
  JK_UINT32V,    /* uint32_t *, count at count_offset */
  JK_OBJECT,     /* pointer to a struct of `type` (calloc'd), NULL when absent */
  JK_INLINE,     /* a struct of `type` embedded at offset */
  JK_ARRAY,      /* array of structs of `type`, count at count_offset */
  JK_MAP_STRING, /* struct json_kv array (or one of the same layout), count at count_offset */
  JK_MAP_OBJECT, /* array of structs of `type` whose first member is `char *key`, count at count_offset */
};

/* Element of a JK_MAP_STRING array; other structs may copy this layout. */
struct json_kv {
  char *key;
  char *value;
};

struct json_type;

/* An absent field, or a JSON null, leaves the member zero/NULL.  A present
 * empty array or map leaves the pointer NULL too, except JK_STRV which always
 * gets its NULL terminator.  Unknown properties are ignored. */
struct json_field {
  const char *name;     /* JSON property name */
  enum json_kind kind;
  size_t offset;        /* offsetof the member */
  size_t count_offset;  /* offsetof the size_t count (arrays, maps, strv) */
  size_t has_offset;    /* offsetof a bool set when present; 0 = none */
  bool has_flag;        /* has_offset is meaningful (offset 0 could be a real member) */
  bool required;
  const struct json_type *type; /* element/struct type for OBJECT, INLINE, ARRAY, MAP_OBJECT */
  const char *const *enum_values; /* JK_STRING, JK_STRV, JK_ENUM: NULL-terminated list */
  /* Extra check after decoding this field, only when it is present; returns an
   * error about the value, without the path: the decoder prefixes it. */
  herr (*check)(const void *member);
  /* Where the field takes effect, so that none is decoded and then ignored:
   * `applied_by` names the engine function that applies it (spec.c's BY(),
   * which the compiler checks names a declared function), or `refused` says
   * why hull cannot apply it, and json_refuse_unsupported() refuses the field
   * when it asks for anything ("linux.intelRdt: not supported: ...").  A table of config.json
   * has one of the two on every field: json_check_applied() is the guard. */
  const char *applied_by;
  const char *refused;
};

struct json_type {
  const char *name;               /* for messages */
  size_t size;                    /* sizeof the struct */
  const struct json_field *fields;/* terminated by an entry with name == NULL */
  /* Whole-object check after all fields decoded (cross-field rules); may also
   * fill members derived from others.  The decoder prefixes the error with the
   * object's path and ": ", except that a message starting with '.' or '['
   * (".type: ...", ".items[2].name: ...") is glued to the path to name a member. */
  herr (*check)(void *obj);
};

/* Decode `json` (an object) into a freshly calloc'd struct of `type`.
 * `root_path` prefixes error paths ("" for a document root).  Errors read
 * "linux.namespaces[2].type: unknown value ...", map members "linux.sysctl[\"k\"]",
 * malformed text "invalid JSON: line L, column C: <parser message>".  On error
 * *out is NULL and nothing is left allocated. */
herr json_decode(const char *json, size_t len, const struct json_type *type,
                 const char *root_path, void **out);
/* The first field of a decoded `obj` that is refused (json_field.refused)
 * and asks for something (a non-empty list, a string, an object, a true or
 * non-zero value), as "path: not supported: <why>"; NULL if none.  Decoding
 * itself accepts such fields, so that a caller may still read a document. */
herr json_refuse_unsupported(const struct json_type *type, const void *obj, const char *root_path);
/* The guard against decoded-and-ignored fields: walks `type` and every type
 * it reaches (not below a refused field, which is never decoded) and returns
 * an error naming the first field that has neither `applied_by` nor
 * `refused`, or has both: "process.scheduler.policy: decoded, but neither
 * applied nor refused".  Paths write array elements as [] and map members
 * as {}. */
herr json_check_applied(const struct json_type *type, const char *root_path);
/* Free a struct decoded with `type` (and the struct itself); NULL is fine. */
void json_free(const struct json_type *type, void *obj);

#endif
