import Foundation

/// Where the harness reads and writes: everything under one output directory.
struct Layout: Sendable {
    /// The wasmc checkout (parent of `runtime-c`, `Benchmarks`).
    var packageRoot: String
    /// `build/bench` by default: results, chart, and the folders below.
    var output: String

    /// `build.sh`'s output: `wasm/NAME.wasm` and `native/NAME`.
    var corpus: String { output + "/corpus" }
    /// Child stdout and stderr while a run is in progress.
    var scratch: String { output + "/.scratch" }

    /// The executables and work files of one ahead-of-time engine.
    func engineDirectory(_ engine: Engine) -> String { "\(output)/\(engine.rawValue)" }

    var resultsJSON: String { output + "/results.json" }
    var resultsCSV: String { output + "/results.csv" }
    var buildsCSV: String { output + "/builds.csv" }
    var tables: String { output + "/results.md" }
    var chart: String { output + "/chart.svg" }

    /// Creates the output folders; `output` relative paths are taken from the current directory.
    static func create(packageRoot: String, output: String) throws -> Layout {
        let absolute = output.hasPrefix("/") ? output : FileManager.default.currentDirectoryPath + "/" + output
        let layout = Layout(packageRoot: packageRoot, output: URL(fileURLWithPath: absolute).standardized.path)
        for directory in [layout.output, layout.corpus, layout.scratch] {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        return layout
    }
}
