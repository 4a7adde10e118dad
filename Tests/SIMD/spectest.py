#!/usr/bin/env python3
"""The spec suite's SIMD assertions against wasmc_simd.h, without a compiler.

    spectest.py --work DIR --wasm-tools PATH --header-dir DIR --config CONFIG... WAST...

For each .wast (converted by `wasm-tools json-from-wast`), every exported
function whose body is straight-line code over its parameters and constants
(local.get, *.const, and the SIMD instructions of the header other than memory
accesses) is translated to one C expression over the header's functions;
every assert_return that invokes such a function becomes a call, and its
result is compared lane by lane with the expected value: exact bits,
nan:canonical / nan:arithmetic per lane, and any of the alternatives of an
`either` (relaxed SIMD). Functions with anything else (memory, control flow,
locals) are the compiler's to test and are counted as skipped.

Each --config is NAME=COMPILER[@RUNNER] as for difftest.py. Ends with
"N passed, M failed" where a check is one assertion in one build.
"""
import argparse
import json
import os
import re
import struct
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import difftest  # noqa: E402  (the instruction table)

C_TYPE = {"i32": "uint32_t", "i64": "uint64_t", "f32": "float", "f64": "double", "v128": "wasmc_v128"}
SLOT = 16  # every argument and result occupies 16 bytes in the data files


def instruction_table():
    """name -> (operand count, kind) for the pure SIMD instructions."""
    table = {}
    for v in difftest.build_variants():
        if v.kind in ("load", "store", "load_lane", "store_lane", "const"):
            continue
        arity = {"op": v.arity, "shift": 2, "splat": 1, "extract": 1, "replace": 2, "shuffle": 2}[v.kind]
        table[v.name] = (arity, v.kind)
    return table


TABLE = instruction_table()


def float_bits(text, width):
    """Bits of a float literal as wasm-tools prints it (hex floats, inf, nan:0x...)."""
    sign = 1 if text.startswith("-") else 0
    body = text.lstrip("+-")
    exp_bits, mant_bits = (8, 23) if width == 32 else (11, 52)
    if body.startswith("nan"):
        payload = int(body[4:], 16) if ":" in body else 1 << (mant_bits - 1)
        return sign << (width - 1) | ((1 << exp_bits) - 1) << mant_bits | payload
    if body == "inf":
        return sign << (width - 1) | ((1 << exp_bits) - 1) << mant_bits
    value = float.fromhex(body) if body.startswith("0x") else float(body)
    value = -value if sign else value
    return struct.unpack("<I", struct.pack("<f", value))[0] if width == 32 else \
        struct.unpack("<Q", struct.pack("<d", value))[0]


def parse_functions(printed):
    """{export name: (param types, result type or None, body lines)} from `wasm-tools print`."""
    funcs, exports, types = {}, {}, {}
    current = None
    for line in printed.splitlines():
        s = line.strip()
        m = re.match(r'\(type \(;(\d+);\) \(func(.*)\)\)$', s)
        if m:
            types[int(m.group(1))] = m.group(2)
            continue
        m = re.match(r'\(export "(.*)" \(func (\d+)\)\)', s)
        if m:
            exports[m.group(1)] = int(m.group(2))
            continue
        m = re.match(r'\(func \(;(\d+);\)(?: \(type \d+\))?(.*)$', s)
        if m:
            current = int(m.group(1))
            funcs[current] = {"header": m.group(2), "body": []}
            continue
        if current is not None:
            if s == ")" and line.startswith("  )"):
                current = None
            elif s and not s.startswith("(local") and not s.startswith(";;"):
                funcs[current]["body"].append(s)
    result = {}
    for name, index in exports.items():
        if index not in funcs:
            continue
        header = funcs[index]["header"]
        params = re.findall(r'\(param ([^)]*)\)', header)
        results = re.findall(r'\(result ([^)]*)\)', header)
        params = " ".join(params).split()
        results = " ".join(results).split()
        if len(results) > 1 or any(t not in C_TYPE for t in params + results):
            continue
        result[name] = (params, results[0] if results else None, funcs[index]["body"])
    return result


