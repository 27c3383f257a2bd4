/*
 * platforms/pc_aarch64/gic.c - the Arm Generic Interrupt Controller, version 2 or 3.
 *
 * Both versions have a distributor (GICD) that owns the shared peripheral
 * interrupts (SPIs, INTID 32 and up). Each CPU's own interrupts (SGIs
 * 0-15, PPIs 16-31) and its acknowledge/EOI interface differ:
 *   - GICv2: the distributor's SGI/PPI registers are banked per CPU, and
 *     the CPU interface (GICC) is a banked MMIO page. SGIs name their
 *     targets by CPU interface number, a bit in an 8-bit mask.
 *   - GICv3: each CPU has a redistributor (GICR: an RD frame and an SGI
 *     frame, 64 KiB each) for its SGIs and PPIs, and the CPU interface is
 *     system registers (ICC_*_EL1). SGIs name their targets by affinity.
 *
 * Where from: the ACPI MADT (GICD entry with its version, GICC entries
 * with the GICv2 interface address or each CPU's redistributor, GICR
 * entries with redistributor ranges), else the device tree's
 * "arm,gic-v3" node (reg: GICD, then redistributor regions) or GICv2 node
 * (reg: GICD, GICC). The architecture revision in GICD_PIDR2 decides when
 * the firmware does not say.
 *
 * Groups: every interrupt goes to the group that this security state
 * signals as IRQ. On a GICv2 without security extensions (QEMU virt) that
 * is group 0, with FIQs off; on a GICv3 it is group 1, which
 * ICC_IGRPEN1_EL1 enables. With a secure firmware the group registers are
 * the secure side's and our writes are ignored, which is what it wants.
 *
 * All our interrupts have one priority, so none preempts another (the
 * HAL's handlers never nest anyway), and PMR lets every priority through.
 */
#include <base/string.h>
#include <core/acpi.h>
#include <core/boot_info.h>
#include <core/cpu.h>
#include <core/fdt.h>
#include <core/log.h>
#include <kernel/panic.h>

#include "platform.h"

/* Distributor registers (both versions). */
#define GICD_CTLR	0x0000
#define GICD_TYPER	0x0004
#define GICD_IGROUPR	0x0080
#define GICD_ISENABLER	0x0100
#define GICD_ICENABLER	0x0180
#define GICD_ICPENDR	0x0280
#define GICD_ICACTIVER	0x0380
#define GICD_IPRIORITYR 0x0400
#define GICD_ITARGETSR	0x0800 /* v2 */
#define GICD_ICFGR	0x0c00
#define GICD_SGIR	0x0f00 /* v2 */
#define GICD_IROUTER	0x6000 /* v3, 8 bytes per INTID */
#define GICD_PIDR2_V2	0x0fe8
#define GICD_PIDR2_V3	0xffe8
#define GICD_SIZE_V2	0x1000
#define GICD_SIZE_V3	0x10000

#define GICD_CTLR_ENABLE_G0 (1u << 0) /* v2 no security / v3 DS=1; NS view: EnableGrp1 */
#define GICD_CTLR_ENABLE_G1 (1u << 1) /* v3: EnableGrp1 (DS=1) or EnableGrp1A (NS view) */
#define GICD_CTLR_ARE	    (1u << 4) /* v3: affinity routing (ARE, or ARE_NS in the NS view) */
#define GICD_CTLR_RWP	    (1u << 31)

/* GICv2 CPU interface. */
#define GICC_CTLR 0x00
#define GICC_PMR  0x04
#define GICC_BPR  0x08
#define GICC_IAR  0x0c
#define GICC_EOIR 0x10
#define GICC_SIZE 0x2000

/* GICv3 redistributor: the RD frame, then the SGI frame 64 KiB above. */
#define GICR_CTLR	0x0000
#define GICR_TYPER	0x0008
#define GICR_WAKER	0x0014
#define GICR_SGI	0x10000
#define GICR_IGROUPR0	(GICR_SGI + 0x0080)
#define GICR_ISENABLER0 (GICR_SGI + 0x0100)
#define GICR_ICENABLER0 (GICR_SGI + 0x0180)
#define GICR_ICPENDR0	(GICR_SGI + 0x0280)
#define GICR_IPRIORITYR (GICR_SGI + 0x0400)

