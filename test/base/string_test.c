/*
 * test/base/string_test.c - the str* functions of base/string.c.
 *
 * Table-driven where possible, with the edge cases C defines: empty
 * strings, no match, the terminator counting as part of the string for
 * strchr, bytes above 0x7f comparing as unsigned, and the truncation rules
 * and return values of strlcpy and strlcat.
 */
#include <criterion/criterion.h>
#include <stdint.h>

#include <base/compiler.h>
#include <base/string.h>

static int sign_of(int x)
{
	return (x > 0) - (x < 0);
}

Test(string, strlen_counts_bytes_before_terminator)
{
	cr_assert_eq(strlen(""), 0);
	cr_assert_eq(strlen("a"), 1);
	cr_assert_eq(strlen("hello, world"), 12);
	cr_assert_eq(strlen("ab\0cd"), 2, "stops at the first NUL");
	cr_assert_eq(strlen("\x80\xff"), 2, "high bytes are ordinary characters");
}

Test(string, strnlen_stops_at_terminator_or_maxlen_without_reading_further)
{
	/* Not NUL-terminated: strnlen must not look past maxlen. */
	const char unterminated[4] = { 'a', 'b', 'c', 'd' };

	cr_assert_eq(strnlen(unterminated, 4), 4);
	cr_assert_eq(strnlen(unterminated, 2), 2);
	cr_assert_eq(strnlen("abc", 10), 3);
	cr_assert_eq(strnlen("abc", 3), 3);
	cr_assert_eq(strnlen("abc", 0), 0);
	cr_assert_eq(strnlen("", 5), 0);
}

struct cmp_case {
	const char *a;
	const char *b;
	int sign;
};

static const struct cmp_case cmp_cases[] = {
	{ "", "", 0 },
	{ "a", "", 1 },
	{ "", "a", -1 },
	{ "abc", "abc", 0 },
	{ "abc", "abd", -1 },
	{ "abd", "abc", 1 },
	{
		"ab",
		"abc",
		-1,
	},
	{ "abc", "ab", 1 },
	{ "a\x7f", "a\x80", -1 }, /* unsigned: 0x80 is above 0x7f */
	{ "\xff", "a", 1 },
	{ "A", "a", -1 },
};

Test(string, strcmp_orders_by_first_differing_byte_as_unsigned)
{
	for (size_t i = 0; i < ARRAY_SIZE(cmp_cases); i++) {
		const struct cmp_case *c = &cmp_cases[i];

		cr_assert_eq(sign_of(strcmp(c->a, c->b)), c->sign, "strcmp case %zu", i);
		cr_assert_eq(sign_of(strcmp(c->b, c->a)), -c->sign, "strcmp reversed case %zu", i);
	}
}

Test(string, strncmp_compares_at_most_n_bytes)
{
	for (size_t i = 0; i < ARRAY_SIZE(cmp_cases); i++) {
		const struct cmp_case *c = &cmp_cases[i];

		/* With a large n it behaves like strcmp. */
		cr_assert_eq(sign_of(strncmp(c->a, c->b, SIZE_MAX)), c->sign, "case %zu", i);
	}
	cr_assert_eq(strncmp("abcX", "abcY", 3), 0, "the difference is past n");
	cr_assert_lt(strncmp("abcX", "abcY", 4), 0);
	cr_assert_eq(strncmp("a", "b", 0), 0, "n == 0 compares nothing");
	cr_assert_eq(strncmp("ab", "ab", 10), 0, "stops at the common terminator");
	cr_assert_gt(strncmp("ab", "a", 2), 0);
}

Test(string, strncmp_does_not_read_past_n)
{
	const char a[3] = { 'x', 'y', 'z' }; /* no terminator */
	const char b[3] = { 'x', 'y', 'z' };

	cr_assert_eq(strncmp(a, b, 3), 0);
}

Test(string, strchr_finds_first_occurrence_and_the_terminator)
{
	const char *s = "hello";

	cr_assert_eq(strchr(s, 'l'), s + 2);
	cr_assert_eq(strchr(s, 'h'), s);
	cr_assert_eq(strchr(s, 'z'), NULL);
	cr_assert_eq(strchr(s, '\0'), s + 5, "the terminator is part of the string");
	cr_assert_eq(strchr("", 'a'), NULL);
}

Test(string, strchr_converts_c_to_char)
{
	const char *s = "a\xe9z";

	cr_assert_eq(strchr(s, 0xe9), s + 1, "0xe9 as an int finds the byte 0xe9");
	cr_assert_eq(strchr(s, 0x100 + 'z'), s + 2, "only the low byte of c counts");
}

Test(string, strrchr_finds_last_occurrence_and_the_terminator)
{
	const char *s = "hello";

	cr_assert_eq(strrchr(s, 'l'), s + 3);
	cr_assert_eq(strrchr(s, 'o'), s + 4);
	cr_assert_eq(strrchr(s, 'h'), s);
	cr_assert_eq(strrchr(s, 'z'), NULL);
	cr_assert_eq(strrchr(s, '\0'), s + 5);
	cr_assert_eq(strrchr("", 'a'), NULL);

	const char *empty = "";

	cr_assert_eq(strrchr(empty, '\0'), empty);
}

