/*
 * platforms/pc_loongarch64/tlb_refill.S - the kernel's TLB refill handler.
 *
 * hal_paging_init (paging.c) points TLBRENTRY at the physical address of
 * la_kernel_tlb_refill, replacing the loader's handler, whose page is
 * reclaimable memory. TLBRENTRY holds bits PALEN-1:12 only, so the handler
 * starts on a 4 KiB boundary (the image is physically contiguous and page
 * aligned, so the virtual alignment is also the physical one; paging.c
 * checks it anyway).
 *
 *   On entry (a TLB refill exception): direct-address mode (CRMD.DA = 1,
 *   PG = 0) at PLV0, interrupts off; the code runs at its physical address,
 *   so it must be position-independent and may touch no kernel virtual
 *   address (no stack, no data). TLBRBADV holds the missing address;
 *   CSR.PGD reads as PGDH when bit 63 of that address is set, else PGDL
 *   (the lower half: user mappings); TLBRERA and TLBRPRMD hold the
 *   interrupted context, whatever its privilege level.
 *   On exit (ertn): the TLB holds the even/odd entry pair that covers
 *   TLBRBADV; every general register holds its value from entry ($t0 is
 *   kept in TLBRSAVE meanwhile, $t1 in SAVE4); the interrupted instruction
 *   runs again.
 *
 * The walk follows the 4-level layout that PWCL/PWCH describe (paging.c):
 * Dir3 (the root), Dir2, Dir1, then the page table. A huge leaf (H set) in
 * Dir2 or Dir1 makes the later lddir instructions pass it through unchanged
 * and ldpte split it into the even and odd halves, with TLBREHI.PS set to
 * the half's size. Unmapped addresses never reach physical address 0: every
 * empty directory slot points to the shared chain of invalid tables, ending
 * in a page of zero entries, so tlbfill loads an invalid (V = 0) pair and
 * the retried access takes a page-invalid exception through EENTRY.
 *
 * A 4 KiB pair is loaded twice: ldpte sets TLBREHI.PS and the two halves,
 * then plain loads (physical addresses, in direct-address mode) write the
 * two entries into TLBRELO0/1 again, whole. The manual has ldpte copy the
 * whole entry, but QEMU's keeps only bits 47:0, dropping NR, NX and RPLV
 * (61-63): without the second load, no NX page would be protected from
 * instruction fetches, user data pages included. Huge leaves (the direct
 * map, kernel-only) keep what ldpte gives them: QEMU's lddir has already
 * dropped the same bits by then.
 */
#include "loongarch.h"

#define CSR_PGD		0x1b
#define CSR_TLBRBADV	0x89
#define CSR_TLBRSAVE	0x8b
#define CSR_TLBRELO0	0x8c
#define CSR_TLBRELO1	0x8d
#define PTE_H		0x40	/* a directory entry that is a huge leaf */

	.section .text.tlb_refill, "ax", @progbits
	.globl	la_kernel_tlb_refill
	.type	la_kernel_tlb_refill, @function
	.balign	4096
la_kernel_tlb_refill:
	csrwr	$t0, CSR_TLBRSAVE	/* free $t0 and $t1; given back below */
	csrwr	$t1, CSR_SAVE4
	csrrd	$t0, CSR_PGD		/* the root of the missing address's half */
	lddir	$t0, $t0, 3		/* Dir3 entry: the Dir2 table */
	lddir	$t0, $t0, 2		/* Dir2 entry: the Dir1 table, or a 1 GiB leaf */
	lddir	$t0, $t0, 1		/* Dir1 entry: the page table, or a 2 MiB leaf */
	ldpte	$t0, 0			/* even page of the pair into TLBRELO0 */
	ldpte	$t0, 1			/* odd page into TLBRELO1 */
	andi	$t1, $t0, PTE_H
	bnez	$t1, 1f
	csrrd	$t1, CSR_TLBRBADV
	bstrpick.d $t1, $t1, 20, 13	/* the pair's index in the page table */
	slli.d	$t1, $t1, 4		/* 16 bytes a pair */
	add.d	$t0, $t0, $t1
	ld.d	$t1, $t0, 0
	csrwr	$t1, CSR_TLBRELO0
	ld.d	$t1, $t0, 8
	csrwr	$t1, CSR_TLBRELO1
1:	tlbfill
	csrrd	$t1, CSR_SAVE4
	csrrd	$t0, CSR_TLBRSAVE
	ertn
	.size	la_kernel_tlb_refill, . - la_kernel_tlb_refill
