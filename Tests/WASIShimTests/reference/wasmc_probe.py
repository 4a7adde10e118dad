"""The same interface as wasmtime_probe.Probe, backed by runtime-c/wasi.

Builds runtime-c/wasi as a shared library and calls its functions through
the wasmc_func pointers wasmc_wasi_resolve hands out, so scenario scripts can
run unchanged against both implementations (see compare.py).
"""
import ctypes
import os
import struct
import subprocess
import sys

sys.path.insert(0, os.path.dirname(__file__))
from wasi_signatures import SIGNATURES

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
BUILD = os.path.join(ROOT, ".build", "wasi-shim-tests")
LIB = os.path.join(BUILD, "libwasmc_wasi_probe.so")
PAGE = 65536


def build():
    os.makedirs(BUILD, exist_ok=True)
    stub = os.path.join(BUILD, "probe_stub.c")
    with open(stub, "w") as f:
        f.write('#include <stdio.h>\n#include <stdlib.h>\n#include "wasmc_rt.h"\n'
                'WASMC_NORETURN void wasmc_trap_exit(int code) '
                '{ fprintf(stderr, "proc_exit(%d)\\n", code); exit(code); }\n'
                'WASMC_NORETURN void wasmc_trap_host(const char *detail) '
                '{ fprintf(stderr, "trap: %s\\n", detail); abort(); }\n')
    cc = "/opt/swift/usr/bin/clang" if os.path.exists("/opt/swift/usr/bin/clang") else "clang"
    sources = [os.path.join(ROOT, "runtime-c", "wasi", n)
               for n in sorted(os.listdir(os.path.join(ROOT, "runtime-c", "wasi"))) if n.endswith(".c")]
    uv = subprocess.check_output(["pkg-config", "--cflags", "--libs", "libuv"], text=True).split()
    subprocess.check_call([cc, "-std=c11", "-D_GNU_SOURCE", "-O1", "-g", "-shared", "-fPIC",
                           "-I" + os.path.join(ROOT, "runtime-c", "include"), *sources, stub,
                           "-o", LIB, *uv])


class Preopen(ctypes.Structure):
    _fields_ = [("host_path", ctypes.c_char_p), ("guest_path", ctypes.c_char_p),
                ("read_only", ctypes.c_bool)]


class Config(ctypes.Structure):
    _fields_ = [("argc", ctypes.c_int), ("argv", ctypes.POINTER(ctypes.c_char_p)),
                ("envc", ctypes.c_int), ("envp", ctypes.POINTER(ctypes.c_char_p)),
                ("preopen_count", ctypes.c_int), ("preopens", ctypes.POINTER(Preopen)),
                ("socket_count", ctypes.c_int), ("listen_sockets", ctypes.POINTER(ctypes.c_int)),
                ("stdin_fd", ctypes.c_int), ("stdout_fd", ctypes.c_int), ("stderr_fd", ctypes.c_int)]


class Memory(ctypes.Structure):
    _fields_ = [("data", ctypes.c_void_p), ("size", ctypes.c_uint64), ("pages", ctypes.c_uint64),
                ("max_pages", ctypes.c_uint64), ("has_max", ctypes.c_bool),
                ("reserved", ctypes.c_uint64)]


class Func(ctypes.Structure):
    _fields_ = [("type", ctypes.c_char_p), ("code", ctypes.c_void_p), ("env", ctypes.c_void_p)]


class Extern(ctypes.Structure):
    _fields_ = [("kind", ctypes.c_int), ("func", ctypes.POINTER(Func))]


_lib = None


def lib():
    global _lib
    if _lib is None:
        build()
        _lib = ctypes.CDLL(LIB)
        _lib.wasmc_wasi_create.restype = ctypes.c_void_p
        _lib.wasmc_wasi_create.argtypes = [ctypes.POINTER(Config), ctypes.c_char_p, ctypes.c_size_t]
        _lib.wasmc_wasi_resolve.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p,
                                            ctypes.POINTER(Extern)]
        _lib.wasmc_wasi_resolve.restype = ctypes.c_bool
        _lib.wasmc_wasi_bind_memory.argtypes = [ctypes.c_void_p, ctypes.POINTER(Memory)]
    return _lib


class Probe:
    def __init__(self, preopens=(), argv=(), env=()):
        l = lib()
        self._keep = []
        def strings(items):
            arr = (ctypes.c_char_p * max(1, len(items)))(*[s.encode() for s in items])
            self._keep.append(arr)
            return arr
        pre = (Preopen * max(1, len(preopens)))(
            *[Preopen(h.encode(), g.encode(), not mutable) for h, g, mutable in preopens])
        self._keep.append(pre)
        config = Config(len(argv), strings(list(argv)), len(env), strings(list(env)),
                        len(preopens), pre, 0, None, 0, 1, 2)
        error = ctypes.create_string_buffer(256)
        self.wasi = l.wasmc_wasi_create(ctypes.byref(config), error, 256)
        if not self.wasi:
            raise RuntimeError(error.value.decode())
        self.buffer = (ctypes.c_uint8 * PAGE)()
        self.mem = Memory(ctypes.addressof(self.buffer), PAGE, 1, 1, True, 0)
        l.wasmc_wasi_bind_memory(self.wasi, ctypes.byref(self.mem))
        self.funcs = {}
        for name, sig in SIGNATURES.items():
            ext = Extern()
            assert l.wasmc_wasi_resolve(self.wasi, name.encode(), sig.encode(), ctypes.byref(ext))
            params, result = sig.split(">")
            types = [ctypes.c_void_p] + [ctypes.c_uint32 if c == "i" else ctypes.c_uint64 for c in params]
            proto = ctypes.CFUNCTYPE(ctypes.c_uint32 if result else None, *types)
            self.funcs[name] = (proto(ext.func.contents.code), ext.func.contents.env)

    def call(self, name, *args):
        fn, env = self.funcs[name]
        masked = []
        for c, a in zip(SIGNATURES[name].split(">")[0], args):
            masked.append(a & (0xffffffff if c == "i" else 0xffffffffffffffff))
        return fn(env, *masked)

    def write(self, addr, data):
        ctypes.memmove(ctypes.addressof(self.buffer) + addr, bytes(data), len(data))

    def read(self, addr, n):
        return bytes(self.buffer[addr:addr + n])

    def u32(self, addr):
        return struct.unpack("<I", self.read(addr, 4))[0]

    def u64(self, addr):
        return struct.unpack("<Q", self.read(addr, 8))[0]

    def path(self, addr, text):
        data = text.encode()
        self.write(addr, data)
        return addr, len(data)
