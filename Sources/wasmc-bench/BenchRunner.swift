import Foundation
import WasmC

/// Runs contenders on a program: first once each to check the output against native's,
/// then interleaved (A B C … A B C …) so that drifts in machine load hit every engine alike.
struct BenchRunner {
    var scratch: String
    /// The `measure` executable that runs each child (see `HarnessCommand`).
    var measurer: String
    /// Seconds before a run is killed; the engine is then excluded for that program and phase.
    var timeout: Double

    /// Runs native, then every other contender once; returns native's run (nil if native
    /// itself failed), the contenders whose stdout and exit status match it, and why the others were dropped.
    func verify(
        _ program: Program, phase: Phase, native: Contender, others: [Contender]
    ) -> (reference: ProcessResult?, agreeing: [Contender], exclusions: [Exclusion]) {
        let arguments = phase.arguments(for: program)
        var exclusions: [Exclusion] = []
        func exclude(_ engine: Engine, _ reason: String) {
            exclusions.append(Exclusion(phase: phase, program: program.name, engine: engine, reason: reason))
        }
        guard
            let reference = try? native.process(arguments: arguments, scratch: scratch, measurer: measurer).run(
                timeout: timeout),
            reference.status == 0, !reference.timedOut
        else {
            for contender in [native] + others {
                exclude(contender.engine, "the native build failed at these arguments")
            }
            return (nil, [], exclusions)
        }
        var agreeing = [native]
        for contender in others {
            do {
                let run = try contender.process(arguments: arguments, scratch: scratch, measurer: measurer).run(
                    timeout: timeout)
                if let problem = Self.disagreement(run, reference: reference, timeout: timeout) {
                    exclude(contender.engine, problem)
                } else {
                    agreeing.append(contender)
                }
            } catch {
                exclude(contender.engine, "\(error)")
            }
        }
        return (reference, agreeing, exclusions)
    }

    /// Times `runs` rounds of every contender in turn. A run whose output stops matching, or
    /// that times out, drops its engine from the remaining rounds and from the results.
    func time(
        _ program: Program, phase: Phase, contenders: [Contender], runs: Int, reference: ProcessResult
    ) -> (series: [Series], exclusions: [Exclusion]) {
        let arguments = phase.arguments(for: program)
        var samples: [Engine: [Sample]] = [:]
        var exclusions: [Exclusion] = []
        var active = contenders
        for _ in 0..<runs {
            for contender in active {
                let problem: String?
                do {
                    let run = try contender.process(arguments: arguments, scratch: scratch, measurer: measurer).run(
                        timeout: timeout)
                    problem = Self.disagreement(run, reference: reference, timeout: timeout)
                    if problem == nil { samples[contender.engine, default: []].append(Sample(run)) }
                } catch {
                    problem = "\(error)"
                }
                if let problem {
                    exclusions.append(
                        Exclusion(phase: phase, program: program.name, engine: contender.engine, reason: problem))
                    active.removeAll { $0.engine == contender.engine }
                    samples[contender.engine] = nil
                }
            }
        }
        let series = active.compactMap { contender in
            samples[contender.engine].map {
                Series(phase: phase, program: program.name, engine: contender.engine, arguments: arguments, samples: $0)
            }
        }
        return (series, exclusions)
    }

    /// Why a run does not count as the same result as native's, or nil if it does.
    static func disagreement(_ run: ProcessResult, reference: ProcessResult, timeout: Double) -> String? {
        if run.timedOut { return "timed out after \(String(format: "%g", timeout)) s" }
        if run.status != reference.status {
            let detail = run.standardError.split(separator: "\n").first.map { ": \($0)" } ?? ""
            return "exit status \(run.status), native \(reference.status)\(detail)"
        }
        guard run.standardOutput != reference.standardOutput else { return nil }
        let got = run.standardOutput.split(separator: "\n", omittingEmptySubsequences: false)
        let expected = reference.standardOutput.split(separator: "\n", omittingEmptySubsequences: false)
        let line = Array(zip(got, expected)).firstIndex { $0 != $1 } ?? min(got.count, expected.count)
        let shown = { (lines: [Substring]) in line < lines.count ? "\"\(lines[line])\"" : "end of output" }
        return "stdout differs from native at line \(line + 1): \(shown(got)), native \(shown(expected))"
    }
}
