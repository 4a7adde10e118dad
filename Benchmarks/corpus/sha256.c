/* sha256: SHA-256 (FIPS 180-4) over a generated buffer.
 *
 * Stresses 32-bit rotates, shifts and adds in a tight compression loop with
 * little memory traffic. The known-answer lines ("abc" and one million 'a')
 * and the chained digest are checked against Python's hashlib by check.py.
 *
 * usage: sha256 [rounds]   (each round hashes BUF_SIZE bytes)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_ROUNDS 256
#define BUF_SIZE (1u << 20)

typedef struct {
    uint32_t state[8];
    uint64_t length; /* bytes hashed so far */
    uint8_t block[64];
    size_t used; /* bytes waiting in block */
} Sha256;

static const uint32_t K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static inline uint32_t rotr(uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }

static void sha256_compress(uint32_t state[8], const uint8_t *p) {
    uint32_t w[64];
    for (int i = 0; i < 16; i++)
        w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 | (uint32_t)p[4 * i + 2] << 8 |
               (uint32_t)p[4 * i + 3];
    for (int i = 16; i < 64; i++) {
        uint32_t s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
        uint32_t s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    uint32_t a = state[0], b = state[1], c = state[2], d = state[3];
    uint32_t e = state[4], f = state[5], g = state[6], h = state[7];
    for (int i = 0; i < 64; i++) {
        uint32_t t1 = h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i];
        uint32_t t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
        h = g;
        g = f;
        f = e;
        e = d + t1;
        d = c;
        c = b;
        b = a;
        a = t1 + t2;
    }
    state[0] += a;
    state[1] += b;
    state[2] += c;
    state[3] += d;
    state[4] += e;
    state[5] += f;
    state[6] += g;
    state[7] += h;
}

static void sha256_init(Sha256 *s) {
    static const uint32_t iv[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                   0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    memcpy(s->state, iv, sizeof iv);
    s->length = 0;
    s->used = 0;
}

static void sha256_update(Sha256 *s, const uint8_t *data, size_t n) {
    s->length += n;
    if (s->used) {
        size_t take = 64 - s->used < n ? 64 - s->used : n;
        memcpy(s->block + s->used, data, take);
        s->used += take;
        data += take;
        n -= take;
        if (s->used < 64) return;
        sha256_compress(s->state, s->block);
        s->used = 0;
    }
    for (; n >= 64; n -= 64, data += 64) sha256_compress(s->state, data);
    memcpy(s->block, data, n);
    s->used = n;
}

static void sha256_final(Sha256 *s, uint8_t out[32]) {
    uint64_t bits = s->length * 8;
    uint8_t pad[72] = {0x80};
    size_t padlen = (s->used < 56 ? 56 : 120) - s->used;
    for (int i = 0; i < 8; i++) pad[padlen + i] = (uint8_t)(bits >> (56 - 8 * i));
    sha256_update(s, pad, padlen + 8);
    for (int i = 0; i < 8; i++) {
        out[4 * i] = (uint8_t)(s->state[i] >> 24);
        out[4 * i + 1] = (uint8_t)(s->state[i] >> 16);
        out[4 * i + 2] = (uint8_t)(s->state[i] >> 8);
        out[4 * i + 3] = (uint8_t)s->state[i];
    }
}

static void print_digest(const char *label, const uint8_t d[32]) {
    printf("%s ", label);
    for (int i = 0; i < 32; i++) printf("%02x", d[i]);
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
    uint8_t digest[32];
    Sha256 s;

    sha256_init(&s);
    sha256_update(&s, (const uint8_t *)"abc", 3);
    sha256_final(&s, digest);
    print_digest("abc", digest);

    uint8_t *buf = malloc(BUF_SIZE);
    if (!buf) return 1;
    memset(buf, 'a', 1000000);
    sha256_init(&s);
    sha256_update(&s, buf, 1000000);
    sha256_final(&s, digest);
    print_digest("million-a", digest);

    /* Each round hashes the buffer with the previous digest written over its
       first 32 bytes, so no round can be skipped or hoisted. Updates come in
       uneven pieces to exercise the partial-block path. */
    fill(buf, BUF_SIZE, 2463534242u);
    memset(digest, 0, sizeof digest);
    for (int r = 0; r < rounds; r++) {
        memcpy(buf, digest, 32);
        sha256_init(&s);
        size_t off = 0, piece = 1000 + (size_t)r % 64;
        while (off < BUF_SIZE) {
            size_t n = BUF_SIZE - off < piece ? BUF_SIZE - off : piece;
            sha256_update(&s, buf + off, n);
            off += n;
            piece = piece * 3 % 65521 + 1;
        }
        sha256_final(&s, digest);
    }
    printf("rounds %d\n", rounds);
    print_digest("chained", digest);
    free(buf);
    return 0;
}
