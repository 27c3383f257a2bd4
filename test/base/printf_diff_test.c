/*
 * test/base/printf_diff_test.c - base's vsnprintf against glibc's, at random.
 *
 * A seeded generator builds format strings with one random conversion
 * (random flags, width, precision and length modifier, all possibly given
 * through '*') between random literal text, picks an argument of exactly
 * the type the conversion expects (biased towards extreme values), and
 * formats it with both implementations: into a large buffer, with size 0,
 * and into a random short buffer. Return values and every byte up to the
 * buffer size must agree.
 *
 * Only combinations whose meaning C defines, or that base/ documents as
 * following glibc, are generated: no '#' with d i u c s, no '0' with c s,
 * no precision with c, and no '+' or ' ' with p (glibc prints a sign before
 * an address; base/ does not).
 *
 * The seed is printed in every failure message. Set KEEL_TEST_SEED to
 * replay a failing run or to explore other seeds.
 */
#include <criterion/criterion.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include <base/compiler.h>
#include <base/printf.h>
#include <base/string.h>

#include "host_ref.h"
#include "support/test_rng.h"

#define ITERATIONS   25000
#define DEFAULT_SEED UINT64_C(0x4b45454c) /* "KEEL" */

/* The C type of the argument, after default argument promotions. */
enum arg_kind {
	ARG_INT,
	ARG_UINT,
	ARG_LONG,
	ARG_ULONG,
	ARG_LLONG,
	ARG_ULLONG,
	ARG_INTMAX,
	ARG_UINTMAX,
	ARG_SIZE,
	ARG_PTRDIFF,
	ARG_STRING,
	ARG_POINTER,
};

/* One generated case. */
struct gen_case {
	char fmt[160];
	bool star_width;
	bool star_precision;
	int width_arg;
	int precision_arg;
	enum arg_kind kind;
	uint64_t bits;	  /* integer and pointer arguments, converted to the kind's type */
	const char *text; /* ARG_STRING */
};

static const char *const literal_pool[] = {
	"",
	"",
	"",
	"x",
	"[",
	"]",
	"ab ",
	" = ",
	"%%",
	"a%%b",
	"\t\n",
	"\xc3\xa9",
	"a fairly long piece of literal text that goes on",
};

static const char *const string_pool[] = {
	"",
	"a",
	"hello",
	"with space",
	"\xc3\xa9t\xc3\xa9",
	"0123456789abcdefghijklmnopqrstuvwxyz",
	NULL,
};

/*
 * A random 64-bit pattern, biased towards the values where formatting code
 * goes wrong: 0, 1, all ones, the sign bit alone or not, small numbers, and
 * numbers of every bit length. Truncated to the argument's type later.
 */
static uint64_t random_bits(void)
{
	switch (test_rng_below(8)) {
	case 0:
		return 0;
	case 1:
		return 1;
	case 2:
		return UINT64_MAX; /* -1 in any signed type */
	case 3:
		return test_rng_chance(50) ? UINT64_C(1) << 63 : INT64_MAX;
	case 4:
		return test_rng_chance(50) ? UINT32_C(1) << 31 : INT32_MAX;
	case 5:
		return test_rng_below(1000);
	case 6:
		return test_rng_next() >> test_rng_below(64);
	default:
		return test_rng_next();
	}
}

/* Append the text of a decimal number to *p (which has room). */
static void put_number(char **p, unsigned n)
{
	*p += snprintf(*p, 16, "%u", n);
}

static void put_char(char **p, char c)
{
	*(*p)++ = c;
}

static void put_string(char **p, const char *s)
{
	size_t len = strlen(s);

	memcpy(*p, s, len);
	*p += len;
}

