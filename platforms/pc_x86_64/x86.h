/*
 * platforms/pc_x86_64/x86.h - what the pc_x86_64 files share: MSRs,
 * interrupt vectors, the per-CPU words, and the functions one file offers
 * the others. Not a HAL contract: nothing outside this directory includes it.
 */
#ifndef PC_X86_64_X86_H
#define PC_X86_64_X86_H

/*
 * Interrupt vectors. The CPU's exceptions take 0-31; the 8259 PICs are
 * moved to 0x20-0x2f (and masked) so their spurious IRQ 7 and 15 land
 * somewhere known; I/O APIC lines sit at 0x30 + GSI; the local APIC's
 * own sources at the top, in the highest priority class.
 */
#define VEC_PIC_BASE		0x20
#define VEC_PIC_SPURIOUS_MASTER (VEC_PIC_BASE + 7)
#define VEC_PIC_SPURIOUS_SLAVE	(VEC_PIC_BASE + 15)
#define VEC_GSI_BASE		0x30
#define VEC_GSI_LAST		0xef
#define VEC_TIMER		0xf0
#define VEC_IPI			0xf1
#define VEC_SPURIOUS		0xff /* local APIC spurious: no EOI */

/* IST slots in each CPU's TSS (1-based, as the IDT gate names them). */
#define IST_DOUBLE_FAULT  1
#define IST_NMI		  2
#define IST_MACHINE_CHECK 3

/* Model-specific registers. */
#define MSR_APIC_BASE	   0x1b
#define MSR_TSC_DEADLINE   0x6e0
#define MSR_EFER	   0xc0000080
#define MSR_FS_BASE	   0xc0000100
#define MSR_GS_BASE	   0xc0000101
#define MSR_KERNEL_GS_BASE 0xc0000102

/*
 * The platform's words in struct cpu (arch[], <core/cpu.h>). Words 4-6
 * are free: the system-call entry will need two of them (the user stack
 * pointer while it switches stacks, the thread's kernel stack top).
 */
#define X86_CPU_TABLES	 0 /* struct x86_cpu_tables *: this CPU's GDT, TSS, IST stacks */
#define X86_CPU_DEADLINE 1 /* the deadline hal_timer_arm() asked for, UINT64_MAX: none */
#define X86_CPU_SPURIOUS 2 /* spurious interrupts counted and dropped */
#define X86_CPU_APIC_ID	 3 /* the local APIC ID, as the CPU itself reads it: IPIs go there */

#ifndef __ASSEMBLER__

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cpu;
struct hal_trap_frame;

static inline void cpuid(uint32_t leaf, uint32_t *a, uint32_t *b, uint32_t *c, uint32_t *d)
{
	__asm__ volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d) : "a"(leaf), "c"(0));
}

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;

	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return (uint64_t)hi << 32 | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr" ::"c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)) : "memory");
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

/* gdt.c: descriptor tables. */
void x86_gdt_load_boot(void);		/* the shared boot GDT (until a CPU has its own) */
void x86_gdt_init_cpu(struct cpu *cpu); /* this CPU's GDT, TSS and IST stacks */
void x86_idt_load(void);		/* trap.c: the shared IDT */
void x86_idt_use_ist(void);		/* trap.c: #DF, NMI, #MC gates switch to their IST */

/* paging.c: the kernel's PML4 (physical), for CPUs that start later (smp.S). */
extern uint64_t x86_kernel_cr3;

/*
 * Device registers at physical `pa` (`size` bytes), reached through the
 * direct map, which covers the first 4 GiB uncached where no RAM is; other
 * MMIO is mapped there uncached on first use. Panics when the range is
 * mapped cacheable (RAM) or cannot be mapped.
 */
volatile void *x86_mmio(uint64_t pa, size_t size);

/* lapic.c: the local APIC, in xAPIC (MMIO) or x2APIC (MSR) mode as the firmware left it. */
void lapic_init(void);	   /* boot CPU: find it, pick the access mode */
void lapic_init_cpu(void); /* this CPU: enable, every LVT masked, timer vector set */
uint32_t lapic_id(void);   /* this CPU's APIC ID */
void lapic_eoi(void);
bool lapic_in_service(unsigned vector); /* ISR bit: the APIC delivered `vector` and awaits EOI */
void lapic_send_ipi(uint32_t apic_id, unsigned vector);
/* The timer: calibration and one-shot use (timer.c). */
void lapic_timer_start_count(uint32_t count); /* one-shot count (0 stops), divide by 16 */
uint32_t lapic_timer_current(void);
void lapic_timer_mode(bool tsc_deadline);

/* ioapic.c: the I/O APICs and the legacy PICs. */
void ioapic_init(void);		 /* mask every line; the 8259s moved to VEC_PIC_BASE and masked */
unsigned ioapic_gsi_count(void); /* GSIs 0 .. count-1 have a vector (VEC_GSI_BASE + gsi) */

/* timer.c */
void x86_clock_init(void);			  /* calibrate the TSC and local APIC timer */
void x86_timer_init_cpu(struct cpu *cpu);	  /* this CPU's timer mode, disarmed */
void x86_timer_irq(struct hal_trap_frame *frame); /* VEC_TIMER, after EOI */

/* irq.c: vectors 32-255 (trap.c hands them over). */
void x86_irq(unsigned vector, struct hal_trap_frame *frame);

#endif /* __ASSEMBLER__ */
#endif /* PC_X86_64_X86_H */
