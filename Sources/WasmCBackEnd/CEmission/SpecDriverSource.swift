/// A value a spec driver passes to an export: a `wasmc_value` initialiser.
package enum SpecArgument: Sendable, Equatable {
    case i32(UInt32)
    case i64(UInt64)
    /// The bits of an f32 (NaN payloads are kept exactly).
    case f32(bits: UInt32)
    case f64(bits: UInt64)
    case nullFuncref
    case nullExternref
    case nullExnref
    /// A host reference the spectest host makes from a number (`SPEC_EXTERN`).
    case externref(UInt64)
    /// The low and high 64 bits of a v128 (lane 0 in the lowest byte).
    case v128(low: UInt64, high: UInt64)

    /// The C initialiser the driver writes.
    package var c: String {
        switch self {
        case .v128(let low, let high): "{.v128 = {\(low)ull, \(high)ull}}"
        case .i32(let value), .f32(bits: let value): "{.i32 = \(value)u}"
        case .i64(let value), .f64(bits: let value): "{.i64 = \(value)ull}"
        case .nullFuncref: "{.funcref = NULL}"
        case .nullExternref: "{.externref = NULL}"
        case .nullExnref: "{.exnref = NULL}"
        case .externref(let value): "{.externref = SPEC_EXTERN(\(value))}"
        }
    }
}

/// What a spec driver expects of a result or a global: a `spec_expect` initialiser (see
/// runtime-c/spectest/spectest_host.h).
package enum SpecExpectation: Sendable, Equatable {
    case i32(UInt32)
    case i64(UInt64)
    case f32(bits: UInt32)
    case f64(bits: UInt64)
    case f32CanonicalNaN
    case f32ArithmeticNaN
    case f64CanonicalNaN
    case f64ArithmeticNaN
    case nullReference
    /// Any reference but null (`(ref.func)`, `(ref.extern)` without an index).
    case nonNullReference
    case externref(UInt64)
    /// A v128: its 128 bits (`low`, `high`) must match exactly, except for lanes of `nans`
    /// (lanes of `laneBits` bits, 32 or 64), where the lane must be a NaN of that class.
    case v128(low: UInt64, high: UInt64, laneBits: Int = 0, nans: [V128LaneNaN] = [])
    /// Any one of these (`either`: the results relaxed SIMD allows).
    indirect case either([SpecExpectation])

    /// What a float lane of a v128 result must be, when it is a NaN pattern.
    package enum V128LaneNaN: Sendable, Equatable {
        case exact, canonical, arithmetic

        var c: String {
            switch self {
            case .exact: "0"
            case .canonical: "'c'"
            case .arithmetic: "'a'"
            }
        }
    }

    /// Whether the initialiser holds a compound literal (`either`), so it is not a constant.
    var hasAlternatives: Bool {
        if case .either = self { true } else { false }
    }

    /// The C initialiser the driver writes.
    package var c: String {
        switch self {
        case .v128(let low, let high, let laneBits, let nans):
            nans.isEmpty
                ? "{SPEC_V128, \(low)ull, \(high)ull}"
                : "{SPEC_V128, \(low)ull, \(high)ull, \(laneBits), {\(nans.map(\.c).joined(separator: ", "))}}"
        case .either(let alternatives):
            "{SPEC_EITHER, .count = \(alternatives.count), .alternatives = (const spec_expect[]){\(alternatives.map(\.c).joined(separator: ", "))}}"
        case .i32(let value): "{SPEC_I32, \(value)u}"
        case .f32(bits: let value): "{SPEC_F32, \(value)u}"
        case .i64(let value): "{SPEC_I64, \(value)ull}"
        case .f64(bits: let value): "{SPEC_F64, \(value)ull}"
        case .f32CanonicalNaN: "{SPEC_F32_CANONICAL_NAN, 0}"
        case .f32ArithmeticNaN: "{SPEC_F32_ARITHMETIC_NAN, 0}"
        case .f64CanonicalNaN: "{SPEC_F64_CANONICAL_NAN, 0}"
        case .f64ArithmeticNaN: "{SPEC_F64_ARITHMETIC_NAN, 0}"
        case .nullReference: "{SPEC_REF_NULL, 0}"
        case .nonNullReference: "{SPEC_REF_FUNC, 0}"
        case .externref(let value): "{SPEC_REF_EXTERN, \(value)}"
        }
    }
}

/// A command a spec driver executes, in script order. Modules are the translations the
/// driver includes, by index (`wasmc_module_m<index>`); instances are numbered by the script.
package enum SpecDriverCommand: Sendable {
    case module(line: Int, instance: Int, module: Int)
    case register(line: Int, name: String, instance: Int)
    case invoke(line: Int, instance: Int, export: String, arguments: [SpecArgument])
    case assertReturn(line: Int, instance: Int, export: String, arguments: [SpecArgument], expected: [SpecExpectation])
    case assertGet(line: Int, instance: Int, global: String, expected: SpecExpectation)
    case assertTrap(line: Int, instance: Int, export: String, arguments: [SpecArgument], message: String)
    case assertExhaustion(line: Int, instance: Int, export: String, arguments: [SpecArgument])
    /// The call ends with an exception no handler caught (exception handling).
    case assertException(line: Int, instance: Int, export: String, arguments: [SpecArgument])
    case assertUnlinkable(line: Int, module: Int)
    case assertUninstantiable(line: Int, instance: Int, module: Int, message: String)

    /// The script line the command comes from; the driver reports each result by it.
    package var line: Int {
        switch self {
        case .module(let line, _, _), .register(let line, _, _), .invoke(let line, _, _, _),
            .assertReturn(let line, _, _, _, _), .assertGet(let line, _, _, _), .assertTrap(let line, _, _, _, _),
            .assertExhaustion(let line, _, _, _), .assertException(let line, _, _, _), .assertUnlinkable(let line, _),
            .assertUninstantiable(let line, _, _, _):
            return line
        }
    }
}

