/*
 * platforms/pc_x86_64/timer.c - the clock (TSC) and each CPU's one-shot timer (local APIC).
 *
 * hal_clock_ns() counts TSC ticks from hal_irq_init(), scaled to
 * nanoseconds. The TSC is one counter for the whole machine on every CPU
 * with an invariant TSC (and on QEMU), so the clock agrees between CPUs.
 * Its frequency is measured once, on the boot CPU, against a timer of
 * known rate: the ACPI PM timer (3.579545 MHz, in the FADT), or else the
 * HPET (its period is in its capability register).
 *
 * The per-CPU timer is the local APIC's: in TSC-deadline mode when the CPU
 * has it (CPUID.1:ECX[24]; the deadline is then a TSC value, exact), or
 * else one-shot mode, counting down at a rate measured in the same window
 * as the TSC. A one-shot count is 32 bits, so a far deadline fires early;
 * so does a rounding error. The interrupt compares the clock with the
 * deadline the kernel asked for and re-arms for the rest instead of
 * reporting it: kernel_irq(IRQ_TIMER) only comes once the deadline passed.
 */
#include "io.h"
#include "x86.h"

#include <core/acpi.h>
#include <core/cpu.h>
#include <core/log.h>
#include <hal/cpu.h>
#include <hal/irq.h>
#include <kernel/panic.h>

#define CALIBRATION_NS	   UINT64_C(50000000) /* 50 ms */
#define SAMPLE_TRIES	   8
#define PM_TIMER_HZ	   UINT64_C(3579545)
#define CPUID_TSC_DEADLINE (1u << 24)

/* FADT fields (ACPI 6.5, 5.2.9). */
#define FADT_PM_TMR_BLK	  76  /* u32 I/O port */
#define FADT_FLAGS	  112 /* u32 */
#define FADT_X_PM_TMR_BLK 208 /* GAS */
#define FADT_TMR_VAL_EXT  (1u << 8)

/* HPET registers. */
#define HPET_CAPABILITIES 0x00 /* bits 63:32: the counter's period in femtoseconds */
#define HPET_CONFIG	  0x10
#define HPET_COUNTER	  0xf0
#define HPET_ENABLE	  (1u << 0)

/* Fixed-point scales: ns = ticks * ns_per_tsc >> 32, ticks = ns * tsc_per_ns >> 26, ... */
#define NS_PER_TSC_SHIFT 32
#define PER_NS_SHIFT	 26

static uint64_t tsc_start;    /* hal_clock_ns() is 0 here */
static uint64_t ns_per_tsc;   /* << NS_PER_TSC_SHIFT */
static uint64_t tsc_per_ns;   /* << PER_NS_SHIFT */
static uint64_t lapic_per_ns; /* << PER_NS_SHIFT, one-shot mode at divide 16 */
static bool tsc_deadline;
static bool clock_running;

/* A reference counter of known rate: the PM timer or the HPET main counter. */
static struct {
	uint16_t pm_port; /* 0: use the HPET */
	uint32_t pm_mask; /* 24 or 32 bits */
	volatile uint64_t *hpet;
	uint64_t hpet_fs; /* femtoseconds per HPET tick */
} ref;

static bool find_pm_timer(void)
{
	const struct acpi_sdt_header *fadt = acpi_find_table("FACP");

	if (fadt == NULL || fadt->length < FADT_FLAGS + 4)
		return false;
	const uint8_t *f = (const uint8_t *)fadt;
	uint32_t port, flags;
	struct acpi_gas gas = { 0 };

	__builtin_memcpy(&port, f + FADT_PM_TMR_BLK, 4);
	__builtin_memcpy(&flags, f + FADT_FLAGS, 4);
	if (fadt->length >= FADT_X_PM_TMR_BLK + sizeof(gas))
		__builtin_memcpy(&gas, f + FADT_X_PM_TMR_BLK, sizeof(gas));
	if (gas.address != 0 && gas.space_id == ACPI_GAS_IO && gas.address <= 0xfffc)
		port = (uint32_t)gas.address;
	if (port == 0 || port > 0xfffc)
		return false;
	ref.pm_port = (uint16_t)port;
	ref.pm_mask = flags & FADT_TMR_VAL_EXT ? 0xffffffffu : 0xffffffu;
	return true;
}

