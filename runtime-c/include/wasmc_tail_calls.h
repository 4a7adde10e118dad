/*
 * wasmc_tail_calls.h: the calling convention of modules that use tail calls
 * (return_call, return_call_indirect, return_call_ref; WebAssembly 3.0).
 *
 * A tail call must run in constant native stack however long the chain.
 * clang's `musttail` guarantees that at every optimisation level, -O0
 * included, but only when caller and callee have the same C prototype. Wasm
 * functions that tail-call each other may have different parameters (only
 * their results must agree), so in a module that contains any return_call*
 * every defined function's body takes one uniform prototype:
 *
 *   uint64_t body(void *env, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4)
 *
 * Parameters 0-4 travel in a0..a4 (i32 zero-extended, f32/f64 by their bits:
 * wasmc_tail_from_f32 and friends), which are registers on x86-64 (env + 5 =
 * the six argument registers of the SysV ABI) and on aarch64 (x0-x5); unused
 * ones are 0. Parameters from 5 on, v128 parameters and results after the
 * first go through the thread's spill area, `wasmc_tail_spill`: a caller
 * writes it just before the call and the callee reads it first thing; a
 * callee writes its extra results just before returning and the caller reads
 * them right after the call. No other call comes between, so one area per
 * thread serves every depth. The first result (its bits, or 0) is the return
 * value. Then every tail call is
 *
 *   WASMC_MUSTTAIL return target(env, a0, a1, a2, a3, a4);
 *
 * direct, through a function value (its `tail_code`), or to another module.
 * Ordinary calls within the module call bodies the same way; functions seen
 * from outside (exports, tables, ref.func) also get an entry of their own
 * wasm signature that converts and calls the body. The design note has the
 * reasons and the alternatives.
 */
#ifndef WASMC_TAIL_CALLS_H
#define WASMC_TAIL_CALLS_H

#include "wasmc_rt.h"

#include <stdint.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifdef __has_attribute
#if __has_attribute(musttail)
#define WASMC_HAS_MUSTTAIL 1
#endif
#endif

#ifdef WASMC_HAS_MUSTTAIL
/* A call in return position that must not grow the stack. */
#define WASMC_MUSTTAIL __attribute__((musttail))
#else
/*
 * gcc before 15 has no musttail: its sibling calls are an optimisation that
 * -O0 never does and that nothing guarantees at -O2. A module using tail
 * calls would then exhaust the stack where the spec says it must not, so it
 * does not compile (wasmc builds with clang; gcc 15 has the attribute).
 */
/* _Pragma takes one string literal, which must not be split. */
/* clang-format off */
#define WASMC_MUSTTAIL _Pragma("GCC error \"wasmc: this module uses tail calls (return_call), which need a C compiler with the musttail attribute (clang, or gcc 15 or later)\"")
/* clang-format on */
#endif

/* The uniform prototype of function bodies is wasmc_tail_code (wasmc_rt.h, in wasmc_func). */

/* Parameters beyond the fifth and results beyond the first, by index. */
#define WASMC_TAIL_REGISTER_PARAMS 5
#define WASMC_TAIL_SPILL_SLOTS 1000 /* the spec's limit on parameters and results */
typedef struct wasmc_tail_slot {
  _Alignas(16) unsigned char bytes[16]; /* one value; v128 needs all 16 */
} wasmc_tail_slot;
extern _Thread_local wasmc_tail_slot wasmc_tail_spill[WASMC_TAIL_SPILL_SLOTS]
    __attribute__((tls_model("local-exec")));

static inline uint64_t wasmc_tail_from_f32(float value) {
  uint32_t bits;
  memcpy(&bits, &value, 4);
  return bits;
}
static inline uint64_t wasmc_tail_from_f64(double value) {
  uint64_t bits;
  memcpy(&bits, &value, 8);
  return bits;
}
static inline float wasmc_tail_to_f32(uint64_t bits) {
  uint32_t low = (uint32_t)bits;
  float value;
  memcpy(&value, &low, 4);
  return value;
}
static inline double wasmc_tail_to_f64(uint64_t bits) {
  double value;
  memcpy(&value, &bits, 8);
  return value;
}

/* Spill slot access, exact for floats and v128. */
#define WASMC_TAIL_SPILL_PUT(index, type, value)                               \
  do {                                                                         \
    type wasmc_spill_ = (value);                                               \
    memcpy(wasmc_tail_spill[index].bytes, &wasmc_spill_, sizeof wasmc_spill_); \
  } while (0)
#define WASMC_TAIL_SPILL_GET(index, type)                                      \
  ({                                                                           \
    type wasmc_spill_;                                                         \
    memcpy(&wasmc_spill_, wasmc_tail_spill[index].bytes, sizeof wasmc_spill_); \
    wasmc_spill_;                                                              \
  })

#ifdef __cplusplus
}
#endif

#endif /* WASMC_TAIL_CALLS_H */
