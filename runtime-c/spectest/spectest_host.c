/* The host side of generated spec-test drivers: see spectest_host.h. */
#include "spectest_host.h"

#include <stdio.h>
#include <string.h>
#include <stdlib.h>

#define MAX_INSTANCES 4096
#define MAX_REGISTERED 256
#define MAX_RESULTS 64

static wasmc_instance *instances[MAX_INSTANCES];
static struct {
  const char *name;
  int id;
} registered[MAX_REGISTERED];
static int registered_count;

/* ---- the "spectest" module ---- */

static void print_void(void *env) { (void)env; }
static void print_i32(void *env, uint32_t a) {
  (void)env;
  (void)a;
}
static void print_i64(void *env, uint64_t a) {
  (void)env;
  (void)a;
}
static void print_f32(void *env, float a) {
  (void)env;
  (void)a;
}
static void print_f64(void *env, double a) {
  (void)env;
  (void)a;
}
static void print_i32_f32(void *env, uint32_t a, float b) {
  (void)env;
  (void)a;
  (void)b;
}
static void print_f64_f64(void *env, double a, double b) {
  (void)env;
  (void)a;
  (void)b;
}

static const wasmc_func spectest_funcs[] = {
    {">", (wasmc_code)print_void, NULL},      {"i>", (wasmc_code)print_i32, NULL},
    {"j>", (wasmc_code)print_i64, NULL},      {"f>", (wasmc_code)print_f32, NULL},
    {"d>", (wasmc_code)print_f64, NULL},      {"if>", (wasmc_code)print_i32_f32, NULL},
    {"dd>", (wasmc_code)print_f64_f64, NULL},
};
static const char *const spectest_func_names[] = {
    "print", "print_i32", "print_i64", "print_f32", "print_f64", "print_i32_f32", "print_f64_f64",
};
static wasmc_value global_values[4];
static wasmc_global spectest_globals[4];
static const char *const spectest_global_names[] = {"global_i32", "global_i64", "global_f32", "global_f64"};
static wasmc_table spectest_table;
static wasmc_table spectest_table64; /* the reference interpreter's "table64": i64 10 20 funcref */
static wasmc_memory spectest_memory;

void spec_init(void) {
  wasmc_thread_init();
  global_values[0].i32 = 666;
  global_values[1].i64 = 666;
  global_values[2].f32 = 666.6f;
  global_values[3].f64 = 666.6;
  const wasmc_valtype types[] = {WASMC_I32, WASMC_I64, WASMC_F32, WASMC_F64};
  for (int i = 0; i < 4; i++)
    spectest_globals[i] = (wasmc_global){types[i], false, &global_values[i]};
  wasmc_table_init(&spectest_table, WASMC_FUNCREF, 10, 20, true);
  wasmc_table_init(&spectest_table64, WASMC_FUNCREF, 10, 20, true);
  spectest_table64.is64 = true;
  wasmc_memory_init(&spectest_memory, 1, 2, true);
  setvbuf(stdout, NULL, _IOLBF, 0);
}

static bool spectest_export(const char *name, wasmc_extern *out) {
  for (size_t i = 0; i < sizeof spectest_func_names / sizeof *spectest_func_names; i++)
    if (strcmp(name, spectest_func_names[i]) == 0) {
      out->kind = WASMC_EXTERN_FUNC;
      out->as.func = &spectest_funcs[i];
      return true;
    }
  for (int i = 0; i < 4; i++)
    if (strcmp(name, spectest_global_names[i]) == 0) {
      out->kind = WASMC_EXTERN_GLOBAL;
      out->as.global = &spectest_globals[i];
      return true;
    }
  if (strcmp(name, "table") == 0) {
    out->kind = WASMC_EXTERN_TABLE;
    out->as.table = &spectest_table;
    return true;
  }
  if (strcmp(name, "table64") == 0) {
    out->kind = WASMC_EXTERN_TABLE;
    out->as.table = &spectest_table64;
    return true;
  }
  if (strcmp(name, "memory") == 0) {
    out->kind = WASMC_EXTERN_MEMORY;
    out->as.memory = &spectest_memory;
    return true;
  }
  return false;
}

/* ---- linking ---- */

