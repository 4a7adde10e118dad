import WasmC
import WasmCBackEnd

/// A way to run a corpus program: natively, or its wasm build under some engine.
enum Engine: String, CaseIterable, Codable, Sendable, Comparable {
    /// The same C source built for the host with clang -O2: the baseline.
    case native
    /// wasmc with guard pages (`--bounds guard`), clang -O2.
    case wasmcGuard = "wasmc-guard"
    /// wasmc with an explicit check before every memory access (`--bounds explicit`), clang -O2.
    case wasmcExplicit = "wasmc-explicit"
    /// wabt's wasm2c with its default memory sandbox (guard pages on 64-bit hosts), clang -O2.
    case wasm2cGuard = "wasm2c-guard"
    /// wasm2c with `WASM_RT_MEMCHECK_BOUNDS_CHECK` (explicit checks, malloc'd memory), clang -O2.
    case wasm2cExplicit = "wasm2c-explicit"
    /// wasmtime through its Python package (Cranelift JIT; the time includes Python's start and the compile).
    case wasmtime
    /// The WasmKit interpreter (`wasmkit-run`), timed at reduced arguments.
    case wasmkit

    /// Whether the engine runs wasm (everything but the baseline).
    var runsWasm: Bool { self != .native }

    /// Engines built ahead of time by the harness, with translate and compile times.
    var isAheadOfTime: Bool { [.wasmcGuard, .wasmcExplicit, .wasm2cGuard, .wasm2cExplicit].contains(self) }

    /// The memory sandbox of a wasmc or wasm2c engine.
    var bounds: BoundsStrategy? {
        switch self {
        case .wasmcGuard, .wasm2cGuard: .guardPages
        case .wasmcExplicit, .wasm2cExplicit: .explicit
        default: nil
        }
    }

    /// wasmc's rival with the same memory sandbox, for the per-program comparison.
    var wasm2cCounterpart: Engine? {
        switch self {
        case .wasmcGuard: .wasm2cGuard
        case .wasmcExplicit: .wasm2cExplicit
        default: nil
        }
    }

    /// The bar colour in the chart (a colour-blind-safe palette; the two modes of a compiler share a hue).
    var colour: String {
        switch self {
        case .native: "#7f7f7f"
        case .wasmcGuard: "#1f5fa8"
        case .wasmcExplicit: "#7fb2e5"
        case .wasm2cGuard: "#d9730d"
        case .wasm2cExplicit: "#f5bd80"
        case .wasmtime: "#2e8b57"
        case .wasmkit: "#b03a48"
        }
    }

    static func < (lhs: Engine, rhs: Engine) -> Bool {
        (allCases.firstIndex(of: lhs) ?? 0) < (allCases.firstIndex(of: rhs) ?? 0)
    }
}
