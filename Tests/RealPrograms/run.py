#!/usr/bin/env python3
"""Run the real-program corpus under wasmc and under wasmtime and compare them.

    run.py --wasm-dir DIR --work-dir DIR [--wasmc PATH] [--jobs N] [NAME...]

Called by run.sh once every program is built (DIR/NAME.wasm). Each program's
source starts with `//` header lines:

    // run: ARGS         one case: the guest's arguments (repeatable)
    // exit: N           its exit status (one per `run:`; 134 is a trap)
    // dir: yes          pre-open a fresh copy of data/ as /data for each run
    // explicit: yes     also compile and run with --bounds explicit

For every program it compiles NAME.wasm with `wasmc compile` once per mode
(guard, the default, always; explicit when asked), runs each case under the
compiled program and under wasmtime (run_wasmtime.py; its results are cached
by the module's and the fixture's content), and checks that:

  - both exit with the declared status;
  - stdout is identical;
  - stderr is identical, except that after a trap each side's last line is
    its own trap report: both must be there and name the same trap;
  - with `dir: yes`, the files left in the pre-opened directory are identical.

known-failures lists `NAME MODE reason` for failures that are known and
tracked elsewhere; they are reported but not counted. Prints one line per
check and ends with "N passed, M failed".
"""
import argparse
import concurrent.futures
import hashlib
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
DATA = os.path.join(HERE, "data")
RUN_WASMTIME = os.path.join(ROOT, "Tests", "Support", "run_wasmtime.py")
sys.path.insert(0, os.path.join(ROOT, "Tests", "Support"))
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
from testlib import summary  # noqa: E402
LANGUAGES = {"c": ".c", "cpp": ".cpp", "rust": ".rs"}
RUN_TIMEOUT = 60
COMPILE_TIMEOUT = 600


class Case:
    def __init__(self, program, args, exit_code):
        self.program = program
        self.args = args
        self.exit_code = exit_code
        self.label = program.name + (f"({' '.join(args)})" if len(program.cases_text) > 1 else "")


class Program:
    def __init__(self, language, path):
        self.language = language
        self.path = path
        self.name = os.path.splitext(os.path.basename(path))[0]
        header = []
        for line in open(path, encoding="utf-8"):
            if not line.startswith("//"):
                break
            header.append(line[2:].strip())

        def values(key):
            return [h[len(key) + 1:].strip() for h in header if h.startswith(key + ":")]

        self.cases_text = values("run")
        exits = values("exit")
        if not self.cases_text or len(self.cases_text) != len(exits):
            raise ValueError(f"{path}: needs matching '// run:' and '// exit:' header lines")
        self.cases = [Case(self, shlex.split(r), int(e)) for r, e in zip(self.cases_text, exits)]
        self.uses_dir = values("dir") == ["yes"]
        self.modes = ["guard"] + (["explicit"] if values("explicit") == ["yes"] else [])


def discover(names):
    programs = []
    for language, suffix in LANGUAGES.items():
        folder = os.path.join(HERE, language)
        for entry in sorted(os.listdir(folder)):
            if entry.endswith(suffix):
                program = Program(language, os.path.join(folder, entry))
                if not names or any(n in program.name for n in names):
                    programs.append(program)
    return programs


def load_known_failures():
    known = {}
    path = os.path.join(HERE, "known-failures")
    if os.path.exists(path):
        for line in open(path, encoding="utf-8"):
            line = line.strip()
            if line and not line.startswith("#"):
                name, mode, reason = line.split(None, 2)
                known[(name, mode)] = reason
    return known


# --------------------------------------------------------------------------
# Running
# --------------------------------------------------------------------------

def fixture(path):
    """A fresh copy of data/ at path."""
    shutil.rmtree(path, ignore_errors=True)
    shutil.copytree(DATA, path)
    return path


def snapshot(path):
    """{relative path: content digest} of every file under path."""
    files = {}
    for directory, _, names in os.walk(path):
        for name in names:
            full = os.path.join(directory, name)
            with open(full, "rb") as f:
                files[os.path.relpath(full, path)] = hashlib.sha256(f.read()).hexdigest()[:16]
    return files


