/* hashtable: open-addressing hash tables under inserts, lookups and deletes.
 *
 * Two tables: 64-bit keys with linear probing and backward-shift deletion,
 * and short string keys with tombstones. Stresses random memory access
 * (cache misses), 64-bit multiplies, and short-string hashing and compares.
 * Growing the tables rehashes everything, exercising malloc of large blocks.
 *
 * usage: hashtable [rounds]
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_ROUNDS 2
#define INT_KEYS 600000
#define STR_KEYS 200000

static void *xcalloc(size_t n, size_t size) {
    void *p = calloc(n, size);
    if (!p) {
        fprintf(stderr, "out of memory\n");
        exit(2);
    }
    return p;
}

static void fail(const char *what) {
    fprintf(stderr, "check failed: %s\n", what);
    exit(1);
}

static inline uint64_t mix64(uint64_t x) {
    x ^= x >> 33;
    x *= 0xFF51AFD7ED558CCDull;
    x ^= x >> 33;
    x *= 0xC4CEB9FE1A85EC53ull;
    return x ^ (x >> 33);
}

/* ---- integer keys: linear probing, backward-shift deletion ---- */

typedef struct {
    uint64_t *keys; /* 0 marks an empty slot; key 0 is stored out of line */
    uint64_t *values;
    size_t cap, count; /* cap is a power of two */
    int has_zero;
    uint64_t zero_value;
} IntTable;

static void int_init(IntTable *t, size_t cap) {
    t->cap = cap;
    t->count = 0;
    t->has_zero = 0;
    t->keys = xcalloc(cap, sizeof *t->keys);
    t->values = xcalloc(cap, sizeof *t->values);
}

static void int_put(IntTable *t, uint64_t key, uint64_t value);

static void int_grow(IntTable *t) {
    IntTable bigger;
    int_init(&bigger, t->cap * 2);
    bigger.has_zero = t->has_zero;
    bigger.zero_value = t->zero_value;
    for (size_t i = 0; i < t->cap; i++)
        if (t->keys[i]) int_put(&bigger, t->keys[i], t->values[i]);
    free(t->keys);
    free(t->values);
    *t = bigger;
}

static void int_put(IntTable *t, uint64_t key, uint64_t value) {
    if (key == 0) {
        t->has_zero = 1;
        t->zero_value = value;
        return;
    }
    if ((t->count + 1) * 4 > t->cap * 3) int_grow(t); /* load factor <= 0.75 */
    size_t mask = t->cap - 1, i = mix64(key) & mask;
    while (t->keys[i] && t->keys[i] != key) i = (i + 1) & mask;
    if (!t->keys[i]) t->count++;
    t->keys[i] = key;
    t->values[i] = value;
}

static int int_get(const IntTable *t, uint64_t key, uint64_t *value) {
    if (key == 0) {
        if (t->has_zero) *value = t->zero_value;
        return t->has_zero;
    }
    size_t mask = t->cap - 1, i = mix64(key) & mask;
    while (t->keys[i]) {
        if (t->keys[i] == key) {
            *value = t->values[i];
            return 1;
        }
        i = (i + 1) & mask;
    }
    return 0;
}

static int int_delete(IntTable *t, uint64_t key) {
    if (key == 0) {
        int had = t->has_zero;
        t->has_zero = 0;
        return had;
    }
    size_t mask = t->cap - 1, i = mix64(key) & mask;
    while (t->keys[i] && t->keys[i] != key) i = (i + 1) & mask;
    if (!t->keys[i]) return 0;
    /* Shift later members of the probe run back so no tombstone is needed. */
    size_t hole = i;
    for (size_t j = (i + 1) & mask; t->keys[j]; j = (j + 1) & mask) {
        size_t home = mix64(t->keys[j]) & mask;
        /* Move j into the hole unless its home lies cyclically in (hole, j]. */
        int stays = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
        if (!stays) {
            t->keys[hole] = t->keys[j];
            t->values[hole] = t->values[j];
            hole = j;
        }
    }
    t->keys[hole] = 0;
    t->count--;
    return 1;
}

/* ---- string keys: tombstones, FNV-1a ---- */

#define TOMBSTONE ((char *)1)

typedef struct {
    char **keys; /* NULL empty, TOMBSTONE deleted, else an owned string */
    uint32_t *values;
    size_t cap, live, used; /* used counts live + tombstones */
} StrTable;

static uint64_t hash_str(const char *s) {
    uint64_t h = 0xCBF29CE484222325ull;
    for (; *s; s++) h = (h ^ (uint8_t)*s) * 0x100000001B3ull;
    return h ^ (h >> 29);
}

static void str_init(StrTable *t, size_t cap) {
    t->cap = cap;
    t->live = t->used = 0;
    t->keys = xcalloc(cap, sizeof *t->keys);
    t->values = xcalloc(cap, sizeof *t->values);
}

static void str_rehash(StrTable *t, size_t cap) {
    StrTable fresh;
    str_init(&fresh, cap);
    for (size_t i = 0; i < t->cap; i++) {
        char *k = t->keys[i];
        if (!k || k == TOMBSTONE) continue;
        size_t j = hash_str(k) & (cap - 1);
        while (fresh.keys[j]) j = (j + 1) & (cap - 1);
        fresh.keys[j] = k;
        fresh.values[j] = t->values[i];
        fresh.live++;
        fresh.used++;
    }
    free(t->keys);
    free(t->values);
    *t = fresh;
}

