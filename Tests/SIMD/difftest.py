#!/usr/bin/env python3
"""Differential test of runtime-c/include/wasmc_simd.h against wasmtime.

    difftest.py --work DIR --wasm-tools PATH --header-dir DIR [--only WORD]... CONFIG...

CONFIG is NAME=COMMAND: a C compiler command line (the source and -o are
appended) and, after '@', a runner prefix for the binary, e.g.
    'x86-sse4.2=clang -O2 -msse4.2'
    'aarch64-neon=aarch64-linux-gnu-gcc -O2 -static@qemu-aarch64'

For every SIMD instruction (every lane immediate of the lane instructions, a
few shuffle masks and constants) it generates one wasm function that applies
the instruction to each of several hundred input records in memory, and the
same loop in C over the header's function. Inputs are edge values (0, -1,
integer bounds, +-0, +-inf, NaNs with payloads, subnormals, values around
saturation and rounding boundaries) and a fixed-seed random set. wasmtime
(relaxed SIMD in its deterministic mode) runs the wasm; each CONFIG builds and
runs the C; every output byte is compared.

The one comparison rule that is not equality comes from the spec
(WebAssembly 3.0, Numerics, "NaN Propagation"): where
an instruction's float result is a NaN, any NaN the spec allows passes: an
arithmetic NaN (quiet bit set), and a canonical NaN (payload the quiet bit
alone, either sign) if every NaN among the inputs is canonical. wasmtime
gives the hardware's NaN, which may differ in sign or payload from another
machine's, and so may ours.

Prints one line per failure and per configuration, and ends with
"N passed, M failed" where a check is one instruction variant under one
configuration.
"""
import argparse
import os
import random
import struct
import subprocess
import sys
import time

RECORDS = 400  # input records per instruction variant
IN_BASE = 0
OUT_BASE = 32768
RECORD_BYTES = 48  # a, b, c: three v128 operands (b's low bits also feed scalars and loads)


# --------------------------------------------------------------------------
# The instructions
# --------------------------------------------------------------------------

class Variant:
    """One wasm function / C loop: an instruction with fixed immediates."""

    def __init__(self, name, kind, inputs="int", arity=0, scalar=None, result="v128",
                 nan=None, lane=None, imm=None, label=None):
        self.name = name          # the instruction's text name
        self.kind = kind
        self.inputs = inputs      # class of input values: int, f32, f64, shift, swizzle
        self.arity = arity        # v128 operands read from a, b, c
        self.scalar = scalar      # scalar operand type (i32, i64, f32, f64) read from b
        self.result = result      # v128, i32, i64, f32, f64, or mem8/16/32/64/128
        self.nan = nan            # (input float bits, output float bits) if NaN rule applies
        self.lane = lane
        self.imm = imm
        self.label = label or (name + (f"[{lane}]" if lane is not None else "")
                               + (f"[{imm}]" if imm is not None else ""))

    @property
    def c_name(self):
        return "wasmc_" + self.name.replace(".", "_")


