import Foundation

/// Where the C runtime lives and how to build it for a bounds strategy.
public struct RuntimeLibrary: Sendable {
    /// The `runtime-c` directory.
    public var root: String

    /// Finds `runtime-c`: `$WASMC_RUNTIME_DIR`, else next to this package's sources.
    public static func locate() throws(ToolchainError) -> RuntimeLibrary {
        if let directory = ProcessInfo.processInfo.environment["WASMC_RUNTIME_DIR"], !directory.isEmpty {
            return RuntimeLibrary(root: directory)
        }
        // Sources/WasmC/Toolchain/RuntimeLibrary.swift → package root.
        let packageRoot = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let candidate = packageRoot.appendingPathComponent("runtime-c").path
        guard FileManager.default.fileExists(atPath: candidate + "/include/wasmc_rt.h") else {
            throw ToolchainError("runtime-c not found at \(candidate); set WASMC_RUNTIME_DIR")
        }
        return RuntimeLibrary(root: candidate)
    }

    public var includeDirectory: String { root + "/include" }

    /// The package root (parent of `runtime-c`).
    public var packageRoot: String { URL(fileURLWithPath: root).deletingLastPathComponent().path }

    /// Parts of the runtime, each a folder of C sources under `runtime-c`.
    public enum Component: String, Sendable, CaseIterable {
        /// Traps, memories, tables, linking: what every module needs.
        case core
        /// WASI preview1 on libuv.
        case wasi
        /// The `main` of executables built by `wasmc compile`.
        case host
        /// C services of the Swift edge host (HTTP on libcurl).
        case edge
    }

    static func cFiles(in directory: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0.hasSuffix(".c") }.sorted().map { directory + "/" + $0 }
    }

    /// Flags to link the given components (libuv for WASI).
    public static func linkFlags(for components: [Component]) -> [String] {
        var flags = ["-lm", "-lpthread"]
        if components.contains(.wasi) { flags.append("-luv") }
        if components.contains(.edge) { flags.append("-lcurl") }
        return flags
    }

    /// Builds runtime objects for a bounds strategy into `directory`, reusing up-to-date ones.
    public func build(
        _ components: [Component], guardPages: Bool, into directory: String, clang: Clang,
        optimization: String = "-O2"
    ) throws(ToolchainError) -> [String] {
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let headers = Self.files(in: root + "/include", suffix: ".h")
        var units: [(source: String, object: String)] = []
        var objects: [String] = []
        for component in components {
            let folder = "\(root)/\(component.rawValue)"
            let dependencies = headers + Self.files(in: folder, suffix: ".h")
            for source in Self.cFiles(in: folder) {
                let name = URL(fileURLWithPath: source).deletingPathExtension().lastPathComponent
                let object = "\(directory)/\(component.rawValue)-\(name)\(guardPages ? "-guard" : "-explicit")\(optimization).o"
                objects.append(object)
                if !Self.isUpToDate(object, sources: [source] + dependencies) {
                    units.append((source, object))
                }
            }
        }
        try clang.compileAll(
            units, includeDirectories: [includeDirectory], defines: guardPages ? ["WASMC_BOUNDS_GUARD"] : [],
            optimization: optimization, extraFlags: ["-D_GNU_SOURCE"])
        return objects
    }

    static func files(in directory: String, suffix: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0.hasSuffix(suffix) }.map { directory + "/" + $0 }
    }

    static func isUpToDate(_ output: String, sources: [String]) -> Bool {
        let manager = FileManager.default
        guard let outputDate = (try? manager.attributesOfItem(atPath: output))?[.modificationDate] as? Date else {
            return false
        }
        for source in sources {
            if let date = (try? manager.attributesOfItem(atPath: source))?[.modificationDate] as? Date, date > outputDate {
                return false
            }
        }
        return true
    }
}
