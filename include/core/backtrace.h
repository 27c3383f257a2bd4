/*
 * include/core/backtrace.h - frame-pointer backtraces, for reports.
 *
 * The kernel is built with frame pointers on every architecture, so a
 * stack's frames form a chain that hal_frame_unwind() (<hal/cpu.h>) walks
 * one step at a time. These helpers walk it for panic reports, hang
 * reports and the lock-order checker, which keeps the backtrace of the
 * first time it saw two lock classes nested.
 *
 * Context: any, interrupts in any state. Nothing here takes a lock or
 * allocates; a corrupt chain ends the walk (frames must grow upwards).
 */
#ifndef CORE_BACKTRACE_H
#define CORE_BACKTRACE_H

#include <stdint.h>

#define BACKTRACE_MAX 32 /* frames printed at most */

/* Print the return addresses of the chain starting at frame fp, numbered from `depth`. */
void backtrace_print(uintptr_t fp, int depth);

/* Store up to `max` return addresses of the chain starting at fp in out[]; how many. */
unsigned backtrace_capture(uintptr_t fp, uintptr_t *out, unsigned max);

/* Print return addresses kept by backtrace_capture(), numbered from 0. */
void backtrace_print_saved(const uintptr_t *addresses, unsigned count);

#endif /* CORE_BACKTRACE_H */
