/*
 * The entry point of executables built by `wasmc compile`.
 *
 *   PROGRAM [--dir HOST[::GUEST]] [--dir-ro HOST[::GUEST]] [--env K=V]
 *           [--listen ADDR:PORT] [--] [ARGS...]
 *
 * Every module is instantiated in order; imports of "wasi_snapshot_preview1"
 * come from a WASI context of the module's own (with the directories and
 * sockets granted above), other imports from host functions linked with
 * --host-c, then from the exports of earlier modules.
 * Then each module that exports "_start" runs it on a thread of its own, so
 * a module blocked in WASI never stalls another. The process exits with the
 * first non-zero status in module order: a module's proc_exit code, or 134
 * after a trap (reported on one line: module, trap, function).
 */
#include "wasmc_rt.h"
#include "wasmc_wasi.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define EXIT_USAGE 2
#define EXIT_SETUP 70
#define EXIT_TRAP 134
#define THREAD_STACK_SIZE (64u << 20)

typedef struct options {
  wasmc_wasi_preopen *preopens;
  int preopen_count;
  const char **env;
  int env_count;
  int *sockets;
  int socket_count;
  const char **args; /* guest argv[1..] */
  int arg_count;
} options;

typedef struct running_module {
  const char *name;
  wasmc_instance instance;
  wasmc_wasi *wasi;
  bool has_start;
  int status;
} running_module;

static void usage(FILE *out, const char *program) {
  fprintf(out,
          "usage: %s [--dir HOST[::GUEST]] [--dir-ro HOST[::GUEST]] [--env K=V]\n"
          "          [--listen ADDR:PORT] [--] [ARGS...]\n"
          "  --dir        give the modules a host directory (read-write), seen as GUEST\n"
          "  --dir-ro     the same, read-only\n"
          "  --env        set an environment variable for the modules\n"
          "  --listen     open a listening TCP socket the modules find as a pre-opened fd\n",
          program);
}

/* "HOST::GUEST" or "HOST" (seen under the same path). */
static wasmc_wasi_preopen parse_dir(char *value, bool read_only) {
  wasmc_wasi_preopen preopen = {value, value, read_only};
  char *separator = strstr(value, "::");
  if (separator != NULL) {
    *separator = '\0';
    preopen.guest_path = separator + 2;
  }
  return preopen;
}

static int parse_options(int argc, char **argv, options *out) {
  memset(out, 0, sizeof *out);
  out->preopens = calloc((size_t)argc, sizeof *out->preopens);
  out->env = calloc((size_t)argc, sizeof *out->env);
  out->sockets = calloc((size_t)argc, sizeof *out->sockets);
  if (!out->preopens || !out->env || !out->sockets) {
    fprintf(stderr, "%s: out of memory\n", argv[0]);
    return EXIT_SETUP;
  }
  int i = 1;
  for (; i < argc; i++) {
    const char *flag = argv[i];
    if (strcmp(flag, "--") == 0) {
      i++;
      break;
    }
    if (strcmp(flag, "-h") == 0 || strcmp(flag, "--help") == 0) {
      usage(stdout, argv[0]);
      exit(0);
    }
    if (strncmp(flag, "--", 2) != 0)
      break; /* the guest's arguments start here */
    bool takes_value = strcmp(flag, "--dir") == 0 || strcmp(flag, "--dir-ro") == 0 ||
                       strcmp(flag, "--env") == 0 || strcmp(flag, "--listen") == 0;
    if (!takes_value) {
      fprintf(stderr, "%s: unknown option %s\n", argv[0], flag);
      usage(stderr, argv[0]);
      return EXIT_USAGE;
    }
    if (i + 1 >= argc) {
      fprintf(stderr, "%s: %s needs a value\n", argv[0], flag);
      return EXIT_USAGE;
    }
    char *value = argv[++i];
    if (strcmp(flag, "--dir") == 0 || strcmp(flag, "--dir-ro") == 0) {
      out->preopens[out->preopen_count++] = parse_dir(value, strcmp(flag, "--dir-ro") == 0);
    } else if (strcmp(flag, "--env") == 0) {
      if (strchr(value, '=') == NULL) {
        fprintf(stderr, "%s: --env takes KEY=VALUE, not %s\n", argv[0], value);
        return EXIT_USAGE;
      }
      out->env[out->env_count++] = value;
    } else {
      char error[256];
      int fd = wasmc_wasi_listen_tcp(value, error, sizeof error);
      if (fd < 0) {
        fprintf(stderr, "%s: --listen %s: %s\n", argv[0], value, error);
        return EXIT_SETUP;
      }
      out->sockets[out->socket_count++] = fd;
    }
  }
  out->args = (const char **)(argv + i);
  out->arg_count = argc - i;
  return 0;
}

static bool imports_wasi(const wasmc_module *module) {
  for (uint32_t i = 0; i < module->import_count; i++)
    if (strcmp(module->imports[i].module, "wasi_snapshot_preview1") == 0)
      return true;
  return false;
}

static int report_trap(const char *module, const wasmc_trap_info *trap) {
  if (trap->kind == WASMC_TRAP_EXIT)
    return trap->exit_code;
  fprintf(stderr, "wasmc: trap in module %s: %s%s%s%s%s\n", module, wasmc_trap_message(trap->kind),
          trap->function ? " in " : "", trap->function ? trap->function : "", trap->detail[0] ? ": " : "",
          trap->detail);
  return EXIT_TRAP;
}