/// The C program that runs a spec script's commands against the modules' translations, on
/// the spectest host (runtime-c/spectest): it prints `ok LINE` or `fail LINE: why` for each.
package enum SpecDriverSource {
    /// Commands go in functions of at most this many: back ends have passes that grow faster
    /// than linearly with a function's size (ARM's constant islands, AArch64's -O0 instruction
    /// selector), and a script's main with thousands of commands took 5-16 s to compile for
    /// ARM against 0.6 s for x86-64.
    static let commandsPerFunction = 200

    /// The driver's C; `headers` are the prefixes of the translations it includes.
    package static func source(_ commands: [SpecDriverCommand], headers: [String]) -> String {
        var out = ["/* Generated by wasmc spec-test. */", "#include \"spectest_host.h\""]
        for header in headers { out.append("#include \"\(header).h\"") }
        out.append("")
        var parts = 0
        // Arrays are static, but for expectations with alternatives: their compound literals
        // (`SpecExpectation.either`) are not constants, so those arrays live on the stack.
        func array(_ type: String, _ values: [String], _ name: String, isStatic: Bool = true) -> String {
            values.isEmpty
                ? "const \(type) *\(name) = NULL;"
                : "\(isStatic ? "static " : "")const \(type) \(name)[] = {\(values.joined(separator: ", "))};"
        }
        func arguments(_ values: [SpecArgument]) -> String { array("wasmc_value", values.map(\.c), "a") }
        func literal(_ string: String) -> String { CNames.stringLiteral(string) }
        for (index, command) in commands.enumerated() {
            if index % commandsPerFunction == 0 {
                if index > 0 { out.append("}") }
                out.append("static void commands\(parts)(void) {")
                parts += 1
            }
            switch command {
            case .module(let line, let instance, let module):
                out.append("  spec_module(\(line), \(instance), &\(CNames.moduleSymbol("m\(module)")));")
            case .register(let line, let name, let instance):
                out.append("  spec_register(\(line), \(literal(name)), \(instance));")
            case .invoke(let line, let instance, let export, let values):
                out.append("  spec_name(\(export.utf8.count));")
                out.append(
                    "  { \(arguments(values)) spec_invoke(\(line), \(instance), \(literal(export)), a, \(values.count)); }"
                )
            case .assertReturn(let line, let instance, let export, let values, let expected):
                out.append("  spec_name(\(export.utf8.count));")
                out.append(
                    "  { \(arguments(values)) \(array("spec_expect", expected.map(\.c), "e", isStatic: !expected.contains(where: \.hasAlternatives))) spec_assert_return(\(line), \(instance), \(literal(export)), a, \(values.count), e, \(expected.count)); }"
                )
            case .assertGet(let line, let instance, let global, let expected):
                out.append(
                    "  { static const spec_expect e = \(expected.c); spec_assert_get(\(line), \(instance), \(literal(global)), &e); }"
                )
            case .assertTrap(let line, let instance, let export, let values, let message):
                out.append("  spec_name(\(export.utf8.count));")
                out.append(
                    "  { \(arguments(values)) spec_assert_trap(\(line), \(instance), \(literal(export)), a, \(values.count), \(literal(message))); }"
                )
            case .assertExhaustion(let line, let instance, let export, let values):
                out.append("  spec_name(\(export.utf8.count));")
                out.append(
                    "  { \(arguments(values)) spec_assert_exhaustion(\(line), \(instance), \(literal(export)), a, \(values.count)); }"
                )
            case .assertException(let line, let instance, let export, let values):
                out.append("  spec_name(\(export.utf8.count));")
                out.append(
                    "  { \(arguments(values)) spec_assert_exception(\(line), \(instance), \(literal(export)), a, \(values.count)); }"
                )
            case .assertUnlinkable(let line, let module):
                out.append("  spec_assert_unlinkable(\(line), &\(CNames.moduleSymbol("m\(module)")));")
            case .assertUninstantiable(let line, let instance, let module, let message):
                out.append(
                    "  spec_assert_uninstantiable(\(line), \(instance), &\(CNames.moduleSymbol("m\(module)")), \(literal(message)));"
                )
            }
        }
        if parts > 0 { out.append("}") }
        out.append("")
        out.append("int main(void) {")
        out.append("  spec_init();")
        for part in 0..<parts { out.append("  commands\(part)();") }
        out.append("  return 0;")
        out.append("}")
        return out.joined(separator: "\n") + "\n"
    }
}
