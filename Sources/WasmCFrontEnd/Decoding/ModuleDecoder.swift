import WasmParser
import WasmTypes

/// Why a `.wasm` binary could not be decoded: it is malformed (spec "binary format").
public struct DecodingError: Error, CustomStringConvertible, Sendable {
    /// The section being read, e.g. "code" or "header".
    public var section: String
    /// Byte offset of that section in the file.
    public var offset: Int
    public var message: String
    /// Byte offset of the problem itself, when the parser knows it.
    public var problemOffset: Int? = nil

    public var description: String {
        let at = "offset 0x\(String(problemOffset ?? offset, radix: 16))"
        let place =
            section == "header"
            ? "in the header at \(at)"
            : section.hasPrefix("unknown") ? "at \(at)" : "in the \(section) section at \(at)"
        return "malformed module: \(message) (\(place))"
    }
}

/// Decodes a binary module with WasmKit's `WasmParser` into a `WasmModule`.
///
/// WebAssembly 2.0 with fixed-width and relaxed SIMD, and of WebAssembly 3.0 multiple memories,
/// 64-bit memories and extended constant expressions, are accepted; anything else is reported as
/// malformed here or as unsupported by the validator.
public struct ModuleDecoder {
    /// The proposals WasmParser is asked to read (the rest of WebAssembly 2.0 needs no flag).
    /// With multi-memory, `memory.size` and `memory.grow` carry a memory index (a LEB128
    /// number) where WebAssembly 2.0 had a zero byte, and a memarg may name a memory.
    /// With memory64, a memarg's offset is read as a 64-bit number (validation bounds it by
    /// the memory's address type) and limits may say `i64`, for memories and tables (table64).
    /// With tail calls, `return_call` and `return_call_indirect` decode.
    /// With typed function references, value types may be `(ref $t)`, a table may have an
    /// initializer, and an element segment of function indices has type `(ref func)`.
    /// With exception handling, the tag section, tag imports and exports, `exnref`, `throw`,
    /// `throw_ref` and `try_table` decode.
    static let features: WasmFeatureSet = [
        .referenceTypes, .simd, .multiMemory, .memory64, .tailCall, .functionReferences, .exceptionHandling,
    ]

    public init() {}

