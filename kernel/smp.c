/*
 * kernel/smp.c - bringing every CPU into the scheduler (X1, S1).
 *
 * The loader started the other CPUs and parked them (boot protocol MP
 * response). For each one the boot CPU fills a struct cpu, allocates the
 * stack that becomes the CPU's idle thread, and releases it into
 * hal_cpu_entry, which moves to that stack and calls kernel_cpu_main().
 * CPUs are released one at a time, each given a second to report online,
 * so a CPU that never arrives is named in the log and the boot goes on
 * without it. All of this happens before the loader's memory is
 * reclaimed: until a CPU is in kernel_cpu_main it runs on the loader's
 * stack, code and page tables.
 */
#include <base/printf.h>
#include <base/string.h>
#include <core/boot_info.h>
#include <core/cpu.h>
#include <core/log.h>
#include <core/sched.h>
#include <hal/cpu.h>
#include <hal/irq.h>
#include <kernel/kthread.h>
#include <kernel/main.h>
#include <kernel/smp.h>
#include <kernel/watchdog.h>

#define CPU_START_TIMEOUT_NS UINT64_C(1000000000)

static struct thread idle_threads[CPU_MAX];
static struct hal_cpu_start starts[CPU_MAX];

static void fill_cpu(struct cpu *c, unsigned id, const struct boot_cpu *bc)
{
	c->self = c;
	c->id = id;
	c->hw_id = bc->hw_id;
	c->processor_id = bc->processor_id;
}

static void name_idle(struct thread *idle, unsigned id, uintptr_t stack, size_t size)
{
	char name[THREAD_NAME_MAX];

	snprintf(name, sizeof(name), "idle/%u", id);
	strlcpy(idle->name, name, sizeof(idle->name));
	idle->stack_base = stack;
	idle->stack_size = size;
	idle->priority = 0;
	list_init(&idle->link);
	list_init(&idle->timeout.link);
	wait_queue_init(&idle->join_wq, "join");
}

void smp_init_boot_cpu(void)
{
	struct cpu *c = &cpu_table[0];

	fill_cpu(c, 0, &boot_info()->cpus[0]);
	hal_cpu_init(c);
	name_idle(&idle_threads[0], 0, (uintptr_t)kernel_boot_stack, KERNEL_BOOT_STACK_SIZE);
	sched_init_cpu(c, &idle_threads[0]);
	__atomic_store_n(&c->online, true, __ATOMIC_RELEASE);
}

__noreturn void kernel_cpu_main(void *arg)
{
	struct cpu *c = arg;

	hal_cpu_init(c);
	sched_init_cpu(c, &idle_threads[c->id]);
	__atomic_store_n(&c->online, true, __ATOMIC_RELEASE);
	watchdog_start_cpu();
	sched_idle_loop();
}

bool smp_start_cpus(void)
{
	const struct boot_info *bi = boot_info();
	size_t n = bi->cpu_count < CPU_MAX ? bi->cpu_count : CPU_MAX;
	unsigned online = 1;
	bool all_left_loader = bi->cpu_count <= CPU_MAX;

	if (bi->cpu_count > CPU_MAX)
		log_warn("smp: %zu CPUs, only %d are used\n", bi->cpu_count, CPU_MAX);
	for (size_t i = 1; i < n; i++) {
		struct cpu *c = &cpu_table[i];
		uintptr_t stack;

		if (!kthread_stack_alloc(KTHREAD_STACK_SIZE, &stack)) {
			log_error("smp: no memory for cpu %zu's stack; it stays parked\n", i);
			all_left_loader = false;
			break;
		}
		fill_cpu(c, (unsigned)i, &bi->cpus[i]);
		name_idle(&idle_threads[i], (unsigned)i, stack, KTHREAD_STACK_SIZE);
		starts[i] =
			(struct hal_cpu_start){ .stack_top = stack + KTHREAD_STACK_SIZE, .arg = c };
		cpu_count = (unsigned)i + 1;
		boot_cpu_start(&bi->cpus[i], hal_cpu_entry, &starts[i]);

		uint64_t deadline = hal_clock_ns() + CPU_START_TIMEOUT_NS;

		while (!__atomic_load_n(&c->online, __ATOMIC_ACQUIRE) && hal_clock_ns() < deadline)
			;
		if (__atomic_load_n(&c->online, __ATOMIC_ACQUIRE)) {
			online++;
			log_debug("smp: cpu %zu (hw id 0x%llx) online\n", i,
				  (unsigned long long)c->hw_id);
		} else {
			log_error("smp: cpu %zu (hw id 0x%llx) did not come up within 1 s\n", i,
				  (unsigned long long)c->hw_id);
			all_left_loader = false; /* it may still be on its way, in loader code */
		}
	}
	log_info("smp: %u of %zu CPU(s) online\n", online, bi->cpu_count);
	return all_left_loader;
}
