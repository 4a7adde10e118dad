/*
 * WASI calls into memory that has grown: buffers handed out after
 * memory.grow (by malloc, and pages grown by hand up to the very last byte
 * of linear memory) are read and written correctly by fd_write, fd_read,
 * fd_pread, fd_pwrite, random_get and path calls. With `--bounds explicit`
 * a growing memory may move, so the host must never keep an old address;
 * run.sh runs this program in both bounds modes.
 *
 * run: --dir $SANDBOX::/sandbox --
 * exit: 0
 * bounds: guard explicit
 */
#include <stdlib.h>

#include "guest.h"

#define PAGE 65536u
#define BIG (24u << 20)

static int sandbox;

static uint8_t pattern(size_t i) { return (uint8_t)(i * 31 + (i >> 12)); }

/* A fresh page grown by hand; returns the address of its last `n` bytes. */
static uint8_t *grown_tail(size_t n) {
  size_t old_pages = __builtin_wasm_memory_grow(0, 1);
  if (old_pages == (size_t)-1)
    return NULL;
  return (uint8_t *)((old_pages + 1) * PAGE - n);
}

int main(void) {
  sandbox = preopen_fd("/sandbox");
  say("pre-opened /sandbox", "%s", sandbox >= 0 ? "yes" : "no FAIL");
  size_t pages_at_start = __builtin_wasm_memory_size(0);

  uint8_t *out = malloc(BIG);
  check("malloc 24 MiB", out != NULL, "out of memory");
  if (!out)
    return 1;
  for (size_t i = 0; i < BIG; i++)
    out[i] = pattern(i);
  __wasi_fd_t fd;
  MUST(open_at(sandbox, "big.bin", 0, __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC, 0, &fd));
  __wasi_ciovec_t whole = {out, BIG};
  size_t written = 0;
  expect("write 24 MiB", write_all(fd, &whole, 1, &written), 0);
  say("written", "%zu", written);

  /* Grow again before reading, so the read buffer is newer than the file's descriptor. */
  uint8_t *in = malloc(BIG);
  check("malloc another 24 MiB", in != NULL, "out of memory");
  if (!in)
    return 1;
  memset(in, 0, BIG);
  size_t got = 0;
  int error = 0;
  while (got < BIG) {
    __wasi_iovec_t iov = {in + got, BIG - got};
    __wasi_size_t n = 0;
    if ((error = __wasi_fd_pread(fd, &iov, 1, got, &n)) || n == 0)
      break;
    got += n;
  }
  show("pread 24 MiB back", error);
  check("24 MiB round trip identical", got == BIG && memcmp(in, out, BIG) == 0, "contents differ");
  say("memory grew by at least 48 MiB", "%s",
      __builtin_wasm_memory_size(0) - pages_at_start >= 2 * BIG / PAGE ? "yes" : "no FAIL");
  free(out);

  /* The last bytes of linear memory, each in a page grown just before the call. */
  uint8_t *tail = grown_tail(16);
  check("memory.grow by hand", tail != NULL, "grow failed");
  if (!tail)
    return 1;
  expect("random_get into the last 16 bytes", __wasi_random_get(tail, 16), 0);
  int nonzero = 0;
  for (int i = 0; i < 16; i++)
    nonzero |= tail[i];
  check("last 16 bytes were written", nonzero, "still zero");

  tail = grown_tail(16);
  __wasi_iovec_t last = {tail, 16};
  __wasi_size_t n = 0;
  expect("fd_pread into the last 16 bytes", __wasi_fd_pread(fd, &last, 1, 1000, &n), 0);
  int same = n == 16;
  for (size_t i = 0; i < 16 && same; i++)
    same = tail[i] == pattern(1000 + i);
  check("pread into the last 16 bytes correct", same, "wrong bytes");

  tail = grown_tail(16);
  memcpy(tail, "end-of-memory!!\n", 16);
  __wasi_ciovec_t from_tail = {tail, 16};
  expect("fd_pwrite from the last 16 bytes", __wasi_fd_pwrite(fd, &from_tail, 1, 0, &n), 0);
  char check_buf[17] = {0};
  __wasi_iovec_t back = {(uint8_t *)check_buf, 16};
  MUST(__wasi_fd_pread(fd, &back, 1, 0, &n));
  say("pwrite from the last bytes reads back", "[%.15s]", check_buf);

  /* A path and an iovec array that both live at the end of memory. */
  tail = grown_tail(32);
  memcpy(tail, "big.bin", 8);
  __wasi_filestat_t st;
  expect("path_filestat_get with the path at the end of memory",
         __wasi_path_filestat_get(sandbox, 0, (const char *)tail, &st), 0);
  say("big.bin size", "%llu", (unsigned long long)st.size);
  __wasi_iovec_t *iovs = (__wasi_iovec_t *)(grown_tail(16));
  uint8_t *dest = grown_tail(8);
  iovs[0] = (__wasi_iovec_t){dest, 4};
  iovs[1] = (__wasi_iovec_t){dest + 4, 4};
  expect("fd_pread with iovecs and buffers at the end of memory", __wasi_fd_pread(fd, iovs, 2, 100, &n), 0);
  same = n >= 4;
  for (size_t i = 0; i < n && same; i++)
    same = dest[i] == pattern(100 + i);
  check("those bytes are right", same, "wrong bytes");
  MUST(__wasi_fd_close(fd));
  expect("unlink big.bin", __wasi_path_unlink_file(sandbox, "big.bin"), 0);
  free(in);
  return 0;
}
