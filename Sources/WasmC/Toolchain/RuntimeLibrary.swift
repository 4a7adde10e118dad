import Foundation

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
        ],
    ]

    /// The sources of a component: its folder under `runtime-c`, then the shared guest sources.
    func sources(of component: Component) -> [String] {
        Self.cFiles(in: "\(root)/\(component.rawValue)")
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
    /// built from and of the flags, so a different runtime-c tree or strategy never reuses them.
    /// Several builds may share `directory` at once: each object is compiled under a name of
    /// its own and renamed into place whole, so no build ever links a half-written object.
    public func build(
        _ components: [Component], guardPages: Bool, into directory: String, clang: Clang,
        optimization: String = "-O2"
    ) throws(ToolchainError) -> [String] {
        let headers = Self.files(in: root + "/include", suffix: ".h").sorted()
        var sources: [(component: Component, path: String)] = []
        var hash = StableHash()
        hash.add(Array("\(guardPages) \(optimization) \(clang.executable) \(clang.target)".utf8))
        for header in headers { hash.add([UInt8](FileManager.default.contents(atPath: header) ?? Data())) }
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
            for source in self.sources(of: component) {
                hash.add(Array(source.utf8))
                hash.add([UInt8](FileManager.default.contents(atPath: source) ?? Data()))
                sources.append((component, source))
            }
        }
        let objectDirectory = "\(directory)/\(hash.hexDigest)"
        try? FileManager.default.createDirectory(atPath: objectDirectory, withIntermediateDirectories: true)
        var units: [(source: String, object: String)] = []
        var published: [(temporary: String, object: String)] = []
        var objects: [String] = []
        for (component, source) in sources {
            let name = URL(fileURLWithPath: source).deletingPathExtension().lastPathComponent
            let object = "\(objectDirectory)/\(component.rawValue)-\(name).o"
            objects.append(object)
            if !FileManager.default.fileExists(atPath: object) {
                let temporary = WorkDirectory.temporaryName(for: object)
                units.append((source, temporary))
                published.append((temporary, object))
            }
        }
        do {
            try clang.compileAll(
                units, includeDirectories: [includeDirectory] + sharedIncludeDirectories(for: components), defines: guardPages ? ["WASMC_BOUNDS_GUARD"] : [],
                optimization: optimization, extraFlags: ["-D_GNU_SOURCE"])
        } catch {
            for unit in units { unlink(unit.object) }
            throw error
        }
        for (temporary, object) in published { try WorkDirectory.publish(temporary, as: object) }
        return objects
    }

    static func files(in directory: String, suffix: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0.hasSuffix(suffix) }.map { directory + "/" + $0 }
    }
}
