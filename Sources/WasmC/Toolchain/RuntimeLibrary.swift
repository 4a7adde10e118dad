import Foundation
import WasmCBackEnd

/// Where the C runtime lives and how to build it for a bounds strategy.
public struct RuntimeLibrary: Sendable {
    /// The `runtime-c` directory.
    public var root: String

    /// Finds `runtime-c`: `$WASMC_RUNTIME_DIR`, else the one of wasmc's `Installation`.
    public static func locate() throws(ToolchainError) -> RuntimeLibrary {
        if let directory = ProcessInfo.processInfo.environment["WASMC_RUNTIME_DIR"], !directory.isEmpty {
            return RuntimeLibrary(root: directory)
        }
        return RuntimeLibrary(root: try Installation.locate().runtimeDirectory)
    }

    public var includeDirectory: String { root + "/include" }

    /// The ABI version the runtime's header declares (`#define WASMC_RT_ABI_VERSION N` in
    /// wasmc_rt.h), or nil when it declares none.
    public var abiVersion: Int? {
        guard let text = try? String(contentsOfFile: includeDirectory + "/wasmc_rt.h", encoding: .utf8) else {
            return nil
        }
        for line in text.split(separator: "\n") {
            let words = line.split(separator: " ", omittingEmptySubsequences: true)
            if words.count == 3, words[0] == "#define", words[1] == "WASMC_RT_ABI_VERSION" { return Int(words[2]) }
        }
        return nil
    }

    /// Refuses a runtime whose ABI is not the one this wasmc generates C for, before any C is
    /// compiled against it.
    public func checkABIVersion() throws(ToolchainError) {
        let found = abiVersion
        guard found != RuntimeABI.version else { return }
        throw ToolchainError(
            "the C runtime at \(root) has ABI version \(found.map(String.init) ?? "none"), but this wasmc "
                + "(\(WasmcVersion.current)) generates C for ABI version \(RuntimeABI.version): the runtime and wasmc "
                + "come from different versions (set WASMC_RUNTIME_DIR to the runtime-c of this wasmc)")
    }

    /// The package root (parent of `runtime-c`), or `PREFIX/lib/wasmc` when installed.
    public var packageRoot: String { URL(fileURLWithPath: root).deletingLastPathComponent().path }

    /// Parts of the runtime, each a folder of C sources under `runtime-c`.
    public enum Component: String, Sendable, CaseIterable {
        /// Traps, memories, tables, linking: what every module needs.
        case core
        /// WASI preview1 on libuv.
        case wasi
        /// The `main` of executables built by `wasmc compile`.
        case host
        /// C services of the Swift edge host (HTTP on libcurl, the durable queue, the upstream
        /// bridge).
        case edge
    }

    /// Guest sources the edge services compile natively too: the broker module's MQTT codec,
    /// so the upstream bridge speaks MQTT with the very code the broker does. Paths are
    /// relative to the package root; their folders are added to the include path.
    static let sharedModuleSources: [Component: [String]] = [
        .edge: [
            "modules/server/mqtt_codec.c", "modules/server/mqtt_props.c", "modules/server/mqtt_topic.c",
            "modules/common/utf8.c",
        ]
    ]

    /// The sources of a component: its folder under `runtime-c`, then the shared guest sources.
    func sources(of component: Component) -> [String] {
        Self.cFiles(in: "\(root)/\(component.rawValue)")
            + (component == .core ? Self.cFiles(in: "\(root)/exceptions") : [])  // exceptions, tail calls
            + (Self.sharedModuleSources[component] ?? []).map { packageRoot + "/" + $0 }
    }

    /// Include folders for the shared guest sources of `components`.
    func sharedIncludeDirectories(for components: [Component]) -> [String] {
        var folders: [String] = []
        for component in components {
            for source in Self.sharedModuleSources[component] ?? [] {
                let folder = URL(fileURLWithPath: packageRoot + "/" + source).deletingLastPathComponent().path
                if !folders.contains(folder) { folders.append(folder) }
            }
        }
        return folders
    }

