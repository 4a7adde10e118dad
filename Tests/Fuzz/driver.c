/*
 * The wasmc side of the differential fuzzer (Tests/Fuzz/difffuzz.py).
 *
 * Linked with any number of modules translated by `wasmc translate` and a
 * generated table of their descriptors (`fuzz_modules`), it reads commands
 * from stdin, one per line, and answers each with lines that start with the
 * command's number:
 *
 *   i K               instantiate module K (dropping the previous instance)
 *                       -> "N inst ok" + a state line, "N inst trap KIND MESSAGE",
 *                          or "N inst error TEXT"
 *   c E V...          call the function of export E with arguments V
 *                       -> "N ret V..." or "N trap KIND MESSAGE", then a state line
 *
 * A value V is i:HEX (i32), j:HEX (i64), f:HEX (f32 bits), d:HEX (f64 bits),
 * n (a null reference), F:E (the function of export E), x:T (the host
 * reference numbered T). A function reference the module does not export
 * prints as F:?. The state line "N s ITEM..." has one item per export that is
 * not a function, in export order: g:V (global), m:PAGES:CRC32 (memory),
 * t:SIZE:V,V,... (table).
 *
 * Imports are resolved from the fixed set of host.wat (see make_host_objects).
 *
 * Every command runs under alarm(): a call that runs longer than
 * FUZZ_CALL_SECONDS ends the process with SIGALRM, which the harness reports
 * as a hang at that command. Output is flushed per line, so a crash or a hang
 * leaves everything before it readable.
 */
#include "wasmc_rt.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef FUZZ_CALL_SECONDS
#define FUZZ_CALL_SECONDS 5
#endif

extern const wasmc_module *const fuzz_modules[];
extern const int fuzz_module_count;

static wasmc_instance current;
static bool have_instance;

/*
 * The imports a module may take (Tests/Fuzz/host.wat; difffuzz.py gives wasmtime the
 * same): pure functions, three globals, a memory and a table, fresh for every
 * instantiation.
 */
static uint32_t host_add(void *env, uint32_t a, uint32_t b) {
  (void)env;
  return a * 3u + b;
}
static uint64_t host_mix(void *env, uint64_t j, double d) {
  (void)env;
  return j ^ wasmc_f64_bits(d);
}
static void host_nop(void *env) { (void)env; }

static const wasmc_func host_functions[] = {
    {"ii>i", (wasmc_code)host_add, NULL},
    {"jd>j", (wasmc_code)host_mix, NULL},
    {">", (wasmc_code)host_nop, NULL},
};
static wasmc_value host_global_values[3];
static const wasmc_global host_globals[] = {
    {WASMC_I32, false, &host_global_values[0]},
    {WASMC_I64, true, &host_global_values[1]},
    {WASMC_F64, false, &host_global_values[2]},
};
static wasmc_memory host_memory;
static wasmc_memory host_memory64; /* "mem64", offered to memory64 modules only */
static wasmc_table host_table;
static bool host_objects_made;

static void make_host_objects(void) {
  if (host_objects_made) {
    wasmc_memory_free(&host_memory);
    wasmc_memory_free(&host_memory64);
    wasmc_table_free(&host_table);
  }
  host_global_values[0].i32 = 0x12345678u;
  host_global_values[1].i64 = 7;
  host_global_values[2].f64 = wasmc_f64_from_bits(0x400921FB54442D18ull);
  host_objects_made = wasmc_memory_init(&host_memory, 1, 2, true) && wasmc_memory_init(&host_memory64, 1, 2, true) &&
                      wasmc_table_init(&host_table, WASMC_FUNCREF, 4, 8, true);
  host_memory64.is64 = true;
}

static bool resolve_import(const wasmc_import_desc *want, wasmc_extern *out) {
  static const char *const names[] = {"add", "mix", "nop", "g_i32", "g_mut_i64", "g_f64", "mem", "tab", "mem64"};
  if (strcmp(want->module, "host") != 0)
    return false;
  for (int i = 0; i < 9; i++) {
    if (strcmp(want->name, names[i]) != 0)
      continue;
    if (i < 3) {
      out->kind = WASMC_EXTERN_FUNC;
      out->as.func = &host_functions[i];
    } else if (i < 6) {
      out->kind = WASMC_EXTERN_GLOBAL;
      out->as.global = &host_globals[i - 3];
    } else if (i == 6 || i == 8) {
      out->kind = WASMC_EXTERN_MEMORY;
      out->as.memory = i == 6 ? &host_memory : &host_memory64;
    } else {
      out->kind = WASMC_EXTERN_TABLE;
      out->as.table = &host_table;
    }
    return true;
  }
  return false;
}

