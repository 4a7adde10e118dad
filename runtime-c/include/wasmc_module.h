/*
 * wasmc runtime: what generated code includes.
 *
 * Every C file wasmc generates includes this header; hosts and embedders use
 * wasmc_rt.h (which this includes) and never need it. It holds what the C of
 * each instruction is made of, in sections by instruction kind: traps,
 * calls (stack depth, call_indirect), memory (loads, stores, bulk memory),
 * tables, numerics. A new instruction's helper goes into the section of its
 * kind (SIMD and the WebAssembly 3.0 proposals get sections of their own).
 *
 * Sandbox checks
 *   Memory bounds, table bounds, indirect-call signatures and stack depth are
 *   each checked by exactly one macro or inline function below, so the
 *   strategy is chosen in one place. Define WASMC_BOUNDS_GUARD to rely on
 *   guard pages for linear memory (64-bit hosts); otherwise every access is
 *   explicitly bounds-checked.
 *
 * The runtime functions declared here are hidden: generated code is linked
 * into the same program as the runtime, and nothing outside it calls them.
 */
#ifndef WASMC_MODULE_H
#define WASMC_MODULE_H

#include "wasmc_rt.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#ifdef WASMC_SIMD
#include "wasmc_simd.h" /* SIMD's operators; its loads and stores are below */
#endif
#include "wasmc_exceptions.h" /* exception handling: tags, throw, try_table's handlers */

