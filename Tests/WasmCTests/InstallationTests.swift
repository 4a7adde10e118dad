import Foundation
import Testing
import WasmC

@testable import WasmCBackEnd
@testable import WasmCFrontEnd

/// wasmc finds its runtime and the edge host from its own executable's path.
@Suite("Installation lookup")
struct InstallationTests {
    func makeTree(_ files: [String]) throws -> String {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent(
            "wasmc-installation-\(UUID().uuidString)"
        ).path
        for file in files {
            let path = root + "/" + file
            try FileManager.default.createDirectory(
                atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path, withIntermediateDirectories: true)
            try Data().write(to: URL(fileURLWithPath: path))
        }
        return root
    }

    @Test func anInstalledCopyUsesPrefixLibWasmc() throws {
        let prefix = try makeTree([
            "bin/wasmc", "lib/wasmc/runtime-c/include/wasmc_rt.h", "lib/wasmc/edge-host/edge.world",
        ])
        defer { try? FileManager.default.removeItem(atPath: prefix) }
        try "Swift version 9.9\n".write(
            toFile: prefix + "/lib/wasmc/edge-host/swift-version", atomically: true, encoding: .utf8)
        let found = try Installation.locate(executable: prefix + "/bin/wasmc")
        #expect(found.isInstalled)
        #expect(found.runtimeDirectory == prefix + "/lib/wasmc/runtime-c")
        #expect(found.edgeHostLibrary == prefix + "/lib/wasmc/edge-host/libEdgeHost.a")
        #expect(found.edgeHostWorlds == prefix + "/lib/wasmc/edge-host")
        #expect(found.edgeHostSwiftVersion == "Swift version 9.9")
    }

    @Test func aCheckoutBuildUsesTheCheckoutAndItsBuildDirectory() throws {
        let root = try makeTree([
            "Package.swift", "runtime-c/include/wasmc_rt.h", ".build/x86_64-unknown-linux-gnu/release/wasmc",
        ])
        defer { try? FileManager.default.removeItem(atPath: root) }
        let build = root + "/.build/x86_64-unknown-linux-gnu/release"
        let found = try Installation.locate(executable: build + "/wasmc")
        #expect(!found.isInstalled)
        #expect(found.root == root)
        #expect(found.edgeHostLibrary == build + "/libEdgeHost.a")
        #expect(found.edgeHostWorlds == root + "/Sources/EdgeHost/Generated")
        #expect(found.edgeHostSwiftVersion == nil)
    }

    @Test func nothingAroundTheExecutableIsAClearError() throws {
        let root = try makeTree(["somewhere/bin/wasmc"])
        defer { try? FileManager.default.removeItem(atPath: root) }
        #expect(throws: ToolchainError.self) { try Installation.locate(executable: root + "/somewhere/bin/wasmc") }
    }

    @Test func theEdgeHostOfThisCheckoutProvidesTheEdgeWorld() throws {
        let host = try SwiftHost.edgeHost(in: Installation.locate())
        #expect(host.sources.isEmpty)
        #expect(host.prebuiltLibrary?.hasSuffix("/libEdgeHost.a") == true)
        #expect(host.functions["wasmc:edge/host@0.1.0"]?["publish"] != nil)
    }
}
