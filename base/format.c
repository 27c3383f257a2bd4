/*
 * base/format.c - vformat(), the formatter behind printf, snprintf and friends.
 *
 * The work is split in three stages, each in its own functions:
 *
 *   1. parse_spec() reads one conversion specification ("%-08.3lx") into a
 *      struct spec, fetching the '*' width and precision arguments.
 *   2. convert() fetches the argument with the type the spec asks for and
 *      hands it to an emitter: emit_integer() for d i u o x X p, and
 *      emit_padded() for c s and "(nil)".
 *   3. The emitters send pieces of output (padding, sign, digits, text)
 *      through emit() to the caller's sink, which counts them and enforces
 *      the INT_MAX limit on the total.
 *
 * vformat() drives the stages; vsnprintf() and vprintf() (base/printf.c)
 * are vformat() with two particular sinks. The formatter never allocates
 * memory and uses only a few dozen bytes of stack.
 */
#include <base/compiler.h>
#include <base/printf.h>
#include <base/string.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

/*
 * Output.
 */

/* The state of one call to vformat. */
struct out {
	fmt_sink_fn sink;
	void *ctx;
	int total;     /* bytes sent to the sink so far; never above INT_MAX */
	bool overflow; /* the output would exceed INT_MAX bytes: stop sending */
};

/*
 * Send one piece of output to the sink, unless that would take the total
 * past INT_MAX: then nothing more is ever sent and vformat returns -1.
 */
static void emit(struct out *out, const char *s, size_t len)
{
	if (out->overflow || len == 0)
		return;
	if (len > (size_t)(INT_MAX - out->total)) {
		out->overflow = true;
		return;
	}
	out->sink(out->ctx, s, len);
	out->total += (int)len;
}

/* Send count copies of the byte c, in pieces of up to 32 bytes. */
static void emit_repeated(struct out *out, char c, size_t count)
{
	char chunk[32];

	if (count == 0)
		return;
	/* Fail before the loop, rather than after sending 2 GiB of padding. */
	if (count > (size_t)(INT_MAX - out->total)) {
		out->overflow = true;
		return;
	}
	memset(chunk, c, count < sizeof(chunk) ? count : sizeof(chunk));
	while (count > 0 && !out->overflow) {
		size_t n = count < sizeof(chunk) ? count : sizeof(chunk);

		emit(out, chunk, n);
		count -= n;
	}
}

/*
 * Specifications.
 */

enum {
	FLAG_LEFT = 1 << 0,  /* '-': pad on the right */
	FLAG_PLUS = 1 << 1,  /* '+': "+" before non-negative signed numbers */
	FLAG_SPACE = 1 << 2, /* ' ': " " before non-negative signed numbers */
	FLAG_ALT = 1 << 3,   /* '#': alternate form (0 for octal, 0x for hex) */
	FLAG_ZERO = 1 << 4,  /* '0': pad numbers with zeros */
};

/* The length modifier: which integer type the argument has. */
enum length {
	LEN_NONE, /* int */
	LEN_HH,	  /* char */
	LEN_H,	  /* short */
	LEN_L,	  /* long */
	LEN_LL,	  /* long long */
	LEN_Z,	  /* size_t */
	LEN_J,	  /* intmax_t */
	LEN_T,	  /* ptrdiff_t */
};

/* One parsed conversion specification. */
struct spec {
	unsigned flags;	    /* FLAG_* bits */
	int width;	    /* minimum field width; 0 when absent */
	int precision;	    /* -1 when absent */
	enum length length; /* LEN_NONE when absent */
	char conv;	    /* the conversion character; '\0' if the format ended early */
	bool too_large;	    /* a width or precision does not fit in an int */
};

static unsigned flag_bit(char c)
{
	switch (c) {
	case '-':
		return FLAG_LEFT;
	case '+':
		return FLAG_PLUS;
	case ' ':
		return FLAG_SPACE;
	case '#':
		return FLAG_ALT;
	case '0':
		return FLAG_ZERO;
	default:
		return 0;
	}
}

