/*
 * boot/loader/arch/riscv64/mp.c - finding the harts and starting them with SBI HSM.
 *
 * The harts: the device tree's /cpus (reg = hart ID), or, without one, the
 * ACPI MADT's RINTC entries. The boot hart's ID comes from the firmware's
 * RISCV_EFI_BOOT_PROTOCOL, else from /chosen "boot-hartid".
 *
 * Starting one: SBI HSM hart_start at the physical address of a copy of
 * mp_trampoline.S in reclaimable memory, with the physical address of the
 * hart's start block as the opaque argument. The trampoline moves the hart
 * into the kernel's tables, checks in through the start block and parks
 * (see mp_trampoline.S for its exact state). The boot hart waits about a
 * second for the check-in, timed with the `time` CSR, and otherwise marks
 * the block abandoned: a hart that arrives late sees that with its first
 * instructions and stops itself through the SBI.
 *
 * Limit: those first instructions and the block are in reclaimable memory,
 * like everything else the loader leaves for the kernel. A hart that the
 * SBI starts so late that the kernel has reused that memory by then cannot
 * be stopped by anything the loader leaves behind; the kernel never hears
 * of a hart left out of the response. QEMU and real SBIs start a hart in
 * microseconds.
 */
#include "../../arch.h"
#include "../../loader.h"
#include "../../protocol.h"
#include "riscv.h"

#include <base/printf.h>
#include <base/string.h>
#include <core/acpi.h>
#include <core/fdt.h>

#define SBI_EXT_HSM	      0x48534D /* "HSM": hart state management */
#define SBI_HSM_HART_START    0
#define SBI_EXT_BASE	      0x10
#define SBI_BASE_PROBE	      3
#define TIMEBASE_DEFAULT      10000000 /* QEMU virt's 10 MHz, when nobody says */
#define CHECKIN_TIMEOUT_TICKS 1	       /* seconds, times the timebase */

/* What the trampoline's check-in word holds (mp_trampoline.S). */
#define CHECKIN_STARTING  0
#define CHECKIN_ARRIVED	  1
#define CHECKIN_PARKED	  2
#define CHECKIN_ABANDONED 3

/* One per hart started; its physical address is hart_start's opaque argument. */
struct mp_start_block {
	uint64_t info_hhdm;
	uint64_t checkin; /* CHECKIN_*, written with atomic swaps by both harts */
};

/* RISCV_EFI_BOOT_PROTOCOL: GetBootHartId() is its only function. */
#define RISCV_EFI_BOOT_PROTOCOL_GUID \
	{ 0xccd15fec, 0x6f73, 0x4eec, { 0x83, 0x95, 0x3e, 0x69, 0xe4, 0xb9, 0x40, 0xbf } }
struct riscv_efi_boot_protocol {
	uint64_t revision;
	efi_status(EFIAPI *get_boot_hartid)(struct riscv_efi_boot_protocol *self, uint64_t *hartid);
};

/* mp_trampoline.S */
extern char riscv_mp_trampoline[], riscv_mp_tramp_data[], riscv_mp_trampoline_end[];

static struct {
	uint64_t timebase;	       /* ticks of the `time` CSR per second */
	size_t harts;		       /* how many arch_mp_find_cpus() listed */
	uint64_t trampoline;	       /* physical address of the copy */
	struct mp_start_block *blocks; /* one per listed hart, in reclaimable memory */
	size_t next_block;
} rv;

/* ---- Listing the harts */

static bool boot_hartid_from_efi(uint64_t *hartid)
{
	efi_guid guid = RISCV_EFI_BOOT_PROTOCOL_GUID;
	struct riscv_efi_boot_protocol *p;

	return efi_bs->locate_protocol(&guid, NULL, (void **)&p) == EFI_SUCCESS &&
	       p->get_boot_hartid(p, hartid) == EFI_SUCCESS;
}

/* Whether a CPU node's "mmu-type" can run the kernel's paging mode (Sv39 or Sv48). */
static bool mmu_type_fits(const struct fdt *f, int node)
{
	uint32_t len;
	const char *mmu = fdt_prop(f, node, "mmu-type", &len);

	if (mmu == NULL)
		return false; /* no MMU said: no paging */
	if (fdt_stringlist_contains(mmu, len, "riscv,sv57") ||
	    fdt_stringlist_contains(mmu, len, "riscv,sv48"))
		return true;
	/* Protocol mode 0 is Sv39. */
	return arch_paging_mode() == 0 && fdt_stringlist_contains(mmu, len, "riscv,sv39");
}

