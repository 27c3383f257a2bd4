/*
 * test/base/mem_test.c - memcpy, memmove, memset, memcmp and memchr.
 *
 * The word-at-a-time code in base/mem.c has a different path for every
 * combination of length (below or above the small-block limit, whole words
 * or not) and of source and destination alignment, so the tests try them
 * all: every length 0..MAX_LEN at every pair of offsets 0..15, against a
 * byte-by-byte model written here.
 *
 * Each call works in an area with guard bytes around the destination, which
 * must come out untouched. Under AddressSanitizer the tests go further and
 * poison everything outside [src, src + n) and [dst, dst + n) during the
 * call, so that reading or writing a single byte too many, even inside an
 * aligned word, is reported.
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdlib.h>

#include <base/string.h>

#if defined(__SANITIZE_ADDRESS__)
#define TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TEST_ASAN 1
#endif
#endif

#ifdef TEST_ASAN
#include <sanitizer/asan_interface.h>
#define POISON(p, n)   __asan_poison_memory_region((p), (n))
#define UNPOISON(p, n) __asan_unpoison_memory_region((p), (n))
#else
/* Without AddressSanitizer, only the guard bytes check stray writes. */
#define POISON(p, n)   ((void)(p), (void)(n))
#define UNPOISON(p, n) ((void)(p), (void)(n))
#endif

#define MAX_LEN	  300 /* longest block tried, many words past the unrolled loop */
#define MAX_OFF	  16  /* offsets 0..15 cover every alignment of a 64-bit word */
#define GUARD	  16  /* bytes before and after the largest window */
#define AREA_SIZE (GUARD + MAX_OFF + MAX_LEN + GUARD)

/* aligned_alloc wants a size that is a multiple of the alignment. */
#define ALIGN_AREA(n) (((n) + 63) / 64 * 64)

/* A heap area, 64-byte aligned so that "offset" is the alignment. */
static unsigned char *area_new(void)
{
	unsigned char *p = aligned_alloc(64, ALIGN_AREA(AREA_SIZE));

	cr_assert_not_null(p);
	return p;
}

/*
 * Make only [win, win + n) accessible in the area: everything else becomes
 * poisoned (to the precision AddressSanitizer allows: the bytes after the
 * window exactly, the bytes before it up to its 8-byte granule).
 */
static void area_restrict(unsigned char *area, unsigned char *win, size_t n)
{
	POISON(area, (size_t)(win - area));
	POISON(win + n, (size_t)(area + AREA_SIZE - (win + n)));
}

static void area_release(unsigned char *area)
{
	UNPOISON(area, AREA_SIZE);
}

/* Contents with no repeating pattern at word distance, high bytes included. */
static void fill_source(unsigned char *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)(i * 151 + seed * 29 + 7);
}

typedef void *(*copy_fn)(void *dst, const void *src, size_t n);

/*
 * Copy n bytes between two separate areas at every pair of offsets with
 * fn, and check the destination window, the guard bytes and the result.
 */
static void check_disjoint_copy(copy_fn fn, const char *name)
{
	unsigned char *src_area = area_new();
	unsigned char *dst_area = area_new();
	unsigned char model[AREA_SIZE];

	for (size_t n = 0; n <= MAX_LEN; n++) {
		for (size_t s_off = 0; s_off < MAX_OFF; s_off++) {
			for (size_t d_off = 0; d_off < MAX_OFF; d_off++) {
				unsigned char *src = src_area + GUARD + s_off;
				unsigned char *dst = dst_area + GUARD + d_off;

				fill_source(src_area, AREA_SIZE, (unsigned)n);
				for (size_t i = 0; i < AREA_SIZE; i++)
					dst_area[i] = model[i] = (unsigned char)(0xA5 ^ i);
				for (size_t i = 0; i < n; i++)
					model[GUARD + d_off + i] = src[i];

				area_restrict(src_area, src, n);
				area_restrict(dst_area, dst, n);
				void *ret = fn(dst, src, n);
				area_release(src_area);
				area_release(dst_area);

				cr_assert_eq(ret, dst, "%s must return dst (n=%zu)", name, n);
				for (size_t i = 0; i < AREA_SIZE; i++) {
					cr_assert_eq(dst_area[i], model[i],
						     "%s n=%zu src_off=%zu dst_off=%zu: "
						     "byte %td relative to dst is wrong",
						     name, n, s_off, d_off,
						     (ptrdiff_t)i - (ptrdiff_t)(GUARD + d_off));
				}
			}
		}
	}
	free(src_area);
	free(dst_area);
}

