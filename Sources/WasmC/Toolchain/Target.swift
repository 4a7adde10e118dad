import Foundation
import WasmCBackEnd

/// The Linux machine a program is built for: this machine, or a device clang cross-compiles
/// for with Debian's cross toolchains (`gcc-<triple>` supplies the C library and the linker).
public struct Target: Sendable, Equatable, CustomStringConvertible {
    public enum Architecture: String, Sendable, CaseIterable {
        case x86_64, aarch64, armv7
    }

    public var architecture: Architecture

    /// The triple `--target` takes: `x86_64-linux-gnu`, `aarch64-linux-gnu`, `armv7-linux-gnueabihf`.
    public var triple: String {
        switch architecture {
        case .x86_64: "x86_64-linux-gnu"
        case .aarch64: "aarch64-linux-gnu"
        case .armv7: "armv7-linux-gnueabihf"
        }
    }

    public var description: String { triple }

    /// Every target `--target` accepts.
    public static let all: [Target] = Architecture.allCases.map { Target(architecture: $0) }

    /// The machine wasmc runs on.
    public static var host: Target {
        #if arch(arm64)
            Target(architecture: .aarch64)
        #elseif arch(arm)
            Target(architecture: .armv7)
        #else
            Target(architecture: .x86_64)
        #endif
    }

    /// Parses a triple; `arm-linux-gnueabihf` (Debian's name) is taken for armv7.
    public init(triple: String) throws(ToolchainError) {
        switch triple {
        case "x86_64-linux-gnu", "x86_64-unknown-linux-gnu", "x86_64": self.init(architecture: .x86_64)
        case "aarch64-linux-gnu", "aarch64-unknown-linux-gnu", "arm64", "aarch64": self.init(architecture: .aarch64)
        case "armv7-linux-gnueabihf", "arm-linux-gnueabihf", "armv7-unknown-linux-gnueabihf", "armv7":
            self.init(architecture: .armv7)
        default:
            throw ToolchainError(
                "unknown target \(triple): one of \(Self.all.map(\.triple).joined(separator: ", "))")
        }
    }

    public init(architecture: Architecture) { self.architecture = architecture }

    public var isHost: Bool { self == .host }

    /// Guard pages reserve 8 GiB per memory: only 64-bit address spaces have room.
    public var supportsGuardPages: Bool { architecture != .armv7 }

    /// The strategy used when none is given: guard pages where the address space has room.
    public var defaultBounds: BoundsStrategy { supportsGuardPages ? .guardPages : .explicit }

    /// Refuses guard pages where they cannot work, saying what to use instead.
    public func check(bounds: BoundsStrategy) throws(ToolchainError) {
        if bounds == .guardPages && !supportsGuardPages {
            throw ToolchainError(
                "--bounds guard needs a 64-bit target (each memory reserves 8 GiB of address space); "
                    + "\(triple) has 4 GiB in all: use --bounds explicit")
        }
    }

    /// Debian's multiarch name (library directories, package architecture suffixes).
    public var multiarch: String {
        switch architecture {
        case .x86_64: "x86_64-linux-gnu"
        case .aarch64: "aarch64-linux-gnu"
        case .armv7: "arm-linux-gnueabihf"
        }
    }

    /// Debian's architecture name (`libuv1-dev:arm64`).
    public var debianArchitecture: String {
        switch architecture {
        case .x86_64: "amd64"
        case .aarch64: "arm64"
        case .armv7: "armhf"
        }
    }

    /// The Debian packages a cross build needs (a C library and linker for the target, libuv).
    public var debianPackages: [String] {
        switch architecture {
        case .x86_64 where isHost: ["libuv1-dev"]
        case .x86_64: ["gcc-x86-64-linux-gnu", "libc6-dev-amd64-cross", "libuv1-dev:amd64"]
        case .aarch64: ["gcc-aarch64-linux-gnu", "libc6-dev-arm64-cross", "libuv1-dev:arm64"]
        case .armv7: ["gcc-arm-linux-gnueabihf", "libc6-dev-armhf-cross", "libuv1-dev:armhf"]
        }
    }

    /// clang flags selecting the target, for compiling and linking alike. armv7 is Debian's
    /// armhf baseline (ARMv7-A, Thumb-2, VFPv3-D16, hard-float calling convention), with
    /// 64-bit file offsets and times: WASI's are 64-bit, and 32-bit ones fail on large
    /// directory cookies (readdir's EOVERFLOW), large files and dates after 2038.
    public var clangFlags: [String] {
        if isHost { return [] }
        switch architecture {
        case .armv7:
            return [
                "--target=arm-linux-gnueabihf", "-march=armv7-a", "-mfpu=vfpv3-d16", "-mfloat-abi=hard",
                "-D_FILE_OFFSET_BITS=64", "-D_TIME_BITS=64",
            ]
        default: return ["--target=\(multiarch)"]
        }
    }

    /// The instruction set compiled code may use, so a program runs on every machine of its
    /// architecture and SIMD compiles to good vector code: x86-64-v2 (SSE4.2, POPCNT) on x86-64;
    /// on aarch64 the default ARMv8-A already has NEON, and armv7's flags are in `clangFlags`.
    /// `-mtune=generic` keeps the scheduling of current cores: `-march` alone also tunes for the
    /// level's oldest models, and that made sha256 and blake2b 1.7–2× slower (measured).
    public var baselineFlags: [String] {
        architecture == .x86_64 ? ["-march=x86-64-v2", "-mtune=generic"] : []
    }

    /// How a fully static executable is linked. static-pie keeps address-space randomisation;
    /// Debian's armhf C library has no static-pie start file (rcrt1.o), so armv7 is plain
    /// -static. GNU ld is named because gold cannot link static-pie.
    public var staticLinkFlags: [String] {
        let mode = architecture == .armv7 ? "-static" : "-static-pie"
        return [mode, "-fuse-ld=bfd"]
    }

    /// How to run a program of this target here: nothing on the host, else qemu's user-mode
    /// emulator (static programs need no -L, but a sysroot keeps a dynamic one working).
    public var emulator: [String] {
        switch architecture {
        case _ where isHost: []
        case .x86_64: ["qemu-x86_64", "-L", "/usr/x86_64-linux-gnu"]
        case .aarch64: ["qemu-aarch64", "-L", "/usr/aarch64-linux-gnu"]
        case .armv7: ["qemu-arm", "-L", "/usr/arm-linux-gnueabihf"]
        }
    }

    /// The executable and arguments that run `program` with `arguments` on this machine.
    public func command(running program: String, _ arguments: [String] = []) -> (
        executable: String, arguments: [String]
    ) {
        guard let emulator = emulator.first else { return (program, arguments) }
        let path =
            (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
            .map { "\($0)/\(emulator)" }
            .first { FileManager.default.isExecutableFile(atPath: $0) } ?? "/usr/bin/\(emulator)"
        return (path, Array(self.emulator.dropFirst()) + [program] + arguments)
    }
}
