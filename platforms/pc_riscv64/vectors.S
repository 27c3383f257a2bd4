/*
 * platforms/pc_riscv64/vectors.S - the supervisor trap entry (stvec, direct mode).
 *
 * On entry (the hart took an exception or interrupt into S-mode): every
 * general register still holds the trapped context's value; sepc is the
 * address of the trapping instruction (for an interrupt, of the instruction
 * to resume), scause the cause, stval the faulting address or zero,
 * sstatus.SPP the mode trapped from, sstatus.SPIE the old SIE, and SIE is
 * clear, so no interrupt can nest while the frame is built.
 *
 * Every trap comes from S-mode for now (there is no user space yet), so the
 * entry keeps using the current sp: the kernel stack the trapped code ran
 * on. It makes room below it for a struct hal_trap_frame
 * (platforms/pc_riscv64/trap.c), stores x1..x31 there by register number
 * (sp as it was before the frame), then sepc, sstatus, scause and stval,
 * and calls riscv_trap(frame) with sp 16-byte aligned, as the psABI asks.
 *
 * On exit: sepc and sstatus come back from the frame (the kernel may have
 * moved sepc, e.g. past a breakpoint), then x1..x31, sp last, and sret
 * returns to sepc in the mode and interrupt state the saved sstatus gives.
 * scause and stval are saved for the report only and are not restored.
 *
 * User space later: the usual scheme keeps sscratch = 0 while the hart runs
 * the kernel and = the kernel stack top while it runs user code. The entry
 * will then start with "csrrw sp, sscratch, sp": a non-zero result means the
 * trap came from U-mode and sp is now the kernel stack; zero means S-mode,
 * and a second csrrw swaps the kernel sp back. hal_trap_init already sets
 * sscratch to 0 so that path can slot in here without changing the frame.
 */

/* Offsets in struct hal_trap_frame; trap.c asserts that they match. */
#define FRAME_X(n)	((n) * 8)	/* x[n], n = 1..31; slot 0 is never used */
#define FRAME_SEPC	(32 * 8)
#define FRAME_SSTATUS	(33 * 8)
#define FRAME_SCAUSE	(34 * 8)
#define FRAME_STVAL	(35 * 8)
#define FRAME_SIZE	(36 * 8)	/* a multiple of 16, so an aligned sp stays aligned */

	.text
	/* stvec's low two bits select the mode: the base must be 4-byte aligned. */
	.balign	4
	.globl	riscv_trap_entry
	.type	riscv_trap_entry, @function
riscv_trap_entry:
	addi	sp, sp, -FRAME_SIZE
	sd	x1, FRAME_X(1)(sp)
	/* x2 (sp) is stored below, once a scratch register is free to rebuild it. */
	sd	x3, FRAME_X(3)(sp)	/* gp: unused by the kernel, but it belongs to the context */
	sd	x4, FRAME_X(4)(sp)	/* tp */
	sd	x5, FRAME_X(5)(sp)
	sd	x6, FRAME_X(6)(sp)
	sd	x7, FRAME_X(7)(sp)
	sd	x8, FRAME_X(8)(sp)
	sd	x9, FRAME_X(9)(sp)
	sd	x10, FRAME_X(10)(sp)
	sd	x11, FRAME_X(11)(sp)
	sd	x12, FRAME_X(12)(sp)
	sd	x13, FRAME_X(13)(sp)
	sd	x14, FRAME_X(14)(sp)
	sd	x15, FRAME_X(15)(sp)
	sd	x16, FRAME_X(16)(sp)
	sd	x17, FRAME_X(17)(sp)
	sd	x18, FRAME_X(18)(sp)
	sd	x19, FRAME_X(19)(sp)
	sd	x20, FRAME_X(20)(sp)
	sd	x21, FRAME_X(21)(sp)
	sd	x22, FRAME_X(22)(sp)
	sd	x23, FRAME_X(23)(sp)
	sd	x24, FRAME_X(24)(sp)
	sd	x25, FRAME_X(25)(sp)
	sd	x26, FRAME_X(26)(sp)
	sd	x27, FRAME_X(27)(sp)
	sd	x28, FRAME_X(28)(sp)
	sd	x29, FRAME_X(29)(sp)
	sd	x30, FRAME_X(30)(sp)
	sd	x31, FRAME_X(31)(sp)

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
	 * (its own value is already in the frame).
	 */
	mv	s1, sp
	andi	sp, sp, -16
	mv	a0, s1
	call	riscv_trap
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
	ld	x4, FRAME_X(4)(sp)
	ld	x5, FRAME_X(5)(sp)
	ld	x6, FRAME_X(6)(sp)
	ld	x7, FRAME_X(7)(sp)
	ld	x8, FRAME_X(8)(sp)
	ld	x9, FRAME_X(9)(sp)
	ld	x10, FRAME_X(10)(sp)
	ld	x11, FRAME_X(11)(sp)
	ld	x12, FRAME_X(12)(sp)
	ld	x13, FRAME_X(13)(sp)
	ld	x14, FRAME_X(14)(sp)
	ld	x15, FRAME_X(15)(sp)
	ld	x16, FRAME_X(16)(sp)
	ld	x17, FRAME_X(17)(sp)
	ld	x18, FRAME_X(18)(sp)
	ld	x19, FRAME_X(19)(sp)
	ld	x20, FRAME_X(20)(sp)
	ld	x21, FRAME_X(21)(sp)
	ld	x22, FRAME_X(22)(sp)
	ld	x23, FRAME_X(23)(sp)
	ld	x24, FRAME_X(24)(sp)
	ld	x25, FRAME_X(25)(sp)
	ld	x26, FRAME_X(26)(sp)
	ld	x27, FRAME_X(27)(sp)
	ld	x28, FRAME_X(28)(sp)
	ld	x29, FRAME_X(29)(sp)
	ld	x30, FRAME_X(30)(sp)
	ld	x31, FRAME_X(31)(sp)
	/* sp last: it is the base of every load above. */
	ld	x2, FRAME_X(2)(sp)
	sret
	.size	riscv_trap_entry, . - riscv_trap_entry
