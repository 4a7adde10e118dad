import Foundation
import WasmC

/// Makes every engine ready to run every program: builds the ahead-of-time ones (timing
/// each build) and assembles the command lines of the others.
struct EnginePreparation {
    var layout: Layout
    var tools: Tools
    var engines: [Engine]

    /// Per program, the engines that can run it; what the builds cost; what failed to build.
    struct Prepared {
        var contenders: [String: [Contender]] = [:]
        var builds: [BuildCost] = []
        var exclusions: [Exclusion] = []
    }

    func prepare(_ programs: [Program]) throws -> Prepared {
        var prepared = Prepared()
        for program in programs {
            prepared.contenders[program.name] = [
                Contender(engine: .native, executable: Corpus.nativePath(program, in: layout.corpus))
            ]
        }
        for engine in engines where engine.isAheadOfTime {
            Progress.say("building with \(engine.rawValue)")
            do {
                let build = try builder(for: engine)
                try build.prepareRuntime()
                for program in programs {
                    do {
                        let (contender, cost) = try build.build(
                            program, wasm: Corpus.wasmPath(program, in: layout.corpus))
                        prepared.contenders[program.name, default: []].append(contender)
                        prepared.builds.append(cost)
                        Progress.say(
                            "  \(program.name): translate \(Format.seconds(cost.translateSeconds)) s, clang \(Format.seconds(cost.compileSeconds)) s"
                        )
                    } catch {
                        prepared.exclusions.append(
                            Exclusion(
                                phase: .main, program: program.name, engine: engine, reason: "build failed: \(error)"))
                        Progress.say("  \(program.name): build failed: \(error)")
                    }
                }
            } catch {
                for program in programs {
                    prepared.exclusions.append(
                        Exclusion(
                            phase: .main, program: program.name, engine: engine,
                            reason: "runtime build failed: \(error)"))
                }
                Progress.say("  runtime build failed: \(error)")
            }
        }
        for program in programs {
            let wasm = Corpus.wasmPath(program, in: layout.corpus)
            if engines.contains(.wasmtime), let python = tools.wasmtimePython {
                let script = layout.packageRoot + "/Tests/Support/run_wasmtime.py"
                prepared.contenders[program.name, default: []].append(
                    Contender(engine: .wasmtime, executable: python, leadingArguments: [script, wasm]))
            }
            if engines.contains(.wasmkit), let wasmkitRun = tools.wasmkitRun {
                prepared.contenders[program.name, default: []].append(
                    Contender(engine: .wasmkit, executable: wasmkitRun, leadingArguments: [wasm]))
            }
        }
        return prepared
    }

    private func builder(for engine: Engine) throws -> any AheadOfTimeBuilder {
        let directory = layout.engineDirectory(engine)
        switch engine {
        case .wasmcGuard, .wasmcExplicit:
            return try WasmcBuilder(engine: engine, directory: directory)
        case .wasm2cGuard, .wasm2cExplicit:
            guard let wasm2c = tools.wasm2c else { throw BenchError("wasm2c not found") }
            return Wasm2cBuilder(
                engine: engine, wasm2c: wasm2c, clang: tools.clang.executable,
                supportDirectory: layout.packageRoot + "/Benchmarks/wasm2c-support", directory: directory,
                scratch: layout.scratch)
        default:
            throw BenchError("\(engine.rawValue) is not built ahead of time")
        }
    }
}

/// An engine that turns a wasm module into a native executable before it runs.
protocol AheadOfTimeBuilder {
    /// Compiles what every program shares (the runtime), so per-program times leave it out.
    func prepareRuntime() throws
    /// Builds one program, timing translate and compile.
    func build(_ program: Program, wasm: String) throws -> (Contender, BuildCost)
}

extension WasmcBuilder: AheadOfTimeBuilder {}
extension Wasm2cBuilder: AheadOfTimeBuilder {}
