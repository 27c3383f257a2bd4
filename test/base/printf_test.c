/*
 * test/base/printf_test.c - hand-written cases for base/format.c and base/printf.c.
 *
 * Each case states the exact expected output, written from the C standard
 * (and, for the implementation-defined %p and the NULL %s, from glibc's
 * behaviour, which base/ follows). printf_diff_test.c complements these
 * with random cases compared against glibc.
 */
#include <criterion/criterion.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include <base/compiler.h>
#include <base/printf.h>
#include <base/string.h>

/*
 * Format into a large buffer and check both the text and the return value.
 * line locates the failing case in this file.
 */
static void vcheck_line(int line, const char *expected, int expected_ret, const char *fmt,
			va_list ap)
{
	char buf[512];
	int ret = vsnprintf(buf, sizeof(buf), fmt, ap);

	cr_assert_str_eq(buf, expected, "line %d: format \"%s\"", line, fmt);
	cr_assert_eq(ret, expected_ret, "line %d: format \"%s\" returned %d", line, fmt, ret);
}

/* The expected return value is the length of the expected text. */
static __printf_like(3, 4) void check_line(int line, const char *expected, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vcheck_line(line, expected, (int)strlen(expected), fmt, ap);
	va_end(ap);
}

#define CHECK(expected, ...) check_line(__LINE__, expected, __VA_ARGS__)

/*
 * Same, for formats the compiler must not check: unknown conversions that
 * the tests feed on purpose, and flag combinations that gcc's -Wformat
 * flags as useless (such as '0' with '-') but whose meaning C defines. With
 * an explicit expected return value for the cases that fail.
 */
static void check_raw_line(int line, const char *expected, int expected_ret, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vcheck_line(line, expected, expected_ret, fmt, ap);
	va_end(ap);
}

#define CHECK_RAW(expected, ...) \
	check_raw_line(__LINE__, expected, (int)strlen(expected), __VA_ARGS__)
#define CHECK_RAW_RET(expected, ret, ...) check_raw_line(__LINE__, expected, ret, __VA_ARGS__)

Test(format, literal_text_and_percent_sign)
{
	CHECK_RAW("", "");
	CHECK("hello, world", "hello, world");
	CHECK("100%", "100%%");
	CHECK("%%", "%%%%");
	CHECK("a%b", "a%%b");
}

Test(format, signed_decimal_values_and_extremes)
{
	CHECK("0", "%d", 0);
	CHECK("42 -42", "%d %i", 42, -42);
	CHECK("2147483647", "%d", INT_MAX);
	CHECK("-2147483648", "%d", INT_MIN);
	CHECK("-9223372036854775808", "%ld", LONG_MIN);
	CHECK("-9223372036854775808", "%lld", LLONG_MIN);
	CHECK("9223372036854775807", "%lli", LLONG_MAX);
	CHECK("-9223372036854775808", "%jd", INTMAX_MIN);
	CHECK("-9223372036854775808", "%td", PTRDIFF_MIN);
	CHECK("-1", "%zd", (ptrdiff_t)-1);
}

Test(format, sign_flags_and_their_precedence)
{
	CHECK("+5", "%+d", 5);
	CHECK(" 5", "% d", 5);
	CHECK_RAW("+5", "%+ d", 5); /* '+' wins over ' ' */
	CHECK_RAW("+5", "% +d", 5);
	CHECK("-5", "% d", -5);
	CHECK("+0", "%+d", 0);
	CHECK_RAW("5", "%+u", 5u); /* sign flags do not apply to unsigned conversions */
	CHECK_RAW("5", "% x", 5u);
}

Test(format, width_justification_and_zero_padding)
{
	CHECK("   42", "%5d", 42);
	CHECK("42   |", "%-5d|", 42);
	CHECK("00042", "%05d", 42);
	CHECK("-0042", "%05d", -42); /* zeros go after the sign */
	CHECK("+0042", "%+05d", 42);
	CHECK(" 0042", "% 05d", 42);
	CHECK_RAW("42   ", "%-05d", 42); /* '-' wins over '0' */
	CHECK("42", "%1d", 42);		 /* the width is a minimum */
	CHECK("-2147483648", "%3d", INT_MIN);
}

Test(format, integer_precision_is_minimum_digits)
{
	CHECK("007", "%.3d", 7);
	CHECK("-007", "%.3d", -7);
	CHECK("12345", "%.3d", 12345);
	CHECK("", "%.0d", 0); /* zero with precision 0 has no digits */
	CHECK("", "%.d", 0);  /* a lone '.' means precision 0 */
	CHECK("     ", "%5.0d", 0);
	CHECK("+", "%+.0d", 0);
	CHECK("1", "%.0d", 1);
	CHECK_RAW("     007", "%08.3d", 7); /* '0' is ignored when a precision is given */
	CHECK("007  |", "%-5.3d|", 7);
	CHECK("", "%.0u", 0u);
	CHECK("", "%.0x", 0u);
	CHECK("00000000000000000000000000000001", "%.32d", 1);
}

