/*
 * core/vaddr_alloc.c - virtual page ranges tracked by a two-level bitmap.
 *
 * The bitmap has one bit per page (1 = owned) and the summary one bit per
 * bitmap word (1 = that word is all ones). See include/core/vaddr_alloc.h for
 * the invariants; every function that changes a bitmap word goes through
 * mark_range(), which keeps the summary and the free-page counter in step.
 *
 * The last bitmap word and the last summary word are padded with ones. A
 * padding bit looks like an owned page (or a full word) to every search,
 * so the searches need no special case for the end of the window; only
 * range_to_index() has to keep callers from naming a padding page.
 *
 * Searches are built from two primitives, next_free() and next_owned(),
 * which return the first clear or set bit at or after a position. Both read
 * whole words and use count-trailing-zeros to find the bit, so a run of any
 * length costs one step per word it spans, and a stretch of full words
 * costs one step per 64 of them, through the summary. find_run() alternates
 * the two: find a free page, move up to an aligned candidate, look for an
 * owned page inside the candidate run, and restart just after it. Each
 * restart moves strictly forward, so a search costs one step per free run
 * it passes over (too short or misaligned) plus one per bitmap word it
 * spans, and only one per 64 words across full stretches.
 */
#include <base/compiler.h>
#include <base/string.h>
#include <core/vaddr_alloc.h>

/* Page indexes and page counts are size_t and must hold any page number. */
STATIC_ASSERT(sizeof(size_t) == sizeof(uint64_t), "vaddr_alloc assumes a 64-bit size_t");

#define WORD_BITS 64u

/* "No such page": larger than any page index, since a window has < 2^52 pages. */
#define NONE SIZE_MAX

#define ALL_ONES (~UINT64_C(0))

static size_t div_round_up(size_t n, size_t d)
{
	return n / d + (n % d != 0);
}

/* A word with the n lowest bits set; n must be below 64. */
static uint64_t low_bits(unsigned n)
{
	return (UINT64_C(1) << n) - 1;
}

/* Index of the lowest set bit; word must not be 0 (the builtin's result is undefined then). */
static unsigned lowest_set(uint64_t word)
{
	return (unsigned)__builtin_ctzll(word);
}

/* Number of clear bits above the highest set bit; word must not be 0. */
static unsigned clear_on_top(uint64_t word)
{
	return (unsigned)__builtin_clzll(word);
}

/* Bring summary bit w back in line with bitmap word w after the word changed. */
static void update_summary(struct address_space *as, size_t w)
{
	uint64_t bit = UINT64_C(1) << (w % WORD_BITS);

	if (as->bitmap[w] == ALL_ONES)
		as->summary[w / WORD_BITS] |= bit;
	else
		as->summary[w / WORD_BITS] &= ~bit;
}

/*
 * Set (owned) or clear the bits of pages [first, first + count), count > 0,
 * and update the summary and the counter. The caller has checked that the
 * range lies in the window and that every page in it currently has the
 * opposite state, which is what makes the counter update exact.
 */
static void mark_range(struct address_space *as, size_t first, size_t count, bool owned)
{
	size_t end = first + count;
	size_t first_word = first / WORD_BITS;
	size_t last_word = (end - 1) / WORD_BITS;

	for (size_t w = first_word; w <= last_word; w++) {
		uint64_t mask = ALL_ONES;

		if (w == first_word)
			mask &= ~low_bits(first % WORD_BITS);
		if (w == last_word && end % WORD_BITS != 0)
			mask &= low_bits(end % WORD_BITS);
		if (owned)
			as->bitmap[w] |= mask;
		else
			as->bitmap[w] &= ~mask;
		update_summary(as, w);
	}
	if (owned)
		as->free_pages -= count;
	else
		as->free_pages += count;
}

/*
 * The first bitmap word at index >= w and < limit that is not full, or
 * NONE. Reads only the summary: 64 bitmap words (4096 pages) per step.
 */
static size_t next_nonfull_word(const struct address_space *as, size_t w, size_t limit)
{
	while (w < limit) {
		size_t s = w / WORD_BITS;
		/* Words below w in this summary word are treated as full. */
		uint64_t full = as->summary[s] | low_bits(w % WORD_BITS);

		if (full != ALL_ONES) {
			size_t found = s * WORD_BITS + lowest_set(~full);

			return found < limit ? found : NONE;
		}
		w = (s + 1) * WORD_BITS;
	}
	return NONE;
}

/* The first free page at index >= from and < to (to <= pages), or NONE. */
static size_t next_free(const struct address_space *as, size_t from, size_t to)
{
	if (from >= to)
		return NONE;

	size_t w = from / WORD_BITS;
	/* Pages below `from` in its word are treated as owned. */
	uint64_t word = as->bitmap[w] | low_bits(from % WORD_BITS);

	if (word == ALL_ONES) {
		w = next_nonfull_word(as, w + 1, div_round_up(to, WORD_BITS));
		if (w == NONE)
			return NONE;
		word = as->bitmap[w];
	}
	size_t page = w * WORD_BITS + lowest_set(~word);

	return page < to ? page : NONE;
}

