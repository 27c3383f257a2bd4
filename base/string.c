/*
 * base/string.c - functions on NUL-terminated strings.
 *
 * These are simple byte loops on purpose. Word-at-a-time tricks for
 * strings (such as finding the NUL in a word with bit arithmetic) have to
 * read the whole word that holds the terminator, i.e. bytes past the end
 * of the string. That is harmless on real hardware but it is exactly what
 * AddressSanitizer reports, and the strings a kernel handles (command
 * lines, names) are short anyway.
 *
 * All comparisons go through unsigned char, as C requires, so that bytes
 * 0x80..0xff sort after ASCII whatever the signedness of char.
 */
#include <base/string.h>
#include <stdbool.h>
#include <stdint.h>

size_t strlen(const char *s)
{
	const char *p = s;

	while (*p != '\0')
		p++;
	return (size_t)(p - s);
}

size_t strnlen(const char *s, size_t maxlen)
{
	size_t n = 0;

	while (n < maxlen && s[n] != '\0')
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	const unsigned char *p = (const unsigned char *)a;
	const unsigned char *q = (const unsigned char *)b;

	/* Stop at the first difference, or at the end of both strings. */
	while (*p == *q && *p != '\0') {
		p++;
		q++;
	}
	return (*p > *q) - (*p < *q);
}

int strncmp(const char *a, const char *b, size_t n)
{
	const unsigned char *p = (const unsigned char *)a;
	const unsigned char *q = (const unsigned char *)b;

	for (; n > 0; n--, p++, q++) {
		if (*p != *q)
			return *p < *q ? -1 : 1;
		if (*p == '\0')
			return 0;
	}
	return 0;
}

char *strchr(const char *s, int c)
{
	const char target = (char)c;

	for (;; s++) {
		if (*s == target)
			return (char *)s;
		if (*s == '\0')
			return NULL;
	}
}

char *strrchr(const char *s, int c)
{
	const char target = (char)c;
	const char *last = NULL;

	/* The terminator is part of the string, so it is tested as well. */
	for (;; s++) {
		if (*s == target)
			last = s;
		if (*s == '\0')
			return (char *)last;
	}
}

char *strstr(const char *haystack, const char *needle)
{
	size_t needle_len = strlen(needle);

	if (needle_len == 0)
		return (char *)haystack;

	/*
	 * Try each position in turn. strncmp stops at the end of haystack,
	 * so a needle longer than what is left never matches and never reads
	 * past the haystack's terminator.
	 */
	for (; *haystack != '\0'; haystack++) {
		if (*haystack == *needle && strncmp(haystack, needle, needle_len) == 0)
			return (char *)haystack;
	}
	return NULL;
}

/*
 * A set of byte values, one bit per value, for strspn and strcspn: building
 * it costs one pass over the set, after which each byte of the scanned
 * string is tested in constant time.
 */
struct byte_set {
	uint64_t bits[4];
};

static void byte_set_init(struct byte_set *set, const char *members)
{
	set->bits[0] = set->bits[1] = set->bits[2] = set->bits[3] = 0;
	for (const unsigned char *p = (const unsigned char *)members; *p != '\0'; p++)
		set->bits[*p / 64] |= UINT64_C(1) << (*p % 64);
}

static bool byte_set_has(const struct byte_set *set, unsigned char c)
{
	return (set->bits[c / 64] >> (c % 64)) & 1;
}

size_t strspn(const char *s, const char *accept)
{
	struct byte_set set;
	const unsigned char *p = (const unsigned char *)s;

	byte_set_init(&set, accept);
	/* The NUL is never in the set, so the loop stops at the end of s. */
	while (byte_set_has(&set, *p))
		p++;
	return (size_t)(p - (const unsigned char *)s);
}

size_t strcspn(const char *s, const char *reject)
{
	struct byte_set set;
	const unsigned char *p = (const unsigned char *)s;

	byte_set_init(&set, reject);
	while (*p != '\0' && !byte_set_has(&set, *p))
		p++;
	return (size_t)(p - (const unsigned char *)s);
}

size_t strlcpy(char *restrict dst, const char *restrict src, size_t size)
{
	size_t src_len = strlen(src);

	if (size > 0) {
		size_t n = src_len < size - 1 ? src_len : size - 1;

		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return src_len;
}

size_t strlcat(char *restrict dst, const char *restrict src, size_t size)
{
	/* Never look for the end of dst beyond its buffer. */
	size_t dst_len = strnlen(dst, size);
	size_t src_len = strlen(src);

	/* No NUL within size bytes: dst is not a string that fits; leave it alone. */
	if (dst_len == size)
		return size + src_len;

	size_t room = size - dst_len - 1;
	size_t n = src_len < room ? src_len : room;

	memcpy(dst + dst_len, src, n);
	dst[dst_len + n] = '\0';
	return dst_len + src_len;
}
