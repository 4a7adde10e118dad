/* simd_image: image and matrix kernels with wasm_simd128.h over a 1024x768 8-bit
 * image: a 3x3 box blur (widening, Q15 rounding multiply, saturating narrow), a
 * Sobel edge magnitude (abs, saturating add), a brightness/contrast pass (u8
 * saturation, averaging), and a chain of 4x4 float matrix products (splat, mul,
 * add, shuffle).
 *
 * The kernels are those of Tests/RealPrograms/simd/simd_image.c. Round 0's
 * results are checked against the scalar versions (MISMATCH and exit 1 if they
 * differ). Built for wasm32 with -msimd128, and natively from the same source
 * through SIMDe (SSE4.2, no AVX).
 *
 * usage: simd_image [rounds]   (default 1500; 0 does no work)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasm_simd128.h>

static uint64_t fnv1a(const void *data, size_t n) {
  const uint8_t *p = data;
  uint64_t h = 0xcbf29ce484222325ull;
  for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 0x100000001b3ull;
  return h;
}

/* sum / 9 as Q15: (sum * 3641 + 2^14) >> 15, exact for every sum of nine bytes. */
#define NINTH_Q15 3641

static void blur_scalar(const uint8_t *in, uint8_t *out, int w, int h) {
  memcpy(out, in, (size_t)w * (size_t)h);
  for (int y = 1; y < h - 1; y++)
    for (int x = 1; x < w - 1; x++) {
      int sum = 0;
      for (int dy = -1; dy <= 1; dy++)
        for (int dx = -1; dx <= 1; dx++) sum += in[(y + dy) * w + x + dx];
      out[y * w + x] = (uint8_t)((sum * NINTH_Q15 + 16384) >> 15);
    }
}

static void blur_simd(const uint8_t *in, uint8_t *out, int w, int h) {
  memcpy(out, in, (size_t)w * (size_t)h);
  const v128_t ninth = wasm_i16x8_splat(NINTH_Q15);
  for (int y = 1; y < h - 1; y++) {
    int x = 1;
    for (; x + 16 <= w - 1; x += 16) {
      v128_t lo = wasm_i16x8_splat(0), hi = wasm_i16x8_splat(0);
      for (int dy = -1; dy <= 1; dy++) {
        const uint8_t *row = in + (y + dy) * w + x;
        for (int dx = -1; dx <= 1; dx++) {
          v128_t p = wasm_v128_load(row + dx);
          lo = wasm_i16x8_add(lo, wasm_u16x8_extend_low_u8x16(p));
          hi = wasm_i16x8_add(hi, wasm_u16x8_extend_high_u8x16(p));
        }
      }
      lo = wasm_i16x8_q15mulr_sat(lo, ninth);
      hi = wasm_i16x8_q15mulr_sat(hi, ninth);
      wasm_v128_store(out + y * w + x, wasm_u8x16_narrow_i16x8(lo, hi));
    }
    for (; x < w - 1; x++) {
      int sum = 0;
      for (int dy = -1; dy <= 1; dy++)
        for (int dx = -1; dx <= 1; dx++) sum += in[(y + dy) * w + x + dx];
      out[y * w + x] = (uint8_t)((sum * NINTH_Q15 + 16384) >> 15);
    }
  }
}

/* |gx| + |gy| saturated to 255 (Sobel). */
static uint8_t sobel_pixel(const uint8_t *in, int w, int x, int y) {
#define P(dx, dy) (int)in[(y + (dy)) * w + x + (dx)]
  int gx = -P(-1, -1) + P(1, -1) - 2 * P(-1, 0) + 2 * P(1, 0) - P(-1, 1) + P(1, 1);
  int gy = -P(-1, -1) - 2 * P(0, -1) - P(1, -1) + P(-1, 1) + 2 * P(0, 1) + P(1, 1);
#undef P
  int m = (gx < 0 ? -gx : gx) + (gy < 0 ? -gy : gy);
  return (uint8_t)(m > 255 ? 255 : m);
}

