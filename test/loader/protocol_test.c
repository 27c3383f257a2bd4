/*
 * test/loader/protocol_test.c - finding the kernel's requests and answering them.
 */
#include <criterion/criterion.h>

#include <base/string.h>
#include <stdint.h>

#include "loader.h"
#include "protocol.h"

/*
 * The loader's arena, faked: plain memory. The HHDM offset used below is 0,
 * so the "HHDM pointers" the answers hold are ordinary pointers.
 */
static uint8_t arena[1 << 16];
static size_t arena_used;

void *loader_arena_alloc(size_t size)
{
	size = (size + 7) & ~(size_t)7;
	cr_assert_leq(arena_used + size, sizeof(arena));
	void *p = arena + arena_used;

	arena_used += size;
	return p;
}

char *loader_arena_strdup(const char *s)
{
	char *p = loader_arena_alloc(strlen(s) + 1);

	strcpy(p, s);
	return p;
}

static uint64_t image[512]; /* the "loaded kernel" */
static size_t words;
static struct kernel_requests req;
static char err[160];

static void put(uint64_t w)
{
	image[words++] = w;
}

static size_t put_request(uint64_t w2, uint64_t w3, size_t extra_words)
{
	size_t at = words;

	put(LIMINE_COMMON_MAGIC_0);
	put(LIMINE_COMMON_MAGIC_1);
	put(w2);
	put(w3);
	put(0); /* revision */
	put(0); /* response */
	for (size_t i = 0; i < extra_words; i++)
		put(0);
	return at;
}

static void put_base_revision(uint64_t n)
{
	put(LIMINE_BASE_REVISION_0);
	put(LIMINE_BASE_REVISION_1);
	put(n);
}

static int scan(void)
{
	return protocol_scan((uint8_t *)image, words * 8, &req, err, sizeof(err));
}

static void reset(void)
{
	memset(image, 0, sizeof(image));
	words = 0;
	arena_used = 0;
}

Test(protocol, acknowledges_base_revision_2_and_finds_requests)
{
	reset();
	put(0x1234);
	put_base_revision(2);
	size_t hhdm = put_request(LIMINE_HHDM_ID, 0);
	size_t mm = put_request(LIMINE_MEMMAP_ID, 0);

	cr_assert_eq(scan(), 0, "%s", err);
	cr_assert_eq(image[3], 0, "revision 2 is acknowledged by writing 0");
	cr_assert_eq(req.base_revision, 2);
	cr_assert_eq(req.count, 2);
	cr_assert_eq(req.found[0], &image[hhdm]);
	cr_assert_eq((void *)req.memmap, (void *)&image[mm]);
	cr_assert_eq(req.stack_size, 65536);
}

Test(protocol, newer_base_revision_is_left_unacknowledged)
{
	reset();
	put_base_revision(5);
	cr_assert_eq(scan(), 0, "%s", err);
	cr_assert_eq(image[2], 5);
	cr_assert_eq(req.base_revision, 2);
}

Test(protocol, markers_bound_the_scan)
{
	reset();
	put_base_revision(2);
	put_request(LIMINE_HHDM_ID, 0); /* before the start marker: forgotten */
	put(LIMINE_REQUESTS_START_0);
	put(LIMINE_REQUESTS_START_1);
	put(LIMINE_REQUESTS_START_2);
	put(LIMINE_REQUESTS_START_3);
	put_request(LIMINE_RSDP_ID, 0);
	put(LIMINE_REQUESTS_END_0);
	put(LIMINE_REQUESTS_END_1);
	put_request(LIMINE_DTB_ID, 0); /* after the end marker: never seen */

	cr_assert_eq(scan(), 0, "%s", err);
	cr_assert_eq(req.count, 1);
	cr_assert_eq(req.found[0][2], 0xc5e77b6b397e7b43);
}

Test(protocol, stack_size_request_enlarges_the_stack)
{
	reset();
	put_base_revision(2);
	size_t s = put_request(LIMINE_STACK_SIZE_ID, 1);

	image[s + 6] = 100000;
	cr_assert_eq(scan(), 0, "%s", err);
	cr_assert_eq(req.stack_size, 102400, "rounded up to whole pages");
}

