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
}
