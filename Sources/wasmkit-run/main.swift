// wasmkit-run: runs a WASI preview1 command module in the WasmKit interpreter.
//
//     wasmkit-run [--stack-size BYTES] MODULE.wasm [ARGS...]
//
// The interpreter engine for wasmc's benchmarks (wasmc-bench): stdout, stderr and
// stdin are inherited, argv[0] is the module's file name, and the guest's exit code
// becomes this process's. A trap prints one line and exits with status 134, as a
// program built by `wasmc compile` does, so callers can compare engines by status.

import Foundation
import WasmKit
import WasmKitWASI

/// What the command line asked for.
struct Invocation {
    /// The interpreter's value stack. WasmKit's default (512 KiB) is too small for the
    /// corpus's deepest recursion (Ackermann nests ~8 K frames); untouched pages cost nothing.
    var stackSize = 64 << 20
    var modulePath = ""
    var arguments: [String] = []

    static let usage = "usage: wasmkit-run [--stack-size BYTES] MODULE.wasm [ARGS...]"

    /// Options come before the module; everything after it belongs to the guest.
    init(_ commandLine: [String]) throws {
        var rest = commandLine[...]
        while let first = rest.first, first.hasPrefix("--") {
            rest = rest.dropFirst()
            switch first {
            case "--stack-size":
                guard let value = rest.popFirst().flatMap({ Int($0) }), value > 0 else {
                    throw UsageError("--stack-size needs a positive byte count")
                }
                stackSize = value
            case "--help":
                throw UsageError(Self.usage)
            default:
                throw UsageError("unknown option \(first)\n\(Self.usage)")
            }
        }
        guard let module = rest.popFirst() else { throw UsageError(Self.usage) }
        modulePath = module
        arguments = Array(rest)
    }
}

struct UsageError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Parses, instantiates with WASI and runs `_start`; returns the guest's exit code.
func run(_ invocation: Invocation) throws -> Int32 {
    let module = try parseWasm(filePath: invocation.modulePath)
    let engine = Engine(configuration: EngineConfiguration(stackSize: invocation.stackSize))
    let store = Store(engine: engine)
    let programName = URL(fileURLWithPath: invocation.modulePath).lastPathComponent
    let wasi = try WASIBridgeToHost(args: [programName] + invocation.arguments)
    return try wasi.runAndClose { wasi in
        var imports = Imports()
        wasi.link(to: &imports, store: store)
        let instance = try module.instantiate(store: store, imports: imports)
        return Int32(bitPattern: try wasi.start(instance))
    }
}

func standardError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}

do {
    let invocation = try Invocation(Array(CommandLine.arguments.dropFirst()))
    exit(try run(invocation))
} catch let error as UsageError {
    standardError(error.description)
    exit(2)
} catch let trap as Trap {
    standardError("wasmkit-run: trap: \(trap)")
    exit(134)
} catch {
    standardError("wasmkit-run: \(error)")
    exit(1)
}
