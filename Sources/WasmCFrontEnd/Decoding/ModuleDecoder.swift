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
    static let features: WasmFeatureSet = [.referenceTypes, .simd, .multiMemory, .memory64]

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
                            module.types.append(
                                FunctionSignature(
                                    parameters: try type.parameters.map(Self.valueType),
                                    results: try type.results.map(Self.valueType)))
                        }
                    }
                case .importSection(let imports):
                    module.imports = try imports.map(Self.moduleImport)
                case .functionSection(let indices):
                    module.functionTypeIndices = indices
                case .tableSection(let tables):
                    module.tables = try tables.map { table throws(UnsupportedFeature) in
                        guard table.initializer == nil else { throw UnsupportedFeature("table initializers") }
                        return try Self.tableType(table.type)
                    }
                case .memorySection(let memories):
                    module.memories = try memories.map { memory throws(UnsupportedFeature) in
                        try Self.memoryType(memory.type)
                    }
                case .globalSection(let globals):
                    module.globals = try globals.map { global throws(UnsupportedFeature) in
                        DefinedGlobal(
                            type: try Self.globalType(global.type),
                            initializer: ConstantExpression(instructions: global.initializer, offset: sectionOffset))
                    }
                case .tagSection:
                    throw UnsupportedFeature("exception handling (tag section)")
                case .exportSection(let exports):
                    module.exports = try exports.map(Self.moduleExport)
                case .startSection(let index):
                    module.start = index
                case .elementSection(let segments):
                    try ElementSegmentFlags.check(bytes, sectionStart: sectionOffset)
                    module.elements = try segments.map { segment throws(UnsupportedFeature) in
                        try Self.elementSegment(segment, offset: sectionOffset)
                    }
                case .codeSection(let codes):
                    module.bodies = try codes.map { code throws(UnsupportedFeature) in
                        FunctionBody(
                            locals: try code.locals.map(Self.valueType), code: code,
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

    static func valueType(_ type: WasmTypes.ValueType) throws(UnsupportedFeature) -> ValueType {
        switch type {
        case .i32: return .i32
        case .i64: return .i64
        case .f32: return .f32
        case .f64: return .f64
        case .v128: return .v128
        case .ref(let reference): return try referenceType(reference)
        }
    }

    static func referenceType(_ reference: WasmTypes.ReferenceType) throws(UnsupportedFeature) -> ValueType {
        guard reference.isNullable else { throw UnsupportedFeature("non-nullable references") }
        switch reference.heapType {
        case .abstract(.funcRef): return .funcref
        case .abstract(.externRef): return .externref
        default: throw UnsupportedFeature("reference type \(reference)")
        }
    }

    static func memoryType(_ limits: WasmParser.Limits) throws(UnsupportedFeature) -> Limits {
        guard !limits.shared else { throw UnsupportedFeature("shared memory (threads)") }
        return Limits(min: limits.min, max: limits.max, is64: limits.isMemory64)
    }

    static func tableType(_ type: WasmParser.TableType) throws(UnsupportedFeature) -> TableType {
        guard !type.limits.shared else { throw UnsupportedFeature("shared tables (threads)") }
        return TableType(
            elementType: try referenceType(type.elementType),
            limits: Limits(min: type.limits.min, max: type.limits.max, is64: type.limits.isMemory64))
    }

    static func globalType(_ type: WasmParser.GlobalType) throws(UnsupportedFeature) -> GlobalType {
        GlobalType(valueType: try valueType(type.valueType), isMutable: type.mutability == .variable)
    }

    static func moduleImport(_ entry: Import) throws(UnsupportedFeature) -> ModuleImport {
        let descriptor: ModuleImport.Descriptor
        switch entry.descriptor {
        case .function(let typeIndex): descriptor = .function(typeIndex: typeIndex)
        case .table(let type): descriptor = .table(try tableType(type))
        case .memory(let type): descriptor = .memory(try memoryType(type))
        case .global(let type): descriptor = .global(try globalType(type))
        case .tag: throw UnsupportedFeature("exception handling (tag import)")
        }
        return ModuleImport(module: entry.module, name: entry.name, descriptor: descriptor)
    }

    static func moduleExport(_ entry: Export) throws(UnsupportedFeature) -> ModuleExport {
        switch entry.descriptor {
        case .function(let index): return ModuleExport(name: entry.name, kind: .function, index: index)
        case .table(let index): return ModuleExport(name: entry.name, kind: .table, index: index)
        case .memory(let index): return ModuleExport(name: entry.name, kind: .memory, index: index)
        case .global(let index): return ModuleExport(name: entry.name, kind: .global, index: index)
        case .tag: throw UnsupportedFeature("exception handling (tag export)")
        }
    }

    static func elementSegment(_ segment: ElementSegment, offset: Int) throws(UnsupportedFeature)
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
            elementType: try referenceType(segment.type),
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
