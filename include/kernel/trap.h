/*
 * include/kernel/trap.h - the kernel's side of exceptions.
 */
#ifndef KERNEL_TRAP_H
#define KERNEL_TRAP_H

#include <base/compiler.h>
#include <hal/trap.h>
#include <stdint.h>

/* Breakpoints taken so far (each one is stepped over). */
uint64_t trap_breakpoint_count(void);

/*
 * The panic report of an exception the kernel cannot handle: the cause, the
 * faulting address and access kind for page faults, the trapped context's
 * registers and its backtrace. Never returns.
 */
__noreturn void panic_trap(const struct trap_info *t);

#endif /* KERNEL_TRAP_H */