/*
 * The first owned page at index >= from and < to (to <= pages), or NONE.
 * Free words count 64 pages per step; there is no summary of empty words,
 * because a search only looks for an owned page inside one candidate run.
 */
static size_t next_owned(const struct address_space *as, size_t from, size_t to)
{
	if (from >= to)
		return NONE;

	size_t w = from / WORD_BITS;
	size_t last_word = (to - 1) / WORD_BITS;
	/* Pages below `from` in its word are treated as free. */
	uint64_t word = as->bitmap[w] & ~low_bits(from % WORD_BITS);

	while (word == 0) {
		if (w == last_word)
			return NONE;
		word = as->bitmap[++w];
	}
	size_t page = w * WORD_BITS + lowest_set(word);

	return page < to ? page : NONE;
}

/*
 * The smallest page index >= index whose address is a multiple of
 * align * VAS_PAGE_SIZE. Alignment is a property of the address, not of
 * the index, because the window's base need not be aligned to it. The
 * result may lie beyond the window. No overflow: base page + index is
 * below 2^53 and align at most 2^63.
 */
static size_t align_index(const struct address_space *as, size_t index, size_t align)
{
	uint64_t base_page = as->base >> VAS_PAGE_SHIFT;

	return (size_t)(ALIGN_UP(base_page + index, (uint64_t)align) - base_page);
}

/*
 * The lowest aligned start s >= from with [s, s + n) free and s + n <= to,
 * or NONE. to <= pages, n > 0, align a power of two.
 */
static size_t find_run(const struct address_space *as, size_t from, size_t to, size_t n,
		       size_t align)
{
	size_t start = from;

	for (;;) {
		start = next_free(as, start, to);
		if (start == NONE)
			return NONE;
		start = align_index(as, start, align);
		if (start > to || n > to - start)
			return NONE;

		size_t taken = next_owned(as, start, start + n);

		if (taken == NONE)
			return start;
		/* No run starting at or below `taken` can fit; move past it. */
		start = taken + 1;
	}
}

/*
 * Check that [va, va + pages pages) is a non-empty, page-aligned range that
 * lies entirely in the window, and give its first page index. Written so
 * that no sum can overflow, whatever the caller passes.
 */
static bool range_to_index(const struct address_space *as, uint64_t va, size_t pages, size_t *first)
{
	if (pages == 0 || !IS_ALIGNED(va, VAS_PAGE_SIZE) || va < as->base)
		return false;

	uint64_t index = (va - as->base) >> VAS_PAGE_SHIFT;

	if (index >= as->pages || pages > as->pages - index)
		return false;
	*first = (size_t)index;
	return true;
}

size_t vas_bitmap_bytes(uint64_t size)
{
	if (size == 0 || !IS_ALIGNED(size, VAS_PAGE_SIZE))
		return 0;

	size_t words = div_round_up(size >> VAS_PAGE_SHIFT, WORD_BITS);
	size_t summary_words = div_round_up(words, WORD_BITS);

	return (words + summary_words) * sizeof(uint64_t);
}

int vas_init(struct address_space *as, uint64_t base, uint64_t size, void *bitmap_storage,
	     size_t storage_bytes)
{
	size_t needed = vas_bitmap_bytes(size);

	if (as == NULL || bitmap_storage == NULL || needed == 0)
		return -1;
	if (base == 0 || !IS_ALIGNED(base, VAS_PAGE_SIZE))
		return -1;
	/* The last page starts at base + size - PAGE; that must not wrap. */
	if (size - VAS_PAGE_SIZE > UINT64_MAX - base)
		return -1;
	if (!IS_ALIGNED((uintptr_t)bitmap_storage, _Alignof(uint64_t)) || storage_bytes < needed)
		return -1;

	size_t pages = size >> VAS_PAGE_SHIFT;
	size_t words = div_round_up(pages, WORD_BITS);
	size_t summary_words = div_round_up(words, WORD_BITS);

	memset(bitmap_storage, 0, needed);
	as->base = base;
	as->pages = pages;
	as->words = words;
	/*
	 * The summary comes first, so that the bitmap ends where the storage
	 * ends and a read past its last word would leave the storage (where
	 * the hosted tests' AddressSanitizer sees it) instead of landing
	 * silently in the summary.
	 */
	as->summary = bitmap_storage;
	as->bitmap = as->summary + summary_words;
	as->free_pages = pages;
	as->hint = 0;
	as->policy = VAS_FIRST_FIT;
	as->paging = NULL;

	/*
	 * Padding. The last word keeps at least one real page, which is free,
	 * so it is not full and its summary bit stays clear.
	 */
	if (pages % WORD_BITS != 0)
		as->bitmap[words - 1] = ~low_bits(pages % WORD_BITS);
	if (words % WORD_BITS != 0)
		as->summary[summary_words - 1] = ~low_bits(words % WORD_BITS);
	return 0;
}

