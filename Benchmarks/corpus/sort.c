/* sort: quicksort, mergesort and libc qsort over large generated arrays.
 *
 * Stresses unpredictable compare-and-branch loops, strided memory access and,
 * through qsort's comparator, indirect calls. Each round checks that every
 * array is sorted and is a permutation of its input (by an order-independent
 * checksum) and folds a position-weighted checksum into the result.
 *
 * usage: sort [rounds]
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_ROUNDS 4
#define QUICK_N (1u << 21)
#define MERGE_N (1u << 20)
#define RECORD_N (1u << 18)

static uint64_t rng_state;

static uint64_t rng64(void) {
    /* splitmix64 */
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* ---- quicksort on uint32: median of three, insertion sort for short runs,
   recursion on the smaller side so the stack stays O(log n) ---- */

static void insertion_sort_u32(uint32_t *a, size_t n) {
    for (size_t i = 1; i < n; i++) {
        uint32_t v = a[i];
        size_t j = i;
        while (j > 0 && a[j - 1] > v) {
            a[j] = a[j - 1];
            j--;
        }
        a[j] = v;
    }
}

static void quicksort_u32(uint32_t *a, size_t n) {
    while (n > 24) {
        size_t mid = n / 2;
        uint32_t x = a[0], y = a[mid], z = a[n - 1];
        uint32_t pivot = x < y ? (y < z ? y : (x < z ? z : x)) : (x < z ? x : (y < z ? z : y));
        size_t i = 0, j = n - 1;
        for (;;) { /* Hoare partition */
            while (a[i] < pivot) i++;
            while (a[j] > pivot) j--;
            if (i >= j) break;
            uint32_t t = a[i];
            a[i] = a[j];
            a[j] = t;
            i++;
            j--;
        }
        size_t left = j + 1;
        if (left < n - left) {
            quicksort_u32(a, left);
            a += left;
            n -= left;
        } else {
            quicksort_u32(a + left, n - left);
            n = left;
        }
    }
    insertion_sort_u32(a, n);
}

/* ---- top-down mergesort on int64 with one scratch buffer ---- */

static void merge_sort_i64(int64_t *a, int64_t *tmp, size_t n) {
    if (n < 16) {
        for (size_t i = 1; i < n; i++) {
            int64_t v = a[i];
            size_t j = i;
            while (j > 0 && a[j - 1] > v) a[j] = a[j - 1], j--;
            a[j] = v;
        }
        return;
    }
    size_t half = n / 2;
    merge_sort_i64(a, tmp, half);
    merge_sort_i64(a + half, tmp, n - half);
    if (a[half - 1] <= a[half]) return; /* already in order */
    memcpy(tmp, a, half * sizeof *a);
    size_t i = 0, j = half, k = 0;
    while (i < half && j < n) a[k++] = tmp[i] <= a[j] ? tmp[i++] : a[j++];
    while (i < half) a[k++] = tmp[i++];
}

/* ---- records through libc qsort ---- */

typedef struct {
    uint32_t key;
    uint32_t id;
    char tag[8];
} Record;

static int record_order(const void *pa, const void *pb) {
    const Record *a = pa, *b = pb;
    int c = memcmp(a->tag, b->tag, sizeof a->tag);
    if (c) return c;
    if (a->key != b->key) return a->key < b->key ? -1 : 1;
    return a->id < b->id ? -1 : a->id > b->id; /* ids are unique: a total order */
}

static uint64_t mix(uint64_t h, uint64_t v) { return (h ^ v) * 0x100000001B3ull + (h >> 29); }

static void fail(const char *what, int round) {
    fprintf(stderr, "round %d: %s\n", round, what);
    exit(1);
}

int main(int argc, char **argv) {
    int rounds = argc > 1 ? atoi(argv[1]) : DEFAULT_ROUNDS;
    uint32_t *u = malloc(QUICK_N * sizeof *u);
    int64_t *s = malloc(MERGE_N * sizeof *s), *tmp = malloc(MERGE_N / 2 * sizeof *tmp + 16);
    Record *r = malloc(RECORD_N * sizeof *r);
    if (!u || !s || !tmp || !r) return 2;
    uint64_t check = 0;

    for (int round = 0; round < rounds; round++) {
        rng_state = 0x5DEECE66Dull * (uint64_t)(round + 1);

        /* uint32: random, with a band of duplicates and a sorted prefix. */
        uint64_t sum_before = 0, sum_after = 0;
        for (size_t i = 0; i < QUICK_N; i++) {
            uint32_t v = (uint32_t)rng64();
            if (i % 8 == 3) v &= 0xFF;
            if (i < QUICK_N / 16) v = (uint32_t)i * 7;
            u[i] = v;
            sum_before += v;
        }
        quicksort_u32(u, QUICK_N);
        for (size_t i = 0; i < QUICK_N; i++) {
            if (i && u[i - 1] > u[i]) fail("quicksort out of order", round);
            sum_after += u[i];
            check = mix(check, (uint64_t)u[i] * (i + 1));
        }
        if (sum_before != sum_after) fail("quicksort lost elements", round);

        /* int64: signed values, partly descending runs. */
        sum_before = sum_after = 0;
        for (size_t i = 0; i < MERGE_N; i++) {
            int64_t v = (int64_t)(rng64() >> 1) - (int64_t)0x3FFFFFFFFFFFFFFFll;
            if (i % 1024 < 100) v = -(int64_t)i;
            s[i] = v;
            sum_before += (uint64_t)v;
        }
        merge_sort_i64(s, tmp, MERGE_N);
        for (size_t i = 0; i < MERGE_N; i++) {
            if (i && s[i - 1] > s[i]) fail("mergesort out of order", round);
            sum_after += (uint64_t)s[i];
            check = mix(check, (uint64_t)s[i] ^ i);
        }
        if (sum_before != sum_after) fail("mergesort lost elements", round);

        /* Records: few distinct tags so the key and id tie-breaks matter. */
        for (size_t i = 0; i < RECORD_N; i++) {
            uint64_t x = rng64();
            r[i].key = (uint32_t)(x % 5000);
            r[i].id = (uint32_t)i;
            for (int k = 0; k < 8; k++) r[i].tag[k] = (char)('a' + (x >> (16 + 3 * k)) % 3);
        }
        qsort(r, RECORD_N, sizeof *r, record_order);
        for (size_t i = 1; i < RECORD_N; i++)
            if (record_order(&r[i - 1], &r[i]) >= 0) fail("qsort out of order", round);
        for (size_t i = 0; i < RECORD_N; i += 97) check = mix(check, (uint64_t)r[i].id << 32 | r[i].key);
    }
    printf("rounds %d\nchecksum %016llx\n", rounds, (unsigned long long)check);
    free(u);
    free(s);
    free(tmp);
    free(r);
    return 0;
}
