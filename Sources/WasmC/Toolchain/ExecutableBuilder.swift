import Foundation
import WasmCBackEnd
import WasmCFrontEnd

/// A module given to `compile`: its file and its translation.
public struct LinkedModule: Sendable {
    /// The name other modules import it by (the file name without `.wasm`).
    public var name: String
    public var path: String
    public var module: ValidatedModule
    public var translation: CTranslation

    public init(name: String, path: String, module: ValidatedModule, translation: CTranslation) {
        self.name = name
        self.path = path
        self.module = module
        self.translation = translation
    }
}

/// An import that nothing provides.
public struct MissingImport: Error, CustomStringConvertible, Sendable {
    public var importer: String
    public var entries: [String]

    public var description: String {
        "\(importer) has imports nothing provides:\n" + entries.map { "  - \($0)" }.joined(separator: "\n")
    }
}

/// Builds one native executable from several modules: their generated C, a table of the
/// modules, and the runtime with WASI and the program main (runtime-c/host/program_main.c),
/// which instantiates the modules in order and runs each `_start` on its own thread.
extension Session {
    /// Checks `modules` against what this session links them with (see `checkImports(_:hostC:swiftHost:)`).
    public func checkImports(_ modules: [LinkedModule]) throws(MissingImport) {
        try Self.checkImports(modules, hostC: !hostC.isEmpty, swiftHost: swiftHost)
    }

    /// Checks that every import is provided by WASI, the edge host or an earlier module; throws
    /// naming each one that is not. With host C files (`--host-c`) other imports are left to
    /// them and checked when the program starts.
    static func checkImports(_ modules: [LinkedModule], hostC: Bool = false, swiftHost: SwiftHost? = nil)
        throws(MissingImport)
    {
        var provided: [String: [String: ExternalKind]] = [:]
        var hostModules = Self.hostModules
        if let swiftHost {
            for (module, functions) in swiftHost.functions {
                hostModules[module] = (swiftHost.name, functions.mapValues(\.signature))
            }
        }
        let witSignatures = swiftHost?.functions ?? [:]
        for linked in modules {
            var missing: [String] = []
            for entry in linked.module.module.imports {
                // Modules the host implements: WASI and the Swift host's worlds.
                if let (provider, functions) = hostModules[entry.module] {
                    if case .function(let typeIndex) = entry.descriptor,
                        functions[entry.name] == linked.module.module.types[Int(typeIndex)]
                    {
                        continue
                    }
                    let wit = witSignatures[entry.module]?[entry.name].map { " = \($0.wit)" } ?? ""
                    let expected =
                        functions[entry.name].map { "\(provider) provides function \($0)\(wit)" }
                        ?? "\(provider) has no such function"
                    missing.append(
                        "\"\(entry.module)\" \"\(entry.name)\": \(describe(entry, in: linked.module)) (\(expected))")
                    continue
                }
                if provided[entry.module]?[entry.name] == nil && !hostC {
                    missing.append("\"\(entry.module)\" \"\(entry.name)\": \(describe(entry, in: linked.module))")
                }
            }
            if !missing.isEmpty { throw MissingImport(importer: linked.path, entries: missing) }
            provided[linked.name] = Dictionary(
                linked.module.module.exports.map { ($0.name, $0.kind) }, uniquingKeysWith: { first, _ in first })
        }
    }

    /// Import modules the C runtime provides, with who provides them and their functions.
    static let hostModules: [String: (String, [String: FunctionSignature])] = [
        WASIPreview1.moduleName: ("WASI", WASIPreview1.functions)
    ]

    static func describe(_ entry: ModuleImport, in module: ValidatedModule) -> String {
        switch entry.descriptor {
        case .function(let typeIndex): "function \(module.module.types[Int(typeIndex)])"
        case .table(let type): "table of \(type.elementType), at least \(type.limits.min) elements"
        case .memory(let limits): "memory of at least \(limits.min) pages"
        case .global(let type): "\(type.isMutable ? "mutable " : "")global \(type.valueType)"
        case .tag(let typeIndex):
            "tag (\(module.module.types[Int(typeIndex)].parameters.map(\.description).joined(separator: ", ")))"
        }
    }