/* A node's "status" allows use: absent, "okay" or the older "ok". */
static bool status_okay(const struct fdt *f, int node)
{
	uint32_t len;
	const char *status = fdt_prop(f, node, "status", &len);

	return status == NULL || fdt_stringlist_contains(status, len, "okay") ||
	       fdt_stringlist_contains(status, len, "ok");
}

static size_t harts_from_fdt(const struct fdt *f, struct loader_cpu *cpus, size_t max)
{
	int node = fdt_find_node(f, "/cpus", 5);
	uint32_t tb;
	size_t n = 0;

	if (node == FDT_NONE)
		return 0;
	if (fdt_prop_u32(f, node, "timebase-frequency", &tb) && tb != 0)
		rv.timebase = tb;
	for (int c = fdt_child(f, node, FDT_NONE); c != FDT_NONE && n < max;
	     c = fdt_child(f, node, c)) {
		uint32_t len;
		const char *type = fdt_prop(f, c, "device_type", &len);
		uint64_t hartid, unused;

		if (type == NULL || !fdt_stringlist_contains(type, len, "cpu") ||
		    !status_okay(f, c) || !mmu_type_fits(f, c) ||
		    !fdt_reg(f, c, 0, &hartid, &unused))
			continue;
		cpus[n++] = (struct loader_cpu){ .hw_id = hartid, .processor_id = 0 };
	}
	return n;
}

/* ACPI, read through the firmware's identity mapping (offset 0): the MADT's RINTC entries. */
#define MADT_RINTC	     0x18
#define RINTC_ENABLED	     (1u << 0)
#define RINTC_ONLINE_CAPABLE (1u << 1)

static size_t harts_from_madt(uint64_t rsdp, struct loader_cpu *cpus, size_t max)
{
	const struct acpi_sdt_header *madt = rsdp != 0 ? acpi_find_table_at(rsdp, 0, "APIC") : NULL;
	size_t n = 0;

	if (madt == NULL)
		return 0;
	/* Entries follow the header and two 32-bit fields (local APIC address, flags). */
	const uint8_t *p = (const uint8_t *)madt + sizeof(*madt) + 8;
	const uint8_t *end = (const uint8_t *)madt + madt->length;

	while (p + 2 <= end && p[1] >= 2 && p + p[1] <= end && n < max) {
		/* RINTC: version, reserved, flags (4), hart ID (8), ACPI processor UID (4)... */
		if (p[0] == MADT_RINTC && p[1] >= 20) {
			uint32_t flags, uid;
			uint64_t hartid;

			memcpy(&flags, p + 4, 4);
			memcpy(&hartid, p + 8, 8);
			memcpy(&uid, p + 16, 4);
			if (flags & RINTC_ENABLED)
				cpus[n++] =
					(struct loader_cpu){ .hw_id = hartid, .processor_id = uid };
		}
		p += p[1];
	}
	return n;
}

size_t arch_mp_find_cpus(const struct boot_data *b, struct loader_cpu *cpus, size_t max,
			 uint64_t *bsp_hw_id)
{
	struct fdt f;
	bool have_fdt = b->dtb_phys != 0 &&
			fdt_init(&f, (const void *)(uintptr_t)b->dtb_phys, FDT_BOOT_MAX_SIZE);
	bool have_bsp = boot_hartid_from_efi(bsp_hw_id);
	size_t n = 0;

	rv.timebase = TIMEBASE_DEFAULT;
	if (have_fdt)
		n = harts_from_fdt(&f, cpus, max);
	if (n == 0)
		n = harts_from_madt(b->rsdp_phys, cpus, max);
	if (!have_bsp && have_fdt) {
		int chosen = fdt_find_node(&f, "/chosen", 7);
		uint32_t id;

		have_bsp = fdt_prop_u32(&f, chosen, "boot-hartid", &id);
		*bsp_hw_id = id;
	}
	if (!have_bsp) {
		loader_print("loader: riscv64: the boot hart's ID is unknown; no MP response\n");
		return 0;
	}
	/* The boot hart runs this: it must be in the list, or the list is not this machine's. */
	for (size_t i = 0; i < n; i++)
		if (cpus[i].hw_id == *bsp_hw_id) {
			rv.harts = n;
			return n;
		}
	loader_print("loader: riscv64: boot hart %llu is not among the %zu harts listed\n",
		     (unsigned long long)*bsp_hw_id, n);
	return 0;
}

