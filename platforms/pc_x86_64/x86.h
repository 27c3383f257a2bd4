/*
 * platforms/pc_x86_64/x86.h - what the pc_x86_64 files share: MSRs,
 * interrupt vectors, the per-CPU words, and the functions one file offers
 * the others. Not a HAL contract: nothing outside this directory includes it.
 */
#ifndef PC_X86_64_X86_H
#define PC_X86_64_X86_H

#include <core/cpu.h>

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
#define MSR_STAR	   0xc0000081 /* syscall/sysret selectors */
#define MSR_LSTAR	   0xc0000082 /* 64-bit syscall entry point */
#define MSR_CSTAR	   0xc0000083 /* compatibility-mode syscall entry point */
#define MSR_FMASK	   0xc0000084 /* RFLAGS bits syscall clears */
#define MSR_FS_BASE	   0xc0000100
#define MSR_GS_BASE	   0xc0000101
#define MSR_KERNEL_GS_BASE 0xc0000102

/*
 * Segment selectors of each CPU's GDT (gdt.c). Kernel code and data sit
 * where the Limine protocol put them; the user segments follow in the
 * order sysret needs: it loads SS from STAR[63:48] + 8 and CS from
 * STAR[63:48] + 16, so with STAR[63:48] = 0x33 user data is 0x38 and user
 * code 0x40 (RPL 3 in both selectors). syscall loads CS from STAR[47:32]
 * and SS from STAR[47:32] + 8: kernel code, then kernel data.
 */
#define SEL_KERNEL_CODE 0x28
#define SEL_KERNEL_DATA 0x30
#define SEL_USER_DATA	(0x38 | 3)
#define SEL_USER_CODE	(0x40 | 3)
#define SEL_TSS		0x48

/*
 * A frame's `vector` for an entry by the syscall instruction (no IDT
 * vector is that large): such a frame may leave by sysret (user.S).
 */
#define X86_VECTOR_SYSCALL 0x100

/*
 * The platform's words in struct cpu (arch[], <core/cpu.h>); word 6 is free.
 * X86_CPU_OFFSET(word) is a word's byte offset from the GS base, for assembly.
 */
#define X86_CPU_TABLES	     0 /* struct x86_cpu_tables *: this CPU's GDT, TSS, IST stacks */
#define X86_CPU_DEADLINE     1 /* the deadline hal_timer_arm() asked for, UINT64_MAX: none */
#define X86_CPU_SPURIOUS     2 /* spurious interrupts counted and dropped */
#define X86_CPU_APIC_ID	     3 /* the local APIC ID, as the CPU itself reads it: IPIs go there */
#define X86_CPU_USER_RSP     4 /* syscall entry: the user RSP while it moves to the kernel stack */
#define X86_CPU_KERNEL_STACK 5 /* the running user thread's kernel stack top (also TSS.RSP0) */
#define X86_CPU_OFFSET(word) (CPU_ARCH_OFFSET + 8 * (word))

#ifdef __ASSEMBLER__

/* Byte offsets in struct hal_trap_frame (below), for vectors.S and user.S. */
#define FRAME_VECTOR 120
#define FRAME_ERROR  128
#define FRAME_RIP    136
#define FRAME_CS     144
#define FRAME_RFLAGS 152
#define FRAME_RSP    160

/*
 * The general-purpose registers below the vector and error code, in the
 * order of struct hal_trap_frame; 15 quadwords.
 */
/* clang-format off */
.macro PUSH_REGS
	pushq	%rax
	pushq	%rbx
	pushq	%rcx
	pushq	%rdx
	pushq	%rsi
	pushq	%rdi
	pushq	%rbp
	pushq	%r8
	pushq	%r9
	pushq	%r10
	pushq	%r11
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
.endm

.macro POP_REGS
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%r11
	popq	%r10
	popq	%r9
	popq	%r8
	popq	%rbp
	popq	%rdi
	popq	%rsi
	popq	%rdx
	popq	%rcx
	popq	%rbx
	popq	%rax
.endm
/* clang-format on */

/*
 * RFLAGS for the kernel's C code after a trap or interrupt: only the
 * always-one bit. IF is clear already (interrupt gates), DF must be (the
 * ABI), and AC must be, so that SMAP guards user pages even when the
 * trapped code had it set (user mode may set AC; hal_user_copy does).
 * iretq gives the trapped code its own RFLAGS back.
 */
#define RFLAGS_KERNEL 0x2

#else /* !__ASSEMBLER__ */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cpu;

/*
 * The saved registers of a trap (struct hal_trap_frame of <hal/trap.h>),
 * lowest address first: vectors.S pushes it for every IDT vector, user.S
 * builds the same for the syscall instruction (vector X86_VECTOR_SYSCALL)
 * and for the first entry into user mode. The assembly uses FRAME_*.
 */
struct hal_trap_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error;
	uint64_t rip, cs, rflags, rsp, ss; /* pushed by the CPU */
};

#define FRAME_OFFSET_IS(field, offset) \
	(__builtin_offsetof(struct hal_trap_frame, field) == (offset))
_Static_assert(sizeof(struct hal_trap_frame) == 22 * 8, "vectors.S pushes 22 quadwords");
_Static_assert(FRAME_OFFSET_IS(vector, 120) && FRAME_OFFSET_IS(error, 128) &&
		       FRAME_OFFSET_IS(rip, 136) && FRAME_OFFSET_IS(cs, 144) &&
		       FRAME_OFFSET_IS(rflags, 152) && FRAME_OFFSET_IS(rsp, 160) &&
		       FRAME_OFFSET_IS(ss, 168),
	       "FRAME_* (the assembly's offsets) match the struct");
#undef FRAME_OFFSET_IS

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
void x86_tss_set_rsp0(struct cpu *cpu, uint64_t rsp0); /* the stack of entries from ring 3 */
void x86_idt_load(void);			       /* trap.c: the shared IDT */
void x86_idt_use_ist(void); /* trap.c: #DF, NMI, #MC gates switch to their IST */

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
void lapic_send_nmi(uint32_t apic_id);
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

/* trap.c: every IDT vector, called by vectors.S (and user.S for a bad return RIP). */
void x86_trap(struct hal_trap_frame *frame);

/* user.c: one syscall, its arguments and results in the frame user.S built. */
void x86_syscall(struct hal_trap_frame *frame);

#endif /* __ASSEMBLER__ */
#endif /* PC_X86_64_X86_H */
