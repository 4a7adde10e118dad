"""The reference side of the differential fuzzer: wasmtime runs a module and
records, for every command the wasmc driver will replay, the outcome and the
exported state. Values are tokens both sides print the same way (see driver.c).
"""

import ctypes
import struct
import zlib

import wasmtime
from wasmtime import TrapCode, ValType


FUEL_PER_CALL = 2_000_000
CALLS_PER_EXPORT = 8


# Trap kinds compared by category: wasmtime's codes and wasmc's wasmc_trap_kind values.
# An out-of-range call_indirect index is "undefined element" in wasmc and
# TABLE_OUT_OF_BOUNDS in wasmtime; both are "table".
WASMTIME_TRAPS = {
    TrapCode.UNREACHABLE: "unreachable",
    TrapCode.INTEGER_DIVISION_BY_ZERO: "integer divide by zero",
    TrapCode.INTEGER_OVERFLOW: "integer overflow",
    TrapCode.BAD_CONVERSION_TO_INTEGER: "invalid conversion to integer",
    TrapCode.MEMORY_OUT_OF_BOUNDS: "out of bounds memory access",
    TrapCode.TABLE_OUT_OF_BOUNDS: "table",
    TrapCode.INDIRECT_CALL_TO_NULL: "uninitialized element",
    TrapCode.BAD_SIGNATURE: "indirect call type mismatch",
    TrapCode.NULL_REFERENCE: "null reference",
    TrapCode.STACK_OVERFLOW: "call stack exhausted",
    TrapCode.OUT_OF_FUEL: "out of fuel",
}
WASMC_TRAPS = {
    1: "unreachable",
    2: "integer divide by zero",
    3: "integer overflow",
    4: "invalid conversion to integer",
    5: "out of bounds memory access",
    6: "table",
    7: "uninitialized element",
    8: "table",
    9: "indirect call type mismatch",
    10: "null reference",
    11: "call stack exhausted",
    12: "host trap",
    13: "exit",
}
# Kinds added by later features are told by the runtime's message (wasmc_trap_message),
# whatever number the merge order of those features gave them.
WASMC_TRAP_MESSAGES = {
    "null function reference": "null reference",  # call_ref of null; wasmtime: NULL_REFERENCE
    "uncaught exception": "uncaught exception",
}
INCONCLUSIVE = {"call stack exhausted", "out of fuel"}



# --------------------------------------------------------------------------
# Values: both sides print them as tokens (see driver.c)
# --------------------------------------------------------------------------

def f32_bits(value):
    return struct.unpack("<I", struct.pack("<f", value))[0]


def f64_bits(value):
    return struct.unpack("<Q", struct.pack("<d", value))[0]


def is_nan_token(token):
    kind, _, text = token.partition(":")
    if kind == "f":
        bits = int(text, 16)
        return (bits >> 23) & 0xFF == 0xFF and bits & 0x7FFFFF != 0
    if kind == "d":
        bits = int(text, 16)
        return (bits >> 52) & 0x7FF == 0x7FF and bits & 0xFFFFFFFFFFFFF != 0
    return False


def same_value(a, b):
    """Token equality, with any NaN equal to any NaN of the same type."""
    if a == b:
        return True
    return a[:1] == b[:1] and is_nan_token(a) and is_nan_token(b)


def type_letter(valtype):
    for letter, constructor in (("i", ValType.i32), ("j", ValType.i64), ("f", ValType.f32),
                                ("d", ValType.f64), ("r", ValType.funcref), ("e", ValType.externref)):
        if valtype == constructor():
            return letter
    # Another reference type (exnref): the driver prints such a global as "?"; functions that
    # take or return one are not called.
    return "?"


I32_EDGES = [0, 1, 2, 7, 8, 31, 32, 63, 64, 0xFF, 0x100, 0xFFFF, 0x10000, 0x1FFFF, 0x20000, 0x3FFFC,
             0x40000, 0x7FFFFFFF, 0x80000000, 0x80000001, 0xFFFFFFFE, 0xFFFFFFFF]