def run(command, case, work):
    """Runs a case: (status, stdout, stderr, files)."""
    arguments = list(command)
    data = None
    if case.program.uses_dir:
        data = fixture(work)
        arguments += ["--dir", f"{data}::/data"]
    arguments += ["--"] + case.args
    try:
        result = subprocess.run(arguments, stdin=subprocess.DEVNULL, capture_output=True, timeout=RUN_TIMEOUT)
        status, out, err = result.returncode, result.stdout, result.stderr
    except subprocess.TimeoutExpired as timeout:
        status, out, err = "timeout", timeout.stdout or b"", timeout.stderr or b""
    files = snapshot(data) if data else {}
    if data:
        shutil.rmtree(data, ignore_errors=True)
    return {"status": status, "stdout": out.decode("utf-8", "replace"),
            "stderr": err.decode("utf-8", "replace"), "files": files}


def wasmtime_result(case, wasm, work, cache_dir):
    """The reference run, cached by the module, the case, the fixture and the runner."""
    key = hashlib.sha256()
    for path in [wasm, RUN_WASMTIME]:
        key.update(open(path, "rb").read())
    key.update(json.dumps(case.args).encode())
    if case.program.uses_dir:
        for relative, digest in sorted(snapshot(DATA).items()):
            key.update(f"{relative}={digest}".encode())
    cached = os.path.join(cache_dir, key.hexdigest() + ".json")
    if os.path.exists(cached):
        return json.load(open(cached))
    result = run([sys.executable, RUN_WASMTIME, wasm], case, work)
    if result["status"] != "timeout":
        with open(cached + ".tmp", "w") as f:
            json.dump(result, f)
        os.replace(cached + ".tmp", cached)
    return result


TRAP_KINDS = [
    ("unreachable", "unreachable"),
    ("out of bounds memory", "out of bounds memory access"),
    ("divide by zero", "integer divide by zero"),
    ("integer overflow", "integer overflow"),
    ("stack", "call stack exhausted"),
    ("indirect call", "indirect call"),
    ("uninitialized element", "uninitialized element"),
    ("undefined element", "undefined element"),
]


def trap_kind(line):
    for needle, kind in TRAP_KINDS:
        if needle in line:
            return kind
    return None


def split_trap(result):
    """(stderr without the trap report, trap kind) for a run that trapped."""
    lines = result["stderr"].splitlines(keepends=True)
    if result["status"] != 134 or not lines:
        return result["stderr"], None
    return "".join(lines[:-1]), trap_kind(lines[-1]) or lines[-1].strip()


def compare(case, mine, reference):
    """A list of differences (empty when the runs agree)."""
    problems = []
    for side, result in (("wasmc", mine), ("wasmtime", reference)):
        if result["status"] != case.exit_code:
            problems.append(f"{side} exited {result['status']}, expected {case.exit_code}")
    if mine["stdout"] != reference["stdout"]:
        a, b = mine["stdout"].splitlines(), reference["stdout"].splitlines()
        first = next((i for i in range(max(len(a), len(b)))
                      if i >= len(a) or i >= len(b) or a[i] != b[i]), 0)
        problems.append(f"stdout differs at line {first + 1}: wasmc {a[first:first + 1]!r}, "
                        f"wasmtime {b[first:first + 1]!r} ({len(a)} vs {len(b)} lines)")
    my_err, my_trap = split_trap(mine)
    ref_err, ref_trap = split_trap(reference)
    if my_err != ref_err:
        problems.append(f"stderr differs: wasmc {my_err[-200:]!r}, wasmtime {ref_err[-200:]!r}")
    if my_trap != ref_trap:
        problems.append(f"trap differs: wasmc {my_trap!r}, wasmtime {ref_trap!r}")
    if mine["files"] != reference["files"]:
        problems.append(f"files differ: wasmc {sorted(mine['files'].items())}, "
                        f"wasmtime {sorted(reference['files'].items())}")
    return problems


def describe(case, result):
    trap = split_trap(result)[1]
    lines = len(result["stdout"].splitlines())
    text = f"exit {result['status']}, {lines} lines"
    if trap:
        text += f", trap: {trap}"
    if result["files"]:
        text += f", {len(result['files'])} files"
    return text


# --------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------

