import WasmC
import WasmCBackEnd
import WasmCFrontEnd

/// A value of a script that the C driver cannot express; the assertion is skipped with this reason.
struct UnsupportedValue: Error {
    var reason: String
}

/// Script values as the driver's arguments and expected results (the back end writes them as
/// C: `SpecDriverSource`).
enum SpecValues {
    static func argument(_ value: WastValue) throws(UnsupportedValue) -> SpecArgument {
        let scalar = try scalar(of: value)
        switch value.type {
        case "i32": return .i32(try bits32(scalar, value))
        case "f32": return .f32(bits: try bits32(scalar, value))
        case "i64": return .i64(try bits64(scalar, value))
        case "f64": return .f64(bits: try bits64(scalar, value))
        case "externref" where scalar == "null": return .nullExternref
        case "externref": return .externref(try bits64(scalar, value))
        case "funcref" where scalar == "null": return .nullFuncref
        default: throw unsupported(value)
        }
    }

    static func expectation(_ value: WastValue) throws(UnsupportedValue) -> SpecExpectation {
        switch (value.type, value.value) {
        case ("refnull", nil): return .nullReference
        // `(ref.func)` / `(ref.extern)` without an index: any non-null reference.
        case ("funcref", nil), ("externref", nil): return .nonNullReference
        default: break
        }
        let scalar = try scalar(of: value)
        switch (value.type, scalar) {
        case ("f32", "nan:canonical"): return .f32CanonicalNaN
        case ("f32", "nan:arithmetic"): return .f32ArithmeticNaN
        case ("f64", "nan:canonical"): return .f64CanonicalNaN
        case ("f64", "nan:arithmetic"): return .f64ArithmeticNaN
        case ("i32", _): return .i32(try bits32(scalar, value))
        case ("f32", _): return .f32(bits: try bits32(scalar, value))
        case ("i64", _): return .i64(try bits64(scalar, value))
        case ("f64", _): return .f64(bits: try bits64(scalar, value))
        case ("externref", "null"), ("funcref", "null"): return .nullReference
        case ("externref", _): return .externref(try bits64(scalar, value))
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
