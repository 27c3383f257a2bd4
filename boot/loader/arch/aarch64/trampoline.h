/*
 * boot/loader/arch/aarch64/trampoline.h - the block a starting CPU reads (mp.c, trampoline.S).
 *
 * One block per CPU, 128 bytes (two cache lines on every known core), in
 * reclaimable memory. PSCI CPU_ON passes the block's physical address as
 * the context ID, which the CPU finds in x0. Offsets in bytes; every field
 * is a 64-bit word, so the MMU-off reads (Device memory: aligned only) work.
 */
#ifndef LOADER_AARCH64_TRAMPOLINE_H
#define LOADER_AARCH64_TRAMPOLINE_H

#define TRAMP_MAIR	  0  /* MAIR_EL1 of the entry state */
#define TRAMP_TCR_IDENT	  8  /* TCR_EL1 while the identity map is in TTBR0 */
#define TRAMP_TTBR1	  16 /* the kernel's tables, as the boot CPU gets them */
#define TRAMP_TTBR0_IDENT 24 /* identity map of the trampoline page */
#define TRAMP_SCTLR	  32 /* SCTLR_EL1 of the entry state (MMU and caches on) */
#define TRAMP_HHDM	  40 /* HHDM offset: the block and the code are reached there next */
#define TRAMP_TCR	  48 /* TCR_EL1 of the entry state */
#define TRAMP_TTBR0	  56 /* the empty lower half of the entry state */
#define TRAMP_CPACR	  64 /* CPACR_EL1: FP/SIMD access as the boot CPU has it */
#define TRAMP_INFO	  72 /* struct limine_mp_info, HHDM address */
#define TRAMP_CONDUIT	  80 /* how to call PSCI CPU_OFF: TRAMP_CONDUIT_* */
#define TRAMP_STATUS	  88 /* TRAMP_STATUS_*, the one word both sides write */
#define TRAMP_BLOCK_SIZE  128

#define TRAMP_CONDUIT_HVC 1
#define TRAMP_CONDUIT_SMC 2

/*
 * TRAMP_STATUS moves once from PENDING, by a compare-and-swap on either
 * side (or a plain store with the MMU off, for WRONG_EL): the CPU claims
 * PARKED, or the loader, having given up, claims ABORTED. Whoever loses
 * follows the winner: a CPU that finds ABORTED turns itself off.
 */
#define TRAMP_STATUS_PENDING  0
#define TRAMP_STATUS_PARKED   1 /* in the entry state, polling goto_address */
#define TRAMP_STATUS_WRONG_EL 2 /* started at EL2 (or EL3): not used */
#define TRAMP_STATUS_ABORTED  3 /* the loader stopped waiting */

/* PSCI function IDs (SMC32 convention, as PSCI 0.2 defines them). */
#define PSCI_CPU_OFF 0x84000002
#define PSCI_CPU_ON  0xc4000003 /* SMC64: the entry address is 64-bit */

#endif /* LOADER_AARCH64_TRAMPOLINE_H */
