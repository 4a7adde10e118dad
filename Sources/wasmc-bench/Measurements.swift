import WasmC

/// The three kinds of timed run. Each has its own arguments and its own engines.
enum Phase: String, Codable, CaseIterable, Sendable {
    /// Argument 0: no work, so the time is process start-up plus instantiation.
    case startup
    /// Default arguments (0.3–3 s natively): the main comparison.
    case main
    /// Reduced arguments (a tenth to a half of the default work), so the interpreter can take part.
    case interpreter

    func arguments(for program: Program) -> [String] {
        switch self {
        case .startup: program.startupArguments
        case .main: program.arguments
        case .interpreter: program.interpreterArguments
        }
    }

    /// Which engines take part (of those available and asked for).
    func includes(_ engine: Engine) -> Bool {
        switch self {
        case .startup: true
        case .main: engine != .wasmkit
        case .interpreter: [.native, .wasmcGuard, .wasmcExplicit, .wasmkit].contains(engine)
        }
    }
}

/// One timed run's costs.
struct Sample: Codable, Sendable {
    var wallSeconds: Double
    var userSeconds: Double
    var systemSeconds: Double
    var peakRSSKiB: Int

    init(_ run: ProcessResult) {
        wallSeconds = run.wallSeconds
        userSeconds = run.userSeconds
        systemSeconds = run.systemSeconds
        peakRSSKiB = run.peakRSSKiB
    }
}

/// All timed runs of one engine on one program in one phase, in run order.
struct Series: Codable, Sendable {
    var phase: Phase
    var program: String
    var engine: Engine
    var arguments: [String]
    var samples: [Sample]
}

/// An engine left out of a phase for a program, and why (wrong output, trap, timeout).
struct Exclusion: Codable, Sendable {
    var phase: Phase
    var program: String
    var engine: Engine
    var reason: String
}
