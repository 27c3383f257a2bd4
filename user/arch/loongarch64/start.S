/*
 * user/arch/loongarch64/start.S - the first instructions of a user thread.
 *
 * _start: a process's first thread. __keel_thread_start: every thread
 * SYS_THREAD_CREATE makes. The kernel enters both the same way
 * (hal_user_enter): PLV3, $sp = a 16-byte aligned stack top, $a0 = the
 * argument, every other general register 0.
 *
 * Each clears $fp and $ra, so a backtrace ends here, rounds $sp down to
 * 16 bytes (the psABI's alignment at a call, whatever stack top the
 * creator of the thread passed) and calls its C entry with the argument
 * still in $a0:
 * __keel_start(arg) or __keel_thread_entry(arg), neither of which
 * returns. Should one return, the instruction after the call traps:
 * amswap.w with rd == rj, which the Reference Manual makes an instruction
 * non-defined exception (INE) and clang emits for __builtin_trap(); the
 * kernel ends the process.
 */
.macro	THREAD_ENTRY name, entry
	.text
	.globl	\name
	.type	\name, @function
	.balign	4
\name:
	move	$fp, $zero
	move	$ra, $zero
	bstrins.d $sp, $zero, 3, 0
	bl	\entry
	amswap.w $zero, $ra, $zero
	.size	\name, . - \name
.endm

	THREAD_ENTRY _start, __keel_start
	THREAD_ENTRY __keel_thread_start, __keel_thread_entry