static wasmc_wasi *create_wasi(const options *opts, const char *name, char *error, size_t error_size) {
  const char *argv[opts->arg_count + 1];
  argv[0] = name;
  for (int i = 0; i < opts->arg_count; i++)
    argv[i + 1] = opts->args[i];
  wasmc_wasi_config config;
  wasmc_wasi_config_init(&config);
  config.argc = opts->arg_count + 1;
  config.argv = argv;
  config.envc = opts->env_count;
  config.envp = opts->env;
  config.preopen_count = opts->preopen_count;
  config.preopens = opts->preopens;
  config.socket_count = opts->socket_count;
  config.listen_sockets = opts->sockets;
  /* The context copies everything it keeps. */
  return wasmc_wasi_create(&config, error, error_size);
}

/* Resolves imports and instantiates module `m`; 0 or an exit status. */
static int instantiate(const wasmc_program_module *entry, int m, running_module *modules,
                       const options *opts) {
  const wasmc_module *module = entry->module;
  running_module *self = &modules[m];
  self->name = entry->name;
  char error[256];
  if (imports_wasi(module)) {
    self->wasi = create_wasi(opts, entry->name, error, sizeof error);
    if (self->wasi == NULL) {
      fprintf(stderr, "wasmc: module %s: %s\n", entry->name, error);
      return EXIT_SETUP;
    }
  }
  wasmc_extern imports[module->import_count ? module->import_count : 1];
  for (uint32_t i = 0; i < module->import_count; i++) {
    const wasmc_import_desc *want = &module->imports[i];
    bool found = false;
    if (strcmp(want->module, "wasi_snapshot_preview1") == 0) {
      found = wasmc_wasi_resolve(self->wasi, want->name, want->func_type, &imports[i]);
    } else {
      found = wasmc_user_host_resolve(want->module, want->name, &imports[i]);
      for (int p = 0; p < m && !found; p++)
        if (strcmp(modules[p].name, want->module) == 0)
          found = wasmc_instance_export(&modules[p].instance, want->name, &imports[i], NULL);
    }
    if (!found) {
      fprintf(stderr, "wasmc: module %s: unresolved import \"%s\" \"%s\"\n", entry->name, want->module,
              want->name);
      return EXIT_SETUP;
    }
  }
  wasmc_trap_info trap;
  wasmc_instantiate_status status =
      wasmc_instantiate(module, imports, &self->instance, error, sizeof error, &trap);
  if (status == WASMC_INSTANTIATION_TRAPPED)
    return report_trap(entry->name, &trap);
  if (status != WASMC_INSTANTIATED) {
    fprintf(stderr, "wasmc: module %s: %s\n", entry->name, error);
    return EXIT_SETUP;
  }
  wasmc_extern memory, start;
  if (self->wasi != NULL && wasmc_instance_export(&self->instance, "memory", &memory, NULL) &&
      memory.kind == WASMC_EXTERN_MEMORY)
    wasmc_wasi_bind_memory(self->wasi, memory.as.memory);
  self->has_start =
      wasmc_instance_export(&self->instance, "_start", &start, NULL) && start.kind == WASMC_EXTERN_FUNC;
  return 0;
}

static void *run_start(void *argument) {
  running_module *self = argument;
  wasmc_thread_init();
  wasmc_trap_info trap;
  if (!wasmc_instance_call(&self->instance, "_start", NULL, NULL, &trap))
    self->status = report_trap(self->name, &trap);
  return NULL;
}

int main(int argc, char **argv) {
  /* Messages name the program, not the cache path it may run from. */
  const char *slash = strrchr(argv[0], '/');
  if (slash != NULL)
    argv[0] = (char *)(slash + 1);
  options opts;
  int status = parse_options(argc, argv, &opts);
  if (status != 0)
    return status;
  int count;
  const wasmc_program_module *program = wasmc_program_modules(&count);
  running_module *modules = calloc((size_t)count, sizeof *modules);
  if (modules == NULL)
    return EXIT_SETUP;
  for (int m = 0; m < count; m++) {
    if ((status = instantiate(&program[m], m, modules, &opts)) != 0)
      return status;
  }
  /* Listening sockets now live (duplicated) in the WASI contexts. */
  for (int i = 0; i < opts.socket_count; i++)
    close(opts.sockets[i]);

  pthread_t threads[count ? count : 1];
  bool started[count ? count : 1];
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, THREAD_STACK_SIZE);
  for (int m = 0; m < count; m++) {
    started[m] = modules[m].has_start && pthread_create(&threads[m], &attr, run_start, &modules[m]) == 0;
    if (modules[m].has_start && !started[m]) {
      fprintf(stderr, "wasmc: cannot start a thread for module %s\n", modules[m].name);
      modules[m].status = EXIT_SETUP;
    }
  }
  pthread_attr_destroy(&attr);
  for (int m = 0; m < count; m++) {
    if (started[m])
      pthread_join(threads[m], NULL);
  }
  status = 0;
  for (int m = 0; m < count && status == 0; m++)
    status = modules[m].status;
  for (int m = count - 1; m >= 0; m--) {
    wasmc_instance_free(&modules[m].instance);
    if (modules[m].wasi)
      wasmc_wasi_destroy(modules[m].wasi);
  }
  free(modules);
  return status;
}
