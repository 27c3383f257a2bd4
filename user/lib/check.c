/*
 * user/lib/check.c - checks for the test programs (keel/check.h). The
 * counters are atomic: any thread of the program may check.
 */
#include <base/printf.h>
#include <keel/check.h>

static const char *program = "check";
static unsigned checks, failures;

void keel_check_begin(const char *name)
{
	program = name;
}

static bool count(bool ok)
{
	__atomic_fetch_add(&checks, 1, __ATOMIC_RELAXED);
	if (!ok)
		__atomic_fetch_add(&failures, 1, __ATOMIC_RELAXED);
	return ok;
}

void keel_expect(const char *what, struct syscall_result r, uint64_t status, uint64_t value)
{
	if (!count(r.status == status && r.value == value))
		printf("%s: FAIL %s: status %llu value 0x%llx, want %llu 0x%llx\n", program, what,
		       (unsigned long long)r.status, (unsigned long long)r.value,
		       (unsigned long long)status, (unsigned long long)value);
}

void keel_expect_true(const char *what, bool ok)
{
	if (!count(ok))
		printf("%s: FAIL %s\n", program, what);
}

unsigned keel_check_summary(void)
{
	unsigned failed = __atomic_load_n(&failures, __ATOMIC_RELAXED);

	printf("%s: %u checks, %u failed\n", program, __atomic_load_n(&checks, __ATOMIC_RELAXED),
	       failed);
	return failed;
}
