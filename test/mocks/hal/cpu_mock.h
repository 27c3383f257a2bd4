/*
 * test/mocks/hal/cpu_mock.h - inspecting and steering the fake HAL cpu.
 *
 * test/mocks/hal/cpu_mock.c implements the parts of <hal/cpu.h> that core/
 * uses (hal_cpu_local, hal_irq_save/restore/enable/disable/enabled) for
 * native tests. Each host thread plays one CPU: its CPU number, per-CPU
 * pointer and interrupt state are thread-local, so a test can run "CPUs"
 * as threads. A thread starts as CPU 0 (per-CPU pointer NULL) with
 * interrupts enabled and nothing saved.
 */
#ifndef KEEL_TEST_CPU_MOCK_H
#define KEEL_TEST_CPU_MOCK_H

#include <stdbool.h>
#include <stdint.h>

struct cpu;

/*
 * Make the calling thread CPU `cpu` for code that asks cpu_id() without
 * per-CPU data (test/mocks/core/smp_mock.c answers it from here).
 */
void mock_cpu_set_id(unsigned cpu);
unsigned mock_cpu_get_id(void);

/* What hal_cpu_local() answers on the calling thread (tests of core/cpu.c, core/sched.c). */
void mock_cpu_set_local(struct cpu *cpu);

/* Whether the calling thread's fake CPU currently takes interrupts. */
bool mock_irq_enabled(void);

/*
 * How many hal_irq_save() calls of the calling thread have not been
 * matched by a hal_irq_restore() yet: 0 when every save was restored.
 */
unsigned mock_irq_depth(void);

/* Interrupts enabled, depth 0: the state a thread starts in. */
void mock_irq_reset(void);

/*
 * What hal_clock_ns() answers (all threads; starts at 0, a clock that has
 * not started), unless the test links a fake clock of its own.
 */
void mock_cpu_clock_set(uint64_t ns);

#endif /* KEEL_TEST_CPU_MOCK_H */
