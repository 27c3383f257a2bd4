/*
 * platforms/pc_riscv64/plic.c - the platform-level interrupt controller (device lines).
 *
 * The PLIC collects the device lines, sources 1..n, and delivers them to
 * contexts: one per hart and privilege mode. This driver uses each hart's
 * supervisor context. Where they are:
 *  - the device tree: a node compatible with "riscv,plic0" or
 *    "sifive,plic-1.0.0", with "riscv,ndev" sources; its
 *    "interrupts-extended" lists the contexts in order as (phandle of a
 *    hart's interrupt-controller node, cause) pairs, and cause 9 marks a
 *    hart's supervisor external interrupt;
 *  - else the ACPI MADT (QEMU's virt machine with edk2 passes only ACPI):
 *    a PLIC entry, and for each hart a RINTC entry naming its context.
 * Registers, all 32-bit:
 *   priority of source s        base + 4 * s             0 never interrupts
 *   enable bits of context c    base + 0x2000 + 0x80 * c one bit per source
 *   threshold of context c      base + 0x200000 + 0x1000 * c
 *   claim / complete of c       base + 0x200004 + 0x1000 * c
 * A source interrupts context c when it is pending, enabled for c and its
 * priority is above c's threshold. Reading claim takes the best such
 * source (0: none, a spurious interrupt); writing its number back to
 * complete lets the source interrupt again.
 *
 * Line numbers (hal_irq_unmask, IRQ_DEVICE): the ACPI GSI, that is the
 * PLIC's GSI base plus the source number; with a device tree the base is
 * 0, so the number is the source's, as "interrupts" properties give it.
 *
 * Policy: every line starts with priority 0 and disabled everywhere;
 * hal_irq_unmask() gives a line priority 1 and enables it for the boot
 * hart only, so one hart takes each device interrupt (others would only
 * claim 0). Thresholds are 0.
 *
 * The registers are reached through the direct map, which covers the
 * first 4 GiB (where QEMU's virt machine has its PLIC): the physical
 * memory attributes make that region uncached, strongly ordered I/O
 * whatever the page tables say (paging.c). APLIC and IMSIC (the Advanced
 * Interrupt Architecture) are not supported; nor is more than one PLIC.
 */
#include <base/string.h>
#include <core/acpi.h>
#include <core/boot_info.h>
#include <core/cpu.h>
#include <core/fdt.h>
#include <core/log.h>
#include <core/spinlock.h>
#include <hal/irq.h>

#include "riscv.h"

#define PLIC_ENABLE	    0x2000
#define PLIC_ENABLE_STRIDE  0x80
#define PLIC_CONTEXT	    0x200000
#define PLIC_CONTEXT_STRIDE 0x1000
#define PLIC_CLAIM	    4
#define PLIC_SOURCES_MAX    1024 /* source numbers are 1..1023 */
#define PLIC_CONTEXTS_MAX   15872
#define CAUSE_S_EXTERNAL    9
#define FOUR_GIB	    (UINT64_C(1) << 32)
#define NO_CONTEXT	    UINT32_MAX

/* ACPI MADT entries (RISC-V, ACPI 6.6). */
#define MADT_RINTC	   24
#define MADT_RINTC_LEN	   24 /* the bytes read here; the entry has more */
#define MADT_RINTC_ENABLED (1u << 0)
#define MADT_PLIC	   27
#define MADT_PLIC_LEN	   36

static struct {
	volatile uint8_t *base; /* NULL: no PLIC */
	unsigned ndev;		/* sources 1..ndev */
	unsigned gsi_base; /* the platform's number of source 0 (ACPI GSI; 0 with a device tree) */
	/* Each hart's supervisor context, by hart ID, from the device tree. */
	struct {
		uint64_t hartid;
		uint32_t context;
	} harts[CPU_MAX];
	unsigned nharts;
	uint32_t cpu_context[CPU_MAX]; /* by logical CPU, set by riscv_plic_init_cpu() */
	uint32_t device_context;       /* where unmasked lines go: the boot hart's */
	struct spinlock lock;	       /* the enable words of device_context */
} plic;

static volatile uint32_t *reg(uint64_t offset)
{
	return (volatile uint32_t *)(plic.base + offset);
}

static volatile uint32_t *enable_word(uint32_t context, unsigned source)
{
	return reg(PLIC_ENABLE + (uint64_t)PLIC_ENABLE_STRIDE * context + 4 * (source / 32));
}

static volatile uint32_t *context_reg(uint32_t context, unsigned offset)
{
	return reg(PLIC_CONTEXT + (uint64_t)PLIC_CONTEXT_STRIDE * context + offset);
}