Test(protocol, refuses_revision_0_duplicates_and_two_tags)
{
	reset();
	put_request(LIMINE_HHDM_ID, 0);
	cr_assert_eq(scan(), -1);
	cr_assert(strstr(err, "base revision 0") != NULL, "%s", err);

	reset();
	put_base_revision(2);
	put_request(LIMINE_HHDM_ID, 0);
	put_request(LIMINE_HHDM_ID, 0);
	cr_assert_eq(scan(), -1);
	cr_assert(strstr(err, "two kernel requests") != NULL, "%s", err);

	reset();
	put_base_revision(2);
	put_base_revision(2);
	cr_assert_eq(scan(), -1);
	cr_assert(strstr(err, "two base revision tags") != NULL, "%s", err);
}

Test(protocol, refuses_more_than_128_requests)
{
	reset();
	put_base_revision(2);
	for (uint64_t i = 0; i <= PROTOCOL_MAX_REQUESTS && words + 6 < 512; i++)
		put_request(0x1000 + i, 0x2000, 0);
	if (words + 6 >= 512)
		cr_skip_test("image too small for the case");
	cr_assert_eq(scan(), -1);
}

Test(protocol, answers_with_hhdm_pointers_and_leaves_unknown_requests_alone)
{
	static struct boot_data b;

	reset();
	put_base_revision(2);
	size_t hhdm = put_request(LIMINE_HHDM_ID, 0);
	size_t ka = put_request(LIMINE_EXECUTABLE_ADDRESS_ID, 0);
	size_t kf = put_request(LIMINE_EXECUTABLE_FILE_ID, 0);
	size_t rsdp = put_request(LIMINE_RSDP_ID, 0);
	size_t mod = put_request(LIMINE_MODULE_ID, 2);
	size_t unknown = put_request(0x1111, 0x2222, 0);

	cr_assert_eq(scan(), 0, "%s", err);
	memset(&b, 0, sizeof(b));
	b.hhdm = 0; /* pointers stay plain in this test */
	b.kernel_phys = 0x200000;
	b.elf.base = UINT64_C(0xffffffff80000000);
	b.kernel_file = (struct loaded_file){ 0x400000, 1234, "/boot/kernel.elf", "a=1" };
	protocol_answer(&req, &b);

	const struct limine_hhdm_response *h = (void *)(uintptr_t)image[hhdm + 5];

	cr_assert_not_null(h);
	cr_assert_eq(h->offset, 0);
	const struct limine_executable_address_response *a = (void *)(uintptr_t)image[ka + 5];

	cr_assert_eq(a->physical_base, 0x200000);
	cr_assert_eq(a->virtual_base, UINT64_C(0xffffffff80000000));
	const struct limine_executable_file_response *f = (void *)(uintptr_t)image[kf + 5];

	cr_assert_eq(f->executable_file->size, 1234);
	cr_assert_str_eq(f->executable_file->path, "/boot/kernel.elf");
	cr_assert_str_eq(f->executable_file->cmdline, "a=1");
	cr_assert_eq(image[rsdp + 5], 0, "no ACPI: no response");
	cr_assert_eq(image[mod + 5], 0, "no modules: no response (as Limine 8.2.0)");
	cr_assert_eq(image[unknown + 5], 0);
}

Test(protocol, memmap_answer_points_at_every_entry)
{
	struct memmap_answer a;

	reset();
	put_base_revision(2);
	size_t mm = put_request(LIMINE_MEMMAP_ID, 0);

	cr_assert_eq(scan(), 0, "%s", err);
	protocol_prepare_memmap(&req, 4, &a);
	a.entries[0] = (struct limine_memmap_entry){ 0x1000, 0x1000, LIMINE_MEMMAP_USABLE };
	a.entries[1] = (struct limine_memmap_entry){ 0x8000, 0x1000, LIMINE_MEMMAP_RESERVED };
	protocol_answer_memmap(&req, &a, 2, 0);

	const struct limine_memmap_response *r = (void *)(uintptr_t)image[mm + 5];

	cr_assert_eq(r->entry_count, 2);
	cr_assert_eq(r->entries[1]->base, 0x8000);
	cr_assert_eq(r->entries[1]->type, LIMINE_MEMMAP_RESERVED);
}
