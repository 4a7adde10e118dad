// Hashing: SHA-256 (FIPS 180-4 test vectors), CRC-32, FNV-1a and an
// open-addressing hash table with deletions, checked against a slow scan.
// run:
// exit: 0
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const uint32_t K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

#define ROTR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void sha256(const uint8_t *data, size_t length, uint8_t out[32]) {
  uint32_t h[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  size_t padded = ((length + 9 + 63) / 64) * 64;
  uint8_t *message = calloc(padded, 1);
  memcpy(message, data, length);
  message[length] = 0x80;
  for (int i = 0; i < 8; i++) message[padded - 1 - i] = (uint8_t)((uint64_t)length * 8 >> (8 * i));
  for (size_t block = 0; block < padded; block += 64) {
    uint32_t w[64];
    for (int i = 0; i < 16; i++)
      w[i] = (uint32_t)message[block + 4 * i] << 24 | message[block + 4 * i + 1] << 16 |
             message[block + 4 * i + 2] << 8 | message[block + 4 * i + 3];
    for (int i = 16; i < 64; i++) {
      uint32_t s0 = ROTR(w[i - 15], 7) ^ ROTR(w[i - 15], 18) ^ (w[i - 15] >> 3);
      uint32_t s1 = ROTR(w[i - 2], 17) ^ ROTR(w[i - 2], 19) ^ (w[i - 2] >> 10);
      w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
    for (int i = 0; i < 64; i++) {
      uint32_t t1 = hh + (ROTR(e, 6) ^ ROTR(e, 11) ^ ROTR(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i];
      uint32_t t2 = (ROTR(a, 2) ^ ROTR(a, 13) ^ ROTR(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
      hh = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
    }
    h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
  }
  free(message);
  for (int i = 0; i < 32; i++) out[i] = (uint8_t)(h[i / 4] >> (24 - 8 * (i % 4)));
}

static uint32_t crc32(const uint8_t *data, size_t length) {
  static uint32_t table[256];
  if (!table[1])
    for (uint32_t i = 0; i < 256; i++) {
      uint32_t c = i;
      for (int k = 0; k < 8; k++) c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
      table[i] = c;
    }
  uint32_t crc = 0xffffffffu;
  for (size_t i = 0; i < length; i++) crc = table[(crc ^ data[i]) & 0xff] ^ (crc >> 8);
  return crc ^ 0xffffffffu;
}

static uint64_t fnv1a(const char *s) {
  uint64_t hash = 0xcbf29ce484222325ull;
  while (*s) hash = (hash ^ (uint8_t)*s++) * 0x100000001b3ull;
  return hash;
}

/* Open addressing with linear probing and tombstones. */
typedef struct { uint64_t key; int64_t value; uint8_t state; } slot; /* 0 empty, 1 full, 2 deleted */
static slot *table;
static size_t capacity, used;

static size_t find(uint64_t key) {
  size_t i = (size_t)(key * 0x9e3779b97f4a7c15ull >> 40) & (capacity - 1);
  while (table[i].state && !(table[i].state == 1 && table[i].key == key)) i = (i + 1) & (capacity - 1);
  return i;
}
static void put(uint64_t key, int64_t value) {
  size_t i = find(key);
  if (!table[i].state) used++;
  table[i] = (slot){key, value, 1};
}
static int64_t *get(uint64_t key) {
  size_t i = find(key);
  return table[i].state == 1 ? &table[i].value : NULL;
}
static void erase(uint64_t key) {
  size_t i = find(key);
  if (table[i].state == 1) table[i].state = 2;
}

int main(void) {
  const char *vectors[] = {"", "abc", "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
                           "The quick brown fox jumps over the lazy dog"};
  for (int v = 0; v < 4; v++) {
    uint8_t digest[32];
    sha256((const uint8_t *)vectors[v], strlen(vectors[v]), digest);
    printf("sha256(\"%.20s\") = ", vectors[v]);
    for (int i = 0; i < 32; i++) printf("%02x", digest[i]);
    printf("\ncrc32 = %08x, fnv1a = %016llx\n", crc32((const uint8_t *)vectors[v], strlen(vectors[v])),
           (unsigned long long)fnv1a(vectors[v]));
  }
  /* A million bytes of 'a' (the FIPS long vector). */
  uint8_t *million = malloc(1000000);
  memset(million, 'a', 1000000);
  uint8_t digest[32];
  sha256(million, 1000000, digest);
  printf("sha256(a x 1e6) = ");
  for (int i = 0; i < 32; i++) printf("%02x", digest[i]);
  printf("\n");

  capacity = 1 << 17;
  table = calloc(capacity, sizeof *table);
  char key[32];
  for (int i = 0; i < 60000; i++) {
    snprintf(key, sizeof key, "key-%d", i);
    put(fnv1a(key), i);
  }
  for (int i = 0; i < 60000; i += 3) {
    snprintf(key, sizeof key, "key-%d", i);
    erase(fnv1a(key));
  }
  long long found = 0, sum = 0;
  for (int i = 0; i < 61000; i++) {
    snprintf(key, sizeof key, "key-%d", i);
    int64_t *value = get(fnv1a(key));
    if (value) { found++; sum += *value; }
  }
  printf("table: %zu slots used, %lld found, sum %lld\n", used, found, sum);
  return 0;
}
