import WasmParser

/// Validates a decoded module against the WebAssembly 2.0 rules (spec section 3.4, "Modules").
public struct ModuleValidator {
    public init() {}

    public func validate(_ module: WasmModule) throws(ValidationError) -> ValidatedModule {
        var functions: [FunctionSignature] = []
        var tables: [TableType] = []
        var memories: [Limits] = []
        var globals: [GlobalType] = []
        var tags: [FunctionSignature] = []

        func fail(_ location: String, _ message: String, offset: Int = 0) -> ValidationError {
            ValidationError(location: location, offset: offset, message: message)
        }
        func signature(_ typeIndex: UInt32, _ location: String) throws(ValidationError) -> FunctionSignature {
            guard typeIndex < module.types.count else { throw fail(location, "unknown type \(typeIndex)") }
            return module.types[Int(typeIndex)]
        }
        /// A tag's type: a function type without results (exception handling).
        func tagType(_ typeIndex: UInt32, _ location: String) throws(ValidationError) -> FunctionSignature {
            let type = try signature(typeIndex, location)
            guard type.results.isEmpty else { throw fail(location, "non-empty tag result type") }
            return type
        }

        for (i, entry) in module.imports.enumerated() {
            let location = "import \(i) \"\(entry.module)\" \"\(entry.name)\""
            switch entry.descriptor {
            case .function(let typeIndex): functions.append(try signature(typeIndex, location))
            case .table(let type):
                try Self.checkTableLimits(type.limits, location)
                try Self.checkTableElements(type, location)
                tables.append(type)
            case .memory(let limits):
                try Self.checkMemoryLimits(limits, location)
                memories.append(limits)
            case .global(let type): globals.append(type)
            case .tag(let typeIndex): tags.append(try tagType(typeIndex, location))
            }
        }
        let importedFunctionCount = functions.count
        let importedTableCount = tables.count
        let importedMemoryCount = memories.count
        let importedGlobalCount = globals.count
        let importedGlobals = globals
        let importedTagCount = tags.count
        for (i, typeIndex) in module.tags.enumerated() {
            tags.append(try tagType(typeIndex, "tag \(importedTagCount + i)"))
        }

        for (i, typeIndex) in module.functionTypeIndices.enumerated() {
            functions.append(try signature(typeIndex, "function \(importedFunctionCount + i)"))
        }
        for (i, table) in module.tables.enumerated() {
            try Self.checkTableLimits(table.limits, "table \(importedTableCount + i)")
            try Self.checkTableElements(table, "table \(importedTableCount + i)")
            tables.append(table)
        }
        for (i, limits) in module.memories.enumerated() {
            try Self.checkMemoryLimits(limits, "memory \(importedMemoryCount + i)")
            memories.append(limits)
        }

        // C.refs: functions a body may name with ref.func (spec 3.4.10).
        var declaredReferences = Set<UInt32>()
        func collectReferences(_ expression: ConstantExpression) {
            for instruction in expression.instructions {
                if case .refFunc(let index) = instruction { declaredReferences.insert(index) }
            }
        }
        module.globals.forEach { collectReferences($0.initializer) }
        module.elements.forEach { $0.items.forEach(collectReferences) }
        module.tableInitializers.forEach { $0.map(collectReferences) }
        for export in module.exports where export.kind == .function { declaredReferences.insert(export.index) }

        // Constant expressions see only imported globals in WebAssembly 2.0.
        let constantContext = ConstantContext(functions: functions, globals: importedGlobals, types: module.types)
        // A table of a non-null type needs an initializer; with one, every element starts with its value.
        var tableInitializers: [ConstantValue?] = []
        for (i, table) in module.tables.enumerated() {
            let location = "table \(importedTableCount + i)"
            guard i < module.tableInitializers.count, let initializer = module.tableInitializers[i] else {
                guard table.elementType.isDefaultable else {
                    throw fail(location, "type mismatch: a table of \(table.elementType) needs an initializer")
                }
                tableInitializers.append(nil)
                continue
            }
            tableInitializers.append(try constantContext.check(initializer, type: table.elementType, location: location))
        }
        var globalInitializers: [ConstantValue] = []
        for (i, global) in module.globals.enumerated() {
            let location = "global \(importedGlobalCount + i)"
            globalInitializers.append(
                try constantContext.check(global.initializer, type: global.type.valueType, location: location))
            globals.append(global.type)
        }

        var elementSegments: [ValidatedElementSegment] = []
        for (i, segment) in module.elements.enumerated() {
            let location = "elem segment \(i)"
            var items: [ConstantValue] = []
            items.reserveCapacity(segment.items.count)
            for item in segment.items {
                items.append(try constantContext.check(item, type: segment.elementType, location: location))
            }
            let mode: ValidatedElementSegment.Mode
            switch segment.mode {
            case .passive: mode = .passive
            case .declarative: mode = .declarative
            case .active(let tableIndex, let offset):
                guard tableIndex < tables.count else {
                    throw fail(location, "unknown table \(tableIndex)", offset: offset.offset)
                }
                guard segment.elementType.isSubtype(of: tables[Int(tableIndex)].elementType) else {
                    throw fail(location, "type mismatch: element type differs from the table's", offset: offset.offset)
                }
                // The offset has the table's index type (i64 for table64).
                let offsetType = tables[Int(tableIndex)].limits.addressType
                mode = .active(
                    table: tableIndex, offset: try constantContext.check(offset, type: offsetType, location: location))
            }
            elementSegments.append(ValidatedElementSegment(elementType: segment.elementType, items: items, mode: mode))
        }
        var dataSegments: [ValidatedDataSegment] = []
        for (i, segment) in module.data.enumerated() {
            switch segment.mode {
            case .passive:
                dataSegments.append(ValidatedDataSegment(bytes: segment.bytes, mode: .passive))
            case .active(let memoryIndex, let offset):
                let location = "data segment \(i)"
                guard memoryIndex < memories.count else {
                    throw fail(location, "unknown memory \(memoryIndex)", offset: offset.offset)
                }
                let value = try constantContext.check(
                    offset, type: memories[Int(memoryIndex)].addressType, location: location)
                dataSegments.append(
                    ValidatedDataSegment(bytes: segment.bytes, mode: .active(memory: memoryIndex, offset: value)))
            }
        }

        if let start = module.start {
            guard start < functions.count else { throw fail("start section", "unknown function \(start)") }
            let type = functions[Int(start)]
            guard type.parameters.isEmpty, type.results.isEmpty else {
                throw fail("start section", "start function must have type [] -> [], not \(type)")
            }
        }

        // Names compare as bytes: Swift's String equality would merge canonically equivalent names.
        var exportNames = Set<[UInt8]>()
        for export in module.exports {
            let location = "export \"\(export.name)\""
            guard exportNames.insert(Array(export.name.utf8)).inserted else {
                throw fail(location, "duplicate export name")
            }
            let count: Int
            switch export.kind {
            case .function: count = functions.count
            case .table: count = tables.count
            case .memory: count = memories.count
            case .global: count = globals.count
            case .tag: count = tags.count
            }
            guard export.index < count else { throw fail(location, "unknown \(export.kind.rawValue) \(export.index)") }
        }

        let context = ValidationContext(
            types: module.types, functions: functions, tables: tables, memories: memories, globals: globals,
            elementTypes: module.elements.map(\.elementType), dataCount: module.dataCount,
            declaredReferences: declaredReferences, tags: tags)
        var validated: [ValidatedFunction] = []
        validated.reserveCapacity(module.bodies.count)
        for (i, body) in module.bodies.enumerated() {
            let index = UInt32(importedFunctionCount + i)
            let signature = functions[Int(index)]
            var location = "function \(index)"
            if let name = module.functionNames[index] { location += " \"\(name)\"" }
            var validator = FunctionValidator(
                context: context, signature: signature, locals: body.locals, location: location)
            let instructions = try validator.validate(body)
            validated.append(
                ValidatedFunction(index: index, signature: signature, locals: body.locals, body: instructions))
        }
        try Self.checkTailCallLimits(types: module.types, functions: validated)

        var validatedModule = ValidatedModule(
            module: module, types: module.types, imports: module.imports, exports: module.exports, start: module.start,
            functionSignatures: functions, tables: tables, memories: memories, globals: globals,
            globalInitializers: globalInitializers, dataSegments: dataSegments, elementSegments: elementSegments,
            importedFunctionCount: importedFunctionCount, importedTableCount: importedTableCount,
            importedMemoryCount: importedMemoryCount, importedGlobalCount: importedGlobalCount,
            functions: validated, functionNames: module.functionNames, tableInitializers: tableInitializers)
        validatedModule.tags = tags
        validatedModule.importedTagCount = importedTagCount
        return validatedModule
    }

