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

struct cpu; /* the kernel's per-CPU data, <core/cpu.h> */

/*
 * The calling CPU's per-CPU data: the pointer hal_cpu_set_local() stored
 * in the architecture's per-CPU register (x86_64 GS base, aarch64
 * TPIDR_EL1, riscv64 tp, loongarch64 $r21). NULL until then: _start clears
 * the register on the boot CPU. Context: any; a thread that may migrate
 * must mask interrupts (or preemption) while it uses the result.
 */
struct cpu *hal_cpu_local(void);

/*
 * Per-CPU initialisation, on every CPU (the boot CPU too), before it
 * takes part in scheduling: store `cpu` as the per-CPU pointer, build the
 * CPU's own exception stack and descriptor state (x86_64 TSS and IST,
 * aarch64 SP_EL1, riscv64 sscratch, loongarch64 KScratch), and enable the
 * CPU's side of the interrupt controller and its timer, all interrupts
 * still masked. On a secondary CPU it first does what hal_paging_init()
 * and hal_trap_init() did on the boot CPU: the kernel's page tables and
 * descriptor tables, the trap vectors. Needs hal_irq_init() first.
 */
void hal_cpu_init(struct cpu *cpu);

/*
 * A secondary CPU's way in: the address the kernel stores into the boot
 * protocol's goto_address. The platform's code reads the protocol's
 * extra_argument as a struct hal_cpu_start pointer, loads the kernel's
 * page tables (the stack is in the kernel VMM window, which the loader's
 * tables do not map), moves to the stack, clears the frame pointer and
 * calls kernel_cpu_main(arg).
 */
struct hal_cpu_start {
	uint64_t stack_top; /* 16-byte aligned */
	void *arg;
};
extern const char hal_cpu_entry[];

/* Implemented by the kernel: a secondary CPU's C entry point. */
__noreturn void kernel_cpu_main(void *arg);

/*
 * Switch kernel stacks: save the calling thread's callee-saved registers
 * on its stack, store the stack pointer into *save_sp, load next_sp (from
 * an earlier save or from hal_context_init()) and continue there. Returns
 * when another switch names *save_sp again. Interrupts masked throughout;
 * the interrupt state is not part of the context.
 */
void hal_context_switch(uintptr_t *save_sp, uintptr_t next_sp);

/*
 * Prepare a new thread's stack so that the first hal_context_switch() to
 * the returned stack pointer calls entry(arg) with interrupts still
 * masked, a 16-byte aligned stack below stack_top, and a frame-pointer
 * chain that ends there. entry must not return.
 */
uintptr_t hal_context_init(uintptr_t stack_top, void (*entry)(void *), void *arg);

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
 * I/O-port space (x86): read or write `width` (1, 2 or 4) bytes at `port`.
 * Platforms without one answer false and touch nothing; the kernel only
 * asks for ports a device object names, and only x86 makes such objects.
 */
bool hal_port_read(uint16_t port, unsigned width, uint32_t *value);
bool hal_port_write(uint16_t port, unsigned width, uint32_t value);

/*
 * Turn the machine off (ACPI, PSCI, SBI or the platform's power register),
 * for the end of an automated selftest run. If no method works, halts.
 */
__noreturn void hal_power_off(void);

#endif /* HAL_CPU_H */
