/* id_arg.h - argp handling of the one container ID most commands take. */
#ifndef HULL_ID_ARG_H
#define HULL_ID_ARG_H

#include <argp.h>

/* Store the first positional argument in *id; a second one is an error.
 * At the end, a missing id is an error. */
static inline error_t id_arg_parse(int key, char *arg, struct argp_state *state, const char **id)
{
  switch (key) {
  case ARGP_KEY_ARG:
    if (*id)
      argp_error(state, "unexpected argument \"%s\"", arg);
    *id = arg;
    return 0;
  case ARGP_KEY_END:
    if (!*id)
      argp_error(state, "a container id is required");
    return 0;
  default:
    return ARGP_ERR_UNKNOWN;
  }
}

/* The whole argp parser of a command whose only argument is the ID
 * (state->input is a `const char *` to fill). */
static inline error_t id_only_parse(int key, char *arg, struct argp_state *state)
{
  return id_arg_parse(key, arg, state, state->input);
}

#endif
