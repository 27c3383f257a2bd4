/*
 * test/base/ctype_test.c - the character classes of base/ctype.c.
 *
 * Every value from EOF (-1) to 255 is checked twice: against the
 * definition of the classes in the C standard's "C" locale, spelled out
 * independently below, and against the host C library in its "C" locale
 * (through host_ref.c, since in this file the names are base's). Values
 * outside -1..255 are undefined for a hosted C library, but ours promises
 * "no class, returned unchanged", which is checked too.
 */
#include <criterion/criterion.h>
#include <limits.h>
#include <stdbool.h>

#include <base/compiler.h>
#include <base/ctype.h>

#include "host_ref.h"

/* One class: base's function and its definition for the ASCII C locale. */
struct class_case {
	const char *name;
	int (*fn)(int c);
	bool (*expected)(int c);
};

static bool in(int c, int lo, int hi)
{
	return c >= lo && c <= hi;
}

/* The definitions, written from the C standard's wording for the "C" locale. */
static bool def_upper(int c)
{
	return in(c, 'A', 'Z');
}
static bool def_lower(int c)
{
	return in(c, 'a', 'z');
}
static bool def_alpha(int c)
{
	return def_upper(c) || def_lower(c);
}
static bool def_digit(int c)
{
	return in(c, '0', '9');
}
static bool def_alnum(int c)
{
	return def_alpha(c) || def_digit(c);
}
static bool def_xdigit(int c)
{
	return def_digit(c) || in(c, 'a', 'f') || in(c, 'A', 'F');
}
static bool def_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}
static bool def_blank(int c)
{
	return c == ' ' || c == '\t';
}
static bool def_cntrl(int c)
{
	return in(c, 0, 31) || c == 127;
}
static bool def_print(int c)
{
	return in(c, 32, 126);
}
static bool def_graph(int c)
{
	return in(c, 33, 126);
}
static bool def_punct(int c)
{
	static const char punct[] = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

	for (const char *p = punct; *p != '\0'; p++) {
		if (c == *p)
			return true;
	}
	return false;
}

/* In the order of <base/ctype.h>, which host_ctype() also follows. */
static const struct class_case classes[] = {
	{ "isalnum", isalnum, def_alnum }, { "isalpha", isalpha, def_alpha },
	{ "isdigit", isdigit, def_digit }, { "isxdigit", isxdigit, def_xdigit },
	{ "isspace", isspace, def_space }, { "isupper", isupper, def_upper },
	{ "islower", islower, def_lower }, { "isprint", isprint, def_print },
	{ "isgraph", isgraph, def_graph }, { "iscntrl", iscntrl, def_cntrl },
	{ "ispunct", ispunct, def_punct }, { "isblank", isblank, def_blank },
};

Test(ctype, classes_match_c_locale_definition_for_eof_and_every_byte)
{
	for (size_t k = 0; k < ARRAY_SIZE(classes); k++) {
		for (int c = -1; c <= 255; c++) {
			int got = classes[k].fn(c);

			cr_assert(got == 0 || got == 1, "%s(%d) returned %d, not 0 or 1",
				  classes[k].name, c, got);
			cr_assert_eq(got, classes[k].expected(c), "%s(%d)", classes[k].name, c);
		}
	}
}

Test(ctype, classes_match_host_c_library_for_eof_and_every_byte)
{
	for (size_t k = 0; k < ARRAY_SIZE(classes); k++) {
		for (int c = -1; c <= 255; c++)
			cr_assert_eq(classes[k].fn(c), host_ctype((int)k, c), "%s(%d)",
				     classes[k].name, c);
	}
}

Test(ctype, tolower_and_toupper_change_only_ascii_letters)
{
	for (int c = -1; c <= 255; c++) {
		int lower = def_upper(c) ? c - 'A' + 'a' : c;
		int upper = def_lower(c) ? c - 'a' + 'A' : c;

		cr_assert_eq(tolower(c), lower, "tolower(%d)", c);
		cr_assert_eq(toupper(c), upper, "toupper(%d)", c);
		cr_assert_eq(tolower(c), host_ctype(12, c), "tolower(%d) vs host", c);
		cr_assert_eq(toupper(c), host_ctype(13, c), "toupper(%d) vs host", c);
	}
}

Test(ctype, values_outside_eof_and_byte_range_are_in_no_class_and_unchanged)
{
	/*
	 * A negative plain char passed without a cast (-128..-2), and ints far
	 * from any character: a table-based library would index out of bounds.
	 */
	static const int odd_values[] = { INT_MIN, -1000, -256,	     -129,	-128, -65,
					  -2,	   256,	  256 + 'a', 256 + 'A', 1000, INT_MAX };

	for (size_t i = 0; i < ARRAY_SIZE(odd_values); i++) {
		int c = odd_values[i];

		for (size_t k = 0; k < ARRAY_SIZE(classes); k++)
			cr_assert_eq(classes[k].fn(c), 0, "%s(%d)", classes[k].name, c);
		cr_assert_eq(tolower(c), c, "tolower(%d)", c);
		cr_assert_eq(toupper(c), c, "toupper(%d)", c);
	}
}
