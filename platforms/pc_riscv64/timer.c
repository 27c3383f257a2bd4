/*
 * platforms/pc_riscv64/timer.c - the clock and each hart's one-shot timer.
 *
 * The clock is the `time` CSR (rdtime), a counter every hart reads alike
 * (on QEMU's virt machine, the one ACLINT mtime), at the frequency the
 * device tree gives as /cpus "timebase-frequency" (ACPI: RHCT), 10 MHz on
 * QEMU. hal_clock_ns() counts from hal_irq_init().
 *
 * The timer: a hart's supervisor timer interrupt (scause 5, sie.STIE) is
 * pending while time >= its compare value. With the Sstc extension S-mode
 * writes that value itself, in the stimecmp CSR (0x14D); without it, the
 * SBI TIME extension's set_timer asks M-mode to do it (or the legacy SBI
 * call of the same name). Sstc is used only when every hart's ISA lists
 * it (device tree, or the ISA strings of the ACPI RHCT): OpenSBI then
 * turns on menvcfg.STCE, without which stimecmp would be an illegal
 * instruction. Either way, writing a compare value in the future clears
 * the pending interrupt, which is how the timer interrupt is acknowledged,
 * and UINT64_MAX never comes: disarmed.
 *
 * Conversions are exact, by splitting whole seconds from the remainder,
 * so no 128-bit arithmetic is needed: ticks to ns rounds down (the clock
 * never runs ahead), ns to ticks rounds up (a deadline never fires early).
 */
#include <base/string.h>
#include <core/acpi.h>
#include <core/fdt.h>
#include <core/log.h>
#include <hal/irq.h>
#include <kernel/panic.h>

#include "riscv.h"

#define NS_PER_S UINT64_C(1000000000)

#define CSR_STIMECMP 0x14d

static uint64_t freq;  /* ticks per second */
static uint64_t start; /* `time` at hal_irq_init() */
static bool use_sstc;
static unsigned long sbi_timer_ext; /* SBI_EXT_TIME or SBI_EXT_LEGACY_TIMER, without Sstc */

static uint64_t read_time(void)
{
	uint64_t t;

	__asm__ volatile("rdtime %0" : "=r"(t));
	return t;
}

static uint64_t ticks_to_ns(uint64_t ticks)
{
	return ticks / freq * NS_PER_S + ticks % freq * NS_PER_S / freq;
}

/* Ticks for ns, rounded up; UINT64_MAX when it does not fit. */
static uint64_t ns_to_ticks(uint64_t ns)
{
	uint64_t secs = ns / NS_PER_S, rest = ns % NS_PER_S;

	if (secs > UINT64_MAX / freq)
		return UINT64_MAX;
	return secs * freq + (rest * freq + NS_PER_S - 1) / NS_PER_S;
}

/* The hart's compare value, as an absolute `time` value. */
static void set_compare(uint64_t ticks)
{
	if (use_sstc)
		__asm__ volatile("csrw %0, %1" : : "i"(CSR_STIMECMP), "r"(ticks) : "memory");
	else
		riscv_sbi_call(sbi_timer_ext, 0, ticks, 0); /* set_timer is function 0 of both */
}

/* RHCT (ACPI RISC-V Hart Capabilities Table): after the header, these. */
#define RHCT_TIMEBASE	  4  /* u64 time base frequency */
#define RHCT_NODE_COUNT	  12 /* u32 */
#define RHCT_NODE_OFFSET  16 /* u32, from the table's start */
#define RHCT_NODE_ISA	  0  /* node type: ISA string, u16 length at 6, string at 8 */
#define RHCT_NODE_MIN_LEN 6  /* type, length, revision: u16 each */

/* Whether the ISA string s (len bytes, maybe NUL-terminated) has `ext` as a '_'-separated word. */
static bool isa_has(const char *s, size_t len, const char *ext)
{
	size_t want = strlen(ext);

	len = strnlen(s, len);
	for (size_t i = 0; i < len;) {
		const char *us = memchr(s + i, '_', len - i);
		size_t n = (size_t)(us != NULL ? us - (s + i) : (ptrdiff_t)(len - i));

		if (n == want && memcmp(s + i, ext, n) == 0)
			return true;
		i += n + 1;
	}
	return false;
}

