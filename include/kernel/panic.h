/*
 * include/kernel/panic.h - stopping the kernel on a broken invariant.
 *
 * panic() is for the kernel's own bugs, never for bad input from user space
 * or firmware that can be refused with an error.
 */
#ifndef KERNEL_PANIC_H
#define KERNEL_PANIC_H

#include <base/compiler.h>

/*
 * Log "panic: <message>" at LOG_ERROR, then halt this CPU for good.
 * Context: any. Never returns.
 */
__noreturn __printf_like(1, 2) void panic(const char *fmt, ...);

#endif /* KERNEL_PANIC_H */
