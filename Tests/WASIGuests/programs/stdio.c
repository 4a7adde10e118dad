/*
 * Standard streams: stdin (a pipe compare.py feeds the stdin: file into)
 * polled for readability, then read to its end in small raw reads; stderr;
 * stdout taking a write of sixteen iovecs, a write of none and one large
 * write. compare.py captures stdout and stderr through pipes too.
 *
 * run: --
 * exit: 0
 * stdin: stdio.stdin
 * stderr: stderr works: ✓
 */
#include "guest.h"

static uint32_t fnv1a(const uint8_t *data, size_t n, uint32_t hash) {
  for (size_t i = 0; i < n; i++)
    hash = (hash ^ data[i]) * 16777619u;
  return hash;
}

int main(void) {
  for (__wasi_fd_t fd = 0; fd < 3; fd++) {
    __wasi_fdstat_t st;
    char key[32];
    snprintf(key, sizeof key, "fd %u filetype", (unsigned)fd);
    int error = __wasi_fd_fdstat_get(fd, &st);
    if (error)
      show(key, error);
    else
      say(key, "%s", filetype_name(st.fs_filetype));
  }

  /*
   * stdin becomes readable (data is on its way); a long clock must not be
   * waited out. stdin is subscribed twice: both subscriptions must fire.
   */
  __wasi_subscription_t subs[3];
  memset(subs, 0, sizeof subs);
  subs[0].userdata = 1;
  subs[0].u.tag = __WASI_EVENTTYPE_FD_READ;
  subs[0].u.u.fd_read.file_descriptor = 0;
  subs[1].userdata = 2;
  subs[1].u.tag = __WASI_EVENTTYPE_CLOCK;
  subs[1].u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
  subs[1].u.u.clock.timeout = 10000000000ull;
  subs[2] = subs[0];
  subs[2].userdata = 3;
  __wasi_event_t events[3];
  __wasi_size_t count = 0;
  int seen = 0, others = 0;
  for (int round = 0; round < 10 && seen != 3; round++) {
    /* Runtimes may report the two stdin subscriptions in different calls. */
    if (__wasi_poll_oneoff(subs, events, 3, &count) != 0)
      break;
    for (__wasi_size_t i = 0; i < count; i++) {
      if (events[i].error == 0 && events[i].type == __WASI_EVENTTYPE_FD_READ && events[i].userdata != 2)
        seen |= (int)events[i].userdata;
      else
        others++;
    }
  }
  say("poll stdin subscribed twice", "%s",
      seen == 3 && others == 0 ? "both fd_read events, no clock" : "FAIL (missing or unexpected events)");

  /* stdin, 7 bytes at a time through fd_read. */
  uint8_t chunk[7];
  size_t total = 0, lines = 0, reads = 0;
  uint32_t hash = 2166136261u;
  int error = 0;
  for (;;) {
    __wasi_iovec_t iov = {chunk, sizeof chunk};
    __wasi_size_t n = 0;
    if ((error = __wasi_fd_read(0, &iov, 1, &n)) || n == 0)
      break;
    reads++;
    total += n;
    hash = fnv1a(chunk, n, hash);
    for (size_t i = 0; i < n; i++)
      lines += chunk[i] == '\n';
  }
  show("read stdin to end", error);
  say("stdin bytes, lines, fnv1a", "%zu %zu %08x", total, lines, (unsigned)hash);
  check("stdin needed several reads", reads > 1, "one read only");
  __wasi_iovec_t iov = {chunk, sizeof chunk};
  __wasi_size_t n = 99;
  expect("fd_read at end of stdin", __wasi_fd_read(0, &iov, 1, &n), 0);
  say("fd_read at end of stdin nread", "%u", (unsigned)n);
  say("getchar at end of stdin", "%s", getchar() == EOF ? "EOF" : "a byte FAIL");

  fprintf(stderr, "stderr works: ✓\n");
  fflush(stderr);

  /* stdout: sixteen iovecs, none, then one large write. */
  fflush(stdout);
  __wasi_ciovec_t parts[16];
  static const char *const words[16] = {"six", "teen", " ", "io", "vecs", ":",  " ", "o",
                                        "n",   "e",    " ", "w",  "ri",   "te", "",  "\n"};
  for (int i = 0; i < 16; i++)
    parts[i] = (__wasi_ciovec_t){(const uint8_t *)words[i], strlen(words[i])};
  size_t written = 0;
  expect("fd_write 16 iovecs", write_all(1, parts, 16, &written), 0);
  __wasi_size_t none = 99;
  expect("fd_write 0 iovecs", __wasi_fd_write(1, parts, 0, &none), 0);
  say("fd_write 0 iovecs nwritten", "%u", (unsigned)none);

  static char big[20000 * 12 + 1];
  size_t len = 0;
  for (int i = 0; i < 20000; i++)
    len += (size_t)snprintf(big + len, sizeof big - len, "line %06d\n", i);
  __wasi_ciovec_t one = {(const uint8_t *)big, len};
  expect("fd_write 240000 bytes", write_all(1, &one, 1, &written), 0);
  say("large write total", "%zu", written);
  say("utf-8", "%s", "naïve café ✓ 日本語");
  return 0;
}
