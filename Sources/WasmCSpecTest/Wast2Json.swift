import Foundation
import WasmC

/// wabt's `wast2json`, the spec runner's second converter: it reads scripts `wasm-tools
/// json-from-wast` refuses, the legacy exception-handling scripts (`try`, `catch`, `rethrow`,
/// `delegate` are not in wasm-tools' text format), and writes the same JSON format.
///
/// Its output differs from wasm-tools' in ways the runner already reads: no `module_type` on
/// `module` commands (binary), unsigned decimal integers, `expected` types without values in
/// `assert_exception` and `assert_trap`, module names with their `$`, and text modules of
/// `assert_malformed` as `.wat` files without a binary form.
struct Wast2Json: Sendable {
    let executable: String

    /// Finds `wast2json` (`$WAST2JSON`, else on `PATH`), nil when there is none.
    static func find() -> Wast2Json? {
        let environment = ProcessInfo.processInfo.environment
        if let path = environment["WAST2JSON"], !path.isEmpty { return Wast2Json(executable: path) }
        for directory in (environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let candidate = "\(directory)/wast2json"
            if FileManager.default.isExecutableFile(atPath: candidate) { return Wast2Json(executable: candidate) }
        }
        return nil
    }

    /// The options that enable the proposals: `--enable-all` for wabt before exceptions were on
    /// by default (Debian's 1.0.32); nothing for later ones, whose defaults hold WebAssembly
    /// 3.0 and whose `--enable-all` also turns on the compact-import encoding (wabt 1.0.42 then
    /// writes two imports of one module in a form no other reader takes).
    func featureOptions() -> [String] {
        let help = (try? ProcessRunner.run(executable, ["--help"]))?.standardOutput ?? ""
        return help.contains("--disable-exceptions") ? [] : ["--enable-all"]
    }

    /// Converts `script` into `directory`; the modules are written beside the JSON, and their
    /// names in the commands are relative to `directory`.
    func convert(_ script: String, into directory: String) throws -> (commands: [WastCommand], command: String) {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let json = "\(directory)/script.json"
        let options = featureOptions()
        let command = (["wast2json"] + options).joined(separator: " ")
        let result = try ProcessRunner.run(executable, options + [script, "-o", json])
        guard result.status == 0 else {
            let message = result.standardError.split(separator: "\n").prefix(6).joined(separator: " | ")
            throw ToolchainError("\(command) failed (exit \(result.status)): \(message)")
        }
        return (try WastScript.decode(try Data(contentsOf: URL(fileURLWithPath: json))).commands, command)
    }
}

/// A script's commands, and which converter read it when it was not `wasm-tools json-from-wast`.
struct ConvertedScript {
    var commands: [WastCommand]
    /// Why and how the script was converted otherwise; nil for wasm-tools.
    var fallback: String?
}

extension WasmTools {
    /// Converts `script` with `json-from-wast`; when wasm-tools refuses it and wabt's
    /// `wast2json` is installed, with `wast2json --enable-all`, saying so in `fallback`.
    func convertWithFallback(_ script: String, into directory: String) throws -> ConvertedScript {
        do {
            return ConvertedScript(commands: try convert(script, into: directory), fallback: nil)
        } catch let refusal {
            guard let wabt = Wast2Json.find() else { throw refusal }
            let converted: (commands: [WastCommand], command: String)
            do {
                converted = try wabt.convert(script, into: directory)
            } catch {
                throw ToolchainError("\(refusal); and \(error)")
            }
            // The first line of wasm-tools' complaint ("unknown operator or unexpected token").
            let reason = "\(refusal)".split(separator: "|").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
            return ConvertedScript(
                commands: converted.commands,
                fallback: "converted by \(converted.command) at \(wabt.executable) (\(reason))")
        }
    }
}
