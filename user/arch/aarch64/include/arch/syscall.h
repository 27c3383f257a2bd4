/*
 * user/arch/aarch64/include/arch/syscall.h - the syscall instruction for
 * user programs (include/hal/user.h has the register table).
 *
 * svc #0 with the number in x8 and the arguments in x0-x5; status back in
 * x0, value in x1. The kernel preserves every other register, x2-x5 and
 * x8 included, and the condition flags (SPSR_EL1 comes back as saved),
 * except that the short IPC syscalls return three more words in x3-x5
 * (so the asm lists them as outputs).
 * "memory": the kernel reads and writes the user memory the arguments
 * point to.
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
	register uint64_t x8 __asm__("x8") = nr;
	register uint64_t x0 __asm__("x0") = a0;
	register uint64_t x1 __asm__("x1") = a1;
	register uint64_t x2 __asm__("x2") = a2;
	register uint64_t x3 __asm__("x3") = a3;
	register uint64_t x4 __asm__("x4") = a4;
	register uint64_t x5 __asm__("x5") = a5;

	__asm__ volatile("svc #0"
			 : "+r"(x0), "+r"(x1), "+r"(x3), "+r"(x4), "+r"(x5)
			 : "r"(x8), "r"(x2)
			 : "memory");
	more[0] = x3;
	more[1] = x4;
	more[2] = x5;
	return (struct syscall_result){ .status = x0, .value = x1 };
}

static inline struct syscall_result keel_syscall6(uint64_t nr, uint64_t a0, uint64_t a1,
						  uint64_t a2, uint64_t a3, uint64_t a4,
						  uint64_t a5)
{
	uint64_t more[3];

	return keel_syscall6_more(nr, a0, a1, a2, a3, a4, a5, more);
}

#endif /* ARCH_SYSCALL_H */
