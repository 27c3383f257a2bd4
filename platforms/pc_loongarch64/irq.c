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
 * Device lines: not driven yet. EIOINTC routing and the PCH PIC behind it
 * come with the first device driver; until then HWI0-7 stay disabled in
 * ECFG on every core and hal_irq_unmask()/hal_irq_mask() answer false.
 */
#include <base/compiler.h>
#include <core/cpu.h>
#include <core/log.h>
#include <hal/cpu.h>
#include <hal/irq.h>

#include "loongarch.h"

#define BIT(n)	      (1UL << (n))
#define LINES_ALL     (BIT(INT_LINES) - 1)
#define LINES_ENABLED (BIT(INT_TIMER) | BIT(INT_IPI))

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
		 "%llu Hz; device lines (EIOINTC) not driven\n",
		 (unsigned long long)la_counter_hz);
}

/* The calling CPU's side: the IPI block on, no stale request, timer and IPI lines enabled. */
void la_irq_init_cpu(void)
{
	iocsr_write32(IOCSR_IPI_EN, 0xffffffffu);
	iocsr_write32(IOCSR_IPI_CLEAR, 0xffffffffu);
	csr_xchg(CSR_ECFG, LINES_ENABLED, LINES_ALL);
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

void hal_ipi_send(unsigned cpu)
{
	uint32_t v = IPI_SEND_BLOCKING | (uint32_t)cpu_get(cpu)->hw_id << IPI_SEND_CPU_SHIFT;

	/* The request bits (stored before the call) are visible before the IPI lands. */
	__asm__ volatile("dbar 0" ::: "memory");
	iocsr_write32(IOCSR_IPI_SEND, v);
}

bool hal_irq_unmask(unsigned irq)
{
	(void)irq;
	return false; /* device lines come with EIOINTC support */
}

bool hal_irq_mask(unsigned irq)
{
	(void)irq;
	return false;
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
	} else if (pending != 0) {
		/*
		 * A line nothing owns (only the timer and the IPI are enabled,
		 * so this is a bug): disable it so it cannot storm, clear it if
		 * it is a software line (the only ones software can clear), and
		 * report it.
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
