/*
 * boot/loader/arch/aarch64/paging.c - TTBR1 page tables and the hand-off for aarch64.
 *
 * The kernel gets 4-level translation (protocol mode 0): a 4 KiB granule
 * and 48-bit virtual addresses in the upper half (TCR_EL1.T1SZ = 16), with
 * the HHDM at 0xffff000000000000. Every kernel mapping lives in the tables
 * behind TTBR1_EL1; the lower half (TTBR0_EL1) is left to the kernel.
 *
 * Memory attributes come through MAIR_EL1, which the protocol fixes only in
 * two slots: Attr0 = Normal write-back (the kernel and the HHDM) and
 * Attr1 = the framebuffer's attribute. The other six slots are unused by
 * the kernel's tables; we keep the firmware's values there, for the reason
 * given at aarch64_final_mair().
 *
 * edk2 starts the loader at EL1 with the MMU and caches on and TTBR0_EL1
 * pointing at an identity map, so until the hand-off every physical address
 * is also a valid pointer.
 */
#include "../../arch.h"
#include "../../loader.h"
#include "aarch64.h"

#include <base/printf.h>
#include <base/string.h>
#include <stdbool.h>

/* The MAIR_EL1 slots the protocol defines, and what goes into them. */
#define ATTR_FRAMEBUFFER 1
#define MAIR_NORMAL_WB	 UINT64_C(0xff) /* inner/outer write-back, read/write-allocate */
/*
 * Normal non-cacheable: the aarch64 counterpart of write-combining. Writes
 * reach the display without cache maintenance, and neighbouring stores
 * may still merge, which keeps pixel drawing fast.
 */
#define MAIR_NORMAL_NC	 UINT64_C(0x44)

#define HHDM_4LEVEL UINT64_C(0xffff000000000000)

/* TCR_EL1 fields. */
#define TCR_AS	      (UINT64_C(1) << 36) /* 16-bit ASIDs */
#define TCR_TBI0      (UINT64_C(1) << 37) /* top-byte-ignore for the lower half */
#define TCR_T1SZ(n)   ((uint64_t)(n) << 16)
#define TCR_IRGN1_WB  (UINT64_C(1) << 24) /* walks: inner write-back read/write-allocate */
#define TCR_ORGN1_WB  (UINT64_C(1) << 26) /* walks: outer write-back read/write-allocate */
#define TCR_SH1_OUTER (UINT64_C(2) << 28) /* walks: outer shareable, as Limine 8.2.0 sets */
#define TCR_TG1_4K    (UINT64_C(2) << 30)
#define TCR_IPS(n)    ((uint64_t)(n) << 32)

/*
 * SCTLR_EL1 at entry, as the fact sheet gives it (section 6.3): MMU (M),
 * data and instruction caches (C, I) and SP alignment checks (SA, SA0) on;
 * alignment faults (A), write-implies-execute-never (WXN) and big-endian
 * (EE, E0E) off; bits 7, 8, 11, 20, 22, 23, 28 and 29 set, which are RES1 on
 * ARMv8.0 and select the conservative behaviour of the features that later
 * revisions put there.
 */
#define SCTLR_KERNEL UINT64_C(0x30d0199d)

const uint16_t arch_elf_machine = 183; /* EM_AARCH64 */

static uint64_t root;	     /* the level-0 table behind TTBR1_EL1 */
static uint64_t empty_ttbr0; /* an all-invalid level-0 table for TTBR0_EL1 */
static uint64_t final_mair, final_tcr;

int arch_paging_init(uint64_t min_mode, uint64_t max_mode, char *err, size_t err_size)
{
	uint64_t el = CURRENT_EL(READ_SYSREG(CurrentEL));

	(void)max_mode; /* mode 0 is the only one offered, and it is never above a maximum */
	loader_print("loader: aarch64 EL%llu, SCTLR_EL1 0x%llx, TCR_EL1 0x%llx, MAIR_EL1 0x%llx\n",
		     (unsigned long long)el, (unsigned long long)READ_SYSREG(sctlr_el1),
		     (unsigned long long)READ_SYSREG(tcr_el1),
		     (unsigned long long)READ_SYSREG(mair_el1));
	/*
	 * At EL2 the loader would have to program the EL2 controls and drop
	 * to EL1 as Limine does (fact sheet 6.3); that is not written yet. The
	 * mrs of an *_EL1 register above is valid at EL2 too.
	 */
	if (el != 1) {
		snprintf(err, err_size,
			 "the firmware started the loader at EL%llu; only EL1 is supported "
			 "(dropping from EL2 to EL1 is not implemented)",
			 (unsigned long long)el);
		return -1;
	}
	if (min_mode > 0) {
		snprintf(err, err_size, "the kernel needs 5-level paging, which this loader lacks");
		return -1;
	}
	/* ID_AA64MMFR0_EL1.TGran4, bits 31:28: 0xf means no 4 KiB granule. */
	if (((READ_SYSREG(id_aa64mmfr0_el1) >> 28) & 0xf) == 0xf) {
		snprintf(err, err_size, "this CPU has no 4 KiB translation granule");
		return -1;
	}
	root = loader_alloc_table_page();
	if (root == 0) {
		snprintf(err, err_size, "out of memory for page tables");
		return -1;
	}
	return 0;
}

