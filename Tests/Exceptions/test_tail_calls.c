/*
 * Tail calls in constant native stack (wasmc_tail_calls.h), in C written the
 * way the emitter will write a module that uses return_call: every body has
 * the uniform prototype, parameters 0-4 in registers, the rest and the extra
 * results in the thread's spill area, and every return_call is a musttail
 * call. Each chain below runs 10^8 tail calls; built at -O0 and -O2 it shows
 * the guarantee does not depend on the optimiser.
 *
 * Every body starts with the explicit-mode stack check (the stack pointer
 * against wasmc_stack_limit, 256 KiB above the bottom of the stack), unless
 * built with WASMC_BOUNDS_GUARD, where functions that cannot reach host code
 * have none and a runaway stack would fault on the guard page instead. Either
 * way a chain that grew the stack would trap or crash, which the control
 * chain without musttail shows.
 */
#include "wasmc_tail_calls.h"
#include "wasmc_rt.h"
#if __has_include("wasmc_module.h")
#include "wasmc_module.h"
#endif

#include "../Support/check.h"

#include <stdio.h>
#include <stdlib.h>

CHECK_COUNTERS;

#ifdef WASMC_BOUNDS_GUARD
#define BODY_STACK_CHECK() ((void)0)
#else
#define BODY_STACK_CHECK()                                              \
  do {                                                                  \
    if (__builtin_expect(wasmc_stack_pointer() < wasmc_stack_limit, 0)) \
      wasmc_trap(WASMC_TRAP_CALL_STACK_EXHAUSTED, __func__);            \
  } while (0)
#endif

/* The lowest stack pointer any body saw: a growing chain would lower it. */
static uintptr_t lowest_sp = UINTPTR_MAX;
#define RECORD_DEPTH()                     \
  do {                                     \
    uintptr_t sp_ = wasmc_stack_pointer(); \
    if (sp_ < lowest_sp)                   \
      lowest_sp = sp_;                     \
  } while (0)

#ifndef CALLS
#define CALLS 100000000u /* 10^8; fewer under qemu at -O0, where each call costs ~100 ns */
#endif

/* ---- Same parameters: is_even / is_odd ------------------------------------- */

static uint64_t func1_is_odd(void *env, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4);

/* (func $is_even (param i32) (result i32)
     (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 1))
       (else (return_call $is_odd (i32.sub (local.get 0) (i32.const 1)))))) */
static uint64_t func0_is_even(void *env, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4) {
  (void)a1, (void)a2, (void)a3, (void)a4;
  BODY_STACK_CHECK();
  RECORD_DEPTH();
  uint32_t l0 = (uint32_t)a0;
  if (l0 == 0)
    return 1;
  WASMC_MUSTTAIL return func1_is_odd(env, (uint64_t)(l0 - 1), 0, 0, 0, 0);
}

static uint64_t func1_is_odd(void *env, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4) {
  (void)a1, (void)a2, (void)a3, (void)a4;
  BODY_STACK_CHECK();
  RECORD_DEPTH();
  uint32_t l0 = (uint32_t)a0;
  if (l0 == 0)
    return 0;
  WASMC_MUSTTAIL return func0_is_even(env, (uint64_t)(l0 - 1), 0, 0, 0, 0);
}

/* ---- Different parameters, a spilled parameter, floats by their bits ------- */

static uint64_t func3_g(void *env, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4);
static uint32_t carried_bits;

/* (func $f (param i32 f64 f32) (result f64)
     (if (result f64) (i32.eqz (local.get 0)) (then (local.get 1))
       (else (return_call $g (i64.extend_i32_u (i32.sub (local.get 0) (i32.const 1)))
                             (local.get 2) (i32.const 3) (i64.const 4) (local.get 1) (i32.const 1))))) */
static uint64_t func2_f(void *env, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4) {
  (void)a3, (void)a4;
  BODY_STACK_CHECK();
  RECORD_DEPTH();
  uint32_t l0 = (uint32_t)a0;
  double l1 = wasmc_tail_to_f64(a1);
  float l2 = wasmc_tail_to_f32(a2);
  if (l0 == 0) {
    memcpy(&carried_bits, &l2, 4); /* what the chain carried, for the test */
    return wasmc_tail_from_f64(l1);
  }
  WASMC_TAIL_SPILL_PUT(5, uint32_t, 1); /* the sixth parameter of $g */
  WASMC_MUSTTAIL return func3_g(env, (uint64_t)(l0 - 1), wasmc_tail_from_f32(l2), 3, 4,
                                wasmc_tail_from_f64(l1));
}

