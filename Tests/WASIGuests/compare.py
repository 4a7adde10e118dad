#!/usr/bin/env python3
"""Run every WASI guest under wasmc and under wasmtime and compare them.

    compare.py --wasm-dir DIR --work-dir DIR [--wasmc PATH] [--target TRIPLE --bounds-modes M,...] [NAME...]

Called by run.sh once the guests are built (DIR/NAME.wasm). For each
programs/NAME.c it reads the header's `run:` / `exit:` pairs (one case
each) and:

  1. compiles NAME.wasm with `wasmc compile` (once per `bounds:` mode the
     header lists; wasmc's default otherwise), two at a time;
  2. runs each case under wasmc and under wasmtime (run_wasmtime.py), each
     in a fresh copy of the same fixture (sandbox/, ro/, outside/), stdin
     a pipe carrying the header's `stdin:` file, else /dev/null; with `wasmc-run: yes`
     also through `wasmc run` (its cache under the work directory);
  3. checks each run on its own: the declared exit status, no line the
     guest marked FAIL, outside/ and ro/ unchanged, stderr exactly the
     header's `stderr:` line (or empty), and for status 134 one line;
  4. compares stdout line by line. A line listed in `known-differences`
     must show exactly the value pinned there on each side; every other
     line must be identical.

With --target (aarch64-linux-gnu, armv7-linux-gnueabihf) the programs are
cross-compiled with `wasmc compile --target`, once per mode of
--bounds-modes, and run under qemu-user; the checks are the same.

Programs marked `wasmc-only:` (sockets) run under wasmc alone; their
stdout is compared with programs/NAME.expected and the socket client's
own checks count too.

Prints one line per check and ends with "N passed, M failed"; the exit
status is 1 when anything failed.
"""
import argparse
import concurrent.futures
import hashlib
import os
import queue
import re
import selectors
import shlex
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PROGRAMS = os.path.join(HERE, "programs")
RUN_TIMEOUT = 30
# How --target programs run here.
EMULATORS = {"aarch64-linux-gnu": "qemu-aarch64", "armv7-linux-gnueabihf": "qemu-arm"}
COMPILE_TIMEOUT = 300

RUN_WASMTIME = os.path.join(ROOT, "Tests", "Support", "run_wasmtime.py")

sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(ROOT, "Tests", "Support"))
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import socket_client  # noqa: E402
from testlib import free_port, summary  # noqa: E402


# --------------------------------------------------------------------------
# Programs and their cases
# --------------------------------------------------------------------------

def header_value(header, key):
    """The text after "* key:" in a program's header comment, or None."""
    match = re.search(rf"^\s*\*\s*{re.escape(key)}:[ \t]*(.*?)\s*$", header, re.M)
    return match.group(1) if match else None


class Case:
    """One run of a program: its arguments, expected exit status and the header's other settings."""

    def __init__(self, program, args, exit_code, header):
        self.program = program
        self.name = program
        self.args = args
        self.exit_code = exit_code
        self.wasmc_only = header_value(header, "wasmc-only")  # why, when wasmtime cannot run it
        stdin = header_value(header, "stdin")
        self.stdin = os.path.join(PROGRAMS, stdin) if stdin else None
        # "stderr: compare" compares stderr between runtimes like stdout; other text is the exact line expected.
        stderr = header_value(header, "stderr")
        self.compare_stderr = stderr == "compare"
        self.stderr = stderr + "\n" if stderr and not self.compare_stderr else ""
        closes = re.fullmatch(r"close after (\d+) lines?", header_value(header, "stdout") or "")
        self.close_stdout_after = int(closes.group(1)) if closes else None
        self.bounds = (header_value(header, "bounds") or "default").split()
        self.client = header_value(header, "client") or "echo"
        self.via_run = header_value(header, "wasmc-run") == "yes"

    def __repr__(self):
        return self.name