/*
 * Read a decimal number at *p (possibly no digit at all, which gives 0)
 * into *value. Sets spec->too_large if it exceeds INT_MAX. Returns the
 * position after the digits.
 */
static const char *parse_number(const char *p, int *value, struct spec *spec)
{
	int n = 0;

	for (; *p >= '0' && *p <= '9'; p++) {
		int digit = *p - '0';

		if (n > (INT_MAX - digit) / 10)
			spec->too_large = true;
		else
			n = n * 10 + digit;
	}
	*value = n;
	return p;
}

/*
 * Parse the specification that starts at p, just after its '%', into spec,
 * reading '*' arguments from ap. Returns the position after the conversion
 * character (or at the terminating NUL if the format ends first).
 */
static const char *parse_spec(const char *p, struct spec *spec, va_list *ap)
{
	unsigned bit;

	spec->flags = 0;
	spec->width = 0;
	spec->precision = -1;
	spec->length = LEN_NONE;
	spec->too_large = false;

	while ((bit = flag_bit(*p)) != 0) {
		spec->flags |= bit;
		p++;
	}

	if (*p == '*') {
		int width = va_arg(*ap, int);

		p++;
		if (width < 0) {
			/* A negative width is the '-' flag. -INT_MIN is not an int. */
			spec->flags |= FLAG_LEFT;
			if (width == INT_MIN)
				spec->too_large = true;
			else
				width = -width;
		}
		spec->width = width;
	} else {
		p = parse_number(p, &spec->width, spec);
	}

	if (*p == '.') {
		p++;
		if (*p == '*') {
			int precision = va_arg(*ap, int);

			p++;
			/* A negative precision is taken as if it were omitted. */
			spec->precision = precision < 0 ? -1 : precision;
		} else {
			p = parse_number(p, &spec->precision, spec);
		}
	}

	switch (*p) {
	case 'h':
		p++;
		spec->length = LEN_H;
		if (*p == 'h') {
			p++;
			spec->length = LEN_HH;
		}
		break;
	case 'l':
		p++;
		spec->length = LEN_L;
		if (*p == 'l') {
			p++;
			spec->length = LEN_LL;
		}
		break;
	case 'z':
		p++;
		spec->length = LEN_Z;
		break;
	case 'j':
		p++;
		spec->length = LEN_J;
		break;
	case 't':
		p++;
		spec->length = LEN_T;
		break;
	default:
		break;
	}

	spec->conv = *p;
	if (*p != '\0')
		p++;
	return p;
}

/*
 * Arguments.
 */

/* %zd takes "the signed type of size_t"; on every target we support that is ptrdiff_t. */
STATIC_ASSERT(sizeof(ptrdiff_t) == sizeof(size_t), "ptrdiff_t and size_t differ in size");

/*
 * Fetch a signed integer argument of the type length names. Types narrower
 * than int arrive promoted to int and are converted back, as C specifies.
 */
static intmax_t fetch_signed(enum length length, va_list *ap)
{
	switch (length) {
	case LEN_HH:
		return (signed char)va_arg(*ap, int);
	case LEN_H:
		return (short)va_arg(*ap, int);
	case LEN_L:
		return va_arg(*ap, long);
	case LEN_LL:
		return va_arg(*ap, long long);
	case LEN_Z:
	case LEN_T:
		return va_arg(*ap, ptrdiff_t);
	case LEN_J:
		return va_arg(*ap, intmax_t);
	case LEN_NONE:
	default:
		return va_arg(*ap, int);
	}
}