I64_EDGES = [0, 1, 2, 31, 32, 63, 64, 0xFFFF, 0x10000, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 0x100000000,
             0x7FFFFFFFFFFFFFFF, 0x8000000000000000, 0x8000000000000001, 0xFFFFFFFFFFFFFFFF]
F32_EDGES = [0x00000000, 0x80000000, 0x3F800000, 0xBF800000, 0x3F000000, 0x7F800000, 0xFF800000,
             0x7FC00000, 0xFFC00000, 0x7FC12345, 0x00000001, 0x80000001, 0x007FFFFF, 0x00800000,
             0x7F7FFFFF, 0xFF7FFFFF, 0x4F000000, 0xCF000000, 0x4F800000, 0x5F000000, 0xDF000000,
             0x3F7FFFFF, 0x40490FDB, 0xCF000001, 0x4EFFFFFF]
F64_EDGES = [0x0000000000000000, 0x8000000000000000, 0x3FF0000000000000, 0xBFF0000000000000,
             0x3FE0000000000000, 0x7FF0000000000000, 0xFFF0000000000000, 0x7FF8000000000000,
             0xFFF8000000000000, 0x7FF4000000000001, 0x7FF8000000012345, 0x0000000000000001,
             0x8000000000000001, 0x000FFFFFFFFFFFFF, 0x0010000000000000, 0x7FEFFFFFFFFFFFFF,
             0x41E0000000000000, 0xC1E0000000000000, 0x41F0000000000000, 0x43E0000000000000,
             0xC3E0000000000000, 0x41DFFFFFFFC00000, 0xC1E0000000200000, 0x400921FB54442D18]


def quiet_f32(bits):
    """wasmtime's Python API passes f32 through a C double, which quiets a signalling NaN."""
    if (bits >> 23) & 0xFF == 0xFF and bits & 0x7FFFFF:
        bits |= 0x400000
    return bits


def random_argument(letter, rng, function_exports, zero):
    if letter == "i":
        value = 0 if zero else rng.choice(I32_EDGES) if rng.random() < 0.5 else \
            rng.getrandbits(32) if rng.random() < 0.5 else rng.randrange(0, 0x500)
        return f"i:{value:x}"
    if letter == "j":
        value = 0 if zero else rng.choice(I64_EDGES) if rng.random() < 0.5 else \
            rng.getrandbits(64) if rng.random() < 0.5 else rng.randrange(0, 0x500)
        return f"j:{value:x}"
    if letter == "f":
        value = 0 if zero else rng.choice(F32_EDGES) if rng.random() < 0.6 else \
            f32_bits(rng.uniform(-1e6, 1e6)) if rng.random() < 0.5 else rng.getrandbits(32)
        return f"f:{quiet_f32(value):x}"
    if letter == "d":
        value = 0 if zero else rng.choice(F64_EDGES) if rng.random() < 0.6 else \
            f64_bits(rng.uniform(-1e9, 1e9)) if rng.random() < 0.5 else rng.getrandbits(64)
        return f"d:{value:x}"
    if letter == "r":
        if zero or not function_exports or rng.random() < 0.4:
            return "n"
        return f"F:{rng.choice(function_exports)}"
    if letter == "e":
        return "n" if zero or rng.random() < 0.4 else f"x:{rng.randrange(1, 5)}"
    raise ValueError(letter)


# --------------------------------------------------------------------------
# The reference: wasmtime
# --------------------------------------------------------------------------

class ExternToken:
    """A host reference passed as externref; compared by its number."""

    def __init__(self, number):
        self.number = number