/* Build one random case into g. */
static void generate(struct gen_case *g)
{
	static const char conversions[] = "diouxXcsp";
	static const char *const lengths[] = { "", "hh", "h", "l", "ll", "z", "j", "t" };
	static const enum arg_kind signed_kind[] = {
		ARG_INT,   ARG_INT,	ARG_INT,    ARG_LONG,
		ARG_LLONG, ARG_PTRDIFF, ARG_INTMAX, ARG_PTRDIFF,
	};
	static const enum arg_kind unsigned_kind[] = {
		ARG_UINT, ARG_INT, ARG_INT, ARG_ULONG, ARG_ULLONG, ARG_SIZE, ARG_UINTMAX, ARG_SIZE,
	};
	char conv = conversions[test_rng_below(sizeof(conversions) - 1)];
	bool integer = strchr("diouxX", conv) != NULL;
	char *p = g->fmt;

	memset(g, 0, sizeof(*g));
	p = g->fmt;
	put_string(&p, literal_pool[test_rng_below(ARRAY_SIZE(literal_pool))]);
	put_char(&p, '%');

	/* Flags, in random order, possibly repeated. */
	const char *allowed;

	if (conv == 'd' || conv == 'i' || conv == 'u')
		allowed = "-+ 0";
	else if (integer)
		allowed = "-+ #0";
	else if (conv == 'p')
		allowed = "-#0";
	else
		allowed = "-+ ";
	for (unsigned n = test_rng_below(4); n > 0; n--) {
		if (test_rng_chance(60))
			put_char(&p, allowed[test_rng_below((unsigned)strlen(allowed))]);
	}

	/* Width: none, a number (a leading 0 would be a flag), or '*'. */
	switch (test_rng_below(3)) {
	case 0:
		break;
	case 1:
		put_number(&p, 1 + test_rng_below(40));
		break;
	default:
		put_char(&p, '*');
		g->star_width = true;
		g->width_arg = (int)test_rng_below(81) - 40;
		break;
	}

	/* Precision: C leaves it undefined for %c. */
	if (conv != 'c') {
		switch (test_rng_below(5)) {
		case 0:
		case 1:
			break;
		case 2:
			put_char(&p, '.');
			if (test_rng_chance(80)) {
				if (test_rng_chance(10))
					put_char(&p, '0'); /* leading zeros are allowed here */
				put_number(&p, test_rng_below(41));
			}
			break;
		default:
			put_string(&p, ".*");
			g->star_precision = true;
			g->precision_arg = (int)test_rng_below(51) - 10;
			break;
		}
	}

	/* Length modifier and the matching argument type. */
	if (integer) {
		unsigned l = test_rng_below(ARRAY_SIZE(lengths));

		put_string(&p, lengths[l]);
		g->kind = (conv == 'd' || conv == 'i') ? signed_kind[l] : unsigned_kind[l];
		g->bits = random_bits();
	} else if (conv == 's') {
		g->kind = ARG_STRING;
		g->text = string_pool[test_rng_below(ARRAY_SIZE(string_pool))];
	} else if (conv == 'p') {
		g->kind = ARG_POINTER;
		g->bits = test_rng_chance(20) ? 0 : random_bits();
	} else { /* 'c': an int, including 0 and bytes above 0x7f */
		g->kind = ARG_INT;
		g->bits = test_rng_below(256);
	}
	put_char(&p, conv);

	put_string(&p, literal_pool[test_rng_below(ARRAY_SIZE(literal_pool))]);
	*p = '\0';
}

static uint64_t current_seed;
static unsigned current_iteration;

/*
 * Format the case with both implementations into buffers of the given
 * size and compare. ap holds the arguments; it is copied, not consumed.
 * Returns the length of the full output.
 */
