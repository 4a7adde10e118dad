/* simd_chacha20: ChaCha20 (RFC 8439) with wasm_simd128.h, four blocks at once (one
 * v128 per state word, lane k is block k), over a 1 MiB buffer, re-encrypted each
 * round with a new counter.
 *
 * The kernels are those of Tests/RealPrograms/simd/simd_chacha20.c. Before timing
 * anything the program checks the RFC's block test vector and the SIMD keystream
 * against the scalar one over 64 KiB; it prints MISMATCH and exits 1 if either fails.
 * Built for wasm32 with -msimd128, and natively from the same source through SIMDe
 * (SSE4.2, no AVX).
 *
 * usage: simd_chacha20 [rounds]   (default 900; 0 does the checks only)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasm_simd128.h>

static uint32_t load32(const uint8_t *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void setup(uint32_t state[16], const uint8_t key[32], const uint8_t nonce[12], uint32_t counter) {
  state[0] = 0x61707865;
  state[1] = 0x3320646e;
  state[2] = 0x79622d32;
  state[3] = 0x6b206574;
  for (int i = 0; i < 8; i++) state[4 + i] = load32(key + 4 * i);
  state[12] = counter;
  for (int i = 0; i < 3; i++) state[13 + i] = load32(nonce + 4 * i);
}

/* The scalar reference: one 64-byte block. */
#define ROTL(x, n) (((x) << (n)) | ((x) >> (32 - (n))))
#define QR(a, b, c, d)                                                         \
  a += b; d ^= a; d = ROTL(d, 16);                                             \
  c += d; b ^= c; b = ROTL(b, 12);                                             \
  a += b; d ^= a; d = ROTL(d, 8);                                              \
  c += d; b ^= c; b = ROTL(b, 7);

static void block_scalar(const uint32_t in[16], uint8_t out[64]) {
  uint32_t x[16];
  memcpy(x, in, sizeof x);
  for (int round = 0; round < 10; round++) {
    QR(x[0], x[4], x[8], x[12]) QR(x[1], x[5], x[9], x[13])
    QR(x[2], x[6], x[10], x[14]) QR(x[3], x[7], x[11], x[15])
    QR(x[0], x[5], x[10], x[15]) QR(x[1], x[6], x[11], x[12])
    QR(x[2], x[7], x[8], x[13]) QR(x[3], x[4], x[9], x[14])
  }
  for (int i = 0; i < 16; i++) {
    uint32_t v = x[i] + in[i];
    out[4 * i] = (uint8_t)v;
    out[4 * i + 1] = (uint8_t)(v >> 8);
    out[4 * i + 2] = (uint8_t)(v >> 16);
    out[4 * i + 3] = (uint8_t)(v >> 24);
  }
}

/* The SIMD version: 4 consecutive blocks (counters c..c+3), 256 bytes. */
#define VROTL(x, n) wasm_v128_or(wasm_i32x4_shl((x), (n)), wasm_u32x4_shr((x), 32 - (n)))
#define VQR(a, b, c, d)                                                        \
  a = wasm_i32x4_add(a, b); d = wasm_v128_xor(d, a); d = VROTL(d, 16);         \
  c = wasm_i32x4_add(c, d); b = wasm_v128_xor(b, c); b = VROTL(b, 12);         \
  a = wasm_i32x4_add(a, b); d = wasm_v128_xor(d, a); d = VROTL(d, 8);          \
  c = wasm_i32x4_add(c, d); b = wasm_v128_xor(b, c); b = VROTL(b, 7);