    public func decode(_ bytes: [UInt8]) throws(DecodingError) -> WasmModule {
        var parser = Parser(bytes: bytes, features: Self.features)
        var module = WasmModule()
        var sectionOffset = 0
        var sectionName = "header"

        func fail(_ message: String) -> DecodingError {
            DecodingError(section: sectionName, offset: sectionOffset, message: message)
        }

        while true {
            sectionOffset = parser.offset
            if sectionOffset >= 8, sectionOffset < bytes.count {
                sectionName = Self.sectionName(id: bytes[sectionOffset])
            }
            let payload: ParsingPayload?
            do {
                payload = try parser.parseNext()
            } catch {
                let wording = ParserErrorWording.describe(error)
                var failure = fail(wording.message)
                failure.problemOffset = wording.offset
                throw failure
            }
            guard let payload else { break }
            do {
                switch payload {
                case .header:
                    break
                case .customSection(let section):
                    if section.name == "name" { Self.readNames(section.bytes, into: &module) }
                case .typeSection(let groups):
                    for group in groups {
                        for subtype in group.types {
                            guard group.types.count == 1, subtype.supertypes.isEmpty,
                                case .function(let type) = subtype.body
                            else { throw UnsupportedFeature("garbage-collected types") }
                            // A type may name only the types before it (function references
                            // without GC's recursive groups).
                            let earlier = module.types
                            module.types.append(
                                FunctionSignature(
                                    parameters: try type.parameters.map { try Self.valueType($0, types: earlier) },
                                    results: try type.results.map { try Self.valueType($0, types: earlier) }))
                        }
                    }
                case .importSection(let imports):
                    module.imports = try imports.map { try Self.moduleImport($0, types: module.types) }
                case .functionSection(let indices):
                    module.functionTypeIndices = indices
                case .tableSection(let tables):
                    module.tables = try tables.map { table in try Self.tableType(table.type, types: module.types) }
                    module.tableInitializers = tables.map { table in
                        table.initializer.map { ConstantExpression(instructions: $0, offset: sectionOffset) }
                    }
                case .memorySection(let memories):
                    module.memories = try memories.map { memory throws(UnsupportedFeature) in
                        try Self.memoryType(memory.type)
                    }
                case .globalSection(let globals):
                    module.globals = try globals.map { global in
                        DefinedGlobal(
                            type: try Self.globalType(global.type, types: module.types),
                            initializer: ConstantExpression(instructions: global.initializer, offset: sectionOffset))
                    }
                case .tagSection(let tags):
                    module.tags = tags.map(\.type)
                case .exportSection(let exports):
                    module.exports = try exports.map(Self.moduleExport)
                case .startSection(let index):
                    module.start = index
                case .elementSection(let segments):
                    try ElementSegmentFlags.check(bytes, sectionStart: sectionOffset)
                    module.elements = try segments.map { segment in
                        try Self.elementSegment(segment, offset: sectionOffset, types: module.types)
                    }
                case .codeSection(let codes):
                    module.bodies = try codes.map { code in
                        FunctionBody(
                            locals: try code.locals.map { try Self.valueType($0, types: module.types) }, code: code,
                            offset: ExpressionParser(code: code).offset)
                    }
                case .dataSection(let segments):
                    module.data = segments.map { segment in
                        switch segment {
                        case .passive(let bytes):
                            return DataSegmentDefinition(bytes: Array(bytes), mode: .passive)
                        case .active(let active):
                            return DataSegmentDefinition(
                                bytes: Array(active.initializer),
                                mode: .active(
                                    memory: active.index,
                                    offset: ConstantExpression(instructions: active.offset, offset: sectionOffset)))
                        }
                    }
                case .dataCount(let count):
                    module.dataCount = count
                }
            } catch let error as UnsupportedFeature {
                throw fail("unsupported feature: \(error.feature)")
            } catch let error as UnknownType {
                throw fail("unknown type \(error.index)")
            } catch let error as DecodingError {
                throw error
            } catch {
                throw fail("\(error)")
            }
        }

        sectionName = "code"
        if module.functionTypeIndices.count != module.bodies.count {
            throw fail(
                "function and code section have inconsistent lengths (\(module.functionTypeIndices.count) functions, \(module.bodies.count) bodies)"
            )
        }
        if let count = module.dataCount, count != module.data.count {
            sectionName = "data count"
            throw fail("data count and data section have inconsistent lengths (\(count) vs \(module.data.count))")
        }
        return module
    }

    struct UnsupportedFeature: Error {
        var feature: String
        init(_ feature: String) { self.feature = feature }
    }

    /// A reference type names a type index that is not defined (before it).
    struct UnknownType: Error {
        var index: UInt32
    }

    static func sectionName(id: UInt8) -> String {
        switch id {
        case 0: "custom"
        case 1: "type"
        case 2: "import"
        case 3: "function"
        case 4: "table"
        case 5: "memory"
        case 6: "global"
        case 7: "export"
        case 8: "start"
        case 9: "element"
        case 10: "code"
        case 11: "data"
        case 12: "data count"
        case 13: "tag"
        default: "unknown (id \(id))"
        }
    }

    /// A value type, its type indices resolved in `types` (the types a typed reference may name).
    static func valueType(_ type: WasmTypes.ValueType, types: [FunctionSignature]) throws -> ValueType {
        switch type {
        case .i32: return .i32
        case .i64: return .i64
        case .f32: return .f32
        case .f64: return .f64
        case .v128: return .v128
        case .ref(let reference): return try referenceType(reference, types: types)
        }
    }