def build_variants():
    v = []

    def unop(name, inputs="int", nan=None):
        v.append(Variant(name, "op", inputs, 1, nan=nan))

    def binop(name, inputs="int", nan=None):
        v.append(Variant(name, "op", inputs, 2, nan=nan))

    def ternop(name, inputs="int", nan=None):
        v.append(Variant(name, "op", inputs, 3, nan=nan))

    # Memory: loads read from b (and c), stores write the result slot.
    v.append(Variant("v128.load", "load", result="v128"))
    for suffix in ["8x8_s", "8x8_u", "16x4_s", "16x4_u", "32x2_s", "32x2_u",
                   "8_splat", "16_splat", "32_splat", "64_splat", "32_zero", "64_zero"]:
        v.append(Variant("v128.load" + suffix, "load"))
    v.append(Variant("v128.store", "store", arity=1, result="mem128"))
    for bits, lanes in [(8, 16), (16, 8), (32, 4), (64, 2)]:
        for lane in range(lanes):
            v.append(Variant(f"v128.load{bits}_lane", "load_lane", arity=1, lane=lane, imm=bits))
            v.append(Variant(f"v128.store{bits}_lane", "store_lane", arity=1, lane=lane,
                             imm=bits, result=f"mem{bits}"))

    for low, high in [(0, 0), (0x0123456789abcdef, 0xfedcba9876543210), (2**64 - 1, 0x7fc00001ffc00000)]:
        v.append(Variant("v128.const", "const", imm=(low, high), label=f"v128.const[{low:x},{high:x}]"))

    rng = random.Random(11)
    masks = [list(range(16)), list(range(16, 32)), list(range(15, -1, -1)),
             [0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23], [31] * 16]
    masks += [[rng.randrange(32) for _ in range(16)] for _ in range(5)]
    for mask in masks:
        v.append(Variant("i8x16.shuffle", "shuffle", arity=2, imm=mask,
                         label="i8x16.shuffle[" + ",".join(map(str, mask)) + "]"))
    binop("i8x16.swizzle", "swizzle")

    for shape, scalar in [("i8x16", "i32"), ("i16x8", "i32"), ("i32x4", "i32"), ("i64x2", "i64"),
                          ("f32x4", "f32"), ("f64x2", "f64")]:
        v.append(Variant(shape + ".splat", "splat", "f32" if scalar == "f32" else "f64" if scalar == "f64" else "int",
                         scalar=scalar))
    for name, lanes, result, inputs in [
            ("i8x16.extract_lane_s", 16, "i32", "int"), ("i8x16.extract_lane_u", 16, "i32", "int"),
            ("i16x8.extract_lane_s", 8, "i32", "int"), ("i16x8.extract_lane_u", 8, "i32", "int"),
            ("i32x4.extract_lane", 4, "i32", "int"), ("i64x2.extract_lane", 2, "i64", "int"),
            ("f32x4.extract_lane", 4, "f32", "f32"), ("f64x2.extract_lane", 2, "f64", "f64")]:
        for lane in range(lanes):
            v.append(Variant(name, "extract", inputs, 1, result=result, lane=lane))
    for name, lanes, scalar, inputs in [
            ("i8x16.replace_lane", 16, "i32", "int"), ("i16x8.replace_lane", 8, "i32", "int"),
            ("i32x4.replace_lane", 4, "i32", "int"), ("i64x2.replace_lane", 2, "i64", "int"),
            ("f32x4.replace_lane", 4, "f32", "f32"), ("f64x2.replace_lane", 2, "f64", "f64")]:
        for lane in range(lanes):
            v.append(Variant(name, "replace", inputs, 1, scalar=scalar, lane=lane))

    for shape, ops in [("i8x16", ["eq", "ne", "lt_s", "lt_u", "gt_s", "gt_u", "le_s", "le_u", "ge_s", "ge_u"]),
                       ("i16x8", ["eq", "ne", "lt_s", "lt_u", "gt_s", "gt_u", "le_s", "le_u", "ge_s", "ge_u"]),
                       ("i32x4", ["eq", "ne", "lt_s", "lt_u", "gt_s", "gt_u", "le_s", "le_u", "ge_s", "ge_u"]),
                       ("i64x2", ["eq", "ne", "lt_s", "gt_s", "le_s", "ge_s"])]:
        for op in ops:
            binop(f"{shape}.{op}", "intcmp")
    for shape, cls in [("f32x4", "f32"), ("f64x2", "f64")]:
        for op in ["eq", "ne", "lt", "gt", "le", "ge"]:
            binop(f"{shape}.{op}", cls)

    unop("v128.not")
    for op in ["and", "andnot", "or", "xor"]:
        binop("v128." + op)
    ternop("v128.bitselect")
    v.append(Variant("v128.any_true", "op", "sparse", 1, result="i32"))

    for shape in ["i8x16", "i16x8", "i32x4", "i64x2"]:
        unop(shape + ".abs")
        unop(shape + ".neg")
        v.append(Variant(shape + ".all_true", "op", "sparse", 1, result="i32"))
        v.append(Variant(shape + ".bitmask", "op", "int", 1, result="i32"))
        for op in ["shl", "shr_s", "shr_u"]:
            v.append(Variant(f"{shape}.{op}", "shift", "shift", 1, scalar="i32"))
        binop(shape + ".add")
        binop(shape + ".sub")
    unop("i8x16.popcnt")
    for name in ["i8x16.narrow_i16x8_s", "i8x16.narrow_i16x8_u", "i16x8.narrow_i32x4_s", "i16x8.narrow_i32x4_u"]:
        binop(name)
    for shape in ["i8x16", "i16x8"]:
        for op in ["add_sat_s", "add_sat_u", "sub_sat_s", "sub_sat_u", "avgr_u"]:
            binop(f"{shape}.{op}")
    for shape in ["i8x16", "i16x8", "i32x4"]:
        for op in ["min_s", "min_u", "max_s", "max_u"]:
            binop(f"{shape}.{op}")
    for shape in ["i16x8", "i32x4", "i64x2"]:
        binop(shape + ".mul")
    binop("i16x8.q15mulr_sat_s")
    binop("i32x4.dot_i16x8_s")
    for wide, narrow in [("i16x8", "i8x16"), ("i32x4", "i16x8"), ("i64x2", "i32x4")]:
        for half in ["low", "high"]:
            for sign in ["s", "u"]:
                unop(f"{wide}.extend_{half}_{narrow}_{sign}")
                binop(f"{wide}.extmul_{half}_{narrow}_{sign}")
    for name in ["i16x8.extadd_pairwise_i8x16_s", "i16x8.extadd_pairwise_i8x16_u",
                 "i32x4.extadd_pairwise_i16x8_s", "i32x4.extadd_pairwise_i16x8_u"]:
        unop(name)

    for shape, cls, bits in [("f32x4", "f32", 32), ("f64x2", "f64", 64)]:
        for op in ["ceil", "floor", "trunc", "nearest", "sqrt"]:
            unop(f"{shape}.{op}", cls, nan=(bits, bits))
        unop(shape + ".abs", cls)
        unop(shape + ".neg", cls)
        for op in ["add", "sub", "mul", "div", "min", "max"]:
            binop(f"{shape}.{op}", cls, nan=(bits, bits))
        binop(shape + ".pmin", cls)
        binop(shape + ".pmax", cls)

    unop("i32x4.trunc_sat_f32x4_s", "f32")
    unop("i32x4.trunc_sat_f32x4_u", "f32")
    unop("i32x4.trunc_sat_f64x2_s_zero", "f64")
    unop("i32x4.trunc_sat_f64x2_u_zero", "f64")
    unop("f32x4.convert_i32x4_s")
    unop("f32x4.convert_i32x4_u")
    unop("f64x2.convert_low_i32x4_s")
    unop("f64x2.convert_low_i32x4_u")
    unop("f32x4.demote_f64x2_zero", "f64", nan=(64, 32))
    unop("f64x2.promote_low_f32x4", "f32", nan=(32, 64))

    # Relaxed SIMD (deterministic profile).
    binop("i8x16.relaxed_swizzle", "swizzle")
    unop("i32x4.relaxed_trunc_f32x4_s", "f32")
    unop("i32x4.relaxed_trunc_f32x4_u", "f32")
    unop("i32x4.relaxed_trunc_f64x2_s_zero", "f64")
    unop("i32x4.relaxed_trunc_f64x2_u_zero", "f64")
    ternop("f32x4.relaxed_madd", "f32mad", nan=(32, 32))
    ternop("f32x4.relaxed_nmadd", "f32mad", nan=(32, 32))
    ternop("f64x2.relaxed_madd", "f64mad", nan=(64, 64))
    ternop("f64x2.relaxed_nmadd", "f64mad", nan=(64, 64))
    for shape in ["i8x16", "i16x8", "i32x4", "i64x2"]:
        ternop(shape + ".relaxed_laneselect", "int")
    binop("f32x4.relaxed_min", "f32", nan=(32, 32))
    binop("f32x4.relaxed_max", "f32", nan=(32, 32))
    binop("f64x2.relaxed_min", "f64", nan=(64, 64))
    binop("f64x2.relaxed_max", "f64", nan=(64, 64))
    binop("i16x8.relaxed_q15mulr_s")
    binop("i16x8.relaxed_dot_i8x16_i7x16_s", "extremebytes")
    ternop("i32x4.relaxed_dot_i8x16_i7x16_add_s", "extremebytes")
    return v


