import WasmCFrontEnd
import WasmParser

/// C expressions for the numeric operators: one place that fixes their exact semantics.
enum CExpressions {
    static func loadName(_ op: Instruction.Load) -> String {
        switch op {
        case .i32Load: "i32_load"
        case .i64Load: "i64_load"
        case .f32Load: "f32_load"
        case .f64Load: "f64_load"
        case .i32Load8S: "i32_load8_s"
        case .i32Load8U: "i32_load8_u"
        case .i32Load16S: "i32_load16_s"
        case .i32Load16U: "i32_load16_u"
        case .i64Load8S: "i64_load8_s"
        case .i64Load8U: "i64_load8_u"
        case .i64Load16S: "i64_load16_s"
        case .i64Load16U: "i64_load16_u"
        case .i64Load32S: "i64_load32_s"
        case .i64Load32U: "i64_load32_u"
        default: "unsupported_load"
        }
    }

    static func storeName(_ op: Instruction.Store) -> String {
        switch op {
        case .i32Store: "i32_store"
        case .i64Store: "i64_store"
        case .f32Store: "f32_store"
        case .f64Store: "f64_store"
        case .i32Store8: "i32_store8"
        case .i32Store16: "i32_store16"
        case .i64Store8: "i64_store8"
        case .i64Store16: "i64_store16"
        case .i64Store32: "i64_store32"
        default: "unsupported_store"
        }
    }

    /// Float constants are emitted by bit pattern (exact for NaN payloads), with the value as a comment.
    /// Constants ±0 and ±1 stay opaque to clang (see `wasmc_f32_opaque`): they are the ones
    /// that let it fold away an operation that must quiet a signalling NaN.
    static func f32Literal(_ bits: UInt32) -> String {
        let value = Float(bitPattern: bits)
        let function = value == 0 || value.magnitude == 1 ? "wasmc_f32_opaque" : "wasmc_f32_from_bits"
        return "\(function)(0x\(String(bits, radix: 16))u) /* \(value) */"
    }

    static func f64Literal(_ bits: UInt64) -> String {
        let value = Double(bitPattern: bits)
        let function = value == 0 || value.magnitude == 1 ? "wasmc_f64_opaque" : "wasmc_f64_from_bits"
        return "\(function)(0x\(String(bits, radix: 16))ull) /* \(value) */"
    }

    static func comparison(_ op: Instruction.Cmp, _ a: String, _ b: String) -> String {
        switch op {
        case .i32Eq, .i64Eq, .f32Eq, .f64Eq: "\(a) == \(b)"
        case .i32Ne, .i64Ne, .f32Ne, .f64Ne: "\(a) != \(b)"
        case .i32LtS: "(int32_t)\(a) < (int32_t)\(b)"
        case .i32LtU, .i64LtU, .f32Lt, .f64Lt: "\(a) < \(b)"
        case .i32GtS: "(int32_t)\(a) > (int32_t)\(b)"
        case .i32GtU, .i64GtU, .f32Gt, .f64Gt: "\(a) > \(b)"
        case .i32LeS: "(int32_t)\(a) <= (int32_t)\(b)"
        case .i32LeU, .i64LeU, .f32Le, .f64Le: "\(a) <= \(b)"
        case .i32GeS: "(int32_t)\(a) >= (int32_t)\(b)"
        case .i32GeU, .i64GeU, .f32Ge, .f64Ge: "\(a) >= \(b)"
        case .i64LtS: "(int64_t)\(a) < (int64_t)\(b)"
        case .i64GtS: "(int64_t)\(a) > (int64_t)\(b)"
        case .i64LeS: "(int64_t)\(a) <= (int64_t)\(b)"
        case .i64GeS: "(int64_t)\(a) >= (int64_t)\(b)"
        }
    }

    static func unary(_ op: Instruction.Unary, _ a: String) -> String {
        switch op {
        case .i32Clz: "wasmc_i32_clz(\(a))"
        case .i32Ctz: "wasmc_i32_ctz(\(a))"
        case .i32Popcnt: "wasmc_i32_popcnt(\(a))"
        case .i64Clz: "wasmc_i64_clz(\(a))"
        case .i64Ctz: "wasmc_i64_ctz(\(a))"
        case .i64Popcnt: "wasmc_i64_popcnt(\(a))"
        case .i32Extend8S: "(uint32_t)(int32_t)(int8_t)\(a)"
        case .i32Extend16S: "(uint32_t)(int32_t)(int16_t)\(a)"
        case .i64Extend8S: "(uint64_t)(int64_t)(int8_t)\(a)"
        case .i64Extend16S: "(uint64_t)(int64_t)(int16_t)\(a)"
        case .i64Extend32S: "(uint64_t)(int64_t)(int32_t)\(a)"
        case .f32Abs: "wasmc_f32_abs(\(a))"
        case .f32Neg: "wasmc_f32_neg(\(a))"
        case .f32Ceil: "__builtin_ceilf(\(a))"
        case .f32Floor: "__builtin_floorf(\(a))"
        case .f32Trunc: "__builtin_truncf(\(a))"
        case .f32Nearest: "wasmc_f32_nearest(\(a))"
        case .f32Sqrt: "__builtin_sqrtf(\(a))"
        case .f64Abs: "wasmc_f64_abs(\(a))"
        case .f64Neg: "wasmc_f64_neg(\(a))"
        case .f64Ceil: "__builtin_ceil(\(a))"
        case .f64Floor: "__builtin_floor(\(a))"
        case .f64Trunc: "__builtin_trunc(\(a))"
        case .f64Nearest: "wasmc_f64_nearest(\(a))"
        case .f64Sqrt: "__builtin_sqrt(\(a))"
        }
    }

