/// One instruction of a validated body, with every type and index it refers to resolved, so
/// the back end needs nothing else: neither the decoded module nor WasmParser's instructions.
public enum Operation: Hashable, Sendable {
    /// A row of the instruction table (numeric, memory, table and segment instructions) with
    /// its immediates, and the element type of its table (for rows with `element` operands).
    case plain(InstructionRow, Immediates, element: ValueType)

    // Control (spec 3.3.8): block types resolved to signatures.
    case unreachable
    case nop
    case block(FunctionSignature)
    case loop(FunctionSignature)
    case `if`(FunctionSignature)
    case `else`
    case end
    case br(depth: UInt32)
    case brIf(depth: UInt32)
    case brTable(depths: [UInt32], defaultDepth: UInt32)
    case `return`
    case call(function: UInt32, FunctionSignature)
    case callIndirect(table: UInt32, FunctionSignature)
    /// Tail calls (WebAssembly 3.0): the callee replaces the caller's frame; its results are the caller's.
    case returnCall(function: UInt32, FunctionSignature)
    case returnCallIndirect(table: UInt32, FunctionSignature)
    /// `return_call_ref` (with typed function references): the callee's type.
    case returnCallRef(FunctionSignature)

    // Exception handling (WebAssembly 3.0): tags by index, with their payload types.
    /// `try_table`: a block whose body's throws are caught by the clauses, in order.
    case tryTable(FunctionSignature, [CatchClause])
    /// `throw`: the operands are the tag's payload (its type's parameters).
    case `throw`(tag: UInt32, FunctionSignature)
    case throwRef

    // Parametric: the type of the operands, nil in unreachable code where it is unknown.
    case drop
    case select(ValueType?)

    // Variables.
    case localGet(UInt32, ValueType)
    case localSet(UInt32, ValueType)
    case localTee(UInt32, ValueType)
    case globalGet(UInt32, ValueType)
    case globalSet(UInt32, ValueType)

    // Constants, by bit pattern.
    case i32Const(UInt32)
    case i64Const(UInt64)
    case f32Const(bits: UInt32)
    case f64Const(bits: UInt64)
    /// The 16 bytes of a `v128.const`, lane 0 first: the low and high 64 bits.
    case v128Const(low: UInt64, high: UInt64)

    // References: the operand type of `ref.is_null` is nil in unreachable code.
    case refNull(ValueType)
    case refIsNull(ValueType?)
    case refFunc(UInt32)

    // Typed function references: the callee's type; the operand's type (nil when unknown).
    case callRef(FunctionSignature)
    case refAsNonNull(ValueType?)
    case brOnNull(depth: UInt32, ValueType?)
    case brOnNonNull(depth: UInt32, ValueType?)
}

/// A catch clause of `try_table`: which exceptions it catches (a tag, or all) and the label it
/// branches to, a depth counted from outside the `try_table` (as in the binary format).
public enum CatchClause: Hashable, Sendable {
    /// The payload goes to the label.
    case `catch`(tag: UInt32, label: UInt32)
    /// The payload and then the exnref go to the label.
    case catchRef(tag: UInt32, label: UInt32)
    case catchAll(label: UInt32)
    /// The exnref goes to the label.
    case catchAllRef(label: UInt32)

    public var label: UInt32 {
        switch self {
        case .catch(_, let label), .catchRef(_, let label), .catchAll(let label), .catchAllRef(let label): label
        }
    }

    /// The tag caught; nil for catch_all and catch_all_ref.
    public var tag: UInt32? {
        switch self {
        case .catch(let tag, _), .catchRef(let tag, _): tag
        case .catchAll, .catchAllRef: nil
        }
    }

    /// Whether the label also receives the exception as an exnref.
    public var passesReference: Bool {
        switch self {
        case .catchRef, .catchAllRef: true
        case .catch, .catchAll: false
        }
    }
}

/// The value of a validated constant expression (spec 3.3.10).
public enum ConstantValue: Hashable, Sendable {
    case i32(UInt32)
    case i64(UInt64)
    case f32(bits: UInt32)
    case f64(bits: UInt64)
    case v128(low: UInt64, high: UInt64)
    case null(ValueType)
    case function(UInt32)
    /// The value of an (immutable, imported) global.
    case global(UInt32)
    /// Integer arithmetic of the extended-const proposal: `i32.add` … `i64.mul` of two
    /// constants of the operator's type, wrapping as at run time.
    indirect case arithmetic(ConstantOperator, ConstantValue, ConstantValue)
}

/// The arithmetic a constant expression may do (extended constant expressions).
public enum ConstantOperator: String, Hashable, Sendable {
    case i32Add = "i32.add"
    case i32Sub = "i32.sub"
    case i32Mul = "i32.mul"
    case i64Add = "i64.add"
    case i64Sub = "i64.sub"
    case i64Mul = "i64.mul"

    /// The operands' and the result's type.
    public var type: ValueType {
        switch self {
        case .i32Add, .i32Sub, .i32Mul: .i32
        case .i64Add, .i64Sub, .i64Mul: .i64
        }
    }

    /// The C operator; the operands are `uint32_t` or `uint64_t`, so it wraps.
    public var cOperator: String {
        switch self {
        case .i32Add, .i64Add: "+"
        case .i32Sub, .i64Sub: "-"
        case .i32Mul, .i64Mul: "*"
        }
    }
}

/// The low and high 64 bits of the 16 bytes of a `v128.const` (lane 0 is the lowest byte, spec 5.2.2).
func v128Halves(_ bytes: [UInt8]) -> (low: UInt64, high: UInt64) {
    var low: UInt64 = 0
    var high: UInt64 = 0
    for (index, byte) in bytes.enumerated() {
        if index < 8 { low |= UInt64(byte) << (8 * index) } else { high |= UInt64(byte) << (8 * (index - 8)) }
    }
    return (low, high)
}
