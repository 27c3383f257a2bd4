/*
 * platforms/pc_x86_64/lapic.c - the local APIC: per-CPU interrupt delivery, EOI, IPIs, timer.
 *
 * Each CPU has its own local APIC at the same address. It runs in the mode
 * the firmware left: xAPIC, whose registers are 4 KiB of MMIO (uncached,
 * reached through the direct map), or x2APIC, where register offset R is
 * MSR 0x800 + R / 16 and the interrupt command register is one 64-bit
 * MSR. Leaving x2APIC mode would need the APIC disabled in between, and
 * firmware only turns it on when some APIC ID does not fit in 8 bits, so
 * both modes are handled here rather than forcing one.
 */
#include "x86.h"

#define LAPIC_ID	    0x020
#define LAPIC_VERSION	    0x030
#define LAPIC_TPR	    0x080
#define LAPIC_EOI	    0x0b0
#define LAPIC_SVR	    0x0f0
#define LAPIC_ISR	    0x100 /* 8 registers of 32 bits, 16 bytes apart */
#define LAPIC_ESR	    0x280
#define LAPIC_ICR_LOW	    0x300
#define LAPIC_ICR_HIGH	    0x310
#define LAPIC_LVT_TIMER	    0x320
#define LAPIC_LVT_THERMAL   0x330
#define LAPIC_LVT_PERF	    0x340
#define LAPIC_LVT_LINT0	    0x350
#define LAPIC_LVT_LINT1	    0x360
#define LAPIC_LVT_ERROR	    0x370
#define LAPIC_TIMER_INITIAL 0x380
#define LAPIC_TIMER_CURRENT 0x390
#define LAPIC_TIMER_DIVIDE  0x3e0

#define MSR_X2APIC_BASE 0x800
#define MSR_X2APIC_ICR	0x830

#define APIC_BASE_EXTD	 (UINT64_C(1) << 10) /* x2APIC mode */
#define APIC_BASE_ENABLE (UINT64_C(1) << 11) /* global enable */
#define APIC_BASE_ADDR	 UINT64_C(0x000ffffffffff000)

#define SVR_ENABLE	   (1u << 8)
#define LVT_MASKED	   (1u << 16)
#define LVT_TIMER_TSC	   (2u << 17)		/* TSC-deadline mode; 0 is one-shot */
#define ICR_PENDING	   (1u << 12)		/* xAPIC: the previous IPI is not accepted yet */
#define ICR_FIXED_ASSERT   (1u << 14)		/* delivery mode fixed (0), level assert */
#define ICR_NMI_ASSERT	   (4u << 8 | 1u << 14) /* delivery mode NMI (100b), level assert */
#define TIMER_DIVIDE_BY_16 0x3
#define VERSION_MAX_LVT(v) (((v) >> 16) & 0xff)

static bool x2apic;
static volatile uint32_t *mmio;

static uint32_t lapic_read(unsigned reg)
{
	if (x2apic)
		return (uint32_t)rdmsr(MSR_X2APIC_BASE + reg / 16);
	return mmio[reg / 4];
}

static void lapic_write(unsigned reg, uint32_t v)
{
	if (x2apic)
		wrmsr(MSR_X2APIC_BASE + reg / 16, v);
	else
		mmio[reg / 4] = v;
}

void lapic_init(void)
{
	uint64_t base = rdmsr(MSR_APIC_BASE);

	x2apic = base & APIC_BASE_EXTD;
	if (!x2apic) {
		if (!(base & APIC_BASE_ENABLE))
			wrmsr(MSR_APIC_BASE, base | APIC_BASE_ENABLE);
		mmio = x86_mmio(base & APIC_BASE_ADDR, 0x1000);
	}
}

