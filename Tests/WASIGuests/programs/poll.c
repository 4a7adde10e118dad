/*
 * poll_oneoff: relative and absolute clock timeouts (checked against the
 * monotonic clock, never printed), several clocks at once (the earliest
 * wins), zero timeouts, fd readiness of files and stdout together with a
 * long timeout that must not be waited out, a bad descriptor, no
 * subscriptions; and nanosleep/sleep built on it.
 *
 * run: --dir $SANDBOX::/sandbox --
 * exit: 0
 */
#include <time.h>
#include <unistd.h>

#include "guest.h"

#define MS 1000000ull

static int sandbox;

static __wasi_timestamp_t monotonic(void) {
  __wasi_timestamp_t t = 0;
  return __wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t) == 0 ? t : 0;
}

static __wasi_subscription_t clock_sub(__wasi_userdata_t userdata, __wasi_clockid_t id,
                                       __wasi_timestamp_t timeout, int absolute) {
  __wasi_subscription_t sub;
  memset(&sub, 0, sizeof sub);
  sub.userdata = userdata;
  sub.u.tag = __WASI_EVENTTYPE_CLOCK;
  sub.u.u.clock.id = id;
  sub.u.u.clock.timeout = timeout;
  sub.u.u.clock.precision = 0;
  sub.u.u.clock.flags = absolute ? __WASI_SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME : 0;
  return sub;
}

static __wasi_subscription_t fd_sub(__wasi_userdata_t userdata, __wasi_eventtype_t type, __wasi_fd_t fd) {
  __wasi_subscription_t sub;
  memset(&sub, 0, sizeof sub);
  sub.userdata = userdata;
  sub.u.tag = type;
  if (type == __WASI_EVENTTYPE_FD_READ)
    sub.u.u.fd_read.file_descriptor = fd;
  else
    sub.u.u.fd_write.file_descriptor = fd;
  return sub;
}

/* Poll and describe the events as "ud=<userdata> <type> <errno>", sorted by userdata. */
static int poll_show(const char *key, const __wasi_subscription_t *subs, size_t count,
                     __wasi_timestamp_t *elapsed) {
  __wasi_event_t events[8];
  __wasi_size_t n = 0;
  memset(events, 0xff, sizeof events);
  __wasi_timestamp_t start = monotonic();
  int error = __wasi_poll_oneoff(subs, events, count, &n);
  if (elapsed)
    *elapsed = monotonic() - start;
  if (error) {
    show(key, error);
    return error;
  }
  /* Sort by userdata so the order a runtime fills events in does not matter. */
  for (__wasi_size_t i = 1; i < n; i++)
    for (__wasi_size_t j = i; j > 0 && events[j - 1].userdata > events[j].userdata; j--) {
      __wasi_event_t t = events[j];
      events[j] = events[j - 1];
      events[j - 1] = t;
    }
  static const char *const types[] = {"clock", "fd_read", "fd_write"};
  printf("%s:", key);
  for (__wasi_size_t i = 0; i < n; i++)
    printf(" ud=%llu %s %s", (unsigned long long)events[i].userdata,
           events[i].type < 3 ? types[events[i].type] : "?", errname(events[i].error));
  printf("\n");
  return 0;
}

static void clocks(void) {
  __wasi_timestamp_t elapsed;
  __wasi_subscription_t one = clock_sub(7, __WASI_CLOCKID_MONOTONIC, 20 * MS, 0);
  poll_show("relative 20ms", &one, 1, &elapsed);
  check("relative 20ms waited >= 20ms", elapsed >= 20 * MS, "returned early");
  check("relative 20ms waited < 2s", elapsed < 2000 * MS, "far too late");

  one = clock_sub(8, __WASI_CLOCKID_MONOTONIC, 0, 0);
  poll_show("relative 0", &one, 1, &elapsed);
  check("relative 0 returns at once (< 500ms)", elapsed < 500 * MS, "waited");

  one = clock_sub(9, __WASI_CLOCKID_MONOTONIC, monotonic() + 30 * MS, 1);
  __wasi_timestamp_t start = monotonic();
  poll_show("absolute now+30ms", &one, 1, NULL);
  __wasi_timestamp_t end = monotonic();
  check("absolute deadline reached", end >= one.u.u.clock.timeout, "returned before the deadline");
  check("absolute waited < 2s", end - start < 2000 * MS, "far too late");

  one = clock_sub(10, __WASI_CLOCKID_MONOTONIC, monotonic() - 5 * MS, 1);
  poll_show("absolute in the past", &one, 1, &elapsed);
  check("absolute in the past returns at once", elapsed < 500 * MS, "waited");

  one = clock_sub(11, __WASI_CLOCKID_REALTIME, 10 * MS, 0);
  poll_show("realtime relative 10ms", &one, 1, &elapsed);
  check("realtime relative 10ms waited >= 10ms", elapsed >= 10 * MS, "returned early");

  /* Three clocks: the 20ms one fires first; the others must not have. */
  __wasi_subscription_t three[3] = {
      clock_sub(1, __WASI_CLOCKID_MONOTONIC, 5000 * MS, 0),
      clock_sub(2, __WASI_CLOCKID_MONOTONIC, 20 * MS, 0),
      clock_sub(3, __WASI_CLOCKID_MONOTONIC, 3000 * MS, 0),
  };
  poll_show("three clocks 5000/20/3000ms", three, 3, &elapsed);
  check("three clocks returned with the earliest (< 2s)", elapsed >= 20 * MS && elapsed < 2000 * MS,
        "did not return at the earliest deadline");

  /* Sequential sleeps add up. */
  start = monotonic();
  for (int i = 0; i < 5; i++) {
    one = clock_sub(20 + i, __WASI_CLOCKID_MONOTONIC, 4 * MS, 0);
    __wasi_event_t event;
    __wasi_size_t n;
    MUST(__wasi_poll_oneoff(&one, &event, 1, &n));
  }
  check("five 4ms polls take >= 20ms", monotonic() - start >= 20 * MS, "too short");

  struct timespec pause = {0, 15 * MS};
  start = monotonic();
  say("nanosleep 15ms", "%d", nanosleep(&pause, NULL));
  check("nanosleep waited >= 15ms", monotonic() - start >= 15 * MS, "too short");
  start = monotonic();
  say("usleep 10000", "%d", usleep(10000));
  check("usleep waited >= 10ms", monotonic() - start >= 10 * MS, "too short");
}

