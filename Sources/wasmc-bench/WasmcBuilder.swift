import Foundation
import WasmC
import WasmCBackEnd

/// Builds corpus programs with wasmc's library, exactly as `wasmc compile --opt -O2` does,
/// timing the translation (decode, validate, emit C) and the clang part separately.
struct WasmcBuilder {
    var engine: Engine
    var clang: Clang
    var runtime: RuntimeLibrary
    /// `build/bench/wasmc-guard` or `…/wasmc-explicit`: `work/` (C and objects) and `bin/`.
    var directory: String

    var guardPages: Bool { engine == .wasmcGuard }
    var workDirectory: String { directory + "/work" }

    /// Compiles the runtime once, so no program's clang time includes it.
    func prepareRuntime() throws {
        _ = try runtime.build(
            [.core, .wasi, .host], guardPages: guardPages, into: workDirectory + "/runtime", clang: clang,
            optimization: "-O2")
    }

    func build(_ program: Program, wasm: String) throws -> (Contender, BuildCost) {
        guard let data = FileManager.default.contents(atPath: wasm) else { throw BenchError("cannot read \(wasm)") }
        let bytes = [UInt8](data)
        let output = "\(directory)/bin/\(program.name)"

        let translateStart = ChildProcess.now()
        let validated = try Compiler.validate(bytes)
        let translation = ModuleEmitter(
            module: validated, name: program.name, options: EmitOptions(bounds: guardPages ? .guardPages : .explicit)
        )
        .emit()
        let translateSeconds = ChildProcess.now() - translateStart

        let linked = LinkedModule(name: program.name, path: wasm, module: validated, translation: translation)
        try ExecutableBuilder.checkImports([linked])
        let builder = ExecutableBuilder(clang: clang, runtime: runtime, guardPages: guardPages, optimization: "-O2")
        let compileStart = ChildProcess.now()
        try builder.build([linked], workDirectory: workDirectory, output: output)
        let compileSeconds = ChildProcess.now() - compileStart

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