Test(string, strstr_finds_first_match_and_empty_needle_matches_at_start)
{
	const char *h = "abababc";

	cr_assert_eq(strstr(h, "abc"), h + 4);
	cr_assert_eq(strstr(h, "ab"), h);
	cr_assert_eq(strstr(h, "bab"), h + 1);
	cr_assert_eq(strstr(h, "c"), h + 6);
	cr_assert_eq(strstr(h, ""), h, "an empty needle matches at the start");
	const char *empty = "";

	cr_assert_eq(strstr(empty, ""), empty);
	cr_assert_eq(strstr("", "a"), NULL);
	cr_assert_eq(strstr(h, "abcd"), NULL, "a needle running past the end does not match");
	cr_assert_eq(strstr("ab", "abc"), NULL, "a needle longer than the haystack");
	cr_assert_eq(strstr(h, "x"), NULL);
}

Test(string, strspn_counts_leading_bytes_in_set)
{
	cr_assert_eq(strspn("  \tword", " \t"), 3);
	cr_assert_eq(strspn("word", " \t"), 0);
	cr_assert_eq(strspn("", "abc"), 0);
	cr_assert_eq(strspn("abc", ""), 0, "an empty set accepts nothing");
	cr_assert_eq(strspn("aaab", "a"), 3);
	cr_assert_eq(strspn("abcabc", "cba"), 6, "the whole string");
	cr_assert_eq(strspn("\x80\xff\x80x", "\xff\x80"), 3, "high bytes as set members");
}

Test(string, strcspn_counts_leading_bytes_not_in_set)
{
	cr_assert_eq(strcspn("key=value", "="), 3);
	cr_assert_eq(strcspn("key=value", ",="), 3);
	cr_assert_eq(strcspn("novalue", "="), 7, "no reject byte: the whole string");
	cr_assert_eq(strcspn("", "="), 0);
	cr_assert_eq(strcspn("abc", ""), 3, "an empty set rejects nothing");
	cr_assert_eq(strcspn("=x", "="), 0);
	cr_assert_eq(strcspn("ab\xc3x", "\xc3"), 2);
}

/* Fill a buffer with a marker so untouched bytes are visible. */
static void fill_marker(char *buf, size_t n)
{
	for (size_t i = 0; i < n; i++)
		buf[i] = '#';
}

Test(string, strlcpy_copies_whole_string_when_it_fits)
{
	char buf[8];

	fill_marker(buf, sizeof(buf));
	cr_assert_eq(strlcpy(buf, "abc", sizeof(buf)), 3);
	cr_assert_str_eq(buf, "abc");
	cr_assert_eq(buf[4], '#', "nothing written after the terminator");

	cr_assert_eq(strlcpy(buf, "1234567", sizeof(buf)), 7, "exactly fits");
	cr_assert_str_eq(buf, "1234567");

	cr_assert_eq(strlcpy(buf, "", sizeof(buf)), 0);
	cr_assert_str_eq(buf, "");
}

Test(string, strlcpy_truncates_terminates_and_returns_source_length)
{
	char buf[8];

	fill_marker(buf, sizeof(buf));
	cr_assert_eq(strlcpy(buf, "0123456789", sizeof(buf)), 10);
	cr_assert_str_eq(buf, "0123456");

	fill_marker(buf, sizeof(buf));
	cr_assert_eq(strlcpy(buf, "0123456789", 1), 10, "room for the terminator only");
	cr_assert_eq(buf[0], '\0');
	cr_assert_eq(buf[1], '#');
}

Test(string, strlcpy_with_size_zero_writes_nothing)
{
	char buf[4];

	fill_marker(buf, sizeof(buf));
	cr_assert_eq(strlcpy(buf, "abc", 0), 3);
	for (size_t i = 0; i < sizeof(buf); i++)
		cr_assert_eq(buf[i], '#');
}

Test(string, strlcat_appends_when_it_fits)
{
	char buf[10] = "ab";

	cr_assert_eq(strlcat(buf, "cde", sizeof(buf)), 5);
	cr_assert_str_eq(buf, "abcde");
	cr_assert_eq(strlcat(buf, "", sizeof(buf)), 5);
	cr_assert_str_eq(buf, "abcde");
	cr_assert_eq(strlcat(buf, "fghi", sizeof(buf)), 9, "exactly fits");
	cr_assert_str_eq(buf, "abcdefghi");
}

Test(string, strlcat_truncates_and_returns_length_it_tried_to_create)
{
	char buf[8] = "abc";

	cr_assert_eq(strlcat(buf, "0123456789", sizeof(buf)), 13);
	cr_assert_str_eq(buf, "abc0123");

	char full[4] = "abc";

	cr_assert_eq(strlcat(full, "xyz", sizeof(full)), 6, "no room left at all");
	cr_assert_str_eq(full, "abc");
}

Test(string, strlcat_leaves_unterminated_destination_alone)
{
	char buf[4] = { 'a', 'b', 'c', 'd' }; /* no NUL within size */

	cr_assert_eq(strlcat(buf, "xy", sizeof(buf)), 4 + 2);
	cr_assert_eq(buf[0], 'a');
	cr_assert_eq(buf[3], 'd', "nothing written, not even a terminator");

	cr_assert_eq(strlcat(buf, "xy", 2), 2 + 2, "size smaller than the string in dst");
	cr_assert_eq(buf[1], 'b');

	cr_assert_eq(strlcat(buf, "xyz", 0), 3, "size 0: only measure src");
	cr_assert_eq(buf[0], 'a');
}
