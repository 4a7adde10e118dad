/// One engine ready to run one program: the command line up to the program's own arguments.
struct Contender: Sendable {
    var engine: Engine
    var executable: String
    /// Arguments that come before the program's (an interpreter's module path).
    var leadingArguments: [String] = []

    /// The timed process, run through `measure` for its own peak RSS and times.
    func process(arguments: [String], scratch: String, measurer: String) -> HarnessCommand {
        HarnessCommand(
            executable: executable, arguments: leadingArguments + arguments, scratchDirectory: scratch,
            measurer: measurer)
    }
}

/// What building one program for an ahead-of-time engine cost.
struct BuildCost: Codable, Sendable {
    var program: String
    var engine: Engine
    /// wasm → C: wasmc's decode, validate and emit (in process), or the `wasm2c` command.
    var translateSeconds: Double
    /// C → executable: clang -O2 on the module's C and the program main, and the link
    /// (the runtime is compiled beforehand, once per engine).
    var compileSeconds: Double
    var binaryBytes: Int

    var totalSeconds: Double { translateSeconds + compileSeconds }
}
