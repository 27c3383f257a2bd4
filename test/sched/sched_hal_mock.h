/*
 * test/sched/sched_hal_mock.h - steering the fake HAL of the scheduler tests.
 *
 * sched_hal_mock.c fakes what core/sched.c needs beyond cpu_mock: a clock
 * the test moves by hand, a per-CPU one-shot timer that only records its
 * deadline, an IPI that only counts, and context switching on ucontext, so
 * threads really run (as coroutines of one host thread).
 */
#ifndef KEEL_TEST_SCHED_HAL_MOCK_H
#define KEEL_TEST_SCHED_HAL_MOCK_H

#include <stdint.h>

/* The fake clock: hal_clock_ns() answers it. */
void mock_clock_set(uint64_t ns);
uint64_t mock_clock_get(void);

/* The last deadline hal_timer_arm() got on CPU `cpu` (UINT64_MAX: disarmed). */
uint64_t mock_timer_deadline(unsigned cpu);

/* How many IPIs were sent to CPU `cpu`. */
unsigned mock_ipis(unsigned cpu);

/* How many times hal_paging_switch() loaded a space. */
unsigned mock_space_switches(void);

/* Free a context made by hal_context_init() or a first switch (a thread that no longer runs). */
void mock_context_free(uintptr_t sp);

/* Forget the recorded timer deadlines, IPIs and space switches. */
void mock_sched_hal_reset(void);

#endif /* KEEL_TEST_SCHED_HAL_MOCK_H */
