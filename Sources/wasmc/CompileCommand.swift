import ArgumentParser
import Foundation
import WasmC

struct CompileCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compile",
        abstract: "Compile modules into one native executable.",
        discussion: """
            Modules are instantiated in the order given. Imports come from WASI preview1 \
            ("wasi_snapshot_preview1"), from C host functions given with --host-c, or from the exports of \
            an earlier module, named by its file name without ".wasm". Each module's "_start" then runs on \
            a thread of its own. Modules importing from "edge" are linked with the Swift edge host \
            (Sources/EdgeHost) instead. An import nothing provides is an error naming it and its type. \
            The program takes --dir, --dir-ro, --env and --listen, then -- and the guest's arguments.
            """)

    @Argument(help: "The .wasm modules.")
    var inputs: [String]

    @Option(name: .shortAndLong, help: "The executable to write.")
    var output: String = "build/a.out"

    @Option(help: "Memory sandbox: guard or explicit (default: guard on 64-bit targets, explicit on armv7).")
    var bounds: BoundsStrategy?

    @Option(help: ArgumentHelp(
        "The Linux machine to build for: x86_64-linux-gnu, aarch64-linux-gnu or armv7-linux-gnueabihf (default: this one). A cross-compiled program is always static.",
        valueName: "triple"))
    var target: String?

    @Option(help: "clang optimisation level.")
    var opt: String = "-O2"

    @Option(help: ArgumentHelp(
        "Split a module of more than this many wasm instructions into C files of about this many, compiled in parallel.",
        valueName: "n"))
    var partInstructions: Int = EmitOptions.defaultPartInstructions

    @Flag(name: .customLong("static"), help: "Link everything statically (C library, libuv, the Swift runtime and libcurl for the edge host): a binary that needs no other file.")
    var staticRuntime = false

    @Option(name: .customLong("host-c"), help: ArgumentHelp(
        "A C file of host functions for imports (see wasmc_host_function in wasmc_rt.h); repeatable.",
        valueName: "file.c"))
    var hostC: [String] = []

    func validate() throws {
        for file in hostC where !FileManager.default.fileExists(atPath: file) {
            throw ValidationError("--host-c \(file): no such file")
        }
        guard !inputs.isEmpty else { throw ValidationError("give at least one .wasm module") }
        guard ["-O0", "-O1", "-O2", "-O3", "-Os"].contains(opt) else {
            throw ValidationError("--opt must be one of -O0, -O1, -O2, -O3, -Os")
        }
        guard partInstructions >= 1 else {
            throw ValidationError("--part-instructions must be at least 1, not \(partInstructions)")
        }
        let machine = try buildTarget()
        do {
            try machine.check(guardPages: bounds == .guardPages)
        } catch {
            throw ValidationError(error.description)
        }
    }

    func buildTarget() throws -> Target {
        do {
            return try target.map { triple throws(ToolchainError) in try Target(triple: triple) } ?? .host
        } catch {
            throw ValidationError(error.description)
        }
    }

    func run() throws {
        let machine = try buildTarget()
        let bounds = self.bounds ?? (machine.supportsGuardPages ? .guardPages : .explicit)
        var modules: [LinkedModule] = []
        var names = Set<String>()
        for path in inputs {
            let bytes = try ModuleFile.read(path)
            let name = ModuleFile.stem(path)
            guard names.insert(name).inserted else { throw InputError("two modules are named \(name)") }
            do {
                let validated = try Compiler.validate(bytes)
                let translation = ModuleEmitter(
                    module: validated, name: name, options: EmitOptions(guardPages: bounds.usesGuardPages, partInstructions: partInstructions)
                ).emit()
                modules.append(LinkedModule(name: name, path: path, module: validated, translation: translation))
            } catch {
                throw InputError("\(path): \(error)")
            }
        }
        do {
            try ExecutableBuilder.checkImports(modules, hostC: !hostC.isEmpty)
        } catch {
            throw InputError("\(error)")
        }
        var clang = try Clang.find()
        clang.target = machine
        var builder = ExecutableBuilder(
            clang: clang, runtime: try RuntimeLibrary.locate(), guardPages: bounds.usesGuardPages,
            optimization: opt, staticRuntime: staticRuntime)
        builder.hostC = hostC
        let workDirectory = "build/.wasmc/\(ModuleFile.stem(output))-\(bounds.rawValue)"
            + (machine.isHost ? "" : "-\(machine.architecture)")
        try builder.build(modules, workDirectory: workDirectory, output: output)
        print("wrote \(output)")
    }
}