# --------------------------------------------------------------------------
# Inputs
# --------------------------------------------------------------------------

def f32_bits(x):
    return struct.unpack("<I", struct.pack("<f", x))[0]


def f64_bits(x):
    return struct.unpack("<Q", struct.pack("<d", x))[0]


INT_EDGES = {
    8: [0, 1, 2, 0x7f, 0x80, 0x81, 0xff, 0xfe, 0x40, 0x3f, 0x10, 0x0f],
    16: [0, 1, 0x7fff, 0x8000, 0x8001, 0xffff, 0xfffe, 0x7f, 0x80, 0xff, 0x100, 0xff80, 0xff7f, 0x4000, 0xc000],
    32: [0, 1, 0x7fffffff, 0x80000000, 0x80000001, 0xffffffff, 0xfffffffe, 0x7fff, 0x8000, 0xffff,
         0x10000, 0xffff8000, 0xffff7fff, 0x00ffffff, 0x01000001],
    64: [0, 1, 2**63 - 1, 2**63, 2**63 + 1, 2**64 - 1, 2**64 - 2, 0x7fffffff, 0x80000000, 0xffffffff,
         0x100000000, 0xffffffff80000000, 0xffffffff7fffffff],
}

F32_EDGES = [f32_bits(x) for x in [
    0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 3.5, 0.49999997, -0.49999997, 0.99999994,
    -0.99999994, 8388607.5, -8388607.5, 8388608.0, 16777216.0, 2147483520.0, 2147483648.0,
    -2147483648.0, -2147483904.0, 4294967040.0, 4294967296.0, 3.4028234663852886e38,
    -3.4028234663852886e38, 1.1754943508222875e-38, float("inf"), float("-inf"), 1e10, -1e10, 65535.5,
    -65536.5, 0.1, 3.0, 7.0, 1e-40]]
