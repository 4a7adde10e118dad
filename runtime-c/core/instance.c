/* Linking and instantiation: import matching per the spec, export lookup. */
#include "wasmc_module.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *kind_name(wasmc_extern_kind kind) {
  switch (kind) {
  case WASMC_EXTERN_FUNC: return "function";
  case WASMC_EXTERN_TABLE: return "table";
  case WASMC_EXTERN_MEMORY: return "memory";
  case WASMC_EXTERN_GLOBAL: return "global";
  case WASMC_EXTERN_TAG: return "tag";
  }
  return "extern";
}

/* Limits subtyping (spec 2.0, "Import Subtyping"): {n1,m1} <= {n2,m2}. */
static bool limits_match(uint64_t actual_min, uint64_t actual_max, bool actual_has_max,
                         const wasmc_import_desc *want) {
  if (actual_min < want->min)
    return false;
  if (want->has_max && (!actual_has_max || actual_max > want->max))
    return false;
  return true;
}

/* The canonical code of a reference type (see FunctionSignature.canonicalString): the
 * typed reference's code, or "r" / "e" for funcref / externref; NULL for other types. */
static const char *reference_code(wasmc_valtype type, const char *ref_type) {
  if (ref_type != NULL)
    return ref_type;
  return type == WASMC_FUNCREF ? "r" : type == WASMC_EXTERNREF ? "e" : NULL;
}

static bool same_code(const char *a, const char *b) { return a == b || (a && b && strcmp(a, b) == 0); }

/* Reference subtyping (typed function references): "r" and "e" are nullable func and
 * extern, "N"/"Q" prefix a non-null/nullable heap type: "r", "e" or "(signature)".
 * (ref $t) <: (ref null $t) <: (ref null func); a function type is a subtype of func. */
static bool reference_subtype(const char *have, const char *want) {
  if (same_code(have, want))
    return true;
  if (have == NULL || want == NULL)
    return false;
  bool have_nullable = have[0] != 'N', want_nullable = want[0] != 'N';
  const char *have_heap = (have[0] == 'N' || have[0] == 'Q') ? have + 1 : have;
  const char *want_heap = (want[0] == 'N' || want[0] == 'Q') ? want + 1 : want;
  if (have_nullable && !want_nullable)
    return false;
  return strcmp(have_heap, want_heap) == 0 || (have_heap[0] == '(' && want_heap[0] == 'r');
}

static bool import_matches(const wasmc_import_desc *want, const wasmc_extern *have, char *why,
                           size_t why_size) {
  if (have->kind != want->kind) {
    snprintf(why, why_size, "expected a %s, got a %s", kind_name(want->kind), kind_name(have->kind));
    return false;
  }
  switch (want->kind) {
  case WASMC_EXTERN_FUNC:
    if (!wasmc_func_type_equal(have->as.func->type, want->func_type)) {
      snprintf(why, why_size, "expected signature %s, got %s", want->func_type, have->as.func->type);
      return false;
    }
    return true;
  case WASMC_EXTERN_TABLE:
    /* Table element types are invariant (the table is mutable). */
    if (have->as.table->element_type != (char)want->value_type ||
        !same_code(reference_code(have->as.table->element_type, have->as.table->ref_type),
                   reference_code(want->value_type, want->ref_type))) {
      snprintf(why, why_size, "table element types differ");
      return false;
    }
    if (have->as.table->is64 != want->table64) {
      snprintf(why, why_size, "table address types differ (i32 and i64)");
      return false;
    }
    if (!limits_match(have->as.table->size, have->as.table->max, have->as.table->has_max, want)) {
      snprintf(why, why_size, "table limits do not match");
      return false;
    }
    return true;
  case WASMC_EXTERN_MEMORY:
    if (have->as.memory->is64 != (want->value_type == WASMC_I64)) {
      snprintf(why, why_size, "memory address types differ (i32 and i64)");
      return false;
    }
    if (!limits_match(have->as.memory->pages, have->as.memory->max_pages, have->as.memory->has_max, want)) {
      snprintf(why, why_size, "memory limits do not match");
      return false;
    }
    return true;
  case WASMC_EXTERN_GLOBAL:
    if (have->as.global->is_mutable != want->is_mutable) {
      snprintf(why, why_size, "global mutability does not match");
      return false;
    }
    {
      /* A constant global's reference type may be a subtype of the import's; a mutable one's
       * must be the same (spec 3.0, "Import Subtyping"). */
      const char *have_code = reference_code(have->as.global->type, have->as.global->ref_type);
      const char *want_code = reference_code(want->value_type, want->ref_type);
      bool matches = have_code == NULL || want_code == NULL
                         ? have->as.global->type == want->value_type && have_code == want_code
                     : want->is_mutable ? same_code(have_code, want_code)
                                        : reference_subtype(have_code, want_code);
      if (!matches) {
        snprintf(why, why_size, "global type does not match");
        return false;
      }
    }
    return true;
  case WASMC_EXTERN_TAG:
    /* Tag types are function types without results: equal parameter lists. */
    if (!wasmc_func_type_equal(have->as.tag->type, want->func_type)) {
      snprintf(why, why_size, "expected a tag of type (%s), got (%s)", want->func_type, have->as.tag->type);
      return false;
    }
    return true;
  }
  return false;
}

