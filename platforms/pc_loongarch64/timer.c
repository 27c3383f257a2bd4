/*
 * platforms/pc_loongarch64/timer.c - HAL clock and per-CPU timer for loongarch64.
 *
 * Clock: the stable counter (rdtime.d), one count shared by every core of
 * the machine at a constant frequency that CPUCFG words 4 and 5 give
 * (base frequency x MUL / DIV; QEMU: 100 MHz). hal_clock_ns() converts its
 * distance from the value read in hal_irq_init() with a 32.32 fixed-point
 * factor, which is monotonic and the same on every CPU.
 *
 * Timer: each core's constant timer counts TVAL down from TCFG.InitVal at
 * the same frequency and raises the core's timer line (ESTAT.IS bit 11)
 * at zero; one-shot mode (Periodic = 0) stops there. TICLR clears the
 * line. InitVal is bits 47:2 of TCFG, so a count is a multiple of 4.
 */
#include <core/log.h>
#include <hal/irq.h>
#include <kernel/panic.h>

#include "loongarch.h"

/*
 * The longest count armed at once (about 3 hours at 100 MHz, well inside
 * the 48-bit TCFG.InitVal): a later deadline fires early, and the kernel,
 * which finds nothing due yet, arms the rest.
 */
#define TIMER_MAX_TICKS (UINT64_C(1) << 40)
#define TIMER_MIN_TICKS 4 /* the smallest InitVal, for a deadline already past */
#define NS_PER_S	UINT64_C(1000000000)

uint64_t la_counter_hz;
static uint64_t clock_base;	/* the counter when the clock started */
static uint64_t ns_per_tick_32; /* 2^32 * 10^9 / hz, rounded down: ns never run ahead */
static uint64_t tick_per_ns_32; /* 2^32 * hz / 10^9, rounded up: a deadline is never early */

void la_timer_init(void)
{
	uint32_t muldiv = cpucfg(CPUCFG_CC_MULDIV);
	uint64_t mul = muldiv & 0xffff, div = muldiv >> 16;

	la_counter_hz = (uint64_t)cpucfg(CPUCFG_CC_FREQ) * (mul ? mul : 1) / (div ? div : 1);
	/* From 1 MHz (a tick is under a microsecond) up to 2^32 Hz (the factors fit in 64 bits). */
	if (la_counter_hz < 1000000 || la_counter_hz >= UINT64_C(1) << 32)
		panic("timer: CPUCFG gives a stable counter of %llu Hz: no usable clock",
		      (unsigned long long)la_counter_hz);
	ns_per_tick_32 = (NS_PER_S << 32) / la_counter_hz;
	tick_per_ns_32 = ((la_counter_hz << 32) + NS_PER_S - 1) / NS_PER_S;
	clock_base = rdtime();
}

/* The calling CPU's timer: stopped, its line clear. */
void la_timer_init_cpu(void)
{
	csr_write(CSR_TCFG, 0);
	csr_write(CSR_TICLR, TICLR_CLR);
}

uint64_t hal_clock_ns(void)
{
	return (uint64_t)(((unsigned __int128)(rdtime() - clock_base) * ns_per_tick_32) >> 32);
}

void hal_timer_arm(uint64_t deadline_ns)
{
	/* A deadline armed before replaces this one: its pending line goes too. */
	csr_write(CSR_TCFG, 0);
	csr_write(CSR_TICLR, TICLR_CLR);
	if (deadline_ns == UINT64_MAX)
		return;

	uint64_t now = hal_clock_ns();
	uint64_t delta = deadline_ns > now ? deadline_ns - now : 0;
	/* Rounded up, plus one tick for the part of a tick hal_clock_ns() dropped. */
	unsigned __int128 ticks = (((unsigned __int128)delta * tick_per_ns_32) >> 32) + 1;

	if (ticks > TIMER_MAX_TICKS)
		ticks = TIMER_MAX_TICKS;
	uint64_t count = ((uint64_t)ticks + 3) & ~UINT64_C(3);

	if (count < TIMER_MIN_TICKS)
		count = TIMER_MIN_TICKS;
	csr_write(CSR_TCFG, count | TCFG_EN);
}
