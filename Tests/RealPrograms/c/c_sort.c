// Sorting and searching: qsort on records with several keys, a hand-written
// merge sort and heap sort checked against it, binary search, a median.
// run: 50000
// exit: 0
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct { uint32_t id; int32_t score; char name[12]; } record;

static int by_score_then_name(const void *a, const void *b) {
  const record *x = a, *y = b;
  if (x->score != y->score) return x->score < y->score ? -1 : 1;
  int names = strcmp(x->name, y->name);
  return names ? names : (x->id > y->id) - (x->id < y->id);
}

static void merge_sort(record *items, record *scratch, size_t n) {
  if (n < 2) return;
  size_t half = n / 2;
  merge_sort(items, scratch, half);
  merge_sort(items + half, scratch, n - half);
  size_t i = 0, j = half, k = 0;
  while (i < half && j < n) scratch[k++] = by_score_then_name(&items[j], &items[i]) < 0 ? items[j++] : items[i++];
  while (i < half) scratch[k++] = items[i++];
  while (j < n) scratch[k++] = items[j++];
  memcpy(items, scratch, n * sizeof *items);
}

static void sift(uint64_t *heap, size_t root, size_t n) {
  for (;;) {
    size_t child = 2 * root + 1;
    if (child >= n) return;
    if (child + 1 < n && heap[child + 1] > heap[child]) child++;
    if (heap[root] >= heap[child]) return;
    uint64_t t = heap[root]; heap[root] = heap[child]; heap[child] = t;
    root = child;
  }
}

static void heap_sort(uint64_t *items, size_t n) {
  for (size_t i = n / 2; i-- > 0;) sift(items, i, n);
  for (size_t end = n; end-- > 1;) {
    uint64_t t = items[0]; items[0] = items[end]; items[end] = t;
    sift(items, 0, end);
  }
}

static int compare_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return (x > y) - (x < y);
}

int main(int argc, char **argv) {
  size_t n = argc > 1 ? (size_t)atol(argv[1]) : 1000;
  record *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b), *scratch = malloc(n * sizeof *a);
  uint64_t state = 88172645463325252ull;
  for (size_t i = 0; i < n; i++) {
    state ^= state << 13; state ^= state >> 7; state ^= state << 17;
    a[i].id = (uint32_t)i;
    a[i].score = (int32_t)(state % 2001) - 1000;
    snprintf(a[i].name, sizeof a[i].name, "n%05u", (unsigned)(state >> 40) % 5000);
  }
  memcpy(b, a, n * sizeof *a);
  qsort(a, n, sizeof *a, by_score_then_name);
  merge_sort(b, scratch, n);
  printf("qsort and merge sort agree: %s\n", memcmp(a, b, n * sizeof *a) ? "NO" : "yes");
  for (size_t i = 0; i < 5; i++) printf("%u %d %s\n", a[i].id, a[i].score, a[i].name);
  printf("median score %d, max %d %s\n", a[n / 2].score, a[n - 1].score, a[n - 1].name);
  uint64_t *keys = malloc(n * sizeof *keys), *copy = malloc(n * sizeof *keys);
  for (size_t i = 0; i < n; i++) { state = state * 6364136223846793005ull + 1442695040888963407ull; keys[i] = state >> 11; }
  memcpy(copy, keys, n * sizeof *keys);
  heap_sort(keys, n);
  qsort(copy, n, sizeof *copy, compare_u64);
  printf("heap sort and qsort agree: %s\n", memcmp(keys, copy, n * sizeof *keys) ? "NO" : "yes");
  size_t hits = 0;
  for (size_t i = 0; i < n; i += 7) hits += bsearch(&copy[i], keys, n, sizeof *keys, compare_u64) != NULL;
  uint64_t probe = 12345;
  printf("binary search: %zu hits, absent key found: %s\n", hits,
         bsearch(&probe, keys, n, sizeof *keys, compare_u64) ? "yes" : "no");
  printf("smallest %llu, largest %llu\n", (unsigned long long)keys[0], (unsigned long long)keys[n - 1]);
  return 0;
}
