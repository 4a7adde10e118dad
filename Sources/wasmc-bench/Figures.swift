/// An engine's result on one program in one phase.
struct EngineFigures: Codable, Sendable {
    var engine: Engine
    var runs: Int
    var medianSeconds: Double
    var minSeconds: Double
    var maxSeconds: Double
    /// This engine's median over native's median, same phase and arguments.
    var ratioToNative: Double?
    /// Median over the runs of the peak resident set size.
    var peakRSSKiB: Int

    init?(_ series: Series?, nativeMedian: Double?) {
        guard let series, let median = Statistics.median(series.samples.map(\.wallSeconds)) else { return nil }
        let walls = series.samples.map(\.wallSeconds)
        engine = series.engine
        runs = walls.count
        medianSeconds = median
        minSeconds = walls.min() ?? median
        maxSeconds = walls.max() ?? median
        ratioToNative = nativeMedian.map { median / $0 }
        peakRSSKiB = Int(Statistics.median(series.samples.map { Double($0.peakRSSKiB) }) ?? 0)
    }
}

/// Everything measured for one program.
struct ProgramFigures: Codable, Sendable {
    var program: String
    /// Default arguments, by engine (native included).
    var main: [EngineFigures]
    /// Argument 0, by engine.
    var startup: [EngineFigures]
    /// Reduced arguments, with the interpreter.
    var interpreter: [EngineFigures]
    var interpreterArguments: [String]
    var builds: [BuildCost]
    var wasmBytes: Int
    var nativeBinaryBytes: Int

    func main(_ engine: Engine) -> EngineFigures? { main.first { $0.engine == engine } }
    func startup(_ engine: Engine) -> EngineFigures? { startup.first { $0.engine == engine } }
    func interpreter(_ engine: Engine) -> EngineFigures? { interpreter.first { $0.engine == engine } }
    func build(_ engine: Engine) -> BuildCost? { builds.first { $0.engine == engine } }

    /// How many times faster `engine` is than the interpreter at the reduced arguments.
    func speedUpOverInterpreter(_ engine: Engine) -> Double? {
        guard let interpreted = interpreter(.wasmkit)?.medianSeconds, let compiled = interpreter(engine)?.medianSeconds
        else { return nil }
        return interpreted / compiled
    }
}

/// A geometric mean and what it was taken over.
struct Mean: Codable, Sendable {
    var value: Double
    var programs: [String]
}

/// wasmc against wasm2c with the same sandbox mode.
struct VersusWasm2c: Codable, Sendable {
    var wasmc: Engine
    var wasm2c: Engine
    /// Geomean of wasmc's median over wasm2c's, per program (below 1: wasmc is faster).
    var geomeanRatio: Mean
    var worstProgram: String
    var worstRatio: Double
    /// Programs on which wasmc is more than 5% slower.
    var slowerThan5Percent: [String]
}

/// Translate plus compile of the large module, wasmc against wasm2c + clang.
struct LargeModuleCompile: Codable, Sendable {
    var wasmc: Engine
    var wasmcSeconds: Double
    var wasm2cSeconds: Double
    /// wasmc's total over wasm2c's (the target is ≤ 1/3).
    var ratio: Double
    /// Run time of the large module, wasmc's median over wasm2c's.
    var runRatio: Double?
}

/// The figures the targets are stated in.
struct Headline: Codable, Sendable {
    /// Programs that run at least 50 ms natively: the geomeans are over these.
    var geomeanPrograms: [String]
    var geomeanRatioToNative: [String: Mean]
    var versusWasm2c: [VersusWasm2c]
    /// Geomean of the interpreter's time over each compiled engine's, at reduced arguments.
    var speedUpOverInterpreter: [String: Mean]
    var largeModule: [LargeModuleCompile]
    /// The same two comparisons over the 128-bit SIMD programs alone (`simd_*`), which the
    /// geomeans above leave out (nil in results written before they joined the corpus).
    var simdGeomeanRatioToNative: [String: Mean]?
    var simdVersusWasm2c: [VersusWasm2c]?
}

/// Turns the raw series into per-program figures and the headline numbers.
enum FigureBuilder {
    /// Programs faster than this natively are too short for a meaningful ratio.
    static let geomeanThresholdSeconds = 0.05

