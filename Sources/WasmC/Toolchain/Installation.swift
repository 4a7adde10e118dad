import Foundation

/// Where wasmc's own files are, found from the wasmc executable itself (never the working
/// directory), so a checkout's build and an installed copy both work from anywhere:
///
/// - installed by `scripts/install.sh PREFIX`: `PREFIX/bin/wasmc`, and under `PREFIX/lib/wasmc`
///   the C runtime (`runtime-c/`), the guest sources the runtime shares (`modules/…`), and the
///   prebuilt edge host (`edge-host/libEdgeHost.a` with its `.world` files);
/// - built in a checkout: `ROOT/.build/<triple>/<configuration>/wasmc`, the runtime in
///   `ROOT/runtime-c`, the edge host `libEdgeHost.a` beside the executable (`swift build`
///   makes it), its worlds in `ROOT/Sources/EdgeHost/Generated`.
public struct Installation: Sendable, Equatable {
    /// A directory laid out like the package root: `runtime-c/` and the shared `modules/` sources.
    public var root: String
    /// The prebuilt edge host: the static library of the `EdgeHost` product.
    public var edgeHostLibrary: String
    /// The directory of the edge host's `.world` files (the imports it provides).
    public var edgeHostWorlds: String
    /// True for an installed copy, false for a checkout's build.
    public var isInstalled: Bool

    public var runtimeDirectory: String { root + "/runtime-c" }

    /// The first line of `swiftc --version` of the toolchain that built the installed edge
    /// host (written by scripts/install.sh); nil in a checkout, built by the toolchain at hand.
    public var edgeHostSwiftVersion: String? {
        guard isInstalled, let text = try? String(contentsOfFile: root + "/edge-host/swift-version", encoding: .utf8)
        else { return nil }
        let line = text.split(separator: "\n").first.map(String.init) ?? ""
        return line.isEmpty ? nil : line
    }

    /// The installation of the running wasmc (or of `executable`).
    public static func locate(executable: String? = nil) throws(ToolchainError) -> Installation {
        let path = executable ?? currentExecutable()
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().standardizedFileURL.path
        if let installed = installed(binDirectory: directory) { return installed }
        var candidate = URL(fileURLWithPath: directory)
        while candidate.path != "/" {
            let root = candidate.path
            if FileManager.default.fileExists(atPath: root + "/Package.swift"),
                FileManager.default.fileExists(atPath: root + "/runtime-c/include/wasmc_rt.h")
            {
                return Installation(
                    root: root, edgeHostLibrary: directory + "/libEdgeHost.a",
                    edgeHostWorlds: root + "/Sources/EdgeHost/Generated", isInstalled: false)
            }
            candidate.deleteLastPathComponent()
        }
        throw ToolchainError(
            "cannot find wasmc's runtime from \(path): expected \(directory)/../lib/wasmc (an installed copy, "
                + "see scripts/install.sh) or a checkout around it; set WASMC_RUNTIME_DIR to a runtime-c directory")
    }

    /// `PREFIX/lib/wasmc` next to `PREFIX/bin`, if it is there.
    static func installed(binDirectory: String) -> Installation? {
        let root = URL(fileURLWithPath: binDirectory).deletingLastPathComponent().appendingPathComponent("lib/wasmc")
            .standardizedFileURL.path
        guard FileManager.default.fileExists(atPath: root + "/runtime-c/include/wasmc_rt.h") else { return nil }
        return Installation(
            root: root, edgeHostLibrary: root + "/edge-host/libEdgeHost.a", edgeHostWorlds: root + "/edge-host",
            isInstalled: true)
    }

    /// The running executable with symbolic links resolved (`/proc/self/exe`), so a wasmc
    /// reached through a link in another directory still finds its own files.
    static func currentExecutable() -> String {
        if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return target }
        return URL(fileURLWithPath: CommandLine.arguments.first ?? "wasmc").resolvingSymlinksInPath().path
    }
}
