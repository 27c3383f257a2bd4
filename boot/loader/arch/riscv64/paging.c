/*
 * boot/loader/arch/riscv64/paging.c - Sv48/Sv39 page tables and the hand-off for riscv64.
 *
 * The kernel gets Sv48 (protocol mode 1, HHDM at 0xffff800000000000) when
 * the hart implements it, else Sv39 (mode 0, HHDM at 0xffffffc000000000),
 * within the limits of the kernel's paging-mode request. Sv57 is not
 * offered. The kernel's link address, 0xffffffff80000000, lies in the top
 * 2 GiB of both address spaces.
 *
 * Both modes use the same 8-byte PTE: V R W X U G A D in bits 0-7, the
 * physical page number from bit 10, and (Svpbmt) the memory type in bits
 * 61-62. A PTE with any of R, W, X is a leaf at whatever level it sits,
 * which gives 1 GiB gigapages and 2 MiB megapages when aligned.
 *
 * The firmware (edk2, S-mode) runs with an identity mapping during boot
 * services; it may be Bare (no translation) or a paging mode of its own.
 * Either way the loader's addresses are physical addresses, and nothing
 * here changes satp until the hand-off.
 */
#include "../../arch.h"
#include "../../loader.h"
#include "riscv.h"

#include <base/printf.h>
#include <base/string.h>
#include <core/fdt.h>
#include <stdbool.h>

#define PTE_V	      (UINT64_C(1) << 0)
#define PTE_R	      (UINT64_C(1) << 1)
#define PTE_W	      (UINT64_C(1) << 2)
#define PTE_X	      (UINT64_C(1) << 3)
#define PTE_G	      (UINT64_C(1) << 5)
#define PTE_A	      (UINT64_C(1) << 6)
#define PTE_D	      (UINT64_C(1) << 7)
#define PTE_LEAF      (PTE_R | PTE_W | PTE_X)
#define PTE_PBMT_NC   (UINT64_C(1) << 61) /* Svpbmt: non-cacheable, idempotent main memory */
#define PTE_PPN_SHIFT 10
#define PTE_PPN_MASK  ((UINT64_C(1) << 44) - 1)

#define SATP_MODE_SHIFT 60
#define SATP_MODE_SV39	UINT64_C(8)
#define SATP_MODE_SV48	UINT64_C(9)
#define SATP_MODE_SV57	UINT64_C(10)

#define SSTATUS_SIE (UINT64_C(1) << 1)

/* Protocol values (fact sheet 4.2) and the HHDM each one implies (section 2). */
#define MODE_SV39 0
#define MODE_SV48 1
#define HHDM_SV39 UINT64_C(0xffffffc000000000)
#define HHDM_SV48 UINT64_C(0xffff800000000000)

const uint16_t arch_elf_machine = 243; /* EM_RISCV */

static uint64_t mode;	      /* MODE_SV39 or MODE_SV48 */
static unsigned levels;	      /* 3 (Sv39) or 4 (Sv48) */
static uint64_t root;	      /* the kernel's root table */
static uint64_t transitional; /* satp for the switch: the kernel's + the stub identity-mapped */
static bool has_svpbmt;

static uint64_t read_satp(void)
{
	uint64_t v;

	__asm__ volatile("csrr %0, satp" : "=r"(v));
	return v;
}

static const char *satp_mode_name(uint64_t satp_mode)
{
	switch (satp_mode) {
	case 0:
		return "Bare";
	case SATP_MODE_SV39:
		return "Sv39";
	case SATP_MODE_SV48:
		return "Sv48";
	case SATP_MODE_SV57:
		return "Sv57";
	default:
		return "unknown";
	}
}

/*
 * Whether the hart implements satp MODE `satp_mode` with `n_levels` levels.
 *
 * The ISA makes this testable: "if satp is written with an unsupported
 * MODE, the entire write has no effect". So write the mode and read satp
 * back. When the mode IS supported, the write turns translation on (or
 * changes it) at once, and the very next fetch goes through the new root.
 * The probe root therefore maps the whole lower half of the address space
 * onto itself with the largest leaves the mode has (256 gigapages for Sv39,
 * 256 512-GiB pages for Sv48): everything the firmware's identity map can
 * reach, this code, its stack and any device, stays where it was. The
 * leaves carry A and D so that a hart without hardware A/D updating
 * (Svade) does not fault on them. Interrupts are masked so no firmware
 * handler runs in the probe's address space, and the whole test is one asm
 * block so the compiler cannot place other work inside it. Afterwards the
 * firmware's satp is restored and the TLB flushed of the probe's entries.
 */
