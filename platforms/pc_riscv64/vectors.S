/*
 * platforms/pc_riscv64/vectors.S - the supervisor trap entry (stvec, direct mode).
 *
 * On entry (the hart took an exception or interrupt into S-mode): every
 * general register still holds the trapped context's value; sepc is the
 * address of the trapping instruction (for an interrupt, of the instruction
 * to resume), scause the cause, stval the faulting address or zero,
 * sstatus.SPP the mode trapped from, sstatus.SPIE the old SIE, and SIE is
 * clear, so no interrupt can nest while the frame is built. tp is this
 * hart's struct cpu (riscv.h), or 0 before hal_cpu_init().
 *
 * Every trap comes from S-mode for now (there is no user space yet), so the
 * entry keeps using the current sp: the kernel stack the trapped code ran
 * on, which for an interrupt is the interrupted thread's own stack, so that
 * kernel_irq() can switch threads and come back much later. It makes room
 * below sp for a struct hal_trap_frame (platforms/pc_riscv64/trap.c),
 * stores x1..x31 there by register number (sp as it was before the frame),
 * then sepc, sstatus, scause and stval, and calls riscv_trap(frame) with sp
 * 16-byte aligned, as the psABI asks.
 *
 * Stack overflow. When the trapped sp is at or past the bottom of its
 * stack (a kernel stack overflowed into its guard page), the frame cannot
 * be stored there: the first store would fault, and so would every entry
 * after it, each one lower. So, once per-CPU data exists, the entry first
 * checks that the frame fits. It saves t0 and the trap's CSRs into its
 * struct cpu (tp), sets cpu->PROBING and loads from both ends of the frame
 * to be. A load that faults re-enters here with PROBING set: that entry
 * takes the hart's emergency stack, rebuilds the original context (every
 * register but t0 is still the trapped one; t0 and the CSRs are in struct
 * cpu) and calls riscv_trap_overflow(), which reports it. The loads use x0
 * as destination: the ISA still performs them and raises their faults.
 *
 * On exit: sepc and sstatus come back from the frame (the kernel may have
 * moved sepc, e.g. past a breakpoint), then the registers, sp last, and
 * sret returns to sepc in the mode and interrupt state the saved sstatus
 * gives. scause and stval are saved for the report only. tp is NOT
 * restored: a kernel thread may have been switched out inside the handler
 * and resumed on another hart, whose struct cpu tp must keep naming.
 *
 * User space later: the usual scheme keeps sscratch = 0 while the hart runs
 * the kernel and = the struct cpu while it runs user code, so the entry
 * can start with "csrrw tp, sscratch, tp" and tell the two apart; the exit
 * to user mode then restores tp from the frame. hal_trap_init() already
 * sets sscratch to 0 so that path can slot in here.
 */
#include "riscv.h"

/* Offsets in struct hal_trap_frame; trap.c asserts that they match. */
#define FRAME_X(n)	((n) * 8)	/* x[n], n = 1..31; slot 0 is never used */
#define FRAME_SEPC	(32 * 8)
#define FRAME_SSTATUS	(33 * 8)
#define FRAME_SCAUSE	(34 * 8)
#define FRAME_STVAL	(35 * 8)
#define FRAME_SIZE	(36 * 8)	/* a multiple of 16, so an aligned sp stays aligned */

/* Store x1, x3..x31 but t0 (x5) into the frame at sp; sp and t0 are the caller's business. */
.macro save_registers_but_sp_t0
	sd	x1, FRAME_X(1)(sp)
	sd	x3, FRAME_X(3)(sp)	/* gp: unused by the kernel, but it belongs to the context */
	sd	x4, FRAME_X(4)(sp)	/* tp: for the report; never loaded back (see above) */
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
	beqz	tp, .Lbuild_frame	/* early boot: no struct cpu, no emergency stack */
	sd	t0, CPU_RV_SCRATCH(tp)
	ld	t0, CPU_RV_PROBING(tp)
	bnez	t0, .Loverflow		/* the check below faulted: see the header */
	csrr	t0, sepc
	sd	t0, CPU_RV_SEPC(tp)
	csrr	t0, sstatus
	sd	t0, CPU_RV_SSTATUS(tp)
	csrr	t0, scause
	sd	t0, CPU_RV_SCAUSE(tp)
	csrr	t0, stval
	sd	t0, CPU_RV_STVAL(tp)
	li	t0, 1
	sd	t0, CPU_RV_PROBING(tp)
	/*
	 * t0 is the trapped value again before the loads, so that the entry a
	 * faulting load causes saves that same value into SCRATCH. The frame
	 * is smaller than a page, so its two ends cover the guard page.
	 */
	ld	t0, CPU_RV_SCRATCH(tp)
	ld	x0, -8(sp)
	ld	x0, -FRAME_SIZE(sp)
	sd	x0, CPU_RV_PROBING(tp)

.Lbuild_frame:
	addi	sp, sp, -FRAME_SIZE
	sd	t0, FRAME_X(5)(sp)
	save_registers_but_sp_t0

	/* The trapped sp is ours plus the frame: the report and the unwinder want that one. */
	addi	t0, sp, FRAME_SIZE
	sd	t0, FRAME_X(2)(sp)
	csrr	t0, sepc
	sd	t0, FRAME_SEPC(sp)
	csrr	t0, sstatus
	sd	t0, FRAME_SSTATUS(sp)
	csrr	t0, scause
	sd	t0, FRAME_SCAUSE(sp)
	csrr	t0, stval
	sd	t0, FRAME_STVAL(sp)

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
.Lrestore:
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

	ld	x1, FRAME_X(1)(sp)
	ld	x3, FRAME_X(3)(sp)
	/* x4 (tp) stays: it names the hart this thread runs on now. */
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
	 * The frame check faulted. Registers: all the trapped context's but t0
	 * (in SCRATCH), and sp is the trapped sp that has no room. The CSRs
	 * now describe the faulting check; the trap's own are in struct cpu.
	 * sscratch, 0 in the kernel, holds the trapped sp for a moment.
	 */
.Loverflow:
	sd	x0, CPU_RV_PROBING(tp)	/* a fault while reporting is an ordinary trap */
	csrw	sscratch, sp
	ld	sp, CPU_RV_EMERGENCY(tp)
	addi	sp, sp, -FRAME_SIZE
	save_registers_but_sp_t0
	ld	t0, CPU_RV_SCRATCH(tp)
	sd	t0, FRAME_X(5)(sp)
	csrrw	t0, sscratch, zero
	sd	t0, FRAME_X(2)(sp)
	ld	t0, CPU_RV_SEPC(tp)
	sd	t0, FRAME_SEPC(sp)
	ld	t0, CPU_RV_SSTATUS(tp)
	sd	t0, FRAME_SSTATUS(sp)
	ld	t0, CPU_RV_SCAUSE(tp)
	sd	t0, FRAME_SCAUSE(sp)
	ld	t0, CPU_RV_STVAL(tp)
	sd	t0, FRAME_STVAL(sp)
	/*
	 * riscv_trap_overflow() panics, unless the kernel resolves the fault
	 * (a lazily mapped stack page): then the original context resumes and
	 * takes its trap again, now with room for the frame.
	 */
	mv	s1, sp
	mv	a0, sp
	csrr	a1, stval		/* what the check's load faulted on */
	call	riscv_trap_overflow
	j	.Lrestore
	.size	riscv_trap_entry, . - riscv_trap_entry