class Reference:
    def __init__(self, wasm):
        config = wasmtime.Config()
        config.consume_fuel = True
        # For SIMD modules (difffuzz.py --simd, and replayed cases): relaxed SIMD in wasmtime's
        # deterministic mode, the profile wasmc implements, so every relaxed result has one answer.
        config.wasm_simd = True
        config.wasm_relaxed_simd = True
        config.wasm_relaxed_simd_deterministic = True
        config.wasm_threads = False
        # The WebAssembly 3.0 features the fuzzer generates (extended constants are always on).
        config.wasm_tail_call = True
        config.wasm_memory64 = True
        config.wasm_multi_memory = True
        config.wasm_gc = False
        config.wasm_function_references = False
        # Exceptions for the opt-in "exceptions" feature set; wasmtime reports one that leaves
        # the module as a trap without a code (see trap_kind).
        config.wasm_exceptions = True
        self.engine = wasmtime.Engine(config)
        self.module = wasmtime.Module(self.engine, wasm)
        self.export_types = self.module.exports
        self.instance = None

    def signature(self, e):
        functype = self.export_types[e].type
        return [type_letter(t) for t in functype.params], [type_letter(t) for t in functype.results]

    def function_exports(self):
        return [e for e, x in enumerate(self.export_types) if isinstance(x.type, wasmtime.FuncType)]

    def host_imports(self):
        """What host.wat declares, as driver.c provides it, fresh for each instance."""
        store = self.store
        i32, i64, f64 = ValType.i32(), ValType.i64(), ValType.f64()
        host = {
            "add": wasmtime.Func(store, wasmtime.FuncType([i32, i32], [i32]),
                                 lambda a, b: (a * 3 + b) & 0xFFFFFFFF),
            "mix": wasmtime.Func(store, wasmtime.FuncType([i64, f64], [i64]),
                                 lambda j, d: (j & 0xFFFFFFFFFFFFFFFF) ^ f64_bits(d)),
            "nop": wasmtime.Func(store, wasmtime.FuncType([], []), lambda: None),
            "g_i32": wasmtime.Global(store, wasmtime.GlobalType(i32, False), wasmtime.Val.i32(0x12345678)),
            "g_mut_i64": wasmtime.Global(store, wasmtime.GlobalType(i64, True), wasmtime.Val.i64(7)),
            "g_f64": wasmtime.Global(store, wasmtime.GlobalType(f64, False),
                                     wasmtime.Val.f64(struct.unpack("<d", struct.pack("<Q", 0x400921FB54442D18))[0])),
            "mem": wasmtime.Memory(store, wasmtime.MemoryType(wasmtime.Limits(1, 2))),
            "mem64": wasmtime.Memory(store, wasmtime.MemoryType(wasmtime.Limits(1, 2), is_64=True)),
            "tab": wasmtime.Table(store, wasmtime.TableType(ValType.funcref(), wasmtime.Limits(4, 8)), None),
        }
        return [host[i.name] for i in self.module.imports]

    def instantiate(self):
        """A fresh store and instance: ("ok", state) or ("trap", kind, None)."""
        self.store = wasmtime.Store(self.engine)
        self.store.set_fuel(FUEL_PER_CALL)
        self.instance = None
        try:
            instance = wasmtime.Instance(self.store, self.module, self.host_imports())
        except wasmtime.Trap as trap:
            return ("trap", self.trap_kind(trap)), None
        except wasmtime.WasmtimeError as error:
            # A start function's uncaught exception comes as an error, not a trap.
            if "thrown Wasm exception" not in str(error):
                raise
            return ("trap", "uncaught exception"), None
        self.instance = instance
        self.exports = instance.exports(self.store).by_index
        self.func_ids = {}
        for e, extern in enumerate(self.exports):
            if isinstance(extern, wasmtime.Func):
                self.func_ids.setdefault(getattr(extern._func, "__private"), e)
        return ("ok",), self.state()

    @staticmethod
    def trap_kind(trap):
        code = trap.trap_code
        if code is None and "thrown Wasm exception" in str(trap):
            return "uncaught exception"
        return WASMTIME_TRAPS.get(code, f"wasmtime {code}")

    def token(self, letter, value):
        if isinstance(value, wasmtime.Val):  # what Table.get returns for a null element
            value = value.value
        if letter == "?":
            return "?"
        if letter == "i":
            return f"i:{value & 0xFFFFFFFF:x}"
        if letter == "j":
            return f"j:{value & 0xFFFFFFFFFFFFFFFF:x}"
        if letter == "f":
            return f"f:{f32_bits(value):x}"
        if letter == "d":
            return f"d:{f64_bits(value):x}"
        if value is None:
            return "n"
        if letter == "r":
            e = self.func_ids.get(getattr(value._func, "__private"))
            return "F:?" if e is None else f"F:{e}"
        if isinstance(value, ExternToken):
            return f"x:{value.number}"
        return "x:?"

    def value(self, token):
        kind, _, text = token.partition(":")
        if kind == "n":
            return None
        if kind == "i":
            return int(text, 16)
        if kind == "j":
            return int(text, 16)
        if kind == "f":
            return struct.unpack("<f", struct.pack("<I", int(text, 16)))[0]
        if kind == "d":
            return struct.unpack("<d", struct.pack("<Q", int(text, 16)))[0]
        if kind == "F":
            return self.exports[int(text)]
        if kind == "x":
            return ExternToken(int(text))
        raise ValueError(token)

    def state(self):
        items = []
        for export, extern in zip(self.export_types, self.exports):
            if isinstance(extern, wasmtime.Global):
                letter = type_letter(export.type.content)
                # wasmtime's C API aborts on reading an exnref: such a global is not read.
                items.append("g:?" if letter == "?" else "g:" + self.token(letter, extern.value(self.store)))
            elif isinstance(extern, wasmtime.Memory):
                length = extern.data_len(self.store)
                data = ctypes.string_at(extern.data_ptr(self.store), length) if length else b""
                items.append(f"m:{extern.size(self.store)}:{zlib.crc32(data):08x}")
            elif isinstance(extern, wasmtime.Table):
                letter = type_letter(export.type.element)
                size = extern.size(self.store)
                if letter == "?":  # exnref elements are not read either: the size is compared
                    items.append(f"t:{size}:?")
                    continue
                elements = [self.token(letter, extern.get(self.store, i)) for i in range(size)]
                items.append(f"t:{size}:" + ",".join(elements))
        return items

    def call(self, e, args):
        self.store.set_fuel(FUEL_PER_CALL)
        _, results = self.signature(e)
        try:
            values = self.exports[e](self.store, *[self.value(a) for a in args])
        except wasmtime.Trap as trap:
            return ("trap", self.trap_kind(trap)), self.state()
        except wasmtime.WasmtimeError as error:
            if "thrown Wasm exception" not in str(error):
                raise
            return ("trap", "uncaught exception"), self.state()
        if len(results) == 0:
            values = []
        elif len(results) == 1:
            values = [values]
        return ("ret",) + tuple(self.token(letter, v) for letter, v in zip(results, values)), self.state()


