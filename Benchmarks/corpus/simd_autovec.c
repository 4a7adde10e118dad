/* simd_autovec: plain C loops that clang auto-vectorises (-O3 -msimd128 for wasm,
 * -O3 -msse4.2 -mno-avx natively; no intrinsics): an integer matrix product loop
 * nest, a 2-D float stencil, saxpy, a byte transform with saturation, and integer
 * reductions, each round, printed as checksums that do not depend on whether a
 * loop was vectorised.
 *
 * The kernels are those of Tests/RealPrograms/simd/simd_autovec.c.
 *
 * usage: simd_autovec [rounds]   (default 160; 0 does no work)
 */
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

#define DEFAULT_ROUNDS 160
#define N 256

int main(int argc, char **argv) {
  int rounds = argc > 1 ? atoi(argv[1]) : DEFAULT_ROUNDS;
  int n = N;
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
  memcpy(g, f, nn * 4);

  uint64_t hash = 0xcbf29ce484222325ull;
  int64_t sum = 0, dot = 0;
  for (int r = 0; r < rounds; r++) {
    a[r] += r; /* every round multiplies different matrices */
    matmul_i32(n, a, b, c);
    for (size_t i = 0; i < nn; i++) sum += c[i];
    for (int s = 0; s < 20; s++) {
      stencil(n, f, g);
      stencil(n, g, f);
    }
    for (int s = 0; s < 40; s++) saxpy((int)nn, 0.999f, f, g);
    float_math((int)nn, g, f);
    for (int s = 0; s < 40; s++) {
      bytes_transform((int)nn, bytes, out);
      bytes_transform((int)nn, out, bytes);
    }
    for (size_t i = 0; i < nn; i++) dot += (int16_t)(a[i] >> 2) * (int16_t)(b[i] >> 2);
    hash = (hash ^ fnv1a(c, nn * 4)) * 0x100000001b3ull;
    hash = (hash ^ fnv1a(f, nn * 4)) * 0x100000001b3ull;
    hash = (hash ^ fnv1a(bytes, nn)) * 0x100000001b3ull;
  }
  printf("rounds %d: matmul sum %lld, dot %lld, fnv1a %016llx\n", rounds, (long long)sum, (long long)dot,
         (unsigned long long)hash);
  free(a), free(b), free(c), free(f), free(g), free(bytes), free(out);
  return 0;
}