/* The first node under `node` (itself included) compatible with a PLIC, depth first. */
static int find_plic(const struct fdt *f, int node, unsigned depth)
{
	if (fdt_is_compatible(f, node, "riscv,plic0") ||
	    fdt_is_compatible(f, node, "sifive,plic-1.0.0"))
		return node;
	if (depth == 0)
		return FDT_NONE;
	for (int c = fdt_child(f, node, FDT_NONE); c != FDT_NONE; c = fdt_child(f, node, c)) {
		int found = find_plic(f, c, depth - 1);

		if (found != FDT_NONE)
			return found;
	}
	return FDT_NONE;
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The hart whose local interrupt controller has this phandle: false when none does. */
static bool hart_of_intc(const struct fdt *f, uint32_t phandle, uint64_t *hartid)
{
	int cpus = fdt_find_node(f, "/cpus", 5);

	for (int c = fdt_child(f, cpus, FDT_NONE); c != FDT_NONE; c = fdt_child(f, cpus, c)) {
		uint64_t id, unused;

		if (!fdt_reg(f, c, 0, &id, &unused))
			continue;
		for (int i = fdt_child(f, c, FDT_NONE); i != FDT_NONE; i = fdt_child(f, c, i)) {
			uint32_t ph;

			if (fdt_is_compatible(f, i, "riscv,cpu-intc") &&
			    fdt_prop_u32(f, i, "phandle", &ph) && ph == phandle) {
				*hartid = id;
				return true;
			}
		}
	}
	return false;
}

/* The PLIC and each hart's supervisor context from the device tree; false when it has none. */
static bool plic_from_fdt(uint64_t *base, unsigned *ndev)
{
	struct fdt f;
	uint64_t size;
	uint32_t n, len;

	if (!fdt_boot(&f))
		return false;
	int node = find_plic(&f, fdt_find_node(&f, "/", 1), 3);
	const uint8_t *ctx =
		node != FDT_NONE ? fdt_prop(&f, node, "interrupts-extended", &len) : NULL;

	if (ctx == NULL || !fdt_reg(&f, node, 0, base, &size) ||
	    !fdt_prop_u32(&f, node, "riscv,ndev", &n))
		return false;
	for (uint32_t c = 0; c < len / 8; c++) {
		uint64_t hartid;

		if (be32(ctx + 8 * c + 4) != CAUSE_S_EXTERNAL ||
		    !hart_of_intc(&f, be32(ctx + 8 * c), &hartid) || plic.nharts == CPU_MAX)
			continue;
		plic.harts[plic.nharts].hartid = hartid;
		plic.harts[plic.nharts].context = c;
		plic.nharts++;
	}
	*ndev = n;
	return true;
}

/*
 * The same from the ACPI MADT: the first PLIC entry (type 27: ID at byte 3,
 * source count at 12, address at 24, first GSI at 32), and the RINTC
 * entries (type 24: flags at 4, hart ID at 8, external interrupt
 * controller ID at 20, which for a PLIC holds the PLIC's ID in bits 31-24
 * and the hart's supervisor context in bits 15-0).
 */
static bool plic_from_acpi(uint64_t *base, unsigned *ndev)
{
	const struct acpi_sdt_header *madt = acpi_find_table("APIC");

	if (madt == NULL)
		return false;
	/* Entries follow the header and two 32-bit fields. */
	const uint8_t *first = (const uint8_t *)madt + sizeof(*madt) + 8;
	const uint8_t *end = (const uint8_t *)madt + madt->length;
	const uint8_t *p;
	bool found = false;
	uint8_t id = 0;

	for (p = first; p + 2 <= end && p[1] >= 2 && p + p[1] <= end; p += p[1]) {
		if (p[0] == MADT_PLIC && p[1] >= MADT_PLIC_LEN) {
			uint16_t sources;
			uint32_t gsi_base;

			id = p[3];
			memcpy(&sources, p + 12, 2);
			memcpy(base, p + 24, 8);
			memcpy(&gsi_base, p + 32, 4);
			*ndev = sources;
			plic.gsi_base = gsi_base;
			found = true;
			break;
		}
	}
	if (!found)
		return false;
	for (p = first; p + 2 <= end && p[1] >= 2 && p + p[1] <= end; p += p[1]) {
		uint32_t flags, ext;
		uint64_t hartid;

		if (p[0] != MADT_RINTC || p[1] < MADT_RINTC_LEN || plic.nharts == CPU_MAX)
			continue;
		memcpy(&flags, p + 4, 4);
		memcpy(&hartid, p + 8, 8);
		memcpy(&ext, p + 20, 4);
		if (!(flags & MADT_RINTC_ENABLED) || ext >> 24 != id)
			continue;
		plic.harts[plic.nharts].hartid = hartid;
		plic.harts[plic.nharts].context = ext & 0xffff;
		plic.nharts++;
	}
	return true;
}

bool riscv_plic_init(void)
{
	uint64_t base = 0;
	unsigned ndev = 0;
	const char *source = "the device tree";

	for (unsigned i = 0; i < CPU_MAX; i++)
		plic.cpu_context[i] = NO_CONTEXT;
	plic.device_context = NO_CONTEXT;
	spin_init(&plic.lock, "plic");
	if (!plic_from_fdt(&base, &ndev)) {
		source = "the ACPI MADT";
		plic.nharts = 0;
		if (!plic_from_acpi(&base, &ndev))
			return false;
	}
	/* The registers this driver touches end with the last context's. */
	uint64_t span = PLIC_CONTEXT;

	for (unsigned h = 0; h < plic.nharts; h++) {
		uint64_t end = PLIC_CONTEXT + PLIC_CONTEXT_STRIDE * (plic.harts[h].context + 1ull);

		if (plic.harts[h].context >= PLIC_CONTEXTS_MAX)
			plic.nharts = 0; /* not a PLIC this driver understands */
		else if (end > span)
			span = end;
	}
	if (ndev == 0 || ndev >= PLIC_SOURCES_MAX || plic.nharts == 0 || base >= FOUR_GIB ||
	    span > FOUR_GIB - base) {
		log_warn("plic: at 0x%llx with %u sources, from %s: not usable here\n",
			 (unsigned long long)base, ndev, source);
		return false;
	}
	plic.base = phys_to_virt(base);
	plic.ndev = ndev;

	/* Every line silent: priority 0, and disabled for every supervisor context. */
	for (unsigned s = 1; s <= ndev; s++)
		*reg(4 * s) = 0;
	for (unsigned h = 0; h < plic.nharts; h++)
		for (unsigned w = 0; w <= ndev / 32; w++)
			*enable_word(plic.harts[h].context, 32 * w) = 0;
	log_info("plic: at 0x%llx, %u sources from GSI %u, %u hart context(s), from %s\n",
		 (unsigned long long)base, ndev, plic.gsi_base, plic.nharts, source);
	return true;
}

bool riscv_plic_init_cpu(const struct cpu *cpu)
{
	if (plic.base == NULL)
		return false;
	for (unsigned h = 0; h < plic.nharts; h++) {
		if (plic.harts[h].hartid != cpu->hw_id)
			continue;
		uint32_t context = plic.harts[h].context;

		*context_reg(context, 0) = 0; /* threshold: every priority above 0 */
		plic.cpu_context[cpu->id] = context;
		if (cpu->id == 0)
			plic.device_context = context;
		return true;
	}
	log_warn("plic: hart %llu has no supervisor context\n", (unsigned long long)cpu->hw_id);
	return false;
}

unsigned riscv_plic_claim_complete(unsigned cpu)
{
	uint32_t context = cpu < CPU_MAX ? plic.cpu_context[cpu] : NO_CONTEXT;

	if (plic.base == NULL || context == NO_CONTEXT)
		return 0;
	uint32_t source = *context_reg(context, PLIC_CLAIM);

	if (source == 0)
		return 0;
	*context_reg(context, PLIC_CLAIM) = source;
	return plic.gsi_base + source;
}

/* Enable or disable line `irq` (gsi_base + source) for the boot hart, and set its priority. */
static bool set_line(unsigned irq, bool on)
{
	if (plic.base == NULL || plic.device_context == NO_CONTEXT || irq <= plic.gsi_base ||
	    irq - plic.gsi_base > plic.ndev)
		return false;
	irq -= plic.gsi_base;
	unsigned long flags = spin_lock_irqsave(&plic.lock);
	volatile uint32_t *word = enable_word(plic.device_context, irq);

	if (on) {
		*reg(4 * irq) = 1;
		*word |= UINT32_C(1) << (irq % 32);
	} else {
		*word &= ~(UINT32_C(1) << (irq % 32));
		*reg(4 * irq) = 0;
	}
	spin_unlock_irqrestore(&plic.lock, flags);
	return true;
}

bool hal_irq_unmask(unsigned irq)
{
	return set_line(irq, true);
}

bool hal_irq_mask(unsigned irq)
{
	return set_line(irq, false);
}
