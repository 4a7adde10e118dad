import Foundation

/// The instruction-set level compiled code may use (`--cpu`): the target's documented baseline
/// by default, so a program runs on every machine of its architecture, or a named newer level,
/// or `native` (this machine's own, for programs that run where they are built).
public struct CPULevel: Sendable, Equatable, CustomStringConvertible {
    /// The name given to `--cpu`: `x86-64-v3`, `armv8.2-a`, `native`.
    public var name: String

    public var description: String { name }

    /// The baseline of `architecture`: what a program built without `--cpu` may use.
    public static func baseline(for architecture: Target.Architecture) -> CPULevel {
        CPULevel(name: names(for: architecture)[0])
    }

    /// The levels `--cpu` accepts for `architecture`, the baseline first, then `native`.
    public static func names(for architecture: Target.Architecture) -> [String] {
        switch architecture {
        case .x86_64: ["x86-64-v2", "x86-64-v3", "x86-64-v4", "native"]
        case .aarch64: ["armv8-a", "armv8.2-a", "armv8.4-a", "armv9-a", "native"]
        case .armv7: ["armv7-a", "native"]
        }
    }

    /// Checks `name` against the levels of `target`; an unknown name, or `native` for another
    /// machine (clang can only ask the machine it runs on), is an error listing the valid ones.
    public init(name: String, for target: Target) throws(ToolchainError) {
        let valid = Self.names(for: target.architecture)
        guard valid.contains(name) else {
            throw ToolchainError(
                "unknown --cpu \(name) for \(target.triple): one of \(valid.joined(separator: ", "))")
        }
        if name == "native" && !target.isHost {
            throw ToolchainError(
                "--cpu native needs the program to be built on the machine it runs on; for \(target.triple) use one of "
                    + valid.dropLast().joined(separator: ", "))
        }
        self.name = name
    }

    private init(name: String) { self.name = name }

    /// clang's flags for this level on `target`. The baseline's are `Target.baselineFlags`.
    /// Named x86-64 levels keep `-mtune=generic` for the reason given there; `native` tunes
    /// for this machine as well.
    public func flags(for target: Target) -> [String] {
        if self == Self.baseline(for: target.architecture) { return target.baselineFlags }
        switch (target.architecture, name) {
        case (.x86_64, "native"): return ["-march=native"]
        case (.x86_64, _): return ["-march=\(name)", "-mtune=generic"]
        case (_, "native"): return ["-mcpu=native"]
        default: return ["-march=\(name)"]
        }
    }
}
