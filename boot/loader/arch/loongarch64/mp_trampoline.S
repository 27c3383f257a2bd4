/*
 * boot/loader/arch/loongarch64/mp_trampoline.S - where a secondary CPU starts.
 *
 * la_mp_trampoline .. la_mp_trampoline_end: mp.c copies these bytes to
 * offset MP_CODE (64) of a page of their own, behind the page's struct
 * la_mp_data (offset 0), and writes that address into the CPU's mailbox 0.
 * The code finds the data by rounding its own PC down to the page, so it
 * may not refer to any other address of its own.
 *
 *   On entry: edk2's parked-core loop has taken the IPI, found our address
 *   in mailbox 0 and mailbox 3 = 0, and returned to us with ertn: PLV0,
 *   CRMD.IE = 0, direct-address mode (CRMD.DA = 1, PG = 0), so the PC is a
 *   physical address. Every general register is the firmware's.
 *   What it does:
 *    1. claims the start: it swaps the data's state from STARTING to
 *       CLAIMED, but only while state is STARTING and the data names this
 *       CPU (CSR.CPUID). Otherwise the start was given up (the loader
 *       stopped waiting) or is not for us: the CPU stops at once, in a
 *       loop of `idle` with every interrupt line off, before it writes a
 *       single byte or changes a CSR that matters;
 *    2. takes the boot CPU's state from fact sheet 6.5, as la_handoff does:
 *       DMW0 = 0x11, DMW1-3 = 0, the kernel's PGDL/PGDH, PWCL/PWCH/STLBPS,
 *       TLBRENTRY, an empty TLB, EENTRY = MERRENTRY = 0, ECFG = 0 (the
 *       firmware enabled the IPI line) and CRMD = 0xB0. The code runs on
 *       at the same address, now translated by DMW0;
 *    3. loads $sp from info->reserved and reports PARKED in the data (the
 *       loader may reuse the data from then on);
 *    4. polls info->goto_address through the direct map.
 *   On exit, when goto_address becomes non-zero: $a0 = the info's HHDM
 *   address, $t0 = $pc = goto_address, $sp = info->reserved, every other
 *   general register 0 (the same registers as the boot CPU's entry).
 *
 * The parked loop stays in the low window (DMW0) rather than moving to the
 * HHDM alias of this page: the direct map is not executable (the loader
 * maps it without MAP_EXEC, and hardware enforces NX), while DMW0 is part
 * of the protocol's entry state.
 */
#define CSR_CRMD	0x0
#define CSR_ECFG	0x4
#define CSR_EENTRY	0xc
#define CSR_ASID	0x18
#define CSR_PGDL	0x19
#define CSR_PGDH	0x1a
#define CSR_PWCL	0x1c
#define CSR_PWCH	0x1d
#define CSR_STLBPS	0x1e
#define CSR_CPUID	0x20
#define CSR_TLBRENTRY	0x88
#define CSR_MERRENTRY	0x93
#define CSR_DMW0	0x180
#define CSR_DMW1	0x181
#define CSR_DMW2	0x182
#define CSR_DMW3	0x183

#define CRMD_DA_CC	0xa8		/* PLV0, IE 0, DA 1, DATF = DATM = coherent cached */
#define CRMD_KERNEL	0xb0		/* PLV0, IE 0, DA 0, PG 1, DATF 1, DATM 1 */
#define DMW0_LOW_CC	0x11
#define PWCL_4LEVEL	0x13e4d52c
#define PWCH_4LEVEL	0x267
#define STLBPS_4K	12
#define CPUID_MASK	0x1ff

/* struct la_mp_data (mp.c) */
#define DATA_STATE	0		/* (hw_id << 8) | state, so one ll.d reads both */
#define DATA_INFO	8
#define DATA_PGDL	16
#define DATA_PGDH	24
#define DATA_TLBRENTRY	32

#define STATE_STARTING	1
#define STATE_CLAIMED	2
#define STATE_PARKED	3