static void descriptors(void) {
  __wasi_fd_t file, other;
  MUST(open_at(sandbox, "hello.txt", 0, 0, 0, &file));
  MUST(open_at(sandbox, "sub/a.txt", 0, 0, 0, &other));
  __wasi_timestamp_t elapsed;

  /* A file is always ready; the 5 s clock must not be waited out. */
  __wasi_subscription_t subs[3] = {
      fd_sub(30, __WASI_EVENTTYPE_FD_READ, file),
      clock_sub(31, __WASI_CLOCKID_MONOTONIC, 5000 * MS, 0),
  };
  poll_show("file readable + 5s clock", subs, 2, &elapsed);
  check("file readable returned at once (< 1s)", elapsed < 1000 * MS, "waited for the clock");

  subs[0] = fd_sub(32, __WASI_EVENTTYPE_FD_WRITE, file);
  subs[1] = clock_sub(33, __WASI_CLOCKID_MONOTONIC, 5000 * MS, 0);
  poll_show("file writable + 5s clock", subs, 2, &elapsed);
  check("file writable returned at once (< 1s)", elapsed < 1000 * MS, "waited for the clock");

  fflush(stdout);
  subs[0] = fd_sub(34, __WASI_EVENTTYPE_FD_WRITE, 1);
  subs[1] = clock_sub(35, __WASI_CLOCKID_MONOTONIC, 5000 * MS, 0);
  poll_show("stdout writable + 5s clock", subs, 2, &elapsed);
  check("stdout writable returned at once (< 1s)", elapsed < 1000 * MS, "waited for the clock");

  /* Two files, one read and one write, plus a clock: both files are ready. */
  subs[0] = fd_sub(36, __WASI_EVENTTYPE_FD_READ, file);
  subs[1] = fd_sub(37, __WASI_EVENTTYPE_FD_WRITE, other);
  subs[2] = clock_sub(38, __WASI_CLOCKID_MONOTONIC, 5000 * MS, 0);
  /*
   * A runtime may report one ready descriptor or both; keep polling for the
   * ones not yet seen (wasmtime tends to report the write first and the read
   * only once its background read is done).
   */
  int seen_read = 0, seen_write = 0, rounds = 0;
  __wasi_timestamp_t start = monotonic();
  while ((!seen_read || !seen_write) && rounds++ < 10) {
    __wasi_subscription_t pending[3];
    size_t count = 0;
    if (!seen_read)
      pending[count++] = subs[0];
    if (!seen_write)
      pending[count++] = subs[1];
    pending[count++] = subs[2];
    __wasi_event_t events[3];
    __wasi_size_t n = 0;
    if (__wasi_poll_oneoff(pending, events, count, &n) != 0)
      break;
    for (__wasi_size_t i = 0; i < n; i++) {
      seen_read |= events[i].userdata == 36 && events[i].error == 0;
      seen_write |= events[i].userdata == 37 && events[i].error == 0;
    }
  }
  check("two files + clock: both files reported ready", seen_read && seen_write,
        "a ready file was not reported");
  check("two files + clock: no clock wait (< 1s)", monotonic() - start < 1000 * MS, "waited for the clock");

  /* A closed descriptor: reported as an event error, or as the call's error. */
  MUST(__wasi_fd_close(other));
  subs[0] = fd_sub(40, __WASI_EVENTTYPE_FD_READ, other);
  subs[1] = clock_sub(41, __WASI_CLOCKID_MONOTONIC, 5000 * MS, 0);
  poll_show("closed fd + 5s clock", subs, 2, &elapsed);
  check("closed fd returned at once (< 1s)", elapsed < 1000 * MS, "waited for the clock");
  MUST(__wasi_fd_close(file));

  __wasi_event_t event;
  __wasi_size_t n = 0;
  expect("no subscriptions", __wasi_poll_oneoff(subs, &event, 0, &n), __WASI_ERRNO_INVAL);
}

int main(void) {
  sandbox = preopen_fd("/sandbox");
  say("pre-opened /sandbox", "%s", sandbox >= 0 ? "yes" : "no FAIL");
  clocks();
  descriptors();
  return 0;
}