/*
 * Whether every ISA string node of the ACPI RHCT lists `ext`: the
 * ACPI-only boot's answer to fdt_all_cpus_have_isa_extension(). False
 * without an RHCT or ISA string, so any doubt means no.
 */
static bool rhct_all_have(const char *ext)
{
	const struct acpi_sdt_header *rhct = acpi_find_table("RHCT");
	const uint8_t *t = (const uint8_t *)rhct;
	uint32_t count, off;
	unsigned isa_nodes = 0;

	if (rhct == NULL || rhct->length < sizeof(*rhct) + RHCT_NODE_OFFSET + 4)
		return false;
	memcpy(&count, t + sizeof(*rhct) + RHCT_NODE_COUNT, 4);
	memcpy(&off, t + sizeof(*rhct) + RHCT_NODE_OFFSET, 4);
	for (uint32_t i = 0; i < count && off <= rhct->length - RHCT_NODE_MIN_LEN; i++) {
		uint16_t type, len, isa_len;

		memcpy(&type, t + off, 2);
		memcpy(&len, t + off + 2, 2);
		if (len < RHCT_NODE_MIN_LEN || len > rhct->length - off)
			return false;
		if (type == RHCT_NODE_ISA) {
			if (len < 8)
				return false;
			memcpy(&isa_len, t + off + 6, 2);
			if (isa_len > len - 8 || !isa_has((const char *)t + off + 8, isa_len, ext))
				return false;
			isa_nodes++;
		}
		off += len;
	}
	return isa_nodes > 0;
}

/* /cpus "timebase-frequency", or the ACPI RHCT's time base frequency. */
static bool find_timebase(uint64_t *hz)
{
	struct fdt f;
	uint32_t tb;

	if (fdt_boot(&f) &&
	    fdt_prop_u32(&f, fdt_find_node(&f, "/cpus", 5), "timebase-frequency", &tb)) {
		*hz = tb;
		return true;
	}
	const struct acpi_sdt_header *rhct = acpi_find_table("RHCT");

	if (rhct == NULL || rhct->length < sizeof(*rhct) + RHCT_TIMEBASE + 8)
		return false;
	memcpy(hz, (const uint8_t *)rhct + sizeof(*rhct) + RHCT_TIMEBASE, 8);
	return true;
}

void riscv_timer_init(void)
{
	struct fdt f;

	if (!find_timebase(&freq) || freq == 0)
		panic("timer: no timebase frequency in the device tree or the ACPI RHCT");
	/* ticks % freq * NS_PER_S must fit 64 bits: any real timebase (MHz) does. */
	if (freq > UINT64_MAX / NS_PER_S)
		panic("timer: timebase %llu Hz is beyond this driver", (unsigned long long)freq);
	use_sstc =
		fdt_boot(&f) ? fdt_all_cpus_have_isa_extension(&f, "sstc") : rhct_all_have("sstc");
	if (!use_sstc) {
		if (riscv_sbi_has(SBI_EXT_TIME))
			sbi_timer_ext = SBI_EXT_TIME;
		else if (riscv_sbi_has(SBI_EXT_LEGACY_TIMER))
			sbi_timer_ext = SBI_EXT_LEGACY_TIMER;
		else
			panic("timer: no Sstc, and the SBI has no TIME extension");
	}
	start = read_time();
	log_info("timer: timebase %llu Hz, %s\n", (unsigned long long)freq,
		 use_sstc			 ? "Sstc (stimecmp)"
		 : sbi_timer_ext == SBI_EXT_TIME ? "SBI TIME set_timer"
						 : "legacy SBI set_timer");
}

void riscv_timer_disarm(void)
{
	set_compare(UINT64_MAX);
}

uint64_t hal_clock_ns(void)
{
	return ticks_to_ns(read_time() - start);
}

void hal_timer_arm(uint64_t deadline_ns)
{
	uint64_t ticks = deadline_ns == UINT64_MAX ? UINT64_MAX : ns_to_ticks(deadline_ns);

	/* A compare value at or below `time` is pending at once, as the contract asks. */
	set_compare(ticks >= UINT64_MAX - start ? UINT64_MAX : start + ticks);
}
