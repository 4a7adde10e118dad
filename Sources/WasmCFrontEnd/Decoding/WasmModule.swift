import WasmParser

/// A value type, as wasmc compiles it (`v128` is fixed-width SIMD). `funcref` and `externref`
/// are `(ref null func)` and `(ref null extern)`; every other reference type of typed function
/// references is a `ref`, so each type has one spelling and `==` is type equivalence.
public enum ValueType: Hashable, Sendable, CustomStringConvertible {
    case i32, i64, f32, f64, v128, funcref, externref
    /// A reference to an exception (exception handling, WebAssembly 3.0).
    case exnref
    /// A typed reference (function references): non-null `(ref func)` / `(ref extern)`, or
    /// `(ref $t)` / `(ref null $t)` of a function type.
    case ref(TypedReference)

    public var isReference: Bool {
        switch self {
        case .funcref, .externref, .exnref, .ref: true
        default: false
        }
    }

    /// The letter used in canonical signature strings (see `wasmc_func.type`).
    public var signatureLetter: Character {
        switch self {
        case .i32: "i"
        case .i64: "j"
        case .f32: "f"
        case .f64: "d"
        case .v128: "v"
        case .funcref: "r"
        case .externref: "e"
        case .exnref: "x"
        case .ref(let reference): reference.heap == .extern ? "e" : "r"
        }
    }

    public var description: String {
        switch self {
        case .i32: "i32"
        case .i64: "i64"
        case .f32: "f32"
        case .f64: "f64"
        case .v128: "v128"
        case .funcref: "funcref"
        case .externref: "externref"
        case .exnref: "exnref"
        case .ref(let reference): reference.description
        }
    }
}

/// A function signature.
public struct FunctionSignature: Hashable, Sendable, CustomStringConvertible {
    public var parameters: [ValueType]
    public var results: [ValueType]

    public init(parameters: [ValueType], results: [ValueType]) {
        self.parameters = parameters
        self.results = results
    }

    /// The canonical signature string shared by generated code and the runtime, e.g. `"ij>f"`.
    /// A typed reference spells out its function type (see `ValueType.canonicalCode`), so two
    /// equivalent types give one string, as `call_indirect` and linking compare them.
    public var canonicalString: String {
        parameters.map(\.canonicalCode).joined() + ">" + results.map(\.canonicalCode).joined()
    }

    public var description: String {
        "(\(parameters.map(\.description).joined(separator: ", "))) -> (\(results.map(\.description).joined(separator: ", ")))"
    }
}

/// Table or memory limits, in elements or 64 KiB pages.
public struct Limits: Hashable, Sendable {
    public var min: UInt64
    public var max: UInt64?
    /// A memory of memory64 or a table of table64, whose addresses (indices) are `i64`.
    public var is64 = false

    /// The type of the memory's addresses (and sizes, in pages), or of the table's indices
    /// (and sizes, in elements).
    public var addressType: ValueType { is64 ? .i64 : .i32 }
}

public struct TableType: Hashable, Sendable {
    public var elementType: ValueType
    public var limits: Limits
}

public struct GlobalType: Hashable, Sendable {
    public var valueType: ValueType
    public var isMutable: Bool
}

public enum ExternalKind: String, Sendable {
    case function, table, memory, global
    /// An exception tag (exception handling).
    case tag
}

public struct ModuleImport: Sendable {
    public enum Descriptor: Sendable {
        case function(typeIndex: UInt32)
        case table(TableType)
        case memory(Limits)
        case global(GlobalType)
        /// A tag of the given function type (its parameters are the payload; no results).
        case tag(typeIndex: UInt32)
    }
    public var module: String
    public var name: String
    public var descriptor: Descriptor

    public var kind: ExternalKind {
        switch descriptor {
        case .function: .function
        case .table: .table
        case .memory: .memory
        case .global: .global
        case .tag: .tag
        }
    }
}

public struct ModuleExport: Sendable {
    public var name: String
    public var kind: ExternalKind
    public var index: UInt32
}

/// A constant expression with the byte offset where it starts, for error messages.
public struct ConstantExpression: Sendable {
    public var instructions: [Instruction]
    public var offset: Int
}

public struct DefinedGlobal: Sendable {
    public var type: GlobalType
    public var initializer: ConstantExpression
}

public struct ElementSegmentDefinition: Sendable {
    public enum Mode: Sendable {
        case passive
        case declarative
        case active(table: UInt32, offset: ConstantExpression)
    }
    public var elementType: ValueType
    public var items: [ConstantExpression]
    public var mode: Mode
}

public struct DataSegmentDefinition: Sendable {
    public enum Mode: Sendable {
        case passive
        case active(memory: UInt32, offset: ConstantExpression)
    }
    public var bytes: [UInt8]
    public var mode: Mode
}

/// The code of one defined function, still undecoded.
public struct FunctionBody: Sendable {
    public var locals: [ValueType]
    public var code: Code
    /// Byte offset of the body in the module, for error messages.
    public var offset: Int
}

/// A decoded (not yet validated) module: every section, in spec terms.
public struct WasmModule: Sendable {
    public var types: [FunctionSignature] = []
    public var imports: [ModuleImport] = []
    /// Type index of each defined (non-imported) function.
    public var functionTypeIndices: [UInt32] = []
    public var tables: [TableType] = []
    /// The initializer of each defined table, if it has one (typed function references):
    /// every element starts with its value, otherwise with null.
    public var tableInitializers: [ConstantExpression?] = []
    public var memories: [Limits] = []
    public var globals: [DefinedGlobal] = []
    /// The type index of each defined (non-imported) tag.
    public var tags: [UInt32] = []
    public var exports: [ModuleExport] = []
    public var start: UInt32?
    public var elements: [ElementSegmentDefinition] = []
    public var data: [DataSegmentDefinition] = []
    public var dataCount: UInt32?
    public var bodies: [FunctionBody] = []
    /// Function names from the `name` custom section, by function index.
    public var functionNames: [UInt32: String] = [:]
    public var moduleName: String?

    public init() {}
}
