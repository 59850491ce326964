/* fuzz_main.c - libFuzzer's entry point for one target of targets.h, chosen
 * at compile time: clang -DFUZZ_TARGET=fuzz_config ... (see fuzz/run). */
#include <stddef.h>
#include <stdint.h>

#include "targets.h"

#ifndef FUZZ_TARGET
#error "build with -DFUZZ_TARGET=fuzz_config (or fuzz_state, fuzz_resources)"
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  FUZZ_TARGET(data, size);
  return 0;
}