F32_EDGES += [0x7fc00000, 0xffc00000, 0x7fc00001, 0xffc12345, 0x7f800001, 0xff800001, 0x7fbfffff,
              0x7fffffff, 0xffffffff, 0x00000001, 0x807fffff, 0x00400000, 0x80000001]

F64_EDGES = [f64_bits(x) for x in [
    0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 0.49999999999999994, -0.49999999999999994,
    0.9999999999999999, -0.9999999999999999, 4503599627370495.5, -4503599627370495.5, 4503599627370496.0,
    2147483647.0, 2147483647.5, 2147483648.0, -2147483648.0, -2147483648.5, -2147483648.9999998,
    -2147483649.0, 4294967295.0, 4294967295.5, 4294967296.0, -0.9, 1.7976931348623157e308,
    -1.7976931348623157e308, 2.2250738585072014e-308, float("inf"), float("-inf"), 3.4028235677973366e38,
    3.4028234663852886e38 * 1.0000000001, 1e-310, 1.401298464324817e-45, 7.006492321624085e-46,
    1e-50, 16777217.0, 0.1, 3.0]]
F64_EDGES += [0x7ff8000000000000, 0xfff8000000000000, 0x7ff8000000000001, 0xfff8000012345678,
              0x7ff0000000000001, 0xfff0000000000001, 0x7ff7ffffffffffff, 0x7fffffffffffffff,
              0xffffffffffffffff, 0x0000000000000001, 0x800fffffffffffff, 0x7ff8000020000000]


def pack_lanes(values, bits):
    fmt = {8: "B", 16: "H", 32: "I", 64: "Q"}[bits]
    return struct.pack("<" + fmt * len(values), *values)


def random_vector(rng, cls):
    """16 bytes of one input class."""
    r = rng.random()
    if cls in ("int", "intcmp", "sparse"):
        if cls == "sparse" and r < 0.6:  # mostly zero lanes, so all_true/any_true see both answers
            bits = rng.choice([8, 16, 32, 64])
            lanes = 128 // bits
            vals = [0 if rng.random() < 0.25 else rng.choice(INT_EDGES[bits][1:]) for _ in range(lanes)]
            if rng.random() < 0.2:
                vals = [0] * lanes
            return pack_lanes(vals, bits)
        if r < 0.3:
            return bytes(rng.getrandbits(8) for _ in range(16))
        bits = rng.choice([8, 16, 32, 64])
        lanes = 128 // bits
        return pack_lanes([rng.choice(INT_EDGES[bits]) if rng.random() < 0.7 else rng.getrandbits(bits)
                           for _ in range(lanes)], bits)
    if cls == "swizzle":
        return bytes(rng.choice([rng.randrange(16), rng.randrange(16, 32), rng.randrange(256),
                                 rng.choice([0x70, 0x7f, 0x80, 0x8f, 0xf0, 0xff, 15, 16])])
                     for _ in range(16))
    if cls == "shift":
        return bytes(rng.getrandbits(8) for _ in range(16))
    if cls == "extremebytes":  # where 8-bit products and their sums saturate
        if r < 0.3:
            return random_vector(rng, "int")
        return bytes(rng.choice([0x80, 0x80, 0x80, 0x7f, 0x81, 0xff, 0x00, 0x01, rng.getrandbits(8)])
                     for _ in range(16))
    if cls in ("f32", "f32mad"):
        def lane():
            x = rng.random()
            if x < 0.55:
                return rng.choice(F32_EDGES)
            if x < 0.75 or cls == "f32mad":
                return f32_bits(rng.uniform(-1e6, 1e6) if rng.random() < 0.5 else rng.uniform(-4, 4))
            return rng.getrandbits(32)
        if cls == "f32mad" and r < 0.8:
            return pack_lanes([f32_bits(rng.uniform(-3, 3)) for _ in range(4)], 32)
        return pack_lanes([lane() for _ in range(4)], 32)
    if cls in ("f64", "f64mad"):
        def lane():
            x = rng.random()
            if x < 0.55:
                return rng.choice(F64_EDGES)
            if x < 0.75 or cls == "f64mad":
                return f64_bits(rng.uniform(-1e10, 1e10) if rng.random() < 0.5 else rng.uniform(-4, 4))
            return rng.getrandbits(64)
        if cls == "f64mad" and r < 0.8:
            return pack_lanes([f64_bits(rng.uniform(-3, 3)) for _ in range(2)], 64)
        return pack_lanes([lane() for _ in range(2)], 64)
    raise ValueError(cls)


