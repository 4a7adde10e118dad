import Foundation
import WasmC

/// Builds corpus programs with wasmc's driver, exactly as `wasmc compile --opt -O2` does,
/// timing the translation (decode, validate, emit C) and the clang part separately.
struct WasmcBuilder {
    var engine: Engine
    /// The driver, with the engine's bounds strategy and this engine's runtime cache.
    var session: WasmC.Session
    /// `build/bench/wasmc-guard` or `…/wasmc-explicit`: `work/` (C and objects) and `bin/`.
    var directory: String

    init(engine: Engine, directory: String) throws {
        self.engine = engine
        self.directory = directory
        session = try WasmC.Session(bounds: engine.bounds, optimization: "-O2")
        session.runtimeCache = directory + "/work/runtime"
    }

    var workDirectory: String { directory + "/work" }

    /// Compiles the runtime once, so no program's clang time includes it.
    func prepareRuntime() throws {
        _ = try session.runtimeObjects([.core, .wasi, .host])
    }

    func build(_ program: Program, wasm: String) throws -> (Contender, BuildCost) {
        guard let data = FileManager.default.contents(atPath: wasm) else { throw BenchError("cannot read \(wasm)") }
        let output = "\(directory)/bin/\(program.name)"

        let translateStart = ProcessRunner.now()
        let linked = try session.load([UInt8](data), name: program.name, path: wasm)
        let translateSeconds = ProcessRunner.now() - translateStart

        try session.checkImports([linked])
        let compileStart = ProcessRunner.now()
        try session.build([linked], workDirectory: workDirectory, output: output)
        let compileSeconds = ProcessRunner.now() - compileStart

        let cost = BuildCost(
            program: program.name, engine: engine, translateSeconds: translateSeconds, compileSeconds: compileSeconds,
            binaryBytes: FileSize.of(output))
        return (Contender(engine: engine, executable: output), cost)
    }
}

enum FileSize {
    static func of(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
    }
}