#ifdef __cplusplus
extern "C" {
#endif

#define WASMC_LIKELY(x) __builtin_expect(!!(x), 1)
#define WASMC_UNLIKELY(x) __builtin_expect(!!(x), 0)
#define WASMC_COLD __attribute__((cold, noinline))
/* Symbols shared by the C files of one split module, and nothing else. */
#define WASMC_HIDDEN __attribute__((visibility("hidden")))

/* ------------------------------------------------------------------------ */
/* Traps: unreachable and every failed check                                */
/* ------------------------------------------------------------------------ */

/* Unwinds to the innermost trap frame (WASMC_TRY); `function` names where. */
WASMC_NORETURN void wasmc_trap(wasmc_trap_kind kind, const char *function);
/* The same with a detail for the report (an uncaught exception names its tag). */
WASMC_NORETURN void wasmc_trap_with_detail(wasmc_trap_kind kind, const char *detail);

/* ------------------------------------------------------------------------ */
/* Calls: stack depth                                                       */
/* ------------------------------------------------------------------------ */

/*
 * The lowest stack address wasm code on this thread may use. Generated code
 * compares the stack pointer against it on entry to every function, so deep
 * or infinite recursion traps as "call stack exhausted" instead of crashing.
 * Set by wasmc_thread_init() from the thread's real stack bounds.
 *
 * The runtime is only ever linked into executables, so the local-exec TLS
 * model applies: the check is one compare against an offset from the thread
 * pointer (%fs on x86-64, TPIDR_EL0 on AArch64), with no GOT load.
 */
extern _Thread_local uintptr_t wasmc_stack_limit __attribute__((tls_model("local-exec")));

/*
 * The stack pointer. Reading it directly, rather than taking
 * __builtin_frame_address(0), spares every function a frame pointer; other
 * architectures take the frame address, which is as good a bound.
 */
static inline uintptr_t wasmc_stack_pointer(void) {
  uintptr_t sp;
#if defined(__x86_64__)
  __asm__("mov %%rsp, %0" : "=r"(sp));
#elif defined(__aarch64__) || defined(__arm__)
  __asm__("mov %0, sp" : "=r"(sp));
#else
  sp = (uintptr_t)__builtin_frame_address(0);
#endif
  return sp;
}

#define WASMC_CHECK_STACK()                                        \
  do {                                                             \
    if (WASMC_UNLIKELY(wasmc_stack_pointer() < wasmc_stack_limit)) \
      wasmc_trap(WASMC_TRAP_CALL_STACK_EXHAUSTED, __func__);       \
  } while (0)

/* ------------------------------------------------------------------------ */
/* Memory: loads, stores, bulk memory                                       */
/* ------------------------------------------------------------------------ */

/* memory.size is the memory's `pages`; memory.grow is wasmc_memory_grow (wasmc_rt.h). */

/*
 * The memory bounds check, in one place: every load and store below goes
 * through it. With guard pages (WASMC_BOUNDS_GUARD) the reservation covers
 * every 33-bit effective address (u32 address + u32 offset), so nothing is
 * checked here: the access itself is the check, and a fault in the guard
 * region becomes the trap (WASMC_MEMORY_ACCESS says why clang keeps it).
 */
#ifdef WASMC_BOUNDS_GUARD
#define WASMC_BOUNDS_GUARD_ENABLED 1
#else
#define WASMC_BOUNDS_GUARD_ENABLED 0
#endif
#define WASMC_MEMORY_CHECK(size, addr, off, n, fn)                                    \
  do {                                                                                \
    if (!WASMC_BOUNDS_GUARD_ENABLED && WASMC_UNLIKELY((addr) + (off) + (n) > (size))) \
      wasmc_trap(WASMC_TRAP_OOB_MEMORY, fn);                                          \
  } while (0)

/*
 * The check of a 64-bit memory (memory64), in both modes: no reservation
 * covers a 64-bit address plus a 64-bit offset, so guard pages cannot, and
 * the sum may wrap, so each step is compared with what is left instead. The
 * access functions of such memories are the `_checked` ones below; 32-bit
 * memories of the same module keep the module's strategy. In guard mode
 * their accesses stay volatile, so they keep their order with the others'.
 */
#define WASMC_MEMORY_CHECK64(size, addr, off, n, fn)                                                 \
  do {                                                                                               \
    if (WASMC_UNLIKELY((addr) > (size) || (off) > (size) - (addr) || (n) > (size) - (addr) - (off))) \
      wasmc_trap(WASMC_TRAP_OOB_MEMORY, fn);                                                         \
  } while (0)

/*
 * How every load and store of a wasm instruction touches linear memory.
 *
 * With guard pages an access is its own bounds check, so it must happen
 * exactly as the wasm program says, whatever clang inlines, folds or
 * schedules: every access is a volatile access. C makes a volatile access an
 * observable side effect (C11 5.1.2.3): it is performed even when its value is
 * unused, never merged, split or duplicated, and never reordered with another
 * volatile access or with a call clang cannot see into (wasmc_trap, which every
 * other trap check calls, and every runtime or host function), since such a
 * call may itself perform observable side effects. LLVM keeps that promise:
 * a volatile load counts as writing memory (Instruction::mayWriteToMemory), so
 * no pass deletes, sinks, hoists or speculates it, and instruction selection
 * and scheduling keep volatile accesses and calls in program order. Hence:
 *   - an out-of-bounds access always faults, and faults before anything the
 *     program does after it (another access, a call, a trap check);
 *   - stores are volatile too, so none is deleted as overwritten, sunk past a
 *     faulting access, or merged with a neighbour into one wider store that
 *     would fault without writing its in-bounds half: memory after a trap holds
 *     exactly the stores made before it;
 *   - one access is one machine instruction of its width (x86-64 and AArch64
 *     have unaligned loads and stores), so an access straddling the end of
 *     memory faults as a whole; a faulting x86-64 store writes nothing
 *     (AArch64 may write the in-bounds bytes of a misaligned store that
 *     crosses into the guard page first: not handled yet);
 *   - state outside linear memory that a trap leaves behind (globals, table
 *     elements, dropped segments) is written with volatile stores too
 *     (WASMC_STATE_STORE below), so it keeps its order with the memory
 *     accesses. A plain store would not: LLVM orders volatile operations only
 *     among themselves (and with calls it cannot see into), and "may assume
 *     execution will continue after a volatile operation" (LangRef), so a
 *     plain store may move across one, or be deleted as overwritten by a
 *     later store when only volatile stores (which never read it) come
 *     between. The fuzzer found exactly that: a global.set in a loop before a
 *     faulting store was deleted by DSE, as the next iteration sets the global
 *     again, so the global kept its old value after the trap. Being a
 *     property of each store, this holds after inlining, peeling, unrolling
 *     and LICM (none of which promotes, merges or deletes a volatile store).
 *     Every other change to that state (memory.grow, table.grow/fill/copy/
 *     init, memory.init, host functions) is an out-of-line call, ordered like
 *     a trap, and the memory base and size functions keep in locals are only
 *     read.
 * The price: clang cannot keep a value loaded from memory in a register across
 * another access of the same address, nor vectorise memory loops. wasm2c pays
 * about the same with an empty asm on every load, which keeps loads but leaves
 * their order and the stores free to move.
 *
 * With explicit checks the accesses are ordinary (volatile buys nothing): the
 * check before each one calls wasmc_trap, which clang must assume reads all
 * memory the module can reach (the instance comes from the caller), so no
 * store, to memory or to the instance, moves past a check or is deleted
 * before one, and no access moves above its own check.
 *
 * The raw types are aligned(1), for unaligned wasm addresses, and may_alias.
 */
#ifdef WASMC_BOUNDS_GUARD
#define WASMC_MEMORY_ACCESS volatile
#else
#define WASMC_MEMORY_ACCESS
#endif

/*
 * A write to wasm state outside linear memory that outlives a trap: a global
 * (the instance's or an imported one), a table element, a dropped segment's
 * size. Volatile in guard mode for the reason above; a plain store with
 * explicit checks. Reads of that state stay plain: a read has no effect a trap
 * could expose.
 */
#define WASMC_STATE_STORE(lvalue, value) \
  ((void)(*(WASMC_MEMORY_ACCESS __typeof__(lvalue) *)&(lvalue) = (value)))

typedef uint8_t wasmc_raw8 __attribute__((aligned(1), may_alias));
typedef uint16_t wasmc_raw16 __attribute__((aligned(1), may_alias));
typedef uint32_t wasmc_raw32 __attribute__((aligned(1), may_alias));
typedef uint64_t wasmc_raw64 __attribute__((aligned(1), may_alias));

/*
 * Loads and stores take the memory's base and size as values: generated code
 * keeps them in locals (refreshed after calls and memory.grow, the only things
 * that move or resize a memory), so stores into the memory do not force clang
 * to reload them. The value crosses between raw bits and its type by memcpy,
 * which keeps float bit patterns (NaN payloads) exact.
 */
#define WASMC_DEFINE_LOAD(name, wasm_t, mem_t, bits)                                                 \
  static inline wasm_t wasmc_##name(const uint8_t *data, uint64_t size, uint64_t addr, uint64_t off, \
                                    const char *fn) {                                                \
    (void)size;                                                                                      \
    WASMC_MEMORY_CHECK(size, addr, off, sizeof(mem_t), fn);                                          \
    uint##bits##_t raw = *(const WASMC_MEMORY_ACCESS wasmc_raw##bits *)(data + addr + off);          \
    mem_t v;                                                                                         \
    memcpy(&v, &raw, sizeof v);                                                                      \
    return (wasm_t)v;                                                                                \
  }                                                                                                  \
  static inline wasm_t wasmc_##name##_checked(const uint8_t *data, uint64_t size, uint64_t addr,     \
                                              uint64_t off, const char *fn) {                        \
    WASMC_MEMORY_CHECK64(size, addr, off, sizeof(mem_t), fn);                                        \
    uint##bits##_t raw = *(const WASMC_MEMORY_ACCESS wasmc_raw##bits *)(data + addr + off);          \
    mem_t v;                                                                                         \
    memcpy(&v, &raw, sizeof v);                                                                      \
    return (wasm_t)v;                                                                                \
  }