static bool resolve_imports(const wasmc_module *module, wasmc_extern *imports, char *error, size_t size) {
  for (uint32_t i = 0; i < module->import_count; i++) {
    const wasmc_import_desc *want = &module->imports[i];
    bool found = false;
    if (strcmp(want->module, "spectest") == 0) {
      found = spectest_export(want->name, &imports[i]);
    } else {
      for (int r = registered_count - 1; r >= 0 && !found; r--)
        if (strcmp(registered[r].name, want->module) == 0 && instances[registered[r].id])
          found = wasmc_instance_export(instances[registered[r].id], want->name, &imports[i], NULL);
    }
    if (!found) {
      snprintf(error, size, "unknown import \"%s\" \"%s\"", want->module, want->name);
      return false;
    }
  }
  return true;
}

static wasmc_instantiate_status instantiate(const wasmc_module *module, wasmc_instance **out, char *error,
                                            size_t size, wasmc_trap_info *trap) {
  wasmc_extern imports[module->import_count ? module->import_count : 1];
  trap->kind = WASMC_TRAP_NONE;
  if (!resolve_imports(module, imports, error, size))
    return WASMC_LINK_ERROR;
  wasmc_instance *instance = calloc(1, sizeof *instance);
  wasmc_instantiate_status status = wasmc_instantiate(module, imports, instance, error, size, trap);
  if (status != WASMC_INSTANTIATED) {
    free(instance);
    return status;
  }
  *out = instance;
  return status;
}

void spec_fail(int line, const char *why) { printf("fail %d: %s\n", line, why); }

void spec_module(int line, int id, const wasmc_module *module) {
  char error[256];
  wasmc_trap_info trap;
  if (instantiate(module, &instances[id], error, sizeof error, &trap) == WASMC_INSTANTIATED)
    printf("ok %d\n", line);
  else
    printf("fail %d: module did not instantiate: %s\n", line, error);
}

void spec_register(int line, const char *name, int id) {
  if (registered_count < MAX_REGISTERED) {
    registered[registered_count].name = name;
    registered[registered_count].id = id;
    registered_count++;
  }
  (void)line;
}

static wasmc_instance *instance_for(int line, int id) {
  if (id < 0 || id >= MAX_INSTANCES || instances[id] == NULL) {
    printf("fail %d: no instance (its module failed)\n", line);
    return NULL;
  }
  return instances[id];
}

/* Export names may hold NUL bytes: the driver passes each name's length here first. */
static size_t spec_name_length;
void spec_name(size_t length) { spec_name_length = length; }

static bool call(int line, int id, const char *name, const wasmc_value *args, wasmc_value *results,
                 wasmc_trap_info *trap, bool *called) {
  *called = false;
  wasmc_instance *instance = instance_for(line, id);
  if (!instance)
    return false;
  *called = true;
  return wasmc_instance_call_n(instance, name, spec_name_length, args, results, trap);
}

void spec_invoke(int line, int id, const char *name, const wasmc_value *args, int nargs) {
  wasmc_value results[MAX_RESULTS];
  wasmc_trap_info trap;
  bool called;
  (void)nargs;
  if (call(line, id, name, args, results, &trap, &called))
    printf("ok %d\n", line);
  else if (called)
    printf("fail %d: trapped: %s %s\n", line, wasmc_trap_message(trap.kind), trap.detail);
}

/* A v128 result: each lane exact, or a NaN of the class a NaN lane asks for. */
static bool matches_v128(const spec_expect *e, wasmc_value v, char *why, size_t size) {
  unsigned char got[16], want[16];
  memcpy(got, &v.v128, 16);
  memcpy(want, &e->bits, 8);
  memcpy(want + 8, &e->high, 8);
  int lane_bytes = e->lane_bits ? e->lane_bits / 8 : 16;
  for (int lane = 0; lane < 16 / lane_bytes; lane++) {
    const unsigned char *g = got + lane * lane_bytes;
    char nan = e->lane_bits ? e->nan[lane] : 0;
    bool ok;
    if (nan == 0) {
      ok = memcmp(g, want + lane * lane_bytes, lane_bytes) == 0;
    } else if (lane_bytes == 4) {
      uint32_t x;
      memcpy(&x, g, 4);
      ok = nan == 'c' ? (x & 0x7fffffffu) == 0x7fc00000u : (x & 0x7fc00000u) == 0x7fc00000u;
    } else {
      uint64_t x;
      memcpy(&x, g, 8);
      ok = nan == 'c' ? (x & 0x7fffffffffffffffull) == 0x7ff8000000000000ull
                      : (x & 0x7ff8000000000000ull) == 0x7ff8000000000000ull;
    }
    if (!ok) {
      uint64_t lo, hi;
      memcpy(&lo, got, 8);
      memcpy(&hi, got + 8, 8);
      snprintf(why, size, "got v128 0x%016llx%016llx, lane %d differs from 0x%016llx%016llx%s",
               (unsigned long long)hi, (unsigned long long)lo, lane, (unsigned long long)e->high,
               (unsigned long long)e->bits, nan ? " (a NaN lane)" : "");
      return false;
    }
  }
  return true;
}