def parse_cases(program):
    """The `run:` / `exit:` pairs of a program's header comment."""
    text = open(os.path.join(PROGRAMS, program + ".c"), encoding="utf-8").read()
    header = text[:text.find("*/")]
    runs = re.findall(r"^\s*\*\s*run:\s*(.*)$", header, re.M)
    exits = [int(x) for x in re.findall(r"^\s*\*\s*exit:\s*(\d+)\s*$", header, re.M)]
    if not runs or len(runs) != len(exits):
        raise ValueError(f"{program}.c: header needs matching 'run:' and 'exit:' lines")
    cases = [Case(program, shlex.split(r), e, header) for r, e in zip(runs, exits)]
    if len(cases) > 1:
        for case in cases:
            guest_args = case.args[case.args.index("--") + 1:] if "--" in case.args else []
            case.name = f"{program}({' '.join(guest_args)})"
    return cases


def load_known_differences():
    """{program: {key: (wasmc value, wasmtime value, reason)}} from known-differences."""
    known = {}
    path = os.path.join(HERE, "known-differences")
    for number, line in enumerate(open(path, encoding="utf-8"), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        fields = [f.strip() for f in line.split("|")]
        if len(fields) != 5 or not all(fields):
            raise ValueError(f"known-differences:{number}: expected 'program | key | wasmc | wasmtime | reason'")
        program, key, wasmc_value, wasmtime_value, reason = fields
        known.setdefault(program, {})[key] = (wasmc_value, wasmtime_value, reason)
    return known


# --------------------------------------------------------------------------
# Fixture
# --------------------------------------------------------------------------

def make_fixture(base):
    """Lay out sandbox/, ro/ and outside/ under base (see programs/sandbox.c)."""
    shutil.rmtree(base, ignore_errors=True)
    sandbox, ro, outside = (os.path.join(base, n) for n in ("sandbox", "ro", "outside"))
    files = {
        "sandbox/hello.txt": "hello world\n",
        "sandbox/sub/a.txt": "a\n",
        "sandbox/sub/b.txt": "bb\n",
        "ro/data.txt": "read only data\n",
        "ro/rdir/inner.txt": "inner\n",
        "outside/secret": "secret\n",
    }
    for relative, content in files.items():
        path = os.path.join(base, relative)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(content)
    os.makedirs(os.path.join(outside, "odir"))
    links = {
        "link_up": "../outside/secret",
        "link_updir": "../outside",
        "link_abs": os.path.join(outside, "secret"),
        "link_abs_dir": outside,
        "link_root": "/",
        "link_chain": "link_updir",
        "sub/link_upup": "../../outside/secret",
        "link_dangling_out": "../outside/newfile",
        "link_ro": "../ro/data.txt",
        "link_inside": "sub/../hello.txt",
    }
    for name, target in links.items():
        os.symlink(target, os.path.join(sandbox, name))
    return {"SANDBOX": sandbox, "RO": ro, "OUTSIDE": outside}


def snapshot(root):
    """Everything observable about a tree: names, kinds, modes, links, sizes, contents, link targets."""
    entries = []
    for directory, dirs, files in os.walk(root):
        dirs.sort()
        for name in sorted(dirs + files):
            path = os.path.join(directory, name)
            st = os.lstat(path)
            if os.path.islink(path):
                detail = "-> " + os.readlink(path)
            elif os.path.isfile(path):
                detail = hashlib.sha256(open(path, "rb").read()).hexdigest()[:16]
            else:
                detail = ""
            entries.append((os.path.relpath(path, root), oct(st.st_mode), st.st_nlink, st.st_size,
                            st.st_mtime_ns, detail))
    st = os.lstat(root)
    entries.append((".", oct(st.st_mode), st.st_nlink, st.st_mtime_ns))
    return entries


def substitute(args, values):
    return [re.sub(r"\$([A-Z]+)", lambda m: values.get(m.group(1), m.group(0)), a) for a in args]


# --------------------------------------------------------------------------
# Building with wasmc
# --------------------------------------------------------------------------

class Builder:
    """`wasmc compile` for the guests, `jobs` at a time.

    wasmc keeps the compiled C runtime in build/.wasmc/runtime under its
    working directory. Each job compiles in a slot directory of its own
    (one runtime per slot and wasmc binary), and the executable is then
    moved to bin/.
    """

    def __init__(self, wasmc, work_dir, jobs=2, target=None):
        self.wasmc = wasmc
        self.target = target
        self.bin_dir = os.path.join(work_dir, "bin")
        os.makedirs(self.bin_dir, exist_ok=True)
        # wasmc reuses a runtime object newer than its source, whichever runtime-c it came
        # from: slots belong to one wasmc binary (path and build time), older ones go.
        binary = os.path.realpath(wasmc)
        key = hashlib.sha256(f"{binary} {os.path.getmtime(binary)}".encode()).hexdigest()[:12]
        for name in os.listdir(work_dir):
            if name.startswith("compile-") and not name.startswith(f"compile-{key}-"):
                shutil.rmtree(os.path.join(work_dir, name), ignore_errors=True)
        self.slots = queue.Queue()
        for slot in range(jobs):
            path = os.path.join(work_dir, f"compile-{key}-slot{slot}")
            os.makedirs(path, exist_ok=True)
            self.slots.put(path)
        self.pool = concurrent.futures.ThreadPoolExecutor(max_workers=jobs)

    def submit(self, program, wasm, bounds):
        return self.pool.submit(self._build, program, wasm, bounds)

    def _build(self, program, wasm, bounds):
        """Returns (executable, None) or (None, error text)."""
        slot = self.slots.get()
        try:
            return self._build_in(slot, program, wasm, bounds)
        finally:
            self.slots.put(slot)

    def _build_in(self, slot, program, wasm, bounds):
        exe = os.path.join(self.bin_dir, program if bounds == "default" else f"{program}-{bounds}")
        output = os.path.join(slot, "guest")
        for path in (exe, output):
            if os.path.exists(path):
                os.remove(path)
        command = [self.wasmc, "compile", wasm, "-o", output] + ([] if bounds == "default" else ["--bounds", bounds])
        if self.target:
            command += ["--target", self.target]
        try:
            result = subprocess.run(command, cwd=slot, capture_output=True, text=True, timeout=COMPILE_TIMEOUT)
        except subprocess.TimeoutExpired:
            return None, f"timed out after {COMPILE_TIMEOUT} s: {' '.join(command)}"
        except OSError as error:
            return None, f"cannot run {self.wasmc}: {error}"
        if result.returncode != 0:
            return None, f"$ {' '.join(command)}\n{result.stdout}{result.stderr}"
        if not os.access(output, os.X_OK):
            return None, f"wasmc compile wrote no executable at {output}"
        os.replace(output, exe)
        return exe, None


# --------------------------------------------------------------------------
# Running
# --------------------------------------------------------------------------

class Run:
    def __init__(self, stdout="", stderr="", code=None, note=""):
        self.stdout, self.stderr, self.code, self.note = stdout, stderr, code, note
        self.changed = []  # trees that changed: "outside/", "ro/"
        self.client_checks = []


def run_case(case, runtime, prefix, work_dir):
    """Run one case in a fresh fixture: the command is prefix + the case's arguments."""
    base = os.path.join(work_dir, "runs", re.sub(r"[^A-Za-z0-9_.-]", "_", f"{case.name}-{runtime}"))
    values = make_fixture(base)
    before = {name: snapshot(values[key]) for name, key in (("outside/", "OUTSIDE"), ("ro/", "RO"))}
    attempts = 3 if any("$PORT" in a for a in case.args) else 1
    for _ in range(attempts):
        values["PORT"] = str(free_port())
        args = substitute(case.args, values)
        command = prefix + args
        try:
            if "--listen" in args:
                run = run_server(command, int(values["PORT"]), case.client)
                if "cannot listen" in run.stderr or "Address already in use" in run.stderr:
                    continue  # the free port was taken in between: try another
            elif case.close_stdout_after is not None:
                run = run_closing_stdout(command, case.close_stdout_after)
            else:
                run = run_plain(command, case.stdin)
        except OSError as error:
            run = Run(note=f"cannot run {command[0]}: {error}")
        break
    for name, key in (("outside/", "OUTSIDE"), ("ro/", "RO")):
        if snapshot(values[key]) != before[name]:
            run.changed.append(name)
    return run


def run_plain(command, stdin_path=None):
    """Run to the end; stdin is a pipe carrying stdin_path's bytes (or nothing, /dev/null)."""
    try:
        if stdin_path:
            data = open(stdin_path, "rb").read()
            result = subprocess.run(command, input=data, capture_output=True, timeout=RUN_TIMEOUT)
        else:
            result = subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True, timeout=RUN_TIMEOUT)
    except subprocess.TimeoutExpired as timeout:
        return Run(decode(timeout.stdout), decode(timeout.stderr), None, f"killed after {RUN_TIMEOUT} s")
    return Run(decode(result.stdout), decode(result.stderr), result.returncode)