#define WASMC_DEFINE_STORE(name, wasm_t, mem_t, bits)                                                      \
  static inline void wasmc_##name(uint8_t *data, uint64_t size, uint64_t addr, uint64_t off, wasm_t value, \
                                  const char *fn) {                                                        \
    (void)size;                                                                                            \
    WASMC_MEMORY_CHECK(size, addr, off, sizeof(mem_t), fn);                                                \
    mem_t v = (mem_t)value;                                                                                \
    uint##bits##_t raw;                                                                                    \
    memcpy(&raw, &v, sizeof raw);                                                                          \
    *(WASMC_MEMORY_ACCESS wasmc_raw##bits *)(data + addr + off) = raw;                                     \
  }                                                                                                        \
  static inline void wasmc_##name##_checked(uint8_t *data, uint64_t size, uint64_t addr, uint64_t off,     \
                                            wasm_t value, const char *fn) {                                \
    WASMC_MEMORY_CHECK64(size, addr, off, sizeof(mem_t), fn);                                              \
    mem_t v = (mem_t)value;                                                                                \
    uint##bits##_t raw;                                                                                    \
    memcpy(&raw, &v, sizeof raw);                                                                          \
    *(WASMC_MEMORY_ACCESS wasmc_raw##bits *)(data + addr + off) = raw;                                     \
  }

WASMC_DEFINE_LOAD(i32_load, uint32_t, uint32_t, 32)
WASMC_DEFINE_LOAD(i64_load, uint64_t, uint64_t, 64)
WASMC_DEFINE_LOAD(f32_load, float, float, 32)
WASMC_DEFINE_LOAD(f64_load, double, double, 64)
WASMC_DEFINE_LOAD(i32_load8_s, uint32_t, int8_t, 8)
WASMC_DEFINE_LOAD(i32_load8_u, uint32_t, uint8_t, 8)
WASMC_DEFINE_LOAD(i32_load16_s, uint32_t, int16_t, 16)
WASMC_DEFINE_LOAD(i32_load16_u, uint32_t, uint16_t, 16)
WASMC_DEFINE_LOAD(i64_load8_s, uint64_t, int8_t, 8)
WASMC_DEFINE_LOAD(i64_load8_u, uint64_t, uint8_t, 8)
WASMC_DEFINE_LOAD(i64_load16_s, uint64_t, int16_t, 16)
WASMC_DEFINE_LOAD(i64_load16_u, uint64_t, uint16_t, 16)
WASMC_DEFINE_LOAD(i64_load32_s, uint64_t, int32_t, 32)
WASMC_DEFINE_LOAD(i64_load32_u, uint64_t, uint32_t, 32)
WASMC_DEFINE_STORE(i32_store, uint32_t, uint32_t, 32)
WASMC_DEFINE_STORE(i64_store, uint64_t, uint64_t, 64)
WASMC_DEFINE_STORE(f32_store, float, float, 32)
WASMC_DEFINE_STORE(f64_store, double, double, 64)
WASMC_DEFINE_STORE(i32_store8, uint32_t, uint8_t, 8)
WASMC_DEFINE_STORE(i32_store16, uint32_t, uint16_t, 16)
WASMC_DEFINE_STORE(i64_store8, uint64_t, uint8_t, 8)
WASMC_DEFINE_STORE(i64_store16, uint64_t, uint16_t, 16)
WASMC_DEFINE_STORE(i64_store32, uint64_t, uint32_t, 32)

/* Bulk memory (traps on out-of-bounds ranges, per the spec). */
void wasmc_memory_fill(wasmc_memory *mem, uint64_t dst, uint32_t value, uint64_t n);
void wasmc_memory_copy(wasmc_memory *dst_mem, uint64_t dst, wasmc_memory *src_mem, uint64_t src, uint64_t n);
/*
 * The same inside generated code, inline on the bases and sizes the function
 * keeps in locals: no call into the runtime before the memmove/memset. A copy
 * names its destination and its source memory (the same one but with
 * multi-memory); memmove is right for both, overlapping or not.
 *
 * Both modes check the whole range first, so an operation that is partly out
 * of bounds traps before writing anything (as the spec requires). The
 * memmove/memset itself is an ordinary access, which clang could move or drop
 * relative to the volatile accesses of guard mode (a memset overwritten later
 * with a faulting load in between, say). WASMC_BULK_BARRIER, an empty asm that
 * clobbers memory, fences it in guard mode: clang must assume the asm reads and
 * writes all memory and has side effects, so nothing crosses it and the
 * operation stays between the accesses around it. With explicit checks every
 * trap is a call to wasmc_trap, which is already such a fence.
 */
#ifdef WASMC_BOUNDS_GUARD
#define WASMC_BULK_BARRIER() __asm__ __volatile__("" ::: "memory")
#else
#define WASMC_BULK_BARRIER() ((void)0)
#endif
static inline void wasmc_memory_copy_local(uint8_t *data, uint64_t size, const uint8_t *src_data,
                                           uint64_t src_size, uint64_t dst, uint64_t src, uint64_t n,
                                           const char *fn) {
  if (WASMC_UNLIKELY(dst > size || n > size - dst || src > src_size || n > src_size - src))
    wasmc_trap(WASMC_TRAP_OOB_MEMORY, fn);
  WASMC_BULK_BARRIER();
  memmove(data + dst, src_data + src, n);
  WASMC_BULK_BARRIER();
}
static inline void wasmc_memory_fill_local(uint8_t *data, uint64_t size, uint64_t dst, uint32_t value,
                                           uint64_t n, const char *fn) {
  if (WASMC_UNLIKELY(dst > size || n > size - dst))
    wasmc_trap(WASMC_TRAP_OOB_MEMORY, fn);
  WASMC_BULK_BARRIER();
  memset(data + dst, (int)(value & 0xff), n);
  WASMC_BULK_BARRIER();
}
void wasmc_memory_init_segment(wasmc_memory *mem, uint64_t dst, const uint8_t *segment, uint64_t segment_size,
                               uint64_t src, uint64_t n);

/* ------------------------------------------------------------------------ */
/* Tables: table.get/set/fill/copy/init, call_indirect's lookup            */
/* ------------------------------------------------------------------------ */

/* table.size is the table's `size`; table.grow is wasmc_table_grow (wasmc_rt.h). */

void wasmc_table_fill(wasmc_table *table, uint64_t dst, void *value, uint64_t n);
void wasmc_table_copy(wasmc_table *dst_table, uint64_t dst, wasmc_table *src_table, uint64_t src, uint64_t n);
void wasmc_table_init_segment(wasmc_table *table, uint64_t dst, void *const *segment, uint32_t segment_size,
                              uint32_t src, uint32_t n);

/*
 * The table bounds check: traps with "out of bounds table access". Indices are
 * 64-bit (table64); a 32-bit table's widen, and the comparison cannot wrap.
 */
static inline void *wasmc_table_get(wasmc_table *table, uint64_t index, const char *fn) {
  if (WASMC_UNLIKELY(index >= table->size))
    wasmc_trap(WASMC_TRAP_OOB_TABLE, fn);
  return table->elements[index];
}
static inline void wasmc_table_set(wasmc_table *table, uint64_t index, void *value, const char *fn) {
  if (WASMC_UNLIKELY(index >= table->size))
    wasmc_trap(WASMC_TRAP_OOB_TABLE, fn);
  WASMC_STATE_STORE(table->elements[index], value);
}

/*
 * The indirect-call check: bounds ("undefined element"), null
 * ("uninitialized element") and signature ("indirect call type mismatch").
 */
static inline const wasmc_func *wasmc_indirect_target(wasmc_table *table, uint64_t index, const char *type,
                                                      const char *fn) {
  if (WASMC_UNLIKELY(index >= table->size))
    wasmc_trap(WASMC_TRAP_UNDEFINED_ELEMENT, fn);
  const wasmc_func *target = (const wasmc_func *)table->elements[index];
  if (WASMC_UNLIKELY(target == NULL))
    wasmc_trap(WASMC_TRAP_UNINITIALIZED_ELEMENT, fn);
  if (WASMC_UNLIKELY(!wasmc_func_type_equal(target->type, type)))
    wasmc_trap(WASMC_TRAP_INDIRECT_CALL_TYPE_MISMATCH, fn);
  return target;
}

/*
 * The call_ref check: only null ("null function reference"). Validation proves a
 * non-null reference of type (ref null $t) points to a function of type $t.
 */
static inline const wasmc_func *wasmc_reference_target(const wasmc_func *target, const char *fn) {
  if (WASMC_UNLIKELY(target == NULL))
    wasmc_trap(WASMC_TRAP_NULL_FUNCTION_REFERENCE, fn);
  return target;
}

/* ------------------------------------------------------------------------ */
/* Numerics: integer and float operators, conversions                       */
/* ------------------------------------------------------------------------ */

/*
 * Float constants that make an operation an identity (x*1, x/-1, x-0, x+-0)
 * are hidden from the optimiser: folding x*1.0 to x would skip the quieting
 * of a signalling NaN that WebAssembly requires.
 */
#if defined(__x86_64__) || defined(__i386__)
#define WASMC_OPAQUE_FLOAT(v) __asm__("" : "+x"(v))
#elif defined(__aarch64__)
#define WASMC_OPAQUE_FLOAT(v) __asm__("" : "+w"(v))
#else
#define WASMC_OPAQUE_FLOAT(v)            \
  do {                                   \
    volatile __typeof__(v) opaque = (v); \
    (v) = opaque;                        \
  } while (0)
#endif
static inline float wasmc_f32_opaque(uint32_t bits) {
  float f = wasmc_f32_from_bits(bits);
  WASMC_OPAQUE_FLOAT(f);
  return f;
}
static inline double wasmc_f64_opaque(uint64_t bits) {
  double d = wasmc_f64_from_bits(bits);
  WASMC_OPAQUE_FLOAT(d);
  return d;
}

/* Integer division and remainder: the traps of the spec, C's UB avoided. */
static inline uint32_t wasmc_i32_div_s(uint32_t a, uint32_t b, const char *fn) {
  if (WASMC_UNLIKELY(b == 0))
    wasmc_trap(WASMC_TRAP_INT_DIV_BY_ZERO, fn);
  if (WASMC_UNLIKELY(a == 0x80000000u && b == 0xffffffffu))
    wasmc_trap(WASMC_TRAP_INT_OVERFLOW, fn);
  return (uint32_t)((int32_t)a / (int32_t)b);
}
static inline uint32_t wasmc_i32_div_u(uint32_t a, uint32_t b, const char *fn) {
  if (WASMC_UNLIKELY(b == 0))
    wasmc_trap(WASMC_TRAP_INT_DIV_BY_ZERO, fn);
  return a / b;
}
static inline uint32_t wasmc_i32_rem_s(uint32_t a, uint32_t b, const char *fn) {
  if (WASMC_UNLIKELY(b == 0))
    wasmc_trap(WASMC_TRAP_INT_DIV_BY_ZERO, fn);
  if (WASMC_UNLIKELY(b == 0xffffffffu))
    return 0;
  return (uint32_t)((int32_t)a % (int32_t)b);
}
static inline uint32_t wasmc_i32_rem_u(uint32_t a, uint32_t b, const char *fn) {
  if (WASMC_UNLIKELY(b == 0))
    wasmc_trap(WASMC_TRAP_INT_DIV_BY_ZERO, fn);
  return a % b;
}
static inline uint64_t wasmc_i64_div_s(uint64_t a, uint64_t b, const char *fn) {
  if (WASMC_UNLIKELY(b == 0))
    wasmc_trap(WASMC_TRAP_INT_DIV_BY_ZERO, fn);
  if (WASMC_UNLIKELY(a == 0x8000000000000000ull && b == ~0ull))
    wasmc_trap(WASMC_TRAP_INT_OVERFLOW, fn);
  return (uint64_t)((int64_t)a / (int64_t)b);
}
static inline uint64_t wasmc_i64_div_u(uint64_t a, uint64_t b, const char *fn) {
  if (WASMC_UNLIKELY(b == 0))
    wasmc_trap(WASMC_TRAP_INT_DIV_BY_ZERO, fn);
  return a / b;
}
static inline uint64_t wasmc_i64_rem_s(uint64_t a, uint64_t b, const char *fn) {
  if (WASMC_UNLIKELY(b == 0))
    wasmc_trap(WASMC_TRAP_INT_DIV_BY_ZERO, fn);
  if (WASMC_UNLIKELY(b == ~0ull))
    return 0;
  return (uint64_t)((int64_t)a % (int64_t)b);
}
static inline uint64_t wasmc_i64_rem_u(uint64_t a, uint64_t b, const char *fn) {
  if (WASMC_UNLIKELY(b == 0))
    wasmc_trap(WASMC_TRAP_INT_DIV_BY_ZERO, fn);
  return a % b;
}

/* Bit counting and rotation. */
static inline uint32_t wasmc_i32_clz(uint32_t x) { return x ? (uint32_t)__builtin_clz(x) : 32; }
static inline uint32_t wasmc_i32_ctz(uint32_t x) { return x ? (uint32_t)__builtin_ctz(x) : 32; }
static inline uint32_t wasmc_i32_popcnt(uint32_t x) { return (uint32_t)__builtin_popcount(x); }
static inline uint64_t wasmc_i64_clz(uint64_t x) { return x ? (uint64_t)__builtin_clzll(x) : 64; }
static inline uint64_t wasmc_i64_ctz(uint64_t x) { return x ? (uint64_t)__builtin_ctzll(x) : 64; }
static inline uint64_t wasmc_i64_popcnt(uint64_t x) { return (uint64_t)__builtin_popcountll(x); }
static inline uint32_t wasmc_i32_rotl(uint32_t x, uint32_t n) {
  n &= 31;
  return (x << n) | (x >> ((32 - n) & 31));
}
static inline uint32_t wasmc_i32_rotr(uint32_t x, uint32_t n) {
  n &= 31;
  return (x >> n) | (x << ((32 - n) & 31));
}
static inline uint64_t wasmc_i64_rotl(uint64_t x, uint64_t n) {
  n &= 63;
  return (x << n) | (x >> ((64 - n) & 63));
}
static inline uint64_t wasmc_i64_rotr(uint64_t x, uint64_t n) {
  n &= 63;
  return (x >> n) | (x << ((64 - n) & 63));
}

/*
 * Floating point. min/max must propagate NaN and order -0 < +0; nearest
 * rounds half to even; everything else maps to C directly (IEEE-754 on
 * every supported host, no fast-math).
 */
#define WASMC_DEFINE_MINMAX(T, suffix, bits_t, to_bits)                    \
  static inline T wasmc_##suffix##_min(T a, T b) {                         \
    if (a != a || b != b)                                                  \
      return a + b; /* NaN in, arithmetic NaN out */                       \
    if (a == b)                                                            \
      return to_bits(a) >> (sizeof(bits_t) * 8 - 1) ? a : b; /* -0 < +0 */ \
    return a < b ? a : b;                                                  \
  }                                                                        \
  static inline T wasmc_##suffix##_max(T a, T b) {                         \
    if (a != a || b != b)                                                  \
      return a + b;                                                        \
    if (a == b)                                                            \
      return to_bits(a) >> (sizeof(bits_t) * 8 - 1) ? b : a;               \
    return a > b ? a : b;                                                  \
  }
