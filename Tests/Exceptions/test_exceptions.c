/*
 * Exception handling in the C runtime (wasmc_exceptions.h), driven by C
 * written the way the emitter will write it (docs/exceptions-and-tail-calls.md):
 * an instance struct holding the module's tags, functions funcN_name(inst,
 * ...), wasm locals lN and operand slots iN, one wasmc_handler per try block,
 * labels and gotos. The wat each function stands for is in its comment.
 *
 * Two "modules": A defines tag 0 (param i32), exported as "a" "e", tag 1
 * (param i64 f64) and tag 2 (param exnref i32); B imports A's tag 0 and
 * defines its own tag 1 (param i32). Each instance makes its own tags.
 */
#include "wasmc_exceptions.h"
#if __has_include("wasmc_module.h")
#include "wasmc_module.h" /* what generated code includes, once wasmc_rt.h is split */
#endif
#include "wasmc_tail_calls.h" /* WASMC_MUSTTAIL, where the compiler has it */

#include "../Support/check.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

CHECK_COUNTERS;

/*
 * TRY is the runtime's WASMC_TRY, whose flag is volatile: while this test was written,
 * gcc 12 -O2 for aarch64 moved a non-volatile `returned = true` above a call it knew
 * could not return, so after the longjmp the flag read true (C11 7.13.2.1 leaves such a
 * local indeterminate).
 */
#define TRY(frame, call) WASMC_TRY(frame, call)

typedef struct instance {
  wasmc_tag tag_storage[3]; /* the tags this instance defines */
  const wasmc_tag *tags[3]; /* its tag index space: defined or imported */
  wasmc_exception *global0; /* (global (mut exnref)) */
} instance;

static void module_a_create(instance *inst) {
  wasmc_tag_init(&inst->tag_storage[0], "i", "\"a\" \"e\"");
  wasmc_tag_init(&inst->tag_storage[1], "jd", "a tag 1");
  wasmc_tag_init(&inst->tag_storage[2], "xi", "a tag 2");
  for (int i = 0; i < 3; i++)
    inst->tags[i] = &inst->tag_storage[i];
  inst->global0 = NULL;
}

/* Module B: (import "a" "e" (tag (param i32))) (tag (param i32)). */
static void module_b_create(instance *inst, const wasmc_tag *imported_e) {
  inst->tags[0] = imported_e;
  wasmc_tag_init(&inst->tag_storage[1], "i", "b tag 1");
  inst->tags[1] = &inst->tag_storage[1];
  inst->tags[2] = NULL;
  inst->global0 = NULL;
}

static void module_destroy(instance *inst) {
  /* A global of type exnref unpins its value when the instance goes. */
  wasmc_exnref_store(&inst->global0, NULL);
}

static instance a1, a2, b1;
static int side_effects;
static wasmc_exception *last_thrown;

/* ------------------------------------------------------------------------ */
/* The "generated" functions                                                */
/* ------------------------------------------------------------------------ */

/* (func $thrower (param i32) (result i32)
     (if (local.get 0) (then (throw $e (local.get 0)))) (i32.const 7)) */
static __attribute__((noinline)) uint32_t func0_thrower(instance *inst, uint32_t l0) {
  if (l0 != 0) {
    wasmc_exception *x = wasmc_exception_new(inst->tags[0]);
    WASMC_EXCEPTION_PUT(x, 0, uint32_t, l0);
    last_thrown = x;
    wasmc_throw(x);
  }
  return 7;
}

/* (func $middle (param i32) (result i32)
     (call $thrower (i32.mul (local.get 0) (i32.const 2))) (i32.const 1) (i32.add)) */
static __attribute__((noinline)) uint32_t func1_middle(instance *inst, uint32_t l0) {
  uint32_t i0 = func0_thrower(inst, l0 * 2);
  side_effects++; /* not reached when $thrower throws */
  return i0 + 1;
}

/* (func $catcher (param i32) (result i32)
     (block $h (result i32)
       (try_table (result i32) (catch $e $h) (call $middle (local.get 0)))
       (return))
     (i32.const 1000) (i32.add)) */
static __attribute__((noinline)) uint32_t func2_catcher(instance *inst, uint32_t l0) {
  wasmc_handler h0;
  uint32_t i0;
  wasmc_handler_push(&h0);
  if (WASMC_HANDLER_LANDED(h0)) {
    wasmc_exception *x = h0.exception;
    if (wasmc_exception_is(x, inst->tags[0])) {
      i0 = WASMC_EXCEPTION_GET(x, 0, uint32_t);
      wasmc_exception_caught(x);
      goto L1_h;
    }
    wasmc_rethrow(x);
  }
  i0 = func1_middle(inst, l0);
  wasmc_handler_pop(&h0);
  return i0;
L1_h:
  return i0 + 1000;
}