    static func checkTableLimits(_ limits: Limits, _ location: String) throws(ValidationError) {
        if let max = limits.max, limits.min > max {
            throw ValidationError(
                location: location, offset: 0, message: "size minimum must not be greater than maximum")
        }
    }

    /// Tables of exnref are valid, but wasmc does not compile them yet: their elements would
    /// have to pin the exceptions they hold (see docs/exceptions-and-tail-calls.md).
    static func checkTableElements(_ table: TableType, _ location: String) throws(ValidationError) {
        guard table.elementType != .exnref else {
            throw ValidationError(
                location: location, offset: 0, message: "unsupported feature: tables of exnref (exception handling)")
        }
    }

    static func checkMemoryLimits(_ limits: Limits, _ location: String) throws(ValidationError) {
        // 2^16 pages of 64 KiB fill a 32-bit address space, 2^48 pages a 64-bit one.
        let pageLimit: UInt64 = limits.is64 ? 1 << 48 : 65536
        if limits.min > pageLimit || (limits.max ?? 0) > pageLimit {
            throw ValidationError(
                location: location, offset: 0,
                message: limits.is64
                    ? "memory size must be at most 2^48 pages" : "memory size must be at most 65536 pages (4GiB)")
        }
        if let max = limits.max, limits.min > max {
            throw ValidationError(
                location: location, offset: 0, message: "size minimum must not be greater than maximum")
        }
    }
}

