import WasmParser
import WasmTypes

/// What a function body may refer to (spec "contexts").
struct ValidationContext {
    var types: [FunctionSignature]
    var functions: [FunctionSignature]
    var tables: [TableType]
    var memories: [Limits]
    var globals: [GlobalType]
    var elementTypes: [ValueType]
    var dataCount: UInt32?
    /// Functions that may be named by `ref.func` in code (spec C.refs).
    var declaredReferences: Set<UInt32>
    /// Tag types, imported first (exception handling).
    var tags: [FunctionSignature] = []
}

/// Type-checks one function body with the algorithm of the spec's validation appendix,
/// recording the operand stack height at every instruction for the C emitter.
struct FunctionValidator {
    private enum FrameKind { case function, block, loop, `if`, `else` }

    private struct ControlFrame {
        var kind: FrameKind
        var parameters: [ValueType]
        var results: [ValueType]
        var height: Int
        var unreachable = false
        /// The non-defaultable locals set when the frame began; at its end (and at `else`)
        /// only those count as set again (spec 3.3.8, "local initialization").
        var initializedLocals: Set<UInt32> = []

        var labelTypes: [ValueType] { kind == .loop ? parameters : results }
    }

    let context: ValidationContext
    let signature: FunctionSignature
    let locals: [ValueType]
    let location: String

    /// `nil` stands for an unknown type, produced by popping in unreachable code.
    private var operands: [ValueType?] = []
    private var frames: [ControlFrame] = []
    private var offset = 0
    private var output: [TypedInstruction] = []
    /// The non-defaultable locals (non-null references) set so far in the current frame.
    private var initializedLocals: Set<UInt32> = []

    init(context: ValidationContext, signature: FunctionSignature, locals: [ValueType], location: String) {
        self.context = context
        self.signature = signature
        self.locals = locals
        self.location = location
    }

    private func error(_ message: String) -> ValidationError {
        ValidationError(location: location, offset: offset, message: message)
    }

    /// The body breaks the binary format (spec 5), not a validation rule.
    private func malformed(_ message: String) -> ValidationError {
        ValidationError(location: location, offset: offset, message: message, isMalformed: true)
    }

    mutating func validate(_ body: FunctionBody) throws(ValidationError) -> [TypedInstruction] {
        let instructions: [(Instruction, Int)]
        do {
            instructions = try body.instructions()
        } catch {
            // A truncated or undecodable body is malformed; report it where it happened.
            var failure = ValidationError(location: location, offset: error.offset, message: error.message)
            failure.isMalformed = true
            throw failure
        }
        frames = [ControlFrame(kind: .function, parameters: [], results: signature.results, height: 0)]
        output.reserveCapacity(instructions.count)
        for (instruction, instructionOffset) in instructions {
            offset = instructionOffset
            guard !frames.isEmpty else { throw malformed("instructions after the end of the function") }
            let height = operands.count
            let operation = try check(instruction)
            output.append(TypedInstruction(operation: operation, height: height, offset: instructionOffset))
        }
        guard frames.isEmpty else { throw malformed("END opcode expected") }
        return output
    }

    // MARK: Operand stack

    private mutating func push(_ type: ValueType?) { operands.append(type) }
    private mutating func push(_ types: [ValueType]) { for type in types { operands.append(type) } }

    private mutating func pop() throws(ValidationError) -> ValueType? {
        let frame = frames[frames.count - 1]
        if operands.count == frame.height {
            if frame.unreachable { return nil }
            throw error("type mismatch: operand stack underflow")
        }
        return operands.removeLast()
    }

    @discardableResult
    private mutating func pop(_ expected: ValueType) throws(ValidationError) -> ValueType? {
        let actual = try pop()
        if let actual, !actual.isSubtype(of: expected) {
            throw error("type mismatch: expected \(expected), got \(actual)")
        }
        return actual ?? expected
    }

