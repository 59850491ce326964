/* list.c - `hull list [--format table|json] [--quiet]`. */
#include <argp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "container.h"
#include "json.h"

struct list_args {
  bool json;
  bool quiet;
  herr error;
};

static const struct argp_option options[] = {
  { "format", 'f', "FORMAT", 0, "table (default) or json", 0 },
  { "quiet", 'q', NULL, 0, "print the ids only", 0 },
  { 0 },
};

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
  struct list_args *a = state->input;
  switch (key) {
  case 'f':
    if (!strcmp(arg, "json"))
      a->json = true;
    else if (strcmp(arg, "table"))
      argp_error(state, "--format: unknown format \"%s\" (table or json)", arg);
    return 0;
  case 'q':
    a->quiet = true;
    return 0;
  case ARGP_KEY_ARG:
    argp_error(state, "unexpected argument \"%s\"", arg);
    return 0;
  default:
    return ARGP_ERR_UNKNOWN;
  }
}

static const struct argp argp = { options, parse_opt, "", "List containers.", NULL, NULL, NULL };

/* runc's form: one line, its fields in its order (scripts match on it). */
static void print_json(const struct container_summary *l, size_t n)
{
  struct json_writer *w = jw_new(false);
  jw_begin_array(w);
  for (size_t i = 0; i < n; i++) {
    jw_begin_object(w);
    jw_kv_string(w, "ociVersion", l[i].ociVersion);
    jw_kv_string(w, "id", l[i].id);
    jw_kv_int(w, "pid", l[i].pid);
    jw_kv_string(w, "status", container_status_name(l[i].status));
    jw_kv_string(w, "bundle", l[i].bundle);
    jw_kv_string(w, "rootfs", l[i].rootfs);
    jw_kv_string(w, "created", l[i].created);
    jw_kv_string(w, "owner", l[i].owner);
    jw_end_object(w);
  }
  jw_end_array(w);
  char *text = jw_finish(w, NULL);
  printf("%s\n", text ? text : "[]");
  free(text);
}

static void print_table(const struct container_summary *l, size_t n)
{
  printf("%-20s %-8s %-10s %-40s %-31s %s\n", "ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER");
  for (size_t i = 0; i < n; i++)
    printf("%-20s %-8d %-10s %-40s %-31s %s\n", l[i].id, (int)l[i].pid,
           container_status_name(l[i].status), l[i].bundle, l[i].created, l[i].owner);
}

int cmd_list(int argc, char **argv, struct global_opts *g)
{
  struct list_args a = { 0 };
  argp_parse(&argp, argc, argv, ARGP_IN_ORDER, NULL, &a);
  struct container_summary *l;
  size_t n;
  herr e = container_list(g->root, &l, &n);
  if (e)
    return cmd_fail(herr_wrap(e, "list"));
  if (a.quiet)
    for (size_t i = 0; i < n; i++)
      printf("%s\n", l[i].id);
  else if (a.json)
    print_json(l, n);
  else
    print_table(l, n);
  container_list_free(l, n);
  return 0;
}
