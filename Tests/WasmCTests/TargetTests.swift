import Foundation
import Testing

@testable import WasmC
@testable import WasmCBackEnd
@testable import WasmCFrontEnd

/// `--target`: triples, what each target allows, and how its programs are linked and run.
struct TargetTests {
    @Test func triplesParse() throws {
        #expect(try Target(triple: "aarch64-linux-gnu").architecture == .aarch64)
        #expect(try Target(triple: "armv7-linux-gnueabihf").architecture == .armv7)
        #expect(try Target(triple: "arm-linux-gnueabihf").triple == "armv7-linux-gnueabihf")
        #expect(try Target(triple: "x86_64-linux-gnu").architecture == .x86_64)
    }

    @Test func anUnknownTripleNamesTheKnownOnes() {
        #expect {
            try Target(triple: "riscv64-linux-gnu")
        } throws: { error in
            "\(error)".contains("unknown target riscv64-linux-gnu") && "\(error)".contains("aarch64-linux-gnu")
        }
    }

    @Test func guardPagesAreRefusedOn32BitARM() throws {
        #expect {
            try Session(target: Target(architecture: .armv7), bounds: .guardPages)
        } throws: { error in
            "\(error)".contains("--bounds guard needs a 64-bit target")
        }
        #expect(try Session(target: Target(architecture: .armv7)).bounds == .explicit)
        #expect(Target(architecture: .aarch64).supportsGuardPages)
        #expect(try Session(target: Target(architecture: .aarch64)).bounds == .guardPages)
    }

    @Test func crossCompiledProgramsAreStaticAndRunUnderQemu() throws {
        let arm = Target(architecture: .armv7)
        #expect(arm.staticLinkFlags.contains("-static"))  // Debian's armhf glibc has no static-pie
        #expect(Target(architecture: .aarch64).staticLinkFlags.contains("-static-pie"))
        #expect(arm.clangFlags.contains("-D_FILE_OFFSET_BITS=64"))
        let run = Target(architecture: .aarch64).command(running: "/tmp/app", ["x"])
        #expect(run.executable.hasSuffix("qemu-aarch64"))
        #expect(run.arguments.suffix(2) == ["/tmp/app", "x"])
        #expect(Target.host.command(running: "/tmp/app").executable == "/tmp/app")
    }

    /// `--cpu`: the default is the documented baseline, a named level changes clang's flags and
    /// the keys of both caches, and an unknown level is refused with the valid names.
    @Test func cpuLevelsChangeTheFlagsAndTheCacheKeys() throws {
        let x86 = Target(architecture: .x86_64)
        var clang = Clang(executable: "/usr/bin/clang", target: x86)
        #expect(clang.cpuFlags == ["-march=x86-64-v2", "-mtune=generic"])
        #expect(clang.cpuFlags == x86.baselineFlags)
        let runtime = try RuntimeLibrary.locate()
        let baselineKey = runtime.objectCacheKey([.core], bounds: .guardPages, clang: clang, optimization: "-O2")
        clang.cpu = try CPULevel(name: "x86-64-v3", for: x86)
        #expect(clang.cpuFlags == ["-march=x86-64-v3", "-mtune=generic"])
        #expect(baselineKey != runtime.objectCacheKey([.core], bounds: .guardPages, clang: clang, optimization: "-O2"))
        clang.cpu = try CPULevel(name: "x86-64-v2", for: x86)
        #expect(baselineKey == runtime.objectCacheKey([.core], bounds: .guardPages, clang: clang, optimization: "-O2"))

        let arm = Target(architecture: .aarch64)
        #expect(CPULevel.baseline(for: .aarch64).flags(for: arm) == [])
        #expect(try CPULevel(name: "armv8.2-a", for: arm).flags(for: arm) == ["-march=armv8.2-a"])
        #expect(try CPULevel(name: "native", for: .host).flags(for: .host).contains { $0.hasSuffix("=native") })
    }

    @Test func anUnknownCPULevelIsRefusedWithTheValidOnes() throws {
        #expect {
            try CPULevel(name: "pentium4", for: Target(architecture: .x86_64))
        } throws: { error in
            "\(error)".contains("unknown --cpu pentium4")
                && "\(error)".contains("x86-64-v2, x86-64-v3, x86-64-v4, native")
        }
        #expect {
            try CPULevel(name: "x86-64-v3", for: Target(architecture: .aarch64))
        } throws: { error in
            "\(error)".contains("armv8-a")
        }
        let cross = Target.host.architecture == .x86_64 ? Target(architecture: .aarch64) : Target(architecture: .x86_64)
        #expect {
            try CPULevel(name: "native", for: cross)
        } throws: { error in
            "\(error)".contains("--cpu native needs")
        }
        // A level named for one architecture is checked again when a session targets another.
        let level = try CPULevel(name: "x86-64-v4", for: Target(architecture: .x86_64))
        #expect {
            try Session(target: Target(architecture: .aarch64), cpu: level)
        } throws: { error in
            "\(error)".contains("unknown --cpu x86-64-v4")
        }
    }
}