    private mutating func pop(_ types: [ValueType]) throws(ValidationError) {
        for type in types.reversed() { try pop(type) }
    }

    private mutating func pushFrame(_ kind: FrameKind, _ parameters: [ValueType], _ results: [ValueType]) {
        frames.append(
            ControlFrame(
                kind: kind, parameters: parameters, results: results, height: operands.count,
                initializedLocals: initializedLocals))
        push(parameters)
    }

    private mutating func popFrame() throws(ValidationError) -> ControlFrame {
        guard let frame = frames.last else { throw error("unexpected end") }
        try pop(frame.results)
        if operands.count != frame.height {
            throw error("type mismatch: values remaining on the stack at end of block")
        }
        frames.removeLast()
        initializedLocals = frame.initializedLocals
        return frame
    }

    private mutating func markUnreachable() {
        operands.removeSubrange(frames[frames.count - 1].height...)
        frames[frames.count - 1].unreachable = true
    }

    private func label(_ depth: UInt32) throws(ValidationError) -> ControlFrame {
        guard depth < frames.count else { throw error("unknown label \(depth)") }
        return frames[frames.count - 1 - Int(depth)]
    }

    // MARK: Index spaces

    private func resolve(_ type: BlockType) throws(ValidationError) -> FunctionSignature {
        switch type {
        case .empty: return FunctionSignature(parameters: [], results: [])
        case .type(let valueType):
            do {
                return FunctionSignature(
                    parameters: [], results: [try ModuleDecoder.valueType(valueType, types: context.types)])
            } catch let unknown as ModuleDecoder.UnknownType {
                throw self.error("unknown type \(unknown.index)")
            } catch { throw self.error("unsupported block type \(valueType)") }
        case .funcType(let index):
            guard index < context.types.count else { throw error("unknown type \(index)") }
            return context.types[Int(index)]
        }
    }

    private func local(_ index: UInt32) throws(ValidationError) -> ValueType {
        let all = signature.parameters.count + locals.count
        guard index < all else { throw error("unknown local \(index)") }
        let i = Int(index)
        return i < signature.parameters.count ? signature.parameters[i] : locals[i - signature.parameters.count]
    }

    private func global(_ index: UInt32) throws(ValidationError) -> GlobalType {
        guard index < context.globals.count else { throw error("unknown global \(index)") }
        return context.globals[Int(index)]
    }

    private func table(_ index: UInt32) throws(ValidationError) -> TableType {
        guard index < context.tables.count else { throw error("unknown table \(index)") }
        return context.tables[Int(index)]
    }

    private func checkMemory(_ index: UInt32) throws(ValidationError) {
        guard index < context.memories.count else { throw error("unknown memory \(index)") }
    }

    private func checkDataSegment(_ index: UInt32) throws(ValidationError) {
        guard let count = context.dataCount else { throw malformed("data count section required") }
        guard index < count else { throw error("unknown data segment \(index)") }
    }

    private func elementType(_ index: UInt32) throws(ValidationError) -> ValueType {
        guard index < context.elementTypes.count else { throw error("unknown elem segment \(index)") }
        return context.elementTypes[Int(index)]
    }

