/*
 * wasmc runtime: the embedding API.
 *
 * This header is what a host or an embedder calls: instances, memories,
 * tables and globals as seen from outside, traps, running exports, the
 * program table and host functions written in C (with wasmc_wasi.h: the WASI
 * context). Everything public carries the `wasmc_` / `WASMC_` prefix, and
 * every function the runtime defines for it is declared WASMC_API. The
 * runtime is built with -fvisibility=hidden, so a program exports nothing of
 * the runtime but this API.
 *
 * Generated code includes wasmc_module.h instead: the helpers of each
 * instruction (loads and stores, sandbox checks, numerics), which include
 * this header. Hosts never need them.
 *
 * Value representation
 *   i32 -> uint32_t, i64 -> uint64_t, f32 -> float, f64 -> double,
 *   funcref -> const wasmc_func *, externref -> void *,
 *   exnref -> wasmc_exception * (wasmc_exceptions.h). NULL is ref.null.
 *
 * Calling convention
 *   Every function, generated or host, takes its environment first:
 *     RESULT f(void *env, PARAM0, PARAM1, ...)
 *   A function with no result returns void, one result returns it directly,
 *   several results return a struct of fields r0, r1, ... in order
 *   (see WASMC_RESULTS_TYPE in generated code). `env` is the module instance
 *   for generated code and whatever the host registered for host functions.
 */
#ifndef WASMC_RT_H
#define WASMC_RT_H
#define WASMC_RT_ABI_VERSION 3

#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

/* What the runtime exports: the functions of this header and wasmc_wasi.h. */
#define WASMC_API __attribute__((visibility("default")))
#define WASMC_NORETURN __attribute__((noreturn))

#define WASMC_PAGE_SIZE 65536u
#define WASMC_MAX_PAGES 65536u

/* ------------------------------------------------------------------------ */
/* Traps                                                                    */
/* ------------------------------------------------------------------------ */

typedef enum wasmc_trap_kind {
  WASMC_TRAP_NONE = 0,
  WASMC_TRAP_UNREACHABLE,
  WASMC_TRAP_INT_DIV_BY_ZERO,
  WASMC_TRAP_INT_OVERFLOW,
  WASMC_TRAP_INVALID_CONVERSION,
  WASMC_TRAP_OOB_MEMORY,
  WASMC_TRAP_OOB_TABLE,
  WASMC_TRAP_UNINITIALIZED_ELEMENT,
  WASMC_TRAP_UNDEFINED_ELEMENT,
  WASMC_TRAP_INDIRECT_CALL_TYPE_MISMATCH,
  WASMC_TRAP_NULL_REFERENCE,
  WASMC_TRAP_CALL_STACK_EXHAUSTED,
  WASMC_TRAP_HOST, /* a host function reported an unrecoverable error */
  WASMC_TRAP_EXIT, /* proc_exit: not an error, carries an exit code */
  WASMC_TRAP_UNCAUGHT_EXCEPTION, /* a wasm exception no handler caught; the detail names its tag */
  WASMC_TRAP_NULL_FUNCTION_REFERENCE, /* call_ref of a null reference */
} wasmc_trap_kind;

/* The spec's wording for each trap kind ("integer divide by zero", ...). */
WASMC_API const char *wasmc_trap_message(wasmc_trap_kind kind);

/* What a trap left behind, for reporting. */
typedef struct wasmc_trap_info {
  wasmc_trap_kind kind;
  const char *function; /* C name of the function that trapped, if known */
  int exit_code;        /* for WASMC_TRAP_EXIT */
  char detail[160];     /* extra text from a host trap */
} wasmc_trap_info;

/* One activation of wasm code on this thread: a jump target for traps. */
typedef struct wasmc_trap_frame {
  sigjmp_buf jump;
  struct wasmc_trap_frame *previous;
  wasmc_trap_info info;
} wasmc_trap_frame;

/*
 * Called by host functions (on the thread of the wasm code that called them)
 * to stop that code: an unrecoverable host error (WASMC_TRAP_HOST, with
 * `detail` in the trap's info) or proc_exit (WASMC_TRAP_EXIT).
 */
WASMC_API WASMC_NORETURN void wasmc_trap_host(const char *detail);
WASMC_API WASMC_NORETURN void wasmc_trap_exit(int exit_code);

/*
 * Run `call` (a statement) with traps caught. Evaluates to true when the call
 * returned normally; on a trap it evaluates to false and `frame.info` says
 * why. Frames nest: a host function may call back into wasm.
 *
 *   wasmc_trap_frame frame;
 *   if (WASMC_TRY(frame, result = export(inst, 1, 2))) ... else report(&frame.info);
 */
