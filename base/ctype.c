/*
 * base/ctype.c - character classes of the ASCII "C" locale.
 *
 * Each class is a few range comparisons. A hosted C library would use a
 * table indexed by the character, which is fast but reads out of bounds for
 * arguments outside -1..255; comparisons are just as fast for ASCII and are
 * safe for every int, so every value outside 0..127 simply falls through
 * all the ranges and belongs to no class.
 */
#include <base/ctype.h>

int isupper(int c)
{
	return c >= 'A' && c <= 'Z';
}

int islower(int c)
{
	return c >= 'a' && c <= 'z';
}

int isalpha(int c)
{
	return isupper(c) || islower(c);
}

int isdigit(int c)
{
	return c >= '0' && c <= '9';
}

int isalnum(int c)
{
	return isalpha(c) || isdigit(c);
}

int isxdigit(int c)
{
	return isdigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

int isspace(int c)
{
	/* '\t' '\n' '\v' '\f' '\r' are the consecutive codes 9..13. */
	return c == ' ' || (c >= '\t' && c <= '\r');
}

int isblank(int c)
{
	return c == ' ' || c == '\t';
}

int iscntrl(int c)
{
	return (c >= 0 && c < 0x20) || c == 0x7f;
}

int isprint(int c)
{
	return c >= 0x20 && c < 0x7f;
}

int isgraph(int c)
{
	return c > 0x20 && c < 0x7f;
}

int ispunct(int c)
{
	return isgraph(c) && !isalnum(c);
}

int tolower(int c)
{
	/* In ASCII, the two cases of a letter differ only in bit 0x20. */
	return isupper(c) ? c + ('a' - 'A') : c;
}

int toupper(int c)
{
	return islower(c) ? c - ('a' - 'A') : c;
}