def make_inputs(variant, seed):
    rng = random.Random(seed)
    records = []
    cls = variant.inputs
    for i in range(RECORDS):
        if cls == "intcmp" and i % 3 == 0:  # equal operands often, so eq/le/ge see true
            a = random_vector(rng, "int")
            b = a if rng.random() < 0.5 else bytes(x ^ (1 << rng.randrange(8)) if rng.random() < 0.2 else x for x in a)
            records.append(a + b + random_vector(rng, "int"))
            continue
        parts = [random_vector(rng, "int" if cls == "intcmp" else cls) for _ in range(3)]
        if cls == "shift":
            # b's low 32 bits are the shift count: small counts, lane-width multiples, huge ones.
            count = rng.choice([rng.randrange(8), rng.randrange(70), rng.choice([8, 16, 32, 64, 63, 65, 128, 255]),
                                rng.getrandbits(32)])
            parts[1] = struct.pack("<I", count) + parts[1][4:]
            parts[0] = random_vector(rng, "int")
        records.append(b"".join(parts))
    # Uniform records where the extremes meet in every lane (-128 * -128 in
    # dot products, 0x8000 * 0x8000 in q15mulr, all ones, all zeros).
    records[0] = bytes(48)
    records[1] = b"\xff" * 48
    records[2] = b"\x80" * 48
    records[3] = b"\x7f" * 48
    records[4] = b"\x80\x7f" * 24
    records[5] = b"\x00\x80" * 24
    return b"".join(records)


# --------------------------------------------------------------------------
# The wasm module
# --------------------------------------------------------------------------

SCALAR_LOAD = {"i32": "i32.load", "i64": "i64.load", "f32": "f32.load", "f64": "f64.load"}


A = "(v128.load offset=0 (local.get $p))"
B = "(v128.load offset=16 (local.get $p))"
C = "(v128.load offset=32 (local.get $p))"
EVEN_I16 = "0 1 4 5 8 9 12 13 16 17 20 21 24 25 28 29"
ODD_I16 = "2 3 6 7 10 11 14 15 18 19 22 23 26 27 30 31"


def spec_reference(v):
    """The deterministic profile's definition in WebAssembly 2.0 instructions, for
    the relaxed instructions where wasmtime's deterministic mode chooses otherwise
    (3.0 spec, Numerics, "Relaxed Operations", and $vextbinop__/$vextternop__):

      relaxed_madd(a, b, c) = fadd(fmul(a, b), c): two roundings; wasmtime fuses.
      relaxed_dot_i8x16_i7x16_s = $ivdot_sat_: signed products, adjacent ones added
        with signed saturation; wasmtime wraps (-128 * -128 twice: 32767 vs -32768).
      relaxed_dot_i8x16_i7x16_add_s = extadd_pairwise_s of that, plus c; wasmtime
        adds the four products exactly.
    None for every other instruction (wasmtime's result is the reference)."""
    if v.name.endswith("relaxed_madd") or v.name.endswith("relaxed_nmadd"):
        shape = v.name.split(".")[0]
        first = f"({shape}.neg {A})" if v.name.endswith("nmadd") else A
        return f"({shape}.add ({shape}.mul {first} {B}) {C})"
    if "relaxed_dot_i8x16_i7x16" in v.name:
        low, high = f"(i16x8.extmul_low_i8x16_s {A} {B})", f"(i16x8.extmul_high_i8x16_s {A} {B})"
        dot = f"(i16x8.add_sat_s (i8x16.shuffle {EVEN_I16} {low} {high}) (i8x16.shuffle {ODD_I16} {low} {high}))"
        if v.name.endswith("_add_s"):
            return f"(i32x4.add (i32x4.extadd_pairwise_i16x8_s {dot}) {C})"
        return dot
    return None


