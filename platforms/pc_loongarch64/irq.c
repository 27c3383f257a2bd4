/*
 * platforms/pc_loongarch64/irq.c - HAL irq contract for loongarch64: the CPU's
 * interrupt lines and the IPI.
 *
 * Every core has thirteen interrupt lines of its own, seen in ESTAT.IS and
 * enabled one by one in ECFG.LIE, all behind the global CRMD.IE: two
 * software lines, eight hardware lines HWI0-7 (where the extended I/O
 * interrupt controller, EIOINTC, delivers device interrupts), the
 * performance counter, the constant timer (timer.c) and the IPI. Any
 * enabled pending line raises one exception, Ecode 0, at EENTRY, and
 * vectors.S and la_trap() hand it to la_interrupt() below.
 *
 * IPI. Each core has an IPI block in IOCSR space: 32 status bits
 * (IPI_STATUS), their enables (IPI_EN), a write-one-to-clear register
 * (IPI_CLEAR), and IPI_SEND, which sets status bit n of core c: whichever
 * core writes it. An enabled status bit raises the core's IPI line. The
 * kernel keeps its own bitmap of requests (cpu->ipi_pending), so one bit
 * (0) is all this file sends, and any bit received means "look".
 *
 * Device lines. A device's line goes into the bridge's PCH-PIC
 * (pch_pic.c), which masks it or sends it on as a vector to the EIOINTC
 * (eiointc.c), which raises one hardware line (HWI1 on QEMU's virt
 * machine) on the boot CPU. Line numbers are ACPI GSIs; hal_irq_unmask()
 * and hal_irq_mask() act on the PCH-PIC's mask. la_interrupt() claims the
 * vector at the EIOINTC, which acknowledges it, and reports its GSI.
 * Without a PCH-PIC in the MADT the HWI lines stay disabled and
 * hal_irq_unmask()/hal_irq_mask() answer false.
 */
#include <base/compiler.h>
#include <core/acpi.h>
#include <core/cpu.h>
#include <core/log.h>
#include <hal/cpu.h>
#include <hal/irq.h>

#include "loongarch.h"

#define BIT(n)	  (1UL << (n))
#define LINES_ALL (BIT(INT_LINES) - 1)

/* MADT entries follow the header and two 32-bit fields. */
#define MADT_ENTRIES 8

/* The lines every core enables: timer and IPI, and the EIOINTC's once it is set up. */
static unsigned long lines_enabled = BIT(INT_TIMER) | BIT(INT_IPI);
static unsigned device_line = INT_LINES; /* the EIOINTC's HWI line; INT_LINES: none */

/*
 * hal_cpu_idle. Enabling interrupts and waiting cannot be one instruction,
 * so an interrupt may arrive between them: its handler runs, and without
 * care the CPU would then sleep in `idle` although that handler just gave
 * it work. So la_interrupt() "rolls back" an interrupt taken at the `idle`
 * (ERA == la_idle_wait): the return goes to la_idle_done instead, as if the
 * wait had ended. On entry and exit: interrupts masked; $t0 and $t1 used.
 */
__asm__(".text\n"
	".globl hal_cpu_idle\n"
	".type hal_cpu_idle, @function\n"
	".balign 4\n"
	"hal_cpu_idle:\n"
	"	li.d	$t0, 4\n"   /* the mask: CRMD.IE */
	"	move	$t1, $t0\n" /* csrxchg returns the old CRMD in it */
	"	csrxchg	$t1, $t0, 0\n"
	"la_idle_wait:\n"
	"	idle	0\n"
	"la_idle_done:\n"
	"	csrxchg	$zero, $t0, 0\n"
	"	jr	$ra\n"
	".size hal_cpu_idle, . - hal_cpu_idle\n");

extern const char la_idle_wait[], la_idle_done[];

void hal_irq_init(void)
{
	/*
	 * The CPU's own lines and its IPI block are architectural (every
	 * LoongArch core has them; the MADT's core PIC entries say so too),
	 * so there is nothing to find, only the timer to calibrate. Every
	 * line stays off on the boot CPU until hal_cpu_init() enables the
	 * timer and the IPI.
	 */
	csr_xchg(CSR_ECFG, 0, LINES_ALL);
	la_timer_init();
	log_info("irq: core interrupt lines (ECFG/ESTAT), IPI through IOCSR, constant timer at "
		 "%llu Hz\n",
		 (unsigned long long)la_counter_hz);

	/* Device lines are optional: the kernel schedules without them. */
	unsigned line = la_eiointc_init();

	if (la_pch_pic_init()) {
		device_line = line;
		lines_enabled |= BIT(line);
	}
}

