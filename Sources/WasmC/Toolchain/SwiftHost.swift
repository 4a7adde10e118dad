import Foundation
import WasmCFrontEnd

/// A host written in Swift that programs are linked with instead of the generic C main:
/// the edge host (Sources/EdgeHost, prebuilt by `swift build`) by default, or the sources
/// in the directory given to `wasmc compile --host-swift`, compiled by swiftc. What it provides to guests is read from the `.world`
/// files `wasmc bindgen --host-swift` writes beside its bindings, so the contract is
/// the WIT world and nothing here repeats it.
public struct SwiftHost: Sendable {
    /// For messages: "the edge host", or the directory.
    public var name: String
    /// Every `.swift` file of the host, compiled when it is linked (`--host-swift`).
    public var sources: [String]
    /// The host already compiled: a static library linked whole (the edge host).
    public var prebuiltLibrary: String?
    /// The `swiftc --version` line of the toolchain that compiled `prebuiltLibrary`, when known.
    public var builtWith: String?
    /// The worlds whose imports it implements.
    public var worlds: [WorldManifest]

    /// The host in `directory`: its `.swift` files and `.world` files, also in `Generated/`.
    public static func load(directory: String, name: String? = nil) throws(ToolchainError) -> SwiftHost {
        let directories = [directory, directory + "/Generated"]
        let sources = directories.flatMap { RuntimeLibrary.files(in: $0, suffix: ".swift") }.sorted()
        guard !sources.isEmpty else { throw ToolchainError("no Swift sources in \(directory)") }
        return SwiftHost(
            name: name ?? "the Swift host in \(directory)", sources: sources, worlds: try loadWorlds(in: directories))
    }

    /// The edge host as `swift build` made it: its library and the worlds it provides.
    public static func edgeHost(in installation: Installation) throws(ToolchainError) -> SwiftHost {
        let worlds = try loadWorlds(in: [installation.edgeHostWorlds])
        guard !worlds.isEmpty else {
            throw ToolchainError("the edge host's world is missing: no .world file in \(installation.edgeHostWorlds)")
        }
        return SwiftHost(
            name: "the edge host", sources: [], prebuiltLibrary: installation.edgeHostLibrary,
            builtWith: installation.edgeHostSwiftVersion, worlds: worlds)
    }

    static func loadWorlds(in directories: [String]) throws(ToolchainError) -> [WorldManifest] {
        var worlds: [WorldManifest] = []
        for file in directories.flatMap({ RuntimeLibrary.files(in: $0, suffix: ".world") }).sorted() {
            guard let text = try? String(contentsOfFile: file, encoding: .utf8), let world = WorldManifest(text: text)
            else {
                throw ToolchainError("\(file) is not a world written by wasmc bindgen")
            }
            worlds.append(world)
        }
        return worlds
    }

    /// The functions it provides, by import module and name.
    public var functions: [String: [String: (signature: FunctionSignature, wit: String)]] {
        var result: [String: [String: (FunctionSignature, String)]] = [:]
        for world in worlds {
            for entry in world.imports {
                result[entry.module ?? "", default: [:]][entry.name] = (entry.signature, entry.witSignature)
            }
        }
        return result
    }

    /// True when a module imports from one of the host's modules.
    public func isNeeded(by modules: [LinkedModule]) -> Bool {
        let provided = functions
        return modules.contains { $0.module.module.imports.contains { provided[$0.module] != nil } }
    }
}