bool wasmc_check_imports(const wasmc_module *module, const wasmc_extern *imports, char *error,
                         size_t error_size) {
  for (uint32_t i = 0; i < module->import_count; i++) {
    const wasmc_import_desc *want = &module->imports[i];
    char why[128];
    if (!import_matches(want, &imports[i], why, sizeof why)) {
      snprintf(error, error_size, "incompatible import type for \"%s\" \"%s\": %s", want->module, want->name,
               why);
      return false;
    }
  }
  return true;
}

wasmc_instantiate_status wasmc_instantiate(const wasmc_module *module, const wasmc_extern *imports,
                                           wasmc_instance *out, char *error, size_t error_size,
                                           wasmc_trap_info *trap) {
  out->module = module;
  out->state = NULL;
  if (trap)
    trap->kind = WASMC_TRAP_NONE;
  if (module->guard_pages != WASMC_BOUNDS_GUARD_ENABLED) {
    snprintf(error, error_size, "module %s was compiled for %s bounds checks but the runtime uses %s",
             module->name, module->guard_pages ? "guard-page" : "explicit",
             WASMC_BOUNDS_GUARD_ENABLED ? "guard pages" : "explicit checks");
    return WASMC_LINK_ERROR;
  }
  if (!wasmc_check_imports(module, imports, error, error_size))
    return WASMC_LINK_ERROR;
  void *state = calloc(1, module->instance_size);
  if (state == NULL || !module->create(state, imports)) {
    free(state);
    snprintf(error, error_size, "cannot allocate the memories and tables of %s", module->name);
    return WASMC_ALLOCATION_ERROR;
  }
  /* The start function is wasm code entered from the host: a scope (see wasmc_instance_call_n). */
  wasmc_exception_scope scope;
  wasmc_trap_frame frame;
  wasmc_exception_scope_enter(&scope);
  bool initialized = WASMC_TRY(frame, module->initialize(state));
  wasmc_exception_scope_leave(&scope);
  if (!initialized) {
    snprintf(error, error_size, "%s", wasmc_trap_message(frame.info.kind));
    if (trap)
      *trap = frame.info;
    wasmc_exception_scope_hand_back(&scope);
    /* Its memories and tables may be shared with other instances; keep it. */
    return WASMC_INSTANTIATION_TRAPPED;
  }
  out->state = state;
  return WASMC_INSTANTIATED;
}

void wasmc_instance_free(wasmc_instance *instance) {
  if (instance->state) {
    instance->module->destroy(instance->state);
    free(instance->state);
    instance->state = NULL;
  }
}

static int find_export(const wasmc_module *module, const char *name, size_t length) {
  for (uint32_t i = 0; i < module->export_count; i++)
    if (module->exports[i].name_length == length && memcmp(module->exports[i].name, name, length) == 0)
      return (int)i;
  return -1;
}

bool wasmc_instance_export(const wasmc_instance *instance, const char *name, wasmc_extern *out,
                           const char **func_type) {
  return wasmc_instance_export_n(instance, name, strlen(name), out, func_type);
}

bool wasmc_instance_call(const wasmc_instance *instance, const char *name, const wasmc_value *args,
                         wasmc_value *results, wasmc_trap_info *trap) {
  return wasmc_instance_call_n(instance, name, strlen(name), args, results, trap);
}

bool wasmc_instance_export_n(const wasmc_instance *instance, const char *name, size_t name_length,
                             wasmc_extern *out, const char **func_type) {
  int index = find_export(instance->module, name, name_length);
  if (index < 0)
    return false;
  instance->module->export_of(instance->state, (uint32_t)index, out);
  if (func_type)
    *func_type = instance->module->exports[index].func_type;
  return true;
}

bool wasmc_instance_call_n(const wasmc_instance *instance, const char *name, size_t name_length,
                           const wasmc_value *args, wasmc_value *results, wasmc_trap_info *trap) {
  int index = find_export(instance->module, name, name_length);
  if (index < 0 || instance->module->exports[index].kind != WASMC_EXTERN_FUNC) {
    if (trap) {
      trap->kind = WASMC_TRAP_HOST;
      snprintf(trap->detail, sizeof trap->detail, "no exported function \"%.*s\"", (int)name_length, name);
    }
    return false;
  }
  wasmc_extern func;
  instance->module->export_of(instance->state, (uint32_t)index, &func);
  wasmc_invoker invoke = instance->module->export_invokers[index];
  /*
   * Every entry from host code into wasm code is an exception scope: a throw never reaches a
   * handler beyond this host frame (no longjmp crosses it). An exception no handler of the
   * call caught ends it like a trap (WASMC_TRAP_UNCAUGHT_EXCEPTION, naming the tag); when this
   * host code was itself called by wasm (a callback), it is then handed back and rethrown in
   * that wasm code as soon as the host function returns, else it is freed.
   */
  wasmc_exception_scope scope;
  wasmc_trap_frame frame;
  wasmc_exception_scope_enter(&scope);
  bool returned = WASMC_TRY(frame, invoke(func.as.func, args, results));
  wasmc_exception_scope_leave(&scope);
  if (returned)
    return true;
  if (trap)
    *trap = frame.info;
  wasmc_exception_scope_hand_back(&scope);
  return false;
}
