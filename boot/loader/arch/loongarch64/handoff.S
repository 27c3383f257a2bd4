/*
 * boot/loader/arch/loongarch64/handoff.S - the TLB refill handler; the loader's last steps.
 *
 * la_tlb_refill .. la_tlb_refill_end: the TLB refill handler the kernel
 * starts with. paging.c copies these bytes into a page of their own and
 * points TLBRENTRY at it, so the code must not refer to its own address.
 *
 *   On entry (a TLB refill exception): direct-address mode (CRMD.DA = 1,
 *   PG = 0) at PLV0 with interrupts off; TLBRBADV holds the missing
 *   address; CSR.PGD reads as PGDH or PGDL according to bit 63 of it;
 *   TLBRERA and TLBRPRMD hold the interrupted context.
 *   On exit (ertn): the TLB holds the entry pair that covers TLBRBADV, every
 *   register holds its value from entry, and the interrupted instruction
 *   runs again. $t0 is the only register used; TLBRSAVE keeps it meanwhile.
 *
 *   The walk is the plain four-level one, and it also serves huge pages:
 *   lddir, given a huge entry (H, bit 6, set) instead of a table address,
 *   loads nothing. The first lddir to see it records its own level in bits
 *   14:13 of the entry (free in a huge entry), later ones pass it on as it
 *   is. ldpte, given a huge entry, loads nothing either: it splits the page
 *   into an even and an odd half (2^20 bytes each for a 2 MiB page, 2^29
 *   for a 1 GiB page, found from the recorded level), moves the huge global
 *   bit (12) to G (6) and puts the half's size in TLBREHI.PS. An unmapped
 *   address ends in an all-zero entry from the invalid tables, and tlbfill
 *   loads it as an invalid (V = 0) entry: the retried access then takes a
 *   page-invalid exception through EENTRY, which the kernel owns.
 *
 * la_handoff(entry $a0, stack_top $a1, pgdl $a2, pgdh $a3, tlbrentry $a4)
 *
 *   On entry: boot services have exited; this code and the loader's stack
 *   sit at their physical addresses, reached through the firmware's
 *   translation. edk2 on QEMU's virt machine runs paged (CRMD 0x14: PG set,
 *   and IE set too) with no direct windows: an identity map in its own
 *   tables under PGDL, walked by its own refill handler. So DMW0 has to
 *   cover this code before PGDL and TLBRENTRY change, and interrupts must
 *   go first of all. The kernel's tables are complete and the refill
 *   handler has been copied to `tlbrentry`.
 *   On exit (Limine protocol, loongarch64, fact sheet 6.5): PLV0, CRMD =
 *   0xB0 (paging on, interrupts off, DATF = DATM = coherent cached),
 *   DMW0 = 0x11 and DMW1-3 = 0, PGDL/PGDH/PWCL/PWCH/STLBPS set for 4-level
 *   tables of 4 KiB pages, TLBRENTRY = the refill handler, EENTRY =
 *   MERRENTRY = 0 (as Limine 8.2.0 writes), an empty TLB; $t0 = $pc =
 *   entry, $sp = stack_top, $ra = 0 and every other general register 0.
 */
#define CSR_CRMD	0x0
#define CSR_EENTRY	0xc
#define CSR_PGDL	0x19
#define CSR_PGDH	0x1a
#define CSR_PGD		0x1b
#define CSR_PWCL	0x1c
#define CSR_PWCH	0x1d
#define CSR_STLBPS	0x1e
#define CSR_TLBRENTRY	0x88
#define CSR_TLBRSAVE	0x8b
#define CSR_MERRENTRY	0x93
#define CSR_DMW0	0x180
#define CSR_DMW1	0x181
#define CSR_DMW2	0x182
#define CSR_DMW3	0x183

#define CRMD_IE		0x4
#define CRMD_KERNEL	0xb0		/* PLV0, IE 0, DA 0, PG 1, DATF 1, DATM 1 */
#define DMW0_LOW_CC	0x11		/* VSEG 0, PLV0, MAT coherent cached */
#define PWCL_4LEVEL	0x13e4d52c	/* PT 12/9, Dir1 21/9, Dir2 30/9, 64-bit entries */
#define PWCH_4LEVEL	0x267		/* Dir3 39/9, no Dir4 */
#define STLBPS_4K	12

	.text
	.globl	la_tlb_refill, la_tlb_refill_end
	.type	la_tlb_refill, @function
	.balign	4
la_tlb_refill:
	csrwr	$t0, CSR_TLBRSAVE
	csrrd	$t0, CSR_PGD		/* the root for this half of the address space */
	lddir	$t0, $t0, 3		/* Dir3 entry: a Dir2 table */
	lddir	$t0, $t0, 2		/* Dir2 entry: a Dir1 table or a 1 GiB page */
	lddir	$t0, $t0, 1		/* Dir1 entry: a page table or a 2 MiB page */
	ldpte	$t0, 0			/* the even page of the pair into TLBRELO0 */
	ldpte	$t0, 1			/* the odd page into TLBRELO1 */
	tlbfill
	csrrd	$t0, CSR_TLBRSAVE
	ertn
la_tlb_refill_end:
	.size	la_tlb_refill, . - la_tlb_refill

	.globl	la_handoff
	.type	la_handoff, @function
	.balign	4
la_handoff:
	/* No interrupt may arrive while the firmware's handlers are gone. */
	li.d	$t0, CRMD_IE
	csrxchg	$zero, $t0, CSR_CRMD

	/*
	 * The low window first: from here on this code, its stack and the
	 * refill page are reached through DMW0 whatever the firmware used,
	 * so the tables can change under them. (csrwr returns the old value
	 * in its register; writing from $zero writes 0 and drops it.)
	 */
	li.d	$t0, DMW0_LOW_CC
	csrwr	$t0, CSR_DMW0
	csrwr	$zero, CSR_DMW1
	csrwr	$zero, CSR_DMW2
	csrwr	$zero, CSR_DMW3

	/* The kernel's tables and refill handler, then no stale translation. */
	csrwr	$a4, CSR_TLBRENTRY
	csrwr	$a2, CSR_PGDL
	csrwr	$a3, CSR_PGDH
	li.d	$t0, PWCL_4LEVEL
	csrwr	$t0, CSR_PWCL
	li.d	$t0, PWCH_4LEVEL
	csrwr	$t0, CSR_PWCH
	li.d	$t0, STLBPS_4K
	csrwr	$t0, CSR_STLBPS
	invtlb	0x0, $zero, $zero	/* op 0: every entry, global or not */

	/* The firmware's exception handlers are about to be reclaimed. */
	csrwr	$zero, CSR_EENTRY
	csrwr	$zero, CSR_MERRENTRY

	/* Paging on. The next fetch comes through DMW0, at the same address. */
	li.d	$t0, CRMD_KERNEL
	csrwr	$t0, CSR_CRMD

	move	$sp, $a1		/* an HHDM address: the first refill loads it */
	move	$t0, $a0
	.irp	r, $ra, $tp, $a0, $a1, $a2, $a3, $a4, $a5, $a6, $a7, $t1, $t2, $t3, $t4, $t5, $t6, $t7, $t8, $r21, $fp, $s0, $s1, $s2, $s3, $s4, $s5, $s6, $s7, $s8
	move	\r, $zero
	.endr
	jr	$t0
	.size	la_handoff, . - la_handoff