def run_closing_stdout(command, lines):
    """Read `lines` lines of stdout, close the pipe, then wait for the program to finish."""
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    head = b"".join(process.stdout.readline() for _ in range(lines))
    process.stdout.close()
    try:
        process.wait(timeout=RUN_TIMEOUT)
        return Run(decode(head), decode(process.stderr.read()), process.returncode)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        return Run(decode(head), decode(process.stderr.read()), None, f"killed after {RUN_TIMEOUT} s")


def run_server(command, port, client):
    """Start the server, wait for its "ready:" line, run the clients, collect everything."""
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    head = b""
    deadline = time.monotonic() + RUN_TIMEOUT
    while b"\nready:" not in b"\n" + head and time.monotonic() < deadline:
        if not selector.select(timeout=0.2):
            if process.poll() is not None:
                break
            continue
        chunk = os.read(process.stdout.fileno(), 4096)
        if not chunk:
            break
        head += chunk
    selector.close()
    checks = []
    if b"\nready:" in b"\n" + head:
        if client == "blocking":
            checks = socket_client.run_blocking_client(port)
        else:
            checks = socket_client.run_clients(port, 3)  # and one reset connection: the guest's argv[1] is 4
    else:
        checks = [("client: server said ready", False, "no 'ready:' line")]
    try:
        rest, err = process.communicate(timeout=max(1, deadline - time.monotonic()))
        run = Run(decode(head + rest), decode(err), process.returncode)
    except subprocess.TimeoutExpired:
        process.kill()
        rest, err = process.communicate()
        run = Run(decode(head + rest), decode(err), None, f"killed after {RUN_TIMEOUT} s")
    run.client_checks = checks
    return run


