/*
 * test/base/stdlib_test.c - strtol and friends, and the checked parsers.
 *
 * The strto* functions are compared with glibc's on a table of inputs in
 * every interesting base (value and end position), and checked against
 * explicit expectations for the rules that are easy to get wrong. The
 * parse_* functions have no C library counterpart and are checked against
 * explicit tables.
 */
#include <criterion/criterion.h>
#include <limits.h>
#include <stdint.h>

#include <base/compiler.h>
#include <base/stdlib.h>
#include <base/string.h>

#include "host_ref.h"

/*
 * The strto* family.
 */

static const char *const strto_inputs[] = {
	"",
	" ",
	"0",
	"-0",
	"+0",
	"42",
	"  42",
	"\t\n\v\f\r 42",
	"-42",
	"+42",
	"- 42",
	"+-1",
	"-+1",
	"42abc",
	"abc",
	"0x1f",
	"0X1F",
	"0x",
	"0xg",
	"0x 1",
	"-0x10",
	"+0x10",
	"0x0x1",
	"010",
	"08",
	"09",
	"0b101",
	"z",
	"Z",
	"zz",
	"1z",
	"101",
	"777",
	"0777",
	"9",
	"9223372036854775807",
	"9223372036854775808",
	"-9223372036854775808",
	"-9223372036854775809",
	"18446744073709551615",
	"18446744073709551616",
	"-18446744073709551615",
	"-18446744073709551616",
	"99999999999999999999999999999",
	"-99999999999999999999999999999",
	"0x7fffffffffffffff",
	"0x8000000000000000",
	"-0x8000000000000000",
	"0xffffffffffffffff",
	"0x10000000000000000",
	"-1",
	"1e5",
	"\2001" /* 0x80 then '1' */,
	"1\x80",
	"3w5e11264sgsf" /* UINT64_MAX in base 36 */,
	"3w5e11264sgsg",
	/* UINT64_MAX in base 2, then one digit more */
	"1111111111111111111111111111111111111111111111111111111111111111",
	"11111111111111111111111111111111111111111111111111111111111111111",
};

static const int strto_bases[] = { 0, 2, 8, 10, 16, 36 };

Test(stdlib, strtol_family_matches_glibc_values_and_end_positions)
{
	for (size_t i = 0; i < ARRAY_SIZE(strto_inputs); i++) {
		for (size_t b = 0; b < ARRAY_SIZE(strto_bases); b++) {
			const char *s = strto_inputs[i];
			int base = strto_bases[b];
			char *ours_end;
			char *host_end;

			cr_assert_eq(strtol(s, &ours_end, base), host_strtol(s, &host_end, base),
				     "strtol(\"%s\", %d)", s, base);
			cr_assert_eq(ours_end, host_end, "strtol(\"%s\", %d) end at %td, glibc %td",
				     s, base, ours_end - s, host_end - s);

			cr_assert_eq(strtoul(s, &ours_end, base), host_strtoul(s, &host_end, base),
				     "strtoul(\"%s\", %d)", s, base);
			cr_assert_eq(ours_end, host_end, "strtoul(\"%s\", %d) end", s, base);

			cr_assert_eq(strtoll(s, &ours_end, base), host_strtoll(s, &host_end, base),
				     "strtoll(\"%s\", %d)", s, base);
			cr_assert_eq(ours_end, host_end, "strtoll(\"%s\", %d) end", s, base);

			cr_assert_eq(strtoull(s, &ours_end, base),
				     host_strtoull(s, &host_end, base), "strtoull(\"%s\", %d)", s,
				     base);
			cr_assert_eq(ours_end, host_end, "strtoull(\"%s\", %d) end", s, base);
		}
	}
}

Test(stdlib, strtol_without_digits_returns_zero_and_original_pointer)
{
	static const char *const no_digits[] = { "", "   ", "-", "+", "  -", "x", "-x", "g", "\t" };
	char *end;

	for (size_t i = 0; i < ARRAY_SIZE(no_digits); i++) {
		const char *s = no_digits[i];

		cr_assert_eq(strtol(s, &end, 10), 0);
		cr_assert_eq(end, s, "\"%s\": endptr must be the original string", s);
	}
}

