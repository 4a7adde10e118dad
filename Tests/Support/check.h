/*
 * check.h — the one harness of wasmc's native C tests (Tests/WASIShimTests,
 * Tests/UplinkTests, modules/<name>/tests).
 *
 *   CHECK(cond)                 one check: passes when cond is true
 *   CHECK_EQ(a, b)              integers (or pointers) equal; prints both
 *   CHECK_STR(a, b)             C strings equal; prints both
 *   CHECK_BYTES(ptr, len, lit)  (ptr, len) holds exactly the string literal
 *   CHECK_MSG(cond, fmt, ...)   one check, with a printf-style message
 *
 * Every check counts one pass or one failure; a failure prints
 * "FAIL file:line: what". check_summary() prints the closing line
 * "N passed, M failed" that Tests/run-all.sh adds up, and returns the exit
 * status. check_run(name, test) runs one test function in a child process
 * (a crash, an abort or a hang then fails that test, not the run), and prints
 * "ok   name" or "FAIL name" after it. Checks may run on several threads.
 *
 * The counters are defined once, in the file with main():
 *
 *   CHECK_COUNTERS;
 *   int main(void) { test_x(); check_run("test_y", test_y); return check_summary(); }
 */
#ifndef WASMC_TEST_CHECK_H
#define WASMC_TEST_CHECK_H

#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

typedef struct check_counts {
  int passed, failed;
} check_counts;

extern check_counts check_totals;

#define CHECK_COUNTERS check_counts check_totals

/* Seconds a test of check_run may take before it fails as hung. */
#ifndef CHECK_TEST_SECONDS
#define CHECK_TEST_SECONDS 60
#endif

/* Counts one check; on failure prints "FAIL where: " and the formatted text. */
__attribute__((format(printf, 4, 5))) static inline void check_record(bool ok, const char *file, int line,
                                                                      const char *format, ...) {
  if (ok) {
    __atomic_fetch_add(&check_totals.passed, 1, __ATOMIC_RELAXED);
    return;
  }
  __atomic_fetch_add(&check_totals.failed, 1, __ATOMIC_RELAXED);
  char text[1024];
  va_list arguments;
  va_start(arguments, format);
  vsnprintf(text, sizeof text, format, arguments);
  va_end(arguments);
  if (line > 0) {
    printf("FAIL %s:%d: %s\n", file, line, text);
  } else {
    printf("FAIL %s: %s\n", file, text);
  }
  fflush(stdout);
}

#define CHECK(cond) check_record((cond) ? true : false, __FILE__, __LINE__, "%s", #cond)

#define CHECK_EQ(a, b)                                                                                     \
  do {                                                                                                     \
    unsigned long long check_a_ = (unsigned long long)(a);                                                 \
    unsigned long long check_b_ = (unsigned long long)(b);                                                 \
    check_record(check_a_ == check_b_, __FILE__, __LINE__, "%s == %s: %lld (0x%llx) vs %lld (0x%llx)", #a, \
                 #b, (long long)check_a_, check_a_, (long long)check_b_, check_b_);                        \
  } while (0)

#define CHECK_STR(a, b)                                                                                     \
  do {                                                                                                      \
    const char *check_a_ = (a), *check_b_ = (b);                                                            \
    check_record(strcmp(check_a_, check_b_) == 0, __FILE__, __LINE__, "%s == %s: \"%s\" vs \"%s\"", #a, #b, \
                 check_a_, check_b_);                                                                       \
  } while (0)

#define CHECK_MSG(cond, ...) check_record((cond) ? true : false, __FILE__, __LINE__, __VA_ARGS__)

/* Byte-string equality of (ptr, len) against a literal of known size. */
#define CHECK_BYTES(ptr, len, lit) CHECK((len) == sizeof(lit) - 1 && memcmp((ptr), (lit), (len)) == 0)

/*
 * Runs `test` in a child process. The child's checks are added to this
 * process's counts (passed back through a pipe when it ends); a child that
 * dies by a signal, exits non-zero or runs past CHECK_TEST_SECONDS counts one
 * more failure. Returns whether the test passed.
 */
static inline bool check_run(const char *name, void (*test)(void)) {
  int channel[2];
  if (pipe(channel) != 0) {
    perror("check_run: pipe");
    _exit(2);
  }
  fflush(stdout);
  fflush(stderr);
  pid_t pid = fork();
  if (pid < 0) {
    perror("check_run: fork");
    _exit(2);
  }
  if (pid == 0) {
    close(channel[0]);
    check_totals.passed = 0;
    check_totals.failed = 0;
    alarm(CHECK_TEST_SECONDS);
    test();
    fflush(stdout);
    fflush(stderr);
    check_counts counts = {__atomic_load_n(&check_totals.passed, __ATOMIC_RELAXED),
                           __atomic_load_n(&check_totals.failed, __ATOMIC_RELAXED)};
    _exit(write(channel[1], &counts, sizeof counts) == (ssize_t)sizeof counts ? 0 : 2);
  }
  close(channel[1]);
  check_counts child = {0, 0};
  size_t received = 0;
  while (received < sizeof child) {
    ssize_t n = read(channel[0], (char *)&child + received, sizeof child - received);
    if (n <= 0)
      break; /* the child died before reporting */
    received += (size_t)n;
  }
  close(channel[0]);
  if (received != sizeof child)
    child = (check_counts){0, 0};
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
  }
  __atomic_fetch_add(&check_totals.passed, child.passed, __ATOMIC_RELAXED);
  __atomic_fetch_add(&check_totals.failed, child.failed, __ATOMIC_RELAXED);
  bool ok = child.failed == 0;
  if (WIFSIGNALED(status)) {
    check_record(false, name, 0, "killed by signal %d%s", WTERMSIG(status),
                 WTERMSIG(status) == SIGALRM ? " (ran too long)" : "");
    ok = false;
  } else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    check_record(false, name, 0, "exited with status %d", WEXITSTATUS(status));
    ok = false;
  }
  printf("%s %s\n", ok ? "ok  " : "FAIL", name);
  fflush(stdout);
  return ok;
}

/* Prints "N passed, M failed"; the exit status of main. */
static inline int check_summary(void) {
  printf("%d passed, %d failed\n", check_totals.passed, check_totals.failed);
  fflush(stdout);
  return check_totals.failed == 0 ? 0 : 1;
}

#endif
