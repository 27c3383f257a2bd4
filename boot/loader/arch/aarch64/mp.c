/*
 * boot/loader/arch/aarch64/mp.c - find the CPUs and start them with PSCI.
 *
 * The CPUs come from the ACPI MADT (GICC entries: MPIDR, ACPI processor
 * UID, enabled flag) when the firmware has ACPI, else from the device
 * tree's /cpus (reg = MPIDR affinity). Either way they are started with
 * PSCI CPU_ON, called by HVC or SMC as the FADT's ARM boot flags or the
 * device tree's /psci node say. Without PSCI only the boot CPU is listed.
 *
 * Hardware IDs are MPIDR affinity fields only (Aff3 in bits 39:32, Aff2-0
 * in bits 23:0), as the newer protocol text gives bsp_mpidr and mpidr,
 * which is also how the MADT and the device tree write them.
 *
 * A started CPU runs trampoline.S from a page of reclaimable memory with
 * its MMU off, turns the MMU on through a transitional identity map of
 * that page, moves to the page's HHDM alias and parks in the protocol's
 * entry state. Each CPU has its own block (trampoline.h), so a CPU that
 * comes up late still finds its own block and learns that the loader gave
 * up on it.
 */
#include "../../arch.h"
#include "../../loader.h"
#include "../../protocol.h"
#include "aarch64.h"
#include "trampoline.h"

#include <base/printf.h>
#include <base/string.h>
#include <core/acpi.h>
#include <core/fdt.h>

/* MPIDR_EL1 affinity fields: Aff3 (39:32) and Aff2..Aff0 (23:0). */
#define MPIDR_AFFINITY UINT64_C(0xff00ffffff)

/* PSCI return values. */
#define PSCI_SUCCESS 0

/* How long a started CPU may take to check in. */
#define START_TIMEOUT_MS 1000

/* Transitional lower half: 4 levels, T0SZ = 16, write-back inner-shareable walks. */
#define TCR_IDENT_T0 (UINT64_C(16) | UINT64_C(1) << 8 | UINT64_C(1) << 10 | UINT64_C(3) << 12)

extern const char aarch64_mp_trampoline[], aarch64_mp_trampoline_end[];

static struct {
	int conduit;	     /* TRAMP_CONDUIT_*, 0 without PSCI */
	size_t cpu_count;    /* as arch_mp_find_cpus() listed them */
	uint64_t code;	     /* physical: the trampoline page */
	uint64_t ident_root; /* physical: the level-0 table that maps it at its own address */
	uint8_t *blocks;     /* TRAMP_BLOCK_SIZE bytes per CPU, identity pointer */
	size_t blocks_used;
	uint64_t ticks_per_ms;
	uint8_t proto[TRAMP_BLOCK_SIZE]; /* what every block starts as */
} mp;

/* ---- ACPI: the MADT and FADT fields used here (the tables: core/acpi_tables.c). */

#define MADT_ENTRIES	   44 /* after the header: local interrupt controller address, flags */
#define MADT_GICC	   0x0b
#define GICC_UID	   8
#define GICC_FLAGS	   12
#define GICC_MPIDR	   68
#define GICC_MIN_LENGTH	   76
#define GICC_ENABLED	   (1u << 0)
#define FADT_ARM_BOOT_ARCH 129
#define ARM_BOOT_PSCI	   (1u << 0)
#define ARM_BOOT_PSCI_HVC  (1u << 1)

/* The loader reads the tables at their physical addresses: offset 0. */
static const struct acpi_sdt_header *acpi_table(uint64_t rsdp_phys, const char *signature)
{
	return acpi_find_table_at(rsdp_phys, 0, signature);
}

static int acpi_conduit(uint64_t rsdp_phys)
{
	const struct acpi_sdt_header *fadt = acpi_table(rsdp_phys, "FACP");
	uint16_t flags;

	if (fadt == NULL || fadt->length < FADT_ARM_BOOT_ARCH + 2)
		return 0;
	memcpy(&flags, (const uint8_t *)fadt + FADT_ARM_BOOT_ARCH, 2);
	if (!(flags & ARM_BOOT_PSCI))
		return 0;
	return flags & ARM_BOOT_PSCI_HVC ? TRAMP_CONDUIT_HVC : TRAMP_CONDUIT_SMC;
}

