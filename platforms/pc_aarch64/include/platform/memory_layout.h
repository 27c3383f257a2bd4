/*
 * platforms/pc_aarch64/include/platform/memory_layout.h - 4 KiB granule, 48-bit.
 *
 *   0x0000000000000000 .. 0x0000ffffffffffff  user (TTBR0)
 *   0xffff000000000000 ..                      direct map (TTBR1; up to 128 TiB of RAM)
 *   0xffff800000000000 .. +64 GiB              kernel VMM window
 *   0xffffffff80000000 .. top                  kernel image
 */
#ifndef PLATFORM_MEMORY_LAYOUT_H
#define PLATFORM_MEMORY_LAYOUT_H

#include <stdint.h>

#define MM_KERNEL_VMM_BASE UINT64_C(0xffff800000000000)
#define MM_KERNEL_VMM_SIZE UINT64_C(0x0000001000000000)
#define MM_USER_VMM_BASE   UINT64_C(0x0000000000000000)
#define MM_USER_VMM_SIZE   UINT64_C(0x0001000000000000)

#endif /* PLATFORM_MEMORY_LAYOUT_H */
