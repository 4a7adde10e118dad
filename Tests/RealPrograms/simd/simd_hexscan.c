// A byte scanner with wasm_simd128.h: hex encoding (nibbles to digits with
// compare-and-select), hex decoding with validation (range compares, bitmask
// to find the first bad character), and a line/word/digit counter over text
// (eq + bitmask + popcount), each checked against a scalar version.
// flags: -O2 -msimd128
// run:
// run: 2000000
// exit: 0
// exit: 0
// explicit: yes
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasm_simd128.h>

/* 16 bytes in, 32 hex digits out. */
static void hex_encode_simd(const uint8_t *in, size_t n, char *out) {
  const v128_t low_mask = wasm_i8x16_splat(0x0f), nine = wasm_i8x16_splat(9);
  const v128_t zero_char = wasm_i8x16_splat('0'), letter_gap = wasm_i8x16_splat('a' - '0' - 10);
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    v128_t bytes = wasm_v128_load(in + i);
    v128_t high = wasm_u8x16_shr(bytes, 4), low = wasm_v128_and(bytes, low_mask);
    /* digit = nibble + '0' + (nibble > 9 ? 39 : 0) */
    v128_t hd = wasm_i8x16_add(wasm_i8x16_add(high, zero_char), wasm_v128_and(wasm_i8x16_gt(high, nine), letter_gap));
    v128_t ld = wasm_i8x16_add(wasm_i8x16_add(low, zero_char), wasm_v128_and(wasm_i8x16_gt(low, nine), letter_gap));
    /* Interleave: high digit first. */
    wasm_v128_store(out + 2 * i, wasm_i8x16_shuffle(hd, ld, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23));
    wasm_v128_store(out + 2 * i + 16,
                    wasm_i8x16_shuffle(hd, ld, 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31));
  }
  static const char digits[] = "0123456789abcdef";
  for (; i < n; i++) {
    out[2 * i] = digits[in[i] >> 4];
    out[2 * i + 1] = digits[in[i] & 15];
  }
}

static void hex_encode_scalar(const uint8_t *in, size_t n, char *out) {
  static const char digits[] = "0123456789abcdef";
  for (size_t i = 0; i < n; i++) {
    out[2 * i] = digits[in[i] >> 4];
    out[2 * i + 1] = digits[in[i] & 15];
  }
}

