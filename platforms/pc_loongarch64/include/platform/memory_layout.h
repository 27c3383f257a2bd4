/*
 * platforms/pc_loongarch64/include/platform/memory_layout.h - 4-level, 48-bit VALEN.
 *
 *   0x0000000000000000 .. 0x00007fffffffffff  user (PGDL)
 *   0xffff800000000000 ..                      direct map (PGDH; up to 64 TiB of RAM)
 *   0xffffc00000000000 .. +64 GiB              kernel VMM window
 *   0xffffffff80000000 .. top                  kernel image
 *
 * Every kernel address has bit 47 set, so none shares a TLB tag (bits
 * 47:13) with a user address (paging.c).
 */
#ifndef PLATFORM_MEMORY_LAYOUT_H
#define PLATFORM_MEMORY_LAYOUT_H

#include <stdint.h>

#define MM_KERNEL_VMM_BASE UINT64_C(0xffffc00000000000)
#define MM_KERNEL_VMM_SIZE UINT64_C(0x0000001000000000)
#define MM_USER_VMM_BASE   UINT64_C(0x0000000000000000)
#define MM_USER_VMM_SIZE   UINT64_C(0x0000800000000000)

#endif /* PLATFORM_MEMORY_LAYOUT_H */
