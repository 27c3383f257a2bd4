/*
 * base/mem.c - memcpy, memmove, memset, memcmp and memchr.
 *
 * The first four are the functions a kernel calls most often on large
 * blocks, and the compiler calls them on its own for struct copies and
 * initialisations, so they move a machine word at a time instead of a byte
 * at a time. They all follow the same plan:
 *
 *   1. Blocks shorter than two words are handled without any loop, by one
 *      move of 8, 4, 2 and 1 bytes for each bit set in the length.
 *   2. Otherwise, the same loop-free code moves the few "head" bytes that
 *      bring the destination to a word boundary,
 *   3. then a loop moves whole words (four per iteration where it pays off),
 *   4. and the loop-free code moves the remaining "tail" bytes.
 *
 * Two rules keep this both correct and friendly to AddressSanitizer:
 *
 *   - Memory is only ever touched inside [src, src + n) and [dst, dst + n).
 *     A popular trick is to read the whole aligned word that contains the
 *     first or last byte, which cannot fault on real hardware but reads
 *     bytes that belong to somebody else; we never do that.
 *   - Words are loaded and stored through __builtin_memcpy with a constant
 *     size. That is the portable way to say "a load of this many bytes from
 *     an address of unknown alignment" without breaking C's aliasing rules;
 *     compilers turn it into a single load or store instruction where the
 *     CPU allows unaligned access, and into a safe sequence elsewhere. When
 *     the address is known to be aligned we say so with
 *     __builtin_assume_aligned, which gives every target a plain word access.
 *
 * Careful with compilers: a loop that copies or clears memory is exactly
 * what an optimiser likes to replace with a call to memcpy or memset, and
 * doing that inside memcpy itself would recurse forever. The kernel is built
 * with -ffreestanding (which implies -fno-builtin) and the hosted tests with
 * -fno-builtin -fno-tree-loop-distribute-patterns, which forbid that
 * rewrite; in addition, the code here keeps byte loops out of the copy and
 * fill paths entirely.
 */
#include <base/compiler.h>
#include <base/string.h>
#include <stdbool.h>
#include <stdint.h>

/* The unit of the fast loops: one general-purpose register. */
typedef uintptr_t word;

#define WORD_SIZE sizeof(word)
#define WORD_MASK (WORD_SIZE - 1)

/* The head and tail helpers move at most 15 bytes, so a word must fit in 8. */
STATIC_ASSERT(sizeof(word) <= 8 && (sizeof(word) & (sizeof(word) - 1)) == 0,
	      "the machine word must be a power of two of at most 8 bytes");

/* Below this many bytes, the loop-free code does the whole job. */
#define SMALL_LIMIT (2 * WORD_SIZE)

/*
 * Word access helpers.
 */

static __always_inline word load_word(const unsigned char *p, bool aligned)
{
	word w;

	if (aligned)
		__builtin_memcpy(&w, __builtin_assume_aligned(p, WORD_SIZE), sizeof(w));
	else
		__builtin_memcpy(&w, p, sizeof(w));
	return w;
}

/* Our destinations are always word-aligned once the head is done. */
static __always_inline void store_word(unsigned char *p, word w)
{
	__builtin_memcpy(__builtin_assume_aligned(p, WORD_SIZE), &w, sizeof(w));
}

/*
 * Move one object of type T from s to d, both of any alignment. The value
 * is loaded completely before it is stored, so this is also correct when
 * the two ranges overlap, which memmove relies on.
 */
#define MOVE_AS(T, d, s)                                              \
	do {                                                          \
		T move_tmp_;                                          \
		__builtin_memcpy(&move_tmp_, (s), sizeof(move_tmp_)); \
		__builtin_memcpy((d), &move_tmp_, sizeof(move_tmp_)); \
	} while (0)

/*
 * Copying.
 */

/*
 * Copy n < 16 bytes from s to d, lowest addresses first. Each chunk is read
 * entirely before it is written, so when the ranges overlap with d below s,
 * no byte is overwritten before it has been read.
 */
static __always_inline void copy_lt16_forward(unsigned char *d, const unsigned char *s, size_t n)
{
	if (n & 8) {
		MOVE_AS(uint64_t, d, s);
		d += 8;
		s += 8;
	}
	if (n & 4) {
		MOVE_AS(uint32_t, d, s);
		d += 4;
		s += 4;
	}
	if (n & 2) {
		MOVE_AS(uint16_t, d, s);
		d += 2;
		s += 2;
	}
	if (n & 1)
		*d = *s;
}

/*
 * Copy the n < 16 bytes that END at d_end and s_end, highest addresses
 * first: the mirror image of copy_lt16_forward, safe when d is above s.
 */
