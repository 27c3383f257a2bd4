/*
 * base/assert.c - base_panicf(): a panic with a formatted message.
 *
 * base_panic() (include/base/hooks.h) takes a finished string, which is all
 * assert() needs. Checks that want to show values (an address, a count)
 * need formatting first; this file does it here, once, so that every user
 * of base/ gets it on top of the same hook.
 */
#include <base/assert.h>
#include <base/printf.h>
#include <stdarg.h>

/*
 * Why a static buffer: a panic may come from deep in a small kernel stack,
 * or from a corrupted one, so the message should not cost stack space. The
 * price is that simultaneous panics share it (see the header). 256 bytes
 * holds any sensible one-line diagnosis; vsnprintf truncates the rest.
 */
static char panic_message[256];

void base_panicf(const char *file, int line, const char *func, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(panic_message, sizeof(panic_message), fmt, ap);
	va_end(ap);
	base_panic(file, line, func, panic_message);
}
