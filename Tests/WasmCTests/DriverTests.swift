import Foundation
import Testing
import WAT

@testable import WasmC
@testable import WasmCBackEnd
@testable import WasmCFrontEnd

/// The driver's pieces between the CLI and the back end: versions, cache keys, the process runner.
@Suite struct DriverTests {
    @Test func theVersionFlagPrintsTheVersion() throws {
        let result = try ProcessRunner.run(try CommandLineTests.wasmcExecutable(), ["--version"], timeout: 60)
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput == "wasmc \(WasmcVersion.current) (runtime ABI \(RuntimeABI.version))\n")
        #expect(WasmcVersion.current.split(separator: ".").count == 3)
    }

    @Test func theRuntimeHeaderDeclaresTheABIThisCompilerGeneratesCFor() throws {
        let runtime = try RuntimeLibrary.locate()
        #expect(runtime.abiVersion == RuntimeABI.version)
        try runtime.checkABIVersion()
    }

    /// A copy of the runtime's headers whose wasmc_rt.h declares ABI `version`.
    func headers(withABI version: Int) throws -> String {
        let runtime = try RuntimeLibrary.locate()
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("wasmc-abi-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: runtime.includeDirectory, toPath: root + "/include")
        let header = root + "/include/wasmc_rt.h"
        let text = try String(contentsOfFile: header, encoding: .utf8)
        let line = "#define WASMC_RT_ABI_VERSION \(RuntimeABI.version)\n"
        #expect(text.contains(line))
        try text.replacingOccurrences(of: line, with: "#define WASMC_RT_ABI_VERSION \(version)\n")
            .write(toFile: header, atomically: true, encoding: .utf8)
        return root
    }

    @Test func generatedCRefusesARuntimeOfAnotherABI() throws {
        let wat = try parseWAT(#"(module (func (export "f") (result i32) (i32.const 7)))"#)
        var session = try Session(bounds: .explicit)
        session.runtimeCache = nil
        let translation = try session.translate(try wat.encode(), name: "m")
        let clang = try Clang.find()
        for (version, compiles) in [(RuntimeABI.version, true), (RuntimeABI.version + 1, false)] {
            let root = try headers(withABI: version)
            defer { try? FileManager.default.removeItem(atPath: root) }
            try translation.source.write(toFile: root + "/m.c", atomically: true, encoding: .utf8)
            try translation.header.write(toFile: root + "/m.h", atomically: true, encoding: .utf8)
            let result = try ProcessRunner.run(
                clang.executable, ["-fsyntax-only", "-I", root + "/include", "-I", root, root + "/m.c"], timeout: 60)
            #expect((result.status == 0) == compiles, "ABI \(version): \(result.standardError)")
            if !compiles {
                #expect(
                    result.standardError.contains("the runtime and the generated C come from different wasmc versions"))
            }
        }
    }

    @Test func aRuntimeOfAnotherABIIsRefusedBeforeAnythingIsBuilt() throws {
        let root = try headers(withABI: RuntimeABI.version + 1)
        defer { try? FileManager.default.removeItem(atPath: root) }
        #expect {
            try RuntimeLibrary(root: root).checkABIVersion()
        } throws: { error in
            "\(error)".contains("has ABI version \(RuntimeABI.version + 1)")
                && "\(error)".contains("different versions")
        }
    }

    @Test func cacheKeysChangeWithTheRuntimeABI() throws {
        let runtime = try RuntimeLibrary.locate()
        let cache = CompileCache(directory: "/nonexistent")
        let module: [UInt8] = [0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]
        let current = cache.key(module: module, options: ["guard", "-O2"], runtime: runtime)
        #expect(
            current
                == cache.key(
                    module: module, options: ["guard", "-O2"], runtime: runtime, abiVersion: RuntimeABI.version))
        #expect(
            current
                != cache.key(
                    module: module, options: ["guard", "-O2"], runtime: runtime, abiVersion: RuntimeABI.version + 1))

        let clang = try Clang.find()
        let objects = runtime.objectCacheKey([.core], bounds: .guardPages, clang: clang, optimization: "-O2")
        #expect(objects == runtime.objectCacheKey([.core], bounds: .guardPages, clang: clang, optimization: "-O2"))
        #expect(
            objects
                != runtime.objectCacheKey(
                    [.core], bounds: .guardPages, clang: clang, optimization: "-O2", abiVersion: RuntimeABI.version + 1)
        )
        #expect(objects != runtime.objectCacheKey([.core], bounds: .explicit, clang: clang, optimization: "-O2"))
    }

    @Test func theBoundsStrategyIsTheOnlySourceOfItsCompilerFlags() {
        #expect(BoundsStrategy.guardPages.cDefines == ["WASMC_BOUNDS_GUARD"])
        #expect(BoundsStrategy.explicit.cDefines.isEmpty)
    }

    @Test func processesReportTheirOutputAndStatus() throws {
        let result = try ProcessRunner.run("/bin/sh", ["-c", "echo out; echo err >&2; exit 3"])
        #expect(result.status == 3)
        #expect(result.standardOutput == "out\n" && result.standardError == "err\n")
        #expect(!result.timedOut)
        let killed = try ProcessRunner.run("/bin/sh", ["-c", "kill -SEGV $$"])
        #expect(killed.status == 128 + SIGSEGV)
    }

    @Test func aProcessOverItsTimeIsKilled() throws {
        let start = ProcessRunner.now()
        let result = try ProcessRunner.run("/bin/sh", ["-c", "exec sleep 30"], timeout: 0.5)
        #expect(result.timedOut && result.status == 128 + SIGKILL)
        #expect(ProcessRunner.now() - start < 20)
    }

    @Test func outputCanGoToFiles() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("wasmc-run-\(UUID().uuidString)")
            .path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let result = try ProcessRunner.run(
            "/bin/sh", ["-c", "echo to-file"], timeout: 30, ownProcessGroup: true, capture: .files(directory: directory)
        )
        #expect(result.status == 0 && result.standardOutput == "to-file\n")
        #expect(FileManager.default.fileExists(atPath: directory + "/stdout"))
    }

    @Test func aMissingProgramIsAnErrorInWords() {
        #expect {
            try ProcessRunner.run("/nonexistent/tool", [])
        } throws: { error in
            "\(error)".contains("cannot run /nonexistent/tool")
        }
    }

    /// A child of a thread that blocks signals still gets them: a guard-page program must
    /// receive its SIGSEGV whichever thread of the spec runner started it.
    @Test func childrenStartWithNoBlockedSignals() throws {
        final class Box: @unchecked Sendable { var result: Result<ProcessResult, any Error>? }
        let box = Box()
        let thread = Thread {
            var all = sigset_t()
            sigfillset(&all)
            pthread_sigmask(SIG_BLOCK, &all, nil)
            box.result = Result { try ProcessRunner.run("/bin/sh", ["-c", "grep SigBlk /proc/self/status"]) }
        }
        thread.start()
        while box.result == nil || thread.isExecuting { usleep(10_000) }
        let result = try #require(try box.result?.get())
        #expect(
            result.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines).hasSuffix("0000000000000000"),
            "\(result.standardOutput)")
    }
}

extension DriverTests {
    @Test func aProcessCanRunInAnotherDirectory() throws {
        let result = try ProcessRunner.run("/bin/sh", ["-c", "pwd"], directory: "/tmp")
        #expect(result.standardOutput == "/tmp\n")
    }
}
