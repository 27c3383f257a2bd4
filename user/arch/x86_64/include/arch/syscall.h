/*
 * user/arch/x86_64/include/arch/syscall.h - the syscall instruction for
 * user programs (include/hal/user.h has the register table).
 *
 * Number in RAX, arguments in RDI RSI RDX R10 R8 R9; status back in RAX,
 * value in RDX. The instruction itself overwrites RCX (the return RIP) and
 * R11 (RFLAGS); the kernel preserves every other register, the argument
 * registers included, except that the short IPC syscalls return three
 * more words in R10 R8 R9 (so the asm lists them as outputs). "memory":
 * the kernel reads and writes user memory the arguments point to.
 */
#ifndef ARCH_SYSCALL_H
#define ARCH_SYSCALL_H

#include <core/syscall.h>
#include <stdint.h>

/*
 * A syscall whose result words may also come back in argument registers
 * 3-5 (the short IPC syscalls): more[0..2] gets what the kernel left there
 * (for every other syscall, a3-a5 as they went in).
 */
static inline struct syscall_result keel_syscall6_more(uint64_t nr, uint64_t a0, uint64_t a1,
						       uint64_t a2, uint64_t a3, uint64_t a4,
						       uint64_t a5, uint64_t more[3])
{
	register uint64_t r10 __asm__("r10") = a3;
	register uint64_t r8 __asm__("r8") = a4;
	register uint64_t r9 __asm__("r9") = a5;
	uint64_t rax = nr, rdx = a2;

	__asm__ volatile("syscall"
			 : "+a"(rax), "+d"(rdx), "+r"(r10), "+r"(r8), "+r"(r9)
			 : "D"(a0), "S"(a1)
			 : "rcx", "r11", "memory");
	more[0] = r10;
	more[1] = r8;
	more[2] = r9;
	return (struct syscall_result){ .status = rax, .value = rdx };
}

static inline struct syscall_result keel_syscall6(uint64_t nr, uint64_t a0, uint64_t a1,
						  uint64_t a2, uint64_t a3, uint64_t a4,
						  uint64_t a5)
{
	uint64_t more[3];

	return keel_syscall6_more(nr, a0, a1, a2, a3, a4, a5, more);
}

#endif /* ARCH_SYSCALL_H */
