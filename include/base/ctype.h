/*
 * include/base/ctype.h - character classes of the ASCII "C" locale.
 *
 * The standard <ctype.h> functions, for the only locale a kernel needs:
 * plain ASCII. Bytes 0x80..0xff belong to no class and are left alone by
 * tolower and toupper, exactly as in the C locale of a hosted C library.
 *
 * As in C, the argument is an int that should hold an unsigned char value
 * (0..255) or EOF (-1). Unlike many C libraries, these functions do not use
 * a lookup table indexed by the argument, so any other int (for example a
 * negative plain char passed without a cast) is simply in no class and is
 * returned unchanged by tolower and toupper: never an out-of-bounds read.
 *
 * The predicates return 1 when c is in the class and 0 otherwise.
 */
#ifndef BASE_CTYPE_H
#define BASE_CTYPE_H

/* Letters and digits: isalpha(c) || isdigit(c). */
int isalnum(int c);
/* Letters: 'A'..'Z' and 'a'..'z'. */
int isalpha(int c);
/* Decimal digits: '0'..'9'. */
int isdigit(int c);
/* Hexadecimal digits: '0'..'9', 'A'..'F', 'a'..'f'. */
int isxdigit(int c);
/* White space: ' ', '\t', '\n', '\v', '\f' and '\r'. */
int isspace(int c);
/* Upper-case letters: 'A'..'Z'. */
int isupper(int c);
/* Lower-case letters: 'a'..'z'. */
int islower(int c);
/* Printable characters, including space: 0x20..0x7e. */
int isprint(int c);
/* Printable characters except space: 0x21..0x7e. */
int isgraph(int c);
/* Control characters: 0x00..0x1f and 0x7f (DEL). */
int iscntrl(int c);
/* Punctuation: printable, not space, not a letter nor a digit. */
int ispunct(int c);
/* Blanks that separate words on a line: ' ' and '\t'. */
int isblank(int c);

/* The lower-case letter for an upper-case c; any other value unchanged. */
int tolower(int c);
/* The upper-case letter for a lower-case c; any other value unchanged. */
int toupper(int c);

#endif /* BASE_CTYPE_H */