static bool satp_mode_supported(uint64_t satp_mode, unsigned n_levels)
{
	uint64_t probe = loader_alloc_pages(1, EFI_LOADER_DATA);
	uint64_t *t = (uint64_t *)(uintptr_t)probe;
	unsigned leaf_shift = 12 + 9 * (n_levels - 1);

	if (probe == 0)
		return false;
	for (uint64_t i = 0; i < 256; i++)
		t[i] = (i << leaf_shift >> 12) << PTE_PPN_SHIFT | PTE_V | PTE_LEAF | PTE_A | PTE_D;

	uint64_t want = satp_mode << SATP_MODE_SHIFT | probe >> 12, got, saved_sstatus, saved_satp;

	__asm__ volatile("csrrc %[sst], sstatus, %[sie]\n\t"
			 "csrr  %[old], satp\n\t"
			 "sfence.vma\n\t" /* the probe table's stores, before the walker reads it */
			 "csrw  satp, %[want]\n\t"
			 "sfence.vma\n\t"
			 "csrr  %[got], satp\n\t"
			 "csrw  satp, %[old]\n\t"
			 "sfence.vma\n\t"
			 "csrs  sstatus, %[sst]"
			 : [sst] "=&r"(saved_sstatus), [old] "=&r"(saved_satp), [got] "=&r"(got)
			 : [sie] "r"(SSTATUS_SIE), [want] "r"(want)
			 : "memory");
	efi_bs->free_pages(probe, 1);
	return got >> SATP_MODE_SHIFT == satp_mode;
}

/*
 * Svpbmt (page-based memory types) from the firmware's device tree: every
 * hart must list it, in "riscv,isa-extensions" or the older "riscv,isa".
 * S-mode has no register that says whether M-mode enabled it
 * (menvcfg.PBMTE), and a PBMT value in a PTE without it is a page fault,
 * so without a device tree saying so the answer is no.
 */
static bool detect_svpbmt(void)
{
	const efi_guid dtb_guid = EFI_DTB_TABLE_GUID;
	const void *blob = NULL;
	struct fdt f;

	for (uint64_t i = 0; i < efi_st->number_of_table_entries; i++) {
		const efi_configuration_table *t = &efi_st->configuration_table[i];

		if (memcmp(&t->vendor_guid, &dtb_guid, sizeof(dtb_guid)) == 0)
			blob = t->vendor_table;
	}
	return blob != NULL && fdt_init(&f, blob, FDT_BOOT_MAX_SIZE) &&
	       fdt_all_cpus_have_isa_extension(&f, "svpbmt");
}

int arch_paging_init(uint64_t min_mode, uint64_t max_mode, char *err, size_t err_size)
{
	uint64_t satp = read_satp();

	loader_print("loader: riscv64: firmware satp 0x%llx (%s)\n", (unsigned long long)satp,
		     satp_mode_name(satp >> SATP_MODE_SHIFT));

	/* Sv48 when the kernel allows it and the hart has it, else Sv39. */
	if (min_mode > max_mode) {
		snprintf(err, err_size, "the kernel's paging modes %llu..%llu are an empty range",
			 (unsigned long long)min_mode, (unsigned long long)max_mode);
		return -1;
	}
	if (min_mode > MODE_SV48) {
		snprintf(err, err_size, "the kernel needs Sv57, which this loader does not offer");
		return -1;
	}
	if (max_mode >= MODE_SV48 && satp_mode_supported(SATP_MODE_SV48, 4)) {
		mode = MODE_SV48;
		levels = 4;
	} else if (min_mode > MODE_SV39) {
		snprintf(err, err_size,
			 "the kernel needs Sv48, which this hart does not implement");
		return -1;
	} else if (satp_mode_supported(SATP_MODE_SV39, 3)) {
		mode = MODE_SV39;
		levels = 3;
	} else {
		snprintf(err, err_size, "this hart implements neither Sv48 nor Sv39");
		return -1;
	}
	has_svpbmt = detect_svpbmt();
	loader_print("loader: riscv64: kernel paging %s, Svpbmt %s\n",
		     mode == MODE_SV48 ? "Sv48" : "Sv39", has_svpbmt ? "yes" : "no");

	root = loader_alloc_table_page();
	if (root == 0) {
		snprintf(err, err_size, "out of memory for page tables");
		return -1;
	}
	return 0;
}

