/* replay.c - a unit test: feed every kept fuzz input back to its target.
 *
 * fuzz/regressions/TARGET/ holds inputs that once crashed or hung a decoder
 * (and hand-made edge cases); fuzz/seeds/TARGET/ the seeds of our own.  Run in
 * every build (`make check`, and the ASan build in CI), so a fixed bug stays
 * fixed without clang or libFuzzer.  A target that breaks a promise aborts
 * (targets.c), which fails this test; so does a target without any input.
 *
 * Each input runs on a thread with a small stack (REPLAY_STACK), so that an
 * input which recurses too deep for a real stack (fuzz/regressions/ * /deep-*)
 * crashes here with a file of a few kilobytes rather than megabytes.
 */
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "targets.h"
#include "unit.h"

#ifndef FUZZ_DIR
#error "FUZZ_DIR must name the fuzz/ directory (see Makefile.am)"
#endif

static const struct {
  const char *name;
  void (*fn)(const uint8_t *, size_t);
} targets[] = {
  { "config", fuzz_config },
  { "state", fuzz_state },
  { "resources", fuzz_resources },
};

static bool read_all(const char *path, uint8_t **data, size_t *size)
{
  FILE *f = fopen(path, "rb");
  if (!f)
    return false;
  char *buf = NULL;
  size_t len = 0;
  FILE *out = open_memstream(&buf, &len);
  char chunk[4096];
  size_t n;
  while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
    fwrite(chunk, 1, n, out);
  bool ok = !ferror(f);
  fclose(f);
  fclose(out);
  *data = (uint8_t *)buf;
  *size = len;
  return ok;
}

#define REPLAY_STACK (512 * 1024)

struct replay {
  void (*fn)(const uint8_t *, size_t);
  const uint8_t *data;
  size_t size;
};

static void *replay_thread(void *arg)
{
  struct replay *r = arg;
  r->fn(r->data, r->size);
  return NULL;
}

static void replay_one(void (*fn)(const uint8_t *, size_t), const uint8_t *data, size_t size)
{
  struct replay r = { .fn = fn, .data = data, .size = size };
  pthread_attr_t attr;
  pthread_t t;
  if (pthread_attr_init(&attr) || pthread_attr_setstacksize(&attr, REPLAY_STACK) ||
      pthread_create(&t, &attr, replay_thread, &r) || pthread_join(t, NULL))
    abort();
  pthread_attr_destroy(&attr);
}

/* Replay every regular file of DIR; returns how many. */
static int replay_dir(const char *dir, void (*fn)(const uint8_t *, size_t))
{
  DIR *d = opendir(dir);
  if (!d) {
    CHECK(errno == ENOENT); /* a missing directory is just empty */
    return 0;
  }
  int count = 0;
  struct dirent *de;
  while ((de = readdir(d))) {
    if (de->d_name[0] == '.')
      continue;
    char *path;
    if (asprintf(&path, "%s/%s", dir, de->d_name) < 0)
      abort();
    uint8_t *data;
    size_t size;
    if (CHECK(read_all(path, &data, &size))) {
      fprintf(stderr, "replay %s\n", path); /* the last line names a crasher */
      replay_one(fn, data, size);
      free(data);
      count++;
    }
    free(path);
  }
  closedir(d);
  return count;
}

static void replay_target(size_t i)
{
  char *regressions, *seeds;
  if (asprintf(&regressions, "%s/regressions/%s", FUZZ_DIR, targets[i].name) < 0 ||
      asprintf(&seeds, "%s/seeds/%s", FUZZ_DIR, targets[i].name) < 0)
    abort();
  int n = replay_dir(regressions, targets[i].fn);
  if (!CHECK(n > 0))
    fprintf(stderr, "    no regression inputs in %s\n", regressions);
  n += replay_dir(seeds, targets[i].fn);
  printf("%s: %d inputs replayed without a crash\n", targets[i].name, n);
  free(regressions);
  free(seeds);
}

int main(void)
{
  for (size_t i = 0; i < sizeof(targets) / sizeof(targets[0]); i++)
    replay_target(i);
  return unit_report();
}
