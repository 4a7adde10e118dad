import Foundation
import WasmCBackEnd
import WasmCFrontEnd

/// The driver: the settings of one compilation and the steps from `.wasm` bytes to a native
/// program, written once for every client (`wasmc compile`, `run` and `translate`, the spec
/// runner, the benchmark harness, the tests).
///
/// translate (decode, validate, emit C: `translate`, `load`) → link (check every import:
/// `checkImports`) → build (write the C, compile it with the runtime, link: `build`), with
/// the runtime's objects cached by content (`runtimeObjects`) and whole programs cached by
/// module and settings (`cachedProgram`).
public struct Session: Sendable {
    /// The machine compiled for.
    public var target: Target { clang.target }
    /// The instruction-set level compiled code may use (`--cpu`); nil is the target's baseline.
    public var cpu: CPULevel? { clang.cpu }
    /// How generated code keeps memory accesses in bounds; every C flag that depends on it
    /// comes from `BoundsStrategy.cDefines`.
    public var bounds: BoundsStrategy
    /// clang's optimisation level for the modules and the runtime (`-O2`).
    public var optimization: String
    /// Link the C library, libuv and the Swift runtime statically (`--static`); programs for
    /// another machine are always static.
    public var staticRuntime: Bool
    /// Split modules of more instructions than this into several C files (nil: never).
    public var partInstructions: Int?
    /// clang, set to `target`.
    public var clang: Clang
    /// The C runtime (`runtime-c`).
    public var runtime: RuntimeLibrary
    /// C files with host functions (`--host-c`), compiled and linked into the program.
    public var hostC: [String] = []
    /// The Swift host linked in when a module imports from it: the edge host by default.
    public var swiftHost: SwiftHost?
    /// Where each build makes its private work directory (`build/.wasmc`).
    public var workDirectory: String
    /// Where compiled runtime objects are kept for reuse, shared by any number of builds at
    /// once; nil keeps them in each build's own work directory.
    public var runtimeCache: String?

    /// Finds clang and the runtime and checks that they fit the settings: the runtime's ABI is
    /// the one this wasmc generates C for, and the target can use the strategy (guard pages
    /// need a 64-bit address space). `bounds` defaults to the target's `defaultBounds`, `cpu`
    /// to the target's baseline (`CPULevel`).
    public init(
        target: Target = .host, bounds: BoundsStrategy? = nil, optimization: String = "-O2",
        staticRuntime: Bool = false, partInstructions: Int? = EmitOptions.defaultPartInstructions,
        workDirectory: String = "build/.wasmc", cpu: CPULevel? = nil
    ) throws(ToolchainError) {
        let bounds = bounds ?? target.defaultBounds
        try target.check(bounds: bounds)
        var clang = try Clang.find()
        clang.target = target
        if let cpu {  // a level checked for another architecture is checked again for this one
            clang.cpu = try CPULevel(name: cpu.name, for: target)
        }
        let runtime = try RuntimeLibrary.locate()
        try runtime.checkABIVersion()
        self.bounds = bounds
        self.optimization = optimization
        self.staticRuntime = staticRuntime
        self.partInstructions = partInstructions
        self.clang = clang
        self.runtime = runtime
        self.swiftHost = try? SwiftHost.edgeHost(in: Installation.locate())
        self.workDirectory = workDirectory
        self.runtimeCache = workDirectory + "/runtime"
    }

    /// How the back end writes C for these settings.
    public var emitOptions: EmitOptions {
        EmitOptions(bounds: bounds, partInstructions: partInstructions)
    }

    // MARK: Translate

    /// Decodes, validates and translates a module to C; `name` becomes its symbol prefix.
    public func translate(_ bytes: [UInt8], name: String) throws -> CTranslation {
        try translate(Compiler.validate(bytes), name: name)
    }

    /// Translates a validated module to C.
    public func translate(_ module: ValidatedModule, name: String) -> CTranslation {
        ModuleEmitter(module: module, name: name, options: emitOptions).emit()
    }

