/// A value of a script that the C driver cannot express; the assertion is skipped with this reason.
struct UnsupportedValue: Error {
    var reason: String
}

/// Script values as C initialisers of the driver: arguments as `wasmc_value`, expected results
/// as `spec_expect` (see `runtime-c/spectest/spectest_host.h`).
enum SpecValues {
    static func argument(_ value: WastValue) throws(UnsupportedValue) -> String {
        let scalar = try scalar(of: value)
        switch value.type {
        case "i32", "f32": return "{.i32 = \(try bits32(scalar, value))u}"
        case "i64", "f64": return "{.i64 = \(try bits64(scalar, value))ull}"
        case "externref" where scalar == "null": return "{.externref = NULL}"
        case "externref": return "{.externref = SPEC_EXTERN(\(try bits64(scalar, value)))}"
        case "funcref" where scalar == "null": return "{.funcref = NULL}"
        default: throw unsupported(value)
        }
    }

    static func expectation(_ value: WastValue) throws(UnsupportedValue) -> String {
        switch (value.type, value.value) {
        case ("refnull", nil): return "{SPEC_REF_NULL, 0}"
        // `(ref.func)` / `(ref.extern)` without an index: any non-null reference.
        case ("funcref", nil), ("externref", nil): return "{SPEC_REF_FUNC, 0}"
        default: break
        }
        let scalar = try scalar(of: value)
        switch (value.type, scalar) {
        case ("f32", "nan:canonical"): return "{SPEC_F32_CANONICAL_NAN, 0}"
        case ("f32", "nan:arithmetic"): return "{SPEC_F32_ARITHMETIC_NAN, 0}"
        case ("f64", "nan:canonical"): return "{SPEC_F64_CANONICAL_NAN, 0}"
        case ("f64", "nan:arithmetic"): return "{SPEC_F64_ARITHMETIC_NAN, 0}"
        case ("i32", _): return "{SPEC_I32, \(try bits32(scalar, value))u}"
        case ("f32", _): return "{SPEC_F32, \(try bits32(scalar, value))u}"
        case ("i64", _): return "{SPEC_I64, \(try bits64(scalar, value))ull}"
        case ("f64", _): return "{SPEC_F64, \(try bits64(scalar, value))ull}"
        case ("externref", "null"), ("funcref", "null"): return "{SPEC_REF_NULL, 0}"
        case ("externref", _): return "{SPEC_REF_EXTERN, \(try bits64(scalar, value))}"
        default: throw unsupported(value)
        }
    }

    private static func scalar(of value: WastValue) throws(UnsupportedValue) -> String {
        guard case .scalar(let scalar) = value.value else { throw unsupported(value) }
        return scalar
    }

    /// The 32 bits of a decimal that is either unsigned or negative (two's complement).
    private static func bits32(_ text: String, _ value: WastValue) throws(UnsupportedValue) -> UInt32 {
        if let unsigned = UInt32(text) { return unsigned }
        if let signed = Int32(text) { return UInt32(bitPattern: signed) }
        throw UnsupportedValue(reason: "unreadable \(value.type) value \(text)")
    }

    private static func bits64(_ text: String, _ value: WastValue) throws(UnsupportedValue) -> UInt64 {
        if let unsigned = UInt64(text) { return unsigned }
        if let signed = Int64(text) { return UInt64(bitPattern: signed) }
        throw UnsupportedValue(reason: "unreadable \(value.type) value \(text)")
    }

    private static func unsupported(_ value: WastValue) -> UnsupportedValue {
        switch value.type {
        case "v128": UnsupportedValue(reason: "SIMD value (v128)")
        case "either": UnsupportedValue(reason: "alternative results (either)")
        case "funcref": UnsupportedValue(reason: "function reference argument")
        case "exnref": UnsupportedValue(reason: "exception reference (exnref)")
        default: UnsupportedValue(reason: "GC reference value (\(value.type))")
        }
    }
}
