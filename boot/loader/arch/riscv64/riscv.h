/*
 * boot/loader/arch/riscv64/riscv.h - what the riscv64 port's files share.
 *
 * paging.c owns the kernel's tables; mp.c starts the other harts into
 * them and needs the same satp values and the same transitional trick the
 * boot hart's hand-off uses. Both talk to the SBI.
 */
#ifndef LOADER_ARCH_RISCV64_H
#define LOADER_ARCH_RISCV64_H

#include <stddef.h>
#include <stdint.h>

#define RISCV_SSTATUS_SIE (UINT64_C(1) << 1)

/* satp for the kernel's own root (ASID 0); valid after arch_paging_init(). */
uint64_t riscv_kernel_satp(void);

/*
 * satp for a new transitional root: the kernel's upper half (the root's
 * entries copied, so the tables below are shared) plus [start, end) mapped
 * to itself, executable, so code there can write satp and jump to its own
 * HHDM alias. Call only once every kernel mapping is in place. 0 when the
 * tables cannot be allocated or the range cannot be mapped.
 */
uint64_t riscv_transitional_satp(uint64_t start, uint64_t end);

/* An SBI call (extension `ext`, function `fid`): error in .error (0 = success), value in .value. */
struct riscv_sbiret {
	long error;
	long value;
};
struct riscv_sbiret riscv_sbi_call(unsigned long ext, unsigned long fid, unsigned long arg0,
				   unsigned long arg1, unsigned long arg2);

#endif /* LOADER_ARCH_RISCV64_H */