def decode(data):
    return (data or b"").decode("utf-8", errors="replace")


# --------------------------------------------------------------------------
# Judging
# --------------------------------------------------------------------------

class Report:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, ok, label, details=()):
        print(f"{'PASS' if ok else 'FAIL'}  {label}")
        if not ok:
            for line in list(details)[:30]:
                print("      " + line)
        if ok:
            self.passed += 1
        else:
            self.failed += 1
        sys.stdout.flush()


def key_of(line):
    return line.split(": ", 1)[0] if ": " in line else line


def value_of(line):
    return line.split(": ", 1)[1] if ": " in line else ""


def judge_run(report, case, runtime, run, known):
    """One check: the run on its own terms."""
    problems = []
    if run.note:
        problems.append(run.note)
    if run.code != case.exit_code:
        problems.append(f"exit status {run.code}, expected {case.exit_code}")
    lines = output_lines(case, run)
    fails = [l for l in lines if "FAIL" in l and key_of(l) not in known]
    problems += [f"guest check failed: {l}" for l in fails]
    problems += [f"{tree} changed (sandbox breach)" for tree in run.changed]
    stderr_lines = run.stderr.splitlines()
    if case.exit_code == 134 and len(stderr_lines) != 1:
        problems.append(f"a trap should print one line on stderr, got {len(stderr_lines)}")
    if case.exit_code != 134 and not case.compare_stderr and run.stderr != case.stderr:
        problems.append(f"stderr is {run.stderr[:200]!r}, expected {case.stderr!r}")
    detail = f"exit {run.code}, {len(lines)} line{'s' if len(lines) != 1 else ''}"
    if case.exit_code == 134 and len(stderr_lines) == 1:
        detail += f", stderr: {stderr_lines[0][:90]}"
    else:
        detail += ", no FAIL lines, outside/ and ro/ untouched" + (", stderr as expected" if case.stderr else "")
    if problems:
        label = f"{case.name} [{runtime}]: {problems[0]}"
        report.check(False, label, problems[1:] + ["stderr: " + l for l in stderr_lines[:10]])
    else:
        report.check(True, f"{case.name} [{runtime}]: {detail}")