WASMC_DEFINE_MINMAX(float, f32, uint32_t, wasmc_f32_bits)
WASMC_DEFINE_MINMAX(double, f64, uint64_t, wasmc_f64_bits)

/* Promotion is kept from folding with a following demotion (which must quiet sNaN). */
static inline double wasmc_f64_promote(float x) {
  double d = (double)x;
  WASMC_OPAQUE_FLOAT(d);
  return d;
}
static inline float wasmc_f32_nearest(float x) { return __builtin_nearbyintf(x); }
static inline double wasmc_f64_nearest(double x) { return __builtin_nearbyint(x); }
static inline float wasmc_f32_copysign(float a, float b) {
  return wasmc_f32_from_bits((wasmc_f32_bits(a) & 0x7fffffffu) | (wasmc_f32_bits(b) & 0x80000000u));
}
static inline double wasmc_f64_copysign(double a, double b) {
  return wasmc_f64_from_bits((wasmc_f64_bits(a) & ~(1ull << 63)) | (wasmc_f64_bits(b) & (1ull << 63)));
}
static inline float wasmc_f32_abs(float a) { return wasmc_f32_from_bits(wasmc_f32_bits(a) & 0x7fffffffu); }
static inline double wasmc_f64_abs(double a) {
  return wasmc_f64_from_bits(wasmc_f64_bits(a) & ~(1ull << 63));
}
static inline float wasmc_f32_neg(float a) { return wasmc_f32_from_bits(wasmc_f32_bits(a) ^ 0x80000000u); }
static inline double wasmc_f64_neg(double a) { return wasmc_f64_from_bits(wasmc_f64_bits(a) ^ (1ull << 63)); }