    /// Writes the C into `workDirectory`, compiles and links `output`. The work directory must
    /// belong to this build alone (see `WorkDirectory.makePrivate`): its files have fixed names.
    public func build(_ modules: [LinkedModule], workDirectory: String, output: String) throws(ToolchainError) {
        try checkTarget()
        do {
            try FileManager.default.createDirectory(atPath: workDirectory, withIntermediateDirectories: true)
            let outputDirectory = URL(fileURLWithPath: output).deletingLastPathComponent().path
            try FileManager.default.createDirectory(atPath: outputDirectory, withIntermediateDirectories: true)
        } catch {
            throw ToolchainError("cannot create \(workDirectory): \(error.localizedDescription)")
        }
        var units: [CompileUnit] = []
        for linked in modules {
            try write(linked.translation.header, to: "\(workDirectory)/\(linked.translation.prefix).h")
            for file in linked.translation.sourceFiles {
                let source = "\(workDirectory)/\(file.name)"
                try write(file.text, to: source)
                units.append(CompileUnit(generated: source))
            }
        }
        let table = ProgramTable.source(modules.map { ($0.name, $0.translation.prefix) })
        try write(table, to: "\(workDirectory)/program.c")
        units.append(CompileUnit(generated: "\(workDirectory)/program.c"))
        for (index, source) in hostC.enumerated() {
            units.append(
                CompileUnit(source: source, object: "\(workDirectory)/host-c-\(index).o", defines: bounds.cDefines))
        }
        try clang.compileAll(
            units, includeDirectories: [runtime.includeDirectory, workDirectory], optimization: optimization)
        let objects = units.map(\.object)
        if let swiftHost, swiftHost.isNeeded(by: modules) {
            try buildSwiftHost(swiftHost, objects: objects, workDirectory: workDirectory, output: output)
            return
        }
        let components: [RuntimeLibrary.Component] = [.core, .wasi, .host]
        let runtimeObjects = try runtime.build(
            components, bounds: bounds, into: runtimeCache ?? "\(workDirectory)/runtime", clang: clang,
            optimization: optimization)
        var flags = RuntimeLibrary.linkFlags(for: components)
        if linksStatically { flags = clang.target.staticLinkFlags + (try staticLibuv(flags)) }
        try clang.link(objects + runtimeObjects, output: output, flags: flags)
    }

    /// Links the modules with the runtime (core, WASI, edge services) and the Swift host
    /// (the edge host, or `--host-swift`), which replaces the generic program main.
    private func buildSwiftHost(_ host: SwiftHost, objects: [String], workDirectory: String, output: String)
        throws(ToolchainError)
    {
        guard clang.target.isHost else { throw Self.edgeHostCrossCompileError(clang.target) }
        let components: [RuntimeLibrary.Component] = [.core, .wasi, .edge]
        let runtimeObjects = try runtime.build(
            components, bounds: bounds, into: runtimeCache ?? "\(workDirectory)/runtime", clang: clang,
            optimization: optimization)
        let swift = try SwiftCompiler.find(near: clang)
        let hostObjects: [String]
        if let library = host.prebuiltLibrary {
            try swift.checkVersion(host.builtWith, of: host.name)
            hostObjects = try SwiftCompiler.wholeArchive(library, of: host.name)
        } else {
            hostObjects = [
                try swift.compileHost(
                    sources: host.sources, includeDirectory: runtime.includeDirectory,
                    into: runtimeCache ?? "\(workDirectory)/runtime")
            ]
        }
        var flags = RuntimeLibrary.linkFlags(for: components)
        if staticRuntime { flags = try staticEdgeHostFlags(flags) }
        try swift.link(objects + runtimeObjects + hostObjects, output: output, flags: flags)
    }

    /// libuv linked statically (its archive by full path, which every link driver keeps in place).
    func staticLibuv(_ flags: [String]) throws(ToolchainError) -> [String] {
        // Debian names the archive libuv_a.a; upstream builds name it libuv.a.
        let archive: String
        if let debian = try? clang.findLibrary("libuv_a.a") {
            archive = debian
        } else {
            archive = try clang.findLibrary("libuv.a")
        }
        return flags.flatMap { $0 == "-luv" ? [archive, "-ldl"] : [$0] }
    }

    private func write(_ text: String, to path: String) throws(ToolchainError) {
        do {
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            throw ToolchainError("cannot write \(path): \(error.localizedDescription)")
        }
    }
}
