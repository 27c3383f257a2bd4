/*
 * test/core/handle_test.c - kernel objects and handle tables (X3).
 */
#include <criterion/criterion.h>

#include <base/string.h>
#include <core/handle.h>
#include <core/syscall.h>

#define CAP 8

struct thing {
	struct kobject object;
	unsigned released;
};

static struct handle_slot slots[CAP];
static struct handle_table table;

static void release_thing(struct kobject *o)
{
	((struct thing *)o)->released++;
}

static void thing_init(struct thing *t, enum kobject_type type)
{
	*t = (struct thing){ 0 };
	kobject_init(&t->object, type, release_thing);
}

static void setup(void)
{
	handle_table_init(&table, slots, CAP);
}

TestSuite(handle, .init = setup);

Test(handle, install_and_lookup_give_the_object_with_its_rights)
{
	struct thing a;
	struct kobject *o = NULL;
	uint32_t rights = 0;
	uint64_t h = 0;

	thing_init(&a, KOBJ_THREAD);
	cr_assert_eq(handle_install(&table, &a.object, SYS_RIGHT_READ, &h), HANDLE_OK);
	cr_assert_neq(h, 0);
	cr_assert_eq(a.object.refs, 2);
	cr_assert_eq(handle_lookup(&table, h, KOBJ_THREAD, SYS_RIGHT_READ, &o, &rights), HANDLE_OK);
	cr_assert_eq(o, &a.object);
	cr_assert_eq(rights, SYS_RIGHT_READ);
	cr_assert_eq(a.object.refs, 3);
	cr_assert_eq(handle_lookup(&table, h, 0, 0, &o, NULL), HANDLE_OK); /* any type */
	cr_assert_eq(handle_table_used(&table), 1);
}

Test(handle, bad_values_wrong_types_and_missing_rights_are_told_apart)
{
	struct thing a;
	struct kobject *o = NULL;
	uint64_t h;

	thing_init(&a, KOBJ_THREAD);
	cr_assert_eq(handle_install(&table, &a.object, SYS_RIGHT_READ, &h), HANDLE_OK);
	cr_assert_eq(handle_lookup(&table, 0, 0, 0, &o, NULL), HANDLE_BAD);
	cr_assert_eq(handle_lookup(&table, h + 1, 0, 0, &o, NULL), HANDLE_BAD); /* empty slot */
	cr_assert_eq(handle_lookup(&table, h ^ (UINT64_C(1) << 16), 0, 0, &o, NULL), HANDLE_BAD);
	cr_assert_eq(handle_lookup(&table, (h & ~UINT64_C(0xffff)) | CAP, 0, 0, &o, NULL),
		     HANDLE_BAD); /* index past the table */
	cr_assert_eq(handle_lookup(&table, UINT64_MAX, 0, 0, &o, NULL), HANDLE_BAD);
	cr_assert_eq(handle_lookup(&table, h, KOBJ_THREAD + 1, 0, &o, NULL), HANDLE_WRONG_TYPE);
	cr_assert_eq(handle_lookup(&table, h, KOBJ_THREAD, SYS_RIGHT_WRITE, &o, NULL),
		     HANDLE_NO_RIGHTS);
	cr_assert_eq(o, NULL);
	cr_assert_eq(a.object.refs, 2, "a refused lookup takes no reference");
}

Test(handle, a_closed_handle_stays_stale_after_its_slot_is_reused)
{
	struct thing a, b;
	struct kobject *o = NULL;
	uint64_t ha, hb;

	thing_init(&a, KOBJ_THREAD);
	thing_init(&b, KOBJ_THREAD);
	cr_assert_eq(handle_install(&table, &a.object, SYS_RIGHTS_ALL, &ha), HANDLE_OK);
	cr_assert_eq(handle_close(&table, ha), HANDLE_OK);
	cr_assert_eq(handle_close(&table, ha), HANDLE_BAD);
	cr_assert_eq(handle_install(&table, &b.object, SYS_RIGHTS_ALL, &hb), HANDLE_OK);
	cr_assert_eq(hb & 0xffff, ha & 0xffff, "the slot is reused");
	cr_assert_neq(hb, ha);
	cr_assert_eq(handle_lookup(&table, ha, 0, 0, &o, NULL), HANDLE_BAD);
	cr_assert_eq(handle_lookup(&table, hb, 0, 0, &o, NULL), HANDLE_OK);
	cr_assert_eq(o, &b.object);
}

Test(handle, the_object_is_released_with_its_last_reference)
{
	struct thing a;
	struct kobject *o;
	uint64_t h;

	thing_init(&a, KOBJ_THREAD);
	cr_assert_eq(handle_install(&table, &a.object, SYS_RIGHTS_ALL, &h), HANDLE_OK);
	kobject_put(&a.object); /* the creator's reference: the handle keeps it alive */
	cr_assert_eq(a.released, 0);
	cr_assert_eq(handle_lookup(&table, h, 0, 0, &o, NULL), HANDLE_OK);
	cr_assert_eq(handle_close(&table, h), HANDLE_OK);
	cr_assert_eq(a.released, 0, "the lookup's reference keeps it alive");
	kobject_put(o);
	cr_assert_eq(a.released, 1);
}