/// Checks constant expressions (spec 3.3.10): constant instructions, and the integer `add`, `sub`
/// and `mul` of extended constant expressions, leaving one value of the right type.
struct ConstantContext {
    /// The type of every function (`ref.func $f` has type `(ref $t)` of `$f`).
    var functions: [FunctionSignature]
    var globals: [GlobalType]
    /// The type section, for `ref.null $t`.
    var types: [FunctionSignature]

    /// The expression's value, once it is known to be one constant of type `type`.
    func check(_ expression: ConstantExpression, type: ValueType, location: String) throws(ValidationError)
        -> ConstantValue
    {
        func fail(_ message: String) -> ValidationError {
            ValidationError(location: location, offset: expression.offset, message: message)
        }
        var instructions = expression.instructions
        if case .end = instructions.last { instructions.removeLast() }
        var stack: [(type: ValueType, value: ConstantValue)] = []
        for instruction in instructions {
            switch instruction {
            case .i32Const(let value): stack.append((.i32, .i32(UInt32(bitPattern: value))))
            case .i64Const(let value): stack.append((.i64, .i64(UInt64(bitPattern: value))))
            case .f32Const(let value): stack.append((.f32, .f32(bits: value.bitPattern)))
            case .f64Const(let value): stack.append((.f64, .f64(bits: value.bitPattern)))
            case .v128Const(let value):
                let (low, high) = v128Halves(value.bytes)
                stack.append((.v128, .v128(low: low, high: high)))
            case .refNull(.abstract(.exnRef)): stack.append((.exnref, .null(.exnref)))
            case .refNull(let heap):
                let type: ValueType
                do {
                    type = TypedReference(isNullable: true, heap: try ModuleDecoder.heapType(heap, types: types)).valueType
                } catch let unknown as ModuleDecoder.UnknownType {
                    throw fail("unknown type \(unknown.index)")
                } catch { throw fail("unsupported reference type \(heap)") }
                stack.append((type, .null(type)))
            case .refFunc(let index):
                guard index < functions.count else { throw fail("unknown function \(index)") }
                let type = ValueType.ref(TypedReference(isNullable: false, heap: .function(functions[Int(index)])))
                stack.append((type, .function(index)))
            case .binary(let op):
                guard let op = Self.extendedOperator(op) else { throw fail("constant expression required") }
                guard stack.count >= 2, stack[stack.count - 1].type == op.type, stack[stack.count - 2].type == op.type
                else {
                    throw fail("type mismatch: \(op.rawValue) in a constant expression needs two \(op.type) operands")
                }
                let right = stack.removeLast().value
                let left = stack.removeLast().value
                stack.append((op.type, .arithmetic(op, left, right)))
            case .globalGet(let index):
                guard index < globals.count else { throw fail("unknown global \(index)") }
                guard !globals[Int(index)].isMutable else { throw fail("constant expression required") }
                stack.append((globals[Int(index)].valueType, .global(index)))
            default:
                throw fail("constant expression required")
            }
        }
        guard stack.count == 1 else { throw fail("type mismatch: constant expression must produce one value") }
        guard stack[0].type.isSubtype(of: type) else { throw fail("type mismatch: expected \(type), got \(stack[0].type)") }
        return stack[0].value
    }

    /// The operator of an extended constant expression's arithmetic instruction, if it is one.
    static func extendedOperator(_ op: Instruction.Binary) -> ConstantOperator? {
        switch op {
        case .i32Add: .i32Add
        case .i32Sub: .i32Sub
        case .i32Mul: .i32Mul
        case .i64Add: .i64Add
        case .i64Sub: .i64Sub
        case .i64Mul: .i64Mul
        default: nil
        }
    }
}