/* (func $g (param i64 f32 i32 i64 f64 i32) (result f64)
     (return_call $f (i32.wrap_i64 (local.get 0))
                     (f64.add (local.get 4) (f64.convert_i32_u (i32.add (local.get 5) (i32.add (local.get 2) (i32.wrap_i64 (local.get 3)))))))
                     (local.get 1))) */
static uint64_t func3_g(void *env, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4) {
  BODY_STACK_CHECK();
  RECORD_DEPTH();
  uint64_t l0 = a0;
  float l1 = wasmc_tail_to_f32(a1);
  uint32_t l2 = (uint32_t)a2;
  uint64_t l3 = a3;
  double l4 = wasmc_tail_to_f64(a4);
  uint32_t l5 = WASMC_TAIL_SPILL_GET(5, uint32_t);
  double sum = l4 + (double)(l5 + l2 + (uint32_t)l3); /* + 8 per round */
  WASMC_MUSTTAIL return func2_f(env, (uint64_t)(uint32_t)l0, wasmc_tail_from_f64(sum),
                                wasmc_tail_from_f32(l1), 0, 0);
}

/* The entry of $f seen from outside (an export): its own wasm signature. */
static double func2_f_entry(void *env, uint32_t n, double acc, float carried) {
  return wasmc_tail_to_f64(func2_f(env, n, wasmc_tail_from_f64(acc), wasmc_tail_from_f32(carried), 0, 0));
}

/* ---- Two results, through a function table ---------------------------------- */

/* What wasmc_func would carry (a proposal): the entry of the wasm signature and the body. */
typedef struct func_value {
  const char *type;
  wasmc_code code;
  void *env;
  wasmc_tail_code tail_code;
} func_value;

typedef struct instance {
  const func_value *table[2];
} instance;

static uint64_t func5_k(void *env, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4);

/* (func $h (param i32) (result i32 i64)
     (if (result i32 i64) (i32.eqz (local.get 0)) (then (i32.const 17) (i64.const 0x1234567890))
       (else (return_call_indirect (type $k) (f64.const 0.25) (local.get 0) (i32.const 1))))) */
static uint64_t func4_h(void *env, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4) {
  (void)a1, (void)a2, (void)a3, (void)a4;
  BODY_STACK_CHECK();
  RECORD_DEPTH();
  instance *inst = env;
  uint32_t l0 = (uint32_t)a0;
  if (l0 == 0) {
    WASMC_TAIL_SPILL_PUT(1, uint64_t, 0x1234567890ull); /* the second result */
    return 17;
  }
  const func_value *target = inst->table[1]; /* wasmc_indirect_target's checks go here */
  if (strcmp(target->type, "di>ij") != 0)
    wasmc_trap(WASMC_TRAP_INDIRECT_CALL_TYPE_MISMATCH, __func__);
  WASMC_MUSTTAIL return target->tail_code(target->env, wasmc_tail_from_f64(0.25), l0, 0, 0, 0);
}

/* (func $k (param f64 i32) (result i32 i64) (return_call $h (i32.sub (local.get 1) (i32.const 1)))) */
static uint64_t func5_k(void *env, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4) {
  (void)a2, (void)a3, (void)a4;
  BODY_STACK_CHECK();
  RECORD_DEPTH();
  double l0 = wasmc_tail_to_f64(a0);
  uint32_t l1 = (uint32_t)a1;
  if (l0 != 0.25)
    wasmc_trap(WASMC_TRAP_UNREACHABLE, __func__);
  WASMC_MUSTTAIL return func4_h(env, (uint64_t)(l1 - 1), 0, 0, 0, 0);
}

typedef struct two_results {
  uint32_t r0;
  uint64_t r1;
} two_results;

