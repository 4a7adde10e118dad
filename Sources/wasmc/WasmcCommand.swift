import ArgumentParser
import WasmC
import WasmCBackEnd

@main
struct WasmcCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wasmc",
        abstract: "Ahead-of-time WebAssembly compiler: .wasm to sandboxed C to one native binary.",
        version: WasmcVersion.description,
        subcommands: [
            TranslateCommand.self, CompileCommand.self, BindgenCommand.self, RunCommand.self, SpecTestCommand.self,
        ])
}

extension BoundsStrategy: ExpressibleByArgument {}

/// An error in the input (a bad module, a missing import, an unwritable file): printed without usage help.
struct InputError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