static void sobel_scalar(const uint8_t *in, uint8_t *out, int w, int h) {
  memset(out, 0, (size_t)w * (size_t)h);
  for (int y = 1; y < h - 1; y++)
    for (int x = 1; x < w - 1; x++) out[y * w + x] = sobel_pixel(in, w, x, y);
}

static v128_t widen(const uint8_t *p) { return wasm_u16x8_load8x8(p); }

static void sobel_simd(const uint8_t *in, uint8_t *out, int w, int h) {
  memset(out, 0, (size_t)w * (size_t)h);
  for (int y = 1; y < h - 1; y++) {
    int x = 1;
    for (; x + 8 <= w - 1; x += 8) {
      const uint8_t *up = in + (y - 1) * w + x, *mid = in + y * w + x, *down = in + (y + 1) * w + x;
      v128_t gx = wasm_i16x8_sub(wasm_i16x8_add(widen(up + 1), widen(down + 1)),
                                 wasm_i16x8_add(widen(up - 1), widen(down - 1)));
      gx = wasm_i16x8_add(gx, wasm_i16x8_shl(wasm_i16x8_sub(widen(mid + 1), widen(mid - 1)), 1));
      v128_t gy = wasm_i16x8_sub(wasm_i16x8_add(widen(down - 1), widen(down + 1)),
                                 wasm_i16x8_add(widen(up - 1), widen(up + 1)));
      gy = wasm_i16x8_add(gy, wasm_i16x8_shl(wasm_i16x8_sub(widen(down), widen(up)), 1));
      v128_t m = wasm_i16x8_add_sat(wasm_i16x8_abs(gx), wasm_i16x8_abs(gy));
      v128_t bytes = wasm_u8x16_narrow_i16x8(m, m);
      wasm_v128_store64_lane(out + y * w + x, bytes, 0);
    }
    for (; x < w - 1; x++) out[y * w + x] = sobel_pixel(in, w, x, y);
  }
}

/* Brightness and contrast: avg(p, 128) then + 40 with unsigned saturation, then
 * a saturating subtract of 25; min/max clamp to [16, 235]. */
static void tone_scalar(const uint8_t *in, uint8_t *out, size_t n) {
  for (size_t i = 0; i < n; i++) {
    int v = (in[i] + 128 + 1) >> 1;
    v = v + 40 > 255 ? 255 : v + 40;
    v = v - 25 < 0 ? 0 : v - 25;
    out[i] = (uint8_t)(v < 16 ? 16 : v > 235 ? 235 : v);
  }
}

static void tone_simd(const uint8_t *in, uint8_t *out, size_t n) {
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    v128_t v = wasm_u8x16_avgr(wasm_v128_load(in + i), wasm_i8x16_splat((int8_t)128));
    v = wasm_u8x16_sub_sat(wasm_u8x16_add_sat(v, wasm_i8x16_splat(40)), wasm_i8x16_splat(25));
    v = wasm_u8x16_min(wasm_u8x16_max(v, wasm_i8x16_splat(16)), wasm_i8x16_splat((int8_t)235));
    wasm_v128_store(out + i, v);
  }
  tone_scalar(in + i, out + i, n - i);
}

/* C = A * B for 4x4 row-major float matrices, summed in the same order. */
static void matmul_scalar(const float *a, const float *b, float *c) {
  for (int i = 0; i < 4; i++)
    for (int j = 0; j < 4; j++) {
      float s = a[4 * i] * b[j];
      for (int k = 1; k < 4; k++) s = s + a[4 * i + k] * b[4 * k + j];
      c[4 * i + j] = s;
    }
}

