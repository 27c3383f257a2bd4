/*
 * test/core/heap_fake_pages.h - a page provider for the heap's native tests.
 *
 * Pages come from aligned_alloc() and are filled with FAKE_PAGES_FILL, so a
 * heap that relied on zeroed pages would show it. The provider counts the
 * pages it has handed out, checks that every free names a live run with
 * its exact page count, and can be told to fail.
 *
 * Freed runs are poisoned and kept (quarantined) for a while before going
 * back to the C library, so a heap that reads a freed header (a double
 * free of a large run) reads poison, not memory AddressSanitizer reports.
 */
#ifndef KEEL_TEST_HEAP_FAKE_PAGES_H
#define KEEL_TEST_HEAP_FAKE_PAGES_H

#include <stdbool.h>
#include <stddef.h>

#include <core/heap.h>

#define FAKE_PAGES_FILL	  0xa5
#define FAKE_PAGES_POISON 0xdd

/* The provider to give heap_init(). */
extern const struct heap_page_ops fake_pages_ops;

/* Forget everything and start counting from zero (frees what is still held). */
void fake_pages_reset(void);

/* Pages handed out and not given back. */
size_t fake_pages_held(void);

/* Calls of alloc_pages() so far, successful or not. */
size_t fake_pages_alloc_calls(void);

/* Make every following alloc_pages() fail (true) or succeed again (false). */
void fake_pages_fail(bool fail);

#endif /* KEEL_TEST_HEAP_FAKE_PAGES_H */
