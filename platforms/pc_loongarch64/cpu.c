/*
 * platforms/pc_loongarch64/cpu.c - HAL cpu contract for loongarch64.
 */
#include <core/acpi.h>
#include <core/boot_info.h>
#include <core/cpu.h>
#include <core/log.h>
#include <core/pmm.h>
#include <hal/cpu.h>
#include <hal/trap.h>
#include <hal/user.h>
#include <kernel/panic.h>

#include "loongarch.h"

/*
 * The lowest address a kernel stack frame can have: the start of the upper
 * half, where the direct map (and a secondary CPU's loader stack) begins.
 * Every address from here up has bits 63:47 all set and is translated
 * through PGDH (paging.c); a frame pointer below it is no kernel frame.
 */
#define KERNEL_SPACE_BASE UINT64_C(0xffff800000000000)

/* Write CRMD.IE (`ie` is CRMD_IE or 0) and return the old CRMD. */
static unsigned long crmd_ie_exchange(unsigned long ie)
{
	return csr_xchg(CSR_CRMD, ie, CRMD_IE);
}

__noreturn void hal_cpu_halt(void)
{
	crmd_ie_exchange(0); /* interrupts off */
	for (;;)
		__asm__ volatile("idle 0" ::: "memory");
}

/*
 * The per-CPU register is $r21, which the LoongArch psABI reserves: clang
 * never allocates it, so once set it keeps the CPU's pointer in kernel
 * mode. vectors.S keeps it across traps (never restored from a kernel
 * frame: the thread may come back on another CPU); SAVE1 holds a copy for
 * entries from user mode. The asm is volatile so that every call reads the
 * register again: a thread that migrated must not reuse an old value.
 */
struct cpu *hal_cpu_local(void)
{
	struct cpu *c;

	__asm__ volatile("move %0, $r21" : "=r"(c));
	return c;
}

void hal_cpu_init(struct cpu *cpu)
{
	unsigned long irq = hal_irq_save();

	/*
	 * A secondary CPU came through hal_cpu_entry (smp.S), which already
	 * moved it to the kernel's page tables and refill handler; its
	 * vectors get the boot CPU's setup here.
	 */
	if (cpu->id != 0)
		hal_trap_init();
	__asm__ volatile("move $r21, %0" : : "r"(cpu) : "memory");
	csr_write(CSR_SAVE1, (uintptr_t)cpu);

	/* The exception stack (vectors.S): from the direct map, which never faults. */
	uint64_t stack = pmm_alloc_pages(LA_EXC_STACK_SIZE / PMM_PAGE_SIZE, 1);

	if (stack == 0)
		panic("cpu %u: no memory for its exception stack", cpu->id);
	uintptr_t top = (uintptr_t)phys_to_virt(stack) + LA_EXC_STACK_SIZE;

	cpu->arch[LA_CPU_EXC_STACK] = top;
	csr_write(CSR_SAVE2, top);

	hal_user_init_cpu();
	la_timer_init_cpu();
	la_irq_init_cpu();
	hal_irq_restore(irq);
}

/* context.S: a thread's entry function returned, which the contract forbids. */
__noreturn void la_thread_returned(uintptr_t entry);

__noreturn void la_thread_returned(uintptr_t entry)
{
	panic("thread entry function 0x%llx returned", (unsigned long long)entry);
}

unsigned long hal_irq_save(void)
{
	/* Write IE = 0, get the old CRMD back: atomic with respect to interrupts. */
	return crmd_ie_exchange(0) & CRMD_IE;
}

void hal_irq_restore(unsigned long state)
{
	crmd_ie_exchange(state & CRMD_IE);
}