def translate(params, body):
    """A C expression for a straight-line body, or None when it has anything else."""
    stack = []
    for line in body:
        parts = line.split()
        op = parts[0]
        if op == "local.get":
            k = int(parts[1])
            if k >= len(params):
                return None
            stack.append(f"p{k}")
        elif op == "i32.const":
            stack.append(f"(uint32_t){int(parts[1]) & 0xffffffff}u")
        elif op == "i64.const":
            stack.append(f"(uint64_t){int(parts[1]) & 0xffffffffffffffff}ull")
        elif op == "f32.const":
            stack.append(f"spec_f32(0x{float_bits(parts[1], 32):08x}u)")
        elif op == "f64.const":
            stack.append(f"spec_f64(0x{float_bits(parts[1], 64):016x}ull)")
        elif op == "v128.const":
            if parts[1] != "i32x4":
                return None
            words = [int(x, 16) for x in parts[2:6]]
            stack.append(f"wasmc_v128_const(0x{words[1]:08x}{words[0]:08x}ull, 0x{words[3]:08x}{words[2]:08x}ull)")
        elif op in TABLE:
            arity, kind = TABLE[op]
            if len(stack) < arity:
                return None
            args = stack[len(stack) - arity:]
            del stack[len(stack) - arity:]
            name = "wasmc_" + op.replace(".", "_")
            if kind == "extract":
                stack.append(f"{name}({args[0]}, {int(parts[1])})")
            elif kind == "replace":
                stack.append(f"{name}({args[0]}, {int(parts[1])}, {args[1]})")
            elif kind == "shuffle":
                stack.append(f"wasmc_i8x16_shuffle({args[0]}, {args[1]}, {', '.join(parts[1:17])})")
            else:
                stack.append(f"{name}({', '.join(args)})")
        else:
            return None
    return stack[0] if len(stack) == 1 else None


