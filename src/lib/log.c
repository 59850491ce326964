/* log.c - errors and warnings to stderr, and to the --log file when given. */
#include "log.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "json.h"

static int log_file_fd = -1;
static enum log_format log_file_format = LOG_FORMAT_TEXT;
static bool log_debug_on;

static const char *const level_names[] = {
  [LOG_LEVEL_ERROR] = "error",
  [LOG_LEVEL_WARNING] = "warning",
  [LOG_LEVEL_INFO] = "info",
  [LOG_LEVEL_DEBUG] = "debug",
};

herr log_open(const char *path, enum log_format format)
{
  int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0)
    return herr_sys("open log file %s", path);
  /* The log is opened before any command sees --preserve-fds N: keep it far
   * from fds 3 .. 3+N-1, which belong to the caller. */
  struct rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur > 64) {
    int high = fcntl(fd, F_DUPFD_CLOEXEC, (int)(rl.rlim_cur - 32));
    if (high >= 0) {
      close(fd);
      fd = high;
    }
  }
  log_close();
  log_file_fd = fd;
  log_file_format = format;
  return NULL;
}

void log_set_debug(bool on)
{
  log_debug_on = on;
}

void log_close(void)
{
  if (log_file_fd >= 0)
    close(log_file_fd);
  log_file_fd = -1;
}

int log_fd(void)
{
  return log_file_fd;
}

static void format_time(char *buf, size_t len)
{
  struct timespec ts;
  struct tm tm;
  clock_gettime(CLOCK_REALTIME, &ts);
  gmtime_r(&ts.tv_sec, &tm);
  size_t n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
  snprintf(buf + n, len - n, ".%09ldZ", ts.tv_nsec);
}

static void write_all_quiet(int fd, const char *buf, size_t len)
{
  while (len > 0) {
    ssize_t w = write(fd, buf, len);
    if (w <= 0)
      return;
    buf += w;
    len -= (size_t)w;
  }
}

/* The text form runc (logrus) writes, which tools that drive runc grep:
 * time="..." level=debug msg="...", the message quoted as a Go string. */
static void write_text_line(int fd, const char *when, enum log_level level, const char *msg)
{
  size_t len = strlen(msg);
  char *quoted = malloc(2 * len + 1), *q = quoted;
  if (!quoted)
    return;
  for (const char *m = msg; *m; m++) {
    if (*m == '"' || *m == '\\')
      *q++ = '\\';
    *q++ = *m == '\n' ? ' ' : *m;
  }
  *q = '\0';
  char *line = NULL;
  int n = asprintf(&line, "time=\"%s\" level=%s msg=\"%s\"\n", when, level_names[level], quoted);
  if (n > 0)
    write_all_quiet(fd, line, (size_t)n);
  free(line);
  free(quoted);
}

static void write_log_file(enum log_level level, const char *msg)
{
  char when[64];
  format_time(when, sizeof(when));
  if (log_file_format == LOG_FORMAT_JSON) {
    struct json_writer *w = jw_new(false);
    jw_begin_object(w);
    jw_kv_string(w, "level", level_names[level]);
    jw_kv_string(w, "msg", msg);
    jw_kv_string(w, "time", when);
    jw_end_object(w);
    size_t len;
    char *line = jw_finish(w, &len);
    if (line) {
      line = realloc(line, len + 2);
      if (line) {
        line[len] = '\n';
        write_all_quiet(log_file_fd, line, len + 1);
      }
      free(line);
    }
    return;
  }
  write_text_line(log_file_fd, when, level, msg);
}

static void log_vmsg(enum log_level level, const char *fmt, va_list ap)
{
  if (level == LOG_LEVEL_DEBUG && !log_debug_on)
    return;
  char *msg = NULL;
  if (vasprintf(&msg, fmt, ap) < 0)
    return;
  /* Debug lines go where runc's go: to the --log file when there is one,
   * else to stderr, in the log's text form. */
  if (level == LOG_LEVEL_DEBUG) {
    if (log_file_fd >= 0) {
      write_log_file(level, msg);
    } else {
      char when[64];
      format_time(when, sizeof(when));
      write_text_line(STDERR_FILENO, when, level, msg);
    }
    free(msg);
    return;
  }
  /* fd 2, not the stderr FILE: main.c reroutes that one for argp. */
  if (level == LOG_LEVEL_ERROR)
    dprintf(STDERR_FILENO, "hull: %s\n", msg);
  else
    dprintf(STDERR_FILENO, "hull: %s: %s\n", level_names[level], msg);
  if (log_file_fd >= 0)
    write_log_file(level, msg);
  free(msg);
}

void log_msg(enum log_level level, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  log_vmsg(level, fmt, ap);
  va_end(ap);
}

void log_herr(const struct hull_error *e)
{
  char *msg = herr_format(e);
  log_msg(LOG_LEVEL_ERROR, "%s", msg);
  free(msg);
}

void log_herr_at(enum log_level level, const char *context, herr e)
{
  if (!e)
    return;
  char *msg = herr_format(e);
  log_msg(level, "%s: %s", context, msg);
  free(msg);
  herr_free(e);
}