Test(mem, memcpy_copies_every_length_at_every_alignment_without_touching_guards)
{
	check_disjoint_copy(memcpy, "memcpy");
}

Test(mem, memmove_copies_disjoint_blocks_at_every_length_and_alignment)
{
	check_disjoint_copy(memmove, "memmove");
}

Test(mem, memcpy_zero_length_copies_nothing_and_returns_dst)
{
	char a = 'a';

	cr_assert_eq(memcpy(&a, "b", 0), &a);
	cr_assert_eq(a, 'a');
}

/*
 * memmove inside one buffer: every source and destination offset pair
 * 0..OVERLAP_OFF (so both directions of overlap and dst == src), every
 * length up to OVERLAP_LEN. The model copies through a temporary buffer,
 * which is the definition of memmove.
 */
#define OVERLAP_OFF  40
#define OVERLAP_LEN  140
#define OVERLAP_AREA (GUARD + OVERLAP_OFF + OVERLAP_LEN + GUARD)

Test(mem, memmove_overlapping_copies_in_both_directions_match_copy_through_temporary)
{
	unsigned char *area = aligned_alloc(64, ALIGN_AREA(OVERLAP_AREA));
	unsigned char model[OVERLAP_AREA];
	unsigned char tmp[OVERLAP_LEN];

	cr_assert_not_null(area);
	for (size_t n = 0; n <= OVERLAP_LEN; n++) {
		for (size_t s_off = 0; s_off <= OVERLAP_OFF; s_off++) {
			for (size_t d_off = 0; d_off <= OVERLAP_OFF; d_off++) {
				unsigned char *src = area + GUARD + s_off;
				unsigned char *dst = area + GUARD + d_off;

				fill_source(area, OVERLAP_AREA, (unsigned)(n + s_off));
				for (size_t i = 0; i < OVERLAP_AREA; i++)
					model[i] = area[i];
				for (size_t i = 0; i < n; i++)
					tmp[i] = src[i];
				for (size_t i = 0; i < n; i++)
					model[GUARD + d_off + i] = tmp[i];

				void *ret = memmove(dst, src, n);

				cr_assert_eq(ret, dst);
				for (size_t i = 0; i < OVERLAP_AREA; i++) {
					cr_assert_eq(area[i], model[i],
						     "memmove n=%zu src_off=%zu dst_off=%zu (%s): "
						     "byte %zu of the area is wrong",
						     n, s_off, d_off,
						     d_off > s_off   ? "dst above src"
						     : d_off < s_off ? "dst below src"
								     : "dst == src",
						     i);
				}
			}
		}
	}
	free(area);
}

Test(mem, memmove_overlap_with_dst_above_src_copies_original_bytes)
{
	char buf[] = "0123456789abcdefghijklmnopqrstuvwxyz";

	memmove(buf + 1, buf, 26);
	cr_assert_str_eq(buf, "00123456789abcdefghijklmnoprstuvwxyz");
}

Test(mem, memmove_overlap_with_dst_below_src_copies_original_bytes)
{
	char buf[] = "0123456789abcdefghijklmnopqrstuvwxyz";

	memmove(buf, buf + 3, 30);
	cr_assert_str_eq(buf, "3456789abcdefghijklmnopqrstuvwuvwxyz");
}

