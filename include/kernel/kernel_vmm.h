/*
 * include/kernel/kernel_vmm.h - the kernel's own VMM (requirement M4).
 *
 * One VMM manages the kernel's window [MM_KERNEL_VMM_BASE,
 * + MM_KERNEL_VMM_SIZE) in the kernel's page tables (hal_paging_kernel()).
 * Kernel code that needs virtual memory (the heap's large objects, stacks,
 * buffers) allocates there with vmm_alloc(vmm_kernel(), ...), and kernel
 * page faults in that window go to vmm_handle_fault() (kernel/trap.c).
 * It lives in kernel/ rather than core/ because it decides platform-given
 * constants (the window) and where its storage comes from (the PMM).
 */
#ifndef KERNEL_KERNEL_VMM_H
#define KERNEL_KERNEL_VMM_H

#include <core/vmm.h>

/*
 * Records the kernel VMM can hold: allocations alive at once (40 bytes
 * each, 640 KiB in all). The heap takes one per slab page or large run, so
 * this also bounds it: 16384 one-page slabs are 64 MiB of small objects.
 */
#define KERNEL_VMM_MAX_RECORDS 16384u

/*
 * Set up the kernel VMM. Its storage (the window's bitmap, 2 MiB + 32 KiB
 * for 64 GiB, and the record table) is one run of PMM pages reached
 * through the direct map; it is never freed, as the kernel VMM lives as
 * long as the kernel. Panics when the PMM cannot provide that run or the
 * platform's window is invalid: the kernel cannot run without it.
 *
 * Context: the boot CPU, once, after hal_paging_init().
 */
void vmm_init_kernel(void);

/*
 * The kernel VMM, or NULL before vmm_init_kernel() (a fault taken that
 * early cannot be resolved). Any context.
 */
struct vmm *vmm_kernel(void);

#endif /* KERNEL_KERNEL_VMM_H */
