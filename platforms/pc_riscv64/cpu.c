/*
 * platforms/pc_riscv64/cpu.c - HAL cpu contract for riscv64.
 *
 * The per-CPU pointer lives in tp. The psABI reserves tp for thread-local
 * storage, which the kernel does not use, so the compiler never allocates
 * it: while the hart runs kernel code, tp is always this hart's struct
 * cpu. Nothing restores it from a saved kernel context (vectors.S,
 * context.S), because a kernel thread may continue on another hart. User
 * programs own tp; sscratch keeps the struct cpu for the trap entry, which
 * swaps the two (vectors.S).
 */
#include <base/printf.h>
#include <core/boot_info.h>
#include <core/log.h>
#include <core/pmm.h>
#include <hal/cpu.h>
#include <hal/paging.h>
#include <hal/trap.h>
#include <hal/user.h>
#include <kernel/panic.h>

#include "riscv.h"

#define SATP_MODE_SHIFT 60
#define SATP_MODE_SV39	8

/*
 * Each hart's emergency stack, for reporting a kernel stack overflow
 * (vectors.S): the panic report, its formatting and the backtrace.
 */
#define EMERGENCY_STACK_PAGES 4

#define SBI_EXT_SRST		0x53525354 /* "SRST": system reset */
#define SBI_SRST_RESET		0
#define SBI_SRST_TYPE_SHUTDOWN	0
#define SBI_SRST_REASON_NONE	0
#define SBI_EXT_LEGACY_SHUTDOWN 0x08

__noreturn void hal_cpu_halt(void)
{
	/* wfi may return spuriously at any time (the ISA allows it). */
	__asm__ volatile("csrc sstatus, %0" ::"r"(SSTATUS_SIE) : "memory");
	for (;;)
		__asm__ volatile("wfi" ::: "memory");
}

struct cpu *hal_cpu_local(void)
{
	struct cpu *c;

	__asm__ volatile("mv %0, tp" : "=r"(c));
	return c;
}

void hal_cpu_init(struct cpu *cpu)
{
	/*
	 * A secondary hart already runs on the kernel's tables and vectors
	 * (smp.S); this is what hal_paging_init() and hal_trap_init() leave
	 * on the boot hart, done again so the two harts' states cannot drift
	 * apart: the switch also flushes the TLB, the trap init sets sscratch.
	 */
	if (cpu->id != 0) {
		hal_paging_switch(hal_paging_kernel());
		hal_trap_init();
	}
	uint64_t stack = pmm_alloc_pages(EMERGENCY_STACK_PAGES, 1);

	if (stack == 0)
		panic("cpu %u: no memory for its emergency stack", cpu->id);
	for (unsigned i = 0; i < CPU_RV_WORDS; i++)
		cpu->arch[i] = 0;
	cpu->arch[(CPU_RV_EMERGENCY - CPU_RV_BASE) / 8] =
		(uintptr_t)phys_to_virt(stack) + EMERGENCY_STACK_PAGES * 4096;

	/*
	 * From here on a trap may use the words above. The trap entry swaps
	 * tp with sscratch, so both name the struct cpu (vectors.S).
	 */
	__asm__ volatile("csrw sscratch, %0\n\t"
			 "mv tp, %0"
			 :
			 : "r"(cpu)
			 : "memory");
	hal_user_init_cpu();

	riscv_timer_disarm();
	unsigned long enable = SIE_SSIE | SIE_STIE;

	if (riscv_plic_init_cpu(cpu))
		enable |= SIE_SEIE;
	/*
	 * A software interrupt still pending from the firmware would look
	 * like an IPI; the kernel sends IPIs only to CPUs that are online,
	 * which this one is not yet, so clearing it loses nothing.
	 */
	__asm__ volatile("csrc sip, %0\n\t"
			 "csrs sie, %1"
			 :
			 : "r"((unsigned long)SIE_SSIE), "r"(enable)
			 : "memory");
}

