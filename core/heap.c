/*
 * core/heap.c - size-class slabs for small objects, page runs for large ones.
 *
 * Layout of a slab: one provider page. Its first bytes are a struct slab
 * (magic, list links, counts, free bitmap); the objects of the slab's class
 * follow, the first one at the header size rounded up to the class size.
 * Because the page is 4096-aligned and every class is a power of two, each
 * object is aligned to its class size, and an object never starts at page
 * offset 0. So kfree() can tell the two kinds apart by the pointer alone:
 *   - offset 0 in its page: a large run; its header page is the page before;
 *   - any other offset: a slab object; its header is at the page's start.
 *
 * Invariants, all under `heap_lock`:
 *   - a slab is on its class's `partial` list exactly when it has at least
 *     one free object (free_count > 0); full slabs are on no list, and are
 *     found again through the page header when one of their objects is freed;
 *   - bit i of free_map is set exactly when object i is free, and
 *     free_count is the number of set bits;
 *   - `empty` counts the slabs of the class with every object free; kfree()
 *     keeps it at most 1 (the spare), returning any other empty slab;
 *   - a live header's magic is its kind's constant XOR the header's own
 *     address, so a header copied elsewhere, or stale bytes that happen to
 *     hold the bare constant, do not pass for a header. Freeing clears it.
 *
 * The provider is never called with the lock held: a slab is unlinked (or
 * prepared) under the lock, and handed over (or set up) outside it.
 */
#include <base/assert.h>
#include <base/compiler.h>
#include <base/string.h>
#include <core/heap.h>
#include <core/spinlock.h>
#include <stdint.h>

#define PAGE	  ((uintptr_t)HEAP_PAGE_SIZE)
#define NCLASSES  8 /* 16, 32, ... 2048 */
#define MIN_SHIFT 4 /* log2(HEAP_MIN_ALIGN) */

/* "KEELSLAB" and "KEELLARG", XORed with the header's address. */
#define SLAB_MAGIC  UINT64_C(0x4b45454c534c4142)
#define LARGE_MAGIC UINT64_C(0x4b45454c4c415247)

/* Larger requests are refused: the page count times the page size must not overflow anywhere. */
#define MAX_REQUEST (SIZE_MAX >> 1)

#define MAP_WORDS 4 /* enough bits for the 16-byte class: (4096 - 64) / 16 = 252 objects */

struct slab {
	uint64_t magic;
	struct slab *next, *prev; /* on the class's partial list */
	uint16_t cls;		  /* index into classes[] */
	uint16_t capacity;	  /* objects in this slab */
	uint16_t free_count;	  /* set bits in free_map */
	uint16_t first;		  /* page offset of object 0 */
	uint64_t free_map[MAP_WORDS];
};

/* The header page of a large run; the data starts one page further. */
struct large {
	uint64_t magic;
	size_t pages; /* data pages, header page excluded */
};

struct heap_class {
	struct slab *partial; /* slabs with a free object; head is used first */
	size_t empty;	      /* slabs with every object free; at most 1 after a kfree() */
};

STATIC_ASSERT(HEAP_MAX_CLASS_SIZE == HEAP_MIN_ALIGN << (NCLASSES - 1), "classes 16..2048");
STATIC_ASSERT(sizeof(struct slab) <= 64, "the header fits in the first 64 bytes");
STATIC_ASSERT((PAGE - 64) / HEAP_MIN_ALIGN <= MAP_WORDS * 64, "the bitmap covers a slab");

static struct spinlock heap_lock = SPINLOCK_INIT("heap");
static const struct heap_page_ops *provider;
static struct heap_class classes[NCLASSES];
static struct heap_stats stats;

static size_t class_size(unsigned cls)
{
	return (size_t)HEAP_MIN_ALIGN << cls;
}

/* The smallest class that holds `size` bytes (size <= HEAP_MAX_CLASS_SIZE). */
static unsigned class_of(size_t size)
{
	if (size <= HEAP_MIN_ALIGN)
		return 0;
	/* ceil(log2(size)) - MIN_SHIFT: the bit length of size - 1. */
	return (unsigned)(64 - __builtin_clzll((unsigned long long)(size - 1))) - MIN_SHIFT;
}

static uint64_t magic_for(uint64_t kind, const void *header)
{
	return kind ^ (uint64_t)(uintptr_t)header;
}

