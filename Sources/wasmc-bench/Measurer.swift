import Foundation
import WasmC

/// Builds Benchmarks/measure/measure.c, the small program that runs each timed child
/// (see `HarnessCommand`), into the output directory.
enum Measurer {
    static func build(layout: Layout, clang: Clang) throws -> String {
        let source = layout.packageRoot + "/Benchmarks/measure/measure.c"
        let executable = layout.output + "/measure"
        if RuntimeLibrary.isNewer(executable, than: source) { return executable }
        let result = try HarnessCommand(
            executable: clang.executable, arguments: ["-O2", "-Wall", source, "-o", executable],
            scratchDirectory: layout.scratch
        ).run(timeout: 600)
        guard result.status == 0 else { throw BenchError("cannot build \(source):\n\(result.standardError)") }
        return executable
    }
}

extension RuntimeLibrary {
    /// Whether `output` exists and is newer than `source`.
    static func isNewer(_ output: String, than source: String) -> Bool {
        let attributes = { (path: String) in
            (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date
        }
        guard let built = attributes(output), let written = attributes(source) else { return false }
        return built > written
    }
}