#define GICR_CTLR_RWP	      (1u << 3)
#define GICR_TYPER_LAST	      (UINT64_C(1) << 4)
#define GICR_TYPER_VLPIS      (UINT64_C(1) << 1) /* GICv4: two more 64 KiB frames */
#define GICR_WAKER_SLEEP      (1u << 1)		 /* ProcessorSleep */
#define GICR_WAKER_ASLEEP     (1u << 2)		 /* ChildrenAsleep */
#define GICR_FRAMES_SIZE      0x20000
#define GICR_FRAMES_SIZE_VLPI 0x40000
#define GICR_REGIONS_MAX      (CPU_MAX + 8) /* a range each, or one per CPU from the MADT */

#define PRIORITY      0x80u /* the same for all: meaningful on every implemented priority width */
#define INTID_MASK_V2 0x3ffu
#define INTID_MASK_V3 0xffffffu

/* ICC_SGI1R_EL1 fields. */
#define SGI1R_AFF1(a)  ((uint64_t)(a) << 16)
#define SGI1R_INTID(i) ((uint64_t)(i) << 24)
#define SGI1R_AFF2(a)  ((uint64_t)(a) << 32)
#define SGI1R_RS(r)    ((uint64_t)(r) << 44)
#define SGI1R_AFF3(a)  ((uint64_t)(a) << 48)

/* MADT entry types and fields this driver reads. */
#define MADT_ENTRIES	44
#define MADT_GICC	0x0b
#define MADT_GICD	0x0c
#define MADT_GICR	0x0e
#define GICC_FLAGS	12
#define GICC_BASE	32
#define GICC_GICR_BASE	60
#define GICC_MIN_LENGTH 76
#define GICC_ENABLED	(1u << 0)
#define GICD_BASE	8
#define GICD_VERSION	20
#define GICR_RANGE_BASE 4
#define GICR_RANGE_SIZE 12

struct region {
	uint64_t phys, size;
	volatile uint8_t *virt;
};

static struct {
	unsigned version; /* 2 or 3 */
	volatile uint8_t *gicd;
	volatile uint8_t *gicc; /* v2 */
	struct region redist[GICR_REGIONS_MAX];
	unsigned redist_count;
	unsigned lines;		  /* INTIDs below this exist (SPIs and up to 1020) */
	uint64_t boot_route;	  /* v2: the boot CPU's interface mask; v3: its affinity */
	uint64_t target[CPU_MAX]; /* v2: interface mask; v3: MPIDR affinity */
} gic;

static inline uint32_t rd32(volatile uint8_t *base, unsigned off)
{
	return *(volatile uint32_t *)(base + off);
}

static inline void wr32(volatile uint8_t *base, unsigned off, uint32_t v)
{
	*(volatile uint32_t *)(base + off) = v;
}

static inline uint64_t rd64(volatile uint8_t *base, unsigned off)
{
	return *(volatile uint64_t *)(base + off);
}

static inline void wr64(volatile uint8_t *base, unsigned off, uint64_t v)
{
	*(volatile uint64_t *)(base + off) = v;
}

/* Wait until a register write has taken effect (a bounded spin: the GIC is local hardware). */
static void wait_clear(volatile uint8_t *base, unsigned off, uint32_t bit, const char *what)
{
	for (unsigned i = 0; i < 10000000; i++)
		if (!(rd32(base, off) & bit))
			return;
	panic("gic: %s does not complete", what);
}

static void add_redist_region(uint64_t phys, uint64_t size)
{
	if (gic.redist_count < GICR_REGIONS_MAX && phys != 0 && size != 0)
		gic.redist[gic.redist_count++] = (struct region){ .phys = phys, .size = size };
}

/* ---- Discovery */

struct found {
	unsigned version; /* 0: the firmware does not say */
	uint64_t gicd, gicc;
};

