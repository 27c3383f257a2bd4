/*
 * boot/loader/arch/x86_64/mp.c - find the CPUs in the MADT, start them with INIT-SIPI-SIPI.
 *
 * The CPUs are the enabled local APIC and x2APIC entries of the ACPI MADT.
 * They are started after ExitBootServices, because OVMF takes its APs back
 * at ExitBootServices (anything they ran before would be abandoned), one at
 * a time through the boot CPU's local APIC: INIT, 10 ms, SIPI, 200 us,
 * SIPI, as the MP specification's universal algorithm says. The SIPI
 * vector is the page number of a real-mode trampoline (ap_trampoline.S)
 * copied below 1 MiB; it takes the CPU to long mode, into the kernel's
 * tables, and parks it on its goto_address.
 *
 * Boot services are gone while the CPUs start, so the delays are counted
 * in TSC ticks, calibrated against the firmware's Stall() beforehand.
 */
#include "../../arch.h"
#include "../../loader.h"
#include "../../protocol.h"
#include "x86.h"

#include <base/printf.h>
#include <base/string.h>
#include <core/acpi.h>

/* The MADT entries used here (the table itself: core/acpi_tables.c). */
#define MADT_ENTRIES 44 /* header, local APIC address, flags */
#define MADT_LAPIC   0	/* u8 processor UID, u8 APIC ID, u32 flags */
#define MADT_X2APIC  9	/* u16 reserved, u32 x2APIC ID, u32 flags, u32 processor UID */
#define MADT_ENABLED (1u << 0)

/* Local APIC registers (xAPIC: MMIO offsets; x2APIC: MSR 0x800 + offset / 16). */
#define APIC_BASE_EXTD (UINT64_C(1) << 10) /* x2APIC mode */
#define APIC_BASE_ADDR UINT64_C(0x000ffffffffff000)
#define LAPIC_ICR_LOW  0x300
#define LAPIC_ICR_HIGH 0x310
#define MSR_X2APIC_ICR 0x830
#define ICR_INIT       (5u << 8)
#define ICR_STARTUP    (6u << 8)
#define ICR_PENDING    (1u << 12) /* xAPIC delivery status: not yet accepted */
#define ICR_ASSERT     (1u << 14)

#define AP_START_TIMEOUT_US 1000000 /* then the CPU is reported absent */

/* ap_trampoline.S */
extern const char ap_trampoline[], ap_trampoline_end[], ap_data[], ap_long[], ap_high[];

static struct {
	uint64_t page;	     /* the trampoline's page, below 1 MiB */
	uint8_t *data;	     /* its data block (identity address) */
	uint64_t *pml4;	     /* transitional tables, below 4 GiB */
	uint64_t tsc_per_us; /* at least 1 */
	bool x2apic;	     /* the firmware left the boot CPU's APIC in x2APIC mode */
	volatile uint32_t *lapic;
} ap;

static const struct acpi_sdt_header *find_madt(uint64_t rsdp_phys)
{
	const struct acpi_sdt_header *t = acpi_find_table_at(rsdp_phys, 0, "APIC");

	return t != NULL && t->length >= MADT_ENTRIES ? t : NULL;
}

static uint64_t bsp_apic_id(void)
{
	uint32_t a, b, c, d;

	if (ap.x2apic) {
		cpuid(0xb, &a, &b, &c, &d); /* EDX: the full 32-bit x2APIC ID */
		return d;
	}
	cpuid(1, &a, &b, &c, &d);
	return b >> 24;
}

static bool listed(const struct loader_cpu *cpus, size_t n, uint64_t id)
{
	for (size_t i = 0; i < n; i++)
		if (cpus[i].hw_id == id)
			return true;
	return false;
}

size_t arch_mp_find_cpus(const struct boot_data *b, struct loader_cpu *cpus, size_t max,
			 uint64_t *bsp_hw_id)
{
	const struct acpi_sdt_header *madt = find_madt(b->rsdp_phys);
	size_t n = 0;

	if (madt == NULL)
		return 0;
	ap.x2apic = rdmsr(MSR_APIC_BASE) & APIC_BASE_EXTD;
	*bsp_hw_id = bsp_apic_id();

	const uint8_t *p = (const uint8_t *)madt + MADT_ENTRIES;
	const uint8_t *end = (const uint8_t *)madt + madt->length;

	for (; p + 2 <= end && p[1] >= 2 && p + p[1] <= end && n < max; p += p[1]) {
		uint32_t flags, id, uid;

		if (p[0] == MADT_LAPIC && p[1] >= 8) {
			uid = p[2];
			id = p[3];
			memcpy(&flags, p + 4, 4);
		} else if (p[0] == MADT_X2APIC && p[1] >= 16) {
			memcpy(&id, p + 4, 4);
			memcpy(&flags, p + 8, 4);
			memcpy(&uid, p + 12, 4);
		} else {
			continue;
		}
		/*
		 * Online-capable without enabled is a hot-plug slot: nothing
		 * sits there now. In xAPIC mode an ID above 254 cannot be
		 * addressed (255 is the broadcast).
		 */
		if (!(flags & MADT_ENABLED) || listed(cpus, n, id))
			continue;
		if (!ap.x2apic && id > 254) {
			loader_print("loader: CPU with x2APIC ID 0x%x needs x2APIC mode; "
				     "left out\n",
				     id);
			continue;
		}
		cpus[n++] = (struct loader_cpu){ .hw_id = id, .processor_id = uid };
	}
	return n;
}