/*
 * Float to integer. The range tests are exact: each bound is a power of two
 * representable in the source type; NaN fails every comparison.
 */
#define WASMC_DEFINE_TRUNC(name, F, I, lo_excl, hi_excl)         \
  static inline I wasmc_##name(F x, const char *fn) {            \
    if (WASMC_UNLIKELY(x != x))                                  \
      wasmc_trap(WASMC_TRAP_INVALID_CONVERSION, fn);             \
    if (WASMC_UNLIKELY(!(x > (F)(lo_excl) && x < (F)(hi_excl)))) \
      wasmc_trap(WASMC_TRAP_INT_OVERFLOW, fn);                   \
    return (I)x;                                                 \
  }                                                              \
  static inline I wasmc_##name##_sat(F x) {                      \
    if (x != x)                                                  \
      return 0;                                                  \
    if (!(x > (F)(lo_excl)))                                     \
      return (I)(lo_excl##_SAT);                                 \
    if (!(x < (F)(hi_excl)))                                     \
      return (I)(hi_excl##_SAT);                                 \
    return (I)x;                                                 \
  }
/* Saturation results for each exclusive bound. */
#define WASMC_I32_LO -2147483649.0
#define WASMC_I32_LO_SAT INT32_MIN
#define WASMC_I32_HI 2147483648.0
#define WASMC_I32_HI_SAT INT32_MAX
#define WASMC_U32_LO -1.0
#define WASMC_U32_LO_SAT 0
#define WASMC_U32_HI 4294967296.0
#define WASMC_U32_HI_SAT UINT32_MAX
#define WASMC_I64_LO -9223372036854777856.0
#define WASMC_I64_LO_SAT INT64_MIN
#define WASMC_I64_HI 9223372036854775808.0
#define WASMC_I64_HI_SAT INT64_MAX
#define WASMC_U64_LO -1.0
#define WASMC_U64_LO_SAT 0
#define WASMC_U64_HI 18446744073709551616.0
#define WASMC_U64_HI_SAT UINT64_MAX
/* f32 cannot represent -2^31-1 or -2^63-1; use the next float down. */
#define WASMC_I32_LO_F32 -2147483904.0f
#define WASMC_I32_LO_F32_SAT INT32_MIN
#define WASMC_I64_LO_F32 -9223373136366403584.0f
#define WASMC_I64_LO_F32_SAT INT64_MIN
WASMC_DEFINE_TRUNC(i32_trunc_f32_s, float, int32_t, WASMC_I32_LO_F32, WASMC_I32_HI)
WASMC_DEFINE_TRUNC(i32_trunc_f32_u, float, uint32_t, WASMC_U32_LO, WASMC_U32_HI)
WASMC_DEFINE_TRUNC(i32_trunc_f64_s, double, int32_t, WASMC_I32_LO, WASMC_I32_HI)
WASMC_DEFINE_TRUNC(i32_trunc_f64_u, double, uint32_t, WASMC_U32_LO, WASMC_U32_HI)
WASMC_DEFINE_TRUNC(i64_trunc_f32_s, float, int64_t, WASMC_I64_LO_F32, WASMC_I64_HI)
WASMC_DEFINE_TRUNC(i64_trunc_f32_u, float, uint64_t, WASMC_U64_LO, WASMC_U64_HI)
WASMC_DEFINE_TRUNC(i64_trunc_f64_s, double, int64_t, WASMC_I64_LO, WASMC_I64_HI)
WASMC_DEFINE_TRUNC(i64_trunc_f64_u, double, uint64_t, WASMC_U64_LO, WASMC_U64_HI)

/* ------------------------------------------------------------------------ */
/* SIMD: v128 loads and stores (the operators are in wasmc_simd.h)          */
/* ------------------------------------------------------------------------ */

/*
 * Generated code that uses v128 defines WASMC_SIMD before including this
 * header (modules without it skip wasmc_simd.h and its intrinsic headers).
 * Every SIMD access checks and touches exactly the bytes the instruction reads
 * or writes, through WASMC_MEMORY_CHECK and WASMC_MEMORY_ACCESS like the scalar
 * ones: one access of the full width (16 bytes for v128.load/store, 8 for
 * load8x8_s and the other extending loads, the lane's width for the splat,
 * zero and lane forms), so an access that crosses the end of memory traps
 * as a whole in both bounds modes and a lane access at the very end does not.
 * The pure part of each form (extending, splatting, placing a lane) is
 * wasmc_simd.h's function of the same instruction.
 */
#ifdef WASMC_SIMD
typedef wasmc_v128 wasmc_raw128 __attribute__((aligned(1), may_alias));

/*
 * Each access function comes twice: for a memory of the module's strategy and,
 * with the suffix _checked, for a 64-bit memory, which is always checked
 * explicitly (see WASMC_MEMORY_CHECK64).
 */
#define WASMC_DEFINE_V128_LOAD_AS(name, bits, suffix, check)                                           \
  static inline wasmc_v128 wasmc_mem_##name##suffix(const uint8_t *data, uint64_t size, uint64_t addr, \
                                                    uint64_t off, const char *fn) {                    \
    (void)size;                                                                                        \
    check(size, addr, off, (bits) / 8, fn);                                                            \
    wasmc_raw##bits raw = *(const WASMC_MEMORY_ACCESS wasmc_raw##bits *)(data + addr + off);           \
    return wasmc_##name(&raw);                                                                         \
  }