Test(handle, duplicates_carry_a_subset_of_the_rights)
{
	struct thing a;
	struct kobject *o;
	uint32_t rights;
	uint64_t h, d, d2;

	thing_init(&a, KOBJ_THREAD);
	cr_assert_eq(handle_install(&table, &a.object, SYS_RIGHT_READ | SYS_RIGHT_DUPLICATE, &h),
		     HANDLE_OK);
	cr_assert_eq(handle_duplicate(&table, h, SYS_RIGHT_READ | SYS_RIGHT_WRITE, &d),
		     HANDLE_NO_RIGHTS, "more rights than the original");
	cr_assert_eq(handle_duplicate(&table, h, SYS_RIGHT_READ, &d), HANDLE_OK);
	cr_assert_neq(d, h);
	cr_assert_eq(handle_lookup(&table, d, 0, 0, &o, &rights), HANDLE_OK);
	cr_assert_eq(rights, SYS_RIGHT_READ);
	kobject_put(o);
	cr_assert_eq(handle_duplicate(&table, d, SYS_RIGHT_READ, &d2), HANDLE_NO_RIGHTS,
		     "the duplicate lost SYS_RIGHT_DUPLICATE");
	cr_assert_eq(a.object.refs, 3);
	cr_assert_eq(handle_close(&table, h), HANDLE_OK);
	cr_assert_eq(handle_lookup(&table, d, 0, 0, &o, NULL), HANDLE_OK,
		     "a duplicate outlives its original");
	kobject_put(o);
}

Test(handle, a_full_table_refuses_and_keeps_no_reference)
{
	struct thing a;
	uint64_t h;

	thing_init(&a, KOBJ_THREAD);
	for (int i = 0; i < CAP; i++)
		cr_assert_eq(handle_install(&table, &a.object, SYS_RIGHTS_ALL, &h), HANDLE_OK);
	cr_assert_eq(handle_install(&table, &a.object, SYS_RIGHTS_ALL, &h), HANDLE_TABLE_FULL);
	cr_assert_eq(handle_duplicate(&table, h, SYS_RIGHT_READ, &h), HANDLE_TABLE_FULL);
	cr_assert_eq(a.object.refs, 1 + CAP);
	handle_table_close_all(&table);
	cr_assert_eq(handle_table_used(&table), 0);
	cr_assert_eq(a.object.refs, 1);
	cr_assert_eq(a.released, 0);
}

Test(handle, take_moves_the_reference_out)
{
	struct thing a;
	struct kobject *o = NULL;
	uint32_t rights;
	uint64_t h;

	thing_init(&a, KOBJ_THREAD);
	cr_assert_eq(handle_install(&table, &a.object, SYS_RIGHT_GRANT | SYS_RIGHT_READ, &h),
		     HANDLE_OK);
	cr_assert_eq(handle_take(&table, h, KOBJ_THREAD, SYS_RIGHT_WRITE, &o, &rights),
		     HANDLE_NO_RIGHTS);
	cr_assert_eq(handle_take(&table, h, KOBJ_THREAD, SYS_RIGHT_GRANT, &o, &rights), HANDLE_OK);
	cr_assert_eq(o, &a.object);
	cr_assert_eq(rights, SYS_RIGHT_GRANT | SYS_RIGHT_READ);
	cr_assert_eq(a.object.refs, 2, "the table's reference is the caller's now");
	cr_assert_eq(handle_lookup(&table, h, 0, 0, &o, NULL), HANDLE_BAD);
	cr_assert_eq(handle_table_used(&table), 0);
}

Test(handle, generations_never_make_handle_zero)
{
	struct thing a;
	uint64_t h;

	thing_init(&a, KOBJ_THREAD);
	for (unsigned i = 0; i < 1000; i++) {
		cr_assert_eq(handle_install(&table, &a.object, 0, &h), HANDLE_OK);
		cr_assert_neq(h, 0);
		cr_assert_neq(h >> 16, 0);
		cr_assert_eq(handle_close(&table, h), HANDLE_OK);
	}
	cr_assert_eq(a.object.refs, 1);
}