WASMC_API void wasmc_trap_frame_push(wasmc_trap_frame *frame);
WASMC_API void wasmc_trap_frame_pop(wasmc_trap_frame *frame);
/* sigsetjmp stands alone as the controlling expression of an `if`, as C requires. The flag is
 * volatile: a local changed between sigsetjmp and siglongjmp is indeterminate after the jump
 * (C11 7.13.2.1), and gcc -O2 (aarch64) does store `true` before a call it knows ends in a trap. */
#define WASMC_TRY(frame, call)                 \
  ({                                           \
    volatile bool wasmc_try_returned_ = false; \
    wasmc_trap_frame_push(&(frame));           \
    if (sigsetjmp((frame).jump, 0) == 0) {     \
      call;                                    \
      wasmc_try_returned_ = true;              \
    }                                          \
    wasmc_trap_frame_pop(&(frame));            \
    wasmc_try_returned_;                       \
  })

/* ------------------------------------------------------------------------ */
/* Threads                                                                  */
/* ------------------------------------------------------------------------ */

/* Prepare the calling thread to run wasm code: stack limit, signal stack. */
WASMC_API void wasmc_thread_init(void);

/* ------------------------------------------------------------------------ */
/* Functions and references                                                 */
/* ------------------------------------------------------------------------ */

/*
 * A function value: what funcref holds, what tables store, what imports and
 * exports of functions pass around. `type` is a canonical signature string:
 * one letter per parameter, '>' and one letter per result, with
 * i=i32 j=i64 f=f32 d=f64 r=funcref e=externref (e.g. "ij>f", ">").
 * `code` takes the parameters of that signature. `tail_code` is NULL except for
 * functions of modules that use tail calls (return_call*): there it is the
 * same function in the uniform prototype of wasmc_tail_calls.h, through which
 * a tail call to another module's function reuses the caller's stack frame.
 * Hosts leave it NULL; a tail call to such a function is an ordinary call.
 */
typedef void (*wasmc_code)(void);
typedef uint64_t (*wasmc_tail_code)(void *env, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
                                    uint64_t a4);
typedef struct wasmc_func {
  const char *type;
  wasmc_code code;
  void *env;
  wasmc_tail_code tail_code;
} wasmc_func;

static inline bool wasmc_func_type_equal(const char *a, const char *b) { return a == b || strcmp(a, b) == 0; }

/* ------------------------------------------------------------------------ */
/* Values                                                                   */
/* ------------------------------------------------------------------------ */

typedef enum wasmc_valtype {
  WASMC_I32 = 'i',
  WASMC_I64 = 'j',
  WASMC_F32 = 'f',
  WASMC_F64 = 'd',
  WASMC_FUNCREF = 'r',
  WASMC_EXTERNREF = 'e',
  WASMC_V128 = 'v',
  WASMC_EXNREF = 'x', /* exception handling: a reference to an exception */
} wasmc_valtype;

/* A v128 value: 16 bytes, lane 0 at the lowest address (a GCC/clang vector;
 * wasmc_simd.h holds the operations on it). */
#ifndef WASMC_V128_TYPE
#define WASMC_V128_TYPE 1
typedef uint64_t wasmc_v128 __attribute__((vector_size(16)));
#endif

/* A value of any type, for generic calls and globals. */
typedef union wasmc_value {
  uint32_t i32;
  uint64_t i64;
  float f32;
  double f64;
  wasmc_v128 v128;
  const wasmc_func *funcref;
  void *externref;
  struct wasmc_exception *exnref; /* see wasmc_exceptions.h */
} wasmc_value;

/* Float values by their bits (NaN payloads exact), for hosts and generated code. */
static inline float wasmc_f32_from_bits(uint32_t bits) {
  float f;
  memcpy(&f, &bits, 4);
  return f;
}
static inline double wasmc_f64_from_bits(uint64_t bits) {
  double d;
  memcpy(&d, &bits, 8);
  return d;
}
static inline uint32_t wasmc_f32_bits(float f) {
  uint32_t bits;
  memcpy(&bits, &f, 4);
  return bits;
}
static inline uint64_t wasmc_f64_bits(double d) {
  uint64_t bits;
  memcpy(&bits, &d, 8);
  return bits;
}

/* ------------------------------------------------------------------------ */
/* Linear memory                                                            */
/* ------------------------------------------------------------------------ */

typedef struct wasmc_memory {
  uint8_t *data;
  uint64_t size; /* accessible bytes: pages * 64 KiB */
  uint64_t pages;
  uint64_t max_pages; /* declared maximum, or 65536 */
  bool has_max;
  uint64_t reserved; /* bytes of address space mapped for it */
  bool is64;         /* memory64: i64 addresses (set by its module after init) */
} wasmc_memory;

/* Allocate a memory; false when the host cannot provide the initial pages. */
WASMC_API bool wasmc_memory_init(wasmc_memory *memory, uint64_t initial_pages, uint64_t max_pages,
                                 bool has_max);
