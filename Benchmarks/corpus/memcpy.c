/* memcpy: memory-copy-heavy patterns — memcpy, memmove, memset and memcmp.
 *
 * Stresses bulk memory operations (under wasm with bulk memory these become
 * memory.copy / memory.fill) at every size from a few bytes to megabytes,
 * aligned and unaligned, overlapping in both directions.
 *
 * usage: memcpy [rounds]
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_ROUNDS 40
#define BUF_SIZE (8u << 20)

static uint64_t rng_state = 0x2545F4914F6CDD1Dull;

static uint32_t rng(void) {
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state >> 16);
}

static uint64_t hash_buffer(const uint8_t *p, size_t n) {
    uint64_t h = 0x9E3779B97F4A7C15ull;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, p + i, 8);
        h = (h ^ w) * 0xFF51AFD7ED558CCDull;
        h ^= h >> 32;
    }
    for (; i < n; i++) h = (h ^ p[i]) * 0x100000001B3ull;
    return h;
}

int main(int argc, char **argv) {
    int rounds = argc > 1 ? atoi(argv[1]) : DEFAULT_ROUNDS;
    uint8_t *a = malloc(BUF_SIZE), *b = malloc(BUF_SIZE);
    if (!a || !b) return 2;
    for (size_t i = 0; i < BUF_SIZE; i++) a[i] = (uint8_t)(i * 131 + (i >> 9));
    memset(b, 0, BUF_SIZE);
    uint64_t check = 0, compares = 0;

    for (int r = 0; r < rounds; r++) {
        /* 1. Large copies between buffers, at shifting unaligned offsets. */
        for (int k = 0; k < 16; k++) {
            size_t len = (size_t)(256u << 10) + rng() % (512u << 10);
            size_t from = rng() % (BUF_SIZE - len), to = rng() % (BUF_SIZE - len);
            memcpy(b + to, a + from, len);
        }
        /* 2. Many small copies (1..64 bytes) — call and tail overhead. */
        for (int k = 0; k < 200000; k++) {
            size_t len = 1 + rng() % 64;
            size_t from = rng() % (BUF_SIZE - 64), to = rng() % (BUF_SIZE - 64);
            memcpy(a + to, b + from, len);
        }
        /* 3. Medium copies of a fixed, compile-time-visible size. */
        for (int k = 0; k < 20000; k++) {
            size_t from = rng() % (BUF_SIZE - 256), to = rng() % (BUF_SIZE - 256);
            memcpy(b + to, a + from, 256);
        }
        /* 4. Overlapping moves, forward and backward, small and large shifts. */
        for (int k = 0; k < 64; k++) {
            size_t len = 4096 + rng() % (64u << 10);
            size_t base = rng() % (BUF_SIZE - len - 4096);
            size_t shift = 1 + rng() % 4095;
            if (k & 1) memmove(a + base + shift, a + base, len); /* forward */
            else memmove(a + base, a + base + shift, len);        /* backward */
        }
        /* 5. Fills: large and small, with varying byte values. */
        for (int k = 0; k < 8; k++) {
            size_t len = 64u << 10 << (rng() % 5);
            size_t at = rng() % (BUF_SIZE - len);
            memset(b + at, (int)(rng() & 0xFF), len);
        }
        for (int k = 0; k < 100000; k++) {
            size_t len = 1 + rng() % 48;
            memset(a + rng() % (BUF_SIZE - 48), (int)(k & 0xFF), len);
        }
        /* 6. Compare windows; a full-buffer copy back keeps data flowing. */
        for (int k = 0; k < 2000; k++) {
            size_t len = 16 + rng() % 4096;
            size_t x = rng() % (BUF_SIZE - len), y = rng() % (BUF_SIZE - len);
            int c = memcmp(a + x, b + y, len);
            compares += (uint64_t)(c < 0 ? 1 : c > 0 ? 2 : 3);
        }
        memcpy(b, a, BUF_SIZE / 2);
        memmove(b + BUF_SIZE / 2, b + BUF_SIZE / 2 + 3, BUF_SIZE / 2 - 3);
        check = check * 31 + (hash_buffer(a, BUF_SIZE) ^ hash_buffer(b, BUF_SIZE));
    }
    printf("rounds %d compares %llu\nchecksum %016llx\n", rounds, (unsigned long long)compares,
           (unsigned long long)check);
    free(a);
    free(b);
    return 0;
}
