/*
 * base/stdlib.c - strtol and friends, and the checked parsers.
 *
 * Both families share the digit rules: digit_value() maps a character to
 * its value in any base up to 36, and accumulate() adds one digit to a
 * 64-bit value while detecting overflow with the compiler's checked
 * arithmetic builtins (no division needed).
 */
#include <base/compiler.h>
#include <base/ctype.h>
#include <base/stdlib.h>
#include <limits.h>

/* strtoull's value type must be the 64-bit type the accumulator works in. */
STATIC_ASSERT(sizeof(unsigned long long) == sizeof(uint64_t), "unsigned long long is not 64-bit");

/*
 * The value of c as a digit: 0..9 for '0'..'9', 10..35 for the letters of
 * either case. Any other character gives 36, which no base accepts.
 */
static unsigned digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return (unsigned)(c - '0');
	if (c >= 'a' && c <= 'z')
		return (unsigned)(c - 'a') + 10;
	if (c >= 'A' && c <= 'Z')
		return (unsigned)(c - 'A') + 10;
	return 36;
}

/*
 * *acc = *acc * base + digit. On overflow returns false; *acc is then
 * meaningless, and callers only keep scanning to find the end of the
 * number.
 */
static bool accumulate(uint64_t *acc, unsigned base, unsigned digit)
{
	return !__builtin_mul_overflow(*acc, base, acc) &&
	       !__builtin_add_overflow(*acc, digit, acc);
}

/*
 * The C conversions.
 */

/* The result of scanning a number, before it is fitted into a type. */
struct scan {
	uint64_t magnitude; /* the absolute value, valid unless overflow */
	bool negative;	    /* a '-' sign was present */
	bool overflow;	    /* the absolute value exceeds UINT64_MAX */
};

/*
 * Scan the number at nptr as described in <base/stdlib.h>. Returns the
 * position after the last digit, or nptr itself if there is no number.
 */
static const char *scan_number(const char *nptr, int base, struct scan *r)
{
	const char *p = nptr;

	r->magnitude = 0;
	r->negative = false;
	r->overflow = false;

	if (base < 0 || base == 1 || base > 36)
		return nptr;

	while (isspace((unsigned char)*p))
		p++;
	if (*p == '+' || *p == '-') {
		r->negative = *p == '-';
		p++;
	}

	/*
	 * "0x" is a prefix only if a hex digit follows; otherwise the '0' is
	 * the whole number. Reading p[2] is safe: p[1] is not the NUL.
	 */
	if ((base == 0 || base == 16) && p[0] == '0' && (p[1] == 'x' || p[1] == 'X') &&
	    digit_value(p[2]) < 16) {
		p += 2;
		base = 16;
	} else if (base == 0) {
		base = p[0] == '0' ? 8 : 10;
	}

	const char *digits = p;

	for (unsigned d; (d = digit_value(*p)) < (unsigned)base; p++) {
		if (!r->overflow && !accumulate(&r->magnitude, (unsigned)base, d))
			r->overflow = true;
	}
	if (p == digits)
		return nptr;
	return p;
}

/* Fit a scan into the signed range min..max, saturating. */
static long long signed_result(const struct scan *r, long long min, long long max)
{
	if (r->negative) {
		/* |min| computed without overflow: -(min + 1) fits, then add 1. */
		unsigned long long min_magnitude = (unsigned long long)-(min + 1) + 1;

		if (r->overflow || r->magnitude >= min_magnitude)
			return min;
		/* magnitude < |min| <= LLONG_MAX + 1, so it fits once negated. */
		return -(long long)r->magnitude;
	}
	if (r->overflow || r->magnitude > (unsigned long long)max)
		return max;
	return (long long)r->magnitude;
}

/*
 * Fit a scan into the unsigned range 0..max (max is 2^k - 1), saturating at
 * max. A '-' negates modulo 2^k, as C specifies for strtoul.
 */
static unsigned long long unsigned_result(const struct scan *r, unsigned long long max)
{
	if (r->overflow || r->magnitude > max)
		return max;
	return r->negative ? (0 - r->magnitude) & max : r->magnitude;
}

static void set_end(char **endptr, const char *end)
{
	/* C's signature takes a const string and hands back a non-const pointer. */
	if (endptr != NULL)
		*endptr = (char *)end;
}

long strtol(const char *restrict nptr, char **restrict endptr, int base)
{
	struct scan r;

	set_end(endptr, scan_number(nptr, base, &r));
	return (long)signed_result(&r, LONG_MIN, LONG_MAX);
}

