/*
 * user/arch/aarch64/start.S - where a user thread begins (include/hal/user.h).
 *
 * On entry (hal_user_enter, EL0t): PC = _start for the process's first
 * thread, __keel_thread_start for the others; SP = a 16-byte aligned stack
 * top; x0 = the argument; every other general register 0, TPIDR_EL0 0,
 * IRQs unmasked.
 *
 * Both end the frame-record chain (x29 = x30 = 0, so a backtrace stops
 * here), keep SP 16-byte aligned as AAPCS64 requires at every access
 * through it, and call the C entry with the argument still in x0. Neither
 * C entry returns; if one did, BRK #1 (what __builtin_trap() emits) makes
 * it an illegal-instruction trap that names this place.
 */
	.text

	.globl	_start
	.type	_start, %function
	.balign	4
_start:
	mov	x29, xzr
	mov	x30, xzr
	mov	x9, sp
	and	sp, x9, #~15
	bl	__keel_start
	brk	#1
	.size	_start, . - _start

	.globl	__keel_thread_start
	.type	__keel_thread_start, %function
	.balign	4
__keel_thread_start:
	mov	x29, xzr
	mov	x30, xzr
	mov	x9, sp
	and	sp, x9, #~15
	bl	__keel_thread_entry
	brk	#1
	.size	__keel_thread_start, . - __keel_thread_start