/* `pages` zeroed pages of reclaimable memory below `max` (the last usable byte). */
static uint64_t alloc_below(uint64_t max, uint64_t pages)
{
	efi_physical_address addr = max;

	if (efi_bs->allocate_pages(EFI_ALLOCATE_MAX_ADDRESS, KEEL_MEMORY_RECLAIMABLE, pages,
				   &addr) != EFI_SUCCESS)
		return 0;
	memset((void *)(uintptr_t)addr, 0, pages * PAGE_SIZE);
	return addr;
}

#define PTE_P  UINT64_C(1)
#define PTE_W  (UINT64_C(1) << 1)
#define PTE_PS (UINT64_C(1) << 7)

int arch_mp_prepare(const struct boot_data *b, char *err, size_t err_size)
{
	size_t size = (size_t)(ap_trampoline_end - ap_trampoline);

	(void)b;
	/*
	 * The SIPI vector is a page number below 1 MiB; the transitional
	 * tables must be below 4 GiB, since real mode loads CR3 with 32 bits.
	 */
	ap.page = alloc_below(0xfffff, 1);
	uint64_t tables = alloc_below(0xffffffff, 3);

	if (ap.page == 0 || tables == 0) {
		snprintf(err, err_size, "no memory below 1 MiB for the CPU start-up trampoline");
		return -1;
	}
	if (size > PAGE_SIZE) {
		snprintf(err, err_size, "the CPU start-up trampoline is larger than a page");
		return -1;
	}
	memcpy((void *)(uintptr_t)ap.page, ap_trampoline, size);
	ap.data = (uint8_t *)(uintptr_t)ap.page + (ap_data - ap_trampoline);

	/*
	 * The transitional PML4 identity-maps [0, 2 MiB) with one large page
	 * (the trampoline) and gets the kernel's upper half when the CPUs
	 * start, once every mapping is in place.
	 */
	ap.pml4 = (uint64_t *)(uintptr_t)tables;
	uint64_t *pdpt = ap.pml4 + 512, *pd = ap.pml4 + 1024;

	ap.pml4[0] = (uint64_t)(uintptr_t)pdpt | PTE_P | PTE_W;
	pdpt[0] = (uint64_t)(uintptr_t)pd | PTE_P | PTE_W;
	pd[0] = PTE_P | PTE_W | PTE_PS;

	/* The delays after ExitBootServices: TSC ticks per microsecond, measured over 10 ms. */
	uint64_t t0 = rdtsc();

	efi_bs->stall(10000);
	ap.tsc_per_us = (rdtsc() - t0) / 10000;
	if (ap.tsc_per_us == 0)
		ap.tsc_per_us = 1;
	if (!ap.x2apic)
		ap.lapic = (volatile uint32_t *)(uintptr_t)(rdmsr(MSR_APIC_BASE) & APIC_BASE_ADDR);
	return 0;
}

static void delay_us(uint64_t us)
{
	uint64_t end = rdtsc() + us * ap.tsc_per_us;

	while (rdtsc() < end)
		__asm__ volatile("pause");
}

/* Send an IPI with ICR low word `icr` to the local APIC `id`. */
static void send_ipi(uint64_t id, uint32_t icr)
{
	if (ap.x2apic) {
		wrmsr(MSR_X2APIC_ICR, id << 32 | icr);
		return;
	}
	ap.lapic[LAPIC_ICR_HIGH / 4] = (uint32_t)id << 24;
	ap.lapic[LAPIC_ICR_LOW / 4] = icr; /* the write sends it */
	/* Wait (boundedly) for the APIC to accept it before the next one. */
	for (int i = 0; i < 1000 && (ap.lapic[LAPIC_ICR_LOW / 4] & ICR_PENDING); i++)
		delay_us(1);
}

