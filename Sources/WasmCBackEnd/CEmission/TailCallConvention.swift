import WasmCFrontEnd

/// The calling convention of modules that use tail calls (runtime-c/include/wasmc_tail_calls.h,
/// docs/exceptions-and-tail-calls.md).
///
/// clang's `musttail` reuses the caller's frame at every optimisation level, but only between
/// functions of one C prototype, while a wasm tail call may pass any parameters. So in such a
/// module every defined function's body has the prototype of `wasmc_tail_code`:
/// parameters 0-4 in `a0`...`a4` as 64-bit words (floats by their bits), parameters from the
/// sixth on and v128 parameters in the thread's spill area, the first result as the return
/// value and the others in the spill area. Each function also gets an entry of its own wasm
/// signature, which is what hosts, tables and other modules see in `wasmc_func.code`.
/// This type writes the C of each side of that convention; `FunctionEmitter` places it.
enum TailCallConvention {
    /// Parameters that travel in registers (`WASMC_TAIL_REGISTER_PARAMS`).
    static let registerParameters = 5

    /// The parameter list of every body: `void *env, uint64_t a0, ..., uint64_t a4`.
    static let bodyParameterList =
        "void *env, " + (0..<registerParameters).map { "uint64_t a\($0)" }.joined(separator: ", ")

    /// Whether parameter `index` of this type goes through the spill area.
    static func spillsParameter(_ index: Int, _ type: ValueType) -> Bool {
        index >= registerParameters || type == .v128
    }

    /// Whether result `index` of this type goes through the spill area (all but a scalar first).
    static func spillsResult(_ index: Int, _ type: ValueType) -> Bool {
        index > 0 || type == .v128
    }

    /// A value as the 64-bit word a register carries.
    static func word(_ type: ValueType, _ value: String) -> String {
        switch type {
        case .i32: "(uint64_t)\(value)"
        case .i64: value
        case .f32: "wasmc_tail_from_f32(\(value))"
        case .f64: "wasmc_tail_from_f64(\(value))"
        case .funcref, .externref, .exnref: "(uint64_t)(uintptr_t)\(value)"
        case .v128: "0"  // never in a register
        case .ref: word(type.erased, value)
        }
    }

    /// The value of this type a 64-bit word carries.
    static func value(_ type: ValueType, fromWord word: String) -> String {
        switch type {
        case .i32: "(uint32_t)\(word)"
        case .i64: word
        case .f32: "wasmc_tail_to_f32(\(word))"
        case .f64: "wasmc_tail_to_f64(\(word))"
        case .funcref: "(const wasmc_func *)(uintptr_t)\(word)"
        case .externref: "(void *)(uintptr_t)\(word)"
        case .exnref: "(wasmc_exception *)(uintptr_t)\(word)"
        case .v128: "(wasmc_v128){0, 0}"  // never in a register
        case .ref: value(type.erased, fromWord: word)
        }
    }

    static func spillPut(_ index: Int, _ type: ValueType, _ value: String) -> String {
        "WASMC_TAIL_SPILL_PUT(\(index), \(type.cType), \(value));"
    }

    static func spillGet(_ index: Int, _ type: ValueType) -> String {
        "WASMC_TAIL_SPILL_GET(\(index), \(type.cType))"
    }

    /// How a caller passes `values` (C expressions of `types`): the spill-area stores to make
    /// right before the call, and the five register arguments.
    static func arguments(_ types: [ValueType], _ values: [String]) -> (spills: [String], registers: [String]) {
        var spills: [String] = []
        var registers = Array(repeating: "0", count: registerParameters)
        for (index, type) in types.enumerated() {
            if spillsParameter(index, type) {
                spills.append(spillPut(index, type, values[index]))
            } else {
                registers[index] = word(type, values[index])
            }
        }
        return (spills, registers)
    }

    /// A call of a body: `callee(env, a0, ..., a4)`.
    static func call(_ callee: String, env: String, registers: [String]) -> String {
        "\(callee)(\(([env] + registers).joined(separator: ", ")))"
    }

    /// The start of a body: each parameter copied into its local (`l0`, ...), registers
    /// first, then the spill area, before anything else can call and overwrite it.
    static func receiveParameters(_ parameters: [ValueType]) -> [String] {
        var lines: [String] = []
        let unused = (min(parameters.count, registerParameters)..<registerParameters).map { "(void)a\($0);" }
            + parameters.enumerated().filter { $0.offset < registerParameters && $0.element == .v128 }
            .map { "(void)a\($0.offset);" }
        if !unused.isEmpty { lines.append(unused.joined(separator: " ")) }
        for (index, type) in parameters.enumerated() {
            let value = spillsParameter(index, type) ? spillGet(index, type) : Self.value(type, fromWord: "a\(index)")
            lines.append("\(type.cType) l\(index) = \(value);")
        }
        return lines
    }

    /// The statement that returns `values` (C expressions of `types`) from a body: extra
    /// results into the spill area, the first as the return value.
    static func returnStatement(_ types: [ValueType], _ values: [String]) -> String {
        var statements: [String] = []
        var returned = "0"
        for (index, type) in types.enumerated() {
            if spillsResult(index, type) {
                statements.append(spillPut(index, type, values[index]))
            } else {
                returned = word(type, values[index])
            }
        }
        statements.append("return \(returned);")
        return statements.count == 1 ? statements[0] : "{ " + statements.joined(separator: " ") + " }"
    }

    /// The assignments that take a body's results, right after the call that returned `word`,
    /// into `destinations` (lvalues, one per result).
    static func receiveResults(_ types: [ValueType], word: String, into destinations: [String]) -> [String] {
        types.enumerated().map { index, type in
            let value = spillsResult(index, type) ? spillGet(index, type) : Self.value(type, fromWord: word)
            return "\(destinations[index]) = \(value);"
        }
    }

    /// The entry of a function's own wasm signature, which converts and calls its body: what
    /// `wasmc_func.code` holds for hosts, tables, exports and other modules.
    static func entryDefinition(
        storage: String, entry: String, body: String, signature: FunctionSignature, wasmIndex: UInt32
    ) -> String {
        var lines = ["/* wasm function \(wasmIndex), called from outside the module: \(signature) */"]
        lines.append("\(storage) \(signature.cReturnType) \(entry)(\(signature.cParameterList { "p\($0)" })) {")
        let (spills, registers) = arguments(signature.parameters, signature.parameters.indices.map { "p\($0)" })
        lines += spills.map { "  " + $0 }
        let call = Self.call(body, env: "env", registers: registers)
        let results = signature.results
        switch results.count {
        case 0:
            lines.append("  \(call);")
        case 1 where !spillsResult(0, results[0]):
            lines.append("  return \(value(results[0], fromWord: call));")
        default:
            lines.append("  uint64_t word = \(call);")
            lines.append("  (void)word;")
            if results.count == 1 {
                lines.append("  return \(spillGet(0, results[0]));")
            } else {
                lines.append("  \(signature.cReturnType) results;")
                lines += receiveResults(results, word: "word", into: results.indices.map { "results.r\($0)" })
                    .map { "  " + $0 }
                lines.append("  return results;")
            }
        }
        lines.append("}")
        return lines.joined(separator: "\n")
    }
}