    static func cFiles(in directory: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0.hasSuffix(".c") }.sorted().map { directory + "/" + $0 }
    }

    /// Flags to link the given components (libuv for WASI).
    public static func linkFlags(for components: [Component]) -> [String] {
        var flags = ["-lm", "-lpthread"]
        if components.contains(.wasi) { flags.append("-luv") }
        if components.contains(.edge) { flags += ["-lcurl", "-lssl", "-lcrypto"] }
        return flags
    }

    /// Builds runtime objects for a bounds strategy under `directory`, reusing earlier ones.
    ///
    /// Objects live in a subdirectory named by a hash of every source and header they are
    /// built from, of the flags and of the runtime ABI version, so a different runtime-c tree,
    /// strategy or ABI never reuses them.
    /// Several builds may share `directory` at once: each object is compiled under a name of
    /// its own and renamed into place whole, so no build ever links a half-written object.
    public func build(
        _ components: [Component], bounds: BoundsStrategy, into directory: String, clang: Clang,
        optimization: String = "-O2"
    ) throws(ToolchainError) -> [String] {
        let sources = components.flatMap { component in self.sources(of: component).map { (component, $0) } }
        let key = objectCacheKey(components, bounds: bounds, clang: clang, optimization: optimization)
        let objectDirectory = "\(directory)/\(key)"
        try? FileManager.default.createDirectory(atPath: objectDirectory, withIntermediateDirectories: true)
        var units: [CompileUnit] = []
        var published: [(temporary: String, object: String)] = []
        var objects: [String] = []
        for (component, source) in sources {
            let name = URL(fileURLWithPath: source).deletingPathExtension().lastPathComponent
            let object = "\(objectDirectory)/\(component.rawValue)-\(name).o"
            objects.append(object)
            if !FileManager.default.fileExists(atPath: object) {
                let temporary = WorkDirectory.temporaryName(for: object)
                units.append(CompileUnit(source: source, object: temporary, defines: bounds.cDefines))
                published.append((temporary, object))
            }
        }
        do {
            try clang.compileAll(
                units, includeDirectories: [includeDirectory] + sharedIncludeDirectories(for: components),
                optimization: optimization, extraFlags: Self.compileFlags)
        } catch {
            for unit in units { unlink(unit.object) }
            throw error
        }
        for (temporary, object) in published { try WorkDirectory.publish(temporary, as: object) }
        return objects
    }

    /// The name of the folder that holds the objects of `components` built with these
    /// settings: a hash of every source and header they are built from, the flags, and the
    /// runtime ABI version the generated C they link with is written for.
    func objectCacheKey(
        _ components: [Component], bounds: BoundsStrategy, clang: Clang, optimization: String,
        abiVersion: Int = RuntimeABI.version
    ) -> String {
        var hash = StableHash()
        hash.add(Array("\(bounds.cDefines) \(optimization) \(clang.executable) \(clang.target)".utf8))
        hash.add(Array("runtime ABI \(abiVersion)".utf8))
        hash.add(Array(Self.compileFlags.joined(separator: " ").utf8))
        for header in Self.files(in: includeDirectory, suffix: ".h").sorted() {
            hash.add([UInt8](FileManager.default.contents(atPath: header) ?? Data()))
        }
        for component in components {
            let folder = "\(root)/\(component.rawValue)"
            for header in Self.files(in: folder, suffix: ".h").sorted() {
                hash.add([UInt8](FileManager.default.contents(atPath: header) ?? Data()))
            }
            for shared in sharedIncludeDirectories(for: [component]) {
                for header in Self.files(in: shared, suffix: ".h").sorted() {
                    hash.add([UInt8](FileManager.default.contents(atPath: header) ?? Data()))
                }
            }
            for source in sources(of: component) {
                hash.add(Array(source.utf8))
                hash.add([UInt8](FileManager.default.contents(atPath: source) ?? Data()))
            }
        }
        return hash.hexDigest
    }

    /// Flags of every runtime object besides those of generated code. Symbols are hidden unless
    /// declared `WASMC_API` (the embedding API of wasmc_rt.h and wasmc_wasi.h), so a program
    /// exports nothing of the runtime but that API.
    static let compileFlags = ["-D_GNU_SOURCE", "-fvisibility=hidden"]

    static func files(in directory: String, suffix: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0.hasSuffix(suffix) }.map { directory + "/" + $0 }
    }
}