static void fill_data(uint64_t info_hhdm)
{
	uint8_t *d = ap.data;
	uint64_t data_phys = (uint64_t)(uintptr_t)d, cr0, cr4, v;

	memcpy(d + AP_GDT, x86_limine_gdt, sizeof(x86_limine_gdt));
	uint16_t limit = sizeof(x86_limine_gdt) - 1;
	uint32_t gdt_low = (uint32_t)data_phys + AP_GDT;
	uint64_t gdt_high = data_phys + AP_GDT + HHDM_4LEVEL;

	memcpy(d + AP_GDTR_LOW, &limit, 2);
	memcpy(d + AP_GDTR_LOW + 2, &gdt_low, 4);
	memcpy(d + AP_GDTR_HIGH, &limit, 2);
	memcpy(d + AP_GDTR_HIGH + 2, &gdt_high, 8);

	uint32_t far_offset = (uint32_t)(ap.page + (uint64_t)(ap_long - ap_trampoline));
	uint16_t far_selector = 0x28;

	memcpy(d + AP_FAR_JUMP, &far_offset, 4);
	memcpy(d + AP_FAR_JUMP + 4, &far_selector, 2);

	v = (uint64_t)(uintptr_t)ap.pml4;
	memcpy(d + AP_CR3_TRANS, &v, 8);
	v = x86_kernel_pml4();
	memcpy(d + AP_CR3_FINAL, &v, 8);
	v = ap.page + (uint64_t)(ap_high - ap_trampoline) + HHDM_4LEVEL;
	memcpy(d + AP_HIGH_ENTRY, &v, 8);

	/*
	 * The boot CPU's control registers, as arch_handoff() leaves them:
	 * CR0 with WP, EFER with LME and NXE. CR4 keeps only the bits that
	 * need no further set-up on the new CPU (PCIDE, for one, would need
	 * a CR3 without flags first, and VMXE a VMX region).
	 */
	const uint64_t cr4_keep = (1u << 3) | (1u << 4) | (1u << 5) | (1u << 6) | (1u << 7) |
				  (1u << 8) | (1u << 9) | (1u << 10) | (1u << 11) | (1u << 16) |
				  (1u << 18) | (1u << 20) | (1u << 21);

	__asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
	__asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
	v = EFER_LME | (x86_has_nx() ? EFER_NXE : 0);
	memcpy(d + AP_EFER, &v, 8);
	v = cr4 & cr4_keep;
	memcpy(d + AP_CR4, &v, 8);
	v = cr0 | CR0_WP;
	memcpy(d + AP_CR0, &v, 8);
	v = PAT_LIMINE;
	memcpy(d + AP_PAT, &v, 8);
	memcpy(d + AP_INFO, &info_hhdm, 8);
	__atomic_store_n((uint32_t *)(d + AP_BOOTED), 0, __ATOMIC_RELEASE);
}

static bool booted(void)
{
	return __atomic_load_n((uint32_t *)(ap.data + AP_BOOTED), __ATOMIC_ACQUIRE) != 0;
}

/* Wait up to `us` microseconds for the CPU to check in. */
static bool wait_booted(uint64_t us)
{
	uint64_t end = rdtsc() + us * ap.tsc_per_us;

	while (!booted() && rdtsc() < end)
		__asm__ volatile("pause");
	return booted();
}

bool arch_mp_start_cpu(struct limine_mp_info *info, uint64_t info_hhdm, uint64_t hw_id)
{
	static bool upper_half_copied;
	const uint32_t vector = (uint32_t)(ap.page >> 12);

	(void)info; /* the CPU itself reads it, through info_hhdm */
	__asm__ volatile("cli");
	if (!upper_half_copied) {
		const uint64_t *root = (const uint64_t *)(uintptr_t)x86_kernel_pml4();

		memcpy(ap.pml4 + 256, root + 256, 256 * sizeof(uint64_t));
		upper_half_copied = true;
	}
	fill_data(info_hhdm);

	send_ipi(hw_id, ICR_INIT | ICR_ASSERT);
	delay_us(10000);
	send_ipi(hw_id, ICR_STARTUP | vector);
	if (!wait_booted(200)) {
		send_ipi(hw_id, ICR_STARTUP | vector);
		if (!wait_booted(AP_START_TIMEOUT_US)) {
			/*
			 * INIT puts it back into wait-for-SIPI, wherever it got
			 * to: a CPU reported absent must not run the trampoline
			 * later, with the next CPU's data.
			 */
			send_ipi(hw_id, ICR_INIT | ICR_ASSERT);
			return false;
		}
	}
	return true;
}
