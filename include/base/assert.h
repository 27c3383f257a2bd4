/*
 * include/base/assert.h - run-time checks of invariants.
 *
 * assert(expr) evaluates expr once; when it is false (compares equal to 0)
 * it calls base_panic() with the location of the check and the message
 * "assertion failed: " followed by the text of expr. base_panic never
 * returns.
 *
 * Policy: unlike the assert of the C standard, ours does NOT disappear when
 * NDEBUG is defined. In a kernel, an invariant that does not hold means
 * memory or hardware state is already wrong, and continuing would corrupt
 * it further; stopping at once, with the location of the check, is the
 * cheapest way to find the bug. The price is that checks also cost time in
 * release builds, so keep expensive checks out of hot paths, and never
 * rely on assert for validating input from outside the kernel: refuse such
 * input with an error instead.
 *
 * Because the check always runs, expr may have side effects, but it is
 * better style not to.
 *
 * When the values involved matter for the diagnosis (an address, a count),
 * use PANIC() with a format instead: "pmm: free of unallocated page 0x1000"
 * says more than "assertion failed: owned".
 */
#ifndef BASE_ASSERT_H
#define BASE_ASSERT_H

#include <base/compiler.h>
#include <base/hooks.h>

/*
 * A hosted <assert.h> may have been included before us and defined its own
 * assert; in that case ours takes over from here on.
 */
#undef assert
#define assert(expr)            \
	(likely(expr) ? (void)0 \
		      : base_panic(__FILE__, __LINE__, __func__, "assertion failed: " #expr))

/*
 * Stop on a broken invariant with a formatted message: formats fmt and its
 * arguments (as printf does) into a static buffer, truncating what does
 * not fit, and hands the result to base_panic() with file, line and func.
 * Use it through PANIC(), which fills in the location.
 *
 * The buffer is shared, so two CPUs panicking at the same moment may mix
 * their messages; both still stop. Context: any, like base_panic. Never
 * returns.
 */
__noreturn __printf_like(4, 5) void base_panicf(const char *file, int line, const char *func,
						const char *fmt, ...);

/* PANIC("double free of %#llx", addr): base_panicf at the place of the call. */
#define PANIC(...) base_panicf(__FILE__, __LINE__, __func__, __VA_ARGS__)

/* The C11 spelling of a compile-time assertion, for code that prefers it. */
#ifndef static_assert
#define static_assert _Static_assert
#endif

#endif /* BASE_ASSERT_H */
