import Foundation

/// Everything a run measured, as written to `results.json`.
struct Results: Codable, Sendable {
    var settings: Settings
    var headline: Headline
    var programs: [ProgramFigures]
    var exclusions: [Exclusion]
    /// Every timed run, in run order.
    var series: [Series]
}

/// Writes the results as JSON, and the raw runs and builds as CSV (one row each).
enum ResultFiles {
    static func write(_ results: Results, layout: Layout) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(results).write(to: URL(fileURLWithPath: layout.resultsJSON))
        try runsCSV(results.series).write(toFile: layout.resultsCSV, atomically: true, encoding: .utf8)
        try buildsCSV(results.programs.flatMap(\.builds)).write(
            toFile: layout.buildsCSV, atomically: true, encoding: .utf8)
    }

    static func runsCSV(_ series: [Series]) -> String {
        var lines = ["phase,program,engine,arguments,run,wall_s,user_s,system_s,peak_rss_kib"]
        for entry in series {
            for (index, sample) in entry.samples.enumerated() {
                lines.append(
                    [
                        entry.phase.rawValue, entry.program, entry.engine.rawValue,
                        entry.arguments.joined(separator: " "),
                        "\(index + 1)", String(format: "%.6f", sample.wallSeconds),
                        String(format: "%.6f", sample.userSeconds),
                        String(format: "%.6f", sample.systemSeconds), "\(sample.peakRSSKiB)",
                    ].joined(separator: ","))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func buildsCSV(_ builds: [BuildCost]) -> String {
        var lines = ["program,engine,translate_s,compile_s,binary_bytes"]
        for build in builds {
            lines.append(
                "\(build.program),\(build.engine.rawValue),\(String(format: "%.6f", build.translateSeconds)),"
                    + "\(String(format: "%.6f", build.compileSeconds)),\(build.binaryBytes)")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