/* Throws tag `which` of A: 0 (param i32) or 1 (param i64 f64). */
static __attribute__((noinline)) void throw_a(instance *inst, uint32_t which, uint64_t value) {
  wasmc_exception *x = wasmc_exception_new(inst->tags[which]);
  if (which == 0) {
    WASMC_EXCEPTION_PUT(x, 0, uint32_t, (uint32_t)value);
  } else {
    WASMC_EXCEPTION_PUT(x, wasmc_tag_offset("jd", 0), uint64_t, value);
    WASMC_EXCEPTION_PUT(x, wasmc_tag_offset("jd", 1), double, 0.5);
  }
  wasmc_throw(x);
}

/* (func $nested (param i32) (result i32) (local i32)
     (block $outer (result i32)
       (try_table (catch $e $outer)
         (local.set 1 (i32.const 5))                   ;; assigned inside the try: volatile
         (block $inner (result i64 f64)
           (try_table (catch $t1 $inner) (call $throw_a (local.get 0) (i64.const 40)))
           (unreachable))
         (drop) (local.set 1 (i32.wrap_i64))          ;; inner caught: 40
         (throw $e (i32.add (local.get 1) (i32.const 60))))
       (unreachable))
     (local.get 1) (i32.add))                          ;; outer caught: payload + l1 */
static __attribute__((noinline)) uint32_t func3_nested(instance *inst, uint32_t l0) {
  volatile uint32_t l1 = 0;
  wasmc_handler h0, h1;
  uint32_t i0;
  uint64_t j0;
  double d1;
  wasmc_handler_push(&h0);
  if (WASMC_HANDLER_LANDED(h0)) {
    wasmc_exception *x = h0.exception;
    if (wasmc_exception_is(x, inst->tags[0])) {
      i0 = WASMC_EXCEPTION_GET(x, 0, uint32_t);
      wasmc_exception_caught(x);
      goto L1_outer;
    }
    wasmc_rethrow(x);
  }
  l1 = 5;
  wasmc_handler_push(&h1);
  if (WASMC_HANDLER_LANDED(h1)) {
    wasmc_exception *x = h1.exception;
    if (wasmc_exception_is(x, inst->tags[1])) {
      j0 = WASMC_EXCEPTION_GET(x, wasmc_tag_offset("jd", 0), uint64_t);
      d1 = WASMC_EXCEPTION_GET(x, wasmc_tag_offset("jd", 1), double);
      wasmc_exception_caught(x);
      goto L2_inner;
    }
    wasmc_rethrow(x);
  }
  throw_a(inst, l0, 40);
  wasmc_trap(WASMC_TRAP_UNREACHABLE, __func__);
L2_inner:
  (void)d1;
  l1 = (uint32_t)j0;
  {
    wasmc_exception *x = wasmc_exception_new(inst->tags[0]);
    WASMC_EXCEPTION_PUT(x, 0, uint32_t, l1 + 60);
    wasmc_throw(x);
  }
L1_outer:
  return i0 + l1;
}

/* (func $ref (result exnref) (local exnref)
     (block $all (result exnref)
       (try_table (catch_all_ref $all)
         (block $r (result i32 exnref)
           (try_table (catch_ref $e $r) (throw $e (i32.const 42)))
           (unreachable))
         (local.set 0) (drop)
         (throw_ref (local.get 0)))
       (unreachable))) */
static wasmc_exception *caught_by_ref;
static __attribute__((noinline)) wasmc_exception *func4_catch_ref(instance *inst) {
  wasmc_exception *volatile l0 = NULL;
  wasmc_handler h0, h1;
  wasmc_exception *x0;
  uint32_t i0;
  wasmc_handler_push(&h0);
  if (WASMC_HANDLER_LANDED(h0)) {
    wasmc_exception *x = h0.exception;
    wasmc_exception_expose(x);
    x0 = x;
    goto L1_all;
  }
  wasmc_handler_push(&h1);
  if (WASMC_HANDLER_LANDED(h1)) {
    wasmc_exception *x = h1.exception;
    if (wasmc_exception_is(x, inst->tags[0])) {
      i0 = WASMC_EXCEPTION_GET(x, 0, uint32_t);
      wasmc_exception_expose(x);
      x0 = x;
      goto L2_r;
    }
    wasmc_rethrow(x);
  }
  {
    wasmc_exception *x = wasmc_exception_new(inst->tags[0]);
    WASMC_EXCEPTION_PUT(x, 0, uint32_t, 42);
    wasmc_throw(x);
  }
L2_r:
  (void)i0;
  l0 = x0;
  caught_by_ref = l0;
  wasmc_throw_ref(l0, __func__);
L1_all:
  return x0;
}

