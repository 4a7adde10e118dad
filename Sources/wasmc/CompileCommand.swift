import ArgumentParser
import Foundation
import WasmC
import WasmCBackEnd

struct CompileCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compile",
        abstract: "Compile modules into one native executable.",
        discussion: """
            Modules are instantiated in the order given. Imports come from WASI preview1 \
            ("wasi_snapshot_preview1"), from C host functions given with --host-c, or from the exports of \
            an earlier module, named by its file name without ".wasm". Each module's "_start" then runs on \
            a thread of its own. Modules importing the edge world (modules/edge.wit) are linked with the \
            Swift edge host (Sources/EdgeHost, prebuilt by swift build) instead, or with the host of --host-swift. An import nothing \
            provides is an error naming it and its type; a module is checked against the WIT world it \
            declares (or --wit), naming each mismatched function with both signatures. \
            The program takes --dir, --dir-ro, --env and --listen, then -- and the guest's arguments.
            """)

    @Argument(help: "The .wasm modules.")
    var inputs: [String]

    @Option(name: .shortAndLong, help: "The executable to write.")
    var output: String = "build/a.out"

    @Option(help: "Memory sandbox: guard or explicit (default: guard on 64-bit targets, explicit on armv7).")
    var bounds: BoundsStrategy?

    @Option(
        help: ArgumentHelp(
            "The Linux machine to build for: x86_64-linux-gnu, aarch64-linux-gnu or armv7-linux-gnueabihf (default: this one). A cross-compiled program is always static.",
            valueName: "triple"))
    var target: String?

    @Option(help: "clang optimisation level.")
    var opt: String = "-O2"

    @Option(
        help: ArgumentHelp(
            "The instruction-set level compiled code may use: on x86-64 x86-64-v2 (the default: SSE4.2, runs on any x86-64 of the last 15 years), x86-64-v3 (AVX2), x86-64-v4 (AVX-512); on aarch64 armv8-a (the default, NEON), armv8.2-a, armv8.4-a, armv9-a; or native (this machine's own).",
            valueName: "level"))
    var cpu: String?

    @Option(
        help: ArgumentHelp(
            "Split a module of more than this many wasm instructions into C files of about this many, compiled in parallel.",
            valueName: "n"))
    var partInstructions: Int = EmitOptions.defaultPartInstructions

    @Flag(
        name: .customLong("static"),
        help:
            "Link everything statically (C library, libuv, the Swift runtime and libcurl for the edge host): a binary that needs no other file."
    )
    var staticRuntime = false

    @Option(
        name: .customLong("host-c"),
        help: ArgumentHelp(
            "A C file of host functions for imports (see wasmc_host_function in wasmc_rt.h); repeatable.",
            valueName: "file.c"))
    var hostC: [String] = []

    @Option(
        name: .customLong("host-swift"),
        help: ArgumentHelp(
            "A Swift host to link instead of the edge host: its sources and the .world files of `wasmc bindgen --host-swift`.",
            valueName: "dir"))
    var hostSwift: String?

    @Option(
        help: ArgumentHelp(
            "Check every module against this WIT world instead of the one it declares (needs wasm-tools).",
            valueName: "file.wit"))
    var wit: String?

    @Option(help: "The world of --wit (needed when the document has several).")
    var world: String?

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
        _ = try cpuLevel(for: machine)
        if let bounds {
            do {
                try machine.check(bounds: bounds)
            } catch {
                throw ValidationError(error.description)
            }
        }
    }

    func buildTarget() throws -> Target {
        do {
            return try target.map { triple throws(ToolchainError) in try Target(triple: triple) } ?? .host
        } catch {
            throw ValidationError(error.description)
        }
    }

    /// The `--cpu` level for `machine`, nil for its baseline.
    func cpuLevel(for machine: Target) throws -> CPULevel? {
        do {
            return try cpu.map { name throws(ToolchainError) in try CPULevel(name: name, for: machine) }
        } catch {
            throw ValidationError(error.description)
        }
    }

    func run() throws {
        let machine = try buildTarget()
        var session = try Session(
            target: machine, bounds: bounds, optimization: opt, staticRuntime: staticRuntime,
            partInstructions: partInstructions, cpu: try cpuLevel(for: machine))
        session.hostC = hostC
        if let hostSwift { session.swiftHost = try SwiftHost.load(directory: hostSwift) }
        var givenWorld: WorldManifest?
        if let wit {
            do {
                givenWorld = WorldManifest(world: try Bindgen.load(witPath: wit, world: world).world)
            } catch {
                throw InputError("--wit \(wit): \(error)")
            }
        }
        var modules: [LinkedModule] = []
        var names = Set<String>()
        for path in inputs {
            let name = ModuleFile.stem(path)
            guard names.insert(name).inserted else { throw InputError("two modules are named \(name)") }
            modules.append(try session.load(try ModuleFile.read(path), name: name, path: path, world: givenWorld))
        }
        try session.checkImports(modules)
        try session.build(modules, output: output)
        print("wrote \(output)")
    }
}
