#!/usr/bin/env python3
"""Check a built corpus: native and wasm outputs must match, and the known
answers must agree with Python's own implementations.

usage: check.py OUTDIR [NAME...]

For every program this runs OUTDIR/native/NAME under `/usr/bin/time -f %e`
and OUTDIR/wasm/NAME.wasm under Tests/Support/run_wasmtime.py, compares stdout byte for
byte, and prints a table of native seconds, wasm run seconds and the size of
the wasm code section. Additionally:
  sha256, blake2b  every digest line is recomputed with hashlib;
  deflate          round 0's compressed stream ("dump" mode) is inflated
                   with zlib and must reproduce the input CRC-32;
  regex            one pass's match counts are recounted with Python's re
                   over the generated text ("dump" mode).
Exits with status 1 if anything disagrees.
"""

import hashlib
import os
import re
import subprocess
import sys
import time
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
RUN_WASMTIME = os.path.join(os.path.dirname(os.path.dirname(HERE)), "Tests", "Support", "run_wasmtime.py")
PROGRAMS = ["sha256", "blake2b", "json", "deflate", "sort", "matmul", "nbody", "interp", "regex",
            "fib", "memcpy", "hashtable", "large", "simd_chacha20", "simd_hex", "simd_image", "simd_autovec"]


def read_leb(data, pos):
    result = shift = 0
    while True:
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return result, pos


def code_section_size(path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:4] != b"\0asm":
        raise ValueError(f"{path}: not a wasm binary")
    pos = 8
    while pos < len(data):
        section_id = data[pos]
        size, pos = read_leb(data, pos + 1)
        if section_id == 10:
            return size
        pos += size
    return 0


def xorshift_fill(n, seed):
    """The fill() of sha256.c and blake2b.c."""
    out = bytearray(n)
    x = seed
    for i in range(n):
        x ^= (x << 13) & 0xFFFFFFFF
        x ^= x >> 17
        x ^= (x << 5) & 0xFFFFFFFF
        out[i] = x >> 24
    return out


def expected_hash_lines(name, rounds):
    buf = xorshift_fill(1 << 20, 2463534242)
    if name == "sha256":
        lines = ["abc " + hashlib.sha256(b"abc").hexdigest(),
                 "million-a " + hashlib.sha256(b"a" * 1000000).hexdigest()]
        digest = bytes(32)
        for _ in range(rounds):
            buf[0:32] = digest
            digest = hashlib.sha256(buf).digest()
    else:
        fox = b"The quick brown fox jumps over the lazy dog"
        lines = ["abc " + hashlib.blake2b(b"abc").hexdigest(),
                 "keyed-fox-32 " + hashlib.blake2b(fox, key=b"wasmc-key", digest_size=32).hexdigest()]
        digest = bytes(64)
        for _ in range(rounds):
            buf[0:64] = digest
            digest = hashlib.blake2b(buf).digest()
    lines += [f"rounds {rounds}", "chained " + digest.hex()]
    return lines


def run_native(path, args=()):
    proc = subprocess.run(["/usr/bin/time", "-f", "%e", path, *args], capture_output=True)
    *err, seconds = proc.stderr.decode(errors="replace").rstrip("\n").split("\n")
    return proc.returncode, proc.stdout, "\n".join(err), float(seconds)


def run_wasm(path, args=()):
    start = time.monotonic()
    proc = subprocess.run([sys.executable, RUN_WASMTIME, path, "--", *args],
                          capture_output=True)
    return proc.returncode, proc.stdout, proc.stderr.decode(errors="replace"), time.monotonic() - start


def extra_checks(name, outdir, stdout):
    """Returns a list of problems (empty when all is well)."""
    problems = []
    lines = stdout.decode().splitlines()
    if name in ("sha256", "blake2b"):
        rounds = int(next(l for l in lines if l.startswith("rounds ")).split()[1])
        expected = expected_hash_lines(name, rounds)
        if lines != expected:
            problems.append(f"digests differ from hashlib:\n  got      {lines}\n  expected {expected}")
    elif name == "deflate":
        native = run_native(os.path.join(outdir, "native", name), ["1", "dump"])
        wasm = run_wasm(os.path.join(outdir, "wasm", name + ".wasm"), ["1", "dump"])
        if native[0] != 0 or native[1] != wasm[1]:
            problems.append("dump mode: native and wasm output differ")
        dump = dict(l.split(" ", 1) for l in native[1].decode().splitlines()[:2])
        inflated = zlib.decompress(bytes.fromhex(dump["compressed"]), -15)
        if zlib.crc32(inflated) != int(dump["input-crc32"], 16):
            problems.append("zlib does not inflate the stream to the original input")
    elif name == "regex":
        problems += regex_checks(outdir)
    return problems


def regex_checks(outdir):
    """Recount the regex and substring hits with Python on the dumped text."""
    native = run_native(os.path.join(outdir, "native", "regex"), ["1", "dump"])
    if native[0] != 0:
        return [f"dump mode failed: {native[2]}"]
    head, text = native[1].decode().split("text:\n", 1)
    text_lines = text.split("\n")
    if text_lines and text_lines[-1] == "":
        text_lines.pop()
    problems = []
    for line in head.splitlines()[1:]:
        count, what = line.split(" ", 1)
        if what.startswith("/"):
            pattern = re.compile(what[1:-1], re.ASCII)
            expected = sum(1 for l in text_lines if pattern.search(l))
        else:
            needle = what[1:-1]
            expected, at = 0, text.find(needle)
            while at >= 0:  # overlapping occurrences, as the C code counts them
                expected, at = expected + 1, text.find(needle, at + 1)
        if int(count) != expected:
            problems.append(f"{what}: got {count} in one pass, Python finds {expected}")
    return problems


def main():
    if len(sys.argv) < 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    outdir = sys.argv[1]
    names = sys.argv[2:] or PROGRAMS
    failures = 0
    print(f"{'program':<10} {'native s':>8} {'wasm s':>8} {'code KiB':>9}  result")
    for name in names:
        native_path = os.path.join(outdir, "native", name)
        wasm_path = os.path.join(outdir, "wasm", name + ".wasm")
        n_rc, n_out, n_err, n_secs = run_native(native_path)
        w_rc, w_out, w_err, w_secs = run_wasm(wasm_path)
        problems = []
        if n_rc != 0:
            problems.append(f"native exit {n_rc}: {n_err.strip()}")
        if w_rc != 0:
            problems.append(f"wasm exit {w_rc}: {w_err.strip()}")
        if n_out != w_out:
            problems.append(f"outputs differ:\n--- native\n{n_out.decode()}--- wasm\n{w_out.decode()}")
        if not problems:
            problems += extra_checks(name, outdir, n_out)
        result = "ok" if not problems else "FAIL"
        print(f"{name:<10} {n_secs:8.2f} {w_secs:8.2f} {code_section_size(wasm_path) / 1024:9.1f}  {result}")
        for p in problems:
            print("    " + p.replace("\n", "\n    "))
        failures += bool(problems)
        sys.stdout.flush()
    if failures:
        print(f"{failures} program(s) failed")
        return 1
    print("all outputs match")
    return 0


if __name__ == "__main__":
    sys.exit(main())