unsigned long strtoul(const char *restrict nptr, char **restrict endptr, int base)
{
	struct scan r;

	set_end(endptr, scan_number(nptr, base, &r));
	return (unsigned long)unsigned_result(&r, ULONG_MAX);
}

long long strtoll(const char *restrict nptr, char **restrict endptr, int base)
{
	struct scan r;

	set_end(endptr, scan_number(nptr, base, &r));
	return signed_result(&r, LLONG_MIN, LLONG_MAX);
}

unsigned long long strtoull(const char *restrict nptr, char **restrict endptr, int base)
{
	struct scan r;

	set_end(endptr, scan_number(nptr, base, &r));
	return unsigned_result(&r, ULLONG_MAX);
}

/*
 * The checked parsers.
 */

const char *parse_status_str(enum base_parse_status status)
{
	switch (status) {
	case PARSE_OK:
		return "ok";
	case PARSE_EMPTY:
		return "empty";
	case PARSE_INVALID:
		return "invalid";
	case PARSE_OVERFLOW:
		return "out of range";
	}
	return "unknown status";
}

/* True if s[0..len) starts with '0' followed by lower or upper case letter. */
static bool has_prefix(const char *s, size_t len, char letter)
{
	return len >= 2 && s[0] == '0' && tolower((unsigned char)s[1]) == letter;
}

enum base_parse_status parse_u64(const char *s, size_t len, unsigned base, uint64_t *out)
{
	if (len == 0)
		return PARSE_EMPTY;
	if (base == 1 || base > 36)
		return PARSE_INVALID;

	/* Work out the base and skip its prefix, if any. */
	size_t i = 0;

	if ((base == 0 || base == 16) && has_prefix(s, len, 'x')) {
		base = 16;
		i = 2;
	} else if ((base == 0 || base == 2) && has_prefix(s, len, 'b')) {
		base = 2;
		i = 2;
	} else if (base == 0) {
		/* A lone "0" is just zero; "0" followed by digits is octal. */
		base = (len >= 2 && s[0] == '0') ? 8 : 10;
	}
	if (i == len)
		return PARSE_INVALID; /* a prefix without digits */

	uint64_t value = 0;
	bool overflow = false;

	/* Check every character, so that bad input is INVALID even when it is long. */
	for (; i < len; i++) {
		unsigned d = digit_value(s[i]);

		if (d >= base)
			return PARSE_INVALID;
		if (!overflow && !accumulate(&value, base, d))
			overflow = true;
	}
	if (overflow)
		return PARSE_OVERFLOW;
	*out = value;
	return PARSE_OK;
}

enum base_parse_status parse_i64(const char *s, size_t len, unsigned base, int64_t *out)
{
	bool negative = false;
	size_t i = 0;

	if (len == 0)
		return PARSE_EMPTY;
	if (s[0] == '+' || s[0] == '-') {
		negative = s[0] == '-';
		i = 1;
	}

	uint64_t magnitude;
	enum base_parse_status status = parse_u64(s + i, len - i, base, &magnitude);

	if (status == PARSE_EMPTY)
		return PARSE_INVALID; /* a sign and nothing else */
	if (status != PARSE_OK)
		return status;

	/* The magnitude of INT64_MIN is INT64_MAX + 1; it is the only one needing care. */
	if (negative) {
		if (magnitude > (uint64_t)INT64_MAX + 1)
			return PARSE_OVERFLOW;
		*out = magnitude == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)magnitude;
	} else {
		if (magnitude > (uint64_t)INT64_MAX)
			return PARSE_OVERFLOW;
		*out = (int64_t)magnitude;
	}
	return PARSE_OK;
}

/* True if s[0..len) is word, ignoring the case of letters. word is lower case. */
static bool equals_word(const char *s, size_t len, const char *word)
{
	size_t i;

	for (i = 0; i < len; i++) {
		/* Check for the end of word first: s may be longer, even hold NULs. */
		if (word[i] == '\0' || tolower((unsigned char)s[i]) != word[i])
			return false;
	}
	return word[i] == '\0';
}

enum base_parse_status parse_bool(const char *s, size_t len, bool *out)
{
	static const struct {
		const char *word;
		bool value;
	} words[] = {
		{ "1", true },	{ "true", true },   { "yes", true }, { "on", true },
		{ "0", false }, { "false", false }, { "no", false }, { "off", false },
	};

	if (len == 0)
		return PARSE_EMPTY;
	for (size_t i = 0; i < ARRAY_SIZE(words); i++) {
		if (equals_word(s, len, words[i].word)) {
			*out = words[i].value;
			return PARSE_OK;
		}
	}
	return PARSE_INVALID;
}