static void blocks4_simd(const uint32_t in[16], uint8_t out[256]) {
  v128_t s[16], x[16];
  for (int i = 0; i < 16; i++) s[i] = wasm_i32x4_splat((int32_t)in[i]);
  s[12] = wasm_i32x4_add(s[12], wasm_i32x4_make(0, 1, 2, 3));
  memcpy(x, s, sizeof x);
  for (int round = 0; round < 10; round++) {
    VQR(x[0], x[4], x[8], x[12]) VQR(x[1], x[5], x[9], x[13])
    VQR(x[2], x[6], x[10], x[14]) VQR(x[3], x[7], x[11], x[15])
    VQR(x[0], x[5], x[10], x[15]) VQR(x[1], x[6], x[11], x[12])
    VQR(x[2], x[7], x[8], x[13]) VQR(x[3], x[4], x[9], x[14])
  }
  for (int i = 0; i < 16; i++) x[i] = wasm_i32x4_add(x[i], s[i]);
  /* Transpose 4x4 groups of words: lane k of x[i] is word i of block k. */
  for (int group = 0; group < 4; group++) {
    v128_t a = x[4 * group], b = x[4 * group + 1], c = x[4 * group + 2], d = x[4 * group + 3];
    v128_t ab_lo = wasm_i32x4_shuffle(a, b, 0, 4, 1, 5), ab_hi = wasm_i32x4_shuffle(a, b, 2, 6, 3, 7);
    v128_t cd_lo = wasm_i32x4_shuffle(c, d, 0, 4, 1, 5), cd_hi = wasm_i32x4_shuffle(c, d, 2, 6, 3, 7);
    v128_t rows[4] = {wasm_i64x2_shuffle(ab_lo, cd_lo, 0, 2), wasm_i64x2_shuffle(ab_lo, cd_lo, 1, 3),
                      wasm_i64x2_shuffle(ab_hi, cd_hi, 0, 2), wasm_i64x2_shuffle(ab_hi, cd_hi, 1, 3)};
    for (int blk = 0; blk < 4; blk++) wasm_v128_store(out + 64 * blk + 16 * group, rows[blk]);
  }
}

/* XORs the keystream starting at block `counter` into data, SIMD or scalar. */
static void chacha20_xor(uint8_t *data, size_t length, const uint8_t key[32], const uint8_t nonce[12],
                         uint32_t counter, int simd) {
  uint32_t state[16];
  uint8_t stream[256];
  setup(state, key, nonce, counter);
  size_t offset = 0;
  while (offset < length) {
    size_t chunk;
    if (simd && length - offset >= 256) {
      blocks4_simd(state, stream);
      state[12] += 4;
      chunk = 256;
      for (size_t i = 0; i < chunk; i += 16) {
        v128_t d = wasm_v128_load(data + offset + i);
        wasm_v128_store(data + offset + i, wasm_v128_xor(d, wasm_v128_load(stream + i)));
      }
    } else {
      block_scalar(state, stream);
      state[12] += 1;
      chunk = length - offset < 64 ? length - offset : 64;
      for (size_t i = 0; i < chunk; i++) data[offset + i] ^= stream[i];
    }
    offset += chunk;
  }
}

static uint64_t fnv1a(const uint8_t *p, size_t n) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 0x100000001b3ull;
  return h;
}

#define DEFAULT_ROUNDS 900
#define SIZE (1u << 20)
#define CHECK_SIZE (64u << 10)

int main(int argc, char **argv) {
  int rounds = argc > 1 ? atoi(argv[1]) : DEFAULT_ROUNDS;
  uint8_t key[32], nonce[12] = {0, 0, 0, 9, 0, 0, 0, 0x4a, 0, 0, 0, 0};
  for (int i = 0; i < 32; i++) key[i] = (uint8_t)i;
  /* RFC 8439, 2.3.2: the block function's test vector, through the SIMD path. */
  static const uint8_t expected[16] = {0x10, 0xf1, 0xe7, 0xe4, 0xd1, 0x3b, 0x59, 0x15,
                                       0x50, 0x0f, 0xdd, 0x1f, 0xa3, 0x20, 0x71, 0xc4};
  uint8_t zeros[256] = {0};
  chacha20_xor(zeros, sizeof zeros, key, nonce, 1, 1);
  int ok = memcmp(zeros, expected, 16) == 0;
  printf("rfc8439 block: %s\n", ok ? "ok" : "MISMATCH");

  uint8_t *data = malloc(SIZE), *check = malloc(CHECK_SIZE);
  uint32_t seed = 12345;
  for (size_t i = 0; i < SIZE; i++) {
    seed = seed * 1103515245u + 12345u;
    data[i] = (uint8_t)(seed >> 16);
  }
  memcpy(check, data, CHECK_SIZE);
  chacha20_xor(check, CHECK_SIZE, key, nonce, 7, 0);
  uint8_t *simd = malloc(CHECK_SIZE);
  memcpy(simd, data, CHECK_SIZE);
  chacha20_xor(simd, CHECK_SIZE, key, nonce, 7, 1);
  int same = memcmp(simd, check, CHECK_SIZE) == 0;
  ok &= same;
  printf("64 KiB: simd %s scalar\n", same ? "==" : "MISMATCH");

  for (int r = 0; r < rounds; r++) chacha20_xor(data, SIZE, key, nonce, (uint32_t)r * (SIZE / 64), 1);
  printf("rounds %d\n1 MiB after all rounds: fnv1a %016llx\n", rounds, (unsigned long long)fnv1a(data, SIZE));
  free(data), free(check), free(simd);
  return ok ? 0 : 1;
}