/* (func $all (result i32)
     (block $h (try_table (catch_all $h) (call $throw_a (i32.const 1) (i64.const 9))) (return (i32.const 0)))
     (i32.const 1)) */
static __attribute__((noinline)) uint32_t func5_catch_all(instance *inst) {
  wasmc_handler h0;
  wasmc_handler_push(&h0);
  if (WASMC_HANDLER_LANDED(h0)) {
    wasmc_exception_caught(h0.exception);
    goto L1_h;
  }
  throw_a(inst, 1, 9);
  wasmc_handler_pop(&h0);
  return 0;
L1_h:
  return 1;
}

/* Legacy rethrow, caught by reference outside to see it is the same exception:
   (func $legacy_rethrow (result exnref)
     (block $out (result exnref)
       (try_table (catch_all_ref $out)
         (try (do (throw $e (i32.const 9)))
              (catch $e (drop) (call $count) (rethrow 0))))
       (unreachable))) */
static __attribute__((noinline)) wasmc_exception *func6_legacy_rethrow(instance *inst) {
  wasmc_handler h0, h1;
  wasmc_exception *x0;
  wasmc_handler_push(&h0);
  if (WASMC_HANDLER_LANDED(h0)) {
    wasmc_exception *x = h0.exception;
    wasmc_exception_expose(x);
    x0 = x;
    goto L1_out;
  }
  wasmc_handler_push(&h1);
  if (WASMC_HANDLER_LANDED(h1)) {
    wasmc_exception *x = h1.exception; /* held for `rethrow 0` while the catch block runs */
    if (wasmc_exception_is(x, inst->tags[0])) {
      side_effects++;
      wasmc_rethrow(x);
    }
    wasmc_rethrow(x);
  }
  {
    wasmc_exception *x = wasmc_exception_new(inst->tags[0]);
    WASMC_EXCEPTION_PUT(x, 0, uint32_t, 9);
    last_thrown = x;
    wasmc_throw(x);
  }
L1_out:
  return x0;
}

/* Legacy delegate past a try that would catch:
   (func $delegate (param i32) (result i32)
     (try $outer (result i32)
       (do (try (result i32)
             (do (try (result i32) (do (call $thrower (local.get 0))) (delegate $outer)))
             (catch $e (i32.const 999))))                ;; skipped by the delegate
       (catch $e (i32.const 300) (i32.add)))) */
static __attribute__((noinline)) uint32_t func7_delegate(instance *inst, uint32_t l0) {
  wasmc_handler h0, h1, h2;
  uint32_t i0;
  wasmc_handler_push(&h0);
  if (WASMC_HANDLER_LANDED(h0)) {
    wasmc_exception *x = h0.exception;
    if (wasmc_exception_is(x, inst->tags[0])) {
      i0 = WASMC_EXCEPTION_GET(x, 0, uint32_t);
      wasmc_exception_caught(x);
      return i0 + 300;
    }
    wasmc_rethrow(x);
  }
  wasmc_handler_push(&h1);
  if (WASMC_HANDLER_LANDED(h1)) {
    wasmc_exception *x = h1.exception;
    if (wasmc_exception_is(x, inst->tags[0])) {
      wasmc_exception_caught(x);
      i0 = 999;
      goto L1_end;
    }
    wasmc_rethrow(x);
  }
  wasmc_handler_push(&h2);
  if (WASMC_HANDLER_LANDED(h2))
    wasmc_throw_to(h2.exception, &h0); /* delegate $outer */
  i0 = func0_thrower(inst, l0);
  wasmc_handler_pop(&h2);
  wasmc_handler_pop(&h1);
L1_end:
  wasmc_handler_pop(&h0);
  return i0;
}

/* Module B: (func $b_throw (param i32) (throw $imported_e (local.get 0))) */
static __attribute__((noinline)) void b_func0_throw(instance *inst, uint32_t l0) {
  wasmc_exception *x = wasmc_exception_new(inst->tags[0]);
  WASMC_EXCEPTION_PUT(x, 0, uint32_t, l0);
  wasmc_throw(x);
}

/* Module A: (func $catch_from_b (param i32) (result i32)
     try_table (catch $e -> payload) (catch_all -> 0xffff) around (call $b_throw (local.get 0)) */
