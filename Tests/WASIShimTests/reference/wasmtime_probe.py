"""Call wasmtime's wasi_snapshot_preview1 functions directly, for reference.

Builds a module that imports every preview1 function and re-exports it, so a
script can set up guest memory and observe exactly which errno wasmtime gives.
Used while writing runtime-c/wasi to pin down expected errno values.
"""
import os
import struct
import sys
import tempfile

import wasmtime

sys.path.insert(0, os.path.dirname(__file__))
from wasi_signatures import SIGNATURES

LETTER = {"i": "i32", "j": "i64"}


def module_text():
    imports, exports = [], []
    for name, sig in SIGNATURES.items():
        params, result = sig.split(">")
        p = " ".join(LETTER[c] for c in params)
        r = f"(result {LETTER[result]})" if result else ""
        imports.append(f'(import "wasi_snapshot_preview1" "{name}" (func ${name} (param {p}) {r}))')
        gets = " ".join(f"local.get {i}" for i in range(len(params)))
        exports.append(f'(func (export "{name}") (param {p}) {r} {gets} call ${name})')
    return "(module\n" + "\n".join(imports) + '\n(memory (export "memory") 1)\n' + "\n".join(exports) + ")"


class Probe:
    def __init__(self, preopens=(), argv=(), env=()):
        self.engine = wasmtime.Engine()
        self.store = wasmtime.Store(self.engine)
        config = wasmtime.WasiConfig()
        config.argv = list(argv)
        config.env = [tuple(e.split("=", 1)) for e in env]
        for host, guest, mutable in preopens:
            config.preopen_dir(host, guest, mutable)
        self.store.set_wasi(config)
        linker = wasmtime.Linker(self.engine)
        linker.define_wasi()
        module = wasmtime.Module(self.engine, module_text())
        self.instance = linker.instantiate(self.store, module)
        self.exports = self.instance.exports(self.store)
        self.memory = self.exports["memory"]

    def call(self, name, *args):
        try:
            return self.exports[name](self.store, *args)
        except wasmtime.Trap as trap:
            return "trap: " + str(trap).splitlines()[0]
        except wasmtime.WasmtimeError as err:
            return "error: " + str(err).splitlines()[0]

    def write(self, addr, data):
        self.memory.write(self.store, data, addr)

    def read(self, addr, n):
        return bytes(self.memory.read(self.store, addr, addr + n))

    def u32(self, addr):
        return struct.unpack("<I", self.read(addr, 4))[0]

    def u64(self, addr):
        return struct.unpack("<Q", self.read(addr, 8))[0]

    def path(self, addr, text):
        data = text.encode()
        self.write(addr, data)
        return addr, len(data)
