/*
 * kernel/heap_pages.c - the kernel heap's pages: eager mappings in the kernel window.
 *
 * The heap (core/heap.c) asks for page runs through struct heap_page_ops;
 * here each run is a kernel VMM allocation, read-write and mapped at once
 * (a heap page fault would need the VMM lock the heap may be called under).
 * The window keeps heap memory apart from the direct map, so a stray heap
 * pointer is a virtual address the VMM owns and can account for.
 */
#include <core/heap.h>
#include <core/log.h>
#include <core/vmm.h>
#include <kernel/heap_pages.h>
#include <kernel/kernel_vmm.h>
#include <kernel/panic.h>
#include <stdint.h>

static void *window_alloc_pages(size_t pages)
{
	uint64_t va, id;

	if (vmm_alloc(vmm_kernel(), pages, VMM_READ | VMM_WRITE, VMM_EAGER, &va, &id) != VMM_OK)
		return NULL;
	return (void *)(uintptr_t)va;
}

static void window_free_pages(void *p, size_t pages)
{
	(void)pages; /* the VMM's record knows the size */
	int status = vmm_free_at(vmm_kernel(), (uint64_t)(uintptr_t)p);

	if (status != VMM_OK)
		panic("heap: the kernel VMM refused to free its run at %p: %s", p,
		      vmm_status_name(status));
}

static const struct heap_page_ops window_pages = {
	.alloc_pages = window_alloc_pages,
	.free_pages = window_free_pages,
};

void kernel_heap_init(void)
{
	heap_init(&window_pages);

	/* One round trip proves the provider works before anything depends on the heap. */
	void *probe = kmalloc(1);

	if (probe == NULL)
		panic("heap: no page for the first object; the kernel window or the pmm is empty");
	kfree(probe);
	heap_trim();
	log_info("heap: ready: size classes %u..%u bytes, page runs above, in the kernel window\n",
		 HEAP_MIN_ALIGN, HEAP_MAX_CLASS_SIZE);
}