/* $h's entry of its own signature: several results come back as a struct, as today. */
static two_results func4_h_entry(void *env, uint32_t n) {
  two_results r;
  r.r0 = (uint32_t)func4_h(env, n, 0, 0, 0, 0);
  r.r1 = WASMC_TAIL_SPILL_GET(1, uint64_t); /* right after the call, before any other */
  return r;
}

/* ---- Control: the same chain as an ordinary call ----------------------------- */
#ifndef WASMC_BOUNDS_GUARD

static __attribute__((noinline)) uint64_t func6_plain_even(void *env, uint64_t a0, uint64_t a1, uint64_t a2,
                                                           uint64_t a3, uint64_t a4) {
  if (__builtin_expect(wasmc_stack_pointer() < wasmc_stack_limit, 0))
    wasmc_trap(WASMC_TRAP_CALL_STACK_EXHAUSTED, __func__);
  uint32_t l0 = (uint32_t)a0;
  if (l0 == 0)
    return 1;
  /* An ordinary call where return_call belongs: the chain keeps its frames. */
  uint64_t r = func6_plain_even(env, (uint64_t)(l0 - 1), a1, a2, a3, a4);
  __asm__ volatile("" ::: "memory"); /* and no optimiser turns it into a loop */
  return r;
}
#endif

#define TRY(frame, call) WASMC_TRY(frame, call)

int main(void) {
  wasmc_thread_init();
  uintptr_t here = wasmc_stack_pointer();
  wasmc_trap_frame frame;

  /* 10^8 tail calls between two functions of the same parameters. */
  lowest_sp = UINTPTR_MAX;
  volatile uint64_t even = 0;
  bool returned = TRY(frame, even = func0_is_even(NULL, CALLS, 0, 0, 0, 0));
  CHECK(returned);
  CHECK_EQ(even, 1);
  CHECK(here - lowest_sp < 4096); /* every one of them ran in the first frame's place */
  printf("is_even/is_odd: %u tail calls, deepest stack %lu bytes below main\n", CALLS,
         (unsigned long)(here - lowest_sp));

  /* 10^8 tail calls between $f (3 parameters) and $g (6, one spilled). */
  lowest_sp = UINTPTR_MAX;
  volatile double acc = 0;
  float nan_bits;
  uint32_t signalling = 0x7fa00001u; /* a signalling NaN must cross every call unquieted */
  memcpy(&nan_bits, &signalling, 4);
  returned = TRY(frame, acc = func2_f_entry(NULL, CALLS / 2, 0.0, nan_bits));
  CHECK(returned);
  CHECK(acc == 8.0 * (CALLS / 2));
  CHECK(here - lowest_sp < 4096);
  printf("f/g (different parameters): %u tail calls, deepest stack %lu bytes below main\n", CALLS,
         (unsigned long)(here - lowest_sp));

  /* 10^8 tail calls, half of them through a table, with two results. */
  static instance inst;
  static const func_value k_value = {"di>ij", NULL, &inst, func5_k};
  static const func_value h_value = {"i>ij", NULL, &inst, func4_h};
  inst.table[0] = &h_value;
  inst.table[1] = &k_value;
  lowest_sp = UINTPTR_MAX;
  volatile uint32_t r0 = 0;
  volatile uint64_t r1 = 0;
  returned = TRY(frame, {
    two_results r = func4_h_entry(&inst, CALLS / 2);
    r0 = r.r0;
    r1 = r.r1;
  });
  CHECK(returned);
  CHECK_EQ(r0, 17);
  CHECK_EQ(r1, 0x1234567890ull);
  CHECK(here - lowest_sp < 4096);
  printf("h/k (indirect, two results): %u tail calls, deepest stack %lu bytes below main\n", CALLS,
         (unsigned long)(here - lowest_sp));

  CHECK_EQ(carried_bits, signalling); /* the f32 crossed 10^8 calls bit for bit */

#ifndef WASMC_BOUNDS_GUARD
  /* Control: without musttail the same chain exhausts the stack. */
  volatile uint64_t plain = 0;
  returned = TRY(frame, plain = func6_plain_even(NULL, CALLS, 0, 0, 0, 0));
  CHECK(!returned);
  CHECK_EQ(frame.info.kind, WASMC_TRAP_CALL_STACK_EXHAUSTED);
  (void)plain;
#endif
  return check_summary();
}