/* The byte memset must store: the low 8 bits of c. */
static const int memset_values[] = {
	0x00, 0x01, 0x5a, 0x7f, 0x80, 0xff, 0x1ab, 0x12345678, -1, -128
};

Test(mem, memset_fills_every_length_at_every_alignment_with_low_byte_of_value)
{
	unsigned char *area = area_new();
	unsigned char model[AREA_SIZE];

	for (size_t v = 0; v < sizeof(memset_values) / sizeof(memset_values[0]); v++) {
		int c = memset_values[v];
		unsigned char byte = (unsigned char)c;

		for (size_t n = 0; n <= MAX_LEN; n++) {
			for (size_t off = 0; off < MAX_OFF; off++) {
				unsigned char *dst = area + GUARD + off;

				for (size_t i = 0; i < AREA_SIZE; i++)
					area[i] = model[i] = (unsigned char)(~byte ^ i);
				for (size_t i = 0; i < n; i++)
					model[GUARD + off + i] = byte;

				area_restrict(area, dst, n);
				void *ret = memset(dst, c, n);
				area_release(area);

				cr_assert_eq(ret, dst);
				for (size_t i = 0; i < AREA_SIZE; i++) {
					cr_assert_eq(area[i], model[i],
						     "memset c=%#x n=%zu off=%zu: byte %td "
						     "relative to dst is wrong",
						     (unsigned)c, n, off,
						     (ptrdiff_t)i - (ptrdiff_t)(GUARD + off));
				}
			}
		}
	}
	free(area);
}

/* Reference memcmp: only the sign matters. */
static int sign_of(int x)
{
	return (x > 0) - (x < 0);
}

Test(mem, memcmp_equal_blocks_compare_equal_at_every_length_and_alignment)
{
	unsigned char *a_area = area_new();
	unsigned char *b_area = area_new();

	for (size_t n = 0; n <= MAX_LEN; n++) {
		for (size_t a_off = 0; a_off < MAX_OFF; a_off++) {
			for (size_t b_off = 0; b_off < MAX_OFF; b_off++) {
				unsigned char *a = a_area + GUARD + a_off;
				unsigned char *b = b_area + GUARD + b_off;

				/* Same window contents, different bytes around it. */
				for (size_t i = 0; i < AREA_SIZE; i++) {
					a_area[i] = 0x11;
					b_area[i] = 0xEE;
				}
				fill_source(a, n, 3);
				fill_source(b, n, 3);

				area_restrict(a_area, a, n);
				area_restrict(b_area, b, n);
				int r = memcmp(a, b, n);
				area_release(a_area);
				area_release(b_area);

				cr_assert_eq(r, 0, "memcmp n=%zu a_off=%zu b_off=%zu: %d", n, a_off,
					     b_off, r);
			}
		}
	}
	free(a_area);
	free(b_area);
}

/*
 * Byte pairs (low, high) whose order is right only when bytes are compared
 * as unsigned char: 0x80 and up must be greater than 0x7f and below.
 */
static const unsigned char ordered_pairs[][2] = {
	{ 0x00, 0x01 }, { 0x7f, 0x80 }, { 0x00, 0x80 }, { 0x01, 0xff }, { 0xfe, 0xff },
};

/*
 * Make a and b (both n bytes) equal except at position pos, where a gets
 * lo and b gets hi; then memcmp(a, b) must be negative and memcmp(b, a)
 * positive, whatever comes after pos.
 */
static void check_difference_at(unsigned char *a, unsigned char *b, size_t n, size_t pos,
				unsigned char lo, unsigned char hi)
{
	fill_source(a, n, 5);
	fill_source(b, n, 5);
	a[pos] = lo;
	b[pos] = hi;
	/* Later bytes order the other way round, to catch a wrong "first". */
	for (size_t i = pos + 1; i < n; i++) {
		a[i] = 0xff;
		b[i] = 0x00;
	}
	cr_assert_lt(memcmp(a, b, n), 0, "memcmp n=%zu pos=%zu %#x<%#x", n, pos, lo, hi);
	cr_assert_gt(memcmp(b, a, n), 0, "memcmp n=%zu pos=%zu %#x>%#x", n, pos, hi, lo);
}

