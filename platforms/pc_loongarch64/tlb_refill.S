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
 *   CSR.PGD reads as PGDH when bit 63 of that address is set, else PGDL;
 *   TLBRERA and TLBRPRMD hold the interrupted context.
 *   On exit (ertn): the TLB holds the even/odd entry pair that covers
 *   TLBRBADV; every general register holds its value from entry ($t0 is
 *   kept in TLBRSAVE meanwhile); the interrupted instruction runs again.
 *
 * The walk follows the 4-level layout that PWCL/PWCH describe (paging.c):
 * Dir3 (the root), Dir2, Dir1, then the page table. A huge leaf (H set) in
 * Dir2 or Dir1 makes the later lddir instructions pass it through unchanged
 * and ldpte split it into the even and odd halves, with TLBREHI.PS set to
 * the half's size. Unmapped addresses never reach physical address 0: every
 * empty directory slot points to the shared chain of invalid tables, ending
 * in a page of zero entries, so tlbfill loads an invalid (V = 0) pair and
 * the retried access takes a page-invalid exception through EENTRY.
 */
#define CSR_PGD		0x1b
#define CSR_TLBRSAVE	0x8b

	.section .text.tlb_refill, "ax", @progbits
	.globl	la_kernel_tlb_refill
	.type	la_kernel_tlb_refill, @function
	.balign	4096
la_kernel_tlb_refill:
	csrwr	$t0, CSR_TLBRSAVE	/* free $t0; TLBRSAVE gives it back below */
	csrrd	$t0, CSR_PGD		/* the root of the missing address's half */
	lddir	$t0, $t0, 3		/* Dir3 entry: the Dir2 table */
	lddir	$t0, $t0, 2		/* Dir2 entry: the Dir1 table, or a 1 GiB leaf */
	lddir	$t0, $t0, 1		/* Dir1 entry: the page table, or a 2 MiB leaf */
	ldpte	$t0, 0			/* even page of the pair into TLBRELO0 */
	ldpte	$t0, 1			/* odd page into TLBRELO1 */
	tlbfill
	csrrd	$t0, CSR_TLBRSAVE
	ertn
	.size	la_kernel_tlb_refill, . - la_kernel_tlb_refill
