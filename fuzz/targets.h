/* targets.h - the fuzz targets: one function per decoder of untrusted text.
 *
 * Each takes the raw bytes, decodes them with the engine's own entry point and
 * checks what must hold whatever the input: an error leaves nothing behind
 * (*out NULL), a success can be freed, and what decodes can be written out and
 * decoded again to the same values.  A broken promise aborts, so the fuzzer
 * (fuzz_main.c) and the replay of kept inputs (replay.c) both see a crash.
 */
#ifndef HULL_FUZZ_TARGETS_H
#define HULL_FUZZ_TARGETS_H

#include <stddef.h>
#include <stdint.h>

/* config.json: oci_config_parse(). */
void fuzz_config(const uint8_t *data, size_t size);
/* state.json: state_parse() for the container id FUZZ_STATE_ID. */
void fuzz_state(const uint8_t *data, size_t size);
/* linux.resources alone, as `update -r` reads it: oci_resources_parse(). */
void fuzz_resources(const uint8_t *data, size_t size);

/* The id the state seeds use (the spec's own example state). */
#define FUZZ_STATE_ID "oci-container1"

#endif