/* Issue 13: a 16-bit generation wrapped, and the 65536th newcomer answered to the first handle. */
Test(handle, an_old_handle_never_names_a_newcomer_in_its_slot)
{
	struct thing first, later;
	uint64_t old, h;
	struct kobject *o;

	thing_init(&first, KOBJ_ENDPOINT);
	thing_init(&later, KOBJ_ENDPOINT);
	cr_assert_eq(handle_install(&table, &first.object, 0, &old), HANDLE_OK);
	cr_assert_eq(handle_close(&table, old), HANDLE_OK);
	for (unsigned i = 0; i < 140000; i++) { /* past 2^16 twice */
		cr_assert_eq(handle_install(&table, &later.object, 0, &h), HANDLE_OK);
		cr_assert_eq(h & 0xffff, old & 0xffff, "the same slot every time");
		cr_assert_gt(h >> 16, old >> 16, "generations only grow");
		cr_assert_eq(handle_lookup(&table, old, 0, 0, &o, NULL), HANDLE_BAD, "round %u", i);
		cr_assert_eq(handle_close(&table, h), HANDLE_OK);
	}
	cr_assert_eq(later.object.refs, 1);
}

Test(handle, a_slot_retires_after_its_last_generation)
{
	struct thing a;
	uint64_t last, h;
	struct kobject *o;

	thing_init(&a, KOBJ_THREAD);
	slots[0].generation = HANDLE_GENERATION_MAX - 1; /* as after 2^32 - 2 closes */
	cr_assert_eq(handle_install(&table, &a.object, 0, &last), HANDLE_OK);
	cr_assert_eq(last, (uint64_t)HANDLE_GENERATION_MAX << 16 | 0);
	cr_assert_eq(handle_close(&table, last), HANDLE_OK);
	/* Slot 0 is never filled again: the table has CAP - 1 slots left, all fresh. */
	for (unsigned i = 1; i < CAP; i++) {
		cr_assert_eq(handle_install(&table, &a.object, 0, &h), HANDLE_OK);
		cr_assert_eq(h, (uint64_t)1 << 16 | i);
	}
	cr_assert_eq(handle_install(&table, &a.object, 0, &h), HANDLE_TABLE_FULL);
	cr_assert_eq(handle_lookup(&table, last, 0, 0, &o, NULL), HANDLE_BAD);
	cr_assert_eq(handle_table_used(&table), CAP - 1);
	handle_table_close_all(&table);
	cr_assert_eq(a.object.refs, 1);
}

Test(handle, close_all_releases_objects_held_only_by_handles)
{
	struct thing a, b;
	uint64_t h;

	thing_init(&a, KOBJ_THREAD);
	thing_init(&b, KOBJ_THREAD);
	cr_assert_eq(handle_install(&table, &a.object, 0, &h), HANDLE_OK);
	cr_assert_eq(handle_install(&table, &b.object, 0, &h), HANDLE_OK);
	cr_assert_eq(handle_install(&table, &b.object, 0, &h), HANDLE_OK);
	kobject_put(&a.object);
	kobject_put(&b.object);
	handle_table_close_all(&table);
	cr_assert_eq(a.released, 1);
	cr_assert_eq(b.released, 1);
	cr_assert_str_eq(handle_status_name(HANDLE_NO_RIGHTS), "NO_RIGHTS");
}

Test(handle, take_many_is_all_or_nothing)
{
	struct thing a, b;
	struct kobject *objects[3];
	uint32_t rights[3], bad = 99;
	uint64_t h[3];

	thing_init(&a, KOBJ_THREAD);
	thing_init(&b, KOBJ_ENDPOINT);
	cr_assert_eq(handle_install(&table, &a.object, SYS_RIGHT_GRANT, &h[0]), HANDLE_OK);
	cr_assert_eq(handle_install(&table, &b.object, SYS_RIGHT_GRANT | SYS_RIGHT_READ, &h[1]),
		     HANDLE_OK);
	cr_assert_eq(handle_install(&table, &b.object, SYS_RIGHT_READ, &h[2]), HANDLE_OK);
	cr_assert_eq(handle_take_many(&table, h, 3, SYS_RIGHT_GRANT, objects, rights, &bad),
		     HANDLE_NO_RIGHTS);
	cr_assert_eq(bad, 2);
	cr_assert_eq(handle_table_used(&table), 3, "nothing was taken");
	uint64_t twice[2] = { h[0], h[0] };

	cr_assert_eq(handle_take_many(&table, twice, 2, 0, objects, rights, &bad), HANDLE_BAD);
	cr_assert_eq(bad, 1);
	cr_assert_eq(handle_take_many(&table, h, 2, SYS_RIGHT_GRANT, objects, rights, &bad),
		     HANDLE_OK);
	cr_assert_eq(objects[0], &a.object);
	cr_assert_eq(objects[1], &b.object);
	cr_assert_eq(rights[1], SYS_RIGHT_GRANT | SYS_RIGHT_READ);
	cr_assert_eq(handle_table_used(&table), 1);
	cr_assert_eq(handle_lookup(&table, h[0], 0, 0, &objects[2], NULL), HANDLE_BAD);
	cr_assert_eq(handle_take_many(&table, h, 0, 0, objects, rights, &bad), HANDLE_OK);
}