static bool find_hpet(void)
{
	const struct acpi_sdt_header *hpet = acpi_find_table("HPET");
	struct acpi_gas gas;

	if (hpet == NULL || hpet->length < 56)
		return false;
	__builtin_memcpy(&gas, (const uint8_t *)hpet + 40, sizeof(gas));
	if (gas.space_id != ACPI_GAS_MEMORY || gas.address == 0)
		return false;
	ref.hpet = x86_mmio(gas.address, 0x400);
	ref.hpet_fs = ref.hpet[HPET_CAPABILITIES / 8] >> 32;
	if (ref.hpet_fs == 0 || ref.hpet_fs > UINT64_C(100000000)) /* the spec's 100 ns bound */
		return false;
	ref.hpet[HPET_CONFIG / 8] |= HPET_ENABLE;
	return true;
}

/* The reference counter now, and its width as a mask. */
static uint64_t reference_read(void)
{
	return ref.pm_port != 0 ? inl(ref.pm_port) & ref.pm_mask : ref.hpet[HPET_COUNTER / 8];
}

static uint64_t reference_ns(uint64_t ticks)
{
	return ref.pm_port != 0 ? ticks * 1000000000 / PM_TIMER_HZ : ticks * ref.hpet_fs / 1000000;
}

/*
 * One reading of all three counters at (nearly) one moment. A read of the
 * reference can be slow (an I/O port; under emulation it may wait for a
 * lock, or the virtual CPU may be descheduled in the middle), so the TSC
 * is read on both sides and the middle taken, and of a few tries the one
 * with the narrowest bracket is kept.
 */
struct sample {
	uint64_t tsc, reference;
	uint32_t lapic;
};

static struct sample sample_now(void)
{
	struct sample best = { 0 };
	uint64_t best_width = UINT64_MAX;

	for (int i = 0; i < SAMPLE_TRIES; i++) {
		struct sample s;
		uint64_t before = rdtsc();

		s.lapic = lapic_timer_current();
		s.reference = reference_read();
		uint64_t width = rdtsc() - before;

		s.tsc = before + width / 2;
		if (width < best_width) {
			best = s;
			best_width = width;
		}
	}
	return best;
}

/* Ticks per second from `ticks` in `ns`, without overflow however late the window closed. */
static uint64_t per_second(uint64_t ticks, uint64_t ns)
{
	uint64_t product;

	if (!__builtin_mul_overflow(ticks, UINT64_C(1000000000), &product))
		return product / ns;
	return ticks / (ns / 1000) * 1000000;
}

void x86_clock_init(void)
{
	uint32_t a, b, c, d;

	if (!find_pm_timer() && !find_hpet())
		panic("timer: neither an ACPI PM timer nor an HPET to measure the TSC against");
	cpuid(1, &a, &b, &c, &d);
	tsc_deadline = c & CPUID_TSC_DEADLINE;

	/*
	 * Both counters against the reference over one window of about
	 * CALIBRATION_NS, the APIC timer's interrupt masked. The window's
	 * length is what the reference says it was, not what was asked:
	 * the last read may come late.
	 */
	uint64_t mask = ref.pm_port != 0 ? ref.pm_mask : UINT64_MAX;

	lapic_timer_mode(false);
	lapic_timer_start_count(UINT32_MAX);
	struct sample s0 = sample_now(), s1 = s0;

	while (reference_ns((s1.reference - s0.reference) & mask) < CALIBRATION_NS)
		s1 = sample_now();
	lapic_timer_start_count(0);

	uint64_t window_ns = reference_ns((s1.reference - s0.reference) & mask);
	uint64_t tsc_ticks = s1.tsc - s0.tsc;
	uint32_t lapic_ticks = s0.lapic - s1.lapic; /* it counts down */

	if (tsc_ticks < 1000 || lapic_ticks == 0)
		panic("timer: the TSC or the local APIC timer does not count");

	uint64_t tsc_hz = per_second(tsc_ticks, window_ns);
	uint64_t lapic_hz = per_second(lapic_ticks, window_ns);

	ns_per_tsc = (UINT64_C(1000000000) << NS_PER_TSC_SHIFT) / tsc_hz;
	tsc_per_ns = (tsc_hz << PER_NS_SHIFT) / 1000000000;
	lapic_per_ns = (lapic_hz << PER_NS_SHIFT) / 1000000000;
	log_info("timer: TSC %llu kHz, local APIC timer %llu kHz (measured against the %s), %s\n",
		 (unsigned long long)(tsc_hz / 1000), (unsigned long long)(lapic_hz / 1000),
		 ref.pm_port ? "ACPI PM timer" : "HPET",
		 tsc_deadline ? "TSC-deadline mode" : "one-shot mode");
	tsc_start = rdtsc();
	clock_running = true;
}

