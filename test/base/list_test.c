/*
 * test/base/list_test.c - the intrusive list of <base/list.h>.
 */
#include <criterion/criterion.h>

#include <base/list.h>
#include <base/string.h>

struct item {
	int value;
	struct list_node link;
};

/* The values of the list, front to back, as digits ("" when empty). */
static const char *values(struct list_node *head)
{
	static char buf[32];
	struct list_node *n;
	size_t len = 0;

	list_for_each (n, head)
		buf[len++] = (char)('0' + list_entry(n, struct item, link)->value);
	buf[len] = '\0';
	return buf;
}

Test(base_list, starts_empty)
{
	struct list_node head;

	list_init(&head);
	cr_assert(list_empty(&head));
	cr_assert_null(list_first(&head));
	cr_assert_str_eq(values(&head), "");
}

Test(base_list, pushes_at_both_ends_and_removes_anywhere)
{
	struct list_node head;
	struct item it[4] = { { .value = 1 }, { .value = 2 }, { .value = 3 }, { .value = 4 } };

	list_init(&head);
	list_push_back(&head, &it[1].link);
	list_push_back(&head, &it[2].link);
	list_push_front(&head, &it[0].link);
	list_push_back(&head, &it[3].link);
	cr_assert_str_eq(values(&head), "1234");
	cr_assert_eq(list_entry(list_first(&head), struct item, link), &it[0]);

	list_remove(&it[2].link);
	cr_assert_str_eq(values(&head), "124");
	cr_assert_not(list_linked(&it[2].link)); /* a removed node points at itself */
	cr_assert(list_linked(&it[1].link));
	list_remove(&it[0].link);
	list_remove(&it[3].link);
	cr_assert_str_eq(values(&head), "2");
	list_remove(&it[1].link);
	cr_assert(list_empty(&head));
}

Test(base_list, a_removed_node_can_be_removed_again_harmlessly)
{
	struct list_node head;
	struct item a = { .value = 7 };

	list_init(&head);
	list_push_back(&head, &a.link);
	list_remove(&a.link);
	list_remove(&a.link);
	cr_assert(list_empty(&head));
	list_push_back(&head, &a.link);
	cr_assert_str_eq(values(&head), "7");
}