void heap_init(const struct heap_page_ops *ops)
{
	assert(ops != NULL && ops->alloc_pages != NULL && ops->free_pages != NULL);
	spin_init(&heap_lock, "heap");
	provider = ops;
	memset(classes, 0, sizeof(classes));
	memset(&stats, 0, sizeof(stats));
}

/* ---- slab lists (heap_lock held) ---- */

static void partial_push(struct slab *s)
{
	struct heap_class *c = &classes[s->cls];

	s->prev = NULL;
	s->next = c->partial;
	if (c->partial != NULL)
		c->partial->prev = s;
	c->partial = s;
}

static void partial_unlink(struct slab *s)
{
	struct heap_class *c = &classes[s->cls];

	if (s->prev != NULL)
		s->prev->next = s->next;
	else
		c->partial = s->next;
	if (s->next != NULL)
		s->next->prev = s->prev;
	s->next = s->prev = NULL;
}

/* Turn a fresh provider page into an empty slab of class `cls`. No lock needed: nobody sees it. */
static struct slab *slab_setup(void *page, unsigned cls)
{
	struct slab *s = page;
	size_t size = class_size(cls);
	size_t first = ALIGN_UP(sizeof(struct slab), size);
	size_t capacity = (PAGE - first) / size;

	memset(s, 0, sizeof(*s));
	s->magic = magic_for(SLAB_MAGIC, s);
	s->cls = (uint16_t)cls;
	s->first = (uint16_t)first;
	s->capacity = (uint16_t)capacity;
	s->free_count = (uint16_t)capacity;
	for (size_t i = 0; i < capacity; i++)
		s->free_map[i / 64] |= UINT64_C(1) << (i % 64);
	return s;
}

/* Take one free object out of slab `s` (which has one); heap_lock held. */
static void *slab_take(struct slab *s)
{
	struct heap_class *c = &classes[s->cls];
	size_t i = 0;

	while (s->free_map[i] == 0)
		i++;
	unsigned bit = (unsigned)__builtin_ctzll(s->free_map[i]);

	s->free_map[i] &= ~(UINT64_C(1) << bit);
	if (s->free_count == s->capacity)
		c->empty--;
	s->free_count--;
	if (s->free_count == 0)
		partial_unlink(s);
	stats.bytes_in_use += class_size(s->cls);
	stats.objects_in_use++;
	return (uint8_t *)s + s->first + (i * 64 + bit) * class_size(s->cls);
}

static void *alloc_small(unsigned cls)
{
	unsigned long flags = spin_lock_irqsave(&heap_lock);
	struct slab *s = classes[cls].partial;

	if (s == NULL) {
		/*
		 * Refill outside the lock. Another CPU may refill the same
		 * class meanwhile; then the class briefly has two slabs with
		 * free objects, which costs a page at worst and breaks nothing.
		 */
		spin_unlock_irqrestore(&heap_lock, flags);
		void *page = provider->alloc_pages(1);

		if (page == NULL)
			return NULL;
		s = slab_setup(page, cls);
		flags = spin_lock_irqsave(&heap_lock);
		partial_push(s);
		classes[cls].empty++;
		stats.pages_held++;
	}
	void *obj = slab_take(s);

	spin_unlock_irqrestore(&heap_lock, flags);
	return obj;
}

static void *alloc_large(size_t size)
{
	size_t pages = (size + PAGE - 1) / PAGE;
	struct large *h = provider->alloc_pages(pages + 1);

	if (h == NULL)
		return NULL;
	h->magic = magic_for(LARGE_MAGIC, h);
	h->pages = pages;

	unsigned long flags = spin_lock_irqsave(&heap_lock);

	stats.bytes_in_use += pages * PAGE;
	stats.objects_in_use++;
	stats.pages_held += pages + 1;
	spin_unlock_irqrestore(&heap_lock, flags);
	return (uint8_t *)h + PAGE;
}

void *kmalloc(size_t size)
{
	/* provider is set once at boot, before any CPU can allocate; no lock needed to read it. */
	if (provider == NULL || size > MAX_REQUEST)
		return NULL;
	if (size <= HEAP_MAX_CLASS_SIZE)
		return alloc_small(class_of(size));
	return alloc_large(size);
}

