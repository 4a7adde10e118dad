/* blake2b: BLAKE2b-512 (RFC 7693), unkeyed and keyed, over a generated buffer.
 *
 * Stresses 64-bit adds, xors and rotates; on wasm32 every operation is i64.
 * check.py compares the known-answer lines and the chained digest with
 * Python's hashlib.blake2b.
 *
 * usage: blake2b [rounds]   (each round hashes BUF_SIZE bytes)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_ROUNDS 500
#define BUF_SIZE (1u << 20)

typedef struct {
    uint64_t h[8];
    uint64_t t[2]; /* byte counter, low and high words */
    uint8_t block[128];
    size_t used;
    size_t outlen;
} Blake2b;

static const uint64_t IV[8] = {
    0x6a09e667f3bcc908ull, 0xbb67ae8584caa73bull, 0x3c6ef372fe94f82bull, 0xa54ff53a5f1d36f1ull,
    0x510e527fade682d1ull, 0x9b05688c2b3e6c1full, 0x1f83d9abfb41bd6bull, 0x5be0cd19137e2179ull,
};

static const uint8_t SIGMA[12][16] = {
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}, {14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3},
    {11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4}, {7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8},
    {9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13}, {2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9},
    {12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11}, {13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10},
    {6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5}, {10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0},
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}, {14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3},
};

static inline uint64_t rotr64(uint64_t x, int n) { return (x >> n) | (x << (64 - n)); }

static inline uint64_t load64(const uint8_t *p) {
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--) v = v << 8 | p[i];
    return v;
}

#define G(a, b, c, d, x, y)             \
    do {                                \
        v[a] = v[a] + v[b] + (x);       \
        v[d] = rotr64(v[d] ^ v[a], 32); \
        v[c] = v[c] + v[d];             \
        v[b] = rotr64(v[b] ^ v[c], 24); \
        v[a] = v[a] + v[b] + (y);       \
        v[d] = rotr64(v[d] ^ v[a], 16); \
        v[c] = v[c] + v[d];             \
        v[b] = rotr64(v[b] ^ v[c], 63); \
    } while (0)

static void blake2b_compress(Blake2b *s, const uint8_t *block, int last) {
    uint64_t m[16], v[16];
    for (int i = 0; i < 16; i++) m[i] = load64(block + 8 * i);
    for (int i = 0; i < 8; i++) {
        v[i] = s->h[i];
        v[i + 8] = IV[i];
    }
    v[12] ^= s->t[0];
    v[13] ^= s->t[1];
    if (last) v[14] = ~v[14];
    for (int r = 0; r < 12; r++) {
        const uint8_t *sg = SIGMA[r];
        G(0, 4, 8, 12, m[sg[0]], m[sg[1]]);
        G(1, 5, 9, 13, m[sg[2]], m[sg[3]]);
        G(2, 6, 10, 14, m[sg[4]], m[sg[5]]);
        G(3, 7, 11, 15, m[sg[6]], m[sg[7]]);
        G(0, 5, 10, 15, m[sg[8]], m[sg[9]]);
        G(1, 6, 11, 12, m[sg[10]], m[sg[11]]);
        G(2, 7, 8, 13, m[sg[12]], m[sg[13]]);
        G(3, 4, 9, 14, m[sg[14]], m[sg[15]]);
    }
    for (int i = 0; i < 8; i++) s->h[i] ^= v[i] ^ v[i + 8];
}

static void blake2b_update(Blake2b *s, const uint8_t *data, size_t n) {
    /* The final block must be compressed with the last flag, so a full
       buffered block is only flushed once more input arrives. */
    while (n > 0) {
        if (s->used == 128) {
            s->t[0] += 128;
            if (s->t[0] < 128) s->t[1]++;
            blake2b_compress(s, s->block, 0);
            s->used = 0;
        }
        size_t take = 128 - s->used < n ? 128 - s->used : n;
        memcpy(s->block + s->used, data, take);
        s->used += take;
        data += take;
        n -= take;
    }
}

static void blake2b_init(Blake2b *s, size_t outlen, const uint8_t *key, size_t keylen) {
    memcpy(s->h, IV, sizeof IV);
    s->h[0] ^= 0x01010000ull ^ (uint64_t)keylen << 8 ^ outlen;
    s->t[0] = s->t[1] = 0;
    s->used = 0;
    s->outlen = outlen;
    if (keylen > 0) {
        uint8_t padded[128] = {0};
        memcpy(padded, key, keylen);
        blake2b_update(s, padded, 128);
    }
}

static void blake2b_final(Blake2b *s, uint8_t *out) {
    s->t[0] += s->used;
    if (s->t[0] < s->used) s->t[1]++;
    memset(s->block + s->used, 0, 128 - s->used);
    blake2b_compress(s, s->block, 1);
    for (size_t i = 0; i < s->outlen; i++) out[i] = (uint8_t)(s->h[i / 8] >> (8 * (i % 8)));
}

static void print_digest(const char *label, const uint8_t *d, size_t n) {
    printf("%s ", label);
    for (size_t i = 0; i < n; i++) printf("%02x", d[i]);
    printf("\n");
}

/* xorshift32 filler; check.py reproduces it to recompute the chained digest. */
static void fill(uint8_t *buf, size_t n, uint32_t seed) {
    uint32_t x = seed;
    for (size_t i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        buf[i] = (uint8_t)(x >> 24);
    }
}

int main(int argc, char **argv) {
    int rounds = argc > 1 ? atoi(argv[1]) : DEFAULT_ROUNDS;
    uint8_t digest[64];
    Blake2b s;

    blake2b_init(&s, 64, NULL, 0);
    blake2b_update(&s, (const uint8_t *)"abc", 3);
    blake2b_final(&s, digest);
    print_digest("abc", digest, 64);

    blake2b_init(&s, 32, (const uint8_t *)"wasmc-key", 9);
    blake2b_update(&s, (const uint8_t *)"The quick brown fox jumps over the lazy dog", 43);
    blake2b_final(&s, digest);
    print_digest("keyed-fox-32", digest, 32);

    uint8_t *buf = malloc(BUF_SIZE);
    if (!buf) return 1;
    fill(buf, BUF_SIZE, 2463534242u);
    memset(digest, 0, sizeof digest);
    /* Chain: each round hashes the buffer with the previous digest over its
       first 64 bytes. Pieces of uneven size cover the buffering path. */
    for (int r = 0; r < rounds; r++) {
        memcpy(buf, digest, 64);
        blake2b_init(&s, 64, NULL, 0);
        size_t off = 0, piece = 1000 + (size_t)r % 128;
        while (off < BUF_SIZE) {
            size_t n = BUF_SIZE - off < piece ? BUF_SIZE - off : piece;
            blake2b_update(&s, buf + off, n);
            off += n;
            piece = piece * 3 % 65521 + 1;
        }
        blake2b_final(&s, digest);
    }
    printf("rounds %d\n", rounds);
    print_digest("chained", digest, 64);
    free(buf);
    return 0;
}
