/*
 * platforms/pc_loongarch64/vectors.S - exception entry points: EENTRY and MERRENTRY.
 *
 * la_trap_entry: every exception and interrupt (CSR.ECFG.VS = 0 gives them
 * all this one entry; TLB refills go to the loader's handler at TLBRENTRY,
 * machine errors to la_merr_entry below).
 *
 *   On entry: PLV0, CRMD.IE clear, paging on (CRMD.PG = 1, DA = 0); the
 *   hardware has copied the trapped PLV and IE into PRMD, the trapping
 *   instruction's address into ERA and the cause into ESTAT (plus BADV and
 *   BADI where they apply). Every general register still holds the trapped
 *   context's value, $sp included: a kernel-mode trap runs on the trapped
 *   context's own stack.
 *   What it does: frees $t0 through CSR.SAVE0, builds a struct
 *   hal_trap_frame (platforms/pc_loongarch64/trap.c) below the trapped
 *   $sp, 16-byte aligned as the psABI wants at a call, and calls
 *   la_trap(frame) with $sp at the frame.
 *   On exit (ertn): ERA and PRMD from the frame (la_trap may have moved
 *   ERA, e.g. past a breakpoint), every general register from the frame,
 *   $sp last; SAVE0 holds a stale value. ertn puts PRMD's PLV and IE back
 *   into CRMD and resumes at ERA.
 *
 * la_merr_entry: machine errors (MERRENTRY holds its physical address).
 *
 *   On entry: direct-address mode (CRMD.DA = 1, PG = 0) at PLV0 with
 *   interrupts off, at this code's physical address; MERRCTL has the
 *   trapped mode and the cause, MERRERA the trapped PC, and MERRCTL.IsMERR
 *   is set. While IsMERR is set, ertn returns from the machine error, even
 *   at the end of the TLB refill handler: so this code must take no TLB
 *   refill, and the kernel's C code, stack and console, all reached through
 *   the page tables, are out of reach until IsMERR is clear again.
 *   What it does: keeps MERRERA and MERRCTL in $a0 and $a1, then retargets
 *   the machine-error return (MERRERA = la_machine_error, MERRCTL = PLV0,
 *   paging on, coherent cached) and leaves with ertn, which clears IsMERR.
 *   On exit: la_machine_error(era, ctl) runs paged at PLV0 on the trapped
 *   $sp, with the trapped CRMD.IE (MERRCTL.PIE is read-only); $t0, $a0 and
 *   $a1 are lost (MERRSAVE holds the trapped $t0), the other registers are
 *   the trapped context's. It panics: there is no way back.
 */
#define CSR_CRMD	0x0
#define CSR_PRMD	0x1
#define CSR_ESTAT	0x5
#define CSR_ERA		0x6
#define CSR_BADV	0x7
#define CSR_BADI	0x8
#define CSR_SAVE0	0x30
#define CSR_MERRCTL	0x90
#define CSR_MERRERA	0x94
#define CSR_MERRSAVE	0x95

/* MERRCTL fields for the return: PPLV 0, PWE 0, PDA 0, PPG 1, PDATF = PDATM = 1 (CC). */
#define MERRCTL_RETURN_PAGED	0xb00

/* struct hal_trap_frame: r0-r31 at 8 * n, then the CSRs (trap.c checks these). */
#define FRAME_ERA	256
#define FRAME_PRMD	264
#define FRAME_ESTAT	272
#define FRAME_BADV	280
#define FRAME_BADI	288
#define FRAME_CRMD	296
#define FRAME_SIZE	304

	.text

	/* EENTRY keeps only bits 63:12: the entry must start a 4 KiB page. */
	.balign	4096
	.globl	la_trap_entry
	.type	la_trap_entry, @function
la_trap_entry:
	csrwr	$t0, CSR_SAVE0		/* the only free-standing scratch: a CSR */
	move	$t0, $sp		/* the trapped $sp, kept for the frame */
	/*
	 * Kernel mode: the frame goes on the current stack. A trap from user
	 * mode (PRMD.PPLV != 0) will need the thread's kernel stack here
	 * instead; nothing below depends on which stack it is.
	 */
	addi.d	$sp, $sp, -FRAME_SIZE
	bstrins.d $sp, $zero, 3, 0	/* 16-byte aligned, whatever the trapped code did */

	st.d	$zero, $sp, 0		/* r0 reads as 0 in the frame too */
	st.d	$t0, $sp, 3 * 8		/* r3: the trapped $sp */
	csrrd	$t0, CSR_SAVE0
	st.d	$t0, $sp, 12 * 8	/* r12: the trapped $t0 */
	.irp	n, 1, 2, 4, 5, 6, 7, 8, 9, 10, 11, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
	st.d	$r\n, $sp, \n * 8
	.endr

	csrrd	$t0, CSR_ERA
	st.d	$t0, $sp, FRAME_ERA
	csrrd	$t0, CSR_PRMD
	st.d	$t0, $sp, FRAME_PRMD
	csrrd	$t0, CSR_ESTAT
	st.d	$t0, $sp, FRAME_ESTAT
	csrrd	$t0, CSR_BADV
	st.d	$t0, $sp, FRAME_BADV
	csrrd	$t0, CSR_BADI
	st.d	$t0, $sp, FRAME_BADI
	csrrd	$t0, CSR_CRMD
	st.d	$t0, $sp, FRAME_CRMD

	/*
	 * $fp still holds the trapped frame pointer, so la_trap's frame links
	 * into the trapped context's chain (a backtrace from inside la_trap
	 * goes on into the trapped code's callers).
	 */
	move	$a0, $sp
	bl	la_trap

	/*
	 * ERA and PRMD go back first: an exception taken inside la_trap (a
	 * breakpoint in a debugging aid, say) overwrote them. csrwr swaps, so
	 * $t0 gets the old CSR value, which is dropped.
	 */
	ld.d	$t0, $sp, FRAME_ERA
	csrwr	$t0, CSR_ERA
	ld.d	$t0, $sp, FRAME_PRMD
	csrwr	$t0, CSR_PRMD

	.irp	n, 1, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
	ld.d	$r\n, $sp, \n * 8
	.endr
	ld.d	$sp, $sp, 3 * 8		/* last: the frame is gone from here on */
	ertn
	.size	la_trap_entry, . - la_trap_entry

	/*
	 * MERRENTRY keeps only bits PALEN-1:12 of a physical address: a page
	 * of its own. Everything here runs untranslated at that address, so
	 * la.abs (absolute, not PC-relative) gives la_machine_error's link
	 * address.
	 */
	.balign	4096
	.globl	la_merr_entry
	.type	la_merr_entry, @function
la_merr_entry:
	csrwr	$t0, CSR_MERRSAVE	/* for a debugger: never restored */
	csrrd	$a0, CSR_MERRERA	/* la_machine_error(era, */
	csrrd	$a1, CSR_MERRCTL	/*                  ctl) */
	la.abs	$t0, la_machine_error
	csrwr	$t0, CSR_MERRERA
	li.w	$t0, MERRCTL_RETURN_PAGED
	csrwr	$t0, CSR_MERRCTL	/* the read-only fields ignore the write */
	ertn
	.size	la_merr_entry, . - la_merr_entry
