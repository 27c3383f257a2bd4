/*
 * include/base/stdlib.h - converting text to numbers.
 *
 * Two families:
 *
 *   - strtol, strtoul, strtoll and strtoull, with the C semantics (base/stdlib.c),
 *     for code that scans numbers out of a longer text;
 *   - parse_u64, parse_i64 and parse_bool (also base/stdlib.c), strict checked
 *     parsers for a whole token, such as the value of a kernel command-line
 *     option. These are what kernel code should normally use: they report
 *     every kind of bad input through their result.
 */
#ifndef BASE_STDLIB_H
#define BASE_STDLIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The C conversions.
 *
 * Parse the longest initial part of the string nptr that has the form of
 * an integer in the given base, after skipping leading white space (as
 * isspace): an optional '+' or '-' sign, then digits. Digits above 9 are the
 * letters a..z or A..Z (10..35); only digits below base are accepted.
 *
 * base is 0 or 2..36. With base 0, the prefix picks the base: "0x" or
 * "0X" means 16, a leading "0" means 8, anything else 10. With base 16, an
 * optional "0x" or "0X" may precede the digits. A prefix "0x" that is not
 * followed by a hex digit is not a prefix: only the "0" is parsed and
 * *endptr points at the 'x'.
 *
 * If endptr is not NULL, *endptr is set to the first character after the
 * parsed number, or to nptr itself when there is no number at all (no
 * digit, or base invalid); the result is then 0.
 *
 * A minus sign negates the value: in the result's type for strtoul and
 * strtoull, so strtoul("-1", ...) is ULONG_MAX, as in C.
 *
 * Errors. There is no errno in base/, so out-of-range values are reported
 * only by saturation: strtol returns LONG_MAX or LONG_MIN, strtoul ULONG_MAX
 * (likewise for the long long versions), and *endptr is still set past all
 * the digits. A valid input can produce the same values, so when overflow
 * matters, or when the whole string must be a number, use parse_u64 or
 * parse_i64 instead.
 */
long strtol(const char *restrict nptr, char **restrict endptr, int base);
unsigned long strtoul(const char *restrict nptr, char **restrict endptr, int base);
long long strtoll(const char *restrict nptr, char **restrict endptr, int base);
unsigned long long strtoull(const char *restrict nptr, char **restrict endptr, int base);

/*
 * The checked parsers.
 *
 * Each parses the len bytes at s, which must form the value as a whole:
 * no white space, nothing before or after. s need not be NUL-terminated
 * (a NUL inside the range is just an invalid character), and s may be NULL
 * when len is 0. On success the value is stored in *out; on any error *out
 * is left untouched, so a caller can preset a default.
 */
enum base_parse_status {
	PARSE_OK = 0,	/* *out holds the value */
	PARSE_EMPTY,	/* len was 0: there was nothing to parse */
	PARSE_INVALID,	/* not a well-formed value (a bad character, a prefix or
			   sign without digits, an unknown word, a bad base) */
	PARSE_OVERFLOW, /* well-formed, but outside the range of the type */
};

/*
 * A short, constant, lower-case description of status ("ok", "empty",
 * "invalid", "out of range"), for error messages. Any other value gives
 * "unknown status".
 */
const char *parse_status_str(enum base_parse_status status);

/*
 * An unsigned number, without sign. base is 0 or 2..36; any other base
 * gives PARSE_INVALID. Base 0 picks the base from the prefix: "0x"/"0X" hex,
 * "0b"/"0B" binary, a "0" followed by more digits octal, otherwise decimal.
 * Base 16 also accepts an optional "0x"/"0X", and base 2 an optional
 * "0b"/"0B". A prefix must be followed by at least one digit. A string
 * holding an invalid character is PARSE_INVALID even if its digits would
 * also overflow.
 */
enum base_parse_status parse_u64(const char *s, size_t len, unsigned base, uint64_t *out);

/*
 * A signed number: an optional '+' or '-' followed by what parse_u64
 * accepts (so "-0x10" is -16 in base 0). The range is INT64_MIN..INT64_MAX;
 * "-9223372036854775808" is INT64_MIN, one more in magnitude overflows.
 */
enum base_parse_status parse_i64(const char *s, size_t len, unsigned base, int64_t *out);

/*
 * A boolean: "1", "true", "yes" and "on" are true; "0", "false", "no" and
 * "off" are false; letters in any case ("TRUE", "Off"). Anything else is
 * PARSE_INVALID.
 */
enum base_parse_status parse_bool(const char *s, size_t len, bool *out);

#endif /* BASE_STDLIB_H */