def output_lines(case, run):
    """stdout's lines, then stderr's (prefixed "stderr ") when the case compares stderr."""
    lines = run.stdout.splitlines()
    if case.compare_stderr:
        lines += ["stderr " + line for line in run.stderr.splitlines()]
    return lines


def compare_runs(report, case, label, wasmc, wasmtime, known):
    """One check for the identical lines, one per known difference that showed up."""
    sides = {"wasmc": output_lines(case, wasmc), "wasmtime": output_lines(case, wasmtime)}
    pinned_seen = {}
    kept = {}
    for side, lines in sides.items():
        kept[side] = []
        for line in lines:
            key = key_of(line)
            if key in known:
                pinned_seen.setdefault(key, {}).setdefault(side, []).append(value_of(line))
            else:
                kept[side].append(line)
    a, b = kept["wasmc"], kept["wasmtime"]
    if a == b:
        report.check(True, f"{case.name} [{label} = wasmtime]: {len(a)} line{'s' if len(a) != 1 else ''} identical"
                           + (f", {len(pinned_seen)} known differences" if pinned_seen else ""))
    else:
        import difflib
        diff = list(difflib.unified_diff(b, a, "wasmtime", "wasmc", lineterm="", n=1))
        report.check(False, f"{case.name} [{label} = wasmtime]: stdout differs", diff[2:])
    for key, (wasmc_value, wasmtime_value, reason) in known.items():
        seen = pinned_seen.get(key, {})
        got = {side: seen.get(side, ["(absent)"]) for side in ("wasmc", "wasmtime")}
        ok = got["wasmc"] == [wasmc_value] and got["wasmtime"] == [wasmtime_value]
        report.check(ok, f"{case.name} [{label} known difference] {key}: wasmc {got['wasmc'][0]}, "
                         f"wasmtime {got['wasmtime'][0]} ({reason})",
                     [f"pinned: wasmc {wasmc_value!r}, wasmtime {wasmtime_value!r}",
                      f"got:    wasmc {got['wasmc']!r}, wasmtime {got['wasmtime']!r}"])


def compare_expected(report, case, label, run):
    path = os.path.join(PROGRAMS, case.program + ".expected")
    expected = open(path, encoding="utf-8").read().splitlines()
    got = run.stdout.splitlines()
    if got == expected:
        report.check(True, f"{case.name} [{label} = {case.program}.expected]: {len(got)} lines identical")
    else:
        import difflib
        diff = list(difflib.unified_diff(expected, got, "expected", "wasmc", lineterm="", n=1))
        report.check(False, f"{case.name} [{label} = {case.program}.expected]: stdout differs", diff[2:])
    for label, ok, detail in run.client_checks:
        report.check(ok, f"{case.name} [{label}]", [detail] if detail else [])


