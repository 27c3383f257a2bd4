/*
 * boot/loader/arch/riscv64/handoff.S - the last instructions of the loader.
 *
 * riscv_handoff(transitional_satp a0, satp a1, high a2, entry a3, stack_top a4)
 *
 * On entry: S-mode, boot services have exited, and this code runs from the
 * firmware's identity mapping (Bare or the firmware's own paging mode).
 * transitional_satp's root maps the kernel's upper half plus this stub's
 * pages at their identity addresses; satp is the kernel's own root; `high`
 * is the HHDM address of riscv_handoff_high. Both satp values use ASID 0.
 *
 * On exit (Limine protocol, riscv64, fact sheet 6.4): satp = the kernel's
 * root, the TLB flushed; sstatus.SIE = 0, sie = 0, sstatus.FS = VS = Off
 * (the kernel is soft-float); stvec = 0, as Limine 8.2.0 leaves it, until
 * the kernel installs its own; pc = t0 = entry, sp = stack_top, and every
 * other general-purpose register zero (ra = 0 ends a backtrace, gp = 0 the
 * kernel sets if it wants one).
 */
#define SSTATUS_SIE	(1 << 1)
#define SSTATUS_FS_VS	((3 << 13) | (3 << 9))

	.text
	.globl	riscv_handoff, riscv_handoff_high, riscv_handoff_end
	.type	riscv_handoff, @function
	.balign	4
riscv_handoff:
	csrci	sstatus, SSTATUS_SIE	/* no interrupt may run on the way */
	csrw	sie, zero
	/*
	 * The table stores must reach the page walker before it is pointed at
	 * them; after the write, the firmware's entries for ASID 0 must go.
	 * The fetches right after csrw may use either translation: both map
	 * this page to itself.
	 */
	sfence.vma
	csrw	satp, a0		/* identity stub + the kernel's upper half */
	sfence.vma
	jr	a2			/* to riscv_handoff_high, in the HHDM */
riscv_handoff_high:
	csrw	satp, a1		/* the kernel's tables: no lower half any more */
	sfence.vma
	csrw	stvec, zero
	li	t1, SSTATUS_FS_VS
	csrc	sstatus, t1
	mv	sp, a4
	mv	t0, a3
	.irp	r, ra, gp, tp, t1, t2, s0, s1, a0, a1, a2, a3, a4, a5, a6, a7, s2, s3, s4, s5, s6, s7, s8, s9, s10, s11, t3, t4, t5, t6
	li	\r, 0
	.endr
	jr	t0
riscv_handoff_end:
	.size	riscv_handoff, . - riscv_handoff