void hal_cpu_print_registers(void)
{
	uint64_t r[32];

	/* The values at this point of the call, stored before C disturbs them more. */
	__asm__ volatile("st.d $r1, %0, 8\n\tst.d $r2, %0, 16\n\tst.d $r3, %0, 24\n\t"
			 "st.d $r4, %0, 32\n\tst.d $r5, %0, 40\n\tst.d $r6, %0, 48\n\t"
			 "st.d $r7, %0, 56\n\tst.d $r8, %0, 64\n\tst.d $r9, %0, 72\n\t"
			 "st.d $r10, %0, 80\n\tst.d $r11, %0, 88\n\tst.d $r12, %0, 96\n\t"
			 "st.d $r13, %0, 104\n\tst.d $r14, %0, 112\n\tst.d $r15, %0, 120\n\t"
			 "st.d $r16, %0, 128\n\tst.d $r17, %0, 136\n\tst.d $r18, %0, 144\n\t"
			 "st.d $r19, %0, 152\n\tst.d $r20, %0, 160\n\tst.d $r21, %0, 168\n\t"
			 "st.d $r22, %0, 176\n\tst.d $r23, %0, 184\n\tst.d $r24, %0, 192\n\t"
			 "st.d $r25, %0, 200\n\tst.d $r26, %0, 208\n\tst.d $r27, %0, 216\n\t"
			 "st.d $r28, %0, 224\n\tst.d $r29, %0, 232\n\tst.d $r30, %0, 240\n\t"
			 "st.d $r31, %0, 248"
			 :
			 : "r"(r)
			 : "memory");
	r[0] = 0; /* $zero */

	/* The psABI names; $r21 has none (reserved by the ABI). */
	static const char *const names[32] = { "zero", "ra", "tp", "sp", "a0", "a1",  "a2", "a3",
					       "a4",   "a5", "a6", "a7", "t0", "t1",  "t2", "t3",
					       "t4",   "t5", "t6", "t7", "t8", "r21", "fp", "s0",
					       "s1",   "s2", "s3", "s4", "s5", "s6",  "s7", "s8" };

	for (int i = 1; i < 32; i += 4) {
		log_error("  %-3s %016llx", names[i], (unsigned long long)r[i]);
		for (int j = i + 1; j < i + 4 && j < 32; j++)
			log_error("  %-3s %016llx", names[j], (unsigned long long)r[j]);
		log_error("\n");
	}
	log_error("  crmd %016llx  prmd %016llx  estat %016llx  era  %016llx\n",
		  (unsigned long long)csr_read(CSR_CRMD), (unsigned long long)csr_read(CSR_PRMD),
		  (unsigned long long)csr_read(CSR_ESTAT), (unsigned long long)csr_read(CSR_ERA));
	log_error("  badv %016llx  pgdl %016llx  pgdh  %016llx\n",
		  (unsigned long long)csr_read(CSR_BADV), (unsigned long long)csr_read(CSR_PGDL),
		  (unsigned long long)csr_read(CSR_PGDH));
}

bool hal_frame_unwind(uintptr_t fp, uintptr_t *caller_fp, uintptr_t *return_address)
{
	/*
	 * clang's LoongArch prologue with a frame pointer stores $ra at
	 * [$sp + size - 8] and the caller's $fp at [$sp + size - 16], then
	 * points $fp at the frame's top ($sp + size). So [fp - 8] is the
	 * return address and [fp - 16] the caller's frame pointer.
	 */
	if (fp < KERNEL_SPACE_BASE + 16 || fp % 8 != 0)
		return false;
	const uintptr_t *frame = (const uintptr_t *)fp;

	*caller_fp = frame[-2];
	*return_address = frame[-1];
	return true;
}

/* Spin for about `ms` milliseconds on the stable counter (rdtime.d). */
static void delay_ms(unsigned ms)
{
	uint32_t muldiv = cpucfg(CPUCFG_CC_MULDIV);
	uint64_t mul = muldiv & 0xffff, div = muldiv >> 16;
	uint64_t hz = (uint64_t)cpucfg(CPUCFG_CC_FREQ) * (mul ? mul : 1) / (div ? div : 1);
	uint64_t start, now;

	if (hz == 0)
		hz = 100000000; /* what QEMU reports: 100 MHz */
	__asm__ volatile("rdtime.d %0, $zero" : "=r"(start));
	do {
		__asm__ volatile("rdtime.d %0, $zero" : "=r"(now));
	} while (now - start < hz / 1000 * ms);
}

__noreturn void hal_power_off(void)
{
	struct acpi_s5 s5;

	if (boot_info()->rsdp_phys == 0) {
		log_error("power-off: the firmware gave no ACPI tables: halting\n");
		hal_cpu_halt();
	}
	/*
	 * QEMU's loongarch virt machine has hardware-reduced ACPI: no PM1
	 * blocks, but a sleep control register (in its GED device) that
	 * takes SLP_TYP from \_S5 together with SLP_EN, as one byte.
	 */
	if (!acpi_s5(&s5)) {
		log_error("power-off: no FADT or \\_S5 in the ACPI tables\n");
	} else if (!s5.hw_reduced || s5.sleep_control.address == 0 ||
		   s5.sleep_control.space_id != ACPI_GAS_MEMORY) {
		log_error("power-off: no memory-mapped ACPI sleep control register\n");
	} else {
		volatile uint8_t *sleep_control = phys_to_virt(s5.sleep_control.address);

		*sleep_control = (uint8_t)(s5.slp_typa << ACPI_SLEEP_TYP_SHIFT | ACPI_SLEEP_EN);
		/* QEMU acts on the request from its main loop: give it time. */
		delay_ms(1000);
	}
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
