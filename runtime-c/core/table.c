/* Tables of references (funcref or externref), bounds-checked on every use. */
#include "wasmc_module.h"

#include <stdlib.h>

/* The spec caps a 32-bit table at 2^32-1 elements (a table64 at 2^64-1); keep host
   allocations sane too. */
#define TABLE_HARD_LIMIT 10000000u

bool wasmc_table_init(wasmc_table *table, char element_type, uint64_t initial, uint64_t max, bool has_max) {
  memset(table, 0, sizeof *table);
  table->element_type = element_type;
  if (initial > TABLE_HARD_LIMIT)
    return false;
  table->elements = calloc(initial ? initial : 1, sizeof(void *));
  if (table->elements == NULL)
    return false;
  table->size = (uint32_t)initial;
  table->max = has_max ? max : UINT64_MAX;
  table->has_max = has_max;
  return true;
}

void wasmc_table_free(wasmc_table *table) {
  free(table->elements);
  table->elements = NULL;
  table->size = 0;
}

/* Never more than TABLE_HARD_LIMIT elements, so the old size fits int32_t and the
   generated code widens -1 to a 64-bit table's -1 with a signed cast. */
uint32_t wasmc_table_grow(wasmc_table *table, uint64_t delta, void *init) {
  uint32_t old_size = table->size;
  /* old_size <= max and old_size <= TABLE_HARD_LIMIT: neither subtraction wraps. */
  if (delta > table->max - old_size || delta > TABLE_HARD_LIMIT - old_size)
    return UINT32_MAX;
  if (delta == 0)
    return old_size;
  uint32_t new_size = old_size + (uint32_t)delta;
  void **grown = realloc(table->elements, (size_t)new_size * sizeof(void *));
  if (grown == NULL)
    return UINT32_MAX;
  for (uint32_t i = old_size; i < new_size; i++)
    grown[i] = init;
  table->elements = grown;
  table->size = new_size;
  return old_size;
}

/* 64-bit arithmetic throughout: start + n never wraps for a 32-bit size. */
static bool range_ok(uint64_t size, uint64_t start, uint64_t n) { return start <= size && n <= size - start; }

void wasmc_table_fill(wasmc_table *table, uint64_t dst, void *value, uint64_t n) {
  if (!range_ok(table->size, dst, n))
    wasmc_trap(WASMC_TRAP_OOB_TABLE, NULL);
  for (uint64_t i = 0; i < n; i++)
    table->elements[dst + i] = value;
}

void wasmc_table_copy(wasmc_table *dst_table, uint64_t dst, wasmc_table *src_table, uint64_t src,
                      uint64_t n) {
  if (!range_ok(dst_table->size, dst, n) || !range_ok(src_table->size, src, n))
    wasmc_trap(WASMC_TRAP_OOB_TABLE, NULL);
  if (n > 0)
    memmove(dst_table->elements + dst, src_table->elements + src, (size_t)n * sizeof(void *));
}

void wasmc_table_init_segment(wasmc_table *table, uint64_t dst, void *const *segment, uint32_t segment_size,
                              uint32_t src, uint32_t n) {
  if (!range_ok(segment_size, src, n) || !range_ok(table->size, dst, n))
    wasmc_trap(WASMC_TRAP_OOB_TABLE, NULL);
  for (uint32_t i = 0; i < n; i++)
    table->elements[dst + i] = segment[src + i];
}
