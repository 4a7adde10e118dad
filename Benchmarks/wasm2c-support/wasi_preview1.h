/* A minimal WASI preview1 host for the C that wasm2c writes: just what the
 * benchmark corpus imports (arguments, environment, clocks, standard streams,
 * exit). wasm2c's runtime ships no WASI; wasmc's own shim (runtime-c/wasi)
 * is not used here so that the wasm2c engine shares no code with wasmc.
 *
 * wasm2c passes this struct to every imported function of the module
 * "wasi_snapshot_preview1"; set `memory` to the module's exported memory
 * after instantiation and before the first call into the module. */
#ifndef WASI_PREVIEW1_H
#define WASI_PREVIEW1_H

#include "wasm-rt.h"

struct w2c_wasi__snapshot__preview1 {
    /* The guest's memory: read on every call, so memory.grow is seen. */
    wasm_rt_memory_t *memory;
    int argc;
    char **argv;
};

/* Fills in the arguments; `memory` stays NULL until the caller sets it. */
void wasi_preview1_init(struct w2c_wasi__snapshot__preview1 *wasi, int argc, char **argv);

#endif