def wat_expression(v, use_reference=True):
    a, b, c = A, B, C
    operands = [a, b, c][:v.arity]
    if use_reference and spec_reference(v):
        return spec_reference(v)
    if v.kind == "op":
        return f"({v.name} {' '.join(operands)})"
    if v.kind == "shift":
        return f"({v.name} {a} (i32.load offset=16 (local.get $p)))"
    if v.kind == "splat":
        return f"({v.name} ({SCALAR_LOAD[v.scalar]} offset=16 (local.get $p)))"
    if v.kind == "extract":
        return f"({v.name} {v.lane} {a})"
    if v.kind == "replace":
        return f"({v.name} {v.lane} {a} ({SCALAR_LOAD[v.scalar]} offset=16 (local.get $p)))"
    if v.kind == "shuffle":
        return f"(i8x16.shuffle {' '.join(map(str, v.imm))} {a} {b})"
    if v.kind == "const":
        return f"(v128.const i64x2 {v.imm[0]} {v.imm[1]})"
    if v.kind == "load":
        return f"({v.name} offset=16 (local.get $p))"
    if v.kind == "load_lane":
        return f"({v.name} offset=16 {v.lane} (local.get $p) {a})"
    raise ValueError(v.kind)


def wat_function(index, v, prefix="v", use_reference=True):
    out = f"(i32.add (local.get $q) (i32.const {OUT_BASE}))"
    if v.kind == "store":
        body = f"(v128.store {out} (v128.load offset=0 (local.get $p)))"
    elif v.kind == "store_lane":
        body = f"({v.name} {v.lane} {out} (v128.load offset=0 (local.get $p)))"
    else:
        store = {"v128": "v128.store", "i32": "i32.store", "i64": "i64.store", "f32": "f32.store",
                 "f64": "f64.store"}[v.result]
        body = f"({store} {out} {wat_expression(v, use_reference)})"
    return f"""  (func (export "{prefix}{index}") (param $n i32) (local $i i32) (local $p i32) (local $q i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $p (i32.mul (local.get $i) (i32.const {RECORD_BYTES})))
        (local.set $q (i32.mul (local.get $i) (i32.const 16)))
        {body}
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next))))  ;; {v.label}
"""


def wat_module(variants):
    """One function v<i> per variant; for the variants checked against the spec's
    definition, also w<i> with wasmtime's own instruction, to report how it differs."""
    return "(module\n  (memory (export \"mem\") 1)\n" + "".join(
        wat_function(i, v) for i, v in enumerate(variants)) + "".join(
        wat_function(i, v, "w", False) for i, v in enumerate(variants) if spec_reference(v)) + ")\n"


# --------------------------------------------------------------------------
# The C harness
# --------------------------------------------------------------------------

C_SCALAR = {"i32": "uint32_t", "i64": "uint64_t", "f32": "float", "f64": "double"}


def c_statement(v):
    if v.kind == "store":
        return "wasmc_v128_store(q, a);"
    if v.kind == "store_lane":
        t = f"uint{v.imm}_t"
        return f"{t} x = {v.c_name}(a, {v.lane}); memcpy(q, &x, sizeof x);"
    if v.kind == "load":
        expr = f"{v.c_name}(p + 16)"
    elif v.kind == "load_lane":
        t = f"uint{v.imm}_t"
        return (f"{t} x; memcpy(&x, p + 16, sizeof x); wasmc_v128 r = {v.c_name}(a, x, {v.lane}); "
                "memcpy(q, &r, 16);")
    elif v.kind == "op":
        expr = f"{v.c_name}({', '.join('abc'[:v.arity])})"
    elif v.kind == "shift":
        return (f"uint32_t n; memcpy(&n, p + 16, 4); wasmc_v128 r = {v.c_name}(a, n); memcpy(q, &r, 16);")
    elif v.kind == "splat":
        t = C_SCALAR[v.scalar]
        return f"{t} x; memcpy(&x, p + 16, sizeof x); wasmc_v128 r = {v.c_name}(x); memcpy(q, &r, 16);"
    elif v.kind == "extract":
        t = C_SCALAR[v.result]
        return f"{t} r = {v.c_name}(a, {v.lane}); memcpy(q, &r, sizeof r);"
    elif v.kind == "replace":
        t = C_SCALAR[v.scalar]
        return (f"{t} x; memcpy(&x, p + 16, sizeof x); wasmc_v128 r = {v.c_name}(a, {v.lane}, x); "
                "memcpy(q, &r, 16);")
    elif v.kind == "shuffle":
        expr = f"wasmc_i8x16_shuffle(a, b, {', '.join(map(str, v.imm))})"
    elif v.kind == "const":
        expr = f"wasmc_v128_const({v.imm[0]}ull, {v.imm[1]}ull)"
    else:
        raise ValueError(v.kind)
    if v.result == "i32":
        return f"uint32_t r = {expr}; memcpy(q, &r, 4);"
    return f"wasmc_v128 r = {expr}; memcpy(q, &r, 16);"


