import Foundation

/// Runs swiftc for the Swift edge host: compile it once to an object, link programs with it.
public struct SwiftCompiler: Sendable {
    public var executable: String

    /// `$SWIFTC`, else the swiftc beside clang, else `swiftc` on `PATH`.
    public static func find(near clang: Clang) throws(ToolchainError) -> SwiftCompiler {
        let environment = ProcessInfo.processInfo.environment
        if let swiftc = environment["SWIFTC"], !swiftc.isEmpty { return SwiftCompiler(executable: swiftc) }
        let beside = URL(fileURLWithPath: clang.executable).deletingLastPathComponent().appendingPathComponent("swiftc")
            .path
        var candidates = [beside]
        for directory in (environment["PATH"] ?? "").split(separator: ":") { candidates.append("\(directory)/swiftc") }
        candidates.append("/opt/swift/usr/bin/swiftc")
        for candidate in candidates where FileManager.default.isExecutableFile(atPath: candidate) {
            return SwiftCompiler(executable: candidate)
        }
        throw ToolchainError("swiftc not found: the edge host is written in Swift; install Swift or set SWIFTC")
    }

    /// Compiles a Swift host (Sources/EdgeHost, or `--host-swift`) into one object, named by a
    /// hash of its sources and headers so it is reused exactly while they are unchanged.
    public func compileHost(sources: [String], includeDirectory: String, into outputDirectory: String)
        throws(ToolchainError) -> String
    {
        guard !sources.isEmpty else { throw ToolchainError("no Swift sources for the host") }
        try? FileManager.default.createDirectory(atPath: outputDirectory, withIntermediateDirectories: true)
        let headers =
            RuntimeLibrary.files(in: includeDirectory, suffix: ".h").sorted() + [includeDirectory + "/module.modulemap"]
        var hash = StableHash()
        hash.add(Array(executable.utf8))
        for file in sources + headers {
            hash.add(Array(file.utf8))
            hash.add([UInt8](FileManager.default.contents(atPath: file) ?? Data()))
        }
        let object = "\(outputDirectory)/edge-host-\(hash.hexDigest).o"
        if FileManager.default.fileExists(atPath: object) { return object }
        // Compiled under a name of its own and renamed whole: builds may share the directory.
        let temporary = WorkDirectory.temporaryName(for: object)
        do {
            try run(
                [
                    "-O", "-wmo", "-parse-as-library", "-module-name", "WasmcHost", "-I", includeDirectory,
                    "-emit-object", "-o", temporary,
                ] + sources,
                what: "compiling the Swift host")
        } catch {
            unlink(temporary)
            throw error
        }
        try WorkDirectory.publish(temporary, as: object)
        return object
    }

    /// Link arguments for a prebuilt host library: every member, so `main` and every protocol
    /// conformance the Swift runtime looks up by metadata are kept, not only what is referenced.
    public static func wholeArchive(_ library: String, of host: String) throws(ToolchainError) -> [String] {
        guard FileManager.default.fileExists(atPath: library) else {
            throw ToolchainError(
                "\(host) is not built: \(library) is missing (run `swift build` in the checkout, or reinstall "
                    + "with scripts/install.sh)")
        }
        return ["-Xlinker", "--whole-archive", library, "-Xlinker", "--no-whole-archive"]
    }

    /// Refuses a prebuilt host compiled by another Swift toolchain than this swiftc: its
    /// objects need the very runtime they were built against.
    public func checkVersion(_ builtWith: String?, of host: String) throws(ToolchainError) {
        guard let builtWith else { return }
        let result = try? ProcessRunner.run(executable, ["--version"])
        let version = result?.standardOutput.split(separator: "\n").first.map(String.init) ?? "unknown"
        guard version == builtWith else {
            throw ToolchainError(
                "\(host) was built with \(builtWith), but \(executable) is \(version): build wasmc with this "
                    + "toolchain and install it again (scripts/install.sh)")
        }
    }

    /// Links with swiftc, which knows where the Swift runtime libraries are.
    public func link(_ objects: [String], output: String, flags: [String]) throws(ToolchainError) {
        try run(objects + ["-o", output] + flags, what: "linking \(output)")
    }

    private func run(_ arguments: [String], what: String) throws(ToolchainError) {
        try ProcessRunner.runTool(executable, arguments, what: what)
    }
}
