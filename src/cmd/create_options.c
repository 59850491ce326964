/* create_options.c - the options `create` and `run` share. */
#include "create_options.h"
#include "id_arg.h"

enum { OPT_PID_FILE = 1000, OPT_CONSOLE_SOCKET, OPT_NO_PIVOT, OPT_NO_NEW_KEYRING, OPT_PRESERVE_FDS, OPT_KEEP };

const struct argp_option create_options[] = {
  { "bundle", 'b', "DIR", 0, "bundle directory (default: the current directory)", 0 },
  { "pid-file", OPT_PID_FILE, "FILE", 0, "write the container process's pid to FILE", 0 },
  { "console-socket", OPT_CONSOLE_SOCKET, "PATH", 0, "unix socket to receive the pty master", 0 },
  { "no-pivot", OPT_NO_PIVOT, NULL, 0, "enter the rootfs with MS_MOVE and chroot, not pivot_root", 0 },
  { "no-new-keyring", OPT_NO_NEW_KEYRING, NULL, 0, "keep the caller's session keyring", 0 },
  { "preserve-fds", OPT_PRESERVE_FDS, "N", 0, "pass fds 3 .. 3+N-1 to the container", 0 },
  { "detach", 'd', NULL, 0, "run only: return once the container has started", 0 },
  { "keep", OPT_KEEP, NULL, 0, "run only: do not delete the container after it exits", 0 },
  { 0 },
};

error_t create_options_parse(int key, char *arg, struct argp_state *state)
{
  struct create_args *a = state->input;
  switch (key) {
  case ARGP_KEY_ARG:
  case ARGP_KEY_END:
    return id_arg_parse(key, arg, state, &a->opts.id);
  case 'b':
    a->opts.bundle = arg;
    return 0;
  case OPT_PID_FILE:
    a->opts.pid_file = arg;
    return 0;
  case OPT_CONSOLE_SOCKET:
    a->opts.console_socket = arg;
    return 0;
  case OPT_NO_PIVOT:
    a->opts.no_pivot = true;
    return 0;
  case OPT_NO_NEW_KEYRING:
    a->opts.no_new_keyring = true;
    return 0;
  case OPT_PRESERVE_FDS:
    if (!a->error)
      a->error = cmd_parse_count("--preserve-fds", arg, &a->opts.preserve_fds);
    return 0;
  case 'd':
    a->detach = true;
    return 0;
  case OPT_KEEP:
    a->keep = true;
    return 0;
  default:
    return ARGP_ERR_UNKNOWN;
  }
}