def c_harness(variants):
    lines = ["/* Generated by Tests/SIMD/difftest.py: runs each instruction of wasmc_simd.h",
             " * over the input records on stdin, writes the results to stdout. */",
             "#include <stdio.h>", "#include <stdlib.h>", '#include "wasmc_simd.h"', "",
             f"#define RECORDS {RECORDS}", ""]
    for i, v in enumerate(variants):
        lines.append(f"/* {v.label} */")
        lines.append(f"static void v{i}(const uint8_t *in, uint8_t *out) {{")
        lines.append("  for (int i = 0; i < RECORDS; i++) {")
        lines.append(f"    const uint8_t *p = in + i * {RECORD_BYTES};")
        lines.append("    uint8_t *q = out + i * 16;")
        lines.append("    wasmc_v128 a = wasmc_v128_load(p), b = wasmc_v128_load(p + 16), "
                     "c = wasmc_v128_load(p + 32);")
        lines.append("    (void)a; (void)b; (void)c; (void)p;")
        lines.append("    " + c_statement(v))
        lines.append("  }")
        lines.append("}")
    lines.append("")
    lines.append("static void (*const variants[])(const uint8_t *, uint8_t *) = {")
    lines.append(",\n".join(f"  v{i}" for i in range(len(variants))))
    lines.append("};")
    lines.append(f"""
int main(void) {{
  size_t count = sizeof variants / sizeof variants[0];
  size_t in_size = (size_t)RECORDS * {RECORD_BYTES}, out_size = (size_t)RECORDS * 16;
  uint8_t *in = malloc(in_size * count), *out = calloc(count, out_size);
  if (!in || !out || fread(in, in_size, count, stdin) != count) {{
    fprintf(stderr, "harness: expected %zu records of input\\n", count * RECORDS);
    return 2;
  }}
  for (size_t k = 0; k < count; k++) variants[k](in + k * in_size, out + k * out_size);
  if (fwrite(out, out_size, count, stdout) != count) return 2;
  return 0;
}}
""")
    return "\n".join(lines)


# --------------------------------------------------------------------------
# Comparison
# --------------------------------------------------------------------------

def is_nan(bits, width):
    if width == 32:
        return (bits & 0x7f800000) == 0x7f800000 and (bits & 0x007fffff) != 0
    return (bits & 0x7ff0000000000000) == 0x7ff0000000000000 and (bits & 0x000fffffffffffff) != 0


def is_canonical(bits, width):
    if width == 32:
        return (bits & 0x7fffffff) == 0x7fc00000
    return (bits & 0x7fffffffffffffff) == 0x7ff8000000000000


def is_arithmetic(bits, width):
    quiet = 0x00400000 if width == 32 else 0x0008000000000000
    return is_nan(bits, width) and (bits & quiet) != 0