static __attribute__((noinline)) uint32_t func8_catch_from(instance *inst, instance *b, uint32_t l0) {
  wasmc_handler h0;
  uint32_t i0;
  wasmc_handler_push(&h0);
  if (WASMC_HANDLER_LANDED(h0)) {
    wasmc_exception *x = h0.exception;
    if (wasmc_exception_is(x, inst->tags[0])) {
      i0 = WASMC_EXCEPTION_GET(x, 0, uint32_t);
      wasmc_exception_caught(x);
      return i0;
    }
    wasmc_exception_caught(x);
    return 0xffff;
  }
  b_func0_throw(b, l0);
  wasmc_handler_pop(&h0);
  return 0;
}

/* ---- The host boundary ---------------------------------------------------- */

/* A host function (written in Swift in a real program) that calls back into
   module A's $thrower. It must return normally whatever the callback does. */
static int host_frames_live, host_returns, host_saw_exception;
static __attribute__((noinline)) uint32_t host_calls_back(void *env, uint32_t x) {
  instance *inst = env;
  host_frames_live++;
  volatile uint32_t result = 0; /* assigned inside the TRY, read after it */
  wasmc_exception_scope scope;
  wasmc_trap_frame frame;
  wasmc_exception_scope_enter(&scope);
  bool returned = TRY(frame, result = func0_thrower(inst, x));
  wasmc_exception_scope_leave(&scope);
  host_frames_live--;
  host_returns++;
  if (!returned && scope.uncaught != NULL) {
    host_saw_exception++;
    wasmc_exception_set_pending(&scope);
  }
  return result;
}

/* (import "host" "calls_back" (func $h (param i32) (result i32)))
   (func $via_host (param i32) (result i32)
     (block $c (result i32) (try_table (catch $e $c) (call $h (local.get 0))) (return))
     (i32.const 500) (i32.add)) */
static __attribute__((noinline)) uint32_t func9_via_host(instance *inst, uint32_t l0) {
  wasmc_handler h0;
  uint32_t i0;
  wasmc_handler_push(&h0);
  if (WASMC_HANDLER_LANDED(h0)) {
    wasmc_exception *x = h0.exception;
    if (wasmc_exception_is(x, inst->tags[0])) {
      i0 = WASMC_EXCEPTION_GET(x, 0, uint32_t);
      wasmc_exception_caught(x);
      goto L1_c;
    }
    wasmc_rethrow(x);
  }
  i0 = host_calls_back(inst, l0);
  WASMC_EXCEPTION_CHECK(); /* after every call that can reach a host function */
  wasmc_handler_pop(&h0);
  return i0;
L1_c:
  return i0 + 500;
}

/* The same without a try_table: the exception leaves the module. */
static __attribute__((noinline)) uint32_t func10_via_host_uncaught(instance *inst, uint32_t l0) {
  uint32_t i0 = host_calls_back(inst, l0);
  WASMC_EXCEPTION_CHECK();
  side_effects++;
  return i0;
}

/* ---- Traps are not exceptions ---------------------------------------------- */

static int handler_ran;

/* (func $trap_in_try (result i32)
     (block $h (try_table (catch_all $h) (drop (i32.div_s (i32.const 1) (i32.const 0)))) (return (i32.const 0)))
     (i32.const 1)) */
static __attribute__((noinline)) uint32_t func11_trap_in_try(instance *inst, uint32_t zero) {
  (void)inst;
  wasmc_handler h0;
  wasmc_handler_push(&h0);
  if (WASMC_HANDLER_LANDED(h0)) {
    handler_ran++;
    wasmc_exception_caught(h0.exception);
    return 1;
  }
  uint32_t i0 = 1, i1 = zero;
  if (i1 == 0) /* wasmc_i32_div_s's check, written out: the header that has it is being split */
    wasmc_trap(WASMC_TRAP_INT_DIV_BY_ZERO, __func__);
  i0 = (uint32_t)((int32_t)i0 / (int32_t)i1);
  wasmc_handler_pop(&h0);
  return i0;
}

/* (func $deep (param i32) (result i32)
     (try_table (catch_all ...) (call $deep (i32.add (local.get 0) (i32.const 1))))): no end.
   Every level holds a handler; "call stack exhausted" passes them all. */
static __attribute__((noinline)) uint32_t func12_deep(instance *inst, uint32_t l0) {
  if (wasmc_stack_pointer() < wasmc_stack_limit) /* WASMC_CHECK_STACK */
    wasmc_trap(WASMC_TRAP_CALL_STACK_EXHAUSTED, __func__);
  wasmc_handler h0;
  wasmc_handler_push(&h0);
  if (WASMC_HANDLER_LANDED(h0)) {
    handler_ran++;
    wasmc_exception_caught(h0.exception);
    return 1;
  }
  uint32_t i0 = func12_deep(inst, l0 + 1);
  wasmc_handler_pop(&h0);
  return i0;
}

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TEST_UNDER_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define TEST_UNDER_ASAN 1
#endif
#if defined(WASMC_BOUNDS_GUARD) && !defined(TEST_UNDER_ASAN)
#define TEST_GUARD_OVERFLOW 1
/* Guard mode: no stack check in a function that cannot reach host code; the
   recursion runs into the guard page and the fault handler makes the trap. */
