/*
 * test/base/compiler_test.c - the macros of <base/compiler.h>.
 *
 * Built into the base_mem test program (they are mostly about memory
 * layout). The compile-time refusals (ARRAY_SIZE of a pointer, container_of
 * with a mismatched pointer) cannot be tested at run time; what is tested
 * here is the values the macros compute and that they evaluate their
 * arguments once.
 */
#include <criterion/criterion.h>
#include <stdint.h>

#include <base/compiler.h>

struct list_node {
	struct list_node *next;
};

struct item {
	char tag;
	int value;
	struct list_node node;
};

Test(compiler, array_size_counts_elements)
{
	int four[4];
	struct item items[7];

	cr_assert_eq(ARRAY_SIZE(four), 4);
	cr_assert_eq(ARRAY_SIZE(items), 7);
	cr_assert_eq(ARRAY_SIZE("abc"), 4, "a string literal is an array, NUL included");
}

Test(compiler, container_of_finds_the_enclosing_struct)
{
	struct item it = { .tag = 'x', .value = 42 };
	struct list_node *node = &it.node;
	struct item *back = container_of(node, struct item, node);

	cr_assert_eq(back, &it);
	cr_assert_eq(back->value, 42);
}

Test(compiler, align_macros_keep_the_type_of_the_value)
{
	uint64_t high = UINT64_C(0xffffffff00001001);
	unsigned page = 4096; /* a 32-bit alignment must not clear the upper half */

	cr_assert_eq(ALIGN_UP(high, page), UINT64_C(0xffffffff00002000));
	cr_assert_eq(ALIGN_DOWN(high, page), UINT64_C(0xffffffff00001000));
	cr_assert_not(IS_ALIGNED(high, page));
	cr_assert(IS_ALIGNED(UINT64_C(0xffffffff00002000), page));
	cr_assert_eq(ALIGN_UP(4096u, 4096u), 4096u, "an aligned value stays");
	cr_assert_eq(ALIGN_UP(0u, 8u), 0u);
	cr_assert_eq(ALIGN_UP(1u, 1u), 1u);
}

Test(compiler, min_and_max_evaluate_each_argument_once)
{
	int i = 1;
	int j = 5;

	cr_assert_eq(MIN(i++, j), 1);
	cr_assert_eq(i, 2);
	cr_assert_eq(MAX(i, j++), 5);
	cr_assert_eq(j, 6);
	cr_assert_eq(MIN(3, MIN(-2, 7)), -2, "nested uses do not clash");
	cr_assert_eq(MAX(MAX(3, -2), 7), 7);
	cr_assert_eq(MIN((size_t)10, 16), 10, "mixed types use the common type");
}

Test(compiler, likely_and_unlikely_keep_the_truth_value)
{
	int x = 42;

	cr_assert_eq(likely(x), 1);
	cr_assert_eq(unlikely(x), 1);
	cr_assert_eq(likely(0), 0);
	cr_assert_eq(unlikely(!x), 0);
}

/* The attributes at least compile where a kernel uses them. */
struct __packed packed_header {
	uint8_t kind;
	uint32_t length;
};

STATIC_ASSERT(sizeof(struct packed_header) == 5, "__packed removes padding");

static __aligned(64) char aligned_buffer[3];

Test(compiler, packed_and_aligned_attributes_take_effect)
{
	cr_assert_eq(sizeof(struct packed_header), 5);
	cr_assert_eq((uintptr_t)aligned_buffer % 64, 0);
}
