/*
 * Support for drivers that `wasmc spec-test` generates from .wast scripts:
 * the "spectest" host module, a registry of named instances for imports,
 * and one function per script command. Each command prints one line:
 *   ok LINE | fail LINE: why
 */
#ifndef WASMC_SPECTEST_HOST_H
#define WASMC_SPECTEST_HOST_H

#include "wasmc_rt.h"

typedef enum spec_expect_kind {
  SPEC_I32,
  SPEC_I64,
  SPEC_F32,
  SPEC_F64,
  SPEC_F32_CANONICAL_NAN,
  SPEC_F32_ARITHMETIC_NAN,
  SPEC_F64_CANONICAL_NAN,
  SPEC_F64_ARITHMETIC_NAN,
  SPEC_REF_NULL,
  SPEC_REF_FUNC,
  SPEC_REF_EXTERN,
  SPEC_V128,   /* bits and high: the 128 bits, but for the NaN lanes in nan */
  SPEC_EITHER, /* any one of alternatives[0..count) */
} spec_expect_kind;

typedef struct spec_expect {
  spec_expect_kind kind;
  uint64_t bits; /* value bits, or the extern id for SPEC_REF_EXTERN */
  uint64_t high; /* SPEC_V128: the high 64 bits (lanes 8-15 of i8x16) */
  int lane_bits; /* SPEC_V128 with NaN lanes: 32 (f32x4) or 64 (f64x2) */
  char nan[4];   /* per lane: 0 exact, 'c' canonical NaN, 'a' arithmetic NaN */
  int count;
  const struct spec_expect *alternatives;
} spec_expect;

/* ref.extern N as a host reference: never NULL, distinct per N. */
#define SPEC_EXTERN(n) ((void *)(uintptr_t)((uint64_t)(n) + 1))

void spec_init(void);
/* Length of the export name of the next invoke/assert command (names may hold NUL). */
void spec_name(size_t length);
/* Instantiate `module` as instance `id` (plain module command). */
void spec_module(int line, int id, const wasmc_module *module);
void spec_register(int line, const char *name, int id);
void spec_invoke(int line, int id, const char *name, const wasmc_value *args, int nargs);
void spec_assert_return(int line, int id, const char *name, const wasmc_value *args, int nargs,
                        const spec_expect *expected, int nexpected);
void spec_assert_get(int line, int id, const char *name, const spec_expect *expected);
void spec_assert_trap(int line, int id, const char *name, const wasmc_value *args, int nargs,
                      const char *message);
void spec_assert_exhaustion(int line, int id, const char *name, const wasmc_value *args, int nargs);
/* The call must end with an uncaught exception (exception handling), not return nor trap. */
void spec_assert_exception(int line, int id, const char *name, const wasmc_value *args, int nargs);
void spec_assert_unlinkable(int line, const wasmc_module *module);
void spec_assert_uninstantiable(int line, int id, const wasmc_module *module, const char *message);
/* A command the generator could not translate (e.g. its module failed to compile). */
void spec_fail(int line, const char *why);

#endif