/* zlib's CRC-32, so the harness can compute the same digest with zlib.crc32. */
static uint32_t crc32_of(const uint8_t *data, uint64_t size) {
  static uint32_t table[256];
  if (table[1] == 0) {
    for (uint32_t n = 0; n < 256; n++) {
      uint32_t c = n;
      for (int k = 0; k < 8; k++)
        c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      table[n] = c;
    }
  }
  uint32_t crc = 0xFFFFFFFFu;
  for (uint64_t i = 0; i < size; i++)
    crc = table[(crc ^ data[i]) & 0xFF] ^ (crc >> 8);
  return crc ^ 0xFFFFFFFFu;
}

static void print_ref(const void *ref, char type) {
  if (ref == NULL) {
    printf("n");
    return;
  }
  if (type == WASMC_EXTERNREF) {
    printf("x:%" PRIuPTR, (uintptr_t)ref - 1);
    return;
  }
  const wasmc_module *module = current.module;
  for (uint32_t e = 0; e < module->export_count; e++) {
    if (module->exports[e].kind != WASMC_EXTERN_FUNC)
      continue;
    wasmc_extern out;
    module->export_of(current.state, e, &out);
    if ((const void *)out.as.func == ref) {
      printf("F:%u", e);
      return;
    }
  }
  printf("F:?");
}

static void print_value(char type, wasmc_value value) {
  switch (type) {
  case WASMC_I32: printf("i:%" PRIx32, value.i32); break;
  case WASMC_I64: printf("j:%" PRIx64, value.i64); break;
  case WASMC_F32: printf("f:%" PRIx32, wasmc_f32_bits(value.f32)); break;
  case WASMC_F64: printf("d:%" PRIx64, wasmc_f64_bits(value.f64)); break;
  case WASMC_FUNCREF: print_ref(value.funcref, WASMC_FUNCREF); break;
  case WASMC_EXTERNREF: print_ref(value.externref, WASMC_EXTERNREF); break;
  default: printf("?"); break;
  }
}

static void print_state(int number) {
  const wasmc_module *module = current.module;
  printf("%d s", number);
  for (uint32_t e = 0; e < module->export_count; e++) {
    wasmc_extern out;
    switch (module->exports[e].kind) {
    case WASMC_EXTERN_FUNC: continue;
    case WASMC_EXTERN_GLOBAL:
      module->export_of(current.state, e, &out);
      printf(" g:");
      print_value((char)out.as.global->type, *out.as.global->value);
      break;
    case WASMC_EXTERN_MEMORY:
      module->export_of(current.state, e, &out);
      printf(" m:%" PRIu64 ":%08x", out.as.memory->pages, crc32_of(out.as.memory->data, out.as.memory->size));
      break;
    case WASMC_EXTERN_TABLE:
      module->export_of(current.state, e, &out);
      printf(" t:%u:", out.as.table->size);
      for (uint32_t i = 0; i < out.as.table->size; i++) {
        if (i)
          printf(",");
        print_ref(out.as.table->elements[i], out.as.table->element_type);
      }
      break;
    }
  }
  printf("\n");
}

static const wasmc_func *exported_func(uint32_t e) {
  wasmc_extern out;
  if (!have_instance || e >= current.module->export_count ||
      current.module->exports[e].kind != WASMC_EXTERN_FUNC)
    return NULL;
  current.module->export_of(current.state, e, &out);
  return out.as.func;
}

static bool parse_value(const char *text, wasmc_value *value) {
  memset(value, 0, sizeof *value);
  if (strcmp(text, "n") == 0)
    return true;
  if (strlen(text) < 3 || text[1] != ':')
    return false;
  uint64_t bits = strtoull(text + 2, NULL, text[0] == 'F' || text[0] == 'x' ? 10 : 16);
  switch (text[0]) {
  case 'i': value->i32 = (uint32_t)bits; return true;
  case 'j': value->i64 = bits; return true;
  case 'f': value->f32 = wasmc_f32_from_bits((uint32_t)bits); return true;
  case 'd': value->f64 = wasmc_f64_from_bits(bits); return true;
  case 'F': value->funcref = exported_func((uint32_t)bits); return value->funcref != NULL;
  case 'x': value->externref = (void *)(uintptr_t)(bits + 1); return true;
  }
  return false;
}

