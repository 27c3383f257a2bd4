/*
 * kernel/panic.c - panic(): stop on a broken kernel invariant.
 *
 * The report names the CPU, the message, the registers at the panic call
 * (or, for an exception, the trapped context's) and a frame-pointer backtrace, all through the
 * kernel log, whose console is brought up first if the panic came before it. The other CPUs are
 * told to stop first (CPU_IPI_STOP), so they neither print over the report nor go on with the
 * broken state; then this CPU stops too.
 */
#include <core/cpu.h>
#include <core/log.h>
#include <hal/cpu.h>
#include <kernel/console.h>
#include <kernel/panic.h>
#include <kernel/trap.h>

#define BACKTRACE_MAX 32

/* Print the return addresses of the frame chain starting at fp, numbered from `depth`. */
static void backtrace(uintptr_t fp, int depth)
{
	uintptr_t caller, ret;

	for (; depth < BACKTRACE_MAX && hal_frame_unwind(fp, &caller, &ret); depth++) {
		if (ret == 0)
			break; /* the entry code's zero return address */
		log_error("  #%-2d %016llx\n", depth, (unsigned long long)ret);
		if (caller <= fp)
			break; /* frames grow upwards; anything else is corrupt */
		fp = caller;
	}
}

/* Only the first panic reports; a panic inside the report just stops. */
static void panic_begin(void)
{
	static int panicking;

	if (__atomic_fetch_add(&panicking, 1, __ATOMIC_SEQ_CST) != 0)
		hal_cpu_halt(); /* another CPU reports; or a panic inside the report */
	uint64_t others = __atomic_load_n(&sched_online_mask, __ATOMIC_ACQUIRE);

	for (unsigned i = 0; i < cpu_count; i++) {
		if (i != cpu_id() && ((others >> i) & 1))
			cpu_send_ipi(i, CPU_IPI_STOP);
	}
	kernel_console_start();
	log_set_level(LOG_DEBUG);
}

void panic(const char *fmt, ...)
{
	va_list ap;

	panic_begin();
	log_error("\nKERNEL PANIC on cpu %u: ", cpu_id());
	va_start(ap, fmt);
	log_vprintf(LOG_ERROR, fmt, ap);
	va_end(ap);
	log_error("\n");
	hal_cpu_print_registers();
	log_error("backtrace:\n");
	backtrace((uintptr_t)__builtin_frame_address(0), 0);
	log_error("panic: system halted\n");
	hal_cpu_halt();
}

void panic_trap(const struct trap_info *t)
{
	panic_begin();
	log_error("\nKERNEL PANIC on cpu %u: %s (cause 0x%llx) at pc 0x%llx\n", cpu_id(), t->name,
		  (unsigned long long)t->code, (unsigned long long)t->pc);
	struct thread *th = thread_current();

	if (t->kind == TRAP_PAGE_FAULT && th != NULL && th->stack_base != 0 &&
	    t->address < th->stack_base && t->address >= th->stack_base - 4096)
		log_error("kernel stack overflow: thread '%s' (id %llu) ran into the guard page "
			  "below its stack 0x%llx-0x%llx\n",
			  th->name, (unsigned long long)th->id, (unsigned long long)th->stack_base,
			  (unsigned long long)(th->stack_base + th->stack_size));
	if (t->kind == TRAP_PAGE_FAULT)
		log_error("page fault: %s %s address 0x%llx\n", t->user ? "user" : "kernel",
			  t->exec    ? "instruction fetch at"
			  : t->write ? "write to"
				     : "read from",
			  (unsigned long long)t->address);
	else if (t->kind == TRAP_ALIGNMENT)
		log_error("misaligned access to 0x%llx\n", (unsigned long long)t->address);
	hal_trap_print_frame(t->frame);
	log_error("backtrace (trapped context):\n  #0  %016llx\n", (unsigned long long)t->pc);
	backtrace(hal_trap_frame_pointer(t->frame), 1);
	log_error("panic: system halted\n");
	hal_cpu_halt();
}