    /// Checks the immediates of a row of the instruction table (spec 3.3.5-3.3.7: the memories,
    /// tables and segments exist, alignment is at most natural, element types agree); returns
    /// the element type of the table, for rows with `element` operands.
    private func checkImmediates(_ row: InstructionRow, _ immediates: Immediates) throws(ValidationError) -> ValueType {
        switch row.immediates {
        case .none:
            break
        case .table:
            return try table(immediates.table).elementType
        case .tablePair:
            let destinationTable = try table(immediates.table)
            let sourceTable = try table(immediates.sourceTable)
            guard sourceTable.elementType.isSubtype(of: destinationTable.elementType) else {
                throw error("type mismatch: table.copy between different element types")
            }
        case .data:
            try checkDataSegment(immediates.segment)
        case .dataToMemory:
            try checkMemory(immediates.memory)
            try checkDataSegment(immediates.segment)
        case .element:
            _ = try elementType(immediates.segment)
        case .elementToTable:
            let table = try table(immediates.table)
            guard try elementType(immediates.segment).isSubtype(of: table.elementType) else {
                throw error("type mismatch: table.init element type")
            }
        case .memory:
            try checkMemory(immediates.memory)
        case .memoryPair:
            try checkMemory(immediates.memory)
            try checkMemory(immediates.sourceMemory)
        case .memarg(let bytes):
            try checkMemarg(immediates, bytes: bytes)
        case .memargLane(let bytes, let lanes):
            try checkMemarg(immediates, bytes: bytes)
            guard immediates.lane < lanes else { throw error("invalid lane index") }
        case .lane(let count):
            guard immediates.lane < count else { throw error("invalid lane index") }
        case .shuffle:
            guard immediates.shuffle.allSatisfy({ $0 < 32 }) else { throw error("invalid lane index") }
        }
        return .funcref
    }

    /// A memarg (spec 3.3.7): its memory exists, its alignment is at most the access width of
    /// `bytes`, and its offset fits the memory's address type.
    private func checkMemarg(_ immediates: Immediates, bytes: UInt32) throws(ValidationError) {
        try checkMemory(immediates.memory)
        guard immediates.alignment < 32, (1 << immediates.alignment) <= bytes else {
            throw error("alignment must not be larger than natural")
        }
        // memory64 reads every offset as 64 bits; a 32-bit memory's must fit in 32.
        guard addressType(immediates.memory) == .i64 || immediates.offset <= UInt64(UInt32.max) else {
            throw error("offset out of range: a memarg offset of a 32-bit memory must be below 2^32")
        }
    }

    /// The address type of memory `index` (i64 for a memory64 memory); i32 for an unknown
    /// one, which `checkImmediates` has refused already.
    private func addressType(_ index: UInt32) -> ValueType {
        index < context.memories.count ? context.memories[Int(index)].addressType : .i32
    }

    /// The index type of table `index` (i64 for a table of table64); i32 for an unknown one,
    /// which `checkImmediates` or `call_indirect` has refused already.
    private func tableAddressType(_ index: UInt32) -> ValueType {
        index < context.tables.count ? context.tables[Int(index)].limits.addressType : .i32
    }

    // MARK: Exception handling

    private func tag(_ index: UInt32) throws(ValidationError) -> FunctionSignature {
        guard index < context.tags.count else { throw error("unknown tag \(index)") }
        return context.tags[Int(index)]
    }

    /// `try_table` (exception handling): each clause's label, seen from outside the block, must
    /// take what the clause passes (the tag's payload, then an exnref for the `_ref` forms);
    /// the block itself is typed like `block`.
    private mutating func checkTryTable(_ type: BlockType, _ catches: [WasmParser.CatchClause])
        throws(ValidationError) -> Operation
    {
        let blockType = try resolve(type)
        var clauses: [CatchClause] = []
        for clause in catches {
            let resolved: CatchClause
            let passed: [ValueType]
            switch clause {
            case .catch(let tagIndex, let label):
                passed = try tag(tagIndex).parameters
                resolved = .catch(tag: tagIndex, label: label)
            case .catchRef(let tagIndex, let label):
                passed = try tag(tagIndex).parameters + [.exnref]
                resolved = .catchRef(tag: tagIndex, label: label)
            case .catchAll(let label):
                passed = []
                resolved = .catchAll(label: label)
            case .catchAllRef(let label):
                passed = [.exnref]
                resolved = .catchAllRef(label: label)
            }
            let expected = try label(resolved.label).labelTypes
            guard passed.count == expected.count, zip(passed, expected).allSatisfy({ $0.isSubtype(of: $1) }) else {
                throw error(
                    "type mismatch: catch clause passes [\(passed.map(\.description).joined(separator: " "))] to a label of [\(expected.map(\.description).joined(separator: " "))]"
                )
            }
            clauses.append(resolved)
        }
        try pop(blockType.parameters)
        pushFrame(.block, blockType.parameters, blockType.results)
        return .tryTable(blockType, clauses)
    }