static bool matches(const spec_expect *e, wasmc_value v, char *why, size_t size) {
  uint32_t b32 = v.i32;
  uint64_t b64 = v.i64;
  switch (e->kind) {
  case SPEC_V128: return matches_v128(e, v, why, size);
  case SPEC_EITHER: {
    char last[128] = "";
    for (int i = 0; i < e->count; i++) {
      if (matches(&e->alternatives[i], v, last, sizeof last))
        return true;
    }
    snprintf(why, size, "matches none of %d alternatives (last: %s)", e->count, last);
    return false;
  }
  case SPEC_I32:
  case SPEC_F32:
    if (b32 == (uint32_t)e->bits)
      return true;
    snprintf(why, size, "got 0x%08x, expected 0x%08x", b32, (uint32_t)e->bits);
    return false;
  case SPEC_I64:
  case SPEC_F64:
    if (b64 == e->bits)
      return true;
    snprintf(why, size, "got 0x%016llx, expected 0x%016llx", (unsigned long long)b64,
             (unsigned long long)e->bits);
    return false;
  case SPEC_F32_CANONICAL_NAN:
    if ((b32 & 0x7fffffffu) == 0x7fc00000u)
      return true;
    snprintf(why, size, "got 0x%08x, expected canonical NaN", b32);
    return false;
  case SPEC_F32_ARITHMETIC_NAN:
    if ((b32 & 0x7fc00000u) == 0x7fc00000u)
      return true;
    snprintf(why, size, "got 0x%08x, expected arithmetic NaN", b32);
    return false;
  case SPEC_F64_CANONICAL_NAN:
    if ((b64 & 0x7fffffffffffffffull) == 0x7ff8000000000000ull)
      return true;
    snprintf(why, size, "got 0x%016llx, expected canonical NaN", (unsigned long long)b64);
    return false;
  case SPEC_F64_ARITHMETIC_NAN:
    if ((b64 & 0x7ff8000000000000ull) == 0x7ff8000000000000ull)
      return true;
    snprintf(why, size, "got 0x%016llx, expected arithmetic NaN", (unsigned long long)b64);
    return false;
  case SPEC_REF_NULL:
    if (v.externref == NULL)
      return true;
    snprintf(why, size, "got a non-null reference, expected null");
    return false;
  case SPEC_REF_FUNC:
    if (v.funcref != NULL)
      return true;
    snprintf(why, size, "got null, expected a function reference");
    return false;
  case SPEC_REF_EXTERN:
    if (v.externref == SPEC_EXTERN(e->bits))
      return true;
    snprintf(why, size, "got extern %p, expected extern %llu", v.externref, (unsigned long long)e->bits);
    return false;
  }
  return false;
}

void spec_assert_return(int line, int id, const char *name, const wasmc_value *args, int nargs,
                        const spec_expect *expected, int nexpected) {
  wasmc_value results[MAX_RESULTS];
  memset(results, 0, sizeof results);
  wasmc_trap_info trap;
  bool called;
  (void)nargs;
  if (!call(line, id, name, args, results, &trap, &called)) {
    if (called)
      printf("fail %d: trapped: %s %s\n", line, wasmc_trap_message(trap.kind), trap.detail);
    return;
  }
  for (int i = 0; i < nexpected; i++) {
    char why[128];
    if (!matches(&expected[i], results[i], why, sizeof why)) {
      printf("fail %d: result %d: %s\n", line, i, why);
      return;
    }
  }
  printf("ok %d\n", line);
}

