import Foundation
import WasmC

/// Builds corpus programs with wabt's wasm2c and clang -O2, linked with wasm2c's runtime and
/// the minimal WASI host in Benchmarks/wasm2c-support (wasm2c ships none).
struct Wasm2cBuilder {
    var engine: Engine
    var wasm2c: Wasm2cInstallation
    var clang: String
    /// Benchmarks/wasm2c-support: `main.c` and the WASI preview1 host.
    var supportDirectory: String
    /// `build/bench/wasm2c-guard` or `…/wasm2c-explicit`.
    var directory: String
    var scratch: String

    /// The sandbox mode. The default on 64-bit hosts is guard pages; explicit checks need
    /// `WASM_RT_MEMCHECK_BOUNDS_CHECK`, and then the depth counter replaces the guard-page stack
    /// check: its limit (500 calls by default) is raised so the corpus's deepest recursion
    /// (~8 K frames) fits, as it does under wasmc and wasmtime.
    var defines: [String] {
        engine == .wasm2cExplicit
            ? ["-DWASM_RT_MEMCHECK_BOUNDS_CHECK=1", "-DWASM_RT_USE_MMAP=0", "-DWASM_RT_MAX_CALL_STACK_DEPTH=50000"]
            : []
    }

    /// wasmc's instruction-set baseline (x86-64-v2 on x86-64), so both compilers' C may use
    /// the same instructions; wasm2c's SIMD code is SIMDe's wasm intrinsics (Debian libsimde-dev).
    var flags: [String] {
        ["-O2", "-g0", "-std=gnu17", "-w"] + Target.host.baselineFlags + defines
            + ["-I\(wasm2c.runtimeDirectory)", "-I\(supportDirectory)"]
    }

    var runtimeSources: [String] {
        ["wasm-rt-impl.c", "wasm-rt-mem-impl.c", "wasm-rt-exceptions-impl.c"].map { wasm2c.runtimeDirectory + "/" + $0 }
            + [supportDirectory + "/wasi_preview1.c"]
    }

    var runtimeObjects: [String] {
        runtimeSources.map {
            "\(directory)/runtime/\(URL(fileURLWithPath: $0).deletingPathExtension().lastPathComponent).o"
        }
    }

    /// Compiles the runtime and the WASI host once, so no program's clang time includes them.
    func prepareRuntime() throws {
        try FileManager.default.createDirectory(atPath: directory + "/runtime", withIntermediateDirectories: true)
        for (source, object) in zip(runtimeSources, runtimeObjects) {
            try run(clang, flags + ["-c", source, "-o", object])
        }
    }

    func build(_ program: Program, wasm: String) throws -> (Contender, BuildCost) {
        let work = "\(directory)/work/\(program.name)"
        let output = "\(directory)/bin/\(program.name)"
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: directory + "/bin", withIntermediateDirectories: true)
        // `-n prog` fixes the symbol prefix, so one main.c serves every module.
        let translateSeconds = try run(wasm2c.executable, [wasm, "-n", "prog", "-o", work + "/prog.c"])
        let compileSeconds = try run(
            clang,
            flags + ["-I\(work)", work + "/prog.c", supportDirectory + "/main.c"] + runtimeObjects
                + ["-o", output, "-lm"])
        let cost = BuildCost(
            program: program.name, engine: engine, translateSeconds: translateSeconds, compileSeconds: compileSeconds,
            binaryBytes: FileSize.of(output))
        return (Contender(engine: engine, executable: output), cost)
    }

    /// Runs a tool to completion; returns its wall time.
    @discardableResult
    private func run(_ executable: String, _ arguments: [String]) throws -> Double {
        let result = try HarnessCommand(executable: executable, arguments: arguments, scratchDirectory: scratch)
            .run(timeout: 3600)
        guard result.status == 0 else {
            let log = result.standardError.split(separator: "\n").prefix(20).joined(separator: "\n")
            throw BenchError(
                "\(URL(fileURLWithPath: executable).lastPathComponent) failed (exit \(result.status)):\n\(log)")
        }
        return result.wallSeconds
    }
}