Test(mem, memcmp_sign_follows_first_differing_byte_compared_unsigned_at_every_position)
{
	unsigned char *a_area = area_new();
	unsigned char *b_area = area_new();
	/* A few alignment pairs: both aligned, mutually aligned, misaligned. */
	static const size_t offsets[][2] = { { 0, 0 }, { 3, 3 }, { 0, 5 }, { 7, 1 }, { 9, 4 } };

	for (size_t o = 0; o < sizeof(offsets) / sizeof(offsets[0]); o++) {
		unsigned char *a = a_area + GUARD + offsets[o][0];
		unsigned char *b = b_area + GUARD + offsets[o][1];

		for (size_t n = 1; n <= MAX_LEN; n++) {
			for (size_t pos = 0; pos < n; pos++) {
				size_t p = (n + pos) % (sizeof(ordered_pairs) / 2);

				check_difference_at(a, b, n, pos, ordered_pairs[p][0],
						    ordered_pairs[p][1]);
			}
		}
	}
	free(a_area);
	free(b_area);
}

Test(mem, memcmp_sign_is_right_for_every_byte_pair_and_alignment)
{
	unsigned char *a_area = area_new();
	unsigned char *b_area = area_new();

	for (size_t a_off = 0; a_off < MAX_OFF; a_off++) {
		for (size_t b_off = 0; b_off < MAX_OFF; b_off++) {
			unsigned char *a = a_area + GUARD + a_off;
			unsigned char *b = b_area + GUARD + b_off;

			for (size_t p = 0; p < sizeof(ordered_pairs) / 2; p++) {
				/* First word, inside the word loop, and the tail. */
				check_difference_at(a, b, 64, 0, ordered_pairs[p][0],
						    ordered_pairs[p][1]);
				check_difference_at(a, b, 64, 37, ordered_pairs[p][0],
						    ordered_pairs[p][1]);
				check_difference_at(a, b, 64, 63, ordered_pairs[p][0],
						    ordered_pairs[p][1]);
			}
		}
	}
	free(a_area);
	free(b_area);
}

Test(mem, memcmp_ignores_bytes_past_n_and_returns_zero_for_zero_length)
{
	cr_assert_eq(memcmp("abcX", "abcY", 3), 0);
	cr_assert_eq(memcmp("a", "b", 0), 0);
	cr_assert_eq(
		sign_of(memcmp("abcdefghijklmnopqrstuvwxyz0", "abcdefghijklmnopqrstuvwxyz1", 27)),
		-1);
}

Test(mem, memchr_finds_first_match_within_n_only)
{
	const char s[] = "abcabc\x80\xff";

	cr_assert_eq(memchr(s, 'b', 6), s + 1);
	cr_assert_eq(memchr(s, 'c', 2), NULL, "the match at index 2 is outside n");
	cr_assert_eq(memchr(s, 'z', sizeof(s)), NULL);
	cr_assert_eq(memchr(s, 'a', 0), NULL);
	cr_assert_eq(memchr(s, '\0', sizeof(s)), s + 8, "the terminator is a byte like any other");
}

Test(mem, memchr_compares_the_low_byte_of_c_as_unsigned_char)
{
	const char s[] = "abc\x80\xff";

	cr_assert_eq(memchr(s, 0x80, 5), s + 3);
	cr_assert_eq(memchr(s, -1, 5), s + 4, "-1 converts to 0xff");
	cr_assert_eq(memchr(s, 0x100 + 'b', 5), s + 1, "only the low 8 bits of c count");
}
