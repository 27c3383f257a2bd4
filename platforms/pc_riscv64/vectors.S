/*
 * platforms/pc_riscv64/vectors.S - the supervisor trap entry (stvec, direct mode) and the
 * way out to user mode.
 *
 * On entry (the hart took an exception or interrupt into S-mode): every
 * general register still holds the trapped context's value; sepc is the
 * address of the trapping instruction (for an interrupt, of the instruction
 * to resume), scause the cause, stval the faulting address or zero,
 * sstatus.SPP the mode trapped from, sstatus.SPIE the old SIE, and SIE is
 * clear, so no interrupt can nest while the frame is built.
 *
 * tp and sscratch. In kernel mode tp is this hart's struct cpu (riscv.h),
 * or 0 before hal_cpu_init(); in user mode it is the program's own. So
 * sscratch holds the struct cpu too, in both modes, and the entry starts
 * by swapping the two: tp is then the struct cpu whoever trapped, without
 * trusting any register of theirs, and sscratch the trapped tp. sstatus.SPP
 * (a CSR, not a register the program can set) tells the modes apart:
 *  - from S-mode, the trapped tp was the struct cpu already, and sscratch
 *    gets it back at once;
 *  - from U-mode, the user's tp moves from sscratch into the frame before
 *    sscratch gets the struct cpu back. Until then nothing may trap: the
 *    few instructions between touch only struct cpu and the top of the
 *    thread's kernel stack, both mapped.
 *
 * The frame. Its layout is struct hal_trap_frame (trap.c): x1..x31 by
 * register number, then sepc, sstatus, scause and stval. A trap from
 * U-mode stores it at the top of the running thread's kernel stack, read
 * from struct cpu (KSTACK, set by hal_user_set_kernel_stack()); the user's
 * sp is not trusted either, only saved. A trap from S-mode stores it below
 * the current sp: the kernel stack the trapped code ran on, which for an
 * interrupt is the interrupted thread's own stack, so that kernel_irq()
 * can switch threads and come back much later. Then riscv_trap(frame) runs
 * with sp 16-byte aligned, as the psABI asks, and sstatus.SUM clear: a
 * trap inside hal_user_copy() (which sets SUM) must not hand SUM to the
 * handler or to a thread it switches to; the frame keeps the trapped
 * sstatus, so the copy gets SUM back when it resumes.
 *
 * Stack overflow. When a kernel trap's sp is at or past the bottom of its
 * stack (a kernel stack overflowed into its guard page), the frame cannot
 * be stored there: the first store would fault, and so would every entry
 * after it, each one lower. So, once per-CPU data exists, a trap from
 * S-mode first checks that the frame fits. It saves t0 and the trap's CSRs
 * into its struct cpu, sstatus last (non-zero, as SPP is set: it marks the
 * check as under way), and loads from both ends of the frame to be. A load
 * that faults re-enters here and finds that mark: that entry takes the
 * hart's emergency stack, rebuilds the original context (every register
 * but t0 is still the trapped one; t0 and the CSRs are in struct cpu) and
 * calls riscv_trap_overflow(), which reports it. The loads use x0 as
 * destination: the ISA still performs them and raises their faults.
 *
 * On exit (riscv_trap_return, with s1 = the frame): sepc and sstatus come
 * back from the frame (the kernel may have moved sepc, e.g. past a
 * breakpoint or a syscall), then the registers, sp last, and sret returns
 * to sepc in the mode and interrupt state the saved sstatus gives. scause
 * and stval are saved for the report only. tp comes back only on a return
 * to U-mode: a kernel thread may have been switched out inside the handler
 * and resumed on another hart, whose struct cpu tp must keep naming. A
 * return to U-mode has already called kernel_user_return() (trap.c).
 */
#include "riscv.h"

/* Offsets in struct hal_trap_frame; trap.c asserts that they match. */
#define FRAME_X(n)	((n) * 8)	/* x[n], n = 1..31; slot 0 is never used */
#define FRAME_SEPC	(32 * 8)
#define FRAME_SSTATUS	(33 * 8)
#define FRAME_SCAUSE	(34 * 8)
#define FRAME_STVAL	(35 * 8)
#define FRAME_SIZE	(36 * 8)	/* a multiple of 16, so an aligned sp stays aligned */