/* The enabled GICC entries of the MADT; false when there is no MADT. */
static bool acpi_cpus(uint64_t rsdp_phys, struct loader_cpu *cpus, size_t max, size_t *count)
{
	const struct acpi_sdt_header *madt = acpi_table(rsdp_phys, "APIC");

	if (madt == NULL)
		return false;
	const uint8_t *p = (const uint8_t *)madt;

	for (size_t off = MADT_ENTRIES; off + 2 <= madt->length;) {
		uint8_t type = p[off], len = p[off + 1];
		uint32_t uid, flags;
		uint64_t mpidr;

		if (len < 2 || off + len > madt->length)
			break; /* a malformed entry: trust nothing after it */
		if (type == MADT_GICC && len >= GICC_MIN_LENGTH) {
			memcpy(&uid, p + off + GICC_UID, 4);
			memcpy(&flags, p + off + GICC_FLAGS, 4);
			memcpy(&mpidr, p + off + GICC_MPIDR, 8);
			if ((flags & GICC_ENABLED) && *count < max)
				cpus[(*count)++] = (struct loader_cpu){
					.hw_id = mpidr & MPIDR_AFFINITY,
					.processor_id = uid,
				};
		}
		off += len;
	}
	return true;
}

/* ---- Device tree: /cpus and /psci. */

static bool fdt_string_is(const struct fdt *f, int node, const char *prop, const char *want)
{
	uint32_t len;
	const char *v = fdt_prop(f, node, prop, &len);

	return v != NULL && fdt_stringlist_contains(v, len, want);
}

static int fdt_conduit(const struct fdt *f)
{
	int psci = fdt_find_node(f, "/psci", 5);

	if (psci == FDT_NONE)
		return 0;
	if (fdt_string_is(f, psci, "method", "hvc"))
		return TRAMP_CONDUIT_HVC;
	if (fdt_string_is(f, psci, "method", "smc"))
		return TRAMP_CONDUIT_SMC;
	return 0;
}

/*
 * CPU nodes under /cpus that PSCI can start. A node with another enable
 * method (spin-table) is left out, said once; "disabled" ones too.
 */
static bool fdt_cpus(const struct fdt *f, struct loader_cpu *cpus, size_t max, size_t *count)
{
	int parent = fdt_find_node(f, "/cpus", 5);
	bool other_method = false;

	if (parent == FDT_NONE)
		return false;
	for (int n = fdt_child(f, parent, FDT_NONE); n != FDT_NONE; n = fdt_child(f, parent, n)) {
		uint64_t reg, size;
		uint32_t len;

		if (!fdt_string_is(f, n, "device_type", "cpu") || !fdt_reg(f, n, 0, &reg, &size))
			continue;
		if (fdt_prop(f, n, "status", &len) != NULL &&
		    !fdt_string_is(f, n, "status", "okay"))
			continue;
		if (fdt_prop(f, n, "enable-method", &len) != NULL &&
		    !fdt_string_is(f, n, "enable-method", "psci")) {
			other_method = true;
			/* The boot CPU needs no method; the match below keeps it. */
			if ((reg & MPIDR_AFFINITY) != (READ_SYSREG(mpidr_el1) & MPIDR_AFFINITY))
				continue;
		}
		if (*count < max)
			cpus[(*count)++] = (struct loader_cpu){ .hw_id = reg & MPIDR_AFFINITY };
	}
	if (other_method)
		loader_print("loader: CPUs without enable-method \"psci\" are not started\n");
	return true;
}

size_t arch_mp_find_cpus(const struct boot_data *b, struct loader_cpu *cpus, size_t max,
			 uint64_t *bsp_hw_id)
{
	uint64_t bsp = READ_SYSREG(mpidr_el1) & MPIDR_AFFINITY;
	size_t count = 0;
	bool listed = false, found_bsp = false;
	struct fdt f;

	*bsp_hw_id = bsp;
	if (b->rsdp_phys != 0 && acpi_cpus(b->rsdp_phys, cpus, max, &count)) {
		mp.conduit = acpi_conduit(b->rsdp_phys);
		listed = true;
	} else if (b->dtb_phys != 0 &&
		   fdt_init(&f, (const void *)(uintptr_t)b->dtb_phys, FDT_BOOT_MAX_SIZE) &&
		   fdt_cpus(&f, cpus, max, &count)) {
		mp.conduit = fdt_conduit(&f);
		listed = true;
	}
	if (!listed || max == 0)
		return 0;
	for (size_t i = 0; i < count; i++)
		found_bsp |= cpus[i].hw_id == bsp;
	if (mp.conduit == 0 || !found_bsp) {
		/*
		 * No way to start the others, or a table that does not know the
		 * CPU we run on (and so cannot be trusted to name the others):
		 * the boot CPU alone, with the table's UID if it has one.
		 */
		uint32_t uid = 0;

		for (size_t i = 0; i < count; i++)
			if (cpus[i].hw_id == bsp)
				uid = cpus[i].processor_id;
		loader_print("loader: %s; starting no other CPU\n",
			     mp.conduit == 0 ? "the firmware describes no PSCI"
					     : "the boot CPU is not in the firmware's CPU list");
		cpus[0] = (struct loader_cpu){ .hw_id = bsp, .processor_id = uid };
		count = 1;
	}
	mp.cpu_count = count;
	return count;
}