uint64_t hal_clock_ns(void)
{
	if (!clock_running)
		return 0;
	uint64_t ticks = rdtsc() - tsc_start;

	/* The TSC is read per CPU; one CPU's reading a little ahead must not look like a rewind. */
	if ((int64_t)ticks < 0)
		ticks = 0;
	return (uint64_t)(((unsigned __int128)ticks * ns_per_tsc) >> NS_PER_TSC_SHIFT);
}

void x86_timer_init_cpu(struct cpu *cpu)
{
	cpu->arch[X86_CPU_DEADLINE] = UINT64_MAX;
	lapic_timer_mode(tsc_deadline);
	if (tsc_deadline)
		wrmsr(MSR_TSC_DEADLINE, 0);
	else
		lapic_timer_start_count(0);
}

/* Program the hardware for `deadline` (not UINT64_MAX), from the clock's `now`. */
static void program(uint64_t deadline, uint64_t now)
{
	if (tsc_deadline) {
		/* +1: rounded down, the TSC value could come a little before the deadline. */
		unsigned __int128 t =
			tsc_start + ((unsigned __int128)deadline * tsc_per_ns >> PER_NS_SHIFT) + 1;

		/* 0 would disarm; a deadline past the TSC's range never comes. */
		wrmsr(MSR_TSC_DEADLINE, t > UINT64_MAX - 1 ? UINT64_MAX - 1
					: t < 1		   ? 1
							   : (uint64_t)t);
		return;
	}
	uint64_t delta = deadline > now ? deadline - now : 0;
	unsigned __int128 count = (unsigned __int128)delta * lapic_per_ns >> PER_NS_SHIFT;

	lapic_timer_start_count(count > UINT32_MAX ? UINT32_MAX : count < 1 ? 1 : (uint32_t)count);
}

void hal_timer_arm(uint64_t deadline_ns)
{
	struct cpu *cpu = hal_cpu_local();

	cpu->arch[X86_CPU_DEADLINE] = deadline_ns;
	if (deadline_ns != UINT64_MAX) {
		program(deadline_ns, hal_clock_ns());
	} else if (tsc_deadline) {
		wrmsr(MSR_TSC_DEADLINE, 0);
	} else {
		lapic_timer_start_count(0);
	}
}

void x86_timer_irq(struct hal_trap_frame *frame)
{
	struct cpu *cpu = hal_cpu_local();
	uint64_t deadline = cpu->arch[X86_CPU_DEADLINE], now = hal_clock_ns();

	if (deadline == UINT64_MAX)
		return; /* disarmed after it fired: nothing is due */
	if (now < deadline) {
		program(deadline, now); /* early (count range, rounding): wait for the rest */
		return;
	}
	cpu->arch[X86_CPU_DEADLINE] = UINT64_MAX;
	kernel_irq(IRQ_TIMER, 0, frame);
}