/* Store x1, x3 and x6..x31 into the frame at sp; sp, tp and t0 are the caller's business. */
.macro save_registers_but_sp_tp_t0
	sd	x1, FRAME_X(1)(sp)
	sd	x3, FRAME_X(3)(sp)	/* gp: unused by the kernel, but it belongs to the context */
	.irp	n, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20
	sd	x\n, FRAME_X(\n)(sp)
	.endr
	.irp	n, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
	sd	x\n, FRAME_X(\n)(sp)
	.endr
.endm

	.text
	/* stvec's low two bits select the mode: the base must be 4-byte aligned. */
	.balign	4
	.globl	riscv_trap_entry
	.type	riscv_trap_entry, @function
riscv_trap_entry:
	csrrw	tp, sscratch, tp
	beqz	tp, .Lkernel_frame	/* early boot: no struct cpu, no emergency stack */
	sd	t0, CPU_RV_SCRATCH(tp)
	csrr	t0, sstatus
	andi	t0, t0, SSTATUS_SPP
	beqz	t0, .Lfrom_user
	csrw	sscratch, tp
	ld	t0, CPU_RV_SSTATUS(tp)
	bnez	t0, .Loverflow		/* the check below faulted: see the header */
	csrr	t0, sepc
	sd	t0, CPU_RV_SEPC(tp)
	csrr	t0, scause
	sd	t0, CPU_RV_SCAUSE(tp)
	csrr	t0, stval
	sd	t0, CPU_RV_STVAL(tp)
	csrr	t0, sstatus
	sd	t0, CPU_RV_SSTATUS(tp)
	/*
	 * t0 is the trapped value again before the loads, so that the entry a
	 * faulting load causes saves that same value into SCRATCH. The frame
	 * is smaller than a page, so its two ends cover the guard page.
	 */
	ld	t0, CPU_RV_SCRATCH(tp)
	ld	x0, -8(sp)
	ld	x0, -FRAME_SIZE(sp)
	sd	x0, CPU_RV_SSTATUS(tp)

.Lkernel_frame:
	addi	sp, sp, -FRAME_SIZE
	sd	t0, FRAME_X(5)(sp)
	sd	tp, FRAME_X(4)(sp)	/* for the report; never loaded back (see above) */
	save_registers_but_sp_tp_t0
	/* The trapped sp is ours plus the frame: the report and the unwinder want that one. */
	addi	t0, sp, FRAME_SIZE
	sd	t0, FRAME_X(2)(sp)

.Lsave_csrs:
	csrr	t0, sepc
	sd	t0, FRAME_SEPC(sp)
	csrr	t0, sstatus
	sd	t0, FRAME_SSTATUS(sp)
	csrr	t0, scause
	sd	t0, FRAME_SCAUSE(sp)
	csrr	t0, stval
	sd	t0, FRAME_STVAL(sp)
	li	t0, SSTATUS_SUM
	csrc	sstatus, t0

	/*
	 * Compiled code keeps sp 16-byte aligned at every instruction, but a
	 * trap in hand-written assembly might not, and the C call needs it.
	 * s1 is callee-saved, so it still points at the frame after the call
	 * (its own value is already in the frame), even when kernel_irq()
	 * switched threads in between and this thread now runs on another hart.
	 */
	mv	s1, sp
	andi	sp, sp, -16
	mv	a0, s1
	call	riscv_trap

	.globl	riscv_trap_return
riscv_trap_return:
	mv	sp, s1

	/*
	 * The CSRs first, while t0 is still free. sstatus as saved keeps SIE
	 * clear (the hart cleared it on entry), so nothing can trap and clobber
	 * sepc between here and sret; SPP and SPIE say where sret goes.
	 */
	ld	t0, FRAME_SEPC(sp)
	csrw	sepc, t0
	ld	t0, FRAME_SSTATUS(sp)
	csrw	sstatus, t0
	andi	t0, t0, SSTATUS_SPP
	bnez	t0, 1f
	ld	x4, FRAME_X(4)(sp)	/* to U-mode: the program's tp; sscratch keeps struct cpu */
