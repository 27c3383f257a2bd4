/*
 * include/hal/memory_layout.h - HAL contract: where the kernel puts things.
 *
 * Each platform's <platform/memory_layout.h> (platforms/pc_<arch>/include/)
 * defines, as compile-time constants:
 *
 *   MM_KERNEL_VMM_BASE, MM_KERNEL_VMM_SIZE  the kernel's managed window, in
 *       the kernel half, clear of the direct map and of the kernel image;
 *   MM_USER_VMM_BASE, MM_USER_VMM_SIZE      a process's window, in the lower
 *       half; its first MM_USER_NULL_GUARD bytes are never mapped, so a NULL
 *       dereference (plus a small offset) faults.
 *
 * Every value is page-aligned, and each window lies in the canonical part
 * of the address space in every paging mode the platform may run in.
 *
 * The kernel window is 64 GiB on every platform: its ownership bitmap
 * (core/vaddr_alloc.c) costs about 33 KiB per GiB, so 64 GiB takes about
 * 2 MiB of RAM, where the whole 16 TiB hole would take over 500 MiB.
 */
#ifndef HAL_MEMORY_LAYOUT_H
#define HAL_MEMORY_LAYOUT_H

#include <platform/memory_layout.h>

#define MM_USER_NULL_GUARD UINT64_C(0x10000) /* 64 KiB */

#endif /* HAL_MEMORY_LAYOUT_H */
