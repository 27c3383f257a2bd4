/*
 * include/kernel/watchdog.h - a kernel that stops making progress says so.
 *
 * Every online CPU takes a watchdog tick (a ktimer, WATCHDOG_TICK_NS) that
 * stamps its heartbeat and looks at everyone else's. A CPU whose heartbeat
 * is older than WATCHDOG_STALL_NS takes no timer interrupts: it spins with
 * interrupts masked, or is stuck where no interrupt reaches it. The same
 * tick checks that the current step of a long-running activity (the
 * selftest runner's case) ends within its budget. Either way the first CPU
 * to see it panics with the reason: the report has every CPU's registers
 * and backtrace (kernel/panic.c) and, during the selftests, ends with
 * `selftest: result: FAIL`, so a hang fails the run instead of going quiet.
 *
 * Bounds, in ticks of 100 ms: a CPU is stalled after 100 ticks (10 s) of
 * silence; a spinlock wait is a hang after 50 (SPIN_TIMEOUT_NS,
 * <core/spinlock.h>), so a CPU stuck in spin_lock() is reported by its own
 * lock first, with the lock's name.
 */
#ifndef KERNEL_WATCHDOG_H
#define KERNEL_WATCHDOG_H

#include <stdint.h>

#define WATCHDOG_TICK_NS  UINT64_C(100000000)	   /* 100 ms */
#define WATCHDOG_STALL_NS (100 * WATCHDOG_TICK_NS) /* 10 s without a tick */

/*
 * Start the calling CPU's watchdog tick. Once per CPU, when it is online
 * and about to enter its idle loop. Context: interrupts masked or not.
 */
void watchdog_start_cpu(void);

/*
 * A step of `suite`.`name` starts and must end within budget_ns (both
 * strings static); watchdog_step(NULL, NULL, 0) ends the watch. Context:
 * a thread.
 */
void watchdog_step(const char *suite, const char *name, uint64_t budget_ns);

#endif /* KERNEL_WATCHDOG_H */
