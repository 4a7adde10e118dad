import WasmC

/// The state of a benchmark run across phases: who may run what, native's reference
/// outputs, the timed series and the exclusions so far.
struct BenchmarkRun {
    var runner: BenchRunner
    /// Per program, every engine that was built or found.
    var contenders: [String: [Contender]]
    var exclusions: [Exclusion]
    var series: [Series] = []
    /// Per phase and program: native's checked run and the contenders that agreed with it.
    private var verified: [Phase: [String: (reference: ProcessResult, agreeing: [Contender])]] = [:]

    init(runner: BenchRunner, contenders: [String: [Contender]], exclusions: [Exclusion]) {
        self.runner = runner
        self.contenders = contenders
        self.exclusions = exclusions
    }

    /// Runs each engine once per program and keeps those whose output matches native's.
    mutating func verify(_ phase: Phase, _ programs: [Program]) {
        for program in programs {
            let candidates = (contenders[program.name] ?? []).filter { phase.includes($0.engine) }
            guard let native = candidates.first(where: { $0.engine == .native }) else { continue }
            // The interpreter phase exists for the interpreter: without it there is nothing to compare.
            if phase == .interpreter && !candidates.contains(where: { $0.engine == .wasmkit }) { continue }
            let check = runner.verify(
                program, phase: phase, native: native, others: candidates.filter { $0.engine != .native })
            exclusions += check.exclusions
            for exclusion in check.exclusions {
                Progress.say(
                    "  \(program.name) \(phase.rawValue): \(exclusion.engine.rawValue) excluded: \(exclusion.reason)")
            }
            if let reference = check.reference {
                verified[phase, default: [:]][program.name] = (reference, check.agreeing)
            }
        }
    }

    /// Times the verified contenders, interleaved, and reports each program's medians as it goes.
    mutating func time(_ phase: Phase, _ programs: [Program], runs: Int) {
        for program in programs {
            guard let entry = verified[phase]?[program.name] else { continue }
            let result = runner.time(
                program, phase: phase, contenders: entry.agreeing, runs: runs, reference: entry.reference)
            series += result.series
            exclusions += result.exclusions
            let native = result.series.first { $0.engine == .native }.flatMap {
                Statistics.median($0.samples.map(\.wallSeconds))
            }
            let medians = result.series.map { entry -> String in
                let median = Statistics.median(entry.samples.map(\.wallSeconds)) ?? 0
                let ratio = native.map { entry.engine == .native ? "" : " (\(Format.ratio(median / $0)))" } ?? ""
                return "\(entry.engine.rawValue) \(Format.seconds(median))\(ratio)"
            }
            Progress.say("  \(program.name): " + medians.joined(separator: ", "))
            for exclusion in result.exclusions {
                Progress.say("  \(program.name): \(exclusion.engine.rawValue) excluded: \(exclusion.reason)")
            }
        }
    }
}
