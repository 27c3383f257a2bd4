/*
 * core/pmm.c - the physical memory manager: bitmaps of 4 KiB pages.
 *
 * See include/core/pmm.h for the contract. This comment explains the design.
 *
 * Zones. Physical memory has holes (device windows, firmware areas), and a
 * bitmap spanning them would waste two bits on every page of every hole.
 * So memory is cut into zones: a zone is a maximal stretch of consecutive
 * pages that the PMM manages now or may manage later (USABLE and
 * BOOTLOADER_RECLAIMABLE entries that touch end to end merge into one
 * zone). A run of pages never crosses a zone, because two zones never touch.
 *
 * Two bitmaps per zone, one bit per page:
 *   used   set: the page cannot be handed out now (allocated, reserved, or
 *               reclaimable memory not reclaimed yet);
 *   owned  set: the page is allocated, i.e. pmm_free_pages() may take it.
 * Invariants, true whenever the lock is free:
 *   I1. owned is a subset of used: an allocated page is never free.
 *   I2. A page is free exactly when its used bit is clear.
 *   I3. The bits past the last page of a zone, in its last bitmap word,
 *       are set in used (never free) and clear in owned.
 *   I4. stats.free_pages is the number of clear used bits over all zones,
 *       and stats.allocated_pages the number of set owned bits.
 * The second bitmap is what lets a bad free be caught: "used but not
 * owned" is reserved memory, which no free may touch.
 *
 * Metadata. The zone table, the bitmaps and a copy of the memory map sit in
 * one run of pages taken from the highest USABLE region that holds it (low
 * memory is the scarce kind: legacy DMA and x86's real-mode trampolines
 * need it), reached through the direct map. Those pages are counted as
 * reserved. The map copy is what pmm_reclaim_bootloader() works from, so
 * the caller's map need not outlive pmm_init().
 *
 * Search. Bitmaps are scanned a 64-bit word at a time: a word that is all
 * ones (64 busy pages) costs one comparison, and inside a word the first
 * free page is found with a count-trailing-zeros instruction. The search
 * for a run starts where the previous allocation ended (next fit), so on a
 * fresh map single pages come in O(1); it wraps around once, so it fails
 * only when no fitting run exists anywhere. With an alignment, candidate
 * starts jump straight to the next aligned page.
 *
 * Lock. One spinlock guards everything, taken with interrupts masked so an
 * interrupt handler may allocate too. Zeroing, the slow part of an
 * allocation, happens after the lock is dropped: the pages already belong
 * to the caller. Future work: per-CPU caches of free pages, refilled and
 * drained in batches, would take the lock off the path of most single-page
 * allocations once many CPUs allocate at once.
 */
#include <base/assert.h>
#include <base/compiler.h>
#include <base/string.h>
#include <core/pmm.h>
#include <core/spinlock.h>

#define WORD_BITS 64
#define NO_RUN	  SIZE_MAX

struct zone {
	uint64_t base;	 /* physical address of the zone's first page */
	size_t pages;	 /* number of pages; the zone ends at base + pages * PAGE */
	uint64_t *used;	 /* bit set: not available (invariants above) */
	uint64_t *owned; /* bit set: allocated */
};

static struct {
	struct spinlock lock;
	uint64_t hhdm_offset;
	struct zone *zones; /* sorted by base, none touching the next */
	size_t zone_count;
	struct boot_mem_region *map; /* the copy of pmm_init's map */
	size_t map_count;
	uint64_t meta_base; /* physical address of the metadata pages */
	size_t meta_pages;
	bool reclaimed;	  /* BOOTLOADER_RECLAIMABLE memory is managed */
	size_t hint_zone; /* next fit: the search starts at this zone ... */
	size_t hint_page; /* ... and this page of it */
	struct pmm_stats stats;
} pmm = { .lock = SPINLOCK_INIT("pmm") };

/* ---- Bitmaps ---------------------------------------------------------- */

static size_t words_for(size_t bits)
{
	return (bits + WORD_BITS - 1) / WORD_BITS;
}

/* The bits of word w that lie in [first, end), as a mask; first < end. */
static uint64_t word_mask(size_t w, size_t first, size_t end)
{
	size_t lo = MAX(first, w * WORD_BITS) - w * WORD_BITS;
	size_t hi = MIN(end, (w + 1) * WORD_BITS) - w * WORD_BITS;

	if (hi - lo == WORD_BITS)
		return ~UINT64_C(0);
	return ((UINT64_C(1) << (hi - lo)) - 1) << lo;
}