#define WASMC_DEFINE_V128_LOAD(name, bits)                    \
  WASMC_DEFINE_V128_LOAD_AS(name, bits, , WASMC_MEMORY_CHECK) \
  WASMC_DEFINE_V128_LOAD_AS(name, bits, _checked, WASMC_MEMORY_CHECK64)
WASMC_DEFINE_V128_LOAD(v128_load, 128)
WASMC_DEFINE_V128_LOAD(v128_load8x8_s, 64)
WASMC_DEFINE_V128_LOAD(v128_load8x8_u, 64)
WASMC_DEFINE_V128_LOAD(v128_load16x4_s, 64)
WASMC_DEFINE_V128_LOAD(v128_load16x4_u, 64)
WASMC_DEFINE_V128_LOAD(v128_load32x2_s, 64)
WASMC_DEFINE_V128_LOAD(v128_load32x2_u, 64)
WASMC_DEFINE_V128_LOAD(v128_load8_splat, 8)
WASMC_DEFINE_V128_LOAD(v128_load16_splat, 16)
WASMC_DEFINE_V128_LOAD(v128_load32_splat, 32)
WASMC_DEFINE_V128_LOAD(v128_load64_splat, 64)
WASMC_DEFINE_V128_LOAD(v128_load32_zero, 32)
WASMC_DEFINE_V128_LOAD(v128_load64_zero, 64)