static int nibble(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* Decodes 2n digits into n bytes; returns the index of the first invalid
 * digit, or -1. */
static long hex_decode_scalar(const char *in, size_t n, uint8_t *out) {
  for (size_t i = 0; i < n; i++) {
    int h = nibble(in[2 * i]), l = nibble(in[2 * i + 1]);
    if (h < 0) return (long)(2 * i);
    if (l < 0) return (long)(2 * i + 1);
    out[i] = (uint8_t)(h << 4 | l);
  }
  return -1;
}

/* 16 digits -> values 0-15, or a lane of 0xff where the digit is invalid. */
static v128_t digit_values(v128_t c) {
  v128_t is_digit = wasm_v128_and(wasm_u8x16_ge(c, wasm_i8x16_splat('0')), wasm_u8x16_le(c, wasm_i8x16_splat('9')));
  v128_t lower = wasm_v128_or(c, wasm_i8x16_splat(0x20)); /* 'A'-'F' -> 'a'-'f' */
  v128_t is_letter =
      wasm_v128_and(wasm_u8x16_ge(lower, wasm_i8x16_splat('a')), wasm_u8x16_le(lower, wasm_i8x16_splat('f')));
  v128_t digit = wasm_i8x16_sub(c, wasm_i8x16_splat('0'));
  v128_t letter = wasm_i8x16_sub(lower, wasm_i8x16_splat('a' - 10));
  v128_t value = wasm_v128_or(wasm_v128_and(is_digit, digit), wasm_v128_and(is_letter, letter));
  return wasm_v128_or(value, wasm_v128_not(wasm_v128_or(is_digit, is_letter)));
}

static long hex_decode_simd(const char *in, size_t n, uint8_t *out) {
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    v128_t a = digit_values(wasm_v128_load(in + 2 * i)), b = digit_values(wasm_v128_load(in + 2 * i + 16));
    uint32_t bad = (uint32_t)wasm_i8x16_bitmask(a) | (uint32_t)wasm_i8x16_bitmask(b) << 16;
    if (bad) return (long)(2 * i + (size_t)__builtin_ctz(bad));
    v128_t high = wasm_i8x16_shuffle(a, b, 0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    v128_t low = wasm_i8x16_shuffle(a, b, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
    wasm_v128_store(out + i, wasm_v128_or(wasm_i8x16_shl(high, 4), low));
  }
  long tail = hex_decode_scalar(in + 2 * i, n - i, out + i);
  return tail < 0 ? -1 : (long)(2 * i) + tail;
}

struct counts {
  uint64_t lines, spaces, digits, vowels;
};

static struct counts count_scalar(const uint8_t *text, size_t n) {
  struct counts c = {0, 0, 0, 0};
  for (size_t i = 0; i < n; i++) {
    uint8_t b = text[i];
    c.lines += b == '\n';
    c.spaces += b == ' ';
    c.digits += b >= '0' && b <= '9';
    c.vowels += b == 'a' || b == 'e' || b == 'i' || b == 'o' || b == 'u';
  }
  return c;
}

static struct counts count_simd(const uint8_t *text, size_t n) {
  struct counts c = {0, 0, 0, 0};
  /* Per-lane counters in i8x16, drained into 64-bit totals every 255 blocks. */
  size_t i = 0;
  while (i + 16 <= n) {
    v128_t digits = wasm_i8x16_splat(0), vowels = wasm_i8x16_splat(0);
    size_t end = n - i >= 255 * 16 ? i + 255 * 16 : i + (n - i) / 16 * 16;
    for (; i < end; i += 16) {
      v128_t b = wasm_v128_load(text + i);
      c.lines += (uint64_t)__builtin_popcount(wasm_i8x16_bitmask(wasm_i8x16_eq(b, wasm_i8x16_splat('\n'))));
      c.spaces += (uint64_t)__builtin_popcount(wasm_i8x16_bitmask(wasm_i8x16_eq(b, wasm_i8x16_splat(' '))));
      /* 0-9 test by unsigned range: (b - '0') < 10 */
      v128_t is_digit = wasm_u8x16_lt(wasm_i8x16_sub(b, wasm_i8x16_splat('0')), wasm_i8x16_splat(10));
      digits = wasm_i8x16_sub(digits, is_digit);
      /* vowels: a table lookup on the low 5 bits for lowercase letters */
      const v128_t table_lo = wasm_i8x16_make(0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1);
      const v128_t table_hi = wasm_i8x16_make(0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
      v128_t is_lower = wasm_u8x16_lt(wasm_i8x16_sub(b, wasm_i8x16_splat('a')), wasm_i8x16_splat(26));
      v128_t index = wasm_v128_and(b, wasm_i8x16_splat(0x1f));
      v128_t hit = wasm_v128_or(wasm_i8x16_swizzle(table_lo, index),
                                wasm_i8x16_swizzle(table_hi, wasm_i8x16_sub(index, wasm_i8x16_splat(16))));
      vowels = wasm_i8x16_add(vowels, wasm_v128_and(hit, is_lower));
    }
    /* Drain: pairwise widening sums. */
    v128_t d = wasm_u32x4_extadd_pairwise_u16x8(wasm_u16x8_extadd_pairwise_u8x16(digits));
    v128_t v = wasm_u32x4_extadd_pairwise_u16x8(wasm_u16x8_extadd_pairwise_u8x16(vowels));
    for (int k = 0; k < 4; k++) {
      c.digits += (uint32_t)wasm_i32x4_extract_lane(d, 0);
      c.vowels += (uint32_t)wasm_i32x4_extract_lane(v, 0);
      d = wasm_i32x4_shuffle(d, d, 1, 2, 3, 0);
      v = wasm_i32x4_shuffle(v, v, 1, 2, 3, 0);
    }
  }
  struct counts tail = count_scalar(text + i, n - i);
  c.lines += tail.lines;
  c.spaces += tail.spaces;
  c.digits += tail.digits;
  c.vowels += tail.vowels;
  return c;
}

static uint64_t fnv1a(const void *data, size_t n) {
  const uint8_t *p = data;
  uint64_t h = 0xcbf29ce484222325ull;
  for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 0x100000001b3ull;
  return h;
}

int main(int argc, char **argv) {
  size_t n = argc > 1 ? (size_t)strtoul(argv[1], NULL, 10) : 65537;
  uint8_t *data = malloc(n), *back = malloc(n), *back2 = malloc(n);
  char *hex = malloc(2 * n), *hex2 = malloc(2 * n);
  uint32_t seed = 2024;
  for (size_t i = 0; i < n; i++) {
    seed = seed * 1664525u + 1013904223u;
    data[i] = (uint8_t)(seed >> 24);
  }
  hex_encode_simd(data, n, hex);
  hex_encode_scalar(data, n, hex2);
  printf("encode %zu bytes: %s, fnv1a %016llx\n", n, memcmp(hex, hex2, 2 * n) == 0 ? "simd == scalar" : "MISMATCH",
         (unsigned long long)fnv1a(hex, 2 * n));

  /* Upper-case some digits (still valid), then decode. */
  for (size_t i = 0; i < 2 * n; i += 7)
    if (hex[i] >= 'a') hex[i] = (char)(hex[i] - 32);
  long bad = hex_decode_simd(hex, n, back), bad2 = hex_decode_scalar(hex, n, back2);
  printf("decode: %s\n", bad == -1 && bad2 == -1 && memcmp(back, data, n) == 0 && memcmp(back2, data, n) == 0
                             ? "round trip ok" : "MISMATCH");
  /* Invalid digits at a few places: both must find the same first one. */
  const size_t positions[] = {2 * n - 1, n, 17, 33, 3};
  const char bad_chars[] = {'g', '/', ':', '@', 'G'};
  for (int k = 0; k < 5; k++) {
    size_t at = positions[k] % (2 * n);
    char saved = hex[at];
    hex[at] = bad_chars[k];
    bad = hex_decode_simd(hex, n, back);
    bad2 = hex_decode_scalar(hex, n, back2);
    printf("invalid '%c' at %zu: found at %ld%s\n", bad_chars[k], at, bad, bad == bad2 ? "" : " MISMATCH");
    hex[at] = saved;
  }

  /* Text: words from a small vocabulary, spaces, digits and newlines. */
  static const char *words[] = {"the", "quick", "brown", "fox", "jumps", "over", "lazy", "dog",
                                "wasm", "vector", "lane", "simd", "2024", "x86", "aarch64", "qemu"};
  size_t text_size = n * 2, used = 0;
  uint8_t *text = malloc(text_size);
  while (used < text_size) {
    seed = seed * 1664525u + 1013904223u;
    const char *w = words[(seed >> 20) & 15];
    for (size_t k = 0; w[k] && used < text_size; k++) text[used++] = (uint8_t)w[k];
    if (used < text_size) text[used++] = (seed >> 28) == 0 ? '\n' : ' ';
  }
  struct counts a = count_simd(text, text_size), b = count_scalar(text, text_size);
  int same = a.lines == b.lines && a.spaces == b.spaces && a.digits == b.digits && a.vowels == b.vowels;
  printf("text %zu bytes: %llu lines, %llu spaces, %llu digits, %llu vowels%s\n", text_size,
         (unsigned long long)a.lines, (unsigned long long)a.spaces, (unsigned long long)a.digits,
         (unsigned long long)a.vowels, same ? "" : " MISMATCH");
  free(data), free(back), free(back2), free(hex), free(hex2), free(text);
  return 0;
}