/* Write back [p, p + size) to the point of coherency, where a CPU with its MMU off reads. */
static void clean_to_poc(const void *p, size_t size)
{
	uint64_t line = UINT64_C(4) << ((READ_SYSREG(ctr_el0) >> 16) & 0xf);
	uint64_t start = (uint64_t)(uintptr_t)p;

	for (uint64_t a = ALIGN_DOWN(start, line); a < start + size; a += line)
		__asm__ volatile("dc cvac, %0" ::"r"(a) : "memory");
	__asm__ volatile("dsb sy" ::: "memory");
}

/* Drop [p, p + size) from this CPU's caches, writing back dirty lines first. */
static void clean_invalidate(const void *p, size_t size)
{
	uint64_t line = UINT64_C(4) << ((READ_SYSREG(ctr_el0) >> 16) & 0xf);
	uint64_t start = (uint64_t)(uintptr_t)p;

	for (uint64_t a = ALIGN_DOWN(start, line); a < start + size; a += line)
		__asm__ volatile("dc civac, %0" ::"r"(a) : "memory");
	__asm__ volatile("dsb sy" ::: "memory");
}

/* One table per level mapping the trampoline page at its own address, read-only, executable. */
static int build_identity_map(uint64_t page)
{
	uint64_t table[4];

	for (int l = 0; l < 4; l++) {
		table[l] = loader_alloc_table_page();
		if (table[l] == 0)
			return -1;
	}
	for (int l = 0; l < 3; l++)
		((uint64_t *)(uintptr_t)table[l])[(page >> (39 - 9 * l)) & 511] =
			table[l + 1] | DESC_TABLE | DESC_VALID;
	((uint64_t *)(uintptr_t)table[3])[(page >> 12) & 511] =
		page | DESC_AF | DESC_SH_INNER | DESC_ATTR(ATTR_NORMAL) | DESC_AP_RO | DESC_UXN |
		DESC_TABLE | DESC_VALID;
	for (int l = 0; l < 4; l++)
		clean_to_poc((const void *)(uintptr_t)table[l], PAGE_SIZE);
	mp.ident_root = table[0];
	return 0;
}

static void put_word(uint8_t *block, unsigned offset, uint64_t value)
{
	memcpy(block + offset, &value, 8);
}

int arch_mp_prepare(const struct boot_data *b, char *err, size_t err_size)
{
	size_t code_size = (size_t)(aarch64_mp_trampoline_end - aarch64_mp_trampoline);
	struct aarch64_final_state st;

	(void)b;
	if (code_size > PAGE_SIZE) {
		snprintf(err, err_size, "the MP trampoline (%zu bytes) is larger than a page",
			 code_size);
		return -1;
	}
	if (aarch64_final_state(&st, err, err_size) != 0)
		return -1;
	mp.code = loader_alloc_pages(1, KEEL_MEMORY_RECLAIMABLE);
	size_t block_pages = ALIGN_UP(mp.cpu_count * TRAMP_BLOCK_SIZE, PAGE_SIZE) / PAGE_SIZE;
	uint64_t blocks = loader_alloc_pages(block_pages, KEEL_MEMORY_RECLAIMABLE);

	if (mp.code == 0 || blocks == 0 || build_identity_map(mp.code) != 0) {
		snprintf(err, err_size, "out of memory for the MP trampoline");
		return -1;
	}
	mp.blocks = (uint8_t *)(uintptr_t)blocks;
	memcpy((void *)(uintptr_t)mp.code, aarch64_mp_trampoline, code_size);
	/* The CPU fetches this with its MMU and caches off: from memory, not our cache. */
	clean_to_poc((const void *)(uintptr_t)mp.code, code_size);
	__asm__ volatile("ic ialluis\n\tdsb ish\n\tisb" ::: "memory");

	put_word(mp.proto, TRAMP_MAIR, st.mair);
	put_word(mp.proto, TRAMP_TCR_IDENT, (st.tcr & ~TCR_T0_FIELDS) | TCR_IDENT_T0);
	put_word(mp.proto, TRAMP_TTBR1, st.ttbr1);
	put_word(mp.proto, TRAMP_TTBR0_IDENT, mp.ident_root);
	put_word(mp.proto, TRAMP_SCTLR, st.sctlr);
	put_word(mp.proto, TRAMP_HHDM, st.hhdm);
	put_word(mp.proto, TRAMP_TCR, st.tcr);
	put_word(mp.proto, TRAMP_TTBR0, st.empty_ttbr0);
	put_word(mp.proto, TRAMP_CPACR, READ_SYSREG(cpacr_el1));
	put_word(mp.proto, TRAMP_CONDUIT, (uint64_t)mp.conduit);
	put_word(mp.proto, TRAMP_STATUS, TRAMP_STATUS_PENDING);

	/* CNTFRQ_EL0: the system counter's frequency in Hz, which the firmware set. */
	mp.ticks_per_ms = READ_SYSREG(cntfrq_el0) / 1000;
	if (mp.ticks_per_ms == 0)
		mp.ticks_per_ms = 1;
	return 0;
}

