extension ModuleValidator {
    /// The most parameters or results a function type of a module with tail calls may have.
    ///
    /// Such a module passes parameters beyond the fifth, and results beyond the first, through
    /// a per-thread area of this many slots (`WASMC_TAIL_SPILL_SLOTS` in
    /// runtime-c/include/wasmc_tail_calls.h). It is the limit wasmtime and the browsers set too
    /// (the spec leaves implementation limits to the implementation, appendix A.2).
    public static let tailCallValueLimit = 1000

    /// Whether any body uses `return_call`, `return_call_indirect` or `return_call_ref`.
    public static func usesTailCalls(_ functions: [ValidatedFunction]) -> Bool {
        functions.contains { function in
            function.body.contains { typed in
                switch typed.operation {
                case .returnCall, .returnCallIndirect, .returnCallRef: true
                default: false
                }
            }
        }
    }

    /// Refuses, in a module with tail calls, a function type with more parameters or results
    /// than the spill area holds.
    static func checkTailCallLimits(types: [FunctionSignature], functions: [ValidatedFunction])
        throws(ValidationError)
    {
        guard usesTailCalls(functions) else { return }
        for (index, type) in types.enumerated()
        where type.parameters.count > tailCallValueLimit || type.results.count > tailCallValueLimit {
            throw ValidationError(
                location: "type \(index)", offset: 0,
                message:
                    "implementation limit: a module with tail calls may have at most \(tailCallValueLimit) parameters and \(tailCallValueLimit) results per function type (this one has \(type.parameters.count) and \(type.results.count))"
            )
        }
    }
}