static __attribute__((noinline)) uint32_t func13_deep_unchecked(instance *inst, uint32_t l0) {
  wasmc_handler h0;
  wasmc_handler_push(&h0);
  if (WASMC_HANDLER_LANDED(h0)) {
    handler_ran++;
    wasmc_exception_caught(h0.exception);
    return 1;
  }
  uint32_t i0 = func13_deep_unchecked(inst, l0 + 1);
  wasmc_handler_pop(&h0);
  return i0 + 1;
}
#endif

/* ---- Lifetimes ------------------------------------------------------------- */

/* (loop: try_table (catch_ref $e $c) (throw $e (local.get i)) ... $c: (local.set $x) (drop) ...)
   n times; the exnref in the local is overwritten each time. */
static size_t most_live;
static __attribute__((noinline)) uint32_t func14_many_refs(instance *inst, uint32_t n) {
  volatile uint32_t l0 = 0, l1 = 0;
  wasmc_exception *volatile l2 = NULL;
  wasmc_handler h0;
  uint32_t i0;
  wasmc_exception *x0;
L1_loop:
  if (l0 >= n) {
    (void)l2; /* the last exnref, dropped at return */
    return l1;
  }
  wasmc_handler_push(&h0);
  if (WASMC_HANDLER_LANDED(h0)) {
    wasmc_exception *x = h0.exception;
    if (wasmc_exception_is(x, inst->tags[0])) {
      i0 = WASMC_EXCEPTION_GET(x, 0, uint32_t);
      wasmc_exception_expose(x);
      x0 = x;
      goto L2_c;
    }
    wasmc_rethrow(x);
  }
  {
    wasmc_exception *x = wasmc_exception_new(inst->tags[0]);
    WASMC_EXCEPTION_PUT(x, 0, uint32_t, l0);
    wasmc_throw(x);
  }
L2_c:
  l2 = x0;
  l1 += i0;
  if (wasmc_exception_live_count() > most_live)
    most_live = wasmc_exception_live_count();
  l0 = l0 + 1;
  goto L1_loop;
}

/* ------------------------------------------------------------------------ */
/* The host side of the tests                                               */
/* ------------------------------------------------------------------------ */

typedef struct outcome {
  bool returned;
  wasmc_trap_info trap;
  wasmc_exception *uncaught; /* pinned */
} outcome;

/* What an export invoker does: a scope and a trap frame around the call. */
#define CALL(out, call)                   \
  do {                                    \
    wasmc_exception_scope scope_;         \
    wasmc_trap_frame frame_;              \
    wasmc_exception_scope_enter(&scope_); \
    (out).returned = TRY(frame_, call);   \
    wasmc_exception_scope_leave(&scope_); \
    (out).trap = frame_.info;             \
    (out).uncaught = scope_.uncaught;     \
  } while (0)

static void test_across_functions(void) {
  outcome o;
  volatile uint32_t r = 0; /* assigned inside TRY: C11 7.13.2.1 */
  side_effects = 0;
  CALL(o, r = func2_catcher(&a1, 0));
  CHECK(o.returned);
  CHECK_EQ(r, 8);
  volatile size_t live_inside = 99;
  CALL(o, {
    r = func2_catcher(&a1, 5);
    live_inside = wasmc_exception_live_count();
  });
  CHECK(o.returned);
  CHECK_EQ(r, 1010);
  CHECK_EQ(live_inside, 0);  /* freed by the catch itself, not only when the scope ended */
  CHECK_EQ(side_effects, 1); /* only the call that did not throw went on after $thrower */
  CHECK_EQ(wasmc_exception_live_count(), 0);
}

static void test_nested(void) {
  outcome o;
  volatile uint32_t r = 0;           /* assigned inside TRY: C11 7.13.2.1 */
  CALL(o, r = func3_nested(&a1, 1)); /* inner catches $t1, throws $e (40+60) to the outer */
  CHECK(o.returned);
  CHECK_EQ(r, 100 + 40);
  CALL(o, r = func3_nested(&a1, 0)); /* $e (40) passes the inner handler to the outer */
  CHECK(o.returned);
  CHECK_EQ(r, 40 + 5);
  CHECK_EQ(wasmc_exception_live_count(), 0);
}

