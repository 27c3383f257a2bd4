/*
 * boot/loader/arch/loongarch64/paging.c - 4-level page tables and the hand-off for loongarch64.
 *
 * LoongArch translates a virtual address in one of two ways. A direct
 * mapping window (DMW0-3) maps a whole 2^60-byte segment, chosen by the top
 * four address bits, straight onto physical memory. Everything else goes
 * through the TLB, which software refills: on a miss the CPU enters the TLB
 * refill handler at TLBRENTRY (a physical address: the handler runs in
 * direct-address mode), and the handler walks the page tables with the
 * lddir/ldpte instructions, configured by PWCL/PWCH, and writes the entry
 * with tlbfill.
 *
 * The kernel gets what the Limine protocol promises (fact sheet 6.5):
 *  - 4 levels of 4 KiB tables, each level indexed by 9 virtual address bits:
 *    Dir3 by VA[47:39], Dir2 by VA[38:30], Dir1 by VA[29:21], the page table
 *    by VA[20:12]. PWCL = 0x13E4D52C and PWCH = 0x267 say exactly that
 *    (PTbase 12, PTwidth 9, Dir1 21/9, Dir2 30/9, PTEWidth 0 = 64-bit
 *    entries; Dir3 39/9, Dir4 unused);
 *  - PGDH, the root for addresses with bit 63 set, holds the kernel's
 *    segments (top 2 GiB) and the HHDM at 0xffff800000000000. la464 has
 *    VALEN = 48: bits 63:47 of an address are all equal, and only bits 47:0
 *    take part in the walk, so the HHDM starts at Dir3 slot 256 and the
 *    kernel sits in slot 511. Limine itself puts the HHDM at
 *    0xffff000000000000, which QEMU 10.0 accepts; but a TLB entry is tagged
 *    with bits 47:13 alone, so there the direct map would share TLB
 *    entries with the lower half, where the kernel maps user pages;
 *  - PGDL, the root for the lower half, is an empty root. DMW0 = 0x11 maps
 *    the whole lower segment (VSEG 0) directly, cached, at PLV0, and a DMW
 *    hit takes precedence over the TLB, so the lower half never reaches
 *    PGDL. That window is also what keeps the loader's final instructions
 *    (at their physical addresses) running across the switch;
 *  - the TLB refill handler of handoff.S, copied into a reclaimable page.
 * handoff.S writes the CSRs; this file builds the tables.
 *
 * Unmapped ranges do not hold zero entries: a zero directory entry would
 * make lddir read "the next table" at physical address 0. Instead every
 * empty slot points to an invalid table of the next level down, ending in a
 * page of zero (V = 0) entries, so a walk of an unmapped address loads an
 * invalid TLB entry and the access takes a page-invalid exception (PIL, PIS
 * or PIF), as the kernel expects of an unmapped page.
 */
#include "../../arch.h"
#include "../../loader.h"
#include "loongarch64.h"

#include <base/printf.h>
#include <base/string.h>
#include <stdbool.h>

/*
 * Page-table entry bits. A basic entry (in a page table) and a huge entry
 * (in a Dir1 or Dir2 table, with H set) share the layout except for bit 6
 * and bit 12: in a basic entry bit 6 is G (global), while in a huge entry
 * bit 6 is H and the global bit moves to bit 12 (free there because a huge
 * page's physical address is aligned far beyond 4 KiB). The hardware reads
 * V, D, PLV, MAT, G, NR, NX and RPLV; P and W are for software, which by
 * convention sets D only on writable pages: the TLB treats D as "writes
 * allowed", and a store to a page without D takes a page-modify exception.
 * A directory entry that is not huge holds only the next table's address.
 */
#define PTE_V	    (UINT64_C(1) << 0)
#define PTE_D	    (UINT64_C(1) << 1)
#define PTE_PLV0    (UINT64_C(0) << 2)
#define PTE_MAT_CC  (UINT64_C(1) << 4) /* coherent cached: normal memory */
#define PTE_MAT_WUC (UINT64_C(2) << 4) /* weakly-ordered uncached: the framebuffer */
#define PTE_G	    (UINT64_C(1) << 6) /* basic entries */
#define PTE_H	    (UINT64_C(1) << 6) /* directory entries: a huge page */
#define PTE_P	    (UINT64_C(1) << 7)
#define PTE_W	    (UINT64_C(1) << 8)
#define PTE_HG	    (UINT64_C(1) << 12) /* huge entries: global */
#define PTE_NR	    (UINT64_C(1) << 61)
#define PTE_NX	    (UINT64_C(1) << 62)
#define PTE_ADDR    UINT64_C(0x0000fffffffff000)

#define HHDM_4LEVEL UINT64_C(0xffff800000000000)

#define LEVELS	4 /* Dir3 (the root), Dir2, Dir1, page table */
#define ENTRIES 512u

const uint16_t arch_elf_machine = 258; /* EM_LOONGARCH */

static uint64_t root;		 /* the kernel's Dir3 table: PGDH */
static uint64_t invalid[LEVELS]; /* invalid[l]: the empty table at level l; [3] is PGDL */
static uint64_t refill_page;	 /* the TLB refill handler's copy */

/* A new table at `level` (1..3) whose every slot is empty, or a page table (level 0). */
static uint64_t new_table(unsigned level)
{
	uint64_t t = loader_alloc_table_page();

	if (t != 0 && level > 0) {
		uint64_t *e = (uint64_t *)(uintptr_t)t;

		for (unsigned i = 0; i < ENTRIES; i++)
			e[i] = invalid[level - 1];
	}
	return t;
}

