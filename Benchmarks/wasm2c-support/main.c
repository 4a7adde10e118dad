/* The program main for a WASI command translated by wasm2c with `-n prog`:
 * instantiate, run _start, report a trap like wasmc does (one line, status 134).
 *
 *   wasm2c x.wasm -n prog -o prog.c
 *   cc -O2 -I<wasm2c runtime> -I. main.c wasi_preview1.c prog.c wasm-rt-impl.c wasm-rt-mem-impl.c */
#include <stdio.h>

#include "prog.h"
#include "wasi_preview1.h"
#include "wasm-rt-exceptions.h" /* wasm_rt_impl_try sets the unwind target */
#include "wasm-rt-impl.h"

int main(int argc, char **argv) {
    static w2c_prog instance;
    static struct w2c_wasi__snapshot__preview1 wasi;
    wasm_rt_init();
    wasi_preview1_init(&wasi, argc, argv);
    wasm_rt_trap_t trap = wasm_rt_impl_try();
    if (trap != WASM_RT_TRAP_NONE) {
        fprintf(stderr, "wasm2c: trap: %s\n", wasm_rt_strerror(trap));
        return 134;
    }
    wasm2c_prog_instantiate(&instance, &wasi);
    wasi.memory = w2c_prog_memory(&instance);
    w2c_prog_0x5Fstart(&instance);
    wasm2c_prog_free(&instance);
    wasm_rt_free();
    return 0;
}
