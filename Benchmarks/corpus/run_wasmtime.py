#!/usr/bin/env python3
"""Run a WASI command module under wasmtime (the Python package).

usage: run_wasmtime.py FILE.wasm [ARGS...]

stdout and stderr are inherited, argv[0] is the module's file name, and the
guest's exit status becomes this process's exit status. A trap prints the
wasmtime message and exits with status 128 (like a signal death, so callers
can tell it from a guest `exit(1)`).
"""

import os
import sys

import wasmtime


def run(path, args):
    engine = wasmtime.Engine()
    store = wasmtime.Store(engine)
    linker = wasmtime.Linker(engine)
    linker.define_wasi()

    wasi = wasmtime.WasiConfig()
    wasi.argv = [os.path.basename(path)] + list(args)
    wasi.inherit_stdout()
    wasi.inherit_stderr()
    store.set_wasi(wasi)

    module = wasmtime.Module.from_file(engine, path)
    instance = linker.instantiate(store, module)
    start = instance.exports(store)["_start"]
    try:
        start(store)
    except wasmtime.ExitTrap as exit_trap:
        return exit_trap.code
    except wasmtime.Trap as trap:
        print(f"run_wasmtime: trap: {trap}", file=sys.stderr)
        return 128
    return 0


def main():
    if len(sys.argv) < 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    return run(sys.argv[1], sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
