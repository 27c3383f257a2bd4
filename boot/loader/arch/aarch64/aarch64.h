/*
 * boot/loader/arch/aarch64/aarch64.h - what paging.c and mp.c share.
 *
 * Not an interface of the generic loader: the aarch64 port's own internals.
 */
#ifndef LOADER_AARCH64_H
#define LOADER_AARCH64_H

#include <stddef.h>
#include <stdint.h>

/* Stage 1 descriptor bits (4 KiB granule). */
#define DESC_VALID	(UINT64_C(1) << 0)
#define DESC_TABLE	(UINT64_C(1) << 1)   /* at levels 0-2: next-level table; at level 3: page */
#define DESC_ATTR(i)	((uint64_t)(i) << 2) /* AttrIndx[2:0]: a MAIR_EL1 slot */
#define DESC_AP_RO	(UINT64_C(1) << 7)   /* AP[2:1] = 10: read-only at EL1, no EL0 access */
#define DESC_SH_INNER	(UINT64_C(3) << 8)
#define DESC_AF		(UINT64_C(1) << 10) /* accessed: set, so no access-flag fault */
#define DESC_PXN	(UINT64_C(1) << 53)
#define DESC_UXN	(UINT64_C(1) << 54)
#define DESC_ADDR	UINT64_C(0x0000fffffffff000) /* output address, bits 47:12 */
#define DESC_ATTR_FIELD (UINT64_C(7) << 2)

/* The MAIR_EL1 slot the protocol gives normal write-back memory. */
#define ATTR_NORMAL 0

/* TCR_EL1 lower-half fields. */
#define TCR_T0_FIELDS UINT64_C(0x000000000000ffff) /* T0SZ, EPD0, IRGN0, ORGN0, SH0, TG0 */
#define TCR_TG0_MASK  (UINT64_C(3) << 14)
#define TCR_TG0_4K    (UINT64_C(0) << 14)

#define READ_SYSREG(name)                                      \
	({                                                     \
		uint64_t v_;                                   \
		__asm__ volatile("mrs %0, " #name : "=r"(v_)); \
		v_;                                            \
	})

/* CurrentEL.EL is bits 3:2. */
#define CURRENT_EL(v) (((v) >> 2) & 3)

/* The protocol's entry state (fact sheet 6.3), as the boot CPU gets it. */
struct aarch64_final_state {
	uint64_t mair, tcr, ttbr1;
	uint64_t empty_ttbr0; /* an all-invalid table: the protocol's empty lower half */
	uint64_t sctlr;
	uint64_t hhdm;
};

/*
 * paging.c: fill *out, computing the values (and allocating the empty
 * TTBR0 table) on the first call, before ExitBootServices and after every
 * arch_map(). 0, or -1 with err.
 */
int aarch64_final_state(struct aarch64_final_state *out, char *err, size_t err_size);

#endif /* LOADER_AARCH64_H */
