/*
 * The checks of Tests/Exceptions until the project's shared C test header
 * (Tests/Support/check.h) is on this branch; the same macro names, so the
 * tests switch by their include alone.
 */
#ifndef WASMC_EXCEPTIONS_CHECK_LOCAL_H
#define WASMC_EXCEPTIONS_CHECK_LOCAL_H

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

typedef struct check_counts {
  int passed, failed;
} check_counts;
extern check_counts check_totals;
#define CHECK_COUNTERS check_counts check_totals

static inline void check_record(bool ok, const char *file, int line, const char *what) {
  if (ok) {
    check_totals.passed++;
    return;
  }
  check_totals.failed++;
  printf("FAIL %s:%d: %s\n", file, line, what);
  fflush(stdout);
}
#define CHECK(cond) check_record((cond) ? true : false, __FILE__, __LINE__, #cond)
#define CHECK_EQ(a, b)                                                                         \
  do {                                                                                         \
    unsigned long long check_a_ = (unsigned long long)(a), check_b_ = (unsigned long long)(b); \
    if (check_a_ != check_b_)                                                                  \
      printf("  %s = %llu, %s = %llu\n", #a, check_a_, #b, check_b_);                          \
    check_record(check_a_ == check_b_, __FILE__, __LINE__, #a " == " #b);                      \
  } while (0)
#define CHECK_STR(a, b)                                                              \
  do {                                                                               \
    const char *check_a_ = (a), *check_b_ = (b);                                     \
    if (strcmp(check_a_, check_b_) != 0)                                             \
      printf("  \"%s\" vs \"%s\"\n", check_a_, check_b_);                            \
    check_record(strcmp(check_a_, check_b_) == 0, __FILE__, __LINE__, #a " == " #b); \
  } while (0)

static inline int check_summary(void) {
  printf("%d passed, %d failed\n", check_totals.passed, check_totals.failed);
  fflush(stdout);
  return check_totals.failed == 0 ? 0 : 1;
}

#endif