static bool from_madt(struct found *f)
{
	const struct acpi_sdt_header *madt = acpi_find_table("APIC");
	bool gicr_ranges = false;

	if (madt == NULL)
		return false;
	const uint8_t *p = (const uint8_t *)madt;

	/* GICR ranges first: when there are any, the GICC entries' own bases are not used. */
	for (size_t off = MADT_ENTRIES; off + 2 <= madt->length && p[off + 1] >= 2;
	     off += p[off + 1]) {
		uint64_t base = 0;
		uint32_t size = 0;

		if (off + p[off + 1] > madt->length)
			break;
		if (p[off] == MADT_GICR && p[off + 1] >= GICR_RANGE_SIZE + 4) {
			memcpy(&base, p + off + GICR_RANGE_BASE, 8);
			memcpy(&size, p + off + GICR_RANGE_SIZE, 4);
			add_redist_region(base, size);
			gicr_ranges = true;
		}
	}
	for (size_t off = MADT_ENTRIES; off + 2 <= madt->length && p[off + 1] >= 2;
	     off += p[off + 1]) {
		uint8_t type = p[off], len = p[off + 1];

		if (off + len > madt->length)
			break;
		if (type == MADT_GICD && len >= GICD_VERSION + 1) {
			memcpy(&f->gicd, p + off + GICD_BASE, 8);
			f->version = p[off + GICD_VERSION];
		} else if (type == MADT_GICC && len >= GICC_MIN_LENGTH) {
			uint32_t flags;
			uint64_t gicc = 0, gicr = 0;

			memcpy(&flags, p + off + GICC_FLAGS, 4);
			memcpy(&gicc, p + off + GICC_BASE, 8);
			memcpy(&gicr, p + off + GICC_GICR_BASE, 8);
			if (!(flags & GICC_ENABLED))
				continue;
			if (f->gicc == 0)
				f->gicc = gicc; /* the same banked page for every CPU */
			if (!gicr_ranges)
				add_redist_region(gicr, GICR_FRAMES_SIZE);
		}
	}
	return f->gicd != 0;
}

/* Depth-first search for a node compatible with `compat` (the tree is small and walked once). */
static int find_compatible(const struct fdt *fdt, int node, const char *compat, int depth)
{
	if (fdt_is_compatible(fdt, node, compat))
		return node;
	if (depth == 8)
		return FDT_NONE;
	for (int c = fdt_child(fdt, node, FDT_NONE); c != FDT_NONE; c = fdt_child(fdt, node, c)) {
		int hit = find_compatible(fdt, c, compat, depth + 1);

		if (hit != FDT_NONE)
			return hit;
	}
	return FDT_NONE;
}

static bool from_device_tree(struct found *f)
{
	static const char *const v2_names[] = { "arm,gic-400", "arm,cortex-a15-gic",
						"arm,cortex-a9-gic", "arm,cortex-a7-gic" };
	struct fdt fdt;
	uint64_t size, base;
	uint32_t regions = 1;
	int root, node;

	if (!fdt_boot(&fdt))
		return false;
	root = fdt_find_node(&fdt, "/", 1);
	node = find_compatible(&fdt, root, "arm,gic-v3", 0);
	if (node != FDT_NONE) {
		if (!fdt_reg(&fdt, node, 0, &f->gicd, &size))
			return false;
		f->version = 3;
		fdt_prop_u32(&fdt, node, "#redistributor-regions", &regions);
		for (unsigned i = 0; i < regions; i++)
			if (fdt_reg(&fdt, node, 1 + i, &base, &size))
				add_redist_region(base, size);
		return true;
	}
	for (size_t i = 0; i < sizeof(v2_names) / sizeof(v2_names[0]); i++) {
		node = find_compatible(&fdt, root, v2_names[i], 0);
		if (node != FDT_NONE && fdt_reg(&fdt, node, 0, &f->gicd, &size) &&
		    fdt_reg(&fdt, node, 1, &f->gicc, &size)) {
			f->version = 2;
			return true;
		}
	}
	return false;
}

static volatile uint8_t *map_or_panic(uint64_t phys, uint64_t size, const char *what)
{
	volatile uint8_t *v = aarch64_map_device(phys, size);

	if (v == NULL)
		panic("gic: cannot map the %s at 0x%llx as device memory", what,
		      (unsigned long long)phys);
	return v;
}

/* ---- Set-up */

