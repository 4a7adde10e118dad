/*
 * Clocks and scheduling: clock_res_get and clock_time_get for every clock,
 * monotonic time that only moves forward and covers a sleep, a plausible
 * wall clock, CPU-time clocks that advance with work, sched_yield.
 * Nothing here prints a time, only how times relate.
 *
 * run: --
 * exit: 0
 */
#include <time.h>

#include "guest.h"

static const char *const clock_names[] = {"realtime", "monotonic", "process_cputime", "thread_cputime"};

static __wasi_timestamp_t now(__wasi_clockid_t clock) {
  __wasi_timestamp_t t = 0;
  return __wasi_clock_time_get(clock, 1, &t) == 0 ? t : 0;
}

static volatile uint64_t sink;

static void burn_cpu(void) {
  uint64_t x = 1;
  for (int i = 0; i < 20 * 1000 * 1000; i++)
    x = x * 6364136223846793005ull + 1442695040888963407ull;
  sink = x;
}

int main(void) {
  char key[64];
  for (__wasi_clockid_t clock = 0; clock < 2; clock++) {
    __wasi_timestamp_t res = 0, t = 0;
    snprintf(key, sizeof key, "clock_res_get %s", clock_names[clock]);
    show(key, __wasi_clock_res_get(clock, &res));
    snprintf(key, sizeof key, "%s resolution in (0, 1s]", clock_names[clock]);
    check(key, res > 0 && res <= 1000000000ull, "resolution out of range");
    snprintf(key, sizeof key, "clock_time_get %s", clock_names[clock]);
    show(key, __wasi_clock_time_get(clock, 1, &t));
  }

  /* Realtime: between 2020-01-01 and 2100-01-01, and agreeing with libc's time(). */
  __wasi_timestamp_t real = now(__WASI_CLOCKID_REALTIME);
  check("realtime after 2020", real > 1577836800ull * 1000000000ull, "wall clock before 2020");
  check("realtime before 2100", real < 4102444800ull * 1000000000ull, "wall clock after 2100");
  time_t libc_now = time(NULL);
  long long skew = (long long)libc_now - (long long)(real / 1000000000ull);
  check("time() agrees with clock_time_get", skew >= -2 && skew <= 2, "libc time() differs by > 2 s");

  /* Monotonic: never goes back over many reads, and advances across a sleep. */
  __wasi_timestamp_t previous = now(__WASI_CLOCKID_MONOTONIC);
  int backwards = 0;
  for (int i = 0; i < 10000; i++) {
    __wasi_timestamp_t t = now(__WASI_CLOCKID_MONOTONIC);
    if (t < previous)
      backwards++;
    previous = t;
  }
  check("monotonic never decreases (10000 reads)", backwards == 0, "went backwards");
  __wasi_timestamp_t before = now(__WASI_CLOCKID_MONOTONIC);
  struct timespec pause = {0, 5 * 1000 * 1000};
  int slept = nanosleep(&pause, NULL);
  __wasi_timestamp_t after = now(__WASI_CLOCKID_MONOTONIC);
  show("nanosleep 5ms", slept);
  check("monotonic advanced >= 5ms across it", after - before >= 5000000ull, "advanced less than the sleep");
  check("monotonic advanced < 5s across it", after - before < 5000000000ull, "sleep took far too long");
  struct timespec ts;
  show("clock_gettime CLOCK_MONOTONIC", clock_gettime(CLOCK_MONOTONIC, &ts));

  /* CPU-time clocks are optional in WASI: one line each, either the errno or "works". */
  for (__wasi_clockid_t clock = 2; clock < 4; clock++) {
    __wasi_timestamp_t res = 0, t0 = 0, t1 = 0;
    snprintf(key, sizeof key, "%s clock", clock_names[clock]);
    int error = __wasi_clock_res_get(clock, &res);
    if (error == 0)
      error = __wasi_clock_time_get(clock, 1, &t0);
    if (error != 0) {
      show(key, error);
      continue;
    }
    burn_cpu();
    error = __wasi_clock_time_get(clock, 1, &t1);
    if (error != 0)
      say(key, "FAIL (second read: %s)", errname(error));
    else if (res == 0 || res > 1000000000ull)
      say(key, "FAIL (resolution out of (0, 1s])");
    else if (t1 <= t0)
      say(key, "FAIL (did not advance with work)");
    else
      say(key, "works (resolution in (0, 1s], advances with work)");
  }

  /* An unknown clock id is not tried: wasmtime traps on it, wasmc answers EINVAL. */

  /* sched_yield returns success, repeatedly. */
  int yields = 0;
  for (int i = 0; i < 100; i++)
    yields += __wasi_sched_yield() == 0;
  say("sched_yield x100 ok", "%d", yields);
  return 0;
}