uint64_t arch_paging_mode(void)
{
	return mode;
}

uint64_t arch_hhdm_offset(void)
{
	return mode == MODE_SV48 ? HHDM_SV48 : HHDM_SV39;
}

/* Bits of virtual address the mode translates: 39 or 48. */
static unsigned va_bits(void)
{
	return 12 + 9 * levels;
}

/* Whether va is sign-extended from its top translated bit, as the hart requires. */
static bool canonical(uint64_t va)
{
	uint64_t upper = va >> (va_bits() - 1);

	return upper == 0 || upper == (UINT64_MAX >> (va_bits() - 1));
}

static uint64_t *table_of(uint64_t pte)
{
	return (uint64_t *)(uintptr_t)((pte >> PTE_PPN_SHIFT & PTE_PPN_MASK) << 12);
}

/*
 * Map one page whose leaf sits at `leaf_level` (0: 4 KiB, 1: 2 MiB,
 * 2: 1 GiB) in the tables under `table_root`, creating tables on the way.
 * Fails when a table page cannot be allocated or the slot is taken by a
 * different mapping.
 */
static int map_one(uint64_t table_root, uint64_t va, uint64_t pa, unsigned leaf_level,
		   uint64_t flags)
{
	uint64_t *t = (uint64_t *)(uintptr_t)table_root;

	for (unsigned level = levels - 1; level > leaf_level; level--) {
		uint64_t *e = &t[(va >> (12 + 9 * level)) & 511];

		if (!(*e & PTE_V)) {
			uint64_t next = loader_alloc_table_page();

			if (next == 0)
				return -1;
			/* A pointer to the next level: V alone (A, D, U must be 0 here). */
			*e = (next >> 12) << PTE_PPN_SHIFT | PTE_V;
		} else if (*e & PTE_LEAF) {
			return -1; /* already a larger page: the ranges collide */
		}
		t = table_of(*e);
	}
	uint64_t *e = &t[(va >> (12 + 9 * leaf_level)) & 511];
	uint64_t want = (pa >> 12) << PTE_PPN_SHIFT | flags;

	if ((*e & PTE_V) && *e != want)
		return -1;
	*e = want;
	return 0;
}

struct leaf_ctx {
	uint64_t table_root;
	uint64_t flags;
};

static int map_leaf(void *ctx, uint64_t va, uint64_t pa, uint64_t leaf_size)
{
	const struct leaf_ctx *c = ctx;

	return map_one(c->table_root, va, pa, leaf_level(leaf_size), c->flags);
}

static int map_in(uint64_t table_root, uint64_t va, uint64_t pa, uint64_t size, unsigned attrs)
{
	/*
	 * Every leaf is valid, readable, and has A and D already set: a hart
	 * with Svade raises a page fault on a clear A (or on a write with a
	 * clear D) instead of setting them. Upper-half mappings (the kernel's)
	 * are global: the same in every address space the kernel will build.
	 */
	uint64_t flags = PTE_V | PTE_R | PTE_A | PTE_D | (attrs & MAP_WRITE ? PTE_W : 0) |
			 (attrs & MAP_EXEC ? PTE_X : 0) | (va >> 63 ? PTE_G : 0);

	if (size == 0)
		return 0;
	if (!canonical(va) || !canonical(va + size - 1) || (va >> 63) != ((va + size - 1) >> 63) ||
	    pa + size - 1 > (PTE_PPN_MASK << 12 | 0xfff))
		return -1;
	if (attrs & MAP_FRAMEBUFFER) {
		/* Non-cacheable where the hart can say so; else the PMA's type. */
		flags |= has_svpbmt ? PTE_PBMT_NC : 0;
	}
	struct leaf_ctx c = { .table_root = table_root, .flags = flags };

	return loader_map_leaves(va, pa, size, attrs & MAP_FRAMEBUFFER ? LEAF_4K : LEAF_1G,
				 map_leaf, &c);
}

