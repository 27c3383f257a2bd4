/*
 * kernel/panic.c - panic(): stop on a broken kernel invariant.
 *
 * The report names the CPU, the message, the registers at the panic call
 * and a frame-pointer backtrace, all through the kernel log, whose console
 * is brought up first if the panic came before it. Then every CPU stops:
 * with one CPU running (until SMP bring-up) that is this one.
 */
#include <core/log.h>
#include <hal/cpu.h>
#include <kernel/console.h>
#include <kernel/panic.h>

#define BACKTRACE_MAX 32

static void backtrace(void)
{
	uintptr_t fp = (uintptr_t)__builtin_frame_address(0), caller, ret;

	log_error("backtrace:\n");
	for (int depth = 0; depth < BACKTRACE_MAX && hal_frame_unwind(fp, &caller, &ret); depth++) {
		if (ret == 0)
			break; /* the entry code's zero return address */
		log_error("  #%-2d %016llx\n", depth, (unsigned long long)ret);
		if (caller <= fp)
			break; /* frames grow upwards; anything else is corrupt */
		fp = caller;
	}
}

void panic(const char *fmt, ...)
{
	static volatile int panicking;
	va_list ap;

	if (panicking++)
		hal_cpu_halt(); /* a panic while panicking: stop quietly */
	kernel_console_start();
	log_set_level(LOG_DEBUG);
	log_error("\nKERNEL PANIC on cpu %u: ", hal_cpu_id());
	va_start(ap, fmt);
	log_vprintf(LOG_ERROR, fmt, ap);
	va_end(ap);
	log_error("\n");
	hal_cpu_print_registers();
	backtrace();
	log_error("panic: system halted\n");
	hal_cpu_halt();
}
