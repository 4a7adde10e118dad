import ArgumentParser
import Foundation
import WasmC
import WasmCBackEnd

struct TranslateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "translate",
        abstract: "Write the C translation of a module (a .h and a .c, or several .c for a large module).")

    @Argument(help: "The .wasm module.")
    var input: String

    @Option(name: .shortAndLong, help: "Output directory.")
    var output: String = "."

    @Option(help: "Symbol prefix (default: the file name).")
    var name: String?

    @Option(help: "Memory sandbox: guard or explicit.")
    var bounds: BoundsStrategy = .guardPages

    func run() throws {
        let bytes = try ModuleFile.read(input)
        let translation: CTranslation
        do {
            translation = try Compiler.translate(
                bytes, name: name ?? ModuleFile.stem(input), options: EmitOptions(bounds: bounds))
        } catch {
            throw InputError("\(input): \(error)")
        }
        try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        var written: [String] = []
        for file in translation.sourceFiles {
            let source = "\(output)/\(file.name)"
            try ModuleFile.write(file.text, to: source)
            written.append(source)
        }
        let header = "\(output)/\(translation.prefix).h"
        try ModuleFile.write(translation.header, to: header)
        written.append(header)
        print("wrote " + written.joined(separator: ", "))
    }
}

enum ModuleFile {
    static func read(_ path: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw InputError("cannot read \(path)")
        }
        return [UInt8](data)
    }

    static func stem(_ path: String) -> String {
        URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
    }

    /// Writes a file, reporting a full disk or a missing directory clearly.
    static func write(_ text: String, to path: String) throws {
        do {
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            throw InputError("cannot write \(path): \(error.localizedDescription)")
        }
    }
}
