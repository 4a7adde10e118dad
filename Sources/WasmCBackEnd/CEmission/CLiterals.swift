/// C literals for float constants: exact for every bit pattern, NaN payloads included.
///
/// What each instruction becomes is in `InstructionTable` (front end); constants keep their own
/// code because their C depends on the value, not only on the opcode.
enum CLiterals {
    /// A float constant by bit pattern, with the value as a comment. Constants ±0 and ±1 stay
    /// opaque to clang (see `wasmc_f32_opaque`): they are the ones that let it fold away an
    /// operation that must quiet a signalling NaN.
    static func f32(_ bits: UInt32) -> String {
        let value = Float(bitPattern: bits)
        let function = value == 0 || value.magnitude == 1 ? "wasmc_f32_opaque" : "wasmc_f32_from_bits"
        return "\(function)(0x\(String(bits, radix: 16))u) /* \(value) */"
    }

    static func f64(_ bits: UInt64) -> String {
        let value = Double(bitPattern: bits)
        let function = value == 0 || value.magnitude == 1 ? "wasmc_f64_opaque" : "wasmc_f64_from_bits"
        return "\(function)(0x\(String(bits, radix: 16))ull) /* \(value) */"
    }
}
