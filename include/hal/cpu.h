/*
 * include/hal/cpu.h - HAL contract: the current CPU.
 *
 * Implemented by the selected platform in platforms/<platform>/cpu.c.
 */
#ifndef HAL_CPU_H
#define HAL_CPU_H

#include <base/compiler.h>
#include <stdbool.h>
#include <stdint.h>

/*
 * Stop the calling CPU for good: mask its interrupts, then park it in the
 * architecture's low-power wait (hlt, wfi, idle) in a loop, so that a stray
 * wake-up (NMI, debug event) parks it again.
 *
 * Context: any, including with interrupts already masked and before the
 * kernel has a heap or a console. Never returns.
 */
__noreturn void hal_cpu_halt(void);

/* A small number naming the calling CPU (0 for the boot CPU). Context: any. */
unsigned hal_cpu_id(void);

/*
 * Mask interrupts on the calling CPU and return the interrupt state as it
 * was before, to hand back to hal_irq_restore(). The value is opaque: only
 * the platform knows its meaning (the saved IF flag, DAIF, SIE or CRMD.IE),
 * and callers must not test or combine it.
 *
 * Calls nest: each save is paired with one restore, in reverse order, on
 * the same CPU, and interrupts come back on only when the outermost pair
 * ends, so a function may take an IRQ-safe lock while its caller holds
 * another. The instruction that masks is also a compiler barrier, so no
 * memory access is moved out of the masked section.
 *
 * Context: any, including with interrupts already masked. Never fails.
 */
unsigned long hal_irq_save(void);

/*
 * Put the calling CPU's interrupt state back to `state`, a value returned
 * by the matching hal_irq_save() on this CPU: interrupts are enabled again
 * only if they were enabled when that save was made. A compiler barrier,
 * like hal_irq_save(). Context: any. Never fails.
 */
void hal_irq_restore(unsigned long state);

/*
 * Print the calling CPU's registers through the kernel log, one line per
 * few registers, for panic(). Shows the state at the call, as far as C can
 * see it: general-purpose registers, stack and frame pointer, and the
 * privileged registers that describe the CPU's mode and paging.
 */
void hal_cpu_print_registers(void);

/*
 * One step of a frame-pointer backtrace: given the frame pointer `fp` of a
 * function, store its caller's frame pointer and the return address into
 * the caller. Returns false when fp cannot be a frame (NULL, misaligned, not
 * a kernel address), which ends the walk.
 */
bool hal_frame_unwind(uintptr_t fp, uintptr_t *caller_fp, uintptr_t *return_address);

/*
 * Turn the machine off (ACPI, PSCI, SBI or the platform's power register),
 * for the end of an automated selftest run. If no method works, halts.
 */
__noreturn void hal_power_off(void);

#endif /* HAL_CPU_H */