class Step:
    """One command for the wasmc driver and what wasmtime answered to it."""

    def __init__(self, command, outcome, state):
        self.command = command  # ("i",) or ("c", export, [tokens])
        self.outcome = outcome
        self.state = state

    def line(self, module_slot):
        if self.command[0] == "i":
            return f"i {module_slot}"
        return " ".join(["c", str(self.command[1])] + list(self.command[2]))

    def describe(self):
        if self.command[0] == "i":
            return "instantiate"
        return f"call export {self.command[1]}({', '.join(self.command[2])})"


def reference_plan(wasm, rng, figures):
    """The commands to replay in wasmc, each with wasmtime's answer."""
    reference = Reference(wasm)
    steps = []
    outcome, state = reference.instantiate()
    if outcome[0] == "trap" and outcome[1] in INCONCLUSIVE:
        figures["inconclusive"] += 1
        return steps
    steps.append(Step(("i",), outcome, state))
    if outcome[0] != "ok":
        return steps
    functions = reference.function_exports()
    for e in functions:
        params, results = reference.signature(e)
        if "?" in params + results:
            continue  # an exnref parameter or result: neither side can pass or print it
        # A function without parameters is called twice: the second call sees the first's effects.
        for n in range(CALLS_PER_EXPORT if params else 2):
            args = [random_argument(p, rng, functions, zero=(n == 0)) for p in params]
            outcome, state = reference.call(e, args)
            if outcome[0] == "trap" and outcome[1] in INCONCLUSIVE:
                # Inconclusive: start again from a fresh instance with the next export.
                figures["inconclusive"] += 1
                outcome, state = reference.instantiate()
                steps.append(Step(("i",), outcome, state))
                break
            steps.append(Step(("c", e, args), outcome, state))
    return steps
