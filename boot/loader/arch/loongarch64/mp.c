/*
 * boot/loader/arch/loongarch64/mp.c - start the other cores and park them (fact sheet 8).
 *
 * Finding them. The ACPI MADT lists one "core PIC" entry (type 0x11) per
 * core: its ACPI processor UID, its physical core number (what CSR.CPUID
 * reads on that core, the protocol's phys_id) and an enabled flag.
 *
 * Starting one. edk2 keeps every core but the boot core in a loop of its
 * own (in flash): interrupts on, only the IPI line enabled, `idle`. On an
 * IPI it reads its mailbox 0 (IOCSR 0x1020, a 64-bit word of the per-core
 * IPI block) and, when non-zero, returns from the interrupt there, in
 * direct-address mode; a zero mailbox 3 means "plain jump", with
 * interrupts left off. Another core's mailbox is written through the
 * IOCSR "mail send" register: 32 bits at a time, the data in bits 63:32
 * and the target core, the mailbox word and a byte mask in the low half.
 * The IPI itself is IOCSR IPI_SEND with the core in bits 25:16 and a
 * status bit number in bits 4:0. So the loader writes the trampoline's
 * physical address into the core's mailbox 0 and sends it an IPI.
 *
 * Handshake. One page holds the trampoline (mp_trampoline.S) behind a
 * struct la_mp_data that the started core reads. The loader starts one
 * core at a time: it sets state = STARTING for that core's hw id, sends
 * the IPI and waits for PARKED, which the core writes once it runs in the
 * kernel's address space with everything read. A core claims the start
 * with an atomic swap STARTING -> CLAIMED; when the wait times out, the
 * loader swaps STARTING -> ABORTED itself, so a core that wakes later
 * finds a state that is not its own and stops before touching memory, and
 * its mailbox is cleared so that a later IPI leaves it in the firmware.
 */
#include "../../arch.h"
#include "../../loader.h"
#include "../../protocol.h"
#include "loongarch64.h"

#include <base/printf.h>
#include <base/string.h>
#include <core/acpi.h>
#include <kernel/limine.h>

#define CSR_CPUID  0x20
#define CPUID_MASK 0x1ff

/* IOCSR registers of the per-core IPI block. */
#define IOCSR_IPI_SEND	0x1040
#define IOCSR_MAIL_SEND 0x1048

/*
 * Mail send: data in bits 63:32, bit 31 "wait until delivered", bits 30:27
 * bytes to keep (0: write all four), bits 25:16 the core, bits 4:2 which
 * 32-bit word of the mailboxes (mailbox n is words 2n and 2n + 1).
 */
#define MAIL_SEND_BLOCKING (UINT64_C(1) << 31)
#define MAIL_SEND_CPU(id)  ((uint64_t)(id) << 16)
#define MAIL_SEND_WORD(w)  ((uint64_t)(w) << 2)
#define IPI_SEND_BLOCKING  (UINT32_C(1) << 31)
#define IPI_SEND_CPU(id)   ((uint32_t)(id) << 16)
#define IPI_BOOT_VECTOR	   0 /* any status bit wakes edk2's loop */

/* CPUCFG words that give the stable counter's frequency: FREQ * MUL / DIV. */
#define CPUCFG_CC_FREQ	 4
#define CPUCFG_CC_MULDIV 5

/* ACPI */
#define MADT_CORE_PIC	      0x11
#define MADT_CORE_PIC_ENABLED (1u << 0)

/* Shared with mp_trampoline.S (DATA_*, STATE_*): the start of the trampoline page. */
struct la_mp_data {
	uint64_t state;	    /* (hw_id << 8) | MP_*; the claim swaps it atomically */
	uint64_t info_hhdm; /* the started core's limine_mp_info */
	uint64_t pgdl, pgdh, tlbrentry;
};

#define MP_CODE		   64 /* the trampoline's offset in the page, after the data */
#define MP_STARTING	   1
#define MP_CLAIMED	   2
#define MP_PARKED	   3
#define MP_ABORTED	   4
#define MP_STATE(hw_id, s) ((uint64_t)(hw_id) << 8 | (s))

_Static_assert(sizeof(struct la_mp_data) <= MP_CODE, "mp_trampoline.S: the data's room");

extern const char la_mp_trampoline[], la_mp_trampoline_end[];

static uint64_t trampoline_page; /* physical; identity-mapped until the kernel runs */

static uint32_t read_u32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* The ACPI table with this signature (identity pointer: offset 0), or NULL. */
static const uint8_t *acpi_table(uint64_t rsdp_phys, const char *sig)
{
	return (const uint8_t *)acpi_find_table_at(rsdp_phys, 0, sig);
}

static uint64_t csr_cpuid(void)
{
	uint64_t v;

	__asm__ volatile("csrrd %0, %1" : "=r"(v) : "i"(CSR_CPUID));
	return v & CPUID_MASK;
}

