import ArgumentParser

@main
struct WasmcCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wasmc",
        abstract: "Ahead-of-time WebAssembly compiler: .wasm to sandboxed C to one native binary.",
        subcommands: [TranslateCommand.self, CompileCommand.self, BindgenCommand.self, RunCommand.self, SpecTestCommand.self])
}

/// The memory-sandbox strategy of generated code.
enum BoundsStrategy: String, ExpressibleByArgument, CaseIterable {
    /// Guard pages: 8 GiB reserved per memory, faults become traps (64-bit hosts).
    case guardPages = "guard"
    /// An explicit bounds check before every access (portable).
    case explicit

    var usesGuardPages: Bool { self == .guardPages }
}

/// An error in the input (a bad module, a missing import, an unwritable file): printed without usage help.
struct InputError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