static int compare_at_size(const struct gen_case *g, size_t size, va_list ap)
{
	char ours[256];
	char theirs[256];
	va_list ap_ours;
	va_list ap_theirs;

	/* The same marker in both: bytes that neither writes compare equal. */
	memset(ours, 0x5a, sizeof(ours));
	memset(theirs, 0x5a, sizeof(theirs));

	va_copy(ap_ours, ap);
	va_copy(ap_theirs, ap);
	int ret_ours = vsnprintf(size == 0 ? NULL : ours, size, g->fmt, ap_ours);
	int ret_theirs = host_vsnprintf(size == 0 ? NULL : theirs, size, g->fmt, ap_theirs);
	va_end(ap_ours);
	va_end(ap_theirs);

	/* For the messages: the bytes each one stored, without the NUL. */
	int shown = size == 0 ? 0 : (int)(size - 1);

	cr_assert_eq(ret_ours, ret_theirs,
		     "seed %#llx iteration %u: format \"%s\" (size %zu) returned %d, glibc %d",
		     (unsigned long long)current_seed, current_iteration, g->fmt, size, ret_ours,
		     ret_theirs);
	cr_assert(memcmp(ours, theirs, sizeof(ours)) == 0,
		  "seed %#llx iteration %u: format \"%s\" (size %zu): output \"%.*s\", "
		  "glibc \"%.*s\"",
		  (unsigned long long)current_seed, current_iteration, g->fmt, size, shown, ours,
		  shown, theirs);
	return ret_theirs;
}

/*
 * The variadic arguments are the '*' values, then the converted argument.
 * Compare with a buffer large enough for any generated output, with size
 * 0, and with a random size from 1 to one past the output length, so that
 * truncation at every position, and the exact fit, are all exercised.
 */
static void compare_variadic(const struct gen_case *g, ...)
{
	va_list ap;

	va_start(ap, g);
	int len = compare_at_size(g, 256, ap);

	cr_assert(len >= 0 && len < 256, "format \"%s\": generated output too long (%d)", g->fmt,
		  len);
	compare_at_size(g, 0, ap);
	compare_at_size(g, 1 + test_rng_below((unsigned)len + 1), ap);
	va_end(ap);
}

/* Pass the '*' arguments that the format asks for, then value. */
#define WITH_STARS(g, value)                                                                     \
	((g)->star_width ? ((g)->star_precision ? compare_variadic(g, (g)->width_arg,            \
								   (g)->precision_arg, value)    \
						: compare_variadic(g, (g)->width_arg, value))    \
			 : ((g)->star_precision ? compare_variadic(g, (g)->precision_arg, value) \
						: compare_variadic(g, value)))

static void run_case(const struct gen_case *g)
{
	switch (g->kind) {
	case ARG_INT:
		WITH_STARS(g, (int)g->bits);
		break;
	case ARG_UINT:
		WITH_STARS(g, (unsigned)g->bits);
		break;
	case ARG_LONG:
		WITH_STARS(g, (long)g->bits);
		break;
	case ARG_ULONG:
		WITH_STARS(g, (unsigned long)g->bits);
		break;
	case ARG_LLONG:
		WITH_STARS(g, (long long)g->bits);
		break;
	case ARG_ULLONG:
		WITH_STARS(g, (unsigned long long)g->bits);
		break;
	case ARG_INTMAX:
		WITH_STARS(g, (intmax_t)g->bits);
		break;
	case ARG_UINTMAX:
		WITH_STARS(g, (uintmax_t)g->bits);
		break;
	case ARG_SIZE:
		WITH_STARS(g, (size_t)g->bits);
		break;
	case ARG_PTRDIFF:
		WITH_STARS(g, (ptrdiff_t)g->bits);
		break;
	case ARG_STRING:
		WITH_STARS(g, g->text);
		break;
	case ARG_POINTER:
		WITH_STARS(g, (void *)(uintptr_t)g->bits);
		break;
	}
}

Test(format_diff, random_formats_match_glibc_output_return_and_truncation)
{
	current_seed = test_rng_seed(DEFAULT_SEED);

	for (current_iteration = 0; current_iteration < ITERATIONS; current_iteration++) {
		struct gen_case g;

		generate(&g);
		run_case(&g);
	}
}