size_t arch_mp_find_cpus(const struct boot_data *b, struct loader_cpu *cpus, size_t max,
			 uint64_t *bsp_hw_id)
{
	const uint8_t *madt = acpi_table(b->rsdp_phys, "APIC");
	size_t n = 0;

	*bsp_hw_id = csr_cpuid();
	if (madt == NULL)
		return 0; /* edk2 on QEMU's virt machine gives ACPI and no device tree */

	/*
	 * Entries from offset 44: type, length, then the body. Core PIC (15
	 * bytes): 2 version, 3 ACPI processor UID, 7 core ID (physical), 11 flags.
	 */
	uint32_t len = read_u32(madt + 4);

	for (uint32_t off = 44; off + 2 <= len && n < max;) {
		const uint8_t *e = madt + off;

		if (e[1] < 2 || off + e[1] > len)
			break; /* malformed: keep what was read */
		if (e[0] == MADT_CORE_PIC && e[1] >= 15 &&
		    (read_u32(e + 11) & MADT_CORE_PIC_ENABLED)) {
			cpus[n].processor_id = read_u32(e + 3);
			cpus[n].hw_id = read_u32(e + 7);
			n++;
		}
		off += e[1];
	}
	/* A list without the boot core is not one the loader can trust. */
	for (size_t i = 0; i < n; i++)
		if (cpus[i].hw_id == *bsp_hw_id)
			return n;
	return 0;
}

int arch_mp_prepare(const struct boot_data *b, char *err, size_t err_size)
{
	size_t size = (size_t)(la_mp_trampoline_end - la_mp_trampoline);

	(void)b;
	/*
	 * A page of its own: the trampoline finds its data by rounding its
	 * PC down to the page. Reclaimable: the kernel releases every parked
	 * core before it reuses the loader's memory.
	 */
	trampoline_page = loader_alloc_pages(1, KEEL_MEMORY_RECLAIMABLE);
	if (trampoline_page == 0) {
		snprintf(err, err_size, "out of memory for the MP trampoline");
		return -1;
	}
	if (MP_CODE + size > PAGE_SIZE) {
		snprintf(err, err_size, "the MP trampoline does not fit in a page");
		return -1;
	}
	memcpy((void *)(uintptr_t)(trampoline_page + MP_CODE), la_mp_trampoline, size);
	arch_sync_icache(trampoline_page, PAGE_SIZE);
	return 0;
}

static uint64_t rdtime(void)
{
	uint64_t t;

	__asm__ volatile("rdtime.d %0, $zero" : "=r"(t));
	return t;
}

static uint64_t counter_hz(void)
{
	uint32_t freq, muldiv;

	__asm__ volatile("cpucfg %0, %1" : "=r"(freq) : "r"(CPUCFG_CC_FREQ));
	__asm__ volatile("cpucfg %0, %1" : "=r"(muldiv) : "r"(CPUCFG_CC_MULDIV));
	uint64_t mul = muldiv & 0xffff, div = muldiv >> 16;
	uint64_t hz = (uint64_t)freq * (mul ? mul : 1) / (div ? div : 1);

	return hz != 0 ? hz : 100000000; /* QEMU's 100 MHz, should CPUCFG be silent */
}

/* Write 32 bits into word `word` of core hw_id's mailboxes. */
static void mail_send(uint64_t hw_id, unsigned word, uint32_t data)
{
	uint64_t v = (uint64_t)data << 32 | MAIL_SEND_BLOCKING | MAIL_SEND_CPU(hw_id) |
		     MAIL_SEND_WORD(word);

	__asm__ volatile("iocsrwr.d %0, %1" : : "r"(v), "r"(IOCSR_MAIL_SEND) : "memory");
}

static void mailbox_write(uint64_t hw_id, unsigned mailbox, uint64_t value)
{
	mail_send(hw_id, 2 * mailbox, (uint32_t)value);
	mail_send(hw_id, 2 * mailbox + 1, (uint32_t)(value >> 32));
}

/* Wait up to `ticks` of the stable counter for the state to become `want`. */
static bool wait_state(volatile uint64_t *state, uint64_t want, uint64_t ticks)
{
	uint64_t start = rdtime();

	while (__atomic_load_n(state, __ATOMIC_ACQUIRE) != want)
		if (rdtime() - start > ticks)
			return false;
	return true;
}

bool arch_mp_start_cpu(struct limine_mp_info *info, uint64_t info_hhdm, uint64_t hw_id)
{
	struct la_mp_data *d = (struct la_mp_data *)(uintptr_t)trampoline_page;
	uint64_t second = counter_hz();
	uint64_t starting = MP_STATE(hw_id, MP_STARTING);

	(void)info;
	if (trampoline_page == 0 || hw_id > CPUID_MASK)
		return false;
	la_paging_roots(&d->pgdl, &d->pgdh, &d->tlbrentry);
	d->info_hhdm = info_hhdm;
	__atomic_store_n(&d->state, starting, __ATOMIC_RELEASE);

	/* Mailbox 3 = 0 asks edk2 for a plain jump with interrupts off. */
	mailbox_write(hw_id, 3, 0);
	mailbox_write(hw_id, 0, trampoline_page + MP_CODE);
	__asm__ volatile("dbar 0" ::: "memory"); /* the mail is in before the IPI */
	uint32_t ipi = IPI_SEND_BLOCKING | IPI_SEND_CPU(hw_id) | IPI_BOOT_VECTOR;

	__asm__ volatile("iocsrwr.w %0, %1" : : "r"(ipi), "r"(IOCSR_IPI_SEND) : "memory");

	if (wait_state(&d->state, MP_STATE(hw_id, MP_PARKED), second))
		return true;
	/* Too late: take the start back unless the core claimed it meanwhile. */
	if (__atomic_compare_exchange_n(&d->state, &starting, MP_STATE(hw_id, MP_ABORTED), false,
					__ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
		mailbox_write(hw_id, 0, 0);
		return false;
	}
	/* It claimed the start, so it runs this code: give it the time to finish. */
	return wait_state(&d->state, MP_STATE(hw_id, MP_PARKED), second);
}