/* PSCI CPU_ON: SMC Calling Convention, result in x0, x1-x17 clobbered. */
static int64_t psci_cpu_on(uint64_t mpidr, uint64_t entry, uint64_t context)
{
	register uint64_t x0 __asm__("x0") = PSCI_CPU_ON;
	register uint64_t x1 __asm__("x1") = mpidr;
	register uint64_t x2 __asm__("x2") = entry;
	register uint64_t x3 __asm__("x3") = context;

	if (mp.conduit == TRAMP_CONDUIT_HVC)
		__asm__ volatile("hvc #0"
				 : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
				 :
				 : "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13",
				   "x14", "x15", "x16", "x17", "memory");
	else
		__asm__ volatile("smc #0"
				 : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
				 :
				 : "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13",
				   "x14", "x15", "x16", "x17", "memory");
	return (int64_t)x0;
}

static uint64_t counter(void)
{
	uint64_t v;

	/* The isb keeps the read from being taken early, out of program order. */
	__asm__ volatile("isb\n\tmrs %0, cntvct_el0" : "=r"(v)::"memory");
	return v;
}

/*
 * The block's status as the CPU left it. A CPU writes WRONG_EL with its
 * MMU off, straight to memory, so our cached copy of the line goes first.
 */
static uint64_t read_status(uint64_t *status)
{
	clean_invalidate(status, sizeof(*status));
	return __atomic_load_n(status, __ATOMIC_ACQUIRE);
}

bool arch_mp_start_cpu(struct limine_mp_info *info, uint64_t info_hhdm, uint64_t hw_id)
{
	(void)info;
	if (mp.conduit == 0 || mp.blocks_used == mp.cpu_count)
		return false;
	uint8_t *block = mp.blocks + mp.blocks_used++ * TRAMP_BLOCK_SIZE;
	uint64_t *status = (uint64_t *)(void *)(block + TRAMP_STATUS);

	memcpy(block, mp.proto, TRAMP_BLOCK_SIZE);
	put_word(block, TRAMP_INFO, info_hhdm);
	clean_to_poc(block, TRAMP_BLOCK_SIZE);
	if (psci_cpu_on(hw_id, mp.code, (uint64_t)(uintptr_t)block) != PSCI_SUCCESS)
		return false; /* never started: nothing runs */

	uint64_t start = counter();

	while (counter() - start < START_TIMEOUT_MS * mp.ticks_per_ms) {
		uint64_t s = read_status(status);

		if (s == TRAMP_STATUS_PARKED)
			return true;
		if (s == TRAMP_STATUS_WRONG_EL)
			return false;
		__asm__ volatile("yield");
	}
	/*
	 * Too late. Claim the block, unless the CPU checked in at this very
	 * moment; a CPU that reads ABORTED, now or whenever it gets there,
	 * turns itself off. The block is written back to memory for a CPU
	 * that still has its MMU off.
	 */
	uint64_t expected = TRAMP_STATUS_PENDING;
	bool claimed = __atomic_compare_exchange_n(status, &expected, TRAMP_STATUS_ABORTED, false,
						   __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);

	clean_to_poc(block, TRAMP_BLOCK_SIZE);
	return !claimed && expected == TRAMP_STATUS_PARKED;
}