Test(stdlib, strtol_hex_prefix_without_hex_digit_parses_the_zero)
{
	const char *s = "0xg";
	char *end;

	cr_assert_eq(strtol(s, &end, 16), 0);
	cr_assert_eq(end, s + 1, "only the '0' is a number");
	cr_assert_eq(strtol(s, &end, 0), 0);
	cr_assert_eq(end, s + 1);
	cr_assert_eq(strtoul("0x", &end, 0), 0);
	cr_assert_eq(*end, 'x');
}

Test(stdlib, strtol_saturates_on_overflow_and_consumes_all_digits)
{
	const char *big = "99999999999999999999999999rest";
	char *end;

	cr_assert_eq(strtol(big, &end, 10), LONG_MAX);
	cr_assert_str_eq(end, "rest");
	cr_assert_eq(strtol("-99999999999999999999999999", NULL, 10), LONG_MIN);
	cr_assert_eq(strtoll("9223372036854775808", NULL, 10), LLONG_MAX);
	cr_assert_eq(strtoll("-9223372036854775808", NULL, 10), LLONG_MIN, "exactly the minimum");
	cr_assert_eq(strtoul("18446744073709551616", NULL, 10), ULONG_MAX);
	cr_assert_eq(strtoull("-18446744073709551616", NULL, 10), ULLONG_MAX,
		     "a negative overflow saturates too");
}

Test(stdlib, strtoul_negates_in_the_unsigned_type)
{
	cr_assert_eq(strtoul("-1", NULL, 10), ULONG_MAX);
	cr_assert_eq(strtoull("-2", NULL, 0), ULLONG_MAX - 1);
	cr_assert_eq(strtoul("-18446744073709551615", NULL, 10), 1);
}

Test(stdlib, strtol_prefixes_select_the_base_in_base_zero)
{
	cr_assert_eq(strtol("0x1F", NULL, 0), 31);
	cr_assert_eq(strtol("017", NULL, 0), 15);
	cr_assert_eq(strtol("17", NULL, 0), 17);
	cr_assert_eq(strtol("0X1f", NULL, 16), 31, "optional prefix in base 16");
	cr_assert_eq(strtol("017", NULL, 10), 17, "no octal outside base 0");
	cr_assert_eq(strtol("zZ", NULL, 36), 35 * 36 + 35);
}

Test(stdlib, strtol_rejects_invalid_bases)
{
	static const int bad_bases[] = { -1, 1, 37, 100 };
	const char *s = "123";
	char *end;

	for (size_t i = 0; i < ARRAY_SIZE(bad_bases); i++) {
		end = NULL;
		cr_assert_eq(strtol(s, &end, bad_bases[i]), 0, "base %d", bad_bases[i]);
		cr_assert_eq(end, s, "base %d", bad_bases[i]);
		cr_assert_eq(strtoull(s, &end, bad_bases[i]), 0, "base %d", bad_bases[i]);
	}
}

/*
 * parse_u64 and parse_i64.
 */

struct u64_case {
	const char *s;
	unsigned base;
	enum base_parse_status status;
	uint64_t value;
};

static const struct u64_case u64_cases[] = {
	{ "", 0, PARSE_EMPTY, 0 },
	{ "0", 0, PARSE_OK, 0 },
	{ "7", 0, PARSE_OK, 7 },
	{ "123", 0, PARSE_OK, 123 },
	{ "0x1F", 0, PARSE_OK, 31 },
	{ "0X1f", 16, PARSE_OK, 31 },
	{ "1f", 16, PARSE_OK, 31 },
	{ "0b101", 0, PARSE_OK, 5 },
	{ "0B101", 2, PARSE_OK, 5 },
	{ "101", 2, PARSE_OK, 5 },
	{ "0b1", 16, PARSE_OK, 0xb1 }, /* in base 16, "0b" is digits */
	{ "017", 0, PARSE_OK, 15 },
	{ "017", 10, PARSE_OK, 17 },
	{ "00", 0, PARSE_OK, 0 },
	{ "zZ", 36, PARSE_OK, 35 * 36 + 35 },
	{ "18446744073709551615", 0, PARSE_OK, UINT64_MAX },
	{ "0xffffffffffffffff", 0, PARSE_OK, UINT64_MAX },
	{ "1777777777777777777777", 8, PARSE_OK, UINT64_MAX },
	{ "18446744073709551616", 0, PARSE_OVERFLOW, 0 },
	{ "0x10000000000000000", 0, PARSE_OVERFLOW, 0 },
	{ "99999999999999999999999999999", 10, PARSE_OVERFLOW, 0 },
	{ "99999999999999999999999999999x", 10, PARSE_INVALID, 0 },
	{ "0x", 0, PARSE_INVALID, 0 },
	{ "0x", 16, PARSE_INVALID, 0 },
	{ "0b", 0, PARSE_INVALID, 0 },
	{ "08", 0, PARSE_INVALID, 0 },
	{ "12", 2, PARSE_INVALID, 0 },
	{ "g", 16, PARSE_INVALID, 0 },
	{ " 1", 0, PARSE_INVALID, 0 },
	{ "1 ", 0, PARSE_INVALID, 0 },
	{ "+1", 0, PARSE_INVALID, 0 },
	{ "-1", 0, PARSE_INVALID, 0 },
	{ "1_000", 0, PARSE_INVALID, 0 },
	{ "1", 1, PARSE_INVALID, 0 },
	{ "1", 37, PARSE_INVALID, 0 },
};