static void matmul_simd(const float *a, const float *b, float *c) {
  v128_t b0 = wasm_v128_load(b), b1 = wasm_v128_load(b + 4), b2 = wasm_v128_load(b + 8), b3 = wasm_v128_load(b + 12);
  for (int i = 0; i < 4; i++) {
    v128_t row = wasm_v128_load(a + 4 * i);
    v128_t s = wasm_f32x4_mul(wasm_i32x4_shuffle(row, row, 0, 0, 0, 0), b0);
    s = wasm_f32x4_add(s, wasm_f32x4_mul(wasm_i32x4_shuffle(row, row, 1, 1, 1, 1), b1));
    s = wasm_f32x4_add(s, wasm_f32x4_mul(wasm_i32x4_shuffle(row, row, 2, 2, 2, 2), b2));
    s = wasm_f32x4_add(s, wasm_f32x4_mul(wasm_i32x4_shuffle(row, row, 3, 3, 3, 3), b3));
    wasm_v128_store(c + 4 * i, s);
  }
}

#define DEFAULT_ROUNDS 1500
#define W 1024
#define H 768
#define MATRICES 2000

int main(int argc, char **argv) {
  int rounds = argc > 1 ? atoi(argv[1]) : DEFAULT_ROUNDS;
  int w = W, h = H;
  size_t n = (size_t)w * (size_t)h;
  uint8_t *img = malloc(n), *a = malloc(n), *b = malloc(n), *c = malloc(n), *check = malloc(n);
  /* A test image: gradients, a disc and noise. */
  uint32_t seed = 7;
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++) {
      seed = seed * 1103515245u + 12345u;
      int dx = x - w / 2, dy = y - h / 3;
      int v = (x * 255 / w + y * 128 / h) / 2 + (dx * dx + dy * dy < (h / 4) * (h / 4) ? 90 : 0) +
              (int)((seed >> 16) & 31) - 16;
      img[y * w + x] = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
    }
  float m[16], y[16];
  for (int i = 0; i < 16; i++) {
    seed = seed * 1664525u + 1013904223u;
    m[i] = (float)((int)(seed >> 16) % 2001 - 1000) / 1750.0f;
    y[i] = i % 5 == 0 ? 1.0f : 0.0f;
  }

  int ok = 1;
  uint64_t hash = 0xcbf29ce484222325ull;
  double trace = 0;
  for (int r = 0; r < rounds; r++) {
    img[(size_t)r * 7919 % n] ^= 0x5a; /* every round sees a slightly different image */
    blur_simd(img, a, w, h);
    sobel_simd(a, b, w, h);
    tone_simd(img, c, n);
    if (r == 0) {
      int same = 1;
      blur_scalar(img, check, w, h);
      same &= memcmp(a, check, n) == 0;
      sobel_scalar(a, check, w, h);
      same &= memcmp(b, check, n) == 0;
      tone_scalar(img, check, n);
      same &= memcmp(c, check, n) == 0;
      float ts[16], tv[16];
      matmul_scalar(y, m, ts);
      matmul_simd(y, m, tv);
      same &= memcmp(ts, tv, sizeof ts) == 0;
      ok &= same;
      printf("round 0: %s\n", same ? "simd == scalar" : "MISMATCH");
    }
    hash = (hash ^ fnv1a(b + (size_t)(r % h) * w, (size_t)w)) * 0x100000001b3ull;
    hash = (hash ^ fnv1a(c + (size_t)((r * 5) % h) * w, (size_t)w)) * 0x100000001b3ull;
    for (int k = 0; k < MATRICES; k++) {
      float t[16];
      matmul_simd(y, m, t);
      float norm = 0;
      for (int i = 0; i < 16; i++) norm = norm + (t[i] < 0 ? -t[i] : t[i]);
      for (int i = 0; i < 16; i++) y[i] = t[i] / norm * 4.0f;
      trace += y[0] + y[5] + y[10] + y[15];
    }
  }
  printf("rounds %d: image fnv1a %016llx, blur fnv1a %016llx, trace sum %.6f\n", rounds, (unsigned long long)hash,
         (unsigned long long)(rounds ? fnv1a(a, n) : 0), trace);
  free(img), free(a), free(b), free(c), free(check);
  return ok ? 0 : 1;
}