WASMC_API void wasmc_memory_free(wasmc_memory *memory);
/* memory.grow: the old size in pages, or -1 (as uint32_t) on failure. */
WASMC_API uint32_t wasmc_memory_grow(wasmc_memory *memory, uint64_t delta_pages);

/*
 * Range check for host code and bulk operations: is [addr, addr+len) inside
 * the memory? Host functions (WASI, the Swift table) must pass every guest
 * pointer through this (or wasmc_memory_ptr) before touching it.
 */
static inline bool wasmc_memory_in_bounds(const wasmc_memory *mem, uint64_t addr, uint64_t len) {
  return addr <= mem->size && len <= mem->size - addr;
}
/* Host pointer for a guest range, or NULL if any byte is out of bounds. */
static inline void *wasmc_memory_ptr(const wasmc_memory *mem, uint64_t addr, uint64_t len) {
  return wasmc_memory_in_bounds(mem, addr, len) ? mem->data + addr : NULL;
}

/* ------------------------------------------------------------------------ */
/* Tables                                                                   */
/* ------------------------------------------------------------------------ */

/*
 * A table's size always fits 32 bits (the runtime caps it far below 2^32), but a
 * table with i64 indices (table64, the memory64 proposal) has a 64-bit maximum and
 * is indexed by 64-bit values: every index, length and delta is a uint64_t, so a
 * 32-bit one widens without change and no bounds check can wrap.
 */
typedef struct wasmc_table {
  void **elements; /* const wasmc_func * for funcref tables, void * for externref */
  uint32_t size;
  uint64_t max;
  bool has_max;
  char element_type; /* a wasmc_valtype: WASMC_FUNCREF or WASMC_EXTERNREF */
  const char *ref_type; /* a typed reference element type's canonical code ("Nr", "Q(i>)"), else NULL */
  bool is64;         /* table64: i64 indices (set by its module after init) */
} wasmc_table;

WASMC_API bool wasmc_table_init(wasmc_table *table, char element_type, uint64_t initial, uint64_t max,
                                bool has_max);
WASMC_API void wasmc_table_free(wasmc_table *table);
/* table.grow: the old size, or -1 (as uint32_t) on failure. */
WASMC_API uint32_t wasmc_table_grow(wasmc_table *table, uint64_t delta, void *init);

/* ------------------------------------------------------------------------ */
/* Globals                                                                  */
/* ------------------------------------------------------------------------ */

typedef struct wasmc_global {
  wasmc_valtype type;
  bool is_mutable;
  wasmc_value *value; /* storage, owned by the defining instance or host */
  const char *ref_type; /* a typed reference type's canonical code ("Nr", "Q(i>)"), else NULL */
} wasmc_global;

/* ------------------------------------------------------------------------ */
/* Modules, imports, exports, instances                                     */
/* ------------------------------------------------------------------------ */

typedef enum wasmc_extern_kind {
  WASMC_EXTERN_FUNC = 0,
  WASMC_EXTERN_TABLE,
  WASMC_EXTERN_MEMORY,
  WASMC_EXTERN_GLOBAL,
  WASMC_EXTERN_TAG, /* exception handling: a tag (wasmc_exceptions.h); its address is its identity */
} wasmc_extern_kind;

/* A resolved import or an export. */
typedef struct wasmc_extern {
  wasmc_extern_kind kind;
  union {
    const wasmc_func *func;
    wasmc_table *table;
    wasmc_memory *memory;
    const wasmc_global *global;
    const struct wasmc_tag *tag;
  } as;
} wasmc_extern;

/* What a module expects of one import. */
typedef struct wasmc_import_desc {
  const char *module;
  const char *name;
  wasmc_extern_kind kind;
  const char *func_type;    /* FUNC: signature string; TAG: its parameters' letters ("if") */
  wasmc_valtype value_type; /* GLOBAL: value type; TABLE: element type;
                                MEMORY: WASMC_I64 for a 64-bit memory, else 0 */
  bool is_mutable;          /* GLOBAL */
  uint64_t min;             /* TABLE/MEMORY limits */
  uint64_t max;
  bool has_max;
  const char *ref_type; /* TABLE, GLOBAL: a typed reference's canonical code ("Nr", "Q(i>)"), else NULL */
  bool table64;             /* TABLE: a table with i64 indices */
} wasmc_import_desc;

typedef struct wasmc_export_desc {
  const char *name;
  uint32_t name_length; /* names may contain NUL bytes */
  wasmc_extern_kind kind;
  uint32_t index; /* in the module's index space of that kind */
  const char *func_type;
} wasmc_export_desc;

/* Call an exported function generically: args and results in order. */
typedef void (*wasmc_invoker)(const wasmc_func *func, const wasmc_value *args, wasmc_value *results);

