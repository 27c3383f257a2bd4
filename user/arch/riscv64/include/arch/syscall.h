/*
 * user/arch/riscv64/include/arch/syscall.h - the syscall instruction for
 * riscv64 user programs (include/hal/user.h, docs/syscalls.md).
 *
 * ecall with the number in a7 and up to six arguments in a0-a5; the
 * kernel returns the status in a0 and the value in a1 and preserves every
 * other register except a3-a5, where the short IPC syscalls return three
 * more words; so a0, a1 and a3-a5 are the outputs and nothing else is
 * clobbered. "memory": the kernel reads and writes the buffers the
 * arguments point to.
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
	register uint64_t r_a0 __asm__("a0") = a0;
	register uint64_t r_a1 __asm__("a1") = a1;
	register uint64_t r_a2 __asm__("a2") = a2;
	register uint64_t r_a3 __asm__("a3") = a3;
	register uint64_t r_a4 __asm__("a4") = a4;
	register uint64_t r_a5 __asm__("a5") = a5;
	register uint64_t r_a7 __asm__("a7") = nr;

	__asm__ volatile("ecall"
			 : "+r"(r_a0), "+r"(r_a1), "+r"(r_a3), "+r"(r_a4), "+r"(r_a5)
			 : "r"(r_a2), "r"(r_a7)
			 : "memory");
	more[0] = r_a3;
	more[1] = r_a4;
	more[2] = r_a5;
	return (struct syscall_result){ .status = r_a0, .value = r_a1 };
}

static inline struct syscall_result keel_syscall6(uint64_t nr, uint64_t a0, uint64_t a1,
						  uint64_t a2, uint64_t a3, uint64_t a4,
						  uint64_t a5)
{
	uint64_t more[3];

	return keel_syscall6_more(nr, a0, a1, a2, a3, a4, a5, more);
}

#endif /* ARCH_SYSCALL_H */
