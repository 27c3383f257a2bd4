/*
 * include/base/compiler.h - small compiler helpers used all over Keel.
 *
 * Everything here is a macro that expands to plain C or to a GCC/Clang
 * extension that both compilers have supported for a long time. Nothing here
 * depends on the kernel, the CPU or the C library, so the same header works
 * in the freestanding kernel and in hosted test programs.
 *
 * Hosted programs: glibc and Linux UAPI headers use some of the same
 * reserved names (for example a struct field called __unused). The
 * attribute macros below are only defined when nobody defined them before,
 * and hosted code should include system headers before this one, so that a
 * system header never sees our attribute macro where it expects a field name.
 */
#ifndef BASE_COMPILER_H
#define BASE_COMPILER_H

#include <stddef.h>

/*
 * Attributes. They use the double-underscore spellings (__packed__ rather
 * than packed), which the compilers accept for exactly this reason: a
 * program may have a macro called packed, or even printf (the hosted tests
 * rename printf to keel_printf), and must not break the attribute.
 */

/* Lay out a struct without padding (for formats defined by hardware or firmware). */
#ifndef __packed
#define __packed __attribute__((__packed__))
#endif

/* Align a variable or a type to n bytes; n must be a power of two. */
#ifndef __aligned
#define __aligned(n) __attribute__((__aligned__(n)))
#endif

/* The entity may be unused on purpose; silences -Wunused warnings. */
#ifndef __unused
#define __unused __attribute__((__unused__))
#endif

/* The function never returns to its caller. */
#ifndef __noreturn
#define __noreturn __attribute__((__noreturn__))
#endif

/*
 * Always inline the function, even without optimisation. Used for small
 * helpers whose constant arguments must be folded for the code to be fast
 * (and, in base/mem.c, to never turn into a call).
 */
#ifndef __always_inline
#define __always_inline inline __attribute__((__always_inline__))
#endif

/*
 * The function takes a printf-style format string as parameter number
 * fmt_idx (counting from 1) and its arguments from parameter arg_idx on, so
 * the compiler checks calls the way it checks calls to printf. For a
 * function taking a va_list instead of "...", pass 0 as arg_idx.
 */
#ifndef __printf_like
#define __printf_like(fmt_idx, arg_idx) __attribute__((__format__(__printf__, fmt_idx, arg_idx)))
#endif

/*
 * Branch hints: the condition is expected to be true (likely) or false
 * (unlikely). They only influence code layout; the value of the
 * expression is the truth value (0 or 1) of x.
 */
#define likely(x)   __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

/*
 * Compile-time checks.
 */

/* Fail the build with message msg when the constant expression cond is false. */
#define STATIC_ASSERT(cond, msg) _Static_assert(cond, msg)

/*
 * Like STATIC_ASSERT, but usable inside an expression, where a declaration
 * such as _Static_assert is not allowed. It wraps the assertion in an
 * anonymous struct whose size is taken and multiplied by zero, so the whole
 * thing evaluates to (size_t)0 and generates no code.
 */
#define STATIC_ASSERT_EXPR(cond, msg)             \
	(0 * sizeof(struct {                      \
		 _Static_assert(cond, msg);       \
		 char static_assert_expr_unused_; \
	 }))

/* True (1) when a and b have the same type, ignoring top-level qualifiers. */
#define SAME_TYPE(a, b) __builtin_types_compatible_p(__typeof__(a), __typeof__(b))

/*
 * Arrays and structures.
 */

/*
 * Number of elements of the array a. Passing a pointer instead of an array
 * is a classic bug (sizeof would give the size of the pointer), so it is
 * refused at compile time: for an array, a and &a[0] have different types.
 */
#define ARRAY_SIZE(a)                 \
	(sizeof(a) / sizeof((a)[0]) + \
	 STATIC_ASSERT_EXPR(!SAME_TYPE(a, &(a)[0]), "ARRAY_SIZE needs an array, not a pointer"))

/*
 * Given ptr, a pointer to the member called member inside a struct of type
 * type, return a pointer to that enclosing struct. This is how an intrusive
 * list node, for example, finds the object it is embedded in. The type of
 * *ptr must match the type of the member; the build fails otherwise.
 * Note that a pointer to const yields a pointer to non-const.
 */
#define container_of(ptr, type, member)                                              \
	((type *)(void *)((char *)(ptr) - offsetof(type, member) +                   \
			  STATIC_ASSERT_EXPR(SAME_TYPE(*(ptr), ((type *)0)->member), \
					     "container_of: pointer does not match member type")))

/*
 * Integer arithmetic.
 */

/*
 * Alignment helpers. The alignment a must be a power of two (1, 2, 4, ...);
 * the result has the type of x. The mask is computed in the type of x so
 * that, for example, a 64-bit address aligned with a 32-bit unsigned
 * alignment keeps its upper 32 bits. Arguments may be evaluated more than
 * once, so do not pass expressions with side effects.
 *
 * ALIGN_UP(x, a): the smallest multiple of a that is >= x. Wraps around to
 * 0 if no such value fits in the type of x.
 * ALIGN_DOWN(x, a): the largest multiple of a that is <= x.
 * IS_ALIGNED(x, a): true when x is a multiple of a.
 */
#define ALIGN_MASK_(x, a) ((__typeof__(x))(a) - 1)
#define ALIGN_UP(x, a)	  (((x) + ALIGN_MASK_(x, a)) & ~ALIGN_MASK_(x, a))
#define ALIGN_DOWN(x, a)  ((x) & ~ALIGN_MASK_(x, a))
#define IS_ALIGNED(x, a)  (((x) & ALIGN_MASK_(x, a)) == 0)

/*
 * Glue two tokens together after expanding them, e.g. to build identifiers
 * that are unique per macro use with __COUNTER__.
 */
#define CONCAT_(a, b) a##b
#define CONCAT(a, b)  CONCAT_(a, b)

/*
 * MIN and MAX evaluate each argument exactly once, so MIN(i++, n) is safe.
 * Both values are converted to the type of (a) + (b), that is to the
 * common type of the usual arithmetic conversions, before comparing. That
 * is the C rule for mixing types, including its classic trap: mixing a
 * negative signed value with an unsigned one converts the negative value
 * to a huge unsigned one. Keep both arguments of the same signedness.
 *
 * The temporaries get names unique to each use (through __COUNTER__) so
 * that nested uses such as MIN(a, MIN(b, c)) do not shadow one another.
 */
#ifndef MIN
#define MIN(a, b) MIN_(a, b, CONCAT(min_a_, __COUNTER__), CONCAT(min_b_, __COUNTER__))
#define MIN_(a, b, ta, tb)                      \
	__extension__({                         \
		__typeof__((a) + (b)) ta = (a); \
		__typeof__((a) + (b)) tb = (b); \
		ta < tb ? ta : tb;              \
	})
#endif

#ifndef MAX
#define MAX(a, b) MAX_(a, b, CONCAT(max_a_, __COUNTER__), CONCAT(max_b_, __COUNTER__))
#define MAX_(a, b, ta, tb)                      \
	__extension__({                         \
		__typeof__((a) + (b)) ta = (a); \
		__typeof__((a) + (b)) tb = (b); \
		ta > tb ? ta : tb;              \
	})
#endif

#endif /* BASE_COMPILER_H */