    /// A tail call returns the callee's results as the caller's own, so they must be the
    /// caller's result types (spec 3.3.8.11, `return_call`: t_3* must match C.return).
    private func checkTailCallResults(_ callee: FunctionSignature, instruction: String) throws(ValidationError) {
        guard callee.results.count == signature.results.count,
            zip(callee.results, signature.results).allSatisfy({ $0.isSubtype(of: $1) })
        else {
            throw error(
                "type mismatch: \(instruction) to a function returning (\(callee.results.map(\.description).joined(separator: " "))) in a function returning (\(signature.results.map(\.description).joined(separator: " ")))"
            )
        }
    }

    // MARK: Instructions

    /// Checks one instruction, applies its effect, and returns it with everything resolved.
    private mutating func check(_ instruction: Instruction) throws(ValidationError) -> Operation {
        if let (row, immediates) = InstructionTable.row(for: instruction) {
            // A plain instruction: its row says it all.
            let element = try checkImmediates(row, immediates)
            let address = addressType(immediates.memory)
            let sourceAddress = addressType(immediates.sourceMemory)
            let tableAddress = tableAddressType(immediates.table)
            let sourceTableAddress = tableAddressType(immediates.sourceTable)
            for operand in row.operands.reversed() {
                try pop(
                    operand.resolved(
                        address: address, sourceAddress: sourceAddress, element: element, tableAddress: tableAddress,
                        sourceTableAddress: sourceTableAddress))
            }
            for result in row.results {
                push(
                    result.resolved(
                        address: address, sourceAddress: sourceAddress, element: element, tableAddress: tableAddress,
                        sourceTableAddress: sourceTableAddress))
            }
            return .plain(row, immediates, element: element)
        }
        switch instruction {
        case .unreachable:
            markUnreachable()
            return .unreachable
        case .nop:
            return .nop
        case .block(let type):
            let blockType = try resolve(type)
            try pop(blockType.parameters)
            pushFrame(.block, blockType.parameters, blockType.results)
            return .block(blockType)
        case .loop(let type):
            let blockType = try resolve(type)
            try pop(blockType.parameters)
            pushFrame(.loop, blockType.parameters, blockType.results)
            return .loop(blockType)
        case .if(let type):
            let blockType = try resolve(type)
            try pop(.i32)
            try pop(blockType.parameters)
            pushFrame(.if, blockType.parameters, blockType.results)
            return .if(blockType)
        case .else:
            guard let last = frames.last, last.kind == .if else { throw error("else without a matching if") }
            let frame = try popFrame()
            pushFrame(.else, frame.parameters, frame.results)
            return .else
        case .end:
            let frame = try popFrame()
            if frame.kind == .if, frame.parameters != frame.results {
                throw error("type mismatch: if without else must leave its parameters unchanged")
            }
            push(frame.results)
            return .end
        case .br(let depth):
            try pop(try label(depth).labelTypes)
            markUnreachable()
            return .br(depth: depth)
        case .brIf(let depth):
            try pop(.i32)
            let types = try label(depth).labelTypes
            try pop(types)
            push(types)
            return .brIf(depth: depth)
        case .brTable(let targets):
            try pop(.i32)
            let defaultTypes = try label(targets.defaultIndex).labelTypes
            for depth in targets.labelIndices {
                let types = try label(depth).labelTypes
                guard types.count == defaultTypes.count else {
                    throw error("type mismatch: br_table targets differ in arity")
                }
                let saved = operands
                try pop(types)
                operands = saved
            }
            try pop(defaultTypes)
            markUnreachable()
            return .brTable(depths: Array(targets.labelIndices), defaultDepth: targets.defaultIndex)
        case .return:
            try pop(signature.results)
            markUnreachable()
            return .return
        case .call(let index):
            guard index < context.functions.count else { throw error("unknown function \(index)") }
            let callee = context.functions[Int(index)]
            try pop(callee.parameters)
            push(callee.results)
            return .call(function: index, callee)
        case .callIndirect(let typeIndex, let tableIndex):
            let table = try table(tableIndex)
            guard table.elementType.isSubtype(of: .funcref) else {
                throw error("type mismatch: call_indirect needs a funcref table")
            }
            guard typeIndex < context.types.count else { throw error("unknown type \(typeIndex)") }
            let callee = context.types[Int(typeIndex)]
            try pop(table.limits.addressType)
            try pop(callee.parameters)
            push(callee.results)
            return .callIndirect(table: tableIndex, callee)
        case .returnCall(let index):
            guard index < context.functions.count else { throw error("unknown function \(index)") }
            let callee = context.functions[Int(index)]
            try checkTailCallResults(callee, instruction: "return_call")
            try pop(callee.parameters)
            markUnreachable()
            return .returnCall(function: index, callee)
        case .returnCallIndirect(let typeIndex, let tableIndex):
            let table = try table(tableIndex)
            guard table.elementType == .funcref else {
                throw error("type mismatch: return_call_indirect needs a funcref table")
            }
            guard typeIndex < context.types.count else { throw error("unknown type \(typeIndex)") }
            let callee = context.types[Int(typeIndex)]
            try checkTailCallResults(callee, instruction: "return_call_indirect")
            try pop(table.limits.addressType)
            try pop(callee.parameters)
            markUnreachable()
            return .returnCallIndirect(table: tableIndex, callee)
        case .drop:
            _ = try pop()
            return .drop
        case .select:
            try pop(.i32)
            let first = try pop()
            let second = try pop()
            if let first, first.isReference { throw error("type mismatch: select needs a type for references") }
            if let second, second.isReference { throw error("type mismatch: select needs a type for references") }
            if let first, let second, first != second { throw error("type mismatch: select operands differ") }
            let type = first ?? second
            push(type)
            return .select(type)
        case .typedSelect(let wasmType):
            let type: ValueType
            do { type = try ModuleDecoder.valueType(wasmType, types: context.types) } catch let unknown
                as ModuleDecoder.UnknownType
            {
                throw self.error("unknown type \(unknown.index)")
            } catch { throw self.error("unsupported type in select") }
            try pop(.i32)
            try pop(type)
            try pop(type)
            push(type)
            return .select(type)
        case .localGet(let index):
            let type = try local(index)
            if !type.isDefaultable, Int(index) >= signature.parameters.count, !initializedLocals.contains(index) {
                throw error("uninitialized local \(index): a non-null reference local is read before it is set")
            }
            push(type)
            return .localGet(index, type)
        case .localSet(let index):
            let type = try local(index)
            try pop(type)
            if !type.isDefaultable { initializedLocals.insert(index) }
            return .localSet(index, type)
        case .localTee(let index):
            let type = try local(index)
            try pop(type)
            if !type.isDefaultable { initializedLocals.insert(index) }
            push(type)
            return .localTee(index, type)
        case .globalGet(let index):
            let type = try global(index).valueType
            push(type)
            return .globalGet(index, type)
        case .globalSet(let index):
            let global = try global(index)
            guard global.isMutable else { throw error("global is immutable") }
            try pop(global.valueType)
            return .globalSet(index, global.valueType)
        case .i32Const(let value):
            push(.i32)
            return .i32Const(UInt32(bitPattern: value))
        case .i64Const(let value):
            push(.i64)
            return .i64Const(UInt64(bitPattern: value))
        case .f32Const(let value):
            push(.f32)
            return .f32Const(bits: value.bitPattern)
        case .f64Const(let value):
            push(.f64)
            return .f64Const(bits: value.bitPattern)
        case .v128Const(let value):
            push(.v128)
            let (low, high) = v128Halves(value.bytes)
            return .v128Const(low: low, high: high)
        case .refNull(let heapType):
            let type: ValueType
            if case .abstract(.exnRef) = heapType {
                type = .exnref
            } else {
                do {
                    type = TypedReference(isNullable: true, heap: try ModuleDecoder.heapType(heapType, types: context.types))
                        .valueType
                } catch let unknown as ModuleDecoder.UnknownType {
                    throw error("unknown type \(unknown.index)")
                } catch { throw self.error("unsupported reference type \(heapType)") }
            }
            push(type)
            return .refNull(type)
        case .tryTable(let type, let tryCatch):
            return try checkTryTable(type, tryCatch.catches)
        case .throw(let index):
            let tag = try tag(index)
            try pop(tag.parameters)
            markUnreachable()
            return .throw(tag: index, tag)
        case .throwRef:
            try pop(.exnref)
            markUnreachable()
            return .throwRef
        case .refIsNull:
            let type = try pop()
            if let type, !type.isReference { throw error("type mismatch: ref.is_null needs a reference") }
            push(.i32)
            return .refIsNull(type)
        case .refFunc(let index):
            guard index < context.functions.count else { throw error("unknown function \(index)") }
            guard context.declaredReferences.contains(index) else { throw error("undeclared function reference") }
            // Typed function references: `ref.func $f` has the exact type `(ref $t)` of `$f`.
            push(.ref(TypedReference(isNullable: false, heap: .function(context.functions[Int(index)]))))
            return .refFunc(index)
        default:
            return try checkFunctionReference(instruction)
        }
    }