void spec_assert_get(int line, int id, const char *name, const spec_expect *expected) {
  wasmc_instance *instance = instance_for(line, id);
  if (!instance)
    return;
  wasmc_extern global;
  if (!wasmc_instance_export(instance, name, &global, NULL) || global.kind != WASMC_EXTERN_GLOBAL) {
    printf("fail %d: no exported global \"%s\"\n", line, name);
    return;
  }
  char why[128];
  if (matches(expected, *global.as.global->value, why, sizeof why))
    printf("ok %d\n", line);
  else
    printf("fail %d: %s\n", line, why);
}

/* The spec's messages may extend ours ("... to integer" etc.): ours must be part of theirs. */
static bool trap_matches(wasmc_trap_kind kind, const char *message) {
  return strstr(message, wasmc_trap_message(kind)) != NULL;
}

void spec_assert_trap(int line, int id, const char *name, const wasmc_value *args, int nargs,
                      const char *message) {
  wasmc_value results[MAX_RESULTS];
  wasmc_trap_info trap;
  bool called;
  (void)nargs;
  if (call(line, id, name, args, results, &trap, &called)) {
    printf("fail %d: returned, expected trap \"%s\"\n", line, message);
  } else if (called) {
    if (trap_matches(trap.kind, message))
      printf("ok %d\n", line);
    else
      printf("fail %d: trapped with \"%s\", expected \"%s\"\n", line, wasmc_trap_message(trap.kind), message);
  }
}

void spec_assert_exhaustion(int line, int id, const char *name, const wasmc_value *args, int nargs) {
  wasmc_value results[MAX_RESULTS];
  wasmc_trap_info trap;
  bool called;
  (void)nargs;
  if (call(line, id, name, args, results, &trap, &called))
    printf("fail %d: returned, expected call stack exhaustion\n", line);
  else if (called) {
    if (trap.kind == WASMC_TRAP_CALL_STACK_EXHAUSTED)
      printf("ok %d\n", line);
    else
      printf("fail %d: trapped with \"%s\", expected exhaustion\n", line, wasmc_trap_message(trap.kind));
  }
}

void spec_assert_exception(int line, int id, const char *name, const wasmc_value *args, int nargs) {
  wasmc_value results[MAX_RESULTS];
  wasmc_trap_info trap;
  bool called;
  (void)nargs;
  if (call(line, id, name, args, results, &trap, &called))
    printf("fail %d: returned, expected an exception\n", line);
  else if (called) {
    if (trap.kind == WASMC_TRAP_UNCAUGHT_EXCEPTION)
      printf("ok %d\n", line);
    else
      printf("fail %d: trapped with \"%s\", expected an exception\n", line, wasmc_trap_message(trap.kind));
  }
}

void spec_assert_unlinkable(int line, const wasmc_module *module) {
  char error[256];
  wasmc_trap_info trap;
  wasmc_instance *instance = NULL;
  wasmc_instantiate_status status = instantiate(module, &instance, error, sizeof error, &trap);
  if (status == WASMC_INSTANTIATED)
    printf("fail %d: module linked, expected it to be unlinkable\n", line);
  else if (status != WASMC_LINK_ERROR)
    printf("fail %d: linked but failed to instantiate: %s\n", line, error);
  else
    printf("ok %d\n", line);
}

void spec_assert_uninstantiable(int line, int id, const wasmc_module *module, const char *message) {
  char error[256];
  wasmc_trap_info trap;
  wasmc_instantiate_status status = instantiate(module, &instances[id], error, sizeof error, &trap);
  if (status == WASMC_INSTANTIATED)
    printf("fail %d: module instantiated, expected a trap\n", line);
  else if (status == WASMC_INSTANTIATION_TRAPPED && trap_matches(trap.kind, message))
    printf("ok %d\n", line);
  else if (status == WASMC_INSTANTIATION_TRAPPED)
    printf("fail %d: trapped with \"%s\", expected \"%s\"\n", line, wasmc_trap_message(trap.kind), message);
  else
    printf("fail %d: failed without a trap: %s\n", line, error);
}
