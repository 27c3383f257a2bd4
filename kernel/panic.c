/*
 * kernel/panic.c - panic(): stop on a broken kernel invariant.
 */
#include <core/log.h>
#include <hal/cpu.h>
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
