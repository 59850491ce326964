/* log.h - diagnostics: text on stderr, and optionally a --log file in text or
 * in the JSON-lines form conmon and podman parse ({"level","msg","time"}). */
#ifndef HULL_LOG_H
#define HULL_LOG_H

#include <stdbool.h>
#include "error.h"

enum log_level { LOG_LEVEL_ERROR, LOG_LEVEL_WARNING, LOG_LEVEL_INFO, LOG_LEVEL_DEBUG };
enum log_format { LOG_FORMAT_TEXT, LOG_FORMAT_JSON };

/* Open the --log file (append).  Without a call, only stderr is used. */
herr log_open(const char *path, enum log_format format);
void log_set_debug(bool on);
void log_close(void);
/* The log file's fd (-1 if none), so that forked helpers can close it. */
int log_fd(void);

void log_msg(enum log_level level, const char *fmt, ...) HERR_PRINTF(2, 3);
#define log_error(...) log_msg(LOG_LEVEL_ERROR, __VA_ARGS__)
#define log_warning(...) log_msg(LOG_LEVEL_WARNING, __VA_ARGS__)
#define log_info(...) log_msg(LOG_LEVEL_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_LEVEL_DEBUG, __VA_ARGS__)
/* Log "context: chain" at `level` and free the error (nothing when e is NULL):
 * for errors that are only worth a note. */
void log_herr_at(enum log_level level, const char *context, herr e);
/* Log a whole error chain at error level. */
void log_herr(const struct hull_error *e);

#endif
