/*
 * Linear memories. Two strategies, chosen at build time to match the
 * generated code (see WASMC_MEMORY_CHECK in wasmc_module.h):
 *   guard pages: 8 GiB of address space reserved up front, pages made
 *     accessible as the memory grows, never moved; faults become traps.
 *   explicit:   an anonymous mapping sized to the memory, grown with mremap
 *     (the kernel moves pages, nothing is copied, new pages come zeroed).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "wasmc_module.h"
#include "runtime_internal.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <sys/mman.h>

/* Every access at a 33-bit effective address (u32 + u32 offset) lands inside
 * this: 8 GiB, and one 64 KiB page more for the bytes after the last such
 * address that an access of up to 16 bytes (v128) reads or writes. */
#define GUARD_RESERVATION ((8ull << 30) + 65536)
#define GUARD_SLOTS 16384

typedef struct guard_slot {
  _Atomic uintptr_t begin;
  _Atomic uintptr_t end;
} guard_slot;

/* Process-wide by nature: the fault handler must find any thread's memory. */
static guard_slot guard_slots[GUARD_SLOTS];

bool wasmc_guard_region_contains(uintptr_t address) {
  for (size_t i = 0; i < GUARD_SLOTS; i++) {
    uintptr_t begin = atomic_load_explicit(&guard_slots[i].begin, memory_order_acquire);
    if (begin != 0 && address >= begin &&
        address < atomic_load_explicit(&guard_slots[i].end, memory_order_acquire))
      return true;
  }
  return false;
}

#ifdef WASMC_BOUNDS_GUARD
static bool guard_register(uintptr_t begin, uintptr_t end) {
  for (size_t i = 0; i < GUARD_SLOTS; i++) {
    uintptr_t expected = 0;
    /* Claim a free slot first; its end is 0 while free, so a fault never matches half a slot. */
    if (atomic_compare_exchange_strong(&guard_slots[i].begin, &expected, begin)) {
      atomic_store_explicit(&guard_slots[i].end, end, memory_order_release);
      return true;
    }
  }
  return false;
}

static void guard_unregister(uintptr_t begin) {
  for (size_t i = 0; i < GUARD_SLOTS; i++) {
    if (atomic_load_explicit(&guard_slots[i].begin, memory_order_acquire) == begin) {
      atomic_store_explicit(&guard_slots[i].end, 0, memory_order_release);
      atomic_store_explicit(&guard_slots[i].begin, 0, memory_order_release);
      return;
    }
  }
}
#endif

static uint64_t bytes_for(uint64_t pages) { return pages * WASMC_PAGE_SIZE; }

bool wasmc_memory_init(wasmc_memory *memory, uint64_t initial_pages, uint64_t max_pages, bool has_max) {
  memset(memory, 0, sizeof *memory);
  if (!has_max || max_pages > WASMC_MAX_PAGES)
    max_pages = WASMC_MAX_PAGES;
  if (initial_pages > max_pages)
    return false;
  memory->max_pages = max_pages;
  memory->has_max = has_max;
#ifdef WASMC_BOUNDS_GUARD
  wasmc_install_fault_handlers();
  void *base = mmap(NULL, GUARD_RESERVATION, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (base == MAP_FAILED)
    return false;
  if (initial_pages > 0 && mprotect(base, bytes_for(initial_pages), PROT_READ | PROT_WRITE) != 0) {
    munmap(base, GUARD_RESERVATION);
    return false;
  }
  if (!guard_register((uintptr_t)base, (uintptr_t)base + GUARD_RESERVATION)) {
    munmap(base, GUARD_RESERVATION);
    return false;
  }
  memory->data = base;
  memory->reserved = GUARD_RESERVATION;
#else
  /* A zero-page memory still maps one page, so data is always a valid pointer. */
  uint64_t mapped = initial_pages ? bytes_for(initial_pages) : WASMC_PAGE_SIZE;
  if (mapped > SIZE_MAX) /* a 32-bit host cannot map a memory of 4 GiB */
    return false;
  void *base = mmap(NULL, mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (base == MAP_FAILED)
    return false;
  memory->data = base;
  memory->reserved = mapped;
#endif
  memory->pages = initial_pages;
  memory->size = bytes_for(initial_pages);
  return true;
}

void wasmc_memory_free(wasmc_memory *memory) {
  if (memory->data == NULL)
    return;
#ifdef WASMC_BOUNDS_GUARD
  guard_unregister((uintptr_t)memory->data);
  munmap(memory->data, memory->reserved);
#else
  munmap(memory->data, memory->reserved);
#endif
  memory->data = NULL;
  memory->size = 0;
  memory->pages = 0;
}

uint32_t wasmc_memory_grow(wasmc_memory *memory, uint64_t delta_pages) {
  uint64_t old_pages = memory->pages;
  if (delta_pages > memory->max_pages - old_pages)
    return UINT32_MAX;
  if (delta_pages == 0)
    return (uint32_t)old_pages;
  uint64_t new_pages = old_pages + delta_pages;
#ifdef WASMC_BOUNDS_GUARD
  if (mprotect(memory->data + bytes_for(old_pages), bytes_for(delta_pages), PROT_READ | PROT_WRITE) != 0)
    return UINT32_MAX;
#else
  if (bytes_for(new_pages) > SIZE_MAX)
    return UINT32_MAX;
  if (bytes_for(new_pages) > memory->reserved) {
    void *grown = mremap(memory->data, memory->reserved, bytes_for(new_pages), MREMAP_MAYMOVE);
    if (grown == MAP_FAILED)
      return UINT32_MAX;
    memory->data = grown;
    memory->reserved = bytes_for(new_pages);
  }
#endif
  memory->pages = new_pages;
  memory->size = bytes_for(new_pages);
  return (uint32_t)old_pages;
}

void wasmc_memory_fill(wasmc_memory *mem, uint64_t dst, uint32_t value, uint64_t n) {
  wasmc_memory_fill_local(mem->data, mem->size, dst, value, n, NULL);
}

void wasmc_memory_copy(wasmc_memory *dst_mem, uint64_t dst, wasmc_memory *src_mem, uint64_t src, uint64_t n) {
  wasmc_memory_copy_local(dst_mem->data, dst_mem->size, src_mem->data, src_mem->size, dst, src, n, NULL);
}

void wasmc_memory_init_segment(wasmc_memory *mem, uint64_t dst, const uint8_t *segment, uint64_t segment_size,
                               uint64_t src, uint64_t n) {
  if (src > segment_size || n > segment_size - src || !wasmc_memory_in_bounds(mem, dst, n))
    wasmc_trap(WASMC_TRAP_OOB_MEMORY, NULL);
  if (n > 0)
    memcpy(mem->data + dst, segment + src, n);
}
