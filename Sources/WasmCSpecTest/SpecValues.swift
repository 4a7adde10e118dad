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
        if value.type == "v128" {
            let (low, high, _, _) = try v128(value)
            return .v128(low: low, high: high)
        }
        let scalar = try scalar(of: value)
        switch value.type {
        case "i32": return .i32(try bits32(scalar, value))
        case "f32": return .f32(bits: try bits32(scalar, value))
        case "i64": return .i64(try bits64(scalar, value))
        case "f64": return .f64(bits: try bits64(scalar, value))
        case "externref" where scalar == "null": return .nullExternref
        case "externref": return .externref(try bits64(scalar, value))
        case "funcref" where scalar == "null": return .nullFuncref
        case "exnref" where scalar == "null": return .nullExnref
        default: throw unsupported(value)
        }
    }

    static func expectation(_ value: WastValue) throws(UnsupportedValue) -> SpecExpectation {
        switch (value.type, value.value) {
        case ("refnull", nil): return .nullReference
        // `(ref.func)` / `(ref.extern)` without an index: any non-null reference.
        case ("funcref", nil), ("externref", nil): return .nonNullReference
        case ("v128", _):
            let (low, high, laneBits, nans) = try v128(value)
            return .v128(low: low, high: high, laneBits: laneBits, nans: nans)
        case ("either", _):
            return .either(try (value.values ?? []).map { value throws(UnsupportedValue) in try expectation(value) })
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
        case ("externref", "null"), ("funcref", "null"), ("exnref", "null"): return .nullReference
        case ("externref", _): return .externref(try bits64(scalar, value))
        default: throw unsupported(value)
        }
    }

    /// A v128 of lanes (`lane_type` i8, i16, i32, i64, f32 or f64; each lane a decimal as for
    /// scalars, or a NaN pattern in a float lane): its low and high 64 bits, and for float
    /// shapes with a NaN pattern, the lane width and what each lane must be.
    private static func v128(_ value: WastValue) throws(UnsupportedValue) -> (
        UInt64, UInt64, Int, [SpecExpectation.V128LaneNaN]
    ) {
        guard case .lanes(let lanes) = value.value, let laneType = value.laneType,
            let bits = ["i8": 8, "i16": 16, "i32": 32, "i64": 64, "f32": 32, "f64": 64][laneType],
            lanes.count * bits == 128
        else { throw UnsupportedValue(reason: "unreadable v128 value") }
        var bytes: [UInt8] = []
        var nans: [SpecExpectation.V128LaneNaN] = []
        for lane in lanes {
            var laneValue: UInt64 = 0
            switch lane {
            case "nan:canonical": nans.append(.canonical)
            case "nan:arithmetic": nans.append(.arithmetic)
            default:
                nans.append(.exact)
                if let unsigned = UInt64(lane) {
                    laneValue = unsigned
                } else if let signed = Int64(lane) {
                    laneValue = UInt64(bitPattern: signed)
                } else {
                    throw UnsupportedValue(reason: "unreadable \(laneType) lane \(lane)")
                }
            }
            for k in 0..<(bits / 8) { bytes.append(UInt8(truncatingIfNeeded: laneValue >> (8 * k))) }
        }
        var low: UInt64 = 0
        var high: UInt64 = 0
        for (index, byte) in bytes.enumerated() {
            if index < 8 { low |= UInt64(byte) << (8 * index) } else { high |= UInt64(byte) << (8 * (index - 8)) }
        }
        let hasNaN = nans.contains { $0 != .exact }
        return (low, high, hasNaN ? bits : 0, hasNaN ? nans : [])
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
        case "funcref": UnsupportedValue(reason: "function reference argument")
        case "exnref": UnsupportedValue(reason: "exception reference (exnref)")
        default: UnsupportedValue(reason: "GC reference value (\(value.type))")
        }
    }
}
