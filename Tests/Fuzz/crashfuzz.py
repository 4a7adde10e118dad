#!/usr/bin/env python3
"""Crash fuzzing of `wasmc translate` (and `wasmc compile`) with mutated modules.

Modules from `wasm-tools smith` (each with a feature set of toolchain.FEATURE_SETS,
some with invalid function bodies, via --allow-invalid-funcs) are mutated: bit
flips, random and boundary bytes, byte insertion and deletion, truncation,
LEB128 edits (over-long re-encodings, changed values, broken continuation bits),
and section edits (reorder, drop, duplicate, resized). After a structured edit
the section's size is usually fixed up, so the mutant gets past the section
framing into the decoder and the validator. Every mutant is checked:

  - wasmc neither crashes (a signal, a Swift fatal error) nor hangs (60 s);
  - it agrees with `wasm-tools validate` with the features wasmc compiles (WebAssembly
    2.0, relaxed SIMD, multi-memory, memory64, extended constants, tail calls, typed
    function references, exceptions): a valid module
    translates, an invalid or malformed one is refused with an error message;
  - clang accepts the C it writes (-fsyntax-only, with the flags wasmc uses);
  - a sample of the valid ones also goes through `wasmc compile` to a program.
A third of the mutants come from `wasm-tools mutate` (valid modules rewritten:
instructions replaced by equivalent sequences, items added or removed), so the
valid side is exercised as much as the refusing side.

Usage:
  crashfuzz.py --seed S --mutants N     # N mutants from seed S
  crashfuzz.py --seed S --seconds T     # as many as fit in T seconds
  crashfuzz.py --replay case.wasm ...   # committed regression cases
Prints one line per finding, the figures, then "N passed, M failed" (one test per module).
"""

import argparse
import json
import random
import resource
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "Support"))
import toolchain  # noqa: E402
from testlib import summary  # noqa: E402

SMITH_SHAPE = ["--max-funcs", "12", "--max-memory32-bytes", str(4 * 65536), "--max-memory64-bytes", str(4 * 65536),
               "--max-table-elements", "64",
               "--max-data-segments", "8", "--max-element-segments", "8"]
INTERESTING_BYTES = [0x00, 0x01, 0x7F, 0x80, 0xFF, 0x0B, 0x40, 0x41, 0x60, 0x6F, 0x70, 0x7B, 0xFC, 0xFD, 0x02, 0x03,
                     0x04, 0x05, 0x0C, 0x0D, 0x0E, 0x10, 0x11, 0x1C, 0xD0, 0xD2]


# --------------------------------------------------------------------------
# Module structure
# --------------------------------------------------------------------------

def read_leb(data, position, limit=10):
    """(value, length) of the unsigned LEB128 at position, or None."""
    value = 0
    for i in range(limit):
        if position + i >= len(data):
            return None
        byte = data[position + i]
        value |= (byte & 0x7F) << (7 * i)
        if not byte & 0x80:
            return value, i + 1
    return None


def leb(value, minimum_length=1):
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value or len(out) + 1 < minimum_length:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def sections(data):
    """[(id, payload)] of a well-framed module, or None."""
    if len(data) < 8 or data[:4] != b"\0asm":
        return None
    out = []
    position = 8
    while position < len(data):
        section_id = data[position]
        size = read_leb(data, position + 1, 5)
        if size is None:
            return None
        start = position + 1 + size[1]
        if start + size[0] > len(data):
            return None
        out.append((section_id, bytearray(data[start:start + size[0]])))
        position = start + size[0]
    return out


def assemble(header, parts):
    out = bytearray(header)
    for section_id, payload in parts:
        out.append(section_id)
        out += leb(len(payload))
        out += payload
    return bytes(out)


# --------------------------------------------------------------------------
# Mutations
# --------------------------------------------------------------------------

def mutate_bytes(data, rng):
    """A raw edit anywhere in the file (the framing is not fixed up)."""
    data = bytearray(data)
    kind = rng.choice(["flip", "byte", "insert", "delete", "truncate", "leb"])
    if not data:
        return bytes(data), kind
    position = rng.randrange(len(data))
    if kind == "flip":
        data[position] ^= 1 << rng.randrange(8)
    elif kind == "byte":
        data[position] = rng.choice(INTERESTING_BYTES) if rng.random() < 0.5 else rng.randrange(256)
    elif kind == "insert":
        data[position:position] = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 5)))
    elif kind == "delete":
        del data[position:position + rng.randrange(1, 5)]
    elif kind == "truncate":
        del data[position:]
    else:
        data = bytearray(edit_leb(bytes(data), position, rng))
    return bytes(data), kind