Test(format, length_modifiers_convert_to_the_named_type)
{
	CHECK("44", "%hhd", 300); /* 300 as a signed char is 44 */
	CHECK("-56", "%hhd", 200);
	CHECK("200", "%hhu", 200);
	CHECK("ff", "%hhx", -1);
	CHECK("4464", "%hd", 70000);
	CHECK("5", "%hu", 65536 + 5);
	CHECK("-1", "%hd", 65535);
	CHECK("18446744073709551615", "%lu", ULONG_MAX);
	CHECK("18446744073709551615", "%llu", ULLONG_MAX);
	CHECK("18446744073709551615", "%ju", UINTMAX_MAX);
	CHECK("18446744073709551615", "%zu", SIZE_MAX);
	CHECK("ffffffffffffffff", "%tx", (size_t)PTRDIFF_MAX * 2 + 1);
	CHECK("4294967295", "%u", UINT_MAX);
	CHECK("4294967295", "%u", (unsigned)-1);
}

Test(format, hexadecimal_and_alternate_form)
{
	CHECK("ff FF", "%x %X", 255u, 255u);
	CHECK("0xff 0XFF", "%#x %#X", 255u, 255u);
	CHECK("0", "%#x", 0u); /* no prefix for zero */
	CHECK("", "%#.0x", 0u);
	CHECK("0x0000ff", "%#08x", 255u); /* zeros go after the prefix */
	CHECK("0x00ff", "%#.4x", 255u);
	CHECK("    0x00ff", "%#10.4x", 255u);
	CHECK("0xff    |", "%-#8x|", 255u);
	CHECK("deadbeef", "%x", 0xdeadbeefu);
	CHECK("0xffffffffffffffff", "%#llx", ULLONG_MAX);
}

Test(format, octal_and_alternate_form_leading_zero)
{
	CHECK("10", "%o", 8u);
	CHECK("010", "%#o", 8u);
	CHECK("0", "%#o", 0u);	 /* the 0 of the value is the leading 0 */
	CHECK("0", "%#.0o", 0u); /* '#' still prints one 0 when precision hides the value */
	CHECK("", "%.0o", 0u);
	CHECK("010", "%#.3o", 8u); /* the precision already gives a leading 0 */
	CHECK("0010", "%#.4o", 8u);
	CHECK("  010", "%#5o", 8u);
	CHECK("00010", "%#05o", 8u);
	CHECK("037777777777", "%#o", UINT_MAX);
	CHECK("1777777777777777777777", "%llo", ULLONG_MAX);
}

Test(format, characters)
{
	CHECK("a", "%c", 'a');
	CHECK("  a", "%3c", 'a');
	CHECK("a  |", "%-3c|", 'a');
	CHECK("A", "%c", 0x141); /* the int is converted to unsigned char */
	CHECK("\xe9", "%c", 0xe9);
}

Test(format, character_nul_is_output_and_counted)
{
	char buf[8];

	memset(buf, '#', sizeof(buf));
	cr_assert_eq(snprintf(buf, sizeof(buf), "a%cb", 0), 3);
	cr_assert_eq(memcmp(buf, "a\0b\0####", sizeof(buf)), 0);
}

Test(format, strings_with_width_and_precision)
{
	CHECK("abc", "%s", "abc");
	CHECK("", "%s", "");
	CHECK("  abc", "%5s", "abc");
	CHECK("abc  |", "%-5s|", "abc");
	CHECK("ab", "%.2s", "abc");
	CHECK("", "%.0s", "abc");
	CHECK("    a", "%5.1s", "abc");
	CHECK("abc", "%.10s", "abc");
	CHECK_RAW("   ab", "%05s", "ab"); /* '0' does not apply to strings */
}

Test(format, string_precision_reads_no_further_than_precision)
{
	/* No terminator: AddressSanitizer would report any read past it. */
	const char letters[3] = { 'x', 'y', 'z' };

	CHECK("xyz", "%.3s", letters);
	CHECK("xy", "%.2s", letters);
}

Test(format, null_string_prints_null_unless_precision_would_cut_it)
{
	const char *null = NULL;

	/* gcc warns about a NULL %s argument, hence CHECK_RAW. */
	CHECK_RAW("(null)", "%s", null);
	CHECK_RAW("  (null)", "%8s", null);
	CHECK_RAW("(null)", "%.6s", null);
	CHECK_RAW("(null)", "%.20s", null);
	CHECK_RAW("", "%.5s", null); /* a cut "(nu" would look like data: print nothing */
	CHECK_RAW("   ", "%3.1s", null);
}

Test(format, pointers_print_like_glibc)
{
	CHECK("(nil)", "%p", NULL);
	CHECK("     (nil)", "%10p", NULL);
	CHECK("(nil)  |", "%-7p|", NULL);
	CHECK_RAW("(nil)", "%.2p", NULL); /* (nil) is never cut */
	CHECK("0x1234", "%p", (void *)0x1234);
	CHECK("    0x1234", "%10p", (void *)0x1234);
	CHECK("0x1234    |", "%-10p|", (void *)0x1234);
	CHECK_RAW("0x00001234", "%010p", (void *)0x1234);
	CHECK_RAW("0x001234", "%.6p", (void *)0x1234);
	CHECK("0xffffffffffffffff", "%p", (void *)UINTPTR_MAX);
}