void vas_set_policy(struct address_space *as, enum vas_policy policy)
{
	if (policy == VAS_FIRST_FIT || policy == VAS_NEXT_FIT)
		as->policy = policy;
}

uint64_t vas_alloc(struct address_space *as, size_t pages, size_t align_pages)
{
	if (pages == 0 || align_pages == 0 || (align_pages & (align_pages - 1)) != 0)
		return 0;
	/* Also keeps the sums below from overflowing for absurd counts. */
	if (pages > as->free_pages)
		return 0;

	size_t start;

	if (as->policy == VAS_NEXT_FIT) {
		start = find_run(as, as->hint, as->pages, pages, align_pages);
		/* Wrap around: runs that start below the hint (they may end above it). */
		if (start == NONE && as->hint > 0)
			start = find_run(as, 0, MIN(as->pages, as->hint - 1 + pages), pages,
					 align_pages);
	} else {
		start = find_run(as, 0, as->pages, pages, align_pages);
	}
	if (start == NONE)
		return 0;

	mark_range(as, start, pages, true);
	/* Kept up to date under both policies, so switching policy continues sensibly. */
	as->hint = start + pages < as->pages ? start + pages : 0;
	return as->base + ((uint64_t)start << VAS_PAGE_SHIFT);
}

int vas_alloc_at(struct address_space *as, uint64_t va, size_t pages)
{
	size_t first;

	if (!range_to_index(as, va, pages, &first))
		return -1;
	if (next_owned(as, first, first + pages) != NONE)
		return -1;
	mark_range(as, first, pages, true);
	return 0;
}

int vas_free(struct address_space *as, uint64_t va, size_t pages)
{
	size_t first;

	if (!range_to_index(as, va, pages, &first))
		return -1;
	if (next_free(as, first, first + pages) != NONE)
		return -1;
	mark_range(as, first, pages, false);
	return 0;
}

bool vas_is_owned(const struct address_space *as, uint64_t va)
{
	if (va < as->base)
		return false;

	uint64_t index = (va - as->base) >> VAS_PAGE_SHIFT;

	if (index >= as->pages)
		return false;
	return (as->bitmap[index / WORD_BITS] >> (index % WORD_BITS)) & 1;
}

size_t vas_total_pages(const struct address_space *as)
{
	return as->pages;
}

size_t vas_free_pages(const struct address_space *as)
{
	return as->free_pages;
}

/*
 * The longest run of clear bits strictly between the lowest and the highest
 * set bit of word (word not 0). The clear bits in that span are turned into
 * set bits of `gaps`, and each step measures one run of them and shifts it
 * out, so the cost is one step per gap, not per bit.
 */
static unsigned longest_inner_gap(uint64_t word)
{
	unsigned low = lowest_set(word);
	unsigned top = 63 - clear_on_top(word);

	if (top - low < 2)
		return 0;

	uint64_t gaps = ~word & low_bits(top) & ~low_bits(low + 1);
	unsigned best = 0;

	while (gaps != 0) {
		unsigned start = lowest_set(gaps);
		/* Bit top - start of gaps >> start is clear, so the complement is not 0. */
		unsigned len = lowest_set(~(gaps >> start));

		if (len > best)
			best = len;
		/* start + len <= top < 64, so the shift is defined. */
		gaps >>= start + len;
	}
	return best;
}

size_t vas_largest_free_run(const struct address_space *as)
{
	size_t best = 0;
	size_t run = 0; /* free pages just below the current word */

	for (size_t w = 0; w < as->words;) {
		/* 64 full words in a row break any run; skip them together. */
		if (w % WORD_BITS == 0 && as->summary[w / WORD_BITS] == ALL_ONES) {
			run = 0;
			w += WORD_BITS;
			continue;
		}

		uint64_t word = as->bitmap[w++];

		if (word == 0) {
			run += WORD_BITS;
			continue;
		}
		/* The run from below ends at this word's lowest owned page. */
		best = MAX(best, run + lowest_set(word));
		/* Only look inside when the space between the ends could beat best. */
		unsigned span = 64 - lowest_set(word) - clear_on_top(word);

		if (span > 2 && span - 2 > best)
			best = MAX(best, (size_t)longest_inner_gap(word));
		/* The free pages on top continue into the next word. */
		run = clear_on_top(word);
	}
	return MAX(best, run);
}
