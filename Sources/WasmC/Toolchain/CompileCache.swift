import Foundation
import WasmCBackEnd

/// Where `wasmc run` keeps compiled programs, keyed by everything that affects the binary.
public struct CompileCache: Sendable {
    public var directory: String

    /// `$WASMC_CACHE_DIR`, else `$XDG_CACHE_HOME/wasmc`, else `~/.cache/wasmc`.
    public static func standard() -> CompileCache {
        let environment = ProcessInfo.processInfo.environment
        if let directory = environment["WASMC_CACHE_DIR"], !directory.isEmpty {
            return CompileCache(directory: directory)
        }
        let base =
            environment["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? NSHomeDirectory() + "/.cache"
        return CompileCache(directory: base + "/wasmc")
    }

    /// A key over the module, the options, the runtime ABI version the C is generated for,
    /// the runtime sources and the compiler itself.
    public func key(
        module: [UInt8], options: [String], runtime: RuntimeLibrary, abiVersion: Int = RuntimeABI.version
    ) -> String {
        var hash = StableHash()
        hash.add(module)
        for option in options { hash.add(Array(option.utf8)) }
        hash.add(Array("runtime ABI \(abiVersion)".utf8))
        for component in RuntimeLibrary.Component.allCases {
            let folder = "\(runtime.root)/\(component.rawValue)"
            for file in RuntimeLibrary.files(in: folder, suffix: ".c") + RuntimeLibrary.files(in: folder, suffix: ".h")
            {
                hash.add(Array(file.utf8))
                hash.add([UInt8](FileManager.default.contents(atPath: file) ?? Data()))
            }
        }
        for header in RuntimeLibrary.files(in: runtime.includeDirectory, suffix: ".h").sorted() {
            hash.add([UInt8](FileManager.default.contents(atPath: header) ?? Data()))
        }
        // A rebuilt compiler may emit different C: its size and date are part of the key.
        let compiler = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? ""
        if let attributes = try? FileManager.default.attributesOfItem(atPath: compiler) {
            hash.add(Array("\(attributes[.size] ?? 0) \(attributes[.modificationDate] ?? 0)".utf8))
        }
        return hash.hexDigest
    }
}

/// FNV-1a over two independent 64-bit lanes: stable across runs and machines, unlike `Hasher`.
struct StableHash {
    private var first: UInt64 = 0xcbf2_9ce4_8422_2325
    private var second: UInt64 = 0x6c62_272e_07bb_0142

    mutating func add(_ bytes: [UInt8]) {
        for byte in bytes {
            first = (first ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
            second = (second ^ UInt64(byte ^ 0x5a)) &* 0x0000_0100_0000_01b3
        }
        // Length-delimit each part so ("ab","c") and ("a","bc") differ.
        first = (first ^ UInt64(bytes.count)) &* 0x0000_0100_0000_01b3
        second = (second ^ UInt64(truncatingIfNeeded: bytes.count &* 31)) &* 0x0000_0100_0000_01b3
    }

    var hexDigest: String {
        String(format: "%016llx%016llx", first, second)
    }
}