#define WASMC_DEFINE_V128_STORE_AS(suffix, check)                                                            \
  static inline void wasmc_mem_v128_store##suffix(uint8_t *data, uint64_t size, uint64_t addr, uint64_t off, \
                                                  wasmc_v128 value, const char *fn) {                        \
    (void)size;                                                                                              \
    check(size, addr, off, 16, fn);                                                                          \
    *(WASMC_MEMORY_ACCESS wasmc_raw128 *)(data + addr + off) = value;                                        \
  }
WASMC_DEFINE_V128_STORE_AS(, WASMC_MEMORY_CHECK)
WASMC_DEFINE_V128_STORE_AS(_checked, WASMC_MEMORY_CHECK64)

/* v128.loadN_lane: the lane's N bits from memory into lane `lane` of v. */
#define WASMC_DEFINE_V128_LANE_AS(bits, suffix, check)                                                     \
  static inline wasmc_v128 wasmc_mem_v128_load##bits##_lane##suffix(                                       \
      const uint8_t *data, uint64_t size, uint64_t addr, uint64_t off, wasmc_v128 v, int lane,             \
      const char *fn) {                                                                                    \
    (void)size;                                                                                            \
    check(size, addr, off, (bits) / 8, fn);                                                                \
    uint##bits##_t raw = *(const WASMC_MEMORY_ACCESS wasmc_raw##bits *)(data + addr + off);                \
    return wasmc_v128_load##bits##_lane(v, raw, lane);                                                     \
  }                                                                                                        \
  static inline void wasmc_mem_v128_store##bits##_lane##suffix(                                            \
      uint8_t *data, uint64_t size, uint64_t addr, uint64_t off, wasmc_v128 v, int lane, const char *fn) { \
    (void)size;                                                                                            \
    check(size, addr, off, (bits) / 8, fn);                                                                \
    *(WASMC_MEMORY_ACCESS wasmc_raw##bits *)(data + addr + off) = wasmc_v128_store##bits##_lane(v, lane);  \
  }
#define WASMC_DEFINE_V128_LANE(bits)                    \
  WASMC_DEFINE_V128_LANE_AS(bits, , WASMC_MEMORY_CHECK) \
  WASMC_DEFINE_V128_LANE_AS(bits, _checked, WASMC_MEMORY_CHECK64)
WASMC_DEFINE_V128_LANE(8)
WASMC_DEFINE_V128_LANE(16)
WASMC_DEFINE_V128_LANE(32)
WASMC_DEFINE_V128_LANE(64)
#endif /* WASMC_SIMD */

#ifdef __cplusplus
}
#endif

#endif /* WASMC_MODULE_H */
