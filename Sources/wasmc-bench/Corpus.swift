import Foundation

/// A program of the benchmark corpus (Benchmarks/corpus) and the arguments each phase gives it.
struct Program: Sendable {
    var name: String
    /// For the interpreter comparison: a tenth of the default work where the scale allows,
    /// else the smallest step (a quarter for sort, a third for regex, half for hashtable; fib's
    /// scale 0 is fib(36) and a small tak), so the interpreter finishes in seconds. Every program takes
    /// its scale as `argv[1]`.
    var interpreterArguments: [String]

    /// The timed run uses each program's default size (0.3–3 s natively).
    var arguments: [String] { [] }
    /// Scale 0 does (almost) no work: its time is process start-up plus instantiation.
    var startupArguments: [String] { ["0"] }

    /// The 128-bit SIMD programs (`simd_*`): their geomeans are reported apart from the others.
    static func isSIMD(_ name: String) -> Bool { name.hasPrefix("simd_") }
}

/// The corpus, in Benchmarks/corpus/README.md's order, and how to build it.
enum Corpus {
    static let programs: [Program] = [
        Program(name: "sha256", interpreterArguments: ["26"]),
        Program(name: "blake2b", interpreterArguments: ["50"]),
        Program(name: "json", interpreterArguments: ["40"]),
        Program(name: "deflate", interpreterArguments: ["1"]),
        Program(name: "sort", interpreterArguments: ["1"]),
        Program(name: "matmul", interpreterArguments: ["3"]),
        Program(name: "nbody", interpreterArguments: ["1200000"]),
        Program(name: "interp", interpreterArguments: ["1"]),
        Program(name: "regex", interpreterArguments: ["1"]),
        Program(name: "fib", interpreterArguments: ["0"]),
        Program(name: "memcpy", interpreterArguments: ["4"]),
        Program(name: "hashtable", interpreterArguments: ["1"]),
        Program(name: "large", interpreterArguments: ["300"]),
        // 128-bit SIMD (built with -msimd128; natively through SIMDe at SSE4.2, no AVX).
        Program(name: "simd_chacha20", interpreterArguments: ["90"]),
        Program(name: "simd_hex", interpreterArguments: ["100"]),
        Program(name: "simd_image", interpreterArguments: ["150"]),
        Program(name: "simd_autovec", interpreterArguments: ["16"]),
    ]

    /// The module with ~1.1 MB of code, for the compile-time comparison.
    static let largeModule = "large"

    /// Runs `Benchmarks/corpus/build.sh OUT NAME...` (it keeps outputs newer than their sources).
    static func build(_ programs: [Program], layout: Layout) throws {
        let script = layout.packageRoot + "/Benchmarks/corpus/build.sh"
        let build = HarnessCommand(
            executable: "/bin/bash", arguments: [script, layout.corpus] + programs.map(\.name),
            scratchDirectory: layout.scratch)
        let result = try build.run(timeout: 3600)
        guard result.status == 0 else {
            throw BenchError("building the corpus failed (\(script), exit \(result.status)):\n\(result.standardError)")
        }
    }

    static func wasmPath(_ program: Program, in directory: String) -> String {
        "\(directory)/wasm/\(program.name).wasm"
    }
    static func nativePath(_ program: Program, in directory: String) -> String { "\(directory)/native/\(program.name)" }
}

/// A failure that stops the benchmark, with what to do about it.
struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
