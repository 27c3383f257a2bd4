/*
 * include/core/log.h - the kernel log.
 *
 * Every message goes into an in-memory ring (so early boot messages survive
 * until a console exists, and a debugger can read `log_ring`) and, once a
 * console is attached, out to it. Messages above the current level are
 * dropped before formatting.
 */
#ifndef CORE_LOG_H
#define CORE_LOG_H

#include <base/compiler.h>
#include <stdarg.h>
#include <stddef.h>

/* Bytes of recent text the ring holds; older text is overwritten. */
#define LOG_RING_SIZE 16384u

enum log_level {
	LOG_ERROR = 0, /* the kernel or a request failed */
	LOG_WARN = 1,  /* something is off, the kernel goes on */
	LOG_INFO = 2,  /* milestones of normal operation (default level) */
	LOG_DEBUG = 3, /* verbose diagnostics (loglevel=debug) */
};

/* A console: writes len bytes; may be called with interrupts masked. */
typedef void (*log_console_fn)(const char *buf, size_t len);

/*
 * Attach the console and replay into it what the ring still holds, so
 * nothing logged before the console existed is lost. NULL detaches.
 */
void log_set_console(log_console_fn console);

/* Messages with a level above `level` are dropped. Default: LOG_INFO. */
void log_set_level(enum log_level level);
enum log_level log_get_level(void);

/* Format and log one message (printf syntax, see <base/printf.h>). */
__printf_like(2, 3) void log_printf(enum log_level level, const char *fmt, ...);
void log_vprintf(enum log_level level, const char *fmt, va_list ap);

/* Raw text, no level filtering (used by base's printf through base_write). */
void log_write(const char *buf, size_t len);

/*
 * Copy the newest bytes of the ring into buf (at most size - 1, always
 * NUL-terminated when size > 0). Returns the number of bytes copied.
 */
size_t log_read_tail(char *buf, size_t size);

#define log_error(...) log_printf(LOG_ERROR, __VA_ARGS__)
#define log_warn(...)  log_printf(LOG_WARN, __VA_ARGS__)
#define log_info(...)  log_printf(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_printf(LOG_DEBUG, __VA_ARGS__)

#endif /* CORE_LOG_H */
