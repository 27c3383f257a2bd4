/*
 * include/core/cpu.h - the kernel's per-CPU data.
 *
 * One struct cpu per processor, in cpu_table[], indexed by a logical ID:
 * 0 is the boot CPU, the others follow in the boot protocol's order. Each
 * CPU reaches its own through the architecture's per-CPU register
 * (hal_cpu_local()); other CPUs' entries are reached through cpu_get().
 *
 * The first 64 bytes have a fixed layout because trap-entry assembly
 * reads them: `self` at offset 0 (x86_64 loads %gs:0) and eight words of
 * the platform's own (scratch space, exception-stack pointers).
 */
#ifndef CORE_CPU_H
#define CORE_CPU_H

#define CPU_MAX 64 /* a 64-bit mask names a set of CPUs (affinity, shootdown targets) */

#define CPU_SELF_OFFSET 0
#define CPU_ARCH_OFFSET 8
#define CPU_ARCH_WORDS	7

#ifndef __ASSEMBLER__

#include <core/lockdep.h>
#include <core/sched.h>
#include <stdbool.h>
#include <stdint.h>

/* What a CPU counted; read with relaxed loads by reports and selftests. */
struct cpu_counters {
	uint64_t timer_irqs;
	uint64_t ipis;
	uint64_t device_irqs;
	uint64_t unexpected_irqs;
	uint64_t context_switches;
};

struct cpu {
	struct cpu *self;		/* offset 0: this struct (x86_64: %gs:0) */
	uintptr_t arch[CPU_ARCH_WORDS]; /* offsets 8-63: the platform's */
	unsigned id;			/* logical index, 0 = the boot CPU */
	uint64_t hw_id;			/* LAPIC ID, MPIDR affinity, hart ID or CSR.CPUID */
	uint32_t processor_id;		/* ACPI processor UID, 0 when unknown */
	bool online;			/* set by the CPU itself once it schedules */
	unsigned preempt_count;		/* > 0: the running thread may not be preempted */
	uint32_t ipi_pending;		/* CPU_IPI_* bits, atomic */
	struct cpu_counters counters;
	struct sched_cpu sched;		     /* run queue, timers: <core/sched.h> */
	uint8_t lockdep_held[LOCKDEP_DEPTH]; /* <core/lockdep.h>, debug builds: classes held, in
						order */
	uint8_t lockdep_depth;
};

_Static_assert(__builtin_offsetof(struct cpu, arch) == CPU_ARCH_OFFSET, "struct cpu layout");
_Static_assert(__builtin_offsetof(struct cpu, id) == 64, "struct cpu layout");

/* Work another CPU asks of this one through the IPI. */
#define CPU_IPI_RESCHEDULE (1u << 0) /* a thread was queued here: look at the run queue */
#define CPU_IPI_SHOOTDOWN  (1u << 1) /* drop the TLB entries of the pending shootdown */
#define CPU_IPI_STOP	   (1u << 2) /* another CPU panicked: halt */

extern struct cpu cpu_table[CPU_MAX];

/* How many entries of cpu_table are in use (CPUs found, online or not). */
extern unsigned cpu_count;

/* The calling CPU's entry; NULL before hal_cpu_init() ran on it. */
static inline struct cpu *cpu_current(void)
{
	extern struct cpu *hal_cpu_local(void);

	return hal_cpu_local();
}

/* The calling CPU's logical ID; 0 before per-CPU data exists (only the boot CPU runs then). */
unsigned cpu_id(void);

/* Entry `id` of cpu_table (id < cpu_count). */
static inline struct cpu *cpu_get(unsigned id)
{
	return &cpu_table[id];
}

/*
 * Keep the calling thread on its CPU (no preemption, so no migration)
 * until the matching preempt_enable(). Nests. Spinlocks do this for their
 * holders. preempt_enable() reschedules when the count drops to 0, a
 * reschedule is due and interrupts are on.
 */
void preempt_disable(void);
void preempt_enable(void);

/* Ask CPU `id` for `work` (CPU_IPI_*) and send it the IPI. */
void cpu_send_ipi(unsigned id, uint32_t work);

#endif /* __ASSEMBLER__ */
#endif /* CORE_CPU_H */
