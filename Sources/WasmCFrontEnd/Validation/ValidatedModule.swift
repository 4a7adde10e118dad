import WasmParser

/// Why a decoded module is not valid (spec "validation"), or uses a feature wasmc does not compile.
public struct ValidationError: Error, CustomStringConvertible, Sendable {
    /// What was being checked, e.g. `function 3 "fac"`, `global 2`, `export "main"`.
    public var location: String
    /// Byte offset in the module of the instruction or section concerned.
    public var offset: Int
    /// The rule broken, in the spec's words where it has them ("type mismatch", "unknown label").
    public var message: String
    /// The body could not be decoded at all (spec "binary format"), rather than breaking a rule.
    public var isMalformed = false

    public var description: String {
        "\(isMalformed ? "malformed" : "invalid") module: \(message) (in \(location) at offset 0x\(String(offset, radix: 16)))"
    }
}

/// One instruction of a validated body, with what the emitter needs to know about the operand stack.
public struct TypedInstruction: Sendable {
    public var instruction: Instruction
    /// Operand stack height (within the function) before the instruction executes.
    public var height: Int
    /// The type of the operand for instructions whose type is not implied by the opcode
    /// (`drop`, untyped `select`, `ref.is_null`); `nil` in unreachable code.
    public var operandType: ValueType?
    /// The resolved type of `block`, `loop` and `if`.
    public var blockSignature: FunctionSignature?
    public var offset: Int
}

public struct ValidatedFunction: Sendable {
    /// Index in the module's function index space (imports first).
    public var index: UInt32
    public var signature: FunctionSignature
    /// Declared locals, after the parameters.
    public var locals: [ValueType]
    public var body: [TypedInstruction]
}

/// A module that passed validation, with every index space resolved to types.
public struct ValidatedModule: Sendable {
    public var module: WasmModule
    public var functionSignatures: [FunctionSignature]
    public var tables: [TableType]
    public var memories: [Limits]
    public var globals: [GlobalType]
    public var importedFunctionCount: Int
    public var importedTableCount: Int
    public var importedMemoryCount: Int
    public var importedGlobalCount: Int
    public var functions: [ValidatedFunction]

    /// A readable name for function `index`: the export or name-section name, if any.
    public func functionName(_ index: UInt32) -> String? {
        if let name = module.functionNames[index] { return name }
        return module.exports.first { $0.kind == .function && $0.index == index }?.name
    }
}