uintptr_t hal_context_init(uintptr_t stack_top, void (*entry)(void *), void *arg)
{
	extern char riscv_thread_start[];
	/* The record hal_context_switch() pops: ra, then s0-s11 (context.S). */
	enum { RECORD_WORDS = 14, RA = 0, S0 = 1, S1 = 2, S2 = 3 };
	uintptr_t *record = (uintptr_t *)(ALIGN_DOWN(stack_top, 16) - RECORD_WORDS * 8);

	for (unsigned i = 0; i < RECORD_WORDS; i++)
		record[i] = 0;
	record[RA] = (uintptr_t)riscv_thread_start;
	record[S0] = 0; /* the frame-pointer chain ends at the thread's first frame */
	record[S1] = (uintptr_t)entry;
	record[S2] = (uintptr_t)arg;
	return (uintptr_t)record;
}

/* context.S: a thread's entry function returned, which it must never do. */
__noreturn void riscv_thread_returned(void (*entry)(void *));

__noreturn void riscv_thread_returned(void (*entry)(void *))
{
	panic("thread entry %p returned", (void *)entry);
}

unsigned long hal_irq_save(void)
{
	unsigned long sstatus;

	/* csrrc reads sstatus and clears SIE in one instruction: no window between the two. */
	__asm__ volatile("csrrc %0, sstatus, %1" : "=r"(sstatus) : "r"(SSTATUS_SIE) : "memory");
	return sstatus & SSTATUS_SIE;
}

void hal_irq_restore(unsigned long state)
{
	/* csrs sets the bits given: SIE if it was set at the save, nothing otherwise. */
	__asm__ volatile("csrs sstatus, %0" : : "r"(state & SSTATUS_SIE) : "memory");
}

void hal_cpu_print_registers(void)
{
	uint64_t x[32]; /* indexed by register number; x0 is always zero and not stored */

	/* x1..x31 at this point of the call, stored before C disturbs them more. */
	__asm__ volatile("sd x1, 8(%0)\n\tsd x2, 16(%0)\n\tsd x3, 24(%0)\n\tsd x4, 32(%0)\n\t"
			 "sd x5, 40(%0)\n\tsd x6, 48(%0)\n\tsd x7, 56(%0)\n\tsd x8, 64(%0)\n\t"
			 "sd x9, 72(%0)\n\tsd x10, 80(%0)\n\tsd x11, 88(%0)\n\tsd x12, 96(%0)\n\t"
			 "sd x13, 104(%0)\n\tsd x14, 112(%0)\n\tsd x15, 120(%0)\n\t"
			 "sd x16, 128(%0)\n\tsd x17, 136(%0)\n\tsd x18, 144(%0)\n\t"
			 "sd x19, 152(%0)\n\tsd x20, 160(%0)\n\tsd x21, 168(%0)\n\t"
			 "sd x22, 176(%0)\n\tsd x23, 184(%0)\n\tsd x24, 192(%0)\n\t"
			 "sd x25, 200(%0)\n\tsd x26, 208(%0)\n\tsd x27, 216(%0)\n\t"
			 "sd x28, 224(%0)\n\tsd x29, 232(%0)\n\tsd x30, 240(%0)\n\tsd x31, 248(%0)"
			 :
			 : "r"(x)
			 : "memory");

	/* One line per ABI group, as the calling convention names them: the x-number of each. */
	static const struct {
		char name[4];
		unsigned char reg;
	} lines[][4] = {
		{ { "ra", 1 }, { "sp", 2 }, { "gp", 3 }, { "tp", 4 } },
		{ { "t0", 5 }, { "t1", 6 }, { "t2", 7 }, { "t3", 28 } },
		{ { "t4", 29 }, { "t5", 30 }, { "t6", 31 } },
		{ { "s0", 8 }, { "s1", 9 }, { "s2", 18 }, { "s3", 19 } },
		{ { "s4", 20 }, { "s5", 21 }, { "s6", 22 }, { "s7", 23 } },
		{ { "s8", 24 }, { "s9", 25 }, { "s10", 26 }, { "s11", 27 } },
		{ { "a0", 10 }, { "a1", 11 }, { "a2", 12 }, { "a3", 13 } },
		{ { "a4", 14 }, { "a5", 15 }, { "a6", 16 }, { "a7", 17 } },
	};

	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		char line[128];
		size_t len = 0;

		for (size_t j = 0; j < 4 && lines[i][j].reg != 0; j++)
			len += (size_t)snprintf(line + len, sizeof(line) - len, "  %-3s %016llx",
						lines[i][j].name,
						(unsigned long long)x[lines[i][j].reg]);
		log_error("%s\n", line);
	}
	log_error("  sstatus %016lx  satp  %016lx  sie  %016lx\n", READ_CSR(sstatus),
		  READ_CSR(satp), READ_CSR(sie));
	log_error("  stvec   %016lx  scause %016lx  stval %016lx  sepc %016lx\n", READ_CSR(stvec),
		  READ_CSR(scause), READ_CSR(stval), READ_CSR(sepc));
}

