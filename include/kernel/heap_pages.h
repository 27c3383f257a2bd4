/*
 * include/kernel/heap_pages.h - the page provider behind the kernel heap.
 */
#ifndef KERNEL_HEAP_PAGES_H
#define KERNEL_HEAP_PAGES_H

/*
 * Start the kernel heap (core/heap.c) on pages from the PMM, reached
 * through the direct map. The pages come from pmm_alloc_pages() unzeroed
 * (the heap does not need zeroed pages; kzalloc() clears what it hands
 * out) and go back with pmm_free_pages().
 *
 * Context: the boot CPU, once, after pmm_init() and hal_paging_init() (the
 * direct map must cover every page the PMM hands out). Panics if the heap
 * cannot allocate its first object, which would mean the PMM is empty.
 */
void kernel_heap_init(void);

#endif /* KERNEL_HEAP_PAGES_H */