static __always_inline void copy_lt16_backward(unsigned char *d_end, const unsigned char *s_end,
					       size_t n)
{
	if (n & 8) {
		d_end -= 8;
		s_end -= 8;
		MOVE_AS(uint64_t, d_end, s_end);
	}
	if (n & 4) {
		d_end -= 4;
		s_end -= 4;
		MOVE_AS(uint32_t, d_end, s_end);
	}
	if (n & 2) {
		d_end -= 2;
		s_end -= 2;
		MOVE_AS(uint16_t, d_end, s_end);
	}
	if (n & 1)
		d_end[-1] = s_end[-1];
}

/*
 * Copy nwords words from s to the word-aligned d, lowest first. The four
 * loads of an iteration all happen before its four stores, which is safe
 * for overlapping ranges with d below s (the stores only hit source bytes
 * that have been loaded already). src_aligned is a constant at each call
 * site, so the compiler generates one loop with aligned loads and one with
 * unaligned loads.
 */
static __always_inline void copy_words_forward(unsigned char *d, const unsigned char *s,
					       size_t nwords, bool src_aligned)
{
	for (; nwords >= 4; nwords -= 4) {
		word w0 = load_word(s, src_aligned);
		word w1 = load_word(s + WORD_SIZE, src_aligned);
		word w2 = load_word(s + 2 * WORD_SIZE, src_aligned);
		word w3 = load_word(s + 3 * WORD_SIZE, src_aligned);

		store_word(d, w0);
		store_word(d + WORD_SIZE, w1);
		store_word(d + 2 * WORD_SIZE, w2);
		store_word(d + 3 * WORD_SIZE, w3);
		d += 4 * WORD_SIZE;
		s += 4 * WORD_SIZE;
	}
	for (; nwords > 0; nwords--) {
		store_word(d, load_word(s, src_aligned));
		d += WORD_SIZE;
		s += WORD_SIZE;
	}
}

/* The mirror image of copy_words_forward: the words that END at d_end and s_end. */
static __always_inline void copy_words_backward(unsigned char *d_end, const unsigned char *s_end,
						size_t nwords, bool src_aligned)
{
	for (; nwords >= 4; nwords -= 4) {
		word w3 = load_word(s_end - WORD_SIZE, src_aligned);
		word w2 = load_word(s_end - 2 * WORD_SIZE, src_aligned);
		word w1 = load_word(s_end - 3 * WORD_SIZE, src_aligned);
		word w0 = load_word(s_end - 4 * WORD_SIZE, src_aligned);

		store_word(d_end - WORD_SIZE, w3);
		store_word(d_end - 2 * WORD_SIZE, w2);
		store_word(d_end - 3 * WORD_SIZE, w1);
		store_word(d_end - 4 * WORD_SIZE, w0);
		d_end -= 4 * WORD_SIZE;
		s_end -= 4 * WORD_SIZE;
	}
	for (; nwords > 0; nwords--) {
		d_end -= WORD_SIZE;
		s_end -= WORD_SIZE;
		store_word(d_end, load_word(s_end, src_aligned));
	}
}

/* Copy n bytes, lowest addresses first. Correct for any overlap with d <= s. */
static void copy_forward(unsigned char *d, const unsigned char *s, size_t n)
{
	if (n < SMALL_LIMIT) {
		copy_lt16_forward(d, s, n);
		return;
	}

	/* Bytes up to the next word boundary of d (0 if d is aligned). */
	size_t head = (0 - (uintptr_t)d) & WORD_MASK;

	copy_lt16_forward(d, s, head);
	d += head;
	s += head;
	n -= head;

	size_t nwords = n / WORD_SIZE;

	if (((uintptr_t)s & WORD_MASK) == 0)
		copy_words_forward(d, s, nwords, true);
	else
		copy_words_forward(d, s, nwords, false);
	d += nwords * WORD_SIZE;
	s += nwords * WORD_SIZE;

	copy_lt16_forward(d, s, n & WORD_MASK);
}

/* Copy n bytes, highest addresses first. Correct for any overlap with d >= s. */
static void copy_backward(unsigned char *d, const unsigned char *s, size_t n)
{
	unsigned char *d_end = d + n;
	const unsigned char *s_end = s + n;

	if (n < SMALL_LIMIT) {
		copy_lt16_backward(d_end, s_end, n);
		return;
	}

	/* Bytes down to the previous word boundary of d_end. */
	size_t head = (uintptr_t)d_end & WORD_MASK;

	copy_lt16_backward(d_end, s_end, head);
	d_end -= head;
	s_end -= head;
	n -= head;

	size_t nwords = n / WORD_SIZE;

	if (((uintptr_t)s_end & WORD_MASK) == 0)
		copy_words_backward(d_end, s_end, nwords, true);
	else
		copy_words_backward(d_end, s_end, nwords, false);
	d_end -= nwords * WORD_SIZE;
	s_end -= nwords * WORD_SIZE;

	copy_lt16_backward(d_end, s_end, n & WORD_MASK);
}

