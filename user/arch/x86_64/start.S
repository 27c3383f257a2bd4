/*
 * user/arch/x86_64/start.S - where a user thread begins (include/hal/user.h).
 *
 * On entry (hal_user_enter): RIP = _start for the process's first thread,
 * __keel_thread_start for the others; RSP = a 16-byte aligned stack top;
 * RDI = the argument; every other register 0, RFLAGS.IF set.
 *
 * Both clear RBP, so a backtrace ends here, align RSP down to 16 bytes
 * (the SysV ABI wants it aligned at each call) and call the C entry with
 * the argument still in RDI. Neither C entry returns; if one did, ud2 makes
 * it an illegal-instruction fault that names this place.
 */
	.text

	.globl	_start
	.type	_start, @function
_start:
	xorl	%ebp, %ebp
	andq	$-16, %rsp
	call	__keel_start
	ud2
	.size	_start, . - _start

	.globl	__keel_thread_start
	.type	__keel_thread_start, @function
__keel_thread_start:
	xorl	%ebp, %ebp
	andq	$-16, %rsp
	call	__keel_thread_entry
	ud2
	.size	__keel_thread_start, . - __keel_thread_start
