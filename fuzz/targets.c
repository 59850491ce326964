/* targets.c - the fuzz targets of targets.h. */
#include "targets.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "spec.h"
#include "state.h"

/* A broken promise of the decoder: make it a crash the fuzzer keeps. */
#define PROMISE(cond)                                                          \
  do {                                                                         \
    if (!(cond)) {                                                             \
      fprintf(stderr, "%s:%d: broken promise: %s\n", __FILE__, __LINE__, #cond); \
      abort();                                                                 \
    }                                                                          \
  } while (0)

/* An exact-size copy: the decoders take (text, len), so reading one byte past
 * len is a bug that AddressSanitizer must see, as it would not in the
 * fuzzer's own (larger) buffer. */
static char *exact_copy(const uint8_t *data, size_t size)
{
  char *p = malloc(size ? size : 1);
  if (!p)
    abort();
  if (size)
    memcpy(p, data, size);
  return p;
}

/* Every error must format to one non-empty line (it is what the user sees). */
static void check_error(herr e)
{
  char *msg = herr_format(e);
  PROMISE(msg && *msg);
  PROMISE(!strchr(msg, '\n'));
  free(msg);
  herr_free(e);
}

void fuzz_config(const uint8_t *data, size_t size)
{
  char *text = exact_copy(data, size);
  struct oci_config *cfg = (struct oci_config *)&cfg; /* must be reset on error */
  herr e = oci_config_parse(text, size, &cfg);
  if (e) {
    PROMISE(cfg == NULL);
    check_error(e);
  } else {
    PROMISE(cfg != NULL);
    oci_config_free(cfg);
  }
  free(text);
}

static bool same_string(const char *a, const char *b)
{
  return (!a && !b) || (a && b && !strcmp(a, b));
}

/* What `state` prints must decode again to the same id, bundle and
 * annotations: the writer escapes whatever the reader accepted. */
static void check_state_round_trip(const struct container_state *st)
{
  char *json = state_to_json(st, STATUS_STOPPED, false);
  PROMISE(json != NULL);
  struct container_state *again = NULL;
  herr e = state_parse(json, strlen(json), FUZZ_STATE_ID, &again);
  if (e) {
    char *msg = herr_format(e);
    fprintf(stderr, "state written as %s does not decode: %s\n", json, msg);
    abort();
  }
  PROMISE(same_string(again->id, st->id));
  PROMISE(same_string(again->bundle, st->bundle));
  PROMISE(same_string(again->created, st->created));
  PROMISE(same_string(again->owner, st->owner));
  PROMISE(again->n_annotations == st->n_annotations);
  for (size_t i = 0; i < st->n_annotations; i++) {
    PROMISE(same_string(again->annotations[i].key, st->annotations[i].key));
    PROMISE(same_string(again->annotations[i].value, st->annotations[i].value));
  }
  container_state_free(again);
  free(json);
}

void fuzz_state(const uint8_t *data, size_t size)
{
  char *text = exact_copy(data, size);
  struct container_state *st = (struct container_state *)&st;
  herr e = state_parse(text, size, FUZZ_STATE_ID, &st);
  if (e) {
    PROMISE(st == NULL);
    check_error(e);
  } else {
    PROMISE(st != NULL && st->id && st->bundle);
    check_state_round_trip(st);
    container_state_free(st);
  }
  free(text);
}

void fuzz_resources(const uint8_t *data, size_t size)
{
  char *text = exact_copy(data, size);
  struct oci_resources *r = (struct oci_resources *)&r;
  herr e = oci_resources_parse(text, size, &r);
  if (e) {
    PROMISE(r == NULL);
    check_error(e);
  } else {
    oci_resources_free(r);
  }
  free(text);
}
