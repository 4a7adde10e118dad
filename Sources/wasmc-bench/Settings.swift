import Foundation

/// How a benchmark run was made, recorded with its results.
struct Settings: Codable, Sendable {
    var date: String
    var machine: String
    var cores: Int
    var runs: Int
    var interpreterRuns: Int
    var timeoutSeconds: Double
    var quick: Bool
    var engines: [Engine]
    /// Engines asked for but not available, and why.
    var skipped: [String: String]
    var programs: [String]
    /// clang, wasm2c and wasmtime versions.
    var tools: [String: String]

    static func machineDescription() -> String {
        var name = utsname()
        uname(&name)
        func field<T>(_ value: T) -> String {
            withUnsafeBytes(of: value) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        }
        let model = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8))?
            .split(separator: "\n").first { $0.hasPrefix("model name") }?
            .split(separator: ":", maxSplits: 1).last?.trimmingCharacters(in: .whitespaces)
        return "\(field(name.sysname)) \(field(name.release)) \(field(name.machine))" + (model.map { ", \($0)" } ?? "")
    }
}