    /// The instructions of typed function references (spec 3.3.3, 3.3.8): `call_ref`,
    /// `ref.as_non_null`, `br_on_null` and `br_on_non_null`.
    private mutating func checkFunctionReference(_ instruction: Instruction) throws(ValidationError) -> Operation {
        switch instruction {
        case .callRef(let typeIndex):
            guard typeIndex < context.types.count else { throw error("unknown type \(typeIndex)") }
            let callee = context.types[Int(typeIndex)]
            try pop(.ref(TypedReference(isNullable: true, heap: .function(callee))))
            try pop(callee.parameters)
            push(callee.results)
            return .callRef(callee)
        case .returnCallRef(let typeIndex):
            guard typeIndex < context.types.count else { throw error("unknown type \(typeIndex)") }
            let callee = context.types[Int(typeIndex)]
            try checkTailCallResults(callee, instruction: "return_call_ref")
            try pop(.ref(TypedReference(isNullable: true, heap: .function(callee))))
            try pop(callee.parameters)
            markUnreachable()
            return .returnCallRef(callee)
        case .refAsNonNull:
            let type = try popReference()
            push(type?.nonNullable)
            return .refAsNonNull(type)
        case .brOnNull(let depth):
            let type = try popReference()
            let types = try label(depth).labelTypes
            try pop(types)
            push(types)
            push(type?.nonNullable)
            return .brOnNull(depth: depth, type)
        case .brOnNonNull(let depth):
            let type = try popReference()
            let labelTypes = try label(depth).labelTypes
            guard let last = labelTypes.last, last.isReference else {
                throw error("type mismatch: br_on_non_null needs a label whose last type is a reference")
            }
            if let type, !type.nonNullable.isSubtype(of: last) {
                throw error("type mismatch: expected \(last), got \(type.nonNullable)")
            }
            let types = Array(labelTypes.dropLast())
            try pop(types)
            push(types)
            return .brOnNonNull(depth: depth, type)
        default:
            throw error("unsupported instruction \(instruction) (not part of WebAssembly 2.0 or relaxed SIMD)")
        }
    }

    /// Pops a reference of any type; nil when unknown (in unreachable code).
    private mutating func popReference() throws(ValidationError) -> ValueType? {
        let type = try pop()
        if let type, !type.isReference { throw error("type mismatch: expected a reference, got \(type)") }
        return type
    }
}
