/*
 * user/arch/riscv64/start.S - where a user thread begins (include/hal/user.h).
 *
 * On entry (hal_user_enter): pc = _start for the process's first thread,
 * __keel_thread_start for the others; sp = a 16-byte aligned stack top;
 * a0 = the argument; every other register 0, U-mode with interrupts on
 * and floating point off.
 *
 * Both clear s0 and ra, so a backtrace ends here, align sp down to 16
 * bytes (the psABI wants it aligned at each call) and call the C entry
 * with the argument still in a0. User programs are built like the kernel,
 * without linker relaxation, so nothing refers to gp and it stays 0.
 * Neither C entry returns; if one did, unimp makes it an illegal-
 * instruction fault that names this place.
 */
	.text

	.globl	_start
	.type	_start, @function
_start:
	mv	s0, zero
	mv	ra, zero
	andi	sp, sp, -16
	call	__keel_start
	unimp
	.size	_start, . - _start

	.globl	__keel_thread_start
	.type	__keel_thread_start, @function
__keel_thread_start:
	mv	s0, zero
	mv	ra, zero
	andi	sp, sp, -16
	call	__keel_thread_entry
	unimp
	.size	__keel_thread_start, . - __keel_thread_start
