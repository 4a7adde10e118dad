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
public struct TypedInstruction: Hashable, Sendable {
    public var operation: Operation
    /// Operand stack height (within the function) before the instruction executes.
    public var height: Int
    /// Byte offset of the instruction in the module.
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

/// A data segment with its offset evaluated to a constant.
public struct ValidatedDataSegment: Sendable {
    public enum Mode: Sendable {
        case passive
        case active(memory: UInt32, offset: ConstantValue)
    }
    public var bytes: [UInt8]
    public var mode: Mode
}

/// An element segment with its items and offset evaluated to constants.
public struct ValidatedElementSegment: Sendable {
    public enum Mode: Sendable {
        case passive
        case declarative
        case active(table: UInt32, offset: ConstantValue)
    }
    public var elementType: ValueType
    public var items: [ConstantValue]
    public var mode: Mode
}

/// A module that passed validation, with every index space resolved to types: everything
/// the back end needs, so it never reads the decoded module.
public struct ValidatedModule: Sendable {
    /// The decoded module, for the driver (linking imports and exports); the back end does not read it.
    public var module: WasmModule
    /// The type section.
    public var types: [FunctionSignature]
    public var imports: [ModuleImport]
    public var exports: [ModuleExport]
    public var start: UInt32?
    public var functionSignatures: [FunctionSignature]
    public var tables: [TableType]
    public var memories: [Limits]
    public var globals: [GlobalType]
    /// The initial value of each defined (non-imported) global.
    public var globalInitializers: [ConstantValue]
    public var dataSegments: [ValidatedDataSegment]
    public var elementSegments: [ValidatedElementSegment]
    public var importedFunctionCount: Int
    public var importedTableCount: Int
    public var importedMemoryCount: Int
    public var importedGlobalCount: Int
    public var functions: [ValidatedFunction]
    /// Function names from the `name` custom section, by function index.
    public var functionNames: [UInt32: String]
    /// The type of each tag (exception handling), imported ones first: its parameters are the
    /// exception's payload, its results empty.
    public var tags: [FunctionSignature] = []
    public var importedTagCount = 0
    /// The initial value of every element of each defined table: nil for null (typed function
    /// references let a table declare another, e.g. `(table 10 (ref $t) (ref.func $f))`).
    public var tableInitializers: [ConstantValue?] = []

    /// A readable name for function `index`: the export or name-section name, if any.
    public func functionName(_ index: UInt32) -> String? {
        if let name = functionNames[index] { return name }
        return exports.first { $0.kind == .function && $0.index == index }?.name
    }
}