static void test_catch_ref_throw_ref(void) {
  outcome o;
  wasmc_exception *volatile r = NULL;
  caught_by_ref = NULL;
  CALL(o, {
    r = func4_catch_ref(&a1);
    wasmc_exnref_pin(r);
  }); /* the invoker pins an exnref result */
  CHECK(o.returned);
  CHECK(r != NULL && r == caught_by_ref); /* throw_ref rethrows the same exception */
  CHECK(r != NULL && r->tag == a1.tags[0]);
  CHECK_EQ(WASMC_EXCEPTION_GET(r, 0, uint32_t), 42);
  CHECK_EQ(wasmc_exception_live_count(), 1); /* kept by the host's pin past the scope */
  wasmc_exnref_unpin(r);
  CHECK_EQ(wasmc_exception_live_count(), 0);

  /* throw_ref of null traps. */
  CALL(o, wasmc_throw_ref(NULL, "func_null"));
  CHECK(!o.returned);
  CHECK_EQ(o.trap.kind, WASMC_TRAP_NULL_REFERENCE);
  CHECK(o.uncaught == NULL);
}

static void test_catch_all(void) {
  outcome o;
  volatile uint32_t r = 0; /* assigned inside TRY: C11 7.13.2.1 */
  CALL(o, r = func5_catch_all(&a1));
  CHECK(o.returned);
  CHECK_EQ(r, 1);
  CHECK_EQ(wasmc_exception_live_count(), 0);
}

static void test_legacy(void) {
  outcome o;
  wasmc_exception *volatile r = NULL;
  side_effects = 0;
  CALL(o, {
    r = func6_legacy_rethrow(&a1);
    wasmc_exnref_pin(r);
  });
  CHECK(o.returned);
  CHECK_EQ(side_effects, 1);
  CHECK(r != NULL && r == last_thrown); /* rethrow keeps the exception's identity */
  CHECK_EQ(WASMC_EXCEPTION_GET(r, 0, uint32_t), 9);
  wasmc_exnref_unpin(r);

  volatile uint32_t v = 0;
  CALL(o, v = func7_delegate(&a1, 3));
  CHECK(o.returned);
  CHECK_EQ(v, 303); /* the middle try's catch (999) was skipped */
  CALL(o, v = func7_delegate(&a1, 0));
  CHECK(o.returned);
  CHECK_EQ(v, 7);
  CHECK_EQ(wasmc_exception_live_count(), 0);
}

static void test_two_instances(void) {
  outcome o;
  volatile uint32_t r = 0; /* assigned inside TRY: C11 7.13.2.1 */
  /* B throws the tag it imported from a1: a1's catch $e matches it. */
  CALL(o, r = func8_catch_from(&a1, &b1, 77));
  CHECK(o.returned);
  CHECK_EQ(r, 77);
  /* a2 is another instance of A: its $e is another tag, so only catch_all matches. */
  CALL(o, r = func8_catch_from(&a2, &b1, 77));
  CHECK(o.returned);
  CHECK_EQ(r, 0xffff);
  CHECK(a1.tags[0] != a2.tags[0]);
  CHECK(b1.tags[0] == a1.tags[0]);
  CHECK_EQ(wasmc_exception_live_count(), 0);
}

static void test_host_boundary(void) {
  outcome o;
  volatile uint32_t r = 0; /* assigned inside TRY: C11 7.13.2.1 */
  host_frames_live = host_returns = host_saw_exception = 0;
  CALL(o, r = func9_via_host(&a1, 0));
  CHECK(o.returned);
  CHECK_EQ(r, 7);
  CALL(o, r = func9_via_host(&a1, 4));
  CHECK(o.returned);
  CHECK_EQ(r, 504);              /* caught in wasm after the host function returned */
  CHECK_EQ(host_returns, 2);     /* the host function returned both times ... */
  CHECK_EQ(host_frames_live, 0); /* ... and no longjmp skipped its frame */
  CHECK_EQ(host_saw_exception, 1);
  CHECK(wasmc_exception_pending == NULL);

  /* Nobody in wasm catches it: it leaves the outer call too, naming the tag. */
  side_effects = 0;
  CALL(o, r = func10_via_host_uncaught(&a1, 6));
  CHECK(!o.returned);
  CHECK_EQ(o.trap.kind, WASMC_TRAP_UNCAUGHT_EXCEPTION);
  CHECK_STR(o.trap.detail, "tag \"a\" \"e\"");
  CHECK(o.uncaught != NULL && WASMC_EXCEPTION_GET(o.uncaught, 0, uint32_t) == 6);
  CHECK_EQ(side_effects, 0);
  CHECK_EQ(host_returns, 3);
  CHECK_EQ(host_frames_live, 0);
  CHECK(wasmc_handlers == NULL);
  wasmc_exception_scope discard = {.uncaught = o.uncaught};
  wasmc_exception_scope_discard(&discard);
  CHECK_EQ(wasmc_exception_live_count(), 0);
}