    /// Translates the module in `path` for linking under `name`, and checks it against the WIT
    /// world it declares (its `wasmc:world` section) or against `world` when one is given.
    /// A module that does not decode, validate or match its world throws a `ModuleError`
    /// naming `path`.
    public func load(_ bytes: [UInt8], name: String, path: String, world: WorldManifest? = nil)
        throws(ModuleError) -> LinkedModule
    {
        do {
            let validated = try Compiler.validate(bytes)
            let translation = translate(validated, name: name)
            if let world = try world ?? WorldCheck.declaredWorld(in: bytes) {
                try WorldCheck.check(validated, against: world)
            }
            return LinkedModule(name: name, path: path, module: validated, translation: translation)
        } catch {
            throw ModuleError(path: path, reason: "\(error)")
        }
    }

    // MARK: Build

    /// Builds `output` from `modules` in a work directory of this build's own under
    /// `workDirectory`, so builds at once (make -j) never mix their files, even for outputs
    /// of one name in two directories; the runtime objects are shared (`runtimeCache`), each
    /// published whole. The directory is removed after a successful build and kept after a
    /// failed one, for its C.
    public func build(_ modules: [LinkedModule], output: String) throws(ToolchainError) {
        let targetSuffix = target.isHost ? "" : "\(target.architecture)-"
        let stem = URL(fileURLWithPath: output).deletingPathExtension().lastPathComponent
        let work = try WorkDirectory.makePrivate(
            in: workDirectory, prefix: "\(stem)-\(bounds.rawValue)-\(targetSuffix)")
        try build(modules, workDirectory: work, output: output)
        WorkDirectory.remove(work)
    }

    /// The runtime's objects for `components`, compiled for these settings into `directory`
    /// (or `runtimeCache`) unless an earlier build left them there.
    public func runtimeObjects(_ components: [RuntimeLibrary.Component], into directory: String? = nil)
        throws(ToolchainError) -> [String]
    {
        guard let directory = directory ?? runtimeCache else {
            throw ToolchainError("no directory for the runtime's objects")
        }
        return try runtime.build(components, bounds: bounds, into: directory, clang: clang, optimization: optimization)
    }

    /// Compiles C that goes with the runtime (a test host, host functions) for these settings:
    /// the bounds strategy's definitions and the target's flags.
    public func compileRuntimeC(_ source: String, to object: String, includeDirectories: [String], optimization: String)
        throws(ToolchainError)
    {
        try clang.compile(
            source, to: object, includeDirectories: includeDirectories, defines: bounds.cDefines,
            optimization: optimization)
    }

    // MARK: Cache

    /// The program built from one module with these settings, from `cache` when an earlier
    /// run built it, else built now and published there whole (`wasmc run`). Two runs at once
    /// never share files, and a build cut short is never reused.
    public func cachedProgram(_ bytes: [UInt8], name: String, path: String, cache: CompileCache) throws -> String {
        // The prebuilt edge host a program may link is part of the key: a rebuilt host library
        // never leaves a stale program in the cache.
        var options = [bounds.rawValue, optimization, clang.cpuFlags.joined(separator: " ")]
        if let library = swiftHost?.prebuiltLibrary,
            let attributes = try? FileManager.default.attributesOfItem(atPath: library)
        {
            options.append("\(library) \(attributes[.size] ?? 0) \(attributes[.modificationDate] ?? 0)")
        }
        let key = cache.key(module: bytes, options: options, runtime: runtime)
        let directory = "\(cache.directory)/\(key)"
        let executable = "\(directory)/\(name)"
        if FileManager.default.isExecutableFile(atPath: executable) { return executable }
        let linked = try load(bytes, name: name, path: path)
        try checkImports([linked])
        var session = self
        session.runtimeCache = cache.directory + "/runtime"
        let work = try WorkDirectory.makePrivate(in: directory, prefix: "work-")
        let built = "\(work)/\(name)"
        try session.build([linked], workDirectory: work, output: built)
        try WorkDirectory.publish(built, as: executable)
        WorkDirectory.remove(work)
        return executable
    }
}

/// A module that cannot be compiled (malformed, invalid, or not matching its WIT world), with
/// its file.
public struct ModuleError: Error, CustomStringConvertible, Sendable {
    public var path: String
    public var reason: String

    public var description: String { "\(path): \(reason)" }
}
