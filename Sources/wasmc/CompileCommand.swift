import ArgumentParser
import Foundation
import WasmC

struct CompileCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compile", abstract: "Compile modules into one native executable.")

    @Argument(help: "The .wasm modules.")
    var inputs: [String]

    @Option(name: .shortAndLong, help: "The executable to write.")
    var output: String = "build/a.out"

    @Option(help: "Memory sandbox: guard or explicit.")
    var bounds: BoundsStrategy = .guardPages

    @Option(help: "clang optimisation level.")
    var opt: String = "-O2"

    func run() throws {
        throw ValidationError("compile is not available yet")
    }
}