1:
	ld	x1, FRAME_X(1)(sp)
	ld	x3, FRAME_X(3)(sp)
	.irp	n, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20
	ld	x\n, FRAME_X(\n)(sp)
	.endr
	.irp	n, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
	ld	x\n, FRAME_X(\n)(sp)
	.endr
	/* sp last: it is the base of every load above. */
	ld	x2, FRAME_X(2)(sp)
	sret

	/*
	 * From U-mode. tp = struct cpu, sscratch = the user's tp, the user's
	 * t0 in SCRATCH, every other register the user's. The frame goes at
	 * the top of the thread's kernel stack; s0 is cleared once saved so
	 * that a backtrace from the handler ends at this frame instead of
	 * following a frame pointer the program chose.
	 */
.Lfrom_user:
	ld	t0, CPU_RV_KSTACK(tp)
	addi	t0, t0, -FRAME_SIZE
	sd	sp, FRAME_X(2)(t0)
	mv	sp, t0
	ld	t0, CPU_RV_SCRATCH(tp)
	sd	t0, FRAME_X(5)(sp)
	csrrw	t0, sscratch, tp
	sd	t0, FRAME_X(4)(sp)
	save_registers_but_sp_tp_t0
	mv	s0, zero
	j	.Lsave_csrs

	/*
	 * The frame check faulted. Registers: all the trapped context's but t0
	 * (in SCRATCH), tp = struct cpu, and sp is the trapped sp that has no
	 * room. The CSRs now describe the faulting check; the trap's own are
	 * in struct cpu.
	 */
.Loverflow:
	ld	t0, CPU_RV_EMERGENCY(tp)
	addi	t0, t0, -FRAME_SIZE
	sd	sp, FRAME_X(2)(t0)
	mv	sp, t0
	ld	t0, CPU_RV_SCRATCH(tp)
	sd	t0, FRAME_X(5)(sp)
	sd	tp, FRAME_X(4)(sp)
	save_registers_but_sp_tp_t0
	ld	t0, CPU_RV_SSTATUS(tp)
	sd	t0, FRAME_SSTATUS(sp)
	sd	x0, CPU_RV_SSTATUS(tp)	/* a fault while reporting is an ordinary trap */
	ld	t0, CPU_RV_SEPC(tp)
	sd	t0, FRAME_SEPC(sp)
	ld	t0, CPU_RV_SCAUSE(tp)
	sd	t0, FRAME_SCAUSE(sp)
	ld	t0, CPU_RV_STVAL(tp)
	sd	t0, FRAME_STVAL(sp)
	li	t0, SSTATUS_SUM
	csrc	sstatus, t0
	/*
	 * riscv_trap_overflow() panics, unless the kernel resolves the fault
	 * (a lazily mapped stack page): then the original context resumes and
	 * takes its trap again, now with room for the frame.
	 */
	mv	s1, sp
	mv	a0, sp
	csrr	a1, stval		/* what the check's load faulted on */
	call	riscv_trap_overflow
	j	riscv_trap_return
	.size	riscv_trap_entry, . - riscv_trap_entry

/*
 * riscv_user_enter(kstack_top a0, pc a1, sp a2, arg a3, sstatus a4), from
 * hal_user_enter() (user.c) with interrupts masked: the first way out to
 * user mode of a thread. Everything on its kernel stack is abandoned: the
 * frame is built at the top, zero but for the user's pc, sp, a0 and the
 * sstatus sret will load (SPP clear, SPIE set, FS and VS Off), below the
 * caller's own frames, which is why no C can build it. Then, like every
 * return to user mode, kernel_user_return(), and out through the frame.
 */
	.globl	riscv_user_enter
	.type	riscv_user_enter, @function
riscv_user_enter:
	addi	sp, a0, -FRAME_SIZE
	.irp	n, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17
	sd	zero, FRAME_X(\n)(sp)
	.endr
	.irp	n, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
	sd	zero, FRAME_X(\n)(sp)
	.endr
	sd	a1, FRAME_SEPC(sp)
	sd	a2, FRAME_X(2)(sp)
	sd	a3, FRAME_X(10)(sp)
	sd	a4, FRAME_SSTATUS(sp)
	sd	zero, FRAME_SCAUSE(sp)
	sd	zero, FRAME_STVAL(sp)
	mv	s1, sp
	mv	s0, zero		/* the backtrace of kernel_user_return() ends here */
	call	kernel_user_return
	j	riscv_trap_return
	.size	riscv_user_enter, . - riscv_user_enter
