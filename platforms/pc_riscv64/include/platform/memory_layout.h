/*
 * platforms/pc_riscv64/include/platform/memory_layout.h - valid under Sv39 and Sv48.
 *
 * The kernel runs with Sv48 where the hart has it and Sv39 otherwise, so
 * every window here fits the smaller, Sv39 space (a 256 GiB half each side):
 *   0x0000000000000000 .. 0x0000003fffffffff  user
 *   0xffffffc000000000 ..                      direct map under Sv39 (up to 64 GiB of RAM;
 *                                               Sv48 puts it at 0xffff800000000000)
 *   0xffffffd000000000 .. +64 GiB              kernel VMM window
 *   0xffffffff80000000 .. top                  kernel image
 */
#ifndef PLATFORM_MEMORY_LAYOUT_H
#define PLATFORM_MEMORY_LAYOUT_H

#include <stdint.h>

#define MM_KERNEL_VMM_BASE UINT64_C(0xffffffd000000000)
#define MM_KERNEL_VMM_SIZE UINT64_C(0x0000001000000000)
#define MM_USER_VMM_BASE   UINT64_C(0x0000000000000000)
#define MM_USER_VMM_SIZE   UINT64_C(0x0000004000000000)

#endif /* PLATFORM_MEMORY_LAYOUT_H */
