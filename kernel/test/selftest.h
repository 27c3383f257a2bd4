/*
 * kernel/test/selftest.h - in-kernel selftests: cases, suites, assertions.
 *
 * A suite is a named array of cases; each case is a function that gets the
 * running test's state and reports failures through the assertion macros.
 * An assertion that fails records file, line, the expression and (for the
 * comparison forms) both values, then leaves the case: plain forms return,
 * _GOTO forms jump to a cleanup label so allocations and locks are released.
 *
 * To add a suite: write kernel/test/selftests/<name>.c defining the cases
 * and a `const struct kernel_selftest_suite selftest_suite_<name>`, declare
 * it at the end of this header, and add it to the table in selftest.c.
 */
#ifndef KERNEL_TEST_SELFTEST_H
#define KERNEL_TEST_SELFTEST_H

#include <base/compiler.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The state of the case being run. */
struct selftest {
	const char *suite;
	const char *name;
	bool failed;
};

/*
 * How long a case may run before the watchdog calls it hung and fails the
 * run (kernel/watchdog.c): its suite's budget_s, else kernel.selftest.budget_s=
 * (for a long fuzz run), else SELFTEST_BUDGET_S.
 */
#define SELFTEST_BUDGET_S 120

struct kernel_selftest_case {
	const char *name;
	void (*run)(struct selftest *t);
};

struct kernel_selftest_suite {
	const char *name;
	const struct kernel_selftest_case *cases;
	size_t count;
	/*
	 * Only run when asked for by name (kernel.selftest.suite=NAME): suites
	 * that fail or panic on purpose, to check the harness itself.
	 */
	bool explicit_only;
	unsigned budget_s; /* seconds each case may run; 0: the default (above) */
};

#define SELFTEST_SUITE(var, suite_name, case_array)                     \
	const struct kernel_selftest_suite var = { .name = suite_name,  \
						   .cases = case_array, \
						   .count = ARRAY_SIZE(case_array) }

/* Record a failure of the running case (the macros below call it). */
__printf_like(4, 5) void selftest_fail(struct selftest *t, const char *file, int line,
				       const char *fmt, ...);

/*
 * Run the user program in boot module `file` (e.g. "usertest.elf") with
 * `arg` and wait for it: a process status (PROCESS_OK when it ran), *exit
 * says how it ended. kernel/test/selftests/user.c.
 */
struct process_exit;
int selftest_run_program(const char *file, uint64_t arg, struct process_exit *exit);

/*
 * What must come back after processes are gone (user.c): free pages (the
 * heap's pages counted as free, its objects apart), kernel stacks, live
 * processes, heap objects. selftest_expect_same_usage()
 * fails the case when any differs from `before`.
 */
struct selftest_usage {
	uint64_t free_pages; /* PMM free pages + pages the heap holds */
	uint64_t kstacks;
	uint64_t processes;
	uint64_t heap_objects; /* thread objects, endpoints and the like included */
};

/*
 * Start ipctest.elf as process `name` with `part` (user/programs/ipctest.c)
 * and a handle to `object` with `rights` in its table; a process status.
 * kernel/test/selftests/ipc.c.
 */
struct kobject;
struct process;
int selftest_start_ipctest(const char *name, struct kobject *object, uint32_t rights, unsigned part,
			   struct process **out);

struct selftest_usage selftest_usage_now(void);
void selftest_expect_same_usage(struct selftest *t, const struct selftest_usage *before);

/* Run every suite, or only `suite` when not NULL; print results. True on PASS. */
bool selftest_run(const char *suite);

#define ST_FAIL_(t, ...) selftest_fail(t, __FILE__, __LINE__, __VA_ARGS__)