Test(stdlib, parse_u64_table_of_statuses_and_values)
{
	for (size_t i = 0; i < ARRAY_SIZE(u64_cases); i++) {
		const struct u64_case *c = &u64_cases[i];
		uint64_t out = 0x5555;
		enum base_parse_status st = parse_u64(c->s, strlen(c->s), c->base, &out);

		cr_assert_eq(st, c->status, "parse_u64(\"%s\", base %u): %s, expected %s", c->s,
			     c->base, parse_status_str(st), parse_status_str(c->status));
		if (c->status == PARSE_OK)
			cr_assert_eq(out, c->value, "parse_u64(\"%s\", base %u)", c->s, c->base);
		else
			cr_assert_eq(out, 0x5555, "\"%s\": out must be untouched on error", c->s);
	}
}

Test(stdlib, parse_u64_reads_only_len_bytes)
{
	const char digits[3] = { '4', '5', '6' }; /* not NUL-terminated */
	const char with_nul[4] = { '1', '2', '\0', '3' };
	uint64_t out;

	cr_assert_eq(parse_u64(digits, sizeof(digits), 10, &out), PARSE_OK);
	cr_assert_eq(out, 456);
	cr_assert_eq(parse_u64("123456", 3, 10, &out), PARSE_OK);
	cr_assert_eq(out, 123);
	cr_assert_eq(parse_u64("0x1F", 1, 0, &out), PARSE_OK, "just the \"0\"");
	cr_assert_eq(out, 0);
	cr_assert_eq(parse_u64(with_nul, sizeof(with_nul), 10, &out), PARSE_INVALID,
		     "a NUL is a character");
	cr_assert_eq(parse_u64(NULL, 0, 10, &out), PARSE_EMPTY);
}

struct i64_case {
	const char *s;
	unsigned base;
	enum base_parse_status status;
	int64_t value;
};

static const struct i64_case i64_cases[] = {
	{ "", 0, PARSE_EMPTY, 0 },
	{ "0", 0, PARSE_OK, 0 },
	{ "-0", 0, PARSE_OK, 0 },
	{ "+5", 0, PARSE_OK, 5 },
	{ "-5", 0, PARSE_OK, -5 },
	{ "-0x10", 0, PARSE_OK, -16 },
	{ "-0b11", 0, PARSE_OK, -3 },
	{ "9223372036854775807", 0, PARSE_OK, INT64_MAX },
	{ "-9223372036854775808", 0, PARSE_OK, INT64_MIN },
	{ "-0x8000000000000000", 0, PARSE_OK, INT64_MIN },
	{ "9223372036854775808", 0, PARSE_OVERFLOW, 0 },
	{ "-9223372036854775809", 0, PARSE_OVERFLOW, 0 },
	{ "-0x8000000000000001", 0, PARSE_OVERFLOW, 0 },
	{ "18446744073709551615", 0, PARSE_OVERFLOW, 0 },
	{ "18446744073709551616", 0, PARSE_OVERFLOW, 0 },
	{ "-", 0, PARSE_INVALID, 0 },
	{ "+", 0, PARSE_INVALID, 0 },
	{ "--5", 0, PARSE_INVALID, 0 },
	{ "+-5", 0, PARSE_INVALID, 0 },
	{ "- 5", 0, PARSE_INVALID, 0 },
	{ " -5", 0, PARSE_INVALID, 0 },
	{ "5-", 0, PARSE_INVALID, 0 },
	{ "-0x", 0, PARSE_INVALID, 0 },
	{ "-z", 36, PARSE_OK, -35 },
	{ "-5", 37, PARSE_INVALID, 0 },
};

