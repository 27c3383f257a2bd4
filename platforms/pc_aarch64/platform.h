/*
 * platforms/pc_aarch64/platform.h - what the pc_aarch64 files tell each other.
 *
 * Not a HAL contract: these are the platform's own internals, shared
 * between its source files and nothing else.
 */
#ifndef PC_AARCH64_PLATFORM_H
#define PC_AARCH64_PLATFORM_H

/*
 * The platform's words of struct cpu (arch[], <core/cpu.h>). The EL0
 * vectors (vectors.S) read the kernel stack slot through TPIDR_EL1; the
 * other words are C's. The exception stack is reached through SP_EL1,
 * which the CPU switches to by itself.
 */
#define CPU_ARCH_EXCEPTION_STACK 0 /* top of this CPU's SP_EL1 stack */
#define CPU_ARCH_TRAP_NESTING	 1 /* synchronous exceptions in progress (trap.c) */
#define CPU_ARCH_SPURIOUS	 2 /* spurious interrupts dropped (irq.c) */
#define CPU_ARCH_KERNEL_STACK	 3 /* top of the running user thread's kernel stack (user.c) */

#ifndef __ASSEMBLER__

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define READ_SYSREG(name)                                      \
	({                                                     \
		uint64_t v_;                                   \
		__asm__ volatile("mrs %0, " #name : "=r"(v_)); \
		v_;                                            \
	})

#define WRITE_SYSREG(name, value) __asm__ volatile("msr " #name ", %0" ::"r"((uint64_t)(value)))

/* MPIDR_EL1 affinity fields: Aff3 (39:32) and Aff2..Aff0 (23:0), as the boot protocol's hw_id. */
#define MPIDR_AFFINITY UINT64_C(0xff00ffffff)

/*
 * console.c: the physical address of the PL011 the console writes to, or 0
 * before hal_console_init(). paging.c maps its page as device memory.
 */
uint64_t aarch64_console_phys(void);

/*
 * paging.c: the kernel's MAIR_EL1, TCR_EL1, TTBR1_EL1 and TTBR0_EL1, in
 * that order, set by hal_paging_init(). A secondary CPU loads them in
 * hal_cpu_entry (smp.S) before it touches anything outside the kernel
 * image and the direct map: its stack lives in the kernel VMM window,
 * which the loader's tables do not map.
 */
extern uint64_t aarch64_kernel_mmu[4];

/*
 * paging.c: a kernel pointer to `size` bytes of MMIO at `phys`, mapped as
 * Device-nGnRE: the direct map's own address, where it already maps the
 * range as device memory, or after mapping the missing pages there. NULL
 * when a page of the range is normal memory in the direct map or beyond
 * it, or page tables run out. Boot CPU, after hal_paging_init().
 */
volatile void *aarch64_map_device(uint64_t phys, uint64_t size);

/*
 * trap.c: make `stack_top` the calling CPU's exception stack (SP_EL1) and
 * install the vectors; hal_trap_init() does the same with the boot CPU's
 * static stack.
 */
void aarch64_trap_init_cpu(uintptr_t stack_top);

/* The boot CPU's exception stack (trap.c), for hal_cpu_init(). */
uintptr_t aarch64_boot_exception_stack_top(void);

/*
 * The trapped context, as vectors.S saves it (lowest address first; its
 * FRAME_* offsets must match, trap.c checks them): on the exception stack
 * for synchronous exceptions from EL1, on the thread's kernel stack for
 * IRQs and for everything from EL0.
 */
struct hal_trap_frame {
	uint64_t x[31];	    /* x0-x30; x29 is the frame pointer, x30 the link register */
	uint64_t sp;	    /* the trapped SP (SP_EL0, or SP_EL1 for a nested trap) */
	uint64_t elr;	    /* ELR_EL1: where eret resumes; the trapping insn, or past SVC */
	uint64_t spsr;	    /* SPSR_EL1: the trapped PSTATE */
	uint64_t esr;	    /* ESR_EL1: exception class and syndrome */
	uint64_t far;	    /* FAR_EL1: the faulting address, for aborts */
	uint64_t vector;    /* which of the 16 VBAR_EL1 entries was taken */
	uint64_t tpidr_el0; /* TPIDR_EL0: saved and restored for EL0 only */
};

/* The vector indices of exceptions from EL0 that do not go to aarch64_trap_report(). */
#define VECTOR_EL0_SYNC 8
#define VECTOR_EL0_IRQ	9

/* ESR_EL1 fields, as the Arm ARM describes the register. */
#define ESR_EC(esr)  (((esr) >> 26) & 0x3f) /* exception class */
#define ESR_ISS(esr) ((esr) & 0x1ffffff)    /* instruction-specific syndrome */
#define EC_SVC	     0x15		    /* SVC from AArch64; the ISS holds its immediate */

/*
 * trap.c: decode the exception saved in `f` (any vector but an IRQ from
 * EL1t or EL0, and a syscall) into a struct trap_info, with `user` from
 * the trapped exception level, and call kernel_trap() with it.
 */
void aarch64_trap_report(struct hal_trap_frame *f);

/* irq.c: acknowledge and handle one interrupt that arrived with `f` saved. */
void aarch64_irq(struct hal_trap_frame *f);

/* irq.c: the calling CPU's side of the GIC and its timer, with the IPI and timer lines on. */
void aarch64_irq_init_cpu(unsigned cpu_id);

/* ---- gic.c: the GIC, version 2 or 3. */

#define GIC_SPURIOUS_FIRST 1020 /* INTIDs 1020-1023 are special: nothing to handle */
#define GIC_SPI_FIRST	   32	/* INTIDs below are SGIs (0-15) and PPIs (16-31) of each CPU */

/* Find the GIC (ACPI MADT, else the device tree), map it and mask every SPI. Panics without one. */
void gic_init(void);

/* The calling CPU's interface and redistributor: SGIs and PPIs masked, then `ppis` enabled. */
void gic_init_cpu(unsigned cpu_id, uint32_t enabled_private);

/* Acknowledge the highest-priority pending interrupt: the raw IAR value and its INTID. */
uint32_t gic_ack(unsigned *intid);

/* End the interrupt gic_ack() returned (the raw value). */
void gic_eoi(uint32_t iar);

/* Send SGI `sgi` to logical CPU `cpu_id`, whose gic_init_cpu() has run. */
void gic_send_sgi(unsigned cpu_id, unsigned sgi);

/* SPIs: whether `intid` is one this GIC has; enable or disable it (routed to the boot CPU). */
bool gic_spi_valid(unsigned intid);
void gic_spi_enable(unsigned intid, bool enable);

/* "GICv2" or "GICv3", for the log. */
const char *gic_name(void);

/* ---- timer.c: the generic timer, EL1 virtual timer. */

/* Frequency, the clock's origin and the timer's PPI (ACPI GTDT, else the device tree). */
void timer_init(void);

/* The timer's INTID (a PPI). */
unsigned timer_intid(void);

/*
 * Disarm the calling CPU's timer until the next hal_timer_arm(): at
 * start-up, and in the interrupt path, since its line is level-triggered.
 */
void timer_quiesce(void);

#endif /* __ASSEMBLER__ */
#endif /* PC_AARCH64_PLATFORM_H */
