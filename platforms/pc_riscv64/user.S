/*
 * platforms/pc_riscv64/user.S - hal_user_copy() (include/hal/user.h, M6).
 *
 * hal_user_copy(dst a0, src a1, n a2) -> a0: 0, or -1 after a fault
 *
 * A leaf: no stack, no call, only a0-a2 and t0-t2, so the trap entry's
 * frame holds all of its state and the kernel may resume it anywhere in
 * it. sstatus.SUM lets S-mode loads and stores reach U=1 pages; it is set
 * at hal_user_copy_begin and cleared on both ways out, and nowhere else in
 * the kernel (a trap inside clears it for the handler and its frame gives
 * it back, vectors.S). Word copies while n allows when dst and src are
 * both 8-byte aligned, so none of them is misaligned; bytes otherwise and
 * for the tail.
 *
 * A fault on a user address in here reaches kernel_trap() as a kernel page
 * fault (info.user false) with the pc of the load or store. The kernel
 * either resolves it (a lazy page) and the access is retried, or moves the
 * pc to hal_user_copy_fault, which closes user access and returns -1: the
 * bytes before the faulting access were copied, none after. A word store
 * either happens whole or faults, so "before" is exact.
 */
#include "riscv.h"

	.text
	.balign	4
	.globl	hal_user_copy
	.globl	hal_user_copy_begin
	.globl	hal_user_copy_fault
	.globl	hal_user_copy_end
	.type	hal_user_copy, @function
hal_user_copy:
hal_user_copy_begin:
	li	t0, SSTATUS_SUM
	csrs	sstatus, t0
	or	t1, a0, a1
	andi	t1, t1, 7
	bnez	t1, .Lbytes
	li	t2, 8
.Lwords:
	bltu	a2, t2, .Lbytes
	ld	t1, 0(a1)
	sd	t1, 0(a0)
	addi	a0, a0, 8
	addi	a1, a1, 8
	addi	a2, a2, -8
	j	.Lwords
.Lbytes:
	beqz	a2, .Ldone
	lbu	t1, 0(a1)
	sb	t1, 0(a0)
	addi	a0, a0, 1
	addi	a1, a1, 1
	addi	a2, a2, -1
	j	.Lbytes
.Ldone:
	csrc	sstatus, t0
	li	a0, 0
	ret

	/* Reached only when the kernel moves a faulted copy's pc here (hal_trap_set_pc). */
hal_user_copy_fault:
	li	t0, SSTATUS_SUM
	csrc	sstatus, t0
	li	a0, -1
	ret
hal_user_copy_end:
	.size	hal_user_copy, . - hal_user_copy
