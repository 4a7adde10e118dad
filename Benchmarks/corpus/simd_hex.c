/* simd_hex: a byte scanner with wasm_simd128.h: hex encoding (nibbles to digits
 * with compare-and-select and shuffles), hex decoding with validation (range
 * compares, bitmask), and a line/space/digit/vowel counter over text (eq, bitmask,
 * popcount), each round over 1 MiB of bytes and 2 MiB of text.
 *
 * The kernels are those of Tests/RealPrograms/simd/simd_hexscan.c. Round 0's
 * results are checked against the scalar versions (MISMATCH and exit 1 if they
 * differ). Built for wasm32 with -msimd128, and natively from the same source
 * through SIMDe (SSE4.2, no AVX).
 *
 * usage: simd_hex [rounds]   (default 1000; 0 does no work)
 */
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

#define DEFAULT_ROUNDS 1000
#define SIZE (1u << 20)

int main(int argc, char **argv) {
  int rounds = argc > 1 ? atoi(argv[1]) : DEFAULT_ROUNDS;
  size_t n = SIZE;
  uint8_t *data = malloc(n), *back = malloc(n), *back2 = malloc(n);
  char *hex = malloc(2 * n), *hex2 = malloc(2 * n);
  uint32_t seed = 2024;
  for (size_t i = 0; i < n; i++) {
    seed = seed * 1664525u + 1013904223u;
    data[i] = (uint8_t)(seed >> 24);
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

  int ok = 1;
  uint64_t hash = 0xcbf29ce484222325ull, lines = 0;
  for (int r = 0; r < rounds; r++) {
    data[r % n] ^= (uint8_t)r; /* every round encodes different bytes */
    hex_encode_simd(data, n, hex);
    if (r % 7 == 0) hex[(size_t)r * 7919 % (2 * n)] = 'G'; /* and some rounds hold a bad digit */
    long bad = hex_decode_simd(hex, n, back);
    struct counts c = count_simd(text, text_size);
    if (r == 0) {
      hex_encode_scalar(data, n, hex2);
      hex2[0] = 'G';
      long bad2 = hex_decode_scalar(hex2, n, back2);
      struct counts c2 = count_scalar(text, text_size);
      int same = memcmp(hex, hex2, 2 * n) == 0 && bad == bad2 && c.lines == c2.lines && c.spaces == c2.spaces &&
                 c.digits == c2.digits && c.vowels == c2.vowels;
      ok &= same;
      printf("round 0: %s, bad digit at %ld\n", same ? "simd == scalar" : "MISMATCH", bad);
    }
    hash = (hash ^ fnv1a(hex + (r % 64), 64) ^ (uint64_t)bad) * 0x100000001b3ull;
    hash = (hash ^ c.lines ^ c.spaces << 20 ^ c.digits << 40 ^ c.vowels) * 0x100000001b3ull;
    lines += c.lines;
    text[(size_t)r * 4099 % text_size] = '\n';
  }
  printf("rounds %d: %llu lines, fnv1a %016llx, decoded fnv1a %016llx\n", rounds, (unsigned long long)lines,
         (unsigned long long)hash, (unsigned long long)(rounds ? fnv1a(back, n) : 0));
  free(data), free(back), free(back2), free(hex), free(hex2), free(text);
  return ok ? 0 : 1;
}
