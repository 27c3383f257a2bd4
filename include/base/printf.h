/*
 * include/base/printf.h - formatted output.
 *
 * The printf family of C99, minus floating point, plus vformat(), the core
 * on which the others are built and which the kernel can use to format
 * directly into any destination (a log ring, a serial port...).
 *
 * Format syntax. A conversion specification is
 *
 *	%[flags][width][.precision][length]conversion
 *
 * with exactly the meaning C99 gives it (glibc is the reference the tests
 * compare against):
 *
 *   flags      '-' left-justify within the width; '+' always print a sign
 *              for signed conversions; ' ' print a space where a
 *              non-negative signed number has no sign; '#' alternate form
 *              (octal gets a leading 0, non-zero hex gets 0x or 0X); '0' pad
 *              numbers with zeros after any sign or prefix, ignored when
 *              '-' is given or when an integer conversion has a precision.
 *   width      minimum field width, a decimal number or '*' (taken from an
 *              int argument; a negative value means the '-' flag plus its
 *              absolute value).
 *   precision  '.' followed by a decimal number, by nothing (meaning 0) or
 *              by '*' (an int argument; a negative value means "no
 *              precision"). For integers, the minimum number of digits
 *              (a zero value with precision 0 prints no digits at all); for
 *              %s, the maximum number of bytes read and printed.
 *   length     hh h (none) l ll z j t: the integer argument is a (unsigned)
 *              char, short, int, long, long long, size_t, intmax_t or
 *              ptrdiff_t, respectively. The argument is read with the
 *              promoted type and converted back, so %hhu of 300 prints 44.
 *   conversion d i   signed decimal
 *              u     unsigned decimal
 *              o     unsigned octal
 *              x X   unsigned hexadecimal, lower or upper case digits
 *              c     the int argument converted to unsigned char (may be NUL)
 *              s     a string; NULL prints "(null)" if the precision is absent
 *                    or at least 6, and nothing otherwise (like glibc: a cut
 *                    "(nu" would look like real data)
 *              p     a pointer: "0x" and lowercase hex digits, as %#lx, with
 *                    width, precision, '-' and '0' applying; NULL prints
 *                    "(nil)" padded to the width (like glibc). '+' and ' '
 *                    are ignored.
 *              %     a literal '%'; any flags, width or precision are ignored.
 *
 * Unsupported conversions. Floating point (%a %e %f %g and their upper-case
 * forms, the L length), wide characters (%lc, %ls), %n (a classic attack
 * vector) and anything else not listed above are "unknown". Since the type
 * of an unknown conversion's argument cannot be known, the formatter cannot
 * safely read any further argument: when it meets an unknown conversion it
 * copies the rest of the format, from that '%' to the end, literally to the
 * output and stops. A '%' at the very end of the format is printed as is.
 * Arguments consumed by '*' in the unknown specification have been read.
 *
 * Length limit. The functions return the length of the full output as an
 * int. If that length would exceed INT_MAX, or a width or precision in the
 * format does not fit in an int, they return -1 (as C requires a negative
 * value; glibc does the same). Formatting stops at the first piece that
 * would not fit; what was produced before it has been delivered.
 */
#ifndef BASE_PRINTF_H
#define BASE_PRINTF_H

#include <base/compiler.h>
#include <stdarg.h>
#include <stddef.h>

/*
 * Where vformat sends its output: len bytes at s (not NUL-terminated, and
 * possibly containing NUL bytes from %c), together with the ctx pointer the
 * caller of vformat gave. Called once per piece of output: a run of
 * literal text, the digits of a number, a block of padding. len is never 0.
 * A sink has no way to report an error or to stop the formatter.
 */
typedef void (*fmt_sink_fn)(void *ctx, const char *s, size_t len);

/*
 * Format fmt with the arguments in ap and send the output, in order, to
 * sink(ctx, ...). sink must not be NULL; fmt must be a NUL-terminated
 * string. Reads ap through a copy, so the caller's ap stays usable (and must
 * be ended by the caller as usual).
 *
 * Returns the number of bytes sent to the sink, or -1 if the output would
 * exceed INT_MAX bytes (see "Length limit" above).
 */
int vformat(fmt_sink_fn sink, void *ctx, const char *fmt, va_list ap) __printf_like(3, 0);

/*
 * Format into buf, a buffer of size bytes. When size is 0, nothing is
 * written and buf may be NULL. Otherwise at most size - 1 bytes of output
 * are stored and a NUL always follows them, so the output is cut short when
 * it does not fit.
 *
 * Returns the length the full output has (not counting the NUL), whatever
 * size is, so the output was truncated exactly when the result is >= size;
 * or -1 if that length would exceed INT_MAX (buf then holds, NUL-terminated,
 * the part formatted before the limit was hit).
 */
int vsnprintf(char *restrict buf, size_t size, const char *restrict fmt, va_list ap)
	__printf_like(3, 0);

/* Like vsnprintf, with the arguments given directly. */
int snprintf(char *restrict buf, size_t size, const char *restrict fmt, ...) __printf_like(3, 4);

/*
 * Format and write the result with base_write() (see <base/hooks.h>). The
 * output is collected in a small buffer on the stack and handed to
 * base_write whenever the buffer is full and at the end, so base_write sees
 * a few large chunks rather than many small ones; a single piece longer than
 * the buffer goes to base_write directly. The buffer takes 128 bytes of
 * stack, on top of the formatter's own few dozen.
 *
 * Returns the number of bytes written, or -1 as vformat.
 */
int vprintf(const char *restrict fmt, va_list ap) __printf_like(1, 0);

/* Like vprintf, with the arguments given directly. */
int printf(const char *restrict fmt, ...) __printf_like(1, 2);

#endif /* BASE_PRINTF_H */
