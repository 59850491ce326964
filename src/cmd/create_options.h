/* create_options.h - the options `create` and `run` share. */
#ifndef HULL_CREATE_OPTIONS_H
#define HULL_CREATE_OPTIONS_H

#include <argp.h>

#include "cmd.h"
#include "container.h"

struct create_args {
  struct create_opts opts;
  bool detach; /* run only */
  herr error;
};

extern const struct argp_option create_options[];
/* Handles the shared options; ARGP_ERR_UNKNOWN for the rest. */
error_t create_options_parse(int key, char *arg, struct argp_state *state, struct create_args *a);

#endif