/* v3: the redistributor whose GICR_TYPER names the calling CPU's affinity. */
static volatile uint8_t *find_redistributor(uint64_t affinity)
{
	/* GICR_TYPER.Affinity_Value: Aff3.Aff2.Aff1.Aff0 in bits 63:32. */
	uint64_t want = ((affinity >> 8) & 0xff000000) | (affinity & 0xffffff);

	for (unsigned r = 0; r < gic.redist_count; r++) {
		struct region *rg = &gic.redist[r];

		for (uint64_t off = 0; off + GICR_FRAMES_SIZE <= rg->size;) {
			uint64_t typer = rd64(rg->virt + off, GICR_TYPER);

			if ((typer >> 32) == want)
				return rg->virt + off;
			if (typer & GICR_TYPER_LAST)
				break;
			off += typer & GICR_TYPER_VLPIS ? GICR_FRAMES_SIZE_VLPI : GICR_FRAMES_SIZE;
		}
	}
	return NULL;
}

static void distributor_init(void)
{
	volatile uint8_t *d = gic.gicd;

	gic.lines = 32 * ((rd32(d, GICD_TYPER) & 0x1f) + 1);
	if (gic.lines > GIC_SPURIOUS_FIRST)
		gic.lines = GIC_SPURIOUS_FIRST;

	/* Off while it is reconfigured; v3 also needs affinity routing on (ARE). */
	uint32_t ctlr = gic.version == 3 ? GICD_CTLR_ARE : 0;

	wr32(d, GICD_CTLR, ctlr);
	if (gic.version == 3)
		wait_clear(d, GICD_CTLR, GICD_CTLR_RWP, "disabling the distributor");

	/* Every SPI masked, not pending, not active, at our one priority, level-triggered. */
	for (unsigned i = GIC_SPI_FIRST; i < gic.lines; i += 32) {
		wr32(d, GICD_ICENABLER + i / 8, 0xffffffff);
		wr32(d, GICD_ICPENDR + i / 8, 0xffffffff);
		wr32(d, GICD_ICACTIVER + i / 8, 0xffffffff);
		wr32(d, GICD_IGROUPR + i / 8, gic.version == 3 ? 0xffffffff : 0);
	}
	for (unsigned i = GIC_SPI_FIRST; i < gic.lines; i += 4)
		wr32(d, GICD_IPRIORITYR + i, PRIORITY * 0x01010101u);
	for (unsigned i = GIC_SPI_FIRST; i < gic.lines; i += 16)
		wr32(d, GICD_ICFGR + i / 4, 0);
	if (gic.version == 3)
		wait_clear(d, GICD_CTLR, GICD_CTLR_RWP, "masking the SPIs");
	wr32(d, GICD_CTLR, ctlr | GICD_CTLR_ENABLE_G0 | GICD_CTLR_ENABLE_G1);
	if (gic.version == 3)
		wait_clear(d, GICD_CTLR, GICD_CTLR_RWP, "enabling the distributor");
}

void gic_init(void)
{
	struct found f = { 0 };
	const struct boot_info *bi = boot_info();
	bool ok = bi->rsdp_phys != 0 ? from_madt(&f) : false;

	if (!ok)
		ok = from_device_tree(&f);
	if (!ok)
		panic("gic: the firmware describes no interrupt controller (no MADT GICD entry, "
		      "no GIC node in the device tree)");
	/*
	 * GICD_PIDR2.ArchRev (bits 7:4) says 1 or 2 for GICv1/v2, 3 or 4 for
	 * GICv3/v4, when the firmware does not. Its offset differs, and a
	 * GICv2 distributor is only 4 KiB: guess from the other registers the
	 * firmware named.
	 */
	unsigned rev = f.version;
	bool v2_layout = rev == 1 || rev == 2 || (rev == 0 && f.gicc != 0 && gic.redist_count == 0);

	gic.gicd = map_or_panic(f.gicd, v2_layout ? GICD_SIZE_V2 : GICD_SIZE_V3, "distributor");
	if (rev == 0)
		rev = (rd32(gic.gicd, v2_layout ? GICD_PIDR2_V2 : GICD_PIDR2_V3) >> 4) & 0xf;
	if ((rev == 1 || rev == 2) && f.gicc != 0) {
		gic.version = 2;
		gic.gicc = map_or_panic(f.gicc, GICC_SIZE, "CPU interface");
	} else if ((rev == 3 || rev == 4) && !v2_layout && gic.redist_count != 0) {
		gic.version = 3;
		for (unsigned r = 0; r < gic.redist_count; r++)
			gic.redist[r].virt = map_or_panic(gic.redist[r].phys, gic.redist[r].size,
							  "redistributors");
	} else {
		panic("gic: GIC architecture revision %u with %s", rev,
		      f.gicc == 0 && gic.redist_count == 0
			      ? "neither a CPU interface nor redistributors"
			      : "registers of another revision");
	}
	distributor_init();
	log_info("gic: %s, distributor at 0x%llx, %u interrupt lines\n", gic_name(),
		 (unsigned long long)f.gicd, gic.lines);
}