void lapic_init_cpu(void)
{
	uint64_t base = rdmsr(MSR_APIC_BASE);

	/* Every CPU in the boot CPU's mode; x2APIC is entered from xAPIC with EN and EXTD. */
	if (x2apic && !(base & APIC_BASE_EXTD))
		wrmsr(MSR_APIC_BASE, base | APIC_BASE_ENABLE | APIC_BASE_EXTD);
	else if (!(base & APIC_BASE_ENABLE))
		wrmsr(MSR_APIC_BASE, base | APIC_BASE_ENABLE);

	unsigned max_lvt = VERSION_MAX_LVT(lapic_read(LAPIC_VERSION));

	/*
	 * Nothing reaches this CPU except what the kernel asked for: LINT0
	 * (the 8259s' virtual wire) and LINT1 (NMI from the chipset) are
	 * masked, as are the error, performance and thermal entries. An LVT
	 * that does not exist must not be written (x2APIC raises #GP).
	 */
	lapic_write(LAPIC_LVT_TIMER, LVT_MASKED | VEC_TIMER);
	lapic_write(LAPIC_LVT_LINT0, LVT_MASKED);
	lapic_write(LAPIC_LVT_LINT1, LVT_MASKED);
	lapic_write(LAPIC_LVT_ERROR, LVT_MASKED);
	if (max_lvt >= 4)
		lapic_write(LAPIC_LVT_PERF, LVT_MASKED);
	if (max_lvt >= 5)
		lapic_write(LAPIC_LVT_THERMAL, LVT_MASKED);
	lapic_write(LAPIC_ESR, 0); /* back-to-back writes clear the error status */
	lapic_write(LAPIC_ESR, 0);
	lapic_write(LAPIC_TPR, 0); /* accept every priority class */
	lapic_write(LAPIC_TIMER_DIVIDE, TIMER_DIVIDE_BY_16);
	lapic_write(LAPIC_TIMER_INITIAL, 0);
	lapic_write(LAPIC_SVR, SVR_ENABLE | VEC_SPURIOUS);
}

uint32_t lapic_id(void)
{
	uint32_t id = lapic_read(LAPIC_ID);

	return x2apic ? id : id >> 24;
}

void lapic_eoi(void)
{
	lapic_write(LAPIC_EOI, 0);
}

bool lapic_in_service(unsigned vector)
{
	return lapic_read(LAPIC_ISR + (vector / 32) * 0x10) & (1u << (vector % 32));
}

/* Write the ICR: `low` is its low word (delivery mode, level, vector). */
static void send_icr(uint32_t apic_id, uint32_t low)
{
	if (x2apic) {
		/*
		 * x2APIC MSR writes are not serializing: without the fence the
		 * IPI could overtake the caller's stores that say what it is for.
		 */
		__asm__ volatile("mfence" ::: "memory");
		wrmsr(MSR_X2APIC_ICR, (uint64_t)apic_id << 32 | low);
		return;
	}
	/*
	 * The caller masks interrupts: an interrupt handler sending its own
	 * IPI between the two writes would change the destination. Waiting
	 * for the previous IPI's acceptance is needed on old APICs only, and
	 * bounded so a stuck APIC does not hang the kernel.
	 */
	for (int i = 0; i < 100000 && (lapic_read(LAPIC_ICR_LOW) & ICR_PENDING); i++)
		__asm__ volatile("pause");
	lapic_write(LAPIC_ICR_HIGH, apic_id << 24);
	lapic_write(LAPIC_ICR_LOW, low); /* this write sends it */
}

void lapic_send_ipi(uint32_t apic_id, unsigned vector)
{
	send_icr(apic_id, ICR_FIXED_ASSERT | vector);
}

void lapic_send_nmi(uint32_t apic_id)
{
	send_icr(apic_id, ICR_NMI_ASSERT); /* the vector field is ignored: NMIs use vector 2 */
}

void lapic_timer_mode(bool tsc_deadline)
{
	lapic_write(LAPIC_LVT_TIMER, VEC_TIMER | (tsc_deadline ? LVT_TIMER_TSC : 0));
	/* Stores to IA32_TSC_DEADLINE may pass the LVT write without a fence (SDM 10.5.4.1). */
	__asm__ volatile("mfence" ::: "memory");
}

void lapic_timer_start_count(uint32_t count)
{
	lapic_write(LAPIC_TIMER_INITIAL, count);
}

uint32_t lapic_timer_current(void)
{
	return lapic_read(LAPIC_TIMER_CURRENT);
}
