/*
 * test/mocks/hal/cpu_mock.h - inspecting and steering the fake HAL cpu.
 *
 * test/mocks/hal/cpu_mock.c implements the parts of <hal/cpu.h> that core/
 * uses (hal_cpu_id, hal_irq_save, hal_irq_restore) for native tests. Each
 * host thread plays one CPU: its CPU number and its interrupt state are
 * thread-local, so a test can run "CPUs" as threads. A thread starts as
 * CPU 0 with interrupts enabled and nothing saved.
 */
#ifndef KEEL_TEST_CPU_MOCK_H
#define KEEL_TEST_CPU_MOCK_H

#include <stdbool.h>

/* Make the calling thread answer `cpu` to hal_cpu_id(). */
void mock_cpu_set_id(unsigned cpu);

/* Whether the calling thread's fake CPU currently takes interrupts. */
bool mock_irq_enabled(void);

/*
 * How many hal_irq_save() calls of the calling thread have not been
 * matched by a hal_irq_restore() yet: 0 when every save was restored.
 */
unsigned mock_irq_depth(void);

/* Interrupts enabled, depth 0: the state a thread starts in. */
void mock_irq_reset(void);

#endif /* KEEL_TEST_CPU_MOCK_H */
