/*
 * boot/loader/arch/x86_64/paging.c - 4-level page tables and the hand-off for x86_64.
 *
 * The kernel gets 4-level paging (protocol mode 0) with the HHDM at
 * 0xffff800000000000. Large pages (1 GiB where the CPU has them, 2 MiB
 * otherwise) map the HHDM; the kernel's segments and the framebuffer use
 * 4 KiB pages so each keeps its own permissions and caching.
 */
#include "../../arch.h"
#include "../../loader.h"
#include "x86.h"

#include <base/printf.h>
#include <base/string.h>
#include <stdbool.h>

#define PTE_P	 (UINT64_C(1) << 0)
#define PTE_W	 (UINT64_C(1) << 1)
#define PTE_PWT	 (UINT64_C(1) << 3)
#define PTE_PS	 (UINT64_C(1) << 7) /* in a PDPTE or PDE: a large page */
#define PTE_PAT	 (UINT64_C(1) << 7) /* in a PTE: PAT index bit 2 */
#define PTE_NX	 (UINT64_C(1) << 63)
#define PTE_ADDR UINT64_C(0x000ffffffffff000)

/* PAT index 5 (WC) in a 4 KiB PTE: PAT=1, PCD=0, PWT=1. */
#define PTE_WC (PTE_PAT | PTE_PWT)

const uint16_t arch_elf_machine = 62; /* EM_X86_64 */

static uint64_t root;	      /* the kernel's PML4 */
static uint64_t transitional; /* PML4 for the switch: root + the stub identity-mapped */
static uint64_t gdt_phys;
static bool has_nx, has_1g;

int arch_paging_init(uint64_t min_mode, uint64_t max_mode, char *err, size_t err_size)
{
	uint32_t a, b, c, d;

	(void)max_mode; /* mode 0 is the only one offered, and it is never above a maximum */
	if (min_mode > 0) {
		snprintf(err, err_size, "the kernel needs 5-level paging, which this loader lacks");
		return -1;
	}
	cpuid(0x80000000, &a, &b, &c, &d);
	if (a >= 0x80000001) {
		cpuid(0x80000001, &a, &b, &c, &d);
		has_nx = d & (1u << 20);
		has_1g = d & (1u << 26);
	}
	root = loader_alloc_table_page();
	if (root == 0) {
		snprintf(err, err_size, "out of memory for page tables");
		return -1;
	}
	return 0;
}

uint64_t x86_kernel_pml4(void)
{
	return root;
}

bool x86_has_nx(void)
{
	return has_nx;
}

uint64_t arch_paging_mode(void)
{
	return 0; /* 4-level */
}

uint64_t arch_hhdm_offset(void)
{
	return HHDM_4LEVEL;
}

/* The table `level` levels below the entry *e, created when absent. */
static uint64_t *next_table(uint64_t *e)
{
	if (!(*e & PTE_P)) {
		uint64_t t = loader_alloc_table_page();

		if (t == 0)
			return NULL;
		*e = t | PTE_P | PTE_W; /* permissions are decided at the leaf */
	} else if (*e & PTE_PS) {
		return NULL; /* already a large page: the ranges collide */
	}
	return (uint64_t *)(uintptr_t)(*e & PTE_ADDR);
}

/* Map one page of `size` (4 KiB, 2 MiB or 1 GiB) in the tables under `pml4`. */
static int map_one(uint64_t pml4, uint64_t va, uint64_t pa, uint64_t size, uint64_t flags)
{
	uint64_t *t = (uint64_t *)(uintptr_t)pml4;
	unsigned shift = 39;
	const unsigned leaf_shift = 12 + 9 * leaf_level(size);

	for (; shift > leaf_shift; shift -= 9) {
		t = next_table(&t[(va >> shift) & 511]);
		if (t == NULL)
			return -1;
	}
	uint64_t *e = &t[(va >> shift) & 511];
	uint64_t want = pa | flags | (leaf_shift > 12 ? PTE_PS : 0);

	if ((*e & PTE_P) && *e != want)
		return -1;
	*e = want;
	return 0;
}

struct leaf_ctx {
	uint64_t pml4;
	uint64_t flags;
};

static int map_leaf(void *ctx, uint64_t va, uint64_t pa, uint64_t leaf_size)
{
	const struct leaf_ctx *c = ctx;

	return map_one(c->pml4, va, pa, leaf_size, c->flags);
}