const uint8_t *la_madt_entry(uint8_t type, uint8_t min_length)
{
	const struct acpi_sdt_header *madt = acpi_find_table("APIC");

	if (madt == NULL)
		return NULL;
	const uint8_t *p = (const uint8_t *)madt + sizeof(*madt) + MADT_ENTRIES;
	const uint8_t *end = (const uint8_t *)madt + madt->length;

	for (; p + 2 <= end && p[1] >= 2 && p + p[1] <= end; p += p[1])
		if (p[0] == type && p[1] >= min_length)
			return p;
	return NULL;
}

/*
 * The calling CPU's side: the IPI block on, no stale request, timer, IPI
 * and device lines enabled. Only the boot CPU's core gets device vectors;
 * the line is enabled everywhere all the same, so a vector routed to
 * another core would be claimed there rather than left pending.
 */
void la_irq_init_cpu(void)
{
	iocsr_write32(IOCSR_IPI_EN, 0xffffffffu);
	iocsr_write32(IOCSR_IPI_CLEAR, 0xffffffffu);
	csr_xchg(CSR_ECFG, lines_enabled, LINES_ALL);
}

void hal_irq_enable(void)
{
	csr_xchg(CSR_CRMD, CRMD_IE, CRMD_IE);
}

void hal_irq_disable(void)
{
	csr_xchg(CSR_CRMD, 0, CRMD_IE);
}

bool hal_irq_enabled(void)
{
	return (csr_read(CSR_CRMD) & CRMD_IE) != 0;
}

bool hal_ipi_send_nmi(unsigned cpu)
{
	(void)cpu;
	return false; /* no interrupt here that masking does not hold back */
}

void hal_ipi_send(unsigned cpu)
{
	uint32_t v = IPI_SEND_BLOCKING | (uint32_t)cpu_get(cpu)->hw_id << IPI_SEND_CPU_SHIFT;

	/* The request bits (stored before the call) are visible before the IPI lands. */
	__asm__ volatile("dbar 0" ::: "memory");
	iocsr_write32(IOCSR_IPI_SEND, v);
}

bool hal_irq_unmask(unsigned irq)
{
	return la_pch_pic_mask(irq, false);
}

bool hal_irq_mask(unsigned irq)
{
	return la_pch_pic_mask(irq, true);
}

/*
 * A device interrupt: the EIOINTC's in-service bit is cleared as the
 * vector is claimed (the acknowledgement), then its GSI is reported. The
 * line stays unmasked; a level-triggered device still asserted raises no
 * new interrupt until its line falls or the kernel masks and unmasks it.
 */
static void device_interrupt(struct hal_trap_frame *f)
{
	int vector = la_eiointc_claim();
	unsigned gsi;

	if (vector < 0) {
		struct cpu *c = hal_cpu_local();

		if (c != NULL)
			c->arch[LA_CPU_SPURIOUS]++;
	} else if (la_pch_pic_gsi((unsigned)vector, &gsi)) {
		kernel_irq(IRQ_DEVICE, gsi, f);
	} else {
		/* Only the PCH-PIC's vectors are enabled, so this is a bug. */
		kernel_irq(IRQ_UNEXPECTED, INT_LINES + (unsigned)vector, f);
	}
}

/*
 * One interrupt per exception: the highest-priority enabled pending line
 * is acknowledged at its source, then reported. Another pending line
 * raises the exception again as soon as interrupts are back on.
 */
void la_interrupt(struct hal_trap_frame *f)
{
	unsigned long pending = csr_read(CSR_ESTAT) & csr_read(CSR_ECFG) & LINES_ALL;

	if (f->era == (uintptr_t)la_idle_wait)
		f->era = (uintptr_t)la_idle_done;

	if (pending & BIT(INT_TIMER)) {
		csr_write(CSR_TICLR, TICLR_CLR);
		kernel_irq(IRQ_TIMER, INT_TIMER, f);
	} else if (pending & BIT(INT_IPI)) {
		iocsr_write32(IOCSR_IPI_CLEAR, iocsr_read32(IOCSR_IPI_STATUS));
		kernel_irq(IRQ_IPI, INT_IPI, f);
	} else if (device_line < INT_LINES && (pending & BIT(device_line))) {
		device_interrupt(f);
	} else if (pending != 0) {
		/*
		 * A line nothing owns (only the timer, the IPI and the
		 * EIOINTC's line are enabled, so this is a bug): disable it so
		 * it cannot storm, clear it if it is a software line (the only
		 * ones software can clear), and report it.
		 */
		unsigned line = (unsigned)__builtin_ctzl(pending);

		csr_xchg(CSR_ECFG, 0, BIT(line));
		if (line <= INT_SWI1)
			csr_xchg(CSR_ESTAT, 0, BIT(line));
		kernel_irq(IRQ_UNEXPECTED, line, f);
	} else {
		/* The line went quiet before we looked (a timer disarmed meanwhile, say). */
		struct cpu *c = hal_cpu_local();

		if (c != NULL)
			c->arch[LA_CPU_SPURIOUS]++;
	}
}