/* Fetch an unsigned integer argument of the type length names. */
static uintmax_t fetch_unsigned(enum length length, va_list *ap)
{
	switch (length) {
	case LEN_HH:
		return (unsigned char)va_arg(*ap, unsigned int);
	case LEN_H:
		return (unsigned short)va_arg(*ap, unsigned int);
	case LEN_L:
		return va_arg(*ap, unsigned long);
	case LEN_LL:
		return va_arg(*ap, unsigned long long);
	case LEN_Z:
		return va_arg(*ap, size_t);
	case LEN_T:
		/* The unsigned type of ptrdiff_t has the size of size_t. */
		return (size_t)va_arg(*ap, ptrdiff_t);
	case LEN_J:
		return va_arg(*ap, uintmax_t);
	case LEN_NONE:
	default:
		return va_arg(*ap, unsigned int);
	}
}

/*
 * Emitters.
 */

/* Send len bytes of s, padded with spaces to the field width. */
static void emit_padded(struct out *out, const struct spec *spec, const char *s, size_t len)
{
	size_t width = (size_t)spec->width;
	size_t pad = width > len ? width - len : 0;

	if (!(spec->flags & FLAG_LEFT))
		emit_repeated(out, ' ', pad);
	emit(out, s, len);
	if (spec->flags & FLAG_LEFT)
		emit_repeated(out, ' ', pad);
}

/* Enough for the 22 octal digits of a 64-bit value. */
#define MAX_DIGITS 24
STATIC_ASSERT(sizeof(uintmax_t) <= 8, "MAX_DIGITS is too small for uintmax_t");

/*
 * Send an integer whose absolute value is magnitude, in base 8, 10 or 16.
 * sign is the character to put in front ('-', '+' or ' '), or '\0' for
 * none; the caller decides it from the value and the flags. The field is
 * laid out as:
 *
 *	[spaces] [sign] [0x] [zeros] digits [spaces]
 *
 * where the zeros come from the precision (minimum number of digits), from
 * '#' with octal, and from the '0' flag filling the width.
 */
static void emit_integer(struct out *out, const struct spec *spec, uintmax_t magnitude, char sign,
			 unsigned base, bool upper)
{
	const char *digit_chars = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char digits[MAX_DIGITS];
	char *first = digits + sizeof(digits);
	bool is_zero = magnitude == 0;

	/* A zero with precision 0 has no digits at all: "%.0d" of 0 is "". */
	if (!(is_zero && spec->precision == 0)) {
		do {
			*--first = digit_chars[magnitude % base];
			magnitude /= base;
		} while (magnitude != 0);
	}
	size_t ndigits = (size_t)(digits + sizeof(digits) - first);

	char prefix[3];
	size_t prefix_len = 0;

	if (sign != '\0')
		prefix[prefix_len++] = sign;
	if ((spec->flags & FLAG_ALT) && base == 16 && !is_zero) {
		prefix[prefix_len++] = '0';
		prefix[prefix_len++] = upper ? 'X' : 'x';
	}

	size_t precision = spec->precision < 0 ? 0 : (size_t)spec->precision;
	size_t zeros = precision > ndigits ? precision - ndigits : 0;

	/* '#' with octal: make sure the first digit printed is a 0. */
	if ((spec->flags & FLAG_ALT) && base == 8 && zeros == 0 && (ndigits == 0 || *first != '0'))
		zeros = 1;

	size_t body = prefix_len + zeros + ndigits;
	size_t width = (size_t)spec->width;
	size_t pad = width > body ? width - body : 0;

	/* The '0' flag pads with zeros, unless '-' or a precision overrides it. */
	if ((spec->flags & FLAG_ZERO) && !(spec->flags & FLAG_LEFT) && spec->precision < 0) {
		zeros += pad;
		pad = 0;
	}

	if (!(spec->flags & FLAG_LEFT))
		emit_repeated(out, ' ', pad);
	emit(out, prefix, prefix_len);
	emit_repeated(out, '0', zeros);
	emit(out, first, ndigits);
	if (spec->flags & FLAG_LEFT)
		emit_repeated(out, ' ', pad);
}

/* The sign character for a signed conversion, given the flags. */
static char sign_for(const struct spec *spec, bool negative)
{
	if (negative)
		return '-';
	if (spec->flags & FLAG_PLUS)
		return '+';
	if (spec->flags & FLAG_SPACE)
		return ' ';
	return '\0';
}

