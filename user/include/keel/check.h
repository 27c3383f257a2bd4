/*
 * user/include/keel/check.h - checks for the test programs (usertest,
 * ipctest): each is counted, a failed one is printed with the program's
 * name, and keel_check_summary() prints the totals and returns the number
 * that failed (the program's exit status).
 */
#ifndef KEEL_CHECK_H
#define KEEL_CHECK_H

#include <core/syscall.h>
#include <stdbool.h>
#include <stdint.h>

/* The name failures and the summary are printed with (set once, first). */
void keel_check_begin(const char *program);

/* A syscall answered `status` with `value`. */
void keel_expect(const char *what, struct syscall_result r, uint64_t status, uint64_t value);

/* `ok` holds. */
void keel_expect_true(const char *what, bool ok);

/* Print "<program>: N checks, M failed"; returns M. */
unsigned keel_check_summary(void);

#endif /* KEEL_CHECK_H */