static void test_uncaught(void) {
  outcome o;
  volatile uint32_t r = 0; /* assigned inside TRY: C11 7.13.2.1 */
  CALL(o, r = func0_thrower(&a1, 3));
  (void)r;
  CHECK(!o.returned);
  CHECK_EQ(o.trap.kind, WASMC_TRAP_UNCAUGHT_EXCEPTION);
  CHECK_STR(o.trap.detail, "tag \"a\" \"e\"");
  CHECK(o.uncaught != NULL && o.uncaught->tag == a1.tags[0]);
  CHECK_EQ(wasmc_exception_live_count(), 1); /* the scope's pin keeps it for the report */
  wasmc_exception_scope discard = {.uncaught = o.uncaught};
  wasmc_exception_scope_discard(&discard);
  CHECK_EQ(wasmc_exception_live_count(), 0);

  /* A tag without a name still reports. */
  wasmc_tag anonymous;
  wasmc_tag_init(&anonymous, "", NULL);
  CALL(o, wasmc_throw(wasmc_exception_new(&anonymous)));
  CHECK_STR(o.trap.detail, "tag (unnamed)");
  discard.uncaught = o.uncaught;
  wasmc_exception_scope_discard(&discard);
  CHECK_EQ(wasmc_exception_live_count(), 0);
}

static void test_traps_are_not_caught(void) {
  outcome o;
  volatile uint32_t r = 0; /* assigned inside TRY: C11 7.13.2.1 */
  handler_ran = 0;
  CALL(o, r = func11_trap_in_try(&a1, 0));
  CHECK(!o.returned);
  CHECK_EQ(o.trap.kind, WASMC_TRAP_INT_DIV_BY_ZERO);
  CHECK(o.uncaught == NULL);
  CALL(o, r = func12_deep(&a1, 0));
  CHECK(!o.returned);
  CHECK_EQ(o.trap.kind, WASMC_TRAP_CALL_STACK_EXHAUSTED);
#ifdef TEST_GUARD_OVERFLOW
  CALL(o, r = func13_deep_unchecked(&a1, 0));
  CHECK(!o.returned);
  CHECK_EQ(o.trap.kind, WASMC_TRAP_CALL_STACK_EXHAUSTED);
#endif
  CHECK_EQ(handler_ran, 0);
  CHECK(wasmc_handlers == NULL); /* the scope dropped the handlers the trap skipped */
  /* Exceptions work as before afterwards. */
  CALL(o, r = func2_catcher(&a1, 5));
  CHECK(o.returned);
  CHECK_EQ(r, 1010);
  CHECK_EQ(wasmc_exception_live_count(), 0);
}

static wasmc_exception *held_in_payload;
static __attribute__((noinline)) void make_chain(instance *inst, wasmc_exception **out) {
  wasmc_exception *inner = wasmc_exception_new(inst->tags[0]);
  WASMC_EXCEPTION_PUT(inner, 0, uint32_t, 1234);
  wasmc_exception_expose(inner);
  wasmc_exception *outer = wasmc_exception_new(inst->tags[2]); /* (param exnref i32) */
  WASMC_EXCEPTION_PUT(outer, wasmc_tag_offset("xi", 0), wasmc_exception *, inner);
  WASMC_EXCEPTION_PUT(outer, wasmc_tag_offset("xi", 1), uint32_t, 5);
  wasmc_exception_expose(outer);
  held_in_payload = inner;
  *out = outer;
}

static void lifetimes_in_scope(void) {
  /* A global holds one exnref across many collections. */
  wasmc_exception *x = wasmc_exception_new(a1.tags[0]);
  WASMC_EXCEPTION_PUT(x, 0, uint32_t, 31337);
  wasmc_exception_expose(x);
  wasmc_exnref_store(&a1.global0, x);
  x = NULL;
  /* An exnref reachable only through another exception's payload. */
  wasmc_exception *volatile chain = NULL;
  make_chain(&a1, (wasmc_exception **)&chain);
  most_live = 0;
  uint32_t sum = func14_many_refs(&a1, 100000);
  CHECK_EQ(sum, 100000u * 99999u / 2);
  CHECK(most_live <= 4 * 64 + 8); /* collections kept up with 100000 exnrefs */
  printf("lifetimes: 100000 exnrefs caught, at most %zu exceptions live at once\n", most_live);
  wasmc_exception_collect();
  CHECK_EQ(WASMC_EXCEPTION_GET(a1.global0, 0, uint32_t), 31337);
  wasmc_exception *outer = chain;
  CHECK(WASMC_EXCEPTION_GET(outer, wasmc_tag_offset("xi", 0), wasmc_exception *) == held_in_payload);
  CHECK_EQ(WASMC_EXCEPTION_GET(held_in_payload, 0, uint32_t), 1234);
  CHECK_EQ(WASMC_EXCEPTION_GET(outer, wasmc_tag_offset("xi", 1), uint32_t), 5);
  chain = NULL;
}

