/*
 * check.h — the smallest native unit-test harness: CHECK records a pass or a
 * failure (with file:line and the expression), check_summary prints the
 * closing line "N passed, M failed" and gives the exit status.
 */
#ifndef CHECK_H
#define CHECK_H

#include <stdio.h>
#include <string.h>

extern int check_passed, check_failed;

#define CHECK(cond)                                                                    \
    do {                                                                               \
        if (cond) {                                                                    \
            check_passed++;                                                            \
        } else {                                                                       \
            check_failed++;                                                            \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);   \
        }                                                                              \
    } while (0)

#define CHECK_EQ(a, b)                                                                 \
    do {                                                                               \
        long long check_a_ = (long long)(a), check_b_ = (long long)(b);                \
        if (check_a_ == check_b_) {                                                    \
            check_passed++;                                                            \
        } else {                                                                       \
            check_failed++;                                                            \
            fprintf(stderr, "%s:%d: CHECK_EQ failed: %s == %s (%lld vs %lld)\n",       \
                    __FILE__, __LINE__, #a, #b, check_a_, check_b_);                   \
        }                                                                              \
    } while (0)

/* Byte-string equality of (ptr, len) against a literal of known size. */
#define CHECK_BYTES(ptr, len, lit) CHECK((len) == sizeof(lit) - 1 && memcmp((ptr), (lit), (len)) == 0)

/* Define the counters once, in the file with main(). */
#define CHECK_MAIN_COUNTERS int check_passed, check_failed

static inline int check_summary(void) {
    printf("%d passed, %d failed\n", check_passed, check_failed);
    return check_failed == 0 ? 0 : 1;
}

#endif
