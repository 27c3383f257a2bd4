/*
 * include/kernel/panic.h - stopping the kernel on a broken invariant.
 *
 * panic() is for the kernel's own bugs, never for bad input from user space
 * or firmware that can be refused with an error.
 */
#ifndef KERNEL_PANIC_H
#define KERNEL_PANIC_H

#include <base/compiler.h>
#include <stdbool.h>

struct hal_trap_frame;

/*
 * Log "panic: <message>" at LOG_ERROR, then halt this CPU for good.
 * Context: any. Never returns.
 */
__noreturn __printf_like(1, 2) void panic(const char *fmt, ...);

/*
 * A CPU got CPU_IPI_STOP (kernel/irq.c): wait for its turn in the report,
 * print its registers and backtrace from `frame` (where the IPI found it),
 * halt. Context: the IPI handler, interrupts masked. Never returns.
 */
__noreturn void panic_stop_ipi(const struct hal_trap_frame *frame);

/* The selftests run (true) or ended: a report then ends with `selftest: result: FAIL`. */
void panic_note_selftests(bool running);

#endif /* KERNEL_PANIC_H */