/* Set (set == true) or clear the bits [first, first + n) of map. */
static void bits_assign(uint64_t *map, size_t first, size_t n, bool set)
{
	size_t end = first + n;

	for (size_t w = first / WORD_BITS; n > 0 && w * WORD_BITS < end; w++) {
		uint64_t m = word_mask(w, first, end);

		map[w] = set ? map[w] | m : map[w] & ~m;
	}
}

/*
 * The first index in [from, limit) whose bit in map equals `value`, or
 * limit if there is none. Whole words that cannot contain it are skipped
 * with one comparison each.
 */
static size_t bits_find(const uint64_t *map, size_t from, size_t limit, bool value)
{
	if (from >= limit)
		return limit;
	size_t w = from / WORD_BITS;
	uint64_t flip = value ? 0 : ~UINT64_C(0); /* turn the bits we look for into ones */
	uint64_t word = (map[w] ^ flip) & (~UINT64_C(0) << (from % WORD_BITS));

	while (word == 0) {
		if (++w * WORD_BITS >= limit)
			return limit;
		word = map[w] ^ flip;
	}
	return MIN(w * WORD_BITS + (size_t)__builtin_ctzll(word), limit);
}

/* ---- The memory map --------------------------------------------------- */

/* Types that zones are made of: managed now, or once reclaimed. */
static bool is_zone_type(enum boot_mem_type type)
{
	return type == BOOT_MEM_USABLE || type == BOOT_MEM_BOOTLOADER_RECLAIMABLE;
}

/* Types whose pages the allocator may hand out at this point. */
static bool is_managed_now(enum boot_mem_type type)
{
	return type == BOOT_MEM_USABLE ||
	       (type == BOOT_MEM_BOOTLOADER_RECLAIMABLE && pmm.reclaimed);
}

/* The pages wholly inside a zone-type entry, [*start, *end); false if none. */
static bool inner_pages(const struct boot_mem_region *r, uint64_t *start, uint64_t *end)
{
	if (!is_zone_type(r->type) || r->length == 0)
		return false;
	*start = ALIGN_UP(r->base, PMM_PAGE_SIZE);
	*end = ALIGN_DOWN(r->base + r->length, PMM_PAGE_SIZE);
	return *start < *end;
}

/*
 * The next zone at or after entry *cursor of map: the union of zone-type
 * entries whose inner pages follow each other without a gap. Returns false
 * when no zone is left. Assumes the map passed map_is_valid().
 */
static bool next_zone(const struct boot_mem_region *map, size_t count, size_t *cursor,
		      uint64_t *base, uint64_t *end)
{
	bool found = false;
	uint64_t s, e;

	for (; *cursor < count; (*cursor)++) {
		if (!inner_pages(&map[*cursor], &s, &e))
			continue;
		if (found && s != *end)
			break;
		if (!found)
			*base = s;
		found = true;
		*end = e;
	}
	return found;
}

/*
 * The map rules of pmm_init(): zone-type entries sorted, disjoint and not
 * wrapping around the address space, and at least one usable page.
 */
static bool map_is_valid(const struct boot_mem_region *map, size_t count)
{
	uint64_t prev_end = 0, s, e;
	bool usable = false;

	for (size_t i = 0; i < count; i++) {
		const struct boot_mem_region *r = &map[i];

		if (!is_zone_type(r->type) || r->length == 0)
			continue;
		if (r->length > UINT64_MAX - r->base || r->base < prev_end)
			return false;
		prev_end = r->base + r->length;
		if (r->type == BOOT_MEM_USABLE && inner_pages(r, &s, &e))
			usable = true;
	}
	return usable;
}

/*
 * The pages an entry of another type touches, [*start, *end), rounded
 * outwards: a page that shares even one byte with firmware memory is not
 * ours. An entry that runs off the end of the address space is clipped.
 */
static void touched_pages(const struct boot_mem_region *r, uint64_t *start, uint64_t *end)
{
	uint64_t last = r->length > UINT64_MAX - r->base ? UINT64_MAX : r->base + r->length - 1;

	*start = ALIGN_DOWN(r->base, PMM_PAGE_SIZE);
	*end = ALIGN_DOWN(last, PMM_PAGE_SIZE) + PMM_PAGE_SIZE; /* 0 if the last page wraps */
	if (*end == 0)
		*end = ALIGN_DOWN(UINT64_MAX, PMM_PAGE_SIZE);
}