def lane_bytes(value):
    """16 bytes of a JSON argument or exact expected value."""
    t = value["type"]
    if t == "v128":
        width = int(value["lane_type"][1:])
        fmt = {8: "B", 16: "H", 32: "I", 64: "Q"}[width]
        return struct.pack("<" + fmt * len(value["value"]), *[int(x) % (1 << width) for x in value["value"]])
    width = int(t[1:])
    raw = int(value["value"]) % (1 << width)
    return raw.to_bytes(width // 8, "little").ljust(SLOT, b"\0")


def lanes_expectation(value):
    """[(lane width, expected bits or 'nan:canonical'/'nan:arithmetic', is float)] for one result."""
    t = value["type"]
    if t == "v128":
        lt = value["lane_type"]
        width = int(lt[1:])
        return [(width, v if str(v).startswith("nan") else int(v) % (1 << width), lt.startswith("f"))
                for v in value["value"]]
    width = int(t[1:])
    v = value["value"]
    return [(width, v if str(v).startswith("nan") else int(v) % (1 << width), t.startswith("f"))]


def matches(result, expectation):
    offset = 0
    for width, want, is_float in expectation:
        got = int.from_bytes(result[offset // 8:(offset + width) // 8], "little")
        offset += width
        if want == "nan:canonical":
            if not difftest.is_canonical(got, width):
                return False
        elif want == "nan:arithmetic":
            if not difftest.is_arithmetic(got, width):
                return False
        elif got != want:
            return False
    return True


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--work", required=True)
    parser.add_argument("--wasm-tools", required=True)
    parser.add_argument("--header-dir", required=True)
    parser.add_argument("--config", action="append", required=True, help="NAME=COMPILER[@RUNNER] (repeatable)")
    parser.add_argument("wasts", nargs="+")
    args = parser.parse_args()
    wasts, configs = args.wasts, args.config
    os.makedirs(args.work, exist_ok=True)

    functions = []  # (C expression, params, result)
    cases = []      # (function index, args bytes, expectations alternatives, label)
    skipped_assertions = 0
    for wast in wasts:
        base = os.path.splitext(os.path.basename(wast))[0]
        out_dir = os.path.join(args.work, base)
        os.makedirs(out_dir, exist_ok=True)
        json_path = os.path.join(out_dir, base + ".json")
        subprocess.run([args.wasm_tools, "json-from-wast", wast, "-o", json_path, "--wasm-dir", out_dir],
                       check=True, capture_output=True)
        current = {}
        for command in json.load(open(json_path))["commands"]:
            if command["type"] == "module":
                printed = subprocess.run([args.wasm_tools, "print", os.path.join(out_dir, command["filename"])],
                                         capture_output=True, text=True)
                current = {}
                if printed.returncode == 0:
                    for name, (params, result, body) in parse_functions(printed.stdout).items():
                        expression = translate(params, body)
                        if expression and result:
                            current[name] = len(functions)
                            functions.append((expression, params, result))
            elif command["type"] == "assert_return" and command["action"]["type"] == "invoke":
                name = command["action"]["field"]
                if name not in current or command["action"].get("module") or len(command["expected"]) != 1:
                    skipped_assertions += 1
                    continue
                expected = command["expected"][0]
                alternatives = expected["values"] if expected["type"] == "either" else [expected]
                arg_bytes = b"".join(lane_bytes(a) for a in command["action"]["args"])
                cases.append((current[name], arg_bytes, [lanes_expectation(a) for a in alternatives],
                              f"{base}.wast:{command['line']} {name}"))
            elif command["type"] == "assert_return":
                skipped_assertions += 1

    # The C harness: one runner per function; the data file lists the cases.
    lines = ['#include <stdio.h>', '#include <stdlib.h>', '#include "wasmc_simd.h"',
             'static inline __attribute__((unused)) float spec_f32(uint32_t b) { float f; memcpy(&f, &b, 4); return f; }',
             'static inline __attribute__((unused)) double spec_f64(uint64_t b) { double d; memcpy(&d, &b, 8); return d; }']
    for i, (expression, params, result) in enumerate(functions):
        lines.append(f"static void f{i}(const uint8_t *in, uint8_t *out) {{")
        lines.append("  (void)in;")
        for k, t in enumerate(params):
            size = 16 if t == "v128" else int(t[1:]) // 8
            lines.append(f"  {C_TYPE[t]} p{k}; memcpy(&p{k}, in + {SLOT * k}, {size});")
        lines.append(f"  {C_TYPE[result]} r = {expression};")
        lines.append("  memcpy(out, &r, sizeof r);")
        lines.append("}")
    lines.append("static void (*const functions[])(const uint8_t *, uint8_t *) = {")
    lines.append(",\n".join(f"  f{i}" for i in range(len(functions))) or "  0")
    lines.append("};")
    lines.append(f"""int main(void) {{
  uint32_t header[2];  /* function index, argument count */
  uint8_t in[{SLOT} * 8], out[{SLOT}];
  while (fread(header, sizeof header, 1, stdin) == 1) {{
    if (header[1] > 8 || fread(in, {SLOT}, header[1], stdin) != header[1]) return 2;
    memset(out, 0, sizeof out);
    functions[header[0]](in, out);
    fwrite(out, {SLOT}, 1, stdout);
  }}
  return 0;
}}""")
    c_path = os.path.join(args.work, "spec_harness.c")
    with open(c_path, "w") as f:
        f.write("\n".join(lines) + "\n")
    data = b"".join(struct.pack("<II", index, len(arg_bytes) // SLOT) + arg_bytes
                    for index, arg_bytes, _, _ in cases)
    print(f"{len(wasts)} scripts: {len(functions)} straight-line functions, {len(cases)} assertions on them "
          f"({skipped_assertions} assertions on other functions are the compiler's to test)")

    passed = failed = 0
    for config in configs:
        label, _, command = config.partition("=")
        compiler, _, runner = command.partition("@")
        binary = os.path.join(args.work, "spec-harness-" + label)
        build = compiler.split() + ["-std=gnu11", "-Wall", "-Wextra", "-Werror", "-I", args.header_dir,
                                    c_path, "-o", binary, "-lm"]
        result = subprocess.run(build, capture_output=True, text=True)
        if result.returncode != 0:
            print(f"FAIL  {label}: harness build failed\n{result.stderr[:3000]}")
            failed += len(cases)
            continue
        result = subprocess.run(runner.split() + [binary], input=data, capture_output=True)
        if result.returncode != 0 or len(result.stdout) != SLOT * len(cases):
            print(f"FAIL  {label}: harness run failed ({result.returncode})")
            failed += len(cases)
            continue
        bad = 0
        for k, (_, _, alternatives, where) in enumerate(cases):
            out = result.stdout[SLOT * k:SLOT * (k + 1)]
            if any(matches(out, e) for e in alternatives):
                continue
            bad += 1
            if bad <= 20:
                print(f"FAIL  {label}  {where}: got {out.hex()}")
        print(f"{label}: {len(cases) - bad} of {len(cases)} assertions pass")
        passed += len(cases) - bad
        failed += bad
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
