/*
 * platforms/pc_loongarch64/vectors.S - exception entry points: EENTRY and MERRENTRY.
 *
 * la_trap_entry: every exception and interrupt (CSR.ECFG.VS = 0 gives them
 * all this one entry; TLB refills go to the kernel's handler at TLBRENTRY,
 * machine errors to la_merr_entry below), from kernel and user mode alike.
 *
 *   On entry: PLV0, CRMD.IE clear, paging on (CRMD.PG = 1, DA = 0); the
 *   hardware has copied the trapped PLV and IE into PRMD, the trapping
 *   instruction's address into ERA and the cause into ESTAT (plus BADV and
 *   BADI where they apply). Every general register still holds the trapped
 *   context's value, $sp included.
 *   What it does: frees $t0 through CSR.SAVE0, builds a struct
 *   hal_trap_frame (loongarch.h) 16-byte aligned, as the psABI wants at a
 *   call, and calls la_trap(frame) with $sp at the frame. Where the frame
 *   goes depends on where the trap came from:
 *    - user mode (PRMD.PPLV = 3): $sp and $r21 are the user's and mean
 *      nothing here. The frame goes at the very top of the running
 *      thread's kernel stack, whose top the scheduler stored in this CPU's
 *      struct cpu (arch[LA_CPU_KSTACK], hal_user_set_kernel_stack()); the
 *      struct is found through SAVE1, which holds this CPU's pointer for
 *      exactly this moment. $r21 is reloaded from SAVE1 and $fp cleared,
 *      so that the kernel's backtraces end at the frame.
 *    - kernel mode: below the trapped $sp, on the interrupted thread's own
 *      kernel stack, so that an interrupt handler may switch threads and
 *      come back to it much later, possibly on another CPU. One
 *      exception: a page fault whose address lies in the page the frame
 *      would be written to (the trapped $sp's page or the one below) means
 *      that the stack itself is gone, typically a kernel stack overflow
 *      into the unmapped guard page below it. Writing the frame there
 *      would fault again, forever; so that frame goes on this CPU's
 *      exception stack (top in SAVE2, SAVE3 frees $t1 for the test), where
 *      kernel_trap() can report it.
 *   $r21 holds the per-CPU pointer in kernel mode at all times: it is
 *   saved in the frame, and restored from the frame only on the way back
 *   to user mode. A kernel thread may be resumed on another CPU than the
 *   one it trapped on, so a kernel-mode frame's $r21 is stale.
 *
 * la_trap_return: the way out, where la_trap returns, and where
 *   hal_user_enter (user.S) comes with a frame it built.
 *
 *   On entry: $sp = the frame, interrupts masked.
 *   What it does: on the way back to user mode, calls kernel_user_return()
 *   first, on the kernel stack below the frame (it may end the thread and
 *   never return). Then ERA and PRMD from the frame (la_trap may have
 *   moved ERA: past a breakpoint or a syscall, to hal_user_copy_fault),
 *   every general register from the frame, $r21 only for user mode (see
 *   above), $sp last; SAVE0 and SAVE3 hold stale values.
 *   On exit: ertn puts PRMD's PLV and IE back into CRMD (PLV3 with
 *   interrupts on, for user mode) and resumes at ERA.
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
#include <core/cpu.h>

#include "loongarch.h"

#define CSR_MERRCTL	0x90
#define CSR_MERRERA	0x94
#define CSR_MERRSAVE	0x95

/* MERRCTL fields for the return: PPLV 0, PWE 0, PDA 0, PPG 1, PDATF = PDATM = 1 (CC). */
#define MERRCTL_RETURN_PAGED	0xb00

/* Where the running user thread's kernel stack top is, from this CPU's struct cpu. */
#define CPU_KSTACK	(CPU_ARCH_OFFSET + LA_CPU_KSTACK * 8)

/*
 * Drop this CPU's TLB entries for the frame at $sp (its first and last
 * page), so that the frame's loads and stores below can only take TLB
 * refills, never a page-invalid exception. A stale invalid entry (the
 * page was mapped by another CPU after this one cached the pair: see
 * paging.c, "TLB caveat") would otherwise raise an exception in the middle
 * of the entry or exit, where ERA, PRMD, ESTAT and BADV hold a context not
 * yet saved or already restored, and the nested exception would overwrite
 * them. A refill uses its own CSRs (TLBRERA, TLBRSAVE...) and loads from
 * the tables, which map the frame. Uses $sp only.
 */
.macro	FRAME_TLB_DROP
	invtlb	0x6, $zero, $sp
	addi.d	$sp, $sp, FRAME_SIZE - 8
	invtlb	0x6, $zero, $sp
	addi.d	$sp, $sp, -(FRAME_SIZE - 8)
.endm

	.text

	/* EENTRY keeps only bits 63:12: the entry must start a 4 KiB page. */
	.balign	4096
	.globl	la_trap_entry
	.type	la_trap_entry, @function