static void instantiate(int number, int k) {
  if (have_instance)
    wasmc_instance_free(&current);
  have_instance = false;
  if (k < 0 || k >= fuzz_module_count) {
    printf("%d inst error no module %d\n", number, k);
    return;
  }
  char error[256] = "";
  const wasmc_module *module = fuzz_modules[k];
  make_host_objects();
  wasmc_extern imports[module->import_count + 1];
  for (uint32_t i = 0; i < module->import_count; i++) {
    if (!resolve_import(&module->imports[i], &imports[i])) {
      printf("%d inst error no host import %s.%s\n", number, module->imports[i].module,
             module->imports[i].name);
      return;
    }
  }
  wasmc_trap_info trap;
  wasmc_instantiate_status status = wasmc_instantiate(module, imports, &current, error, sizeof error, &trap);
  if (status == WASMC_INSTANTIATION_TRAPPED) {
    printf("%d inst trap %d %s\n", number, (int)trap.kind, wasmc_trap_message(trap.kind));
  } else if (status != WASMC_INSTANTIATED) {
    printf("%d inst error %s\n", number, error);
  } else {
    have_instance = true;
    printf("%d inst ok\n", number);
    print_state(number);
  }
}

/* The signature string of an export: parameters, '>', results. */
static void call(int number, uint32_t e, char **words, int count) {
  if (!have_instance || e >= current.module->export_count ||
      current.module->exports[e].kind != WASMC_EXTERN_FUNC) {
    printf("%d error no function export %u\n", number, e);
    return;
  }
  const char *type = current.module->exports[e].func_type;
  const char *arrow = strchr(type, '>');
  int params = (int)(arrow - type);
  int results = (int)strlen(arrow + 1);
  if (params != count) {
    printf("%d error export %u takes %d arguments, got %d\n", number, e, params, count);
    return;
  }
  wasmc_value *args = calloc((size_t)params + 1, sizeof *args);
  wasmc_value *values = calloc((size_t)results + 1, sizeof *values);
  for (int i = 0; i < count; i++) {
    if (!parse_value(words[i], &args[i])) {
      printf("%d error bad value %s\n", number, words[i]);
      free(args);
      free(values);
      return;
    }
  }
  /* Through the embedding API, as a host should enter wasm: with exception handling, the call
     is an exception scope, so a trap inside a try_table leaves no handler behind for a later
     throw to jump to (calling the invoker under a bare WASMC_TRY did, and crashed). */
  const wasmc_export_desc *export = &current.module->exports[e];
  wasmc_trap_info trap;
  if (wasmc_instance_call_n(&current, export->name, export->name_length, args, values, &trap)) {
    printf("%d ret", number);
    for (int i = 0; i < results; i++) {
      printf(" ");
      print_value(arrow[1 + i], values[i]);
    }
    printf("\n");
  } else {
    printf("%d trap %d %s\n", number, (int)trap.kind, wasmc_trap_message(trap.kind));
  }
  free(args);
  free(values);
  print_state(number);
}

int main(void) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  wasmc_thread_init();
  char *line = NULL;
  size_t capacity = 0;
  int number = 0;
  while (getline(&line, &capacity, stdin) > 0) {
    number++;
    char *words[2048];
    int count = 0;
    for (char *word = strtok(line, " \n"); word && count < 2048; word = strtok(NULL, " \n"))
      words[count++] = word;
    if (count == 0)
      continue;
    alarm(FUZZ_CALL_SECONDS);
    if (strcmp(words[0], "i") == 0 && count == 2) {
      instantiate(number, atoi(words[1]));
    } else if (strcmp(words[0], "c") == 0 && count >= 2) {
      call(number, (uint32_t)strtoul(words[1], NULL, 10), words + 2, count - 2);
    } else {
      printf("%d error unknown command %s\n", number, words[0]);
    }
    alarm(0);
  }
  free(line);
  return 0;
}
