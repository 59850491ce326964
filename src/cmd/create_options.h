/* create_options.h - the options `create` and `run` share. */
#ifndef HULL_CREATE_OPTIONS_H
#define HULL_CREATE_OPTIONS_H

#include <argp.h>

#include "cmd.h"
#include "container.h"

struct create_args {
  struct create_opts opts;
  bool detach; /* run only */
  bool keep;   /* run only */
  herr error;
};

extern const struct argp_option create_options[];
/* The argp parser of create and run: the shared options and the ID
 * (state->input is a struct create_args). */
error_t create_options_parse(int key, char *arg, struct argp_state *state);

#endif
