/*
 * kernel/panic.c - panic() and the base library's panic hook.
 */
#include <base/hooks.h>
#include <hal/cpu.h>
#include <kernel/log.h>
#include <kernel/panic.h>

void panic(const char *fmt, ...)
{
	va_list ap;

	log_write("panic: ", 7);
	va_start(ap, fmt);
	log_vprintf(LOG_ERROR, fmt, ap);
	va_end(ap);
	log_write("\n", 1);
	hal_cpu_halt();
}

/* base/'s assert() lands here. */
void base_panic(const char *file, int line, const char *func, const char *msg)
{
	panic("%s:%d (%s): %s", file, line, func, msg);
}