la_trap_entry:
	csrwr	$t0, CSR_SAVE0		/* the only free-standing scratch: a CSR */
	csrrd	$t0, CSR_PRMD
	andi	$t0, $t0, PRMD_PPLV
	bnez	$t0, .Lfrom_user
	csrrd	$t0, CSR_ESTAT
	bstrpick.d $t0, $t0, 21, 16	/* Ecode */
	addi.d	$t0, $t0, -1
	sltui	$t0, $t0, 7		/* Ecode 1..7: PIL, PIS, PIF, PME, PNR, PNX, PPI */
	bnez	$t0, .Lpage_fault
	move	$t0, $sp
	/*
	 * Here $t0 is the trapped $sp, and $sp is where the frame goes below:
	 * the trapped $sp itself, the exception stack's top or the kernel
	 * stack's top (see the top of the file).
	 */
.Lbuild_frame:
	addi.d	$sp, $sp, -FRAME_SIZE
	bstrins.d $sp, $zero, 3, 0	/* 16-byte aligned, whatever the trapped code did */
	FRAME_TLB_DROP

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
	 * From user mode, $r21 is the user's: take the kernel's; and the
	 * user's $fp is no kernel frame, so the kernel's chain ends here.
	 * From kernel mode, $fp still holds the trapped frame pointer, so
	 * la_trap's frame links into the trapped context's chain (a backtrace
	 * from inside la_trap goes on into the trapped code's callers).
	 */
	ld.d	$t0, $sp, FRAME_PRMD
	andi	$t0, $t0, PRMD_PPLV
	beqz	$t0, 1f
	csrrd	$r21, CSR_SAVE1
	move	$fp, $zero
1:
	move	$a0, $sp
	bl	la_trap

	.globl	la_trap_return
la_trap_return:
	ld.d	$t0, $sp, FRAME_PRMD
	andi	$t0, $t0, PRMD_PPLV
	beqz	$t0, 1f
	bl	kernel_user_return
	/*
	 * It returns with interrupts masked, as it was called; one instruction
	 * makes sure, because an interrupt between the writes of ERA and PRMD
	 * below and the ertn would overwrite them and resume the user at the
	 * wrong place and privilege.
	 */
	li.d	$t0, CRMD_IE
	csrxchg	$zero, $t0, CSR_CRMD
1:
	/*
	 * ERA and PRMD go back first: an exception taken inside la_trap (a
	 * breakpoint in a debugging aid, say, or any interrupt while a syscall
	 * ran with interrupts on) overwrote them. csrwr swaps, so $t0 gets the
	 * old CSR value, which is dropped.
	 */
	FRAME_TLB_DROP
	ld.d	$t0, $sp, FRAME_ERA
	csrwr	$t0, CSR_ERA
	ld.d	$t0, $sp, FRAME_PRMD
	csrwr	$t0, CSR_PRMD

	/* $r21 goes back only to user mode (see the top of the file). */
	ld.d	$t0, $sp, FRAME_PRMD
	andi	$t0, $t0, PRMD_PPLV
	beqz	$t0, 1f
	ld.d	$r21, $sp, FRAME_R21
1:
	.irp	n, 1, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
	ld.d	$r\n, $sp, \n * 8
	.endr
	ld.d	$sp, $sp, 3 * 8		/* last: the frame is gone from here on */
	ertn

	/*
	 * From user mode: the trapped $sp into $t0, the kernel stack's top
	 * into $sp, through this CPU's struct cpu (SAVE1). That word is in the
	 * image's .bss, mapped once at boot and never changed, so the load can
	 * take a TLB refill but no exception.
	 */
.Lfrom_user:
	move	$t0, $sp
	csrrd	$sp, CSR_SAVE1
	ld.d	$sp, $sp, CPU_KSTACK
	b	.Lbuild_frame

	/*
	 * A kernel-mode page fault: is it the stack the frame would go to?
	 * When BADV is in the page of $sp - 1 or of $sp - FRAME_SIZE - 16 (the
	 * lowest byte the aligned frame can reach), switch to the exception
	 * stack, unless already on it (a fault while handling one nests there).
	 */
.Lpage_fault:
	csrwr	$t1, CSR_SAVE3
	csrrd	$t0, CSR_BADV
	srli.d	$t0, $t0, 12
	addi.d	$t1, $sp, -1
	srli.d	$t1, $t1, 12
	beq	$t0, $t1, .Lstack_gone
	addi.d	$t1, $sp, -(FRAME_SIZE + 16)
	srli.d	$t1, $t1, 12
	bne	$t0, $t1, .Lthis_stack
.Lstack_gone:
	csrrd	$t1, CSR_SAVE2
	beqz	$t1, .Lthis_stack	/* no exception stack yet: nothing better to try */
	sub.d	$t0, $t1, $sp
	srli.d	$t0, $t0, LA_EXC_STACK_SHIFT
	beqz	$t0, .Lthis_stack	/* $sp is on the exception stack already */
	move	$t0, $sp
	move	$sp, $t1
	csrrd	$t1, CSR_SAVE3
	b	.Lbuild_frame
.Lthis_stack:
	csrrd	$t1, CSR_SAVE3
	move	$t0, $sp
	b	.Lbuild_frame
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
