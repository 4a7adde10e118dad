/*
 * random_get: fills exactly the bytes asked for (guard bytes on both sides
 * stay untouched), for sizes from 0 to 1 MiB; two draws differ; a large
 * draw looks random (every byte value occurs, no long runs); libc's
 * getentropy goes through it too.
 *
 * run: --
 * exit: 0
 */
#include <stdlib.h>
#include <unistd.h>

#include "guest.h"

#define GUARD 16
#define FILL 0xA5

/* Draw `size` bytes between guards; report whether only those bytes may have changed. */
static void draw(size_t size) {
  uint8_t *buffer = malloc(size + 2 * GUARD);
  memset(buffer, FILL, size + 2 * GUARD);
  char key[64];
  snprintf(key, sizeof key, "random_get %zu bytes", size);
  show(key, __wasi_random_get(buffer + GUARD, size));
  int guards_intact = 1;
  for (size_t i = 0; i < GUARD; i++)
    if (buffer[i] != FILL || buffer[GUARD + size + i] != FILL)
      guards_intact = 0;
  snprintf(key, sizeof key, "random_get %zu bytes stays in bounds", size);
  check(key, guards_intact, "wrote outside the buffer");
  if (size >= 64) {
    size_t unchanged = 0;
    for (size_t i = 0; i < size; i++)
      unchanged += buffer[GUARD + i] == FILL;
    /* About size/256 bytes keep the fill value by chance; far more means not written. */
    snprintf(key, sizeof key, "random_get %zu bytes all written", size);
    check(key, unchanged < size / 64 + 8, "too many bytes kept their old value");
  }
  free(buffer);
}

int main(void) {
  static const size_t sizes[] = {0, 1, 7, 16, 1000, 65536, 1 << 20};
  for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++)
    draw(sizes[i]);

  uint8_t a[32], b[32];
  show("draw a", __wasi_random_get(a, sizeof a));
  show("draw b", __wasi_random_get(b, sizeof b));
  check("two 32-byte draws differ", memcmp(a, b, sizeof a) != 0, "identical");
  int a_constant = 1;
  for (size_t i = 1; i < sizeof a; i++)
    a_constant &= a[i] == a[0];
  check("a draw is not one repeated byte", !a_constant, "constant bytes");

  static uint8_t big[65536];
  show("draw 64 KiB", __wasi_random_get(big, sizeof big));
  int seen[256] = {0}, longest_run = 1, run = 1;
  for (size_t i = 0; i < sizeof big; i++) {
    seen[big[i]]++;
    run = i > 0 && big[i] == big[i - 1] ? run + 1 : 1;
    if (run > longest_run)
      longest_run = run;
  }
  int values = 0, lowest = (int)sizeof big, highest = 0;
  for (int v = 0; v < 256; v++) {
    values += seen[v] > 0;
    if (seen[v] < lowest)
      lowest = seen[v];
    if (seen[v] > highest)
      highest = seen[v];
  }
  check("every byte value occurs in 64 KiB", values == 256, "some byte values never occur");
  /* Expected 256 per value, standard deviation 16: [128, 400] is ~8 sigma. */
  check("byte counts within [128, 400]", lowest >= 128 && highest <= 400, "skewed distribution");
  check("no run of 6 equal bytes", longest_run < 6, "long run of one value");

  uint8_t entropy[256];
  memset(entropy, 0, sizeof entropy);
  show("getentropy 256", getentropy(entropy, sizeof entropy) == 0 ? 0 : 1);
  int zeros = 0;
  for (size_t i = 0; i < sizeof entropy; i++)
    zeros += entropy[i] == 0;
  check("getentropy filled its buffer", zeros < 16, "mostly zeros");
  return 0;
}