    static func programs(_ programs: [Program], series: [Series], builds: [BuildCost], corpus: String)
        -> [ProgramFigures]
    {
        programs.map { program in
            func figures(_ phase: Phase) -> [EngineFigures] {
                let mine = series.filter { $0.program == program.name && $0.phase == phase }
                let native = Statistics.median(mine.first { $0.engine == .native }?.samples.map(\.wallSeconds) ?? [])
                return mine.sorted { $0.engine < $1.engine }.compactMap { EngineFigures($0, nativeMedian: native) }
            }
            return ProgramFigures(
                program: program.name, main: figures(.main), startup: figures(.startup),
                interpreter: figures(.interpreter), interpreterArguments: program.interpreterArguments,
                builds: builds.filter { $0.program == program.name },
                wasmBytes: FileSize.of(Corpus.wasmPath(program, in: corpus)),
                nativeBinaryBytes: FileSize.of(Corpus.nativePath(program, in: corpus)))
        }
    }

    static func headline(_ figures: [ProgramFigures], engines: [Engine]) -> Headline {
        let long = figures.filter { ($0.main(.native)?.medianSeconds ?? 0) >= geomeanThresholdSeconds }
        let counted = long.filter { !Program.isSIMD($0.program) }
        let simd = long.filter { Program.isSIMD($0.program) }
        func mean(_ value: (ProgramFigures) -> Double?, over programs: [ProgramFigures]? = nil) -> Mean? {
            let pairs = (programs ?? counted).compactMap { program in value(program).map { (program.program, $0) } }
            return Statistics.geometricMean(pairs.map(\.1)).map { Mean(value: $0, programs: pairs.map(\.0)) }
        }
        var toNative: [String: Mean] = [:]
        var overInterpreter: [String: Mean] = [:]
        for engine in engines where engine.runsWasm {
            let interpreterPhase = engine == .wasmkit
            toNative[engine.rawValue] = mean {
                interpreterPhase ? $0.interpreter(engine)?.ratioToNative : $0.main(engine)?.ratioToNative
            }
            if !interpreterPhase { overInterpreter[engine.rawValue] = mean { $0.speedUpOverInterpreter(engine) } }
        }
        var simdToNative: [String: Mean] = [:]
        for engine in engines where engine.runsWasm && engine != .wasmkit {
            simdToNative[engine.rawValue] = mean({ $0.main(engine)?.ratioToNative }, over: simd)
        }
        return Headline(
            geomeanPrograms: counted.map(\.program), geomeanRatioToNative: toNative,
            versusWasm2c: versusWasm2c(counted, engines: engines),
            speedUpOverInterpreter: overInterpreter.filter { !$0.value.programs.isEmpty },
            largeModule: largeModule(figures, engines: engines),
            simdGeomeanRatioToNative: simdToNative.filter { !$0.value.programs.isEmpty },
            simdVersusWasm2c: versusWasm2c(simd, engines: engines))
    }

    static func versusWasm2c(_ counted: [ProgramFigures], engines: [Engine]) -> [VersusWasm2c] {
        engines.compactMap { engine in
            guard let rival = engine.wasm2cCounterpart, engines.contains(rival) else { return nil }
            let ratios = counted.compactMap { program -> (String, Double)? in
                guard let mine = program.main(engine)?.medianSeconds, let theirs = program.main(rival)?.medianSeconds
                else { return nil }
                return (program.program, mine / theirs)
            }
            guard let mean = Statistics.geometricMean(ratios.map(\.1)), let worst = ratios.max(by: { $0.1 < $1.1 })
            else { return nil }
            return VersusWasm2c(
                wasmc: engine, wasm2c: rival, geomeanRatio: Mean(value: mean, programs: ratios.map(\.0)),
                worstProgram: worst.0, worstRatio: worst.1, slowerThan5Percent: ratios.filter { $0.1 > 1.05 }.map(\.0))
        }
    }

    static func largeModule(_ figures: [ProgramFigures], engines: [Engine]) -> [LargeModuleCompile] {
        guard let large = figures.first(where: { $0.program == Corpus.largeModule }) else { return [] }
        return engines.compactMap { engine in
            guard let rival = engine.wasm2cCounterpart, let mine = large.build(engine), let theirs = large.build(rival)
            else { return nil }
            let runRatio = large.main(engine).flatMap { mine in
                large.main(rival).map { mine.medianSeconds / $0.medianSeconds }
            }
            return LargeModuleCompile(
                wasmc: engine, wasmcSeconds: mine.totalSeconds, wasm2cSeconds: theirs.totalSeconds,
                ratio: mine.totalSeconds / theirs.totalSeconds, runRatio: runRatio)
        }
    }
}