Test(format, pointer_ignores_sign_flags)
{
	/* glibc prints "+0x1234" here; a sign on an address makes no sense. */
	CHECK_RAW("0x1234 0x1234", "%+p % p", (void *)0x1234, (void *)0x1234);
}

Test(format, star_width_and_precision_come_from_arguments)
{
	CHECK("   42", "%*d", 5, 42);
	CHECK("42   |", "%*d|", -5, 42); /* a negative width means '-' */
	CHECK("42   |", "%-*d|", -5, 42);
	CHECK("007", "%.*d", 3, 7);
	CHECK("7", "%.*d", -1, 7); /* a negative precision means none */
	CHECK("0", "%.*d", -1, 0);
	CHECK_RAW("00042", "%0*.*d", 5, -1, 42); /* no precision: '0' applies again */
	CHECK("    ab", "%*.*s", 6, 2, "abcdef");
	CHECK("abc", "%.*s", -3, "abc");
	CHECK("x   |y", "%-*c|%c", 4, 'x', 'y');
}

Test(format, several_conversions_consume_arguments_in_order)
{
	CHECK("1-two-3-4-0x5-%", "%d-%s-%c-%lx-%p-%%", 1, "two", '3', 4ul, (void *)5);
	CHECK("[  -1][ff][x]", "[%4hhd][%hhx][%s]", 255, 255, "x");
}

Test(format, percent_conversion_ignores_flags_and_width)
{
	CHECK_RAW("%", "%5%");
	CHECK_RAW("%|", "%-05%|");
}

Test(format, unknown_conversion_prints_rest_of_format_literally)
{
	CHECK_RAW("a%yb", "a%yb");
	CHECK_RAW("1 %f %d", "%d %f %d", 1, 2.0, 3);
	CHECK_RAW("abc%", "abc%");
	CHECK_RAW("x%-5", "x%-5");
	CHECK_RAW("%1$d", "%1$d", 7);
	CHECK_RAW("%Lf", "%Lf", 1.0L);
	CHECK_RAW("%lc %ls", "%lc %ls", 65, "x");
	CHECK_RAW("%hs", "%hs", "x");
	CHECK_RAW("%lp", "%lp", NULL);
}

Test(format, percent_n_is_refused_and_writes_nothing)
{
	int count = -1;

	CHECK_RAW("abc%n", "abc%n", &count);
	cr_assert_eq(count, -1);
}

Test(format, unknown_conversion_after_star_consumed_its_width)
{
	/* The '*' argument was read; the text is printed as written. */
	CHECK_RAW("7 %*y", "%d %*y", 7, 3);
}

Test(format, snprintf_truncates_and_always_terminates)
{
	char buf[16];

	memset(buf, '#', sizeof(buf));
	cr_assert_eq(snprintf(buf, 5, "%s", "abcdefgh"), 8);
	cr_assert_str_eq(buf, "abcd");
	cr_assert_eq(buf[5], '#', "nothing written past size");

	memset(buf, '#', sizeof(buf));
	cr_assert_eq(snprintf(buf, 1, "%d", 12345), 5);
	cr_assert_eq(buf[0], '\0');
	cr_assert_eq(buf[1], '#');

	cr_assert_eq(snprintf(buf, 4, "abc"), 3, "exact fit");
	cr_assert_str_eq(buf, "abc");

	memset(buf, '#', sizeof(buf));
	cr_assert_eq(snprintf(buf, 6, "%8d", 1), 8, "truncation inside padding");
	cr_assert_str_eq(buf, "     ");
}

Test(format, snprintf_with_size_zero_writes_nothing_and_returns_length)
{
	char c = '#';

	cr_assert_eq(snprintf(NULL, 0, "%d-%s", 123, "abc"), 7);
	cr_assert_eq(snprintf(&c, 0, "xyz"), 3);
	cr_assert_eq(c, '#');
}

/* snprintf without the compiler's format checks, which reject the huge widths below. */
static int raw_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return ret;
}

Test(format, output_longer_than_int_max_fails_with_minus_one)
{
	CHECK_RAW_RET("", -1, "%2147483648d", 1);
	CHECK_RAW_RET("", -1, "%.2147483648d", 1);
	CHECK_RAW_RET("", -1, "%*d", INT_MIN, 1);
	/* What came before the limit is kept. */
	CHECK_RAW_RET("ab", -1, "ab%2147483647d", 1);

	char buf[8];

	/* The first field fits exactly, the second one does not. */
	cr_assert_eq(raw_snprintf(buf, sizeof(buf), "%2147483647d%d", 1, 2), -1);
	cr_assert_str_eq(buf, "       ");
}

Test(format, output_of_exactly_int_max_bytes_is_allowed)
{
	cr_assert_eq(raw_snprintf(NULL, 0, "%2147483647d", 1), INT_MAX);
	cr_assert_eq(raw_snprintf(NULL, 0, "%2147483646d%c", 1, 'x'), INT_MAX);
}
