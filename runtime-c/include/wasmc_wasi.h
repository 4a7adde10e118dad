/*
 * wasmc WASI preview1 host (module "wasi_snapshot_preview1").
 *
 * One `wasmc_wasi` context serves one module instance: it owns the guest's
 * file-descriptor table (stdio, pre-opened directories, pre-opened listening
 * sockets and everything opened from them), the argument and environment
 * blocks, and a private libuv loop used to block in poll_oneoff and on
 * sockets. Contexts share no mutable state, so instances on different
 * threads never wait for each other.
 *
 * Lifecycle
 *   wasmc_wasi_config config;
 *   wasmc_wasi_config_init(&config);          // stdio 0/1/2, nothing else
 *   config.argc = ...; config.preopens = ...;
 *   wasmc_wasi *wasi = wasmc_wasi_create(&config, error, sizeof error);
 *   // for each import of module "wasi_snapshot_preview1":
 *   wasmc_wasi_resolve(wasi, import->name, import->func_type, &imports[i]);
 *   // instantiate, then hand over the instance's exported "memory":
 *   wasmc_wasi_bind_memory(wasi, memory);
 *   ... run _start ...
 *   wasmc_wasi_destroy(wasi);
 *
 * Sandbox
 *   The guest reaches only its pre-opened directories. Every path is
 *   resolved beneath the directory descriptor it is relative to (openat2
 *   RESOLVE_BENEATH when the kernel has it, otherwise component by
 *   component with O_NOFOLLOW); absolute paths, `..` above the pre-opened
 *   directory and symlinks leading out answer EPERM, as wasmtime does.
 *   Read-only pre-opens refuse every mutation with EPERM. Guest pointers are
 *   always range-checked; a bad one answers EFAULT.
 */
#ifndef WASMC_WASI_H
#define WASMC_WASI_H

#include <stdbool.h>
#include <stddef.h>

#include "wasmc_rt.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One WASI context per module instance. */
typedef struct wasmc_wasi wasmc_wasi;

/* A host directory the guest sees under `guest_path` (e.g. "/", "/data"). */
typedef struct wasmc_wasi_preopen {
  const char *host_path;
  const char *guest_path;
  bool read_only; /* refuse writes, creation, removal, renames, links */
} wasmc_wasi_preopen;

typedef struct wasmc_wasi_config {
  int argc;
  const char *const *argv;
  int envc;
  const char *const *envp; /* "KEY=VALUE" */
  /* Guest fds 3, 4, ... in this order. */
  int preopen_count;
  const wasmc_wasi_preopen *preopens;
  /*
   * Host fds of already-listening TCP sockets, handed to the guest as
   * pre-opened fds right after the directories. The context duplicates
   * them (the caller keeps and closes its own) and makes them non-blocking.
   */
  int socket_count;
  const int *listen_sockets;
  /* Host fds used as guest fds 0, 1, 2 (duplicated); -1 leaves it closed. */
  int stdin_fd, stdout_fd, stderr_fd;
} wasmc_wasi_config;

/* Fill `config` with defaults: no args, env, preopens or sockets; stdio 0/1/2. */
WASMC_API void wasmc_wasi_config_init(wasmc_wasi_config *config);

/*
 * Create a context. On failure (unreadable pre-open, bad socket, no memory)
 * returns NULL and writes a message into `error`.
 */
WASMC_API wasmc_wasi *wasmc_wasi_create(const wasmc_wasi_config *config, char *error, size_t error_size);

/*
 * Resolve one import of module "wasi_snapshot_preview1". `func_type` is the
 * signature string the module expects (see wasmc_func in wasmc_rt.h, e.g.
 * "iiii>i"). False when the name is unknown or the signature differs. The
 * function value lives inside the context, so it stays valid until
 * wasmc_wasi_destroy.
 */
WASMC_API bool wasmc_wasi_resolve(wasmc_wasi *wasi, const char *name, const char *func_type,
                                  wasmc_extern *out);

/* The signature string of a preview1 function, or NULL if unknown. */
WASMC_API const char *wasmc_wasi_func_type(const char *name);

/*
 * Give the context the instance's exported "memory" (after instantiation).
 * Until then every call that takes a guest pointer answers EFAULT.
 */
WASMC_API void wasmc_wasi_bind_memory(wasmc_wasi *wasi, wasmc_memory *memory);

/*
 * Open, bind and listen on a TCP socket: "127.0.0.1:8080", "[::1]:0",
 * "localhost:9000". Returns the host fd, or -1 with `error` set.
 */
WASMC_API int wasmc_wasi_listen_tcp(const char *addr_port, char *error, size_t error_size);

/*
 * A host function the context runs on the guest's own thread while the guest
 * waits in poll_oneoff: once when poll_oneoff starts and again whenever
 * wasmc_wasi_wake is called during the wait. It returns
 *   0  nothing happened: keep waiting;
 *   >0 it delivered something to the guest: poll_oneoff returns at once,
 *      reporting the earliest clock subscription as fired (an early wake-up);
 *   <0 the guest must stop: poll_oneoff traps the instance (WASMC_TRAP_HOST).
 * The hook may call into the instance (wasmc_instance_call); a trap there is
 * caught by that call and should be reported by returning <0.
 */
typedef int (*wasmc_wasi_poll_hook)(void *data);
WASMC_API void wasmc_wasi_set_poll_hook(wasmc_wasi *wasi, wasmc_wasi_poll_hook hook, void *data);

/* Thread-safe: make a guest waiting in poll_oneoff run the hook soon. */
WASMC_API void wasmc_wasi_wake(wasmc_wasi *wasi);

/* Close every descriptor the context owns and free it. */
WASMC_API void wasmc_wasi_destroy(wasmc_wasi *wasi);

#ifdef __cplusplus
}
#endif

#endif /* WASMC_WASI_H */
