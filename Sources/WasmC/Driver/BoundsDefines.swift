import WasmCBackEnd

extension BoundsStrategy {
    /// The preprocessor definitions C compiled beside generated code needs for this strategy:
    /// the runtime (runtime-c), the spec-test host and host functions in C (`--host-c`).
    /// This is the one place `WASMC_BOUNDS_GUARD` is derived for a compiler command line.
    ///
    /// Generated module C is not given them: its strategy is fixed when it is written (the
    /// back end's `#define` at the top of each file), so a module's C compiles the same
    /// whoever compiles it, and the runtime refuses at instantiation a module whose strategy
    /// differs from its own.
    public var cDefines: [String] {
        switch self {
        case .guardPages: ["WASMC_BOUNDS_GUARD"]
        case .explicit: []
        }
    }
}