Test(stdlib, parse_i64_table_of_statuses_and_values)
{
	for (size_t i = 0; i < ARRAY_SIZE(i64_cases); i++) {
		const struct i64_case *c = &i64_cases[i];
		int64_t out = 0x5555;
		enum base_parse_status st = parse_i64(c->s, strlen(c->s), c->base, &out);

		cr_assert_eq(st, c->status, "parse_i64(\"%s\", base %u): %s, expected %s", c->s,
			     c->base, parse_status_str(st), parse_status_str(c->status));
		if (c->status == PARSE_OK)
			cr_assert_eq(out, c->value, "parse_i64(\"%s\", base %u)", c->s, c->base);
		else
			cr_assert_eq(out, 0x5555, "\"%s\": out must be untouched on error", c->s);
	}
}

Test(stdlib, parse_i64_reads_only_len_bytes)
{
	const char text[4] = { '-', '4', '2', '7' };
	int64_t out;

	cr_assert_eq(parse_i64(text, 3, 10, &out), PARSE_OK);
	cr_assert_eq(out, -42);
	cr_assert_eq(parse_i64(text, 1, 10, &out), PARSE_INVALID, "just the sign");
}

/*
 * parse_bool.
 */

Test(stdlib, parse_bool_accepts_the_documented_words_in_any_case)
{
	static const struct {
		const char *s;
		bool value;
	} words[] = {
		{ "1", true },	 { "true", true },   { "TRUE", true },	 { "True", true },
		{ "yes", true }, { "YeS", true },    { "on", true },	 { "ON", true },
		{ "0", false },	 { "false", false }, { "FALSE", false }, { "no", false },
		{ "No", false }, { "off", false },   { "oFF", false },
	};

	for (size_t i = 0; i < ARRAY_SIZE(words); i++) {
		bool out = !words[i].value;

		cr_assert_eq(parse_bool(words[i].s, strlen(words[i].s), &out), PARSE_OK, "\"%s\"",
			     words[i].s);
		cr_assert_eq(out, words[i].value, "\"%s\"", words[i].s);
	}
}

Test(stdlib, parse_bool_rejects_everything_else_and_leaves_out_untouched)
{
	static const char *const bad[] = {
		"2", "tru", "truee", "y", "n", "of", "offf", " on", "on ", "-1", "01", "enable",
	};

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		bool out = true;

		cr_assert_eq(parse_bool(bad[i], strlen(bad[i]), &out), PARSE_INVALID, "\"%s\"",
			     bad[i]);
		cr_assert_eq(out, true, "\"%s\": out must be untouched", bad[i]);
	}

	bool out = true;

	cr_assert_eq(parse_bool("", 0, &out), PARSE_EMPTY);
	cr_assert_eq(parse_bool("on\0", 3, &out), PARSE_INVALID, "a NUL inside the range");
	cr_assert_eq(parse_bool("of\0", 3, &out), PARSE_INVALID);
	cr_assert_eq(out, true);
}

Test(stdlib, parse_bool_reads_only_len_bytes)
{
	bool out = false;

	cr_assert_eq(parse_bool("onion", 2, &out), PARSE_OK);
	cr_assert_eq(out, true);
	cr_assert_eq(parse_bool("normal", 2, &out), PARSE_OK);
	cr_assert_eq(out, false);
}

Test(stdlib, parse_status_str_describes_every_status)
{
	cr_assert_str_eq(parse_status_str(PARSE_OK), "ok");
	cr_assert_str_eq(parse_status_str(PARSE_EMPTY), "empty");
	cr_assert_str_eq(parse_status_str(PARSE_INVALID), "invalid");
	cr_assert_str_eq(parse_status_str(PARSE_OVERFLOW), "out of range");
	cr_assert_str_eq(parse_status_str((enum base_parse_status)42), "unknown status");
}