/*
 * The highest page-aligned address at which `pages` pages fit inside a
 * USABLE entry without touching page 0 or any entry of another type;
 * false if there is none. Tried from the top of each entry downwards: each
 * clash moves the candidate below the entry it clashed with.
 */
static bool find_metadata_place(const struct boot_mem_region *map, size_t count, size_t pages,
				uint64_t *place)
{
	uint64_t size = (uint64_t)pages * PMM_PAGE_SIZE;

	for (size_t i = count; i-- > 0;) {
		uint64_t lo, end, ts, te;

		if (map[i].type != BOOT_MEM_USABLE || !inner_pages(&map[i], &lo, &end))
			continue;
		lo = MAX(lo, PMM_PAGE_SIZE);
		while (end > lo && end - lo >= size) {
			uint64_t start = end - size;
			bool clash = false;

			for (size_t j = 0; j < count && !clash; j++) {
				if (is_zone_type(map[j].type) || map[j].length == 0)
					continue;
				touched_pages(&map[j], &ts, &te);
				if (ts < end && start < te) {
					clash = true;
					end = ts;
				}
			}
			if (!clash) {
				*place = start;
				return true;
			}
		}
	}
	return false;
}

/* ---- Zones ------------------------------------------------------------ */

/* The zone holding all of [phys, phys + pages pages), or NULL. Binary search. */
static struct zone *zone_of(uint64_t phys, size_t pages)
{
	size_t lo = 0, hi = pmm.zone_count;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		struct zone *z = &pmm.zones[mid];

		if (phys < z->base) {
			hi = mid;
		} else if ((phys - z->base) / PMM_PAGE_SIZE >= z->pages) {
			lo = mid + 1;
		} else {
			size_t first = (size_t)((phys - z->base) / PMM_PAGE_SIZE);

			return pages <= z->pages - first ? z : NULL;
		}
	}
	return NULL;
}

enum mark { MARK_FREE_UNOWNED, MARK_RESERVED };

/*
 * Apply `how` to every zone page in [start, end): MARK_RESERVED sets the
 * used bits; MARK_FREE_UNOWNED clears the used bits of pages that are not
 * allocated, keeping I1 for those that are.
 */
static void mark_range(uint64_t start, uint64_t end, enum mark how)
{
	for (size_t i = 0; i < pmm.zone_count; i++) {
		struct zone *z = &pmm.zones[i];
		uint64_t zend = z->base + (uint64_t)z->pages * PMM_PAGE_SIZE;
		uint64_t s = MAX(start, z->base), e = MIN(end, zend);

		if (s >= e)
			continue;
		size_t first = (size_t)((s - z->base) / PMM_PAGE_SIZE);
		size_t last = (size_t)((e - z->base + PMM_PAGE_SIZE - 1) / PMM_PAGE_SIZE);

		if (how == MARK_RESERVED) {
			bits_assign(z->used, first, last - first, true);
			continue;
		}
		for (size_t w = first / WORD_BITS; w * WORD_BITS < last; w++)
			z->used[w] &= ~(word_mask(w, first, last) & ~z->owned[w]);
	}
}

/*
 * Recompute every used bit that is not an allocation, and the counters,
 * from the map copy: what is managed now is free unless something reserves
 * it. Called by pmm_init (nothing allocated yet) and by the reclaim (which
 * must keep the allocations). Lock held, or not yet shared.
 */
static void rebuild(void)
{
	uint64_t total = 0, free_pages = 0, s, e;

	for (size_t i = 0; i < pmm.zone_count; i++)
		memset(pmm.zones[i].used, 0xff, words_for(pmm.zones[i].pages) * sizeof(uint64_t));
	for (size_t i = 0; i < pmm.map_count; i++) {
		if (is_managed_now(pmm.map[i].type) && inner_pages(&pmm.map[i], &s, &e)) {
			mark_range(s, e, MARK_FREE_UNOWNED);
			total += (e - s) / PMM_PAGE_SIZE;
		}
	}
	for (size_t i = 0; i < pmm.map_count; i++) {
		if (!is_zone_type(pmm.map[i].type) && pmm.map[i].length != 0) {
			touched_pages(&pmm.map[i], &s, &e);
			mark_range(s, e, MARK_RESERVED);
		}
	}
	mark_range(0, PMM_PAGE_SIZE, MARK_RESERVED); /* 0 means "no page" */
	mark_range(pmm.meta_base, pmm.meta_base + pmm.meta_pages * PMM_PAGE_SIZE, MARK_RESERVED);

	/* Count the clear used bits (I4); the padding past each zone is set (I3). */
	for (size_t i = 0; i < pmm.zone_count; i++) {
		const struct zone *z = &pmm.zones[i];

		for (size_t w = 0; w < words_for(z->pages); w++)
			free_pages += (uint64_t)__builtin_popcountll(~z->used[w]);
	}
	pmm.stats.total_pages = total;
	pmm.stats.free_pages = free_pages;
	pmm.stats.reserved_pages = total - free_pages - pmm.stats.allocated_pages;
}

