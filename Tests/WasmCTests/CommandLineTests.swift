import Foundation
import Testing
import WAT

@testable import WasmC
@testable import WasmCBackEnd
@testable import WasmCFrontEnd

/// The `wasmc` executable as a user (or a makefile) runs it.
@Suite struct CommandLineTests {
    /// The `wasmc` built beside this test bundle (`swift build --build-tests` builds both).
    static func wasmcExecutable() throws -> String {
        let bundle =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]
        var directory = URL(fileURLWithPath: bundle).deletingLastPathComponent()
        // On Linux the bundle is an executable in the products directory; elsewhere it is a
        // directory inside it.
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("wasmc").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            directory.deleteLastPathComponent()
        }
        throw ToolchainError("wasmc not found beside \(bundle): run swift build first")
    }

    /// A WASI program that exits with `code`, with enough functions that writing and
    /// compiling its C takes a while.
    static func exitingModule(_ code: Int) throws -> [UInt8] {
        let helpers = (0..<200).map { index in
            "(func $f\(index) (param i32) (result i32) (i32.add (i32.mul (local.get 0) (i32.const \(index + 3))) (i32.const \(code))))"
        }
        let calls = (0..<200).reduce("(i32.const 0)") { chain, index in "(call $f\(index) \(chain))" }
        var wat = try parseWAT(
            """
            (module
              (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
              (memory (export "memory") 1)
              (global $sink (mut i32) (i32.const 0))
              \(helpers.joined(separator: "\n"))
              (func (export "_start")
                (global.set $sink \(calls))
                (call $exit (i32.const \(code)))))
            """)
        return try wat.encode()
    }

    /// Regression: two compiles at once whose outputs share a name (`-o a/benchmark`,
    /// `-o b/benchmark`, as under make -j) wrote their C and objects to one directory named
    /// after the output, so each could link the other's code, or fail.
    @Test func concurrentCompilesWithOneOutputNameKeepTheirFilesApart() throws {
        let wasmc = try Self.wasmcExecutable()
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("wasmc-concurrent-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let exitCodes = ["a": 3, "b": 5]
        for (name, code) in exitCodes {
            try FileManager.default.createDirectory(atPath: "\(directory)/\(name)", withIntermediateDirectories: true)
            try Data(try Self.exitingModule(code)).write(
                to: URL(fileURLWithPath: "\(directory)/\(name)/benchmark.wasm"))
        }
        // Twice: once while both build the shared runtime objects, once reusing them.
        for round in 0..<2 {
            let names = exitCodes.keys.sorted()
            let compiles = Results(count: names.count)
            DispatchQueue.concurrentPerform(iterations: names.count) { index in
                let name = names[index]
                compiles.set(
                    index,
                    Result {
                        try ProcessRunner.run(
                            wasmc, ["compile", "\(name)/benchmark.wasm", "-o", "\(name)/benchmark", "--opt=-O1"],
                            timeout: 600, directory: directory)
                    })
            }
            for compile in compiles.all {
                let result = try compile.get()
                #expect(result.status == 0, "round \(round): \(result.standardError)")
            }
            for (name, code) in exitCodes {
                let result = try ProcessRunner.run("\(directory)/\(name)/benchmark", [], timeout: 60)
                #expect(result.status == Int32(code), "round \(round): \(name)/benchmark exited \(result.status)")
            }
        }
        // Nothing is left behind but the shared runtime objects.
        let left = try FileManager.default.contentsOfDirectory(atPath: "\(directory)/build/.wasmc")
        #expect(left == ["runtime"])
    }
}

/// Results filled in by concurrent workers, read back in order.
final class Results: @unchecked Sendable {
    private let lock = NSLock()
    private var results: [Result<ProcessResult, any Error>?]

    init(count: Int) { results = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ result: Result<ProcessResult, any Error>) {
        lock.lock()
        results[index] = result
        lock.unlock()
    }

    var all: [Result<ProcessResult, any Error>] {
        lock.lock()
        defer { lock.unlock() }
        return results.compactMap { $0 }
    }
}