def compile_program(wasmc, program, mode, wasm_dir, work_dir):
    """wasmc compile in a directory of its own; (executable or None, seconds, error text)."""
    directory = os.path.join(work_dir, "compile", f"{program.name}-{mode}")
    os.makedirs(directory, exist_ok=True)
    executable = os.path.join(directory, program.name)
    wasm = os.path.join(wasm_dir, program.name + ".wasm")
    start = time.monotonic()
    try:
        # The work directory holds build/.wasmc/runtime, shared by every compile.
        result = subprocess.run([wasmc, "compile", wasm, "-o", executable, "--bounds", mode],
                                cwd=work_dir, capture_output=True, text=True, timeout=COMPILE_TIMEOUT)
        lines = result.stderr.strip().splitlines() or ["?"]
        error = None if result.returncode == 0 else next((l for l in lines if "error" in l), lines[-1])[:400]
    except subprocess.TimeoutExpired:
        error = f"wasmc compile timed out after {COMPILE_TIMEOUT} s"
    return (None if error else executable), time.monotonic() - start, error


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--wasm-dir", required=True)
    parser.add_argument("--work-dir", required=True)
    parser.add_argument("--wasmc", default=os.path.join(ROOT, ".build", "debug", "wasmc"))
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--failed-builds", default="")
    parser.add_argument("names", nargs="*")
    options = parser.parse_args()
    started = time.monotonic()
    work_dir = os.path.abspath(options.work_dir)
    cache_dir = os.path.join(work_dir, "wasmtime-cache")
    os.makedirs(cache_dir, exist_ok=True)
    programs = discover(options.names)
    known = load_known_failures()
    failed_builds = set(filter(None, options.failed_builds.split(",")))
    passed = failed = known_count = 0
    compile_seconds = {}

    def check(ok, name, mode, text):
        nonlocal passed, failed, known_count
        reason = known.get((name, mode))
        if ok:
            passed += 1
            print(f"PASS  {text}" + (f"  (listed as a known failure: {reason}; remove it)" if reason else ""))
        elif reason:
            known_count += 1
            print(f"KNOWN {text}  [{reason}]")
        else:
            failed += 1
            print(f"FAIL  {text}")
        sys.stdout.flush()

    def test(program, mode):
        """Compiles one program in one mode and runs its cases: a list of (ok, text)."""
        if program.name in failed_builds:
            return [(False, f"{program.name} [{mode}]: the wasm build failed")]
        executable, seconds, error = compile_program(options.wasmc, program, mode, options.wasm_dir, work_dir)
        compile_seconds[(program.name, mode)] = seconds
        if error:
            return [(False, f"{case.label} [{mode}]: wasmc compile failed: {error}") for case in program.cases]
        outcomes = []
        wasm = os.path.join(options.wasm_dir, program.name + ".wasm")
        for index, case in enumerate(program.cases):
            scratch = os.path.join(work_dir, "runs", f"{program.name}-{mode}-{index}")
            reference = wasmtime_result(case, wasm, scratch + "-wasmtime", cache_dir)
            mine = run([executable], case, scratch + "-wasmc")
            problems = compare(case, mine, reference)
            if problems:
                outcomes.append((False, f"{case.label} [{mode}]: " + "; ".join(problems)))
            else:
                outcomes.append((True, f"{case.label} [{mode}]: {describe(case, mine)}"))
        return outcomes

    jobs = [(program, mode) for program in programs for mode in program.modes]
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, options.jobs)) as pool:
        futures = {pool.submit(test, program, mode): (program, mode) for program, mode in jobs}
        for future in concurrent.futures.as_completed(futures):
            program, mode = futures[future]
            try:
                outcomes = future.result()
            except Exception as error:  # a bug here must not hide the other results
                outcomes = [(False, f"{program.name} [{mode}]: {type(error).__name__}: {error}")]
            for ok, text in outcomes:
                check(ok, program.name, mode, text)

    by_language = {}
    for program in programs:
        by_language[program.language] = by_language.get(program.language, 0) + 1
    modes = {m: sum(1 for p in programs if m in p.modes) for m in ("guard", "explicit")}
    print(f"programs: {', '.join(f'{n} {l}' for l, n in by_language.items())}; "
          f"compiled in guard mode: {modes['guard']}, in explicit mode: {modes['explicit']}")
    if compile_seconds:
        slowest = max(compile_seconds, key=compile_seconds.get)
        print(f"wasmc compile: {sum(compile_seconds.values()):.0f} s in total, slowest {slowest[0]} "
              f"[{slowest[1]}] {compile_seconds[slowest]:.0f} s; suite {time.monotonic() - started:.0f} s")
    if known_count:
        print(f"{known_count} known failures (known-failures), not counted")
    print(summary(passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
