/* features.c - the `features` document (runtime-spec features.md and
 * features-linux.md).  It lists only what hull really implements: a feature
 * that is not there yet is reported as disabled, never claimed. */
#include "config.h"

#include "features.h"

#include <stdbool.h>
#include <stdlib.h>

#include "capabilities.h"
#include "cleanup.h"
#include "json.h"
#include "seccomp.h"
#include "spec.h"

static const char *const hook_names[] = {
  "prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop",
  NULL,
};

/* The mount options hull's mount code recognizes (generic mount(2) flags and
 * propagation; filesystem-specific data options are not listed). */
static const char *const mount_options[] = {
  "async", "atime", "bind", "defaults", "dev", "diratime", "dirsync", "exec",
  "iversion", "lazytime", "loud", "mand", "noatime", "nodev", "nodiratime",
  "noexec", "noiversion", "nolazytime", "nomand", "norelatime",
  "nostrictatime", "nosuid", "nosymfollow", "private", "rbind", "relatime",
  "remount", "ro", "rprivate", "rshared", "rslave", "runbindable", "rw",
  "shared", "silent", "slave", "strictatime", "suid", "sync", "tmpcopyup", "unbindable",
  "ratime", "rdev", "rdiratime", "rexec", "rnoatime", "rnodev", "rnodiratime", "rnoexec",
  "rnorelatime", "rnostrictatime", "rnosuid", "rnosymfollow", "rrelatime", "rro", "rrw",
  "rstrictatime", "rsuid", "rsymfollow",
  NULL,
};

static void write_strings(struct json_writer *w, const char *key, const char *const *list)
{
  jw_key(w, key);
  jw_begin_array(w);
  for (; *list; list++)
    jw_string(w, *list);
  jw_end_array(w);
}

/* {"<key>": {"enabled": <on>}}, the shape of most Linux feature entries. */
static void write_enabled(struct json_writer *w, const char *key, bool on)
{
  jw_key(w, key);
  jw_begin_object(w);
  jw_kv_bool(w, "enabled", on);
  jw_end_object(w);
}

static void write_namespaces(struct json_writer *w)
{
  jw_key(w, "namespaces");
  jw_begin_array(w);
  for (int t = 0; t < OCI_NS_COUNT; t++)
    jw_string(w, oci_ns_type_name((enum oci_ns_type)t));
  jw_end_array(w);
}

static void write_capabilities(struct json_writer *w)
{
  _cleanup_strv_ char **caps = capabilities_known();
  static const char *const none[] = { NULL };
  write_strings(w, "capabilities", caps ? (const char *const *)caps : none);
}

/* features-linux.md "Seccomp": the names hull recognizes; the architectures
 * this libseccomp knows; supportedFlags are the flags this kernel accepts. */
static void write_seccomp(struct json_writer *w)
{
  jw_key(w, "seccomp");
  jw_begin_object(w);
  jw_kv_bool(w, "enabled", true);
  write_strings(w, "actions", seccomp_known_actions());
  write_strings(w, "operators", seccomp_known_operators());
  const char **archs = seccomp_supported_archs();
  if (archs)
    write_strings(w, "archs", archs);
  free(archs);
  write_strings(w, "knownFlags", seccomp_known_flags());
  const char **flags = seccomp_supported_flags();
  if (flags)
    write_strings(w, "supportedFlags", flags);
  free(flags);
  jw_end_object(w);
}

/* hull's own cgroupfs manager drives v1, v2 and hybrid hosts (cgroup.c) and
 * the rdma controller; it does not place containers through systemd. */
static void write_cgroup(struct json_writer *w)
{
  jw_key(w, "cgroup");
  jw_begin_object(w);
  jw_kv_bool(w, "v1", true);
  jw_kv_bool(w, "v2", true);
  jw_kv_bool(w, "systemd", false);
  jw_kv_bool(w, "systemdUser", false);
  jw_kv_bool(w, "rdma", true);
  jw_end_object(w);
}

static void write_linux(struct json_writer *w)
{
  jw_key(w, "linux");
  jw_begin_object(w);
  write_namespaces(w);
  write_capabilities(w);
  write_cgroup(w);
  write_seccomp(w);
  /* features-linux.md: whether hull can apply the labels, "irrelevant to
   * the availability" of the LSM on this host (create checks that). */
  write_enabled(w, "apparmor", true);
  write_enabled(w, "selinux", true);
  write_enabled(w, "intelRdt", false);
  jw_key(w, "mountExtensions");
  jw_begin_object(w);
  write_enabled(w, "idmap", false);
  jw_end_object(w);
  jw_end_object(w);
}

char *features_json(void)
{
  struct json_writer *w = jw_new(true);
  if (!w)
    return NULL;
  jw_begin_object(w);
  jw_kv_string(w, "ociVersionMin", "1.0.0");
  jw_kv_string(w, "ociVersionMax", "1.3.0");
  write_strings(w, "hooks", hook_names);
  write_strings(w, "mountOptions", mount_options);
  write_linux(w);
  jw_key(w, "annotations");
  jw_begin_object(w);
  jw_kv_string(w, "io.github.hull.version", PACKAGE_VERSION);
  jw_end_object(w);
  jw_end_object(w);
  size_t len;
  return jw_finish(w, &len);
}
