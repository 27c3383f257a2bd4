/*
 * test/core/usercopy_test.c - user range checks and validated copies (M6).
 *
 * The window is test/mocks/platform/memory_layout.h's (the lower half of
 * the host process), so host pointers are "user" addresses; the HAL copy
 * is a memcpy that fails when the source or destination touches `poison`,
 * standing in for an unmapped page.
 */
#include <criterion/criterion.h>

#include <base/string.h>
#include <core/usercopy.h>
#include <core/vmm.h>
#include <hal/memory_layout.h>
#include <hal/user.h>

static const uint8_t *poison_lo, *poison_hi; /* [lo, hi): "unmapped" */
static unsigned hal_copies;

int hal_user_copy(void *dst, const void *src, size_t n)
{
	const uint8_t *d = dst, *s = src;

	hal_copies++;
	for (size_t i = 0; i < n; i++) {
		if ((s + i >= poison_lo && s + i < poison_hi) ||
		    (d + i >= poison_lo && d + i < poison_hi))
			return -1;
		((uint8_t *)dst)[i] = s[i];
	}
	return 0;
}

/* user_fault_in() is linked in too; its VMM calls are not exercised here. */
int vmm_query(struct vmm *vmm, uint64_t va, struct vmm_info *out)
{
	(void)vmm;
	(void)va;
	(void)out;
	return VMM_NOT_FOUND;
}

int vmm_handle_fault(struct vmm *vmm, uint64_t va, unsigned access)
{
	(void)vmm;
	(void)va;
	(void)access;
	return VMM_NOT_FOUND;
}

#define LOW  (MM_USER_VMM_BASE + MM_USER_NULL_GUARD)
#define HIGH (MM_USER_VMM_BASE + MM_USER_VMM_SIZE)

static uint64_t u(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

Test(usercopy, ranges)
{
	cr_assert(user_range_ok(0, 0), "an empty range touches nothing");
	cr_assert(user_range_ok(UINT64_MAX, 0));
	cr_assert(!user_range_ok(0, 1), "NULL");
	cr_assert(!user_range_ok(LOW - 1, 1), "the null guard");
	cr_assert(!user_range_ok(LOW - 1, 2), "starts in the null guard");
	cr_assert(user_range_ok(LOW, 1));
	cr_assert(user_range_ok(LOW, HIGH - LOW), "the whole window");
	cr_assert(!user_range_ok(LOW, HIGH - LOW + 1), "one past the window");
	cr_assert(!user_range_ok(HIGH - 8, 16), "runs out of the window");
	cr_assert(!user_range_ok(HIGH, 1), "just above the window");
	cr_assert(!user_range_ok(UINT64_C(0xffffffff80000000), 8), "a kernel address");
	cr_assert(!user_range_ok(LOW + 16, UINT64_MAX), "wraps");
	cr_assert(!user_range_ok(UINT64_MAX - 4, 8), "wraps at the top");
}

Test(usercopy, copies_both_ways)
{
	char src[32] = "hello, kernel", dst[32] = { 0 };

	cr_assert_eq(copy_from_user(dst, u(src), sizeof(src)), USER_COPY_OK);
	cr_assert_str_eq(dst, "hello, kernel");
	cr_assert_eq(copy_to_user(u(src), "bye", 4), USER_COPY_OK);
	cr_assert_str_eq(src, "bye");
}

Test(usercopy, bad_ranges_never_reach_the_hal)
{
	char buf[8];
	unsigned before = hal_copies;

	cr_assert_eq(copy_from_user(buf, 0, 8), USER_COPY_BAD_RANGE);
	cr_assert_eq(copy_to_user(UINT64_C(0xffffffff80000000), buf, 8), USER_COPY_BAD_RANGE);
	cr_assert_eq(copy_from_user(buf, UINT64_MAX - 3, 8), USER_COPY_BAD_RANGE);
	cr_assert_eq(copy_from_user(buf, 0, 0), USER_COPY_OK);
	cr_assert_eq(hal_copies, before);
}

Test(usercopy, a_fault_is_an_error)
{
	static char area[64];
	char dst[64];

	poison_lo = (const uint8_t *)area + 40;
	poison_hi = (const uint8_t *)area + 48;
	cr_assert_eq(copy_from_user(dst, u(area), sizeof(area)), USER_COPY_FAULT);
	cr_assert_eq(copy_to_user(u(area) + 32, dst, 16), USER_COPY_FAULT);
	cr_assert_eq(copy_from_user(dst, u(area), 40), USER_COPY_OK);
	poison_lo = poison_hi = NULL;
}

Test(usercopy, strings_stop_at_nul_and_at_the_bound)
{
	static char page_str[8192] __attribute__((aligned(4096)));
	char dst[16];
	size_t len = 99;

	strcpy(page_str, "short");
	cr_assert_eq(copy_string_from_user(dst, u(page_str), sizeof(dst), &len), USER_COPY_OK);
	cr_assert_str_eq(dst, "short");
	cr_assert_eq(len, 5);

	memset(page_str, 'x', 40);
	cr_assert_eq(copy_string_from_user(dst, u(page_str), sizeof(dst), &len),
		     USER_COPY_TOO_LONG);
	cr_assert_eq(strlen(dst), sizeof(dst) - 1);

	/* A string ending just before a page boundary never reads the next page. */
	memset(page_str, 0, sizeof(page_str));
	memset(page_str + 4096 - 4, 'y', 3);
	poison_lo = (const uint8_t *)page_str + 4096;
	poison_hi = (const uint8_t *)page_str + 8192;
	cr_assert_eq(copy_string_from_user(dst, u(page_str + 4096 - 4), sizeof(dst), &len),
		     USER_COPY_OK);
	cr_assert_eq(len, 3);
	/* One running into the unmapped page faults. */
	page_str[4095] = 'y';
	cr_assert_eq(copy_string_from_user(dst, u(page_str + 4096 - 4), sizeof(dst), &len),
		     USER_COPY_FAULT);
	poison_lo = poison_hi = NULL;
	cr_assert_eq(copy_string_from_user(dst, 0, sizeof(dst), &len), USER_COPY_BAD_RANGE);
}
