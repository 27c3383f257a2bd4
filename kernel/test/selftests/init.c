/*
 * kernel/test/selftests/init.c - init and its services (X4): the kernel
 * starts /boot/init.elf in test mode (SYS_BOOT_TEST) as it does at boot.
 * init starts the name service and the console service, a user-space
 * driver of the console UART that takes its interrupts as notifications,
 * checks them through IPC, stops them and exits with its failed checks.
 */
#include <hal/irq.h>
#include <kernel/init.h>

#include "../selftest.h"

#define INIT_DEADLINE_NS UINT64_C(60000000000)

/*
 * Twice: the first run also warms the heap and the kernel window up; the
 * second must leave exactly nothing behind, the UART's line included (a
 * line still bound would refuse the second console service its IRQ).
 */
static void init_starts_checks_and_stops_its_services(struct selftest *t)
{
	for (int run = 0; run < 2; run++) {
		struct selftest_usage before = selftest_usage_now();
		struct process_object *init;
		uint64_t status = UINT64_MAX;

		ST_ASSERT_EQ(t, init_start(SYS_BOOT_TEST, &init), PROCESS_OK);
		int why = process_object_wait(init, hal_clock_ns() + INIT_DEADLINE_NS, &status);

		if (why != WAIT_WOKEN) {
			process_object_kill(init, 1);
			process_object_wait(init, WAIT_FOREVER, &status);
		}
		kobject_put(&init->object);
		ST_ASSERT_EQ(t, why, WAIT_WOKEN);
		ST_ASSERT_EQ(t, status, 0); /* init's failed checks */
		if (run == 1)
			selftest_expect_same_usage(t, &before);
	}
}

static const struct kernel_selftest_case cases[] = {
	{ "init_starts_checks_and_stops_its_services", init_starts_checks_and_stops_its_services },
};

SELFTEST_SUITE(selftest_suite_init, "init", cases);