def lanes(data, width):
    fmt = "<" + ("I" if width == 32 else "Q") * (16 * 8 // width)
    return struct.unpack(fmt, data)


def compare_record(v, record, mine, reference):
    """None if the results agree (under the NaN rule where it applies), else a reason."""
    if mine == reference:
        return None
    if not v.nan:
        return "differs"
    in_width, out_width = v.nan
    inputs = [x for k in range(v.arity) for x in lanes(record[16 * k:16 * k + 16], in_width)]
    all_canonical = all(is_canonical(x, in_width) for x in inputs if is_nan(x, in_width))
    for m, r in zip(lanes(mine, out_width), lanes(reference, out_width)):
        if m == r:
            continue
        if not is_nan(r, out_width):
            return "differs"
        if not is_nan(m, out_width):
            return "NaN expected"
        if all_canonical and not is_canonical(m, out_width):
            return "canonical NaN expected"
        if not is_arithmetic(m, out_width):
            return "arithmetic NaN expected"
    return None


def hexes(data):
    return data.hex()


# --------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------

def run_wasmtime(wasm, variants, inputs):
    import wasmtime
    config = wasmtime.Config()
    config.wasm_simd = True
    config.wasm_relaxed_simd = True
    config.wasm_relaxed_simd_deterministic = True
    engine = wasmtime.Engine(config)
    store = wasmtime.Store(engine)
    module = wasmtime.Module(engine, wasm)
    instance = wasmtime.Instance(store, module, [])
    exports = instance.exports(store)
    memory = exports["mem"]
    in_size, out_size = RECORDS * RECORD_BYTES, RECORDS * 16
    def run(name, i):
        memory.write(store, inputs[i * in_size:(i + 1) * in_size], IN_BASE)
        memory.write(store, bytes(out_size), OUT_BASE)
        exports[name](store, RECORDS)
        return bytes(memory.read(store, OUT_BASE, OUT_BASE + out_size))

    results = [run(f"v{i}", i) for i in range(len(variants))]
    own = {i: run(f"w{i}", i) for i, v in enumerate(variants) if spec_reference(v)}
    return results, own


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--work", required=True)
    parser.add_argument("--wasm-tools", required=True)
    parser.add_argument("--header-dir", required=True)
    parser.add_argument("--only", action="append", default=[], help="run only variants whose label contains this (repeatable)")
    parser.add_argument("configs", nargs="+")
    args = parser.parse_args()
    os.makedirs(args.work, exist_ok=True)

    variants = [v for v in build_variants() if not args.only or any(w in v.label for w in args.only)]
    names = sorted({v.name for v in variants})
    relaxed = [n for n in names if "relaxed" in n]
    print(f"{len(names)} instructions ({len(names) - len(relaxed)} fixed-width, {len(relaxed)} relaxed), "
          f"{len(variants)} variants, {RECORDS} inputs each")

    inputs = b"".join(make_inputs(v, 1000 + i) for i, v in enumerate(variants))
    wat_path = os.path.join(args.work, "simd_diff.wat")
    wasm_path = os.path.join(args.work, "simd_diff.wasm")
    c_path = os.path.join(args.work, "harness.c")
    with open(wat_path, "w") as f:
        f.write(wat_module(variants))
    with open(c_path, "w") as f:
        f.write(c_harness(variants))
    subprocess.run([args.wasm_tools, "parse", wat_path, "-o", wasm_path], check=True)
    started = time.time()
    reference, own = run_wasmtime(open(wasm_path, "rb").read(), variants, inputs)
    print(f"wasmtime: {time.time() - started:.1f}s")
    for i, result in own.items():
        v = variants[i]
        differing = sum(1 for k in range(RECORDS) if compare_record(
            v, inputs[i * RECORDS * RECORD_BYTES + k * RECORD_BYTES:][:RECORD_BYTES],
            result[k * 16:(k + 1) * 16], reference[i][k * 16:(k + 1) * 16]))
        print(f"note: wasmtime's deterministic {v.name} differs from the 3.0 deterministic profile "
              f"(the reference here) on {differing} of {RECORDS} inputs")

    passed = failed = 0
    in_size, out_size = RECORDS * RECORD_BYTES, RECORDS * 16
    for config in args.configs:
        label, _, command = config.partition("=")
        compiler, _, runner = command.partition("@")
        binary = os.path.join(args.work, "harness-" + label)
        build = compiler.split() + ["-std=gnu11", "-Wall", "-Wextra", "-Werror", "-I", args.header_dir,
                                    c_path, "-o", binary, "-lm"]
        started = time.time()
        result = subprocess.run(build, capture_output=True, text=True)
        if result.returncode != 0:
            print(f"FAIL  {label}: harness build failed: {' '.join(build)}\n{result.stderr[:4000]}")
            failed += len(variants)
            continue
        built = time.time() - started
        result = subprocess.run(runner.split() + [binary], input=inputs, capture_output=True)
        if result.returncode != 0 or len(result.stdout) != out_size * len(variants):
            print(f"FAIL  {label}: harness run failed ({result.returncode}): {result.stderr.decode()[:2000]}")
            failed += len(variants)
            continue
        config_failed = 0
        records_compared = 0
        nan_rule = 0  # results that differ in NaN bits only, in ways the spec allows
        for i, v in enumerate(variants):
            mine = result.stdout[i * out_size:(i + 1) * out_size]
            problems = []
            if mine == reference[i]:
                records_compared += RECORDS
                continue
            for k in range(RECORDS):
                record = inputs[i * in_size + k * RECORD_BYTES:i * in_size + (k + 1) * RECORD_BYTES]
                m = mine[k * 16:(k + 1) * 16]
                r = reference[i][k * 16:(k + 1) * 16]
                reason = compare_record(v, record, m, r)
                records_compared += 1
                if reason is None and m != r:
                    nan_rule += 1
                if reason:
                    problems.append((record, m, r, reason))
            if problems:
                config_failed += 1
                print(f"FAIL  {label}  {v.label}: {len(problems)}/{RECORDS} inputs differ")
                for record, m, r, reason in problems[:3]:
                    print(f"        a={hexes(record[:16])} b={hexes(record[16:32])} c={hexes(record[32:])}")
                    print(f"        wasmc_simd.h {hexes(m)}  wasmtime {hexes(r)}  ({reason})")
        passed += len(variants) - config_failed
        failed += config_failed
        print(f"{label}: {len(variants) - config_failed} of {len(variants)} variants agree "
              f"({records_compared} results compared, {nan_rule} of them equal up to NaN bits; "
              f"build {built:.1f}s)")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
