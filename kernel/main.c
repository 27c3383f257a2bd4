/*
 * kernel/main.c - the kernel's C entry point and initialisation order.
 */
#include <base/stdlib.h>
#include <base/string.h>
#include <core/boot_info.h>
#include <core/log.h>
#include <core/pmm.h>
#include <core/sched.h>
#include <hal/cpu.h>
#include <hal/irq.h>
#include <hal/paging.h>
#include <hal/trap.h>
#include <kernel/console.h>
#include <kernel/heap_pages.h>
#include <kernel/init.h>
#include <kernel/kernel_vmm.h>
#include <kernel/kthread.h>
#include <kernel/main.h>
#include <kernel/panic.h>
#include <kernel/smp.h>
#include <kernel/watchdog.h>

#ifdef KERNEL_SELFTESTS
#include "test/selftest.h"
#endif

#include "boot/boot.h"

static bool loglevel_given; /* loglevel= chose the level: init's start keeps it */

static void apply_loglevel(void)
{
	static const char *const names[] = { "error", "warn", "info", "debug" };
	char value[16];

	if (!boot_cmdline_get("loglevel", value, sizeof(value)))
		return;
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		if (strcmp(value, names[i]) == 0) {
			log_set_level((enum log_level)i);
			loglevel_given = true;
			return;
		}
	}
	log_warn("kernel: unknown loglevel '%s' (error, warn, info, debug)\n", value);
}

static void print_memory_map(void)
{
	static const char *const types[] = { "usable",	       "reserved",   "acpi-reclaimable",
					     "acpi-nvs",       "bad",	     "loader-reclaimable",
					     "kernel+modules", "framebuffer" };
	const struct boot_info *bi = boot_info();

	for (size_t i = 0; i < bi->memmap_count; i++) {
		const struct boot_mem_region *r = &bi->memmap[i];

		log_debug("  %016llx-%016llx %s\n", (unsigned long long)r->base,
			  (unsigned long long)(r->base + r->length), types[r->type]);
	}
}

/*
 * Hand the USABLE memory to the physical memory manager and build the
 * kernel's own page tables with it. The loader's reclaimable memory is
 * taken back later (reclaim_loader_memory): until every CPU has left the
 * loader's tables, stacks and parking code, some CPU still uses it.
 */
static void init_memory(const struct boot_info *bi)
{
	if (!pmm_init(bi->memmap, bi->memmap_count, bi->hhdm_offset))
		panic("pmm: the memory map has no usable memory the pmm can manage");
	if (hal_paging_init(bi) != HAL_PAGING_OK)
		panic("paging: out of memory building the kernel's page tables");
	/* The kernel window is in the kernel's tables, so it follows hal_paging_init(). */
	vmm_init_kernel();
}

/*
 * The boot data was copied into boot_info, _start moved to the kernel's own
 * stack, hal_paging_init() off the loader's tables, and every other CPU is
 * in the kernel on its own stack: nothing refers to the loader's memory.
 */
static void reclaim_loader_memory(void)
{
	size_t reclaimed = pmm_reclaim_bootloader();
	struct pmm_stats s = pmm_get_stats();

	log_info("pmm: %llu MiB total, %llu MiB free, %llu KiB reserved, %llu KiB reclaimed "
		 "from the loader\n",
		 (unsigned long long)(s.total_pages * PMM_PAGE_SIZE >> 20),
		 (unsigned long long)(s.free_pages * PMM_PAGE_SIZE >> 20),
		 (unsigned long long)(s.reserved_pages * PMM_PAGE_SIZE >> 10),
		 (unsigned long long)(reclaimed * PMM_PAGE_SIZE >> 10));
}

/* The boot CPU's stack from _start on: the loader's is reclaimable memory. */
__aligned(16) uint8_t kernel_boot_stack[KERNEL_BOOT_STACK_SIZE];
STATIC_ASSERT(KERNEL_BOOT_STACK_SIZE % 16 == 0, "the boot stack's top stays 16-byte aligned");

#ifdef KERNEL_SELFTESTS
/* kernel.selftest=1 runs the suites, kernel.selftest.suite=NAME one of them. */
static void maybe_run_selftests(void)
{
	char run[8], suite[64];
	bool wanted = false;

	if (boot_cmdline_get("kernel.selftest", run, sizeof(run)) &&
	    parse_bool(run, strlen(run), &wanted) != PARSE_OK)
		log_warn("kernel: kernel.selftest=%s is not a boolean\n", run);
	if (!wanted)
		return;
	bool one = boot_cmdline_get("kernel.selftest.suite", suite, sizeof(suite));

	selftest_run(one ? suite : NULL);
	hal_power_off();
}
#endif

/*
 * Start init and hand the console over: from here the console service owns
 * the UART, and the kernel only prints warnings, errors and panics (unless
 * loglevel= asked for more). Then wait for init, which should never end.
 */
static void run_init(void)
{
	struct process_object *init;
	uint64_t status;

	if (init_start(0, &init) != PROCESS_OK) {
		log_error("kernel: no init; nothing to run\n");
		return;
	}
	log_info("kernel: init started; the console service takes the console over\n");
	if (!loglevel_given)
		log_set_level(LOG_WARN);
	process_object_wait(init, WAIT_FOREVER, &status);
	kobject_put(&init->object);
	log_error("kernel: init ended with status 0x%llx; nothing runs any more\n",
		  (unsigned long long)status);
}

/* The first kthread: what the kernel does once every CPU schedules. */
static void kernel_main_thread(void *arg)
{
	(void)arg;
	process_reaper_start();
#ifdef KERNEL_SELFTESTS
	maybe_run_selftests();
#endif
	run_init();
}

__noreturn void kernel_main(void)
{
	boot_info_adapt();
	kernel_console_start();
	hal_trap_init();
	apply_loglevel();

	const struct boot_info *bi = boot_info();

	log_info("Keel %s on %s, booted by %s %s\n", KEEL_VERSION, KEEL_PLATFORM,
		 bi->loader_name[0] ? bi->loader_name : "an unnamed loader", bi->loader_version);
	log_info("kernel: command line '%s'\n", bi->cmdline);
	log_debug("kernel: image at 0x%llx (physical 0x%llx), direct map at 0x%llx\n",
		  (unsigned long long)bi->kernel_virt, (unsigned long long)bi->kernel_phys,
		  (unsigned long long)bi->hhdm_offset);
	print_memory_map();
	log_info("kernel: %zu CPU(s) from the boot protocol\n", bi->cpu_count);
	for (size_t i = 0; i < bi->cpu_count; i++)
		log_debug("  cpu %zu: hw id 0x%llx, ACPI UID %u%s\n", i,
			  (unsigned long long)bi->cpus[i].hw_id, bi->cpus[i].processor_id,
			  bi->cpus[i].bsp ? " (boot CPU)" : "");
	init_memory(bi);
	kernel_heap_init();
	hal_irq_init();
	smp_init_boot_cpu();
	if (smp_start_cpus())
		reclaim_loader_memory();
	else
		log_warn("kernel: a CPU may still run the loader's code; its memory is kept\n");

	/* The rest runs as a thread, so it can block; this context becomes CPU 0's idle loop. */
	struct thread *t = kthread_create("main", kernel_main_thread, NULL);

	if (t == NULL)
		panic("kernel: no memory for the main thread");
	thread_detach(t);
	thread_start(t);
	watchdog_start_cpu();
	sched_idle_loop();
}
