#!/usr/bin/env python3
"""Run a WASI command module under wasmtime (the `wasmtime` pip package) with
the command line of a wasmc-compiled executable, so the test and benchmark
scripts can drive both the same way:

    run_wasmtime.py APP.wasm [--dir HOST[::GUEST]] [--dir-ro HOST[::GUEST]]
                             [--env K=V] [--] ARGS...

As for the program, ARGS start after `--` or at the first argument that is not
one of the flags.

Directories are pre-opened in flag order (guest fds 3, 4, ...); `--dir-ro`
ones are read-only (wasmtime's `fs_mutable=False`). The guest sees argv[0] =
the module name (file name without ".wasm"), then ARGS, and exactly the given
environment. stdin, stdout and stderr are this process's.

Exit status: the guest's proc_exit code (0 when _start returns); a trap
prints one line "wasmtime: trap: ..." on stderr and exits 134, as a
wasmc-compiled executable does. `--listen` is refused: wasmtime-py cannot
pre-open sockets.
"""
import os
import re
import sys

import wasmtime


def usage(why):
    usage_line = next(line for line in __doc__.splitlines() if "run_wasmtime.py APP.wasm" in line)
    sys.stderr.write(f"run_wasmtime.py: {why}\n{usage_line}\n")
    sys.exit(64)


def parse(argv):
    if not argv:
        usage("missing module")
    module, rest = argv[0], argv[1:]
    dirs, env, args = [], [], []
    i = 0
    while i < len(rest):
        flag = rest[i]
        if flag == "--":
            args = rest[i + 1:]
            break
        if flag not in ("--dir", "--dir-ro", "--env", "--listen"):
            if flag.startswith("--"):
                usage(f"unknown flag {flag}")
            args = rest[i:]
            break
        if i + 1 >= len(rest):
            usage(f"{flag} needs a value")
        value = rest[i + 1]
        i += 2
        if flag in ("--dir", "--dir-ro"):
            host, _, guest = value.partition("::")
            dirs.append((host, guest or host, flag == "--dir"))
        elif flag == "--env":
            key, sep, val = value.partition("=")
            if not sep:
                usage(f"--env {value}: expected K=V")
            env.append((key, val))
        elif flag == "--listen":
            usage("--listen: wasmtime-py cannot pre-open sockets")
        else:
            usage(f"unknown flag {flag}")
    return module, dirs, env, args


def main():
    module_path, dirs, env, args = parse(sys.argv[1:])
    name = os.path.basename(module_path)
    if name.endswith(".wasm"):
        name = name[:-5]

    config = wasmtime.WasiConfig()
    config.argv = [name] + args
    config.env = env
    for host, guest, mutable in dirs:
        config.preopen_dir(host, guest, mutable)
    config.inherit_stdin()
    config.inherit_stdout()
    config.inherit_stderr()

    engine = wasmtime.Engine()
    store = wasmtime.Store(engine)
    store.set_wasi(config)
    linker = wasmtime.Linker(engine)
    linker.define_wasi()
    module = wasmtime.Module.from_file(engine, module_path)
    sys.stdout.flush()
    try:
        instance = linker.instantiate(store, module)
        start = instance.exports(store)["_start"]
        start(store)
    except wasmtime.ExitTrap as exit_trap:
        return exit_trap.code
    except (wasmtime.Trap, wasmtime.WasmtimeError) as trap:
        # A host function refusing its arguments (e.g. an invalid enum value)
        # is a WasmtimeError rather than a Trap; both end the guest.
        lines = [line.strip() for line in str(trap).splitlines() if line.strip()]
        cause = re.sub(r"^\d+: ", "", lines[-1]) if lines else "unknown"
        sys.stderr.write(f"wasmtime: {cause}\n")
        return 134
    return 0


if __name__ == "__main__":
    sys.exit(main())
