/*
 * kernel/panic.c - panic(): stop on a broken kernel invariant.
 *
 * The report names the CPU, the message, the registers at the panic call
 * (or, for an exception, the trapped context's) and a frame-pointer backtrace, all through the
 * kernel log, whose console is brought up first if the panic came before it. The other CPUs are
 * told to stop first (CPU_IPI_STOP), so they neither print over the report nor go on with the
 * broken state; after this CPU's part each of them prints its registers and backtrace where the
 * IPI found it, in turn (a hang shows what every CPU was doing); then all stop. During the
 * selftests the report ends with `selftest: result: FAIL`.
 */
#include <core/backtrace.h>
#include <core/cpu.h>
#include <core/log.h>
#include <core/sched.h>
#include <hal/cpu.h>
#include <hal/irq.h>
#include <hal/trap.h>
#include <kernel/console.h>
#include <kernel/panic.h>
#include <kernel/process.h>
#include <kernel/trap.h>

/* How long the reporting CPU waits for each other CPU's part of the report. */
#define DUMP_WAIT_NS UINT64_C(500000000)

/*
 * The other CPUs' part of a report, one CPU at a time so that their lines
 * do not mix: the reporter stores a CPU's number in dump_turn, that CPU
 * (waiting in panic_stop_ipi()) prints and stores its number in dump_done.
 * DUMP_OVER lets the ones still waiting halt.
 */
#define DUMP_NOBODY (-1)
#define DUMP_OVER   (-2)
static int dump_turn = DUMP_NOBODY;
static int dump_done = DUMP_NOBODY;
static bool selftests_running;

void panic_note_selftests(bool running)
{
	__atomic_store_n(&selftests_running, running, __ATOMIC_RELEASE);
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

/* Whether CPU `cpu` printed its part within DUMP_WAIT_NS. */
static bool wait_for_dump(unsigned cpu)
{
	uint64_t start = hal_clock_ns();
	unsigned long spins = 0;

	/* Bounded by spins as well: the clock may not run (early boot). */
	while (__atomic_load_n(&dump_done, __ATOMIC_ACQUIRE) != (int)cpu &&
	       hal_clock_ns() - start < DUMP_WAIT_NS && ++spins < (1ul << 30))
		__atomic_signal_fence(__ATOMIC_SEQ_CST);
	return __atomic_load_n(&dump_done, __ATOMIC_ACQUIRE) == (int)cpu;
}

/*
 * Each other online CPU prints where the stop IPI found it. One that does
 * not answer within DUMP_WAIT_NS has interrupts masked: it gets an NMI
 * where the architecture has one (x86_64). One that still does not answer
 * is named, which also says something.
 */
static void dump_other_cpus(void)
{
	uint64_t online = __atomic_load_n(&sched_online_mask, __ATOMIC_ACQUIRE);

	for (unsigned i = 0; i < cpu_count; i++) {
		if (i == cpu_id() || !((online >> i) & 1))
			continue;
		__atomic_store_n(&dump_turn, (int)i, __ATOMIC_RELEASE);
		if (wait_for_dump(i))
			continue;
		/* Masked: the NMI gets through where there is one. */
		if (hal_ipi_send_nmi(i) && wait_for_dump(i))
			continue;
		log_error("\ncpu %u: no answer to the stop IPI: interrupts masked (and no NMI on "
			  "this architecture), or stuck where no interrupt reaches it\n",
			  i);
	}
	__atomic_store_n(&dump_turn, DUMP_OVER, __ATOMIC_RELEASE);
}

/* The last lines of every report. */
static __noreturn void panic_end(void)
{
	dump_other_cpus();
	/* A thread blocked for ever is on no CPU: the processes' threads say where they wait. */
	process_dump_all();
	if (__atomic_load_n(&selftests_running, __ATOMIC_ACQUIRE))
		log_error("selftest: result: FAIL\n");
	log_error("panic: system halted\n");
	hal_cpu_halt();
}

void panic_stop_ipi(const struct hal_trap_frame *frame)
{
	int self = (int)cpu_id();
	int turn;

	while ((turn = __atomic_load_n(&dump_turn, __ATOMIC_ACQUIRE)) != self && turn != DUMP_OVER)
		__atomic_signal_fence(__ATOMIC_SEQ_CST);
	if (turn == self) {
		struct thread *t = thread_current();

		log_error("\ncpu %u, stopped in thread '%s':\n", cpu_id(),
			  t != NULL ? t->name : "?");
		hal_trap_print_frame(frame);
		log_error("backtrace (interrupted context):\n");
		backtrace_print(hal_trap_frame_pointer(frame), 0);
		__atomic_store_n(&dump_done, self, __ATOMIC_RELEASE);
	}
	hal_cpu_halt();
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
	backtrace_print((uintptr_t)__builtin_frame_address(0), 0);
	panic_end();
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
	backtrace_print(hal_trap_frame_pointer(t->frame), 1);
	panic_end();
}
