/*
 * test/core/syscall_test.c - the dispatcher and the status helpers (Y1-Y3).
 */
#include <criterion/criterion.h>

#include <core/syscall_dispatch.h>

static uint64_t seen[6];
static unsigned calls;

static struct syscall_result echo_first(uint64_t a[6])
{
	calls++;
	for (int i = 0; i < 6; i++)
		seen[i] = a[i];
	return syscall_ok(a[0] + 1);
}

static struct syscall_result refuse_second(uint64_t a[6])
{
	(void)a;
	return syscall_bad_argument(1);
}

static const struct syscall_desc table[] = {
	[0] = { "echo", 2, echo_first },
	[1] = { NULL, 0, NULL }, /* a hole: not in use */
	[2] = { "refuse", 6, refuse_second },
};

static struct syscall_result call(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a5)
{
	struct syscall_args args = { .nr = nr, .arg = { a0, a1, 0, 0, 0, a5 } };

	return syscall_dispatch(table, 3, &args);
}

Test(syscall, status_classes)
{
	cr_assert(syscall_status_is_success(SYSCALL_STATUS_OK));
	cr_assert(!syscall_status_is_caller_error(SYSCALL_STATUS_OK));
	cr_assert(syscall_status_is_caller_error(SYSCALL_STATUS_UNKNOWN_SYSCALL));
	cr_assert(syscall_status_is_caller_error(SYSCALL_STATUS_BAD_ARGUMENT));
	cr_assert(!syscall_status_is_kernel_error(SYSCALL_STATUS_BAD_ARGUMENT));
	cr_assert(syscall_status_is_kernel_error(SYSCALL_STATUS_FAILED));
	cr_assert(syscall_status_is_kernel_error(SYSCALL_STATUS_UNAVAILABLE));
	cr_assert(!syscall_status_is_success(SYSCALL_STATUS_UNAVAILABLE));
	cr_assert(!syscall_status_is_kernel_error(300));
	cr_assert(!syscall_status_is_caller_error(99));
}

Test(syscall, known_number_reaches_its_handler_with_every_argument)
{
	struct syscall_result r = call(0, 41, 7, 0);

	cr_assert_eq(r.status, SYSCALL_STATUS_OK);
	cr_assert_eq(r.value, 42);
	cr_assert_eq(seen[0], 41);
	cr_assert_eq(seen[1], 7);
}

Test(syscall, unknown_numbers_carry_the_number)
{
	unsigned before = calls;
	struct syscall_result r = call(3, 0, 0, 0);

	cr_assert_eq(r.status, SYSCALL_STATUS_UNKNOWN_SYSCALL);
	cr_assert_eq(r.value, 3);
	r = call(1, 0, 0, 0); /* a hole in the table */
	cr_assert_eq(r.status, SYSCALL_STATUS_UNKNOWN_SYSCALL);
	cr_assert_eq(r.value, 1);
	r = call(UINT64_MAX, 0, 0, 0);
	cr_assert_eq(r.value, UINT64_MAX);
	cr_assert_eq(calls, before, "a handler ran for an unknown number");
}

Test(syscall, unused_arguments_must_be_zero)
{
	unsigned before = calls;
	struct syscall_result r = call(0, 1, 2, 9);

	cr_assert_eq(r.status, SYSCALL_STATUS_BAD_ARGUMENT);
	cr_assert_eq(r.value, 5, "the payload names argument 5");
	cr_assert_eq(calls, before);
}

Test(syscall, handler_errors_pass_through)
{
	struct syscall_result r = call(2, 0, 0, 1); /* takes 6: argument 5 may be set */

	cr_assert_eq(r.status, SYSCALL_STATUS_BAD_ARGUMENT);
	cr_assert_eq(r.value, 1);
	r = syscall_failed(SYSCALL_FAILED_NO_MEMORY);
	cr_assert_eq(r.status, SYSCALL_STATUS_FAILED);
	cr_assert_eq(r.value, SYSCALL_FAILED_NO_MEMORY);
}
