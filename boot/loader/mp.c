/*
 * boot/loader/mp.c - the MP response: start the other CPUs and park them.
 *
 * The generic half of fact sheet section 8. The architecture finds the
 * CPUs and starts one at a time (arch.h); this file owns the protocol's
 * structures. Every structure lives in reclaimable memory and every
 * pointer handed over is an HHDM address. A parked CPU spins on its
 * info's goto_address with its stack pointer taken from `reserved`, in
 * the kernel's address space, until the kernel stores an entry point.
 */
#include "mp.h"

#include "arch.h"
#include "loader.h"

#include <base/string.h>

#define MP_STACK_SIZE UINT64_C(16384) /* the kernel moves to its own stack at once */

static struct {
	uint64_t *request; /* the kernel's MP request, NULL when none */
	uint64_t hhdm;
	struct limine_mp_response *response;
	struct limine_mp_info *infos;
	struct limine_mp_info **list;
	struct loader_cpu cpus[LOADER_CPUS_MAX];
	size_t count;
	uint64_t bsp_hw_id;
} mp;

void mp_prepare(struct kernel_requests *r, const struct boot_data *b)
{
	char err[160];

	for (size_t i = 0; i < r->count && mp.request == NULL; i++) {
		const uint64_t *q = r->found[i];

		if (q[2] == ((const uint64_t[]){ LIMINE_MP_ID })[0] &&
		    q[3] == ((const uint64_t[]){ LIMINE_MP_ID })[1])
			mp.request = r->found[i];
	}
	if (mp.request == NULL)
		return;
	mp.count = arch_mp_find_cpus(b, mp.cpus, LOADER_CPUS_MAX, &mp.bsp_hw_id);
	if (mp.count == 0) {
		loader_print("loader: cannot list the CPUs; no MP response\n");
		mp.request = NULL;
		return;
	}
	if (arch_mp_prepare(b, err, sizeof(err)) != 0)
		loader_fatal("%s", err);
	mp.hhdm = b->hhdm;
	mp.response = loader_arena_alloc(sizeof(*mp.response));
	mp.infos = loader_arena_alloc(mp.count * sizeof(*mp.infos));
	mp.list = loader_arena_alloc(mp.count * sizeof(*mp.list));

	uint64_t stacks =
		loader_alloc_pages(mp.count * MP_STACK_SIZE / PAGE_SIZE, KEEL_MEMORY_RECLAIMABLE);

	if (stacks == 0)
		loader_fatal("no memory for %zu CPU stacks", mp.count);
	for (size_t i = 0; i < mp.count; i++) {
		struct limine_mp_info *info = &mp.infos[i];

		info->processor_id = mp.cpus[i].processor_id;
		info->hw_id = (__typeof__(info->hw_id))mp.cpus[i].hw_id;
		info->reserved = stacks + (i + 1) * MP_STACK_SIZE + b->hhdm;
	}
	loader_print("loader: %zu CPU(s), boot CPU 0x%llx\n", mp.count,
		     (unsigned long long)mp.bsp_hw_id);
}

void mp_start(void)
{
	if (mp.request == NULL)
		return;
	size_t up = 0;

	for (size_t i = 0; i < mp.count; i++) {
		struct limine_mp_info *info = &mp.infos[i];
		bool bsp = mp.cpus[i].hw_id == mp.bsp_hw_id;

		if (bsp ||
		    arch_mp_start_cpu(info, (uint64_t)(uintptr_t)info + mp.hhdm, mp.cpus[i].hw_id))
			mp.list[up++] = (void *)((uintptr_t)info + mp.hhdm);
	}
	mp.response->bsp_hw_id = (__typeof__(mp.response->bsp_hw_id))mp.bsp_hw_id;
	mp.response->flags = 0;
	mp.response->cpu_count = up;
	mp.response->cpus = (void *)((uintptr_t)mp.list + mp.hhdm);
	mp.request[5] = (uint64_t)(uintptr_t)mp.response + mp.hhdm;
}