/* ---- Per CPU */

static void cpu_init_v2(unsigned cpu_id, uint32_t enabled_private)
{
	volatile uint8_t *d = gic.gicd, *c = gic.gicc;
	/*
	 * GICD_ITARGETSR0-7 are banked and read-only for SGIs and PPIs: each
	 * byte reads as the calling CPU's own interface bit. A uniprocessor
	 * GIC reads 0 there; its only interface is number 0.
	 */
	uint32_t self = rd32(d, GICD_ITARGETSR) & 0xff;

	gic.target[cpu_id] = self != 0 ? self : 1;
	wr32(d, GICD_ICENABLER, 0xffffffff);
	wr32(d, GICD_ICPENDR, 0xffffffff);
	wr32(d, GICD_ICACTIVER, 0xffffffff);
	wr32(d, GICD_IGROUPR, 0);
	for (unsigned i = 0; i < GIC_SPI_FIRST; i += 4)
		wr32(d, GICD_IPRIORITYR + i, PRIORITY * 0x01010101u);
	wr32(c, GICC_PMR, 0xff);
	wr32(c, GICC_BPR, 0);
	wr32(c, GICC_CTLR, 1); /* EnableGrp0 (EnableGrp1 in the NS view); FIQEn and AckCtl off */
	wr32(d, GICD_ISENABLER, enabled_private);
}

static void cpu_init_v3(unsigned cpu_id, uint32_t enabled_private)
{
	uint64_t affinity = READ_SYSREG(mpidr_el1) & MPIDR_AFFINITY;
	volatile uint8_t *rd = find_redistributor(affinity);

	if (rd == NULL)
		panic("gic: no redistributor for cpu %u (MPIDR affinity 0x%llx)", cpu_id,
		      (unsigned long long)affinity);
	gic.target[cpu_id] = affinity;

	/* Wake the redistributor: it forwards nothing while ProcessorSleep is set. */
	wr32(rd, GICR_WAKER, rd32(rd, GICR_WAKER) & ~GICR_WAKER_SLEEP);
	wait_clear(rd, GICR_WAKER, GICR_WAKER_ASLEEP, "waking the redistributor");
	wr32(rd, GICR_ICENABLER0, 0xffffffff);
	wait_clear(rd, GICR_CTLR, GICR_CTLR_RWP, "masking the SGIs and PPIs");
	wr32(rd, GICR_ICPENDR0, 0xffffffff);
	wr32(rd, GICR_IGROUPR0, 0xffffffff);
	for (unsigned i = 0; i < GIC_SPI_FIRST; i += 4)
		wr32(rd, GICR_IPRIORITYR + i, PRIORITY * 0x01010101u);

	/* The CPU interface through system registers (SRE), then group 1 on. */
	uint64_t sre = READ_SYSREG(S3_0_C12_C12_5); /* ICC_SRE_EL1 */

	WRITE_SYSREG(S3_0_C12_C12_5, sre | 1);
	__asm__ volatile("isb" ::: "memory");
	if (!(READ_SYSREG(S3_0_C12_C12_5) & 1))
		panic("gic: the GICv3 system register interface is disabled from EL2");
	WRITE_SYSREG(S3_0_C4_C6_0, 0xff); /* ICC_PMR_EL1: every priority */
	WRITE_SYSREG(S3_0_C12_C12_3, 0);  /* ICC_BPR1_EL1 */
	WRITE_SYSREG(S3_0_C12_C12_4, 0);  /* ICC_CTLR_EL1: EOImode 0, EOI also deactivates */
	WRITE_SYSREG(S3_0_C12_C12_7, 1);  /* ICC_IGRPEN1_EL1 */
	__asm__ volatile("isb" ::: "memory");
	wr32(rd, GICR_ISENABLER0, enabled_private);
}

