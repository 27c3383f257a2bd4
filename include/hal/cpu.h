/*
 * include/hal/cpu.h - HAL contract: the current CPU.
 *
 * Implemented by the selected platform in platforms/<platform>/cpu.c.
 */
#ifndef HAL_CPU_H
#define HAL_CPU_H

#include <base/compiler.h>

/*
 * Stop the calling CPU for good: mask its interrupts, then park it in the
 * architecture's low-power wait (hlt, wfi, idle) in a loop, so that a stray
 * wake-up (NMI, debug event) parks it again.
 *
 * Context: any, including with interrupts already masked and before the
 * kernel has a heap or a console. Never returns.
 */
__noreturn void hal_cpu_halt(void);

#endif /* HAL_CPU_H */