void *kzalloc(size_t size)
{
	void *p = kmalloc(size);

	if (p == NULL)
		return NULL;
	if (size <= HEAP_MAX_CLASS_SIZE)
		size = class_size(class_of(size));
	memset(p, 0, size);
	return p;
}

/* ---- freeing ---- */

static void free_small(void *ptr)
{
	uintptr_t addr = (uintptr_t)ptr;
	struct slab *s = (struct slab *)(addr & ~(PAGE - 1));
	size_t off = addr & (PAGE - 1);
	unsigned long flags = spin_lock_irqsave(&heap_lock);

	if (s->magic != magic_for(SLAB_MAGIC, s) || s->cls >= NCLASSES)
		PANIC("heap: kfree(%p): not an object of this heap", ptr);
	size_t size = class_size(s->cls);

	if (off < s->first || (off - s->first) % size != 0 ||
	    (off - s->first) / size >= s->capacity)
		PANIC("heap: kfree(%p): not the start of a %zu-byte object", ptr, size);
	size_t i = (off - s->first) / size;
	uint64_t bit = UINT64_C(1) << (i % 64);

	if (s->free_map[i / 64] & bit)
		PANIC("heap: kfree(%p): double free of a %zu-byte object", ptr, size);

	struct heap_class *c = &classes[s->cls];
	bool release = false;

	s->free_map[i / 64] |= bit;
	if (s->free_count == 0)
		partial_push(s);
	s->free_count++;
	stats.bytes_in_use -= size;
	stats.objects_in_use--;
	if (s->free_count == s->capacity) {
		/*
		 * Keep one empty slab per class as a spare: a caller that
		 * allocates and frees one object in a loop would otherwise
		 * call the provider twice per iteration. More than one spare
		 * would hold memory that nothing may ever need again.
		 */
		if (c->empty == 0) {
			c->empty = 1;
		} else {
			partial_unlink(s);
			s->magic = 0; /* a later kfree() of its objects must not find a slab here */
			stats.pages_held--;
			release = true;
		}
	}
	spin_unlock_irqrestore(&heap_lock, flags);
	if (release)
		provider->free_pages(s, 1);
}

static void free_large(void *ptr)
{
	uintptr_t addr = (uintptr_t)ptr;

	if (addr < PAGE)
		PANIC("heap: kfree(%p): not an object of this heap", ptr);
	struct large *h = (struct large *)(addr - PAGE);
	unsigned long flags = spin_lock_irqsave(&heap_lock);

	/* A run freed earlier had its magic cleared, so a double free lands here too. */
	if (h->magic != magic_for(LARGE_MAGIC, h))
		PANIC("heap: kfree(%p): not a live page run of this heap (foreign or double free)",
		      ptr);
	size_t pages = h->pages;

	h->magic = 0;
	stats.bytes_in_use -= pages * PAGE;
	stats.objects_in_use--;
	stats.pages_held -= pages + 1;
	spin_unlock_irqrestore(&heap_lock, flags);
	provider->free_pages(h, pages + 1);
}

void kfree(void *ptr)
{
	if (ptr == NULL)
		return;
	if (((uintptr_t)ptr & (PAGE - 1)) == 0)
		free_large(ptr);
	else
		free_small(ptr);
}

void heap_trim(void)
{
	struct slab *spares = NULL;
	unsigned long flags = spin_lock_irqsave(&heap_lock);

	for (unsigned cls = 0; cls < NCLASSES; cls++) {
		struct slab *s = classes[cls].partial;

		while (s != NULL && classes[cls].empty > 0) {
			struct slab *next = s->next;

			if (s->free_count == s->capacity) {
				partial_unlink(s);
				s->magic = 0;
				classes[cls].empty--;
				stats.pages_held--;
				s->next = spares; /* chain them for release after unlocking */
				spares = s;
			}
			s = next;
		}
	}
	spin_unlock_irqrestore(&heap_lock, flags);
	while (spares != NULL) {
		struct slab *next = spares->next;

		provider->free_pages(spares, 1);
		spares = next;
	}
}

struct heap_stats heap_get_stats(void)
{
	unsigned long flags = spin_lock_irqsave(&heap_lock);
	struct heap_stats s = stats;

	spin_unlock_irqrestore(&heap_lock, flags);
	return s;
}