#define ST_ASSERT(t, cond)                        \
	do {                                      \
		if (!(cond)) {                    \
			ST_FAIL_(t, "%s", #cond); \
			return;                   \
		}                                 \
	} while (0)

#define ST_ASSERT_GOTO(t, cond, label)            \
	do {                                      \
		if (!(cond)) {                    \
			ST_FAIL_(t, "%s", #cond); \
			goto label;               \
		}                                 \
	} while (0)

/* Integer comparison; both sides are shown as unsigned 64-bit hex and decimal. */
#define ST_CMP_(t, a, op, b, on_fail)                                                        \
	do {                                                                                 \
		unsigned long long st_a_ = (unsigned long long)(a);                          \
		unsigned long long st_b_ = (unsigned long long)(b);                          \
		if (!(st_a_ op st_b_)) {                                                     \
			ST_FAIL_(t, "%s %s %s: 0x%llx (%llu) vs 0x%llx (%llu)", #a, #op, #b, \
				 st_a_, st_a_, st_b_, st_b_);                                \
			on_fail;                                                             \
		}                                                                            \
	} while (0)

#define ST_ASSERT_EQ(t, a, b)		  ST_CMP_(t, a, ==, b, return)
#define ST_ASSERT_NE(t, a, b)		  ST_CMP_(t, a, !=, b, return)
#define ST_ASSERT_LT(t, a, b)		  ST_CMP_(t, a, <, b, return)
#define ST_ASSERT_LE(t, a, b)		  ST_CMP_(t, a, <=, b, return)
#define ST_ASSERT_EQ_GOTO(t, a, b, label) ST_CMP_(t, a, ==, b, goto label)
#define ST_ASSERT_NE_GOTO(t, a, b, label) ST_CMP_(t, a, !=, b, goto label)

/* C strings; a NULL side fails. */
bool selftest_str_eq(const char *a, const char *b);
#define ST_STR_(t, a, b, on_fail)                                                     \
	do {                                                                          \
		const char *st_a_ = (a), *st_b_ = (b);                                \
		if (!selftest_str_eq(st_a_, st_b_)) {                                 \
			ST_FAIL_(t, "%s == %s: \"%s\" vs \"%s\"", #a, #b,             \
				 st_a_ ? st_a_ : "(null)", st_b_ ? st_b_ : "(null)"); \
			on_fail;                                                      \
		}                                                                     \
	} while (0)
#define ST_ASSERT_STR_EQ(t, a, b)	      ST_STR_(t, a, b, return)
#define ST_ASSERT_STR_EQ_GOTO(t, a, b, label) ST_STR_(t, a, b, goto label)

/* The registered suites (kernel/test/selftests/). */
extern const struct kernel_selftest_suite selftest_suite_base;
extern const struct kernel_selftest_suite selftest_suite_boot;
extern const struct kernel_selftest_suite selftest_suite_pmm;
extern const struct kernel_selftest_suite selftest_suite_heap;
extern const struct kernel_selftest_suite selftest_suite_selftest_fail;
extern const struct kernel_selftest_suite selftest_suite_selftest_panic;
extern const struct kernel_selftest_suite selftest_suite_selftest_fault;
extern const struct kernel_selftest_suite selftest_suite_trap;
extern const struct kernel_selftest_suite selftest_suite_paging;
extern const struct kernel_selftest_suite selftest_suite_vmm;
extern const struct kernel_selftest_suite selftest_suite_smp;
extern const struct kernel_selftest_suite selftest_suite_sched;
extern const struct kernel_selftest_suite selftest_suite_irq;
extern const struct kernel_selftest_suite selftest_suite_user;
extern const struct kernel_selftest_suite selftest_suite_ipc;
extern const struct kernel_selftest_suite selftest_suite_init;
extern const struct kernel_selftest_suite selftest_suite_bench;
extern const struct kernel_selftest_suite selftest_suite_selftest_overflow;
extern const struct kernel_selftest_suite selftest_suite_selftest_spin_hang;
extern const struct kernel_selftest_suite selftest_suite_selftest_irq_hang;
extern const struct kernel_selftest_suite selftest_suite_selftest_step_hang;
extern const struct kernel_selftest_suite selftest_suite_selftest_lock_order;

#endif /* KERNEL_TEST_SELFTEST_H */