/* ---- Initialisation and reclaim --------------------------------------- */

bool pmm_init(const struct boot_mem_region *map, size_t count, uint64_t hhdm_offset)
{
	size_t zone_count = 0, bytes = 0, cursor = 0;
	uint64_t base, end, meta_base;

	spin_init(&pmm.lock, "pmm");
	pmm.zone_count = 0; /* a failed init manages nothing */
	pmm.stats = (struct pmm_stats){ 0 };
	if (!map_is_valid(map, count))
		return false;

	/* Size the metadata: zone table, then two bitmaps per zone, then the map copy. */
	while (next_zone(map, count, &cursor, &base, &end)) {
		zone_count++;
		bytes += 2 * words_for((size_t)((end - base) / PMM_PAGE_SIZE)) * sizeof(uint64_t);
	}
	bytes += zone_count * sizeof(struct zone) + count * sizeof(struct boot_mem_region);
	size_t meta_pages = (bytes + PMM_PAGE_SIZE - 1) / PMM_PAGE_SIZE;

	if (!find_metadata_place(map, count, meta_pages, &meta_base))
		return false;

	/* Lay it out. Every piece is a multiple of 8 bytes, so each stays aligned. */
	STATIC_ASSERT(sizeof(struct zone) % sizeof(uint64_t) == 0, "zone keeps bitmaps aligned");
	uint8_t *p = (uint8_t *)(uintptr_t)(meta_base + hhdm_offset);

	pmm.hhdm_offset = hhdm_offset;
	pmm.meta_base = meta_base;
	pmm.meta_pages = meta_pages;
	pmm.zones = (struct zone *)(void *)p;
	p += zone_count * sizeof(struct zone);
	cursor = 0;
	for (size_t i = 0; next_zone(map, count, &cursor, &base, &end); i++) {
		struct zone *z = &pmm.zones[i];
		size_t words;

		z->base = base;
		z->pages = (size_t)((end - base) / PMM_PAGE_SIZE);
		words = words_for(z->pages);
		z->used = (uint64_t *)(void *)p;
		z->owned = z->used + words;
		memset(z->owned, 0, words * sizeof(uint64_t));
		p += 2 * words * sizeof(uint64_t);
	}
	pmm.map = (struct boot_mem_region *)(void *)p;
	memcpy(pmm.map, map, count * sizeof(struct boot_mem_region));
	pmm.map_count = count;
	pmm.zone_count = zone_count;
	pmm.reclaimed = false;
	pmm.hint_zone = 0;
	pmm.hint_page = 0;
	rebuild();
	return true;
}

size_t pmm_reclaim_bootloader(void)
{
	unsigned long flags = spin_lock_irqsave(&pmm.lock);
	size_t gained = 0;

	if (!pmm.reclaimed && pmm.zone_count > 0) {
		uint64_t before = pmm.stats.free_pages;

		pmm.reclaimed = true;
		rebuild();
		gained = (size_t)(pmm.stats.free_pages - before);
	}
	spin_unlock_irqrestore(&pmm.lock, flags);
	return gained;
}

/* ---- Allocation ------------------------------------------------------- */

/* The first page index >= idx of zone z whose physical page number is a multiple of align. */
static size_t align_index(const struct zone *z, size_t idx, size_t align)
{
	uint64_t pfn = z->base / PMM_PAGE_SIZE + idx;

	return idx + (size_t)(ALIGN_UP(pfn, (uint64_t)align) - pfn);
}

/*
 * The first start s in [lo, hi) such that pages [s, s + count) are free,
 * s + count <= hi, and s is aligned; NO_RUN if there is none. Each round
 * skips to the next free page (busy words at a time), moves up to the
 * next aligned page, and either finds the run free or resumes after the
 * first busy page inside it, so no page is looked at twice in one search.
 */
static size_t find_run(const struct zone *z, size_t lo, size_t hi, size_t count, size_t align)
{
	size_t pos = lo;

	for (;;) {
		pos = align_index(z, bits_find(z->used, pos, hi, false), align);
		if (pos >= hi || hi - pos < count)
			return NO_RUN;
		size_t busy = bits_find(z->used, pos, pos + count, true);

		if (busy == pos + count)
			return pos;
		pos = busy + 1;
	}
}

