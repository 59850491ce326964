/* lsm.c - AppArmor and SELinux labels.  See lsm.h. */
#include "lsm.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "cleanup.h"
#include "procfs.h"
#include "utils.h"

#define APPARMOR_ENABLED_PATH "/sys/module/apparmor/parameters/enabled"
#define SELINUXFS_PATH "/sys/fs/selinux"
#ifndef SELINUX_MAGIC
#define SELINUX_MAGIC 0xf97cff8c
#endif

/* ---- detection ---------------------------------------------------------- */

bool lsm_apparmor_enabled(void)
{
  _cleanup_free_ char *text = NULL;
  herr e = read_file(APPARMOR_ENABLED_PATH, &text, NULL);
  if (e) {
    herr_free(e);
    return false;
  }
  return text[0] == 'Y';
}

static bool mountinfo_has_fstype(const char *fstype)
{
  _cleanup_fclose_ FILE *f = fopen("/proc/self/mountinfo", "re");
  if (!f)
    return false;
  char line[4096];
  size_t n = strlen(fstype);
  while (fgets(line, sizeof(line), f)) {
    /* "... - FSTYPE SOURCE OPTIONS" */
    const char *sep = strstr(line, " - ");
    if (sep && !strncmp(sep + 3, fstype, n) && sep[3 + n] == ' ')
      return true;
  }
  return false;
}

/* As libselinux decides: selinuxfs at its usual place, or anywhere. */
bool lsm_selinux_enabled(void)
{
  struct statfs sfs;
  if (statfs(SELINUXFS_PATH, &sfs) == 0 && (unsigned long)sfs.f_type == SELINUX_MAGIC)
    return true;
  return mountinfo_has_fstype("selinuxfs");
}

/* ---- validation --------------------------------------------------------- */

static bool is_set(const char *label)
{
  return label && *label;
}

static const char *process_apparmor(const struct oci_config *c)
{
  return c->process ? c->process->apparmorProfile : NULL;
}

static const char *process_selinux(const struct oci_config *c)
{
  return c->process ? c->process->selinuxLabel : NULL;
}

static const char *mount_label(const struct oci_config *c)
{
  return c->linux_ ? c->linux_->mountLabel : NULL;
}

static const struct {
  const char *field;
  const char *(*value)(const struct oci_config *c);
  bool (*enabled)(void);
  const char *why_not; /* what detection found */
} label_fields[] = {
  { "process.apparmorProfile", process_apparmor, lsm_apparmor_enabled,
    "AppArmor is not enabled on this host (" APPARMOR_ENABLED_PATH " does not say Y)" },
  { "process.selinuxLabel", process_selinux, lsm_selinux_enabled,
    "SELinux is not enabled on this host (no selinuxfs is mounted)" },
  { "linux.mountLabel", mount_label, lsm_selinux_enabled,
    "SELinux is not enabled on this host (no selinuxfs is mounted)" },
};

herr lsm_validate(const struct oci_config *cfg)
{
  for (size_t i = 0; i < ARRAY_LEN(label_fields); i++) {
    const char *label = label_fields[i].value(cfg);
    if (is_set(label) && !label_fields[i].enabled())
      return herr_new("%s: %s; cannot apply \"%s\" (remove the field to run without it)",
                      label_fields[i].field, label_fields[i].why_not, label);
  }
  return NULL;
}

herr lsm_validate_process(const struct oci_process *p)
{
  struct oci_config only_process = { .process = (struct oci_process *)p };
  return lsm_validate(&only_process);
}

/* ---- mount labels ------------------------------------------------------- */

static const char *const labeled_fstypes[] = { "tmpfs", "devpts", "mqueue", NULL };

static bool takes_mount_label(const struct oci_mount *m)
{
  if (!m->type)
    return false;
  for (const char *const *t = labeled_fstypes; *t; t++)
    if (!strcmp(m->type, *t))
      return true;
  return false;
}

static bool has_context_option(const struct oci_mount *m)
{
  for (size_t i = 0; i < m->n_options; i++)
    if (!strncmp(m->options[i], "context=", 8))
      return true;
  return false;
}

static herr append_option(struct oci_mount *m, const char *opt)
{
  char **v = realloc(m->options, (m->n_options + 2) * sizeof(*v));
  if (!v)
    return herr_errno(ENOMEM, "linux.mountLabel");
  m->options = v;
  v[m->n_options] = strdup(opt);
  if (!v[m->n_options])
    return herr_errno(ENOMEM, "linux.mountLabel");
  v[++m->n_options] = NULL;
  return NULL;
}

herr lsm_label_mounts(struct oci_config *cfg)
{
  const char *label = mount_label(cfg);
  if (!is_set(label))
    return NULL;
  if (strchr(label, '"'))
    return herr_new("linux.mountLabel: \"%s\": a label cannot contain '\"'", label);
  /* Quoted: MLS labels have commas ("s0:c1,c2"), which separate mount options. */
  _cleanup_free_ char *opt = NULL;
  if (asprintf(&opt, "context=\"%s\"", label) < 0)
    return herr_errno(ENOMEM, "linux.mountLabel");
  for (size_t i = 0; i < cfg->n_mounts; i++) {
    struct oci_mount *m = &cfg->mounts[i];
    if (takes_mount_label(m) && !has_context_option(m))
      TRY(append_option(m, opt));
  }
  return NULL;
}

/* ---- exec labels -------------------------------------------------------- */

/* The attr files are opened through hull's verified procfs (procfs.h), so
 * that a mount over /proc or over the files cannot take the write.
 * "thread-self": the attrs are per thread. */
static herr write_attr(int fd, const char *rel, const char *text)
{
  if (write(fd, text, strlen(text)) < 0)
    return herr_sys("write /proc/%s", rel);
  return NULL;
}

/* AppArmor's own attr directory when the kernel has per-LSM attrs (5.8+),
 * the shared one otherwise.  The kernel looks the profile up as it takes
 * the write: ENOENT there means no such profile is loaded. */
static herr set_apparmor_exec(const char *profile)
{
  _cleanup_free_ char *cmd = NULL;
  if (asprintf(&cmd, "exec %s", profile) < 0)
    return herr_errno(ENOMEM, "process.apparmorProfile");
  const char *rel = "thread-self/attr/apparmor/exec";
  _cleanup_close_ int fd = -1;
  herr e = procfs_open(rel, O_WRONLY, &fd);
  if (e && herr_errnum(e) == ENOENT) {
    herr_free(e);
    rel = "thread-self/attr/exec";
    e = procfs_open(rel, O_WRONLY, &fd);
  }
  if (!e)
    e = write_attr(fd, rel, cmd);
  if (e && herr_errnum(e) == ENOENT)
    return herr_wrap(e, "process.apparmorProfile \"%s\": is the profile loaded?", profile);
  return e ? herr_wrap(e, "process.apparmorProfile \"%s\"", profile) : NULL;
}

static herr set_selinux_exec(const char *label)
{
  const char *rel = "thread-self/attr/exec";
  _cleanup_close_ int fd = -1;
  TRY_WRAP(procfs_open(rel, O_WRONLY, &fd), "process.selinuxLabel \"%s\"", label);
  TRY_WRAP(write_attr(fd, rel, label), "process.selinuxLabel \"%s\"", label);
  return NULL;
}

herr lsm_set_exec_labels(const struct oci_process *p)
{
  if (is_set(p->apparmorProfile))
    TRY(set_apparmor_exec(p->apparmorProfile));
  if (is_set(p->selinuxLabel))
    TRY(set_selinux_exec(p->selinuxLabel));
  return NULL;
}
