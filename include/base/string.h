/*
 * include/base/string.h - memory and string functions.
 *
 * The C library functions of the same names, with their standard
 * signatures and meaning, so that code (and the compiler, which may emit
 * calls to memcpy, memset, memmove and memcmp on its own) finds them where
 * it expects them. Strings are arrays of char ended by a NUL ('\0'); all
 * comparisons treat bytes as unsigned char, as the C standard requires.
 *
 * Common rules, as in C: every pointer must be valid for the bytes the
 * function reads or writes, even when a size argument would allow a NULL
 * pointer (exception: pointers are never used when a size is 0). Overlapping
 * source and destination are only allowed where a function says so; the
 * restrict-qualified parameters are the ones that must not overlap.
 * No function here can fail or report an error.
 *
 * strcpy, strcat and strncpy are deliberately missing: the first two cannot
 * know the destination size, and strncpy does not always NUL-terminate.
 * Use strlcpy and strlcat, which take the full destination size and always
 * terminate.
 */
#ifndef BASE_STRING_H
#define BASE_STRING_H

#include <stddef.h>

/*
 * Memory blocks (base/mem.c). These four work a machine word at a time
 * and are the hot paths of the whole library.
 */

/* Copy n bytes from src to dst; the blocks must not overlap. Returns dst. */
void *memcpy(void *restrict dst, const void *restrict src, size_t n);

/* Copy n bytes from src to dst; the blocks may overlap. Returns dst. */
void *memmove(void *dst, const void *src, size_t n);

/* Set the n bytes at dst to (unsigned char)c; higher bits of c are ignored. Returns dst. */
void *memset(void *dst, int c, size_t n);

/*
 * Compare the first n bytes of a and b as unsigned char. Returns 0 when they
 * are equal (always for n == 0), otherwise a value less or greater than 0
 * when the first differing byte is smaller or greater in a than in b.
 */
int memcmp(const void *a, const void *b, size_t n);

/*
 * Return a pointer to the first byte equal to (unsigned char)c among the
 * first n bytes at s, or NULL if there is none. Stops reading at the match.
 */
void *memchr(const void *s, int c, size_t n);

/*
 * NUL-terminated strings (base/string.c).
 */

/* Number of bytes in s before its terminating NUL. */
size_t strlen(const char *s);

/*
 * Like strlen, but look at most at maxlen bytes: returns maxlen when there is
 * no NUL among them. s need not be terminated within maxlen bytes.
 */
size_t strnlen(const char *s, size_t maxlen);

/* Compare a and b as unsigned chars; result as for memcmp. */
int strcmp(const char *a, const char *b);

/* Like strcmp, but compare at most the first n bytes; 0 when n == 0. */
int strncmp(const char *a, const char *b, size_t n);

/*
 * First occurrence of (char)c in s, or NULL. The terminating NUL counts as
 * part of the string, so strchr(s, '\0') returns a pointer to it.
 */
char *strchr(const char *s, int c);

/* Like strchr, but the last occurrence. */
char *strrchr(const char *s, int c);

/*
 * First occurrence of the string needle inside haystack, or NULL. An empty
 * needle matches at the start: the result is haystack. Simple quadratic
 * search, meant for short strings such as command lines.
 */
char *strstr(const char *haystack, const char *needle);

/* Length of the initial part of s made only of bytes found in accept. */
size_t strspn(const char *s, const char *accept);

/* Length of the initial part of s made only of bytes NOT found in reject. */
size_t strcspn(const char *s, const char *reject);

/*
 * Copy the string src into dst, a buffer of size bytes, truncating if needed
 * and NUL-terminating whenever size > 0 (size == 0 writes nothing). Returns
 * strlen(src), the length of the string it tried to create, so the copy was
 * truncated exactly when the result is >= size. Always reads all of src.
 */
size_t strlcpy(char *restrict dst, const char *restrict src, size_t size);

/*
 * Append the string src to the string in dst, a buffer of size bytes in
 * total, truncating if needed and NUL-terminating. Returns the length of the
 * string it tried to create: strlen(dst) + strlen(src), measured before the
 * call, so truncation happened exactly when the result is >= size. If dst
 * holds no NUL within its size bytes, nothing is written and the result is
 * size + strlen(src).
 */
size_t strlcat(char *restrict dst, const char *restrict src, size_t size);

#endif /* BASE_STRING_H */
