// Plain C loops that clang auto-vectorises at -O3 with -msimd128 (no
// intrinsics): an integer matrix product loop nest, a 2-D stencil, saxpy and
// element-wise float math, byte histograms of a transformed buffer, integer
// reductions (sum, min, max, dot) and a prefix of conversions, each printed as
// a checksum that does not depend on whether a loop was vectorised.
// flags: -O3 -msimd128
// run:
// run: 192 400
// exit: 0
// exit: 0
// explicit: yes
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t fnv1a(const void *data, size_t n) {
  const uint8_t *p = data;
  uint64_t h = 0xcbf29ce484222325ull;
  for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 0x100000001b3ull;
  return h;
}

static void matmul_i32(int n, const int32_t *a, const int32_t *b, int32_t *c) {
  for (int i = 0; i < n; i++) {
    for (int j = 0; j < n; j++) c[i * n + j] = 0;
    for (int k = 0; k < n; k++) {
      int32_t aik = a[i * n + k];
      for (int j = 0; j < n; j++) c[i * n + j] += aik * b[k * n + j];
    }
  }
}

static void stencil(int n, const float *in, float *out) {
  for (int y = 1; y < n - 1; y++)
    for (int x = 1; x < n - 1; x++)
      out[y * n + x] = 0.5f * in[y * n + x] +
                       0.125f * (in[(y - 1) * n + x] + in[(y + 1) * n + x] + in[y * n + x - 1] + in[y * n + x + 1]);
}

static void saxpy(int n, float a, const float *x, float *y) {
  for (int i = 0; i < n; i++) y[i] = a * x[i] + y[i];
}

static void float_math(int n, const float *x, float *out) {
  for (int i = 0; i < n; i++) {
    float v = x[i];
    float clamped = v < -2.0f ? -2.0f : v > 2.0f ? 2.0f : v;
    out[i] = clamped * clamped - (v < 0 ? -v : v) / 3.0f;
  }
}

static void bytes_transform(int n, const uint8_t *in, uint8_t *out) {
  for (int i = 0; i < n; i++) {
    uint8_t v = in[i];
    uint8_t s = (uint8_t)(v + 77 > 255 ? 255 : v + 77); /* saturating add */
    out[i] = (uint8_t)((s ^ (v >> 3)) & 0xfe) | (v & 1);
  }
}

int main(int argc, char **argv) {
  int n = argc > 2 ? atoi(argv[1]) : 64;
  int reps = argc > 2 ? atoi(argv[2]) : 20;
  size_t nn = (size_t)n * (size_t)n;
  int32_t *a = malloc(nn * 4), *b = malloc(nn * 4), *c = malloc(nn * 4);
  float *f = malloc(nn * 4), *g = malloc(nn * 4);
  uint8_t *bytes = malloc(nn), *out = malloc(nn);
  uint32_t seed = 99;
  for (size_t i = 0; i < nn; i++) {
    seed = seed * 1664525u + 1013904223u;
    a[i] = (int32_t)(seed >> 20) - 2048;
    b[i] = (int32_t)((seed >> 8) & 0xfff) - 2048;
    f[i] = (float)((int32_t)(seed >> 16) - 32768) / 8192.0f;
    bytes[i] = (uint8_t)(seed >> 24);
  }

  matmul_i32(n, a, b, c);
  int64_t sum = 0;
  int32_t lo = INT32_MAX, hi = INT32_MIN;
  for (size_t i = 0; i < nn; i++) {
    sum += c[i];
    lo = c[i] < lo ? c[i] : lo;
    hi = c[i] > hi ? c[i] : hi;
  }
  printf("matmul %dx%d: sum %lld, min %d, max %d, fnv1a %016llx\n", n, n, (long long)sum, lo, hi,
         (unsigned long long)fnv1a(c, nn * 4));

  memcpy(g, f, nn * 4);
  for (int r = 0; r < reps; r++) {
    stencil(n, f, g);
    stencil(n, g, f);
  }
  printf("stencil x%d: fnv1a %016llx\n", 2 * reps, (unsigned long long)fnv1a(f, nn * 4));

  for (int r = 0; r < reps; r++) saxpy((int)nn, 0.999f, f, g);
  float_math((int)nn, g, f);
  printf("saxpy and float math: fnv1a %016llx\n", (unsigned long long)fnv1a(f, nn * 4));

  uint32_t histogram[256] = {0};
  for (int r = 0; r < reps; r++) {
    bytes_transform((int)nn, bytes, out);
    memcpy(bytes, out, nn);
  }
  for (size_t i = 0; i < nn; i++) histogram[bytes[i]]++;
  int64_t dot = 0;
  for (size_t i = 0; i < nn; i++) dot += (int16_t)(a[i] >> 2) * (int16_t)(b[i] >> 2);
  uint32_t byte_sum = 0;
  for (size_t i = 0; i < nn; i++) byte_sum += bytes[i];
  printf("bytes: sum %u, dot %lld, histogram fnv1a %016llx\n", byte_sum, (long long)dot,
         (unsigned long long)fnv1a(histogram, sizeof histogram));

  int32_t *converted = malloc(nn * 4);
  for (size_t i = 0; i < nn; i++) converted[i] = (int32_t)(f[i] * 1000.0f);
  double total = 0;
  for (size_t i = 0; i < nn; i++) total += converted[i];
  printf("conversions: total %.1f, fnv1a %016llx\n", total, (unsigned long long)fnv1a(converted, nn * 4));
  free(a), free(b), free(c), free(f), free(g), free(bytes), free(out), free(converted);
  return 0;
}