    static func binary(_ op: Instruction.Binary, _ a: String, _ b: String) -> String {
        switch op {
        case .i32Add, .i64Add, .f32Add, .f64Add: "\(a) + \(b)"
        case .i32Sub, .i64Sub, .f32Sub, .f64Sub: "\(a) - \(b)"
        case .i32Mul, .i64Mul, .f32Mul, .f64Mul: "\(a) * \(b)"
        case .f32Div, .f64Div: "\(a) / \(b)"
        case .i32DivS: "wasmc_i32_div_s(\(a), \(b), __func__)"
        case .i32DivU: "wasmc_i32_div_u(\(a), \(b), __func__)"
        case .i32RemS: "wasmc_i32_rem_s(\(a), \(b), __func__)"
        case .i32RemU: "wasmc_i32_rem_u(\(a), \(b), __func__)"
        case .i64DivS: "wasmc_i64_div_s(\(a), \(b), __func__)"
        case .i64DivU: "wasmc_i64_div_u(\(a), \(b), __func__)"
        case .i64RemS: "wasmc_i64_rem_s(\(a), \(b), __func__)"
        case .i64RemU: "wasmc_i64_rem_u(\(a), \(b), __func__)"
        case .i32And, .i64And: "\(a) & \(b)"
        case .i32Or, .i64Or: "\(a) | \(b)"
        case .i32Xor, .i64Xor: "\(a) ^ \(b)"
        case .i32Shl: "\(a) << (\(b) & 31)"
        case .i32ShrS: "(uint32_t)((int32_t)\(a) >> (\(b) & 31))"
        case .i32ShrU: "\(a) >> (\(b) & 31)"
        case .i64Shl: "\(a) << (\(b) & 63)"
        case .i64ShrS: "(uint64_t)((int64_t)\(a) >> (\(b) & 63))"
        case .i64ShrU: "\(a) >> (\(b) & 63)"
        case .i32Rotl: "wasmc_i32_rotl(\(a), \(b))"
        case .i32Rotr: "wasmc_i32_rotr(\(a), \(b))"
        case .i64Rotl: "wasmc_i64_rotl(\(a), \(b))"
        case .i64Rotr: "wasmc_i64_rotr(\(a), \(b))"
        case .f32Min: "wasmc_f32_min(\(a), \(b))"
        case .f32Max: "wasmc_f32_max(\(a), \(b))"
        case .f64Min: "wasmc_f64_min(\(a), \(b))"
        case .f64Max: "wasmc_f64_max(\(a), \(b))"
        case .f32Copysign: "wasmc_f32_copysign(\(a), \(b))"
        case .f64Copysign: "wasmc_f64_copysign(\(a), \(b))"
        }
    }

    static func conversion(_ op: Instruction.Conversion, _ a: String) -> String {
        switch op {
        case .i32WrapI64: "(uint32_t)\(a)"
        case .i32TruncF32S: "(uint32_t)wasmc_i32_trunc_f32_s(\(a), __func__)"
        case .i32TruncF32U: "wasmc_i32_trunc_f32_u(\(a), __func__)"
        case .i32TruncF64S: "(uint32_t)wasmc_i32_trunc_f64_s(\(a), __func__)"
        case .i32TruncF64U: "wasmc_i32_trunc_f64_u(\(a), __func__)"
        case .i64TruncF32S: "(uint64_t)wasmc_i64_trunc_f32_s(\(a), __func__)"
        case .i64TruncF32U: "wasmc_i64_trunc_f32_u(\(a), __func__)"
        case .i64TruncF64S: "(uint64_t)wasmc_i64_trunc_f64_s(\(a), __func__)"
        case .i64TruncF64U: "wasmc_i64_trunc_f64_u(\(a), __func__)"
        case .i32TruncSatF32S: "(uint32_t)wasmc_i32_trunc_f32_s_sat(\(a))"
        case .i32TruncSatF32U: "wasmc_i32_trunc_f32_u_sat(\(a))"
        case .i32TruncSatF64S: "(uint32_t)wasmc_i32_trunc_f64_s_sat(\(a))"
        case .i32TruncSatF64U: "wasmc_i32_trunc_f64_u_sat(\(a))"
        case .i64TruncSatF32S: "(uint64_t)wasmc_i64_trunc_f32_s_sat(\(a))"
        case .i64TruncSatF32U: "wasmc_i64_trunc_f32_u_sat(\(a))"
        case .i64TruncSatF64S: "(uint64_t)wasmc_i64_trunc_f64_s_sat(\(a))"
        case .i64TruncSatF64U: "wasmc_i64_trunc_f64_u_sat(\(a))"
        case .i64ExtendI32S: "(uint64_t)(int64_t)(int32_t)\(a)"
        case .i64ExtendI32U: "(uint64_t)\(a)"
        case .f32ConvertI32S: "(float)(int32_t)\(a)"
        case .f32ConvertI32U: "(float)\(a)"
        case .f32ConvertI64S: "(float)(int64_t)\(a)"
        case .f32ConvertI64U: "(float)\(a)"
        case .f32DemoteF64: "(float)\(a)"
        case .f64ConvertI32S: "(double)(int32_t)\(a)"
        case .f64ConvertI32U: "(double)\(a)"
        case .f64ConvertI64S: "(double)(int64_t)\(a)"
        case .f64ConvertI64U: "(double)\(a)"
        case .f64PromoteF32: "wasmc_f64_promote(\(a))"
        case .i32ReinterpretF32: "wasmc_f32_bits(\(a))"
        case .i64ReinterpretF64: "wasmc_f64_bits(\(a))"
        case .f32ReinterpretI32: "wasmc_f32_from_bits(\(a))"
        case .f64ReinterpretI64: "wasmc_f64_from_bits(\(a))"
        }
    }
}