# --------------------------------------------------------------------------

def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wasm-dir", required=True)
    parser.add_argument("--work-dir", required=True)
    parser.add_argument("--wasmc", default=os.path.join(ROOT, ".build", "debug", "wasmc"))
    parser.add_argument("--failed-builds", default="", help="programs whose wasm build failed (comma-separated)")
    parser.add_argument("--target", help="cross-compile for this triple and run under qemu-user")
    parser.add_argument("--bounds-modes", default="", help="with --target: the bounds modes to build (comma-separated)")
    parser.add_argument("names", nargs="*")
    options = parser.parse_args()

    report = Report()
    work_dir = os.path.abspath(options.work_dir)
    os.makedirs(work_dir, exist_ok=True)
    os.environ["WASMC_CACHE_DIR"] = os.path.join(work_dir, "wasmc-run-cache")
    known = load_known_differences()
    failed_builds = [n for n in options.failed_builds.split(",") if n]
    for name in failed_builds:
        report.check(False, f"{name} [build wasm]: clang failed (see above)")
    programs = sorted(f[:-2] for f in os.listdir(PROGRAMS) if f.endswith(".c"))
    if options.names:
        programs = [p for p in programs if any(n in p for n in options.names)]
    programs = [p for p in programs if p not in failed_builds]
    for program in known:
        if program not in programs and not options.names:
            report.check(False, f"known-differences names an unknown program '{program}'")

    cases = {}
    for program in programs:
        try:
            cases[program] = parse_cases(program)
        except ValueError as error:
            report.check(False, str(error))
    # Compile with wasmc two at a time (CI has two cores) while the wasmtime runs go first.
    builder = Builder(options.wasmc, work_dir, target=options.target)
    emulator = []
    if options.target:
        emulator = [EMULATORS[options.target]]
        modes = [m for m in options.bounds_modes.split(",") if m] or ["default"]
        for program_cases in cases.values():
            for case in program_cases:
                case.bounds = modes
                case.via_run = False
    builds = {(p, b): builder.submit(p, os.path.join(options.wasm_dir, p + ".wasm"), b)
              for p in cases for b in cases[p][0].bounds}
    for program, program_cases in cases.items():
        wasm = os.path.join(options.wasm_dir, program + ".wasm")
        program_known = known.get(program, {})
        references = {}
        for case in program_cases:
            if not case.wasmc_only:
                references[case.name] = run_case(
                    case, "wasmtime", [sys.executable, RUN_WASMTIME, wasm], work_dir)
                judge_run(report, case, "wasmtime", references[case.name], program_known)
        for bounds in program_cases[0].bounds:
            label = "wasmc" if bounds == "default" else f"wasmc --bounds {bounds}"
            if options.target:
                label += f" --target {options.target}"
            exe, error = builds[(program, bounds)].result()
            report.check(exe is not None, f"{program} [wasmc compile{'' if bounds == 'default' else ' --bounds ' + bounds}]: "
                                          f"{'ok' if exe else 'failed'}", (error or "").splitlines()[-25:])
            if exe is None:
                continue
            runners = [(label, emulator + [exe])]
            if program_cases[0].via_run and bounds == "default":
                runners.append(("wasmc run", [options.wasmc, "run", wasm]))
            for runner, prefix in runners:
                for case in program_cases:
                    run = run_case(case, runner, prefix, work_dir)
                    judge_run(report, case, runner, run, program_known if not case.wasmc_only else {})
                    if case.wasmc_only:
                        compare_expected(report, case, runner, run)
                    else:
                        compare_runs(report, case, runner, run, references[case.name], program_known)
    builder.pool.shutdown()
    print(summary(report.passed, report.failed))
    return 1 if report.failed else 0


if __name__ == "__main__":
    sys.exit(main())
