/*
 * platforms/pc_aarch64/timer.c - the clock and the per-CPU timer: the Arm generic timer.
 *
 * The system counter runs at CNTFRQ_EL0 Hz, the same count on every CPU.
 * The clock is the virtual count, CNTVCT_EL0 (the physical count minus
 * CNTVOFF_EL2, which the firmware or a hypervisor sets once for all
 * CPUs), and each CPU's one-shot timer is its EL1 virtual timer, compared
 * against that count: CNTV_CVAL_EL0 holds the deadline, CNTV_CTL_EL0
 * enables it. The virtual timer is the one a hypervisor gives its guests,
 * so the same kernel runs on bare hardware and under KVM.
 *
 * The timer's interrupt is a level-triggered PPI (27 on every known
 * board; the ACPI GTDT or the device tree's "arm,armv8-timer" node say):
 * it stays asserted while the deadline is past, so the interrupt path
 * disables the timer before its EOI, and the next hal_timer_arm() enables
 * it again.
 */
#include <base/string.h>
#include <core/acpi.h>
#include <core/fdt.h>
#include <core/log.h>
#include <hal/irq.h>
#include <kernel/panic.h>

#include "platform.h"

#define NS_PER_S UINT64_C(1000000000)

#define CNTV_CTL_ENABLE (1u << 0)

#define VIRTUAL_TIMER_PPI_DEFAULT 27
#define GTDT_VIRTUAL_GSIV	  64 /* "Virtual EL1 Timer GSIV" */
#define FDT_PPI			  1  /* first cell of a GIC interrupt specifier: a PPI */
#define FDT_VIRTUAL_TIMER	  2  /* the third interrupt of "arm,armv8-timer" */

static uint64_t frequency; /* Hz */
static uint64_t origin;	   /* the count at hal_irq_init(): the clock's zero */
static unsigned intid = VIRTUAL_TIMER_PPI_DEFAULT;

static uint64_t count(void)
{
	uint64_t v;

	/* Without the isb the read may be made early, before instructions it follows. */
	__asm__ volatile("isb\n\tmrs %0, cntvct_el0" : "=r"(v)::"memory");
	return v;
}

/* The virtual timer's INTID as the firmware gives it, or 0. */
static unsigned firmware_intid(void)
{
	const struct acpi_sdt_header *gtdt = acpi_find_table("GTDT");
	uint32_t gsiv;
	struct fdt fdt;

	if (gtdt != NULL && gtdt->length >= GTDT_VIRTUAL_GSIV + 4) {
		memcpy(&gsiv, (const uint8_t *)gtdt + GTDT_VIRTUAL_GSIV, 4);
		return gsiv;
	}
	if (!fdt_boot(&fdt))
		return 0;
	/* The timer node is a child of the root on every board we know. */
	int root = fdt_find_node(&fdt, "/", 1);

	for (int n = fdt_child(&fdt, root, FDT_NONE); n != FDT_NONE; n = fdt_child(&fdt, root, n)) {
		uint32_t len;
		const uint8_t *irqs;

		if (!fdt_is_compatible(&fdt, n, "arm,armv8-timer"))
			continue;
		irqs = fdt_prop(&fdt, n, "interrupts", &len);
		/* Three cells per interrupt: type, number, flags (big-endian). */
		if (irqs == NULL || len < 12 * (FDT_VIRTUAL_TIMER + 1))
			return 0;
		const uint8_t *cell = irqs + 12 * FDT_VIRTUAL_TIMER;
		uint32_t type = (uint32_t)cell[0] << 24 | cell[1] << 16 | cell[2] << 8 | cell[3];
		uint32_t num = (uint32_t)cell[4] << 24 | cell[5] << 16 | cell[6] << 8 | cell[7];

		return type == FDT_PPI && num < 16 ? 16 + num : 0;
	}
	return 0;
}

void timer_init(void)
{
	unsigned fw = firmware_intid();

	frequency = READ_SYSREG(cntfrq_el0) & 0xffffffff;
	if (frequency == 0)
		panic("timer: CNTFRQ_EL0 is 0: the firmware did not program the counter frequency");
	if (fw >= 16 && fw < 32)
		intid = fw;
	else if (fw != 0)
		log_warn("timer: the firmware names INTID %u for the virtual timer, not a PPI; "
			 "using %u\n",
			 fw, intid);
	origin = count();
	log_info("timer: generic timer at %llu Hz, virtual timer PPI %u\n",
		 (unsigned long long)frequency, intid);
}

unsigned timer_intid(void)
{
	return intid;
}

void timer_quiesce(void)
{
	WRITE_SYSREG(cntv_ctl_el0, 0);
	__asm__ volatile("isb" ::: "memory");
}

/*
 * Exact conversions, split so no product overflows: a count below the
 * frequency times 10^9 fits 64 bits for any frequency below 18 GHz.
 */
uint64_t hal_clock_ns(void)
{
	uint64_t ticks = count() - origin;

	if (frequency == 0)
		return 0; /* before hal_irq_init(): the clock has not started */
	return ticks / frequency * NS_PER_S + ticks % frequency * NS_PER_S / frequency;
}

void hal_timer_arm(uint64_t deadline_ns)
{
	if (deadline_ns == UINT64_MAX) {
		timer_quiesce();
		return;
	}
	/* Rounded up, so the timer never fires before the deadline. */
	uint64_t s = deadline_ns / NS_PER_S, rest = deadline_ns % NS_PER_S;
	uint64_t ticks = (rest * frequency + NS_PER_S - 1) / NS_PER_S;
	uint64_t cval = UINT64_MAX;

	if (s <= (UINT64_MAX - ticks - origin) / frequency)
		cval = origin + s * frequency + ticks;
	WRITE_SYSREG(cntv_cval_el0, cval);
	WRITE_SYSREG(cntv_ctl_el0, CNTV_CTL_ENABLE);
	__asm__ volatile("isb" ::: "memory");
}
