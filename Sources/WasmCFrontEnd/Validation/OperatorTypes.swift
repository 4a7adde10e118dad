import WasmParser

/// Operand and result types of the fixed-type numeric and memory operators
/// (spec 2.0, "Instructions" validation rules), shared by the validator and the emitter.
package enum OperatorTypes {
    /// `(operand, result)` of a comparison; `nil` for proposals wasmc does not support.
    package static func comparison(_ op: Instruction.Cmp) -> ValueType {
        switch op {
        case .i32Eq, .i32Ne, .i32LtS, .i32LtU, .i32GtS, .i32GtU, .i32LeS, .i32LeU, .i32GeS, .i32GeU: .i32
        case .i64Eq, .i64Ne, .i64LtS, .i64LtU, .i64GtS, .i64GtU, .i64LeS, .i64LeU, .i64GeS, .i64GeU: .i64
        case .f32Eq, .f32Ne, .f32Lt, .f32Gt, .f32Le, .f32Ge: .f32
        case .f64Eq, .f64Ne, .f64Lt, .f64Gt, .f64Le, .f64Ge: .f64
        }
    }

    /// Operand type of a unary operator; its result has the same type.
    package static func unary(_ op: Instruction.Unary) -> ValueType {
        switch op {
        case .i32Clz, .i32Ctz, .i32Popcnt, .i32Extend8S, .i32Extend16S: .i32
        case .i64Clz, .i64Ctz, .i64Popcnt, .i64Extend8S, .i64Extend16S, .i64Extend32S: .i64
        case .f32Abs, .f32Neg, .f32Ceil, .f32Floor, .f32Trunc, .f32Nearest, .f32Sqrt: .f32
        case .f64Abs, .f64Neg, .f64Ceil, .f64Floor, .f64Trunc, .f64Nearest, .f64Sqrt: .f64
        }
    }

    /// Operand type of a binary operator; its result has the same type.
    package static func binary(_ op: Instruction.Binary) -> ValueType {
        switch op {
        case .i32Add, .i32Sub, .i32Mul, .i32DivS, .i32DivU, .i32RemS, .i32RemU, .i32And, .i32Or, .i32Xor,
            .i32Shl, .i32ShrS, .i32ShrU, .i32Rotl, .i32Rotr:
            .i32
        case .i64Add, .i64Sub, .i64Mul, .i64DivS, .i64DivU, .i64RemS, .i64RemU, .i64And, .i64Or, .i64Xor,
            .i64Shl, .i64ShrS, .i64ShrU, .i64Rotl, .i64Rotr:
            .i64
        case .f32Add, .f32Sub, .f32Mul, .f32Div, .f32Min, .f32Max, .f32Copysign: .f32
        case .f64Add, .f64Sub, .f64Mul, .f64Div, .f64Min, .f64Max, .f64Copysign: .f64
        }
    }

    /// `(operand, result)` of a conversion.
    package static func conversion(_ op: Instruction.Conversion) -> (ValueType, ValueType) {
        switch op {
        case .i32WrapI64: (.i64, .i32)
        case .i32TruncF32S, .i32TruncF32U, .i32TruncSatF32S, .i32TruncSatF32U, .i32ReinterpretF32: (.f32, .i32)
        case .i32TruncF64S, .i32TruncF64U, .i32TruncSatF64S, .i32TruncSatF64U: (.f64, .i32)
        case .i64ExtendI32S, .i64ExtendI32U: (.i32, .i64)
        case .i64TruncF32S, .i64TruncF32U, .i64TruncSatF32S, .i64TruncSatF32U: (.f32, .i64)
        case .i64TruncF64S, .i64TruncF64U, .i64TruncSatF64S, .i64TruncSatF64U, .i64ReinterpretF64: (.f64, .i64)
        case .f32ConvertI32S, .f32ConvertI32U, .f32ReinterpretI32: (.i32, .f32)
        case .f32ConvertI64S, .f32ConvertI64U: (.i64, .f32)
        case .f32DemoteF64: (.f64, .f32)
        case .f64ConvertI32S, .f64ConvertI32U: (.i32, .f64)
        case .f64ConvertI64S, .f64ConvertI64U, .f64ReinterpretI64: (.i64, .f64)
        case .f64PromoteF32: (.f32, .f64)
        }
    }

    /// Value type and access width in bytes of a load; `nil` for SIMD and atomic loads.
    package static func load(_ op: Instruction.Load) -> (type: ValueType, bytes: UInt32)? {
        switch op {
        case .i32Load: (.i32, 4)
        case .i64Load: (.i64, 8)
        case .f32Load: (.f32, 4)
        case .f64Load: (.f64, 8)
        case .i32Load8S, .i32Load8U: (.i32, 1)
        case .i32Load16S, .i32Load16U: (.i32, 2)
        case .i64Load8S, .i64Load8U: (.i64, 1)
        case .i64Load16S, .i64Load16U: (.i64, 2)
        case .i64Load32S, .i64Load32U: (.i64, 4)
        default: nil
        }
    }

    /// Value type and access width in bytes of a store; `nil` for SIMD and atomic stores.
    package static func store(_ op: Instruction.Store) -> (type: ValueType, bytes: UInt32)? {
        switch op {
        case .i32Store: (.i32, 4)
        case .i64Store: (.i64, 8)
        case .f32Store: (.f32, 4)
        case .f64Store: (.f64, 8)
        case .i32Store8: (.i32, 1)
        case .i32Store16: (.i32, 2)
        case .i64Store8: (.i64, 1)
        case .i64Store16: (.i64, 2)
        case .i64Store32: (.i64, 4)
        default: nil
        }
    }
}
