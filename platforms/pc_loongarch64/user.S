/*
 * platforms/pc_loongarch64/user.S - the first way to user mode, and the user copy.
 *
 * hal_user_enter(kstack_top $a0, ctx $a1)
 *   On entry: PLV0, any interrupt state, on the calling thread's kernel
 *   stack, whose top is kstack_top; ctx may lie on that stack.
 *   What it does: masks interrupts, reads ctx into registers before
 *   anything is written (the frame may cover it), moves $sp to the frame's
 *   place at the top of the stack (16-byte aligned, every byte above the
 *   frame abandoned with the rest), zeroes the frame and fills in the
 *   user's $sp ($r3), argument ($a0), pc (ERA) and PRMD = PLV3 with
 *   interrupts on, then goes out through la_trap_return (vectors.S), which
 *   calls kernel_user_return() and restores the frame.
 *   On exit: none. The thread runs ctx->pc at PLV3 with interrupts on, $sp
 *   and $a0 from ctx and every other general register 0; its next entry
 *   into the kernel saves its frame at the same place.
 *
 * hal_user_copy(dst $a0, src $a1, n $a2) -> $a0
 *   A leaf: uses $a0-$a2, $t0 and $t1 only, and no stack, so that a fault
 *   inside it can be abandoned by moving the pc to hal_user_copy_fault,
 *   which returns -1 to the caller through the untouched $ra. LoongArch has
 *   no SMAP or PAN: the kernel can reach PLV3 pages anywhere, and keeping
 *   to this routine is the kernel's discipline (user.c). When dst and src
 *   are equally aligned modulo 8, bytes up to the first 8-byte boundary,
 *   then 8-byte words, then the bytes left; otherwise bytes throughout.
 *   An aligned word never crosses a page, so after a fault every byte
 *   below the faulting one has been copied.
 *   On exit: $a0 = 0, or -1 from hal_user_copy_fault.
 */
#include "loongarch.h"

/* struct hal_user_context (include/hal/user.h). */
#define CTX_PC		0
#define CTX_SP		8
#define CTX_ARG		16

	.text
	.globl	hal_user_enter
	.type	hal_user_enter, @function
	.balign	4
hal_user_enter:
	li.d	$t0, CRMD_IE
	csrxchg	$zero, $t0, CSR_CRMD	/* interrupts masked */
	ld.d	$t1, $a1, CTX_PC
	ld.d	$t2, $a1, CTX_SP
	ld.d	$t3, $a1, CTX_ARG

	bstrins.d $a0, $zero, 3, 0
	addi.d	$sp, $a0, -FRAME_SIZE
	move	$t0, $sp
1:	st.d	$zero, $t0, 0
	addi.d	$t0, $t0, 8
	bne	$t0, $a0, 1b

	st.d	$t2, $sp, 3 * 8		/* $sp */
	st.d	$t3, $sp, 4 * 8		/* $a0 */
	st.d	$t1, $sp, FRAME_ERA
	li.d	$t0, PRMD_PLV3 | PRMD_PIE
	st.d	$t0, $sp, FRAME_PRMD
	move	$fp, $zero		/* kernel_user_return's chain ends here */
	move	$ra, $zero
	b	la_trap_return
	.size	hal_user_enter, . - hal_user_enter

	.globl	hal_user_copy
	.globl	hal_user_copy_begin
	.globl	hal_user_copy_end
	.globl	hal_user_copy_fault
	.type	hal_user_copy, @function
	.balign	4
hal_user_copy:
hal_user_copy_begin:
	beqz	$a2, .Ldone
	xor	$t0, $a0, $a1
	andi	$t0, $t0, 7
	bnez	$t0, .Lbytes		/* never aligned together: bytes only */
.Lhead:
	andi	$t0, $a0, 7
	beqz	$t0, .Lwords
	ld.bu	$t1, $a1, 0
	st.b	$t1, $a0, 0
	addi.d	$a0, $a0, 1
	addi.d	$a1, $a1, 1
	addi.d	$a2, $a2, -1
	bnez	$a2, .Lhead
	b	.Ldone
.Lwords:
	sltui	$t0, $a2, 8
	bnez	$t0, .Lbytes
	ld.d	$t1, $a1, 0
	st.d	$t1, $a0, 0
	addi.d	$a0, $a0, 8
	addi.d	$a1, $a1, 8
	addi.d	$a2, $a2, -8
	b	.Lwords
.Lbytes:
	beqz	$a2, .Ldone
	ld.bu	$t1, $a1, 0
	st.b	$t1, $a0, 0
	addi.d	$a0, $a0, 1
	addi.d	$a1, $a1, 1
	addi.d	$a2, $a2, -1
	b	.Lbytes
.Ldone:
	move	$a0, $zero
	jr	$ra
hal_user_copy_end:
hal_user_copy_fault:
	li.d	$a0, -1
	jr	$ra
	.size	hal_user_copy, . - hal_user_copy
