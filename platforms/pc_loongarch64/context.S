/*
 * platforms/pc_loongarch64/context.S - kernel thread switch and first entry.
 *
 * A switched-out thread's stack holds, at its saved $sp, the registers the
 * psABI asks a callee to keep ($s0-$s8, $fp) and the return address:
 *
 *   sp + 0 .. 64   $s0 .. $s8
 *   sp + 72        $fp
 *   sp + 80        $ra      (sp + 88: padding, keeps $sp 16-byte aligned)
 *
 * Everything else is either caller-saved (the switch is a call) or per
 * CPU ($r21, the CSRs); the interrupt state is the caller's business.
 *
 * hal_context_switch(save_sp $a0, next_sp $a1)
 *   On entry: interrupts masked; called from C on the current thread's
 *   kernel stack.
 *   On exit: in the thread whose stack next_sp is, with its callee-saved
 *   registers back, returning to whoever called hal_context_switch() in it
 *   (or entering la_thread_start for a new thread). *save_sp holds the old
 *   thread's $sp, written after its registers are on its stack.
 *
 * hal_context_init(stack_top $a0, entry $a1, arg $a2) -> $a0
 *   Builds the block above just below stack_top (16-byte aligned) with
 *   $ra = la_thread_start, $s0 = entry, $s1 = arg and everything else 0,
 *   and returns its address: the new thread's saved $sp.
 *
 * la_thread_start: a new thread's first instructions, reached by the
 *   first switch to it. $sp = stack_top, interrupts masked. Calls
 *   entry(arg) with $fp = 0, so entry's frame is the last of the
 *   frame-pointer chain; should entry return, la_thread_returned() panics.
 */
#define CTX_S0		0
#define CTX_FP		72
#define CTX_RA		80
#define CTX_SIZE	96

	.text
	.globl	hal_context_switch
	.type	hal_context_switch, @function
	.balign	4
hal_context_switch:
	addi.d	$sp, $sp, -CTX_SIZE
	.irp	n, 0, 1, 2, 3, 4, 5, 6, 7, 8
	st.d	$s\n, $sp, CTX_S0 + \n * 8
	.endr
	st.d	$fp, $sp, CTX_FP
	st.d	$ra, $sp, CTX_RA
	st.d	$sp, $a0, 0

	move	$sp, $a1
	.irp	n, 0, 1, 2, 3, 4, 5, 6, 7, 8
	ld.d	$s\n, $sp, CTX_S0 + \n * 8
	.endr
	ld.d	$fp, $sp, CTX_FP
	ld.d	$ra, $sp, CTX_RA
	addi.d	$sp, $sp, CTX_SIZE
	jr	$ra
	.size	hal_context_switch, . - hal_context_switch

	.globl	hal_context_init
	.type	hal_context_init, @function
	.balign	4
hal_context_init:
	bstrins.d $a0, $zero, 3, 0	/* the contract asks for 16-byte alignment anyway */
	addi.d	$a0, $a0, -CTX_SIZE
	.irp	n, 0, 8, 16, 24, 32, 40, 48, 56, 64, 72, 80, 88
	st.d	$zero, $a0, \n
	.endr
	st.d	$a1, $a0, CTX_S0	/* $s0 = entry */
	st.d	$a2, $a0, CTX_S0 + 8	/* $s1 = arg */
	la.pcrel $t0, la_thread_start
	st.d	$t0, $a0, CTX_RA
	jr	$ra
	.size	hal_context_init, . - hal_context_init

	.type	la_thread_start, @function
	.balign	4
la_thread_start:
	move	$a0, $s1
	move	$fp, $zero		/* end of the frame-pointer chain */
	jirl	$ra, $s0, 0
	move	$a0, $s0
	bl	la_thread_returned
	.size	la_thread_start, . - la_thread_start