static int map_in(uint64_t pml4, uint64_t va, uint64_t pa, uint64_t size, unsigned attrs)
{
	struct leaf_ctx c = {
		.pml4 = pml4,
		.flags = PTE_P | (attrs & MAP_WRITE ? PTE_W : 0) |
			 (!(attrs & MAP_EXEC) && has_nx ? PTE_NX : 0),
	};
	uint64_t max_leaf = has_1g ? LEAF_1G : LEAF_2M;

	if (attrs & MAP_FRAMEBUFFER) {
		c.flags |= PTE_WC; /* a PAT index only 4 KiB PTEs can hold this way */
		max_leaf = LEAF_4K;
	}
	return loader_map_leaves(va, pa, size, max_leaf, map_leaf, &c);
}

int arch_map(uint64_t va, uint64_t pa, uint64_t size, unsigned attrs)
{
	return map_in(root, va, pa, size, attrs);
}

void arch_sync_icache(uint64_t start, uint64_t size)
{
	(void)start; /* x86 keeps instruction fetch coherent with stores */
	(void)size;
}

/* handoff.S */
extern char x86_handoff_high[], x86_handoff_end[];
__noreturn void x86_handoff(uint64_t transitional_cr3, uint64_t cr3, const void *gdtr,
			    uint64_t high, uint64_t entry, uint64_t stack_top);

/* The protocol's GDT (fact sheet 6.2): the kernel runs with CS 0x28, data 0x30. */
const uint64_t x86_limine_gdt[7] = {
	0,
	UINT64_C(0x00009b000000ffff), /* 0x08 16-bit code */
	UINT64_C(0x000093000000ffff), /* 0x10 16-bit data */
	UINT64_C(0x00cf9b000000ffff), /* 0x18 32-bit code */
	UINT64_C(0x00cf93000000ffff), /* 0x20 32-bit data */
	UINT64_C(0x00209b0000000000), /* 0x28 64-bit code */
	UINT64_C(0x0000930000000000), /* 0x30 64-bit data */
};

static struct __packed {
	uint16_t limit;
	uint64_t base;
} gdtr;

int arch_prepare_handoff(char *err, size_t err_size)
{
	gdt_phys = loader_alloc_pages(1, KEEL_MEMORY_RECLAIMABLE);
	transitional = loader_alloc_table_page();
	if (gdt_phys == 0 || transitional == 0) {
		snprintf(err, err_size, "out of memory for the hand-off");
		return -1;
	}
	memcpy((void *)(uintptr_t)gdt_phys, x86_limine_gdt, sizeof(x86_limine_gdt));
	gdtr.limit = sizeof(x86_limine_gdt) - 1;
	gdtr.base = gdt_phys + HHDM_4LEVEL;

	/*
	 * Loading CR3 with the kernel's tables while executing from the
	 * firmware's identity mapping would fault on the next fetch. So the
	 * switch goes through a transitional PML4: the kernel's upper half
	 * plus the stub's own pages identity-mapped. The stub then jumps to
	 * its HHDM alias and loads the kernel's PML4, whose lower half is
	 * empty as the protocol promises.
	 */
	memcpy((void *)(uintptr_t)transitional, (void *)(uintptr_t)root, PAGE_SIZE);
	uint64_t stub = ALIGN_DOWN((uint64_t)(uintptr_t)x86_handoff, (uint64_t)PAGE_SIZE);
	uint64_t stub_end = ALIGN_UP((uint64_t)(uintptr_t)x86_handoff_end, (uint64_t)PAGE_SIZE);

	if (stub >= HHDM_4LEVEL / 2 ||
	    map_in(transitional, stub, stub, stub_end - stub, MAP_EXEC) != 0) {
		snprintf(err, err_size, "cannot map the hand-off code");
		return -1;
	}
	return 0;
}

void arch_handoff(uint64_t entry, uint64_t stack_top)
{
	uint64_t cr0;

	__asm__ volatile("cli");
	wrmsr(MSR_PAT, PAT_LIMINE);
	if (has_nx)
		wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE);
	__asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
	__asm__ volatile("mov %0, %%cr0" ::"r"(cr0 | CR0_WP));
	x86_handoff(transitional, root, &gdtr, (uint64_t)(uintptr_t)x86_handoff_high + HHDM_4LEVEL,
		    entry, stack_top);
}
