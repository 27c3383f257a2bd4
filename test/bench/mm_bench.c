/*
 * test/bench/mm_bench.c - how fast the memory allocators are on the build machine.
 *
 * Not a test: it asserts nothing about time (a timed assertion would fail on
 * a loaded machine and pass on a fast one). It prints nanoseconds per
 * operation for the PMM and the kernel heap, each beside the host C
 * library's malloc doing the same job, so a change that slows them down
 * shows in the figures (docs/benchmarks.md keeps the reference table).
 *
 *   PMM   1-page alloc+free pair (zeroing and not), 16-page run alloc+free
 *   heap  kmalloc(64)+kfree pair
 *
 * The code under test is the same core/ code the kernel runs, built here
 * with optimisation and without sanitizers (see test/bench/meson.build).
 * Run: build-x86_64/test/bench/mm_bench [iterations]
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <core/boot_info.h>
#include <core/heap.h>
#include <core/pmm.h>

#define ARENA_PAGES 16384 /* 64 MiB of fake RAM */

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* Keeps results alive so the compiler cannot drop the work being timed. */
static volatile uintptr_t sink;

static void report(const char *what, double ns_total, long n, double host_ns_total)
{
	printf("mm_bench: %-40s %7.1f ns/op   (host malloc: %7.1f ns/op)\n", what, ns_total / n,
	       host_ns_total / n);
}

static double time_pmm(long n, size_t pages, unsigned flags)
{
	double t0 = now_ns();

	for (long i = 0; i < n; i++) {
		uint64_t p = pmm_alloc_pages_flags(pages, 1, flags);

		if (p == 0) {
			fprintf(stderr, "mm_bench: the pmm ran out of memory\n");
			exit(1);
		}
		sink = p;
		pmm_free_pages(p, pages);
	}
	return now_ns() - t0;
}

static double time_host(long n, size_t bytes, bool touch)
{
	double t0 = now_ns();

	for (long i = 0; i < n; i++) {
		char *p = malloc(bytes);

		if (p == NULL)
			exit(1);
		if (touch)
			p[0] = (char)i; /* make malloc's memory real, as the PMM's is */
		sink = (uintptr_t)p;
		free(p);
	}
	return now_ns() - t0;
}

static void *bench_alloc_pages(size_t pages)
{
	return aligned_alloc(4096, pages * 4096);
}

static void bench_free_pages(void *p, size_t pages)
{
	(void)pages;
	free(p);
}

static const struct heap_page_ops bench_pages = { bench_alloc_pages, bench_free_pages };

int main(int argc, char **argv)
{
	long n = argc > 1 ? strtol(argv[1], NULL, 0) : 2000000;
	uint8_t *arena = aligned_alloc(4096, (size_t)ARENA_PAGES * 4096);
	struct boot_mem_region map[] = {
		{ 0x100000, (uint64_t)(ARENA_PAGES - 256) * 4096, BOOT_MEM_USABLE },
	};

	if (n <= 0 || arena == NULL || !pmm_init(map, 1, (uint64_t)(uintptr_t)arena)) {
		fprintf(stderr, "usage: mm_bench [iterations > 0]\n");
		return 2;
	}
	printf("mm_bench: %ld iterations each; PMM over %d MiB of fake RAM\n", n,
	       ARENA_PAGES * 4 / 1024);

	/* Warm up both sides once (page faults of the arena, malloc's arenas). */
	time_pmm(n / 10 + 1, 1, 0);
	time_host(n / 10 + 1, 4096, true);

	report("pmm 1-page alloc+free (no zeroing)", time_pmm(n, 1, PMM_ALLOC_NO_ZERO), n,
	       time_host(n, 4096, true));
	report("pmm 1-page alloc+free (zeroed)", time_pmm(n, 1, 0), n, time_host(n, 4096, true));
	report("pmm 16-page run alloc+free (no zeroing)", time_pmm(n, 16, PMM_ALLOC_NO_ZERO), n,
	       time_host(n, 16 * 4096, true));

	heap_init(&bench_pages);
	double t0 = now_ns();

	for (long i = 0; i < n; i++) {
		void *p = kmalloc(64);

		sink = (uintptr_t)p;
		kfree(p);
	}
	report("heap kmalloc(64)+kfree", now_ns() - t0, n, time_host(n, 64, false));
	return 0;
}