uint64_t arch_paging_mode(void)
{
	return 0; /* 4-level */
}

uint64_t arch_hhdm_offset(void)
{
	return HHDM_4LEVEL;
}

/* The table the entry *e points to, created when absent; NULL if *e is a block. */
static uint64_t *next_table(uint64_t *e)
{
	if (!(*e & DESC_VALID)) {
		uint64_t t = loader_alloc_table_page();

		if (t == 0)
			return NULL;
		/* No APTable/PXNTable limits: permissions are decided at the leaf. */
		*e = t | DESC_TABLE | DESC_VALID;
	} else if (!(*e & DESC_TABLE)) {
		return NULL; /* already a block: the ranges collide */
	}
	return (uint64_t *)(uintptr_t)(*e & DESC_ADDR);
}

/* Map one block or page of `size` (1 GiB, 2 MiB or 4 KiB) under the root table. */
static int map_one(uint64_t va, uint64_t pa, uint64_t size, uint64_t attrs)
{
	uint64_t *t = (uint64_t *)(uintptr_t)root;
	unsigned shift = 39;
	const unsigned leaf_shift = 12 + 9 * leaf_level(size);

	for (; shift > leaf_shift; shift -= 9) {
		t = next_table(&t[(va >> shift) & 511]);
		if (t == NULL)
			return -1;
	}
	uint64_t *e = &t[(va >> shift) & 511];
	/* A level-3 page has bits 1:0 = 11; a level-1 or level-2 block has 01. */
	uint64_t want = pa | attrs | DESC_VALID | (leaf_shift == 12 ? DESC_TABLE : 0);

	if ((*e & DESC_VALID) && *e != want)
		return -1;
	*e = want;
	return 0;
}

static int map_leaf(void *ctx, uint64_t va, uint64_t pa, uint64_t leaf_size)
{
	return map_one(va, pa, leaf_size, *(const uint64_t *)ctx);
}

int arch_map(uint64_t va, uint64_t pa, uint64_t size, unsigned attrs)
{
	/* Kernel-only memory: EL0 may never execute it (UXN), EL1 only if MAP_EXEC. */
	uint64_t desc = DESC_AF | DESC_SH_INNER | DESC_UXN | (attrs & MAP_WRITE ? 0 : DESC_AP_RO) |
			(attrs & MAP_EXEC ? 0 : DESC_PXN);

	if (va < HHDM_4LEVEL)
		return -1; /* TTBR1 covers only the top 2^48 bytes */
	if (attrs & MAP_FRAMEBUFFER)
		desc |= DESC_ATTR(ATTR_FRAMEBUFFER);
	else
		desc |= DESC_ATTR(ATTR_NORMAL);

	/* 4 KiB pages for the framebuffer, as arch.h promises. */
	return loader_map_leaves(va, pa, size, attrs & MAP_FRAMEBUFFER ? LEAF_4K : LEAF_1G,
				 map_leaf, &desc);
}

void arch_sync_icache(uint64_t start, uint64_t size)
{
	/* CTR_EL0.DminLine, bits 19:16: log2 of the smallest data-cache line in words. */
	uint64_t line = UINT64_C(4) << ((READ_SYSREG(ctr_el0) >> 16) & 0xf);

	/*
	 * The copy went through the data cache. Clean it to the point of
	 * unification, where instruction fetches look, then drop whatever the
	 * instruction cache may hold for these addresses. The kernel runs with
	 * the same cacheable attributes, so the point of coherency is not
	 * needed.
	 */
	for (uint64_t a = ALIGN_DOWN(start, line); a < start + size; a += line)
		__asm__ volatile("dc cvau, %0" ::"r"(a) : "memory");
	__asm__ volatile("dsb ish\n\tic iallu\n\tdsb ish\n\tisb" ::: "memory");
}

/*
 * The MAIR_EL1 slot the firmware's identity map uses for the page at `va`,
 * found by walking the TTBR0_EL1 tables (identity-mapped, so readable by
 * physical address). -1 when the walk does not end in a valid leaf.
 */
static int firmware_attr_index(uint64_t va)
{
	uint64_t tcr = READ_SYSREG(tcr_el1);
	unsigned va_bits = 64 - (unsigned)(tcr & 0x3f);

	if ((tcr & TCR_TG0_MASK) != TCR_TG0_4K || va_bits < 25 || va_bits > 48)
		return -1;
	/* With 4 KiB pages, each level resolves 9 bits above the 12-bit page offset. */
	unsigned shift = 12 + 9 * ((va_bits - 12 - 1) / 9);
	const uint64_t *t = (const uint64_t *)(uintptr_t)(READ_SYSREG(ttbr0_el1) & DESC_ADDR);

	for (;; shift -= 9) {
		uint64_t e = t[(va >> shift) & 511];

		if (!(e & DESC_VALID))
			return -1;
		if (shift == 12 || !(e & DESC_TABLE))
			return (int)((e & DESC_ATTR_FIELD) >> 2);
		t = (const uint64_t *)(uintptr_t)(e & DESC_ADDR);
	}
}