def edit_leb(data, position, rng):
    """Re-encodes (or breaks) the LEB128 that starts at or after position."""
    for start in range(position, min(len(data), position + 16)):
        found = read_leb(data, start, 5)
        if found is None:
            continue
        value, length = found
        choice = rng.random()
        if choice < 0.4:
            replacement = leb(value, min(5, length + rng.randrange(1, 4)))  # over-long, same value
        elif choice < 0.7:
            replacement = leb(max(0, value + rng.choice([-1, 1, 2, 64, 128, 1 << 14, 1 << 28])))
        elif choice < 0.85:
            replacement = leb(value, 6)  # too long for a u32
        else:
            replacement = bytes([data[start] | 0x80])  # a continuation bit with nothing after
            length = 1
        return data[:start] + replacement + data[start + length:]
    return data


def mutate_sections(data, rng):
    """An edit of the section structure or inside one section, usually with sizes fixed up."""
    parts = sections(data)
    if not parts:
        return mutate_bytes(data, rng)
    header = bytearray(data[:8])
    kind = rng.choice(["swap", "drop", "duplicate", "payload", "payload", "payload", "leb", "leb", "size"])
    index = rng.randrange(len(parts))
    if kind == "swap" and len(parts) > 1:
        other = rng.randrange(len(parts))
        parts[index], parts[other] = parts[other], parts[index]
    elif kind == "drop":
        del parts[index]
    elif kind == "duplicate":
        parts.insert(index, (parts[index][0], bytearray(parts[index][1])))
    elif kind in ("payload", "leb"):
        section_id, payload = parts[index]
        if payload:
            if kind == "leb":
                payload = bytearray(edit_leb(bytes(payload), rng.randrange(len(payload)), rng))
            else:
                payload = bytearray(mutate_bytes(bytes(payload), rng)[0])
        parts[index] = (section_id, payload)
    else:  # a section whose size disagrees with its contents
        out = bytearray(assemble(header, parts[:index]))
        section_id, payload = parts[index]
        out.append(section_id)
        out += leb(max(0, len(payload) + rng.choice([-2, -1, 1, 2, 1000])))
        out += payload
        return bytes(out + assemble(b"", parts[index + 1:])), "section-size"
    return assemble(header, parts), "section-" + kind


def wasm_mutate(data, rng, directory):
    """A valid variant made by `wasm-tools mutate` (rewritten code, added or removed items)."""
    source, target = directory / "mutate-in.wasm", directory / "mutate-out.wasm"
    source.write_bytes(data)
    code, _, _ = toolchain.run([toolchain.wasm_tools(), "mutate", "--seed", str(rng.getrandbits(32)),
                                str(source), "-o", str(target)], timeout=60)
    return (target.read_bytes(), "wasm-mutate") if code == 0 else (data, "unchanged")


def mutant(seed_module, rng, directory):
    data = seed_module
    kinds = []
    if rng.random() < 0.3:
        # Mostly valid mutants: they test that every valid module translates and compiles.
        for _ in range(rng.choice([1, 2, 4])):
            data, kind = wasm_mutate(data, rng, directory)
        kinds.append("wasm-mutate")
        if rng.random() < 0.7:
            return data, "+".join(kinds)
    for _ in range(rng.choice([1, 1, 1, 2, 3])):
        data, kind = mutate_sections(data, rng) if rng.random() < 0.6 else mutate_bytes(data, rng)
        kinds.append(kind)
    return data, "+".join(kinds)


# --------------------------------------------------------------------------
# Checks
# --------------------------------------------------------------------------

def check(path, work, figures):
    """None when wasmc behaves, else what went wrong."""
    valid = toolchain.validate(path)
    figures["valid" if valid else "invalid"] += 1
    out = work / "out"
    shutil.rmtree(out, ignore_errors=True)
    code, text = toolchain.translate(path, out, "m", guard=True)
    if code is None:
        figures["hangs"] += 1
        return "wasmc translate hung (60 s)"
    if code < 0 or "Fatal error" in text or "Stack dump" in text:
        figures["crashes"] += 1
        return f"wasmc translate crashed (status {code}): {text.strip()[-400:]}"
    if valid and code != 0:
        figures["disagreements"] += 1
        return f"valid module refused: {text.strip()[:400]}"
    if not valid and code == 0:
        figures["disagreements"] += 1
        reason = toolchain.run([toolchain.wasm_tools(), "validate", "--features", toolchain.VALIDATE_FEATURES, str(path)])[2]
        return f"invalid module accepted (wasm-tools: {reason.decode(errors='replace').strip()[:300]})"
    if not valid:
        if not text.strip():
            figures["disagreements"] += 1
            return "invalid module refused without a message"
        figures["refused"] += 1
        return None
    figures["translated"] += 1
    sources = sorted(out.glob("m*.c"))
    flags = [f for f in toolchain.compile_flags(guard=True) if not f.startswith("-O")]
    for source in sources:
        code, _, err = toolchain.run([toolchain.clang_executable(), "-fsyntax-only", str(source)] + flags,
                                     timeout=300)
        if code != 0:
            figures["clang rejects"] += 1
            return f"clang rejected the C of {source.name}: {err.decode(errors='replace').strip()[:600]}"
    return None


