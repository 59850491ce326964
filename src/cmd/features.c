/* features.c - `hull features` (features.md). */
#include <argp.h>
#include <stdio.h>
#include <stdlib.h>

#include "cmd.h"
#include "features.h"

static const struct argp argp = {
  NULL, NULL, "", "Print what this hull supports, as JSON (runtime-spec features.md).",
  NULL, NULL, NULL,
};

int cmd_features(int argc, char **argv, struct global_opts *g)
{
  (void)g;
  argp_parse(&argp, argc, argv, ARGP_IN_ORDER, NULL, NULL);
  char *json = features_json();
  if (!json)
    return cmd_fail(herr_new("features: out of memory"));
  printf("%s\n", json);
  free(json);
  return 0;
}