/* handoff.S */
extern char aarch64_handoff_end[];
__noreturn void aarch64_handoff(uint64_t entry, uint64_t stack_top, uint64_t mair, uint64_t tcr,
				uint64_t ttbr1, uint64_t ttbr0, uint64_t hhdm, uint64_t sctlr);

/*
 * Attr0 and Attr1 as the protocol defines them; slots 2 to 7 are unused by
 * the kernel's tables and keep the firmware's values.
 *
 * Why keep them: the hand-off code changes MAIR_EL1 while it still runs
 * from the firmware's identity map (TTBR0), whose descriptors name the
 * firmware's own slots. edk2 puts Normal write-back memory in slot 3
 * (device memory in 0, non-cacheable in 1, write-through in 2). As long as
 * the slot that maps the hand-off code keeps its meaning, the instruction
 * fetches in between see the same memory type before and after the write.
 * arch_prepare_handoff() checks exactly that, so a firmware that used slot
 * 0 or 1 for its code would be refused with a message, not hang.
 */
static uint64_t aarch64_final_mair(uint64_t firmware_mair)
{
	return (firmware_mair & ~UINT64_C(0xffff)) | MAIR_NORMAL_NC << (8 * ATTR_FRAMEBUFFER) |
	       MAIR_NORMAL_WB << (8 * ATTR_NORMAL);
}

/*
 * The registers every CPU gets in the protocol's entry state: computed
 * once, for the hand-off and for the CPUs mp.c starts, which must end up
 * in exactly the boot CPU's state. 0, or -1 with err.
 */
int aarch64_final_state(struct aarch64_final_state *out, char *err, size_t err_size)
{
	static bool done;

	if (!done) {
		uint64_t mair = READ_SYSREG(mair_el1), tcr = READ_SYSREG(tcr_el1);
		uint64_t stub = (uint64_t)(uintptr_t)aarch64_handoff;
		uint64_t stub_last = (uint64_t)(uintptr_t)aarch64_handoff_end - 1;

		final_mair = aarch64_final_mair(mair);
		int slot = firmware_attr_index(stub);

		if (firmware_attr_index(stub_last) != slot)
			slot = -1; /* both pages of the stub must agree */
		if (slot < 0 || ((final_mair ^ mair) >> (8 * slot) & 0xff) != 0) {
			snprintf(err, err_size,
				 "the firmware maps the loader's code with MAIR slot %d (MAIR_EL1 "
				 "0x%llx), which the kernel's attributes would redefine",
				 slot, (unsigned long long)mair);
			return -1;
		}

		/*
		 * ID_AA64MMFR0_EL1.PARange, bits 3:0, uses the encoding of TCR.IPS.
		 * Values above 5 (48 bits) need 52-bit descriptors, which 4-level
		 * tables with a 4 KiB granule do not have.
		 */
		uint64_t parange = READ_SYSREG(id_aa64mmfr0_el1) & 0xf;

		if (parange > 5)
			parange = 5;
		/*
		 * The firmware's lower-half settings stay (the hand-off still runs
		 * through them); the upper half is ours. EPD1 = 0 enables TTBR1 walks;
		 * A1 = 0 takes the ASID from TTBR0; TBI1 = 0.
		 */
		final_tcr = (tcr & (TCR_T0_FIELDS | TCR_AS | TCR_TBI0)) | TCR_T1SZ(16) |
			    TCR_IRGN1_WB | TCR_ORGN1_WB | TCR_SH1_OUTER | TCR_TG1_4K |
			    TCR_IPS(parange);

		empty_ttbr0 = loader_alloc_table_page();
		if (empty_ttbr0 == 0) {
			snprintf(err, err_size, "out of memory for the hand-off");
			return -1;
		}
		done = true;
	}
	*out = (struct aarch64_final_state){
		.mair = final_mair,
		.tcr = final_tcr,
		.ttbr1 = root,
		.empty_ttbr0 = empty_ttbr0,
		.sctlr = SCTLR_KERNEL,
		.hhdm = HHDM_4LEVEL,
	};
	return 0;
}

int arch_prepare_handoff(char *err, size_t err_size)
{
	struct aarch64_final_state st;

	return aarch64_final_state(&st, err, err_size);
}

void arch_handoff(uint64_t entry, uint64_t stack_top)
{
	aarch64_handoff(entry, stack_top, final_mair, final_tcr, root, empty_ttbr0, HHDM_4LEVEL,
			SCTLR_KERNEL);
}