def seed_module(rng, directory):
    """A smith module of a feature set picked at random (toolchain.FEATURE_SETS): valid, or (a
    quarter of them) with function bodies taken from raw bytes."""
    features = toolchain.smith_feature_flags(rng.choice(sorted(toolchain.DEFAULT_FEATURE_SETS)))
    data = rng.randbytes(rng.choice([64, 256, 1024, 4096]))
    (directory / "seed.bin").write_bytes(data)
    path = directory / "seed.wasm"
    invalid = ["--allow-invalid-funcs", "true"] if rng.random() < 0.25 else []
    if rng.random() < 0.15:  # every LEB128 padded to at least this many bytes: still valid
        invalid += ["--min-uleb-size", str(rng.choice([2, 3, 5]))]
    code, _, _ = toolchain.run([toolchain.wasm_tools(), "smith"] + features + SMITH_SHAPE + invalid
                               + [str(directory / "seed.bin"), "-o", str(path)], timeout=60)
    return path.read_bytes() if code == 0 else None


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", default="1")
    parser.add_argument("--mutants", type=int, default=None)
    parser.add_argument("--seconds", type=float, default=None)
    parser.add_argument("--per-seed", type=int, default=10, help="mutants of each smith module")
    parser.add_argument("--compile-every", type=int, default=25, help="also `wasmc compile` one valid module in N")
    parser.add_argument("--replay", nargs="*", default=[])
    parser.add_argument("--work", default="build/fuzz/crash")
    parser.add_argument("--findings", default="build/fuzz/findings")
    arguments = parser.parse_args()
    if arguments.mutants is None and arguments.seconds is None:
        arguments.mutants = 0 if arguments.replay else 100

    work = Path(arguments.work).resolve()
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    findings = Path(arguments.findings).resolve()
    figures = {key: 0 for key in ["modules", "valid", "invalid", "translated", "refused", "compiled", "crashes",
                                  "hangs", "clang rejects", "disagreements"]}
    tests = {"passed": 0, "failed": 0}
    start = time.monotonic()

    def test(path, name, what):
        figures["modules"] += 1
        translated = figures["translated"]
        finding = check(path, work, figures)
        if finding is None and figures["translated"] > translated and arguments.compile_every \
                and figures["translated"] % arguments.compile_every == 0:
            finding = check_compile(path)
        if finding is None:
            tests["passed"] += 1
            return
        tests["failed"] += 1
        findings.mkdir(parents=True, exist_ok=True)
        kept = findings / f"{name}.wasm"
        if Path(path).resolve() != kept:
            shutil.copyfile(path, kept)
        (findings / f"{name}.txt").write_text(f"{what}\n{finding}\n")
        print(f"FAIL {name} ({what}): {finding}  (kept as {kept})", flush=True)

    def check_compile(path):
        figures["compiled"] += 1
        program = work / "program"
        code, stdout, stderr = toolchain.run([toolchain.wasmc_executable(), "compile", str(path), "-o",
                                              str(program)], timeout=600)
        text = (stderr + stdout).decode(errors="replace")
        if code is None or code < 0 or "Fatal error" in text:
            figures["crashes"] += 1
            return f"wasmc compile crashed or hung (status {code}): {text.strip()[-400:]}"
        if code != 0 and "import" not in text:  # an import nothing provides is a fair refusal
            figures["clang rejects"] += 1
            return f"wasmc compile failed: {text.strip()[:600]}"
        return None

    for path in arguments.replay:
        test(path, Path(path).stem, "committed case")

    rng = random.Random(arguments.seed)
    count = 0
    while True:
        if arguments.mutants is not None and count >= arguments.mutants:
            break
        if arguments.seconds is not None and time.monotonic() - start >= arguments.seconds:
            break
        original = seed_module(rng, work)
        if original is None:
            continue
        for _ in range(arguments.per_seed):
            if arguments.mutants is not None and count >= arguments.mutants:
                break
            data, what = mutant(original, rng, work)
            path = work / "mutant.wasm"
            path.write_bytes(data)
            test(path, f"mutant-{arguments.seed}-{count}", what)
            count += 1

    elapsed = time.monotonic() - start
    print(f"modules: {figures['modules']} ({figures['valid']} valid, {figures['invalid']} invalid or malformed)")
    print(f"translated: {figures['translated']}, refused with a message: {figures['refused']}, "
          f"also compiled to a program: {figures['compiled']}")
    print(f"crashes: {figures['crashes']}, hangs: {figures['hangs']}, clang rejects: {figures['clang rejects']}, "
          f"disagreements with wasm-tools: {figures['disagreements']}")
    cpu = sum(resource.getrusage(who).ru_utime + resource.getrusage(who).ru_stime
              for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    print(f"time: {elapsed:.0f} s (CPU {cpu:.0f} s)")
    print(json.dumps({"figures": figures, "seconds": round(elapsed, 1)}))
    print(summary(tests["passed"], tests["failed"]))
    return 0 if tests["failed"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
