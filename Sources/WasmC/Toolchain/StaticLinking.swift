import Foundation

/// Fully static programs (`--static`, and every cross-compiled one): no shared library,
/// no dynamic loader, so the binary runs alone on a device, in an otherwise empty root.
extension Session {
    /// Cross-compiled programs are always static: the device has no libuv to load.
    var linksStatically: Bool { staticRuntime || !clang.target.isHost }

    /// Refuses what the target cannot run before anything is built.
    func checkTarget() throws(ToolchainError) {
        try clang.target.check(bounds: bounds)
    }

    static func edgeHostCrossCompileError(_ target: Target) -> ToolchainError {
        ToolchainError(
            "the edge host is Swift, and this Swift toolchain cannot build for \(target): that needs a Swift "
                + "SDK for \(target.triple) (the Swift runtime and standard library built for it; see README.md, "
                + "\"Building for a device\"). Modules without \"edge\" imports cross-compile.")
    }

    /// Link flags of the static edge host: the Swift runtime and C library (swiftc's
    /// `-static-executable`), libuv, and a minimal libcurl with OpenSSL and c-ares built by
    /// runtime-c/edge/build-static-libcurl.sh (cached), replacing `-lcurl` and `-luv`.
    func staticEdgeHostFlags(_ flags: [String]) throws(ToolchainError) -> [String] {
        let curl = try staticLibcurl()
        var archives = [curl + "/lib/libcurl.a"]
        for library in ["libssl.a", "libcrypto.a", "libcares.a"] {
            archives.append(try clang.findLibrary(library))
        }
        let withoutCurl = flags.flatMap { $0 == "-lcurl" ? archives : [$0] }
        // static-pie, as for C programs (swiftc alone links plain -static). The command line
        // (swift-argument-parser) uses FoundationEssentials, whose static archive does not
        // name the libraries it needs: they follow it here.
        return ["-static-executable", "-use-ld=bfd", "-Xclang-linker", "-static-pie"]
            + (try staticLibuv(withoutCurl))
            + [
                "-lFoundationEssentials", "-l_FoundationCollections", "-l_FoundationCShims", "-lswiftSynchronization",
                "-lpthread", "-ldl",
            ]
    }

    /// The install prefix of the static libcurl, building it the first time.
    func staticLibcurl() throws(ToolchainError) -> String {
        let script = runtime.root + "/edge/build-static-libcurl.sh"
        let result: ProcessResult
        do {
            result = try ProcessRunner.run("/bin/bash", [script])
        } catch {
            throw ToolchainError("cannot run \(script): \(error)")
        }
        let prefix = result.standardOutput.split(separator: "\n").last.map(String.init) ?? ""
        guard result.status == 0, FileManager.default.fileExists(atPath: prefix + "/lib/libcurl.a") else {
            let log = result.standardError.split(separator: "\n").suffix(20).joined(separator: "\n")
            throw ToolchainError("building the static libcurl failed (\(script)):\n\(log)")
        }
        return prefix
    }
}
