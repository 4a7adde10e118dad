#!/usr/bin/env python3
"""The reference run of an exception program: wasmtime (the `wasmtime` pip package) with
exception handling enabled, WASI on stdout/stderr, every module instantiated in order and
registered under its file name without ".wasm" (as `wasmc compile` names them), then the
last module's `_start` run.

    run_reference.py A.wasm [B.wasm ...]

Exit status: 0, or 134 after a trap or an uncaught exception, with one line
"wasmtime: trap: ..." on stderr (as a wasmc-compiled program reports a trap).
"""
import os
import sys

import wasmtime


def main():
    config = wasmtime.Config()
    config.wasm_exceptions = True
    engine = wasmtime.Engine(config)
    store = wasmtime.Store(engine)
    linker = wasmtime.Linker(engine)
    linker.define_wasi()
    wasi = wasmtime.WasiConfig()
    wasi.inherit_stdout()
    wasi.inherit_stderr()
    store.set_wasi(wasi)
    instance = None
    for path in sys.argv[1:]:
        name = os.path.basename(path)[: -len(".wasm")]
        instance = linker.instantiate(store, wasmtime.Module.from_file(engine, path))
        linker.define_instance(store, name, instance)
    try:
        instance.exports(store)["_start"](store)
    except (wasmtime.Trap, wasmtime.WasmtimeError) as error:
        sys.stdout.flush()
        lines = [line.strip() for line in str(error).splitlines() if line.strip()]
        sys.stderr.write("wasmtime: trap: " + (lines[-1] if lines else "unknown") + "\n")
        sys.exit(134)


if __name__ == "__main__":
    main()