/* ---- Starting them */

int arch_mp_prepare(const struct boot_data *b, char *err, size_t err_size)
{
	struct riscv_sbiret hsm = riscv_sbi_call(SBI_EXT_BASE, SBI_BASE_PROBE, SBI_EXT_HSM, 0, 0);
	size_t code_size = (size_t)(riscv_mp_trampoline_end - riscv_mp_trampoline);
	size_t data_off = (size_t)(riscv_mp_tramp_data - riscv_mp_trampoline);
	size_t block_bytes = rv.harts * sizeof(struct mp_start_block);

	if (hsm.error != 0 || hsm.value == 0) {
		/* Not fatal: the kernel runs on the boot hart alone, as without an MP response. */
		loader_print("loader: riscv64: the SBI has no HSM extension; the other harts "
			     "stay stopped\n");
		rv.harts = 0;
		return 0;
	}
	rv.trampoline = loader_alloc_pages(1, KEEL_MEMORY_RECLAIMABLE);
	rv.blocks = (void *)(uintptr_t)loader_alloc_pages(
		ALIGN_UP(block_bytes, (size_t)PAGE_SIZE) / PAGE_SIZE, KEEL_MEMORY_RECLAIMABLE);
	if (rv.trampoline == 0 || rv.blocks == NULL) {
		snprintf(err, err_size, "out of memory for the MP trampoline");
		return -1;
	}
	memcpy((void *)(uintptr_t)rv.trampoline, riscv_mp_trampoline, code_size);

	uint64_t transitional = riscv_transitional_satp(rv.trampoline, rv.trampoline + PAGE_SIZE);
	uint64_t *data = (uint64_t *)(uintptr_t)(rv.trampoline + data_off);

	if (transitional == 0) {
		snprintf(err, err_size, "cannot map the MP trampoline at 0x%llx",
			 (unsigned long long)rv.trampoline);
		return -1;
	}
	data[0] = transitional;
	data[1] = riscv_kernel_satp();
	data[2] = b->hhdm;
	/*
	 * fence.i makes the copy fetchable by this hart only. The other harts
	 * have been in the SBI since reset and never fetched from this page,
	 * so they hold no stale copy of it; their data accesses are coherent.
	 */
	__asm__ volatile("fence.i" ::: "memory");
	return 0;
}

static uint64_t read_time(void)
{
	uint64_t t;

	__asm__ volatile("rdtime %0" : "=r"(t));
	return t;
}

bool arch_mp_start_cpu(struct limine_mp_info *info, uint64_t info_hhdm, uint64_t hw_id)
{
	(void)info;
	if (rv.next_block >= rv.harts)
		return false; /* no HSM, or more calls than harts listed */
	struct mp_start_block *blk = &rv.blocks[rv.next_block++];

	blk->info_hhdm = info_hhdm;
	__atomic_store_n(&blk->checkin, CHECKIN_STARTING, __ATOMIC_RELEASE);

	struct riscv_sbiret r = riscv_sbi_call(SBI_EXT_HSM, SBI_HSM_HART_START, hw_id,
					       rv.trampoline, (uint64_t)(uintptr_t)blk);

	if (r.error != 0)
		return false; /* already started, no such hart, or the SBI refused */

	uint64_t start = read_time();

	while (read_time() - start < CHECKIN_TIMEOUT_TICKS * rv.timebase) {
		if (__atomic_load_n(&blk->checkin, __ATOMIC_ACQUIRE) == CHECKIN_PARKED)
			return true;
	}
	/*
	 * Too late: mark the block abandoned. The swap decides the race with a
	 * hart checking in at this very moment; whichever of the two swaps
	 * comes second sees the other's value. A hart that arrived but has not
	 * parked yet sees it at its next swap, a few instructions on, and stops.
	 */
	return __atomic_exchange_n(&blk->checkin, CHECKIN_ABANDONED, __ATOMIC_ACQ_REL) ==
	       CHECKIN_PARKED;
}
