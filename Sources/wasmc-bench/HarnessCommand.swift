import Foundation
import WasmC

/// A program the harness runs: a tool (clang, wasm2c, the corpus build) or a timed run,
/// through the driver's `ProcessRunner` with its output sent to files in `scratchDirectory`
/// (so the harness does nothing while a timed child runs). The child leads its own process
/// group, and a run that outlives its time limit is killed with the whole group.
///
/// With a `measurer` (Benchmarks/measure/measure.c), that small program runs the child and
/// reports its wall time, CPU time and peak RSS: spawned straight from the harness, a child
/// would inherit the harness's peak RSS across exec. Without one, the times are the harness's
/// view of the child (good enough for tools like clang).
struct HarnessCommand {
    var executable: String
    var arguments: [String]
    /// Where stdout and stderr go while the child runs (one pair of files, reused).
    var scratchDirectory: String
    /// The `measure` executable, for timed runs.
    var measurer: String? = nil

    func run(timeout: Double) throws -> ProcessResult {
        let measurementPath = scratchDirectory + "/measurement"
        let command = measurer.map { [$0, measurementPath, executable] } ?? [executable]
        if measurer != nil { unlink(measurementPath) }
        var run = try ProcessRunner.run(
            command[0], Array(command.dropFirst()) + arguments, timeout: timeout, ownProcessGroup: true,
            capture: .files(directory: scratchDirectory))
        if measurer != nil && !run.timedOut { try Self.readMeasurement(measurementPath, into: &run) }
        return run
    }

    /// Replaces the harness's view of the run with `measure`'s line:
    /// `status wall_ns user_us system_us peak_rss_kib`.
    static func readMeasurement(_ path: String, into run: inout ProcessResult) throws {
        let text = String(decoding: FileManager.default.contents(atPath: path) ?? Data(), as: UTF8.self)
        let fields = text.split(separator: " ").compactMap { Int64($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        guard run.status == 0, fields.count == 5 else {
            throw BenchError("measure failed (exit \(run.status)): \(run.standardError)")
        }
        run.status = Int32(fields[0])
        run.wallSeconds = Double(fields[1]) / 1e9
        run.userSeconds = Double(fields[2]) / 1e6
        run.systemSeconds = Double(fields[3]) / 1e6
        run.peakRSSKiB = Int(fields[4])
    }
}
