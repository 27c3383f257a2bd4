/*
 * platforms/pc_riscv64/riscv.h - what the pc_riscv64 files share, C and assembly.
 *
 * The platform's words of struct cpu (arch[], <core/cpu.h>), which the trap
 * entry reaches through tp; CSR bits; the SBI call; and the few functions
 * one file of this platform offers another.
 */
#ifndef PLATFORM_RISCV_H
#define PLATFORM_RISCV_H

/*
 * struct cpu's arch[] words, as byte offsets from the struct (tp). While
 * the hart runs kernel code, tp always holds its struct cpu (or 0 before
 * hal_cpu_init), and so does sscratch, in every mode: the trap entry swaps
 * the two, so it finds struct cpu without trusting the trapped tp, which
 * in user mode is the program's (vectors.S).
 *   SCRATCH     the trapped t0 while the entry works
 *   SSTATUS     the trapped sstatus while the entry checks that a kernel
 *               trap's frame fits on the stack, 0 otherwise; never 0 while
 *               checking, since only traps from S-mode (SPP set) check. A
 *               trap that finds it non-zero was caused by that check
 *   EMERGENCY   top of this hart's emergency stack, for that case
 *   SEPC, SCAUSE, STVAL  the trap's other CSRs, saved before the check
 *               can clobber them
 *   KSTACK      top of the kernel stack of the user thread that runs on
 *               this hart (hal_user_set_kernel_stack): where an entry from
 *               user mode stores its frame
 */
#define CPU_RV_BASE	 8 /* CPU_ARCH_OFFSET: <core/cpu.h> is C only */
#define CPU_RV_SCRATCH	 (CPU_RV_BASE + 0 * 8)
#define CPU_RV_SSTATUS	 (CPU_RV_BASE + 1 * 8)
#define CPU_RV_EMERGENCY (CPU_RV_BASE + 2 * 8)
#define CPU_RV_SEPC	 (CPU_RV_BASE + 3 * 8)
#define CPU_RV_SCAUSE	 (CPU_RV_BASE + 4 * 8)
#define CPU_RV_STVAL	 (CPU_RV_BASE + 5 * 8)
#define CPU_RV_KSTACK	 (CPU_RV_BASE + 6 * 8)
#define CPU_RV_WORDS	 7

#define SSTATUS_SIE  (1 << 1)
#define SSTATUS_SPIE (1 << 5)
#define SSTATUS_SPP  (1 << 8)
#define SSTATUS_VS   (3 << 9)  /* vector state: 0 = Off, its instructions are illegal */
#define SSTATUS_FS   (3 << 13) /* floating-point state: 0 = Off, likewise */
#define SSTATUS_SUM  (1 << 18) /* S-mode loads and stores may reach U=1 pages */
#define SSTATUS_MXR  (1 << 19) /* loads may read execute-only pages */

/* sie / sip bits: supervisor software, timer and external interrupts. */
#define SIE_SSIE (1 << 1)
#define SIE_STIE (1 << 5)
#define SIE_SEIE (1 << 9)

/* scause interrupt codes (bit 63 set). */
#define IRQ_CODE_SOFTWARE 1
#define IRQ_CODE_TIMER	  5
#define IRQ_CODE_EXTERNAL 9

#ifndef __ASSEMBLER__
#include <base/compiler.h>
#include <core/cpu.h>
#include <stdbool.h>
#include <stdint.h>

STATIC_ASSERT(CPU_RV_BASE == CPU_ARCH_OFFSET, "struct cpu's arch[] is where vectors.S looks");
STATIC_ASSERT(CPU_RV_WORDS <= CPU_ARCH_WORDS, "struct cpu has room for the platform's words");

/* SBI extensions used by this platform. */
#define SBI_EXT_BASE		 0x10
#define SBI_BASE_PROBE_EXTENSION 3
#define SBI_EXT_TIME		 0x54494D45 /* "TIME": set_timer */
#define SBI_EXT_IPI		 0x735049   /* "sPI": send_ipi */
#define SBI_EXT_LEGACY_TIMER	 0x00
#define SBI_EXT_LEGACY_IPI	 0x04

struct sbiret {
	long error; /* 0: success; negative: an SBI error code */
	long value;
};

/* One SBI call: extension `ext`, function `fid`, two arguments. */
struct sbiret riscv_sbi_call(unsigned long ext, unsigned long fid, unsigned long arg0,
			     unsigned long arg1);

/* Whether the SBI implements extension `ext` (the base extension's probe). */
bool riscv_sbi_has(unsigned long ext);

/* A CSR's value; csrr encodes the CSR's number, so it takes a name, not a variable. */
#define READ_CSR(name)                                          \
	({                                                      \
		unsigned long v_;                               \
		__asm__ volatile("csrr %0, " #name : "=r"(v_)); \
		v_;                                             \
	})

/* paging.c: satp for the kernel's tables, set by hal_paging_init() (smp.S loads it). */
extern uint64_t riscv_kernel_satp;

/* irq.c: the interrupt path of riscv_trap() (trap.c); `code` is scause without bit 63. */
struct hal_trap_frame;
void riscv_irq(struct hal_trap_frame *frame, uint64_t code);

/* timer.c: hal_irq_init()'s part: the timebase, Sstc or the SBI, the clock's start. */
void riscv_timer_init(void);

/*
 * timer.c: disarm the calling hart's timer, which also clears a pending
 * timer interrupt: its acknowledgement, and its state in hal_cpu_init().
 */
void riscv_timer_disarm(void);

/* plic.c: find the PLIC and mask every line (boot hart); false when there is none. */
bool riscv_plic_init(void);

/*
 * plic.c: the calling hart's supervisor context (found by cpu->hw_id):
 * threshold 0; the boot hart's (cpu->id 0) receives every unmasked line.
 * False when there is no PLIC or no context for the hart.
 */
bool riscv_plic_init_cpu(const struct cpu *cpu);

/*
 * plic.c: claim the pending line of the calling hart's context (`cpu` is
 * its logical ID) and complete it at once: the kernel is told after the
 * acknowledgement (include/hal/irq.h). Returns the line's number, or 0
 * when nothing was pending: a spurious external interrupt.
 */
unsigned riscv_plic_claim_complete(unsigned cpu);
#endif /* __ASSEMBLER__ */

#endif /* PLATFORM_RISCV_H */
