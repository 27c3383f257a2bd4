/*
 * kernel/kernel_vmm.c - the kernel's own VMM (include/kernel/kernel_vmm.h).
 */
#include <core/boot_info.h>
#include <core/log.h>
#include <core/pmm.h>
#include <hal/memory_layout.h>
#include <hal/paging.h>
#include <kernel/kernel_vmm.h>
#include <kernel/panic.h>

static struct vmm kernel_vmm;
static bool kernel_vmm_ready;

void vmm_init_kernel(void)
{
	struct vmm_config c = {
		.base = MM_KERNEL_VMM_BASE,
		.size = MM_KERNEL_VMM_SIZE,
		.paging = hal_paging_kernel(),
		.max_records = KERNEL_VMM_MAX_RECORDS,
		.user = false,
		.first_fit = true, /* bounded kernel page tables (see struct vmm_config) */
	};
	size_t bytes = vmm_storage_bytes(&c);
	size_t pages = (bytes + PMM_PAGE_SIZE - 1) / PMM_PAGE_SIZE;
	uint64_t phys;

	if (bytes == 0)
		panic("vmm: the platform's kernel window is not a valid window");
	/* Zeroing is not needed: vmm_init() clears the bitmap it uses. */
	phys = pmm_alloc_pages_flags(pages, 1, PMM_ALLOC_NO_ZERO);
	if (phys == 0)
		panic("vmm: no run of %zu pages for the kernel VMM's bitmap and records", pages);
	if (vmm_init(&kernel_vmm, &c, phys_to_virt(phys), pages * PMM_PAGE_SIZE) != VMM_OK)
		panic("vmm: the kernel window was refused");
	kernel_vmm_ready = true;
	log_info("vmm: kernel window %#llx, %llu GiB, %u records, %zu KiB of metadata\n",
		 (unsigned long long)c.base, (unsigned long long)(c.size >> 30),
		 KERNEL_VMM_MAX_RECORDS, pages * PMM_PAGE_SIZE >> 10);
}

struct vmm *vmm_kernel(void)
{
	return kernel_vmm_ready ? &kernel_vmm : NULL;
}