/* Find and take a run; its physical address, or 0. Lock held. */
static uint64_t alloc_locked(size_t count, size_t align)
{
	size_t n = pmm.zone_count;

	if (n == 0 || count > pmm.stats.free_pages)
		return 0; /* also keeps count * PAGE far from overflowing */

	/*
	 * Next fit: from the hint to the end of its zone, then the other zones
	 * in order, wrapping around, and last the starts before the hint in
	 * the hint's own zone (k == n). That last segment may end up to
	 * count - 1 pages past the hint, so runs straddling it are found too.
	 */
	for (size_t k = 0; k <= n; k++) {
		size_t zi = (pmm.hint_zone + k) % n;
		struct zone *z = &pmm.zones[zi];
		size_t lo = k == 0 ? pmm.hint_page : 0;
		size_t hi = k == n ? MIN(pmm.hint_page + count - 1, z->pages) : z->pages;
		size_t pos = lo < hi ? find_run(z, lo, hi, count, align) : NO_RUN;

		if (pos == NO_RUN)
			continue;
		bits_assign(z->used, pos, count, true);
		bits_assign(z->owned, pos, count, true);
		pmm.stats.free_pages -= count;
		pmm.stats.allocated_pages += count;
		pmm.hint_zone = zi;
		pmm.hint_page = pos + count;
		return z->base + (uint64_t)pos * PMM_PAGE_SIZE;
	}
	return 0;
}

uint64_t pmm_alloc_pages_flags(size_t count, size_t align_pages, unsigned flags)
{
	if (align_pages == 0)
		align_pages = 1;
	if (count == 0 || (align_pages & (align_pages - 1)) != 0)
		return 0;

	unsigned long irq = spin_lock_irqsave(&pmm.lock);
	uint64_t phys = alloc_locked(count, align_pages);

	spin_unlock_irqrestore(&pmm.lock, irq);

	/* The run is the caller's now; clearing it needs no lock. */
	if (phys != 0 && !(flags & PMM_ALLOC_NO_ZERO))
		memset((void *)(uintptr_t)(phys + pmm.hhdm_offset), 0, count * PMM_PAGE_SIZE);
	return phys;
}

uint64_t pmm_alloc_pages(size_t count, size_t align_pages)
{
	return pmm_alloc_pages_flags(count, align_pages, PMM_ALLOC_ZERO);
}

uint64_t pmm_alloc_page(void)
{
	return pmm_alloc_pages_flags(1, 1, PMM_ALLOC_ZERO);
}

/* ---- Freeing ---------------------------------------------------------- */

void pmm_free_pages(uint64_t phys, size_t count)
{
	if (!IS_ALIGNED(phys, PMM_PAGE_SIZE))
		PANIC("pmm: free of %#llx: not a page address", (unsigned long long)phys);
	if (count == 0)
		return;

	/*
	 * A bad free panics with the lock held, on purpose: the bookkeeping of
	 * some caller is broken, and no other CPU should allocate from state
	 * that may already be inconsistent.
	 */
	unsigned long irq = spin_lock_irqsave(&pmm.lock);
	struct zone *z = zone_of(phys, count);

	if (z == NULL)
		PANIC("pmm: free of %#llx (%zu pages): not memory the pmm manages",
		      (unsigned long long)phys, count);
	size_t first = (size_t)((phys - z->base) / PMM_PAGE_SIZE);
	size_t hole = bits_find(z->owned, first, first + count, false);

	if (hole != first + count)
		PANIC("pmm: free of %#llx (%zu pages): page %#llx is not allocated",
		      (unsigned long long)phys, count,
		      (unsigned long long)(z->base + (uint64_t)hole * PMM_PAGE_SIZE));
	bits_assign(z->owned, first, count, false);
	bits_assign(z->used, first, count, false);
	pmm.stats.free_pages += count;
	pmm.stats.allocated_pages -= count;
	spin_unlock_irqrestore(&pmm.lock, irq);
}

void pmm_free_page(uint64_t phys)
{
	pmm_free_pages(phys, 1);
}

struct pmm_stats pmm_get_stats(void)
{
	unsigned long irq = spin_lock_irqsave(&pmm.lock);
	struct pmm_stats stats = pmm.stats;

	spin_unlock_irqrestore(&pmm.lock, irq);
	return stats;
}