int arch_paging_init(uint64_t min_mode, uint64_t max_mode, char *err, size_t err_size)
{
	(void)max_mode; /* mode 0 is the only one, and it is never above a maximum */
	if (min_mode > 0) {
		snprintf(err, err_size,
			 "the kernel asks for paging mode %llu; loongarch64 has 0 only",
			 (unsigned long long)min_mode);
		return -1;
	}

	/* The invalid tables, from the bottom up: each level points to the one below. */
	for (unsigned level = 0; level < LEVELS; level++) {
		invalid[level] = new_table(level);
		if (invalid[level] == 0)
			goto oom;
	}
	root = new_table(LEVELS - 1);
	if (root == 0)
		goto oom;
	return 0;
oom:
	snprintf(err, err_size, "out of memory for page tables");
	return -1;
}

uint64_t arch_paging_mode(void)
{
	return 0; /* 4-level */
}

uint64_t arch_hhdm_offset(void)
{
	return HHDM_4LEVEL;
}

/* VA bits 47:0 choose the slots; bits 63:48 only repeat bit 47 (see the top of the file). */
static unsigned slot(uint64_t va, unsigned level)
{
	return (unsigned)(va >> (12 + 9 * level)) & (ENTRIES - 1);
}

/*
 * The table below the directory entry *e at `level` (1..3), created when the
 * slot is empty; NULL when memory runs out or the slot already holds a huge
 * page (the ranges collide).
 */
static uint64_t *next_table(uint64_t *e, unsigned level)
{
	if (*e == invalid[level - 1]) {
		uint64_t t = new_table(level - 1);

		if (t == 0)
			return NULL;
		*e = t;
	} else if (*e & PTE_H) {
		return NULL;
	}
	return (uint64_t *)(uintptr_t)(*e & PTE_ADDR);
}

/* Map one page of 4 KiB (leaf level 0), 2 MiB (level 1) or 1 GiB (level 2). */
static int map_one(uint64_t va, uint64_t pa, unsigned leaf_level, uint64_t flags)
{
	uint64_t *t = (uint64_t *)(uintptr_t)root;

	for (unsigned level = LEVELS - 1; level > leaf_level; level--) {
		t = next_table(&t[slot(va, level)], level);
		if (t == NULL)
			return -1;
	}
	uint64_t *e = &t[slot(va, leaf_level)];
	uint64_t want = pa | flags | (leaf_level > 0 ? PTE_H | PTE_HG : PTE_G);
	bool empty = leaf_level > 0 ? *e == invalid[leaf_level - 1] : *e == 0;

	if (!empty && *e != want)
		return -1;
	*e = want;
	return 0;
}

static int map_leaf(void *ctx, uint64_t va, uint64_t pa, uint64_t leaf_size)
{
	return map_one(va, pa, leaf_level(leaf_size), *(const uint64_t *)ctx);
}

int arch_map(uint64_t va, uint64_t pa, uint64_t size, unsigned attrs)
{
	/* Writable means W for software and D for the TLB. */
	uint64_t flags = PTE_V | PTE_P | PTE_PLV0 | (attrs & MAP_WRITE ? PTE_W | PTE_D : 0) |
			 (attrs & MAP_EXEC ? 0 : PTE_NX) |
			 (attrs & MAP_FRAMEBUFFER ? PTE_MAT_WUC : PTE_MAT_CC);

	/* Huge pages where alignment allows; the framebuffer keeps 4 KiB pages. */
	return loader_map_leaves(va, pa, size, attrs & MAP_FRAMEBUFFER ? LEAF_4K : LEAF_1G,
				 map_leaf, &flags);
}

void arch_sync_icache(uint64_t start, uint64_t size)
{
	/*
	 * LoongArch keeps the instruction cache coherent with data stores in
	 * hardware; what software owes is ordering: dbar 0 completes the
	 * stores that copied the kernel, ibar 0 makes later instruction
	 * fetches see them.
	 */
	(void)start;
	(void)size;
	__asm__ volatile("dbar 0\n\tibar 0" ::: "memory");
}

/* handoff.S */
extern const char la_tlb_refill[], la_tlb_refill_end[];
__noreturn void la_handoff(uint64_t entry, uint64_t stack_top, uint64_t pgdl, uint64_t pgdh,
			   uint64_t tlbrentry);

int arch_prepare_handoff(char *err, size_t err_size)
{
	size_t size = (size_t)(la_tlb_refill_end - la_tlb_refill);

	/*
	 * The handler runs in direct-address mode from TLBRENTRY, a physical
	 * address that must be 4 KiB aligned; a page of its own gives both.
	 * It is reclaimable memory: the kernel installs its own handler
	 * before it reuses this page.
	 */
	refill_page = loader_alloc_pages(1, KEEL_MEMORY_RECLAIMABLE);
	if (refill_page == 0) {
		snprintf(err, err_size, "out of memory for the TLB refill handler");
		return -1;
	}
	memcpy((void *)(uintptr_t)refill_page, la_tlb_refill, size);
	arch_sync_icache(refill_page, size);
	return 0;
}

void la_paging_roots(uint64_t *pgdl, uint64_t *pgdh, uint64_t *tlbrentry)
{
	*pgdl = invalid[LEVELS - 1];
	*pgdh = root;
	*tlbrentry = refill_page;
}

void arch_handoff(uint64_t entry, uint64_t stack_top)
{
	la_handoff(entry, stack_top, invalid[LEVELS - 1], root, refill_page);
}