void gic_init_cpu(unsigned cpu_id, uint32_t enabled_private)
{
	if (gic.version == 3)
		cpu_init_v3(cpu_id, enabled_private);
	else
		cpu_init_v2(cpu_id, enabled_private);
	if (cpu_id == 0)
		gic.boot_route = gic.target[0]; /* SPIs go to the boot CPU */
}

/* ---- Interrupt path */

uint32_t gic_ack(unsigned *intid)
{
	uint32_t iar;

	if (gic.version == 3) {
		iar = (uint32_t)READ_SYSREG(S3_0_C12_C12_0); /* ICC_IAR1_EL1 */
		/* The acknowledge must complete before we look at the device. */
		__asm__ volatile("dsb sy" ::: "memory");
		*intid = iar & INTID_MASK_V3;
	} else {
		iar = rd32(gic.gicc, GICC_IAR);
		*intid = iar & INTID_MASK_V2; /* bits 12:10 name an SGI's sender; EOI wants them */
	}
	return iar;
}

void gic_eoi(uint32_t iar)
{
	if (gic.version == 3) {
		WRITE_SYSREG(S3_0_C12_C12_1, iar); /* ICC_EOIR1_EL1 */
		__asm__ volatile("isb" ::: "memory");
	} else {
		wr32(gic.gicc, GICC_EOIR, iar);
	}
}

void gic_send_sgi(unsigned cpu_id, unsigned sgi)
{
	/*
	 * Stores made before the IPI (the work bits in struct cpu) must be
	 * visible to the target before the interrupt is: the GIC write is an
	 * MMIO store or a system register write, which no dmb orders.
	 */
	__asm__ volatile("dsb ishst" ::: "memory");
	if (gic.version == 3) {
		uint64_t a = gic.target[cpu_id];
		uint64_t aff0 = a & 0xff;
		uint64_t v = SGI1R_AFF3((a >> 32) & 0xff) | SGI1R_AFF2((a >> 16) & 0xff) |
			     SGI1R_AFF1((a >> 8) & 0xff) | SGI1R_RS(aff0 / 16) | SGI1R_INTID(sgi) |
			     (UINT64_C(1) << (aff0 % 16));

		WRITE_SYSREG(S3_0_C12_C11_5, v); /* ICC_SGI1R_EL1 */
		__asm__ volatile("isb" ::: "memory");
	} else {
		/* TargetListFilter 0: the CPUs in CPUTargetList (bits 23:16). */
		wr32(gic.gicd, GICD_SGIR, (uint32_t)(gic.target[cpu_id] << 16) | sgi);
	}
}

bool gic_spi_valid(unsigned intid)
{
	return intid >= GIC_SPI_FIRST && intid < gic.lines;
}

void gic_spi_enable(unsigned intid, bool enable)
{
	volatile uint8_t *d = gic.gicd;

	if (enable) {
		/* Device interrupts go to the boot CPU; spreading them is later work. */
		if (gic.version == 3)
			wr64(d, GICD_IROUTER + 8 * intid, gic.boot_route);
		else
			*(volatile uint8_t *)(d + GICD_ITARGETSR + intid) = (uint8_t)gic.boot_route;
		wr32(d, GICD_ISENABLER + intid / 32 * 4, 1u << (intid % 32));
	} else {
		wr32(d, GICD_ICENABLER + intid / 32 * 4, 1u << (intid % 32));
		if (gic.version == 3)
			wait_clear(d, GICD_CTLR, GICD_CTLR_RWP, "masking an SPI");
	}
}

const char *gic_name(void)
{
	return gic.version == 3 ? "GICv3" : "GICv2";
}