int arch_map(uint64_t va, uint64_t pa, uint64_t size, unsigned attrs)
{
	return map_in(root, va, pa, size, attrs);
}

void arch_sync_icache(uint64_t start, uint64_t size)
{
	/*
	 * RISC-V does not keep instruction fetch coherent with stores: fence.i
	 * orders this hart's earlier stores (the kernel just copied) before its
	 * later fetches. The data caches need no maintenance; they are coherent.
	 * Other harts are still parked in the firmware and never fetched it.
	 */
	(void)start;
	(void)size;
	__asm__ volatile("fence.i" ::: "memory");
}

/* handoff.S */
extern char riscv_handoff_high[], riscv_handoff_end[];
__noreturn void riscv_handoff(uint64_t transitional_satp, uint64_t satp, uint64_t high,
			      uint64_t entry, uint64_t stack_top);

static uint64_t satp_for(uint64_t table_root)
{
	uint64_t satp_mode = mode == MODE_SV48 ? SATP_MODE_SV48 : SATP_MODE_SV39;

	/* ASID 0, as the protocol says; the PPN is the root's physical page number. */
	return satp_mode << SATP_MODE_SHIFT | table_root >> 12;
}

uint64_t riscv_kernel_satp(void)
{
	return satp_for(root);
}

uint64_t riscv_transitional_satp(uint64_t start, uint64_t end)
{
	/*
	 * Writing satp with the kernel's root while executing from an
	 * identity mapping (the firmware's, or Bare on a hart the SBI just
	 * started) would fault on the next fetch: the kernel's tables have no
	 * lower half. So the switch goes through a transitional root: a copy
	 * of the kernel's (sharing its upper-half tables) plus the switching
	 * code's own pages identity-mapped. That code then jumps to its HHDM
	 * alias and installs the kernel's root. The copy's lower half gets
	 * tables of its own, so the kernel's tables are not touched.
	 */
	uint64_t t = loader_alloc_table_page();

	start = ALIGN_DOWN(start, (uint64_t)PAGE_SIZE);
	end = ALIGN_UP(end, (uint64_t)PAGE_SIZE);
	if (t == 0)
		return 0;
	memcpy((void *)(uintptr_t)t, (void *)(uintptr_t)root, PAGE_SIZE);
	if (map_in(t, start, start, end - start, MAP_EXEC) != 0)
		return 0;
	return satp_for(t);
}

int arch_prepare_handoff(char *err, size_t err_size)
{
	uint64_t stub = (uint64_t)(uintptr_t)riscv_handoff;

	transitional = riscv_transitional_satp(stub, (uint64_t)(uintptr_t)riscv_handoff_end);
	if (transitional == 0) {
		snprintf(err, err_size, "cannot map the hand-off code at 0x%llx",
			 (unsigned long long)stub);
		return -1;
	}
	return 0;
}

void arch_handoff(uint64_t entry, uint64_t stack_top)
{
	riscv_handoff(transitional, riscv_kernel_satp(),
		      (uint64_t)(uintptr_t)riscv_handoff_high + arch_hhdm_offset(), entry,
		      stack_top);
}

struct riscv_sbiret riscv_sbi_call(unsigned long ext, unsigned long fid, unsigned long arg0,
				   unsigned long arg1, unsigned long arg2)
{
	/* The SBI calling convention: a7 extension, a6 function, a0-a2 in, a0/a1 out. */
	register unsigned long a0 __asm__("a0") = arg0;
	register unsigned long a1 __asm__("a1") = arg1;
	register unsigned long a2 __asm__("a2") = arg2;
	register unsigned long a6 __asm__("a6") = fid;
	register unsigned long a7 __asm__("a7") = ext;

	__asm__ volatile("ecall" : "+r"(a0), "+r"(a1) : "r"(a2), "r"(a6), "r"(a7) : "memory");
	return (struct riscv_sbiret){ (long)a0, (long)a1 };
}