/* The lowest address of the upper half in the paging mode the hart runs: the kernel's half. */
static uintptr_t upper_half_start(void)
{
	unsigned long mode = READ_CSR(satp) >> SATP_MODE_SHIFT;
	unsigned va_bits = mode == SATP_MODE_SV39 ? 39 : 48;

	return ~(uintptr_t)0 << (va_bits - 1);
}

bool hal_frame_unwind(uintptr_t fp, uintptr_t *caller_fp, uintptr_t *return_address)
{
	/*
	 * clang's riscv64 frame record (-fno-omit-frame-pointer): the prologue
	 * stores ra at [sp_entry - 8] and the caller's s0 at [sp_entry - 16],
	 * then sets s0 = sp_entry. So s0 points just ABOVE the record.
	 */
	if (fp % 8 != 0 || fp < upper_half_start() + 16)
		return false;
	const uintptr_t *frame = (const uintptr_t *)fp;

	*return_address = frame[-1];
	*caller_fp = frame[-2];
	return true;
}

struct sbiret riscv_sbi_call(unsigned long ext, unsigned long fid, unsigned long arg0,
			     unsigned long arg1)
{
	/* The SBI calling convention: a7 extension, a6 function, a0/a1 in and out. */
	register unsigned long a0 __asm__("a0") = arg0;
	register unsigned long a1 __asm__("a1") = arg1;
	register unsigned long a6 __asm__("a6") = fid;
	register unsigned long a7 __asm__("a7") = ext;

	__asm__ volatile("ecall" : "+r"(a0), "+r"(a1) : "r"(a6), "r"(a7) : "memory");
	return (struct sbiret){ (long)a0, (long)a1 };
}

bool riscv_sbi_has(unsigned long ext)
{
	struct sbiret probe = riscv_sbi_call(SBI_EXT_BASE, SBI_BASE_PROBE_EXTENSION, ext, 0);

	return probe.error == 0 && probe.value != 0;
}

__noreturn void hal_power_off(void)
{
	/*
	 * SBI System Reset, when the base extension says the SBI has it (SBI
	 * 0.3 and later). A successful call does not return.
	 */
	if (riscv_sbi_has(SBI_EXT_SRST))
		riscv_sbi_call(SBI_EXT_SRST, SBI_SRST_RESET, SBI_SRST_TYPE_SHUTDOWN,
			       SBI_SRST_REASON_NONE);
	/* The legacy (SBI 0.1) shutdown: an SBI without it returns an error here. */
	riscv_sbi_call(SBI_EXT_LEGACY_SHUTDOWN, 0, 0, 0);
	log_error("power-off failed: halting\n");
	hal_cpu_halt();
}

/* No I/O-port space on this architecture: device registers are memory-mapped. */
bool hal_port_read(uint16_t port, unsigned width, uint32_t *value)
{
	(void)port, (void)width, (void)value;
	return false;
}

bool hal_port_write(uint16_t port, unsigned width, uint32_t value)
{
	(void)port, (void)width, (void)value;
	return false;
}