/* Returns the slot holding key, or -1. */
static long str_find(const StrTable *t, const char *key) {
    size_t mask = t->cap - 1, i = hash_str(key) & mask;
    for (char *k; (k = t->keys[i]) != NULL; i = (i + 1) & mask)
        if (k != TOMBSTONE && strcmp(k, key) == 0) return (long)i;
    return -1;
}

static void str_put(StrTable *t, const char *key, uint32_t value) {
    long at = str_find(t, key);
    if (at >= 0) {
        t->values[at] = value;
        return;
    }
    if ((t->used + 1) * 10 > t->cap * 7) str_rehash(t, t->live * 2 > t->cap / 2 ? t->cap * 2 : t->cap);
    size_t mask = t->cap - 1, i = hash_str(key) & mask;
    while (t->keys[i] && t->keys[i] != TOMBSTONE) i = (i + 1) & mask;
    if (!t->keys[i]) t->used++;
    size_t n = strlen(key) + 1;
    t->keys[i] = malloc(n);
    if (!t->keys[i]) fail("out of memory");
    memcpy(t->keys[i], key, n);
    t->values[i] = value;
    t->live++;
}

static int str_delete(StrTable *t, const char *key) {
    long at = str_find(t, key);
    if (at < 0) return 0;
    free(t->keys[at]);
    t->keys[at] = TOMBSTONE;
    t->live--;
    return 1;
}

static void str_free(StrTable *t) {
    for (size_t i = 0; i < t->cap; i++)
        if (t->keys[i] && t->keys[i] != TOMBSTONE) free(t->keys[i]);
    free(t->keys);
    free(t->values);
}

static void make_key(char *out, uint32_t n) {
    static const char *const parts[] = {"user", "item", "order", "x", "session", "node"};
    sprintf(out, "%s:%u/%x", parts[n % 6], n, n * 2654435761u);
}

int main(int argc, char **argv) {
    int rounds = argc > 1 ? atoi(argv[1]) : DEFAULT_ROUNDS;
    uint64_t check = 0;
    for (int r = 0; r < rounds; r++) {
        uint64_t salt = mix64((uint64_t)r + 1);

        /* Integer keys: keys are a bijection of i, so all are distinct. */
        IntTable t;
        int_init(&t, 16);
        for (uint64_t i = 0; i < INT_KEYS; i++) int_put(&t, mix64(i ^ salt), i * 3);
        if (t.count + (size_t)t.has_zero != INT_KEYS) fail("int count after insert");
        uint64_t v, found = 0, sum = 0;
        for (uint64_t i = 0; i < 2 * INT_KEYS; i++) /* half hits, half misses */
            if (int_get(&t, mix64(i ^ salt), &v)) found++, sum += v;
        if (found != INT_KEYS) fail("int lookups");
        for (uint64_t i = 0; i < INT_KEYS; i += 2)
            if (!int_delete(&t, mix64(i ^ salt))) fail("int delete");
        for (uint64_t i = 0; i < INT_KEYS; i++) {
            int present = int_get(&t, mix64(i ^ salt), &v);
            if (present != (int)(i & 1) || (present && v != i * 3)) fail("int lookup after delete");
        }
        /* Churn: delete and reinsert in an interleaved pattern. */
        for (uint64_t i = 0; i < INT_KEYS; i++) {
            uint64_t k = mix64((i * 7919) % INT_KEYS ^ salt);
            if (i % 3 == 0) int_delete(&t, k);
            else int_put(&t, k, i);
        }
        for (uint64_t i = 0; i < INT_KEYS; i++)
            if (int_get(&t, mix64(i ^ salt), &v)) sum = sum * 31 + v + i;
        check = check * 1000003 + sum + t.count;
        free(t.keys);
        free(t.values);

        /* String keys. */
        StrTable s;
        str_init(&s, 64);
        char key[64];
        for (uint32_t i = 0; i < STR_KEYS; i++) {
            make_key(key, i + (uint32_t)r * 7);
            str_put(&s, key, i);
        }
        if (s.live != STR_KEYS) fail("string count");
        uint64_t ssum = 0;
        for (uint32_t i = 0; i < STR_KEYS; i += 3) {
            make_key(key, i + (uint32_t)r * 7);
            if (!str_delete(&s, key)) fail("string delete");
        }
        for (uint32_t i = 0; i < STR_KEYS + STR_KEYS / 4; i++) {
            make_key(key, i + (uint32_t)r * 7);
            long at = str_find(&s, key);
            int expect = i < STR_KEYS && i % 3 != 0;
            if ((at >= 0) != expect) fail("string lookup");
            if (at >= 0) ssum = ssum * 17 + s.values[at];
        }
        for (uint32_t i = 0; i < STR_KEYS; i += 3) { /* reinsert over tombstones */
            make_key(key, i + (uint32_t)r * 7);
            str_put(&s, key, i ^ 0x5A5A);
        }
        if (s.live != STR_KEYS) fail("string count after reinsert");
        check = check * 1000003 + ssum + s.cap;
        str_free(&s);
    }
    printf("rounds %d\nchecksum %016llx\n", rounds, (unsigned long long)check);
    return 0;
}