void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
	copy_forward(dst, src, n);
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	/*
	 * Forward copying is safe unless d lies inside (s, s + n): then the
	 * start of the destination would overwrite source bytes not read yet.
	 * Comparing pointers to different objects with < is undefined in C, so
	 * compare addresses as integers. The unsigned difference d - s is below
	 * n exactly when s <= d < s + n (if d < s it wraps to a huge value).
	 * d == s needs no copying at all.
	 */
	if (dst == src)
		return dst;
	if ((uintptr_t)dst - (uintptr_t)src >= n)
		copy_forward(dst, src, n);
	else
		copy_backward(dst, src, n);
	return dst;
}

/*
 * Filling.
 */

/* Store the low n < 16 bytes' worth of the repeated-byte pattern at d. */
static __always_inline void fill_lt16(unsigned char *d, uint64_t pattern, size_t n)
{
	if (n & 8) {
		__builtin_memcpy(d, &pattern, 8);
		d += 8;
	}
	/*
	 * Every byte of pattern is the same, so storing its first 4, 2 or 1
	 * bytes stores the right value on either byte order.
	 */
	if (n & 4) {
		__builtin_memcpy(d, &pattern, 4);
		d += 4;
	}
	if (n & 2) {
		__builtin_memcpy(d, &pattern, 2);
		d += 2;
	}
	if (n & 1)
		*d = (unsigned char)pattern;
}

void *memset(void *dst, int c, size_t n)
{
	unsigned char *d = dst;
	/* 0x0101...01 times the byte repeats the byte in every position. */
	uint64_t pattern = (unsigned char)c * UINT64_C(0x0101010101010101);

	if (n < SMALL_LIMIT) {
		fill_lt16(d, pattern, n);
		return dst;
	}

	size_t head = (0 - (uintptr_t)d) & WORD_MASK;

	fill_lt16(d, pattern, head);
	d += head;
	n -= head;

	word w = (word)pattern;

	for (; n >= 4 * WORD_SIZE; n -= 4 * WORD_SIZE) {
		store_word(d, w);
		store_word(d + WORD_SIZE, w);
		store_word(d + 2 * WORD_SIZE, w);
		store_word(d + 3 * WORD_SIZE, w);
		d += 4 * WORD_SIZE;
	}
	for (; n >= WORD_SIZE; n -= WORD_SIZE) {
		store_word(d, w);
		d += WORD_SIZE;
	}

	fill_lt16(d, pattern, n);
	return dst;
}

/*
 * Comparing.
 */

/* Byte-wise memcmp: the sign of the first difference, compared unsigned. */
static int compare_bytes(const unsigned char *a, const unsigned char *b, size_t n)
{
	for (; n > 0; n--, a++, b++) {
		if (*a != *b)
			return *a < *b ? -1 : 1;
	}
	return 0;
}

/*
 * Number of leading words, out of nwords, that are equal at the
 * word-aligned a and at b. b_aligned is a constant at each call site.
 */
static __always_inline size_t equal_words(const unsigned char *a, const unsigned char *b,
					  size_t nwords, bool b_aligned)
{
	size_t i;

	for (i = 0; i < nwords; i++) {
		if (load_word(a, true) != load_word(b, b_aligned))
			break;
		a += WORD_SIZE;
		b += WORD_SIZE;
	}
	return i;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *p = a;
	const unsigned char *q = b;

	if (n >= SMALL_LIMIT) {
		size_t head = (0 - (uintptr_t)p) & WORD_MASK;
		int r = compare_bytes(p, q, head);

		if (r != 0)
			return r;
		p += head;
		q += head;
		n -= head;

		/*
		 * Skip the words that are equal. Where the first unequal word
		 * lies, the byte loop below finds the first differing byte
		 * within it, which keeps the result independent of byte order.
		 */
		size_t nwords = n / WORD_SIZE;
		size_t same;

		if (((uintptr_t)q & WORD_MASK) == 0)
			same = equal_words(p, q, nwords, true);
		else
			same = equal_words(p, q, nwords, false);
		p += same * WORD_SIZE;
		q += same * WORD_SIZE;
		n -= same * WORD_SIZE;
	}
	return compare_bytes(p, q, n);
}

/*
 * Searching. memchr stops at the first match and is used on short ranges,
 * so a byte loop is the clearest implementation.
 */

void *memchr(const void *s, int c, size_t n)
{
	const unsigned char *p = s;
	unsigned char target = (unsigned char)c;

	for (; n > 0; n--, p++) {
		if (*p == target)
			return (void *)p;
	}
	return NULL;
}