/* Everything the runtime needs to know of one compiled module. */
typedef struct wasmc_module {
  const char *name;
  bool guard_pages; /* compiled for WASMC_BOUNDS_GUARD; must match the runtime */
  size_t instance_size;
  uint32_t import_count;
  const wasmc_import_desc *imports;
  uint32_t export_count;
  const wasmc_export_desc *exports;
  const wasmc_invoker *export_invokers; /* per export; NULL if not a function */
  /*
   * Bind imports (already type-checked by wasmc_instantiate), allocate
   * memories and tables. False when the host cannot allocate them.
   */
  bool (*create)(void *instance, const wasmc_extern *imports);
  /* Evaluate globals and segments, then run the start function. May trap. */
  void (*initialize)(void *instance);
  void (*export_of)(void *instance, uint32_t export_index, wasmc_extern *out);
  void (*destroy)(void *instance);
} wasmc_module;

/* An instance as the host sees it. */
typedef struct wasmc_instance {
  const wasmc_module *module;
  void *state; /* module->instance_size bytes, generated layout */
} wasmc_instance;

/*
 * Check `imports` (one per module->imports entry, in order) against the
 * module's declarations, per the spec's import matching rules. On a mismatch
 * writes a message naming the import into `error` and returns false.
 */
WASMC_API bool wasmc_check_imports(const wasmc_module *module, const wasmc_extern *imports, char *error,
                                   size_t error_size);

typedef enum wasmc_instantiate_status {
  WASMC_INSTANTIATED = 0,
  WASMC_LINK_ERROR,            /* an import does not match its declaration */
  WASMC_ALLOCATION_ERROR,      /* memories or tables could not be allocated */
  WASMC_INSTANTIATION_TRAPPED, /* a segment or the start function trapped */
} wasmc_instantiate_status;

/*
 * Link and instantiate: checks imports, creates the instance, runs segment
 * initialisation and the start function under a trap frame. On failure sets
 * `error` (and `trap` when a trap caused it). An instance whose
 * initialisation trapped still exists (its effects on imported memories and
 * tables persist, per the spec) but is not returned.
 */
WASMC_API wasmc_instantiate_status wasmc_instantiate(const wasmc_module *module, const wasmc_extern *imports,
                                                     wasmc_instance *out, char *error, size_t error_size,
                                                     wasmc_trap_info *trap);
WASMC_API void wasmc_instance_free(wasmc_instance *instance);

/* Look an export up by name; false when there is none. */
WASMC_API bool wasmc_instance_export(const wasmc_instance *instance, const char *name, wasmc_extern *out,
                                     const char **func_type);

/* Call an exported function by name, catching traps. */
WASMC_API bool wasmc_instance_call(const wasmc_instance *instance, const char *name, const wasmc_value *args,
                                   wasmc_value *results, wasmc_trap_info *trap);

/* The same for names given with a length (export names may contain NUL). */
WASMC_API bool wasmc_instance_export_n(const wasmc_instance *instance, const char *name, size_t name_length,
                                       wasmc_extern *out, const char **func_type);
WASMC_API bool wasmc_instance_call_n(const wasmc_instance *instance, const char *name, size_t name_length,
                                     const wasmc_value *args, wasmc_value *results, wasmc_trap_info *trap);

/* ------------------------------------------------------------------------ */
/* Programs                                                                 */
/* ------------------------------------------------------------------------ */

/*
 * An executable built by `wasmc compile` is runtime-c/host/program_main.c
 * plus a generated table of its modules, in instantiation order. A module
 * imports the exports of an earlier one by its `name`.
 */
typedef struct wasmc_program_module {
  const char *name;
  const wasmc_module *module;
} wasmc_program_module;

/* The program's modules (generated): sets *count, returns the first. */
WASMC_API const wasmc_program_module *wasmc_program_modules(int *count);

/*
 * Host functions written in C (`wasmc compile --host-c FILE.c`): the file
 * defines this table, ended by an entry whose module is NULL. Programs look
 * imports up here before the exports of other modules.
 *
 *   static uint32_t add(void *env, uint32_t a, uint32_t b) { return a + b; }
 *   const wasmc_host_function wasmc_user_host_functions[] = {
 *       {"env", "add", {"ii>i", (wasmc_code)add, NULL}},
 *       {NULL, NULL, {NULL, NULL, NULL}},
 *   };
 */
typedef struct wasmc_host_function {
  const char *module;
  const char *name;
  wasmc_func func;
} wasmc_host_function;

/* Finds (module, name) in the linked wasmc_user_host_functions, if any. */
WASMC_API bool wasmc_user_host_resolve(const char *module, const char *name, wasmc_extern *out);

#ifdef __cplusplus
}
#endif

#endif /* WASMC_RT_H */