static void test_lifetimes(void) {
  outcome o;
  CALL(o, lifetimes_in_scope());
  CHECK(o.returned);
  /* Leaving the outermost scope frees all but what the global pins. */
  CHECK_EQ(wasmc_exception_live_count(), 1);
  wasmc_exnref_store(&a1.global0, NULL);
  CHECK_EQ(wasmc_exception_live_count(), 0);
}

#ifdef WASMC_HAS_MUSTTAIL
/* return_call leaves the try_table (try_table.wast "return-call-in-try-catch"):
   (func $tail_in_try (param i32) (result i32)
     (block $h (try_table (catch_all $h) (return_call $thrower (local.get 0)))) (i32.const 111)) */
static int tail_handler_ran;
static __attribute__((noinline)) uint32_t func15_tail_in_try(instance *inst, uint32_t l0) {
  wasmc_handler h0;
  wasmc_handler_push(&h0);
  if (WASMC_HANDLER_LANDED(h0)) {
    tail_handler_ran++;
    wasmc_exception_caught(h0.exception);
    return 111;
  }
  wasmc_handler_pop(&h0); /* the frame, and its handler, are gone before the callee runs */
  WASMC_MUSTTAIL return func0_thrower(inst, l0);
}

static void test_tail_call_leaves_try(void) {
  outcome o;
  volatile uint32_t r = 0; /* assigned inside TRY: C11 7.13.2.1 */
  tail_handler_ran = 0;
  CALL(o, r = func15_tail_in_try(&a1, 6));
  CHECK(!o.returned);
  CHECK_STR(o.trap.detail, "tag \"a\" \"e\"");
  CHECK_EQ(tail_handler_ran, 0);
  wasmc_exception_scope discard = {.uncaught = o.uncaught};
  wasmc_exception_scope_discard(&discard);
  CALL(o, r = func15_tail_in_try(&a1, 0));
  CHECK(o.returned);
  CHECK_EQ(r, 7);
  CHECK_EQ(wasmc_exception_live_count(), 0);
}
#endif

/* Figures, not checks: what a try entry and a throw cost here. */
static __attribute__((noinline)) uint32_t one_try(instance *inst, uint32_t l0) {
  wasmc_handler h0;
  wasmc_handler_push(&h0);
  if (WASMC_HANDLER_LANDED(h0)) {
    wasmc_exception_caught(h0.exception);
    return 0;
  }
  if (l0 == 0xffffffffu)
    throw_a(inst, 0, 1);
  wasmc_handler_pop(&h0);
  return l0 + 1;
}

static double seconds(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static void costs(void) {
  enum { N = 2000000 };
  volatile uint32_t sink = 0;
  double start = seconds();
  for (uint32_t i = 0; i < N; i++)
    sink += one_try(&a1, i);
  double per_try = (seconds() - start) / N * 1e9;
  start = seconds();
  for (uint32_t i = 0; i < N / 10; i++)
    sink += func2_catcher(&a1, 5);
  double per_throw = (seconds() - start) / (N / 10) * 1e9;
  printf("cost: try_table entered and left %.1f ns; throw, catch and free across two calls %.1f ns\n",
         per_try, per_throw);
}

int main(void) {
  wasmc_thread_init();
  module_a_create(&a1);
  module_a_create(&a2);
  module_b_create(&b1, a1.tags[0]);
  test_across_functions();
  test_nested();
  test_catch_ref_throw_ref();
  test_catch_all();
  test_legacy();
  test_two_instances();
  test_host_boundary();
  test_uncaught();
  test_traps_are_not_caught();
  test_lifetimes();
#ifdef WASMC_HAS_MUSTTAIL
  test_tail_call_leaves_try();
#endif
  if (getenv("EXCEPTIONS_COSTS") != NULL) {
    outcome o;
    CALL(o, costs());
    CHECK(o.returned);
  }
  module_destroy(&a1);
  module_destroy(&a2);
  module_destroy(&b1);
  CHECK_EQ(wasmc_exception_live_count(), 0);
  return check_summary();
}