/*
 * Fetch the argument for spec and send its formatted text. Returns false,
 * without touching the arguments, if the conversion is unknown.
 */
static bool convert(struct out *out, const struct spec *spec, va_list *ap)
{
	switch (spec->conv) {
	case 'd':
	case 'i': {
		intmax_t value = fetch_signed(spec->length, ap);
		/* Negate in unsigned arithmetic: -INTMAX_MIN does not fit in intmax_t. */
		uintmax_t magnitude = value < 0 ? 0 - (uintmax_t)value : (uintmax_t)value;

		emit_integer(out, spec, magnitude, sign_for(spec, value < 0), 10, false);
		return true;
	}
	case 'u':
		emit_integer(out, spec, fetch_unsigned(spec->length, ap), '\0', 10, false);
		return true;
	case 'o':
		emit_integer(out, spec, fetch_unsigned(spec->length, ap), '\0', 8, false);
		return true;
	case 'x':
	case 'X':
		emit_integer(out, spec, fetch_unsigned(spec->length, ap), '\0', 16,
			     spec->conv == 'X');
		return true;
	case 'c': {
		if (spec->length != LEN_NONE)
			return false; /* %lc: wide characters are not supported */
		char c = (char)(unsigned char)va_arg(*ap, int);

		emit_padded(out, spec, &c, 1);
		return true;
	}
	case 's': {
		if (spec->length != LEN_NONE)
			return false; /* %ls: wide strings are not supported */
		const char *s = va_arg(*ap, const char *);

		if (s == NULL)
			s = (spec->precision < 0 || spec->precision >= 6) ? "(null)" : "";
		/* With a precision, s need not be NUL-terminated: never read further. */
		size_t len = spec->precision < 0 ? strlen(s) : strnlen(s, (size_t)spec->precision);

		emit_padded(out, spec, s, len);
		return true;
	}
	case 'p': {
		if (spec->length != LEN_NONE)
			return false;
		const void *ptr = va_arg(*ap, const void *);

		if (ptr == NULL) {
			emit_padded(out, spec, "(nil)", 5);
		} else {
			/* As %#lx: the prefix is forced, sign flags do not apply. */
			struct spec hex = *spec;

			hex.flags = (hex.flags | FLAG_ALT) & ~(unsigned)(FLAG_PLUS | FLAG_SPACE);
			emit_integer(out, &hex, (uintptr_t)ptr, '\0', 16, false);
		}
		return true;
	}
	case '%':
		emit(out, "%", 1);
		return true;
	default:
		return false;
	}
}

/*
 * The driver.
 */

int vformat(fmt_sink_fn sink, void *ctx, const char *fmt, va_list ap)
{
	struct out out = { .sink = sink, .ctx = ctx, .total = 0, .overflow = false };
	const char *p = fmt;
	va_list args;

	/*
	 * The helpers take the argument list by pointer. Taking the address of
	 * the parameter ap would be wrong on targets where va_list is an array
	 * type (x86_64): the parameter is then really a pointer. A local copy
	 * is a true va_list object, whose address can be passed around.
	 */
	va_copy(args, ap);

	while (*p != '\0' && !out.overflow) {
		if (*p != '%') {
			/* Send the whole run of literal text up to the next '%' at once. */
			const char *start = p;

			while (*p != '\0' && *p != '%')
				p++;
			emit(&out, start, (size_t)(p - start));
			continue;
		}

		const char *percent = p;
		struct spec spec;

		p = parse_spec(p + 1, &spec, &args);
		if (spec.too_large) {
			out.overflow = true;
			break;
		}
		if (!convert(&out, &spec, &args)) {
			/*
			 * Unknown conversion: we cannot tell what its argument is,
			 * so reading any further argument could misinterpret it.
			 * Show the rest of the format as it is and stop.
			 */
			emit(&out, percent, strlen(percent));
			break;
		}
	}

	va_end(args);
	return out.overflow ? -1 : out.total;
}
