/*
 * include/hal/trap.h - HAL contract: exceptions reach the kernel.
 *
 * Each platform installs its exception vectors (x86_64 IDT, aarch64
 * VBAR_EL1, riscv64 stvec, loongarch64 EENTRY), saves the interrupted
 * context in a trap frame of its own layout, decodes the cause into a
 * struct trap_info and calls kernel_trap(). Interrupts (timers, IPIs,
 * devices) join this path with the scheduling work; today every trap is a
 * synchronous exception taken in kernel mode.
 */
#ifndef HAL_TRAP_H
#define HAL_TRAP_H

#include <stdbool.h>
#include <stdint.h>

/* The saved registers of the trapped context; layout private to the platform. */
struct hal_trap_frame;

enum trap_kind {
	TRAP_PAGE_FAULT, /* a translation or permission fault on a data or instruction access */
	TRAP_BREAKPOINT, /* the architecture's breakpoint instruction */
	TRAP_ILLEGAL_INSTRUCTION, /* undefined or privileged instruction */
	TRAP_ALIGNMENT,		  /* misaligned access the hardware refuses */
	TRAP_OTHER,		  /* anything else: see `code` and `name` */
};

/* What the platform decoded; fields that do not apply are 0 / false. */
struct trap_info {
	enum trap_kind kind;
	const char *name; /* the architecture's name for the cause; valid during kernel_trap() */
	uint64_t code;	  /* the raw cause: vector, ESR_EL1, scause or ESTAT */
	uint64_t pc;	  /* address of the trapping instruction */
	uint64_t address; /* page and alignment faults: the faulting data address */
	bool write;	  /* page faults: the access was a store */
	bool exec;	  /* page faults: the access was an instruction fetch */
	bool user;	  /* the trap came from user mode (never, until user space) */
	struct hal_trap_frame *frame;
};

/*
 * Install the exception vectors on the calling CPU. After this, a fault in
 * the kernel reaches kernel_trap() instead of the firmware's leftovers (or
 * nothing at all). Context: early boot, interrupts masked.
 */
void hal_trap_init(void);

/* Print the trapped context's registers through the kernel log (for panic). */
void hal_trap_print_frame(const struct hal_trap_frame *frame);

/* The trapped context's frame pointer: where its backtrace starts. */
uintptr_t hal_trap_frame_pointer(const struct hal_trap_frame *frame);

/* Resume after the trapping instruction instead of retrying it (breakpoints). */
void hal_trap_skip_instruction(struct hal_trap_frame *frame);

/*
 * Implemented by the kernel (kernel/trap.c), called by the platform's trap
 * entry with interrupts masked. Returns to resume the trapped context (with
 * whatever the kernel changed in the frame); panics on a fault it cannot
 * resolve.
 */
void kernel_trap(struct trap_info *info);

#endif /* HAL_TRAP_H */