    static func referenceType(_ reference: WasmTypes.ReferenceType, types: [FunctionSignature]) throws -> ValueType {
        if case .abstract(.exnRef) = reference.heapType, reference.isNullable { return .exnref }
        return TypedReference(isNullable: reference.isNullable, heap: try heapType(reference.heapType, types: types)).valueType
    }

    /// The heap type of a reference: `func`, `extern` or a function type (typed function references).
    static func heapType(_ heap: WasmTypes.HeapType, types: [FunctionSignature]) throws -> TypedReference.Heap {
        switch heap {
        case .abstract(.funcRef): return .func
        case .abstract(.externRef): return .extern
        case .concrete(let index):
            guard index < types.count else { throw UnknownType(index: index) }
            return .function(types[Int(index)])
        default: throw UnsupportedFeature("reference type \(heap)")
        }
    }

    static func memoryType(_ limits: WasmParser.Limits) throws(UnsupportedFeature) -> Limits {
        guard !limits.shared else { throw UnsupportedFeature("shared memory (threads)") }
        return Limits(min: limits.min, max: limits.max, is64: limits.isMemory64)
    }

    static func tableType(_ type: WasmParser.TableType, types: [FunctionSignature]) throws -> TableType {
        guard !type.limits.shared else { throw UnsupportedFeature("shared tables (threads)") }
        return TableType(
            elementType: try referenceType(type.elementType, types: types),
            limits: Limits(min: type.limits.min, max: type.limits.max, is64: type.limits.isMemory64))
    }

    static func globalType(_ type: WasmParser.GlobalType, types: [FunctionSignature]) throws -> GlobalType {
        GlobalType(valueType: try valueType(type.valueType, types: types), isMutable: type.mutability == .variable)
    }

    static func moduleImport(_ entry: Import, types: [FunctionSignature]) throws -> ModuleImport {
        let descriptor: ModuleImport.Descriptor
        switch entry.descriptor {
        case .function(let typeIndex): descriptor = .function(typeIndex: typeIndex)
        case .table(let type): descriptor = .table(try tableType(type, types: types))
        case .memory(let type): descriptor = .memory(try memoryType(type))
        case .global(let type): descriptor = .global(try globalType(type, types: types))
        case .tag(let typeIndex): descriptor = .tag(typeIndex: typeIndex)
        }
        return ModuleImport(module: entry.module, name: entry.name, descriptor: descriptor)
    }

    static func moduleExport(_ entry: Export) throws(UnsupportedFeature) -> ModuleExport {
        switch entry.descriptor {
        case .function(let index): return ModuleExport(name: entry.name, kind: .function, index: index)
        case .table(let index): return ModuleExport(name: entry.name, kind: .table, index: index)
        case .memory(let index): return ModuleExport(name: entry.name, kind: .memory, index: index)
        case .global(let index): return ModuleExport(name: entry.name, kind: .global, index: index)
        case .tag(let index): return ModuleExport(name: entry.name, kind: .tag, index: index)
        }
    }

    static func elementSegment(_ segment: ElementSegment, offset: Int, types: [FunctionSignature]) throws
        -> ElementSegmentDefinition
    {
        let mode: ElementSegmentDefinition.Mode
        switch segment.mode {
        case .passive: mode = .passive
        case .declarative: mode = .declarative
        case .active(let table, let expression):
            mode = .active(table: table, offset: ConstantExpression(instructions: expression, offset: offset))
        }
        return ElementSegmentDefinition(
            elementType: try referenceType(segment.type, types: types),
            items: segment.initializer.map { ConstantExpression(instructions: $0, offset: offset) },
            mode: mode)
    }

    /// The name section is advisory: a damaged one is ignored, as the spec requires.
    static func readNames(_ bytes: ArraySlice<UInt8>, into module: inout WasmModule) {
        var parser = NameSectionParser(stream: StaticByteStreamSource(bytes: bytes))
        guard let names = try? parser.parseAll() else { return }
        for entry in names {
            switch entry {
            case .moduleName(let name): module.moduleName = name
            case .functions(let map): module.functionNames = map
            default: break
            }
        }
    }
}