/* struct limine_mp_info (loongarch64) */
#define INFO_RESERVED	16
#define INFO_GOTO	24

	.text
	.globl	la_mp_trampoline, la_mp_trampoline_end
	.type	la_mp_trampoline, @function
	.balign	4
la_mp_trampoline:
	/*
	 * Cached accesses in direct-address mode, as paged mode will have:
	 * the loader wrote the data through its cache, and ll/sc wants
	 * cached memory. ECFG = 0: no interrupt line can wake `idle` below.
	 */
	li.d	$t0, CRMD_DA_CC
	csrwr	$t0, CSR_CRMD
	csrwr	$zero, CSR_ECFG

	pcaddi	$t1, 0
	bstrins.d $t1, $zero, 11, 0	/* $t1 = the page, and the data at its start */
	csrrd	$t5, CSR_CPUID
	andi	$t5, $t5, CPUID_MASK
	slli.d	$t5, $t5, 8		/* kept in $t5 for the report */
	ori	$t4, $t5, STATE_STARTING	/* what the state must be to be ours */

.Lclaim:
	ll.d	$t3, $t1, DATA_STATE
	bne	$t3, $t4, .Lstop
	ori	$t3, $t5, STATE_CLAIMED
	sc.d	$t3, $t1, DATA_STATE
	beqz	$t3, .Lclaim
	dbar	0			/* the data below is read after the claim */

	ld.d	$a0, $t1, DATA_INFO	/* kept in $a0 until the jump */
	ld.d	$t2, $t1, DATA_PGDL
	ld.d	$t3, $t1, DATA_PGDH
	ld.d	$t4, $t1, DATA_TLBRENTRY

	/* The window first: the fetches after CRMD.PG = 1 come through it. */
	li.d	$t0, DMW0_LOW_CC
	csrwr	$t0, CSR_DMW0
	csrwr	$zero, CSR_DMW1
	csrwr	$zero, CSR_DMW2
	csrwr	$zero, CSR_DMW3
	csrwr	$t4, CSR_TLBRENTRY
	csrwr	$t2, CSR_PGDL
	csrwr	$t3, CSR_PGDH
	li.d	$t0, PWCL_4LEVEL
	csrwr	$t0, CSR_PWCL
	li.d	$t0, PWCH_4LEVEL
	csrwr	$t0, CSR_PWCH
	li.d	$t0, STLBPS_4K
	csrwr	$t0, CSR_STLBPS
	csrwr	$zero, CSR_ASID		/* ASID 0, as the kernel's invtlb assumes */
	invtlb	0x0, $zero, $zero
	csrwr	$zero, CSR_EENTRY
	csrwr	$zero, CSR_MERRENTRY
	li.d	$t0, CRMD_KERNEL
	csrwr	$t0, CSR_CRMD

	ld.d	$sp, $a0, INFO_RESERVED	/* an HHDM address: the kernel's tables map it */
	ori	$t0, $t5, STATE_PARKED
	dbar	0			/* the data reads above happen before the report */
	st.d	$t0, $t1, DATA_STATE	/* through DMW0: cached, like the loader's view */

.Lpark:
	ld.d	$t0, $a0, INFO_GOTO
	beqz	$t0, .Lpark
	dbar	0			/* extra_argument is read after goto_address */

	.irp	r, $ra, $tp, $a1, $a2, $a3, $a4, $a5, $a6, $a7, $t1, $t2, $t3, $t4, $t5, $t6, $t7, $t8, $r21, $fp, $s0, $s1, $s2, $s3, $s4, $s5, $s6, $s7, $s8
	move	\r, $zero
	.endr
	jr	$t0

	/*
	 * Not started by the loader (any more): stay here with interrupts
	 * off. ECFG = 0, so no interrupt can even end the `idle`.
	 */
.Lstop:
	idle	0
	b	.Lstop
la_mp_trampoline_end:
	.size	la_mp_trampoline, . - la_mp_trampoline
